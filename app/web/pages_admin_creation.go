package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// The administrator creates the accounts that sign in with a password
// (a candidat's is opened by its centre, with an activation link), and sets
// the territory of an autorité account.
func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/admin/comptes/nouveau", Handler: (*Web).handleCompteNew,
			Title: "Créer un compte", Roles: adminOnly},
		Page{Method: http.MethodPost, Path: "/admin/comptes/nouveau", Handler: (*Web).handleCompteCreate,
			Title: "Créer un compte", Roles: adminOnly},
		Page{Method: http.MethodGet, Path: "/admin/comptes/:id/territoire", Handler: (*Web).handleTerritoireForm,
			Title: "Territoire d’un compte de l’autorité", Roles: adminOnly},
		Page{Method: http.MethodPost, Path: "/admin/comptes/:id/territoire", Handler: (*Web).handleTerritoire,
			Title: "Territoire d’un compte de l’autorité", Roles: adminOnly},
	)
	notices["compte-cree"] = "Le compte est créé : remettez son identifiant et son mot de passe à son titulaire."
	notices["territoire"] = "Le territoire est enregistré : il s’applique dès la prochaine requête du compte."
}

// compteNewData offers the roles an administrator creates with a password
// and the centres a centre account belongs to.
type compteNewData struct {
	Roles   []option
	Centres []option
}

func (w *Web) renderCompteNew(c echo.Context, status int, form *Form) error {
	a, _ := acteur(c)
	cs, err := w.svc.Centres(c.Request().Context(), a)
	if err != nil {
		return err
	}
	d := &compteNewData{Roles: []option{{"", "Choisir un rôle"}}, Centres: []option{{"", "Aucun (rôle autre que centre)"}}}
	for _, o := range roleLibelles {
		if o.Value != string(certification.RoleCandidat) {
			d.Roles = append(d.Roles, o)
		}
	}
	for _, ce := range cs {
		d.Centres = append(d.Centres, option{ce.ID, ce.Nom + " (" + ce.Ville + ")"})
	}
	v := w.view(c, d)
	v.Crumbs = append(v.Crumbs[:0], crumb{"Comptes", "/admin"})
	v.Form = form
	return w.render(c, status, "admin_compte_nouveau", v)
}

func (w *Web) handleCompteNew(c echo.Context) error {
	return w.renderCompteNew(c, http.StatusOK, newForm(url.Values{}))
}

func (w *Web) handleCompteCreate(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	in := certification.NouvelUtilisateur{
		Identifiant: textField(form, "identifiant", "Indiquez l’identifiant de connexion.", 100),
		Nom:         textField(form, "nom", "Indiquez le nom du titulaire.", 200),
		// The password is taken as typed: spaces may belong to it.
		MotDePasse: form.Values.Get("mot_de_passe"),
		Role:       certification.Role(form.Get("role")),
		CentreID:   form.Get("centre_id"),
		Email:      form.Get("email"),
	}
	// A refused form comes back without the password: never sent back in a page.
	form.Values.Del("mot_de_passe")
	if in.Role == "" {
		form.Fail("role", "Choisissez le rôle du compte.")
	}
	if in.Role == certification.RoleAutorite {
		in.Territoire = territoireOf(form)
		// Optional: an account without one signs with its authority alone.
		if in.Fonction = form.Get("fonction"); in.Fonction != "" {
			textField(form, "fonction", "", 200)
		}
	}
	if form.Failed() {
		form.Summary = "Le compte ne peut pas être créé : corrigez les champs signalés."
		return w.renderCompteNew(c, http.StatusUnprocessableEntity, form)
	}
	// Without a password, its holder chooses one through an invitation.
	create, notice := func() error {
		_, err := w.svc.CreateUtilisateur(c.Request().Context(), a, in)
		return err
	}, "compte-cree"
	if in.MotDePasse == "" && in.Email != "" {
		create, notice = func() error {
			_, err := w.svc.InviterUtilisateur(c.Request().Context(), a, in)
			return err
		}, "compte-invite"
	}
	if err := create(); err != nil {
		if !form.Refuse(err) {
			return err
		}
		return w.renderCompteNew(c, http.StatusUnprocessableEntity, form)
	}
	return c.Redirect(http.StatusSeeOther, "/admin?info="+notice)
}

// territoireOf reads a territory from a form: the départements as typed,
// separated by commas or spaces.
func territoireOf(form *Form) certification.Territoire {
	t := certification.Territoire{Autorite: form.Get("territoire.autorite"), Region: form.Get("territoire.region")}
	t.Departements = strings.FieldsFunc(form.Get("territoire.departements"), func(r rune) bool { return r == ',' || r == ' ' })
	return t
}

func (w *Web) renderTerritoire(c echo.Context, status int, form *Form) error {
	u, err := w.compte(c)
	if err != nil {
		return err
	}
	if u.Role != certification.RoleAutorite {
		return certification.Errorf(certification.ErrNotFound, "introuvable", "Compte de l’autorité introuvable.")
	}
	if form == nil {
		t := u.Territoire()
		form = newForm(url.Values{"territoire.autorite": {t.Autorite}, "territoire.region": {t.Region},
			"territoire.departements": {strings.Join(t.Departements, ", ")}})
	}
	v := w.view(c, &compteEtatData{U: u})
	v.Crumbs = append(v.Crumbs[:0], crumb{"Comptes", "/admin"})
	v.Form = form
	return w.render(c, status, "admin_territoire", v)
}

func (w *Web) handleTerritoireForm(c echo.Context) error {
	return w.renderTerritoire(c, http.StatusOK, nil)
}

func (w *Web) handleTerritoire(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	if _, err := w.svc.ChangerTerritoire(c.Request().Context(), a, c.Param("id"), territoireOf(form)); err != nil {
		if !form.Refuse(err) {
			return err
		}
		return w.renderTerritoire(c, http.StatusUnprocessableEntity, form)
	}
	return c.Redirect(http.StatusSeeOther, "/admin?role=autorite&info=territoire")
}
