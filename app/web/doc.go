// Package web is cipcert's interface for people: server-rendered pages in
// French, built with the État's design system (DSFR) and enhanced with htmx
// where a browser runs JavaScript. Every page works without it.
//
// Pages follow the same path as the API's handlers: request → bind into a
// form type → one certification.Service call → render. They hold no rule,
// query or permission check of their own: the service decides, and its
// refusals (certification.Error, with field errors) come back on the form,
// each message next to the field it names.
//
// # The page table
//
// Every page is a row of one table (Page: method, path, handler, roles,
// title). Each area contributes its rows from its own file, in an init
// function:
//
//	pages_public.go    sign-in, legal pages, public verification
//	pages_candidat.go  /mon-espace
//	pages_centre.go    /centre/candidats and a candidat's pages
//	pages_centre_sessions.go  /centre/sessions: list, planning, record, enrolment, downloads
//	pages_comptes.go   a candidat's account opened by its centre, /activation/{jeton}
//	pages_autorite.go  /autorite: home, worklists, a session's review, validation, issuance in steps
//	pages_autorite_dossier.go  corrections, late declaration, identity rectification
//	pages_autorite_journal.go  the audit trail of a session or a candidat, in French
//	pages_autorite_jury.go     jury members and habilitations
//	pages_autorite_revocation.go  revocation of a document, with its public category
//	pages_autorite_duplicata.go   duplicata of a parchemin or livret, at its holder's request
//	pages_jury.go      /jury/sessions: the jury's sessions, presence, entry, incidents, signature
//	pages_admin*.go    /admin: accounts (create, deactivate, reactivate, territory), centres
//	pages_exports.go   /exports and /statistiques: a period's files and figures for the centre, the autorité and the administrator
//
// Register mounts the table on the server's Echo instance, and the browser
// tests walk the same table: a page no accessibility check visited fails
// them.
//
// # Adding a page
//
//  1. In your area's file (or a new pages_<area>.go), add a row from an
//     init function: addPages(Page{Method: http.MethodGet, Path:
//     "/centre/sessions", Handler: (*Web).handleSessionList, Title:
//     "Sessions", Roles: []certification.Role{certification.RoleCentre},
//     Menu: "Sessions"}). Roles empty means public; Menu puts the page in
//     the main menu of those roles; File marks a route that answers a
//     file, not a page.
//
//  2. Write the handler: read the acting account with acteur(c), call one
//     service method, then w.render(c, status, "template-name", v) where
//     v := w.view(c, data). Add intermediate breadcrumb links to v.Crumbs;
//     the layout adds the page's own title.
//
//  3. Write templates/pages/template-name.html defining "main". Forms use
//     {{template "errors" .Form}}, {{template "csrf" .CSRF}} and the input
//     blocks of templates/form.html: {{template "input" (field .Form
//     "nom_naissance" "Nom de naissance" "autocomplete=family-name")}}.
//     Field names are the service's (certification.FieldError.Field), so
//     its refusals land on the right input: form.Refuse(err).
//
//  4. After a successful POST, redirect (303) to a GET page, with
//     ?info=<key of notices> for a confirmation line.
//
//  5. Visit the page in a browser test (browser_*_test.go) and call
//     tab.check("GET /centre/sessions", "screenshot-name"): a full run fails
//     for any row of Pages() no test checked with axe (or, for a File
//     route, downloaded with fetched).
//
// Session, CSRF and role checks come from the row (see chain): the
// session cookie holds the API's own revocable bearer token; every POST
// carries a CSRF token derived from a random cookie and the session.
//
// Static files are embedded: our own under /static/app@<hash>/, the
// vendored DSFR and htmx under /static/vendor/<name>@<version>/ (refreshed
// by scripts/vendor-front), all served with a one-year immutable cache.
package web
