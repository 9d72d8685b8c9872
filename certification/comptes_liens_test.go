package certification_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/certification/queue"
	"github.com/cipcert/cipcert/fixtures"
)

// liensWorld is a service whose jobs run on a queue delivering to an SMTP
// server in process, with a clock the test moves.
type liensWorld struct {
	svc  *certification.Service
	b    *boite
	mu   sync.Mutex
	now  time.Time
	jobs *queue.Queue
}

func (w *liensWorld) clock() time.Time { w.mu.Lock(); defer w.mu.Unlock(); return w.now }

func (w *liensWorld) advance(d time.Duration) { w.mu.Lock(); w.now = w.now.Add(d); w.mu.Unlock() }

func newLiensWorld(t *testing.T, db *certification.DB) *liensWorld {
	t.Helper()
	ctx := context.Background()
	w := &liensWorld{b: &boite{recus: make(chan string, 10)}, now: certtest.Now}
	q, err := queue.New(ctx, db, queue.Config{Sender: w.b.start(t), Retry: retryNow{}, PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	opt := certtest.Options(t)
	opt.Now = w.clock
	opt.Jobs = q
	w.svc, w.jobs = certtest.NewServiceWith(t, db, opt), q
	// Without the demo sessions, whose validated PVs would send their results.
	certtest.SeedWith(t, w.svc, false)
	if err := q.Start(ctx, w.svc); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = q.Stop(context.Background()) })
	return w
}

// lien waits for the next message and returns its recipient and the token
// of its link.
func (w *liensWorld) lien(t *testing.T) (to, genre, jeton string) {
	t.Helper()
	raw := <-w.b.recus
	to, _, _ = strings.Cut(strings.TrimPrefix(raw, "To-Envelope: "), "\r\n")
	l, err := certtest.LienDuMessage([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	i := strings.LastIndex(l, "/")
	j := strings.LastIndex(l[:i], "/")
	return strings.Trim(to, "<>"), l[j+1 : i], l[i+1:]
}

// TestInvitation: the administrator invites an account; the e-mail carries
// a one-time link whose token is stored nowhere in clear; used once, it
// sets the password and signs in; used twice, it is refused; an expired
// invitation is refused.
func TestInvitation(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		w := newLiensWorld(t, db)
		admin := actor(t, w.svc, "admin")
		if _, err := w.svc.InviterUtilisateur(ctx, actor(t, w.svc, "centre"), certification.NouvelUtilisateur{}); !errors.Is(err, certification.ErrForbidden) {
			t.Errorf("a centre invites: %v", err)
		}
		if _, err := w.svc.InviterUtilisateur(ctx, admin, certification.NouvelUtilisateur{Identifiant: "sans.adresse", Nom: "Sans Adresse",
			Role: certification.RoleJury}); !errors.Is(err, certification.ErrInvalid) {
			t.Errorf("an invitation without an address: %v", err)
		}
		inv, err := w.svc.InviterUtilisateur(ctx, admin, certification.NouvelUtilisateur{Identifiant: "camille.roux", Nom: "Camille Roux",
			Email: "camille@exemple.fr", Role: certification.RoleJury})
		if err != nil {
			t.Fatal(err)
		}
		if inv.Utilisateur.Actif || !inv.ExpireAt.Equal(certtest.Now.Add(certification.InvitationTTL)) {
			t.Errorf("invitation %+v", inv)
		}
		to, genre, jeton := w.lien(t)
		if to != "camille@exemple.fr" || genre != certification.LienInvitation {
			t.Errorf("sent to %q a %q link", to, genre)
		}
		waitRecorded(t, db, 1)
		var clear int64
		db.Table("liens_compte").Where("hash = ?", jeton).Count(&clear)
		var recorded int64
		db.Table("messages").Where("texte LIKE ?", "%"+jeton+"%").Count(&recorded)
		if clear+recorded != 0 {
			t.Errorf("the token is stored in clear: %d links, %d messages", clear, recorded)
		}
		if _, _, err := w.svc.Connexion(ctx, "camille.roux", ""); !errors.Is(err, certification.ErrUnauthorized) {
			t.Errorf("sign-in before the invitation: %v", err)
		}
		if _, err := w.svc.LienCompte(ctx, certification.LienReinitialisation, jeton); !errors.Is(err, certification.ErrNotFound) {
			t.Errorf("an invitation read as a reset: %v", err)
		}
		info, err := w.svc.LienCompte(ctx, certification.LienInvitation, jeton)
		if err != nil || info.Identifiant != "camille.roux" {
			t.Fatalf("invitation page: %+v %v", info, err)
		}
		if _, _, err := w.svc.UtiliserLien(ctx, certification.LienInvitation, jeton, "court"); !errors.Is(err, certification.ErrInvalid) {
			t.Errorf("a short password: %v", err)
		}
		tok, _, err := w.svc.UtiliserLien(ctx, certification.LienInvitation, jeton, "une phrase de passe choisie")
		if err != nil {
			t.Fatal(err)
		}
		if a, err := w.svc.Authentifier(ctx, tok); err != nil || a.Identifiant != "camille.roux" {
			t.Errorf("signed in as %+v: %v", a, err)
		}
		t.Run("used twice", func(t *testing.T) {
			_, _, err := w.svc.UtiliserLien(ctx, certification.LienInvitation, jeton, "une autre phrase de passe")
			var de *certification.Error
			if !errors.As(err, &de) || de.Code != "lien_compte_invalide" {
				t.Errorf("second use: %v", err)
			}
			if _, _, err := w.svc.Connexion(ctx, "camille.roux", "une phrase de passe choisie"); err != nil {
				t.Errorf("the first password no longer signs in: %v", err)
			}
		})
		t.Run("expired", func(t *testing.T) {
			if _, err := w.svc.InviterUtilisateur(ctx, admin, certification.NouvelUtilisateur{Identifiant: "lou.martin", Nom: "Lou Martin",
				Email: "lou@exemple.fr", Role: certification.RoleJury}); err != nil {
				t.Fatal(err)
			}
			_, _, jeton := w.lien(t)
			w.advance(certification.InvitationTTL)
			if _, err := w.svc.LienCompte(ctx, certification.LienInvitation, jeton); !errors.Is(err, certification.ErrNotFound) {
				t.Errorf("expired invitation reads: %v", err)
			}
			if _, _, err := w.svc.UtiliserLien(ctx, certification.LienInvitation, jeton, "une phrase de passe choisie"); !errors.Is(err, certification.ErrNotFound) {
				t.Errorf("expired invitation used: %v", err)
			}
		})
	})
}

