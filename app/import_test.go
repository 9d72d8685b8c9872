package app_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// importRapport is the report the import answers.
type importRapport struct {
	Empreinte    string `json:"empreinte"`
	Confirme     bool   `json:"confirme"`
	ACreer       int    `json:"a_creer"`
	AMettreAJour int    `json:"a_mettre_a_jour"`
	DejaPresents int    `json:"deja_presents"`
	EnErreur     int    `json:"en_erreur"`
	Lignes       []struct {
		Ligne        int    `json:"ligne"`
		Statut       string `json:"statut"`
		CandidatID   string `json:"candidat_id"`
		NomNaissance string `json:"nom_naissance"`
		Erreurs      []struct {
			Ligne         int
			Colonne, Code string
			Message       string
		} `json:"erreurs"`
	} `json:"lignes"`
}

const enteteImport = "nom_naissance;prenoms;date_naissance;lieu_naissance;email;titre_code;parcours;formation_debut;formation_fin"

// ligneImport is a valid row of the template for the i-th candidat.
func ligneImport(i int) string {
	return fmt.Sprintf("Import%04d;Léa Anne;%02d/%02d/19%02d;Lyon;lea%d@example.fr;TP-00403;formation;05/01/2026;25/09/2026",
		i, 1+i%28, 1+i%12, 60+i%40, i)
}

// fichierCSV is a file of n candidats; bad maps a line number (the header
// is line 1) to the row written there instead.
func fichierCSV(n int, bad map[int]string) []byte {
	var b strings.Builder
	b.WriteString("\ufeff" + enteteImport + "\r\n")
	for i := 1; i <= n; i++ {
		row, ok := bad[i+1]
		if !ok {
			row = ligneImport(i)
		}
		b.WriteString(row + "\r\n")
	}
	return []byte(b.String())
}

// multipartFichier is a multipart body with data in the field « fichier ».
func multipartFichier(t testing.TB, nom string, data []byte) ([]byte, string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("fichier", nom)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := part.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return body.Bytes(), w.FormDataContentType()
}

func (a *api) essai(as, nom string, data []byte) *httptest.ResponseRecorder {
	a.t.Helper()
	body, ct := multipartFichier(a.t, nom, data)
	return a.as(as, "POST", "/api/v1/candidats/import/essai", body, "Content-Type: "+ct)
}

func (a *api) essaiOK(as, nom string, data []byte) importRapport {
	a.t.Helper()
	rec := a.essai(as, nom, data)
	if rec.Code != http.StatusOK {
		a.t.Fatalf("dry run: %d %s", rec.Code, rec.Body)
	}
	var r importRapport
	mustJSON(a.t, rec, &r)
	return r
}

func (a *api) confirmer(as, empreinte, mode string, maj bool) *httptest.ResponseRecorder {
	a.t.Helper()
	return a.as(as, "POST", "/api/v1/candidats/import/confirmation",
		map[string]any{"empreinte": empreinte, "mode": mode, "mettre_a_jour": maj})
}

func (a *api) confirmerOK(as, empreinte, mode string, maj bool) importRapport {
	a.t.Helper()
	rec := a.confirmer(as, empreinte, mode, maj)
	if rec.Code != http.StatusOK {
		a.t.Fatalf("confirm: %d %s", rec.Code, rec.Body)
	}
	var r importRapport
	mustJSON(a.t, rec, &r)
	return r
}

// troisMauvaises are three faulty rows, by line: a missing prénom, a date
// that is not one, a titre no one knows.
var troisMauvaises = map[int]string{
	5:  "Sansprenom;;01/02/1990;Lyon;s@example.fr;TP-00403;formation;05/01/2026;25/09/2026",
	40: "Datefausse;Paul;31/02/1990;Lyon;p@example.fr;TP-00403;formation;05/01/2026;25/09/2026",
	77: "Titreinconnu;Paul;01/02/1990;Lyon;t@example.fr;TP-99999;formation;05/01/2026;25/09/2026",
}

