package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/app/web"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestPagesPubliques: the mandatory public pages show the operator's
// mentions, the retention table in force, and a site map fitted to the
// reader.
func TestPagesPubliques(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		m := web.MentionsDemo
		m.DPO, m.Editeur = "dpd@dreets-bretagne.example", "DREETS Bretagne"
		s := newSiteWith(t, db, app.Options{Mentions: m})
		c := s.client()
		for path, wants := range map[string][]string{
			"/mentions-legales":     {"DREETS Bretagne", m.DirecteurPublication, m.Hebergeur},
			"/donnees-personnelles": {"dpd@dreets-bretagne.example", m.ResponsableTraitement, "Candidats jamais inscrits à une session", "3 ans à compter de la dernière modification du dossier", "Sans limite de durée", "article 6, paragraphe 1, e"},
			"/accessibilite":        {"DREETS Bretagne s’engage", "non conforme", m.ContactAccessibilite, "Établissement de cette déclaration", "Voies de recours"},
			"/plan-du-site":         {`href="/verification"`, `href="/mentions-legales"`},
		} {
			p := c.get(path)
			if p.Status != http.StatusOK {
				t.Fatalf("%s: %d", path, p.Status)
			}
			for _, w := range wants {
				if !strings.Contains(p.Body, w) {
					t.Errorf("%s lacks %q", path, w)
				}
			}
		}
		if p := c.get("/plan-du-site"); strings.Contains(p.Body, `href="/admin"`) {
			t.Error("a visitor's site map lists the administrator's pages")
		}
		c.login("centre")
		p := c.get("/plan-du-site")
		if !strings.Contains(p.Body, `href="/centre/candidats"`) || strings.Contains(p.Body, `href="/admin"`) {
			t.Errorf("the centre's site map: %s", p.Body)
		}
	})
}
