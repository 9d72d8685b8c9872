package app

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

type centreRequest struct {
	Nom        string            `json:"nom" validate:"required,notblank,max=200,nocontrol"`
	Siret      string            `json:"siret" validate:"required,max=20"`
	Adresse    string            `json:"adresse" validate:"required,max=300,nocontrol"`
	CodePostal string            `json:"code_postal" validate:"required,len=5,numeric"`
	Ville      string            `json:"ville" validate:"required,notblank,max=100,nocontrol"`
	Region     string            `json:"region" validate:"required,notblank,max=100,nocontrol"`
	Agrements  []agrementRequest `json:"agrements" validate:"max=50,dive"`
}

type agrementRequest struct {
	TitreCode string `json:"titre_code" validate:"required,max=20"`
	Debut     string `json:"debut" validate:"required,datetime=2006-01-02"`
	Fin       string `json:"fin" validate:"required,datetime=2006-01-02"`
}

type centreResponse struct {
	ID         string             `json:"id"`
	Nom        string             `json:"nom"`
	Siret      string             `json:"siret"`
	Adresse    string             `json:"adresse"`
	CodePostal string             `json:"code_postal"`
	Ville      string             `json:"ville"`
	Region     string             `json:"region"`
	Agrements  []agrementResponse `json:"agrements"`
}

type agrementResponse struct {
	TitreCode string `json:"titre_code"`
	Debut     string `json:"debut"`
	Fin       string `json:"fin"`
}

func toCentre(ce certification.Centre) centreResponse {
	r := centreResponse{ID: ce.ID, Nom: ce.Nom, Siret: ce.Siret, Adresse: ce.Adresse, CodePostal: ce.CodePostal,
		Ville: ce.Ville, Region: ce.Region, Agrements: []agrementResponse{}}
	for _, a := range ce.Agrements {
		r.Agrements = append(r.Agrements, agrementResponse{a.TitreCode, a.Debut.String(), a.Fin.String()})
	}
	return r
}

func (s *Server) handleCentreCreate(c echo.Context) error {
	var req centreRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ce, err := s.svc.CreateCentre(c.Request().Context(), acteur(c), req.centre())
	if err != nil {
		return err
	}
	return centreJSON(c, http.StatusCreated, ce)
}

func (req centreRequest) centre() certification.NouveauCentre {
	in := certification.NouveauCentre{Nom: req.Nom, Siret: req.Siret, Adresse: req.Adresse,
		CodePostal: req.CodePostal, Ville: req.Ville, Region: req.Region}
	for _, a := range req.Agrements {
		in.Agrements = append(in.Agrements, certification.NouvelAgrement{TitreCode: a.TitreCode, Debut: date(a.Debut), Fin: date(a.Fin)})
	}
	return in
}

// centreJSON answers a centre with its version as ETag, the If-Match of
// its next change.
func centreJSON(c echo.Context, status int, ce *certification.Centre) error {
	c.Response().Header().Set("ETag", etag(ce.Version))
	return c.JSON(status, toCentre(*ce))
}

func (s *Server) handleCentreGet(c echo.Context) error {
	ce, err := s.svc.Centre(c.Request().Context(), acteur(c), c.Param("id"))
	if err != nil {
		return err
	}
	return centreJSON(c, http.StatusOK, ce)
}

func (s *Server) handleCentreUpdate(c echo.Context) error {
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req centreRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ce, err := s.svc.ModifierCentre(c.Request().Context(), acteur(c), c.Param("id"), version, req.centre())
	if err != nil {
		return err
	}
	return centreJSON(c, http.StatusOK, ce)
}

type centreListResponse struct {
	Centres []centreResponse `json:"centres"`
}

func (s *Server) handleCentreList(c echo.Context) error {
	cs, err := s.svc.Centres(c.Request().Context(), acteur(c))
	if err != nil {
		return err
	}
	out := make([]centreResponse, len(cs))
	for i, ce := range cs {
		out[i] = toCentre(ce)
	}
	return c.JSON(http.StatusOK, centreListResponse{out})
}
