package app

import (
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/app/web"
	"github.com/cipcert/cipcert/certification"
)

type documentResponse struct {
	ID               string `json:"id"`
	Type             string `json:"type"`
	Numero           string `json:"numero"`
	CodeVerification string `json:"code_verification"`
	Sha256           string `json:"sha256"`
	Gabarit          string `json:"gabarit"`
	Taille           int    `json:"taille"`
	SessionID        string `json:"session_id"`
	CandidatID       string `json:"candidat_id,omitempty"`
	Statut           string `json:"statut"`
	RemplacePar      string `json:"remplace_par,omitempty"`
	// CategorieRevocation is public; MotifRevocation only reaches the
	// autorité and the admin (the service blanks it for the others).
	CategorieRevocation string     `json:"categorie_revocation,omitempty"`
	MotifRevocation     string     `json:"motif_revocation,omitempty"`
	RevoqueLe           *time.Time `json:"revoque_le,omitempty"`
	EmisLe              time.Time  `json:"emis_le"`
	URL                 string     `json:"url"`
	ScellePar           string     `json:"scelle_par,omitempty"`
	SceauEmpreinte      string     `json:"sceau_empreinte,omitempty"`
	DuplicataDe         string     `json:"duplicata_de,omitempty"`
}

func toDocument(d certification.Document) documentResponse {
	return documentResponse{ID: d.ID, Type: string(d.Type), Numero: d.Numero, CodeVerification: d.CodeVerification,
		Sha256: d.Sha256, Gabarit: d.Gabarit, Taille: d.Taille, SessionID: d.SessionID, CandidatID: deref(d.CandidatID),
		Statut: d.Statut, RemplacePar: deref(d.RemplacePar), CategorieRevocation: string(d.CategorieRevocation),
		MotifRevocation: d.MotifRevocation, RevoqueLe: d.RevoqueAt,
		EmisLe: d.EmisAt, URL: "/api/v1/documents/" + d.ID + ".pdf", ScellePar: d.SceauNom, SceauEmpreinte: d.SceauEmpreinte,
		DuplicataDe: deref(d.DuplicataDe)}
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
	if fields := idParams(c.QueryParams(), nil, "candidat_id", "session_id"); len(fields) > 0 {
		return badRequest("parametres_invalides", "Les paramètres de la requête sont invalides.", fields...)
	}
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
	Categorie string `json:"categorie" validate:"required,oneof=erreur_materielle decision_rectifiee identite_rectifiee fraude recours"`
	Motif     string `json:"motif" validate:"required,notblank,max=2000"`
}

func (s *Server) handleDocumentRevoke(c echo.Context) error {
	var req revocationRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	d, err := s.svc.RevoquerDocument(c.Request().Context(), acteur(c), c.Param("fichier"),
		certification.CategorieRevocation(req.Categorie), req.Motif)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toDocument(*d))
}

func (s *Server) handleDocumentDuplicata(c echo.Context) error {
	d, err := s.svc.EmettreDuplicata(c.Request().Context(), acteur(c), c.Param("fichier"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toDocument(*d))
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
	Statut              string    `json:"statut"`
	Type                string    `json:"type"`
	Numero              string    `json:"numero"`
	TitreCode           string    `json:"titre_code"`
	TitreIntitule       string    `json:"titre_intitule"`
	EmisLe              string    `json:"emis_le"`
	Initiales           string    `json:"initiales"`
	NomComplet          string    `json:"nom_complet,omitempty"`
	RemplacePar         string    `json:"remplace_par,omitempty"`
	CategorieRevocation string    `json:"categorie_revocation,omitempty"`
	LibelleRevocation   string    `json:"libelle_revocation,omitempty"`
	ScellePar           string    `json:"scelle_par,omitempty"`
	SceauEmpreinte      string    `json:"sceau_empreinte,omitempty"`
	DuplicataDe         string    `json:"duplicata_de,omitempty"`
	VerifieLe           time.Time `json:"verifie_le"`
}

func (s *Server) verificationJSON(c echo.Context, v *certification.Verification) error {
	return c.JSON(http.StatusOK, verificationResponse{Statut: v.Statut, Type: string(v.Type), Numero: v.Numero,
		TitreCode: v.TitreCode, TitreIntitule: v.TitreIntitule, EmisLe: certification.DateOf(v.EmisLe).String(),
		Initiales: v.Initiales, NomComplet: v.NomComplet, RemplacePar: v.RemplacePar,
		CategorieRevocation: string(v.CategorieRevocation), LibelleRevocation: v.CategorieRevocation.Libelle(),
		ScellePar: v.Sceau.Nom, SceauEmpreinte: v.Sceau.Empreinte, DuplicataDe: v.DuplicataDe,
		VerifieLe: s.svc.Now().UTC()})
}

// identityParams are the query parameters the verification once took the
// holder's identity from: the address is logged by every proxy on the
// way, so they are refused rather than read.
var identityParams = []string{"nom", "prenoms", "date_naissance"}

// handleVerification is public: anyone holding a document checks its code.
// A browser gets the web page, an API client (JSON, curl's */*) the data.
func (s *Server) handleVerification(c echo.Context) error {
	if ok, wait := s.verifyByIP.allow(c.RealIP(), s.svc.Now()); !ok {
		return tooManyRequests(wait)
	}
	for _, p := range identityParams {
		if c.QueryParams().Has(p) {
			return badRequest("identite_dans_adresse",
				"Le nom et la date de naissance ne passent pas dans l'adresse, qui est journalisée : envoyez-les dans le corps d'un POST sur la même adresse, en JSON {\"nom\": …, \"date_naissance\": \"AAAA-MM-JJ\"}.",
				ChampErreur{p, "interdit_dans_adresse", "Ce paramètre n'est pas admis dans l'adresse."})
		}
	}
	if web.PrefersHTML(c.Request()) {
		return s.verificationPage(c)
	}
	v, err := s.svc.Verifier(c.Request().Context(), c.Param("code"), "", nil)
	if err != nil {
		return err
	}
	return s.verificationJSON(c, v)
}

type titulaireRequest struct {
	Nom           string `json:"nom" validate:"required,notblank,max=200"`
	DateNaissance string `json:"date_naissance" validate:"required,datetime=2006-01-02"`
}

// handleVerificationIdentite checks the holder's identity against a code
// and answers its full name when they match. A form posted by the
// verification page gets the page. Failed checks are limited per code
// (see identityGuard), so that the date of birth cannot be walked.
func (s *Server) handleVerificationIdentite(c echo.Context) error {
	if mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType)); mt == echo.MIMEApplicationForm || mt == echo.MIMEMultipartForm {
		return s.verificationConfirmPage(c)
	}
	now := s.svc.Now()
	if ok, wait := s.verifyByIP.allow(c.RealIP(), now); !ok {
		return tooManyRequests(wait)
	}
	var req titulaireRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	code := certification.NormaliserCode(c.Param("code"))
	if ok, wait := s.identites.allow(code, now); !ok {
		return tooManyIdentityChecks(wait)
	}
	naissance := date(req.DateNaissance)
	v, err := s.svc.Verifier(c.Request().Context(), code, req.Nom, &naissance)
	if err != nil {
		return err
	}
	if v.NomComplet == "" {
		s.identites.failed(code, now)
		return &httpError{status: http.StatusUnprocessableEntity, code: "identite_non_concordante",
			detail: "Le nom et la date de naissance ne correspondent pas au titulaire de ce document."}
	}
	return s.verificationJSON(c, v)
}
