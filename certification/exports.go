package certification

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// MaxJoursPeriode caps the period an export or the statistics cover: five
// years, the span of a titre's registration, is more than any report needs,
// and a bound keeps a mistyped year (0202 for 2026) from scanning everything.
const MaxJoursPeriode = 5*365 + 2

// DateDePeriode reports whether a date may bound a period: a year from
// 1900 to 2199. Outside, it is a typing mistake (0202 for 2026), and the
// year 1 would read as no date at all.
func DateDePeriode(d Date) bool {
	y := d.Time().Year()
	return y >= 1900 && y <= 2199
}

// MessageDateDePeriode says which dates DateDePeriode admits.
const MessageDateDePeriode = "Date hors des limites : une année entre 1900 et 2199 est attendue."

// FiltrePeriode selects the sessions that overlap a period, within the
// actor's scope: a centre its own, an autorité those of the centres of its
// territory, the administrator all. CentreID and SessionID narrow the
// scope, they never widen it.
type FiltrePeriode struct {
	Debut, Fin Date
	CentreID   string
	SessionID  string
}

// check reports every invalid bound at once, each on the name of its query
// parameter.
func (f FiltrePeriode) check() error {
	var fe []FieldError
	if f.Debut.IsZero() {
		fe = append(fe, FieldError{"debut", "requis", "La date de début de la période est requise."})
	}
	if f.Fin.IsZero() {
		fe = append(fe, FieldError{"fin", "requis", "La date de fin de la période est requise."})
	}
	for _, d := range []struct {
		name string
		d    Date
	}{{"debut", f.Debut}, {"fin", f.Fin}} {
		if !d.d.IsZero() && !DateDePeriode(d.d) {
			fe = append(fe, FieldError{d.name, "hors_limites", MessageDateDePeriode})
		}
	}
	switch {
	case len(fe) > 0:
	case f.Fin.Before(f.Debut):
		fe = append(fe, FieldError{"fin", "avant_debut", fmt.Sprintf("La fin de la période précède son début (%s).", f.Debut.Francais())})
	case f.Fin.Time().Sub(f.Debut.Time()) > MaxJoursPeriode*24*time.Hour:
		fe = append(fe, FieldError{"fin", "periode_trop_longue", "La période couvre au plus cinq ans : choisissez une fin plus proche du début."})
	}
	for _, p := range []struct{ name, id string }{{"centre_id", f.CentreID}, {"session_id", f.SessionID}} {
		if p.id != "" && !validID(p.id) {
			fe = append(fe, FieldError{p.name, "identifiant_invalide", "Un identifiant (UUID) est attendu."})
		}
	}
	if len(fe) > 0 {
		return Invalid("periode_invalide", "La période demandée est invalide.", fe...)
	}
	return nil
}

// scopePeriode restricts a query on sessions (aliased s) to the actor's
// sessions that overlap the period and were not cancelled. Only the
// administrator, the autorité and a centre read results over a period.
func scopePeriode(q *gorm.DB, db *gorm.DB, a Acteur, f FiltrePeriode) (*gorm.DB, error) {
	switch a.Role {
	case RoleAdmin:
	case RoleAutorite:
		q = q.Where("s.centre_id IN (?)", centresDu(db, a.Territoire))
	case RoleCentre:
		q = q.Where("s.centre_id = ?", a.CentreID)
	default:
		return nil, forbidden()
	}
	q = q.Where("s.statut <> ? AND s.fin >= ? AND s.debut <= ?", Annulee, f.Debut, f.Fin)
	if f.CentreID != "" {
		q = q.Where("s.centre_id = ?", f.CentreID)
	}
	if f.SessionID != "" {
		q = q.Where("s.id = ?", f.SessionID)
	}
	return q, nil
}

// LigneCeres is one line of the results export shaped like the ministry's
// CERES entry: one candidat for one CCP of one session (docs/domaine.md,
// « Export CERES »).
type LigneCeres struct {
	SessionReference string
	// NumeroCeres is the number CERES gave the session, empty until the
	// centre records it.
	NumeroCeres   string
	SessionType   string
	SessionStatut StatutSession
	Debut, Fin    Date
	TitreCode     string
	VersionCode   string
	CentreNom     string
	CentreSiret   string
	NomNaissance  string
	NomUsage      string
	Prenoms       string
	DateNaissance Date
	LieuNaissance string
	Parcours      Parcours
	CCP           string
	// Presence, Decision and Issue are the stored codes, empty until the
	// jury records them.
	Presence string
	Decision string
	Issue    string
	// DelibereeAt is when the jury's last signature deliberated the
	// session: the date of the decision.
	DelibereeAt *time.Time
}

