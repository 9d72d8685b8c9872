package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// A candidat's aménagements d'épreuves, recorded by the centre on its
// enrolment before the session is held: the adjustment and the decision
// that grants it, never the disability.
func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/centre/sessions/:id/inscriptions/:iid/amenagements", Handler: (*Web).handleAmenagementsForm,
			Title: "Aménagements d’épreuves", Roles: centreOnly},
		Page{Method: http.MethodPost, Path: "/centre/sessions/:id/inscriptions/:iid/amenagements", Handler: (*Web).handleAmenagementAdd,
			Title: "Aménagements d’épreuves", Roles: centreOnly},
		Page{Method: http.MethodGet, Path: "/centre/sessions/:id/inscriptions/:iid/amenagements/:aid", Handler: (*Web).handleAmenagementsForm,
			Title: "Modifier un aménagement d’épreuves", Roles: centreOnly},
		Page{Method: http.MethodPost, Path: "/centre/sessions/:id/inscriptions/:iid/amenagements/:aid", Handler: (*Web).handleAmenagementEdit,
			Title: "Modifier un aménagement d’épreuves", Roles: centreOnly},
		Page{Method: http.MethodPost, Path: "/centre/sessions/:id/inscriptions/:iid/amenagements/:aid/retrait", Handler: (*Web).handleAmenagementWithdraw,
			Title: "Retirer un aménagement d’épreuves", Roles: centreOnly},
	)
	notices["amenagement-enregistre"] = "L’aménagement est enregistré : la convocation l’énonce."
	notices["amenagement-modifie"] = "L’aménagement est modifié."
	notices["amenagement-retire"] = "L’aménagement est retiré."
}

// amenagementsData is an enrolment's aménagements and the form to add or
// change one.
type amenagementsData struct {
	modificationData
	Amenagements []certification.Amenagement
	Types        []option
	// Edit is the aménagement being changed; nil on the page that adds one.
	Edit *certification.Amenagement
	// Ouvert is set while the session is not held: the centre may change
	// them.
	Ouvert bool
}

func typesAmenagement() []option {
	out := []option{{"", "Choisissez un type"}}
	for _, t := range certification.TypesAmenagement {
		out = append(out, option{t.Code, t.Libelle})
	}
	return out
}

// renderAmenagements renders the enrolment's aménagements, with the form
// to add one, or to change the one of the address when it names one.
func (w *Web) renderAmenagements(c echo.Context, status int, form *Form) error {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	s, err := w.svc.Session(ctx, a, c.Param("id"))
	if err != nil {
		return err
	}
	ins, err := w.svc.Inscriptions(ctx, a, s.ID)
	if err != nil {
		return err
	}
	d := &amenagementsData{modificationData: modificationData{S: s}, Types: typesAmenagement(),
		Ouvert: s.Statut == certification.Planifiee || s.Statut == certification.Declaree}
	for i := range ins {
		if ins[i].ID == c.Param("iid") {
			d.I = &ins[i]
		}
	}
	if d.I == nil {
		return echo.ErrNotFound
	}
	if d.Amenagements, err = w.svc.AmenagementsInscription(ctx, a, s.ID, d.I.ID); err != nil {
		return err
	}
	if aid := c.Param("aid"); aid != "" {
		for i := range d.Amenagements {
			if d.Amenagements[i].ID == aid {
				d.Edit = &d.Amenagements[i]
			}
		}
		if d.Edit == nil {
			return echo.ErrNotFound
		}
		if form.Get("type") == "" && !form.Failed() && form.Summary == "" {
			form.Values.Set("type", d.Edit.Type)
			form.Values.Set("detail", d.Edit.Detail)
			form.Values.Set("decision_reference", d.Edit.DecisionReference)
			form.Values.Set("decision_date", d.Edit.DecisionDate.Francais())
			form.Values.Set("version", strconv.Itoa(d.Edit.Version))
		}
	}
	v := w.view(c, d)
	v.Title = "Aménagements d’épreuves de " + d.I.Prenoms + " " + d.I.NomNaissance
	v.Crumbs = append(v.Crumbs, crumb{"Sessions", "/centre/sessions"}, crumb{"Session " + s.Reference, "/centre/sessions/" + s.ID})
	v.Form = form
	return w.render(c, status, "centre_amenagements", v)
}

func (w *Web) handleAmenagementsForm(c echo.Context) error {
	return w.renderAmenagements(c, http.StatusOK, newForm(url.Values{}))
}

// amenagementSaisi reads the form; the service checks the rest and its
// field errors come back on their fields.
func amenagementSaisi(form *Form) certification.NouvelAmenagement {
	in := certification.NouvelAmenagement{Type: form.Get("type"), Detail: form.Get("detail"), DecisionReference: form.Get("decision_reference")}
	if s := form.Get("decision_date"); s != "" {
		d, ok := parseDate(s)
		if !ok {
			form.Fail("decision_date", dateMessage)
		}
		in.DecisionDate = d
	}
	return in
}

// amenagementAction runs a change and comes back to the enrolment's page,
// or renders the form with what went wrong.
func (w *Web) amenagementAction(c echo.Context, form *Form, act func(certification.Acteur) error, info string) error {
	a, _ := acteur(c)
	if form.Failed() {
		form.Summary = "Corrigez les champs signalés."
		return w.renderAmenagements(c, http.StatusUnprocessableEntity, form)
	}
	if err := act(a); err != nil {
		if !form.Refuse(err) {
			return err
		}
		status := http.StatusConflict
		if errors.Is(err, certification.ErrInvalid) {
			status = http.StatusUnprocessableEntity
		}
		return w.renderAmenagements(c, status, form)
	}
	return c.Redirect(http.StatusSeeOther, "/centre/sessions/"+c.Param("id")+"/inscriptions/"+c.Param("iid")+"/amenagements?info="+info)
}

func (w *Web) handleAmenagementAdd(c echo.Context) error {
	form := newForm(formValues(c))
	in := amenagementSaisi(form)
	return w.amenagementAction(c, form, func(a certification.Acteur) error {
		_, err := w.svc.AccorderAmenagement(c.Request().Context(), a, c.Param("id"), c.Param("iid"), in)
		return err
	}, "amenagement-enregistre")
}

func (w *Web) handleAmenagementEdit(c echo.Context) error {
	form := newForm(formValues(c))
	in := amenagementSaisi(form)
	version, _ := strconv.Atoi(form.Get("version"))
	return w.amenagementAction(c, form, func(a certification.Acteur) error {
		_, err := w.svc.ModifierAmenagement(c.Request().Context(), a, c.Param("id"), c.Param("aid"), version, in)
		return err
	}, "amenagement-modifie")
}

func (w *Web) handleAmenagementWithdraw(c echo.Context) error {
	form := newForm(formValues(c))
	version, _ := strconv.Atoi(form.Get("version"))
	return w.amenagementAction(c, form, func(a certification.Acteur) error {
		return w.svc.RetirerAmenagement(c.Request().Context(), a, c.Param("id"), c.Param("aid"), version)
	}, "amenagement-retire")
}

// amenagementsParInscription returns a session's aménagements keyed by
// enrolment, for the pages that list its candidats.
func (w *Web) amenagementsParInscription(c echo.Context, a certification.Acteur, sessionID string) (map[string][]certification.Amenagement, error) {
	ams, err := w.svc.AmenagementsSession(c.Request().Context(), a, sessionID)
	if err != nil {
		return nil, err
	}
	out := map[string][]certification.Amenagement{}
	for _, am := range ams {
		out[am.InscriptionID] = append(out[am.InscriptionID], am)
	}
	return out, nil
}
