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

// TestDemandesDroits: a rectification request reaches the centre, or the
// autorité once a result is deliberated; an erasure request is answered
// with what is kept and why; each is journaled and readable only by who
// must answer it.
func TestDemandesDroits(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		svc := certtest.NewService(t, db)
		if _, err := fixtures.Seed(ctx, svc); err != nil {
			t.Fatal(err)
		}
		lefevre, centre, centre2, dreets := actor(t, svc, "candidat"), actor(t, svc, "centre"), actor(t, svc, "centre2"), actor(t, svc, "dreets")

		t.Run("ErrInvalid", func(t *testing.T) {
			for _, texte := range []string{"", "  \n ", "\u200b\u2066", strings.Repeat("é", certification.TexteDemandeMax+1), "a\x00b"} {
				_, err := svc.DemanderRectification(ctx, lefevre, texte)
				var de *certification.Error
				if !errors.As(err, &de) || de.Code != "demande_invalide" || len(de.Fields) != 1 || de.Fields[0].Field != "texte" {
					t.Errorf("%.20q: %v, want demande_invalide on texte", texte, err)
				}
			}
		})
		t.Run("ErrForbidden", func(t *testing.T) {
			if _, err := svc.DemanderRectification(ctx, centre, "Mon nom"); !errors.Is(err, certification.ErrForbidden) {
				t.Errorf("a centre asking: %v", err)
			}
			if _, err := svc.DemanderEffacement(ctx, dreets, ""); !errors.Is(err, certification.ErrForbidden) {
				t.Errorf("an autorité asking: %v", err)
			}
		})

		// Kowalski has no deliberated result: its centre corrects its dossier.
		var kowalski string
		db.Raw("SELECT id FROM candidats WHERE nom_naissance = 'Kowalski'").Scan(&kowalski)
		if d, err := svc.DemanderRectification(ctx, certification.Acteur{Role: certification.RoleCandidat, CandidatID: kowalski}, "Łukasz, pas Lukasz."); err != nil || d.Destinataire != "centre" {
			t.Errorf("rectification before deliberation: %+v, %v; want to the centre", d, err)
		}

		// Lefèvre's result is deliberated: its identity is the State's.
		d, err := svc.DemanderRectification(ctx, lefevre, "Mon deuxième prénom s’écrit Éloïse, avec un tréma.\nMerci.")
		if err != nil || d.Destinataire != "autorite" {
			t.Fatalf("rectification after deliberation: %+v, %v", d, err)
		}
		r, err := svc.DemanderEffacement(ctx, lefevre, "")
		if err != nil || r.Demande.Destinataire != "centre" || len(r.Conservee) != 4 {
			t.Fatalf("erasure: %+v, %v", r, err)
		}
		if !strings.Contains(r.Conservee[0].Donnees, "documents qui vous ont été délivrés") || r.Conservee[0].Duree != "Sans limite de durée" ||
			r.Conservee[0].Motif == "" || !strings.Contains(r.Conservee[1].Duree, "5 ans à compter de") {
			t.Errorf("erasure answer: %+v", r.Conservee)
		}
		var n int
		db.Raw("SELECT COUNT(*) FROM evenements WHERE candidat_id = ? AND action IN ('demande_rectification', 'demande_effacement')", lefevre.CandidatID).Scan(&n)
		if n != 2 {
			t.Errorf("%d requests journaled, want 2", n)
		}

		got, err := svc.DemandesDroits(ctx, centre, lefevre.CandidatID)
		if err != nil || len(got) != 2 {
			t.Errorf("the centre reads %d requests, %v; want 2", len(got), err)
		}
		got, err = svc.DemandesDroits(ctx, dreets, lefevre.CandidatID)
		if err != nil || len(got) != 1 || got[0].Type != "rectification" || !strings.Contains(got[0].Texte, "Éloïse") {
			t.Errorf("the autorité reads %+v, %v; want the rectification only", got, err)
		}
		if got, err := svc.DemandesDroits(ctx, centre2, lefevre.CandidatID); err != nil || len(got) != 0 {
			t.Errorf("another centre reads %+v, %v; want none", got, err)
		}
		if got, err := svc.DemandesDroits(ctx, actor(t, svc, "dreets-pdl"), lefevre.CandidatID); err != nil || len(got) != 0 {
			t.Errorf("another region's autorité reads %+v, %v; want none", got, err)
		}
		if _, err := svc.DemandesDroits(ctx, actor(t, svc, "jury1"), lefevre.CandidatID); !errors.Is(err, certification.ErrForbidden) {
			t.Errorf("a jury member: %v, want ErrForbidden", err)
		}
	})
}
