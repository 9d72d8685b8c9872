package app_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// hostileBodies are bodies no handler may accept, each sent to every route
// that reads one.
var hostileBodies = []struct {
	name string
	body []byte
}{
	{"malformed", []byte(`{"a":`)},
	{"truncated", []byte(`{"nom": "Dupo`)},
	{"array", []byte(`[1,2,3]`)},
	{"scalar", []byte(`42`)},
	{"two objects", []byte(`{} {}`)},
	{"unknown field", []byte(`{"champ_inconnu": true}`)},
	{"wrong types", []byte(`{"nom": 12, "decision": false, "candidat_id": [], "motif": {}, "identifiant": 1.5}`)},
	{"huge number", []byte(`{"mois_experience": 1e400, "niveau": 99999999999999999999999}`)},
	{"invalid utf8", []byte("{\"nom\": \"Du\xffpont\", \"motif\": \"\xc3\"}")},
	{"control chars", []byte("{\"nom\": \"Du\u0000pont\x01\", \"motif\": \"a\u0007b\"}")},
	{"html and sql", []byte(`{"nom": "<script>alert(1)</script>", "motif": "'; DROP TABLE candidats; --"}`)},
	{"impossible date", []byte(`{"date_naissance": "2026-02-30", "debut": "2026-13-01", "fin": "0000-00-00"}`)},
	{"unknown enum", []byte(`{"parcours": "alternance", "type": "examen", "decision": "peut-etre", "presence": "ailleurs", "role": "roi"}`)},
	{"session change", []byte(`{"debut": "2027-03-15", "fin": "2027-03-14", "heure": "25:99", "lieu": " ", "responsable": "x", "numero_ceres": "../../etc", "declaree_le": "2999-01-01", "ancien": "%00", "nouveau": "x"}`)},
	{"amenagement", []byte(`{"type": "diagnostic", "detail": "` + strings.Repeat("é", 600) + `", "decision_reference": "\u0000", "decision_date": "2999-02-30"}`)},
	{"empty", []byte(``)},
	// encoding/json would match these keys without regard to case, or keep
	// the last of two: both are refused before any work.
	{"case-variant keys", []byte(`{"IDENTIFIANT": "admin", "Mot_De_Passe": "admin-demo-cipcert", "NOM": "x", "Motif": "x", "Candidat_ID": "x", "Categorie": "fraude"}`)},
	{"duplicate keys", []byte(`{"identifiant": "x", "identifiant": "admin", "motif": "a", "motif": "b", "nom": "a", "nom": "b", "categorie": "fraude", "categorie": "recours"}`)},
	{"deep nesting", []byte(`{"nom": ` + strings.Repeat("[", 200_000) + strings.Repeat("]", 200_000) + `}`)},
	{"nested duplicate keys", []byte(`{"formation": {"debut": "2026-01-05", "debut": "2026-01-06"}, "ecf": [{"ccp": "CCP1", "CCP": "CCP2"}]}`)},
	{"big", bytes.Repeat([]byte(`{"nom":"`+strings.Repeat("x", 1<<16)+`"},`), 160)},
}

// hostileRequestIDs are X-Request-Id values the server must not echo.
var hostileRequestIDs = []string{strings.Repeat("r", 500_000), strings.Repeat("a", 65), "id avec espaces", "<script>", "a\x7fb"}

// hostileIDs replace every path parameter.
var hostileIDs = []string{"..%2F..%2Fetc%2Fpasswd", "%00", "%FF%FE", "1%27%20OR%20%271%27%3D%271", "%3Cscript%3E",
	strings.Repeat("9", 300), "01900000-0000-7000-8000-000000000000"}

