package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// Importeur reads files of candidats for the import pages. The server
// gives the API's own, so that a file is read and checked one way.
type Importeur interface {
	// Essai dry-runs the import of a file and keeps it for its
	// confirmation; it returns the report and the file's SHA-256.
	Essai(ctx context.Context, a certification.Acteur, fichier []byte) (*certification.RapportImport, string, error)
	// Confirmer imports the file a dry run kept, checking it again.
	Confirmer(ctx context.Context, a certification.Acteur, empreinte string, o certification.OptionsImport) (*certification.RapportImport, error)
	// Modele is the template file, « csv » or « xlsx »: its content type
	// and bytes.
	Modele(format string) (string, []byte, error)
}

// PageImportCandidats is where the file of candidats is posted: the server
// lets a larger body through to it than to other routes.
const PageImportCandidats = "/centre/candidats/import"

// maxFichier is the largest file the page takes, as the API.
const maxFichier = 5 << 20

func init() {
	addPages(
		Page{Method: http.MethodGet, Path: PageImportCandidats, Handler: (*Web).handleImportForm,
			Title: "Importer des candidats", Roles: centreOnly},
		Page{Method: http.MethodPost, Path: PageImportCandidats, Handler: (*Web).handleImportEssai,
			Title: "Vérifier le fichier de candidats", Roles: centreOnly},
		Page{Method: http.MethodPost, Path: PageImportCandidats + "/confirmation", Handler: (*Web).handleImportConfirmation,
			Title: "Résultat de l'import", Roles: centreOnly},
		Page{Method: http.MethodGet, Path: PageImportCandidats + "/modele.csv", Handler: (*Web).handleImportModele,
			Title: "Modèle CSV", Roles: centreOnly, File: true},
		Page{Method: http.MethodGet, Path: PageImportCandidats + "/modele.xlsx", Handler: (*Web).handleImportModele,
			Title: "Modèle XLSX", Roles: centreOnly, File: true},
	)
	funcs["statutImport"] = func(s certification.StatutLigne) string { return libelleStatutImport[s] }
	funcs["classeImport"] = func(s certification.StatutLigne) string { return classeStatutImport[s] }
}

var libelleStatutImport = map[certification.StatutLigne]string{
	certification.LigneACreer: "À créer", certification.LigneCreee: "Créé",
	certification.LigneAMettreAJour: "À mettre à jour", certification.LigneMiseAJour: "Mis à jour",
	certification.LigneDejaPresente: "Déjà présent", certification.LigneEnErreur: "En erreur",
}

var classeStatutImport = map[certification.StatutLigne]string{
	certification.LigneACreer: "fr-badge--info", certification.LigneCreee: "fr-badge--success",
	certification.LigneAMettreAJour: "fr-badge--info", certification.LigneMiseAJour: "fr-badge--success",
	certification.LigneDejaPresente: "fr-badge--new", certification.LigneEnErreur: "fr-badge--error",
}

// importData is what the three steps of the import show.
type importData struct {
	Rapport   *certification.RapportImport
	Empreinte string
	Nom       string
	// Refus lists the faults of an all-or-nothing import refused.
	Refus []string
}

func (w *Web) renderImport(c echo.Context, status int, form *Form, d *importData) error {
	v := w.view(c, d)
	v.Form = form
	v.Crumbs = append(v.Crumbs, crumb{"Candidats", "/centre/candidats"})
	name := "candidats_import"
	switch {
	case d.Rapport != nil && d.Rapport.Confirme, d.Refus != nil:
		name = "candidats_import_resultat"
	case d.Rapport != nil:
		name = "candidats_import_rapport"
	}
	return w.render(c, status, name, v)
}

func (w *Web) handleImportForm(c echo.Context) error {
	return w.renderImport(c, http.StatusOK, newForm(nil), &importData{})
}

func (w *Web) handleImportEssai(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(nil)
	fh, err := c.FormFile("fichier")
	if err != nil {
		form.Summary = "Le fichier n’a pas été reçu."
		form.Fail("fichier", "Choisissez le fichier de candidats (CSV ou XLSX).")
		return w.renderImport(c, http.StatusUnprocessableEntity, form, &importData{})
	}
	if fh.Size > maxFichier {
		form.Summary = "Le fichier est trop volumineux."
		form.Fail("fichier", fmt.Sprintf("Le fichier dépasse %d Mo : découpez-le en plusieurs fichiers.", maxFichier>>20))
		return w.renderImport(c, http.StatusRequestEntityTooLarge, form, &importData{})
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFichier+1))
	if err != nil {
		return err
	}
	r, empreinte, err := w.importeur.Essai(c.Request().Context(), a, data)
	if err != nil {
		var de *certification.Error
		if !errors.As(err, &de) || !errors.Is(err, certification.ErrInvalid) {
			return err
		}
		form.Summary = "Le fichier « " + fh.Filename + " » ne peut pas être importé."
		msg := de.Message
		for _, fe := range de.Fields {
			msg += " " + fe.Message
		}
		form.Fail("fichier", msg)
		return w.renderImport(c, http.StatusUnprocessableEntity, form, &importData{})
	}
	return w.renderImport(c, http.StatusOK, form, &importData{Rapport: r, Empreinte: empreinte, Nom: fh.Filename})
}

func (w *Web) handleImportConfirmation(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	o := certification.OptionsImport{ToutOuRien: form.Get("mode") == "tout_ou_rien", MettreAJour: form.Get("mettre_a_jour") == "1"}
	r, err := w.importeur.Confirmer(c.Request().Context(), a, form.Get("empreinte"), o)
	if err != nil {
		var de *certification.Error
		if !errors.As(err, &de) || errors.Is(err, certification.ErrForbidden) || errors.Is(err, certification.ErrNotFound) {
			return err
		}
		d := &importData{Refus: []string{}}
		for _, fe := range de.Fields {
			d.Refus = append(d.Refus, ligneColonne(fe.Field)+fe.Message)
		}
		form.Summary = de.Message
		return w.renderImport(c, http.StatusUnprocessableEntity, form, d)
	}
	return w.renderImport(c, http.StatusOK, form, &importData{Rapport: r})
}

// ligneColonne writes « ligne[4].prenoms » as « Ligne 4, colonne prenoms : ».
func ligneColonne(champ string) string {
	ligne, col, _ := strings.Cut(strings.TrimPrefix(champ, "ligne["), "].")
	if col == "" {
		return "Ligne " + strings.TrimSuffix(ligne, "]") + " : "
	}
	return "Ligne " + ligne + ", colonne " + col + " : "
}

func (w *Web) handleImportModele(c echo.Context) error {
	format := strings.TrimPrefix(c.Path(), PageImportCandidats+"/modele.")
	ct, data, err := w.importeur.Modele(format)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="modele-candidats.`+format+`"`)
	return c.Blob(http.StatusOK, ct, data)
}
