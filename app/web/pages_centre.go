package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

var centreOnly = []certification.Role{certification.RoleCentre}

func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/centre/candidats", Handler: (*Web).handleCandidatList, Title: "Candidats",
			Roles: centreOnly, Menu: "Candidats"},
	)
}

// candidatListData is one page of the centre's candidats with its filters.
type candidatListData struct {
	Page    *certification.PageCandidats
	Nom     string
	Filtre  string
	Archive bool
	// Suivant and Premier are the links to the next and first pages,
	// keeping the filters.
	Suivant, Premier string
	Apres            string
	Parcours         []option
}

const pageSize = 20

func (w *Web) handleCandidatList(c echo.Context) error {
	a, _ := acteur(c)
	q := c.QueryParams()
	form := newForm(q)
	f := certification.FiltreCandidats{Nom: form.Get("nom"), Parcours: certification.Parcours(q.Get("parcours")),
		Archives: q.Get("archives") == "1", Apres: q.Get("apres"), Limite: pageSize}
	if f.Parcours != "" && !f.Parcours.Valid() {
		form.Fail("parcours", "Parcours inconnu.")
		f.Parcours = ""
	}
	page, err := w.svc.Candidats(c.Request().Context(), a, f)
	if err != nil {
		if !form.Refuse(err) {
			return err
		}
		page = &certification.PageCandidats{}
	}
	d := &candidatListData{Page: page, Nom: f.Nom, Filtre: string(f.Parcours), Archive: f.Archives, Apres: f.Apres,
		Parcours: []option{{"", "Tous les parcours"}}}
	for _, p := range []certification.Parcours{certification.ParcoursFormation, certification.ParcoursVAE,
		certification.ParcoursCapitalisation, certification.ParcoursCCS} {
		d.Parcours = append(d.Parcours, option{string(p), libelleParcours[p]})
	}
	keep := url.Values{}
	for _, k := range []string{"nom", "parcours", "archives"} {
		if v := q.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	d.Premier = "/centre/candidats?" + keep.Encode()
	if page.Suivant != "" {
		keep.Set("apres", page.Suivant)
		d.Suivant = "/centre/candidats?" + keep.Encode()
	}
	v := w.view(c, d)
	v.Home, v.Form = true, form
	return w.render(c, http.StatusOK, "candidats", v)
}
