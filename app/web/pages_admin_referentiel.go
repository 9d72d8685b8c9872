package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// The référentiel as the administrator keeps it: the titres, their
// versions with CCP, CCS and correspondences, and the changes the service
// allows (a titre created or imported, a first version, a version replaced
// while unused, a révision, a clôture), each through the service method
// the API calls.
func init() {
	ref := "/admin/referentiel"
	addPages(
		Page{Method: http.MethodGet, Path: ref, Handler: (*Web).handleReferentiel, Title: "Référentiel",
			Roles: adminOnly, Menu: "Référentiel"},
		Page{Method: http.MethodGet, Path: ref + "/nouveau", Handler: (*Web).handleTitreNew, Title: "Créer un titre", Roles: adminOnly},
		Page{Method: http.MethodPost, Path: ref + "/nouveau", Handler: (*Web).handleTitreCreate, Title: "Créer un titre", Roles: adminOnly},
		Page{Method: http.MethodGet, Path: ref + "/import", Handler: (*Web).handleTitreImportForm, Title: "Importer un titre", Roles: adminOnly},
		Page{Method: http.MethodPost, Path: ref + "/import", Handler: (*Web).handleTitreImport, Title: "Importer un titre", Roles: adminOnly},
		Page{Method: http.MethodGet, Path: ref + "/:code", Handler: (*Web).handleTitre, Title: "Titre", Roles: adminOnly},
		Page{Method: http.MethodGet, Path: ref + "/:code/export", Handler: (*Web).handleTitreExport, Title: "Exporter un titre",
			Roles: adminOnly, File: true},
		Page{Method: http.MethodGet, Path: ref + "/:code/versions/nouvelle", Handler: (*Web).handleVersionForm,
			Title: "Nouvelle version", Roles: adminOnly},
		Page{Method: http.MethodPost, Path: ref + "/:code/versions/nouvelle", Handler: (*Web).handleVersionSave,
			Title: "Nouvelle version", Roles: adminOnly},
		Page{Method: http.MethodGet, Path: ref + "/:code/versions/:version", Handler: (*Web).handleVersionForm,
			Title: "Modifier une version", Roles: adminOnly},
		Page{Method: http.MethodPost, Path: ref + "/:code/versions/:version", Handler: (*Web).handleVersionSave,
			Title: "Modifier une version", Roles: adminOnly},
		Page{Method: http.MethodGet, Path: ref + "/:code/versions/:version/cloture", Handler: (*Web).handleClotureForm,
			Title: "Clôturer une version", Roles: adminOnly},
		Page{Method: http.MethodPost, Path: ref + "/:code/versions/:version/cloture", Handler: (*Web).handleCloture,
			Title: "Clôturer une version", Roles: adminOnly},
	)
	notices["titre-cree"] = "Le titre est créé : ajoutez-lui sa première version."
	notices["titre-importe"] = "Le titre est importé, avec ses versions et ses correspondances."
	notices["version-enregistree"] = "La version est enregistrée."
	notices["version-cloturee"] = "La clôture est enregistrée : la version cesse d’être valide à la date indiquée."
	funcs["devenir"] = func(v certification.Version, today certification.Date) string {
		switch v.Devenir {
		case "revise":
			return "révisée"
		case "cloture":
			return "clôturée"
		case "proroge":
			return "prorogée"
		}
		switch {
		case today.Before(v.Debut):
			return "à venir"
		case v.Fin.Before(today):
			return "échue"
		}
		return "en vigueur"
	}
	// correspondances names the blocs of earlier versions a bloc takes
	// over, as VERSION/BLOC; the référentiel records them on the older bloc.
	funcs["correspondances"] = func(t *certification.Titre, version, bloc string) string {
		var out []string
		for _, v := range t.Versions {
			for _, b := range v.Blocs {
				for _, c := range b.Correspondances {
					if c == version+"/"+bloc {
						out = append(out, v.Code+"/"+b.Code)
					}
				}
			}
		}
		if len(out) == 0 {
			return "—"
		}
		return strings.Join(out, ", ")
	}
}

// referentielData lists the titres.
type referentielData struct {
	Titres []certification.Titre
	Today  certification.Date
}

func (w *Web) handleReferentiel(c echo.Context) error {
	titres, err := w.svc.Titres(c.Request().Context())
	if err != nil {
		return err
	}
	return w.render(c, http.StatusOK, "admin_referentiel", w.view(c, &referentielData{Titres: titres, Today: certification.DateOf(w.svc.Now())}))
}

// titre finds the titre of the address: the 404 page for an unknown one.
func (w *Web) titre(c echo.Context) (*certification.Titre, error) {
	return w.svc.Titre(c.Request().Context(), c.Param("code"))
}

