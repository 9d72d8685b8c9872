package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/rules"
)

var autoriteOnly = []certification.Role{certification.RoleAutorite}

// The autorité's worklists: its home with what waits for it, the sessions
// of its territory by the work they wait for, and a session's review with
// validation and the issuance of its documents.
func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/autorite", Handler: (*Web).handleAutoriteAccueil, Title: "Ce qui vous attend",
			Roles: autoriteOnly},
		Page{Method: http.MethodGet, Path: "/autorite/sessions", Handler: (*Web).handleAutoriteSessions, Title: "Sessions du territoire",
			Roles: autoriteOnly, Menu: "Sessions"},
		Page{Method: http.MethodGet, Path: "/autorite/sessions/:id", Handler: (*Web).handleAutoriteSession, Title: "Session",
			Roles: autoriteOnly},
		Page{Method: http.MethodPost, Path: "/autorite/sessions/:id/validation", Handler: (*Web).handleAutoriteValider,
			Title: "Valider le PV", Roles: autoriteOnly},
		Page{Method: http.MethodPost, Path: "/autorite/sessions/:id/emission", Handler: (*Web).handleAutoriteEmettre,
			Title: "Délivrer les documents", Roles: autoriteOnly},
		Page{Method: http.MethodGet, Path: "/autorite/sessions/:id/pv-brouillon.pdf", Handler: (*Web).handlePVDraft,
			Title: "Brouillon du PV", Roles: autoriteOnly, File: true},
		Page{Method: http.MethodGet, Path: "/autorite/sessions/:id/documents.zip", Handler: (*Web).handleSessionZip,
			Title: "Documents de la session", Roles: autoriteOnly, File: true},
	)
	notices["pv-valide"] = "Le PV est validé : les résultats sont publiés aux candidats."
	notices["documents-en-cours"] = "Une partie des documents est délivrée : poursuivez la délivrance."
	notices["documents-delivres"] = "Tous les documents de la session sont délivrés."
}

// lotEmission is how many documents one step of the issuance issues: each
// step is one transaction, short enough for a request, and the page shows
// the progress between steps.
const lotEmission = 25

// The worklists of the side menu, by their key in the address.
var filesAutorite = []struct {
	Cle, Libelle string
	filtre       func(*certification.FiltreSessions)
	compte       func(*certification.CompteursSessions) int
}{
	{"a-verifier", "Déclarées, à vérifier", func(f *certification.FiltreSessions) { f.Statut = certification.Declaree },
		func(c *certification.CompteursSessions) int { return c.ParStatut[certification.Declaree] }},
	{"a-valider", "Délibérées, à valider", func(f *certification.FiltreSessions) { f.Statut = certification.Deliberee },
		func(c *certification.CompteursSessions) int { return c.ParStatut[certification.Deliberee] }},
	{"a-delivrer", "Documents à délivrer", func(f *certification.FiltreSessions) { f.ADelivrer = true },
		func(c *certification.CompteursSessions) int { return c.ADelivrer }},
	{"validees", "Validées", func(f *certification.FiltreSessions) { f.Statut = certification.Validee },
		func(c *certification.CompteursSessions) int { return c.ParStatut[certification.Validee] }},
	{"toutes", "Toutes", func(*certification.FiltreSessions) {},
		func(c *certification.CompteursSessions) int { return c.Total }},
}

// fileAutorite is one entry of the side menu.
type fileAutorite struct {
	Cle, Libelle, Href string
	N                  int
	Courante           bool
}

func menuAutorite(c *certification.CompteursSessions, courante string) []fileAutorite {
	out := make([]fileAutorite, len(filesAutorite))
	for i, f := range filesAutorite {
		out[i] = fileAutorite{f.Cle, f.Libelle, "/autorite/sessions?statut=" + f.Cle, f.compte(c), f.Cle == courante}
	}
	return out
}

// accueilAutorite is the autorité's home: a tile per worklist and its
// first sessions.
type accueilAutorite struct {
	Territoire string
	Files      []fileAutorite
	Listes     []listeAccueil
}