// TestHostileCorpus sends hundreds of hostile requests across every route
// as every role: none may answer 5xx, every 4xx is problem+json, and no
// refused request changes a single row.
func TestHostileCorpus(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		tables := allTables(t, db)
		before := map[string]int64{}
		for _, tb := range tables {
			before[tb] = a.count(tb)
		}
		param := regexp.MustCompile(`:[a-z]+`)
		sent := 0
		statuses := map[int]int{}
		check := func(what string, rec *httptest.ResponseRecorder) {
			t.Helper()
			sent++
			statuses[rec.Code]++
			if rec.Code >= 500 {
				t.Errorf("%s: %d", what, rec.Code)
			}
			if ct := rec.Header().Get("Content-Type"); rec.Code >= 400 && !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("%s: %d with Content-Type %q", what, rec.Code, ct)
			}
		}
		for _, route := range a.srv.Routes() {
			if route == "POST /api/v1/auth/deconnexion" {
				continue // it would revoke the tokens the corpus runs on
			}
			if route == "POST /api/v1/moi/totp" {
				continue // it reads no body and starts an enrolment: a write by design, tested in TestTOTP
			}
			method, path, _ := strings.Cut(route, " ")
			for i, id := range hostileIDs {
				p := param.ReplaceAllString(path, id)
				for _, as := range roleAccounts {
					if as == "candidat" && i%2 == 1 {
						continue
					}
					var body any
					if method != "GET" {
						body = "{}"
					}
					check(as+" "+method+" "+p, a.as(as, method, p, body, `If-Match: "1"`))
				}
			}
			if method == "GET" {
				continue
			}
			p := param.ReplaceAllString(path, "01900000-0000-7000-8000-000000000000")
			for _, hb := range hostileBodies {
				for _, as := range []string{"centre", "jury1", "dreets", "admin"} {
					check(hb.name+" "+as+" "+method+" "+p, a.as(as, method, p, hb.body, `If-Match: "1"`))
				}
			}
			for _, tok := range []string{"", "forged", strings.Repeat("A", 43), "Bearer Bearer", "\x00"} {
				check("token "+method+" "+p, a.do(method, p, tok, "{}"))
			}
			// Oversized or unsafe request ids are replaced, and a spoofed
			// X-Forwarded-For is not believed (no proxy is trusted here).
			for _, id := range hostileRequestIDs {
				rec := a.as("admin", method, p, "{}", "X-Request-Id: "+id, "X-Forwarded-For: 127.0.0.1, 10.0.0.1")
				check("request id "+method+" "+p, rec)
				if got := rec.Header().Get("X-Request-Id"); got == id || len(got) > 64 {
					t.Errorf("%s %s: X-Request-Id of %d bytes echoed as %d bytes", method, p, len(id), len(got))
				}
			}
		}
		if sent < 200 {
			t.Fatalf("only %d hostile requests sent", sent)
		}
		// The corpus must reach the decoders, the role checks and the
		// services, not stop at the door.
		for _, st := range []int{400, 403, 404, 413} {
			if statuses[st] < 20 {
				t.Errorf("only %d answers %d: the corpus does not exercise that layer (%v)", statuses[st], st, statuses)
			}
		}
		for _, tb := range tables {
			if got := a.count(tb); got != before[tb] {
				t.Errorf("table %s: %d rows, had %d before the hostile corpus", tb, got, before[tb])
			}
		}
		t.Logf("%d hostile requests, no 5xx, every table unchanged; statuses %v", sent, statuses)
	})
}