func TestImportCandidats(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		avant := a.count("candidats")
		fichier := fichierCSV(100, troisMauvaises)

		r := a.essaiOK("centre", "candidats.csv", fichier)
		if r.ACreer != 97 || r.EnErreur != 3 || len(r.Lignes) != 100 || len(r.Empreinte) != 64 || r.Confirme {
			t.Fatalf("dry run: %d to create, %d in error, %d rows, empreinte %q", r.ACreer, r.EnErreur, len(r.Lignes), r.Empreinte)
		}
		want := map[int]string{5: "prenoms", 40: "date_naissance", 77: "titre_code"}
		for _, l := range r.Lignes {
			col, bad := want[l.Ligne]
			switch {
			case bad && (l.Statut != "erreur" || len(l.Erreurs) == 0 || l.Erreurs[0].Colonne != col || l.Erreurs[0].Ligne != l.Ligne || l.Erreurs[0].Message == ""):
				t.Errorf("line %d: %+v, want an error on %s", l.Ligne, l, col)
			case !bad && l.Statut != "a_creer":
				t.Errorf("line %d: %+v, want a_creer", l.Ligne, l)
			}
		}
		if n := a.count("candidats"); n != avant {
			t.Fatalf("the dry run wrote: %d candidats, want %d", n, avant)
		}

		t.Run("ToutOuRien", func(t *testing.T) {
			p := wantProblem(t, a.confirmer("centre", r.Empreinte, "tout_ou_rien", false), http.StatusUnprocessableEntity, "ligne[40].date_naissance")
			if p.Code != "import_refuse" || len(p.Erreurs) != 3 {
				t.Errorf("problem = %+v", p)
			}
			if n := a.count("candidats"); n != avant {
				t.Errorf("all or nothing wrote %d candidats", n-avant)
			}
		})
		t.Run("SeulementLesValides", func(t *testing.T) {
			ev := a.count("evenements")
			c := a.confirmerOK("centre", r.Empreinte, "valides", false)
			if !c.Confirme || c.ACreer != 97 || c.EnErreur != 3 {
				t.Fatalf("confirm: %+v", c)
			}
			if n := a.count("candidats"); n != avant+97 {
				t.Errorf("%d candidats created, want 97", n-avant)
			}
			if n := a.count("evenements"); n < ev+97 {
				t.Errorf("%d audit events, want one per candidat", n-ev)
			}
			// The file is used up: a second confirmation must dry-run again.
			wantProblem(t, a.confirmer("centre", r.Empreinte, "valides", false), http.StatusConflict, "")
		})
		t.Run("MemeFichierDeuxFois", func(t *testing.T) {
			r2 := a.essaiOK("centre", "candidats.csv", fichier)
			if r2.DejaPresents != 97 || r2.ACreer != 0 || r2.EnErreur != 3 {
				t.Fatalf("second dry run: %+v", r2)
			}
			c := a.confirmerOK("centre", r2.Empreinte, "valides", false)
			if c.ACreer != 0 || c.DejaPresents != 97 {
				t.Errorf("second import: %+v", c)
			}
			if n := a.count("candidats"); n != avant+97 {
				t.Errorf("the second import created %d candidats", n-avant-97)
			}
		})
		t.Run("MiseAJour", func(t *testing.T) {
			modifie := bytes.ReplaceAll(fichier, []byte(";Lyon;"), []byte(";Lyon 3e;"))
			r3 := a.essaiOK("centre", "candidats.csv", modifie)
			c := a.confirmerOK("centre", r3.Empreinte, "valides", true)
			if c.AMettreAJour != 97 || c.ACreer != 0 {
				t.Fatalf("update: %+v", c)
			}
			got, _ := a.getCandidat("centre", c.Lignes[0].CandidatID)
			if got.LieuNaissance != "Lyon 3e" || got.Version != 2 {
				t.Errorf("updated candidat = %+v", got)
			}
			if n := a.count("candidats"); n != avant+97 {
				t.Errorf("the update created %d candidats", n-avant-97)
			}
		})
	})
}