// TestReinitialisation: the request for an unknown address and for a known
// one enqueue the same one job and nothing else; the job sends the known
// address its link; using it sets the password, revokes every token, and
// uses the link up.
func TestReinitialisation(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		w := newLiensWorld(t, db)
		admin := actor(t, w.svc, "admin")
		if _, err := w.svc.InviterUtilisateur(ctx, admin, certification.NouvelUtilisateur{Identifiant: "camille.roux", Nom: "Camille Roux",
			Email: "camille@exemple.fr", Role: certification.RoleJury}); err != nil {
			t.Fatal(err)
		}
		_, _, jeton := w.lien(t)
		old, _, err := w.svc.UtiliserLien(ctx, certification.LienInvitation, jeton, "une phrase de passe choisie")
		if err != nil {
			t.Fatal(err)
		}
		if err := w.svc.DemanderReinitialisation(ctx, "pas une adresse"); !errors.Is(err, certification.ErrInvalid) {
			t.Errorf("not an address: %v", err)
		}
		if err := w.svc.DemanderReinitialisation(ctx, "inconnu@exemple.fr"); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.DemanderReinitialisation(ctx, "Camille@Exemple.fr"); err != nil {
			t.Fatal(err)
		}
		to, genre, jeton := w.lien(t)
		if to != "camille@exemple.fr" || genre != certification.LienReinitialisation {
			t.Errorf("sent to %q a %q link", to, genre)
		}
		tok, _, err := w.svc.UtiliserLien(ctx, certification.LienReinitialisation, jeton, "un nouveau mot de passe")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Authentifier(ctx, old); !errors.Is(err, certification.ErrUnauthorized) {
			t.Errorf("a token from before the reset still serves: %v", err)
		}
		if _, err := w.svc.Authentifier(ctx, tok); err != nil {
			t.Errorf("the token of the reset: %v", err)
		}
		if _, _, err := w.svc.UtiliserLien(ctx, certification.LienReinitialisation, jeton, "encore un autre mot de passe"); !errors.Is(err, certification.ErrNotFound) {
			t.Errorf("reset link used twice: %v", err)
		}
		if _, _, err := w.svc.Connexion(ctx, "camille.roux", "une phrase de passe choisie"); !errors.Is(err, certification.ErrUnauthorized) {
			t.Errorf("the old password still signs in: %v", err)
		}
		// The unknown address sent nothing, and its job ran: one job per request.
		waitRecorded(t, db, 2)
		var kinds []string
		db.Table("river_job").Where("kind = ?", "reinitialisation").Order("id").Pluck("kind", &kinds)
		if len(kinds) != 2 || len(w.b.recus) != 0 {
			t.Errorf("%d reset jobs, %d messages more", len(kinds), len(w.b.recus))
		}
		var actions []string
		db.Table("evenements").Where("action IN ?", []string{"reinitialisation_demandee", "reinitialisation_effectuee"}).Order("at, action").Pluck("action", &actions)
		if strings.Join(actions, ",") != "reinitialisation_demandee,reinitialisation_effectuee" {
			t.Errorf("audit trail %v", actions)
		}
	})
}

