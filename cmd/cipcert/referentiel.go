package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/certification"
)

// operateur is who the command line acts as: the operator, with no account
// of the service; its changes are audited under the admin role.
var operateur = certification.Acteur{Role: certification.RoleAdmin, Identifiant: "ligne de commande", Nom: "Ligne de commande"}

// referentielCmd exports a titre as a référentiel file, or imports one,
// with the checks of the API's import.
func referentielCmd(ctx context.Context, svc *certification.Service, args []string, stdin io.Reader, stdout io.Writer) error {
	const usage = "usage: cipcert referentiel export CODE > titre.json | cipcert referentiel import < titre.json"
	if len(args) == 0 {
		return errors.New(usage)
	}
	switch {
	case args[0] == "export" && len(args) == 2:
		td, _, err := svc.ExporterTitre(ctx, args[1])
		if err != nil {
			return err
		}
		data, err := app.ExportReferentiel(td, fmt.Sprintf("Référentiel cipcert, titre %s, exporté le %s.", td.Code, svc.Now().Format("2006-01-02")))
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", data)
		return err
	case args[0] == "import" && len(args) == 1:
		data, err := io.ReadAll(stdin)
		if err != nil {
			return err
		}
		td, err := app.ImportReferentiel(data)
		if err != nil {
			return detailler(err)
		}
		t, err := svc.CreerTitre(ctx, operateur, td)
		if err != nil {
			return detailler(err)
		}
		_, err = fmt.Fprintf(stdout, "titre %s importé : %d version(s)\n", t.Code, len(t.Versions))
		return err
	}
	return errors.New(usage)
}

// detailler lists the faulty fields of a refusal, one a line.
func detailler(err error) error {
	var e *certification.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	var b strings.Builder
	b.WriteString(e.Message)
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "\n  %s : %s", f.Field, f.Message)
	}
	return errors.New(b.String())
}
