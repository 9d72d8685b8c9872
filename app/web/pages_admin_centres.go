package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// The centres as the administrator reads and records them: identity,
// SIRET, the territory that decides which autorité acts on their sessions,
// and their agréments.
func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/admin/centres", Handler: (*Web).handleAdminCentres, Title: "Centres",
			Roles: adminOnly, Menu: "Centres"},
		Page{Method: http.MethodGet, Path: "/admin/centres/nouveau", Handler: (*Web).handleCentreNew,
			Title: "Enregistrer un centre", Roles: adminOnly},
		Page{Method: http.MethodPost, Path: "/admin/centres/nouveau", Handler: (*Web).handleCentreCreate,
			Title: "Enregistrer un centre", Roles: adminOnly},
		Page{Method: http.MethodGet, Path: "/admin/centres/:id", Handler: (*Web).handleCentreEdit,
			Title: "Modifier un centre", Roles: adminOnly},
		Page{Method: http.MethodPost, Path: "/admin/centres/:id", Handler: (*Web).handleCentreUpdate,
			Title: "Modifier un centre", Roles: adminOnly},
	)
	notices["centre-cree"] = "Le centre est enregistré : créez le compte de son responsable depuis la page Comptes."
	notices["centre-modifie"] = "Les modifications du centre sont enregistrées."
}

// centresData lists the centres; Today marks each agrément in force or not.
type centresData struct {
	Centres []certification.Centre
	Today   certification.Date
}

func (w *Web) handleAdminCentres(c echo.Context) error {
	a, _ := acteur(c)
	cs, err := w.svc.Centres(c.Request().Context(), a)
	if err != nil {
		return err
	}
	v := w.view(c, &centresData{Centres: cs, Today: certification.DateOf(w.svc.Now())})
	return w.render(c, http.StatusOK, "admin_centres", v)
}

// agrementsVides is how many empty agrément rows the form offers beyond
// those recorded: more come with each save.
const agrementsVides = 2

// centreFormData is the form of a new centre, or of a recorded one
// (Centre set). Stale says the centre changed since the form was opened:
// Centre is then what is recorded now, and Version its version, so that
// saving again replaces it knowingly.
type centreFormData struct {
	Centre  *certification.Centre
	Version int
	Titres  []option
	// Lignes are the indexes of the agrément rows.
	Lignes []int
	Stale  bool
}

func (w *Web) renderCentreForm(c echo.Context, status int, form *Form, d *centreFormData) error {
	titres, err := w.svc.Titres(c.Request().Context())
	if err != nil {
		return err
	}
	d.Titres = []option{{"", "Aucun (ligne vide)"}}
	for _, t := range titres {
		d.Titres = append(d.Titres, option{t.Code, t.Code + " — " + t.Intitule})
	}
	n := agrementsVides
	for i := 0; form.Values.Has(fmt.Sprintf("agrements[%d].titre_code", i)); i++ {
		n = i + 1 + agrementsVides
	}
	d.Lignes = make([]int, n)
	for i := range d.Lignes {
		d.Lignes[i] = i
	}
	v := w.view(c, d)
	v.Crumbs = append(v.Crumbs, crumb{"Centres", "/admin/centres"})
	if d.Centre != nil {
		v.Title = "Modifier le centre " + d.Centre.Nom
	}
	v.Form = form
	return w.render(c, status, "admin_centre_form", v)
}

// centreValues fills the form with a recorded centre.
func centreValues(ce *certification.Centre) url.Values {
	v := url.Values{"nom": {ce.Nom}, "siret": {ce.Siret}, "adresse": {ce.Adresse}, "code_postal": {ce.CodePostal},
		"ville": {ce.Ville}, "region": {ce.Region}, "departement": {ce.Departement}}
	for i, ag := range ce.Agrements {
		p := fmt.Sprintf("agrements[%d].", i)
		v.Set(p+"titre_code", ag.TitreCode)
		v.Set(p+"debut", ag.Debut.Francais())
		v.Set(p+"fin", ag.Fin.Francais())
	}
	return v
}

