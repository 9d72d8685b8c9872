package app_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestNamesNormalisedAndRefused: names arrive in NFC whatever form they
// were typed in, so that a search finds them; invisible, bidirectional,
// control and format characters are refused on the field they are in,
// and nothing is written.
func TestNamesNormalisedAndRefused(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		// Decomposed (NFD) input is stored composed and found by a composed search.
		b := candidatBody("Lefe\u0300vre-Nguye\u0302\u0303n")
		b["prenoms"], b["lieu_naissance"] = "Ame\u0301lie", "Saint-E\u0301tienne (42)"
		c := a.createCandidat("centre", b)
		if c.NomNaissance != "Lefèvre-Nguyễn" || c.Prenoms != "Amélie" || c.LieuNaissance != "Saint-Étienne (42)" {
			t.Errorf("stored %+q %+q %+q, want NFC", c.NomNaissance, c.Prenoms, c.LieuNaissance)
		}
		found := false
		for _, x := range a.listCandidats("centre", "?nom="+url.QueryEscape("lefèvre-ng")).Candidats {
			found = found || x.ID == c.ID
		}
		if !found {
			t.Error(`nom=lefèvre-ng does not find a name typed decomposed`)
		}

		before := a.count("candidats")
		for _, tc := range []struct {
			name, field, value, code string
		}{
			{"invisible surname", "nom_naissance", "\u200b", "caractere_interdit"},
			{"right-to-left override", "nom_naissance", "Test\u202eeivlyS", "caractere_interdit"},
			{"bidi isolate", "prenoms", "Jean\u2067ne", "caractere_interdit"},
			{"soft hyphen", "nom_usage", "Du\u00adpont", "caractere_interdit"},
			{"byte order mark", "prenoms", "\ufeffJeanne", "caractere_interdit"},
			{"C1 control", "lieu_naissance", "Ly\u0085on", "caractere_interdit"},
			{"zero-width joiner", "nom_naissance", "Du\u200dpont", "caractere_interdit"},
			{"no letter", "nom_naissance", "- -", "sans_lettre"},
			{"stacked marks", "prenoms", "Ze\u0300\u0301\u0302\u0303\u0304\u0305", "trop_de_diacritiques"},
		} {
			b := candidatBody("Martin")
			b[tc.field] = tc.value
			p := wantProblem(t, a.as("centre", "POST", "/api/v1/candidats", b), http.StatusUnprocessableEntity, tc.field)
			for _, e := range p.Erreurs {
				if e.Champ == tc.field && e.Code != tc.code {
					t.Errorf("%s: code %q, want %q (%s)", tc.name, e.Code, tc.code, e.Message)
				}
			}
		}
		if got := a.count("candidats"); got != before {
			t.Errorf("%d candidats, had %d: a refused name was written", got, before)
		}

		// A jury member and an account name follow the same rules.
		wantProblem(t, a.as("dreets", "POST", "/api/v1/jury/membres", map[string]any{
			"nom": "Du\u202epont", "prenoms": "Claire", "email": "c@example.fr"}), http.StatusUnprocessableEntity, "nom")
		wantProblem(t, a.as("admin", "POST", "/api/v1/utilisateurs", map[string]any{
			"identifiant": "claire.dubois", "nom": "Claire\u200b", "mot_de_passe": "un-mot-de-passe-long", "role": "jury"}),
			http.StatusUnprocessableEntity, "nom")
	})
}

// TestIdentifiantCharacters: identifiants are typed at every login; only
// a-z, 0-9, dot, hyphen and underscore, so that two that look alike are
// the same. Upper case is folded, as at login.
func TestIdentifiantCharacters(t *testing.T) {
	t.Parallel()
	a := newAPI(t, certtest.Open(t, "sqlite"))
	compte := func(id string) map[string]any {
		return map[string]any{"identifiant": id, "nom": "Claire Dubois", "mot_de_passe": "un-mot-de-passe-long", "role": "jury"}
	}
	for _, id := range []string{"clàire", "claire dubois", "claire\u200b", "сlaire" /* Cyrillic с */, "claire@x", "cla/ire"} {
		p := wantProblem(t, a.as("admin", "POST", "/api/v1/utilisateurs", compte(id)), http.StatusUnprocessableEntity, "identifiant")
		if p.Code != "utilisateur_invalide" && p.Code != "validation" {
			t.Errorf("%+q: code %q", id, p.Code)
		}
	}
	for _, id := range []string{"Claire.Dubois", "c_dubois-2"} {
		if rec := a.as("admin", "POST", "/api/v1/utilisateurs", compte(id)); rec.Code != http.StatusCreated {
			t.Errorf("%s: %d %s", id, rec.Code, rec.Body)
		}
	}
	if tok := a.login("claire.dubois", "un-mot-de-passe-long"); tok == "" {
		t.Error("the folded identifiant does not log in")
	}
}
