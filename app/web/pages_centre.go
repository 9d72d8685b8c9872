package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

var centreOnly = []certification.Role{certification.RoleCentre}

func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/centre/candidats", Handler: (*Web).handleCandidatList, Title: "Candidats",
			Roles: centreOnly, Menu: "Candidats"},
	)
}

// candidatListData is one page of the centre's candidats with its filters.
type candidatListData struct {
	Page    *certification.PageCandidats
	Nom     string
	Filtre  string
	Archive bool
	// Suivant and Premier are the links to the next and first pages,
	// keeping the filters.
	Suivant, Premier string
	Apres            string
	Parcours         []option
}

const pageSize = 20

func (w *Web) handleCandidatList(c echo.Context) error {
	a, _ := acteur(c)
	q := c.QueryParams()
	form := newForm(q)
	f := certification.FiltreCandidats{Nom: form.Get("nom"), Parcours: certification.Parcours(q.Get("parcours")),
		Archives: q.Get("archives") == "1", Apres: q.Get("apres"), Limite: pageSize}
	if f.Parcours != "" && !f.Parcours.Valid() {
		form.Fail("parcours", "Parcours inconnu.")
		f.Parcours = ""
	}
	page, err := w.svc.Candidats(c.Request().Context(), a, f)
	if err != nil {
		if !form.Refuse(err) {
			return err
		}
		page = &certification.PageCandidats{}
	}
	d := &candidatListData{Page: page, Nom: f.Nom, Filtre: string(f.Parcours), Archive: f.Archives, Apres: f.Apres,
		Parcours: []option{{"", "Tous les parcours"}}}
	for _, p := range []certification.Parcours{certification.ParcoursFormation, certification.ParcoursVAE,
		certification.ParcoursCapitalisation, certification.ParcoursCCS} {
		d.Parcours = append(d.Parcours, option{string(p), libelleParcours[p]})
	}
	keep := url.Values{}
	for _, k := range []string{"nom", "parcours", "archives"} {
		if v := q.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	d.Premier = "/centre/candidats?" + keep.Encode()
	if page.Suivant != "" {
		keep.Set("apres", page.Suivant)
		d.Suivant = "/centre/candidats?" + keep.Encode()
	}
	v := w.view(c, d)
	v.Home, v.Form = true, form
	return w.render(c, http.StatusOK, "candidats", v)
}

func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/centre/candidats/nouveau", Handler: (*Web).handleCandidatNew,
			Title: "Ajouter un candidat", Roles: centreOnly},
		Page{Method: http.MethodPost, Path: "/centre/candidats", Handler: (*Web).handleCandidatCreate,
			Title: "Ajouter un candidat", Roles: centreOnly},
		Page{Method: http.MethodGet, Path: "/centre/candidats/:id", Handler: (*Web).handleCandidatShow,
			Title: "Candidat", Roles: centreOnly},
		Page{Method: http.MethodGet, Path: "/centre/candidats/:id/modification", Handler: (*Web).handleCandidatEdit,
			Title: "Modifier le candidat", Roles: centreOnly},
		Page{Method: http.MethodPost, Path: "/centre/candidats/:id/modification", Handler: (*Web).handleCandidatUpdate,
			Title: "Modifier le candidat", Roles: centreOnly},
		Page{Method: http.MethodGet, Path: "/centre/candidats/:id/archivage", Handler: (*Web).handleCandidatArchiveConfirm,
			Title: "Archiver le candidat", Roles: centreOnly},
		Page{Method: http.MethodPost, Path: "/centre/candidats/:id/archivage", Handler: (*Web).handleCandidatArchive,
			Title: "Archiver le candidat", Roles: centreOnly},
	)
}

// referentiel is what the candidat form offers to choose from.
type referentiel struct {
	Titres   []option
	CCP      []string
	Intitule map[string]string
	Versions []option
	CCPOpts  []option
}

