package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestDuplicataPage: the session page offers a duplicata of a parchemin
// or livret in force, and its confirmation page issues one; the other
// roles get 403, another territory and a document under another
// session's address 404, a PV 409, and none of them writes anything.
func TestDuplicataPage(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		id := s.validatedDemoSession()
		var par, pv certification.Document
		for _, d := range s.issueDemoDocuments() {
			switch d.Type {
			case "parchemin":
				par = d
			case "pv":
				pv = d
			}
		}
		path := "/autorite/sessions/" + id + "/documents/" + par.ID + "/duplicata"
		count := func() int {
			var n int
			if err := s.db.Table("documents").Select("count(*)").Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()

		for _, role := range []string{"centre", "jury1", "admin", "candidat"} {
			c := s.client()
			home := c.login(role)
			if p := c.get(path); p.Status != http.StatusForbidden {
				t.Errorf("%s on the duplicata page: %d", role, p.Status)
			}
			if p := c.post(home, path, url.Values{}); p.Status != http.StatusForbidden {
				t.Errorf("%s issuing a duplicata: %d", role, p.Status)
			}
		}
		o := s.client()
		o.login("dreets-pdl")
		for _, p := range []page{o.get(path), o.post("/autorite", path, url.Values{})} {
			if p.Status != http.StatusNotFound {
				t.Errorf("another territory: %d", p.Status)
			}
		}
		u := s.client()
		u.login("dreets")
		var planned string
		if err := s.db.Table("sessions").Select("id").Where("statut = ?", certification.Planifiee).Scan(&planned).Error; err != nil || planned == "" {
			t.Fatalf("planned demo session: %v", err)
		}
		if p := u.post("/autorite", "/autorite/sessions/"+planned+"/documents/"+par.ID+"/duplicata", url.Values{}); p.Status != http.StatusNotFound {
			t.Errorf("a document under another session's address: %d", p.Status)
		}
		pvPath := "/autorite/sessions/" + id + "/documents/" + pv.ID + "/duplicata"
		if p := u.post(pvPath, pvPath, url.Values{}); p.Status != http.StatusConflict || !strings.Contains(p.Body, "ne se délivre que d’un parchemin") && !strings.Contains(p.Body, "ne se délivre que d'un parchemin") {
			t.Errorf("duplicata of a PV: %d", p.Status)
		}
		if n := count(); n != before {
			t.Fatalf("refusals wrote %d documents", n-before)
		}

		sess := u.get("/autorite/sessions/" + id)
		if !strings.Contains(sess.Body, `href="`+path+`"`) || strings.Contains(sess.Body, `href="`+pvPath+`"`) {
			t.Errorf("the session page does not offer a duplicata of the parchemin alone")
		}
		if p := u.get(path); p.Status != http.StatusOK || !strings.Contains(p.Body, "Délivrer le duplicata") {
			t.Fatalf("duplicata page: %d", p.Status)
		}
		p := u.post(path, path, url.Values{})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("duplicata: %d %s", p.Status, p.Body)
		}
		if n := count(); n != before+1 {
			t.Errorf("%d documents issued, want one", n-before)
		}
		if got := u.get("/autorite/sessions/" + id + "?info=duplicata-emis"); !strings.Contains(got.Body, "Le duplicata est délivré") || !strings.Contains(got.Body, "duplicata</span>") {
			t.Errorf("the session page after the duplicata: %s", got.Body)
		}
		if d, err := s.svc.Document(t.Context(), s.acteur("dreets"), par.ID, false); err != nil || d.Statut != certification.StatutValide {
			t.Errorf("the original after its duplicata: %+v %v", d, err)
		}
	})
}
