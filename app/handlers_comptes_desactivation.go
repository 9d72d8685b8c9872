package app

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (s *Server) handleCompteDesactivation(c echo.Context) error {
	var req motifRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	u, err := s.svc.DesactiverCompte(c.Request().Context(), acteur(c), c.Param("id"), req.Motif)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toUtilisateur(*u))
}

func (s *Server) handleCompteReactivation(c echo.Context) error {
	var req motifRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	u, err := s.svc.ReactiverCompte(c.Request().Context(), acteur(c), c.Param("id"), req.Motif)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toUtilisateur(*u))
}
