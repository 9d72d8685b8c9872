package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"text/template/parse"
	"time"
	_ "time/tzdata" // Europe/Paris wherever the binary runs, even without system zoneinfo

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// Versioned paths of the vendored front-end files (see scripts/vendor-front).
const (
	dsfrPath = "/static/vendor/dsfr@1.15.3"
	htmxPath = "/static/vendor/htmx.org@2.0.11"
)

var paris = mustLoadLocation("Europe/Paris")

func mustLoadLocation(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// templateSet names a page's layout in the one set of templates all pages
// share.
type templateSet struct {
	t      *template.Template
	layout string
}

// parseTemplates parses the shared templates and every page into one set:
// each page's "main" is renamed "main:PAGE" and gets its own copy of the
// layout, "layout:PAGE", which calls it. Cloning the shared templates for
// each page instead cost 13 MB of live heap for 73 pages (html/template
// deep-copies every tree it clones), and escaped the shared templates once
// per page.
func parseTemplates(w *Web) (map[string]*templateSet, error) {
	root, err := template.New("").Funcs(funcs).ParseFS(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	layout := root.Lookup("layout")
	if layout == nil {
		return nil, errors.New("web: no layout template")
	}
	names, err := fs.Glob(files, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*templateSet{}
	for _, n := range names {
		page := strings.TrimSuffix(path.Base(n), ".html")
		src, err := files.ReadFile(n)
		if err != nil {
			return nil, err
		}
		p, err := template.New(n).Funcs(funcs).Parse(string(src))
		if err != nil {
			return nil, err
		}
		main := "main:" + page
		for _, t := range p.Templates() {
			name := t.Name()
			switch {
			case name == n:
				continue // the file's text outside its definitions
			case name == "main":
				name = main
			case root.Lookup(name) != nil:
				return nil, fmt.Errorf("web: %s defines %q, already defined", n, name)
			}
			t.Tree.Name = name
			if _, err := root.AddParseTree(name, t.Tree); err != nil {
				return nil, err
			}
		}
		if root.Lookup(main) == nil {
			return nil, fmt.Errorf("web: %s defines no \"main\"", n)
		}
		lt := layout.Tree.Copy()
		lt.Name = "layout:" + page
		if k := renameCalls(lt.Root, "main", main); k != 1 {
			return nil, fmt.Errorf("web: the layout calls \"main\" %d times, not once", k)
		}
		if _, err := root.AddParseTree(lt.Name, lt); err != nil {
			return nil, err
		}
		out[page] = &templateSet{t: root, layout: lt.Name}
	}
	return out, nil
}

// renameCalls renames the template called from to to in the tree under n,
// and says how many calls it renamed.
func renameCalls(n parse.Node, from, to string) int {
	k := 0
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return 0
		}
		for _, c := range n.Nodes {
			k += renameCalls(c, from, to)
		}
	case *parse.TemplateNode:
		if n.Name == from {
			n.Name = to
			k++
		}
	case *parse.IfNode:
		k += renameCalls(n.List, from, to) + renameCalls(n.ElseList, from, to)
	case *parse.RangeNode:
		k += renameCalls(n.List, from, to) + renameCalls(n.ElseList, from, to)
	case *parse.WithNode:
		k += renameCalls(n.List, from, to) + renameCalls(n.ElseList, from, to)
	}
	return k
}

// crumb is one link of the breadcrumb.
type crumb struct{ Label, Href string }

// view is what every template receives: the page's own data in Data, and
// what the layout needs around it.
type view struct {
	Title string
	// Acteur is the signed-in account, nil for a visitor.
	Acteur *certification.Acteur
	CSRF   string
	Nonce  string
	// Crumbs are the breadcrumb's links above this page; the layout adds
	// the page itself. Home pages set Home and show none.
	Crumbs    []crumb
	Home      bool
	DSFR      string
	HTMX      string
	App       string
	RequestID string
	// Path is the address shown, to mark the current menu entry.
	Path string
	// Neutre drops the État's bloc marque (see Config.Neutre).
	Neutre bool
	// Notice is a one-line confirmation shown above the page ("Candidat
	// enregistré.").
	Notice string
	Form   *Form
	Data   any
}

// view prepares the layout's data for the current request.
func (w *Web) view(c echo.Context, data any) *view {
	v := &view{DSFR: dsfrPath, HTMX: htmxPath, App: w.appStatic, Data: data, Form: &Form{}, Neutre: w.neutre}
	if p, ok := c.Get(pageKey).(Page); ok {
		v.Title = p.Title
	}
	if a, ok := acteur(c); ok {
		v.Acteur = &a
		v.Crumbs = []crumb{{"Accueil", homeOf(a)}}
	} else {
		v.Crumbs = []crumb{{"Accueil", "/"}}
	}
	v.CSRF = formToken(c)
	v.Nonce, _ = c.Get(nonceKey).(string)
	v.RequestID = c.Response().Header().Get(echo.HeaderXRequestID)
	v.Path = c.Request().URL.Path
	if n := c.QueryParam("info"); n != "" {
		v.Notice = notices[n]
	}
	return v
}

// notices are the confirmations a redirect after a successful form names
// with ?info=, so that a reload does not post again.
var notices = map[string]string{
	"deconnecte": "Vous êtes déconnecté.",
	"cree":       "Le candidat est enregistré.",
	"modifie":    "Les modifications sont enregistrées.",
	"archive":    "Le candidat est archivé.",
}

// render writes a page with the layout.
func (w *Web) render(c echo.Context, status int, name string, v *view) error {
	ts, ok := w.tmpl[name]
	if !ok {
		return fmt.Errorf("web: no template %q", name)
	}
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer renderBuffers.Put(buf)
	buf.Reset()
	if err := ts.t.ExecuteTemplate(buf, ts.layout, v); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// renderBuffers keeps the buffers pages are rendered into: a page is 8 to
// 15 KB, which a fresh buffer reaches by growing five times.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// ErrorPage renders the HTML error page for a failed page request: status,
// the safe French message, and the request id to quote to support.
func (w *Web) ErrorPage(c echo.Context, status int, message string) {
	if _, ok := c.Get(nonceKey).(string); !ok {
		// The error came before the page's own middleware (an unknown
		// address): set the same headers and find the user for the header.
		_ = w.secureHeaders(w.session(func(echo.Context) error { return nil }))(c)
	}
	v := w.view(c, nil)
	v.Data = errorData{Status: status, Message: message}
	switch status {
	case http.StatusNotFound:
		v.Title = "Page introuvable"
	case http.StatusForbidden:
		v.Title = "Accès refusé"
	case http.StatusTooManyRequests:
		v.Title = "Trop de tentatives"
	case http.StatusUnauthorized:
		v.Title = "Connexion nécessaire"
	default:
		if status >= 500 {
			v.Title = "Erreur inattendue"
		} else {
			v.Title = "Demande impossible"
		}
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	if err := w.render(c, status, "erreur", v); err != nil {
		w.log.Error("error page", "err", err)
		_ = c.String(status, message)
	}
}

type errorData struct {
	Status  int
	Message string
}

// homeOf is where each role lands after sign-in.
func homeOf(a certification.Acteur) string {
	switch a.Role {
	case certification.RoleCandidat:
		return "/mon-espace"
	case certification.RoleCentre:
		return "/centre/candidats"
	case certification.RoleAutorite:
		return "/autorite"
	case certification.RoleJury:
		return "/jury/sessions"
	}
	return "/admin"
}

// Form carries what a user typed and what the service said about it, so a
// refused form comes back filled in, each message next to its field.
type Form struct {
	Values url.Values
	// Errors maps a field name, as the service names it ("formation.fin",
	// "ecf[0].ccp"), to its message.
	Errors map[string]string
	// Order keeps the errors in the order they were reported.
	Order []string
	// Summary is the service's message for the whole form.
	Summary string
}

// fieldError is one line of the error summary, linked to its input.
type fieldError struct{ ID, Message string }

// newForm starts a form from the posted values.
func newForm(values url.Values) *Form {
	return &Form{Values: values, Errors: map[string]string{}}
}

// Get returns a submitted value.
func (f *Form) Get(name string) string {
	if f == nil || f.Values == nil {
		return ""
	}
	return strings.TrimSpace(f.Values.Get(name))
}

// Fail records a field error found while binding, before the service call.
func (f *Form) Fail(field, message string) {
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
	if _, ok := f.Errors[field]; !ok {
		f.Errors[field] = message
		f.Order = append(f.Order, field)
	}
}

// Failed reports whether binding found errors.
func (f *Form) Failed() bool { return len(f.Errors) > 0 }

// Refuse takes a service error into the form: a validation refusal with its
// field errors, or any other refusal the user can act on (a stale version,
// a conflict). It returns false for errors the form cannot show, which the
// caller returns as they are (not found, forbidden, a failure).
func (f *Form) Refuse(err error) bool {
	var de *certification.Error
	if !errors.As(err, &de) || errors.Is(err, certification.ErrNotFound) || errors.Is(err, certification.ErrForbidden) {
		return false
	}
	f.Summary = de.Message
	for _, fe := range de.Fields {
		f.Fail(fe.Field, fe.Message)
	}
	return true
}

// List is the error summary: every error, in order, with the id of the
// input it links to.
func (f *Form) List() []fieldError {
	out := make([]fieldError, len(f.Order))
	for i, k := range f.Order {
		out[i] = fieldError{fieldID(k), f.Errors[k]}
	}
	return out
}

// field is what the input templates render.
type field struct {
	Name, ID, Label, Hint, Type, Value, Error, Autocomplete, Inputmode string
	Options                                                            []option
}

type option struct{ Value, Label string }

// fieldID turns a service field name into an HTML id: "ecf[0].ccp" → "f-ecf-0-ccp".
func fieldID(name string) string { return "f-" + fieldIDReplacer.Replace(name) }

// fieldIDReplacer is built once: a form renders dozens of fields.
var fieldIDReplacer = strings.NewReplacer(".", "-", "[", "-", "]", "", "_", "-")

var funcs = template.FuncMap{
	// dureeMois says a retention period in words: « 5 ans », « 18 mois ».
	"dureeMois": certification.DureeMois,
	// field builds an input from the form: name, label, then "key=value"
	// options among hint, type, autocomplete, inputmode.
	"field": func(f *Form, name, label string, opts ...string) field {
		fl := field{Name: name, ID: fieldID(name), Label: label, Type: "text", Value: f.Get(name), Error: f.Errors[name]}
		for _, o := range opts {
			k, v, _ := strings.Cut(o, "=")
			switch k {
			case "hint":
				fl.Hint = v
			case "type":
				fl.Type = v
			case "autocomplete":
				fl.Autocomplete = v
			case "inputmode":
				fl.Inputmode = v
			case "option":
				val, lab, _ := strings.Cut(v, ":")
				fl.Options = append(fl.Options, option{val, lab})
			}
		}
		return fl
	},
	"libelleAmenagement": certification.LibelleAmenagement,
	"date": func(d certification.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.Francais()
	},
	"datep": func(d *certification.Date) string {
		if d == nil {
			return ""
		}
		return d.Francais()
	},
	// instant shows a moment as a date and time in Paris.
	"instant": func(t time.Time) string {
		return t.In(paris).Format("02/01/2006 à 15h04")
	},
	"jour": func(v any) string {
		switch t := v.(type) {
		case time.Time:
			return t.In(paris).Format("02/01/2006")
		case *time.Time:
			if t != nil {
				return t.In(paris).Format("02/01/2006")
			}
		}
		return ""
	},
	"taille": func(n int) string {
		switch {
		case n >= 1<<20:
			return strings.Replace(fmt.Sprintf("%.1f Mo", float64(n)/(1<<20)), ".", ",", 1)
		case n >= 1<<10:
			return fmt.Sprintf("%d Ko", (n+512)>>10)
		}
		return fmt.Sprintf("%d octets", n)
	},
	"fieldID": fieldID,
	"home":    func(a *certification.Acteur) string { return homeOf(*a) },
	"navOf":   navOf,
	"within": func(path, prefix string) bool {
		return path == prefix || strings.HasPrefix(path, prefix+"/")
	},
	"parcours": func(p certification.Parcours) string {
		if l, ok := libelleParcours[p]; ok {
			return l
		}
		return string(p)
	},
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	},
	"inc":         func(i int) int { return i + 1 },
	"withOptions": func(f field, opts []option) field { f.Options = opts; return f },
	"typeDoc":     func(t certification.TypeDocument) string { return libelleType[t] },
	"statutDoc":   func(s string) string { return libelleStatut[s] },
}
