package certification

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/rules"
)

// Inscription is a candidat enrolled in a session, with what the jury
// recorded and, once deliberated, the outcome the rules derived.
type Inscription struct {
	ID               string
	SessionID        string
	CandidatID       string
	EntretienFinalDu bool
	Presence         *string
	EntretienFinal   *string
	Issue            *string
	// Explication is the rules' Resultat as JSON: the rules applied and why.
	Explication string
	DateLimite  *Date
	NotifieLe   *Date
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// Read-only, joined from the session and the candidat.
	SessionReference string        `gorm:"->;-:migration"`
	SessionType      string        `gorm:"->;-:migration"`
	SessionDebut     Date          `gorm:"->;-:migration"`
	SessionFin       Date          `gorm:"->;-:migration"`
	SessionVersionID string        `gorm:"->;-:migration"`
	SessionStatut    StatutSession `gorm:"->;-:migration"`
	NomNaissance     string        `gorm:"->;-:migration"`
	NomUsage         string        `gorm:"->;-:migration"`
	Prenoms          string        `gorm:"->;-:migration"`

	CCP         []string     `gorm:"-"`
	Evaluations []Evaluation `gorm:"-"`
}

// Evaluation is the jury's decision on one CCP of an enrolment.
type Evaluation struct {
	ID                         string
	InscriptionID              string
	BlocID                     string
	CCP                        string `gorm:"->;-:migration"`
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
		return err
	}
	for _, b := range blocs {
		idx[b.InscriptionID].CCP = append(idx[b.InscriptionID].CCP, b.Code)
	}
	var evs []Evaluation
	if err := tx.Raw(`SELECT e.*, b.code AS ccp FROM evaluations e JOIN blocs b ON b.id = e.bloc_id
		WHERE e.inscription_id IN ? AND e.revoque_at IS NULL ORDER BY b.rang`, ids).Scan(&evs).Error; err != nil {
		return err
	}
	for _, e := range evs {
		idx[e.InscriptionID].Evaluations = append(idx[e.InscriptionID].Evaluations, e)
	}
	return nil
}

const inscriptionSelect = `i.*, s.reference AS session_reference, s.type AS session_type, s.debut AS session_debut,
	s.fin AS session_fin, s.version_id AS session_version_id, s.statut AS session_statut,
	c.nom_naissance, c.nom_usage, c.prenoms`

func inscriptionsOf(tx *gorm.DB, sessionID, inscriptionID string) ([]Inscription, error) {
	q := tx.Table("inscriptions AS i").Select(inscriptionSelect).
		Joins("JOIN sessions s ON s.id = i.session_id").Joins("JOIN candidats c ON c.id = i.candidat_id").
		Where("i.session_id = ?", sessionID)
	if inscriptionID != "" {
		q = q.Where("i.id = ?", inscriptionID)
	}
	var ins []Inscription
	if err := q.Order("c.nom_naissance, c.prenoms, i.id").Find(&ins).Error; err != nil {
		return nil, err
	}
	return ins, loadInscriptionDetails(tx, ins)
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

// Inscriptions lists the candidats enrolled in a session the actor may see.
func (s *Service) Inscriptions(ctx context.Context, a Acteur, sessionID string) ([]Inscription, error) {
	db := s.read(ctx)
	if _, err := findSession(db, a, sessionID); err != nil {
		return nil, err
	}
	return inscriptionsOf(db, sessionID, "")
}

// Inscrire enrols one of the centre's candidats in one of its sessions for
// the given CCP (all of the session's when empty). Every eligibility rule is
// checked by the rule engine; a refusal is ErrInvalid with the rule's code.
func (s *Service) Inscrire(ctx context.Context, a Acteur, sessionID, candidatID string, ccp []string) (*Inscription, error) {
	if !a.Is(RoleCentre) {
		return nil, forbidden()
	}
	id := newID()
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		sess, err := findSession(tx, a, sessionID)
		if err != nil {
			return err
		}
		if sess.Statut != Planifiee && sess.Statut != Declaree {
			return Errorf(ErrConflict, "inscriptions_closes", "La session est %s : les inscriptions sont closes.", libelleStatut[sess.Statut])
		}
		cand, err := findCandidat(tx, a, candidatID)
		if err != nil {
			return err
		}
		if cand.ArchiveAt != nil {
			return Errorf(ErrConflict, "candidat_archive", "Ce candidat est archivé.")
		}
		if cand.TitreCode != sess.TitreCode {
			return Invalid("titre_different", "Le candidat ne vise pas le titre de cette session.",
				FieldError{"candidat_id", "titre_different", fmt.Sprintf("Le candidat vise %s, la session porte sur %s.", cand.TitreCode, sess.TitreCode)})
		}
		if len(ccp) == 0 {
			ccp = sess.CCP
		}
		for i, c := range ccp {
			if !contains(sess.CCP, c) {
				return Invalid("ccp_hors_session", "Ce bloc n'est pas évalué lors de cette session.",
					FieldError{fieldIndex("ccp", i, "code"), "hors_session", fmt.Sprintf("La session n'évalue pas %s.", c)})
			}
		}
		titre, err := findTitreByCode(tx, sess.TitreCode)
		if err != nil {
			return err
		}
		h, _, err := historique(tx, cand, titre, decidedStatuts, "")
		if err != nil {
			return err
		}
		efDu, err := rules.VerifierInscription(regles(titre), s.opt.Parametres, h,
			rules.SessionPrevue{VersionID: sess.VersionID, Type: rules.TypeSession(sess.Type), Debut: sess.Debut.Time(), Fin: sess.Fin.Time()}, ccp)
		if err != nil {
			return ruleError(err)
		}
		now := s.now()
		row := Inscription{ID: id, SessionID: sessionID, CandidatID: candidatID, EntretienFinalDu: efDu, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.Omit(readOnlyInscription...).Create(&row).Error; err != nil {
			if isUniqueViolation(err) {
				return Errorf(ErrConflict, "deja_inscrit", "Ce candidat est déjà inscrit à cette session.")
			}
			return err
		}
		v, _ := titreVersion(titre, sess.VersionID)
		for _, c := range ccp {
			b, _ := v.Bloc(c)
			if err := tx.Exec("INSERT INTO inscription_blocs (inscription_id, bloc_id) VALUES (?, ?)", id, b.ID).Error; err != nil {
				return err
			}
		}
		return s.journal(tx, a, audit{action: "inscription", objet: "inscription", objetID: id, sessionID: sessionID, candidatID: candidatID,
			apres: map[string]any{"ccp": ccp, "entretien_final_du": efDu}})
	})
	if err != nil {
		return nil, err
	}
	return findInscription(s.read(ctx), sessionID, id)
}

var readOnlyInscription = []string{"SessionReference", "SessionType", "SessionDebut", "SessionFin", "SessionVersionID",
	"SessionStatut", "NomNaissance", "NomUsage", "Prenoms"}

func titreVersion(t *Titre, versionID string) (Version, bool) {
	for _, v := range t.Versions {
		if v.ID == versionID {
			return v, true
		}
	}
	return Version{}, false
}

// ruleError turns a refusal or an incoherence of the rule engine into a
// domain error that keeps its code and French message.
func ruleError(err error) error {
	var r *rules.Refus
	var inc *rules.Incoherence
	switch {
	case errors.As(err, &r):
		return Errorf(ErrInvalid, r.Code, "%s", r.Message)
	case errors.As(err, &inc):
		return Errorf(ErrInvalid, inc.Code, "%s", inc.Message)
	}
	return err
}

func natures(ns []string) string { return strings.Join(ns, ", ") }
