package web

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/", Handler: (*Web).handleRacine, Title: "Accueil"},
		Page{Method: http.MethodGet, Path: "/connexion", Handler: (*Web).handleConnexion, Title: "Connexion"},
		Page{Method: http.MethodPost, Path: "/connexion", Handler: (*Web).handleConnexionPost, Title: "Connexion"},
		Page{Method: http.MethodPost, Path: "/deconnexion", Handler: (*Web).handleDeconnexion, Title: "Déconnexion", Roles: allRoles},
		Page{Method: http.MethodGet, Path: "/accessibilite", Handler: publique("accessibilite"), Title: "Déclaration d’accessibilité"},
		Page{Method: http.MethodGet, Path: "/mentions-legales", Handler: publique("mentions-legales"), Title: "Mentions légales"},
		Page{Method: http.MethodGet, Path: "/donnees-personnelles", Handler: publique("donnees-personnelles"), Title: "Données personnelles et cookies"},
		Page{Method: http.MethodGet, Path: "/plan-du-site", Handler: publique("plan-du-site"), Title: "Plan du site"},
		Page{Method: http.MethodGet, Path: "/verification", Handler: (*Web).handleVerificationForm, Title: "Vérifier un document"},
		Page{Method: http.MethodGet, Path: "/verification/:code", Handler: (*Web).handleVerificationResult,
			Title: "Vérification d’un document", ServedByAPI: true},
		Page{Method: http.MethodPost, Path: "/verification/:code", Handler: (*Web).handleVerificationConfirm,
			Title: "Vérification d’un document", ServedByAPI: true},
	)
}

// handleRacine sends a visitor to the sign-in page and a user to its home.
func (w *Web) handleRacine(c echo.Context) error {
	if a, ok := acteur(c); ok {
		return c.Redirect(http.StatusSeeOther, homeOf(a))
	}
	return c.Redirect(http.StatusSeeOther, "/connexion")
}

type connexionData struct{ Suite string }

func (w *Web) handleConnexion(c echo.Context) error {
	suite := localPath(c.QueryParam("suite"))
	if a, ok := acteur(c); ok {
		return c.Redirect(http.StatusSeeOther, cmpOr(suite, homeOf(a)))
	}
	v := w.view(c, connexionData{Suite: suite})
	v.Home = true
	return w.render(c, http.StatusOK, "connexion", v)
}

func (w *Web) handleConnexionPost(c echo.Context) error {
	form := newForm(formValues(c))
	suite := localPath(form.Get("suite"))
	identifiant, motDePasse := form.Get("identifiant"), c.FormValue("mot_de_passe")
	form.Values.Del("mot_de_passe") // never written back into the page
	v := w.view(c, connexionData{Suite: suite})
	v.Home, v.Form = true, form
	if identifiant == "" {
		form.Fail("identifiant", "Saisissez votre identifiant.")
	}
	if motDePasse == "" {
		form.Fail("mot_de_passe", "Saisissez votre mot de passe.")
	}
	if form.Failed() {
		form.Summary = "La connexion n’a pas abouti."
		return w.render(c, http.StatusUnprocessableEntity, "connexion", v)
	}
	if ok, wait := w.limits.AllowLogin(c.RealIP(), strings.ToLower(identifiant), w.svc.Now()); !ok {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		form.Summary = "Trop de tentatives de connexion : réessayez dans " + strconv.Itoa(int(wait.Seconds())+1) + " secondes."
		return w.render(c, http.StatusTooManyRequests, "connexion", v)
	}
	token, exp, err := w.svc.Connexion(c.Request().Context(), identifiant, motDePasse)
	if _, code := certification.SecondFacteurRequis(err); errors.Is(err, certification.ErrUnauthorized) && !code {
		w.limits.LoginFailed(c.RealIP(), identifiant, w.svc.Now())
	}
	if ticket, ok := certification.SecondFacteurRequis(err); ok {
		return w.connexionCode(c, http.StatusOK, connexionCodeData{Ticket: ticket, Suite: suite}, newForm(nil))
	}
	if err != nil {
		if !form.Refuse(err) {
			return err
		}
		return w.render(c, http.StatusUnprocessableEntity, "connexion", v)
	}
	return w.ouvrirSession(c, token, exp, suite)
}

// ouvrirSession sets the session cookie of a sign-in and goes on to the
// page asked for, or the account's home.
func (w *Web) ouvrirSession(c echo.Context, token string, exp time.Time, suite string) error {
	a, err := w.svc.Authentifier(c.Request().Context(), token)
	if err != nil {
		return err
	}
	w.setSession(c, token, exp)
	return c.Redirect(http.StatusSeeOther, cmpOr(suite, homeOf(a)))
}

func (w *Web) handleDeconnexion(c echo.Context) error {
	if err := w.svc.Deconnexion(c.Request().Context(), sessionOf(c)); err != nil {
		return err
	}
	w.clearSession(c)
	return c.Redirect(http.StatusSeeOther, "/connexion?info=deconnecte")
}

// codeFormat is a verification code once normalised: three groups of four
// capital letters or digits.
var codeFormat = regexp.MustCompile(`^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$`)

