package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/app/tableur"
	"github.com/cipcert/cipcert/certification"
)

// Exports and statistics of a period, for the centre (its own sessions),
// the autorité (its territory's) and the administrator (all): one page
// and one table for each role, since the service decides the scope.
func init() {
	lecteurs := []certification.Role{certification.RoleAdmin, certification.RoleAutorite, certification.RoleCentre}
	addPages(
		Page{Method: http.MethodGet, Path: "/exports", Handler: (*Web).handleExports, Title: "Exports",
			Roles: lecteurs, Menu: "Exports"},
		Page{Method: http.MethodGet, Path: "/exports/telechargement", Handler: (*Web).handleExportDownload, Title: "Exports",
			Roles: lecteurs, File: true},
		Page{Method: http.MethodGet, Path: "/statistiques", Handler: (*Web).handleStatistiques, Title: "Statistiques",
			Roles: lecteurs, Menu: "Statistiques"},
		Page{Method: http.MethodGet, Path: "/statistiques/telechargement", Handler: (*Web).handleStatistiquesDownload,
			Title: "Statistiques", Roles: lecteurs, File: true},
	)
	funcs["taux"] = tauxFrancais
}

// tauxFrancais writes a share as a French percentage: 0.6667 → « 66,7 % ».
func tauxFrancais(t float64) string {
	return strings.Replace(fmt.Sprintf("%.1f", t*100), ".", ",", 1) + "\u00a0%"
}

// formatsExport are the file formats offered, as radios.
var formatsExport = []option{
	{string(tableur.CSV), "CSV : s’ouvre dans Excel ou LibreOffice, séparateur point-virgule"},
	{string(tableur.XLSX), "XLSX : classeur Excel"},
}

// periodeForm reads the period of the form. A page opened without one
// shows the year so far; a download without one is refused by the
// service, each missing date on its field.
func (w *Web) periodeForm(c echo.Context, defaut bool) (*Form, certification.FiltrePeriode) {
	form := newForm(c.QueryParams())
	if defaut && form.Get("debut") == "" && form.Get("fin") == "" {
		today := w.svc.Now().In(paris)
		form.Values = url.Values{"debut": {"01/01/" + today.Format("2006")}, "fin": {today.Format("02/01/2006")},
			"format": {form.Get("format")}}
	}
	var f certification.FiltrePeriode
	for _, p := range []struct {
		name string
		d    *certification.Date
	}{{"debut", &f.Debut}, {"fin", &f.Fin}} {
		if s := form.Get(p.name); s != "" {
			d, ok := parseDate(s)
			switch {
			case !ok:
				form.Fail(p.name, dateMessage)
			case !certification.DateDePeriode(d):
				form.Fail(p.name, certification.MessageDateDePeriode)
			default:
				*p.d = d
			}
		}
	}
	if form.Get("format") == "" {
		form.Values.Set("format", string(tableur.CSV))
	}
	return form, f
}

// exportsData is the exports page: the period form and its formats.
type exportsData struct{ Formats []option }

func (w *Web) handleExports(c echo.Context) error {
	form, _ := w.periodeForm(c, true)
	return w.renderExports(c, http.StatusOK, form)
}

func (w *Web) renderExports(c echo.Context, status int, form *Form) error {
	v := w.view(c, &exportsData{Formats: formatsExport})
	v.Form = form
	return w.render(c, status, "exports", v)
}

// handleExportDownload streams the chosen export; a refused period comes
// back on the exports page, each message on its field.
func (w *Web) handleExportDownload(c echo.Context) error {
	send := map[string]func(echo.Context, *certification.Service, certification.Acteur, certification.FiltrePeriode, tableur.Format) error{
		"resultats": SendResultatsCeres, "sessions": SendSessions}[c.QueryParam("fichier")]
	if send == nil {
		form, _ := w.periodeForm(c, false)
		form.Summary = "Choisissez le fichier à télécharger : résultats ou sessions."
		return w.renderExports(c, http.StatusUnprocessableEntity, form)
	}
	return w.download(c, func(a certification.Acteur, f certification.FiltrePeriode, format tableur.Format) error {
		return send(c, w.svc, a, f, format)
	}, func(form *Form) error { return w.renderExports(c, http.StatusUnprocessableEntity, form) })
}

