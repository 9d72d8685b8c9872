package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

func TestVerificationPages(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		var par certification.Document
		for _, d := range s.issueDemoDocuments() {
			if d.Type == "parchemin" {
				par = d
			}
		}
		c := s.client()
		p := c.get("/verification/" + par.CodeVerification)
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "Document authentique et en vigueur") ||
			!strings.Contains(p.Body, "C. É. L.") || strings.Contains(p.Body, "Lefèvre") {
			t.Fatalf("QR page: %d %s", p.Status, p.Body)
		}
		// The page says who sealed the document.
		if !strings.Contains(p.Body, "<dt>Scellé par</dt><dd>"+certtest.NomSceau+"</dd>") ||
			!strings.Contains(p.Body, certtest.Sceau(t).Certificat().Empreinte) {
			t.Errorf("QR page does not name the seal %q", certtest.NomSceau)
		}
		// API clients keep the JSON answer.
		for _, accept := range []string{"*/*", "application/json", ""} {
			p := c.do("GET", "/verification/"+par.CodeVerification, nil, accept)
			var v struct{ Statut, Initiales string }
			if err := json.Unmarshal([]byte(p.Body), &v); err != nil || v.Statut != "valide" {
				t.Errorf("Accept %q: %d %s", accept, p.Status, p.Body)
			}
		}
		// The holder's identity, posted, shows the full name.
		path := "/verification/" + par.CodeVerification
		p = c.post(path, path, url.Values{"nom": {"LEFEVRE"}, "date_naissance": {"17/05/1994"}})
		if p.Status != http.StatusOK || !strings.Contains(p.Body, "Camille Éloïse Lefèvre") {
			t.Errorf("confirmation: %d", p.Status)
		}
		p = c.post(path, path, url.Values{"nom": {"Lefèvre"}, "date_naissance": {"18/05/1994"}})
		if p.Status != http.StatusUnprocessableEntity || strings.Contains(p.Body, "Camille Éloïse") ||
			!strings.Contains(p.Body, "ne correspondent pas") {
			t.Errorf("wrong birth date: %d", p.Status)
		}
		p = c.post(path, path, url.Values{"nom": {""}, "date_naissance": {"31/02/1994"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Saisissez le nom de naissance") ||
			!strings.Contains(p.Body, "Date invalide") {
			t.Errorf("empty name, impossible date: %d", p.Status)
		}

		// Unknown or mistyped codes: an HTML 404 for a browser.
		for _, code := range []string{"ZZZZ-ZZZZ-ZZZZ", "abc", "%C3%A9t%C3%A9"} {
			p := c.get("/verification/" + code)
			if p.Status != http.StatusNotFound || !strings.Contains(p.Body, "Code inconnu") ||
				!strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
				t.Errorf("code %s: %d", code, p.Status)
			}
		}
		if p := c.do("GET", "/verification/ZZZZ-ZZZZ-ZZZZ", nil, "*/*"); p.Status != http.StatusNotFound ||
			!strings.Contains(p.Body, `"code":"code_inconnu"`) {
			t.Errorf("API unknown code: %d %s", p.Status, p.Body)
		}

		// The form takes the code, or the whole address, and goes to its page.
		lower := strings.ToLower(strings.ReplaceAll(par.CodeVerification, "-", ""))
		for _, typed := range []string{par.CodeVerification, lower, " " + par.CodeVerification + " ",
			"https://cipcert.example.fr/verification/" + par.CodeVerification + "?x=1"} {
			p := c.get("/verification?code=" + url.QueryEscape(typed))
			if p.Status != http.StatusSeeOther || p.Location != "/verification/"+par.CodeVerification {
				t.Errorf("typed %q: %d %q", typed, p.Status, p.Location)
			}
		}
		p = c.get("/verification?code=12")
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Code invalide") ||
			!strings.Contains(p.Body, `aria-live="polite"`) {
			t.Errorf("short code: %d", p.Status)
		}
	})
}

// TestVerificationPageLimits: the page's form draws on the same count of
// failed identity checks per code as the API: after 5, even the right
// identity is refused (429) without showing the name. A revoked document
// shows the public category of its revocation, never the autorité's motif.
func TestVerificationPageLimits(t *testing.T) {
	db := certtest.Open(t, "sqlite")
	s := newSite(t, db)
	var par, liv certification.Document
	for _, d := range s.issueDemoDocuments() {
		switch d.Type {
		case "parchemin":
			par = d
		case "livret":
			liv = d
		}
	}
	c := s.client()
	path := "/verification/" + par.CodeVerification
	for day := 1; day <= 5; day++ {
		p := c.post(path, path, url.Values{"nom": {"Lefèvre"}, "date_naissance": {"0" + strconv.Itoa(day) + "/05/1994"}})
		if p.Status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong date %d: %d", day, p.Status)
		}
	}
	p := c.post(path, path, url.Values{"nom": {"Lefèvre"}, "date_naissance": {"17/05/1994"}})
	if p.Status != http.StatusTooManyRequests || !strings.Contains(p.Body, "Trop de vérifications d’identité manquées") ||
		strings.Contains(p.Body, "Camille Éloïse") || p.Header.Get("Retry-After") == "" {
		t.Errorf("sixth check: %d", p.Status)
	}
	res, err := http.Post(s.srv.URL+path, "application/json", strings.NewReader(`{"nom":"Lefèvre","date_naissance":"1994-05-17"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the API after the form's failures: %d, want 429", res.StatusCode)
	}

	motif := "Signalement au parquet, dossier 26/777"
	if _, err := s.svc.RevoquerDocument(context.Background(), s.acteur("dreets"), liv.ID, certification.RevocationFraude, motif); err != nil {
		t.Fatal(err)
	}
	p = c.get("/verification/" + liv.CodeVerification)
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "Document révoqué") || !strings.Contains(p.Body, "Fraude constatée") ||
		strings.Contains(p.Body, "26/777") {
		t.Errorf("revoked document's page: %d", p.Status)
	}
}
