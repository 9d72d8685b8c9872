package app_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// badCase is one request the API must refuse without writing anything.
type badCase struct {
	name   string
	as     string // demo account; empty for the login
	method string
	path   string // "{lefevre}" stands for the demo candidat's id
	body   any
	// stream sends body (a []byte) with no Content-Length, as a chunked upload would.
	stream  bool
	headers []string
	status  int
	field   string // the field erreurs[].champ must name, if any
	code    string // the problem code, if it matters
}

// with returns a valid candidat body changed by fn.
func with(fn func(m map[string]any)) map[string]any {
	m := candidatBody("Martin")
	fn(m)
	return m
}

func marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// rawWith marshals a valid candidat whose field holds a placeholder string,
// then puts raw bytes (quotes included) in its place: the way to send bytes
// json.Marshal would escape or refuse.
func rawWith(field, raw string) []byte {
	m := candidatBody("Martin")
	if field == "observations" {
		m["ecf"] = []any{map[string]any{"ccp": "CCP1", "date_evaluation": "2026-03-20", "observations": "@@RAW@@"}}
	} else {
		m[field] = "@@RAW@@"
	}
	out := bytes.Replace(marshal(m), []byte(`"@@RAW@@"`), []byte(raw), 1)
	if bytes.Equal(out, marshal(m)) {
		panic("rawWith: placeholder not found")
	}
	return out
}

func vae() map[string]any {
	return with(func(m map[string]any) {
		m["parcours"] = "vae"
		delete(m, "formation")
		delete(m, "ecf")
		m["recevabilite"] = map[string]any{"date_notification": "2026-06-15", "reference": "VAE-69-2026-0001",
			"ddets": "DDETS du Rhône", "mois_experience": 30, "type_session": "titre"}
	})
}

func capitalisation() map[string]any {
	return with(func(m map[string]any) {
		m["parcours"] = "capitalisation"
		delete(m, "formation")
		delete(m, "ecf")
		m["ccp_anterieurs"] = []any{map[string]any{"ccp": "CCP1", "version_code": "TP-00403-2023",
			"date_obtention": "2025-06-12", "session_reference": "S-2025-LYON-07"}}
	})
}