func allTables(t *testing.T, db *certification.DB) []string {
	t.Helper()
	var names []string
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version'`
	if db.Dialect == "postgres" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> 'goose_db_version'`
	}
	if err := db.Raw(q).Scan(&names).Error; err != nil || len(names) < 10 {
		t.Fatalf("tables: %v %v", names, err)
	}
	return names
}

// TestHostileVerificationWalk: the probe's walk over the dates of birth of
// one code, from many addresses, with spoofed X-Forwarded-For, oversized
// request ids, the identity in the address, malformed and case-variant
// bodies, first facing the clients directly, then behind a trusted proxy.
// No 5xx, at most 5 failed checks before 429, the name never disclosed,
// and no table changes.
func TestHostileVerificationWalk(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		f, docs := demoDocuments(t, db)
		code := docs["parchemin"].Code
		tables := allTables(t, db)
		before := map[string]int64{}
		for _, tb := range tables {
			before[tb] = f.count(tb)
		}
		proxies, err := app.ParseTrustedProxies("10.0.0.0/8")
		if err != nil {
			t.Fatal(err)
		}
		statuses := map[int]int{}
		for round, proxied := range []bool{false, true} {
			if proxied {
				// The same service behind a trusted proxy: its per-code
				// count starts afresh, as after a restart.
				f.srv = app.New(f.svc, app.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), TrustedProxies: proxies,
					UndocumentedError: undocumentedError(t)})
			}
			failed := 0
			for day := 1; day <= 31; day++ {
				naissance := fmt.Sprintf("1994-05-%02d", day)
				client := fmt.Sprintf("203.0.%d.%d", 113+round, day)
				headers := []string{remoteAddr + ": " + client, "X-Forwarded-For: 198.51.100." + strconv.Itoa(day),
					"X-Request-Id: " + strings.Repeat("w", 1000*day)}
				if proxied {
					headers = []string{remoteAddr + ": 10.0.0.1", "X-Forwarded-For: " + client, "X-Request-Id: " + strings.Repeat("w", 70)}
				}
				for _, rec := range []*httptest.ResponseRecorder{
					f.do("POST", "/verification/"+code, "", map[string]string{"nom": "Lefevre", "date_naissance": naissance}, headers...),
					f.do("GET", "/verification/"+code+"?nom=Lefevre&date_naissance="+naissance, "", nil, headers...),
					f.do("POST", "/verification/"+code, "", `{"NOM": "Lefevre", "date_naissance": "`+naissance+`"}`, headers...),
					f.do("POST", "/verification/"+code, "", `{"nom": "x", "nom": "Lefevre", "date_naissance": "`+naissance+`"}`, headers...),
				} {
					statuses[rec.Code]++
					if rec.Code >= 500 || (rec.Code >= 400 && !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json")) {
						t.Errorf("walk %s: %d %s", naissance, rec.Code, rec.Header().Get("Content-Type"))
					}
					if rec.Code == 422 {
						failed++
					}
					if strings.Contains(rec.Body.String(), "Camille") {
						t.Errorf("walk %s disclosed the name: %d", naissance, rec.Code)
					}
				}
			}
			if failed != 5 {
				t.Errorf("proxied %v: %d failed checks answered before the limit, want 5", proxied, failed)
			}
		}
		if statuses[http.StatusTooManyRequests] < 50 || statuses[http.StatusBadRequest] < 90 {
			t.Errorf("statuses %v: the walk did not reach the limit or the strict decoder", statuses)
		}
		for _, tb := range tables {
			if got := f.count(tb); got != before[tb] {
				t.Errorf("table %s: %d rows, had %d before the walk", tb, got, before[tb])
			}
		}
		t.Logf("walk statuses %v, every table unchanged", statuses)
	})
}

// hostileFichiers are files of candidats no dry run may choke on: each is
// refused as a whole, or reported row by row, and none writes a row.
func hostileFichiers(t *testing.T) []struct {
	name string
	data []byte
} {
	// A zip whose one member inflates to 200 Mio: the reader must stop
	// at its limit, not inflate it.
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for range 200 {
		_, _ = w.Write(zeros)
	}
	_ = zw.Close()
	return []struct {
		name string
		data []byte
	}{
		{"zip bomb", bomb.Bytes()},
		{"NUL bytes", []byte(enteteImport + "\nDu\x00pont;Léa;01/01/1990;Lyon;a@example.fr;TP-00403;formation;05/01/2026;25/09/2026\n")},
		{"only quotes", bytes.Repeat([]byte(`"`), 10000)},
		{"one huge line", append([]byte(enteteImport+"\n"), bytes.Repeat([]byte("x"), 4<<20)...)},
		{"html and sql", []byte(enteteImport + "\n<script>alert(1)</script>;'; DROP TABLE candidats; --;01/01/1990;Lyon;a@example.fr;TP-00403;formation;05/01/2026;25/09/2026\n")},
		{"bidi and controls", []byte(enteteImport + "\nDu\u202epont;L\u200bé\u0007a;01/01/1990;Lyon;a@example.fr;TP-00403;formation;05/01/2026;25/09/2026\n")},
		{"thousands of columns", []byte(strings.Repeat("x;", 20000) + "\n" + strings.Repeat("1;", 20000))},
		{"too many rows", bytes.Repeat([]byte(";;;\n"), 5)},
		{"impossible dates", []byte(enteteImport + "\nDurand;Léa;00/00/0000;Lyon;a@example.fr;TP-00403;formation;99999999;-1\n")},
		{"utf16", []byte("\xff\xfen\x00o\x00m\x00")},
		{"pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")},
	}
}

// TestHostileFichiers posts every hostile file to the dry run and to the
// page: no 5xx, a French problem, and nothing written.
func TestHostileFichiers(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		inchange := a.tablesInchangees(db)
		for _, f := range hostileFichiers(t) {
			for _, name := range []string{"c.csv", "../../etc/passwd", "c\x00.xlsx"} {
				rec := a.essai("centre", name, f.data)
				if rec.Code >= 500 {
					t.Errorf("%s (%q): %d %s", f.name, name, rec.Code, rec.Body)
				}
				if rec.Code >= 400 && !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json") {
					t.Errorf("%s: %d without problem+json", f.name, rec.Code)
				}
			}
		}
		inchange("the hostile files")
	})
}

// tablesInchangees counts the rows of every table, and returns the check
// that none has changed since.
func (a *api) tablesInchangees(db *certification.DB) func(after string) {
	a.t.Helper()
	tables := allTables(a.t, db)
	before := map[string]int64{}
	for _, tb := range tables {
		before[tb] = a.count(tb)
	}
	return func(after string) {
		a.t.Helper()
		for _, tb := range tables {
			if got := a.count(tb); got != before[tb] {
				a.t.Errorf("table %s: %d rows, had %d before %s", tb, got, before[tb], after)
			}
		}
	}
}
