package app_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

type docOut struct {
	ID, Type, Numero, Statut, Sha256, URL string
	Code                                  string `json:"code_verification"`
	CandidatID                            string `json:"candidat_id"`
	RemplacePar                           string `json:"remplace_par"`
}

// documentOut is the revocation part of a document's metadata.
type documentOut struct {
	CategorieRevocation string `json:"categorie_revocation"`
	MotifRevocation     string `json:"motif_revocation"`
}

type verificationOut struct {
	Statut, Type, Numero, Initiales string
	NomComplet                      string `json:"nom_complet"`
	RemplacePar                     string `json:"remplace_par"`
	CategorieRevocation             string `json:"categorie_revocation"`
	LibelleRevocation               string `json:"libelle_revocation"`
	MotifRevocation                 string `json:"motif_revocation"`
	ScellePar                       string `json:"scelle_par"`
	SceauEmpreinte                  string `json:"sceau_empreinte"`
}

func (f *flow) issueAll(sessionID string) []docOut {
	f.t.Helper()
	var out struct{ Documents []docOut }
	f.ok(f.as("dreets", "POST", "/api/v1/sessions/"+sessionID+"/documents", nil), http.StatusCreated, &out)
	return out.Documents
}

func byType(ds []docOut) map[string]docOut {
	m := map[string]docOut{}
	for _, d := range ds {
		m[d.Type] = d
	}
	return m
}

func (f *flow) verify(code, query string) verificationOut {
	f.t.Helper()
	var v verificationOut
	f.ok(f.do("GET", "/verification/"+code+query, "", nil), http.StatusOK, &v)
	return v
}