func badCandidatCases() []badCase {
	valid := marshal(candidatBody("Martin"))
	huge := rawWith("nom_naissance", `"`+strings.Repeat("a", 10<<20)+`"`)
	post := func(name string, body any, status int, field string) badCase {
		return badCase{name: name, as: "centre", method: "POST", path: "/api/v1/candidats", body: body, status: status, field: field}
	}
	cases := []badCase{
		// Not JSON, or not one object.
		post("malformed JSON", `{"titre_code": "TP-00403",, "parcours": "formation"}`, 400, ""),
		post("truncated JSON", valid[:len(valid)/2], 400, ""),
		post("array instead of object", "["+string(valid)+"]", 400, ""),
		post("two objects", string(valid)+string(valid), 400, ""),
		post("object then garbage", string(valid)+"x", 400, ""),
		post("empty body", "", 400, ""),
		post("blank body", " \n\t ", 400, ""),
		post("string instead of object", `"Martin"`, 400, ""),
		post("null", "null", 422, "titre_code"),
		post("empty object", "{}", 422, "nom_naissance"),
		post("single-quoted JSON", `{'nom_naissance': 'Martin'}`, 400, ""),
		post("trailing comma", strings.Replace(string(valid), "}", ",}", 1), 400, ""),
		// Wrong types.
		post("number for nom_naissance", with(func(m map[string]any) { m["nom_naissance"] = 42 }), 400, "nom_naissance"),
		post("string for mois_experience", with(func(m map[string]any) { m["mois_experience"] = "douze" }), 400, "mois_experience"),
		post("object for prenoms", with(func(m map[string]any) { m["prenoms"] = map[string]any{"premier": "Jeanne"} }), 400, "prenoms"),
		post("list for email", with(func(m map[string]any) { m["email"] = []string{"a@example.fr"} }), 400, "email"),
		post("string for formation", with(func(m map[string]any) { m["formation"] = "2026-01-05" }), 400, "formation"),
		post("object for ecf", with(func(m map[string]any) { m["ecf"] = map[string]any{"ccp": "CCP1"} }), 400, "ecf"),
		post("boolean for parcours", with(func(m map[string]any) { m["parcours"] = true }), 400, "parcours"),
		post("huge number for mois_experience", rawWith("mois_experience", "1e30"), 400, "mois_experience"),
		post("fraction for mois_experience", rawWith("mois_experience", "12.5"), 400, "mois_experience"),
		post("unknown field", with(func(m map[string]any) { m["age"] = 35 }), 400, "age"),
		post("misspelt field", with(func(m map[string]any) { delete(m, "prenoms"); m["prenom"] = "Jeanne" }), 400, "prenom"),
		// Values the schema refuses.
		post("unknown parcours", with(func(m map[string]any) { m["parcours"] = "apprentissage" }), 422, "parcours"),
		post("parcours in capitals", with(func(m map[string]any) { m["parcours"] = "FORMATION" }), 422, "parcours"),
		post("impossible date 2026-02-30", with(func(m map[string]any) { m["date_naissance"] = "2026-02-30" }), 422, "date_naissance"),
		post("month 13", with(func(m map[string]any) { m["date_naissance"] = "2026-13-01" }), 422, "date_naissance"),
		post("French date format", with(func(m map[string]any) { m["date_naissance"] = "12/04/1990" }), 422, "date_naissance"),
		post("date with time", with(func(m map[string]any) { m["date_naissance"] = "1990-04-12T00:00:00Z" }), 422, "date_naissance"),
		post("birth date in the future", with(func(m map[string]any) { m["date_naissance"] = "2030-01-01" }), 422, "date_naissance"),
		post("birth date tomorrow", with(func(m map[string]any) { m["date_naissance"] = "2026-11-24" }), 422, "date_naissance"),
		post("birth date before 1900", with(func(m map[string]any) { m["date_naissance"] = "1850-01-01" }), 422, "date_naissance"),
		post("empty nom_naissance", with(func(m map[string]any) { m["nom_naissance"] = "" }), 422, "nom_naissance"),
		post("whitespace-only nom_naissance", with(func(m map[string]any) { m["nom_naissance"] = "   " }), 422, "nom_naissance"),
		post("whitespace-only prenoms", with(func(m map[string]any) { m["prenoms"] = "\u00a0\t " }), 422, "prenoms"),
		post("missing lieu_naissance", with(func(m map[string]any) { delete(m, "lieu_naissance") }), 422, "lieu_naissance"),
		post("nom_naissance of 101 letters", with(func(m map[string]any) { m["nom_naissance"] = strings.Repeat("é", 101) }), 422, "nom_naissance"),
		post("control character in nom_naissance", with(func(m map[string]any) { m["nom_naissance"] = "Mar\u0007tin" }), 422, "nom_naissance"),
		post("newline in prenoms", with(func(m map[string]any) { m["prenoms"] = "Jeanne\nMarie" }), 422, "prenoms"),
		post("escape sequence in lieu_naissance", with(func(m map[string]any) { m["lieu_naissance"] = "Lyon\u001b[31m" }), 422, "lieu_naissance"),
		post("DEL in nom_usage", with(func(m map[string]any) { m["nom_usage"] = "Dupont\u007f" }), 422, "nom_usage"),
		post("NUL in nom_naissance", with(func(m map[string]any) { m["nom_naissance"] = "Mar\u0000tin" }), 422, "nom_naissance"),
		post("NUL in observations", with(func(m map[string]any) {
			m["ecf"] = []any{map[string]any{"ccp": "CCP1", "date_evaluation": "2026-03-20", "observations": "ok\u0000"}}
		}), 422, "ecf[0].observations"),
		post("NUL in titre_code", with(func(m map[string]any) { m["titre_code"] = "TP-00403\u0000" }), 422, "titre_code"),
		post("invalid UTF-8 in nom_naissance", rawWith("nom_naissance", "\"Mar\xfftin\""), 400, "nom_naissance"),
		post("overlong UTF-8 in prenoms", rawWith("prenoms", "\"Je\xc0\xafanne\""), 400, "prenoms"),
		post("Latin-1 é in observations", rawWith("observations", "\"R\xe9ussi\""), 400, "ecf[0].observations"),
		post("negative mois_experience", with(func(m map[string]any) { m["mois_experience"] = -1 }), 422, "mois_experience"),
		post("mois_experience above 60 years", with(func(m map[string]any) { m["mois_experience"] = 721 }), 422, "mois_experience"),
		post("bad email", with(func(m map[string]any) { m["email"] = "jeanne.martin@" }), 422, "email"),
		post("email with spaces", with(func(m map[string]any) { m["email"] = "jeanne martin@example.fr" }), 422, "email"),
		post("unknown titre_code", with(func(m map[string]any) { m["titre_code"] = "TP-99999" }), 422, "titre_code"),
		post("titre_code in lower case", with(func(m map[string]any) { m["titre_code"] = "tp-00403" }), 422, "titre_code"),
		// Parcours rules.
		post("VAE without recevabilite", with(func(m map[string]any) { m["parcours"] = "vae"; delete(m, "formation"); delete(m, "ecf") }), 422, "recevabilite"),
		post("VAE with ECF", func() any {
			m := vae()
			m["ecf"] = []any{map[string]any{"ccp": "CCP1", "date_evaluation": "2026-03-20"}}
			return m
		}(), 422, "ecf"),
		post("VAE with unknown session type", func() any {
			m := vae()
			m["recevabilite"].(map[string]any)["type_session"] = "ccs"
			return m
		}(), 422, "recevabilite.type_session"),
		post("VAE notified in the future", func() any {
			m := vae()
			m["recevabilite"].(map[string]any)["date_notification"] = "2027-01-10"
			return m
		}(), 422, "recevabilite.date_notification"),
		post("VAE recevabilite without reference", func() any {
			m := vae()
			delete(m["recevabilite"].(map[string]any), "reference")
			return m
		}(), 422, "recevabilite.reference"),
		post("recevabilite on a formation candidat", with(func(m map[string]any) {
			m["recevabilite"] = vae()["recevabilite"]
		}), 422, "recevabilite"),
		post("formation without formation dates", with(func(m map[string]any) { delete(m, "formation") }), 422, "formation"),
		post("formation end before start", with(func(m map[string]any) {
			m["formation"] = map[string]any{"debut": "2026-09-25", "fin": "2026-01-05"}
		}), 422, "formation.fin"),
		post("formation without end", with(func(m map[string]any) { m["formation"] = map[string]any{"debut": "2026-01-05"} }), 422, "formation.fin"),
		post("formation start 2026-02-29", with(func(m map[string]any) {
			m["formation"] = map[string]any{"debut": "2026-02-29", "fin": "2026-09-25"}
		}), 422, "formation.debut"),
		post("ECF for unknown CCP9", with(func(m map[string]any) {
			m["ecf"] = []any{map[string]any{"ccp": "CCP9", "date_evaluation": "2026-03-20"}}
		}), 422, "ecf[0].ccp"),
		post("duplicate ECF CCP", with(func(m map[string]any) {
			m["ecf"] = []any{map[string]any{"ccp": "CCP2", "date_evaluation": "2026-03-20"}, map[string]any{"ccp": "CCP2", "date_evaluation": "2026-04-20"}}
		}), 422, "ecf[1].ccp"),
		post("ECF evaluated in the future", with(func(m map[string]any) {
			m["ecf"] = []any{map[string]any{"ccp": "CCP1", "date_evaluation": "2026-12-01"}}
		}), 422, "ecf[0].date_evaluation"),
		post("ECF without date", with(func(m map[string]any) { m["ecf"] = []any{map[string]any{"ccp": "CCP1"}} }), 422, "ecf[0].date_evaluation"),
		post("21 ECF", with(func(m map[string]any) {
			var l []any
			for i := 0; i < 21; i++ {
				l = append(l, map[string]any{"ccp": "CCP1", "date_evaluation": "2026-03-20"})
			}
			m["ecf"] = l
		}), 422, "ecf"),
		post("capitalisation without CCP antérieur nor formation", func() any {
			m := capitalisation()
			delete(m, "ccp_anterieurs")
			return m
		}(), 422, "ccp_anterieurs"),
		post("CCP antérieur with unknown version_code", func() any {
			m := capitalisation()
			m["ccp_anterieurs"].([]any)[0].(map[string]any)["version_code"] = "TP-00403-2017"
			return m
		}(), 422, "ccp_anterieurs[0].version_code"),
		post("CCP antérieur with unknown CCP", func() any {
			m := capitalisation()
			m["ccp_anterieurs"].([]any)[0].(map[string]any)["ccp"] = "CCP7"
			return m
		}(), 422, "ccp_anterieurs[0].ccp"),
		post("CCP antérieur obtained in the future", func() any {
			m := capitalisation()
			m["ccp_anterieurs"].([]any)[0].(map[string]any)["date_obtention"] = "2027-06-12"
			return m
		}(), 422, "ccp_anterieurs[0].date_obtention"),
		post("duplicate CCP antérieur", func() any {
			m := capitalisation()
			l := m["ccp_anterieurs"].([]any)
			m["ccp_anterieurs"] = append(l, l[0])
			return m
		}(), 422, "ccp_anterieurs[1].ccp"),
		post("parcours ccs on a titre without CCS", with(func(m map[string]any) { m["parcours"] = "ccs"; m["mois_experience"] = 24 }), 422, "parcours"),
		// Transport.
		{name: "10 MB body", as: "centre", method: "POST", path: "/api/v1/candidats", body: huge, status: 413, code: "corps_trop_volumineux"},
		{name: "10 MB body without Content-Length", as: "centre", method: "POST", path: "/api/v1/candidats", body: huge, stream: true, status: 413, code: "corps_trop_volumineux"},
		{name: "Content-Type text/plain", as: "centre", method: "POST", path: "/api/v1/candidats", body: valid,
			headers: []string{"Content-Type: text/plain"}, status: 415, code: "type_contenu_non_supporte"},
		{name: "Content-Type form", as: "centre", method: "POST", path: "/api/v1/candidats", body: "nom_naissance=Martin",
			headers: []string{"Content-Type: application/x-www-form-urlencoded"}, status: 415},
		{name: "malformed Content-Type", as: "centre", method: "POST", path: "/api/v1/candidats", body: valid,
			headers: []string{"Content-Type: ;;;"}, status: 415},
	}
	// The same checks guard the update; the stale or missing ETag comes first.
	put := func(name string, body any, status int, field string, headers ...string) badCase {
		if headers == nil {
			headers = []string{`If-Match: "1"`}
		}
		return badCase{name: "PUT " + name, as: "centre", method: "PUT", path: "/api/v1/candidats/{lefevre}", body: body,
			headers: headers, status: status, field: field}
	}
	cases = append(cases,
		put("without If-Match", valid, 428, "", "X-Nothing: 1"),
		put("If-Match not a version", valid, 400, "", `If-Match: "abc"`),
		put("If-Match zero", valid, 400, "", `If-Match: "0"`),
		put("If-Match star", valid, 400, "", `If-Match: *`),
		put("malformed JSON", `{"nom_naissance": "Martin"`, 400, ""),
		put("unknown field", with(func(m map[string]any) { m["centre_id"] = "ailleurs" }), 400, "centre_id"),
		put("number for prenoms", with(func(m map[string]any) { m["prenoms"] = 7 }), 400, "prenoms"),
		put("impossible date", with(func(m map[string]any) { m["date_naissance"] = "1990-02-30" }), 422, "date_naissance"),
		put("whitespace-only nom", with(func(m map[string]any) { m["nom_naissance"] = "\t" }), 422, "nom_naissance"),
		put("VAE with ECF", func() any {
			m := vae()
			m["ecf"] = []any{map[string]any{"ccp": "CCP1", "date_evaluation": "2026-03-20"}}
			return m
		}(), 422, "ecf"),
		put("ECF for unknown CCP9", with(func(m map[string]any) {
			m["ecf"] = []any{map[string]any{"ccp": "CCP9", "date_evaluation": "2026-03-20"}}
		}), 422, "ecf[0].ccp"),
		put("invalid UTF-8", rawWith("nom_naissance", "\"L\xe8fevre\""), 400, "nom_naissance"),
		put("NUL in nom_usage", with(func(m map[string]any) { m["nom_usage"] = "\u0000" }), 422, "nom_usage"),
		put("text/plain", valid, 415, "", `If-Match: "1"`, "Content-Type: text/plain"),
		put("10 MB body", huge, 413, ""),
		put("empty body", "", 400, ""),
	)
	return cases
}

