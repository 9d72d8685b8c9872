package app_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// candidatOut is a candidat as the API answers it.
type candidatOut struct {
	ID            string `json:"id"`
	CentreID      string `json:"centre_id"`
	TitreCode     string `json:"titre_code"`
	Parcours      string `json:"parcours"`
	NomNaissance  string `json:"nom_naissance"`
	NomUsage      string `json:"nom_usage"`
	Prenoms       string `json:"prenoms"`
	DateNaissance string `json:"date_naissance"`
	LieuNaissance string `json:"lieu_naissance"`
	Email         string `json:"email"`
	Formation     *struct {
		Debut string `json:"debut"`
		Fin   string `json:"fin"`
	} `json:"formation"`
	ECF []struct {
		CCP            string `json:"ccp"`
		DateEvaluation string `json:"date_evaluation"`
		Observations   string `json:"observations"`
	} `json:"ecf"`
	MoisExperience *int    `json:"mois_experience"`
	ArchiveLe      *string `json:"archive_le"`
	Version        int     `json:"version"`
}

type candidatList struct {
	Candidats []candidatOut `json:"candidats"`
	Suivant   string        `json:"suivant"`
}

// candidatBody is a valid formation candidat for a centre agreed for CIP;
// tests change one thing in it.
func candidatBody(nom string) map[string]any {
	return map[string]any{
		"titre_code":     "TP-00403",
		"parcours":       "formation",
		"nom_naissance":  nom,
		"prenoms":        "Jeanne Marie",
		"date_naissance": "1990-04-12",
		"lieu_naissance": "Villeurbanne (69)",
		"email":          "jeanne.martin@example.fr",
		"formation":      map[string]any{"debut": "2026-01-05", "fin": "2026-09-25"},
		"ecf": []any{
			map[string]any{"ccp": "CCP1", "date_evaluation": "2026-03-20", "observations": "Bien."},
		},
	}
}

// createCandidat registers a candidat as the given centre account and
// checks the 201 answer.
func (a *api) createCandidat(centre string, body any) candidatOut {
	a.t.Helper()
	rec := a.as(centre, "POST", "/api/v1/candidats", body)
	if rec.Code != http.StatusCreated {
		a.t.Fatalf("create candidat: %d %s", rec.Code, rec.Body)
	}
	var c candidatOut
	mustJSON(a.t, rec, &c)
	return c
}

func (a *api) getCandidat(as, id string) (candidatOut, *httptest.ResponseRecorder) {
	a.t.Helper()
	rec := a.as(as, "GET", "/api/v1/candidats/"+id, nil)
	var c candidatOut
	if rec.Code == http.StatusOK {
		mustJSON(a.t, rec, &c)
	}
	return c, rec
}

func (a *api) listCandidats(as, query string) candidatList {
	a.t.Helper()
	rec := a.as(as, "GET", "/api/v1/candidats"+query, nil)
	if rec.Code != http.StatusOK {
		a.t.Fatalf("list %s as %s: %d %s", query, as, rec.Code, rec.Body)
	}
	var l candidatList
	mustJSON(a.t, rec, &l)
	return l
}

func noms(l candidatList) map[string]bool {
	out := map[string]bool{}
	for _, c := range l.Candidats {
		out[c.NomNaissance] = true
	}
	return out
}

