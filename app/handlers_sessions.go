package app

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

type membreRequest struct {
	Nom           string `json:"nom" validate:"required,notblank,max=100,nocontrol"`
	Prenoms       string `json:"prenoms" validate:"required,notblank,max=200,nocontrol"`
	Email         string `json:"email" validate:"required,max=254,email"`
	UtilisateurID string `json:"utilisateur_id" validate:"max=64"`
}

type habilitationRequest struct {
	TitreCode string `json:"titre_code" validate:"required,max=20"`
	Debut     string `json:"debut" validate:"required,datetime=2006-01-02"`
	Fin       string `json:"fin" validate:"required,datetime=2006-01-02"`
	Reference string `json:"reference" validate:"required,notblank,max=100,nocontrol"`
}

type habilitationResponse struct {
	ID        string `json:"id"`
	TitreCode string `json:"titre_code"`
	Debut     string `json:"debut"`
	Fin       string `json:"fin"`
	Reference string `json:"reference"`
}

type membreResponse struct {
	ID            string                 `json:"id"`
	Nom           string                 `json:"nom"`
	Prenoms       string                 `json:"prenoms"`
	Email         string                 `json:"email"`
	UtilisateurID string                 `json:"utilisateur_id,omitempty"`
	Habilitations []habilitationResponse `json:"habilitations"`
}

func toHabilitation(h certification.Habilitation) habilitationResponse {
	return habilitationResponse{h.ID, h.TitreCode, h.Debut.String(), h.Fin.String(), h.Reference}
}

func toMembre(m certification.MembreJury) membreResponse {
	r := membreResponse{ID: m.ID, Nom: m.Nom, Prenoms: m.Prenoms, Email: m.Email, UtilisateurID: deref(m.UtilisateurID),
		Habilitations: []habilitationResponse{}}
	for _, h := range m.Habilitations {
		r.Habilitations = append(r.Habilitations, toHabilitation(h))
	}
	return r
}

func (s *Server) handleMembreCreate(c echo.Context) error {
	var req membreRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	m, err := s.svc.CreateMembre(c.Request().Context(), acteur(c), certification.NouveauMembre{
		Nom: req.Nom, Prenoms: req.Prenoms, Email: req.Email, UtilisateurID: req.UtilisateurID})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toMembre(*m))
}

func (s *Server) handleMembreList(c echo.Context) error {
	ms, err := s.svc.Membres(c.Request().Context(), acteur(c))
	if err != nil {
		return err
	}
	out := make([]membreResponse, len(ms))
	for i, m := range ms {
		out[i] = toMembre(m)
	}
	return c.JSON(http.StatusOK, map[string]any{"membres": out})
}

func (s *Server) handleHabilitationCreate(c echo.Context) error {
	var req habilitationRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	h, err := s.svc.Habiliter(c.Request().Context(), acteur(c), c.Param("id"), certification.NouvelleHabilitation{
		TitreCode: req.TitreCode, Debut: date(req.Debut), Fin: date(req.Fin), Reference: req.Reference})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toHabilitation(*h))
}

type lienRequest struct {
	MembreID   string `json:"membre_id" validate:"required,max=64"`
	CandidatID string `json:"candidat_id" validate:"required,max=64"`
	Nature     string `json:"nature" validate:"required,oneof=formateur tuteur employeur connaissance_personnelle"`
}

type lienResponse struct {
	ID         string    `json:"id"`
	MembreID   string    `json:"membre_id"`
	CandidatID string    `json:"candidat_id"`
	Nature     string    `json:"nature"`
	DeclareLe  time.Time `json:"declare_le"`
}

func (s *Server) handleLienCreate(c echo.Context) error {
	var req lienRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	l, err := s.svc.DeclarerLien(c.Request().Context(), acteur(c), req.MembreID, req.CandidatID, req.Nature)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, lienResponse{l.ID, l.MembreID, l.CandidatID, l.Nature, l.CreatedAt})
}

type sessionRequest struct {
	VersionCode string   `json:"version_code" validate:"required,max=40"`
	Type        string   `json:"type" validate:"required,oneof=titre ccp ccs"`
	CCP         []string `json:"ccp" validate:"max=20,dive,required,max=20"`
	Debut       string   `json:"debut" validate:"required,datetime=2006-01-02"`
	Fin         string   `json:"fin" validate:"required,datetime=2006-01-02"`
	Lieu        string   `json:"lieu" validate:"required,notblank,max=300,nocontrol"`
	Responsable string   `json:"responsable" validate:"required,notblank,max=200,nocontrol"`
	Jury        []string `json:"jury" validate:"max=20,dive,required,max=64"`
}