func badLoginCases() []badCase {
	login := func(name string, body any, status int, field string, headers ...string) badCase {
		return badCase{name: "login " + name, method: "POST", path: "/api/v1/auth/connexion", body: body, status: status, field: field, headers: headers}
	}
	return []badCase{
		login("missing password", map[string]any{"identifiant": "centre"}, 422, "mot_de_passe"),
		login("empty password", map[string]any{"identifiant": "centre", "mot_de_passe": ""}, 422, "mot_de_passe"),
		login("missing identifiant", map[string]any{"mot_de_passe": "centre-demo-cipcert"}, 422, "identifiant"),
		login("number for identifiant", map[string]any{"identifiant": 12, "mot_de_passe": "centre-demo-cipcert"}, 400, "identifiant"),
		login("list for password", map[string]any{"identifiant": "centre", "mot_de_passe": []string{"centre-demo-cipcert"}}, 400, "mot_de_passe"),
		login("unknown field", map[string]any{"identifiant": "centre", "mot_de_passe": "centre-demo-cipcert", "role": "admin"}, 400, "role"),
		login("empty body", "", 400, ""),
		login("array", `[{"identifiant": "centre", "mot_de_passe": "centre-demo-cipcert"}]`, 400, ""),
		login("truncated", `{"identifiant": "centre", "mot_de_passe": "cen`, 400, ""),
		login("identifiant of 101 characters", map[string]any{"identifiant": strings.Repeat("a", 101), "mot_de_passe": "x"}, 422, "identifiant"),
		login("password of 201 characters", map[string]any{"identifiant": "centre", "mot_de_passe": strings.Repeat("a", 201)}, 422, "mot_de_passe"),
		login("NUL in identifiant", map[string]any{"identifiant": "centre\u0000", "mot_de_passe": "centre-demo-cipcert"}, 422, "identifiant"),
		login("invalid UTF-8 in identifiant", "{\"identifiant\": \"centr\xe9\", \"mot_de_passe\": \"centre-demo-cipcert\"}", 400, "identifiant"),
		login("text/plain", `{"identifiant": "centre", "mot_de_passe": "centre-demo-cipcert"}`, 415, "", "Content-Type: text/plain"),
		login("10 MB", `{"identifiant": "`+strings.Repeat("a", 10<<20)+`", "mot_de_passe": "x"}`, 413, ""),
	}
}

