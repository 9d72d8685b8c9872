package app_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

type loginOut struct {
	Jeton    string    `json:"jeton"`
	Type     string    `json:"type"`
	ExpireLe time.Time `json:"expire_le"`
}

type moiOut struct {
	ID          string `json:"id"`
	Identifiant string `json:"identifiant"`
	Nom         string `json:"nom"`
	Role        string `json:"role"`
	CentreID    string `json:"centre_id"`
	CandidatID  string `json:"candidat_id"`
}

func connexion(identifiant, motDePasse string) map[string]string {
	return map[string]string{"identifiant": identifiant, "mot_de_passe": motDePasse}
}

func TestConnexion(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		rec := a.do("POST", "/api/v1/auth/connexion", "", connexion("centre", "centre-demo-cipcert"))
		if rec.Code != http.StatusOK {
			t.Fatalf("login: %d %s", rec.Code, rec.Body)
		}
		var out loginOut
		mustJSON(t, rec, &out)
		if len(out.Jeton) < 32 || out.Type != "Bearer" {
			t.Errorf("login answer = %+v", out)
		}
		if want := certtest.Now.Add(8 * time.Hour); !out.ExpireLe.Equal(want) {
			t.Errorf("expire_le = %v, want %v", out.ExpireLe, want)
		}
		if out.Jeton == a.tokens["centre"] {
			t.Error("a second login returned the same token")
		}
		if rec := a.do("GET", "/api/v1/moi", out.Jeton, nil); rec.Code != http.StatusOK {
			t.Errorf("new token: %d", rec.Code)
		}
		// Tokens are stored hashed, never as given to the client.
		var n int64
		if err := db.Table("jetons").Where("hash = ?", out.Jeton).Count(&n).Error; err != nil || n != 0 {
			t.Errorf("token stored in clear (%d rows, %v)", n, err)
		}
		// The identifiant ignores case and surrounding blanks.
		if rec := a.do("POST", "/api/v1/auth/connexion", "", connexion("  CENTRE ", "centre-demo-cipcert")); rec.Code != http.StatusOK {
			t.Errorf("identifiant in capitals: %d %s", rec.Code, rec.Body)
		}

		// Wrong password and unknown account are indistinguishable.
		wrong := wantProblem(t, a.do("POST", "/api/v1/auth/connexion", "", connexion("centre", "mauvais-mot-de-passe")), http.StatusUnauthorized, "")
		unknown := wantProblem(t, a.do("POST", "/api/v1/auth/connexion", "", connexion("personne", "centre-demo-cipcert")), http.StatusUnauthorized, "")
		if wrong.Code != "identifiants_invalides" || wrong.Code != unknown.Code || wrong.Detail != unknown.Detail {
			t.Errorf("wrong password %q/%q, unknown account %q/%q", wrong.Code, wrong.Detail, unknown.Code, unknown.Detail)
		}
		// The password is case-sensitive.
		wantProblem(t, a.do("POST", "/api/v1/auth/connexion", "", connexion("centre", "CENTRE-DEMO-CIPCERT")), http.StatusUnauthorized, "")
		// Another account's password does not open this one.
		wantProblem(t, a.do("POST", "/api/v1/auth/connexion", "", connexion("centre", "admin-demo-cipcert")), http.StatusUnauthorized, "")
	})
}

func TestConnexionRateLimit(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPIWith(t, db, app.Options{LoginBurst: 3, LoginEvery: time.Minute})
		// The harness logged every demo account in once; let the buckets refill.
		a.advance(time.Hour)
		for i := 0; i < 3; i++ {
			wantProblem(t, a.do("POST", "/api/v1/auth/connexion", "", connexion("jury2", "essai-"+strconv.Itoa(i))), http.StatusUnauthorized, "")
		}
		rec := a.do("POST", "/api/v1/auth/connexion", "", connexion("jury2", "jury2-demo-cipcert"))
		p := wantProblem(t, rec, http.StatusTooManyRequests, "")
		if p.Code != "trop_de_tentatives" {
			t.Errorf("code = %q", p.Code)
		}
		ra, err := strconv.Atoi(rec.Header().Get("Retry-After"))
		if err != nil || ra < 1 || ra > 61 {
			t.Errorf("Retry-After = %q, want 1..61 seconds", rec.Header().Get("Retry-After"))
		}
		// The case of the identifiant does not open a new bucket.
		wantProblem(t, a.do("POST", "/api/v1/auth/connexion", "", connexion("JURY2", "jury2-demo-cipcert")), http.StatusTooManyRequests, "")
		// Another identifiant is not held up by jury2's attempts.
		if rec := a.do("POST", "/api/v1/auth/connexion", "", connexion("jury1", "jury1-demo-cipcert")); rec.Code != http.StatusOK {
			t.Errorf("jury1 login: %d %s", rec.Code, rec.Body)
		}
		// Once the announced delay has passed, the right password works again.
		a.advance(time.Duration(ra) * time.Second)
		if rec := a.do("POST", "/api/v1/auth/connexion", "", connexion("jury2", "jury2-demo-cipcert")); rec.Code != http.StatusOK {
			t.Errorf("login after Retry-After: %d %s", rec.Code, rec.Body)
		}
	})
}