// ExporterResultats hands emit, one at a time and in the order of the
// export, the lines of the CERES-shaped export of the sessions that overlap
// the period (see LigneCeres): every candidat still enrolled, for each CCP
// of the enrolment, with the jury's decision once recorded. Cancelled
// sessions and withdrawn candidats are left out. The rows come from a
// database cursor, so memory does not grow with the period. ErrInvalid
// (periode_invalide) for a bad period, ErrForbidden for a role that reads
// no results; an error of emit stops the export and is returned as is.
func (s *Service) ExporterResultats(ctx context.Context, a Acteur, f FiltrePeriode, emit func(*LigneCeres) error) error {
	if err := f.check(); err != nil {
		return err
	}
	db := s.read(ctx)
	q := db.Table("sessions AS s").
		Select(`s.reference AS session_reference, s.numero_ceres AS numero_ceres, s.type AS session_type, s.statut AS session_statut,
			s.debut, s.fin, t.code AS titre_code, v.code AS version_code, ce.nom AS centre_nom, ce.siret AS centre_siret,
			c.nom_naissance, c.nom_usage, c.prenoms, c.date_naissance, c.lieu_naissance, c.parcours, b.code AS ccp,
			COALESCE(i.presence, '') AS presence, COALESCE(e.decision, '') AS decision, COALESCE(i.issue, '') AS issue,
			s.deliberee_at`).
		Joins("JOIN centres ce ON ce.id = s.centre_id").
		Joins("JOIN titre_versions v ON v.id = s.version_id").
		Joins("JOIN titres t ON t.id = v.titre_id").
		Joins("JOIN inscriptions i ON i.session_id = s.id AND i.retiree_at IS NULL").
		Joins("JOIN candidats c ON c.id = i.candidat_id").
		Joins("JOIN inscription_blocs ib ON ib.inscription_id = i.id").
		Joins("JOIN blocs b ON b.id = ib.bloc_id").
		Joins("LEFT JOIN evaluations e ON e.inscription_id = i.id AND e.bloc_id = ib.bloc_id AND e.revoque_at IS NULL")
	q, err := scopePeriode(q, db, a, f)
	if err != nil {
		return err
	}
	rows, err := q.Order("s.debut, s.reference, c.nom_naissance, c.prenoms, c.id, b.rang").Rows()
	if err != nil {
		return wrap(err, "store: export CERES")
	}
	defer rows.Close()
	// Scanned by hand, not by GORM: its reflection cost a hundred
	// allocations a line, and an export reads hundreds of thousands.
	var l LigneCeres
	var statut, parcours string
	var deliberee sql.NullTime
	dest := []any{&l.SessionReference, &l.NumeroCeres, &l.SessionType, &statut, &l.Debut, &l.Fin, &l.TitreCode, &l.VersionCode,
		&l.CentreNom, &l.CentreSiret, &l.NomNaissance, &l.NomUsage, &l.Prenoms, &l.DateNaissance, &l.LieuNaissance, &parcours,
		&l.CCP, &l.Presence, &l.Decision, &l.Issue, &deliberee}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return wrap(err, "store: export CERES: scan")
		}
		l.SessionStatut, l.Parcours, l.DelibereeAt = StatutSession(statut), Parcours(parcours), nil
		if deliberee.Valid {
			l.DelibereeAt = &deliberee.Time
		}
		if err := emit(&l); err != nil {
			return err
		}
	}
	return wrap(rows.Err(), "store: export CERES: rows")
}

// LigneSession is one session of the sessions export, with the outcomes of
// its candidats once deliberated (zero before).
type LigneSession struct {
	Reference   string
	Type        string
	Statut      StatutSession
	Debut, Fin  Date
	Lieu        string
	TitreCode   string
	VersionCode string
	CentreNom   string
	Effectifs
}

// ExporterSessions hands emit the sessions that overlap the period, in
// date order, each with its candidats still enrolled and their outcomes,
// read through a database cursor. Errors as ExporterResultats.
func (s *Service) ExporterSessions(ctx context.Context, a Acteur, f FiltrePeriode, emit func(*LigneSession) error) error {
	if err := f.check(); err != nil {
		return err
	}
	db := s.read(ctx)
	q := db.Table("sessions AS s").
		Select(`s.reference, s.type, s.statut, s.debut, s.fin, s.lieu, t.code AS titre_code, v.code AS version_code,
			ce.nom AS centre_nom, ` + effectifsSQL).
		Joins("JOIN centres ce ON ce.id = s.centre_id").
		Joins("JOIN titre_versions v ON v.id = s.version_id").
		Joins("JOIN titres t ON t.id = v.titre_id").
		Joins("LEFT JOIN inscriptions i ON i.session_id = s.id AND i.retiree_at IS NULL")
	q, err := scopePeriode(q, db, a, f)
	if err != nil {
		return err
	}
	rows, err := q.Group("s.id, s.reference, s.type, s.statut, s.debut, s.fin, s.lieu, t.code, v.code, ce.nom").
		Order("s.debut, s.reference").Rows()
	if err != nil {
		return wrap(err, "store: export sessions")
	}
	return scanEach(db, rows, "sessions", emit)
}

// LibellePresence names a presence code for people (« excusé »), and
// « non renseignée » for none.
func LibellePresence(code string) string { return libellePresence[code] }

// LibelleIssue names an outcome code for people (« Réussite partielle »),
// and « Non délibéré » for none.
func LibelleIssue(code string) string { return libelleIssue[code] }

// LibelleDecision names a decision on a CCP for people (« non acquis »),
// empty for none.
func LibelleDecision(code string) string { return libelleDecision[code] }

// scanEach hands emit each row of a cursor, scanned into one value reused
// from row to row, and closes the cursor.
func scanEach[L any](db *gorm.DB, rows *sql.Rows, what string, emit func(*L) error) error {
	defer rows.Close()
	var l L
	var zero L
	for rows.Next() {
		l = zero
		if err := db.ScanRows(rows, &l); err != nil {
			return wrap(err, "store: export %s: scan", what)
		}
		if err := emit(&l); err != nil {
			return err
		}
	}
	return wrap(rows.Err(), "store: export %s: rows", what)
}
