package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
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
		sess, in, _ := s.sessionDurand(t, today)
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

// TestSessionEditRefusedOnThePage: moving a declared session beyond its
// jury's habilitations is refused on the form with the juror named (422),
// and nothing changes; a stale version is refused too (409).
func TestSessionEditRefusedOnThePage(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		centre := s.acteur("centre")
		debut := certification.DateOf(s.svc.Now().AddDate(0, 0, 7))
		sess, err := s.svc.CreateSession(ctx, centre, certification.NouvelleSession{VersionCode: "TP-00403-2023", Type: "titre",
			Debut: debut, Fin: debut, Lieu: "Lyon", Responsable: "Sophie Garnier", Jury: []string{s.membre("jury1"), s.membre("jury2")}})
		if err != nil {
			t.Fatal(err)
		}
		dreets := s.acteur("dreets")
		m, err := s.svc.CreateMembre(ctx, dreets, certification.NouveauMembre{Nom: "Morel", Prenoms: "Inès", Email: "ines.morel@example.fr"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.svc.Habiliter(ctx, dreets, m.ID, certification.NouvelleHabilitation{TitreCode: "TP-00403",
			Debut: certification.NewDate(2026, 1, 1), Fin: certification.DateOf(debut.Time().AddDate(0, 0, 10)), Reference: "HAB-MOREL"}); err != nil {
			t.Fatal(err)
		}
		if _, err = s.svc.DeclarerSession(ctx, centre, sess.ID); err != nil {
			t.Fatal(err)
		}
		if sess, err = s.svc.RemplacerMembreJury(ctx, centre, sess.ID, sess.Version+1, s.membre("jury2"), m.ID); err != nil {
			t.Fatal(err)
		}
		plus30 := certification.DateOf(debut.Time().AddDate(0, 0, 30)).Francais()
		c := s.client()
		c.login("centre")
		page := "/centre/sessions/" + sess.ID + "/modification"
		form := url.Values{"version": {strconv.Itoa(sess.Version)}, "debut": {plus30}, "fin": {plus30}, "heure": {"09:00"},
			"lieu": {"Lyon"}, "responsable": {"Sophie Garnier"}}
		p := c.post(page, page, form)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Inès Morel n&#39;a pas d&#39;habilitation") {
			t.Fatalf("a move beyond the habilitations: %d %s", p.Status, p.Body)
		}
		form.Set("debut", debut.Francais())
		form.Set("fin", debut.Francais())
		form.Set("version", strconv.Itoa(sess.Version+3))
		if p := c.post(page, page, form); p.Status != http.StatusConflict || !strings.Contains(p.Body, "modifiée entre-temps") {
			t.Errorf("a stale version: %d", p.Status)
		}
		after, err := s.svc.Session(ctx, centre, sess.ID)
		if err != nil || after.Version != sess.Version || after.Heure != "" {
			t.Errorf("a refused change wrote: %+v %v", after, err)
		}
	})
}

// sessionDurand plans, for the demo centre, a one-day session on day with
// the demo jury, and enrols a new candidat, Léa Durand, in it: the record
// the session-change and aménagement pages start from. It returns the
// session, the enrolment and the candidat's id.
func (s *site) sessionDurand(t *testing.T, day certification.Date) (*certification.Session, *certification.Inscription, string) {
	t.Helper()
	ctx := context.Background()
	centre := s.acteur("centre")
	sess, err := s.svc.CreateSession(ctx, centre, certification.NouvelleSession{VersionCode: "TP-00403-2023", Type: "titre",
		Debut: day, Fin: day, Lieu: "Lyon", Responsable: "Sophie Garnier", Jury: []string{s.membre("jury1"), s.membre("jury2")}})
	if err != nil {
		t.Fatal(err)
	}
	id := nouveauCandidat(t, s.svc, centre, "Durand", "Léa", false)
	in, err := s.svc.Inscrire(ctx, centre, sess.ID, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sess, in, id
}
