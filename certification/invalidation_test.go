package certification_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

const motDePasseTest = "un mot de passe assez long"

var adminSysteme = certification.Acteur{Role: certification.RoleAdmin, Identifiant: "cli"}

// compteConnecte creates an account and returns it with a token of its own.
func compteConnecte(t *testing.T, svc *certification.Service, identifiant string, role certification.Role) (*certification.Utilisateur, string) {
	t.Helper()
	ctx := context.Background()
	u, err := svc.CreateUtilisateur(ctx, adminSysteme, certification.NouvelUtilisateur{
		Identifiant: identifiant, Nom: "Camille Durand", MotDePasse: motDePasseTest, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := svc.Connexion(ctx, identifiant, motDePasseTest)
	if err != nil {
		t.Fatal(err)
	}
	return u, tok
}

// authentifie checks that token stands for its account, and returns the
// statements it took.
func authentifie(t *testing.T, svc *certification.Service, c *certification.CompteurRequetes, token string) int64 {
	t.Helper()
	avant := c.N.Load()
	if _, err := svc.Authentifier(context.Background(), token); err != nil {
		t.Fatalf("token refused: %v", err)
	}
	return c.N.Load() - avant
}

// refuse checks that token is refused.
func refuse(t *testing.T, svc *certification.Service, token, apres string) {
	t.Helper()
	_, err := svc.Authentifier(context.Background(), token)
	if !errors.Is(err, certification.ErrUnauthorized) {
		t.Errorf("after %s, a warm token: got %v, want ErrUnauthorized", apres, err)
	}
}

// TestAuthentifierCopie: a token resolved once is resolved again without a
// statement; whatever revokes it is refused at the very next request on the
// same process, copy warm: logout, deactivation, password change, expiry.
func TestAuthentifierCopie(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		// The service's clock, which the test moves.
		var heure atomic.Int64
		heure.Store(certtest.Now.UnixNano())
		opt := certtest.Options(t)
		opt.Now = func() time.Time { return time.Unix(0, heure.Load()).UTC() }
		opt.TokenTTL = time.Hour
		svc := certtest.NewServiceWith(t, db, opt)
		c := certification.CompterRequetes(db)

		u, tok := compteConnecte(t, svc, "camille.durand", certification.RoleJury)
		if n := authentifie(t, svc, c, tok); n != 1 {
			t.Errorf("cold: %d statements, want 1", n)
		}
		if n := authentifie(t, svc, c, tok); n != 0 {
			t.Errorf("warm: %d statements, want 0", n)
		}
		if err := svc.Deconnexion(ctx, tok); err != nil {
			t.Fatal(err)
		}
		refuse(t, svc, tok, "logout")

		// Deactivation.
		tok2, _, err := svc.Connexion(ctx, "camille.durand", motDePasseTest)
		if err != nil {
			t.Fatal(err)
		}
		authentifie(t, svc, c, tok2)
		authentifie(t, svc, c, tok2)
		if _, err := svc.DesactiverCompte(ctx, adminSysteme, u.ID, "départ du centre"); err != nil {
			t.Fatal(err)
		}
		refuse(t, svc, tok2, "deactivation")
		if _, err := svc.ReactiverCompte(ctx, adminSysteme, u.ID, "retour"); err != nil {
			t.Fatal(err)
		}

		// A password change keeps the token it was made with and revokes
		// the others.
		garde, _, err := svc.Connexion(ctx, "camille.durand", motDePasseTest)
		if err != nil {
			t.Fatal(err)
		}
		autre, _, err := svc.Connexion(ctx, "camille.durand", motDePasseTest)
		if err != nil {
			t.Fatal(err)
		}
		a, err := svc.Authentifier(ctx, garde)
		if err != nil {
			t.Fatal(err)
		}
		authentifie(t, svc, c, autre)
		if err := svc.ChangerMotDePasse(ctx, a, garde, motDePasseTest, "un autre mot de passe long"); err != nil {
			t.Fatal(err)
		}
		refuse(t, svc, autre, "a password change")
		authentifie(t, svc, c, garde)

		// Expiry, on the service's clock, copy warm.
		if n := authentifie(t, svc, c, garde); n != 0 {
			t.Errorf("warm: %d statements, want 0", n)
		}
		heure.Add(int64(time.Hour))
		refuse(t, svc, garde, "expiry")
	})
}