// titreData is a titre's page.
type titreData struct {
	T     *certification.Titre
	Today certification.Date
}

func (w *Web) handleTitre(c echo.Context) error {
	t, err := w.titre(c)
	if err != nil {
		return err
	}
	v := w.view(c, &titreData{T: t, Today: certification.DateOf(w.svc.Now())})
	v.Title = t.Code + " — " + t.Intitule
	v.Crumbs = append(v.Crumbs, crumb{"Référentiel", "/admin/referentiel"})
	return w.render(c, http.StatusOK, "admin_titre", v)
}

func (w *Web) handleTitreExport(c echo.Context) error {
	td, _, err := w.svc.ExporterTitre(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	b, err := w.ref.Export(td)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="referentiel-`+td.Code+`.json"`)
	return c.Blob(http.StatusOK, "application/json", b)
}

// renderReferentielForm renders a form of the référentiel that needs
// nothing but what was typed: a new titre, an import.
func (w *Web) renderReferentielForm(c echo.Context, status int, name string, form *Form) error {
	v := w.view(c, nil)
	v.Crumbs = append(v.Crumbs, crumb{"Référentiel", "/admin/referentiel"})
	v.Form = form
	return w.render(c, status, name, v)
}

func (w *Web) handleTitreNew(c echo.Context) error {
	return w.renderReferentielForm(c, http.StatusOK, "admin_titre_nouveau", newForm(url.Values{}))
}

func (w *Web) handleTitreCreate(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	td := certification.TitreDef{Code: form.Get("code"), Intitule: form.Get("intitule"), NSF: form.Get("nsf"),
		ROME: form.Get("rome"), RNCP: form.Get("rncp")}
	td.Niveau, _ = strconv.Atoi(form.Get("niveau"))
	t, err := w.svc.CreerTitre(c.Request().Context(), a, td)
	if err != nil {
		if !form.Refuse(err) {
			return err
		}
		return w.renderReferentielForm(c, statusOf(err), "admin_titre_nouveau", form)
	}
	return c.Redirect(http.StatusSeeOther, "/admin/referentiel/"+url.PathEscape(t.Code)+"?info=titre-cree")
}

// statusOf is the status of a page whose form the service refused.
func statusOf(err error) int {
	switch {
	case errors.Is(err, certification.ErrStale), errors.Is(err, certification.ErrConflict):
		return http.StatusConflict
	}
	return http.StatusUnprocessableEntity
}

// importMax bounds an imported file: the whole référentiel of a titre is
// a few tens of kilobytes.
const importMax = 1 << 20

func (w *Web) handleTitreImportForm(c echo.Context) error {
	return w.renderReferentielForm(c, http.StatusOK, "admin_titre_import", newForm(url.Values{}))
}

func (w *Web) handleTitreImport(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(url.Values{})
	data, refus := uploaded(c, "fichier")
	if refus != "" {
		form.Fail("fichier", refus)
		form.Summary = "Le fichier ne peut pas être importé."
		return w.renderReferentielForm(c, http.StatusUnprocessableEntity, "admin_titre_import", form)
	}
	td, err := w.ref.Import(data)
	if err == nil {
		_, err = w.svc.CreerTitre(c.Request().Context(), a, td)
	}
	if err != nil {
		if !form.Refuse(err) {
			return err
		}
		// The faulty fields are in the file, not on the page: their
		// messages are listed, each saying where.
		for _, k := range form.Order {
			if k != "fichier" {
				form.Errors[k] = k + " : " + form.Errors[k]
			}
		}
		return w.renderReferentielForm(c, statusOf(err), "admin_titre_import", form)
	}
	return c.Redirect(http.StatusSeeOther, "/admin/referentiel/"+url.PathEscape(td.Code)+"?info=titre-importe")
}

// uploaded reads a file sent with the form; a missing, empty or too large
// one comes back as the message for its field.
func uploaded(c echo.Context, name string) ([]byte, string) {
	fh, err := c.FormFile(name)
	if err != nil {
		return nil, "Choisissez le fichier à importer."
	}
	if fh.Size > importMax {
		return nil, "Le fichier dépasse 1 Mo."
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "Le fichier n’a pas pu être lu : envoyez-le à nouveau."
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, importMax+1))
	if err != nil || len(b) == 0 {
		return nil, "Le fichier est vide."
	}
	return b, ""
}

// versionFormData is the form of a version: the first one of a titre, a
// révision of its version in force (both at versions/nouvelle), or a
// version replaced while no one used it (Code set). Blocs are the indexes
// of the bloc rows. Stale says the titre changed since the form was
// opened: Version is then its version now, so that saving again is
// knowing.
type versionFormData struct {
	T       *certification.Titre
	Code    string
	Revisee string
	Version int
	Blocs   []int
	Natures []option
	Stale   bool
}

// blocsVides is how many empty bloc rows the form offers.
const blocsVides = 1

func (w *Web) renderVersionForm(c echo.Context, status int, form *Form, d *versionFormData) error {
	n := blocsVides
	for i := 0; form.Values.Has(fmt.Sprintf("blocs[%d].code", i)); i++ {
		n = i + 1 + blocsVides
	}
	d.Blocs = make([]int, n)
	for i := range d.Blocs {
		d.Blocs[i] = i
	}
	d.Natures = []option{{"ccp", "CCP"}, {"ccs", "CCS"}}
	v := w.view(c, d)
	v.Crumbs = append(v.Crumbs, crumb{"Référentiel", "/admin/referentiel"}, crumb{d.T.Code, "/admin/referentiel/" + url.PathEscape(d.T.Code)})
	switch {
	case d.Code != "":
		v.Title = "Modifier la version " + d.Code
	case d.Revisee != "":
		v.Title = "Réviser la version " + d.Revisee
	default:
		v.Title = "Première version du titre " + d.T.Code
	}
	v.Form = form
	return w.render(c, status, "admin_version", v)
}

// versionValues fills the form with a version; for a révision, each CCP
// of the new version takes over the one of the same code by default.
func versionValues(v certification.Version, revision bool) url.Values {
	vals := url.Values{}
	if !revision {
		vals.Set("code", v.Code)
		vals.Set("texte", v.Texte)
		vals.Set("debut", v.Debut.Francais())
		vals.Set("fin", v.Fin.Francais())
	}
	for i, b := range v.Blocs {
		p := fmt.Sprintf("blocs[%d].", i)
		vals.Set(p+"code", b.Code)
		vals.Set(p+"nature", b.Nature)
		vals.Set(p+"intitule", b.Intitule)
		vals.Set(p+"rncp_bloc", b.RNCPBloc)
		comp := make([]string, len(b.Competences))
		for k, c := range b.Competences {
			comp[k] = c.Intitule
		}
		vals.Set(p+"competences", strings.Join(comp, "\n"))
		if revision && b.Nature == "ccp" {
			vals.Set(p+"correspond", v.Code+"/"+b.Code)
		}
	}
	return vals
}

// versionData prepares the form of the address's version.
func (w *Web) versionData(c echo.Context) (*versionFormData, *certification.Version, error) {
	t, err := w.titre(c)
	if err != nil {
		return nil, nil, err
	}
	d := &versionFormData{T: t, Version: t.Version}
	if code := c.Param("version"); code != "" {
		for i := range t.Versions {
			if t.Versions[i].Code == code {
				d.Code = code
				return d, &t.Versions[i], nil
			}
		}
		return nil, nil, certification.Errorf(certification.ErrNotFound, "introuvable", "Version %s du titre %s introuvable.", code, t.Code)
	}
	if n := len(t.Versions); n > 0 {
		d.Revisee = t.Versions[n-1].Code
		return d, &t.Versions[n-1], nil
	}
	return d, nil, nil
}

func (w *Web) handleVersionForm(c echo.Context) error {
	d, v, err := w.versionData(c)
	if err != nil {
		return err
	}
	vals := url.Values{}
	if v != nil {
		vals = versionValues(*v, d.Code == "")
	}
	return w.renderVersionForm(c, http.StatusOK, newForm(vals), d)
}

// bindVersion reads a version from the form: the dates as typed, the
// compétences one a line, the correspondences separated by commas.
func bindVersion(form *Form) certification.VersionDef {
	vd := certification.VersionDef{Code: form.Get("code"), Texte: form.Get("texte")}
	for _, p := range []struct {
		name string
		d    *certification.Date
	}{{"debut", &vd.Debut}, {"fin", &vd.Fin}} {
		d, ok := parseDate(form.Get(p.name))
		if !ok {
			form.Fail(p.name, dateMessage)
		}
		*p.d = d
	}
	for i := 0; form.Values.Has(fmt.Sprintf("blocs[%d].code", i)); i++ {
		p := fmt.Sprintf("blocs[%d].", i)
		b := certification.BlocDef{Code: form.Get(p + "code"), Nature: form.Get(p + "nature"), Intitule: form.Get(p + "intitule"),
			RNCPBloc: strings.ToUpper(form.Get(p + "rncp_bloc"))}
		if b.Code == "" && b.Intitule == "" && form.Get(p+"competences") == "" {
			// An empty row; keeping the rows' order keeps the service's
			// indexes those of the form.
			if form.Get(fmt.Sprintf("blocs[%d].code", i+1)) != "" {
				form.Fail(p+"code", "Une ligne vide ne peut précéder un bloc : laissez les lignes vides en fin de liste.")
			}
			break
		}
		for _, l := range strings.Split(form.Get(p+"competences"), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				b.Competences = append(b.Competences, l)
			}
		}
		b.Correspond = strings.FieldsFunc(form.Get(p+"correspond"), func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
		vd.Blocs = append(vd.Blocs, b)
	}
	return vd
}

// refuseVersion takes the service's refusal into the form: a message on a
// compétence or a correspondence goes to the bloc's field that holds them.
func refuseVersion(form *Form, err error) bool {
	var de *certification.Error
	if errors.As(err, &de) && len(de.Fields) > 0 {
		out := *de
		out.Fields = make([]certification.FieldError, len(de.Fields))
		for i, f := range de.Fields {
			for _, list := range []string{".competences[", ".correspond["} {
				if k := strings.Index(f.Field, list); k >= 0 {
					f.Field = f.Field[:k+len(list)-1]
				}
			}
			out.Fields[i] = f
		}
		err = &out
	}
	return form.Refuse(err)
}

func (w *Web) handleVersionSave(c echo.Context) error {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	d, _, err := w.versionData(c)
	if err != nil {
		return err
	}
	form := newForm(formValues(c))
	lue, _ := strconv.Atoi(form.Get("version"))
	vd := bindVersion(form)
	if form.Failed() {
		form.Summary = "La version ne peut pas être enregistrée : corrigez les champs signalés."
		d.Version = lue
		return w.renderVersionForm(c, http.StatusUnprocessableEntity, form, d)
	}
	switch {
	case d.Code != "":
		_, err = w.svc.RemplacerVersion(ctx, a, d.T.Code, d.Code, lue, vd)
	case d.Revisee != "":
		_, err = w.svc.ReviserVersion(ctx, a, d.T.Code, d.Revisee, lue, vd)
	default:
		_, err = w.svc.AjouterVersion(ctx, a, d.T.Code, lue, vd)
	}
	if err != nil {
		if !refuseVersion(form, err) {
			return err
		}
		// A stale form is told so, with the titre's version now: the next
		// save is made knowingly. Otherwise the version read stays.
		if d.Stale = errors.Is(err, certification.ErrStale); !d.Stale {
			d.Version = lue
		}
		return w.renderVersionForm(c, statusOf(err), form, d)
	}
	return c.Redirect(http.StatusSeeOther, "/admin/referentiel/"+url.PathEscape(d.T.Code)+"?info=version-enregistree")
}

// clotureData is the clôture form of a version.
type clotureData struct {
	T       *certification.Titre
	V       certification.Version
	Version int
	Stale   bool
}

func (w *Web) renderCloture(c echo.Context, status int, form *Form, d *clotureData) error {
	v := w.view(c, d)
	v.Title = "Clôturer la version " + d.V.Code
	v.Crumbs = append(v.Crumbs, crumb{"Référentiel", "/admin/referentiel"}, crumb{d.T.Code, "/admin/referentiel/" + url.PathEscape(d.T.Code)})
	v.Form = form
	return w.render(c, status, "admin_cloture", v)
}

func (w *Web) clotureData(c echo.Context) (*clotureData, error) {
	d, v, err := w.versionData(c)
	if err != nil {
		return nil, err
	}
	return &clotureData{T: d.T, V: *v, Version: d.T.Version}, nil
}

func (w *Web) handleClotureForm(c echo.Context) error {
	d, err := w.clotureData(c)
	if err != nil {
		return err
	}
	return w.renderCloture(c, http.StatusOK, newForm(url.Values{}), d)
}

func (w *Web) handleCloture(c echo.Context) error {
	a, _ := acteur(c)
	d, err := w.clotureData(c)
	if err != nil {
		return err
	}
	form := newForm(formValues(c))
	lue, _ := strconv.Atoi(form.Get("version"))
	date, ok := parseDate(form.Get("date"))
	if !ok {
		form.Fail("date", dateMessage)
		form.Summary = "La clôture ne peut pas être enregistrée : corrigez la date."
		d.Version = lue
		return w.renderCloture(c, http.StatusUnprocessableEntity, form, d)
	}
	if _, err := w.svc.CloturerVersion(c.Request().Context(), a, d.T.Code, d.V.Code, lue, date); err != nil {
		if !form.Refuse(err) {
			return err
		}
		if d.Stale = errors.Is(err, certification.ErrStale); !d.Stale {
			d.Version = lue
		}
		return w.renderCloture(c, statusOf(err), form, d)
	}
	return c.Redirect(http.StatusSeeOther, "/admin/referentiel/"+url.PathEscape(d.T.Code)+"?info=version-cloturee")
}
