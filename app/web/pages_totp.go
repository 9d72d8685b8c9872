package web

import (
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// secondFacteurRoles are the accounts that sign in with a second factor.
var secondFacteurRoles = []certification.Role{certification.RoleAdmin, certification.RoleAutorite}

const secondFacteurPath = "/compte/second-facteur"

func init() {
	addPages(
		Page{Method: http.MethodPost, Path: "/connexion/code", Handler: (*Web).handleConnexionCode, Title: "Connexion"},
		Page{Method: http.MethodGet, Path: secondFacteurPath, Handler: (*Web).handleSecondFacteur,
			Roles: secondFacteurRoles, Title: "Validation en deux étapes", Menu: "Validation en deux étapes"},
		Page{Method: http.MethodPost, Path: secondFacteurPath, Handler: (*Web).handleSecondFacteurPost,
			Roles: secondFacteurRoles, Title: "Validation en deux étapes"},
		Page{Method: http.MethodGet, Path: "/admin/comptes/:id/second-facteur", Handler: (*Web).handleReinitialisationTOTPForm,
			Roles: adminOnly, Title: "Réinitialiser la validation en deux étapes"},
		Page{Method: http.MethodPost, Path: "/admin/comptes/:id/second-facteur", Handler: (*Web).handleReinitialisationTOTP,
			Roles: adminOnly, Title: "Réinitialiser la validation en deux étapes"},
	)
	notices["totp-reinitialise"] = "La validation en deux étapes du compte est réinitialisée : son titulaire se connecte avec son mot de passe, puis l’active de nouveau."
}

// avantSecondFacteur are the pages an account whose second factor is
// required but not enrolled may still open.
var avantSecondFacteur = map[string]bool{
	"GET " + secondFacteurPath:  true,
	"POST " + secondFacteurPath: true,
	"POST /deconnexion":         true,
}

// connexionCodeData is the sign-in page's second step: the ticket stands
// for the password already checked, which is never written into the page.
type connexionCodeData struct {
	Ticket, Suite string
}

// connexionCode renders the second step of the sign-in.
func (w *Web) connexionCode(c echo.Context, status int, d connexionCodeData, form *Form) error {
	v := w.view(c, d)
	v.Home, v.Form = true, form
	return w.render(c, status, "connexion_code", v)
}

func (w *Web) handleConnexionCode(c echo.Context) error {
	form := newForm(formValues(c))
	d := connexionCodeData{Ticket: form.Get("ticket"), Suite: localPath(form.Get("suite"))}
	code := form.Get("code")
	form.Values.Del("code") // a used code is of no use in the page
	if code == "" {
		form.Fail("code", "Saisissez le code affiché par votre application, ou un code de secours.")
		form.Summary = "La connexion n’a pas abouti."
		return w.connexionCode(c, http.StatusUnprocessableEntity, d, form)
	}
	identifiant := certification.TicketIdentifiant(d.Ticket)
	if ok, wait := w.limits.AllowLogin(c.RealIP(), strings.ToLower(identifiant), w.svc.Now()); !ok {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		form.Summary = "Trop de tentatives de connexion : réessayez dans " + strconv.Itoa(int(wait.Seconds())+1) + " secondes."
		return w.connexionCode(c, http.StatusTooManyRequests, d, form)
	}
	token, exp, err := w.svc.ConnexionTicket(c.Request().Context(), d.Ticket, code)
	if errors.Is(err, certification.ErrUnauthorized) {
		w.limits.LoginFailed(c.RealIP(), identifiant, w.svc.Now())
	}
	if err != nil {
		if !form.Refuse(err) {
			return err
		}
		form.Fail("code", form.Summary)
		return w.connexionCode(c, http.StatusUnprocessableEntity, d, form)
	}
	return w.ouvrirSession(c, token, exp, d.Suite)
}

// secondFacteurData is the enrolment page: the state, and while the
// factor is off, the QR code and the secret as text.
type secondFacteurData struct {
	Etat   certification.EtatTOTP
	Secret string
	QR     template.URL
	// Codes are the recovery codes, on the page that activates the factor
	// only.
	Codes []string
}

func (w *Web) handleSecondFacteur(c echo.Context) error {
	return w.secondFacteur(c, http.StatusOK, newForm(nil), nil)
}

func (w *Web) secondFacteur(c echo.Context, status int, form *Form, codes []string) error {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	etat, err := w.svc.EtatSecondFacteur(ctx, a)
	if err != nil {
		return err
	}
	d := secondFacteurData{Etat: etat, Codes: codes}
	if !etat.Actif {
		e, err := w.svc.CommencerTOTP(ctx, a)
		if err != nil {
			return err
		}
		d.Secret = e.Secret
		// A data: address: the QR code is drawn here and never stored.
		d.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(e.QR))
	}
	v := w.view(c, d)
	v.Form = form
	return w.render(c, status, "second_facteur", v)
}

func (w *Web) handleSecondFacteurPost(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	code := form.Get("code")
	form.Values.Del("code")
	if code == "" {
		form.Fail("code", "Saisissez le code à 6 chiffres affiché par votre application.")
		form.Summary = "La validation en deux étapes n’est pas activée."
		return w.secondFacteur(c, http.StatusUnprocessableEntity, form, nil)
	}
	codes, err := w.svc.ActiverTOTP(c.Request().Context(), a, code)
	if err != nil {
		if !form.Refuse(err) {
			return err
		}
		return w.secondFacteur(c, http.StatusUnprocessableEntity, form, nil)
	}
	// The account enrolled: the pages it was kept from open now; the
	// recovery codes are shown on this answer only.
	a.SecondFacteurAActiver = false
	c.Set(acteurKey, a)
	return w.secondFacteur(c, http.StatusOK, newForm(nil), codes)
}

// renderReinitialisation is the administrator's confirmation of another
// account's second factor reset.
func (w *Web) renderReinitialisationTOTP(c echo.Context, status int, form *Form) error {
	u, err := w.compte(c)
	if err != nil {
		return err
	}
	v := w.view(c, u)
	v.Crumbs = append(v.Crumbs[:0], crumb{"Comptes", "/admin"})
	v.Form = form
	return w.render(c, status, "admin_second_facteur", v)
}

func (w *Web) handleReinitialisationTOTPForm(c echo.Context) error {
	return w.renderReinitialisationTOTP(c, http.StatusOK, newForm(nil))
}

func (w *Web) handleReinitialisationTOTP(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	motif := textField(form, "motif", "Indiquez le motif : il figure dans l’historique du compte.", 2000)
	if form.Failed() {
		form.Summary = "Le motif est requis."
		return w.renderReinitialisationTOTP(c, http.StatusUnprocessableEntity, form)
	}
	if err := w.svc.ReinitialiserTOTP(c.Request().Context(), a, c.Param("id"), motif); err != nil {
		if !form.Refuse(err) {
			return err
		}
		return w.renderReinitialisationTOTP(c, http.StatusUnprocessableEntity, form)
	}
	return c.Redirect(http.StatusSeeOther, "/admin?info=totp-reinitialise")
}
