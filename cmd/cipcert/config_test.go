package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cipcert/cipcert/app/web"
	"github.com/cipcert/cipcert/fixtures"
	"github.com/cipcert/cipcert/pdf/sceau"
)

// TestConfigDemo: only an explicit CIPCERT_DEMO=1 admits issuing documents
// with an http PUBLIC_URL; anything else but unset is a mistake, reported.
func TestConfigDemo(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	for _, c := range []struct {
		demo string
		want bool
	}{{"", false}, {"0", false}, {"1", true}} {
		cfg, err := loadConfig(env(map[string]string{"CIPCERT_DEMO": c.demo}))
		if err != nil || cfg.Demo != c.want {
			t.Errorf("CIPCERT_DEMO=%q: Demo %v, %v; want %v", c.demo, cfg.Demo, err, c.want)
		}
	}
	if _, err := loadConfig(env(map[string]string{"CIPCERT_DEMO": "oui"})); err == nil || !strings.Contains(err.Error(), "CIPCERT_DEMO") {
		t.Errorf("CIPCERT_DEMO=oui: %v, want an error naming it", err)
	}
}

// TestTrustedProxiesSetting: TRUSTED_PROXIES is read into the server's
// options, and a wrong entry is reported with the other problems.
func TestTrustedProxiesSetting(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	c, err := loadConfig(env(map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.TrustedProxies) != 2 || c.TrustedProxies[0].String() != "10.0.0.0/8" || c.TrustedProxies[1].String() != "192.0.2.7/32" {
		t.Errorf("TrustedProxies = %v", c.TrustedProxies)
	}
	if c, err := loadConfig(env(nil)); err != nil || len(c.TrustedProxies) != 0 {
		t.Errorf("default: %v %v, want none trusted", c.TrustedProxies, err)
	}
	_, err = loadConfig(env(map[string]string{"TRUSTED_PROXIES": "proxy.interne", "THEME": "bleu"}))
	if err == nil || !strings.Contains(err.Error(), "TRUSTED_PROXIES") || !strings.Contains(err.Error(), "THEME") {
		t.Errorf("bad settings: %v, want both reported", err)
	}
}

// TestConfigSceau: the authority's seal comes from PEM in the environment
// or in files; every mistake is reported, in French.
func TestConfigSceau(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	dir := t.TempDir()
	certA, keyA, err := sceau.Generer("DREETS Bretagne — sceau", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, keyB, _ := sceau.Generer("B", time.Now())
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	certFile, keyFile := write("cert.pem", certA), write("cle.pem", keyA)

	if c, err := loadConfig(env(nil)); err != nil || c.Sceau != nil {
		t.Fatalf("no seal configured: %v %v, want none and no error", c.Sceau, err)
	}
	for name, e := range map[string]map[string]string{
		"Fichiers": {"CIPCERT_SCEAU_CERT_FILE": certFile, "CIPCERT_SCEAU_CLE_FILE": keyFile},
		"Valeurs":  {"CIPCERT_SCEAU_CERT": string(certA), "CIPCERT_SCEAU_CLE": string(keyA)},
	} {
		c, err := loadConfig(env(e))
		if err != nil || c.Sceau == nil || c.Sceau.Certificat().Nom != "DREETS Bretagne — sceau" {
			t.Errorf("%s: %v %v, want the seal of DREETS Bretagne", name, c.Sceau, err)
		}
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"CertSansCle", map[string]string{"CIPCERT_SCEAU_CERT_FILE": certFile}, "sans CIPCERT_SCEAU_CLE"},
		{"CleSansCert", map[string]string{"CIPCERT_SCEAU_CLE_FILE": keyFile}, "sans CIPCERT_SCEAU_CERT"},
		{"LesDeux", map[string]string{"CIPCERT_SCEAU_CERT_FILE": certFile, "CIPCERT_SCEAU_CERT": string(certA), "CIPCERT_SCEAU_CLE_FILE": keyFile}, "tous deux"},
		{"FichierAbsent", map[string]string{"CIPCERT_SCEAU_CERT_FILE": filepath.Join(dir, "absent.pem"), "CIPCERT_SCEAU_CLE_FILE": keyFile}, "CIPCERT_SCEAU_CERT_FILE"},
		{"AutreCle", map[string]string{"CIPCERT_SCEAU_CERT_FILE": certFile, "CIPCERT_SCEAU_CLE": string(keyB)}, "ne correspond pas"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Another mistake in the same environment is reported too.
			tc.env["THEME"] = "bleu"
			_, err := loadConfig(env(tc.env))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "THEME") {
				t.Fatalf("err = %v, want one naming %q and THEME", err, tc.want)
			}
		})
	}
}

