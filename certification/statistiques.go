package certification

import (
	"context"

	"gorm.io/gorm"
)

// Effectifs counts candidats by outcome. In the statistics only
// deliberated candidats count, so the four outcomes add up to Candidats; in
// the sessions export Candidats is every candidat still enrolled.
type Effectifs struct {
	Candidats int64
	// Titre counts the titres (and CCS) obtained.
	Titre   int64
	Partiel int64
	Echec   int64
	Absent  int64
}

// Presentes is the number of candidats who sat the session: those with an
// outcome other than absent.
func (e Effectifs) Presentes() int64 { return e.Titre + e.Partiel + e.Echec }

// Taux is n as a share of Candidats, 0 when there is none.
func (e Effectifs) Taux(n int64) float64 {
	if e.Candidats == 0 {
		return 0
	}
	return float64(n) / float64(e.Candidats)
}

func (e *Effectifs) add(o Effectifs) {
	e.Candidats += o.Candidats
	e.Titre += o.Titre
	e.Partiel += o.Partiel
	e.Echec += o.Echec
	e.Absent += o.Absent
}

// effectifsSQL counts the enrolments (aliased i) of a group by outcome. An
// absent or excused candidat's outcome is absent; a candidat excluded for
// fraud fails.
const effectifsSQL = `COUNT(i.id) AS candidats,
	COALESCE(SUM(CASE WHEN i.issue IN ('titre', 'ccs') THEN 1 ELSE 0 END), 0) AS titre,
	COALESCE(SUM(CASE WHEN i.issue = 'partiel' THEN 1 ELSE 0 END), 0) AS partiel,
	COALESCE(SUM(CASE WHEN i.issue = 'echec' THEN 1 ELSE 0 END), 0) AS echec,
	COALESCE(SUM(CASE WHEN i.issue = 'absent' THEN 1 ELSE 0 END), 0) AS absent`

// GroupeEffectifs is the outcomes of one group: a centre, a parcours or a
// session. Cle identifies it (an id, a parcours code), Libelle names it (a
// centre's name, a session's reference; the parcours code for a parcours,
// which the views name).
type GroupeEffectifs struct {
	Cle     string
	Libelle string
	// Date is the first day of a session, zero for the other groups.
	Date Date
	Effectifs
}

// ReussiteCCP is the success rate of one CCP: decisions recorded, and
// acquired among them.
type ReussiteCCP struct {
	TitreCode string
	CCP       string
	Intitule  string
	Evalues   int64
	Acquis    int64
}

// Taux is the share of acquired decisions, 0 without any.
func (r ReussiteCCP) Taux() float64 {
	if r.Evalues == 0 {
		return 0
	}
	return float64(r.Acquis) / float64(r.Evalues)
}

// MaxSessionsStatistiques caps the sessions listed one by one: a page or a
// JSON answer stays readable, and the totals still count every session.
const MaxSessionsStatistiques = 100

// Statistiques are the outcomes of the deliberated candidats of the
// sessions that overlap a period, in the actor's scope.
type Statistiques struct {
	Total       Effectifs
	ParCentre   []GroupeEffectifs
	ParParcours []GroupeEffectifs
	// ParSession lists the most recent sessions first, at most
	// MaxSessionsStatistiques; SessionsTronquees says some were left out.
	ParSession        []GroupeEffectifs
	SessionsTronquees bool
	ParCCP            []ReussiteCCP
}

type groupeRow struct {
	Cle       string
	Libelle   string
	Date      Date
	Candidats int64
	Titre     int64
	Partiel   int64
	Echec     int64
	Absent    int64
}

// Statistiques computes, by SQL aggregates, the outcomes of the
// deliberated candidats of the sessions that overlap the period: per
// centre, per parcours, per session and in total, and the success rate of
// each CCP. Withdrawn candidats, cancelled sessions and revoked decisions
// do not count. ErrInvalid (periode_invalide) for a bad period,
// ErrForbidden for a role that reads no results.
func (s *Service) Statistiques(ctx context.Context, a Acteur, f FiltrePeriode) (*Statistiques, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	db := s.read(ctx)
	base := func() (*gorm.DB, error) {
		q := db.Table("inscriptions AS i").
			Joins("JOIN sessions s ON s.id = i.session_id").
			Where("i.issue IS NOT NULL AND i.retiree_at IS NULL")
		return scopePeriode(q, db, a, f)
	}
	groupes := func(q *gorm.DB, cle, libelle, date string, group string) ([]GroupeEffectifs, error) {
		var rows []groupeRow
		if err := q.Select(cle + " AS cle, " + libelle + " AS libelle, " + date + " AS date, " + effectifsSQL).
			Group(group).Find(&rows).Error; err != nil {
			return nil, err
		}
		out := make([]GroupeEffectifs, len(rows))
		for i, r := range rows {
			out[i] = GroupeEffectifs{Cle: r.Cle, Libelle: r.Libelle, Date: r.Date,
				Effectifs: Effectifs{r.Candidats, r.Titre, r.Partiel, r.Echec, r.Absent}}
		}
		return out, nil
	}
	st := &Statistiques{}
	q, err := base()
	if err != nil {
		return nil, err
	}
	if st.ParCentre, err = groupes(q.Joins("JOIN centres ce ON ce.id = s.centre_id").Order("ce.nom, ce.id"),
		"ce.id", "ce.nom", "NULL", "ce.id, ce.nom"); err != nil {
		return nil, wrap(err, "store: statistiques par centre")
	}
	for _, g := range st.ParCentre {
		st.Total.add(g.Effectifs)
	}
	q, _ = base()
	if st.ParParcours, err = groupes(q.Joins("JOIN candidats c ON c.id = i.candidat_id").Order("c.parcours"),
		"c.parcours", "c.parcours", "NULL", "c.parcours"); err != nil {
		return nil, wrap(err, "store: statistiques par parcours")
	}
	q, _ = base()
	if st.ParSession, err = groupes(q.Order("s.debut DESC, s.reference").Limit(MaxSessionsStatistiques+1),
		"s.id", "s.reference", "s.debut", "s.id, s.reference, s.debut"); err != nil {
		return nil, wrap(err, "store: statistiques par session")
	}
	if len(st.ParSession) > MaxSessionsStatistiques {
		st.ParSession, st.SessionsTronquees = st.ParSession[:MaxSessionsStatistiques], true
	}
	q, _ = base()
	if err := q.Select(`t.code AS titre_code, b.code AS ccp, b.intitule, COUNT(*) AS evalues,
			COALESCE(SUM(CASE WHEN e.decision = 'acquis' THEN 1 ELSE 0 END), 0) AS acquis`).
		Joins("JOIN evaluations e ON e.inscription_id = i.id AND e.revoque_at IS NULL").
		Joins("JOIN blocs b ON b.id = e.bloc_id").
		Joins("JOIN titre_versions v ON v.id = b.version_id").
		Joins("JOIN titres t ON t.id = v.titre_id").
		Group("t.code, b.code, b.intitule").Order("t.code, b.code, b.intitule").Find(&st.ParCCP).Error; err != nil {
		return nil, wrap(err, "store: statistiques par CCP")
	}
	return st, nil
}
