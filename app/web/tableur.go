package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/app/tableur"
	"github.com/cipcert/cipcert/certification"
)

// SendTableur streams an export as a file of format f named nom (without
// extension). fill calls emit once per row, as the rows come from the
// database. Nothing is sent before the first row or the end of fill: an
// error before then (a bad period, a refusal) still answers as an error,
// with no half-written file.
func SendTableur(c echo.Context, f tableur.Format, nom, feuille string, colonnes []any, fill func(emit func([]any) error) error) error {
	var w tableur.Writer
	start := func() error {
		h := c.Response().Header()
		h.Set(echo.HeaderContentType, f.ContentType())
		h.Set("Content-Disposition", `attachment; filename="`+nom+"."+string(f)+`"`)
		h.Set("Cache-Control", "no-store") // names and results of candidats: no cache keeps them
		c.Response().WriteHeader(http.StatusOK)
		var err error
		if w, err = tableur.New(f, c.Response(), feuille); err != nil {
			return err
		}
		return w.Write(colonnes)
	}
	err := fill(func(row []any) error {
		if w == nil {
			if err := start(); err != nil {
				return err
			}
		}
		return w.Write(row)
	})
	if err != nil {
		return err
	}
	if w == nil {
		if err := start(); err != nil {
			return err
		}
	}
	return w.Close()
}

// nomPeriode is the end of an export's file name: its period.
func nomPeriode(f certification.FiltrePeriode) string { return f.Debut.String() + "_" + f.Fin.String() }

// SendResultatsCeres streams the CERES-shaped results export of the period.
func SendResultatsCeres(c echo.Context, svc *certification.Service, a certification.Acteur, f certification.FiltrePeriode, format tableur.Format) error {
	return sendLignes(c, format, "resultats-ceres_"+nomPeriode(f), "Résultats", tableur.ColonnesCeres, tableur.LigneCeres,
		func(emit func(*certification.LigneCeres) error) error {
			return svc.ExporterResultats(c.Request().Context(), a, f, emit)
		})
}

// SendSessions streams the sessions export of the period.
func SendSessions(c echo.Context, svc *certification.Service, a certification.Acteur, f certification.FiltrePeriode, format tableur.Format) error {
	return sendLignes(c, format, "sessions_"+nomPeriode(f), "Sessions", tableur.ColonnesSessions, tableur.LigneSession,
		func(emit func(*certification.LigneSession) error) error {
			return svc.ExporterSessions(c.Request().Context(), a, f, emit)
		})
}

// sendLignes streams the lines an export of the service hands over, each
// laid out as a row by ligne into one slice reused from row to row.
func sendLignes[L any](c echo.Context, format tableur.Format, nom, feuille string, colonnes []any,
	ligne func([]any, *L) []any, export func(func(*L) error) error) error {
	row := make([]any, 0, len(colonnes))
	return SendTableur(c, format, nom, feuille, colonnes, func(emit func([]any) error) error {
		return export(func(l *L) error {
			row = ligne(row, l)
			return emit(row)
		})
	})
}

// SendStatistiques sends computed statistics as a file.
func SendStatistiques(c echo.Context, st *certification.Statistiques, f certification.FiltrePeriode, format tableur.Format) error {
	return SendTableur(c, format, "statistiques_"+nomPeriode(f), "Statistiques", tableur.ColonnesStatistiques, func(emit func([]any) error) error {
		return tableur.Statistiques(st, emit)
	})
}
