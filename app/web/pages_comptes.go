package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// A centre opens its candidat's account without ever choosing or seeing
// its password: it hands over a one-time activation link, and the
// candidat sets its password on the public activation page.
func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/centre/candidats/:id/compte", Handler: (*Web).handleCompteCandidat,
			Title: "Compte du candidat", Roles: centreOnly},
		Page{Method: http.MethodPost, Path: "/centre/candidats/:id/compte", Handler: (*Web).handleOuvrirCompte,
			Title: "Compte du candidat", Roles: centreOnly},
		Page{Method: http.MethodGet, Path: "/activation/:jeton", Handler: (*Web).handleActivationForm,
			Title: "Activer mon compte"},
		Page{Method: http.MethodPost, Path: "/activation/:jeton", Handler: (*Web).handleActivation,
			Title: "Activer mon compte"},
	)
	notices["compte-active"] = "Votre compte est activé : vous êtes connecté."
}

// ActivationURL is the address of the activation page of a link's token,
// as the centre hands it over: the pages and the API both give it.
func ActivationURL(publicURL, jeton string) string {
	return strings.TrimSuffix(publicURL, "/") + "/activation/" + jeton
}

// compteData is a candidat's account as its centre sees it, with the
// activation link just made, shown this once.
type compteData struct {
	C      *certification.Candidat
	Compte *certification.CompteCandidat
	Lien   string
	Expire string
	Ident  string
}

func (w *Web) renderCompte(c echo.Context, status int, lien *certification.LienActivation, form *Form) error {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	cand, err := w.svc.Candidat(ctx, a, c.Param("id"))
	if err != nil {
		return err
	}
	compte, err := w.svc.EtatCompteCandidat(ctx, a, cand.ID)
	if err != nil {
		return err
	}
	d := &compteData{C: cand, Compte: compte}
	if lien != nil {
		d.Lien = ActivationURL(w.svc.PublicURL(), lien.Jeton)
		d.Expire = lien.ExpireAt.In(paris).Format("02/01/2006 à 15h04")
		d.Ident = lien.Identifiant
	}
	v := w.view(c, d)
	v.Title = "Compte de " + cand.Prenoms + " " + cand.NomNaissance
	v.Crumbs = append(v.Crumbs, crumb{"Candidats", "/centre/candidats"})
	if form != nil {
		v.Form = form
	}
	return w.render(c, status, "compte_candidat", v)
}

func (w *Web) handleCompteCandidat(c echo.Context) error {
	return w.renderCompte(c, http.StatusOK, nil, nil)
}

// handleOuvrirCompte answers with the page itself, not a redirect: the link
// exists only in this response. Posting again makes a new link that
// replaces this one.
func (w *Web) handleOuvrirCompte(c echo.Context) error {
	a, _ := acteur(c)
	lien, err := w.svc.OuvrirCompteCandidat(c.Request().Context(), a, c.Param("id"))
	if err != nil {
		form := newForm(url.Values{})
		if !form.Refuse(err) {
			return err
		}
		return w.renderCompte(c, http.StatusConflict, nil, form)
	}
	return w.renderCompte(c, http.StatusOK, lien, nil)
}

// activationData is the activation page: the account to activate, or why
// the link no longer serves.
type activationData struct {
	A     *certification.ActivationCompte
	Refus string
	// Titre and RefusTitre head the page, by the kind of link.
	Titre, RefusTitre string
	Reinitialisation  bool
}

var activationTitres = activationData{Titre: "Activer mon compte", RefusTitre: "Lien d’activation expiré"}

func (w *Web) renderActivation(c echo.Context, status int, form *Form) error {
	info, err := w.svc.Activation(c.Request().Context(), c.Param("jeton"))
	return w.renderLienPage(c, activationTitres, info, err, status, form)
}

// renderLienPage renders the page of a one-time link that d heads (an
// activation, an invitation, a reset), from what reading its token gave.
func (w *Web) renderLienPage(c echo.Context, d activationData, info *certification.ActivationCompte, err error, status int, form *Form) error {
	var de *certification.Error
	if errors.Is(err, certification.ErrNotFound) && errors.As(err, &de) {
		// Used, replaced, expired or unknown: one message, with what to do.
		d.Refus = de.Message
		v := w.view(c, d)
		v.Title = d.RefusTitre
		return w.render(c, http.StatusGone, "activation", v)
	}
	if err != nil {
		return err
	}
	// Never write a password back into the page.
	form.Values.Del("mot_de_passe")
	form.Values.Del("confirmation")
	d.A = info
	v := w.view(c, d)
	v.Title, v.Form = d.Titre, form
	return w.render(c, status, "activation", v)
}

func (w *Web) handleActivationForm(c echo.Context) error {
	return w.renderActivation(c, http.StatusOK, newForm(url.Values{}))
}

func (w *Web) handleActivation(c echo.Context) error {
	form := newForm(formValues(c))
	mdp := form.Values.Get("mot_de_passe")
	if mdp != form.Values.Get("confirmation") {
		form.Fail("confirmation", "Les deux saisies du mot de passe diffèrent.")
		form.Summary = "Le mot de passe n’est pas enregistré."
		return w.renderActivation(c, http.StatusUnprocessableEntity, form)
	}
	tok, exp, err := w.svc.ActiverCompte(c.Request().Context(), c.Param("jeton"), mdp)
	if err != nil {
		if form.Refuse(err) {
			return w.renderActivation(c, http.StatusUnprocessableEntity, form)
		}
		return err
	}
	w.setSession(c, tok, exp)
	return c.Redirect(http.StatusSeeOther, "/mon-espace?info=compte-active")
}
