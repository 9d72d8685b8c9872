package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

var adminOnly = []certification.Role{certification.RoleAdmin}

// sessionFinieKey marks a request whose session cookie was refused, so
// that the sign-in page it is sent to says the session has ended.
const sessionFinieKey = "cipcert.session_finie"

// The administrator's accounts: the list, its home, and the deactivation
// and reactivation of an account, each confirmed on its own page with the
// reason the audit trail keeps.
func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/admin", Handler: (*Web).handleAdminComptes, Title: "Comptes",
			Roles: adminOnly, Menu: "Comptes"},
		Page{Method: http.MethodGet, Path: "/admin/comptes/:id/desactivation", Handler: (*Web).handleCompteEtatForm,
			Title: "Désactiver un compte", Roles: adminOnly},
		Page{Method: http.MethodPost, Path: "/admin/comptes/:id/desactivation", Handler: (*Web).handleCompteEtat,
			Title: "Désactiver un compte", Roles: adminOnly},
		Page{Method: http.MethodGet, Path: "/admin/comptes/:id/reactivation", Handler: (*Web).handleCompteEtatForm,
			Title: "Réactiver un compte", Roles: adminOnly},
		Page{Method: http.MethodPost, Path: "/admin/comptes/:id/reactivation", Handler: (*Web).handleCompteEtat,
			Title: "Réactiver un compte", Roles: adminOnly},
	)
	notices["compte-desactive"] = "Le compte est désactivé : ses sessions ouvertes sont refusées dès leur prochaine requête."
	notices["session-terminee"] = "Votre session a pris fin : reconnectez-vous pour continuer."
	notices["compte-reactive"] = "Le compte est réactivé : son titulaire peut se connecter avec son mot de passe."
}

// roleLibelles names the roles as the administrator reads them, in the
// order of the filter.
var roleLibelles = []option{
	{"admin", "Administrateur"}, {"autorite", "Autorité"}, {"centre", "Centre"}, {"jury", "Membre de jury"}, {"candidat", "Candidat"},
}

// comptesData is the accounts list, of one role when Role is set.
type comptesData struct {
	Comptes []certification.Utilisateur
	Role    string
	Roles   []option
	// Moi is the administrator's own account, which it cannot deactivate.
	Moi      string
	Libelles map[certification.Role]string
	// Refus are the accounts whose address the SMTP server refused, by id.
	Refus map[string]certification.AdresseRefusee
}

func (w *Web) handleAdminComptes(c echo.Context) error {
	a, _ := acteur(c)
	role := c.QueryParam("role")
	us, err := w.svc.Utilisateurs(c.Request().Context(), a, certification.Role(role))
	if err != nil {
		return err
	}
	refus, err := w.svc.AdressesRefuseesComptes(c.Request().Context(), a, us)
	if err != nil {
		return err
	}
	v := w.view(c, &comptesData{Comptes: us, Role: role, Roles: roleLibelles, Moi: a.UtilisateurID,
		Libelles: map[certification.Role]string{}, Refus: refus})
	for _, o := range roleLibelles {
		v.Data.(*comptesData).Libelles[certification.Role(o.Value)] = o.Label
	}
	v.Home = true
	return w.render(c, http.StatusOK, "admin_comptes", v)
}

// compteEtatData is the confirmation of a deactivation or a reactivation.
type compteEtatData struct {
	U           certification.Utilisateur
	Desactiver  bool
	RoleLibelle string
}

// compte finds an account in the administrator's list: the 404 page for an
// unknown one.
func (w *Web) compte(c echo.Context) (certification.Utilisateur, error) {
	a, _ := acteur(c)
	us, err := w.svc.Utilisateurs(c.Request().Context(), a, "")
	if err != nil {
		return certification.Utilisateur{}, err
	}
	for _, u := range us {
		if u.ID == c.Param("id") {
			return u, nil
		}
	}
	return certification.Utilisateur{}, certification.Errorf(certification.ErrNotFound, "introuvable", "Compte introuvable.")
}

func (w *Web) renderCompteEtat(c echo.Context, status int, form *Form) error {
	u, err := w.compte(c)
	if err != nil {
		return err
	}
	d := &compteEtatData{U: u, Desactiver: c.Request().URL.Path == "/admin/comptes/"+url.PathEscape(u.ID)+"/desactivation"}
	for _, o := range roleLibelles {
		if o.Value == string(u.Role) {
			d.RoleLibelle = o.Label
		}
	}
	v := w.view(c, d)
	v.Crumbs = append(v.Crumbs[:0], crumb{"Comptes", "/admin"})
	v.Form = form
	return w.render(c, status, "admin_compte_etat", v)
}

func (w *Web) handleCompteEtatForm(c echo.Context) error {
	return w.renderCompteEtat(c, http.StatusOK, newForm(url.Values{}))
}

func (w *Web) handleCompteEtat(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	motif := textField(form, "motif", "Indiquez le motif : il figure dans l’historique du compte.", 2000)
	if form.Failed() {
		form.Summary = "Le motif est requis."
		return w.renderCompteEtat(c, http.StatusUnprocessableEntity, form)
	}
	change, info := w.svc.ReactiverCompte, "compte-reactive"
	if c.Request().URL.Path == "/admin/comptes/"+url.PathEscape(c.Param("id"))+"/desactivation" {
		change, info = w.svc.DesactiverCompte, "compte-desactive"
	}
	if _, err := change(c.Request().Context(), a, c.Param("id"), motif); err != nil {
		if !form.Refuse(err) {
			return err
		}
		return w.renderCompteEtat(c, http.StatusUnprocessableEntity, form)
	}
	return c.Redirect(http.StatusSeeOther, "/admin?info="+info)
}
