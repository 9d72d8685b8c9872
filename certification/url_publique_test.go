package certification_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/fixtures"
)

// TestDocumentsNeedHTTPSPublicURL: a document prints its verification link
// forever, so it is issued only when the public address is https, or in
// the demo and tests, which admit http explicitly.
func TestDocumentsNeedHTTPSPublicURL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := certtest.Open(t, "sqlite")
	svc := certtest.NewService(t, db)
	if _, err := fixtures.SeedWith(ctx, svc, false); err != nil {
		t.Fatal(err)
	}
	centre, jury1, jury2, dreets := actor(t, svc, "centre"), actor(t, svc, "jury1"), actor(t, svc, "jury2"), actor(t, svc, "dreets")
	id := validatedSession(t, svc, 1, habilitatedJury(t, svc, dreets, jury1, jury2), centre, jury1, jury2, dreets)

	with := func(url string, allow bool) *certification.Service {
		o := certtest.Options(t)
		o.PublicURL, o.AllowHTTPPublicURL = url, allow
		return certtest.NewServiceWith(t, db, o)
	}
	count := func() int64 {
		var n int64
		if err := db.Table("documents").Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, url := range []string{"http://localhost:8080", "http://cipcert.example.fr", "cipcert.example.fr"} {
		_, err := with(url, false).EmettreDocumentsSession(ctx, dreets, id)
		var de *certification.Error
		if !errors.As(err, &de) || de.Code != "url_publique_non_https" || !errors.Is(err, certification.ErrConflict) {
			t.Fatalf("%s: err = %v, want a conflict url_publique_non_https", url, err)
		}
		if n := count(); n != 0 {
			t.Fatalf("%s: %d documents written by a refused issuance", url, n)
		}
	}
	ds, err := with("http://localhost:8080", true).EmettreDocumentsSession(ctx, dreets, id)
	if err != nil || len(ds) != 3 {
		t.Fatalf("demo over http: %d documents, %v", len(ds), err)
	}
}