type listeAccueil struct {
	F        fileAutorite
	Sessions []certification.Session
}

// accueilListes are the worklists shown on the home, with the length of
// their extract.
var accueilListes = []string{"a-verifier", "a-valider", "a-delivrer"}

const extraitAccueil = 5

func (w *Web) handleAutoriteAccueil(c echo.Context) error {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	n, err := w.svc.Compteurs(ctx, a)
	if err != nil {
		return err
	}
	d := &accueilAutorite{Territoire: territoire(a.Territoire), Files: menuAutorite(n, "")}
	for _, f := range d.Files {
		if !slices.Contains(accueilListes, f.Cle) {
			continue
		}
		l := listeAccueil{F: f}
		if f.N > 0 {
			filtre := certification.FiltreSessions{Limite: extraitAccueil}
			for _, fa := range filesAutorite {
				if fa.Cle == f.Cle {
					fa.filtre(&filtre)
				}
			}
			p, err := w.svc.SessionsPage(ctx, a, filtre)
			if err != nil {
				return err
			}
			l.Sessions = p.Sessions
		}
		d.Listes = append(d.Listes, l)
	}
	v := w.view(c, d)
	v.Home = true
	return w.render(c, http.StatusOK, "autorite_accueil", v)
}

// territoire names where an autorité account acts.
func territoire(t certification.Territoire) string {
	switch {
	case t.Region != "":
		return t.Autorite + " (région " + t.Region + ")"
	case len(t.Departements) > 0:
		return t.Autorite + " (départements " + strings.Join(t.Departements, ", ") + ")"
	}
	return t.Autorite
}

// sessionsAutorite is one page of a worklist.
type sessionsAutorite struct {
	Files                   []fileAutorite
	Courante                fileAutorite
	Recherche               string
	Lignes                  []sessionLigne
	Suivant, Premier, Apres string
}

func (w *Web) handleAutoriteSessions(c echo.Context) error {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	q := c.QueryParams()
	cle := q.Get("statut")
	if cle == "" {
		// No worklist hides a session by default: the whole territory.
		cle = "toutes"
	}
	form := newForm(q)
	f := certification.FiltreSessions{Recherche: strings.TrimSpace(q.Get("recherche")), Apres: q.Get("apres"), Limite: pageSize}
	known := false
	for _, fa := range filesAutorite {
		if fa.Cle == cle {
			fa.filtre(&f)
			known = true
		}
	}
	if !known {
		form.Fail("statut", "Cette liste n’existe pas ; choisissez-en une dans le menu.")
	}
	n, err := w.svc.Compteurs(ctx, a)
	if err != nil {
		return err
	}
	page := &certification.PageSessions{}
	if !form.Failed() {
		if page, err = w.svc.SessionsPage(ctx, a, f); err != nil {
			if !form.Refuse(err) {
				return err
			}
			page = &certification.PageSessions{}
		}
	}
	if form.Failed() && form.Summary == "" {
		form.Summary = "Les filtres de la liste sont invalides."
	}
	ids := make([]string, len(page.Sessions))
	for i, s := range page.Sessions {
		ids[i] = s.ID
	}
	counts, err := w.svc.InscritsParSession(ctx, a, ids)
	if err != nil {
		return err
	}
	d := &sessionsAutorite{Files: menuAutorite(n, cle), Recherche: f.Recherche, Apres: f.Apres}
	for _, fa := range d.Files {
		if fa.Courante {
			d.Courante = fa
		}
	}
	for _, s := range page.Sessions {
		d.Lignes = append(d.Lignes, sessionLigne{s, counts[s.ID]})
	}
	keep := url.Values{"statut": {cle}}
	if f.Recherche != "" {
		keep.Set("recherche", f.Recherche)
	}
	d.Premier = "/autorite/sessions?" + keep.Encode()
	if page.Suivant != "" {
		keep.Set("apres", page.Suivant)
		d.Suivant = "/autorite/sessions?" + keep.Encode()
	}
	v := w.view(c, d)
	v.Form = form
	if d.Courante.Libelle != "" {
		v.Title = "Sessions : " + strings.ToLower(d.Courante.Libelle[:1]) + d.Courante.Libelle[1:]
	}
	status := http.StatusOK
	if form.Failed() {
		status = http.StatusUnprocessableEntity
	}
	return w.render(c, status, "autorite_sessions", v)
}

