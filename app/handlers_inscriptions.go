package app

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

type inscriptionRequest struct {
	CandidatID string   `json:"candidat_id" validate:"required,max=64"`
	CCP        []string `json:"ccp" validate:"max=20,dive,required,max=20"`
}

type inscriptionResponse struct {
	ID               string               `json:"id"`
	SessionID        string               `json:"session_id"`
	CandidatID       string               `json:"candidat_id"`
	NomNaissance     string               `json:"nom_naissance"`
	NomUsage         string               `json:"nom_usage"`
	Prenoms          string               `json:"prenoms"`
	CCP              []string             `json:"ccp"`
	EntretienFinalDu bool                 `json:"entretien_final_du"`
	Presence         *string              `json:"presence"`
	EntretienFinal   *string              `json:"entretien_final"`
	Evaluations      []evaluationResponse `json:"evaluations"`
	Issue            *string              `json:"issue"`
	DateLimite       *string              `json:"date_limite"`
	NotifieLe        *string              `json:"notifie_le"`
	// ExcuseeLe and MotifExcuse are the centre's note that the candidat
	// excused himself before the session; presence stays the jury's.
	ExcuseeLe   *time.Time `json:"excusee_le"`
	MotifExcuse string     `json:"motif_excuse,omitempty"`
	Version     int        `json:"version"`
}

type evaluationRequest struct {
	Decision                   string `json:"decision" validate:"required,oneof=acquis non_acquis"`
	Motifs                     string `json:"motifs" validate:"max=4000"`
	MSP                        bool   `json:"msp"`
	EntretienTechnique         bool   `json:"entretien_technique"`
	QuestionnaireProfessionnel bool   `json:"questionnaire_professionnel"`
	QuestionnementProductions  bool   `json:"questionnement_productions"`
	DossierProfessionnel       bool   `json:"dossier_professionnel"`
	ECFPrisEnCompte            bool   `json:"ecf_pris_en_compte"`
}

type evaluationResponse struct {
	CCP                        string    `json:"ccp"`
	Decision                   string    `json:"decision"`
	Motifs                     string    `json:"motifs"`
	MSP                        bool      `json:"msp"`
	EntretienTechnique         bool      `json:"entretien_technique"`
	QuestionnaireProfessionnel bool      `json:"questionnaire_professionnel"`
	QuestionnementProductions  bool      `json:"questionnement_productions"`
	DossierProfessionnel       bool      `json:"dossier_professionnel"`
	ECFPrisEnCompte            bool      `json:"ecf_pris_en_compte"`
	SaisiPar                   string    `json:"saisi_par"`
	Version                    int       `json:"version"`
	ModifieLe                  time.Time `json:"modifie_le"`
}

func (r evaluationRequest) saisie() certification.EvaluationSaisie {
	return certification.EvaluationSaisie{Decision: r.Decision, Motifs: r.Motifs, MSP: r.MSP, EntretienTechnique: r.EntretienTechnique,
		QuestionnaireProfessionnel: r.QuestionnaireProfessionnel, QuestionnementProductions: r.QuestionnementProductions,
		DossierProfessionnel: r.DossierProfessionnel, EcfPrisEnCompte: r.ECFPrisEnCompte}
}

func toEvaluation(e certification.Evaluation) evaluationResponse {
	return evaluationResponse{CCP: e.CCP, Decision: e.Decision, Motifs: e.Motifs, MSP: e.MSP,
		EntretienTechnique: e.EntretienTechnique, QuestionnaireProfessionnel: e.QuestionnaireProfessionnel,
		QuestionnementProductions: e.QuestionnementProductions, DossierProfessionnel: e.DossierProfessionnel,
		ECFPrisEnCompte: e.EcfPrisEnCompte, SaisiPar: e.SaisiPar, Version: e.Version, ModifieLe: e.UpdatedAt}
}

func dateString(d *certification.Date) *string {
	if d == nil {
		return nil
	}
	s := d.String()
	return &s
}

