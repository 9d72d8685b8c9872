package certification_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestNewServiceMissingOptions: a service without its clock, rule
// parameters or renderer is refused at construction, naming each of them.
func TestNewServiceMissingOptions(t *testing.T) {
	db := certtest.OpenEmpty(t, "sqlite")
	svc, err := certification.NewService(db, certification.Options{PublicURL: "https://cipcert.test"})
	if err == nil || svc != nil {
		t.Fatalf("NewService without options = %v, %v; want an error", svc, err)
	}
	for _, want := range []string{"Now", "Parametres", "Renderer"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	opt := certtest.Options(t)
	opt.Renderer = nil
	if _, err := certification.NewService(db, opt); err == nil || !strings.Contains(err.Error(), "Renderer") ||
		strings.Contains(err.Error(), "Now") || strings.Contains(err.Error(), "Parametres") {
		t.Errorf("NewService without a renderer: %v; want an error naming only the renderer", err)
	}
}

// TestWithClock: a copy with another clock leaves the original's alone.
func TestWithClock(t *testing.T) {
	svc := certtest.NewService(t, certtest.Open(t, "sqlite"))
	then := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	past := svc.WithClock(func() time.Time { return then })
	if !past.Now().Equal(then) || !svc.Now().Equal(certtest.Now) {
		t.Errorf("copy reads %s, original %s; want %s and %s", past.Now(), svc.Now(), then, certtest.Now)
	}
}
