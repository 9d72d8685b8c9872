package app_test

import (
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/fixtures"
)

// roleAccounts are the demo accounts standing for the five roles.
var roleAccounts = []string{"admin", "dreets", "centre", "jury1", "candidat"}

// publicRoutes answer without a token.
var publicRoutes = map[string]bool{
	"GET /healthz":                          true,
	"GET /readyz":                           true,
	"POST /api/v1/auth/connexion":           true,
	"POST /api/v1/auth/mot-de-passe-oublie": true,
	"POST /api/v1/auth/reinitialisation":    true,
	"POST /api/v1/auth/invitation":          true,
	"GET /verification/:code":               true,
	"POST /verification/:code":              true,
	"GET /api/v1/openapi.json":              true,
	"GET /api/docs":                         true,
	"GET /api/docs/erreurs":                 true,
	"GET /api/docs/vendor/:paquet/:fichier": true,
}

// roleCase is one route of the API and what each role gets from it. A role
// absent from allowed is denied: 403 acces_refuse. An allowed role gets the
// given status, which proves it went past the role check (a 2xx, or a 4xx
// the handler or the service raised, such as 422 for an empty object).
type roleCase struct {
	route   string // "METHOD /path" as Server.Routes lists it
	path    func(ids roleIDs) string
	body    any
	headers []string
	allowed map[string]int
	// denied are roles the route admits but the handler refuses with 403
	// and its own code, which says what to do instead.
	denied map[string]string
	// fresh logs in anew for the request, for routes that use up the token.
	fresh bool
}

type roleIDs struct{ centre, candidat string }

func fixed(p string) func(roleIDs) string { return func(roleIDs) string { return p } }

func everyone(status int) map[string]int {
	m := map[string]int{}
	for _, r := range roleAccounts {
		m[r] = status
	}
	return m
}