// revueSession is a session's review by the autorité.
type revueSession struct {
	S          *certification.Session
	Centre     string
	Actions    certification.ActionsAutorite
	Avancement certification.Avancement
	// Pourcent is the share of the documents issued, for the progress bar.
	Pourcent  int
	Vie       []etapeVie
	Candidats []revueCandidat
	Documents int
	// Docs are the session's documents in every state, each with its
	// revocation when it is in force.
	Docs []certification.Document
	// Suite marks the answer to a step of the issuance asked by the
	// page's script: the next step starts as soon as it is shown.
	Suite bool
	// RefusEmission is the service's refusal of a step asked by the
	// page's script, shown where the progress is.
	RefusEmission string
}

// etapeVie is one dated line of a session's life.
type etapeVie struct {
	At     time.Time
	Quoi   string
	Detail string
}

type revueCandidat struct {
	I        certification.Inscription
	Parcours certification.Parcours
	Etat     badge
	Resultat *rules.Resultat
	// Amenagements are the adjustments the jury granted the candidat's
	// épreuves: the autorité validates a PV whose épreuves they shaped.
	Amenagements []certification.Amenagement
}

func (w *Web) revueData(c echo.Context) (*revueSession, error) {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	s, ins, parcours, err := w.sessionInscrits(c)
	if err != nil {
		return nil, err
	}
	av, err := w.svc.AvancementEmission(ctx, a, s.ID)
	if err != nil {
		return nil, err
	}
	docs, err := w.svc.Documents(ctx, a, certification.FiltreDocuments{SessionID: s.ID})
	if err != nil {
		return nil, err
	}
	d := &revueSession{S: s, Actions: w.svc.ActionsAutoritePossibles(s, av), Avancement: av}
	if av.Dus > 0 {
		d.Pourcent = av.Delivres * 100 / av.Dus
	}
	if ce, err := w.svc.Centre(ctx, a, s.CentreID); err == nil {
		d.Centre = ce.Nom
	} else {
		return nil, err
	}
	parIns, err := w.amenagementsParInscription(c, a, s.ID)
	if err != nil {
		return nil, err
	}
	for _, in := range ins {
		r, err := in.Resultat()
		if err != nil {
			return nil, err
		}
		d.Candidats = append(d.Candidats, revueCandidat{in, parcours[in.CandidatID], etatInscription(in), r, parIns[in.ID]})
	}
	d.Vie = vieSession(s, docs)
	d.Docs = docs
	for _, doc := range docs {
		if doc.Statut == certification.StatutValide {
			d.Documents++
		}
	}
	return d, nil
}

