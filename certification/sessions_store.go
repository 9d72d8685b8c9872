package certification

import (
	"time"

	"gorm.io/gorm"
)

// sessionRow is the sessions table.
type sessionRow struct {
	ID              string
	Reference       string
	CentreID        string
	VersionID       string
	Type            string
	Debut           Date
	Fin             Date
	Lieu            string
	Responsable     string
	Heure           string
	NumeroCeres     string
	CeresDeclareeLe *Date
	Statut          StatutSession
	MotifAnnulation string
	// MotifRegularisation is set when the autorité recorded the declaration
	// late; empty for a declaration made before the session.
	MotifRegularisation string
	DeclareeAt          *time.Time
	TenueAt             *time.Time
	DelibereeAt         *time.Time
	ValideeAt           *time.Time
	ValideePar          *string
	Version             int
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

func (sessionRow) TableName() string { return "sessions" }

// sessionJoined is what scopeSessions selects: a session and the codes of
// its version and titre.
type sessionJoined struct {
	Row         sessionRow `gorm:"embedded"`
	VersionCode string
	TitreCode   string
}

func (j sessionJoined) session() Session {
	r := j.Row
	return Session{ID: r.ID, Reference: r.Reference, CentreID: r.CentreID, VersionID: r.VersionID,
		VersionCode: j.VersionCode, TitreCode: j.TitreCode, Type: r.Type, Debut: r.Debut, Fin: r.Fin, Lieu: r.Lieu,
		Responsable: r.Responsable, Heure: r.Heure, NumeroCeres: r.NumeroCeres, CeresDeclareeLe: r.CeresDeclareeLe, Statut: r.Statut, MotifAnnulation: r.MotifAnnulation, MotifRegularisation: r.MotifRegularisation, DeclareeAt: r.DeclareeAt,
		TenueAt: r.TenueAt, DelibereeAt: r.DelibereeAt, ValideeAt: r.ValideeAt, ValideePar: r.ValideePar,
		Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// insertSession writes a new session with the blocs it covers.
func insertSession(tx *gorm.DB, row sessionRow, blocs []Bloc) error {
	if err := tx.Create(&row).Error; err != nil {
		return wrap(err, "session %s: insert", row.ID)
	}
	for _, b := range blocs {
		if err := tx.Exec("INSERT INTO session_blocs (session_id, bloc_id) VALUES (?, ?)", row.ID, b.ID).Error; err != nil {
			return wrap(err, "session %s: add bloc %s", row.ID, b.Code)
		}
	}
	return nil
}

// insertSessionJury seats a member on a session's jury.
func insertSessionJury(tx *gorm.DB, sessionID, membreID string) error {
	err := tx.Exec("INSERT INTO session_jury (session_id, membre_id) VALUES (?, ?)", sessionID, membreID).Error
	return wrap(err, "session %s: seat jury member %s", sessionID, membreID)
}

// scopeSessions restricts a query on sessions (aliased s) to the actor's.
// Scan its rows into sessionJoined, or through listSessions.
func scopeSessions(db *gorm.DB, a Acteur) (*gorm.DB, error) {
	q := db.Table("sessions AS s").
		Select("s.*, v.code AS version_code, t.code AS titre_code").
		Joins("JOIN titre_versions v ON v.id = s.version_id").
		Joins("JOIN titres t ON t.id = v.titre_id")
	switch a.Role {
	case RoleAdmin:
		return q, nil
	case RoleAutorite:
		return q.Where("s.centre_id IN (?)", centresDu(db, a.Territoire)), nil
	case RoleCentre:
		return q.Where("s.centre_id = ?", a.CentreID), nil
	case RoleJury:
		return q.Where(`s.id IN (SELECT sj.session_id FROM session_jury sj JOIN jury_membres m ON m.id = sj.membre_id
			WHERE m.utilisateur_id = ?)`, a.UtilisateurID), nil
	}
	return nil, forbidden()
}

// listSessions runs a query built on scopeSessions, without the CCP and jury
// lists (see loadSessionDetails).
func listSessions(q *gorm.DB) ([]Session, error) {
	var rows []sessionJoined
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	ss := make([]Session, len(rows))
	for i, r := range rows {
		ss[i] = r.session()
	}
	return ss, nil
}

func findSession(tx *gorm.DB, a Acteur, id string) (*Session, error) {
	sess, err := findSessionRow(tx, a, id)
	if err != nil {
		return nil, err
	}
	ss := []Session{*sess}
	if err := loadSessionDetails(tx, ss); err != nil {
		return nil, err
	}
	return &ss[0], nil
}

// findSessionRow is findSession without the CCP and jury lists, for the hot
// paths that need neither.
func findSessionRow(tx *gorm.DB, a Acteur, id string) (*Session, error) {
	if !validID(id) {
		return nil, notFound("Session")
	}
	q, err := scopeSessions(tx, a)
	if err != nil {
		return nil, err
	}
	ss, err := listSessions(q.Where("s.id = ?", id).Limit(1))
	if err != nil {
		return nil, wrap(err, "session %s: load", id)
	}
	if len(ss) == 0 {
		return nil, notFound("Session")
	}
	return &ss[0], nil
}

// loadSessionDetails fills the CCP and the jury of sessions, in two queries
// whatever their number.
func loadSessionDetails(tx *gorm.DB, ss []Session) error {
	if len(ss) == 0 {
		return nil
	}
	ids := make([]string, len(ss))
	idx := map[string]*Session{}
	for i := range ss {
		ids[i] = ss[i].ID
		idx[ss[i].ID] = &ss[i]
		ss[i].CCP, ss[i].Jury = []string{}, []MembreSession{}
	}
	var blocs []struct{ SessionID, Code string }
	if err := tx.Raw(`SELECT sb.session_id, b.code FROM session_blocs sb JOIN blocs b ON b.id = sb.bloc_id
		WHERE sb.session_id IN ? ORDER BY b.rang`, ids).Scan(&blocs).Error; err != nil {
		return wrap(err, "blocs of %d sessions: load", len(ids))
	}
	for _, b := range blocs {
		idx[b.SessionID].CCP = append(idx[b.SessionID].CCP, b.Code)
	}
	var jury []struct {
		SessionID string
		MembreID  string
		Nom       string
		Prenoms   string
		SigneAt   *time.Time
	}
	if err := tx.Raw(`SELECT sj.session_id, sj.membre_id, m.nom, m.prenoms, sj.signe_at FROM session_jury sj
		JOIN jury_membres m ON m.id = sj.membre_id WHERE sj.session_id IN ? ORDER BY m.nom, m.prenoms`, ids).Scan(&jury).Error; err != nil {
		return wrap(err, "jury of %d sessions: load", len(ids))
	}
	for _, j := range jury {
		idx[j.SessionID].Jury = append(idx[j.SessionID].Jury, MembreSession{MembreID: j.MembreID, Nom: j.Nom, Prenoms: j.Prenoms, SigneAt: j.SigneAt})
	}
	return nil
}

// updateSessionStatut writes a transition to a session still in status
// from at version. It reports false when the session changed in between.
func updateSessionStatut(tx *gorm.DB, id string, from StatutSession, version int, to sessionEtat, at time.Time) (bool, error) {
	set := map[string]any{"statut": to.Statut, "version": to.Version, "updated_at": at}
	for col, v := range map[string]*time.Time{"declaree_at": to.DeclareeAt, "tenue_at": to.TenueAt,
		"deliberee_at": to.DelibereeAt, "validee_at": to.ValideeAt} {
		if v != nil {
			set[col] = *v
		}
	}
	if to.ValideePar != "" {
		set["validee_par"] = to.ValideePar
	}
	if to.MotifAnnulation != "" {
		set["motif_annulation"] = to.MotifAnnulation
	}
	if to.MotifRegularisation != "" {
		set["motif_regularisation"] = to.MotifRegularisation
	}
	res := tx.Model(&sessionRow{}).Where("id = ? AND statut = ? AND version = ?", id, from, version).Updates(set)
	if res.Error != nil {
		return false, wrap(res.Error, "session %s: update from %s", id, from)
	}
	return res.RowsAffected > 0, nil
}

// signPV records a member's signature of the PV over the results digest emp.
func signPV(tx *gorm.DB, sessionID, membreID string, at time.Time, emp string) error {
	err := tx.Exec("UPDATE session_jury SET signe_at = ?, empreinte = ? WHERE session_id = ? AND membre_id = ?",
		at, emp, sessionID, membreID).Error
	return wrap(err, "session %s: signature of member %s", sessionID, membreID)
}

// countUnsigned counts the members of a session's jury who have not signed
// the results digest emp.
func countUnsigned(tx *gorm.DB, sessionID, emp string) (int64, error) {
	var n int64
	err := tx.Table("session_jury").Where("session_id = ? AND (signe_at IS NULL OR empreinte <> ?)", sessionID, emp).Count(&n).Error
	return n, wrap(err, "session %s: count signatures", sessionID)
}

// resetSignatures clears the PV signatures: they covered results that have
// just changed.
func resetSignatures(tx *gorm.DB, sessionID string) error {
	err := tx.Exec("UPDATE session_jury SET signe_at = NULL, empreinte = '' WHERE session_id = ? AND signe_at IS NOT NULL", sessionID).Error
	return wrap(err, "session %s: reset signatures", sessionID)
}

// sessionReferencesByID maps session ids to their references.
func sessionReferencesByID(tx *gorm.DB, ids []string) (map[string]string, error) {
	refs := map[string]string{}
	if len(ids) == 0 {
		return refs, nil
	}
	var rows []struct{ ID, Reference string }
	if err := tx.Table("sessions").Select("id, reference").Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, wrap(err, "references of %d sessions: load", len(ids))
	}
	for _, row := range rows {
		refs[row.ID] = row.Reference
	}
	return refs, nil
}