// send performs a badCase request.
func (a *api) send(bc badCase, lefevre string) *httptest.ResponseRecorder {
	a.t.Helper()
	path := strings.ReplaceAll(bc.path, "{lefevre}", lefevre)
	token := ""
	if bc.as != "" {
		token = a.tokens[bc.as]
	}
	if !bc.stream {
		return a.do(bc.method, path, token, bc.body, bc.headers...)
	}
	// io.MultiReader hides the length, so the request has none.
	req := httptest.NewRequest(bc.method, path, io.MultiReader(bytes.NewReader(bc.body.([]byte))))
	req.RemoteAddr = "192.0.2.10:40000"
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if req.ContentLength != -1 {
		a.t.Fatalf("stream request has Content-Length %d", req.ContentLength)
	}
	rec := httptest.NewRecorder()
	a.srv.ServeHTTP(rec, req)
	return rec
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	cases := append(badCandidatCases(), badLoginCases()...)
	if len(cases) < 35 {
		t.Fatalf("only %d bad-input cases", len(cases))
	}
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		lefevre := a.candidatID("Lefèvre")
		tables := []string{"candidats", "candidat_ecf", "candidat_ccp_anterieurs", "jetons"}
		names := map[string]bool{}
		for _, bc := range cases {
			if names[bc.name] {
				t.Fatalf("duplicate case name %q", bc.name)
			}
			names[bc.name] = true
			t.Run(bc.name, func(t *testing.T) {
				before := map[string]int64{}
				for _, tb := range tables {
					before[tb] = a.count(tb)
				}
				rec := a.send(bc, lefevre)
				p := wantProblem(t, rec, bc.status, bc.field)
				if bc.code != "" && p.Code != bc.code {
					t.Errorf("code = %q, want %q", p.Code, bc.code)
				}
				if bc.status >= 500 || bc.status < 400 {
					t.Fatalf("case expects %d", bc.status)
				}
				for _, tb := range tables {
					if got := a.count(tb); got != before[tb] {
						t.Errorf("%s: %d rows after the request, want %d", tb, got, before[tb])
					}
				}
				for _, e := range p.Erreurs {
					if e.Message == "" || e.Code == "" {
						t.Errorf("field error without code or message: %+v", e)
					}
				}
			})
		}
		// No PUT went through: Lefèvre is as seeded.
		c, _ := a.getCandidat("centre", lefevre)
		if c.Version != 1 || c.NomNaissance != "Lefèvre" || c.Parcours != "formation" || len(c.ECF) != 3 {
			t.Errorf("Lefèvre after the bad updates: %+v", c)
		}
		// Valid inputs close to the refused ones are accepted, so the table
		// tests the rules and not a server refusing everything.
		for name, body := range map[string]any{
			"valid formation":      candidatBody("Valide"),
			"valid VAE":            vae(),
			"valid capitalisation": capitalisation(),
			"space inside a name":  with(func(m map[string]any) { m["nom_usage"] = "Martin Dupont" }),
			"100 letters":          with(func(m map[string]any) { m["nom_naissance"] = strings.Repeat("é", 100) }),
			"leap day":             with(func(m map[string]any) { m["date_naissance"] = "1992-02-29" }),
			"born today":           with(func(m map[string]any) { m["date_naissance"] = "2026-11-23" }),
			"charset parameter":    with(func(m map[string]any) { m["nom_naissance"] = "Charset" }),
		} {
			headers := []string{}
			if name == "charset parameter" {
				headers = append(headers, "Content-Type: application/json; charset=utf-8")
			}
			if rec := a.as("centre", "POST", "/api/v1/candidats", body, headers...); rec.Code != http.StatusCreated {
				t.Errorf("%s: %d %s", name, rec.Code, rec.Body)
			}
		}
	})
}

