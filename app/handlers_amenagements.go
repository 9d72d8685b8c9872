package app

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// amenagementRequest is an adjustment of the épreuves granted to a
// candidat: the adjustment and its decision, never the disability.
type amenagementRequest struct {
	Type              string `json:"type" validate:"required,max=40"`
	Detail            string `json:"detail" validate:"max=500"`
	DecisionReference string `json:"decision_reference" validate:"required,max=100"`
	DecisionDate      string `json:"decision_date" validate:"required,datetime=2006-01-02"`
}

func (r amenagementRequest) nouvel() certification.NouvelAmenagement {
	return certification.NouvelAmenagement{Type: r.Type, Detail: r.Detail, DecisionReference: r.DecisionReference, DecisionDate: date(r.DecisionDate)}
}

type amenagementResponse struct {
	ID                string    `json:"id"`
	InscriptionID     string    `json:"inscription_id"`
	Candidat          string    `json:"candidat_nom"`
	Type              string    `json:"type"`
	TypeLibelle       string    `json:"type_libelle"`
	Detail            string    `json:"detail"`
	DecisionReference string    `json:"decision_reference"`
	DecisionDate      string    `json:"decision_date"`
	Version           int       `json:"version"`
	ModifieLe         time.Time `json:"modifie_le"`
}

type amenagementListResponse struct {
	Amenagements []amenagementResponse `json:"amenagements"`
}

func toAmenagement(a certification.Amenagement) amenagementResponse {
	return amenagementResponse{ID: a.ID, InscriptionID: a.InscriptionID, Candidat: a.Candidat, Type: a.Type,
		TypeLibelle: certification.LibelleAmenagement(a.Type), Detail: a.Detail, DecisionReference: a.DecisionReference,
		DecisionDate: a.DecisionDate.String(), Version: a.Version, ModifieLe: a.UpdatedAt}
}

func amenagementsJSON(c echo.Context, as []certification.Amenagement, err error) error {
	if err != nil {
		return err
	}
	out := make([]amenagementResponse, len(as))
	for i, a := range as {
		out[i] = toAmenagement(a)
	}
	return c.JSON(http.StatusOK, amenagementListResponse{out})
}

// amenagementJSON answers a written adjustment with its version as ETag,
// the If-Match of its next change.
func amenagementJSON(c echo.Context, status int, a *certification.Amenagement, err error) error {
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(a.Version))
	return c.JSON(status, toAmenagement(*a))
}

func (s *Server) handleAmenagementSessionList(c echo.Context) error {
	as, err := s.svc.AmenagementsSession(c.Request().Context(), acteur(c), c.Param("id"))
	return amenagementsJSON(c, as, err)
}

func (s *Server) handleAmenagementList(c echo.Context) error {
	as, err := s.svc.AmenagementsInscription(c.Request().Context(), acteur(c), c.Param("id"), c.Param("iid"))
	return amenagementsJSON(c, as, err)
}

func (s *Server) handleAmenagementCreate(c echo.Context) error {
	var req amenagementRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	a, err := s.svc.AccorderAmenagement(c.Request().Context(), acteur(c), c.Param("id"), c.Param("iid"), req.nouvel())
	return amenagementJSON(c, http.StatusCreated, a, err)
}

func (s *Server) handleAmenagementUpdate(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req amenagementRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	a, err := s.svc.ModifierAmenagement(c.Request().Context(), acteur(c), c.Param("id"), c.Param("aid"), version, req.nouvel())
	return amenagementJSON(c, http.StatusOK, a, err)
}

func (s *Server) handleAmenagementWithdraw(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.svc.RetirerAmenagement(c.Request().Context(), acteur(c), c.Param("id"), c.Param("aid"), version); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