// pdfText extracts a PDF's text with pdftotext.
func pdfText(t *testing.T, data []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is missing: install poppler-utils (make test does)")
	}
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-raw", p, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// TestDocuments issues a session's documents after validation and checks
// immutability, access, the public verification, revocation and the archive.
func TestDocuments(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		lefevre, nguyen := f.candidatID("Lefèvre"), f.candidatID("Nguyễn")
		s, ins := f.held(lefevre, nguyen)
		f.record(s, ins[0], "jury1", true, nil)
		f.record(s, ins[1], "jury2", false, map[string]string{"CCP2": "non_acquis"})

		// Nothing is issued before validation; drafts say what they are.
		wantCode(t, f.as("dreets", "POST", "/api/v1/sessions/"+s.ID+"/documents", nil), http.StatusConflict, "pv_non_valide")
		rec := f.as("centre", "GET", "/api/v1/sessions/"+s.ID+"/pv-brouillon.pdf", nil)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" {
			t.Fatalf("draft PV: %d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
		if txt := pdfText(t, rec.Body.Bytes()); !strings.Contains(txt, "DOCUMENT DE TRAVAIL, SANS VALEUR OFFICIELLE") || strings.Contains(txt, "PV-TP-00403") {
			t.Errorf("draft PV text: %s", txt)
		}
		rec = f.as("jury1", "GET", "/api/v1/sessions/"+s.ID+"/inscriptions/"+ins[1].ID+"/livret-apercu.pdf", nil)
		if rec.Code != http.StatusOK || !strings.Contains(pdfText(t, rec.Body.Bytes()), "Nguyễn") {
			t.Fatalf("livret preview: %d", rec.Code)
		}
		wantProblem(t, f.as("candidat", "GET", "/api/v1/sessions/"+s.ID+"/pv-brouillon.pdf", nil), http.StatusForbidden, "")
		if n := f.count("documents"); n != 0 {
			t.Fatalf("%d documents stored by drafts, want 0", n)
		}

		f.deliberate(s.ID)
		wantCode(t, f.as("dreets", "POST", "/api/v1/sessions/"+s.ID+"/documents", nil), http.StatusConflict, "pv_non_valide")
		f.step("dreets", s.ID, "validation", http.StatusOK)
		wantProblem(t, f.as("centre", "POST", "/api/v1/sessions/"+s.ID+"/documents", nil), http.StatusForbidden, "")

		all := f.issueAll(s.ID)
		docs := byType(all)
		if len(all) != 5 || len(docs) != 4 || docs["pv"].Numero != "PV-TP-00403-2026-000001" ||
			docs["parchemin"].Numero != "PAR-TP-00403-2026-000001" || docs["livret"].Numero != "LIV-TP-00403-2026-000001" {
			t.Fatalf("issued = %+v", all)
		}
		// No document prints an internal identifier: versions, sessions and
		// documents are named by their codes and numbers.
		uuid := regexp.MustCompile(`(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
		for _, d := range all {
			rec := f.as("dreets", "GET", d.URL, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("%s: %d", d.Numero, rec.Code)
			}
			txt := pdfText(t, rec.Body.Bytes())
			if id := uuid.FindString(txt); id != "" {
				t.Errorf("%s prints the identifier %s", d.Numero, id)
			}
			if d.Type != "pv" && !strings.Contains(txt, "Pour le ministre et par délégation") {
				t.Errorf("%s is not signed for the minister by delegation", d.Numero)
			}
		}
		// Repeating the issuance issues nothing, and creates nothing: 200.
		var again struct{ Documents []docOut }
		f.ok(f.as("dreets", "POST", "/api/v1/sessions/"+s.ID+"/documents", nil), http.StatusOK, &again)
		if len(again.Documents) != 0 {
			t.Errorf("second issuance issued %d documents, want 0", len(again.Documents))
		}
		par, liv := docs["parchemin"], docs["livret"]

		// The holder downloads the same bytes forever.
		first := f.as("candidat", "GET", par.URL, nil)
		second := f.as("candidat", "GET", par.URL, nil)
		sum := sha256.Sum256(first.Body.Bytes())
		if first.Code != http.StatusOK || !bytes.Equal(first.Body.Bytes(), second.Body.Bytes()) || hex.EncodeToString(sum[:]) != par.Sha256 {
			t.Fatalf("downloads differ or do not match their hash: %d", first.Code)
		}
		if et := first.Header().Get("ETag"); et != `"`+par.Sha256+`"` {
			t.Errorf("ETag = %q", et)
		}
		if cd := first.Header().Get("Content-Disposition"); !strings.Contains(cd, "parchemin-PAR-TP-00403-2026-000001.pdf") {
			t.Errorf("Content-Disposition = %q", cd)
		}
		if rec := f.as("candidat", "GET", par.URL, nil, `If-None-Match: "`+par.Sha256+`"`); rec.Code != http.StatusNotModified {
			t.Errorf("If-None-Match: %d, want 304", rec.Code)
		}
		// Each served document is the sealed one, valid for any PDF reader.
		for _, d := range docs {
			rec := f.as("dreets", "GET", d.URL, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("download %s: %d", d.Numero, rec.Code)
			}
			certtest.CheckSceau(t, rec.Body.Bytes(), certtest.NomSceau)
		}
		txt := pdfText(t, first.Body.Bytes())
		for _, want := range []string{"Lefèvre", "Camille Éloïse", "Conseiller en insertion professionnelle", par.Numero, par.Code} {
			if !strings.Contains(txt, want) {
				t.Errorf("parchemin lacks %q", want)
			}
		}
		livBytes := f.as("centre", "GET", liv.URL, nil).Body.Bytes()
		txt = pdfText(t, livBytes)
		for _, want := range []string{"Nguyễn", "Thị Hoa", liv.Numero, "Mettre en œuvre une offre de services auprès des employeurs", "Manquant", "22/03/2028"} {
			if !strings.Contains(txt, want) {
				t.Errorf("livret lacks %q", want)
			}
		}

		// A candidat sees its own documents only, never the PV.
		var list struct{ Documents []docOut }
		f.ok(f.as("candidat", "GET", "/api/v1/documents", nil), http.StatusOK, &list)
		if types := byType(list.Documents); len(list.Documents) != 2 || types["parchemin"].ID != par.ID || types["fiche"].ID == "" {
			t.Errorf("candidat lists %+v, want its parchemin and its fiche de résultats", list.Documents)
		}
		if fiche := byType(list.Documents)["fiche"]; fiche.ID != "" {
			rec := f.as("candidat", "GET", fiche.URL, nil)
			txt := pdfText(t, rec.Body.Bytes())
			for _, want := range []string{"Fiche individuelle de résultats", "Lefèvre", "Titre obtenu", "Voies et délais de recours", fiche.Numero} {
				if !strings.Contains(txt, want) {
					t.Errorf("fiche lacks %q", want)
				}
			}
			if v := f.verify(fiche.Code, ""); v.Statut != "valide" || v.Type != "fiche" {
				t.Errorf("verification of the fiche = %+v", v)
			}
		}
		wantProblem(t, f.as("candidat", "GET", liv.URL, nil), http.StatusNotFound, "")
		wantProblem(t, f.as("candidat", "GET", docs["pv"].URL, nil), http.StatusNotFound, "")
		wantProblem(t, f.as("centre2", "GET", par.URL, nil), http.StatusNotFound, "")

		// Public verification: initials only, unless one knows the holder.
		v := f.verify(par.Code, "")
		if v.Statut != "valide" || v.Type != "parchemin" || v.Initiales != "C. É. L." || v.NomComplet != "" ||
			v.ScellePar != certtest.NomSceau || v.SceauEmpreinte != certtest.Sceau(t).Certificat().Empreinte {
			t.Errorf("verification = %+v", v)
		}
		v = verificationOut{}
		f.ok(f.do("POST", "/verification/"+strings.ToLower(strings.ReplaceAll(par.Code, "-", "")), "",
			map[string]string{"nom": "LEFEVRE", "date_naissance": "1994-05-17"}), http.StatusOK, &v)
		if v.NomComplet != "Camille Éloïse Lefèvre" {
			t.Errorf("verification with the holder's identity = %+v", v)
		}
		rec = f.do("POST", "/verification/"+par.Code, "", map[string]string{"nom": "Lefèvre", "date_naissance": "1994-05-18"})
		if wantCode(t, rec, http.StatusUnprocessableEntity, "identite_non_concordante"); strings.Contains(rec.Body.String(), "Camille") {
			t.Errorf("wrong birth date disclosed the name: %s", rec.Body)
		}
		// The identity no longer travels in the address, which is logged.
		wantCode(t, f.do("GET", "/verification/"+par.Code+"?nom=LEFEVRE&date_naissance=1994-05-17", "", nil), http.StatusBadRequest, "identite_dans_adresse")
		if rec := f.do("GET", "/verification/"+par.Code, "", nil, "Accept: text/html"); rec.Code != http.StatusOK ||
			!strings.Contains(rec.Body.String(), "Document authentique et en vigueur") {
			t.Errorf("HTML verification: %d %s", rec.Code, rec.Body)
		}
		wantCode(t, f.do("GET", "/verification/ZZZZ-ZZZZ-ZZZZ", "", nil), http.StatusNotFound, "code_inconnu")

		// Revocation needs a category from the closed list and a reason; the
		// verification shows the category, never the reason.
		wantProblem(t, f.as("dreets", "POST", "/api/v1/documents/"+liv.ID+"/revocation", map[string]any{}), http.StatusUnprocessableEntity, "motif")
		wantProblem(t, f.as("dreets", "POST", "/api/v1/documents/"+liv.ID+"/revocation", map[string]any{"motif": "x"}), http.StatusUnprocessableEntity, "categorie")
		wantProblem(t, f.as("dreets", "POST", "/api/v1/documents/"+liv.ID+"/revocation", map[string]any{"categorie": "autre", "motif": "x"}), http.StatusUnprocessableEntity, "categorie")
		wantProblem(t, f.as("centre", "POST", "/api/v1/documents/"+liv.ID+"/revocation", map[string]any{"categorie": "fraude", "motif": "x"}), http.StatusForbidden, "")
		motif := "Procédure pénale n° 26/1234 : usurpation d'identité"
		var revoked documentOut
		f.ok(f.as("dreets", "POST", "/api/v1/documents/"+liv.ID+"/revocation", map[string]any{"categorie": "fraude", "motif": motif}), http.StatusOK, &revoked)
		if revoked.CategorieRevocation != "fraude" || revoked.MotifRevocation != motif {
			t.Errorf("revocation answer to the autorité = %+v", revoked)
		}
		v = f.verify(liv.Code, "")
		if v.Statut != "revoque" || v.CategorieRevocation != "fraude" || v.LibelleRevocation != "Fraude constatée" || v.MotifRevocation != "" {
			t.Errorf("revoked verification = %+v", v)
		}
		if rec := f.do("GET", "/verification/"+liv.Code, "", nil, "Accept: text/html"); strings.Contains(rec.Body.String(), "26/1234") ||
			!strings.Contains(rec.Body.String(), "Fraude constatée") {
			t.Errorf("the verification page shows the internal motif or no category: %s", rec.Body)
		}
		// The centre and the candidat read the category, not the motif.
		for _, who := range []string{"centre", "dreets"} {
			var d documentOut
			f.ok(f.as(who, "GET", "/api/v1/documents/"+liv.ID, nil), http.StatusOK, &d)
			if d.CategorieRevocation != "fraude" || (d.MotifRevocation != "") != (who == "dreets") {
				t.Errorf("%s reads the revoked document as %+v", who, d)
			}
		}
		if after := f.as("centre", "GET", liv.URL, nil); !bytes.Equal(after.Body.Bytes(), livBytes) {
			t.Error("revocation changed the bytes")
		}

		// The archive holds the valid documents.
		rec = f.as("centre", "GET", "/api/v1/sessions/"+s.ID+"/documents.zip", nil)
		zr, err := zip.NewReader(bytes.NewReader(rec.Body.Bytes()), int64(rec.Body.Len()))
		if err != nil {
			t.Fatalf("zip: %v (%d)", err, rec.Code)
		}
		var names []string
		for _, zf := range zr.File {
			names = append(names, zf.Name)
		}
		sort.Strings(names)
		if strings.Join(names, ",") != "fiche-FIR-TP-00403-2026-000001.pdf,fiche-FIR-TP-00403-2026-000002.pdf,parchemin-PAR-TP-00403-2026-000001.pdf,pv-PV-TP-00403-2026-000001.pdf" {
			t.Errorf("zip holds %v", names)
		}
		wantProblem(t, f.as("centre2", "GET", "/api/v1/sessions/"+s.ID+"/documents.zip", nil), http.StatusNotFound, "")

		// Issued documents can be neither rewritten nor deleted, even by SQL.
		if err := db.Exec("UPDATE documents SET contenu = ? WHERE id = ?", []byte("faux"), par.ID).Error; err == nil {
			t.Error("the database let an issued document's bytes change")
		}
		if err := db.Exec("DELETE FROM documents WHERE id = ?", par.ID).Error; err == nil {
			t.Error("the database let an issued document be deleted")
		}
	})
}

// TestLivretSupersededByParchemin: a partial success gives a livret; the
// session that completes the titre gives a parchemin that supersedes it.
func TestLivretSupersededByParchemin(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		id := f.formationCandidat("Dvořák")
		s, ins := f.held(id)
		f.record(s, ins[0], "jury1", true, map[string]string{"CCP2": "non_acquis"})
		f.deliberate(s.ID)
		f.step("dreets", s.ID, "validation", http.StatusOK)
		liv := byType(f.issueAll(s.ID))["livret"]
		if liv.Numero == "" {
			t.Fatal("no livret issued for a partial success")
		}

		f.later(24 * 24 * time.Hour)
		day := f.clock().Format("2006-01-02")
		s2 := f.session("ccp", []string{"CCP2"}, day, day)
		f.step("centre", s2.ID, "declaration", http.StatusOK)
		in := f.enrol(s2.ID, id, []string{"CCP2"})
		if !in.EntretienFinalDu {
			t.Fatal("the session of the last missing CCP must hold the entretien final")
		}
		f.step("centre", s2.ID, "tenue", http.StatusOK)
		f.record(s2, in, "jury2", true, nil)
		f.deliberate(s2.ID)
		f.step("dreets", s2.ID, "validation", http.StatusOK)
		par := byType(f.issueAll(s2.ID))["parchemin"]
		if par.Numero != "PAR-TP-00403-2026-000001" {
			t.Fatalf("parchemin = %+v", par)
		}
		v := f.verify(liv.Code, "")
		if v.Statut != "remplace" || v.RemplacePar != par.Numero {
			t.Errorf("superseded livret verification = %+v", v)
		}
		if v := f.verify(par.Code, ""); v.Statut != "valide" {
			t.Errorf("parchemin verification = %+v", v)
		}
	})
}

// TestConcurrentIssuance issues the documents of one session's candidats
// from many goroutines: every number is unique and the sequence has no gap.
func TestConcurrentIssuance(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		var ids []string
		for i := 0; i < 8; i++ {
			ids = append(ids, f.formationCandidat("Candidat"+string(rune('A'+i))))
		}
		s, ins := f.held(ids...)
		for i, in := range ins {
			f.record(s, in, "jury1", true, map[string]string{"CCP3": map[bool]string{true: "non_acquis", false: "acquis"}[i%2 == 0]})
		}
		f.deliberate(s.ID)
		f.step("dreets", s.ID, "validation", http.StatusOK)

		var wg sync.WaitGroup
		codes := make([]int, len(ins)+2)
		for i, in := range ins {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i] = f.as("dreets", "POST", "/api/v1/sessions/"+s.ID+"/inscriptions/"+in.ID+"/documents", nil).Code
			}()
		}
		for j := 0; j < 2; j++ { // and two whole-session issuances racing them
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[len(ins)+j] = f.as("dreets", "POST", "/api/v1/sessions/"+s.ID+"/documents", nil).Code
			}()
		}
		wg.Wait()
		for i, c := range codes {
			if c != http.StatusCreated && c != http.StatusConflict && c != http.StatusOK {
				t.Errorf("request %d answered %d", i, c)
			}
		}
		var rows []struct {
			Type string
			Rang int
		}
		if err := db.Raw("SELECT type, rang FROM documents ORDER BY type, rang").Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		next := map[string]int{}
		for _, r := range rows {
			next[r.Type]++
			if r.Rang != next[r.Type] {
				t.Errorf("%s numbers: got %d where %d was expected (duplicate or gap)", r.Type, r.Rang, next[r.Type])
			}
		}
		if next["parchemin"] != 4 || next["livret"] != 4 || next["pv"] != 1 {
			t.Errorf("issued %v, want 4 parchemins, 4 livrets, 1 PV", next)
		}
	})
}

// TestVerificationRateLimit: the public verification answers 429 with
// Retry-After once an address has spent its allowance, known code or not.
func TestVerificationRateLimit(t *testing.T) {
	t.Parallel()
	db := certtest.Open(t, "sqlite")
	a := newAPI(t, db)
	limited := 0
	for i := 0; i < 80; i++ {
		rec := a.do("GET", "/verification/ZZZZ-ZZZZ-ZZZZ", "", nil)
		switch rec.Code {
		case http.StatusNotFound:
		case http.StatusTooManyRequests:
			limited++
			if rec.Header().Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
			wantCode(t, rec, http.StatusTooManyRequests, "trop_de_requetes")
		default:
			t.Fatalf("verification answered %d", rec.Code)
		}
	}
	if limited < 15 {
		t.Errorf("%d of 80 rapid verifications limited, want at least 15", limited)
	}
}