func (w *Web) referentiel(c echo.Context) (*referentiel, error) {
	titres, err := w.svc.Titres(c.Request().Context())
	if err != nil {
		return nil, err
	}
	r := &referentiel{Intitule: map[string]string{}}
	today := certification.DateOf(w.svc.Now())
	for i, t := range titres {
		r.Titres = append(r.Titres, option{t.Code, t.Intitule + " (" + t.Code + ")"})
		if i > 0 {
			continue
		}
		// The form's ECF and CCP rows follow the first titre, the one
		// the centres of this service deliver.
		if v, ok := t.VersionEnVigueur(today); ok {
			for _, b := range v.Blocs {
				if b.Nature == "ccp" {
					r.CCP = append(r.CCP, b.Code)
					r.Intitule[b.Code] = b.Intitule
				}
			}
		}
		r.Versions = []option{{"", "Choisir"}}
		for _, v := range t.Versions {
			r.Versions = append(r.Versions, option{v.Code, v.Code})
		}
	}
	r.CCPOpts = []option{{"", "Choisir"}}
	for _, code := range r.CCP {
		r.CCPOpts = append(r.CCPOpts, option{code, code})
	}
	return r, nil
}

// candidatFormData is the create or edit form.
type candidatFormData struct {
	Ref      *referentiel
	Action   string
	Candidat *certification.Candidat
	Version  int
	Origine  string
	// Changes lists what another user saved since this form was loaded.
	Changes []change
	Stale   bool
}

func (w *Web) renderCandidatForm(c echo.Context, status int, form *Form, d *candidatFormData) error {
	v := w.view(c, d)
	v.Form = form
	v.Crumbs = append(v.Crumbs, crumb{"Candidats", "/centre/candidats"})
	if d.Candidat != nil {
		v.Crumbs = append(v.Crumbs, crumb{d.Candidat.Prenoms + " " + d.Candidat.NomNaissance, "/centre/candidats/" + d.Candidat.ID})
	}
	return w.render(c, status, "candidat-form", v)
}

func (w *Web) handleCandidatNew(c echo.Context) error {
	ref, err := w.referentiel(c)
	if err != nil {
		return err
	}
	form := newForm(url.Values{})
	if len(ref.Titres) > 0 {
		form.Values.Set("titre_code", ref.Titres[0].Value)
	}
	return w.renderCandidatForm(c, http.StatusOK, form, &candidatFormData{Ref: ref, Action: "/centre/candidats"})
}

func (w *Web) handleCandidatCreate(c echo.Context) error {
	a, _ := acteur(c)
	ref, err := w.referentiel(c)
	if err != nil {
		return err
	}
	form := newForm(formValues(c))
	d := &candidatFormData{Ref: ref, Action: "/centre/candidats"}
	cf := bindCandidat(form, ref.CCP)
	if form.Failed() {
		form.Summary = "Le dossier du candidat comporte des erreurs."
		return w.renderCandidatForm(c, http.StatusUnprocessableEntity, form, d)
	}
	cand, err := w.svc.CreateCandidat(c.Request().Context(), a, cf.Saisie)
	if err != nil {
		if !cf.refuse(form, err) {
			return err
		}
		return w.renderCandidatForm(c, http.StatusUnprocessableEntity, form, d)
	}
	return c.Redirect(http.StatusSeeOther, "/centre/candidats/"+cand.ID+"?info=cree")
}

// candidatData is a candidat's page.
type candidatData struct {
	D         *certification.Dossier
	Passages  []passageView
	Intitules map[string]string
	// Compte is the candidat's account: the page offers to open it, or
	// says where it stands.
	Compte *certification.CompteCandidat
	// Demandes are the candidat's requests under its rights.
	Demandes []certification.DemandeDroits
	// Refus is the candidat's address when the SMTP server refused it.
	Refus *certification.AdresseRefusee
}

func (w *Web) handleCandidatShow(c echo.Context) error {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	d, err := w.svc.Parcours(ctx, a, c.Param("id"))
	if err != nil {
		return err
	}
	ref, err := w.referentiel(c)
	if err != nil {
		return err
	}
	compte, err := w.svc.EtatCompteCandidat(ctx, a, d.Candidat.ID)
	if err != nil {
		return err
	}
	demandes, err := w.svc.DemandesDroits(ctx, a, d.Candidat.ID)
	if err != nil {
		return err
	}
	refus, err := w.svc.AdresseRefuseeCandidat(ctx, a, d.Candidat.ID)
	if err != nil {
		return err
	}
	v := w.view(c, &candidatData{D: d, Passages: passages(d, ref.Intitule), Intitules: ref.Intitule, Compte: compte,
		Demandes: demandes, Refus: refus})
	v.Title = d.Candidat.Prenoms + " " + d.Candidat.NomNaissance
	v.Crumbs = append(v.Crumbs, crumb{"Candidats", "/centre/candidats"})
	return w.render(c, http.StatusOK, "candidat", v)
}

