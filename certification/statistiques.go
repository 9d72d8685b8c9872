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

// sommesSQL adds up the outcome counts of per-session groups (aliased g).
const sommesSQL = `SUM(g.candidats) AS candidats, SUM(g.titre) AS titre, SUM(g.partiel) AS partiel,
	SUM(g.echec) AS echec, SUM(g.absent) AS absent`

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
	Groupe    string
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
	// The summary (statistiques_sommaire.go) has a row per session and
	// parcours: the rows of the sessions in scope are read once, and the
	// three groupings come from that small result in the same statement;
	// rang keeps each grouping in its order through UNION ALL.
	g, err := scopePeriode(db.Session(&gorm.Session{NewDB: true}).Table("statistiques_sessions AS st").
		Select(`st.session_id, st.parcours, s.centre_id, s.debut, s.reference,
			st.candidats, st.titre, st.partiel, st.echec, st.absent`).
		Joins("JOIN sessions s ON s.id = st.session_id"), db, a, f)
	if err != nil {
		return nil, err
	}
	var rows []groupeRow
	if err := db.Raw(`WITH g AS (?)
	SELECT 'centre' AS groupe, ROW_NUMBER() OVER (ORDER BY ce.nom, ce.id) AS rang,
		ce.id AS cle, ce.nom AS libelle, CAST(NULL AS DATE) AS date, `+sommesSQL+`
		FROM g JOIN centres ce ON ce.id = g.centre_id
		GROUP BY ce.id, ce.nom
	UNION ALL
	SELECT 'parcours', ROW_NUMBER() OVER (ORDER BY g.parcours), g.parcours, g.parcours, CAST(NULL AS DATE), `+sommesSQL+`
		FROM g GROUP BY g.parcours
	UNION ALL
	SELECT * FROM (SELECT 'session' AS groupe, ROW_NUMBER() OVER (ORDER BY g.debut DESC, g.reference) AS rang,
		g.session_id, g.reference, g.debut, `+sommesSQL+`
		FROM g GROUP BY g.session_id, g.reference, g.debut
		ORDER BY g.debut DESC, g.reference LIMIT ?) AS p
	ORDER BY groupe, rang`, g, MaxSessionsStatistiques+1).Scan(&rows).Error; err != nil {
		return nil, wrap(err, "store: statistiques par groupe")
	}
	st := &Statistiques{}
	for _, r := range rows {
		g := GroupeEffectifs{Cle: r.Cle, Libelle: r.Libelle, Date: r.Date,
			Effectifs: Effectifs{r.Candidats, r.Titre, r.Partiel, r.Echec, r.Absent}}
		switch r.Groupe {
		case "centre":
			st.ParCentre = append(st.ParCentre, g)
			st.Total.add(g.Effectifs)
		case "parcours":
			st.ParParcours = append(st.ParParcours, g)
		default:
			st.ParSession = append(st.ParSession, g)
		}
	}
	if len(st.ParSession) > MaxSessionsStatistiques {
		st.ParSession, st.SessionsTronquees = st.ParSession[:MaxSessionsStatistiques], true
	}
	parBloc, err := scopePeriode(db.Session(&gorm.Session{NewDB: true}).Table("statistiques_ccp AS st").
		Select("st.bloc_id, st.evalues, st.acquis").
		Joins("JOIN sessions s ON s.id = st.session_id"), db, a, f)
	if err != nil {
		return nil, err
	}
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
