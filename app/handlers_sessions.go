package app

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

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
	Heure           string                  `json:"heure"`
	NumeroCeres     string                  `json:"numero_ceres"`
	CeresDeclareeLe *string                 `json:"ceres_declaree_le"`
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
		Lieu: ss.Lieu, Responsable: ss.Responsable, Heure: ss.Heure, NumeroCeres: ss.NumeroCeres,
		CeresDeclareeLe: dateString(ss.CeresDeclareeLe), Statut: string(ss.Statut), MotifAnnulation: ss.MotifAnnulation,
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

type sessionListResponse struct {
	Sessions []sessionResponse `json:"sessions"`
	Suivant  string            `json:"suivant,omitempty"`
}

// statutsSession are the values of the statut filter, for the document.
var statutsSession = func() []string {
	out := make([]string, len(certification.StatutsSession))
	for i, st := range certification.StatutsSession {
		out[i] = string(st)
	}
	return out
}()

// handleSessionList reads the filters; values that do not parse answer 400
// here, values that parse but make no sense 422 from the service.
func (s *Server) handleSessionList(c echo.Context) error {
	q := c.QueryParams()
	f := certification.FiltreSessions{Statut: certification.StatutSession(q.Get("statut")), Type: q.Get("type"),
		CentreID: q.Get("centre_id"), Recherche: q.Get("recherche"), Apres: q.Get("apres")}
	var fields []ChampErreur
	if v := q.Get("a_delivrer"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			fields = append(fields, ChampErreur{"a_delivrer", "booleen", "true ou false est attendu."})
		}
		f.ADelivrer = b
	}
	fields = dateParams(q, fields, dateParam{"debut", &f.Debut}, dateParam{"fin", &f.Fin})
	f.Limite, fields = limite(q.Get("limite"), fields)
	fields = idParams(q, fields, "centre_id", "apres")
	if len(fields) > 0 {
		return badRequest("parametres_invalides", "Les paramètres de la requête sont invalides.", fields...)
	}
	page, err := s.svc.SessionsPage(c.Request().Context(), acteur(c), f)
	if err != nil {
		return err
	}
	out := sessionListResponse{Sessions: make([]sessionResponse, len(page.Sessions)), Suivant: page.Suivant}
	for i, x := range page.Sessions {
		out.Sessions[i] = toSession(x)
	}
	return c.JSON(http.StatusOK, out)
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

func (s *Server) handleSessionRegularise(c echo.Context) error {
	var req motifRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	return sessionJSON(c)(s.svc.RegulariserDeclaration(c.Request().Context(), acteur(c), c.Param("id"), req.Motif))
}

func (s *Server) handleSessionCancel(c echo.Context) error {
	var req motifRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	return sessionJSON(c)(s.svc.AnnulerSession(c.Request().Context(), acteur(c), c.Param("id"), req.Motif))
}
