package app

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/app/web"
	"github.com/cipcert/cipcert/certification"
)

type documentResponse struct {
	ID               string     `json:"id"`
	Type             string     `json:"type"`
	Numero           string     `json:"numero"`
	CodeVerification string     `json:"code_verification"`
	Sha256           string     `json:"sha256"`
	Gabarit          string     `json:"gabarit"`
	Taille           int        `json:"taille"`
	SessionID        string     `json:"session_id"`
	CandidatID       string     `json:"candidat_id,omitempty"`
	Statut           string     `json:"statut"`
	RemplacePar      string     `json:"remplace_par,omitempty"`
	MotifRevocation  string     `json:"motif_revocation,omitempty"`
	RevoqueLe        *time.Time `json:"revoque_le,omitempty"`
	EmisLe           time.Time  `json:"emis_le"`
	URL              string     `json:"url"`
}

func toDocument(d certification.Document) documentResponse {
	return documentResponse{ID: d.ID, Type: string(d.Type), Numero: d.Numero, CodeVerification: d.CodeVerification,
		Sha256: d.Sha256, Gabarit: d.Gabarit, Taille: d.Taille, SessionID: d.SessionID, CandidatID: deref(d.CandidatID),
		Statut: d.Statut, RemplacePar: deref(d.RemplacePar), MotifRevocation: d.MotifRevocation, RevoqueLe: d.RevoqueAt,
		EmisLe: d.EmisAt, URL: "/api/v1/documents/" + d.ID + ".pdf"}
}

type documentListResponse struct {
	Documents []documentResponse `json:"documents"`
}

func documentsJSON(c echo.Context, status int, ds []certification.Document) error {
	out := make([]documentResponse, len(ds))
	for i, d := range ds {
		out[i] = toDocument(d)
	}
	return c.JSON(status, documentListResponse{out})
}

func (s *Server) handleDocumentsIssue(c echo.Context) error {
	ds, err := s.svc.EmettreDocumentsSession(c.Request().Context(), acteur(c), c.Param("id"))
	if err != nil {
		return err
	}
	if len(ds) == 0 {
		// A repeated issuance creates nothing.
		return documentsJSON(c, http.StatusOK, ds)
	}
	return documentsJSON(c, http.StatusCreated, ds)
}

func (s *Server) handleDocumentIssue(c echo.Context) error {
	d, err := s.svc.EmettreDocumentCandidat(c.Request().Context(), acteur(c), c.Param("id"), c.Param("iid"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toDocument(*d))
}

func (s *Server) handleDocumentList(c echo.Context) error {
	ds, err := s.svc.Documents(c.Request().Context(), acteur(c), certification.FiltreDocuments{
		CandidatID: c.QueryParam("candidat_id"), SessionID: c.QueryParam("session_id")})
	if err != nil {
		return err
	}
	return documentsJSON(c, http.StatusOK, ds)
}

// handleDocumentGet answers /documents/{id} with the metadata and
// /documents/{id}.pdf with the bytes issued, which never change: the ETag
// is their SHA-256.
func (s *Server) handleDocumentGet(c echo.Context) error {
	id, isPDF := strings.CutSuffix(c.Param("fichier"), ".pdf")
	d, err := s.svc.Document(c.Request().Context(), acteur(c), id, isPDF)
	if err != nil {
		return err
	}
	if !isPDF {
		return c.JSON(http.StatusOK, toDocument(*d))
	}
	tag := `"` + d.Sha256 + `"`
	h := c.Response().Header()
	h.Set("ETag", tag)
	// The document carries the holder's identity: no cache keeps it. A
	// client that saved it revalidates with If-None-Match.
	h.Set("Cache-Control", "no-store")
	if match := c.Request().Header.Get("If-None-Match"); match != "" && (match == tag || match == "W/"+tag || match == "*") {
		return c.NoContent(http.StatusNotModified)
	}
	h.Set("Content-Disposition", `attachment; filename="`+web.DocumentFileName(*d)+`"`)
	return c.Blob(http.StatusOK, "application/pdf", d.Contenu)
}

type revocationRequest struct {
	Motif string `json:"motif" validate:"required,notblank,max=2000"`
}

func (s *Server) handleDocumentRevoke(c echo.Context) error {
	var req revocationRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	d, err := s.svc.RevoquerDocument(c.Request().Context(), acteur(c), c.Param("fichier"), req.Motif)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toDocument(*d))
}

func (s *Server) handleDocumentsZip(c echo.Context) error {
	ds, err := s.svc.DocumentsSessionContenu(c.Request().Context(), acteur(c), c.Param("id"))
	if err != nil {
		return err
	}
	return web.SendDocumentsZip(c, c.Param("id"), ds)
}

func (s *Server) handlePVDraft(c echo.Context) error {
	data, err := s.svc.BrouillonPV(c.Request().Context(), acteur(c), c.Param("id"))
	return web.SendDraftPDF(c, "pv-brouillon.pdf", data, err)
}

func (s *Server) handleLivretPreview(c echo.Context) error {
	data, err := s.svc.ApercuLivret(c.Request().Context(), acteur(c), c.Param("id"), c.Param("iid"))
	return web.SendDraftPDF(c, "livret-apercu.pdf", data, err)
}

type verificationResponse struct {
	Statut          string    `json:"statut"`
	Type            string    `json:"type"`
	Numero          string    `json:"numero"`
	TitreCode       string    `json:"titre_code"`
	TitreIntitule   string    `json:"titre_intitule"`
	EmisLe          string    `json:"emis_le"`
	Initiales       string    `json:"initiales"`
	NomComplet      string    `json:"nom_complet,omitempty"`
	RemplacePar     string    `json:"remplace_par,omitempty"`
	MotifRevocation string    `json:"motif_revocation,omitempty"`
	VerifieLe       time.Time `json:"verifie_le"`
}

// handleVerification is public: anyone holding a document checks its code.
// A browser gets the web page, an API client (JSON, curl's */*) the data.
func (s *Server) handleVerification(c echo.Context) error {
	if ok, wait := s.verifyByIP.allow(c.RealIP(), s.svc.Now()); !ok {
		return tooManyRequests(wait)
	}
	if web.PrefersHTML(c.Request()) {
		return s.verificationPage(c)
	}
	var naissance *certification.Date
	if v := c.QueryParam("date_naissance"); v != "" {
		d, err := certification.ParseDate(v)
		if err != nil {
			return badRequest("parametres_invalides", "La date de naissance est invalide.",
				ChampErreur{"date_naissance", "datetime", "Date invalide : une date réelle au format AAAA-MM-JJ est attendue."})
		}
		naissance = &d
	}
	v, err := s.svc.Verifier(c.Request().Context(), c.Param("code"), c.QueryParam("nom"), naissance)
	if err != nil {
		return err
	}
	out := verificationResponse{Statut: v.Statut, Type: string(v.Type), Numero: v.Numero, TitreCode: v.TitreCode,
		TitreIntitule: v.TitreIntitule, EmisLe: certification.DateOf(v.EmisLe).String(), Initiales: v.Initiales,
		NomComplet: v.NomComplet, RemplacePar: v.RemplacePar, MotifRevocation: v.MotifRevocation, VerifieLe: s.svc.Now().UTC()}
	return c.JSON(http.StatusOK, out)
}