// TestAuthentifierSecondFacteur: with the second factor required, a cold
// token is still one statement, and enrolling it changes what the token
// stands for at the next request.
func TestAuthentifierSecondFacteur(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		opt := certtest.Options(t)
		opt.TOTPObligatoire = true
		svc := certtest.NewServiceWith(t, db, opt)
		c := certification.CompterRequetes(db)
		_, tok := compteConnecte(t, svc, "admin.durand", certification.RoleAdmin)
		if n := authentifie(t, svc, c, tok); n != 1 {
			t.Errorf("cold: %d statements, want 1", n)
		}
		a, err := svc.Authentifier(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		if !a.SecondFacteurAActiver {
			t.Fatal("an administrator without a second factor may do anything")
		}
		e, err := svc.CommencerTOTP(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		code, err := certification.CodeTOTP(e.Secret, svc.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ActiverTOTP(ctx, a, code); err != nil {
			t.Fatal(err)
		}
		if a, err = svc.Authentifier(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if a.SecondFacteurAActiver {
			t.Error("second factor enrolled, the warm token still asks for it")
		}
	})
}

// TestReferentielSansLecture: on PostgreSQL, with the listener current, the
// référentiel is read from the copy without a statement; on SQLite, with
// one, its generation.
func TestReferentielSansLecture(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		svc := certtest.NewService(t, db)
		if _, err := svc.Titres(ctx); err != nil {
			t.Fatal(err)
		}
		if db.Dialect == "postgres" {
			// The copy is used only while the listener is current: on a
			// loaded machine its last answered ping may be older than the
			// bound, and the read then rightly goes to the database.
			attendrePreuve(t, db)
		}
		c := certification.CompterRequetes(db)
		if _, err := svc.Titres(ctx); err != nil {
			t.Fatal(err)
		}
		want := int64(0)
		if db.Dialect == "sqlite" {
			want = 1
		}
		if n := c.N.Load(); n != want {
			t.Errorf("warm référentiel: %d statements, want %d", n, want)
		}
	})
}