var roleTable = []roleCase{
	{route: "POST /api/v1/auth/deconnexion", path: fixed("/api/v1/auth/deconnexion"), allowed: everyone(http.StatusNoContent), fresh: true},
	{route: "GET /api/v1/moi", path: fixed("/api/v1/moi"), allowed: everyone(http.StatusOK)},
	{route: "GET /api/v1/titres", path: fixed("/api/v1/titres"), allowed: everyone(http.StatusOK)},
	{route: "GET /api/v1/titres/:code", path: fixed("/api/v1/titres/TP-00403"), allowed: everyone(http.StatusOK)},
	// The référentiel's administration: an empty body makes the allowed
	// call harmless, 422 and nothing written.
	{route: "POST /api/v1/titres", path: fixed("/api/v1/titres"), body: map[string]any{}, allowed: roles(http.StatusUnprocessableEntity, "admin")},
	{route: "POST /api/v1/titres/import", path: fixed("/api/v1/titres/import"), body: map[string]any{},
		allowed: roles(http.StatusUnprocessableEntity, "admin")},
	{route: "GET /api/v1/titres/:code/export", path: fixed("/api/v1/titres/TP-00403/export"), allowed: roles(http.StatusOK, "admin", "dreets")},
	{route: "GET /api/v1/titres/:code/evenements", path: fixed("/api/v1/titres/TP-00403/evenements"), allowed: roles(http.StatusOK, "admin")},
	{route: "POST /api/v1/titres/:code/versions", path: fixed("/api/v1/titres/TP-00403/versions"), body: map[string]any{},
		headers: []string{`If-Match: "1"`}, allowed: roles(http.StatusUnprocessableEntity, "admin")},
	{route: "PUT /api/v1/titres/:code/versions/:version", path: fixed("/api/v1/titres/TP-00403/versions/TP-00403-2023"), body: map[string]any{},
		headers: []string{`If-Match: "1"`}, allowed: roles(http.StatusUnprocessableEntity, "admin")},
	{route: "POST /api/v1/titres/:code/versions/:version/revision", path: fixed("/api/v1/titres/TP-00403/versions/TP-00403-2023/revision"),
		body: map[string]any{}, headers: []string{`If-Match: "1"`}, allowed: roles(http.StatusUnprocessableEntity, "admin")},
	{route: "POST /api/v1/titres/:code/versions/:version/cloture", path: fixed("/api/v1/titres/TP-00403/versions/TP-00403-2023/cloture"),
		body: map[string]any{}, headers: []string{`If-Match: "1"`}, allowed: roles(http.StatusUnprocessableEntity, "admin")},
	{route: "POST /api/v1/utilisateurs", path: fixed("/api/v1/utilisateurs"), body: map[string]any{},
		allowed: map[string]int{"admin": http.StatusUnprocessableEntity}, denied: map[string]string{"centre": "compte_par_activation"}},
	{route: "GET /api/v1/utilisateurs", path: fixed("/api/v1/utilisateurs?role=autorite"), allowed: roles(http.StatusOK, "admin")},
	{route: "POST /api/v1/invitations", path: fixed("/api/v1/invitations"), body: map[string]any{},
		allowed: roles(http.StatusUnprocessableEntity, "admin")},
	// A wrong current password: past the role check, nothing changed.
	{route: "PUT /api/v1/moi/mot-de-passe", path: fixed("/api/v1/moi/mot-de-passe"),
		body:    map[string]any{"mot_de_passe_actuel": "pas-le-bon-mot-de-passe", "nouveau_mot_de_passe": "un-nouveau-mot-de-passe"},
		allowed: everyone(http.StatusUnprocessableEntity)},
	{route: "POST /api/v1/candidats/:id/compte/invitation", path: fixed("/api/v1/candidats/" + nobody + "/compte/invitation"),
		allowed: roles(http.StatusNotFound, "centre")},
	{route: "POST /api/v1/candidats/:id/compte/desactivation", path: fixed("/api/v1/candidats/" + nobody + "/compte/desactivation"),
		body: map[string]any{"motif": "Départ"}, allowed: roles(http.StatusNotFound, "centre")},
	{route: "POST /api/v1/candidats/:id/compte/reactivation", path: fixed("/api/v1/candidats/" + nobody + "/compte/reactivation"),
		body: map[string]any{"motif": "Retour"}, allowed: roles(http.StatusNotFound, "centre")},
	// An account that does not exist makes the allowed call harmless: 404.
	{route: "PUT /api/v1/utilisateurs/:id/territoire", path: fixed("/api/v1/utilisateurs/" + nobody + "/territoire"),
		body: map[string]any{"autorite": "DREETS Bretagne", "region": "Bretagne"}, allowed: roles(http.StatusNotFound, "admin")},
	{route: "PUT /api/v1/utilisateurs/:id/email", path: fixed("/api/v1/utilisateurs/" + nobody + "/email"),
		body: map[string]any{"email": "personne@cipcert.test"}, allowed: roles(http.StatusNotFound, "admin")},
	{route: "POST /api/v1/moi/totp", path: fixed("/api/v1/moi/totp"), allowed: roles(http.StatusOK, "admin", "dreets")},
	{route: "POST /api/v1/moi/totp/activation", path: fixed("/api/v1/moi/totp/activation"), body: map[string]any{},
		allowed: roles(http.StatusUnprocessableEntity, "admin", "dreets")},
	{route: "POST /api/v1/utilisateurs/:id/totp/reinitialisation", path: fixed("/api/v1/utilisateurs/" + nobody + "/totp/reinitialisation"),
		body: map[string]any{"motif": "Appareil perdu"}, allowed: roles(http.StatusNotFound, "admin")},
	{route: "POST /api/v1/utilisateurs/:id/desactivation", path: fixed("/api/v1/utilisateurs/" + nobody + "/desactivation"),
		body: map[string]any{"motif": "Départ"}, allowed: roles(http.StatusNotFound, "admin")},
	{route: "POST /api/v1/utilisateurs/:id/reactivation", path: fixed("/api/v1/utilisateurs/" + nobody + "/reactivation"),
		body: map[string]any{"motif": "Retour"}, allowed: roles(http.StatusNotFound, "admin")},
	{route: "POST /api/v1/centres", path: fixed("/api/v1/centres"), body: map[string]any{},
		allowed: map[string]int{"admin": http.StatusUnprocessableEntity}},
	{route: "GET /api/v1/centres", path: fixed("/api/v1/centres"),
		allowed: map[string]int{"admin": http.StatusOK, "dreets": http.StatusOK}},
	{route: "GET /api/v1/centres/:id", path: func(ids roleIDs) string { return "/api/v1/centres/" + ids.centre },
		allowed: map[string]int{"admin": http.StatusOK, "dreets": http.StatusOK, "centre": http.StatusOK}},
	{route: "PUT /api/v1/centres/:id", path: fixed("/api/v1/centres/" + nobody), body: map[string]any{},
		headers: []string{`If-Match: "1"`}, allowed: roles(http.StatusUnprocessableEntity, "admin")},
	{route: "POST /api/v1/sessions/:id/incidents/:nid/retrait", path: fixed("/api/v1/sessions/" + nobody + "/incidents/" + nobody + "/retrait"),
		allowed: roles(http.StatusNotFound, "jury1")},
	{route: "GET /api/v1/jury/comptes-liables", path: fixed("/api/v1/jury/comptes-liables"), allowed: roles(http.StatusOK, "admin", "dreets")},
	{route: "PUT /api/v1/jury/membres/:id/compte", path: fixed("/api/v1/jury/membres/" + nobody + "/compte"),
		body: map[string]any{"utilisateur_id": nobody}, allowed: roles(http.StatusNotFound, "admin", "dreets")},
	// The import: a JSON body where a file is expected, or an empty
	// confirmation, makes the allowed call harmless.
	{route: "GET /api/v1/candidats/import/modele.csv", path: fixed("/api/v1/candidats/import/modele.csv"), allowed: roles(http.StatusOK, "centre")},
	{route: "GET /api/v1/candidats/import/modele.xlsx", path: fixed("/api/v1/candidats/import/modele.xlsx"), allowed: roles(http.StatusOK, "centre")},
	{route: "POST /api/v1/candidats/import/essai", path: fixed("/api/v1/candidats/import/essai"), body: map[string]any{},
		allowed: roles(http.StatusBadRequest, "centre")},
	{route: "POST /api/v1/candidats/import/confirmation", path: fixed("/api/v1/candidats/import/confirmation"), body: map[string]any{},
		allowed: roles(http.StatusUnprocessableEntity, "centre")},
	{route: "POST /api/v1/candidats", path: fixed("/api/v1/candidats"), body: map[string]any{},
		allowed: map[string]int{"centre": http.StatusUnprocessableEntity}},
	{route: "GET /api/v1/candidats", path: fixed("/api/v1/candidats"),
		allowed: map[string]int{"admin": http.StatusOK, "dreets": http.StatusOK, "centre": http.StatusOK}},
	{route: "GET /api/v1/candidats/:id", path: func(ids roleIDs) string { return "/api/v1/candidats/" + ids.candidat },
		allowed: map[string]int{"admin": http.StatusOK, "dreets": http.StatusOK, "centre": http.StatusOK, "candidat": http.StatusOK}},
	{route: "PUT /api/v1/candidats/:id", path: func(ids roleIDs) string { return "/api/v1/candidats/" + ids.candidat },
		body: map[string]any{}, headers: []string{`If-Match: "1"`},
		allowed: map[string]int{"centre": http.StatusUnprocessableEntity}},
	// A stale If-Match makes the allowed call harmless: 412, nothing archived.
	{route: "POST /api/v1/candidats/:id/archivage", path: func(ids roleIDs) string { return "/api/v1/candidats/" + ids.candidat + "/archivage" },
		headers: []string{`If-Match: "99"`},
		allowed: map[string]int{"centre": http.StatusPreconditionFailed}},

	// Camille Lefèvre's account is active: 409, no new link.
	{route: "POST /api/v1/candidats/:id/compte", path: func(ids roleIDs) string { return "/api/v1/candidats/" + ids.candidat + "/compte" },
		allowed: map[string]int{"centre": http.StatusConflict}},

	// Sessions and jury. The ids name nothing, so that an allowed call
	// changes nothing: it answers 404 or 422, which still proves the role
	// check let it through.
	// An empty body makes the allowed call harmless: 422, nothing rectified.
	{route: "POST /api/v1/candidats/:id/rectification-identite",
		path: func(ids roleIDs) string { return "/api/v1/candidats/" + ids.candidat + "/rectification-identite" },
		body: map[string]any{}, headers: []string{`If-Match: "1"`}, allowed: map[string]int{"dreets": http.StatusUnprocessableEntity}},
	{route: "GET /api/v1/candidats/:id/parcours", path: func(ids roleIDs) string { return "/api/v1/candidats/" + ids.candidat + "/parcours" },
		allowed: roles(passes, "admin", "dreets", "centre", "candidat")},
	{route: "GET /api/v1/candidats/:id/evenements", path: func(ids roleIDs) string { return "/api/v1/candidats/" + ids.candidat + "/evenements" },
		allowed: roles(passes, "admin", "dreets")},
	{route: "POST /api/v1/jury/membres", path: fixed("/api/v1/jury/membres"), body: map[string]any{},
		allowed: roles(http.StatusUnprocessableEntity, "admin", "dreets")},
	{route: "GET /api/v1/jury/membres", path: fixed("/api/v1/jury/membres"),
		allowed: roles(http.StatusOK, "admin", "dreets", "centre")},
	{route: "POST /api/v1/jury/membres/:id/habilitations", path: fixed("/api/v1/jury/membres/" + nobody + "/habilitations"), body: map[string]any{},
		allowed: roles(passes, "dreets")},
	{route: "POST /api/v1/jury/membres/:id/habilitations/:hid/prolongation", path: fixed("/api/v1/jury/membres/" + nobody + "/habilitations/" + nobody + "/prolongation"),
		body: map[string]any{}, headers: []string{`If-Match: "2029-11-30"`}, allowed: roles(http.StatusUnprocessableEntity, "dreets")},
	{route: "POST /api/v1/jury/membres/:id/habilitations/:hid/fin", path: fixed("/api/v1/jury/membres/" + nobody + "/habilitations/" + nobody + "/fin"),
		body: map[string]any{}, headers: []string{`If-Match: "2029-11-30"`}, allowed: roles(http.StatusUnprocessableEntity, "dreets")},
	{route: "POST /api/v1/liens", path: fixed("/api/v1/liens"), body: map[string]any{},
		allowed: roles(http.StatusUnprocessableEntity, "centre", "jury1")},
	{route: "POST /api/v1/sessions", path: fixed("/api/v1/sessions"), body: map[string]any{},
		allowed: roles(http.StatusUnprocessableEntity, "centre")},
	{route: "GET /api/v1/sessions", path: fixed("/api/v1/sessions"),
		allowed: roles(http.StatusOK, "admin", "dreets", "centre", "jury1")},
	{route: "GET /api/v1/sessions/:id", path: fixed("/api/v1/sessions/" + nobody),
		allowed: roles(http.StatusNotFound, "admin", "dreets", "centre", "jury1")},
	{route: "PUT /api/v1/sessions/:id", path: fixed("/api/v1/sessions/" + nobody), body: map[string]any{},
		headers: []string{`If-Match: "1"`}, allowed: roles(passes, "centre")},
	{route: "POST /api/v1/sessions/:id/jury/remplacement", path: fixed("/api/v1/sessions/" + nobody + "/jury/remplacement"), body: map[string]any{},
		headers: []string{`If-Match: "1"`}, allowed: roles(passes, "centre")},
	{route: "PUT /api/v1/sessions/:id/ceres", path: fixed("/api/v1/sessions/" + nobody + "/ceres"), body: map[string]any{},
		headers: []string{`If-Match: "1"`}, allowed: roles(passes, "centre")},
	{route: "POST /api/v1/sessions/:id/inscriptions/:iid/excuse", path: fixed("/api/v1/sessions/" + nobody + "/inscriptions/" + nobody + "/excuse"),
		body: map[string]any{}, allowed: roles(passes, "centre")},
	{route: "GET /api/v1/sessions/:id/convocations.pdf", path: fixed("/api/v1/sessions/" + nobody + "/convocations.pdf"),
		allowed: roles(http.StatusNotFound, "centre")},
	{route: "GET /api/v1/sessions/:id/inscriptions/:iid/convocation.pdf",
		path:    fixed("/api/v1/sessions/" + nobody + "/inscriptions/" + nobody + "/convocation.pdf"),
		allowed: roles(http.StatusNotFound, "centre", "candidat")},
	{route: "GET /api/v1/sessions/:id/emargement.pdf", path: fixed("/api/v1/sessions/" + nobody + "/emargement.pdf"),
		allowed: roles(http.StatusNotFound, "centre", "jury1")},
	{route: "POST /api/v1/sessions/:id/declaration", path: fixed("/api/v1/sessions/" + nobody + "/declaration"),
		allowed: roles(passes, "centre")},
	{route: "POST /api/v1/sessions/:id/regularisation", path: fixed("/api/v1/sessions/" + nobody + "/regularisation"), body: map[string]any{},
		allowed: roles(passes, "dreets")},
	{route: "POST /api/v1/sessions/:id/tenue", path: fixed("/api/v1/sessions/" + nobody + "/tenue"),
		allowed: roles(passes, "centre")},
	{route: "POST /api/v1/sessions/:id/annulation", path: fixed("/api/v1/sessions/" + nobody + "/annulation"), body: map[string]any{},
		allowed: roles(passes, "centre", "dreets")},
	{route: "POST /api/v1/sessions/:id/signature", path: fixed("/api/v1/sessions/" + nobody + "/signature"),
		allowed: roles(passes, "jury1")},
	{route: "POST /api/v1/sessions/:id/validation", path: fixed("/api/v1/sessions/" + nobody + "/validation"),
		allowed: roles(passes, "dreets")},
	// Exports and statistics: the centre, the autorité and the
	// administrator read a period's results, each within its scope.
	{route: "GET /api/v1/exports/resultats", path: fixed("/api/v1/exports/resultats?debut=2026-01-01&fin=2026-12-31"),
		allowed: roles(http.StatusOK, "admin", "dreets", "centre")},
	{route: "GET /api/v1/exports/sessions", path: fixed("/api/v1/exports/sessions?debut=2026-01-01&fin=2026-12-31&format=xlsx"),
		allowed: roles(http.StatusOK, "admin", "dreets", "centre")},
	{route: "GET /api/v1/statistiques", path: fixed("/api/v1/statistiques?debut=2026-01-01&fin=2026-12-31"),
		allowed: roles(http.StatusOK, "admin", "dreets", "centre")},
	{route: "GET /api/v1/statistiques/export", path: fixed("/api/v1/statistiques/export?debut=2026-01-01"),
		allowed: roles(http.StatusUnprocessableEntity, "admin", "dreets", "centre")},
	{route: "GET /api/v1/sessions/:id/evenements", path: fixed("/api/v1/sessions/" + nobody + "/evenements"),
		allowed: roles(passes, "admin", "dreets")},
	{route: "GET /api/v1/sessions/:id/inscriptions", path: fixed("/api/v1/sessions/" + nobody + "/inscriptions"),
		allowed: roles(passes, "admin", "dreets", "centre", "jury1")},
	{route: "POST /api/v1/sessions/:id/inscriptions", path: fixed("/api/v1/sessions/" + nobody + "/inscriptions"), body: map[string]any{},
		allowed: roles(passes, "centre")},
	{route: "PUT /api/v1/sessions/:id/inscriptions/:iid/presence", path: fixed("/api/v1/sessions/" + nobody + "/inscriptions/" + nobody + "/presence"),
		body: map[string]any{}, headers: []string{`If-Match: "1"`}, allowed: roles(passes, "jury1")},
	{route: "PUT /api/v1/sessions/:id/inscriptions/:iid/evaluations/:ccp", path: fixed("/api/v1/sessions/" + nobody + "/inscriptions/" + nobody + "/evaluations/CCP1"),
		body: map[string]any{}, headers: []string{`If-Match: "1"`}, allowed: roles(passes, "jury1")},
	{route: "POST /api/v1/sessions/:id/inscriptions/:iid/retrait", path: fixed("/api/v1/sessions/" + nobody + "/inscriptions/" + nobody + "/retrait"),
		body: map[string]any{}, allowed: roles(passes, "centre")},
	{route: "POST /api/v1/sessions/:id/inscriptions/:iid/evaluations/:ccp/correction",
		path: fixed("/api/v1/sessions/" + nobody + "/inscriptions/" + nobody + "/evaluations/CCP1/correction"),
		body: map[string]any{}, allowed: roles(passes, "dreets")},
	{route: "POST /api/v1/sessions/:id/inscriptions/:iid/incidents", path: fixed("/api/v1/sessions/" + nobody + "/inscriptions/" + nobody + "/incidents"),
		body: map[string]any{}, allowed: roles(passes, "jury1")},
	{route: "GET /api/v1/sessions/:id/incidents", path: fixed("/api/v1/sessions/" + nobody + "/incidents"),
		allowed: roles(passes, "admin", "dreets", "centre", "jury1")},
	// Aménagements: read by the candidat itself, the session's centre and
	// jury, the autorité; never by the administrator. An unknown session
	// makes the allowed call harmless: 404, or 422 for an empty body.
	{route: "GET /api/v1/sessions/:id/amenagements", path: fixed("/api/v1/sessions/" + nobody + "/amenagements"),
		allowed: roles(http.StatusNotFound, "dreets", "centre", "jury1")},
	{route: "GET /api/v1/sessions/:id/inscriptions/:iid/amenagements", path: fixed("/api/v1/sessions/" + nobody + "/inscriptions/" + nobody + "/amenagements"),
		allowed: roles(http.StatusNotFound, "dreets", "centre", "jury1", "candidat")},
	{route: "POST /api/v1/sessions/:id/inscriptions/:iid/amenagements", path: fixed("/api/v1/sessions/" + nobody + "/inscriptions/" + nobody + "/amenagements"),
		body: map[string]any{}, allowed: roles(http.StatusUnprocessableEntity, "centre")},
	{route: "PUT /api/v1/sessions/:id/amenagements/:aid", path: fixed("/api/v1/sessions/" + nobody + "/amenagements/" + nobody),
		body: map[string]any{}, headers: []string{`If-Match: "1"`}, allowed: roles(http.StatusUnprocessableEntity, "centre")},
	{route: "POST /api/v1/sessions/:id/amenagements/:aid/retrait", path: fixed("/api/v1/sessions/" + nobody + "/amenagements/" + nobody + "/retrait"),
		headers: []string{`If-Match: "1"`}, allowed: roles(http.StatusNotFound, "centre")},
	{route: "GET /api/v1/sessions/:id/pv-brouillon.pdf", path: fixed("/api/v1/sessions/" + nobody + "/pv-brouillon.pdf"),
		allowed: roles(http.StatusNotFound, "dreets", "centre", "jury1")},
	{route: "GET /api/v1/sessions/:id/inscriptions/:iid/livret-apercu.pdf",
		path:    fixed("/api/v1/sessions/" + nobody + "/inscriptions/" + nobody + "/livret-apercu.pdf"),
		allowed: roles(http.StatusNotFound, "dreets", "centre", "jury1")},
	{route: "POST /api/v1/sessions/:id/documents", path: fixed("/api/v1/sessions/" + nobody + "/documents"),
		allowed: roles(http.StatusNotFound, "dreets")},
	{route: "POST /api/v1/sessions/:id/inscriptions/:iid/documents",
		path:    fixed("/api/v1/sessions/" + nobody + "/inscriptions/" + nobody + "/documents"),
		allowed: roles(http.StatusNotFound, "dreets")},
	{route: "GET /api/v1/sessions/:id/documents.zip", path: fixed("/api/v1/sessions/" + nobody + "/documents.zip"),
		allowed: roles(http.StatusNotFound, "admin", "dreets", "centre")},
	{route: "GET /api/v1/documents", path: fixed("/api/v1/documents"),
		allowed: roles(http.StatusOK, "admin", "dreets", "centre", "candidat")},
	{route: "GET /api/v1/documents/:fichier", path: fixed("/api/v1/documents/" + nobody + ".pdf"),
		allowed: roles(http.StatusNotFound, "admin", "dreets", "centre", "candidat")},
	{route: "POST /api/v1/documents/:fichier/revocation", path: fixed("/api/v1/documents/" + nobody + "/revocation"),
		body: map[string]any{"categorie": "erreur_materielle", "motif": "Erreur de saisie"}, allowed: roles(http.StatusNotFound, "dreets")},
	{route: "POST /api/v1/documents/:fichier/duplicata", path: fixed("/api/v1/documents/" + nobody + "/duplicata"),
		allowed: roles(http.StatusNotFound, "dreets")},
	// Recours: each role reads the list, filtered to what it may see; a
	// recours that does not exist, or an empty body, makes the allowed
	// writes harmless.
	{route: "GET /api/v1/recours", path: fixed("/api/v1/recours?ouverts=true"), allowed: everyone(http.StatusOK)},
	{route: "POST /api/v1/recours", path: fixed("/api/v1/recours"), body: map[string]any{},
		allowed: roles(http.StatusUnprocessableEntity, "centre", "candidat")},
	{route: "GET /api/v1/recours/:id", path: fixed("/api/v1/recours/" + nobody), allowed: everyone(http.StatusNotFound)},
	{route: "POST /api/v1/recours/:id/pieces", path: fixed("/api/v1/recours/" + nobody + "/pieces"), body: map[string]any{},
		allowed: roles(http.StatusBadRequest, "centre", "candidat")},
	{route: "GET /api/v1/recours/:id/pieces/:pid", path: fixed("/api/v1/recours/" + nobody + "/pieces/" + nobody), allowed: everyone(http.StatusNotFound)},
	{route: "POST /api/v1/recours/:id/decision", path: fixed("/api/v1/recours/" + nobody + "/decision"),
		body: map[string]any{"issue": "rejete", "motif_rejet": "tardif", "reponse": "Hors délai."}, headers: []string{`If-Match: "1"`},
		allowed: roles(http.StatusNotFound, "dreets")},
	{route: "PUT /api/v1/recours/:id/proposition", path: fixed("/api/v1/recours/" + nobody + "/proposition"), body: map[string]any{},
		headers: []string{`If-Match: "1"`}, allowed: roles(http.StatusUnprocessableEntity, "jury1")},
	{route: "POST /api/v1/recours/:id/signature", path: fixed("/api/v1/recours/" + nobody + "/signature"), allowed: roles(http.StatusNotFound, "jury1")},
}

