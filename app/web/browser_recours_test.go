package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestBrowserRecours: the candidat's recours form refuses empty reasons on
// the field, then files the recours; the autorité finds it in its
// worklist, opens it, downloads its attachment byte for byte, and a
// decision without its fields comes back on the form. Axe checks every
// page on the way.
func TestBrowserRecours(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		sid := s.validatedDemoSession()
		var insID string
		if err := db.Table("inscriptions").Select("id").Where("session_id = ? AND candidat_id = ?", sid, s.acteur("candidat").CandidatID).
			Scan(&insID).Error; err != nil || insID == "" {
			t.Fatalf("the demo candidat's enrolment: %v", err)
		}
		u := s.person(t)
		u.login("candidat")
		u.open("/mon-espace/recours/nouveau?inscription=" + insID)
		u.check("GET /mon-espace/recours/nouveau", "recours-nouveau")
		u.navigates(chromedp.Submit(chromedp.CSS("#f-motifs")))
		if u.status() != 422 {
			t.Fatalf("empty reasons: %d %s", u.status(), u.body())
		}
		u.check("POST /mon-espace/recours", "recours-nouveau-erreur")

		r, err := s.svc.DeposerRecours(ctx, s.acteur("candidat"), certification.NouveauRecours{InscriptionID: insID,
			Type: certification.RecoursGracieux, Motifs: "Mon dossier professionnel n’a pas été examiné."})
		if err != nil {
			t.Fatal(err)
		}
		pdf := []byte("%PDF-1.4\n%%EOF\n")
		piece, err := s.svc.AjouterPiece(ctx, s.acteur("candidat"), r.ID, certification.PieceJointe{Nom: "releve.pdf", Contenu: pdf})
		if err != nil {
			t.Fatal(err)
		}

		a := s.person(t)
		a.login("dreets")
		a.open("/autorite/recours")
		if !strings.Contains(a.body(), "Gracieux") && !strings.Contains(a.body(), "gracieux") {
			t.Errorf("the worklist does not show the recours: %s", a.body())
		}
		a.check("GET /autorite/recours", "autorite-recours")
		a.open("/autorite/recours/" + r.ID)
		a.check("GET /autorite/recours/:id", "autorite-recours-fiche")
		status, _, data := a.download("/autorite/recours/" + r.ID + "/pieces/" + piece.ID)
		if status != 200 || string(data) != string(pdf) {
			t.Errorf("the attachment: %d %q", status, data)
		}
		fetched(t, "GET /autorite/recours/:id/pieces/:pid")
		a.navigates(chromedp.Submit(chromedp.CSS("#f-reponse")))
		if a.status() != 422 || !strings.Contains(a.body(), "Choisissez l’issue du recours.") || strings.Contains(a.body(), "erreur_materielle_corrigee") {
			t.Errorf("a decision without its fields: %d %s", a.status(), a.body())
		}
		a.check("POST /autorite/recours/:id", "autorite-recours-fiche-erreur")
	})
}