// bindCentre reads the form. Rows without a titre are left out; lignes
// maps the index of each agrément sent to the service to its row, so that
// the service's messages land on the right row.
func bindCentre(form *Form) (in certification.NouveauCentre, lignes []int) {
	in = certification.NouveauCentre{Nom: textField(form, "nom", "Indiquez le nom du centre.", 200),
		Siret:   form.Get("siret"),
		Adresse: textField(form, "adresse", "Indiquez l’adresse du centre.", 300), CodePostal: form.Get("code_postal"),
		Ville:  textField(form, "ville", "Indiquez la ville du centre.", 200),
		Region: form.Get("region"), Departement: strings.ToUpper(form.Get("departement"))}
	if in.Siret == "" {
		form.Fail("siret", "Indiquez le SIRET du centre : 14 chiffres.")
	}
	for i := 0; form.Values.Has(fmt.Sprintf("agrements[%d].titre_code", i)); i++ {
		p := fmt.Sprintf("agrements[%d].", i)
		ag := certification.NouvelAgrement{TitreCode: form.Get(p + "titre_code")}
		if ag.TitreCode == "" {
			continue
		}
		var ok bool
		if ag.Debut, ok = parseDate(form.Get(p + "debut")); !ok {
			form.Fail(p+"debut", dateMessage)
		}
		if ag.Fin, ok = parseDate(form.Get(p + "fin")); !ok {
			form.Fail(p+"fin", dateMessage)
		}
		in.Agrements = append(in.Agrements, ag)
		lignes = append(lignes, i)
	}
	return in, lignes
}

// refuseCentre takes the service's refusal into the form, its agrément
// rows renumbered as the form shows them.
func refuseCentre(form *Form, err error, lignes []int) bool {
	var de *certification.Error
	if errors.As(err, &de) && len(de.Fields) > 0 {
		out := *de
		out.Fields = make([]certification.FieldError, len(de.Fields))
		for i, f := range de.Fields {
			var k int
			var rest string
			if n, _ := fmt.Sscanf(f.Field, "agrements[%d]", &k); n == 1 && k < len(lignes) {
				_, rest, _ = strings.Cut(f.Field, "]")
				f.Field = "agrements[" + strconv.Itoa(lignes[k]) + "]" + rest
			}
			out.Fields[i] = f
		}
		err = &out
	}
	return form.Refuse(err)
}

func (w *Web) handleCentreNew(c echo.Context) error {
	return w.renderCentreForm(c, http.StatusOK, newForm(url.Values{}), &centreFormData{})
}

func (w *Web) handleCentreCreate(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	in, lignes := bindCentre(form)
	if form.Failed() {
		form.Summary = "Le centre ne peut pas être enregistré : corrigez les champs signalés."
		return w.renderCentreForm(c, http.StatusUnprocessableEntity, form, &centreFormData{})
	}
	if _, err := w.svc.CreateCentre(c.Request().Context(), a, in); err != nil {
		if !refuseCentre(form, err, lignes) {
			return err
		}
		return w.renderCentreForm(c, http.StatusUnprocessableEntity, form, &centreFormData{})
	}
	return c.Redirect(http.StatusSeeOther, "/admin/centres?info=centre-cree")
}

func (w *Web) handleCentreEdit(c echo.Context) error {
	a, _ := acteur(c)
	ce, err := w.svc.Centre(c.Request().Context(), a, c.Param("id"))
	if err != nil {
		return err
	}
	return w.renderCentreForm(c, http.StatusOK, newForm(centreValues(ce)), &centreFormData{Centre: ce, Version: ce.Version})
}

func (w *Web) handleCentreUpdate(c echo.Context) error {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	ce, err := w.svc.Centre(ctx, a, c.Param("id"))
	if err != nil {
		return err
	}
	form := newForm(formValues(c))
	d := &centreFormData{Centre: ce}
	d.Version, _ = strconv.Atoi(form.Get("version"))
	in, lignes := bindCentre(form)
	if form.Failed() {
		form.Summary = "Le centre ne peut pas être enregistré : corrigez les champs signalés."
		return w.renderCentreForm(c, http.StatusUnprocessableEntity, form, d)
	}
	if _, err := w.svc.ModifierCentre(ctx, a, ce.ID, d.Version, in); err != nil {
		if !refuseCentre(form, err, lignes) {
			return err
		}
		status := http.StatusUnprocessableEntity
		if errors.Is(err, certification.ErrStale) {
			// Someone saved in between: show what is recorded now, keep
			// what this administrator typed, and let a second save replace
			// it knowingly.
			d.Stale, d.Version, status = true, ce.Version, http.StatusConflict
		} else if errors.Is(err, certification.ErrConflict) {
			status = http.StatusConflict
		}
		return w.renderCentreForm(c, status, form, d)
	}
	return c.Redirect(http.StatusSeeOther, "/admin/centres?info=centre-modifie")
}
