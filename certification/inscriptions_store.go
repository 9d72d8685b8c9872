package certification

import (
	"database/sql"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/rules"
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

// setEvaluation replaces a live decision if its version is still version,
// and reports false when it is not. The caller keeps the statistics
// summary (marquerEvaluation) when it counts the decision.
func setEvaluation(tx *gorm.DB, e Evaluation, version int) (bool, error) {
	res := tx.Model(&evaluationRow{}).Where("id = ? AND version = ? AND revoque_at IS NULL", e.ID, version).Updates(map[string]any{
		"decision": e.Decision, "motifs": e.Motifs, "msp": e.MSP, "entretien_technique": e.EntretienTechnique,
		"questionnaire_professionnel": e.QuestionnaireProfessionnel, "questionnement_productions": e.QuestionnementProductions,
		"dossier_professionnel": e.DossierProfessionnel, "ecf_pris_en_compte": e.EcfPrisEnCompte,
		"saisi_par": e.SaisiPar, "version": e.Version, "updated_at": e.UpdatedAt,
	})
	if res.Error != nil {
		return false, wrap(res.Error, "evaluation %s version %d: update", e.ID, version)
	}
	return res.RowsAffected > 0, nil
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

// gardeSaisie is what guards a jury member's recording on one enrolment,
// read by lireGardeSaisie in one statement.
type gardeSaisie struct {
	sess Session
	// ins is nil when the session has no such enrolment in force; its CCP
	// and live evaluations are filled.
	ins *Inscription
	// membreID is the acting member, who sits on the session's jury.
	membreID string
	// liens are the natures of the links the member declared with the
	// candidat.
	liens []string
	// blocs maps the codes of the session's version's blocs to their ids.
	blocs map[string]string
	// candidat is what the rules need to check a decision against the
	// candidat's route (rules.VerifierEvaluation).
	candidat rules.Candidat
	// signee tells whether a member signed the PV as it stands.
	signee bool
}

// gardeSaisieSQL reads a session in the jury's scope with the acting
// member, one enrolment with its CCP, its candidat's route and the
// member's links with it, and one row per live evaluation. The lists come
// as comma-separated aggregates (codes, ids and link natures hold no
// comma), so that one statement carries them all.
func gardeSaisieSQL(postgres bool) string {
	agg := func(expr, from, order string) string {
		if postgres {
			return "(SELECT string_agg(" + expr + ", ',' ORDER BY " + order + ") FROM " + from + ")"
		}
		return "(SELECT group_concat(" + expr + ", ',' ORDER BY " + order + ") FROM " + from + ")"
	}
	q := `SELECT s.statut, s.type, s.version_id, s.fin, t.code, sj.membre_id,
		i.id, i.candidat_id, i.entretien_final_du, i.presence, i.entretien_final, i.issue, i.version,
		` + agg("b.code", "inscription_blocs ib JOIN blocs b ON b.id = ib.bloc_id WHERE ib.inscription_id = i.id", "b.rang") + `,
		` + agg("b.code || ':' || b.id", "blocs b WHERE b.version_id = s.version_id", "b.rang") + `,
		` + agg("l.nature", "liens l WHERE l.membre_id = sj.membre_id AND l.candidat_id = i.candidat_id", "l.created_at, l.id") + `,
		` + agg("b.code", "candidat_ecf x JOIN blocs b ON b.id = x.bloc_id WHERE x.candidat_id = i.candidat_id", "b.rang") + `,
		c.nom_naissance, c.prenoms, c.parcours, c.vae_date_notification IS NOT NULL, CASE WHEN c.formation_debut IS NOT NULL THEN c.formation_fin END,
		EXISTS (SELECT 1 FROM session_jury x WHERE x.session_id = s.id AND x.signe_at IS NOT NULL),
		e.id, eb.code, e.bloc_id, e.decision, e.motifs, e.msp, e.entretien_technique, e.questionnaire_professionnel,
		e.questionnement_productions, e.dossier_professionnel, e.ecf_pris_en_compte, e.saisi_par, e.version, e.created_at, e.updated_at
	FROM sessions s JOIN titre_versions v ON v.id = s.version_id JOIN titres t ON t.id = v.titre_id
	JOIN session_jury sj ON sj.session_id = s.id JOIN jury_membres m ON m.id = sj.membre_id AND m.utilisateur_id = ?
	LEFT JOIN inscriptions i ON i.id = ? AND i.session_id = s.id AND i.retiree_at IS NULL
	LEFT JOIN candidats c ON c.id = i.candidat_id
	LEFT JOIN evaluations e ON e.inscription_id = i.id AND e.revoque_at IS NULL
	LEFT JOIN blocs eb ON eb.id = e.bloc_id
	WHERE s.id = ?
	ORDER BY eb.rang`
	return q
}

var gardeSaisiePG, gardeSaisieSQLite = gardeSaisieSQL(true), gardeSaisieSQL(false)

// lireGardeSaisie takes the session's shared lock (lockSession) and reads
// what guards a recording by the member of account utilisateurID on an
// enrolment, in one statement after it: a transaction that held the lock
// exclusively and changed the session (a deliberation, a signature) is
// seen whole. It returns nil when the session does not exist or the
// member does not sit on its jury.
func lireGardeSaisie(tx *gorm.DB, utilisateurID, sessionID, inscriptionID string) (*gardeSaisie, error) {
	if err := lockSession(tx, sessionID, lockShared); err != nil {
		return nil, err
	}
	q := gardeSaisieSQLite
	if tx.Dialector.Name() == "postgres" {
		q = gardeSaisiePG
	}
	rows, err := tx.Raw(q, utilisateurID, inscriptionID, sessionID).Rows()
	if err != nil {
		return nil, wrap(err, "session %s inscription %s: guard of a recording", sessionID, inscriptionID)
	}
	defer rows.Close()
	return scanGardeSaisie(rows, sessionID, inscriptionID)
}

// scanGardeSaisie reads the rows of gardeSaisieSQL.
func scanGardeSaisie(rows lignes, sessionID, inscriptionID string) (*gardeSaisie, error) {
	var g *gardeSaisie
	for rows.Next() {
		var (
			statut, typ, versionID, titreCode, membreID string
			fin                                         Date
			insID, candidatID                           sql.NullString
			efDu                                        sql.NullBool
			presence, entretienFinal, issue             *string
			insVersion                                  sql.NullInt64
			ccp, blocs, liens, ecf, parcours            sql.NullString
			nomNaissance, prenoms                       sql.NullString
			vae                                         sql.NullBool
			finFormation                                Date
			signee                                      bool
			evID, evCCP, evBloc, decision, motifs       sql.NullString
			msp, et, qp, qprod, dp, ecfPris             sql.NullBool
			saisiPar                                    sql.NullString
			evVersion                                   sql.NullInt64
			createdAt, updatedAt                        sql.NullTime
		)
		if err := rows.Scan(&statut, &typ, &versionID, &fin, &titreCode, &membreID,
			&insID, &candidatID, &efDu, &presence, &entretienFinal, &issue, &insVersion,
			&ccp, &blocs, &liens, &ecf, &nomNaissance, &prenoms, &parcours, &vae, &finFormation, &signee,
			&evID, &evCCP, &evBloc, &decision, &motifs, &msp, &et, &qp, &qprod, &dp, &ecfPris, &saisiPar, &evVersion,
			&createdAt, &updatedAt); err != nil {
			return nil, wrap(err, "session %s inscription %s: guard of a recording: scan", sessionID, inscriptionID)
		}
		if g == nil {
			g = &gardeSaisie{sess: Session{ID: sessionID, Statut: StatutSession(statut), Type: typ, VersionID: versionID,
				Fin: fin, TitreCode: titreCode}, membreID: membreID, liens: split(liens.String), blocs: map[string]string{}, signee: signee}
			for _, cb := range split(blocs.String) {
				code, id, _ := strings.Cut(cb, ":")
				g.blocs[code] = id
			}
			if insID.Valid {
				g.ins = &Inscription{ID: insID.String, SessionID: sessionID, CandidatID: candidatID.String, EntretienFinalDu: efDu.Bool,
					Presence: presence, EntretienFinal: entretienFinal, Issue: issue, Version: int(insVersion.Int64),
					SessionType: typ, SessionFin: fin, SessionVersionID: versionID, SessionStatut: StatutSession(statut),
					NomNaissance: nomNaissance.String, Prenoms: prenoms.String,
					CCP: append([]string{}, split(ccp.String)...), Evaluations: []Evaluation{}}
				rc := rules.Candidat{Parcours: rules.Parcours(parcours.String), ECF: map[string]bool{}}
				if rc.Parcours == rules.ParcoursCapitalisation {
					rc.Origine = rules.ParcoursFormation
					if vae.Bool {
						rc.Origine = rules.ParcoursVAE
					}
				}
				if !finFormation.IsZero() {
					t := finFormation.Time()
					rc.FinFormation = &t
				}
				for _, c := range split(ecf.String) {
					rc.ECF[c] = true
				}
				g.candidat = rc
			}
		}
		if g.ins != nil && evID.Valid {
			g.ins.Evaluations = append(g.ins.Evaluations, Evaluation{ID: evID.String, InscriptionID: g.ins.ID, BlocID: evBloc.String,
				CCP: evCCP.String, Decision: decision.String, Motifs: motifs.String, MSP: msp.Bool, EntretienTechnique: et.Bool,
				QuestionnaireProfessionnel: qp.Bool, QuestionnementProductions: qprod.Bool, DossierProfessionnel: dp.Bool,
				EcfPrisEnCompte: ecfPris.Bool, SaisiPar: saisiPar.String, Version: int(evVersion.Int64),
				CreatedAt: createdAt.Time, UpdatedAt: updatedAt.Time})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "session %s inscription %s: guard of a recording", sessionID, inscriptionID)
	}
	return g, nil
}

// split splits a comma-separated aggregate; empty or NULL is no element.
func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// The statements that record a jury member's decision on PostgreSQL, in
// one round trip: the decision (the first one, or in place of the one still
// at the version read), its event, and the withdrawal of the PV's
// signatures, which covered other results. Events and signatures follow
// only a decision written; the count of it says whether it was.
const (
	evenementPG = `, j AS (INSERT INTO evenements (id, at, utilisateur_id, role, action, objet, objet_id, session_id, candidat_id, avant, apres)
		SELECT ?, CAST(? AS TIMESTAMP), ?, ?, ?, ?, ?, ?, ?, ?, ? FROM w),
	sig AS (UPDATE session_jury SET signe_at = NULL, empreinte = '' WHERE session_id = ? AND signe_at IS NOT NULL AND EXISTS (SELECT 1 FROM w))
	SELECT COUNT(*) FROM w`
	insertEvaluationPG = `WITH w AS (INSERT INTO evaluations (id, inscription_id, bloc_id, decision, motifs, msp, entretien_technique,
		questionnaire_professionnel, questionnement_productions, dossier_professionnel, ecf_pris_en_compte, saisi_par, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (inscription_id, bloc_id) WHERE revoque_at IS NULL DO NOTHING RETURNING id)` + evenementPG
	updateEvaluationPG = `WITH w AS (UPDATE evaluations SET decision = ?, motifs = ?, msp = ?, entretien_technique = ?,
		questionnaire_professionnel = ?, questionnement_productions = ?, dossier_professionnel = ?, ecf_pris_en_compte = ?,
		saisi_par = ?, version = ?, updated_at = ?
		WHERE id = ? AND version = ? AND revoque_at IS NULL RETURNING id)` + evenementPG
)

// The statements of a recording as pgx sends them (saisirEvaluationPgx),
// numbered once as the details statements are (enTableaux).
var (
	lockSessionPartageePgx = enTableaux(lockSessionSQL[lockShared])
	gardeSaisiePgx         = enTableaux(gardeSaisiePG)
	ecrireEvaluationPgx    = map[string]string{insertEvaluationPG: enTableaux(insertEvaluationPG), updateEvaluationPG: enTableaux(updateEvaluationPG)}
)

// updatePresencePG records a candidat's presence on PostgreSQL as
// updateEvaluationPG records a decision.
const updatePresencePG = `WITH w AS (UPDATE inscriptions SET presence = ?, entretien_final = ?, version = ?, updated_at = ?
	WHERE id = ? AND version = ? RETURNING id)` + evenementPG

// ecrirePresence is updatePresence with its event ev, in one statement on
// PostgreSQL, which also withdraws the PV's signatures (signatures
// reports it); elsewhere the caller withdraws them.
func ecrirePresence(tx *gorm.DB, id string, version int, presence, entretienFinal *string, at time.Time, ev Evenement) (ok, signatures bool, err error) {
	if tx.Dialector.Name() != "postgres" {
		if ok, err := updatePresence(tx, id, version, presence, entretienFinal, at); err != nil || !ok {
			return false, false, err
		}
		return true, false, insertEvenement(tx, ev)
	}
	n, err := ecrireAvecEvenement(tx, updatePresencePG, []any{presence, entretienFinal, version + 1, at, id, version}, ev)
	return n > 0, n > 0, wrap(err, "inscription %s version %d: presence", id, version)
}

// ecrireAvecEvenement runs one of the statements above, whose own
// arguments are args, with the event ev; it returns how many rows the
// write changed.
func ecrireAvecEvenement(tx *gorm.DB, q string, args []any, ev Evenement) (int64, error) {
	var n int64
	err := tx.Raw(q, avecEvenement(args, ev)...).Row().Scan(&n)
	return n, err
}

// avecEvenement appends to a statement's own arguments those of its event.
func avecEvenement(args []any, ev Evenement) []any {
	return append(args, ev.ID, ev.At, ev.UtilisateurID, ev.Role, ev.Action, ev.Objet, ev.ObjetID, ev.SessionID, ev.CandidatID,
		ev.Avant, ev.Apres, deref(ev.SessionID))
}

// ecrireEvaluationPG is the statement that records e on PostgreSQL (see
// ecrireEvaluation) and its own arguments.
func ecrireEvaluationPG(e Evaluation, version int) (string, []any) {
	if version == 0 {
		return insertEvaluationPG, []any{e.ID, e.InscriptionID, e.BlocID, e.Decision, e.Motifs, e.MSP, e.EntretienTechnique,
			e.QuestionnaireProfessionnel, e.QuestionnementProductions, e.DossierProfessionnel, e.EcfPrisEnCompte, e.SaisiPar,
			e.Version, e.CreatedAt, e.UpdatedAt}
	}
	return updateEvaluationPG, []any{e.Decision, e.Motifs, e.MSP, e.EntretienTechnique, e.QuestionnaireProfessionnel,
		e.QuestionnementProductions, e.DossierProfessionnel, e.EcfPrisEnCompte, e.SaisiPar, e.Version, e.UpdatedAt, e.ID, version}
}

// ecrireEvaluation records a jury member's decision e: the first one when
// version is 0, else in place of the decision still at version; and its
// event ev in the trail. It reports false, having written nothing, when a
// decision was recorded in between (first one) or the decision is no
// longer at version. compte says whether the enrolment counts in the
// statistics summary, which then counts its session again. On PostgreSQL
// it takes one statement, which also withdraws the PV's signatures
// (signatures reports it); elsewhere the caller withdraws them.
func ecrireEvaluation(tx *gorm.DB, e Evaluation, version int, ev Evenement, compte bool) (ok, signatures bool, err error) {
	if tx.Dialector.Name() == "postgres" {
		q, args := ecrireEvaluationPG(e, version)
		n, err := ecrireAvecEvenement(tx, q, args, ev)
		if err != nil {
			return false, false, wrap(err, "evaluation %s of inscription %s version %d: record", e.ID, e.InscriptionID, version)
		}
		if n == 0 {
			return false, false, nil
		}
	} else {
		if version == 0 {
			row := evaluationRowOf(e)
			if err := tx.Create(&row).Error; err != nil {
				if isUniqueViolation(err) {
					return false, false, nil
				}
				return false, false, wrap(err, "evaluation %s of inscription %s: insert", e.ID, e.InscriptionID)
			}
		} else if ok, err := setEvaluation(tx, e, version); err != nil || !ok {
			return false, false, err
		}
		if err := insertEvenement(tx, ev); err != nil {
			return false, false, err
		}
	}
	if compte {
		return true, tx.Dialector.Name() == "postgres", marquerEvaluation(tx, e.ID)
	}
	return true, tx.Dialector.Name() == "postgres", nil
}
