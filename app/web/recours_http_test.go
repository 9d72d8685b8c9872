package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// deposerRecours posts the recours form with one file, with the token of
// the form's page.
func (c *client) deposerRecours(from string, fields url.Values, nom string, data []byte) page {
	c.t.Helper()
	return c.uploadWith(from, "/mon-espace/recours", fields, "pieces", nom, data)
}

// TestRecoursPages: the candidat contests its result from its space, an
// executable renamed .pdf comes back on the field and writes nothing; the
// autorité finds the recours in its worklist and rejects it; the candidat
// reads the reasons and the remedies left. Other roles are refused.
func TestRecoursPages(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		sid := s.validatedDemoSession()
		var insID string
		if err := db.Table("inscriptions").Select("id").Where("session_id = ? AND candidat_id = ?", sid, s.acteur("candidat").CandidatID).
			Scan(&insID).Error; err != nil || insID == "" {
			t.Fatalf("the demo candidat's enrolment: %v", err)
		}
		s.forbidden(t, []string{"admin", "centre", "jury1", "candidat"}, "/autorite/recours")
		s.forbidden(t, []string{"admin", "centre", "jury1", "dreets"}, "/mon-espace/recours/nouveau?inscription="+insID)

		c := s.client()
		c.login("candidat")
		if p := c.get("/mon-espace"); !strings.Contains(p.Body, "Contester le résultat de la session") {
			t.Fatalf("no way to contest from the space: %d", p.Status)
		}
		form := "/mon-espace/recours/nouveau?inscription=" + insID
		fields := url.Values{"inscription": {insID}, "type": {"gracieux"}, "motifs": {"Mon dossier professionnel n’a pas été examiné."}}
		exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), make([]byte, 512)...)
		p := c.deposerRecours(form, fields, "attestation.pdf", exe)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "fr-upload-group--error") || !strings.Contains(p.Body, "quel que soit le nom du fichier") {
			t.Errorf("executable renamed .pdf: %d", p.Status)
		}
		var n int64
		if err := db.Table("recours").Count(&n).Error; err != nil || n != 0 {
			t.Fatalf("the refused form wrote %d recours (%v)", n, err)
		}
		if p := c.deposerRecours(form, fields, "releve.pdf", []byte("%PDF-1.4\n%%EOF\n")); p.Status != http.StatusSeeOther {
			t.Fatalf("filing: %d %s", p.Status, p.Body)
		}
		var id string
		if err := db.Table("recours").Select("id").Scan(&id).Error; err != nil || id == "" {
			t.Fatal(err)
		}

		u := s.client()
		u.login("dreets")
		if p := u.get("/autorite/recours"); !strings.Contains(p.Body, "/autorite/recours/"+id) {
			t.Errorf("worklist: %d", p.Status)
		}
		fiche := "/autorite/recours/" + id
		if p := u.get(fiche); !strings.Contains(p.Body, "releve.pdf") || !strings.Contains(p.Body, "Mon dossier professionnel") {
			t.Errorf("recours page: %d", p.Status)
		}
		decision := url.Values{"version": {"1"}, "issue": {"rejete"}, "motif_rejet": {"non_fonde"}, "reponse": {""}}
		if p := u.post(fiche, fiche, decision); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Un rejet est motivé") {
			t.Errorf("rejection without reasons: %d", p.Status)
		}
		decision.Set("reponse", "Le jury a apprécié souverainement votre dossier.")
		if p := u.post(fiche, fiche, decision); p.Status != http.StatusSeeOther {
			t.Fatalf("rejection: %d %s", p.Status, p.Body)
		}
		if p := u.post(fiche, fiche, decision); p.Status != http.StatusConflict && p.Status != http.StatusOK {
			t.Errorf("rejected twice: %d", p.Status)
		}
		o := s.client()
		o.login("dreets-pdl")
		if p := o.get(fiche); p.Status != http.StatusNotFound {
			t.Errorf("another territory: %d", p.Status)
		}
		p = c.get("/mon-espace")
		for _, want := range []string{"Rejeté", "Le jury a apprécié souverainement votre dossier.", "Recours non fondé", "recours hiérarchique"} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("the candidat's space lacks %q", want)
			}
		}
	})
}
