package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestAdminMessagesHTTP: « Messages envoyés » refuses every other role,
// lists the messages newest first with their date in Europe/Paris, shows a
// refused address with the server's answer, pages through them, and shows
// one message's text; an unknown message is introuvable.
func TestAdminMessagesHTTP(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		le := time.Date(2026, 7, 1, 10, 30, 0, 0, time.UTC)
		for i := range certification.MessagesParPage {
			m := certification.Message{Cle: fmt.Sprintf("essai/%03d", i), To: fmt.Sprintf("c%03d@exemple.fr", i), Subject: "Vos résultats sont disponibles",
				Text: fmt.Sprintf("Bonjour n° %03d,\nVos résultats sont disponibles.", i)}
			if err := s.svc.MessageEnvoye(ctx, m, fmt.Sprintf("<essai-%03d@cipcert.test>", i), le.Add(-time.Duration(i)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		refus := certification.Message{Cle: "essai/refus", To: "inconnu@exemple.fr", Subject: "Vos résultats sont disponibles", Text: "Bonjour,"}
		if err := s.svc.MessageRefuse(ctx, refus, "550 5.1.1 mailbox unavailable"); err != nil {
			t.Fatal(err)
		}

		s.forbidden(t, []string{"centre", "jury1", "dreets", "candidat"}, "/admin/messages", "/admin/messages/essai/000")

		a := s.client()
		a.login("admin")
		p := a.get("/admin/messages")
		if p.Status != http.StatusOK {
			t.Fatalf("the messages page: %d %s", p.Status, p.Body)
		}
		// The refusal is the newest: it was recorded at the test's clock.
		for _, want := range []string{"inconnu@exemple.fr", "550 5.1.1 mailbox unavailable", "refusé", "c000@exemple.fr", "&lt;essai-000@cipcert.test&gt;", "01/07/2026 à 12h30", `href="/admin/messages?page=2"`} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("the messages page without %q", want)
			}
		}
		if i, j := strings.Index(p.Body, "c000@exemple.fr"), strings.Index(p.Body, "c001@exemple.fr"); i < 0 || j < i {
			t.Errorf("the messages not newest first: %d %d", i, j)
		}
		if strings.Contains(p.Body, "c049@exemple.fr") {
			t.Errorf("the first page holds more than %d messages", certification.MessagesParPage)
		}
		p2 := a.get("/admin/messages?page=2")
		if !strings.Contains(p2.Body, "c049@exemple.fr") || strings.Contains(p2.Body, "c000@exemple.fr") {
			t.Errorf("the second page: %s", p2.Body)
		}

		m := a.get("/admin/messages/essai/007")
		if m.Status != http.StatusOK || !strings.Contains(m.Body, "Bonjour n° 007,") || !strings.Contains(m.Body, "c007@exemple.fr") {
			t.Errorf("one message: %d %s", m.Status, m.Body)
		}
		if got := a.get("/admin/messages/essai/inconnu"); got.Status != http.StatusNotFound {
			t.Errorf("an unknown message: %d", got.Status)
		}
	})
}