func TestCandidatCreateReadUpdate(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		rec := a.as("centre", "POST", "/api/v1/candidats", candidatBody("Martin"))
		if rec.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
		var c candidatOut
		mustJSON(t, rec, &c)
		if loc := rec.Header().Get("Location"); loc != "/api/v1/candidats/"+c.ID || c.ID == "" {
			t.Errorf("Location = %q, id %q", loc, c.ID)
		}
		if et := rec.Header().Get("ETag"); et != `"1"` {
			t.Errorf("ETag = %q, want \"1\"", et)
		}
		if c.Version != 1 || c.NomNaissance != "Martin" || c.Parcours != "formation" || c.TitreCode != "TP-00403" ||
			c.DateNaissance != "1990-04-12" || c.Formation == nil || c.Formation.Fin != "2026-09-25" ||
			len(c.ECF) != 1 || c.ECF[0].CCP != "CCP1" || c.ArchiveLe != nil {
			t.Errorf("created = %+v", c)
		}

		got, rec := a.getCandidat("centre", c.ID)
		if rec.Code != http.StatusOK || got.ID != c.ID || got.Email != "jeanne.martin@example.fr" || got.Prenoms != "Jeanne Marie" {
			t.Fatalf("get: %d %+v", rec.Code, got)
		}
		if et := rec.Header().Get("ETag"); et != `"1"` {
			t.Errorf("GET ETag = %q", et)
		}

		// Update with the current ETag.
		upd := candidatBody("Martin-Durand")
		upd["ecf"] = []any{
			map[string]any{"ccp": "CCP1", "date_evaluation": "2026-03-20"},
			map[string]any{"ccp": "CCP2", "date_evaluation": "2026-06-12"},
		}
		rec = a.as("centre", "PUT", "/api/v1/candidats/"+c.ID, upd, `If-Match: "1"`)
		if rec.Code != http.StatusOK {
			t.Fatalf("update: %d %s", rec.Code, rec.Body)
		}
		if et := rec.Header().Get("ETag"); et != `"2"` {
			t.Errorf("update ETag = %q, want \"2\"", et)
		}
		mustJSON(t, rec, &got)
		if got.Version != 2 || got.NomNaissance != "Martin-Durand" || len(got.ECF) != 2 {
			t.Errorf("updated = %+v", got)
		}

		// A second writer still holding ETag "1" is refused and changes nothing.
		stale := candidatBody("Écrasé")
		p := wantProblem(t, a.as("centre", "PUT", "/api/v1/candidats/"+c.ID, stale, `If-Match: "1"`), http.StatusPreconditionFailed, "")
		if p.Code != "version_perimee" {
			t.Errorf("stale code = %q, want version_perimee", p.Code)
		}
		got, _ = a.getCandidat("centre", c.ID)
		if got.Version != 2 || got.NomNaissance != "Martin-Durand" || len(got.ECF) != 2 {
			t.Errorf("after stale update: %+v", got)
		}

		// No If-Match: 428, nothing written.
		p = wantProblem(t, a.as("centre", "PUT", "/api/v1/candidats/"+c.ID, stale), http.StatusPreconditionRequired, "")
		if p.Code != "if_match_requis" {
			t.Errorf("code = %q", p.Code)
		}
		// A weak ETag in If-Match is read as the same version.
		rec = a.as("centre", "PUT", "/api/v1/candidats/"+c.ID, upd, `If-Match: W/"2"`)
		if rec.Code != http.StatusOK || rec.Header().Get("ETag") != `"3"` {
			t.Errorf("weak If-Match: %d %s", rec.Code, rec.Header().Get("ETag"))
		}
		wantProblem(t, a.as("centre", "PUT", "/api/v1/candidats/"+c.ID, upd, `If-Match: "trois"`), http.StatusBadRequest, "")
		got, _ = a.getCandidat("centre", c.ID)
		if got.Version != 3 {
			t.Errorf("version = %d, want 3", got.Version)
		}
		wantProblem(t, a.as("centre", "GET", "/api/v1/candidats/01900000-0000-7000-8000-000000000000", nil), http.StatusNotFound, "")
	})
}

