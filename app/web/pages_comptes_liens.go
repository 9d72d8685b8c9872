package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// The links an account receives by e-mail (an invitation, a password
// reset), the reset request, and the password change of a signed-in
// account. A centre invites its candidat by e-mail, and deactivates or
// reactivates its account, from the candidat's account page.
func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/invitation/:jeton", Handler: (*Web).handleInvitationForm, Title: "Choisir mon mot de passe"},
		Page{Method: http.MethodPost, Path: "/invitation/:jeton", Handler: (*Web).handleInvitation, Title: "Choisir mon mot de passe"},
		Page{Method: http.MethodGet, Path: "/reinitialisation/:jeton", Handler: (*Web).handleReinitialisationForm, Title: "Nouveau mot de passe"},
		Page{Method: http.MethodPost, Path: "/reinitialisation/:jeton", Handler: (*Web).handleReinitialisation, Title: "Nouveau mot de passe"},
		Page{Method: http.MethodGet, Path: "/mot-de-passe-oublie", Handler: (*Web).handleMotDePasseOublieForm, Title: "Mot de passe oublié"},
		Page{Method: http.MethodPost, Path: "/mot-de-passe-oublie", Handler: (*Web).handleMotDePasseOublie, Title: "Mot de passe oublié"},
		Page{Method: http.MethodGet, Path: "/compte/mot-de-passe", Handler: (*Web).handleMotDePasseForm, Title: "Changer mon mot de passe", Roles: allRoles},
		Page{Method: http.MethodPost, Path: "/compte/mot-de-passe", Handler: (*Web).handleMotDePasse, Title: "Changer mon mot de passe", Roles: allRoles},
		Page{Method: http.MethodPost, Path: "/centre/candidats/:id/compte/invitation", Handler: (*Web).handleInviterCandidat,
			Title: "Compte du candidat", Roles: centreOnly},
		Page{Method: http.MethodPost, Path: "/centre/candidats/:id/compte/desactivation", Handler: (*Web).handleDesactiverCandidat,
			Title: "Compte du candidat", Roles: centreOnly},
		Page{Method: http.MethodPost, Path: "/centre/candidats/:id/compte/reactivation", Handler: (*Web).handleReactiverCandidat,
			Title: "Compte du candidat", Roles: centreOnly},
	)
	notices["invitation-acceptee"] = "Votre mot de passe est enregistré : vous êtes connecté."
	notices["mot-de-passe-reinitialise"] = "Votre nouveau mot de passe est enregistré : vos autres sessions sont fermées, vous êtes connecté."
	notices["mot-de-passe-change"] = "Votre mot de passe est changé : vos autres sessions et jetons d’accès sont fermés."
	notices["compte-invite"] = "Le compte est créé : son titulaire reçoit par courriel un lien pour choisir son mot de passe."
	notices["invitation-envoyee"] = "L’invitation est partie par courriel à l’adresse du candidat ; elle remplace tout lien précédent."
	notices["compte-candidat-desactive"] = "Le compte du candidat est désactivé : ses sessions ouvertes sont refusées dès leur prochaine requête."
	notices["compte-candidat-reactive"] = "Le compte du candidat est réactivé : le candidat se connecte de nouveau avec son mot de passe."
}

// lienTitres heads the page of each kind of link.
var lienTitres = map[string]activationData{
	certification.LienInvitation:       {Titre: "Choisir mon mot de passe", RefusTitre: "Lien d’invitation expiré"},
	certification.LienReinitialisation: {Titre: "Choisir un nouveau mot de passe", RefusTitre: "Lien de réinitialisation expiré", Reinitialisation: true},
}

func (w *Web) renderLien(c echo.Context, genre string, status int, form *Form) error {
	info, err := w.svc.LienCompte(c.Request().Context(), genre, c.Param("jeton"))
	return w.renderLienPage(c, lienTitres[genre], info, err, status, form)
}

func (w *Web) useLien(c echo.Context, genre, notice string) error {
	form := newForm(formValues(c))
	mdp := form.Values.Get("mot_de_passe")
	if mdp != form.Values.Get("confirmation") {
		form.Fail("confirmation", "Les deux saisies du mot de passe diffèrent.")
		form.Summary = "Le mot de passe n’est pas enregistré."
		return w.renderLien(c, genre, http.StatusUnprocessableEntity, form)
	}
	tok, exp, err := w.svc.UtiliserLien(c.Request().Context(), genre, c.Param("jeton"), mdp)
	if ticket, ok := certification.SecondFacteurRequis(err); ok {
		// The password is set and the link used up: an account with a
		// second factor signs in with its code, as at the sign-in page.
		return w.connexionCode(c, http.StatusOK, connexionCodeData{Ticket: ticket}, newForm(nil))
	}
	if err != nil {
		if form.Refuse(err) {
			return w.renderLien(c, genre, http.StatusUnprocessableEntity, form)
		}
		if errors.Is(err, certification.ErrNotFound) {
			return w.renderLien(c, genre, http.StatusGone, form)
		}
		return err
	}
	w.setSession(c, tok, exp)
	a, err := w.svc.Authentifier(c.Request().Context(), tok)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, homeOf(a)+"?info="+notice)
}