// TestConfigConservationMentions: the retention table and the legal
// mentions default to the repository's and the demo's, come from the
// operator's files when set, and a faulty file is reported.
func TestConfigConservationMentions(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	c, err := loadConfig(env(nil))
	if err != nil || len(c.Conservation) != 6 || c.Mentions != (web.Mentions{}) {
		t.Fatalf("default: %d categories, %+v, %v", len(c.Conservation), c.Mentions, err)
	}
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	table := strings.Replace(string(must(fixtures.File("conservation.json"))), `"duree_mois": 12`, `"duree_mois": 6`, 1)
	m := `{"editeur":"DREETS Bretagne","adresse":"Rennes","directeur_publication":"La directrice","hebergeur":"H",
		"responsable_traitement":"Le ministre","dpo":"dpd@example.fr","contact_accessibilite":"a11y@example.fr","date_declaration":"01/12/2026"}`
	c, err = loadConfig(env(map[string]string{"CIPCERT_CONSERVATION_FILE": write("c.json", table), "CIPCERT_MENTIONS_FILE": write("m.json", m)}))
	if err != nil || c.Conservation.Categorie("journaux").DureeMois != 6 || c.Mentions.DPO != "dpd@example.fr" {
		t.Errorf("operator's files: %+v %+v %v", c.Conservation.Categorie("journaux"), c.Mentions, err)
	}
	_, err = loadConfig(env(map[string]string{"CIPCERT_CONSERVATION_FILE": write("d.json", `[{"cle":"documents_certifications"}]`),
		"CIPCERT_MENTIONS_FILE": write("n.json", `{"editeur":"X"}`)}))
	if err == nil || !strings.Contains(err.Error(), "CIPCERT_CONSERVATION_FILE") || !strings.Contains(err.Error(), "CIPCERT_MENTIONS_FILE") ||
		!strings.Contains(err.Error(), "dpo") {
		t.Errorf("faulty files: %v, want both reported", err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestConfigTOTP: CIPCERT_TOTP_OBLIGATOIRE is 1 or unset; CIPCERT_TOTP_CLE
// is 32 bytes in base64 or hex, anything else is reported by name.
func TestConfigTOTP(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	cfg, err := loadConfig(env(map[string]string{"CIPCERT_TOTP_OBLIGATOIRE": "1",
		"CIPCERT_TOTP_CLE": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="}))
	if err != nil || !cfg.TOTPObligatoire || string(cfg.CleTOTP) != "0123456789abcdef0123456789abcdef" {
		t.Errorf("base64 key: %v %q %v", cfg.TOTPObligatoire, cfg.CleTOTP, err)
	}
	cfg, err = loadConfig(env(map[string]string{"CIPCERT_TOTP_CLE": strings.Repeat("ab", 32)}))
	if err != nil || cfg.TOTPObligatoire || len(cfg.CleTOTP) != 32 {
		t.Errorf("hex key: %v %d %v", cfg.TOTPObligatoire, len(cfg.CleTOTP), err)
	}
	for k, v := range map[string]string{"CIPCERT_TOTP_OBLIGATOIRE": "oui", "CIPCERT_TOTP_CLE": "trop-courte"} {
		if _, err := loadConfig(env(map[string]string{k: v})); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: %v, want an error naming it", k, v, err)
		}
	}
}

// TestMemoryLimit: serve sets its default soft memory limit only when
// GOMEMLIMIT is unset; a value, or off, is the runtime's to apply.
func TestMemoryLimit(t *testing.T) {
	for _, c := range []struct {
		env   string
		limit int64
		set   bool
	}{{"", defaultMemoryLimit, true}, {"off", 0, false}, {"200MiB", 0, false}} {
		limit, set := memoryLimit(func(k string) string {
			if k == "GOMEMLIMIT" {
				return c.env
			}
			return ""
		})
		if limit != c.limit || set != c.set {
			t.Errorf("GOMEMLIMIT=%q: %d, %v; want %d, %v", c.env, limit, set, c.limit, c.set)
		}
	}
}
