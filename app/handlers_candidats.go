package app

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

type candidatRequest struct {
	TitreCode            string               `json:"titre_code" validate:"required,max=20"`
	Parcours             string               `json:"parcours" validate:"required,oneof=formation vae capitalisation ccs"`
	NomNaissance         string               `json:"nom_naissance" validate:"required,notblank,max=100,nocontrol"`
	NomUsage             string               `json:"nom_usage" validate:"max=100,nocontrol"`
	Prenoms              string               `json:"prenoms" validate:"required,notblank,max=200,nocontrol"`
	DateNaissance        string               `json:"date_naissance" validate:"required,datetime=2006-01-02"`
	LieuNaissance        string               `json:"lieu_naissance" validate:"required,notblank,max=200,nocontrol"`
	Email                string               `json:"email" validate:"required,max=254,email"`
	Formation            *periodeRequest      `json:"formation"`
	ECF                  []ecfRequest         `json:"ecf" validate:"max=20,dive"`
	Recevabilite         *recevabiliteRequest `json:"recevabilite"`
	MoisExperience       *int                 `json:"mois_experience" validate:"omitempty,gte=0,lte=720"`
	CCPAnterieurs        []anterieurRequest   `json:"ccp_anterieurs" validate:"max=20,dive"`
	candidatLectureSeule `openapi:"readonly"`
}

// candidatLectureSeule are the fields a GET answers that only the server
// writes. A PUT accepts and ignores them, so that a client may send back
// the body it read; the version that counts is the one in If-Match.
type candidatLectureSeule struct {
	ID        *string    `json:"id"`
	CentreID  *string    `json:"centre_id"`
	ArchiveLe *time.Time `json:"archive_le"`
	Version   *int       `json:"version"`
	CreeLe    *time.Time `json:"cree_le"`
	ModifieLe *time.Time `json:"modifie_le"`
}

type periodeRequest struct {
	Debut string `json:"debut" validate:"required,datetime=2006-01-02"`
	Fin   string `json:"fin" validate:"required,datetime=2006-01-02"`
}

type ecfRequest struct {
	CCP            string `json:"ccp" validate:"required,max=20"`
	DateEvaluation string `json:"date_evaluation" validate:"required,datetime=2006-01-02"`
	Observations   string `json:"observations" validate:"max=2000"`
}

type recevabiliteRequest struct {
	DateNotification string `json:"date_notification" validate:"required,datetime=2006-01-02"`
	Reference        string `json:"reference" validate:"required,notblank,max=100,nocontrol"`
	DDETS            string `json:"ddets" validate:"required,notblank,max=200,nocontrol"`
	MoisExperience   int    `json:"mois_experience" validate:"gte=0,lte=720"`
	TypeSession      string `json:"type_session" validate:"required,oneof=titre ccp"`
}

type anterieurRequest struct {
	CCP              string `json:"ccp" validate:"required,max=20"`
	VersionCode      string `json:"version_code" validate:"required,max=40"`
	DateObtention    string `json:"date_obtention" validate:"required,datetime=2006-01-02"`
	SessionReference string `json:"session_reference" validate:"required,notblank,max=100,nocontrol"`
}

func (r candidatRequest) saisie() certification.CandidatSaisie {
	in := certification.CandidatSaisie{
		TitreCode: r.TitreCode, Parcours: certification.Parcours(r.Parcours),
		NomNaissance: strings.TrimSpace(r.NomNaissance), NomUsage: strings.TrimSpace(r.NomUsage),
		Prenoms: strings.TrimSpace(r.Prenoms), DateNaissance: date(r.DateNaissance),
		LieuNaissance: strings.TrimSpace(r.LieuNaissance), Email: r.Email, MoisExperience: r.MoisExperience,
	}
	if f := r.Formation; f != nil {
		in.Formation = &certification.Periode{Debut: date(f.Debut), Fin: date(f.Fin)}
	}
	for _, e := range r.ECF {
		in.ECF = append(in.ECF, certification.ECF{CCP: e.CCP, DateEvaluation: date(e.DateEvaluation), Observations: e.Observations})
	}
	if v := r.Recevabilite; v != nil {
		in.Recevabilite = &certification.Recevabilite{DateNotification: date(v.DateNotification), Reference: v.Reference,
			DDETS: v.DDETS, MoisExperience: v.MoisExperience, TypeSession: v.TypeSession}
	}
	for _, a := range r.CCPAnterieurs {
		in.CCPAnterieurs = append(in.CCPAnterieurs, certification.CCPAnterieur{CCP: a.CCP, VersionCode: a.VersionCode,
			DateObtention: date(a.DateObtention), SessionReference: a.SessionReference})
	}
	return in
}

