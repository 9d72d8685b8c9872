package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestBrowserCandidatDownload: a candidat signs in, sees its outcome and
// downloads its parchemin; the bytes are those the API serves.
func TestBrowserCandidatDownload(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		var par certification.Document
		for _, d := range s.issueDemoDocuments() {
			if d.Type == "parchemin" {
				par = d
			}
		}
		u := s.person(t)
		u.login("candidat")
		if u.path() != "/mon-espace" {
			t.Fatalf("candidat lands on %s", u.path())
		}
		body := u.body()
		for _, want := range []string{"TITRE OBTENU", "Parchemin n° " + par.Numero, par.CodeVerification, "PDF — "} {
			if !strings.Contains(body, want) {
				t.Errorf("mon espace lacks %q", want)
			}
		}
		u.check("GET /mon-espace", "mon-espace")

		dir := u.downloads()
		u.do(chromedp.Click(chromedp.CSS(`a[href="/mon-espace/documents/` + par.ID + `.pdf"]`)))
		got := waitDownload(t, dir)

		req, _ := http.NewRequest("GET", s.srv.URL+"/api/v1/documents/"+par.ID+".pdf", nil)
		req.Header.Set("Authorization", "Bearer "+s.token("candidat"))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		api, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || len(api) == 0 || !bytes.Equal(got, api) {
			t.Errorf("downloaded %d bytes, the API serves %d (status %d): not the same", len(got), len(api), res.StatusCode)
		}
		fetched(t, "GET /mon-espace/documents/:fichier")
	})
}

// downloads sends the tab's downloads to a new folder, and returns it.
func (tb *tab) downloads() string {
	tb.t.Helper()
	dir := tb.t.TempDir()
	if _, err := chromedp.CallBrowser(tb.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
		BrowserContextID: chromedp.FromContext(tb.ctx).BrowserContextID,
	}); err != nil {
		tb.t.Fatal(err)
	}
	return dir
}

// waitDownload returns the bytes of the first completed download in dir.
func waitDownload(t *testing.T, dir string) []byte {
	t.Helper()
	for range 200 {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".crdownload") {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err == nil && len(b) > 0 {
				return b
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("no download completed within 10 s")
	return nil
}

// TestBrowserWithoutJavaScript: the candidat's pages and the verification
// work with JavaScript turned off.
func TestBrowserWithoutJavaScript(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		s := newSite(t, db)
		var par certification.Document
		for _, d := range s.issueDemoDocuments() {
			if d.Type == "parchemin" {
				par = d
			}
		}
		u := s.person(t)
		u.noScript()
		u.login("candidat")
		if js := eval[bool](u, `document.documentElement.hasAttribute("data-fr-js")`); js {
			t.Fatal("the DSFR's script ran: JavaScript is not off")
		}
		body := u.body()
		for _, want := range []string{"Parchemin n° " + par.Numero, par.CodeVerification, "Mes sessions", "Mon dossier"} {
			if !strings.Contains(body, want) {
				t.Errorf("mon espace without JavaScript lacks %q", want)
			}
		}
		// The copy button needs a script: it stays hidden. Se déconnecter
		// stays reachable at 375 px.
		if visible := eval[bool](u, `(() => { const b = document.querySelector(".cc-copier"); return !!b && b.offsetParent !== null })()`); visible {
			t.Error("the copy button shows without JavaScript")
		}
		u.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile))
		if visible := eval[bool](u, `document.querySelector('form[action="/deconnexion"] button').offsetParent !== null`); !visible {
			t.Error("« Se déconnecter » is out of reach at 375 px without JavaScript")
		}
		u.check("GET /mon-espace", "mon-espace-sans-js")

		v := s.person(t)
		v.noScript()
		v.open("/verification")
		v.submit("#f-code", strings.ToLower(par.CodeVerification))
		if v.path() != "/verification/"+par.CodeVerification || !strings.Contains(v.body(), "Document authentique") {
			t.Fatalf("verification without JavaScript: %s %s", v.path(), v.body())
		}
		v.submit("#f-nom", "Lefèvre", "#f-date-naissance", "17/05/1994")
		if !strings.Contains(v.body(), "Camille Éloïse Lefèvre") {
			t.Errorf("confirmation without JavaScript: %s", v.body())
		}
		v.check("POST /verification/:code", "verification-confirmee-sans-js")

		// A candidat opens its account from the link its centre handed
		// over, without JavaScript too.
		lien, err := s.svc.OuvrirCompteCandidat(context.Background(), s.acteur("centre"), s.candidatID("Nguyễn"))
		if err != nil {
			t.Fatal(err)
		}
		w := s.person(t)
		w.noScript()
		w.open("/activation/" + lien.Jeton)
		w.check("GET /activation/:jeton", "activation-sans-js")
		w.submit("#f-mot-de-passe", "une phrase de passe sans script", "#f-confirmation", "une phrase de passe sans script")
		if w.path() != "/mon-espace?info=compte-active" || !strings.Contains(w.body(), "Nguyễn") {
			t.Errorf("activation without JavaScript: %s %s", w.path(), w.body())
		}
	})
}
