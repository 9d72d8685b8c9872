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
	// ExcuseeAt is when the centre noted, before the session, that the
	// candidat excused himself, and MotifExcuse what he said; a note only:
	// presence on the day is the jury's record (Presence), which wins.
	ExcuseeAt   *time.Time
	MotifExcuse string
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// Read-only, joined from the session and the candidat.
	SessionReference string
	SessionType      string
	SessionDebut     Date
	SessionFin       Date
	SessionVersionID string
	SessionStatut    StatutSession
	NomNaissance     string
	NomUsage         string
	Prenoms          string

	CCP         []string
	Evaluations []Evaluation
}

// Evaluation is the jury's decision on one CCP of an enrolment.
type Evaluation struct {
	ID                         string
	InscriptionID              string
	BlocID                     string
	CCP                        string
	Decision                   string
	Motifs                     string
	MSP                        bool
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
	return writeThenRead(s, ctx, func(tx *gorm.DB) error {
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
		// Enrolments of one candidat queue here, so that two sessions cannot
		// both take the same CCP.
		if err := lockRow(tx, lockExclusive, "candidats", "id = ?", candidatID); err != nil {
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
		if err := doubleInscription(tx, candidatID, sessionID, ccp); err != nil {
			return err
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
		v, _ := titreVersion(titre, sess.VersionID)
		blocIDs := make([]string, len(ccp))
		for i, c := range ccp {
			b, _ := v.Bloc(c)
			blocIDs[i] = b.ID
		}
		row := inscriptionRow{ID: id, SessionID: sessionID, CandidatID: candidatID, EntretienFinalDu: efDu, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := insertInscription(tx, row, blocIDs); err != nil {
			if isUniqueViolation(err) {
				return Errorf(ErrConflict, "deja_inscrit", "Ce candidat est déjà inscrit à cette session.")
			}
			return err
		}
		if err := s.journal(tx, a, audit{action: "inscription", objet: "inscription", objetID: id, sessionID: sessionID, candidatID: candidatID,
			apres: inscriptionSnapshot{CCP: ccp, EntretienFinalDu: efDu}}); err != nil {
			return err
		}
		if sess.Statut == Declaree && !sess.Debut.Before(s.today()) {
			// The session is declared: the enrolment is confirmed at once.
			return s.enqueueConvocations(tx, id)
		}
		return nil
	}, func(tx *gorm.DB) (*Inscription, error) { return findInscription(tx, sessionID, id) })
}

// doubleInscription refuses to enrol a candidat for a CCP it is already
// enrolled for in another session not yet deliberated: both juries would
// decide on the same bloc. Withdrawing from the other session lifts it.
func doubleInscription(tx *gorm.DB, candidatID, sessionID string, ccp []string) error {
	others, err := pendingInscriptions(tx, candidatID, sessionID)
	if err != nil {
		return err
	}
	for _, o := range others {
		for _, c := range ccp {
			if contains(o.CCP, c) {
				return Invalid("double_inscription", "Le candidat est déjà inscrit pour ce bloc à une autre session non délibérée.",
					FieldError{"candidat_id", "double_inscription", fmt.Sprintf(
						"Le candidat est inscrit au %s à la session %s du %s, qui n'est pas encore délibérée : retirez-le de cette session avant de l'inscrire à une autre.",
						c, o.SessionReference, o.SessionDebut.Francais())})
			}
		}
	}
	return nil
}

// RetirerInscription withdraws a candidat from a session not yet held, with
// a reason: the enrolment is kept, marked withdrawn, and no longer counts.
// The session's centre only; ErrConflict once the session is held.
func (s *Service) RetirerInscription(ctx context.Context, a Acteur, sessionID, inscriptionID, motif string) error {
	if !a.Is(RoleCentre) {
		return forbidden()
	}
	if strings.TrimSpace(motif) == "" {
		return Invalid("motif_requis", "Le retrait exige un motif.", FieldError{"motif", "requis", "Indiquez le motif du retrait."})
	}
	return s.inTx(ctx, func(tx *gorm.DB) error {
		if err := lockSession(tx, sessionID, lockExclusive); err != nil {
			return err
		}
		sess, err := findSessionRow(tx, a, sessionID)
		if err != nil {
			return err
		}
		in, err := findInscription(tx, sessionID, inscriptionID)
		if err != nil {
			return err
		}
		if sess.Statut != Planifiee && sess.Statut != Declaree {
			return Errorf(ErrConflict, "retrait_impossible", "La session est %s : un candidat ne se retire que d'une session pas encore tenue.", libelleStatut[sess.Statut])
		}
		ok, err := withdrawInscription(tx, inscriptionID, motif, s.now())
		if err != nil {
			return err
		}
		if !ok {
			return notFound("Inscription")
		}
		if err := s.journal(tx, a, audit{action: "inscription_retiree", objet: "inscription", objetID: inscriptionID, sessionID: sessionID,
			candidatID: in.CandidatID, avant: inscriptionSnapshot{CCP: in.CCP, EntretienFinalDu: in.EntretienFinalDu},
			apres: retraitSnapshot{Motif: motif}}); err != nil {
			return err
		}
		if sess.Statut == Declaree {
			return s.enqueueAnnulations(tx, inscriptionID)
		}
		return nil
	})
}

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