type candidatResponse struct {
	ID             string                `json:"id"`
	CentreID       string                `json:"centre_id"`
	TitreCode      string                `json:"titre_code"`
	Parcours       string                `json:"parcours"`
	NomNaissance   string                `json:"nom_naissance"`
	NomUsage       string                `json:"nom_usage"`
	Prenoms        string                `json:"prenoms"`
	DateNaissance  string                `json:"date_naissance"`
	LieuNaissance  string                `json:"lieu_naissance"`
	Email          string                `json:"email"`
	Formation      *periodeResponse      `json:"formation"`
	ECF            []ecfResponse         `json:"ecf"`
	Recevabilite   *recevabiliteResponse `json:"recevabilite"`
	MoisExperience *int                  `json:"mois_experience"`
	CCPAnterieurs  []anterieurResponse   `json:"ccp_anterieurs"`
	ArchiveLe      *time.Time            `json:"archive_le"`
	Version        int                   `json:"version"`
	CreeLe         time.Time             `json:"cree_le"`
	ModifieLe      time.Time             `json:"modifie_le"`
}

type periodeResponse struct {
	Debut string `json:"debut"`
	Fin   string `json:"fin"`
}

type ecfResponse struct {
	CCP            string `json:"ccp"`
	DateEvaluation string `json:"date_evaluation"`
	Observations   string `json:"observations"`
}

type recevabiliteResponse struct {
	DateNotification string `json:"date_notification"`
	Reference        string `json:"reference"`
	DDETS            string `json:"ddets"`
	MoisExperience   int    `json:"mois_experience"`
	TypeSession      string `json:"type_session"`
}

type anterieurResponse struct {
	CCP              string `json:"ccp"`
	VersionCode      string `json:"version_code"`
	DateObtention    string `json:"date_obtention"`
	SessionReference string `json:"session_reference"`
}

func toCandidat(c certification.Candidat) candidatResponse {
	r := candidatResponse{
		ID: c.ID, CentreID: c.CentreID, TitreCode: c.TitreCode, Parcours: string(c.Parcours),
		NomNaissance: c.NomNaissance, NomUsage: c.NomUsage, Prenoms: c.Prenoms,
		DateNaissance: c.DateNaissance.String(), LieuNaissance: c.LieuNaissance, Email: c.Email,
		MoisExperience: c.MoisExperience, ArchiveLe: c.ArchiveAt, Version: c.Version,
		CreeLe: c.CreatedAt, ModifieLe: c.UpdatedAt,
		ECF: []ecfResponse{}, CCPAnterieurs: []anterieurResponse{},
	}
	if f := c.Formation; f != nil {
		r.Formation = &periodeResponse{f.Debut.String(), f.Fin.String()}
	}
	for _, e := range c.ECF {
		r.ECF = append(r.ECF, ecfResponse{e.CCP, e.DateEvaluation.String(), e.Observations})
	}
	if v := c.Recevabilite; v != nil {
		r.Recevabilite = &recevabiliteResponse{v.DateNotification.String(), v.Reference, v.DDETS, v.MoisExperience, v.TypeSession}
	}
	for _, a := range c.CCPAnterieurs {
		r.CCPAnterieurs = append(r.CCPAnterieurs, anterieurResponse{a.CCP, a.VersionCode, a.DateObtention.String(), a.SessionReference})
	}
	return r
}

// etag is the candidat's version, the token of optimistic locking.
func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// ifMatch reads the version a client last saw. Writes without it are
// refused: a blind overwrite is how two people lose each other's work.
func ifMatch(c echo.Context) (int, error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" {
		return 0, &httpError{status: http.StatusPreconditionRequired, code: "if_match_requis",
			detail: "Envoyez l'en-tête If-Match avec l'ETag lu lors du dernier GET, pour ne pas écraser une modification concurrente."}
	}
	v, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(h, "W/"), `"`))
	if err != nil || v < 1 {
		return 0, badRequest("if_match_invalide", "L'en-tête If-Match doit reprendre l'ETag renvoyé par le GET, par exemple \"3\".")
	}
	return v, nil
}

func (s *Server) candidatJSON(c echo.Context, status int, cand *certification.Candidat) error {
	c.Response().Header().Set("ETag", etag(cand.Version))
	return c.JSON(status, toCandidat(*cand))
}

func (s *Server) handleCandidatCreate(c echo.Context) error {
	var req candidatRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	cand, err := s.svc.CreateCandidat(c.Request().Context(), acteur(c), req.saisie())
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/candidats/"+cand.ID)
	return s.candidatJSON(c, http.StatusCreated, cand)
}

func (s *Server) handleCandidatGet(c echo.Context) error {
	cand, err := s.svc.Candidat(c.Request().Context(), acteur(c), c.Param("id"))
	if err != nil {
		return err
	}
	return s.candidatJSON(c, http.StatusOK, cand)
}

func (s *Server) handleCandidatUpdate(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req candidatRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if err := s.checkLectureSeule(c, req.candidatLectureSeule, version); err != nil {
		return err
	}
	cand, err := s.svc.UpdateCandidat(c.Request().Context(), acteur(c), c.Param("id"), version, req.saisie())
	if err != nil {
		return err
	}
	return s.candidatJSON(c, http.StatusOK, cand)
}

