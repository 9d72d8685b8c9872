package app_test

import (
	"net/http"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestCompteDesactivation: the administrator deactivates a jury member's
// account through the API; the member's token is refused at its very next
// request with the sign-in advice, and the listing shows the account
// inactive until it is reactivated.
func TestCompteDesactivation(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		if rec := a.as("jury1", "GET", "/api/v1/moi", nil); rec.Code != http.StatusOK {
			t.Fatalf("before: %d %s", rec.Code, rec.Body)
		}
		var moi struct {
			ID string `json:"id"`
		}
		mustJSON(t, a.as("jury1", "GET", "/api/v1/moi", nil), &moi)
		path := "/api/v1/utilisateurs/" + moi.ID
		if p := wantProblem(t, a.as("admin", "POST", path+"/desactivation", map[string]any{"motif": " "}), http.StatusUnprocessableEntity, ""); p.Code == "" {
			t.Errorf("a blank reason: %+v", p)
		}
		if rec := a.as("jury1", "GET", "/api/v1/moi", nil); rec.Code != http.StatusOK {
			t.Fatalf("a refused deactivation closed the session: %d", rec.Code)
		}
		rec := a.as("admin", "POST", path+"/desactivation", map[string]any{"motif": "Fin de mission"})
		var u struct {
			Identifiant string `json:"identifiant"`
			Actif       bool   `json:"actif"`
		}
		mustJSON(t, rec, &u)
		if rec.Code != http.StatusOK || u.Identifiant != "jury1" || u.Actif {
			t.Fatalf("deactivation: %d %s", rec.Code, rec.Body)
		}
		if p := wantProblem(t, a.as("jury1", "GET", "/api/v1/moi", nil), http.StatusUnauthorized, ""); p.Code != "jeton_invalide" {
			t.Errorf("the deactivated account's token: %+v", p)
		}
		if p := wantProblem(t, a.as("admin", "POST", path+"/desactivation", map[string]any{"motif": "encore"}), http.StatusConflict, ""); p.Code != "compte_inactif" {
			t.Errorf("deactivating twice: %+v", p)
		}
		if rec := a.as("admin", "POST", path+"/reactivation", map[string]any{"motif": "Nouvelle mission"}); rec.Code != http.StatusOK {
			t.Fatalf("reactivation: %d %s", rec.Code, rec.Body)
		}
		var list struct {
			Utilisateurs []struct {
				Identifiant string `json:"identifiant"`
				Actif       bool   `json:"actif"`
			} `json:"utilisateurs"`
		}
		mustJSON(t, a.as("admin", "GET", "/api/v1/utilisateurs?role=jury", nil), &list)
		for _, x := range list.Utilisateurs {
			if x.Identifiant == "jury1" && !x.Actif {
				t.Error("jury1 listed inactive after reactivation")
			}
		}
	})
}
