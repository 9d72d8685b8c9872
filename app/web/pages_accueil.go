package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

func init() {
	addPages(Page{Method: http.MethodGet, Path: "/accueil", Handler: (*Web).handleAccueil, Title: "Accueil",
		Roles: []certification.Role{certification.RoleAdmin, certification.RoleJury}})
}

// handleAccueil is the home of the roles whose pages are still to come: it
// says what each can do today, and where.
func (w *Web) handleAccueil(c echo.Context) error {
	a, _ := acteur(c)
	v := w.view(c, string(a.Role))
	v.Home = true
	return w.render(c, http.StatusOK, "accueil", v)
}
