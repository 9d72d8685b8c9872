package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// versionForm is a first version of TP-99001 with one CCP.
func versionForm(titreVersion string) url.Values {
	return url.Values{"version": {titreVersion}, "code": {"TP-99001-2026"}, "texte": {"Arrêté du 3 mars 2026"},
		"debut": {"01/04/2026"}, "fin": {"31/03/2031"},
		"blocs[0].code": {"CCP1"}, "blocs[0].nature": {"ccp"}, "blocs[0].intitule": {"Accueillir le public"},
		"blocs[0].rncp_bloc": {"rncp99001bc01"}, "blocs[0].competences": {"Accueillir\r\nInformer"}, "blocs[0].correspond": {""},
		"blocs[1].code": {""}, "blocs[1].nature": {"ccp"}, "blocs[1].intitule": {""}, "blocs[1].rncp_bloc": {""},
		"blocs[1].competences": {""}, "blocs[1].correspond": {""}}
}

// upload posts data as the file field of a form, named filename, with the
// CSRF token of the page at from.
func (c *client) upload(from, path, field, filename string, data []byte) page {
	c.t.Helper()
	return c.uploadWith(from, path, nil, field, filename, data)
}

// uploadWith is upload with the form's other fields.
func (c *client) uploadWith(from, path string, fields url.Values, field, filename string, data []byte) page {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("_csrf", csrfOf(c.t, c.get(from).Body))
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile(field, filename)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", c.base+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", browserAccept)
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return page{res.StatusCode, string(b), res.Header, res.Header.Get("Location")}
}