func TestImportDoublonsEtEncodages(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		t.Run("Windows1252", func(t *testing.T) {
			src := "nom_naissance,prenoms,date_naissance,lieu_naissance,email,titre_code,parcours,formation_debut,formation_fin\r\n" +
				"Lefèvre-Œuvré,Hélène Françoise,1988-03-14,Besançon,h@example.fr,TP-00403,formation,2026-01-05,2026-09-25\r\n"
			data, err := charmap.Windows1252.NewEncoder().Bytes([]byte(src))
			if err != nil {
				t.Fatal(err)
			}
			r := a.essaiOK("centre", "export-excel.csv", data)
			c := a.confirmerOK("centre", r.Empreinte, "tout_ou_rien", false)
			if c.ACreer != 1 {
				t.Fatalf("import: %+v", c)
			}
			got, _ := a.getCandidat("centre", c.Lignes[0].CandidatID)
			if got.NomNaissance != "Lefèvre-Œuvré" || got.Prenoms != "Hélène Françoise" || got.LieuNaissance != "Besançon" {
				t.Errorf("stored %q %q %q", got.NomNaissance, got.Prenoms, got.LieuNaissance)
			}
			// The same person written in NFD and capitals is already there.
			nfd := enteteImport + "\n" + "LEFE\u0300VRE-ŒUVRE\u0301;he\u0301le\u0300ne  françoise;14/03/1988;Besançon;h@example.fr;TP-00403;formation;05/01/2026;25/09/2026\n"
			r2 := a.essaiOK("centre", "nfd.csv", []byte(nfd))
			if r2.DejaPresents != 1 || r2.Lignes[0].CandidatID != got.ID {
				t.Errorf("NFD row: %+v", r2)
			}
			// Another centre has no such candidat.
			if r3 := a.essaiOK("centre2", "nfd.csv", []byte(nfd)); r3.DejaPresents != 0 {
				t.Errorf("centre2 sees centre's candidat: %+v", r3)
			}
		})
		t.Run("DoublonDansLeFichier", func(t *testing.T) {
			f := enteteImport + "\n" + ligneImport(7) + "\n" + ligneImport(8) + "\n" + strings.ToUpper(ligneImport(7)[:10]) + ligneImport(7)[10:] + "\n"
			r := a.essaiOK("centre", "doublon.csv", []byte(f))
			if r.ACreer != 2 || r.EnErreur != 1 || r.Lignes[2].Statut != "erreur" || r.Lignes[2].Erreurs[0].Code != "doublon_fichier" ||
				!strings.Contains(r.Lignes[2].Erreurs[0].Message, "ligne 2") {
				t.Errorf("duplicate: %+v", r)
			}
		})
		t.Run("XLSX", func(t *testing.T) {
			f := excelize.NewFile()
			cols := strings.Split(enteteImport, ";")
			_ = f.SetSheetRow("Sheet1", "A1", &cols)
			row := strings.Split(ligneImport(300), ";")
			vals := make([]any, len(row))
			for i, v := range row {
				vals[i] = v
			}
			_ = f.SetSheetRow("Sheet1", "A2", &vals)
			// A date typed into Excel is a date serial, not text.
			_ = f.SetCellValue("Sheet1", "C2", certtest.Now.AddDate(-30, 0, 0))
			buf, err := f.WriteToBuffer()
			if err != nil {
				t.Fatal(err)
			}
			r := a.essaiOK("centre", "candidats.xlsx", buf.Bytes())
			if r.ACreer != 1 || r.EnErreur != 0 {
				t.Fatalf("xlsx: %+v", r)
			}
			c := a.confirmerOK("centre", r.Empreinte, "valides", false)
			got, _ := a.getCandidat("centre", c.Lignes[0].CandidatID)
			if got.DateNaissance != "1996-11-23" || got.Prenoms != "Léa Anne" {
				t.Errorf("xlsx candidat = %+v", got)
			}

			_ = f.SetCellFormula("Sheet1", "B2", `HYPERLINK("http://example.com","Léa")`)
			buf, _ = f.WriteToBuffer()
			p := wantProblem(t, a.essai("centre", "formule.xlsx", buf.Bytes()), http.StatusUnprocessableEntity, "")
			if p.Code != "formule_interdite" || !strings.Contains(p.Detail, "B2") {
				t.Errorf("formula: %+v", p)
			}
		})
	})
}

// countingReader counts what the server read of a body.
type countingReader struct {
	n, size int64
}

func (r *countingReader) Read(p []byte) (int, error) {
	if r.n >= r.size {
		return 0, io.EOF
	}
	if int64(len(p)) > r.size-r.n {
		p = p[:r.size-r.n]
	}
	for i := range p {
		p[i] = 'a'
	}
	r.n += int64(len(p))
	return len(p), nil
}

