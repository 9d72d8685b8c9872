package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// Page is one row of the page table: a route, who may open it, and its
// title. Each area's file (pages_public.go, pages_candidat.go, …) adds its
// rows with addPages from an init function, so that a new area is a new
// file and the table stays whole: registration and the browser tests'
// accessibility walk both read Pages().
type Page struct {
	Method string
	Path   string
	// Handler answers the request; the session, CSRF and role checks
	// have run before it.
	Handler func(*Web, echo.Context) error
	// Roles may open the page; none means public (the signed-in user, if
	// any, is still shown in the header).
	Roles []certification.Role
	Title string
	// ServedByAPI marks a path the API registers itself and hands to this
	// page when a browser asks for HTML (see Delegate).
	ServedByAPI bool
	// HorsPlan keeps out of the site map a page that needs its query, so
	// that it is opened only from a link carrying it.
	HorsPlan bool
	// File marks a route that answers a file (a PDF), not a page: the
	// browser tests download it rather than check it with axe.
	File bool
	// Menu, when set, is the page's label in the main menu of the roles
	// that may open it.
	Menu string
}

var pages []Page

// addPages adds rows to the page table.
func addPages(ps ...Page) { pages = append(pages, ps...) }

// Pages returns the page table, sorted by path then method.
func Pages() []Page {
	out := slices.Clone(pages)
	slices.SortFunc(out, func(a, b Page) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Method, b.Method)
	})
	return out
}

// Roles lists every role, for pages any signed-in user may open.
var allRoles = []certification.Role{certification.RoleAdmin, certification.RoleAutorite,
	certification.RoleCentre, certification.RoleJury, certification.RoleCandidat}

// navOf is the main menu of an account: the pages with a Menu label its
// role may open, in table order.
func navOf(a *certification.Acteur) []crumb {
	var out []crumb
	for _, p := range Pages() {
		if p.Menu != "" && p.Method == "GET" && (len(p.Roles) == 0 || slices.Contains(p.Roles, a.Role)) {
			out = append(out, crumb{p.Menu, p.Path})
		}
	}
	return out
}

// chain wraps a page's handler in the checks its row asks for.
func (w *Web) chain(p Page) echo.HandlerFunc {
	h := func(c echo.Context) error {
		c.Set(pageKey, p)
		return p.Handler(w, c)
	}
	h = w.requireRoles(p, h)
	h = w.csrf(h)
	h = w.session(h)
	return w.secureHeaders(h)
}

// IsPage reports whether method and path are a route this package
// registers: a page of the table or the static files.
func IsPage(method, path string) bool {
	if method == http.MethodGet && path == "/static/*" {
		return true
	}
	for _, p := range pages {
		if p.Method == method && p.Path == path && !p.ServedByAPI {
			return true
		}
	}
	return false
}
