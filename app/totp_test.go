package app_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/fixtures"
)

func demoPassword(t *testing.T, identifiant string) string {
	t.Helper()
	for _, acc := range fixtures.DemoComptes {
		if acc.Identifiant == identifiant {
			return acc.MotDePasse
		}
	}
	t.Fatalf("no demo account %q", identifiant)
	return ""
}

// connexionTOTP signs in through the API with a second-factor code.
func (a *api) connexionTOTP(identifiant, code string) *httptest.ResponseRecorder {
	a.t.Helper()
	return a.do("POST", "/api/v1/auth/connexion", "", map[string]string{
		"identifiant": identifiant, "mot_de_passe": demoPassword(a.t, identifiant), "code_totp": code})
}

// enrolTOTP enrols identifiant's second factor through the API at the
// test's clock and returns its secret and recovery codes.
func (a *api) enrolTOTP(identifiant string) (string, []string) {
	a.t.Helper()
	var e struct {
		Secret string `json:"secret"`
		URL    string `json:"url_otpauth"`
		QR     string `json:"qr_png"`
	}
	mustJSON(a.t, a.as(identifiant, "POST", "/api/v1/moi/totp", nil), &e)
	if e.Secret == "" || !strings.HasPrefix(e.URL, "otpauth://totp/cipcert:"+identifiant+"?") || !strings.HasPrefix(e.QR, "iVBORw0KGgo") {
		a.t.Fatalf("enrolment of %s: %+v", identifiant, e)
	}
	code, err := certification.CodeTOTP(e.Secret, a.clock())
	if err != nil {
		a.t.Fatal(err)
	}
	var out struct {
		Codes []string `json:"codes_secours"`
	}
	rec := a.as(identifiant, "POST", "/api/v1/moi/totp/activation", map[string]string{"code": code})
	mustJSON(a.t, rec, &out)
	if rec.Code != http.StatusOK || len(out.Codes) != 10 {
		a.t.Fatalf("activation of %s: %d %s", identifiant, rec.Code, rec.Body)
	}
	return e.Secret, out.Codes
}

// actions returns the audit actions recorded about an account, oldest first.
func (a *api) actions(identifiant string) []string {
	a.t.Helper()
	var out []string
	err := a.db.Raw(`SELECT e.action FROM evenements e JOIN utilisateurs u ON u.id = e.objet_id
		WHERE u.identifiant = ? AND e.action LIKE 'totp%' ORDER BY e.at, e.id`, identifiant).Scan(&out).Error
	if err != nil {
		a.t.Fatal(err)
	}
	return out
}

