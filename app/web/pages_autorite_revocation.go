package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// The revocation of an issued document by the autorité: a public category
// from the closed list, which the verification of its code shows, and an
// internal motif, which only the autorité and the trail keep. The form's
// page is the confirmation step: it shows the document and what revoking
// it does before anything is written.
func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/autorite/sessions/:id/documents/:did/revocation", Handler: (*Web).handleRevocationForm,
			Title: "Révoquer un document", Roles: autoriteOnly},
		Page{Method: http.MethodPost, Path: "/autorite/sessions/:id/documents/:did/revocation", Handler: (*Web).handleRevocation,
			Title: "Révoquer un document", Roles: autoriteOnly},
	)
	notices["document-revoque"] = "Le document est révoqué : sa vérification publique l’indique, avec la catégorie choisie et sans le motif."
	funcs["categorieRevocation"] = func(c certification.CategorieRevocation) string { return c.Libelle() }
}

// categoriesRevocation are the radios of the form, in the service's order
// and with its labels, so that the list is written once.
func categoriesRevocation() []option {
	out := make([]option, len(certification.CategoriesRevocation))
	for i, c := range certification.CategoriesRevocation {
		out[i] = option{string(c), c.Libelle()}
	}
	return out
}

// revocationData is the document to revoke and its session.
type revocationData struct {
	S          *certification.Session
	D          *certification.Document
	Categories []option
}

func (w *Web) renderRevocation(c echo.Context, status int, form *Form) error {
	s, d, err := w.documentDeSession(c)
	if err != nil {
		return err
	}
	v := w.view(c, &revocationData{S: s, D: d, Categories: categoriesRevocation()})
	v.Title = "Révoquer le document n° " + d.Numero
	v.Crumbs = append(v.Crumbs, crumb{"Sessions", "/autorite/sessions"}, crumb{"Session " + s.Reference, "/autorite/sessions/" + s.ID})
	v.Form = form
	return w.render(c, status, "autorite_revocation", v)
}

func (w *Web) handleRevocationForm(c echo.Context) error {
	return w.renderRevocation(c, http.StatusOK, newForm(url.Values{}))
}

func (w *Web) handleRevocation(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	categorie := certification.CategorieRevocation(form.Get("categorie"))
	if !categorie.Valid() {
		form.Fail("categorie", "Choisissez la catégorie de la révocation.")
	}
	motif := textField(form, "motif", "Indiquez le motif de la révocation.", 2000)
	if form.Get("confirmation") == "" {
		form.Fail("confirmation", "Cochez la case pour confirmer la révocation définitive du document.")
	}
	if form.Failed() {
		form.Summary = "Le document n’est pas révoqué : corrigez les champs signalés."
		return w.renderRevocation(c, http.StatusUnprocessableEntity, form)
	}
	// The document must belong to the session of the address, checked
	// before writing, so that a refusal writes nothing.
	if _, _, err := w.documentDeSession(c); err != nil {
		return err
	}
	if _, err := w.svc.RevoquerDocument(c.Request().Context(), a, c.Param("did"), categorie, motif); err != nil {
		if !form.Refuse(err) {
			return err
		}
		status := http.StatusUnprocessableEntity
		if errors.Is(err, certification.ErrConflict) || errors.Is(err, certification.ErrStale) {
			status = http.StatusConflict
		}
		return w.renderRevocation(c, status, form)
	}
	return c.Redirect(http.StatusSeeOther, "/autorite/sessions/"+c.Param("id")+"?info=document-revoque#document-"+c.Param("did"))
}
