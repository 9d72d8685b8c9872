package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// The jury members and their habilitations, which the autorité grants,
// prolongs and ends.
func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/autorite/jury", Handler: (*Web).handleJuryList, Title: "Membres de jury",
			Roles: autoriteOnly, Menu: "Jury"},
		Page{Method: http.MethodGet, Path: "/autorite/jury/nouveau", Handler: (*Web).handleMembreNew, Title: "Ajouter un membre de jury",
			Roles: autoriteOnly},
		Page{Method: http.MethodPost, Path: "/autorite/jury/nouveau", Handler: (*Web).handleMembreCreate, Title: "Ajouter un membre de jury",
			Roles: autoriteOnly},
		Page{Method: http.MethodGet, Path: "/autorite/jury/:id", Handler: (*Web).handleMembre, Title: "Membre de jury",
			Roles: autoriteOnly},
		Page{Method: http.MethodPost, Path: "/autorite/jury/:id/habilitations", Handler: (*Web).handleHabilitationCreate,
			Title: "Habiliter", Roles: autoriteOnly},
		Page{Method: http.MethodPost, Path: "/autorite/jury/:id/habilitations/:hid/prolongation", Handler: (*Web).handleHabilitationProlonger,
			Title: "Prolonger une habilitation", Roles: autoriteOnly},
		Page{Method: http.MethodPost, Path: "/autorite/jury/:id/habilitations/:hid/fin", Handler: (*Web).handleHabilitationTerminer,
			Title: "Mettre fin à une habilitation", Roles: autoriteOnly},
		Page{Method: http.MethodPost, Path: "/autorite/jury/:id/compte", Handler: (*Web).handleMembreCompte,
			Title: "Relier un membre à son compte", Roles: autoriteOnly},
	)
	notices["compte-lie"] = "La fiche est reliée au compte : le membre trouve ses sessions dès sa connexion."
	notices["membre-cree"] = "Le membre de jury est enregistré : habilitez-le pour un titre."
	notices["habilitation"] = "L’habilitation est enregistrée."
	notices["habilitation-prolongee"] = "L’habilitation est prolongée."
	notices["habilitation-terminee"] = "L’habilitation prend fin à la date indiquée."
}

// juryData lists the members with their habilitations.
type juryData struct {
	Membres []certification.MembreJury
	// Today marks each habilitation in force, ended or to come.
	Today certification.Date
	// Refus are the members whose address the SMTP server refused, by id.
	Refus map[string]certification.AdresseRefusee
}

func (w *Web) handleJuryList(c echo.Context) error {
	a, _ := acteur(c)
	ms, err := w.svc.Membres(c.Request().Context(), a)
	if err != nil {
		return err
	}
	refus, err := w.svc.AdressesRefuseesMembres(c.Request().Context(), a)
	if err != nil {
		return err
	}
	return w.render(c, http.StatusOK, "autorite_jury", w.view(c, &juryData{Membres: ms, Today: certification.DateOf(w.svc.Now()), Refus: refus}))
}

func (w *Web) renderMembreNew(c echo.Context, status int, form *Form) error {
	v := w.view(c, nil)
	v.Crumbs = append(v.Crumbs, crumb{"Membres de jury", "/autorite/jury"})
	v.Form = form
	return w.render(c, status, "autorite_membre_nouveau", v)
}

func (w *Web) handleMembreNew(c echo.Context) error {
	return w.renderMembreNew(c, http.StatusOK, newForm(url.Values{}))
}

func (w *Web) handleMembreCreate(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	in := certification.NouveauMembre{Nom: textField(form, "nom", "Indiquez le nom du membre.", 200),
		Prenoms: textField(form, "prenoms", "Indiquez les prénoms du membre.", 200),
		Email:   textField(form, "email", "Indiquez le courriel du membre.", 320)}
	if form.Failed() {
		form.Summary = "Le membre ne peut pas être enregistré : corrigez les champs signalés."
		return w.renderMembreNew(c, http.StatusUnprocessableEntity, form)
	}
	m, err := w.svc.CreateMembre(c.Request().Context(), a, in)
	if err != nil {
		if !form.Refuse(err) {
			return err
		}
		return w.renderMembreNew(c, http.StatusUnprocessableEntity, form)
	}
	return c.Redirect(http.StatusSeeOther, "/autorite/jury/"+m.ID+"?info=membre-cree")
}

// membreData is a member's page: its habilitations, each with its forms,
// and the form of a new one. Cible is the habilitation whose form was
// refused, so that its messages show under its own fields.
type membreData struct {
	M      certification.MembreJury
	Titres []option
	Today  certification.Date
	Cible  string
	// Comptes are the jury accounts the member may be linked to.
	Comptes []option
}

func (w *Web) renderMembre(c echo.Context, status int, form *Form, cible string) error {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	ms, err := w.svc.Membres(ctx, a)
	if err != nil {
		return err
	}
	d := &membreData{Today: certification.DateOf(w.svc.Now()), Cible: cible}
	found := false
	for _, m := range ms {
		if m.ID == c.Param("id") {
			d.M, found = m, true
		}
	}
	if !found {
		return certification.Errorf(certification.ErrNotFound, "introuvable", "Membre de jury introuvable.")
	}
	titres, err := w.svc.Titres(ctx)
	if err != nil {
		return err
	}
	for _, t := range titres {
		d.Titres = append(d.Titres, option{t.Code, t.Code + " — " + t.Intitule})
	}
	us, err := w.svc.ComptesJuryLiables(ctx, a)
	if err != nil {
		return err
	}
	d.Comptes = []option{{"", "Choisir un compte"}}
	for _, u := range us {
		d.Comptes = append(d.Comptes, option{u.ID, u.Identifiant + " — " + u.Nom})
	}
	if form == nil {
		form = newForm(url.Values{})
	}
	v := w.view(c, d)
	v.Title = d.M.Prenoms + " " + d.M.Nom
	v.Crumbs = append(v.Crumbs, crumb{"Membres de jury", "/autorite/jury"})
	v.Form = form
	return w.render(c, status, "autorite_membre", v)
}