func (w *Web) handleInvitationForm(c echo.Context) error {
	return w.renderLien(c, certification.LienInvitation, http.StatusOK, newForm(url.Values{}))
}

func (w *Web) handleInvitation(c echo.Context) error {
	return w.useLien(c, certification.LienInvitation, "invitation-acceptee")
}

func (w *Web) handleReinitialisationForm(c echo.Context) error {
	return w.renderLien(c, certification.LienReinitialisation, http.StatusOK, newForm(url.Values{}))
}

func (w *Web) handleReinitialisation(c echo.Context) error {
	return w.useLien(c, certification.LienReinitialisation, "mot-de-passe-reinitialise")
}

// oublieData is the reset request page: the form, or the one answer.
type oublieData struct{ Envoye bool }

func (w *Web) handleMotDePasseOublieForm(c echo.Context) error {
	v := w.view(c, oublieData{})
	v.Form = newForm(url.Values{})
	return w.render(c, http.StatusOK, "mot_de_passe_oublie", v)
}

// handleMotDePasseOublie answers the same page whether or not the address
// is known: the service only enqueues the lookup.
func (w *Web) handleMotDePasseOublie(c echo.Context) error {
	form := newForm(formValues(c))
	if ok, wait := w.limits.AllowReset(c.RealIP(), form.Get("email"), w.svc.Now()); !ok {
		secs := strconv.Itoa(int(wait.Seconds()) + 1)
		c.Response().Header().Set("Retry-After", secs)
		form.Summary = "Trop de demandes : réessayez dans " + secs + " secondes."
		v := w.view(c, oublieData{})
		v.Form = form
		return w.render(c, http.StatusTooManyRequests, "mot_de_passe_oublie", v)
	}
	if err := w.svc.DemanderReinitialisation(c.Request().Context(), form.Get("email")); err != nil {
		if !form.Refuse(err) {
			return err
		}
		v := w.view(c, oublieData{})
		v.Form = form
		return w.render(c, http.StatusUnprocessableEntity, "mot_de_passe_oublie", v)
	}
	v := w.view(c, oublieData{Envoye: true})
	v.Form = newForm(url.Values{})
	return w.render(c, http.StatusOK, "mot_de_passe_oublie", v)
}

func (w *Web) handleMotDePasseForm(c echo.Context) error {
	v := w.view(c, nil)
	v.Form = newForm(url.Values{})
	return w.render(c, http.StatusOK, "mot_de_passe", v)
}

func (w *Web) handleMotDePasse(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	actuel, nouveau := form.Values.Get("mot_de_passe_actuel"), form.Values.Get("nouveau_mot_de_passe")
	for _, k := range []string{"mot_de_passe_actuel", "nouveau_mot_de_passe", "confirmation"} {
		form.Values.Del(k) // never written back into the page
	}
	if nouveau != c.FormValue("confirmation") {
		form.Fail("confirmation", "Les deux saisies du nouveau mot de passe diffèrent.")
		form.Summary = "Le mot de passe n’est pas changé."
	} else if err := w.svc.ChangerMotDePasse(c.Request().Context(), a, sessionOf(c), actuel, nouveau); err != nil {
		if !form.Refuse(err) {
			return err
		}
	} else {
		return c.Redirect(http.StatusSeeOther, homeOf(a)+"?info=mot-de-passe-change")
	}
	v := w.view(c, nil)
	v.Form = form
	return w.render(c, http.StatusUnprocessableEntity, "mot_de_passe", v)
}

func (w *Web) handleInviterCandidat(c echo.Context) error {
	a, _ := acteur(c)
	if _, err := w.svc.InviterCandidat(c.Request().Context(), a, c.Param("id")); err != nil {
		form := newForm(url.Values{})
		if !form.Refuse(err) {
			return err
		}
		return w.renderCompte(c, http.StatusConflict, nil, form)
	}
	return c.Redirect(http.StatusSeeOther, "/centre/candidats/"+c.Param("id")+"/compte?info=invitation-envoyee")
}

func (w *Web) compteCandidatMotif(c echo.Context, do func(certification.Acteur, string, string) (*certification.Utilisateur, error), notice string) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	if _, err := do(a, c.Param("id"), form.Get("motif")); err != nil {
		if !form.Refuse(err) {
			return err
		}
		return w.renderCompte(c, http.StatusUnprocessableEntity, nil, form)
	}
	return c.Redirect(http.StatusSeeOther, "/centre/candidats/"+c.Param("id")+"/compte?info="+notice)
}

func (w *Web) handleDesactiverCandidat(c echo.Context) error {
	return w.compteCandidatMotif(c, func(a certification.Acteur, id, motif string) (*certification.Utilisateur, error) {
		return w.svc.DesactiverCompteCandidat(c.Request().Context(), a, id, motif)
	}, "compte-candidat-desactive")
}

func (w *Web) handleReactiverCandidat(c echo.Context) error {
	return w.compteCandidatMotif(c, func(a certification.Acteur, id, motif string) (*certification.Utilisateur, error) {
		return w.svc.ReactiverCompteCandidat(c.Request().Context(), a, id, motif)
	}, "compte-candidat-reactive")
}
