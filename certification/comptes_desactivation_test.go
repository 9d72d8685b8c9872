package certification_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/fixtures"
)

// TestDesactiverCompte: a deactivated account loses every token it holds
// at once and cannot sign in again; reactivated, it signs in with its old
// password, and its revoked tokens stay revoked. Only the administrator
// does either, with a reason; every refusal writes nothing.
func TestDesactiverCompte(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		svc := certtest.NewService(t, db)
		certtest.Seed(t, svc)
		admin := actor(t, svc, "admin")
		mdp := ""
		for _, acc := range fixtures.DemoComptes {
			if acc.Identifiant == "jury1" {
				mdp = acc.MotDePasse
			}
		}
		// Two open sessions of the same account: a browser and a script.
		tok1, _, err := svc.Connexion(ctx, "jury1", mdp)
		if err != nil {
			t.Fatal(err)
		}
		tok2, _, err := svc.Connexion(ctx, "jury1", mdp)
		if err != nil {
			t.Fatal(err)
		}
		jury, err := svc.Authentifier(ctx, tok1)
		if err != nil {
			t.Fatal(err)
		}
		events := func() int64 {
			var n int64
			if err := db.Table("evenements").Where("objet_id = ?", jury.UtilisateurID).Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := events()

		refus := []struct {
			name string
			a    certification.Acteur
			id   string
			mot  string
			want string
		}{
			{"by a jury member", actor(t, svc, "jury2"), jury.UtilisateurID, "départ", "acces_refuse"},
			{"by the autorité", actor(t, svc, "dreets"), jury.UtilisateurID, "départ", "acces_refuse"},
			{"without a reason", admin, jury.UtilisateurID, "  ", "motif_requis"},
			{"with a control character", admin, jury.UtilisateurID, "départ\x07", "motif_invalide"},
			{"its own account", admin, admin.UtilisateurID, "départ", "desactivation_de_soi"},
			{"an unknown account", admin, "00000000-0000-0000-0000-000000000000", "départ", "introuvable"},
		}
		for _, r := range refus {
			if _, err := svc.DesactiverCompte(ctx, r.a, r.id, r.mot); code(err) != r.want {
				t.Errorf("deactivation %s: %v, want %s", r.name, err, r.want)
			}
		}
		if n := events(); n != before {
			t.Fatalf("refused deactivations journaled %d events", n-before)
		}
		if _, err := svc.Authentifier(ctx, tok1); err != nil {
			t.Fatalf("refusals closed the session: %v", err)
		}

		u, err := svc.DesactiverCompte(ctx, admin, jury.UtilisateurID, "Départ de l'entreprise")
		if err != nil {
			t.Fatal(err)
		}
		if u.Actif {
			t.Error("the account answered is still active")
		}
		for i, tok := range []string{tok1, tok2} {
			if _, err := svc.Authentifier(ctx, tok); !errors.Is(err, certification.ErrUnauthorized) {
				t.Errorf("token %d after deactivation: %v, want refused", i+1, err)
			}
		}
		if _, _, err := svc.Connexion(ctx, "jury1", mdp); !errors.Is(err, certification.ErrUnauthorized) {
			t.Errorf("sign-in after deactivation: %v", err)
		}
		var ev struct{ Avant, Apres string }
		if err := db.Table("evenements").Select("avant, apres").Where("action = ? AND objet_id = ?", "compte_desactive", jury.UtilisateurID).
			Scan(&ev).Error; err != nil {
			t.Fatal(err)
		}
		if ev.Apres == "" || !strings.Contains(ev.Apres, "Départ de l'entreprise") || !strings.Contains(ev.Apres, `"jetons_revoques":2`) {
			t.Errorf("journaled after: %q", ev.Apres)
		}
		if _, err := svc.DesactiverCompte(ctx, admin, jury.UtilisateurID, "encore"); code(err) != "compte_inactif" {
			t.Errorf("deactivating twice: %v, want compte_inactif", err)
		}

		if _, err := svc.ReactiverCompte(ctx, actor(t, svc, "dreets"), jury.UtilisateurID, "retour"); code(err) != "acces_refuse" {
			t.Errorf("reactivation by the autorité: %v", err)
		}
		if _, err := svc.ReactiverCompte(ctx, admin, jury.UtilisateurID, ""); code(err) != "motif_requis" {
			t.Errorf("reactivation without a reason: %v", err)
		}
		if _, err := svc.ReactiverCompte(ctx, admin, jury.UtilisateurID, "Retour dans l'entreprise"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Authentifier(ctx, tok1); !errors.Is(err, certification.ErrUnauthorized) {
			t.Errorf("a token revoked at deactivation serves again after reactivation: %v", err)
		}
		if _, _, err := svc.Connexion(ctx, "jury1", mdp); err != nil {
			t.Errorf("sign-in after reactivation: %v", err)
		}
		if _, err := svc.ReactiverCompte(ctx, admin, jury.UtilisateurID, "encore"); code(err) != "compte_actif" {
			t.Errorf("reactivating an active account: %v, want compte_actif", err)
		}
	})
}

// TestDesactiverCompteCandidat: a candidat's account its candidat never
// activated is not reopened by the administrator, and one the
// administrator closed is not reopened by a new activation link.
func TestDesactiverCompteCandidat(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		svc := certtest.NewService(t, db)
		certtest.Seed(t, svc)
		admin, centre := actor(t, svc, "admin"), actor(t, svc, "centre")
		d := certification.NewDate
		c, err := svc.CreateCandidat(ctx, centre, certification.CandidatSaisie{TitreCode: "TP-00403", Parcours: "formation",
			NomNaissance: "Ørsted", Prenoms: "Åsa", DateNaissance: d(1999, 2, 3), LieuNaissance: "Lyon (69)",
			Email: "asa@example.fr", Formation: &certification.Periode{Debut: d(2026, 1, 5), Fin: d(2026, 9, 25)}})
		if err != nil {
			t.Fatal(err)
		}
		lien, err := svc.OuvrirCompteCandidat(ctx, centre, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		us, err := svc.Utilisateurs(ctx, admin, certification.RoleCandidat)
		if err != nil {
			t.Fatal(err)
		}
		id := ""
		for _, u := range us {
			if u.Identifiant == lien.Identifiant {
				id = u.ID
			}
		}
		if _, err := svc.ReactiverCompte(ctx, admin, id, "ouverture"); code(err) != "compte_jamais_active" {
			t.Errorf("reactivating an account never activated: %v, want compte_jamais_active", err)
		}
		if _, err := svc.DesactiverCompte(ctx, admin, id, "fermeture"); code(err) != "compte_inactif" {
			t.Errorf("deactivating an account never activated: %v, want compte_inactif", err)
		}
		if _, _, err := svc.ActiverCompte(ctx, lien.Jeton, "un mot de passe choisi"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.DesactiverCompte(ctx, admin, id, "Fraude constatée"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.OuvrirCompteCandidat(ctx, centre, c.ID); code(err) != "compte_desactive" {
			t.Errorf("a new activation link for a deactivated account: %v, want compte_desactive", err)
		}
	})
}