func (w *Web) handleMembre(c echo.Context) error {
	return w.renderMembre(c, http.StatusOK, nil, "")
}

func (w *Web) handleHabilitationCreate(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	in := certification.NouvelleHabilitation{TitreCode: form.Get("titre_code"),
		Reference: textField(form, "reference", "Indiquez la référence de la décision d’habilitation.", 200)}
	for _, p := range []struct {
		name string
		d    *certification.Date
	}{{"debut", &in.Debut}, {"fin", &in.Fin}} {
		d, ok := parseDate(form.Get(p.name))
		if !ok {
			form.Fail(p.name, dateMessage)
		}
		*p.d = d
	}
	if form.Failed() {
		form.Summary = "L’habilitation ne peut pas être enregistrée : corrigez les champs signalés."
		return w.renderMembre(c, http.StatusUnprocessableEntity, form, "nouvelle")
	}
	if _, err := w.svc.Habiliter(c.Request().Context(), a, c.Param("id"), in); err != nil {
		if !form.Refuse(err) {
			return err
		}
		return w.renderMembre(c, http.StatusUnprocessableEntity, form, "nouvelle")
	}
	return c.Redirect(http.StatusSeeOther, "/autorite/jury/"+c.Param("id")+"?info=habilitation")
}

func (w *Web) handleMembreCompte(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	if form.Get("utilisateur_id") == "" {
		form.Fail("utilisateur_id", "Choisissez le compte du membre.")
		form.Summary = "La fiche ne peut pas être reliée : choisissez un compte."
		return w.renderMembre(c, http.StatusUnprocessableEntity, form, "compte")
	}
	if _, err := w.svc.LierCompteMembre(c.Request().Context(), a, c.Param("id"), form.Get("utilisateur_id")); err != nil {
		if !form.Refuse(err) {
			return err
		}
		status := http.StatusUnprocessableEntity
		if errors.Is(err, certification.ErrConflict) {
			status = http.StatusConflict
		}
		return w.renderMembre(c, status, form, "compte")
	}
	return c.Redirect(http.StatusSeeOther, "/autorite/jury/"+c.Param("id")+"?info=compte-lie")
}

func (w *Web) handleHabilitationProlonger(c echo.Context) error {
	return w.changerFin(c, w.svc.ProlongerHabilitation, "habilitation-prolongee")
}

func (w *Web) handleHabilitationTerminer(c echo.Context) error {
	return w.changerFin(c, w.svc.TerminerHabilitation, "habilitation-terminee")
}

// changerFin moves an habilitation's end, through the service's prolong
// or end; a refusal comes back on the habilitation's own form.
func (w *Web) changerFin(c echo.Context, do func(context.Context, certification.Acteur, string, string, certification.FinHabilitation) (*certification.Habilitation, error), info string) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	hid := c.Param("hid")
	in := certification.FinHabilitation{Motif: textField(form, "motif", "Indiquez le motif.", 2000)}
	lue, ok := parseDate(form.Get("fin_lue"))
	if !ok {
		form.Fail("fin", "La fin lue de l’habilitation manque : rechargez la page.")
	}
	in.FinLue = lue
	if in.Fin, ok = parseDate(form.Get("fin")); !ok {
		form.Fail("fin", dateMessage)
	}
	if form.Failed() {
		form.Summary = "L’habilitation ne peut pas être changée : corrigez les champs signalés."
		return w.renderMembre(c, http.StatusUnprocessableEntity, form, hid+"-"+info)
	}
	if _, err := do(c.Request().Context(), a, c.Param("id"), hid, in); err != nil {
		if !form.Refuse(err) {
			return err
		}
		status := http.StatusUnprocessableEntity
		if errors.Is(err, certification.ErrStale) {
			status = http.StatusPreconditionFailed
		} else if errors.Is(err, certification.ErrConflict) {
			status = http.StatusConflict
		}
		return w.renderMembre(c, status, form, hid+"-"+info)
	}
	return c.Redirect(http.StatusSeeOther, "/autorite/jury/"+c.Param("id")+"?info="+info)
}

func init() {
	// champ is field for a page of several forms: the form refused
	// (cible) gets the values, messages and plain ids its error summary
	// links to; every other form starts empty, its ids suffixed.
	champ := func(f *Form, cible, id, name, label string, opts ...string) field {
		build := funcs["field"].(func(*Form, string, string, ...string) field)
		if cible == id {
			return build(f, name, label, opts...)
		}
		fl := build(newForm(url.Values{}), name, label, opts...)
		fl.ID += "-" + id
		return fl
	}
	funcs["champ"] = champ
	funcs["enVigueur"] = func(h certification.Habilitation, today certification.Date) string {
		switch {
		case h.Fin.Before(today):
			return "terminée"
		case today.Before(h.Debut):
			return "à venir"
		}
		return "en vigueur"
	}
}
