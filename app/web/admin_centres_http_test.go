package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// centreForm is a valid centre with one agrément, on the first row.
func centreForm() url.Values {
	return url.Values{"nom": {"Cap Métiers Savoie"}, "siret": {"732 829 320 00074"}, "adresse": {"5 avenue de Genève"},
		"code_postal": {"73000"}, "ville": {"Chambéry"}, "region": {"Auvergne-Rhône-Alpes"}, "departement": {""},
		"agrements[0].titre_code": {"TP-00403"}, "agrements[0].debut": {"01/01/2026"}, "agrements[0].fin": {"31/12/2028"},
		"agrements[1].titre_code": {""}, "agrements[1].debut": {""}, "agrements[1].fin": {""}}
}

// TestAdminCentresHTTP: the administrator records a centre and edits it
// through the same service checks as the API (a wrong SIRET key, an
// agrément ending before it starts, each on its own field), a save over a
// change made meanwhile shows what is recorded now instead of overwriting
// it; every change is in the audit trail, every refusal writes nothing,
// and the other roles are refused the pages.
func TestAdminCentresHTTP(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		count := func(table string) int64 {
			var n int64
			if err := db.Table(table).Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		demo, err := s.svc.Centres(ctx, s.acteur("admin"))
		if err != nil || len(demo) == 0 {
			t.Fatal(demo, err)
		}
		for _, id := range []string{"centre", "jury1", "dreets", "candidat"} {
			c := s.client()
			home := c.login(id)
			for _, p := range []string{"/admin/centres/nouveau", "/admin/centres/" + demo[0].ID} {
				if got := c.get(p); got.Status != http.StatusForbidden {
					t.Errorf("%s GET %s: %d", id, p, got.Status)
				}
				if got := c.post(home, p, centreForm()); got.Status != http.StatusForbidden {
					t.Errorf("%s POST %s: %d", id, p, got.Status)
				}
			}
		}
		a := s.client()
		a.login("admin")
		if p := a.get("/admin/centres/00000000-0000-0000-0000-000000000000"); p.Status != http.StatusNotFound {
			t.Errorf("an unknown centre: %d", p.Status)
		}
		centres, events := count("centres"), count("evenements")
		bad := centreForm()
		bad.Set("siret", "73282932000075")
		bad.Set("agrements[0].fin", "31/12/2025")
		p := a.post("/admin/centres/nouveau", "/admin/centres/nouveau", bad)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "clé de contrôle") || !strings.Contains(p.Body, "fr-input-group--error") {
			t.Errorf("a wrong SIRET key: %d %s", p.Status, p.Body)
		}
		bad.Set("siret", "73282932000074")
		p = a.post("/admin/centres/nouveau", "/admin/centres/nouveau", bad)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="f-agrements-0-fin-erreur"`) {
			t.Errorf("an agrément ending before it starts: %d %s", p.Status, p.Body)
		}
		if count("centres") != centres || count("evenements") != events {
			t.Fatal("refused centres were written")
		}
		p = a.post("/admin/centres/nouveau", "/admin/centres/nouveau", centreForm())
		if p.Status != http.StatusSeeOther || p.Location != "/admin/centres?info=centre-cree" {
			t.Fatalf("creation: %d %s", p.Status, p.Body)
		}
		var id string
		all, _ := s.svc.Centres(ctx, s.acteur("admin"))
		for _, ce := range all {
			if ce.Siret == "73282932000074" {
				id = ce.ID
				if ce.Departement != "73" || len(ce.Agrements) != 1 {
					t.Errorf("recorded %+v", ce)
				}
			}
		}
		if id == "" {
			t.Fatal("the centre is not listed")
		}
		if list := a.get("/admin/centres?info=centre-cree"); !strings.Contains(list.Body, "Cap Métiers Savoie") || !strings.Contains(list.Body, "Le centre est enregistré") {
			t.Errorf("the list after the creation: %s", list.Body)
		}

		path := "/admin/centres/" + id
		edit := a.get(path)
		if edit.Status != http.StatusOK || !strings.Contains(edit.Body, `value="Chambéry"`) || !strings.Contains(edit.Body, `name="version" value="1"`) {
			t.Fatalf("the edit form: %d %s", edit.Status, edit.Body)
		}
		// Another administrator saves first.
		other := s.client()
		other.login("admin")
		v := centreForm()
		v.Set("version", "1")
		v.Set("ville", "Chambéry-le-Vieux")
		if p := other.post(path, path, v); p.Status != http.StatusSeeOther {
			t.Fatalf("first save: %d %s", p.Status, p.Body)
		}
		v.Set("ville", "Aix-les-Bains")
		p = a.post(path, path, v)
		if p.Status != http.StatusConflict || !strings.Contains(p.Body, "Chambéry-le-Vieux") || !strings.Contains(p.Body, `value="Aix-les-Bains"`) ||
			!strings.Contains(p.Body, `name="version" value="2"`) {
			t.Fatalf("a stale save: %d %s", p.Status, p.Body)
		}
		v.Set("version", "2")
		if p := a.post(path, path, v); p.Status != http.StatusSeeOther {
			t.Fatalf("the save made knowingly: %d %s", p.Status, p.Body)
		}
		ce, err := s.svc.Centre(ctx, s.acteur("admin"), id)
		if err != nil || ce.Ville != "Aix-les-Bains" || ce.Version != 3 {
			t.Errorf("after the edits: %+v %v", ce, err)
		}
		var actions []string
		if err := db.Table("evenements").Where("objet = 'centre' AND objet_id = ?", id).Order("at, id").Pluck("action", &actions).Error; err != nil {
			t.Fatal(err)
		}
		if strings.Join(actions, ",") != "centre_cree,centre_modifie,centre_modifie" {
			t.Errorf("audit trail of the centre: %v", actions)
		}
	})
}