// nobody is a well-formed id that names no row.
const nobody = "01900000-0000-7000-8000-000000000000"

// passes expects any answer the role check lets through: not 401, not 403,
// and not a 5xx either.
const passes = -1

func roles(status int, accounts ...string) map[string]int {
	m := map[string]int{}
	for _, a := range accounts {
		m[a] = status
	}
	return m
}

func (a *api) roleIDs() roleIDs {
	a.t.Helper()
	var centre string
	if err := a.db.Table("centres").Select("id").Where("nom = ?", "Avenir Insertion Formation").Scan(&centre).Error; err != nil || centre == "" {
		a.t.Fatalf("centre Avenir: %v", err)
	}
	return roleIDs{centre: centre, candidat: a.candidatID("Lefèvre")}
}

// freshToken logs a demo account in again and returns the new token.
func (a *api) freshToken(identifiant string) string {
	a.t.Helper()
	for _, acc := range fixtures.DemoComptes {
		if acc.Identifiant == identifiant {
			return a.login(acc.Identifiant, acc.MotDePasse)
		}
	}
	a.t.Fatalf("no demo account %q", identifiant)
	return ""
}

func TestRoleTable(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		ids := a.roleIDs()
		before := map[string]int64{}
		for _, tb := range []string{"candidats", "centres", "utilisateurs", "titres", "titre_versions", "blocs"} {
			before[tb] = a.count(tb)
		}
		for _, rc := range roleTable {
			method, _, _ := strings.Cut(rc.route, " ")
			path := rc.path(ids)
			for _, role := range roleAccounts {
				t.Run(rc.route+"/"+role, func(t *testing.T) {
					tok := a.tokens[role]
					if rc.fresh {
						tok = a.freshToken(role)
					}
					rec := a.do(method, path, tok, rc.body, rc.headers...)
					if code, ok := rc.denied[role]; ok {
						if p := wantProblem(t, rec, http.StatusForbidden, ""); p.Code != code {
							t.Errorf("code = %q, want %s", p.Code, code)
						}
						return
					}
					want, ok := rc.allowed[role]
					if !ok {
						p := wantProblem(t, rec, http.StatusForbidden, "")
						if p.Code != "acces_refuse" {
							t.Errorf("code = %q, want acces_refuse", p.Code)
						}
						return
					}
					if want == passes && rec.Code < 500 {
						want = rec.Code
					}
					if rec.Code != want {
						t.Fatalf("%s %s as %s: status %d, want %d; body %s", method, path, role, rec.Code, want, rec.Body)
					}
					if rec.Code == http.StatusUnauthorized || rec.Code == http.StatusForbidden {
						t.Fatalf("allowed role got %d", rec.Code)
					}
				})
			}
		}
		// No allowed call above was meant to write anything.
		for tb, n := range before {
			if got := a.count(tb); got != n {
				t.Errorf("%s: %d rows, want %d", tb, got, n)
			}
		}
		if c, _ := a.getCandidat("centre", ids.candidat); c.Version != 1 || c.ArchiveLe != nil {
			t.Errorf("Lefèvre changed by the role table: %+v", c)
		}
		// The demo tokens still work: deconnexion revoked only the fresh ones.
		for _, role := range roleAccounts {
			if rec := a.as(role, "GET", "/api/v1/moi", nil); rec.Code != http.StatusOK {
				t.Errorf("%s token after the table: %d", role, rec.Code)
			}
		}
	})
}