type sessionResponse struct {
	ID              string                  `json:"id"`
	Reference       string                  `json:"reference"`
	CentreID        string                  `json:"centre_id"`
	TitreCode       string                  `json:"titre_code"`
	VersionCode     string                  `json:"version_code"`
	Type            string                  `json:"type"`
	CCP             []string                `json:"ccp"`
	Debut           string                  `json:"debut"`
	Fin             string                  `json:"fin"`
	Lieu            string                  `json:"lieu"`
	Responsable     string                  `json:"responsable"`
	Statut          string                  `json:"statut"`
	MotifAnnulation string                  `json:"motif_annulation,omitempty"`
	Jury            []membreSessionResponse `json:"jury"`
	DeclareeLe      *time.Time              `json:"declaree_le,omitempty"`
	TenueLe         *time.Time              `json:"tenue_le,omitempty"`
	DelibereeLe     *time.Time              `json:"deliberee_le,omitempty"`
	ValideeLe       *time.Time              `json:"validee_le,omitempty"`
	Version         int                     `json:"version"`
}

type membreSessionResponse struct {
	MembreID string     `json:"membre_id"`
	Nom      string     `json:"nom"`
	Prenoms  string     `json:"prenoms"`
	SigneLe  *time.Time `json:"signe_le"`
}

func toSession(ss certification.Session) sessionResponse {
	r := sessionResponse{ID: ss.ID, Reference: ss.Reference, CentreID: ss.CentreID, TitreCode: ss.TitreCode,
		VersionCode: ss.VersionCode, Type: ss.Type, CCP: ss.CCP, Debut: ss.Debut.String(), Fin: ss.Fin.String(),
		Lieu: ss.Lieu, Responsable: ss.Responsable, Statut: string(ss.Statut), MotifAnnulation: ss.MotifAnnulation,
		Jury: []membreSessionResponse{}, DeclareeLe: ss.DeclareeAt, TenueLe: ss.TenueAt, DelibereeLe: ss.DelibereeAt,
		ValideeLe: ss.ValideeAt, Version: ss.Version}
	for _, m := range ss.Jury {
		r.Jury = append(r.Jury, membreSessionResponse{m.MembreID, m.Nom, m.Prenoms, m.SigneAt})
	}
	return r
}

func (s *Server) handleSessionCreate(c echo.Context) error {
	var req sessionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ss, err := s.svc.CreateSession(c.Request().Context(), acteur(c), certification.NouvelleSession{
		VersionCode: req.VersionCode, Type: req.Type, CCP: req.CCP, Debut: date(req.Debut), Fin: date(req.Fin),
		Lieu: req.Lieu, Responsable: req.Responsable, Jury: req.Jury})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/sessions/"+ss.ID)
	return c.JSON(http.StatusCreated, toSession(*ss))
}

func (s *Server) handleSessionList(c echo.Context) error {
	ss, err := s.svc.Sessions(c.Request().Context(), acteur(c))
	if err != nil {
		return err
	}
	out := make([]sessionResponse, len(ss))
	for i, x := range ss {
		out[i] = toSession(x)
	}
	return c.JSON(http.StatusOK, map[string]any{"sessions": out})
}

func (s *Server) handleSessionGet(c echo.Context) error {
	ss, err := s.svc.Session(c.Request().Context(), acteur(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toSession(*ss))
}

// sessionJSON answers a lifecycle step with the session it produced.
func sessionJSON(c echo.Context) func(*certification.Session, error) error {
	return func(ss *certification.Session, err error) error {
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, toSession(*ss))
	}
}

func (s *Server) handleSessionDeclare(c echo.Context) error {
	return sessionJSON(c)(s.svc.DeclarerSession(c.Request().Context(), acteur(c), c.Param("id")))
}

func (s *Server) handleSessionHold(c echo.Context) error {
	return sessionJSON(c)(s.svc.TenirSession(c.Request().Context(), acteur(c), c.Param("id")))
}

func (s *Server) handleSessionSign(c echo.Context) error {
	return sessionJSON(c)(s.svc.SignerPV(c.Request().Context(), acteur(c), c.Param("id")))
}

func (s *Server) handleSessionValidate(c echo.Context) error {
	return sessionJSON(c)(s.svc.ValiderPV(c.Request().Context(), acteur(c), c.Param("id")))
}