// download sends the file of the form's period and format; a refused
// period or format comes back on the page back renders.
func (w *Web) download(c echo.Context, send func(certification.Acteur, certification.FiltrePeriode, tableur.Format) error, back func(*Form) error) error {
	a, _ := acteur(c)
	form, f := w.periodeForm(c, false)
	format, ok := tableur.ParseFormat(form.Get("format"))
	if !ok {
		form.Fail("format", "Choisissez CSV ou XLSX.")
	}
	if !form.Failed() {
		err := send(a, f, format)
		if err == nil {
			return nil
		}
		if !form.Refuse(err) {
			return err
		}
	}
	if form.Summary == "" {
		form.Summary = "La période demandée est invalide."
	}
	return back(form)
}

// statistiquesData is the statistics page: the period form, then the
// figures as charts with their tables.
type statistiquesData struct {
	St        *certification.Statistiques
	Formats   []option
	Issues    graphique
	CCP       graphique
	Telecharg string
}

// graphique is a horizontal bar chart drawn on the server: each bar is a
// rate, its label on the left and its value on the right. The same figures
// stand in a table beside it.
type graphique struct {
	ID, Titre, Description string
	Hauteur                int
	Barres                 []barre
}

type barre struct {
	Libelle, Valeur    string
	Y, TexteY, Largeur int
	ValeurX            int
}

// Geometry of the charts, in the units of their viewBox (640 wide).
const (
	grapheLibelle = 230 // room for the labels
	grapheBarre   = 330 // the width of 100 %
	grapheLigne   = 34
)

func newGraphique(id, titre string, libelles []string, taux []float64) graphique {
	g := graphique{ID: id, Titre: titre, Hauteur: len(libelles)*grapheLigne + 8}
	var desc []string
	for i, l := range libelles {
		valeur := tauxFrancais(taux[i])
		y := 4 + i*grapheLigne
		largeur := int(taux[i]*grapheBarre + 0.5)
		g.Barres = append(g.Barres, barre{Libelle: l, Valeur: valeur, Y: y, TexteY: y + 19, Largeur: largeur,
			ValeurX: grapheLibelle + largeur + 8})
		desc = append(desc, l+" : "+valeur)
	}
	g.Description = strings.Join(desc, " ; ") + "."
	return g
}

func (w *Web) handleStatistiques(c echo.Context) error {
	a, _ := acteur(c)
	form, f := w.periodeForm(c, true)
	data := &statistiquesData{Formats: formatsExport}
	if !form.Failed() {
		st, err := w.svc.Statistiques(c.Request().Context(), a, f)
		if err != nil && !form.Refuse(err) {
			return err
		}
		if err == nil {
			data.St = st
			for i, g := range st.ParParcours {
				st.ParParcours[i].Libelle = libelleParcours[certification.Parcours(g.Cle)]
			}
			t := st.Total
			data.Issues = newGraphique("graphique-issues", "Résultats des candidats délibérés",
				[]string{"Titre obtenu", "Réussite partielle", "Échec", "Absent ou excusé"},
				[]float64{t.Taux(t.Titre), t.Taux(t.Partiel), t.Taux(t.Echec), t.Taux(t.Absent)})
			var libelles []string
			var taux []float64
			for _, r := range st.ParCCP {
				libelles = append(libelles, r.TitreCode+" "+r.CCP)
				taux = append(taux, r.Taux())
			}
			data.CCP = newGraphique("graphique-ccp", "Taux de réussite par CCP", libelles, taux)
			data.Telecharg = url.Values{"debut": {f.Debut.String()}, "fin": {f.Fin.String()}}.Encode()
		}
	}
	status := http.StatusOK
	if form.Failed() || form.Summary != "" {
		status = http.StatusUnprocessableEntity
		if form.Summary == "" {
			form.Summary = "La période demandée est invalide."
		}
	}
	v := w.view(c, data)
	v.Form = form
	return w.render(c, status, "statistiques", v)
}

// handleStatistiquesDownload sends the statistics of the period as a
// file; a refused period comes back on the statistics page.
func (w *Web) handleStatistiquesDownload(c echo.Context) error {
	return w.download(c, func(a certification.Acteur, f certification.FiltrePeriode, format tableur.Format) error {
		st, err := w.svc.Statistiques(c.Request().Context(), a, f)
		if err != nil {
			return err
		}
		return SendStatistiques(c, st, f, format)
	}, func(form *Form) error {
		v := w.view(c, &statistiquesData{Formats: formatsExport})
		v.Form = form
		return w.render(c, http.StatusUnprocessableEntity, "statistiques", v)
	})
}