// codeFrom takes the code out of what a person typed or pasted: the code
// itself, with or without dashes and spaces, or the whole address the QR
// code holds.
func codeFrom(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "/verification/"); i >= 0 {
		s = s[i+len("/verification/"):]
	}
	if i := strings.IndexAny(s, "?#/"); i >= 0 {
		s = s[:i]
	}
	code := certification.NormaliserCode(s)
	return code, codeFormat.MatchString(code)
}

const codeHint = "Le code figure sous le QR code du document : 12 lettres et chiffres, au format XXXX-XXXX-XXXX. Vous pouvez aussi coller l’adresse complète."

func (w *Web) handleVerificationForm(c echo.Context) error {
	form := newForm(c.QueryParams())
	status := http.StatusOK
	if c.QueryParams().Has("code") {
		if code, ok := codeFrom(form.Get("code")); ok {
			return c.Redirect(http.StatusSeeOther, "/verification/"+code)
		}
		form.Fail("code", "Code invalide : saisissez les 12 lettres et chiffres du code, au format XXXX-XXXX-XXXX.")
		status = http.StatusUnprocessableEntity
	}
	v := w.view(c, codeHint)
	v.Form = form
	return w.render(c, status, "verification", v)
}

type verificationData struct {
	Code     string
	V        *certification.Verification
	Libelle  string
	Type     string
	Inconnu  bool
	Confirme bool
	// Revocation is the public category of a revocation; the motif the
	// autorité wrote stays internal.
	Revocation string
}

// libelleStatut says what a verification found, in the words of the page.
var libelleStatut = map[string]string{
	certification.StatutValide:   "Document authentique et en vigueur",
	certification.StatutRemplace: "Document authentique, remplacé par une version plus récente",
	certification.StatutRevoque:  "Document révoqué : il n’a plus de valeur",
}

var libelleType = map[certification.TypeDocument]string{
	"parchemin": "Parchemin", "livret": "Livret de certification", "pv": "Procès-verbal de session",
	"fiche": "Fiche individuelle de résultats",
}

// handleVerificationResult is the QR code's target, printed on documents
// that never change: its address must keep working.
func (w *Web) handleVerificationResult(c echo.Context) error {
	return w.verification(c, "", nil, newForm(nil), 0)
}

func (w *Web) handleVerificationConfirm(c echo.Context) error {
	if ok, wait := w.limits.AllowVerification(c.RealIP(), w.svc.Now()); !ok {
		secs := strconv.Itoa(int(wait.Seconds()) + 1)
		c.Response().Header().Set("Retry-After", secs)
		form := newForm(formValues(c))
		form.Summary = "Trop de vérifications depuis votre connexion : réessayez dans " + secs + " secondes."
		return w.verification(c, "", nil, form, http.StatusTooManyRequests)
	}
	form := newForm(formValues(c))
	nom := form.Get("nom")
	if nom == "" {
		form.Fail("nom", "Saisissez le nom de naissance du titulaire.")
	}
	naissance, ok := parseDate(form.Get("date_naissance"))
	if !ok {
		form.Fail("date_naissance", dateMessage)
	}
	if form.Failed() {
		form.Summary = "La vérification du titulaire n’a pas abouti."
		return w.verification(c, "", nil, form, http.StatusUnprocessableEntity)
	}
	if ok, wait := w.limits.AllowIdentityCheck(certification.NormaliserCode(c.Param("code")), w.svc.Now()); !ok {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		form.Summary = "Trop de vérifications d’identité manquées pour ce document : la confirmation du titulaire est suspendue ; réessayez dans " +
			strconv.Itoa(int(wait.Hours())+1) + " h au plus. Le statut du document reste consultable."
		return w.verification(c, "", nil, form, http.StatusTooManyRequests)
	}
	return w.verification(c, nom, &naissance, form, 0)
}

// verification renders the result of a code, with the holder's full name
// when nom and naissance match; status, when not zero, is the answer's.
func (w *Web) verification(c echo.Context, nom string, naissance *certification.Date, form *Form, status int) error {
	code := c.Param("code")
	d := verificationData{Code: code}
	v := w.view(c, &d)
	v.Crumbs = append(v.Crumbs, crumb{"Vérifier un document", "/verification"})
	v.Form = form
	res, err := w.svc.Verifier(c.Request().Context(), code, nom, naissance)
	if errors.Is(err, certification.ErrNotFound) {
		d.Inconnu = true
		v.Title = "Code inconnu"
		v.Form = newForm(map[string][]string{"code": {code}})
		v.Form.Fail("code", "Aucun document ne porte ce code. Vérifiez chaque caractère, ou collez l’adresse complète du QR code.")
		v.Form.Summary = "Code de vérification inconnu."
		return w.render(c, http.StatusNotFound, "verification-resultat", v)
	}
	if err != nil {
		return err
	}
	d.V, d.Libelle, d.Type, d.Code = res, libelleStatut[res.Statut], libelleType[res.Type], certification.NormaliserCode(code)
	d.Revocation = res.CategorieRevocation.Libelle()
	if status == 0 {
		status = http.StatusOK
	}
	if naissance != nil {
		if res.NomComplet == "" {
			w.limits.IdentityCheckFailed(d.Code, w.svc.Now())
			form.Summary = "Le nom et la date de naissance saisis ne correspondent pas au titulaire de ce document."
			status = http.StatusUnprocessableEntity
		} else {
			d.Confirme = true
		}
	}
	return w.render(c, status, "verification-resultat", v)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
