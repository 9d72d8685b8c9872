package web_test

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestAdressesRefuseesHTTP: an address the SMTP server refused is shown,
// with the server's answer, on the administrator's accounts (the candidat's
// account and the jury member's), on the autorité's jury members and on
// the candidat's page of its centre, not to another centre; a message
// accepted since clears it.
func TestAdressesRefuseesHTTP(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		reponse := "adresse refusée par le serveur (550) : 550 5.1.1 Utilisateur inconnu"
		for _, m := range []certification.Message{
			{Cle: "essai/camille", To: "camille.lefevre@example.fr", Subject: "Vos résultats sont disponibles", Text: "Bonjour,"},
			{Cle: "essai/jury", To: "francoise.martin@example.fr", Subject: "Résultats manquants : session S", Text: "Bonjour,"},
		} {
			if err := s.svc.MessageRefuse(ctx, m, reponse); err != nil {
				t.Fatal(err)
			}
		}
		lefevre := "/centre/candidats/" + s.candidatID("Lefèvre")
		autre := s.client()
		autre.login("centre2")
		if p := autre.get(lefevre); p.Status != http.StatusNotFound || strings.Contains(p.Body, "camille.lefevre") {
			t.Errorf("another centre reads the candidat: %d", p.Status)
		}

		a := s.client()
		a.login("admin")
		p := a.get("/admin")
		body := html.UnescapeString(p.Body)
		for _, want := range []string{"Adresse électronique refusée : camille.lefevre@example.fr", "Adresse électronique refusée : francoise.martin@example.fr", reponse} {
			if p.Status != http.StatusOK || !strings.Contains(body, want) {
				t.Errorf("the accounts page without %q (%d)", want, p.Status)
			}
		}
		d := s.client()
		d.login("dreets")
		if body := html.UnescapeString(d.get("/autorite/jury").Body); !strings.Contains(body, "Adresse électronique refusée : francoise.martin@example.fr") ||
			!strings.Contains(body, reponse) || strings.Contains(body, "refusée : camille") {
			t.Errorf("the jury members' page without the member's refusal")
		}
		c := s.client()
		c.login("centre")
		p = c.get(lefevre)
		if body := html.UnescapeString(p.Body); p.Status != http.StatusOK || !strings.Contains(body, "Adresse électronique refusée : camille.lefevre@example.fr") ||
			!strings.Contains(body, reponse) || !strings.Contains(body, "« Vos résultats sont disponibles »") {
			t.Errorf("the candidat's page without the refusal (%d)", p.Status)
		}
		if p := c.get("/centre/candidats/" + s.candidatID("Nguyễn")); strings.Contains(p.Body, "adresse-refusee") {
			t.Errorf("a refusal shown on another candidat's page")
		}

		// Corrected, the address received a message: the refusal is gone.
		m := certification.Message{Cle: "essai/camille-2", To: "camille.lefevre@example.fr", Subject: "Votre document est disponible", Text: "Bonjour,"}
		if err := s.svc.MessageEnvoye(ctx, m, "<essai@cipcert.test>", s.svc.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if p := c.get(lefevre); strings.Contains(p.Body, "adresse-refusee") {
			t.Errorf("the refusal still shown after a message accepted")
		}
		if body := html.UnescapeString(a.get("/admin").Body); strings.Contains(body, "refusée : camille.lefevre@example.fr") ||
			!strings.Contains(body, "refusée : francoise.martin@example.fr") {
			t.Errorf("the accounts page after the acceptance")
		}
	})
}
