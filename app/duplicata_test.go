package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestDuplicataAPI: the autorité issues a duplicata of a parchemin and of a
// livret; each is a new numbered PDF that says on its face whose duplicata
// it is, and whose public verification says so while the original stays
// in force. A PV, a fiche, another role and a refused request write nothing.
func TestDuplicataAPI(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		lefevre, nguyen := f.candidatID("Lefèvre"), f.candidatID("Nguyễn")
		s, ins := f.held(lefevre, nguyen)
		f.record(s, ins[0], "jury1", true, nil)
		f.record(s, ins[1], "jury2", false, map[string]string{"CCP2": "non_acquis"})
		f.deliberate(s.ID)
		f.step("dreets", s.ID, "validation", http.StatusOK)
		docs := byType(f.issueAll(s.ID))
		before := f.count("documents")

		for _, who := range []string{"centre", "candidat", "jury1", "admin"} {
			wantProblem(t, f.as(who, "POST", "/api/v1/documents/"+docs["parchemin"].ID+"/duplicata", nil), http.StatusForbidden, "")
		}
		wantCode(t, f.as("dreets", "POST", "/api/v1/documents/"+docs["pv"].ID+"/duplicata", nil), http.StatusConflict, "duplicata_type_exclu")
		wantCode(t, f.as("dreets", "POST", "/api/v1/documents/"+docs["fiche"].ID+"/duplicata", nil), http.StatusConflict, "duplicata_type_exclu")
		wantCode(t, f.as("dreets-pdl", "POST", "/api/v1/documents/"+docs["parchemin"].ID+"/duplicata", nil), http.StatusNotFound, "introuvable")
		if n := f.count("documents"); n != before {
			t.Fatalf("refused duplicatas wrote %d documents", n-before)
		}

		for _, typ := range []string{"parchemin", "livret"} {
			orig := docs[typ]
			var dup struct {
				docOut
				DuplicataDe string `json:"duplicata_de"`
			}
			f.ok(f.as("dreets", "POST", "/api/v1/documents/"+orig.ID+"/duplicata", nil), http.StatusCreated, &dup)
			if dup.DuplicataDe != orig.ID || dup.Numero == orig.Numero || dup.Type != typ || dup.Statut != "valide" {
				t.Errorf("%s duplicata = %+v", typ, dup)
			}
			rec := f.as("dreets", "GET", dup.URL, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("%s duplicata PDF: %d", typ, rec.Code)
			}
			txt := pdfText(t, rec.Body.Bytes())
			if !strings.Contains(txt, "Duplicata du document n° "+orig.Numero) || !strings.Contains(txt, dup.Numero) {
				t.Errorf("%s duplicata text lacks its mention: %s", typ, txt)
			}
			// The mention takes the room of a draft's: the parchemin keeps to one page.
			if typ == "parchemin" && !strings.Contains(txt, "Page 1 / 1") {
				t.Errorf("the parchemin's duplicata runs over a page: %s", txt)
			}
			var v struct {
				verificationOut
				DuplicataDe string `json:"duplicata_de"`
			}
			f.ok(f.do("GET", "/verification/"+dup.Code, "", nil), http.StatusOK, &v)
			if v.Statut != "valide" || v.DuplicataDe != orig.Numero {
				t.Errorf("%s duplicata verification = %+v", typ, v)
			}
			if page := f.do("GET", "/verification/"+dup.Code, "", nil, "Accept: text/html"); !strings.Contains(page.Body.String(), "Duplicata du document n° "+orig.Numero) {
				t.Errorf("%s duplicata verification page does not name the original", typ)
			}
			if o := f.verify(orig.Code, ""); o.Statut != "valide" {
				t.Errorf("the original %s after its duplicata: %+v", typ, o)
			}
			wantCode(t, f.as("dreets", "POST", "/api/v1/documents/"+dup.ID+"/duplicata", nil), http.StatusConflict, "duplicata_de_duplicata")
		}
	})
}
