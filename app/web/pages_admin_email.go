package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
)

// The administrator gives an account the e-mail address its invitation,
// reset links and reminders go to: the accounts opened before accounts
// had one have none.
func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/admin/comptes/:id/email", Handler: (*Web).handleCompteEmailForm,
			Title: "Adresse électronique d’un compte", Roles: adminOnly},
		Page{Method: http.MethodPost, Path: "/admin/comptes/:id/email", Handler: (*Web).handleCompteEmail,
			Title: "Adresse électronique d’un compte", Roles: adminOnly},
	)
	notices["email"] = "L’adresse électronique du compte est enregistrée."
}

func (w *Web) renderCompteEmail(c echo.Context, status int, form *Form) error {
	u, err := w.compte(c)
	if err != nil {
		return err
	}
	if form == nil {
		form = newForm(url.Values{"email": {u.Email}})
	}
	v := w.view(c, &compteEtatData{U: u})
	v.Crumbs = append(v.Crumbs[:0], crumb{"Comptes", "/admin"})
	v.Form = form
	return w.render(c, status, "admin_email", v)
}

func (w *Web) handleCompteEmailForm(c echo.Context) error {
	return w.renderCompteEmail(c, http.StatusOK, nil)
}

func (w *Web) handleCompteEmail(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	if _, err := w.svc.ChangerEmail(c.Request().Context(), a, c.Param("id"), form.Get("email")); err != nil {
		if !form.Refuse(err) {
			return err
		}
		return w.renderCompteEmail(c, http.StatusUnprocessableEntity, form)
	}
	return c.Redirect(http.StatusSeeOther, "/admin?info=email")
}
