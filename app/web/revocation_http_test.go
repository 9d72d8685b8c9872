package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestRevocationDenied: the revocation of a document is the autorité's of
// its territory only; the other roles get 403, another territory and a
// document under another session's address the 404 page, an unknown
// category 422, and none of them writes anything.
func TestRevocationDenied(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		id := s.validatedDemoSession()
		var par certification.Document
		for _, d := range s.issueDemoDocuments() {
			if d.Type == "parchemin" {
				par = d
			}
		}
		path := "/autorite/sessions/" + id + "/documents/" + par.ID + "/revocation"
		form := func() url.Values {
			return url.Values{"categorie": {"fraude"}, "motif": {"Usurpation établie"}, "confirmation": {"1"}}
		}

		for _, role := range []string{"centre", "jury1", "admin"} {
			c := s.client()
			home := c.login(role)
			if p := c.get(path); p.Status != http.StatusForbidden {
				t.Errorf("%s on the revocation form: %d", role, p.Status)
			}
			if p := c.post(home, path, form()); p.Status != http.StatusForbidden {
				t.Errorf("%s revoking: %d", role, p.Status)
			}
		}
		o := s.client()
		o.login("dreets-pdl")
		for _, p := range []page{o.get(path), o.post("/autorite", path, form())} {
			if p.Status != http.StatusNotFound || !strings.Contains(p.Body, "Page introuvable") {
				t.Errorf("another territory: %d", p.Status)
			}
		}

		u := s.client()
		u.login("dreets")
		var planned string
		if err := s.db.Table("sessions").Select("id").Where("statut = ?", certification.Planifiee).Scan(&planned).Error; err != nil || planned == "" {
			t.Fatalf("planned demo session: %v", err)
		}
		if p := u.post("/autorite", "/autorite/sessions/"+planned+"/documents/"+par.ID+"/revocation", form()); p.Status != http.StatusNotFound {
			t.Errorf("a document under another session's address: %d", p.Status)
		}
		bad := form()
		bad.Set("categorie", "caprice")
		if p := u.post(path, path, bad); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Choisissez la catégorie de la révocation.") {
			t.Errorf("unknown category: %d", p.Status)
		}
		if d, err := s.svc.Document(t.Context(), s.acteur("dreets"), par.ID, false); err != nil || d.Statut != certification.StatutValide {
			t.Fatalf("refusals wrote: %+v %v", d, err)
		}
		if p := u.post(path, path, form()); p.Status != http.StatusSeeOther {
			t.Fatalf("revocation: %d %s", p.Status, p.Body)
		}
		if p := u.post(path, path, form()); p.Status != http.StatusConflict || !strings.Contains(p.Body, "Ce document est déjà révoqué.") {
			t.Errorf("revoked twice: %d", p.Status)
		}
	})
}
