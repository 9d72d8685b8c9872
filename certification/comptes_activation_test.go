package certification_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

func TestActivationCompteCandidat(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		svc := certtest.NewService(t, db)
		certtest.Seed(t, svc)
		centre, centre2 := actor(t, svc, "centre"), actor(t, svc, "centre2")
		d := certification.NewDate
		c, err := svc.CreateCandidat(ctx, centre, certification.CandidatSaisie{TitreCode: "TP-00403", Parcours: "formation",
			NomNaissance: "Durand-Lœvy", Prenoms: "Léa Marie", DateNaissance: d(1998, 4, 12), LieuNaissance: "Annecy (74)",
			Email: "lea@example.fr", Formation: &certification.Periode{Debut: d(2026, 1, 5), Fin: d(2026, 9, 25)}})
		if err != nil {
			t.Fatal(err)
		}

		if _, err := svc.OuvrirCompteCandidat(ctx, centre2, c.ID); !errors.Is(err, certification.ErrNotFound) {
			t.Errorf("another centre opens the account: %v", err)
		}
		if _, err := svc.OuvrirCompteCandidat(ctx, actor(t, svc, "dreets"), c.ID); !errors.Is(err, certification.ErrForbidden) {
			t.Errorf("autorité opens the account: %v", err)
		}

		first, err := svc.OuvrirCompteCandidat(ctx, centre, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if first.Identifiant != "lea.durandloevy" || !first.ExpireAt.Equal(svc.Now().Add(7*24*time.Hour)) || len(first.Jeton) < 40 {
			t.Errorf("link: %+v", first)
		}
		// The account exists but nobody can sign in before activation.
		if _, _, err := svc.Connexion(ctx, first.Identifiant, ""); !errors.Is(err, certification.ErrUnauthorized) {
			t.Errorf("sign-in before activation: %v", err)
		}
		// Only the hash is stored.
		var n int64
		db.Table("activations").Where("hash = ?", first.Jeton).Count(&n)
		if n != 0 {
			t.Error("the token is stored in clear")
		}
		// Asked again (a lost link): a new link, the first no longer serves.
		second, err := svc.OuvrirCompteCandidat(ctx, centre, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if second.Identifiant != first.Identifiant || second.Jeton == first.Jeton {
			t.Errorf("renewed link: %+v", second)
		}
		if _, err := svc.Activation(ctx, first.Jeton); !errors.Is(err, certification.ErrNotFound) {
			t.Errorf("replaced link still reads: %v", err)
		}
		etat, err := svc.EtatCompteCandidat(ctx, centre, c.ID)
		if err != nil || !etat.Existe || etat.Actif || etat.ActivationExpire == nil || etat.Identifiant != first.Identifiant {
			t.Errorf("state before activation: %+v %v", etat, err)
		} else if d := etat.ActivationExpire.Sub(second.ExpireAt); d < -time.Second || d > time.Second {
			t.Errorf("state before activation: link valid until %v, want %v", etat.ActivationExpire, second.ExpireAt)
		}
		if _, err := svc.EtatCompteCandidat(ctx, actor(t, svc, "centre2"), c.ID); !errors.Is(err, certification.ErrNotFound) {
			t.Errorf("another centre reads the account: %v", err)
		}

		if _, _, err := svc.ActiverCompte(ctx, second.Jeton, "court"); !errors.Is(err, certification.ErrInvalid) {
			t.Errorf("short password: %v", err)
		}
		info, err := svc.Activation(ctx, second.Jeton)
		if err != nil || info.Identifiant != first.Identifiant || info.Nom != "Léa Marie Durand-Lœvy" {
			t.Fatalf("activation page: %+v %v", info, err)
		}
		tok, _, err := svc.ActiverCompte(ctx, second.Jeton, "un mot de passe choisi")
		if err != nil {
			t.Fatal(err)
		}
		a, err := svc.Authentifier(ctx, tok)
		if err != nil || a.Role != certification.RoleCandidat || a.CandidatID != c.ID {
			t.Errorf("signed in as %+v %v", a, err)
		}
		if etat, err := svc.EtatCompteCandidat(ctx, centre, c.ID); err != nil || !etat.Existe || !etat.Actif ||
			etat.ActivationExpire != nil || etat.Identifiant != first.Identifiant {
			t.Errorf("state after activation: %+v %v", etat, err)
		}
		// Used once: refused the second time, and the password stays.
		if _, _, err := svc.ActiverCompte(ctx, second.Jeton, "un autre mot de passe"); !errors.Is(err, certification.ErrNotFound) {
			t.Errorf("second use: %v", err)
		}
		if _, _, err := svc.Connexion(ctx, first.Identifiant, "un mot de passe choisi"); err != nil {
			t.Errorf("sign-in with the password chosen: %v", err)
		}
		if _, err := svc.OuvrirCompteCandidat(ctx, centre, c.ID); !errors.Is(err, certification.ErrConflict) {
			t.Errorf("reopening an active account: %v", err)
		}
		evs, err := svc.Evenements(ctx, actor(t, svc, "dreets"), "", c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range evs {
			actions = append(actions, e.Action)
		}
		want := []string{"candidat_cree", "compte_ouvert", "activation_renouvelee", "compte_active"}
		if len(actions) < 3 || actions[len(actions)-3] != want[1] || actions[len(actions)-2] != want[2] || actions[len(actions)-1] != want[3] {
			t.Errorf("audit trail %v, want it to end with %v", actions, want[1:])
		}

		t.Run("expired", func(t *testing.T) {
			c2, err := svc.CreateCandidat(ctx, centre, certification.CandidatSaisie{TitreCode: "TP-00403", Parcours: "formation",
				NomNaissance: "Durand", Prenoms: "Léa", DateNaissance: d(1998, 4, 12), LieuNaissance: "Annecy (74)",
				Email: "lea2@example.fr", Formation: &certification.Periode{Debut: d(2026, 1, 5), Fin: d(2026, 9, 25)}})
			if err != nil {
				t.Fatal(err)
			}
			l, err := svc.OuvrirCompteCandidat(ctx, centre, c2.ID)
			if err != nil {
				t.Fatal(err)
			}
			if l.Identifiant != "lea.durand" {
				t.Errorf("identifiant %q", l.Identifiant)
			}
			now := svc.Now()
			expired := svc.WithClock(func() time.Time { return now.Add(certification.ActivationTTL) })
			if _, err := expired.Activation(ctx, l.Jeton); !errors.Is(err, certification.ErrNotFound) {
				t.Errorf("expired link reads: %v", err)
			}
			if _, _, err := expired.ActiverCompte(ctx, l.Jeton, "un mot de passe choisi"); !errors.Is(err, certification.ErrNotFound) {
				t.Errorf("expired link activates: %v", err)
			}
			before := svc.WithClock(func() time.Time { return now.Add(certification.ActivationTTL - time.Second) })
			if _, err := before.Activation(ctx, l.Jeton); err != nil {
				t.Errorf("link one second before expiry: %v", err)
			}
		})
	})
}
