package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification/certtest"
)

// The byte budgets of a page load, compressed as served: the first visit
// fetches the page and every file it names (fonts aside: the browser only
// fetches those the CSS uses, and keeps them); a later page is its HTML
// alone, the static files being served immutable and so kept in cache.
const (
	firstLoadBudget = 200 << 10
	pageBudget      = 30 << 10
)

// assetRef finds what the browser fetches when it reads a page: stylesheets,
// icons, images and scripts. A nomodule script is left out: the browsers
// that run modules skip it, and those are the ones the budget is for.
var assetRef = regexp.MustCompile(`<(?:link|script|img)\b[^>]*>`)
var assetAttr = regexp.MustCompile(`\s(href|src|rel)="([^"]*)"`)

// assetsOf lists the URLs of the files a page makes the browser fetch.
func assetsOf(html string) []string {
	var out []string
	for _, tag := range assetRef.FindAllString(html, -1) {
		if strings.Contains(tag, " nomodule") {
			continue
		}
		attrs := map[string]string{}
		for _, m := range assetAttr.FindAllStringSubmatch(tag, -1) {
			attrs[m[1]] = m[2]
		}
		url := attrs["src"]
		if strings.HasPrefix(tag, "<link") {
			switch attrs["rel"] {
			case "stylesheet", "icon", "shortcut icon", "apple-touch-icon":
				url = attrs["href"]
			default:
				url = ""
			}
		}
		if url != "" {
			out = append(out, strings.ReplaceAll(url, "&amp;", "&"))
		}
	}
	return out
}

// transferred fetches path with hc's cookies, asking for gzip, and
// returns the body and the size it had on the wire.
func transferred(tb testing.TB, hc *http.Client, base, path string) (body string, size int) {
	tb.Helper()
	req, err := http.NewRequest("GET", base+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Accept", browserAccept)
	// Set by hand, the transport leaves the body compressed: its length is
	// what the network carried.
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := hc.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		tb.Fatalf("%s: %d", path, res.StatusCode)
	}
	// Static files are compressed. Pages are not: each carries its
	// session's CSRF token next to what the address reflects (a searched
	// name), and compressing both together would let a third party guess
	// the token from the response sizes (BREACH). At about 10 KB they fit
	// the budget as they are.
	if strings.HasPrefix(path, "/static/") && len(raw) >= 1024 && res.Header.Get("Content-Encoding") != "gzip" {
		tb.Errorf("%s: %d bytes sent uncompressed", path, len(raw))
	}
	if res.Header.Get("Content-Encoding") == "gzip" {
		return string(gunzip(tb, raw)), len(raw)
	}
	return string(raw), len(raw)
}

// TestPageBytes holds the pages to their byte budgets: bytes, unlike time,
// do not depend on the machine, so a page or a stylesheet that grows past
// its budget fails here. The figures go to the log (go test -v).
func TestPageBytes(t *testing.T) {
	t.Parallel()
	s := newSite(t, certtest.Open(t, "sqlite"))
	var code string
	for _, d := range s.issueDemoDocuments() {
		code = d.CodeVerification
	}
	lefevre := s.candidatID("Lefèvre")

	anon := s.client()
	html, first := transferred(t, anon.http, s.srv.URL, "/connexion")
	assets := assetsOf(html)
	if len(assets) < 5 {
		t.Fatalf("only %d files named by /connexion: %v", len(assets), assets)
	}
	for _, a := range assets {
		_, n := transferred(t, anon.http, s.srv.URL, a)
		t.Logf("  %6d B  %s", n, a)
		first += n
	}
	t.Logf("first load, /connexion and %d files: %d B (budget %d B)", len(assets), first, firstLoadBudget)
	if first > firstLoadBudget {
		t.Errorf("first load: %d B, over the budget of %d B", first, firstLoadBudget)
	}

	centre := s.client()
	centre.login("centre")
	candidat := s.client()
	candidat.login("candidat")
	for _, p := range []struct {
		c    *client
		path string
	}{
		{anon, "/connexion"},
		{anon, "/verification/" + code},
		{centre, "/centre/candidats"},
		{centre, "/centre/candidats?nom=lef"},
		{centre, "/centre/candidats/" + lefevre},
		{candidat, "/mon-espace"},
	} {
		html, n := transferred(t, p.c.http, s.srv.URL, p.path)
		t.Logf("later page %s: %d B sent, %d B of HTML (budget %d B)", p.path, n, len(html), pageBudget)
		if n > pageBudget {
			t.Errorf("%s: %d B, over the budget of %d B", p.path, n, pageBudget)
		}
	}
}

func gunzip(tb testing.TB, b []byte) []byte {
	tb.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatal(err)
	}
	return plain
}