// vieSession lays a session's life out as dated lines, oldest first.
func vieSession(s *certification.Session, docs []certification.Document) []etapeVie {
	out := []etapeVie{{At: s.CreatedAt, Quoi: "Planifiée par le centre"}}
	if s.DeclareeAt != nil {
		e := etapeVie{At: *s.DeclareeAt, Quoi: "Déclarée"}
		if s.MotifRegularisation != "" {
			e.Quoi, e.Detail = "Déclaration régularisée par l’autorité", s.MotifRegularisation
		}
		out = append(out, e)
	}
	if s.TenueAt != nil {
		out = append(out, etapeVie{At: *s.TenueAt, Quoi: "Tenue : saisie des résultats ouverte au jury"})
	}
	for _, m := range s.Jury {
		if m.SigneAt != nil {
			out = append(out, etapeVie{At: *m.SigneAt, Quoi: "PV signé par " + m.Prenoms + " " + m.Nom})
		}
	}
	if s.DelibereeAt != nil {
		out = append(out, etapeVie{At: *s.DelibereeAt, Quoi: "Délibérée : résultats verrouillés"})
	}
	if s.ValideeAt != nil {
		out = append(out, etapeVie{At: *s.ValideeAt, Quoi: "PV validé : résultats publiés"})
	}
	if s.Statut == certification.Annulee {
		out = append(out, etapeVie{At: s.UpdatedAt, Quoi: "Annulée", Detail: s.MotifAnnulation})
	}
	// The documents: the first and the last issuance, when they differ.
	var first, last *certification.Document
	for i := range docs {
		d := &docs[i]
		if first == nil || d.EmisAt.Before(first.EmisAt) {
			first = d
		}
		if last == nil || d.EmisAt.After(last.EmisAt) {
			last = d
		}
	}
	if first != nil {
		out = append(out, etapeVie{At: first.EmisAt, Quoi: "Premiers documents délivrés"})
		if last.EmisAt.Sub(first.EmisAt) > time.Minute {
			out = append(out, etapeVie{At: last.EmisAt, Quoi: "Derniers documents délivrés"})
		}
	}
	slices.SortStableFunc(out, func(a, b etapeVie) int { return a.At.Compare(b.At) })
	return out
}

func (w *Web) renderRevue(c echo.Context, status int, form *Form, suite bool) error {
	d, err := w.revueData(c)
	if err != nil {
		return err
	}
	d.Suite = suite && d.Actions.Emettre.Possible
	if isHTMX(c) && form != nil {
		// htmx swaps only a successful answer: the refusal goes in the
		// part of the page it replaces.
		d.RefusEmission, status = form.Summary, http.StatusOK
	}
	v := w.view(c, d)
	v.Title = "Session " + d.S.Reference
	v.Crumbs = append(v.Crumbs, crumb{"Sessions", "/autorite/sessions"})
	if form != nil {
		v.Form = form
	}
	return w.render(c, status, "autorite_session", v)
}

func (w *Web) handleAutoriteSession(c echo.Context) error {
	return w.renderRevue(c, http.StatusOK, nil, false)
}

func (w *Web) handleAutoriteValider(c echo.Context) error {
	a, _ := acteur(c)
	if _, err := w.svc.ValiderPV(c.Request().Context(), a, c.Param("id")); err != nil {
		form := newForm(url.Values{})
		if !form.Refuse(err) {
			return err
		}
		return w.renderRevue(c, http.StatusConflict, form, false)
	}
	return c.Redirect(http.StatusSeeOther, "/autorite/sessions/"+c.Param("id")+"?info=pv-valide")
}

// handleAutoriteEmettre issues one step of the session's documents. The
// page's script asks for the steps one after the other and swaps the
// progress in; without it, each press of the button issues one step.
func (w *Web) handleAutoriteEmettre(c echo.Context) error {
	a, _ := acteur(c)
	_, av, err := w.svc.EmettreDocumentsLot(c.Request().Context(), a, c.Param("id"), lotEmission)
	if err != nil {
		form := newForm(url.Values{})
		if !form.Refuse(err) {
			return err
		}
		return w.renderRevue(c, http.StatusConflict, form, false)
	}
	if isHTMX(c) {
		return w.renderRevue(c, http.StatusOK, nil, true)
	}
	info := "documents-delivres"
	if av.Restants() > 0 {
		info = "documents-en-cours"
	}
	return c.Redirect(http.StatusSeeOther, "/autorite/sessions/"+c.Param("id")+"?info="+info+"#emission")
}

func init() {
	funcs["lotEmission"] = func() int { return lotEmission }
	funcs["entretien"] = func(e *string) string {
		if e == nil {
			return "non tenu"
		}
		return map[string]string{"favorable": "favorable", "defavorable": "défavorable"}[*e]
	}
	funcs["decision"] = func(d string) string { return libelleDecision[d] }
}

var libelleDecision = map[string]string{"acquis": "Acquis", "non_acquis": "Non acquis"}

// isHTMX reports whether the page's script asked, rather than the browser.
func isHTMX(c echo.Context) bool { return c.Request().Header.Get("HX-Request") == "true" }