// TestDesactivationParLeCentre: a centre deactivates its candidat's
// account, whose token is refused at once; reactivated, the account signs
// in again but its old token stays refused. Another centre cannot.
func TestDesactivationParLeCentre(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		w := newLiensWorld(t, db)
		centre, centre2 := actor(t, w.svc, "centre"), actor(t, w.svc, "centre2")
		d := certification.NewDate
		c, err := w.svc.CreateCandidat(ctx, centre, certification.CandidatSaisie{TitreCode: "TP-00403", Parcours: "formation",
			NomNaissance: "Durand", Prenoms: "Léa", DateNaissance: d(1998, 4, 12), LieuNaissance: "Annecy (74)",
			Email: "lea@example.fr", Formation: &certification.Periode{Debut: d(2026, 1, 5), Fin: d(2026, 9, 25)}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.DesactiverCompteCandidat(ctx, centre, c.ID, "Départ"); !errors.Is(err, certification.ErrNotFound) {
			t.Errorf("deactivating a candidat without an account: %v", err)
		}
		inv, err := w.svc.InviterCandidat(ctx, centre, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		to, _, jeton := w.lien(t)
		if to != "lea@example.fr" || inv.Email != to {
			t.Errorf("invitation sent to %q (%q)", to, inv.Email)
		}
		tok, _, err := w.svc.UtiliserLien(ctx, certification.LienInvitation, jeton, "une phrase de passe choisie")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.DesactiverCompteCandidat(ctx, centre2, c.ID, "Départ"); !errors.Is(err, certification.ErrNotFound) {
			t.Errorf("another centre deactivates: %v", err)
		}
		if _, err := w.svc.DesactiverCompte(ctx, centre, inv.Utilisateur.ID, "Départ"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Authentifier(ctx, tok); !errors.Is(err, certification.ErrUnauthorized) {
			t.Errorf("token of a deactivated account: %v", err)
		}
		if _, err := w.svc.InviterCandidat(ctx, centre, c.ID); !errors.Is(err, certification.ErrConflict) {
			t.Errorf("an invitation reopens a deactivated account: %v", err)
		}
		if _, err := w.svc.ReactiverCompteCandidat(ctx, centre, c.ID, "Retour"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Authentifier(ctx, tok); !errors.Is(err, certification.ErrUnauthorized) {
			t.Errorf("reactivation revived the token: %v", err)
		}
		if _, _, err := w.svc.Connexion(ctx, inv.Utilisateur.Identifiant, "une phrase de passe choisie"); err != nil {
			t.Errorf("sign-in after reactivation: %v", err)
		}
	})
}

// TestChangerMotDePasse: the current password is required; the change
// revokes the account's other tokens and keeps the one in use.
func TestChangerMotDePasse(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		svc := certtest.NewService(t, db)
		certtest.Seed(t, svc)
		var mdp string
		for _, acc := range fixtures.DemoComptes {
			if acc.Identifiant == "jury1" {
				mdp = acc.MotDePasse
			}
		}
		autre, _, err := svc.Connexion(ctx, "jury1", mdp)
		if err != nil {
			t.Fatal(err)
		}
		courant, _, err := svc.Connexion(ctx, "jury1", mdp)
		if err != nil {
			t.Fatal(err)
		}
		a, err := svc.Authentifier(ctx, courant)
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.ChangerMotDePasse(ctx, a, courant, "pas le bon", "un nouveau mot de passe"); !errors.Is(err, certification.ErrInvalid) {
			t.Errorf("wrong current password: %v", err)
		}
		if _, err := svc.Authentifier(ctx, autre); err != nil {
			t.Errorf("a refused change revoked a token: %v", err)
		}
		if err := svc.ChangerMotDePasse(ctx, a, courant, mdp, "un nouveau mot de passe"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Authentifier(ctx, autre); !errors.Is(err, certification.ErrUnauthorized) {
			t.Errorf("the other token survives the change: %v", err)
		}
		if _, err := svc.Authentifier(ctx, courant); err != nil {
			t.Errorf("the token in use was revoked: %v", err)
		}
		if _, _, err := svc.Connexion(ctx, "jury1", "un nouveau mot de passe"); err != nil {
			t.Errorf("the new password: %v", err)
		}
		var n int64
		db.Table("evenements").Where("action = ? AND objet_id = ?", "mot_de_passe_change", a.UtilisateurID).Count(&n)
		if n != 1 {
			t.Errorf("%d password changes in the audit trail", n)
		}
	})
}