func TestConnexionRateLimitPerAddress(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPIWith(t, db, app.Options{LoginBurst: 3, LoginEvery: time.Minute})
		a.advance(time.Hour)
		// One address spraying many identifiants is stopped too (4 × burst).
		var last int
		for i := 0; i < 13; i++ {
			last = a.do("POST", "/api/v1/auth/connexion", "", connexion("inconnu"+strconv.Itoa(i), "x")).Code
		}
		if last != http.StatusTooManyRequests {
			t.Errorf("13th attempt from one address: %d, want 429", last)
		}
		// X-Forwarded-For does not pick another bucket.
		rec := a.do("POST", "/api/v1/auth/connexion", "", connexion("admin", "admin-demo-cipcert"), "X-Forwarded-For: 203.0.113.9")
		wantProblem(t, rec, http.StatusTooManyRequests, "")
	})
}

func TestJetonExpire(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		a.advance(7*time.Hour + 59*time.Minute)
		if rec := a.as("centre", "GET", "/api/v1/moi", nil); rec.Code != http.StatusOK {
			t.Fatalf("token before expiry: %d", rec.Code)
		}
		a.advance(time.Minute)
		p := wantProblem(t, a.as("centre", "GET", "/api/v1/moi", nil), http.StatusUnauthorized, "")
		if p.Code != "jeton_invalide" {
			t.Errorf("at expiry: code %q", p.Code)
		}
		a.advance(time.Hour)
		for _, role := range roleAccounts {
			p := wantProblem(t, a.as(role, "GET", "/api/v1/titres", nil), http.StatusUnauthorized, "")
			if p.Code != "jeton_invalide" {
				t.Errorf("%s after 9h: code %q", role, p.Code)
			}
		}
		// A new login gives a working token.
		if rec := a.do("GET", "/api/v1/moi", a.freshToken("centre"), nil); rec.Code != http.StatusOK {
			t.Errorf("fresh token: %d", rec.Code)
		}
	})
}

func TestDeconnexion(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		other := a.freshToken("centre")
		rec := a.as("centre", "POST", "/api/v1/auth/deconnexion", nil)
		if rec.Code != http.StatusNoContent || rec.Body.Len() != 0 {
			t.Fatalf("logout: %d %q", rec.Code, rec.Body)
		}
		p := wantProblem(t, a.as("centre", "GET", "/api/v1/moi", nil), http.StatusUnauthorized, "")
		if p.Code != "jeton_invalide" {
			t.Errorf("revoked token: code %q", p.Code)
		}
		wantProblem(t, a.as("centre", "GET", "/api/v1/candidats", nil), http.StatusUnauthorized, "")
		wantProblem(t, a.as("centre", "POST", "/api/v1/auth/deconnexion", nil), http.StatusUnauthorized, "")
		// The same user's other session and other users are untouched.
		if rec := a.do("GET", "/api/v1/candidats", other, nil); rec.Code != http.StatusOK {
			t.Errorf("other token of the same user: %d", rec.Code)
		}
		if rec := a.as("centre2", "GET", "/api/v1/moi", nil); rec.Code != http.StatusOK {
			t.Errorf("other user: %d", rec.Code)
		}
		var revoked int64
		if err := db.Table("jetons").Where("revoque_at IS NOT NULL").Count(&revoked).Error; err != nil || revoked != 1 {
			t.Errorf("%d revoked tokens, want 1 (%v)", revoked, err)
		}
	})
}

func TestMoi(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		ids := a.roleIDs()
		var horizons string
		if err := db.Table("centres").Select("id").Where("nom = ?", "Horizons Emploi").Scan(&horizons).Error; err != nil {
			t.Fatal(err)
		}
		cases := []struct{ account, role, centre, candidat string }{
			{"admin", "admin", "", ""},
			{"dreets", "autorite", "", ""},
			{"centre", "centre", ids.centre, ""},
			{"centre2", "centre", horizons, ""},
			{"jury1", "jury", "", ""},
			{"jury2", "jury", "", ""},
			{"candidat", "candidat", "", ids.candidat},
		}
		seen := map[string]bool{}
		for _, tc := range cases {
			rec := a.as(tc.account, "GET", "/api/v1/moi", nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("moi %s: %d %s", tc.account, rec.Code, rec.Body)
			}
			var m moiOut
			mustJSON(t, rec, &m)
			if m.Identifiant != tc.account || m.Role != tc.role || m.CentreID != tc.centre || m.CandidatID != tc.candidat || m.ID == "" || m.Nom == "" {
				t.Errorf("moi %s = %+v, want role %s centre %q candidat %q", tc.account, m, tc.role, tc.centre, tc.candidat)
			}
			if seen[m.ID] {
				t.Errorf("id %s returned for two accounts", m.ID)
			}
			seen[m.ID] = true
		}
		// Nothing secret leaks.
		body := a.as("admin", "GET", "/api/v1/moi", nil).Body.String()
		for _, secret := range []string{"mot_de_passe", "hash", "$2a$"} {
			if strings.Contains(body, secret) {
				t.Errorf("/moi leaks %q: %s", secret, body)
			}
		}
	})
}