// TestTOTP: an administrator enrols its second factor through the API; a
// code from the test's clock then signs it in, once only; a recovery code
// signs it in once; the secret is never given again; another
// administrator's reset lets its owner sign in with its password alone.
// Each step is in the audit trail.
func TestTOTP(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		var first struct {
			Secret string `json:"secret"`
		}
		mustJSON(t, a.as("admin", "POST", "/api/v1/moi/totp", nil), &first)
		var again struct {
			Secret string `json:"secret"`
		}
		mustJSON(t, a.as("admin", "POST", "/api/v1/moi/totp", nil), &again)
		if first.Secret == "" || again.Secret != first.Secret {
			t.Fatalf("asked twice, the enrolment gives %q then %q", first.Secret, again.Secret)
		}
		// Before its activation, the factor asks nothing at sign-in.
		if rec := a.connexionTOTP("admin", ""); rec.Code != http.StatusOK {
			t.Fatalf("sign-in before the activation: %d %s", rec.Code, rec.Body)
		}
		good, err := certification.CodeTOTP(first.Secret, a.clock())
		if err != nil {
			t.Fatal(err)
		}
		wrong := "000000"
		if good == wrong {
			wrong = "111111"
		}
		if p := wantProblem(t, a.as("admin", "POST", "/api/v1/moi/totp/activation", map[string]string{"code": wrong}),
			http.StatusUnprocessableEntity, "code"); p.Code != "code_activation_invalide" {
			t.Errorf("a wrong first code: %+v", p)
		}
		secret, codes := a.enrolTOTP("admin")
		if secret != first.Secret {
			t.Fatalf("the activation used another secret")
		}
		if p := wantProblem(t, a.as("admin", "POST", "/api/v1/moi/totp", nil), http.StatusConflict, ""); p.Code != "totp_deja_actif" {
			t.Errorf("the secret asked again once active: %+v", p)
		}
		var stored string
		if err := db.Raw(`SELECT secret FROM totp`).Scan(&stored).Error; err != nil || strings.Contains(stored, secret) {
			t.Errorf("the secret is stored in clear while a key is set: %q %v", stored, err)
		}

		if p := wantProblem(t, a.connexionTOTP("admin", ""), http.StatusUnauthorized, ""); p.Code != "code_totp_requis" {
			t.Errorf("a right password without its code: %+v", p)
		}
		// The activation's code was used in this step: it is refused.
		if p := wantProblem(t, a.connexionTOTP("admin", good), http.StatusUnauthorized, ""); p.Code != "code_totp_invalide" {
			t.Errorf("the activation's code replayed: %+v", p)
		}
		a.advance(30 * time.Second)
		code, _ := certification.CodeTOTP(secret, a.clock())
		if rec := a.connexionTOTP("admin", code); rec.Code != http.StatusOK {
			t.Fatalf("a code from the test's clock: %d %s", rec.Code, rec.Body)
		}
		if p := wantProblem(t, a.connexionTOTP("admin", code), http.StatusUnauthorized, ""); p.Code != "code_totp_invalide" {
			t.Errorf("a replayed code: %+v", p)
		}
		// The next step's code is admitted (a clock slightly ahead), and
		// then the current one, earlier, no longer is.
		a.advance(30 * time.Second)
		ahead, _ := certification.CodeTOTP(secret, a.clock().Add(30*time.Second))
		if rec := a.connexionTOTP("admin", ahead); rec.Code != http.StatusOK {
			t.Fatalf("the next step's code: %d %s", rec.Code, rec.Body)
		}
		now, _ := certification.CodeTOTP(secret, a.clock())
		if now != ahead {
			if p := wantProblem(t, a.connexionTOTP("admin", now), http.StatusUnauthorized, ""); p.Code != "code_totp_invalide" {
				t.Errorf("a code older than the last one used: %+v", p)
			}
		}

		if rec := a.connexionTOTP("admin", codes[0]); rec.Code != http.StatusOK {
			t.Fatalf("a recovery code: %d %s", rec.Code, rec.Body)
		}
		if p := wantProblem(t, a.connexionTOTP("admin", codes[0]), http.StatusUnauthorized, ""); p.Code != "code_totp_invalide" {
			t.Errorf("a recovery code used twice: %+v", p)
		}
		typed := strings.ToLower(strings.ReplaceAll(codes[1], "-", " "))
		if rec := a.connexionTOTP("admin", typed); rec.Code != http.StatusOK {
			t.Fatalf("a recovery code typed in lower case with a space: %d %s", rec.Code, rec.Body)
		}

		// The reset: not one's own; another's, with a reason.
		var dreets struct {
			ID string `json:"id"`
		}
		mustJSON(t, a.as("dreets", "GET", "/api/v1/moi", nil), &dreets)
		var admin struct {
			ID string `json:"id"`
		}
		mustJSON(t, a.as("admin", "GET", "/api/v1/moi", nil), &admin)
		if p := wantProblem(t, a.as("admin", "POST", "/api/v1/utilisateurs/"+admin.ID+"/totp/reinitialisation", map[string]string{"motif": "Essai"}),
			http.StatusConflict, ""); p.Code != "reinitialisation_de_soi" {
			t.Errorf("resetting one's own: %+v", p)
		}
		reset := "/api/v1/utilisateurs/" + dreets.ID + "/totp/reinitialisation"
		if p := wantProblem(t, a.as("admin", "POST", reset, map[string]string{"motif": "Téléphone perdu"}), http.StatusConflict, ""); p.Code != "totp_inactif" {
			t.Errorf("resetting an account without a second factor: %+v", p)
		}
		a.enrolTOTP("dreets")
		if p := wantProblem(t, a.connexionTOTP("dreets", ""), http.StatusUnauthorized, ""); p.Code != "code_totp_requis" {
			t.Fatalf("dreets without its code: %+v", p)
		}
		if p := wantProblem(t, a.as("dreets", "POST", reset, map[string]string{"motif": "Téléphone perdu"}), http.StatusForbidden, ""); p.Code != "acces_refuse" {
			t.Errorf("an autorité resetting: %+v", p)
		}
		if rec := a.as("admin", "POST", reset, map[string]string{"motif": "Téléphone perdu"}); rec.Code != http.StatusNoContent {
			t.Fatalf("the reset: %d %s", rec.Code, rec.Body)
		}
		if rec := a.connexionTOTP("dreets", ""); rec.Code != http.StatusOK {
			t.Errorf("after the reset, the password alone: %d %s", rec.Code, rec.Body)
		}
		if n := a.count("totp_secours"); n != 10 {
			t.Errorf("after the reset, %d recovery codes left in the table, want the administrator's 10", n)
		}

		if got, want := strings.Join(a.actions("admin"), " "), "totp_active totp_code_secours_utilise totp_code_secours_utilise"; got != want {
			t.Errorf("the administrator's audit trail: %q, want %q", got, want)
		}
		if got, want := strings.Join(a.actions("dreets"), " "), "totp_active totp_reinitialise"; got != want {
			t.Errorf("the autorité's audit trail: %q, want %q", got, want)
		}
	})
}