func TestImportFichiersRefuses(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		avant := a.count("candidats")
		png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
		cases := []struct {
			name, fichier string
			data          []byte
			code          string
		}{
			{"Vide", "vide.csv", nil, "fichier_vide"},
			{"BOMSeul", "bom.csv", []byte("\ufeff\r\n"), "fichier_vide"},
			{"EnteteSeule", "entete.csv", []byte(enteteImport + "\n"), "fichier_vide"},
			{"Binaire", "photo.csv", png, "fichier_binaire"},
			{"XLSCorrompu", "faux.xlsx", []byte("PK\x03\x04 pas un zip"), "fichier_binaire"},
			{"ColonnesInconnues", "autre.csv", []byte("nom;prenom;naissance\nDurand;Léa;01/01/1990\n"), "colonnes_invalides"},
			{"ColonneManquante", "manque.csv", []byte("nom_naissance;prenoms\nDurand;Léa\n"), "colonnes_invalides"},
			{"FormuleCSV", "formule.csv", fichierCSV(3, map[int]string{3: `Durand;=SOMME(A1:A2);01/01/1990;Lyon;d@example.fr;TP-00403;formation;05/01/2026;25/09/2026`}), "formule_interdite"},
			{"FormuleArobase", "arobase.csv", fichierCSV(2, map[int]string{2: "@SUM(1+1)*cmd;Léa;01/01/1990;Lyon;d@example.fr;TP-00403;formation;05/01/2026;25/09/2026"}), "formule_interdite"},
			{"GuillemetOuvert", "guillemet.csv", []byte(enteteImport + "\n\"Durand;Léa\n"), "fichier_illisible"},
			{"TropGros", "gros.csv", bytes.Repeat([]byte(ligneImport(1)+"\n"), 5<<20/len(ligneImport(1))+10), "fichier_trop_volumineux"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				rec := a.essai("centre", tc.fichier, tc.data)
				var p problem
				mustJSON(t, rec, &p)
				if p.Code != tc.code || rec.Code < 400 || !strings.Contains(rec.Header().Get("Content-Type"), "problem+json") {
					t.Errorf("%d %s, want %s", rec.Code, rec.Body, tc.code)
				}
			})
		}
		t.Run("SansFichier", func(t *testing.T) {
			wantProblem(t, a.as("centre", "POST", "/api/v1/candidats/import/essai", map[string]any{}), http.StatusBadRequest, "fichier")
		})
		t.Run("50Mo", func(t *testing.T) {
			body := &countingReader{size: 50 << 20}
			req := httptest.NewRequest("POST", "/api/v1/candidats/import/essai", body)
			req.ContentLength = body.size
			req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
			req.Header.Set("Authorization", "Bearer "+a.tokens["centre"])
			rec := httptest.NewRecorder()
			a.srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusRequestEntityTooLarge {
				t.Errorf("50 MB: %d %s", rec.Code, rec.Body)
			}
			if body.n > 6<<20 {
				t.Errorf("the server read %d bytes of a refused body", body.n)
			}
		})
		if n := a.count("candidats"); n != avant {
			t.Errorf("bad files wrote %d candidats", n-avant)
		}
	})
}

func TestImportAcces(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		fichier := fichierCSV(2, nil)
		for _, who := range []string{"admin", "dreets", "jury1", "candidat"} {
			wantProblem(t, a.essai(who, "c.csv", fichier), http.StatusForbidden, "")
		}
		r := a.essaiOK("centre", "c.csv", fichier)
		// Another centre cannot confirm a file it did not send, nor learn
		// it exists.
		p := wantProblem(t, a.confirmer("centre2", r.Empreinte, "valides", false), http.StatusConflict, "")
		if p.Code != "import_expire" {
			t.Errorf("centre2: %+v", p)
		}
		wantProblem(t, a.confirmer("dreets", r.Empreinte, "valides", false), http.StatusForbidden, "")
		wantProblem(t, a.confirmer("centre", strings.Repeat("0", 64), "valides", false), http.StatusConflict, "")
		wantProblem(t, a.confirmer("centre", r.Empreinte, "tout", false), http.StatusUnprocessableEntity, "mode")
		if c := a.confirmerOK("centre", r.Empreinte, "valides", false); c.ACreer != 2 {
			t.Errorf("centre: %+v", c)
		}
		for _, f := range []string{"csv", "xlsx"} {
			rec := a.as("centre", "GET", "/api/v1/candidats/import/modele."+f, nil)
			if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Content-Disposition"), "modele-candidats."+f) {
				t.Fatalf("template %s: %d", f, rec.Code)
			}
			// The template's header is what the import reads.
			body, ct := multipartFichier(t, "modele."+f, rec.Body.Bytes())
			p := wantProblem(t, a.as("centre", "POST", "/api/v1/candidats/import/essai", body, "Content-Type: "+ct), http.StatusUnprocessableEntity, "")
			if p.Code != "fichier_vide" {
				t.Errorf("empty template %s: %+v", f, p)
			}
		}
	})
}