// deuxInstances returns two services on one PostgreSQL database, as two
// processes would have, each with its own pools, copies and listener.
func deuxInstances(t *testing.T) (dbA, dbB *certification.DB, a, b *certification.Service) {
	t.Helper()
	if !slicesContains(certtest.Dialects(t), "postgres") {
		t.Skip("two processes share a database on PostgreSQL only")
	}
	dbA = certtest.Open(t, "postgres")
	var err error
	if dbB, err = certification.Open(dbA.PostgresURL()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dbB.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := dbB.AttendreInvalidations(ctx); err != nil {
		t.Fatal(err)
	}
	a = certtest.NewService(t, dbA)
	b, err = certification.NewService(dbB, certtest.Options(t))
	if err != nil {
		t.Fatal(err)
	}
	return dbA, dbB, a, b
}

func slicesContains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// jusqua polls cond until it holds, at most d; it returns how long that
// took.
func jusqua(t *testing.T, d time.Duration, quoi string, cond func() bool) time.Duration {
	t.Helper()
	debut := time.Now()
	for !cond() {
		if time.Since(debut) > d {
			t.Fatalf("%s: not after %v", quoi, time.Since(debut))
		}
		time.Sleep(2 * time.Millisecond)
	}
	return time.Since(debut)
}

// refuseDans waits until b refuses token, at most d; it returns how long
// that took.
func refuseDans(t *testing.T, b *certification.Service, token string, d time.Duration) time.Duration {
	t.Helper()
	return jusqua(t, d, "token refused after its revocation elsewhere", func() bool {
		_, err := b.Authentifier(context.Background(), token)
		if err != nil && !errors.Is(err, certification.ErrUnauthorized) {
			t.Fatal(err)
		}
		return err != nil
	})
}

// attendrePreuve waits until db's listener has proved, after now, that it
// heard everything committed before.
func attendrePreuve(t *testing.T, db *certification.DB) {
	t.Helper()
	avant := certification.PreuveEcoute(db)
	jusqua(t, 5*time.Second, "the listener proves it hears", func() bool { return certification.PreuveEcoute(db) > avant })
}

// TestInvalidationAutreInstance: a token revoked by one process is refused
// by another whose copy is warm within the bound; a revocation rolled back
// is not announced.
func TestInvalidationAutreInstance(t *testing.T) {
	t.Parallel()
	dbA, dbB, a, b := deuxInstances(t)
	ctx := context.Background()
	cb := certification.CompterRequetes(dbB)
	_, tok := compteConnecte(t, a, "camille.durand", certification.RoleJury)
	authentifie(t, b, cb, tok)
	if n := authentifie(t, b, cb, tok); n != 0 {
		t.Errorf("warm on B: %d statements, want 0", n)
	}

	// Rolled back on A: B keeps its copy, A too.
	ca := certification.CompterRequetes(dbA)
	authentifie(t, a, ca, tok)
	if err := certification.DeconnexionAnnulee(ctx, a, tok); err != nil {
		t.Fatal(err)
	}
	attendrePreuve(t, dbB)
	if n := authentifie(t, b, cb, tok); n != 0 {
		t.Errorf("after a rolled-back revocation, B read the token again (%d statements)", n)
	}
	// A's copy, too, is used only while A's listener is current.
	attendrePreuve(t, dbA)
	if n := authentifie(t, a, ca, tok); n != 0 {
		t.Errorf("after a rolled-back revocation, A read the token again (%d statements)", n)
	}

	if err := a.Deconnexion(ctx, tok); err != nil {
		t.Fatal(err)
	}
	d := refuseDans(t, b, tok, certification.InvalidationBorne)
	t.Logf("refused by the other process %v after the logout", d)

	// The référentiel changed on A is read again on B.
	if _, err := b.Titres(ctx); err != nil {
		t.Fatal(err)
	}
	if err := dbA.Exec(`UPDATE blocs SET intitule = 'Changé ailleurs'`).Error; err != nil {
		t.Fatal(err)
	}
	// A référentiel write names the référentiel; the bare statement above
	// stands for its change, announced as referentielModifie does.
	if err := dbA.Exec(`SELECT pg_notify('cipcert_invalidation', 'referentiel')`).Error; err != nil {
		t.Fatal(err)
	}
	jusqua(t, certification.InvalidationBorne, "the other process reads the référentiel changed", func() bool {
		ts, err := b.Titres(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return ts[0].Versions[0].Blocs[0].Intitule == "Changé ailleurs"
	})
}

// TestInvalidationEcouteCoupee: while a process's listener is not
// connected its copies are not used; once connected again, they are
// emptied first.
func TestInvalidationEcouteCoupee(t *testing.T) {
	t.Parallel()
	dbA, dbB, a, b := deuxInstances(t)
	cb := certification.CompterRequetes(dbB)
	_, tok := compteConnecte(t, a, "camille.durand", certification.RoleJury)
	authentifie(t, b, cb, tok)

	// The listener's connection cut, and a revocation B never hears of
	// (a statement without its announcement): B sees it within the bound,
	// whether its listener is still down or back.
	if err := dbA.Exec(`SELECT pg_terminate_backend(?)`, certification.EcouteurPID(dbB)).Error; err != nil {
		t.Fatal(err)
	}
	if err := dbA.Exec(`UPDATE jetons SET revoque_at = ?`, certtest.Now).Error; err != nil {
		t.Fatal(err)
	}
	d := refuseDans(t, b, tok, certification.InvalidationBorne)
	t.Logf("refused %v after the listener was cut off", d)

	// Listener stopped for good: every request reads the database.
	_, tok2 := compteConnecte(t, a, "dominique.martin", certification.RoleJury)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := dbB.AttendreInvalidations(ctx); err != nil {
		t.Fatal(err)
	}
	certification.ArreterEcoute(dbB)
	authentifie(t, b, cb, tok2)
	if n := authentifie(t, b, cb, tok2); n != 1 {
		t.Errorf("listener down: %d statements, want 1 (the copy bypassed)", n)
	}
	if err := dbA.Exec(`UPDATE jetons SET revoque_at = ?`, certtest.Now).Error; err != nil {
		t.Fatal(err)
	}
	refuse(t, b, tok2, "a revocation unheard, listener down")
}

// attendreCle waits until the listener has heard cle.
func attendreCle(t *testing.T, entendu <-chan string, cle string) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case c := <-entendu:
			if c == cle {
				return
			}
		case <-timeout:
			t.Fatalf("the listener did not hear %q in 5 s", cle)
		}
	}
}