type identiteRequest struct {
	NomNaissance       string `json:"nom_naissance" validate:"required,notblank,max=100,nocontrol"`
	Prenoms            string `json:"prenoms" validate:"required,notblank,max=200,nocontrol"`
	DateNaissance      string `json:"date_naissance" validate:"required,datetime=2006-01-02"`
	LieuNaissance      string `json:"lieu_naissance" validate:"max=200,nocontrol"`
	Motif              string `json:"motif" validate:"required,notblank,max=2000"`
	PieceJustificative string `json:"piece_justificative" validate:"required,notblank,max=200,nocontrol"`
}

func (s *Server) handleIdentiteRectify(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req identiteRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	cand, err := s.svc.RectifierIdentite(c.Request().Context(), acteur(c), c.Param("id"), version, certification.IdentiteRectifiee{
		Identite: certification.Identite{NomNaissance: req.NomNaissance, Prenoms: req.Prenoms, DateNaissance: date(req.DateNaissance),
			LieuNaissance: req.LieuNaissance}, Motif: req.Motif, PieceJustificative: req.PieceJustificative})
	if err != nil {
		return err
	}
	return s.candidatJSON(c, http.StatusOK, cand)
}

// checkLectureSeule accepts the read-only fields of a body read by GET when
// they still say what the server holds; a different id or centre, or a
// version other than If-Match's, is a client mixing up two dossiers.
// Timestamps are ignored: If-Match already refuses a stale body.
func (s *Server) checkLectureSeule(c echo.Context, ro candidatLectureSeule, version int) error {
	var fields []ChampErreur
	if ro.Version != nil && *ro.Version != version {
		fields = append(fields, ChampErreur{"version", "lecture_seule", "La version du corps diffère de celle d'If-Match."})
	}
	if ro.ID != nil || ro.CentreID != nil {
		cur, err := s.svc.Candidat(c.Request().Context(), acteur(c), c.Param("id"))
		if err != nil {
			return err
		}
		if ro.ID != nil && *ro.ID != cur.ID {
			fields = append(fields, ChampErreur{"id", "lecture_seule", "Ce champ est en lecture seule : il doit rester celui lu par GET."})
		}
		if ro.CentreID != nil && *ro.CentreID != cur.CentreID {
			fields = append(fields, ChampErreur{"centre_id", "lecture_seule", "Ce champ est en lecture seule : il doit rester celui lu par GET."})
		}
	}
	if len(fields) > 0 {
		return badRequest("champ_lecture_seule", "La requête modifie un champ en lecture seule.", fields...)
	}
	return nil
}

func (s *Server) handleCandidatArchive(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	cand, err := s.svc.ArchiveCandidat(c.Request().Context(), acteur(c), c.Param("id"), version)
	if err != nil {
		return err
	}
	return s.candidatJSON(c, http.StatusOK, cand)
}

// limite reads the page size of a list: empty for the default, else an
// integer from 1 to 200; a bad value is added to fields.
func limite(v string, fields []ChampErreur) (int, []ChampErreur) {
	if v == "" {
		return 0, fields
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 200 {
		return 0, append(fields, ChampErreur{"limite", "intervalle", "Un entier entre 1 et 200 est attendu."})
	}
	return n, fields
}

type candidatListResponse struct {
	Candidats []candidatResponse `json:"candidats"`
	Suivant   string             `json:"suivant,omitempty"`
}

func (s *Server) handleCandidatList(c echo.Context) error {
	q := c.QueryParams()
	f := certification.FiltreCandidats{
		Parcours: certification.Parcours(q.Get("parcours")), Nom: q.Get("nom"),
		CentreID: q.Get("centre_id"), Apres: q.Get("apres"),
	}
	var fields []ChampErreur
	// The database must not see bytes its text cannot hold: PostgreSQL
	// fails on them, and SQLite's LIKE mishandles a NUL.
	for _, name := range []string{"nom", "centre_id", "apres"} {
		if v := q.Get(name); !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			fields = append(fields, ChampErreur{name, "texte_invalide", "UTF-8 valide sans caractère nul attendu."})
		}
	}
	fields = nomParam(q, fields)
	fields = idParams(q, fields, "centre_id", "apres")
	if f.Parcours != "" && !f.Parcours.Valid() {
		fields = append(fields, ChampErreur{"parcours", "oneof", "Valeur inconnue ; valeurs admises : formation, vae, capitalisation, ccs."})
	}
	f.Limite, fields = limite(q.Get("limite"), fields)
	if v := q.Get("archives"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			fields = append(fields, ChampErreur{"archives", "booleen", "true ou false est attendu."})
		}
		f.Archives = b
	}
	if len(fields) > 0 {
		return badRequest("parametres_invalides", "Les paramètres de la requête sont invalides.", fields...)
	}
	page, err := s.svc.Candidats(c.Request().Context(), acteur(c), f)
	if err != nil {
		return err
	}
	out := candidatListResponse{Candidats: make([]candidatResponse, len(page.Candidats)), Suivant: page.Suivant}
	for i, cand := range page.Candidats {
		out.Candidats[i] = toCandidat(cand)
	}
	return c.JSON(http.StatusOK, out)
}
