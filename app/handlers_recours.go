package app

import (
	"mime"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

type recoursRequest struct {
	InscriptionID string `json:"inscription_id" validate:"required,uuid"`
	Type          string `json:"type" validate:"required,oneof=gracieux hierarchique"`
	Motifs        string `json:"motifs" validate:"required,notblank,max=5000"`
}

type decisionRecoursRequest struct {
	Issue      string             `json:"issue" validate:"required,oneof=rejete erreur_materielle_corrigee nouvelle_deliberation"`
	MotifRejet string             `json:"motif_rejet" validate:"omitempty,oneof=tardif non_fonde irrecevable"`
	Reponse    string             `json:"reponse" validate:"max=5000"`
	CCP        string             `json:"ccp" validate:"omitempty,max=20"`
	Evaluation *evaluationRequest `json:"evaluation"`
}

type decisionCCPRequest struct {
	CCP string `json:"ccp" validate:"required,max=20"`
	evaluationRequest
}

type propositionRequest struct {
	Motif     string               `json:"motif" validate:"required,notblank,max=5000"`
	Decisions []decisionCCPRequest `json:"decisions" validate:"required,min=1,max=10,dive"`
}

type pieceResponse struct {
	ID          string    `json:"id"`
	Nom         string    `json:"nom"`
	TypeContenu string    `json:"type_contenu"`
	Taille      int       `json:"taille"`
	SHA256      string    `json:"sha256"`
	AjouteeAt   time.Time `json:"ajoutee_at"`
}

type signatureRecoursResponse struct {
	MembreID string    `json:"membre_id"`
	SigneAt  time.Time `json:"signe_at"`
}

type decisionCCPResponse struct {
	CCP string `json:"ccp"`
	evaluationRequest
}

type propositionResponse struct {
	Motif     string                `json:"motif"`
	Decisions []decisionCCPResponse `json:"decisions"`
}

type recoursResponse struct {
	ID                 string                     `json:"id"`
	InscriptionID      string                     `json:"inscription_id"`
	SessionID          string                     `json:"session_id"`
	SessionReference   string                     `json:"session_reference"`
	CandidatID         string                     `json:"candidat_id"`
	NomNaissance       string                     `json:"nom_naissance"`
	Prenoms            string                     `json:"prenoms"`
	Type               string                     `json:"type"`
	Motifs             string                     `json:"motifs"`
	DeposeRole         string                     `json:"depose_role"`
	DeposeAt           time.Time                  `json:"depose_at"`
	DelaiJusquau       *string                    `json:"delai_jusqu_au"`
	HorsDelai          bool                       `json:"hors_delai"`
	RejetImpliciteLe   string                     `json:"rejet_implicite_le"`
	SilenceDepasse     bool                       `json:"silence_depasse"`
	Statut             string                     `json:"statut"`
	MotifRejet         string                     `json:"motif_rejet"`
	Reponse            string                     `json:"reponse"`
	DecideAt           *time.Time                 `json:"decide_at"`
	ProchainsRecours   string                     `json:"prochains_recours"`
	Proposition        *propositionResponse       `json:"proposition"`
	Signatures         []signatureRecoursResponse `json:"signatures"`
	SignaturesRequises int                        `json:"signatures_requises"`
	Pieces             []pieceResponse            `json:"pieces"`
	Version            int                        `json:"version"`
}

type recoursListResponse struct {
	Recours []recoursResponse `json:"recours"`
}

func toPiece(p certification.PieceRecours) pieceResponse {
	return pieceResponse{ID: p.ID, Nom: p.Nom, TypeContenu: p.TypeContenu, Taille: p.Taille, SHA256: p.SHA256, AjouteeAt: p.AjouteeAt}
}

func toRecours(r certification.RecoursAdministratif) recoursResponse {
	out := recoursResponse{ID: r.ID, InscriptionID: r.InscriptionID, SessionID: r.SessionID, SessionReference: r.SessionReference,
		CandidatID: r.CandidatID, NomNaissance: r.NomNaissance, Prenoms: r.Prenoms, Type: string(r.Type), Motifs: r.Motifs,
		DeposeRole: string(r.DeposeRole), DeposeAt: r.DeposeAt, DelaiJusquau: dateString(r.DelaiJusquau), HorsDelai: r.HorsDelai,
		RejetImpliciteLe: r.RejetImpliciteLe.String(), SilenceDepasse: r.SilenceDepasse, Statut: string(r.Statut), MotifRejet: r.MotifRejet,
		Reponse: r.Reponse, DecideAt: r.DecideAt, ProchainsRecours: r.ProchainsRecours, SignaturesRequises: r.SignaturesRequises,
		Signatures: []signatureRecoursResponse{}, Pieces: []pieceResponse{}, Version: r.Version}
	if p := r.Proposition; p != nil {
		out.Proposition = &propositionResponse{Motif: p.Motif, Decisions: []decisionCCPResponse{}}
		for _, d := range p.Decisions {
			e := d.Evaluation
			out.Proposition.Decisions = append(out.Proposition.Decisions, decisionCCPResponse{CCP: d.CCP, evaluationRequest: evaluationRequest{
				Decision: e.Decision, Motifs: e.Motifs, MSP: e.MSP, EntretienTechnique: e.EntretienTechnique, QuestionnaireProfessionnel: e.QuestionnaireProfessionnel,
				QuestionnementProductions: e.QuestionnementProductions, DossierProfessionnel: e.DossierProfessionnel, ECFPrisEnCompte: e.EcfPrisEnCompte}})
		}
	}
	for _, sg := range r.Signatures {
		out.Signatures = append(out.Signatures, signatureRecoursResponse{MembreID: sg.MembreID, SigneAt: sg.SigneAt})
	}
	for _, p := range r.Pieces {
		out.Pieces = append(out.Pieces, toPiece(p))
	}
	return out
}

// recoursJSON answers a recours with its version as ETag.
func recoursJSON(c echo.Context, status int, r *certification.RecoursAdministratif) error {
	c.Response().Header().Set("ETag", etag(r.Version))
	return c.JSON(status, toRecours(*r))
}

func (s *Server) handleRecoursList(c echo.Context) error {
	f := certification.FiltreRecours{Ouverts: c.QueryParam("ouverts") == "true", CandidatID: c.QueryParam("candidat_id")}
	rs, err := s.svc.ListeRecours(c.Request().Context(), acteur(c), f)
	if err != nil {
		return err
	}
	out := recoursListResponse{Recours: make([]recoursResponse, len(rs))}
	for i, r := range rs {
		out.Recours[i] = toRecours(r)
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) handleRecoursCreate(c echo.Context) error {
	var req recoursRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	r, err := s.svc.DeposerRecours(c.Request().Context(), acteur(c), certification.NouveauRecours{InscriptionID: req.InscriptionID,
		Type: certification.TypeRecours(req.Type), Motifs: req.Motifs})
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/v1/recours/"+r.ID)
	return recoursJSON(c, http.StatusCreated, r)
}

func (s *Server) handleRecoursGet(c echo.Context) error {
	r, err := s.svc.LireRecours(c.Request().Context(), acteur(c), c.Param("id"))
	if err != nil {
		return err
	}
	return recoursJSON(c, http.StatusOK, r)
}

// pieceTropGrosse refuses, before reading it, an attachment over the limit.
var pieceTropGrosse = &httpError{status: http.StatusRequestEntityTooLarge, code: "fichier_trop_volumineux",
	detail: "La pièce jointe dépasse 5 Mio : joignez un fichier plus léger (PDF, PNG ou JPEG)."}

func (s *Server) handlePieceCreate(c echo.Context) error {
	data, nom, err := fichierPosteMax(c, certification.MaxPieceRecours, pieceTropGrosse)
	if err != nil {
		return err
	}
	p, err := s.svc.AjouterPiece(c.Request().Context(), acteur(c), c.Param("id"), certification.PieceJointe{Nom: nom, Contenu: data})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toPiece(*p))
}

func (s *Server) handlePieceGet(c echo.Context) error {
	p, err := s.svc.PieceRecoursContenu(c.Request().Context(), acteur(c), c.Param("id"), c.Param("pid"))
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("ETag", `"`+p.SHA256+`"`)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": p.Nom}))
	// The type was sniffed at upload; the browser must not guess another.
	h.Set("X-Content-Type-Options", "nosniff")
	return c.Blob(http.StatusOK, p.TypeContenu, p.Contenu)
}

func (s *Server) handleRecoursDecide(c echo.Context) error {
	var req decisionRecoursRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	d := certification.DecisionRecours{Issue: certification.StatutRecours(req.Issue), MotifRejet: req.MotifRejet, Reponse: req.Reponse, CCP: req.CCP}
	if req.Evaluation != nil {
		e := req.Evaluation.saisie()
		d.Evaluation = &e
	}
	r, err := s.svc.DeciderRecours(c.Request().Context(), acteur(c), c.Param("id"), version, d)
	if err != nil {
		return err
	}
	return recoursJSON(c, http.StatusOK, r)
}

func (s *Server) handleRecoursPropose(c echo.Context) error {
	var req propositionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	p := certification.PropositionJury{Motif: req.Motif}
	for _, d := range req.Decisions {
		p.Decisions = append(p.Decisions, certification.DecisionCCP{CCP: d.CCP, Evaluation: d.saisie()})
	}
	r, err := s.svc.ProposerDeliberation(c.Request().Context(), acteur(c), c.Param("id"), version, p)
	if err != nil {
		return err
	}
	return recoursJSON(c, http.StatusOK, r)
}

func (s *Server) handleRecoursSign(c echo.Context) error {
	r, err := s.svc.SignerDeliberation(c.Request().Context(), acteur(c), c.Param("id"))
	if err != nil {
		return err
	}
	return recoursJSON(c, http.StatusOK, r)
}
