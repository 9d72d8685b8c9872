package certification

import (
	"context"
	"maps"
	"slices"

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

// sommesSQL adds up the outcome counts of summary rows (aliased st).
const sommesSQL = `SUM(st.candidats) AS candidats, SUM(st.titre) AS titre, SUM(st.partiel) AS partiel,
	SUM(st.echec) AS echec, SUM(st.absent) AS absent`

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
	Parcours  string
	Candidats int64
	Titre     int64
	Partiel   int64
	Echec     int64
	Absent    int64
}

func (r groupeRow) effectifs() Effectifs {
	return Effectifs{r.Candidats, r.Titre, r.Partiel, r.Echec, r.Absent}
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
	// The summary (statistiques_sommaire.go) has a row per session and
	// parcours, and one per session and CCP. Each is read once over the
	// sessions in scope, and grouped into few rows: per centre and
	// parcours (the centres and the parcours are summed from them here),
	// per CCP. Only the most recent sessions are then grouped one by one.
	sommaire := func(table, cols string) (*gorm.DB, error) {
		return scopePeriode(db.Session(&gorm.Session{NewDB: true}).Table(table+" AS st").Select(cols).
			Joins("JOIN sessions s ON s.id = st.session_id"), db, a, f)
	}
	parts, err := sommaire("statistiques_sessions", "s.centre_id, st.parcours, "+sommesSQL)
	if err != nil {
		return nil, err
	}
	var rows []groupeRow
	if err := db.Raw(`SELECT ce.id AS cle, ce.nom AS libelle, p.parcours, p.candidats, p.titre, p.partiel, p.echec, p.absent
		FROM (?) AS p JOIN centres ce ON ce.id = p.centre_id
		ORDER BY ce.nom, ce.id, p.parcours`, parts.Group("s.centre_id, st.parcours")).Scan(&rows).Error; err != nil {
		return nil, wrap(err, "store: statistiques par centre et parcours")
	}
	st := &Statistiques{}
	parParcours := map[string]Effectifs{}
	for _, r := range rows {
		if n := len(st.ParCentre); n == 0 || st.ParCentre[n-1].Cle != r.Cle {
			st.ParCentre = append(st.ParCentre, GroupeEffectifs{Cle: r.Cle, Libelle: r.Libelle})
		}
		st.ParCentre[len(st.ParCentre)-1].add(r.effectifs())
		p := parParcours[r.Parcours]
		p.add(r.effectifs())
		parParcours[r.Parcours] = p
		st.Total.add(r.effectifs())
	}
	for _, code := range slices.Sorted(maps.Keys(parParcours)) {
		st.ParParcours = append(st.ParParcours, GroupeEffectifs{Cle: code, Libelle: code, Effectifs: parParcours[code]})
	}
	recentes, err := scopePeriode(db.Session(&gorm.Session{NewDB: true}).Table("sessions AS s").Select("s.id").
		Where("EXISTS (SELECT 1 FROM statistiques_sessions x WHERE x.session_id = s.id)").
		Order("s.debut DESC, s.reference").Limit(MaxSessionsStatistiques+1), db, a, f)
	if err != nil {
		return nil, err
	}
	rows = nil
	if err := db.Session(&gorm.Session{NewDB: true}).Table("statistiques_sessions AS st").
		Select("s.id AS cle, s.reference AS libelle, s.debut AS date, "+sommesSQL).
		Joins("JOIN sessions s ON s.id = st.session_id").Where("st.session_id IN (?)", recentes).
		Group("s.id, s.reference, s.debut").Order("s.debut DESC, s.reference").Scan(&rows).Error; err != nil {
		return nil, wrap(err, "store: statistiques par session")
	}
	for _, r := range rows {
		st.ParSession = append(st.ParSession, GroupeEffectifs{Cle: r.Cle, Libelle: r.Libelle, Date: r.Date, Effectifs: r.effectifs()})
	}
	if len(st.ParSession) > MaxSessionsStatistiques {
		st.ParSession, st.SessionsTronquees = st.ParSession[:MaxSessionsStatistiques], true
	}
	parBloc, err := sommaire("statistiques_ccp", "st.bloc_id, SUM(st.evalues) AS evalues, SUM(st.acquis) AS acquis")
	if err != nil {
		return nil, err
	}
	parBloc = parBloc.Group("st.bloc_id")
	if err := db.Session(&gorm.Session{NewDB: true}).Table("(?) AS g", parBloc).
		Select("t.code AS titre_code, b.code AS ccp, b.intitule, SUM(g.evalues) AS evalues, SUM(g.acquis) AS acquis").
		Joins("JOIN blocs b ON b.id = g.bloc_id").
		Joins("JOIN titre_versions v ON v.id = b.version_id").
		Joins("JOIN titres t ON t.id = v.titre_id").
		Group("t.code, b.code, b.intitule").Order("t.code, b.code, b.intitule").Find(&st.ParCCP).Error; err != nil {
		return nil, wrap(err, "store: statistiques par CCP")
	}
	return st, nil
}
