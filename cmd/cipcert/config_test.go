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
