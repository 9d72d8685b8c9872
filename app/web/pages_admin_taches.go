package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// The job queue as the administrator inspects it: what waits, what runs,
// what failed and why, what was given up.
func init() {
	addPages(Page{Method: http.MethodGet, Path: "/admin/taches", Handler: (*Web).handleAdminTaches, Title: "File des tâches",
		Roles: adminOnly, Menu: "File des tâches"})
	funcs["etatTache"] = func(s string) string {
		if l, ok := libelleEtatTache[s]; ok {
			return l
		}
		return s
	}
}

// libelleEtatTache names River's job states in French.
var libelleEtatTache = map[string]string{
	"available": "en attente",
	"scheduled": "programmée",
	"pending":   "suspendue",
	"running":   "en cours",
	"retryable": "à réessayer",
	"completed": "terminée",
	"cancelled": "abandonnée",
	"discarded": "échouée définitivement",
}

type tachesData struct {
	Taches []certification.Tache
	Max    int
}

func (w *Web) handleAdminTaches(c echo.Context) error {
	a, _ := acteur(c)
	ts, err := w.svc.Taches(c.Request().Context(), a)
	if err != nil {
		return err
	}
	return w.render(c, http.StatusOK, "admin_taches", w.view(c, &tachesData{Taches: ts, Max: certification.TachesAffichees}))
}