// TestRoleTableOwnership complements the table: a role that passes the role
// check still sees only its own centre.
func TestRoleTableOwnership(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		ids := a.roleIDs()
		wantProblem(t, a.as("centre2", "GET", "/api/v1/centres/"+ids.centre, nil), http.StatusNotFound, "")
		rec := a.as("centre", "GET", "/api/v1/centres/"+ids.centre, nil)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "81234567800013") {
			t.Errorf("own centre: %d %s", rec.Code, rec.Body)
		}
		// A centre opens its own candidats' accounts only, and through an
		// activation link: never with a password it would choose.
		body := map[string]any{"identifiant": "popescu", "nom": "Ștefan Popescu", "mot_de_passe": "un-mot-de-passe-long",
			"role": "candidat", "candidat_id": a.candidatID("Popescu")}
		p := wantProblem(t, a.as("centre", "POST", "/api/v1/utilisateurs", body), http.StatusForbidden, "")
		if p.Code != "compte_par_activation" || !strings.Contains(p.Detail, "/api/v1/candidats/{id}/compte") {
			t.Errorf("centre creating a candidat account: %+v", p)
		}
		wantProblem(t, a.as("centre", "POST", "/api/v1/candidats/"+a.candidatID("Popescu")+"/compte", nil), http.StatusNotFound, "")
		if n := a.count("utilisateurs"); n != 8 {
			t.Errorf("%d utilisateurs, want 8", n)
		}
	})
}

