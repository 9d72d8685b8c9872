package main

import (
	"strings"
	"testing"
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
