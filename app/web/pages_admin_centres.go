package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// The centres as the administrator reads them: identity, SIRET, the
// territory that decides which autorité acts on their sessions, and their
// agréments.
func init() {
	addPages(Page{Method: http.MethodGet, Path: "/admin/centres", Handler: (*Web).handleAdminCentres, Title: "Centres",
		Roles: adminOnly, Menu: "Centres"})
}

// centresData lists the centres; Today marks each agrément in force or not.
type centresData struct {
	Centres []certification.Centre
	Today   certification.Date
}

func (w *Web) handleAdminCentres(c echo.Context) error {
	a, _ := acteur(c)
	cs, err := w.svc.Centres(c.Request().Context(), a)
	if err != nil {
		return err
	}
	v := w.view(c, &centresData{Centres: cs, Today: certification.DateOf(w.svc.Now())})
	return w.render(c, http.StatusOK, "admin_centres", v)
}
