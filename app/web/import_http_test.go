package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// importe posts data as the file of the import form, with the form's token.
func (c *client) importe(data []byte) page {
	c.t.Helper()
	return c.upload("/centre/candidats/import", "/centre/candidats/import", "fichier", "candidats.csv", data)
}

// TestImportPages checks the import pages' refusals: other roles, a file
// too large, an all-or-nothing import with a faulty row.
func TestImportPages(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		s.forbidden(t, []string{"admin", "dreets", "jury1", "candidat"}, "/centre/candidats/import", "/centre/candidats/import/modele.csv")

		c := s.client()
		c.login("centre")
		if p := c.importe(bytes.Repeat([]byte("x;"), 11<<18)); p.Status != http.StatusRequestEntityTooLarge ||
			!strings.Contains(p.Body, "fr-upload-group--error") || !strings.Contains(p.Body, "dépasse 5 Mo") {
			t.Errorf("5,5 Mo: %d %s", p.Status, p.Body)
		}
		// Past the body limit the request is refused before it is read.
		if p := c.importe(bytes.Repeat([]byte("x;"), 4<<20)); p.Status != http.StatusRequestEntityTooLarge || !strings.Contains(p.Body, "Le fichier dépasse 5 Mio") {
			t.Errorf("8 Mo: %d %s", p.Status, p.Body)
		}
		const entete = "nom_naissance;prenoms;date_naissance;lieu_naissance;email;titre_code;parcours;formation_debut;formation_fin\n"
		p := c.importe([]byte(entete +
			"Roussel;Anaïs;12/04/1994;Brest;a.roussel@example.fr;TP-00403;formation;05/01/2026;25/09/2026\n" +
			"Futur;Paul;12/04/2094;Brest;p@example.fr;TP-00403;formation;05/01/2026;25/09/2026\n"))
		if p.Status != http.StatusOK {
			t.Fatalf("dry run: %d %s", p.Status, p.Body)
		}
		empreinte := regexpFind(t, `name="empreinte" value="([0-9a-f]{64})"`, p.Body)
		r := c.post("/centre/candidats/import", "/centre/candidats/import/confirmation", url.Values{"empreinte": {empreinte}, "mode": {"tout_ou_rien"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "rien n&#39;a été importé") ||
			!strings.Contains(r.Body, "Ligne 3, colonne date_naissance : La date de naissance ne peut pas être dans le futur.") {
			t.Errorf("all or nothing: %d %s", r.Status, r.Body)
		}
		r = c.post("/centre/candidats/import", "/centre/candidats/import/confirmation", url.Values{"empreinte": {empreinte}, "mode": {"valides"}})
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "1 candidat(s) créé(s)") {
			t.Errorf("valid rows: %d %s", r.Status, r.Body)
		}
	})
}