func toInscription(in certification.Inscription) inscriptionResponse {
	r := inscriptionResponse{ID: in.ID, SessionID: in.SessionID, CandidatID: in.CandidatID, NomNaissance: in.NomNaissance,
		NomUsage: in.NomUsage, Prenoms: in.Prenoms, CCP: in.CCP, EntretienFinalDu: in.EntretienFinalDu, Presence: in.Presence,
		EntretienFinal: in.EntretienFinal, Evaluations: []evaluationResponse{}, Issue: in.Issue,
		DateLimite: dateString(in.DateLimite), NotifieLe: dateString(in.NotifieLe),
		ExcuseeLe: in.ExcuseeAt, MotifExcuse: in.MotifExcuse, Version: in.Version}
	for _, e := range in.Evaluations {
		r.Evaluations = append(r.Evaluations, toEvaluation(e))
	}
	return r
}

func (s *Server) handleInscriptionCreate(c echo.Context) error {
	var req inscriptionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	in, err := s.svc.Inscrire(c.Request().Context(), acteur(c), c.Param("id"), req.CandidatID, req.CCP)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toInscription(*in))
}

type inscriptionListResponse struct {
	Inscriptions []inscriptionResponse `json:"inscriptions"`
}

func (s *Server) handleInscriptionList(c echo.Context) error {
	ins, err := s.svc.Inscriptions(c.Request().Context(), acteur(c), c.Param("id"))
	if err != nil {
		return err
	}
	out := make([]inscriptionResponse, len(ins))
	for i, in := range ins {
		out[i] = toInscription(in)
	}
	return c.JSON(http.StatusOK, inscriptionListResponse{out})
}

type presenceRequest struct {
	Presence       string `json:"presence" validate:"required,oneof=present absent excuse exclu_fraude"`
	EntretienFinal string `json:"entretien_final" validate:"omitempty,oneof=favorable defavorable"`
}

func (s *Server) handlePresenceRecord(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req presenceRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	in, err := s.svc.SaisirPresence(c.Request().Context(), acteur(c), c.Param("id"), c.Param("iid"), version,
		certification.PresenceSaisie{Presence: req.Presence, EntretienFinal: req.EntretienFinal})
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(in.Version))
	return c.JSON(http.StatusOK, toInscription(*in))
}

// handleResultatRecord records a CCP decision. Without If-Match it records
// the first decision and fails if one exists; with it, it replaces the
// version read.
func (s *Server) handleResultatRecord(c echo.Context) error {
	version := 0
	if strings.TrimSpace(c.Request().Header.Get("If-Match")) != "" {
		v, err := ifMatch(c)
		if err != nil {
			return err
		}
		version = v
	}
	var req evaluationRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	e, err := s.svc.SaisirEvaluation(c.Request().Context(), acteur(c), c.Param("id"), c.Param("iid"), c.Param("ccp"), version, req.saisie())
	if version == 0 && errors.Is(err, certification.ErrStale) {
		// Sent as a first decision, but one is recorded: the version the
		// client must read is missing, as for any write without If-Match
		// on an object that has a version.
		return &httpError{status: http.StatusPreconditionRequired, code: "if_match_requis",
			detail: "Une décision est déjà enregistrée pour ce CCP : relisez-la et envoyez son ETag dans If-Match pour la remplacer."}
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(e.Version))
	return c.JSON(http.StatusOK, toEvaluation(*e))
}

func (s *Server) handleInscriptionWithdraw(c echo.Context) error {
	var req motifRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if err := s.svc.RetirerInscription(c.Request().Context(), acteur(c), c.Param("id"), c.Param("iid"), req.Motif); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type correctionRequest struct {
	Motif string `json:"motif" validate:"required,notblank,max=2000"`
	evaluationRequest
}

func (s *Server) handleResultatCorrect(c echo.Context) error {
	var req correctionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	in, err := s.svc.CorrigerEvaluationVersion(c.Request().Context(), acteur(c), c.Param("id"), c.Param("iid"), c.Param("ccp"), version, req.Motif, req.saisie())
	if err != nil {
		return err
	}
	for _, e := range in.Evaluations {
		if e.CCP == c.Param("ccp") {
			c.Response().Header().Set("ETag", etag(e.Version))
		}
	}
	return c.JSON(http.StatusOK, toInscription(*in))
}