func (w *Web) handleCandidatEdit(c echo.Context) error {
	a, _ := acteur(c)
	cand, err := w.svc.Candidat(c.Request().Context(), a, c.Param("id"))
	if err != nil {
		return err
	}
	ref, err := w.referentiel(c)
	if err != nil {
		return err
	}
	values := candidatValues(cand, ref.CCP)
	d := &candidatFormData{Ref: ref, Action: "/centre/candidats/" + cand.ID + "/modification", Candidat: cand,
		Version: cand.Version, Origine: encodeValues(values)}
	return w.renderCandidatForm(c, http.StatusOK, newForm(values), d)
}

func (w *Web) handleCandidatUpdate(c echo.Context) error {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	cand, err := w.svc.Candidat(ctx, a, c.Param("id"))
	if err != nil {
		return err
	}
	ref, err := w.referentiel(c)
	if err != nil {
		return err
	}
	form := newForm(formValues(c))
	version, _ := strconv.Atoi(form.Get("version"))
	d := &candidatFormData{Ref: ref, Action: "/centre/candidats/" + cand.ID + "/modification", Candidat: cand,
		Version: version, Origine: form.Get("origine")}
	cf := bindCandidat(form, ref.CCP)
	if form.Failed() {
		form.Summary = "Le dossier du candidat comporte des erreurs."
		return w.renderCandidatForm(c, http.StatusUnprocessableEntity, form, d)
	}
	_, err = w.svc.UpdateCandidat(ctx, a, cand.ID, version, cf.Saisie)
	switch {
	case errors.Is(err, certification.ErrStale):
		// Someone saved in between. Keep what this user typed, say what
		// the other changed, and let a second save overwrite knowingly.
		current := candidatValues(cand, ref.CCP)
		d.Changes = changes(decodeValues(d.Origine), current, candidatLabels(ref.CCP))
		d.Stale, d.Version, d.Origine = true, cand.Version, encodeValues(current)
		form.Summary = "Ce candidat a été modifié par quelqu’un d’autre depuis l’ouverture de ce formulaire. " +
			"Vos saisies sont conservées : vérifiez les changements ci-dessous, puis enregistrez à nouveau."
		return w.renderCandidatForm(c, http.StatusConflict, form, d)
	case err != nil:
		if !cf.refuse(form, err) {
			return err
		}
		return w.renderCandidatForm(c, http.StatusUnprocessableEntity, form, d)
	}
	return c.Redirect(http.StatusSeeOther, "/centre/candidats/"+cand.ID+"?info=modifie")
}

func (w *Web) handleCandidatArchiveConfirm(c echo.Context) error {
	a, _ := acteur(c)
	cand, err := w.svc.Candidat(c.Request().Context(), a, c.Param("id"))
	if err != nil {
		return err
	}
	return w.renderArchive(c, http.StatusOK, cand, newForm(nil))
}

func (w *Web) renderArchive(c echo.Context, status int, cand *certification.Candidat, form *Form) error {
	v := w.view(c, cand)
	v.Form = form
	v.Crumbs = append(v.Crumbs, crumb{"Candidats", "/centre/candidats"},
		crumb{cand.Prenoms + " " + cand.NomNaissance, "/centre/candidats/" + cand.ID})
	return w.render(c, status, "candidat-archivage", v)
}

func (w *Web) handleCandidatArchive(c echo.Context) error {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	cand, err := w.svc.Candidat(ctx, a, c.Param("id"))
	if err != nil {
		return err
	}
	form := newForm(formValues(c))
	version, _ := strconv.Atoi(form.Get("version"))
	if _, err := w.svc.ArchiveCandidat(ctx, a, cand.ID, version); err != nil {
		if !form.Refuse(err) {
			return err
		}
		return w.renderArchive(c, http.StatusConflict, cand, form)
	}
	return c.Redirect(http.StatusSeeOther, "/centre/candidats/"+cand.ID+"?info=archive")
}
