package app

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

type incidentRequest struct {
	Categorie   string `json:"categorie" validate:"required,max=40"`
	Description string `json:"description" validate:"max=2000"`
}

type incidentResponse struct {
	ID               string    `json:"id"`
	InscriptionID    string    `json:"inscription_id"`
	Candidat         string    `json:"candidat_nom"`
	Categorie        string    `json:"categorie"`
	CategorieLibelle string    `json:"categorie_libelle"`
	Description      string    `json:"description"`
	SaisiPar         string    `json:"saisi_par"`
	CreeLe           time.Time `json:"cree_le"`
}

func toIncident(i certification.Incident) incidentResponse {
	return incidentResponse{ID: i.ID, InscriptionID: i.InscriptionID, Candidat: i.Candidat, Categorie: i.Categorie,
		CategorieLibelle: certification.LibelleIncident(i.Categorie), Description: i.Description, SaisiPar: i.SaisiPar, CreeLe: i.CreatedAt}
}

func (s *Server) handleIncidentCreate(c echo.Context) error {
	var req incidentRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	i, err := s.svc.SignalerIncident(c.Request().Context(), acteur(c), c.Param("id"), c.Param("iid"),
		certification.NouvelIncident{Categorie: req.Categorie, Description: req.Description})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toIncident(*i))
}

type incidentListResponse struct {
	Incidents []incidentResponse `json:"incidents"`
}

func (s *Server) handleIncidentList(c echo.Context) error {
	is, err := s.svc.Incidents(c.Request().Context(), acteur(c), c.Param("id"))
	if err != nil {
		return err
	}
	out := make([]incidentResponse, len(is))
	for i, x := range is {
		out[i] = toIncident(x)
	}
	return c.JSON(http.StatusOK, incidentListResponse{out})
}

func (s *Server) handleIncidentWithdraw(c echo.Context) error {
	if err := s.svc.RetirerIncident(c.Request().Context(), acteur(c), c.Param("id"), c.Param("nid")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
