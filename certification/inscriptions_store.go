package certification

import (
	"time"

	"gorm.io/gorm"
)

// inscriptionRow is the inscriptions table.
type inscriptionRow struct {
	ID               string
	SessionID        string
	CandidatID       string
	EntretienFinalDu bool
	Presence         *string
	EntretienFinal   *string
	Issue            *string
	Explication      string
	DateLimite       *Date
	NotifieLe        *Date
	RetireeAt        *time.Time
	MotifRetrait     string
	ExcuseeAt        *time.Time
	MotifExcuse      string
	Version          int
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (inscriptionRow) TableName() string { return "inscriptions" }

// inscriptionJoined is what inscriptionSelect reads: an enrolment with its
// session's and candidat's columns.
type inscriptionJoined struct {
	Row              inscriptionRow `gorm:"embedded"`
	SessionReference string
	SessionType      string
	SessionDebut     Date
	SessionFin       Date
	SessionVersionID string
	SessionStatut    StatutSession
	NomNaissance     string
	NomUsage         string
	Prenoms          string
}

func (j inscriptionJoined) inscription() Inscription {
	r := j.Row
	return Inscription{ID: r.ID, SessionID: r.SessionID, CandidatID: r.CandidatID, EntretienFinalDu: r.EntretienFinalDu,
		Presence: r.Presence, EntretienFinal: r.EntretienFinal, Issue: r.Issue, Explication: r.Explication,
		DateLimite: r.DateLimite, NotifieLe: r.NotifieLe, ExcuseeAt: r.ExcuseeAt, MotifExcuse: r.MotifExcuse, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		SessionReference: j.SessionReference, SessionType: j.SessionType, SessionDebut: j.SessionDebut, SessionFin: j.SessionFin,
		SessionVersionID: j.SessionVersionID, SessionStatut: j.SessionStatut,
		NomNaissance: j.NomNaissance, NomUsage: j.NomUsage, Prenoms: j.Prenoms}
}

// evaluationRow is the evaluations table.
type evaluationRow struct {
	ID                         string
	InscriptionID              string
	BlocID                     string
	Decision                   string
	Motifs                     string
	MSP                        bool `gorm:"column:msp"`
	EntretienTechnique         bool
	QuestionnaireProfessionnel bool
	QuestionnementProductions  bool
	DossierProfessionnel       bool
	EcfPrisEnCompte            bool
	SaisiPar                   string
	RevoqueAt                  *time.Time
	RevoquePar                 *string
	MotifRevocation            string
	Version                    int
	CreatedAt                  time.Time
	UpdatedAt                  time.Time
}

func (evaluationRow) TableName() string { return "evaluations" }

func evaluationRowOf(e Evaluation) evaluationRow {
	return evaluationRow{ID: e.ID, InscriptionID: e.InscriptionID, BlocID: e.BlocID, Decision: e.Decision, Motifs: e.Motifs,
		MSP: e.MSP, EntretienTechnique: e.EntretienTechnique, QuestionnaireProfessionnel: e.QuestionnaireProfessionnel,
		QuestionnementProductions: e.QuestionnementProductions, DossierProfessionnel: e.DossierProfessionnel,
		EcfPrisEnCompte: e.EcfPrisEnCompte, SaisiPar: e.SaisiPar, RevoqueAt: e.RevoqueAt, RevoquePar: e.RevoquePar,
		MotifRevocation: e.MotifRevocation, Version: e.Version, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
}

func (r evaluationRow) evaluation(ccp string) Evaluation {
	return Evaluation{ID: r.ID, InscriptionID: r.InscriptionID, BlocID: r.BlocID, CCP: ccp, Decision: r.Decision, Motifs: r.Motifs,
		MSP: r.MSP, EntretienTechnique: r.EntretienTechnique, QuestionnaireProfessionnel: r.QuestionnaireProfessionnel,
		QuestionnementProductions: r.QuestionnementProductions, DossierProfessionnel: r.DossierProfessionnel,
		EcfPrisEnCompte: r.EcfPrisEnCompte, SaisiPar: r.SaisiPar, RevoqueAt: r.RevoqueAt, RevoquePar: r.RevoquePar,
		MotifRevocation: r.MotifRevocation, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

const inscriptionSelect = `i.*, s.reference AS session_reference, s.type AS session_type, s.debut AS session_debut,
	s.fin AS session_fin, s.version_id AS session_version_id, s.statut AS session_statut,
	c.nom_naissance, c.nom_usage, c.prenoms`

// joinedInscriptions selects the enrolments in force (aliased i) with their
// session (s) and candidat (c); read them with listInscriptions. A withdrawn
// enrolment stays in the table, and in the audit trail, but is no longer
// part of the session.
func joinedInscriptions(tx *gorm.DB) *gorm.DB {
	return tx.Table("inscriptions AS i").Select(inscriptionSelect).
		Joins("JOIN sessions s ON s.id = i.session_id").Joins("JOIN candidats c ON c.id = i.candidat_id").
		Where("i.retiree_at IS NULL")
}

// listInscriptions runs a query built on joinedInscriptions and fills the
// CCP and live evaluations of what it finds.
func listInscriptions(tx, q *gorm.DB) ([]Inscription, error) {
	var rows []inscriptionJoined
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	ins := make([]Inscription, len(rows))
	for i, r := range rows {
		ins[i] = r.inscription()
	}
	return ins, loadInscriptionDetails(tx, ins)
}

// loadInscriptionDetails fills the CCP and live evaluations of enrolments.
func loadInscriptionDetails(tx *gorm.DB, ins []Inscription) error {
	if len(ins) == 0 {
		return nil
	}
	ids := make([]string, len(ins))
	idx := map[string]*Inscription{}
	for i := range ins {
		ids[i] = ins[i].ID
		idx[ins[i].ID] = &ins[i]
		ins[i].CCP, ins[i].Evaluations = []string{}, []Evaluation{}
	}
	var blocs []struct{ InscriptionID, Code string }
	if err := tx.Raw(`SELECT ib.inscription_id, b.code FROM inscription_blocs ib JOIN blocs b ON b.id = ib.bloc_id
		WHERE ib.inscription_id IN ? ORDER BY b.rang`, ids).Scan(&blocs).Error; err != nil {
		return wrap(err, "blocs of %d inscriptions: load", len(ids))
	}
	for _, b := range blocs {
		idx[b.InscriptionID].CCP = append(idx[b.InscriptionID].CCP, b.Code)
	}
	var evs []struct {
		Row evaluationRow `gorm:"embedded"`
		CCP string
	}
	if err := tx.Raw(`SELECT e.*, b.code AS ccp FROM evaluations e JOIN blocs b ON b.id = e.bloc_id
		WHERE e.inscription_id IN ? AND e.revoque_at IS NULL ORDER BY b.rang`, ids).Scan(&evs).Error; err != nil {
		return wrap(err, "evaluations of %d inscriptions: load", len(ids))
	}
	for _, e := range evs {
		idx[e.Row.InscriptionID].Evaluations = append(idx[e.Row.InscriptionID].Evaluations, e.Row.evaluation(e.CCP))
	}
	return nil
}

// inscriptionsOf returns the enrolments of a session, or only one of them
// when inscriptionID is set, with their CCP and live evaluations.
func inscriptionsOf(tx *gorm.DB, sessionID, inscriptionID string) ([]Inscription, error) {
	q := joinedInscriptions(tx).Where("i.session_id = ?", sessionID)
	if inscriptionID != "" {
		q = q.Where("i.id = ?", inscriptionID)
	}
	ins, err := listInscriptions(tx, q.Order("c.nom_naissance, c.prenoms, i.id"))
	return ins, wrap(err, "inscriptions of session %s %s: load", sessionID, inscriptionID)
}

// findInscription returns one enrolment of a session with its CCP and live
// evaluations. Returns ErrNotFound if the session has no such enrolment.
func findInscription(tx *gorm.DB, sessionID, inscriptionID string) (*Inscription, error) {
	if !validID(inscriptionID) {
		return nil, notFound("Inscription")
	}
	ins, err := inscriptionsOf(tx, sessionID, inscriptionID)
	if err != nil {
		return nil, err
	}
	if len(ins) == 0 {
		return nil, notFound("Inscription")
	}
	return &ins[0], nil
}

// inscriptionsOfCandidat returns a candidat's enrolments in sessions of the
// given statuses, plus the session except, oldest first.
func inscriptionsOfCandidat(tx *gorm.DB, candidatID string, statuts []StatutSession, except string) ([]Inscription, error) {
	q := joinedInscriptions(tx).Where("i.candidat_id = ?", candidatID)
	if except != "" {
		q = q.Where("(s.statut IN ? OR s.id = ?)", statuts, except)
	} else {
		q = q.Where("s.statut IN ?", statuts)
	}
	ins, err := listInscriptions(tx, q.Order("s.fin, s.id"))
	return ins, wrap(err, "inscriptions of candidat %s: load", candidatID)
}

// insertInscription writes a new enrolment with the blocs it covers.
func insertInscription(tx *gorm.DB, row inscriptionRow, blocIDs []string) error {
	if err := tx.Create(&row).Error; err != nil {
		return wrap(err, "inscription %s of candidat %s in session %s: insert", row.ID, row.CandidatID, row.SessionID)
	}
	for _, b := range blocIDs {
		if err := tx.Exec("INSERT INTO inscription_blocs (inscription_id, bloc_id) VALUES (?, ?)", row.ID, b).Error; err != nil {
			return wrap(err, "inscription %s: add bloc %s", row.ID, b)
		}
	}
	return nil
}

// updatePresence records a candidat's presence and entretien final (nil:
// none) if the enrolment's version is still version, and reports false
// when it is not.
func updatePresence(tx *gorm.DB, id string, version int, presence, entretienFinal *string, at time.Time) (bool, error) {
	res := tx.Model(&inscriptionRow{}).Where("id = ? AND version = ?", id, version).Updates(map[string]any{
		"presence": nullable(presence), "entretien_final": nullable(entretienFinal), "version": version + 1, "updated_at": at})
	if res.Error != nil {
		return false, wrap(res.Error, "inscription %s version %d: presence", id, version)
	}
	return res.RowsAffected > 0, nil
}

// storeInscriptionOutcome records the outcome the rules derived for an
// enrolment, whatever its version: the session's lock orders deliberations.
func storeInscriptionOutcome(tx *gorm.DB, id, issue, explication string, dateLimite *Date, at time.Time) error {
	err := tx.Model(&inscriptionRow{}).Where("id = ?", id).Updates(map[string]any{"issue": issue, "explication": explication,
		"date_limite": nullable(dateLimite), "version": gorm.Expr("version + 1"), "updated_at": at}).Error
	if err != nil {
		return wrap(err, "inscription %s: store outcome", id)
	}
	return marquerInscription(tx, id)
}

// setEntretienFinalDu stores derived data without bumping the version.
func setEntretienFinalDu(tx *gorm.DB, id string, du bool) error {
	err := tx.Model(&inscriptionRow{}).Where("id = ?", id).UpdateColumn("entretien_final_du", du).Error
	return wrap(err, "inscription %s: entretien final dû", id)
}

// notifySession records the notification date of every enrolment of a session.
func notifySession(tx *gorm.DB, sessionID string, le Date) error {
	err := tx.Model(&inscriptionRow{}).Where("session_id = ?", sessionID).Update("notifie_le", le).Error
	return wrap(err, "inscriptions of session %s: notification", sessionID)
}

func insertEvaluation(tx *gorm.DB, e Evaluation) error {
	row := evaluationRowOf(e)
	if err := tx.Create(&row).Error; err != nil {
		return wrap(err, "evaluation %s of inscription %s: insert", e.ID, e.InscriptionID)
	}
	return marquerEvaluation(tx, e.ID)
}

// updateEvaluation replaces a live decision if its version is still
// version, and reports false when it is not.
func updateEvaluation(tx *gorm.DB, e Evaluation, version int) (bool, error) {
	res := tx.Model(&evaluationRow{}).Where("id = ? AND version = ? AND revoque_at IS NULL", e.ID, version).Updates(map[string]any{
		"decision": e.Decision, "motifs": e.Motifs, "msp": e.MSP, "entretien_technique": e.EntretienTechnique,
		"questionnaire_professionnel": e.QuestionnaireProfessionnel, "questionnement_productions": e.QuestionnementProductions,
		"dossier_professionnel": e.DossierProfessionnel, "ecf_pris_en_compte": e.EcfPrisEnCompte,
		"saisi_par": e.SaisiPar, "version": e.Version, "updated_at": e.UpdatedAt,
	})
	if res.Error != nil {
		return false, wrap(res.Error, "evaluation %s version %d: update", e.ID, version)
	}
	return res.RowsAffected > 0, marquerEvaluation(tx, e.ID)
}

// revokeEvaluation revokes a live decision, and reports false when it was
// revoked in between.
func revokeEvaluation(tx *gorm.DB, id, par, motif string, at time.Time) (bool, error) {
	res := tx.Model(&evaluationRow{}).Where("id = ? AND revoque_at IS NULL", id).
		Updates(map[string]any{"revoque_at": at, "revoque_par": par, "motif_revocation": motif})
	if res.Error != nil {
		return false, wrap(res.Error, "evaluation %s: revoke", id)
	}
	return res.RowsAffected > 0, marquerEvaluation(tx, id)
}

// pendingInscriptions returns the candidat's enrolments in force, in
// sessions other than except that are not yet deliberated nor cancelled,
// with their CCP.
func pendingInscriptions(tx *gorm.DB, candidatID, except string) ([]Inscription, error) {
	q := joinedInscriptions(tx).Where("i.candidat_id = ? AND s.id <> ? AND s.statut IN ?", candidatID, except,
		[]StatutSession{Planifiee, Declaree, Tenue})
	ins, err := listInscriptions(tx, q.Order("s.debut, s.id"))
	return ins, wrap(err, "pending inscriptions of candidat %s: load", candidatID)
}

// withdrawInscription marks an enrolment in force withdrawn, and reports
// false when it no longer is.
func withdrawInscription(tx *gorm.DB, id, motif string, at time.Time) (bool, error) {
	res := tx.Model(&inscriptionRow{}).Where("id = ? AND retiree_at IS NULL", id).Updates(map[string]any{
		"retiree_at": at, "motif_retrait": motif, "version": gorm.Expr("version + 1"), "updated_at": at})
	if res.Error != nil {
		return false, wrap(res.Error, "inscription %s: withdraw", id)
	}
	return res.RowsAffected > 0, marquerInscription(tx, id)
}
