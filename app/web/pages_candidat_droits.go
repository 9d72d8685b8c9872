package web

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/mon-espace/donnees.json", Handler: (*Web).handleMesDonneesJSON,
			Title: "Mes données personnelles (JSON)", Roles: candidatOnly, File: true},
		Page{Method: http.MethodGet, Path: "/mon-espace/donnees.pdf", Handler: (*Web).handleMesDonneesPDF,
			Title: "Mes données personnelles (PDF)", Roles: candidatOnly, File: true},
		Page{Method: http.MethodGet, Path: "/mon-espace/rectification", Handler: (*Web).handleDemandeForm,
			Title: "Demander une rectification", Roles: candidatOnly},
		Page{Method: http.MethodPost, Path: "/mon-espace/rectification", Handler: (*Web).handleRectificationDemandee,
			Title: "Demander une rectification", Roles: candidatOnly},
		Page{Method: http.MethodGet, Path: "/mon-espace/effacement", Handler: (*Web).handleDemandeForm,
			Title: "Demander l’effacement de mes données", Roles: candidatOnly},
		Page{Method: http.MethodPost, Path: "/mon-espace/effacement", Handler: (*Web).handleEffacementDemande,
			Title: "Demander l’effacement de mes données", Roles: candidatOnly},
	)
	notices["rectification-centre"] = "Votre demande de rectification est transmise à votre centre."
	notices["rectification-autorite"] = "Votre demande de rectification est transmise à l’autorité qui certifie votre identité."
}

// handleMesDonneesJSON answers everything held about the candidat, as a
// JSON file (access and portability).
func (w *Web) handleMesDonneesJSON(c echo.Context) error {
	a, _ := acteur(c)
	d, err := w.svc.DonneesPersonnelles(c.Request().Context(), a)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	return donneesFichier(c, "application/json; charset=utf-8", "donnees-personnelles.json", b)
}

func (w *Web) handleMesDonneesPDF(c echo.Context) error {
	a, _ := acteur(c)
	b, err := w.svc.DonneesPersonnellesPDF(c.Request().Context(), a)
	if err != nil {
		return err
	}
	return donneesFichier(c, "application/pdf", "donnees-personnelles.pdf", b)
}

// donneesFichier sends an export as a download no cache keeps.
func donneesFichier(c echo.Context, typ, nom string, b []byte) error {
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", `attachment; filename="`+nom+`"`)
	return c.Blob(http.StatusOK, typ, b)
}

// demandeData is a request form, then the answer to an erasure request.
type demandeData struct {
	Effacement bool
	Reponse    *certification.ReponseEffacement
}

func (w *Web) renderDemande(c echo.Context, status int, form *Form, d *demandeData) error {
	v := w.view(c, d)
	v.Crumbs = append(v.Crumbs[:0], crumb{"Mon espace", "/mon-espace"})
	v.Form = form
	return w.render(c, status, "mon-espace-demande", v)
}

func (w *Web) handleDemandeForm(c echo.Context) error {
	return w.renderDemande(c, http.StatusOK, newForm(nil), &demandeData{Effacement: c.Path() == "/mon-espace/effacement"})
}

func (w *Web) handleRectificationDemandee(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	d, err := w.svc.DemanderRectification(c.Request().Context(), a, form.Get("texte"))
	if err != nil {
		if !form.Refuse(err) {
			return err
		}
		return w.renderDemande(c, http.StatusUnprocessableEntity, form, &demandeData{})
	}
	return c.Redirect(http.StatusSeeOther, "/mon-espace?info=rectification-"+d.Destinataire)
}

// handleEffacementDemande records the request and answers at once what is
// kept and why.
func (w *Web) handleEffacementDemande(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	r, err := w.svc.DemanderEffacement(c.Request().Context(), a, form.Get("texte"))
	if err != nil {
		if !form.Refuse(err) {
			return err
		}
		return w.renderDemande(c, http.StatusUnprocessableEntity, form, &demandeData{Effacement: true})
	}
	return w.renderDemande(c, http.StatusOK, newForm(nil), &demandeData{Effacement: true, Reponse: r})
}