// TestTOTPLimiteConnexion: a right password sent without its code is not
// a failure, a wrong code is: after the identifiant's burst of wrong codes
// even the right code waits.
func TestTOTPLimiteConnexion(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPIWith(t, db, app.Options{LoginBurst: 3, LoginEvery: time.Hour})
		secret, _ := a.enrolTOTP("admin")
		a.advance(30 * time.Second)
		for range 5 {
			wantProblem(t, a.connexionTOTP("admin", ""), http.StatusUnauthorized, "")
		}
		good, _ := certification.CodeTOTP(secret, a.clock())
		wrong := "000000"
		if good == wrong {
			wrong = "111111"
		}
		for i := range 3 {
			if p := wantProblem(t, a.connexionTOTP("admin", wrong), http.StatusUnauthorized, ""); p.Code != "code_totp_invalide" {
				t.Fatalf("wrong code %d: %+v", i, p)
			}
		}
		if p := wantProblem(t, a.connexionTOTP("admin", good), http.StatusTooManyRequests, ""); p.Code == "" {
			t.Errorf("after three wrong codes: %+v", p)
		}
	})
}

// TestTOTPObligatoire: with the setting on, an administrator without a
// second factor may only enrol it (and read its account, sign out); a
// centre is not concerned. Once enrolled, the same token goes on.
func TestTOTPObligatoire(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPIService(t, db, app.Options{}, func(o *certification.Options) { o.TOTPObligatoire = true })
		if p := wantProblem(t, a.as("admin", "GET", "/api/v1/utilisateurs", nil), http.StatusForbidden, ""); p.Code != "second_facteur_a_activer" {
			t.Errorf("an administrator without its second factor: %+v", p)
		}
		if p := wantProblem(t, a.as("dreets", "GET", "/api/v1/sessions", nil), http.StatusForbidden, ""); p.Code != "second_facteur_a_activer" {
			t.Errorf("an autorité without its second factor: %+v", p)
		}
		if rec := a.as("admin", "GET", "/api/v1/moi", nil); rec.Code != http.StatusOK {
			t.Errorf("GET /moi before the enrolment: %d", rec.Code)
		}
		if rec := a.as("centre", "GET", "/api/v1/sessions", nil); rec.Code != http.StatusOK {
			t.Errorf("a centre is not concerned: %d %s", rec.Code, rec.Body)
		}
		a.enrolTOTP("admin")
		if rec := a.as("admin", "GET", "/api/v1/utilisateurs", nil); rec.Code != http.StatusOK {
			t.Errorf("after the enrolment: %d %s", rec.Code, rec.Body)
		}
	})
}
