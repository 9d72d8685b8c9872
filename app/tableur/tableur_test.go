package tableur_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/cipcert/cipcert/app/tableur"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/fixtures"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// hostile are cells a spreadsheet would run as formulas, and what the
// export must write instead.
var hostile = []struct{ in, want string }{
	{"=HYPERLINK(\"http://exemple.test\";\"Cliquer\")", "'=HYPERLINK(\"http://exemple.test\";\"Cliquer\")"},
	{"+33 6 12 34 56 78", "'+33 6 12 34 56 78"},
	{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
	{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
	{"\t=1+1", "'\t=1+1"},
	{"\r=1+1", "'\r=1+1"},
	{"Lefèvre", "Lefèvre"},
	{"Jean-Pierre", "Jean-Pierre"},
	{"", ""},
}

// write returns a file of format f with one sheet, « Feuille », of rows.
func write(t *testing.T, f tableur.Format, rows ...[]any) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := tableur.New(f, &buf, "Feuille")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestNeutralisation: in CSV and in XLSX, every text cell that begins with
// =, +, -, @, a tab or a carriage return is written behind an apostrophe,
// and the others as they are; numbers stay numbers.
func TestNeutralisation(t *testing.T) {
	row := []any{}
	var want []string
	for _, h := range hostile {
		row = append(row, h.in)
		want = append(want, h.want)
	}
	row = append(row, int64(-4))
	t.Run("csv", func(t *testing.T) {
		body, ok := bytes.CutPrefix(write(t, tableur.CSV, row), []byte("\ufeff"))
		if !ok {
			t.Fatal("no byte order mark")
		}
		r := csv.NewReader(bytes.NewReader(body))
		r.Comma = ';'
		got, err := r.Read()
		if err != nil {
			t.Fatal(err)
		}
		// With CRLF line ends, encoding/csv writes a lone carriage return
		// as nothing: the cell keeps its apostrophe in front.
		wantCSV := append(slices.Clone(want), "-4")
		wantCSV[5] = "'=1+1"
		if diff := cmp.Diff(wantCSV, got); diff != "" {
			t.Errorf("cells (-want +got):\n%s", diff)
		}
	})
	t.Run("xlsx", func(t *testing.T) {
		f, err := excelize.OpenReader(bytes.NewReader(write(t, tableur.XLSX, row)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("Feuille")
		if err != nil || len(rows) != 1 {
			t.Fatalf("rows %v: %v", rows, err)
		}
		if diff := cmp.Diff(append(want, "-4"), rows[0]); diff != "" {
			t.Errorf("cells (-want +got):\n%s", diff)
		}
		for i := range want {
			cell, _ := excelize.CoordinatesToCellName(i+1, 1)
			if formula, _ := f.GetCellFormula("Feuille", cell); formula != "" {
				t.Errorf("%s holds the formula %q", cell, formula)
			}
		}
		last, _ := excelize.CoordinatesToCellName(len(want)+1, 1)
		if typ, _ := f.GetCellType("Feuille", last); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("a number written as %v", typ)
		}
	})
}

// TestCeresGolden: the CERES-shaped export of the demo's validated session
// (Lefèvre's titre, Nguyễn's partial success with CCP2 non acquis) is the
// golden file, but for the session's reference, which ends with its random
// id. Run with -update to rewrite it after a deliberate change of columns.
func TestCeresGolden(t *testing.T) {
	db := certtest.Open(t, "sqlite")
	svc := certtest.NewService(t, db)
	certtest.Seed(t, svc)
	var centre certification.Acteur
	for _, acc := range fixtures.DemoComptes {
		if acc.Identifiant == "centre" {
			tok, _, err := svc.Connexion(context.Background(), acc.Identifiant, acc.MotDePasse)
			if err != nil {
				t.Fatal(err)
			}
			if centre, err = svc.Authentifier(context.Background(), tok); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	w, err := tableur.New(tableur.CSV, &buf, "Résultats")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(tableur.ColonnesCeres); err != nil {
		t.Fatal(err)
	}
	var row []any
	reference := ""
	f := certification.FiltrePeriode{Debut: certification.NewDate(2026, 10, 1), Fin: certification.NewDate(2026, 10, 31)}
	if err := svc.ExporterResultats(context.Background(), centre, f, func(l *certification.LigneCeres) error {
		reference = l.SessionReference
		row = tableur.LigneCeres(row, l)
		return w.Write(row)
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if reference == "" {
		t.Fatal("the demo session is not in the export")
	}
	got := strings.ReplaceAll(buf.String(), reference, "S-2026-XXXXXXXX")
	golden := filepath.Join("testdata", "ceres_session_demo.golden.csv")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("export (-golden +got):\n%s", diff)
	}
}