func centreBody(siret string) map[string]any {
	return map[string]any{
		"nom": "Nouveau Départ Formation", "siret": siret, "adresse": "5 place Bellecour",
		"code_postal": "69002", "ville": "Lyon", "region": "Auvergne-Rhône-Alpes",
		"agrements": []any{map[string]any{"titre_code": "TP-00403", "debut": "2026-01-01", "fin": "2028-12-31"}},
	}
}

func TestCentreSiret(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		before := a.count("centres")
		for _, siret := range []string{
			"81234567800014",  // key off by one
			"8123456780001",   // 13 digits
			"812345678000130", // 15 digits
			"8123456780001A",  // a letter
			"",                // missing
			"00000000000000a", // 15 characters
		} {
			wantProblem(t, a.as("admin", "POST", "/api/v1/centres", centreBody(siret)), http.StatusUnprocessableEntity, "siret")
		}
		if n := a.count("centres"); n != before {
			t.Fatalf("%d centres after refused SIRETs, want %d", n, before)
		}
		rec := a.as("admin", "POST", "/api/v1/centres", centreBody("732 829 320 00074"))
		if rec.Code != http.StatusCreated {
			t.Fatalf("valid SIRET: %d %s", rec.Code, rec.Body)
		}
		var ce struct {
			ID, Siret string
			Agrements []struct {
				TitreCode string `json:"titre_code"`
			}
		}
		mustJSON(t, rec, &ce)
		if ce.Siret != "73282932000074" || ce.ID == "" || len(ce.Agrements) != 1 || ce.Agrements[0].TitreCode != "TP-00403" {
			t.Errorf("created centre = %+v", ce)
		}
		p := wantProblem(t, a.as("admin", "POST", "/api/v1/centres", centreBody("73282932000074")), http.StatusConflict, "")
		if p.Code != "siret_deja_enregistre" {
			t.Errorf("code = %q", p.Code)
		}
		// The demo centre's SIRET is taken as well.
		wantProblem(t, a.as("admin", "POST", "/api/v1/centres", centreBody("81234567800013")), http.StatusConflict, "")
		// La Poste's establishments follow their own key.
		if rec := a.as("admin", "POST", "/api/v1/centres", centreBody("35600000000048")); rec.Code != http.StatusCreated {
			t.Errorf("La Poste head office: %d %s", rec.Code, rec.Body)
		}
		if n := a.count("centres"); n != before+2 {
			t.Errorf("%d centres, want %d", n, before+2)
		}
		// A bad agrément leaves no half-created centre behind.
		b := centreBody("55201717500019")
		b["agrements"] = []any{map[string]any{"titre_code": "TP-99999", "debut": "2026-01-01", "fin": "2028-12-31"}}
		wantProblem(t, a.as("admin", "POST", "/api/v1/centres", b), http.StatusUnprocessableEntity, "agrements[0].titre_code")
		b["agrements"] = []any{map[string]any{"titre_code": "TP-00403", "debut": "2028-01-01", "fin": "2026-12-31"}}
		wantProblem(t, a.as("admin", "POST", "/api/v1/centres", b), http.StatusUnprocessableEntity, "agrements[0].fin")
		if n := a.count("centres"); n != before+2 {
			t.Errorf("%d centres after refused agréments, want %d", n, before+2)
		}
	})
}

