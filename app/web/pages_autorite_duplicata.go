package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// The duplicata of a parchemin or livret, which the autorité issues when
// its holder has lost it: a new numbered document that names the
// original, which stays valid. The page is the confirmation step.
func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/autorite/sessions/:id/documents/:did/duplicata", Handler: (*Web).handleDuplicataForm,
			Title: "Délivrer un duplicata", Roles: autoriteOnly},
		Page{Method: http.MethodPost, Path: "/autorite/sessions/:id/documents/:did/duplicata", Handler: (*Web).handleDuplicata,
			Title: "Délivrer un duplicata", Roles: autoriteOnly},
	)
	notices["duplicata-emis"] = "Le duplicata est délivré : il porte son propre numéro et la mention du document original, qui reste valide."
}

// documentDeSession loads the session and the document of the address,
// refusing a document of another session under this one's address.
func (w *Web) documentDeSession(c echo.Context) (*certification.Session, *certification.Document, error) {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	s, err := w.svc.Session(ctx, a, c.Param("id"))
	if err != nil {
		return nil, nil, err
	}
	d, err := w.svc.Document(ctx, a, c.Param("did"), false)
	if err != nil {
		return nil, nil, err
	}
	if d.SessionID != s.ID {
		return nil, nil, certification.Errorf(certification.ErrNotFound, "introuvable", "Document introuvable.")
	}
	return s, d, nil
}

func (w *Web) renderDuplicata(c echo.Context, status int, form *Form) error {
	s, d, err := w.documentDeSession(c)
	if err != nil {
		return err
	}
	v := w.view(c, &revocationData{S: s, D: d})
	v.Title = "Délivrer un duplicata du document n° " + d.Numero
	v.Crumbs = append(v.Crumbs, crumb{"Sessions", "/autorite/sessions"}, crumb{"Session " + s.Reference, "/autorite/sessions/" + s.ID})
	v.Form = form
	return w.render(c, status, "autorite_duplicata", v)
}

func (w *Web) handleDuplicataForm(c echo.Context) error {
	return w.renderDuplicata(c, http.StatusOK, newForm(url.Values{}))
}

func (w *Web) handleDuplicata(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	// Checked before writing, so that a refusal writes nothing.
	if _, _, err := w.documentDeSession(c); err != nil {
		return err
	}
	dup, err := w.svc.EmettreDuplicata(c.Request().Context(), a, c.Param("did"))
	if err != nil {
		if !form.Refuse(err) {
			return err
		}
		return w.renderDuplicata(c, statusOf(err), form)
	}
	return c.Redirect(http.StatusSeeOther, "/autorite/sessions/"+c.Param("id")+"?info=duplicata-emis#document-"+dup.ID)
}