func TestRoutesNeedAToken(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		ids := a.roleIDs()
		forged := []struct{ name, header string }{
			{"forged", "Bearer dGhpcy1pcy1ub3QtYS1yZWFsLXRva2VuLWF0LWFsbC0xMjM0NTY3"},
			{"empty bearer", "Bearer "},
			{"basic", "Basic YWRtaW46YWRtaW4tZGVtby1jaXBjZXJ0"},
			{"token without scheme", a.tokens["admin"]},
			{"hash of a real token", "Bearer " + strings.Repeat("0", 64)},
		}
		for _, rc := range roleTable {
			method, _, _ := strings.Cut(rc.route, " ")
			path := rc.path(ids)
			t.Run(rc.route, func(t *testing.T) {
				rec := a.do(method, path, "", rc.body, rc.headers...)
				p := wantProblem(t, rec, http.StatusUnauthorized, "")
				if p.Code != "authentification_requise" {
					t.Errorf("no token: code %q", p.Code)
				}
				if h := rec.Header().Get("WWW-Authenticate"); !strings.HasPrefix(h, "Bearer") {
					t.Errorf("WWW-Authenticate = %q", h)
				}
				for _, f := range forged {
					rec := a.do(method, path, "", rc.body, append([]string{"Authorization: " + f.header}, rc.headers...)...)
					wantProblem(t, rec, http.StatusUnauthorized, "")
				}
				p = wantProblem(t, a.do(method, path, "forged-token-of-43-characters-aaaaaaaaaaaaa", rc.body, rc.headers...),
					http.StatusUnauthorized, "")
				if p.Code != "jeton_invalide" {
					t.Errorf("forged token: code %q, want jeton_invalide", p.Code)
				}
			})
		}
		// Unknown paths under /api/v1 do not reveal themselves to anonymous callers either.
		wantProblem(t, a.do("GET", "/api/v1/inconnu", "", nil), http.StatusUnauthorized, "")
		wantProblem(t, a.as("admin", "GET", "/api/v1/inconnu", nil), http.StatusNotFound, "")
		// The public routes answer without a token.
		for _, p := range []string{"/healthz", "/readyz"} {
			if rec := a.do("GET", p, "", nil); rec.Code != http.StatusOK {
				t.Errorf("GET %s: %d", p, rec.Code)
			}
		}
	})
}