// TestBadPathAndQuery sends bytes no database text can hold (NUL, invalid
// UTF-8) through the URL instead of the body: ids answer 404, filters 400,
// never a 500 from the driver.
func TestBadPathAndQuery(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		lefevre := a.candidatID("Lefèvre")
		for _, id := range []string{"%00", "%FF", "x%00y", "%C0%AF", "not-a-uuid", lefevre + "%00"} {
			wantProblem(t, a.as("centre", "GET", "/api/v1/candidats/"+id, nil), http.StatusNotFound, "")
			wantProblem(t, a.as("admin", "GET", "/api/v1/candidats/"+id, nil), http.StatusNotFound, "")
			wantProblem(t, a.as("candidat", "GET", "/api/v1/candidats/"+id, nil), http.StatusNotFound, "")
			wantProblem(t, a.as("centre", "PUT", "/api/v1/candidats/"+id, candidatBody("Martin"), `If-Match: "1"`), http.StatusNotFound, "")
			wantProblem(t, a.as("centre", "POST", "/api/v1/candidats/"+id+"/archivage", nil, `If-Match: "1"`), http.StatusNotFound, "")
			wantProblem(t, a.as("admin", "GET", "/api/v1/centres/"+id, nil), http.StatusNotFound, "")
			wantProblem(t, a.as("centre", "GET", "/api/v1/centres/"+id, nil), http.StatusNotFound, "")
		}
		for _, q := range []string{"nom=%00", "nom=L%FF", "nom=%C3", "apres=%00", "apres=%FF", "centre_id=%00", "centre_id=%FE%FF"} {
			p := wantProblem(t, a.as("admin", "GET", "/api/v1/candidats?"+q, nil), http.StatusBadRequest, "")
			if len(p.Erreurs) == 0 {
				t.Errorf("%s: no field named: %+v", q, p)
			}
		}
		if n := a.count("candidats"); n != 4 {
			t.Errorf("%d candidats, want 4", n)
		}
	})
}
