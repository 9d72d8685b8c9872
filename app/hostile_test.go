package app_test

import (
	"bytes"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

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
	{"empty", []byte(``)},
	{"big", bytes.Repeat([]byte(`{"nom":"`+strings.Repeat("x", 1<<16)+`"},`), 160)},
}

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
