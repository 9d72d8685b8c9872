package app

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"sort"

	"github.com/labstack/echo/v4"
)

// redocVersion is the vendored Redoc (scripts/vendor-api-docs refreshes it).
const redocVersion = "redoc@2.5.4"

//go:embed static/vendor
var vendorFS embed.FS

// docsCSP keeps the reference on this host: the bundle shows a logo from
// its maker's CDN and the browser would fetch it; every other request
// (fonts, scripts, the document) stays here too.
const docsCSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

var docsPage = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>cipcert — référence de l'API</title>
<style>body{margin:0}</style></head>
<body>
<redoc spec-url="/api/v1/openapi.json" hide-loading="false" expand-responses="200,201" json-sample-expand-level="3"
 path-in-middle-panel="true" required-props-first="true"></redoc>
<script src="/api/docs/vendor/{{.}}/redoc.standalone.js"></script>
</body></html>`))

func docsHeaders(c echo.Context) {
	h := c.Response().Header()
	h.Set("Content-Security-Policy", docsCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
}

func (s *Server) handleAPIDocs(c echo.Context) error {
	var buf bytes.Buffer
	if err := docsPage.Execute(&buf, redocVersion); err != nil {
		return err
	}
	docsHeaders(c)
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

// handleAPIVendor serves the vendored files. Their path carries their
// version, so a browser may keep them for a year without asking again.
func (s *Server) handleAPIVendor(c echo.Context) error {
	// Only the scripts are served; the licences stay in the sources.
	p := path.Join("static/vendor", c.Param("paquet"), c.Param("fichier"))
	data, err := fs.ReadFile(vendorFS, p)
	if err != nil || path.Dir(p) != path.Join("static/vendor", c.Param("paquet")) || path.Ext(p) != ".js" {
		return &httpError{status: http.StatusNotFound, code: "introuvable", detail: "Aucun fichier à cette adresse."}
	}
	docsHeaders(c)
	c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	return c.Blob(http.StatusOK, "text/javascript; charset=utf-8", data)
}

var erreursPage = template.Must(template.New("erreurs").Parse(`<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>cipcert — catalogue des erreurs</title>
<style>body{font-family:system-ui,sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem;color:#161616}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.4rem .6rem;border-bottom:1px solid #ddd}
code{font-size:.95em}td ul{margin:0;padding-left:1.1rem}</style></head>
<body><h1>Catalogue des erreurs de l'API</h1>
<p>Toute erreur est un <code>application/problem+json</code> (RFC 9457) portant un <code>code</code> stable, un <code>detail</code> en français
et, pour une saisie invalide, la liste <code>erreurs</code> des champs fautifs. Le code est ce qu'un programme doit tester ; le message peut évoluer.
Chaque opération de la <a href="/api/docs">référence</a> liste les codes qu'elle peut renvoyer.</p>
<table><thead><tr><th>Code</th><th>Statut</th><th>Messages</th><th>Opérations</th></tr></thead><tbody>
{{range .}}<tr id="{{.Code}}"><td><code>{{.Code}}</code></td><td>{{.Status}} {{.Texte}}</td>
<td><ul>{{range .Messages}}<li>{{.}}</li>{{end}}</ul></td><td>{{.Operations}}</td></tr>
{{end}}</tbody></table></body></html>`))

func (s *Server) handleAPIErreurs(c echo.Context) error {
	type ligne struct {
		Code, Texte string
		Status      int
		Messages    []string
		Operations  int
	}
	uses := map[string]int{}
	for _, r := range routeTable {
		for _, code := range routeCodes(r) {
			uses[code]++
		}
	}
	var lignes []ligne
	for _, e := range catalogue {
		lignes = append(lignes, ligne{e.Code, http.StatusText(e.Status), e.Status, e.Messages, uses[e.Code]})
	}
	sort.Slice(lignes, func(i, j int) bool { return lignes[i].Code < lignes[j].Code })
	var buf bytes.Buffer
	if err := erreursPage.Execute(&buf, lignes); err != nil {
		return err
	}
	docsHeaders(c)
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}
