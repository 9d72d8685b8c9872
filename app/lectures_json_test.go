package app_test

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files of the JSON answers")

// lecturesRiches builds the richest dossiers the demo candidats can have:
// Nguyễn, in VAE, partial success at a session titre whose record the jury
// corrected before deliberating, then a second notification de
// recevabilité and a session CCP deliberated but not validated; Lefèvre's
// titre, corrected by the autorité after validation; Kowalski, who
// capitalises, enrolled in a planned session and in a cancelled one.
func lecturesRiches(f *flow) {
	f.t.Helper()
	lefevre, nguyen, kowalski := f.candidatID("Lefèvre"), f.candidatID("Nguyễn"), f.candidatID("Kowalski")

	s1 := f.session("titre", nil, "2026-11-23", "2026-11-24")
	f.step("centre", s1.ID, "declaration", http.StatusOK)
	inN := f.enrol(s1.ID, nguyen, nil)
	inL := f.enrol(s1.ID, lefevre, nil)
	f.step("centre", s1.ID, "tenue", http.StatusOK)
	inN = f.presence("jury1", s1.ID, inN, "present", "favorable")
	f.decide("jury1", s1.ID, inN.ID, "CCP1", "non_acquis", false)
	f.decide("jury1", s1.ID, inN.ID, "CCP2", "non_acquis", false)
	f.decide("jury2", s1.ID, inN.ID, "CCP3", "acquis", false)
	f.ok(f.as("jury1", "PUT", evalPath(s1.ID, inN.ID, "CCP1"), evaluation("acquis", false), ifMatch(1)), http.StatusOK, nil)
	f.record(s1, inL, "jury2", true, nil)
	f.deliberate(s1.ID)
	f.step("dreets", s1.ID, "validation", http.StatusOK)
	cur := f.inscriptions("dreets", s1.ID)[inL.ID]
	body := evaluation("non_acquis", true)
	body["motif"] = "Erreur de report : le jury avait déclaré CCP2 non acquis."
	f.ok(f.as("dreets", "POST", evalPath(s1.ID, inL.ID, "CCP2")+"/correction", body, ifMatch(cur.evaluation("CCP2").Version)),
		http.StatusOK, nil)

	f.later(112 * 24 * time.Hour) // 2027-03-15
	s2 := f.session("ccp", []string{"CCP2"}, "2027-03-15", "2027-03-15")
	_, rec := f.getCandidat("centre", nguyen)
	cand := candidatAsRequest(f.t, rec)
	cand["recevabilite"] = map[string]any{"date_notification": "2027-03-01", "reference": "VAE-69-2027-0088",
		"ddets": "DDETS du Rhône", "mois_experience": 40, "type_session": "ccp"}
	f.ok(f.as("centre", "PUT", "/api/v1/candidats/"+nguyen, cand, "If-Match: "+rec.Header().Get("ETag")), http.StatusOK, nil)
	var in2 inscriptionOut
	f.ok(f.as("centre", "POST", sessionPath(s2.ID, "inscriptions"), map[string]any{"candidat_id": nguyen, "ccp": []string{"CCP2"}}),
		http.StatusCreated, &in2)
	f.step("centre", s2.ID, "declaration", http.StatusOK)
	f.step("centre", s2.ID, "tenue", http.StatusOK)
	in2 = f.presence("jury2", s2.ID, in2, "present", "favorable")
	f.decide("jury1", s2.ID, in2.ID, "CCP2", "acquis", false)
	f.deliberate(s2.ID)

	s4 := f.session("ccp", []string{"CCP2"}, "2027-04-12", "2027-04-12")
	f.enrol(s4.ID, kowalski, []string{"CCP2"})
	f.ok(f.as("centre", "POST", sessionPath(s4.ID, "annulation"), map[string]any{"motif": "Salle indisponible."}), http.StatusOK, nil)
	s3 := f.session("ccp", []string{"CCP2", "CCP3"}, "2027-05-10", "2027-05-11")
	f.enrol(s3.ID, kowalski, nil)
}

// lecturesRequetes are the reads whose answers the golden files hold: the
// parcours of every demo candidat as every role that may or may not see
// it, and the lists with each filter and cursor.
func lecturesRequetes(f *flow) string {
	f.t.Helper()
	var b strings.Builder
	get := func(as, path string) {
		rec := f.as(as, "GET", path, nil)
		fmt.Fprintf(&b, "== %s GET %s\n%d\n%s\n", as, path, rec.Code, strings.TrimRight(rec.Body.String(), "\n"))
	}
	for _, nom := range []string{"Lefèvre", "Nguyễn", "Kowalski", "Popescu"} {
		id := f.candidatID(nom)
		for _, as := range []string{"admin", "dreets", "dreets-pdl", "centre", "centre2", "candidat"} {
			get(as, "/api/v1/candidats/"+id+"/parcours")
		}
	}
	for _, as := range []string{"admin", "dreets", "dreets-pdl", "centre", "centre2"} {
		for _, q := range []string{"", "?limite=2", "?nom=ngu", "?nom=NGUYEN-M", "?nom=k", "?parcours=vae", "?parcours=capitalisation&limite=1",
			"?archives=true"} {
			get(as, "/api/v1/candidats"+q)
		}
	}
	// The cursor of the second page.
	var page struct{ Suivant string }
	f.ok(f.as("admin", "GET", "/api/v1/candidats?limite=2", nil), http.StatusOK, &page)
	get("admin", "/api/v1/candidats?limite=2&apres="+page.Suivant)
	return b.String()
}

var (
	uuidPattern      = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	referencePattern = regexp.MustCompile(`S-20[0-9]{2}-[0-9A-F]{8}\b`)
	requestIDPattern = regexp.MustCompile(`"request_id":"[^"]*"`)
)

// stableIDs names each id and session reference by its rank of first
// appearance, and blanks the request ids: they are new at every run, their
// order in the answers is not.
func stableIDs(s string) string {
	seen := map[string]string{}
	rank := func(kind string) func(string) string {
		return func(v string) string {
			if n, ok := seen[v]; ok {
				return n
			}
			seen[v] = fmt.Sprintf("<%s-%d>", kind, len(seen)+1)
			return seen[v]
		}
	}
	s = uuidPattern.ReplaceAllStringFunc(s, rank("id"))
	s = referencePattern.ReplaceAllStringFunc(s, rank("ref"))
	return requestIDPattern.ReplaceAllString(s, `"request_id":""`)
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs at line %d:\ngot  %s\nwant %s", path, i+1, g, w)
			}
		}
	}
}

// TestLecturesJSON holds the answers of the parcours and of the candidat
// lists to their golden files, byte for byte: field order, values, empty
// lists and nulls, on every dialect, for a rich data set.
func TestLecturesJSON(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newFlow(t, db)
		lecturesRiches(f)
		checkGolden(t, "lectures_riches.golden", stableIDs(lecturesRequetes(f)))
	})
}

// TestLecturesJSONDemo is TestLecturesJSON on the demo data set with its
// sessions, as `cipcert seed` writes it.
func TestLecturesJSONDemo(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f := newDemoFlow(t, db, certtest.Now)
		checkGolden(t, "lectures_demo.golden", stableIDs(lecturesRequetes(f)))
	})
}
