package certification_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestCompteParActivation: only the administrator creates an account with
// a password. A centre opens its candidat's account through an activation
// link, so the service itself refuses it the password route, with the
// code that says so; nothing is written.
func TestCompteParActivation(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		c := w.candidat(t, "Nguyễn")
		in := certification.NouvelUtilisateur{Identifiant: "nguyen", Nom: "Thị Hoa Nguyễn", MotDePasse: "choisi-par-le-centre",
			Role: certification.RoleCandidat, CandidatID: c.ID}
		count := func() int64 {
			n, err := w.svc.CountUtilisateurs(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		if _, err := w.svc.CreateUtilisateur(ctx, w.centre, in); !errors.Is(err, certification.ErrForbidden) || code(err) != "compte_par_activation" {
			t.Errorf("a centre creating its candidat's account with a password: %v, want compte_par_activation", err)
		}
		for _, a := range []certification.Acteur{w.jury1, w.dreets} {
			if _, err := w.svc.CreateUtilisateur(ctx, a, in); !errors.Is(err, certification.ErrForbidden) || code(err) != "acces_refuse" {
				t.Errorf("%s creating an account: %v, want acces_refuse", a.Role, err)
			}
		}
		if n := count(); n != before {
			t.Fatalf("refused creations wrote %d accounts", n-before)
		}
		if _, err := w.svc.CreateUtilisateur(ctx, actor(t, w.svc, "admin"), in); err != nil {
			t.Errorf("the administrator creating the account: %v", err)
		}
	})
}