// TestRoleTableCoversEveryRoute fails when a route is added without a line
// in roleTable, so that no route escapes the role review.
func TestRoleTableCoversEveryRoute(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPI(t, db)
		listed := map[string]bool{}
		for _, rc := range roleTable {
			if listed[rc.route] {
				t.Errorf("%s is listed twice", rc.route)
			}
			listed[rc.route] = true
			for role := range rc.allowed {
				if !contains(roleAccounts, role) {
					t.Errorf("%s allows unknown account %q", rc.route, role)
				}
			}
		}
		registered := map[string]bool{}
		for _, r := range a.srv.Routes() {
			// Echo registers catch-all "not found" routes for groups with middleware.
			if strings.HasPrefix(r, echo.RouteNotFound+" ") {
				continue
			}
			registered[r] = true
		}
		var missing []string
		for r := range registered {
			if !listed[r] && !publicRoutes[r] {
				missing = append(missing, r)
			}
		}
		sort.Strings(missing)
		for _, r := range missing {
			t.Errorf("route %s is not in roleTable: add the expected outcome for every role", r)
		}
		for r := range listed {
			if !registered[r] {
				t.Errorf("roleTable lists %s, which the server does not register", r)
			}
		}
		for r := range publicRoutes {
			if !registered[r] {
				t.Errorf("public route %s is not registered", r)
			}
		}
		if len(registered) < len(roleTable)+len(publicRoutes) {
			t.Errorf("Routes() lists %d routes, fewer than the %d known", len(registered), len(roleTable)+len(publicRoutes))
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
