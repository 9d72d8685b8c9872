package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestCompteCandidatActivation: a centre opens its candidat's account and
// gets a one-time link, never a password; a new link replaces the last;
// once activated, the account takes no more links. The administrator
// still creates accounts with a password.
func TestCompteCandidatActivation(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		id := a.candidatID("Kowalski")
		path := "/api/v1/candidats/" + id + "/compte"
		users := a.count("utilisateurs")

		open := func() (identifiant, lien string, expire time.Time) {
			t.Helper()
			rec := a.as("centre", "POST", path, nil)
			if rec.Code != http.StatusCreated {
				t.Fatalf("open the account: %d %s", rec.Code, rec.Body)
			}
			var out struct {
				Identifiant string    `json:"identifiant"`
				Lien        string    `json:"lien_activation"`
				ExpireLe    time.Time `json:"expire_le"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(rec.Body.String(), "mot_de_passe") {
				t.Errorf("the answer speaks of a password: %s", rec.Body)
			}
			return out.Identifiant, out.Lien, out.ExpireLe
		}
		ident, first, expire := open()
		if !strings.HasPrefix(first, "https://cipcert.test/activation/") || ident == "" {
			t.Fatalf("link %q for %q", first, ident)
		}
		if want := a.clock().Add(certification.ActivationTTL); !expire.Equal(want) {
			t.Errorf("expires %v, want %v", expire, want)
		}
		if n := a.count("utilisateurs"); n != users+1 {
			t.Errorf("%d utilisateurs, want %d", n, users+1)
		}
		// Lost: a new link, the same account; the first no longer serves.
		ident2, second, _ := open()
		if ident2 != ident || second == first {
			t.Errorf("second link %q for %q", second, ident2)
		}
		if n := a.count("utilisateurs"); n != users+1 {
			t.Errorf("%d utilisateurs after a new link, want %d", n, users+1)
		}
		token := func(l string) string { return l[strings.LastIndex(l, "/")+1:] }
		ctx := context.Background()
		if _, _, err := a.svc.ActiverCompte(ctx, token(first), "une phrase de passe choisie"); err == nil {
			t.Error("the replaced link activated the account")
		}
		if _, _, err := a.svc.ActiverCompte(ctx, token(second), "une phrase de passe choisie"); err != nil {
			t.Fatalf("activation: %v", err)
		}
		if p := wantProblem(t, a.as("centre", "POST", path, nil), http.StatusConflict, ""); p.Code != "compte_actif" {
			t.Errorf("a link for an active account: %+v", p)
		}
		// Another centre's candidat does not exist for this one.
		wantProblem(t, a.as("centre2", "POST", path, nil), http.StatusNotFound, "")

		// The administrator creates accounts with a password, as before.
		rec := a.as("admin", "POST", "/api/v1/utilisateurs", map[string]any{"identifiant": "nguyen", "nom": "Thị Hoa Nguyễn",
			"mot_de_passe": "un-mot-de-passe-long", "role": "candidat", "candidat_id": a.candidatID("Nguyễn")})
		if rec.Code != http.StatusCreated {
			t.Errorf("admin creates a candidat account: %d %s", rec.Code, rec.Body)
		}
	})
}