func TestCandidatArchive(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		c := a.createCandidat("centre", candidatBody("Archivé"))
		wantProblem(t, a.as("centre", "POST", "/api/v1/candidats/"+c.ID+"/archivage", nil), http.StatusPreconditionRequired, "")
		p := wantProblem(t, a.as("centre", "POST", "/api/v1/candidats/"+c.ID+"/archivage", nil, `If-Match: "7"`), http.StatusPreconditionFailed, "")
		if p.Code != "version_perimee" {
			t.Errorf("code = %q", p.Code)
		}
		rec := a.as("centre", "POST", "/api/v1/candidats/"+c.ID+"/archivage", nil, `If-Match: "1"`)
		if rec.Code != http.StatusOK {
			t.Fatalf("archive: %d %s", rec.Code, rec.Body)
		}
		var got candidatOut
		mustJSON(t, rec, &got)
		if got.ArchiveLe == nil || got.Version != 2 || rec.Header().Get("ETag") != `"2"` {
			t.Errorf("archived = %+v, ETag %s", got, rec.Header().Get("ETag"))
		}
		if noms(a.listCandidats("centre", ""))["Archivé"] {
			t.Error("archived candidat in the default list")
		}
		if !noms(a.listCandidats("centre", "?archives=true"))["Archivé"] {
			t.Error("archived candidat missing with archives=true")
		}
		if _, rec := a.getCandidat("centre", c.ID); rec.Code != http.StatusOK {
			t.Errorf("archived candidat unreadable: %d", rec.Code)
		}
		p = wantProblem(t, a.as("centre", "PUT", "/api/v1/candidats/"+c.ID, candidatBody("Ressuscité"), `If-Match: "2"`), http.StatusConflict, "")
		if p.Code != "candidat_archive" {
			t.Errorf("code = %q", p.Code)
		}
		wantProblem(t, a.as("centre", "POST", "/api/v1/candidats/"+c.ID+"/archivage", nil, `If-Match: "2"`), http.StatusConflict, "")
		got, _ = a.getCandidat("centre", c.ID)
		if got.NomNaissance != "Archivé" || got.Version != 2 {
			t.Errorf("archived candidat changed: %+v", got)
		}
	})
}