// TestAdminReferentielHTTP: the administrator creates a titre, gives it a
// first version, exports it and imports the file back under other codes,
// revises the version (its CCP taking over the old ones) and closes the
// revision; what the service refuses comes back on the field, a stale form
// says the titre changed, and the other roles are refused every page.
func TestAdminReferentielHTTP(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		events := func() int64 {
			var n int64
			if err := db.Table("evenements").Where("objet = 'titre'").Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		ref := "/admin/referentiel"
		for _, id := range []string{"centre", "jury1", "dreets", "candidat"} {
			c := s.client()
			home := c.login(id)
			for _, p := range []string{ref, ref + "/nouveau", ref + "/import", ref + "/TP-00403", ref + "/TP-00403/export",
				ref + "/TP-00403/versions/nouvelle", ref + "/TP-00403/versions/TP-00403-2023", ref + "/TP-00403/versions/TP-00403-2023/cloture"} {
				if got := c.get(p); got.Status != http.StatusForbidden {
					t.Errorf("%s GET %s: %d", id, p, got.Status)
				}
			}
			if got := c.post(home, ref+"/nouveau", url.Values{"code": {"X"}}); got.Status != http.StatusForbidden {
				t.Errorf("%s creates a titre: %d", id, got.Status)
			}
		}
		a := s.client()
		a.login("admin")
		list := a.get(ref)
		if list.Status != 200 || !strings.Contains(list.Body, "TP-00403") {
			t.Fatalf("the référentiel: %d %s", list.Status, list.Body)
		}
		if p := a.get(ref + "/TP-00403"); !strings.Contains(p.Body, "RNCP37274BC01") || !strings.Contains(p.Body, "TP-00403-2023") {
			t.Errorf("the titre page without its blocs: %s", p.Body)
		}
		if p := a.get(ref + "/TP-99999"); p.Status != http.StatusNotFound {
			t.Errorf("an unknown titre: %d", p.Status)
		}
		before := events()
		titre := url.Values{"code": {"TP-99001"}, "intitule": {"Agent d’accueil"}, "niveau": {"9"}, "nsf": {"330t"}, "rome": {"M1601"}, "rncp": {"99001"}}
		p := a.post(ref+"/nouveau", ref+"/nouveau", titre)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="f-niveau-erreur"`) || !strings.Contains(p.Body, `id="f-rncp-erreur"`) {
			t.Errorf("a faulty titre: %d %s", p.Status, p.Body)
		}
		titre.Set("niveau", "3")
		titre.Set("rncp", "RNCP99001")
		if p := a.post(ref+"/nouveau", ref+"/nouveau", titre); p.Status != http.StatusSeeOther || p.Location != ref+"/TP-99001?info=titre-cree" {
			t.Fatalf("creation: %d %s", p.Status, p.Body)
		}
		if p := a.post(ref+"/nouveau", ref+"/nouveau", titre); p.Status != http.StatusConflict || !strings.Contains(p.Body, "existe déjà") {
			t.Errorf("the same code again: %d", p.Status)
		}

		vpath := ref + "/TP-99001/versions/nouvelle"
		form := a.get(vpath)
		if !strings.Contains(form.Body, `name="version" value="1"`) {
			t.Fatalf("the version form: %s", form.Body)
		}
		v := versionForm("1")
		v.Set("blocs[0].correspond", "TP-00403-2023/CCP1")
		p = a.post(vpath, vpath, v)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="f-blocs-0-correspond-erreur"`) {
			t.Errorf("a correspondence to another titre: %d %s", p.Status, p.Body)
		}
		v.Set("blocs[0].correspond", "")
		if p := a.post(vpath, vpath, v); p.Status != http.StatusSeeOther {
			t.Fatalf("first version: %d %s", p.Status, p.Body)
		}
		// A second save of the form read before: the titre changed.
		v.Set("texte", "Arrêté du 4 mars 2026")
		p = a.post(vpath, ref+"/TP-99001/versions/TP-99001-2026", v)
		if p.Status != http.StatusConflict || !strings.Contains(p.Body, "modifié entre-temps") || !strings.Contains(p.Body, `name="version" value="2"`) {
			t.Errorf("a stale version form: %d %s", p.Status, p.Body)
		}
		v.Set("version", "2")
		if p := a.post(vpath, ref+"/TP-99001/versions/TP-99001-2026", v); p.Status != http.StatusSeeOther {
			t.Fatalf("the unused version replaced: %d %s", p.Status, p.Body)
		}

		exp := a.get(ref + "/TP-99001/export")
		if exp.Status != 200 || !strings.Contains(exp.Header.Get("Content-Disposition"), "referentiel-TP-99001.json") ||
			!strings.Contains(exp.Body, `"rncp_bloc": "RNCP99001BC01"`) || !strings.Contains(exp.Body, "Arrêté du 4 mars 2026") {
			t.Fatalf("export: %d %v %s", exp.Status, exp.Header, exp.Body)
		}
		if p := a.upload(ref+"/import", ref+"/import", "fichier", "referentiel.json", []byte(exp.Body)); p.Status != http.StatusConflict {
			t.Errorf("importing a titre that exists: %d %s", p.Status, p.Body)
		}
		if p := a.upload(ref+"/import", ref+"/import", "fichier", "referentiel.json", []byte("pas du JSON")); p.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(p.Body, "fr-upload-group--error") {
			t.Errorf("a file of another format: %d %s", p.Status, p.Body)
		}
		copie := strings.ReplaceAll(exp.Body, "TP-99001", "TP-99002")
		if p := a.upload(ref+"/import", ref+"/import", "fichier", "referentiel.json", []byte(copie)); p.Status != http.StatusSeeOther || p.Location != ref+"/TP-99002?info=titre-importe" {
			t.Fatalf("import: %d %s", p.Status, p.Body)
		}

		// The révision: the form offers the blocs of the version in force,
		// each CCP taking over its namesake.
		rev := a.get(vpath)
		if !strings.Contains(rev.Body, `value="TP-99001-2026/CCP1"`) || !strings.Contains(rev.Body, `name="version" value="3"`) {
			t.Fatalf("the révision form: %s", rev.Body)
		}
		r := versionForm("3")
		r.Set("code", "TP-99001-2028")
		r.Set("debut", "01/01/2028")
		r.Set("fin", "31/12/2032")
		r.Set("blocs[0].rncp_bloc", "RNCP99001BC02")
		r.Set("blocs[0].correspond", "TP-99001-2026/CCP1")
		if p := a.post(vpath, vpath, r); p.Status != http.StatusSeeOther {
			t.Fatalf("révision: %d %s", p.Status, p.Body)
		}
		page := a.get(ref + "/TP-99001")
		if !strings.Contains(page.Body, "révisée") || !strings.Contains(page.Body, "TP-99001-2026/CCP1") {
			t.Errorf("the titre after its révision: %s", page.Body)
		}
		cpath := ref + "/TP-99001/versions/TP-99001-2028/cloture"
		if p := a.post(cpath, cpath, url.Values{"version": {"4"}, "date": {"01/01/2040"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="f-date-erreur"`) {
			t.Errorf("a clôture outside the validity: %d %s", p.Status, p.Body)
		}
		if p := a.post(cpath, cpath, url.Values{"version": {"3"}, "date": {"30/06/2030"}}); p.Status != http.StatusConflict || !strings.Contains(p.Body, `id="conflit"`) {
			t.Errorf("a stale clôture: %d %s", p.Status, p.Body)
		}
		if p := a.post(cpath, cpath, url.Values{"version": {"4"}, "date": {"30/06/2030"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("clôture: %d %s", p.Status, p.Body)
		}
		if p := a.get(ref + "/TP-99001"); !strings.Contains(p.Body, "clôturée") {
			t.Errorf("the titre after its clôture: %s", p.Body)
		}
		// titre_cree ×2, version_ajoutee, version_remplacee, version_revisee, version_cloturee.
		if n := events() - before; n != 6 {
			t.Errorf("%d titre events, want 6", n)
		}
	})
}
