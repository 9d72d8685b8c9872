package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestExcuseShownUntilJuryRecords: the centre's note shows on the record
// until the jury records the day's presence, which then is what shows.
func TestExcuseShownUntilJuryRecords(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		centre := s.acteur("centre")
		today := certification.DateOf(s.svc.Now())
		sess, err := s.svc.CreateSession(ctx, centre, certification.NouvelleSession{VersionCode: "TP-00403-2023", Type: "titre",
			Debut: today, Fin: today, Lieu: "Lyon", Responsable: "Sophie Garnier", Jury: []string{s.membre("jury1"), s.membre("jury2")}})
		if err != nil {
			t.Fatal(err)
		}
		id := nouveauCandidat(t, s.svc, centre, "Durand", "Léa", false)
		in, err := s.svc.Inscrire(ctx, centre, sess.ID, id, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.svc.ExcuserCandidat(ctx, centre, sess.ID, in.ID, "Malade"); err != nil {
			t.Fatal(err)
		}
		c := s.client()
		c.login("centre")
		if p := c.get("/centre/sessions/" + sess.ID); p.Status != http.StatusOK || !strings.Contains(p.Body, "Excusé (noté par le centre)") {
			t.Fatalf("before the session: %d, the excuse not shown", p.Status)
		}
		if _, err := s.svc.DeclarerSession(ctx, centre, sess.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.svc.TenirSession(ctx, centre, sess.ID); err != nil {
			t.Fatal(err)
		}
		ins, err := s.svc.Inscriptions(ctx, centre, sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.svc.SaisirPresence(ctx, s.acteur("jury1"), sess.ID, in.ID, ins[0].Version,
			certification.PresenceSaisie{Presence: "present", EntretienFinal: "favorable"}); err != nil {
			t.Fatal(err)
		}
		p := c.get("/centre/sessions/" + sess.ID)
		if strings.Contains(p.Body, "Excusé (noté par le centre)") || !strings.Contains(p.Body, ">Présent<") {
			t.Errorf("after the jury recorded the candidat present, the record does not show the jury's entry")
		}
	})
}