type motifRequest struct {
	Motif string `json:"motif" validate:"required,notblank,max=2000"`
}

func (s *Server) handleSessionCancel(c echo.Context) error {
	var req motifRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	return sessionJSON(c)(s.svc.AnnulerSession(c.Request().Context(), acteur(c), c.Param("id"), req.Motif))
}

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
	Version          int                  `json:"version"`
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
	CCP string `json:"ccp"`
	evaluationRequest
	SaisiPar  string    `json:"saisi_par"`
	Version   int       `json:"version"`
	ModifieLe time.Time `json:"modifie_le"`
}

func (r evaluationRequest) saisie() certification.EvaluationSaisie {
	return certification.EvaluationSaisie{Decision: r.Decision, Motifs: r.Motifs, MSP: r.MSP, EntretienTechnique: r.EntretienTechnique,
		QuestionnaireProfessionnel: r.QuestionnaireProfessionnel, QuestionnementProductions: r.QuestionnementProductions,
		DossierProfessionnel: r.DossierProfessionnel, EcfPrisEnCompte: r.ECFPrisEnCompte}
}

func toEvaluation(e certification.Evaluation) evaluationResponse {
	return evaluationResponse{CCP: e.CCP, evaluationRequest: evaluationRequest{Decision: e.Decision, Motifs: e.Motifs, MSP: e.MSP,
		EntretienTechnique: e.EntretienTechnique, QuestionnaireProfessionnel: e.QuestionnaireProfessionnel,
		QuestionnementProductions: e.QuestionnementProductions, DossierProfessionnel: e.DossierProfessionnel,
		ECFPrisEnCompte: e.EcfPrisEnCompte}, SaisiPar: e.SaisiPar, Version: e.Version, ModifieLe: e.UpdatedAt}
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
		DateLimite: dateString(in.DateLimite), NotifieLe: dateString(in.NotifieLe), Version: in.Version}
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

func (s *Server) handleInscriptionList(c echo.Context) error {
	ins, err := s.svc.Inscriptions(c.Request().Context(), acteur(c), c.Param("id"))
	if err != nil {
		return err
	}
	out := make([]inscriptionResponse, len(ins))
	for i, in := range ins {
		out[i] = toInscription(in)
	}
	return c.JSON(http.StatusOK, map[string]any{"inscriptions": out})
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
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(e.Version))
	return c.JSON(http.StatusOK, toEvaluation(*e))
}

type correctionRequest struct {
	Motif string `json:"motif" validate:"required,notblank,max=2000"`
	evaluationRequest
}

// handleResultatCorrect corrects a decision at the version in If-Match: of
// corrections read at one version, one wins. The ETag is the new decision's.
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

type evenementResponse struct {
	ID            string    `json:"id"`
	Le            time.Time `json:"le"`
	UtilisateurID string    `json:"utilisateur_id,omitempty"`
	Role          string    `json:"role"`
	Action        string    `json:"action"`
	Objet         string    `json:"objet"`
	ObjetID       string    `json:"objet_id"`
	SessionID     string    `json:"session_id,omitempty"`
	CandidatID    string    `json:"candidat_id,omitempty"`
	Avant         rawJSON   `json:"avant,omitempty"`
	Apres         rawJSON   `json:"apres,omitempty"`
}

// rawJSON embeds stored JSON as is; empty stays absent.
type rawJSON string

func (r rawJSON) MarshalJSON() ([]byte, error) {
	if r == "" {
		return []byte("null"), nil
	}
	return []byte(r), nil
}

func (s *Server) evenements(c echo.Context, sessionID, candidatID string) error {
	evs, err := s.svc.Evenements(c.Request().Context(), acteur(c), sessionID, candidatID)
	if err != nil {
		return err
	}
	out := make([]evenementResponse, len(evs))
	for i, e := range evs {
		out[i] = evenementResponse{ID: e.ID, Le: e.At, UtilisateurID: deref(e.UtilisateurID), Role: string(e.Role), Action: e.Action,
			Objet: e.Objet, ObjetID: e.ObjetID, SessionID: deref(e.SessionID), CandidatID: deref(e.CandidatID),
			Avant: rawJSON(e.Avant), Apres: rawJSON(e.Apres)}
	}
	return c.JSON(http.StatusOK, map[string]any{"evenements": out})
}

func (s *Server) handleSessionEvents(c echo.Context) error { return s.evenements(c, c.Param("id"), "") }

func (s *Server) handleCandidatEvents(c echo.Context) error {
	return s.evenements(c, "", c.Param("id"))
}