func TestCandidatListFilters(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		all := noms(a.listCandidats("centre", ""))
		want := []string{"Lefèvre", "Nguyễn", "Kowalski"}
		if len(all) != len(want) {
			t.Errorf("centre list = %v, want %v", all, want)
		}
		for _, n := range want {
			if !all[n] {
				t.Errorf("centre list lacks %s: %v", n, all)
			}
		}
		if got := noms(a.listCandidats("centre", "?parcours=vae")); len(got) != 1 || !got["Nguyễn"] {
			t.Errorf("parcours=vae: %v", got)
		}
		if got := noms(a.listCandidats("centre", "?parcours=capitalisation")); len(got) != 1 || !got["Kowalski"] {
			t.Errorf("parcours=capitalisation: %v", got)
		}
		for _, q := range []string{"lef", "LEF", "Lefè", "LeFÈv"} {
			if got := noms(a.listCandidats("centre", "?nom="+url.QueryEscape(q))); len(got) != 1 || !got["Lefèvre"] {
				t.Errorf("nom=%s: %v", q, got)
			}
		}
		// The nom d'usage matches too; the middle of a name does not.
		if got := noms(a.listCandidats("centre", "?nom="+url.QueryEscape("nguyễn-mo"))); len(got) != 1 || !got["Nguyễn"] {
			t.Errorf("nom d'usage prefix: %v", got)
		}
		if got := a.listCandidats("centre", "?nom=fèvre"); len(got.Candidats) != 0 {
			t.Errorf("nom=fèvre matched the middle of a name: %v", noms(got))
		}
		// LIKE wildcards are literal.
		for _, q := range []string{"%", "_", "L_f", `\`} {
			if got := a.listCandidats("centre", "?nom="+url.QueryEscape(q)); len(got.Candidats) != 0 {
				t.Errorf("nom=%s matched %v", q, noms(got))
			}
		}
		if got := noms(a.listCandidats("centre", "?parcours=vae&nom=lef")); len(got) != 0 {
			t.Errorf("filters combine with AND: %v", got)
		}
		// An authority sees the centres of its territory; centre_id narrows.
		if got := noms(a.listCandidats("dreets", "")); len(got) != 3 || got["Popescu"] {
			t.Errorf("dreets list = %v, want the three Lyon candidats", got)
		}
		if got := noms(a.listCandidats("dreets-pdl", "")); len(got) != 1 || !got["Popescu"] {
			t.Errorf("dreets-pdl list = %v, want the Nantes candidat", got)
		}
		var horizons string
		if err := db.Table("centres").Select("id").Where("nom = ?", "Horizons Emploi").Scan(&horizons).Error; err != nil {
			t.Fatal(err)
		}
		if got := noms(a.listCandidats("admin", "?centre_id="+horizons)); len(got) != 1 || !got["Popescu"] {
			t.Errorf("admin centre_id filter = %v", got)
		}
		// A centre cannot widen its scope with centre_id.
		if got := a.listCandidats("centre", "?centre_id="+horizons); len(got.Candidats) != 0 {
			t.Errorf("centre listed another centre's candidats: %v", noms(got))
		}
		for _, q := range []string{"?parcours=autre", "?limite=0", "?limite=201", "?limite=deux", "?archives=peut-etre"} {
			wantProblem(t, a.as("centre", "GET", "/api/v1/candidats"+q, nil), http.StatusBadRequest, "")
		}
	})
}

func TestCandidatPagination(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		want := map[string]bool{"Lefèvre": true, "Nguyễn": true, "Kowalski": true}
		for _, n := range []string{"Abadie", "Bernard", "Chevalier", "Dubois"} {
			a.createCandidat("centre", candidatBody(n))
			want[n] = true
		}
		// One archived candidat is skipped by the default pages.
		arch := a.createCandidat("centre", candidatBody("Zola"))
		if rec := a.as("centre", "POST", "/api/v1/candidats/"+arch.ID+"/archivage", nil, `If-Match: "1"`); rec.Code != http.StatusOK {
			t.Fatalf("archive: %d %s", rec.Code, rec.Body)
		}
		// A candidat of another centre must never appear.
		a.createCandidat("centre2", candidatBody("Étranger"))

		seen := map[string]int{}
		pages, cursor := 0, ""
		for {
			q := "?limite=2"
			if cursor != "" {
				q += "&apres=" + url.QueryEscape(cursor)
			}
			page := a.listCandidats("centre", q)
			pages++
			if len(page.Candidats) > 2 {
				t.Fatalf("page of %d candidats with limite=2", len(page.Candidats))
			}
			for _, c := range page.Candidats {
				seen[c.NomNaissance]++
			}
			if page.Suivant == "" {
				break
			}
			if pages > 10 {
				t.Fatal("pagination does not end")
			}
			cursor = page.Suivant
		}
		if pages != 4 {
			t.Errorf("%d pages for 7 candidats by 2, want 4", pages)
		}
		for n := range want {
			if seen[n] != 1 {
				t.Errorf("%s seen %d times", n, seen[n])
			}
		}
		if len(seen) != len(want) {
			t.Errorf("seen %v, want %v", seen, want)
		}
		// With archives, the archived one shows up exactly once too.
		seen = map[string]int{}
		cursor = ""
		for i := 0; i < 10; i++ {
			q := "?limite=3&archives=true"
			if cursor != "" {
				q += "&apres=" + url.QueryEscape(cursor)
			}
			page := a.listCandidats("centre", q)
			for _, c := range page.Candidats {
				seen[c.NomNaissance]++
			}
			if cursor = page.Suivant; cursor == "" {
				break
			}
		}
		if len(seen) != 8 || seen["Zola"] != 1 || seen["Étranger"] != 0 {
			t.Errorf("archives=true pages: %v", seen)
		}
	})
}

// TestCandidatNameSearchPages pages through a name search whose matches
// come from the nom de naissance, the nom d'usage or both: each candidat
// once, in id order, the other centre's never, the archived ones only when
// asked.
func TestCandidatNameSearchPages(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		want := map[string]bool{}
		for i, n := range []string{"Marchand", "Martin", "Maréchal", "Dupont", "Marty", "Leroy", "Marais"} {
			b := candidatBody(n)
			switch i % 3 {
			case 1:
				b["nom_usage"] = "Marin" // matches twice: listed once
			case 2:
				b["nom_usage"] = "Blanc"
			}
			c := a.createCandidat("centre", b)
			if strings.HasPrefix(strings.ToLower(n), "mar") || i%3 == 1 {
				want[c.ID] = true
			}
		}
		a.createCandidat("centre2", candidatBody("Marceau"))
		arch := a.createCandidat("centre", candidatBody("Marot"))
		if rec := a.as("centre", "POST", "/api/v1/candidats/"+arch.ID+"/archivage", nil, `If-Match: "1"`); rec.Code != http.StatusOK {
			t.Fatalf("archive: %d %s", rec.Code, rec.Body)
		}
		walk := func(query string) []string {
			var ids []string
			cursor := ""
			for range 20 {
				q := query
				if cursor != "" {
					q += "&apres=" + url.QueryEscape(cursor)
				}
				page := a.listCandidats("centre", q)
				if len(page.Candidats) > 2 {
					t.Fatalf("%s: page of %d", q, len(page.Candidats))
				}
				for _, c := range page.Candidats {
					ids = append(ids, c.ID)
				}
				if cursor = page.Suivant; cursor == "" {
					return ids
				}
			}
			t.Fatalf("%s: pagination does not end", query)
			return nil
		}
		ids := walk("?limite=2&nom=MAR")
		if !slices.IsSorted(ids) || len(ids) != len(want) {
			t.Errorf("nom=MAR by 2: %d ids (sorted %v), want %d", len(ids), slices.IsSorted(ids), len(want))
		}
		for _, id := range ids {
			if !want[id] {
				t.Errorf("nom=MAR found %s, which it should not", id)
			}
		}
		if got := walk("?limite=2&nom=mar&archives=true"); len(got) != len(want)+1 || !slices.Contains(got, arch.ID) {
			t.Errorf("nom=mar&archives=true: %d ids, archived one included %v", len(got), slices.Contains(got, arch.ID))
		}
		if got := walk("?limite=2&nom=mari&parcours=vae"); len(got) != 0 {
			t.Errorf("nom=mari&parcours=vae: %v", got)
		}
	})
}

func TestCandidatTenantIsolation(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		lefevre := a.candidatID("Lefèvre")
		popescu := a.candidatID("Popescu")

		// centre2 (Horizons) cannot tell whether centre's candidat exists.
		p := wantProblem(t, a.as("centre2", "GET", "/api/v1/candidats/"+lefevre, nil), http.StatusNotFound, "")
		if p.Code != "introuvable" {
			t.Errorf("code = %q", p.Code)
		}
		wantProblem(t, a.as("centre2", "PUT", "/api/v1/candidats/"+lefevre, candidatBody("Volé"), `If-Match: "1"`), http.StatusNotFound, "")
		wantProblem(t, a.as("centre2", "POST", "/api/v1/candidats/"+lefevre+"/archivage", nil, `If-Match: "1"`), http.StatusNotFound, "")
		got, _ := a.getCandidat("centre", lefevre)
		if got.NomNaissance != "Lefèvre" || got.Version != 1 || got.ArchiveLe != nil {
			t.Errorf("Lefèvre changed by another centre: %+v", got)
		}
		for _, q := range []string{"", "?archives=true", "?nom=lef", "?limite=200"} {
			l := a.listCandidats("centre2", q)
			for _, c := range l.Candidats {
				if c.NomNaissance != "Popescu" {
					t.Errorf("centre2 list %q contains %s", q, c.NomNaissance)
				}
			}
		}
		if got := noms(a.listCandidats("centre2", "")); len(got) != 1 || !got["Popescu"] {
			t.Errorf("centre2 list = %v", got)
		}
		// And the other way round.
		wantProblem(t, a.as("centre", "GET", "/api/v1/candidats/"+popescu, nil), http.StatusNotFound, "")

		// The candidat account sees itself only.
		got, rec := a.getCandidat("candidat", lefevre)
		if rec.Code != http.StatusOK || got.NomNaissance != "Lefèvre" {
			t.Errorf("candidat reads itself: %d %+v", rec.Code, got)
		}
		wantProblem(t, a.as("candidat", "GET", "/api/v1/candidats/"+a.candidatID("Kowalski"), nil), http.StatusNotFound, "")
		wantProblem(t, a.as("candidat", "GET", "/api/v1/candidats/"+popescu, nil), http.StatusNotFound, "")
		p = wantProblem(t, a.as("candidat", "GET", "/api/v1/candidats", nil), http.StatusForbidden, "")
		if p.Code != "acces_refuse" {
			t.Errorf("code = %q", p.Code)
		}
		// A jury member reads no candidat through this API.
		for _, jury := range []string{"jury1", "jury2"} {
			wantProblem(t, a.as(jury, "GET", "/api/v1/candidats/"+lefevre, nil), http.StatusForbidden, "")
			wantProblem(t, a.as(jury, "GET", "/api/v1/candidats", nil), http.StatusForbidden, "")
		}
	})
}

func TestCandidatNamesRoundTrip(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		cases := []struct{ nom, usage, prenoms, lieu string }{
			{`O'Brien"; DROP TABLE candidats; --`, `Robert'); DELETE FROM utilisateurs; --`, `Seán 'Jack' "le" Bœuf`, `Dún Laoghaire % _ \ ;`},
			{"Nguyễn", "Nguyễn-Moreau", "Thị Hoa", "Hô-Chi-Minh-Ville (Viêt Nam)"},
			{"Wiśniewski", "", "Łukasz Żaneta", "Łódź (Pologne)"},
			{"Ionescu", "Ștefănescu", "Ștefan Țicu", "Iași (Roumanie)"},
			{"Åström", "Øster", "Éloïse Maëlle Chloé", "Saint-Étienne (42) — œuvre, ½, €"},
		}
		// What the documents cannot print is refused when typed, naming each field.
		b := candidatBody("Παπαδόπουλος")
		b["nom_usage"], b["prenoms"], b["lieu_naissance"] = "Иванова", "山田 太郎", "Αθήνα 🇬🇷"
		p := wantProblem(t, a.as("centre", "POST", "/api/v1/candidats", b), http.StatusUnprocessableEntity, "nom_naissance")
		for _, f := range []string{"nom_usage", "prenoms", "lieu_naissance"} {
			found := false
			for _, e := range p.Erreurs {
				found = found || (e.Champ == f && e.Code == "caractere_non_imprimable")
			}
			if !found {
				t.Errorf("no caractere_non_imprimable error on %s: %+v", f, p.Erreurs)
			}
		}
		for _, tc := range cases {
			b := candidatBody(tc.nom)
			b["nom_usage"], b["prenoms"], b["lieu_naissance"] = tc.usage, tc.prenoms, tc.lieu
			c := a.createCandidat("centre", b)
			got, rec := a.getCandidat("centre", c.ID)
			if rec.Code != http.StatusOK {
				t.Fatalf("get %s: %d", tc.nom, rec.Code)
			}
			for _, pair := range [][2]string{{c.NomNaissance, tc.nom}, {got.NomNaissance, tc.nom}, {got.NomUsage, tc.usage},
				{got.Prenoms, tc.prenoms}, {got.LieuNaissance, tc.lieu}} {
				if pair[0] != pair[1] {
					t.Errorf("round trip: got %q, want %q", pair[0], pair[1])
				}
			}
			// The name is searchable by its own first letters.
			prefix := string([]rune(tc.nom)[:3])
			found := false
			for _, x := range a.listCandidats("centre", "?nom="+url.QueryEscape(prefix)).Candidats {
				found = found || x.ID == c.ID
			}
			if !found {
				t.Errorf("nom=%s does not find %s", prefix, tc.nom)
			}
		}
		// The injection attempts were data, not SQL: every table is still there.
		if n := a.count("candidats"); n != int64(4+len(cases)) {
			t.Errorf("%d candidats, want %d", n, 4+len(cases))
		}
		if n := a.count("utilisateurs"); n != 8 {
			t.Errorf("%d utilisateurs, want 8", n)
		}
		// Existing demo names came in through the service and read back intact.
		for _, n := range []string{"Nguyễn", "Kowalski", "Lefèvre"} {
			got, _ := a.getCandidat("centre", a.candidatID(n))
			if got.NomNaissance != n {
				t.Errorf("demo %s read back as %q", n, got.NomNaissance)
			}
		}
		got, _ := a.getCandidat("centre", a.candidatID("Kowalski"))
		if got.Prenoms != "Łukasz" {
			t.Errorf("Kowalski prénoms = %q", got.Prenoms)
		}
		got, _ = a.getCandidat("dreets-pdl", a.candidatID("Popescu"))
		if got.Prenoms != "Ștefan" || got.LieuNaissance != "Iași (Roumanie)" {
			t.Errorf("Popescu = %q %q", got.Prenoms, got.LieuNaissance)
		}
	})
}
