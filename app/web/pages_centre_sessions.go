package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/rules"
)

// The centre's session desk: its sessions, planning one, and a session's
// record with its actions, enrolments and downloads.
func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/centre/sessions", Handler: (*Web).handleSessionList, Title: "Sessions",
			Roles: centreOnly, Menu: "Sessions"},
		Page{Method: http.MethodGet, Path: "/centre/sessions/nouvelle", Handler: (*Web).handleSessionNew,
			Title: "Planifier une session", Roles: centreOnly},
		Page{Method: http.MethodPost, Path: "/centre/sessions/nouvelle", Handler: (*Web).handleSessionCreate,
			Title: "Planifier une session", Roles: centreOnly},
		Page{Method: http.MethodGet, Path: "/centre/sessions/:id", Handler: (*Web).handleSessionRecord,
			Title: "Session", Roles: centreOnly},
		Page{Method: http.MethodPost, Path: "/centre/sessions/:id/declaration", Handler: (*Web).handleSessionDeclare,
			Title: "Déclarer la session", Roles: centreOnly},
		Page{Method: http.MethodPost, Path: "/centre/sessions/:id/tenue", Handler: (*Web).handleSessionHold,
			Title: "Tenir la session", Roles: centreOnly},
		Page{Method: http.MethodGet, Path: "/centre/sessions/:id/annulation", Handler: (*Web).handleSessionCancelForm,
			Title: "Annuler la session", Roles: centreOnly},
		Page{Method: http.MethodPost, Path: "/centre/sessions/:id/annulation", Handler: (*Web).handleSessionCancel,
			Title: "Annuler la session", Roles: centreOnly},
		Page{Method: http.MethodGet, Path: "/centre/sessions/:id/inscription", Handler: (*Web).handleEnrolForm,
			Title: "Inscrire un candidat", Roles: centreOnly},
		Page{Method: http.MethodPost, Path: "/centre/sessions/:id/inscription", Handler: (*Web).handleEnrol,
			Title: "Inscrire un candidat", Roles: centreOnly},
		Page{Method: http.MethodGet, Path: "/centre/sessions/:id/pv-brouillon.pdf", Handler: (*Web).handlePVDraft,
			Title: "Brouillon du PV", Roles: centreOnly, File: true},
		Page{Method: http.MethodGet, Path: "/centre/sessions/:id/inscriptions/:iid/livret-apercu.pdf", Handler: (*Web).handleLivretPreview,
			Title: "Aperçu du livret", Roles: centreOnly, File: true},
		Page{Method: http.MethodGet, Path: "/centre/sessions/:id/documents.zip", Handler: (*Web).handleSessionZip,
			Title: "Documents de la session", Roles: centreOnly, File: true},
	)
	notices["session-planifiee"] = "La session est planifiée. Déclarez-la quand son jury est complet."
	notices["session-declaree"] = "La session est déclarée."
	notices["session-tenue"] = "La session est tenue : le jury peut saisir les résultats."
	notices["session-annulee"] = "La session est annulée."
	notices["inscrit"] = "Le candidat est inscrit à la session."
	funcs["coche"] = func(f *Form, name, value string) bool {
		return f != nil && f.Values != nil && slices.Contains(f.Values[name], value)
	}
	funcs["statutBadge"] = statutBadge
	// dict passes several values to a shared block: dict "S" .S "Form" $.Form.
	funcs["dict"] = func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			k, _ := kv[i].(string)
			m[k] = kv[i+1]
		}
		return m
	}
}

// statutBadge shows a session's status as a badge.
func statutBadge(st certification.StatutSession) badge {
	class := map[certification.StatutSession]string{
		certification.Declaree:  "fr-badge--info",
		certification.Tenue:     "fr-badge--new",
		certification.Deliberee: "fr-badge--warning",
		certification.Validee:   "fr-badge--success",
		certification.Annulee:   "fr-badge--error",
	}[st]
	l := []rune(st.Libelle())
	if len(l) > 0 {
		l[0] = unicode.ToUpper(l[0])
	}
	return badge{string(l), class}
}

var libelleTypeSession = map[string]string{"titre": "Titre", "ccp": "CCP", "ccs": "CCS"}

func init() { funcs["typeSession"] = func(t string) string { return libelleTypeSession[t] } }

// sessionListData is one page of the centre's sessions with its filters.
type sessionListData struct {
	Lignes           []sessionLigne
	Statuts          []option
	Filtre           bool
	Suivant, Premier string
	Apres            string
}

type sessionLigne struct {
	S        certification.Session
	Inscrits int
}

func (w *Web) handleSessionList(c echo.Context) error {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	q := c.QueryParams()
	form := newForm(q)
	f := certification.FiltreSessions{Statut: certification.StatutSession(form.Get("statut")), Apres: form.Get("apres"), Limite: pageSize}
	for _, p := range []struct {
		name string
		d    **certification.Date
	}{{"debut", &f.Debut}, {"fin", &f.Fin}} {
		if s := form.Get(p.name); s != "" {
			if d, ok := parseDate(s); ok {
				*p.d = &d
			} else {
				form.Fail(p.name, dateMessage)
			}
		}
	}
	var page *certification.PageSessions
	var err error
	if !form.Failed() {
		page, err = w.svc.SessionsPage(ctx, a, f)
	}
	if err != nil && !form.Refuse(err) {
		return err
	}
	if form.Failed() || page == nil {
		if form.Summary == "" {
			form.Summary = "Les filtres de la liste sont invalides."
		}
		page = &certification.PageSessions{}
	}
	ids := make([]string, len(page.Sessions))
	for i, s := range page.Sessions {
		ids[i] = s.ID
	}
	counts, err := w.svc.InscritsParSession(ctx, a, ids)
	if err != nil {
		return err
	}
	d := &sessionListData{Apres: f.Apres, Statuts: []option{{"", "Tous les statuts"}}}
	for _, s := range page.Sessions {
		d.Lignes = append(d.Lignes, sessionLigne{s, counts[s.ID]})
	}
	for _, st := range certification.StatutsSession {
		d.Statuts = append(d.Statuts, option{string(st), statutBadge(st).Label})
	}
	keep := url.Values{}
	for _, k := range []string{"statut", "debut", "fin"} {
		if v := q.Get(k); v != "" {
			keep.Set(k, v)
			d.Filtre = true
		}
	}
	d.Premier = "/centre/sessions?" + keep.Encode()
	if page.Suivant != "" {
		keep.Set("apres", page.Suivant)
		d.Suivant = "/centre/sessions?" + keep.Encode()
	}
	v := w.view(c, d)
	v.Form = form
	return w.render(c, http.StatusOK, "centre_sessions", v)
}

// planData is the form to plan a session: the titre versions, their blocs,
// and the jury members habilitated for a titre.
type planData struct {
	Versions []option
	Blocs    []option
	Membres  []membreChoix
	Types    []option
}

type membreChoix struct {
	ID, Nom       string
	Habilitations []string
}

func (w *Web) planData(c echo.Context) (*planData, error) {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	titres, err := w.svc.Titres(ctx)
	if err != nil {
		return nil, err
	}
	d := &planData{Types: []option{{"titre", "Session titre : tous les CCP"}, {"ccp", "Session CCP : une partie des CCP"},
		{"ccs", "Session CCS : certificat complémentaire de spécialisation"}}}
	for _, t := range titres {
		for i := len(t.Versions) - 1; i >= 0; i-- {
			v := t.Versions[i]
			d.Versions = append(d.Versions, option{v.Code, t.Code + " — " + t.Intitule + " (version " + v.Code + ")"})
			if len(d.Blocs) == 0 {
				for _, b := range v.Blocs {
					d.Blocs = append(d.Blocs, option{b.Code, b.Code + " — " + b.Intitule})
				}
			}
		}
	}
	ms, err := w.svc.Membres(ctx, a)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if len(m.Habilitations) == 0 {
			continue
		}
		mc := membreChoix{ID: m.ID, Nom: m.Prenoms + " " + m.Nom}
		for _, h := range m.Habilitations {
			mc.Habilitations = append(mc.Habilitations, h.TitreCode+" du "+h.Debut.Francais()+" au "+h.Fin.Francais())
		}
		d.Membres = append(d.Membres, mc)
	}
	return d, nil
}

func (w *Web) renderPlan(c echo.Context, status int, form *Form) error {
	d, err := w.planData(c)
	if err != nil {
		return err
	}
	if form.Get("version_code") == "" && len(d.Versions) > 0 {
		form.Values.Set("version_code", d.Versions[0].Value)
	}
	if form.Get("type") == "" {
		form.Values.Set("type", "titre")
	}
	v := w.view(c, d)
	v.Crumbs = append(v.Crumbs, crumb{"Sessions", "/centre/sessions"})
	v.Form = form
	return w.render(c, status, "centre_sessions_nouvelle", v)
}

func (w *Web) handleSessionNew(c echo.Context) error {
	return w.renderPlan(c, http.StatusOK, newForm(url.Values{}))
}

// textField checks a required line of text: present, not too long, without
// control characters (the API's notblank, max and nocontrol).
func textField(f *Form, name, empty string, max int) string {
	s := f.Get(name)
	switch {
	case s == "":
		f.Fail(name, empty)
	case utf8.RuneCountInString(s) > max:
		f.Fail(name, "Ce texte est trop long.")
	case strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		f.Fail(name, "Ce texte contient des caractères de contrôle.")
	}
	return s
}

func (w *Web) handleSessionCreate(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	in := certification.NouvelleSession{VersionCode: form.Get("version_code"), Type: form.Get("type"),
		Jury: form.Values["jury"]}
	if in.VersionCode == "" {
		form.Fail("version_code", "Choisissez la version du titre.")
	}
	if _, ok := libelleTypeSession[in.Type]; !ok {
		form.Fail("type", "Choisissez le type de session.")
	}
	if in.Type != "titre" {
		in.CCP = form.Values["ccp"]
	}
	for _, p := range []struct {
		name string
		d    *certification.Date
	}{{"debut", &in.Debut}, {"fin", &in.Fin}} {
		d, ok := parseDate(form.Get(p.name))
		if !ok {
			form.Fail(p.name, dateMessage)
		}
		*p.d = d
	}
	in.Lieu = textField(form, "lieu", "Indiquez le lieu de la session.", 300)
	in.Responsable = textField(form, "responsable", "Indiquez le responsable de la session.", 200)
	if form.Failed() {
		form.Summary = "La session ne peut pas être planifiée : corrigez les champs signalés."
		return w.renderPlan(c, http.StatusUnprocessableEntity, form)
	}
	s, err := w.svc.CreateSession(c.Request().Context(), a, in)
	if err != nil {
		if !form.Refuse(err) {
			return err
		}
		collapseIndexed(form)
		return w.renderPlan(c, http.StatusUnprocessableEntity, form)
	}
	return c.Redirect(http.StatusSeeOther, "/centre/sessions/"+s.ID+"?info=session-planifiee")
}

// collapseIndexed puts the service's errors on one element of a list
// ("jury[1].id", "ccp[0].code") on the list's group of checkboxes, the
// input the page has.
func collapseIndexed(f *Form) {
	for i, k := range f.Order {
		base, _, ok := strings.Cut(k, "[")
		if !ok {
			continue
		}
		msg := f.Errors[k]
		delete(f.Errors, k)
		if _, dup := f.Errors[base]; dup {
			f.Order[i] = ""
			continue
		}
		f.Errors[base] = msg
		f.Order[i] = base
	}
	f.Order = slices.DeleteFunc(f.Order, func(s string) bool { return s == "" })
}

// sessionData is a session's record for its centre.
type sessionData struct {
	S            *certification.Session
	Actions      certification.ActionsSession
	Inscriptions []inscriptionLigne
	// PV, Livrets and Zip say which downloads there is something for.
	PV      bool
	Livrets bool
	Zip     int
	// Convocations is set when the session has candidats to convene and
	// is not cancelled: convocations and the feuille d'émargement.
	Convocations bool
}

type inscriptionLigne struct {
	I        certification.Inscription
	Parcours certification.Parcours
	Etat     badge
	Livret   bool
	// Amenagements are the aménagements d'épreuves granted to the
	// candidat, for its centre and the jury.
	Amenagements []certification.Amenagement
}

// etatInscription says where an enrolment stands: its outcome once
// deliberated, else whether the jury recorded the candidat present.
func etatInscription(in certification.Inscription) badge {
	switch {
	case in.Issue != nil:
		return issueBadge(rules.Issue(*in.Issue))
	case in.Presence != nil && *in.Presence == "absent":
		return badge{"Absent", "fr-badge--warning"}
	case in.Presence != nil && *in.Presence == "excuse":
		return badge{"Excusé", "fr-badge--warning"}
	case in.Presence != nil:
		return badge{"Présent", "fr-badge--info"}
	case in.ExcuseeAt != nil:
		// The centre's note, until the jury records the day's presence.
		return badge{"Excusé (noté par le centre)", "fr-badge--warning"}
	}
	return badge{"Inscrit", ""}
}

// sessionInscrits reads the session of the address, its enrolments and the
// parcours of their candidats: what the centre's session record and the
// autorité's review both show.
func (w *Web) sessionInscrits(c echo.Context) (*certification.Session, []certification.Inscription, map[string]certification.Parcours, error) {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	s, err := w.svc.Session(ctx, a, c.Param("id"))
	if err != nil {
		return nil, nil, nil, err
	}
	ins, err := w.svc.Inscriptions(ctx, a, s.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	ids := make([]string, len(ins))
	for i, in := range ins {
		ids[i] = in.CandidatID
	}
	parcours, err := w.svc.ParcoursCandidats(ctx, a, ids)
	if err != nil {
		return nil, nil, nil, err
	}
	return s, ins, parcours, nil
}

func (w *Web) sessionData(c echo.Context) (*sessionData, error) {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	s, ins, parcours, err := w.sessionInscrits(c)
	if err != nil {
		return nil, err
	}
	docs, err := w.svc.Documents(ctx, a, certification.FiltreDocuments{SessionID: s.ID})
	if err != nil {
		return nil, err
	}
	d := &sessionData{S: s, Actions: w.svc.ActionsPossibles(s), PV: len(ins) > 0 && s.Statut != certification.Annulee}
	d.Convocations = d.PV
	for _, doc := range docs {
		if doc.Statut == certification.StatutValide {
			d.Zip++
		}
	}
	parIns, err := w.amenagementsParInscription(c, a, s.ID)
	if err != nil {
		return nil, err
	}
	for _, in := range ins {
		// A livret can be previewed once the outcome is stored, or every
		// CCP of a candidat present has its decision.
		livret := in.Issue != nil || (in.Presence != nil && *in.Presence == "present" && len(in.Evaluations) >= len(in.CCP))
		d.Livrets = d.Livrets || livret
		d.Inscriptions = append(d.Inscriptions, inscriptionLigne{in, parcours[in.CandidatID], etatInscription(in), livret, parIns[in.ID]})
	}
	return d, nil
}

func (w *Web) renderSession(c echo.Context, status int, form *Form) error {
	d, err := w.sessionData(c)
	if err != nil {
		return err
	}
	v := w.view(c, d)
	v.Title = "Session " + d.S.Reference
	v.Crumbs = append(v.Crumbs, crumb{"Sessions", "/centre/sessions"})
	if form != nil {
		v.Form = form
	}
	return w.render(c, status, "centre_sessions_fiche", v)
}

func (w *Web) handleSessionRecord(c echo.Context) error {
	return w.renderSession(c, http.StatusOK, nil)
}

// sessionAction runs one transition; a refusal comes back on the record.
func (w *Web) sessionAction(c echo.Context, do func(certification.Acteur, string) error, info string) error {
	a, _ := acteur(c)
	if err := do(a, c.Param("id")); err != nil {
		form := newForm(url.Values{})
		if !form.Refuse(err) {
			return err
		}
		return w.renderSession(c, http.StatusConflict, form)
	}
	return c.Redirect(http.StatusSeeOther, "/centre/sessions/"+c.Param("id")+"?info="+info)
}

func (w *Web) handleSessionDeclare(c echo.Context) error {
	return w.sessionAction(c, func(a certification.Acteur, id string) error {
		_, err := w.svc.DeclarerSession(c.Request().Context(), a, id)
		return err
	}, "session-declaree")
}

func (w *Web) handleSessionHold(c echo.Context) error {
	return w.sessionAction(c, func(a certification.Acteur, id string) error {
		_, err := w.svc.TenirSession(c.Request().Context(), a, id)
		return err
	}, "session-tenue")
}

// The cancellation form lives in a modal on the record; this page is the
// same form for a browser without JavaScript, and where a refusal shows.
func (w *Web) renderCancel(c echo.Context, status int, form *Form) error {
	a, _ := acteur(c)
	s, err := w.svc.Session(c.Request().Context(), a, c.Param("id"))
	if err != nil {
		return err
	}
	v := w.view(c, &sessionData{S: s, Actions: w.svc.ActionsPossibles(s)})
	v.Crumbs = append(v.Crumbs, crumb{"Sessions", "/centre/sessions"}, crumb{"Session " + s.Reference, "/centre/sessions/" + s.ID})
	v.Form = form
	return w.render(c, status, "centre_sessions_annulation", v)
}

func (w *Web) handleSessionCancelForm(c echo.Context) error {
	return w.renderCancel(c, http.StatusOK, newForm(url.Values{}))
}

func (w *Web) handleSessionCancel(c echo.Context) error {
	return motifAction(c, "Indiquez le motif de l’annulation.", "La session ne peut pas être annulée sans motif.", w.renderCancel,
		func(ctx context.Context, a certification.Acteur, motif string) error {
			_, err := w.svc.AnnulerSession(ctx, a, c.Param("id"), motif)
			return err
		}, "/centre/sessions/"+c.Param("id")+"?info=session-annulee")
}

// motifAction handles the POST of a page whose one field is a motif: a
// missing motif is refused on its field (422), the service's refusal shown on
// the page (409); success goes to suite.
func motifAction(c echo.Context, manque, resume string, render func(echo.Context, int, *Form) error,
	act func(ctx context.Context, a certification.Acteur, motif string) error, suite string) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	motif := textField(form, "motif", manque, 2000)
	if form.Failed() {
		form.Summary = resume
		return render(c, http.StatusUnprocessableEntity, form)
	}
	if err := act(c.Request().Context(), a, motif); err != nil {
		if !form.Refuse(err) {
			return err
		}
		return render(c, http.StatusConflict, form)
	}
	return c.Redirect(http.StatusSeeOther, suite)
}

// enrolData lists the centre's candidats to enrol in a session, each with
// whether it is already enrolled and, after a refusal, the service's reason.
type enrolData struct {
	S        *certification.Session
	Actions  certification.ActionsSession
	Lignes   []enrolLigne
	Nom      string
	Suivant  string
	Premier  string
	Apres    string
	Candidat string
}

type enrolLigne struct {
	C       certification.Candidat
	Inscrit bool
	Refus   string
}

func (w *Web) renderEnrol(c echo.Context, status int, form *Form, refus map[string]string) error {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	s, err := w.svc.Session(ctx, a, c.Param("id"))
	if err != nil {
		return err
	}
	ins, err := w.svc.Inscriptions(ctx, a, s.ID)
	if err != nil {
		return err
	}
	q := c.QueryParams()
	page, err := w.svc.Candidats(ctx, a, certification.FiltreCandidats{Nom: strings.TrimSpace(q.Get("nom")), Apres: q.Get("apres"), Limite: pageSize})
	if err != nil {
		if !form.Refuse(err) {
			return err
		}
		page = &certification.PageCandidats{}
	}
	d := &enrolData{S: s, Actions: w.svc.ActionsPossibles(s), Nom: strings.TrimSpace(q.Get("nom")), Apres: q.Get("apres")}
	for _, cand := range page.Candidats {
		inscrit := slices.ContainsFunc(ins, func(in certification.Inscription) bool { return in.CandidatID == cand.ID })
		d.Lignes = append(d.Lignes, enrolLigne{cand, inscrit, refus[cand.ID]})
	}
	base := "/centre/sessions/" + s.ID + "/inscription?"
	keep := url.Values{}
	if d.Nom != "" {
		keep.Set("nom", d.Nom)
	}
	d.Premier = base + keep.Encode()
	if page.Suivant != "" {
		keep.Set("apres", page.Suivant)
		d.Suivant = base + keep.Encode()
	}
	v := w.view(c, d)
	v.Crumbs = append(v.Crumbs, crumb{"Sessions", "/centre/sessions"}, crumb{"Session " + s.Reference, "/centre/sessions/" + s.ID})
	v.Form = form
	return w.render(c, status, "centre_sessions_inscription", v)
}

func (w *Web) handleEnrolForm(c echo.Context) error {
	return w.renderEnrol(c, http.StatusOK, newForm(c.QueryParams()), nil)
}

func (w *Web) handleEnrol(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	id := form.Get("candidat_id")
	if _, err := w.svc.Inscrire(c.Request().Context(), a, c.Param("id"), id, nil); err != nil {
		f := newForm(c.QueryParams())
		if !f.Refuse(err) {
			return err
		}
		// The reason goes on the candidat's row: eligibility is the
		// candidat's, and the list may hold several.
		msg := f.Summary
		for _, k := range f.Order {
			if m := f.Errors[k]; m != msg {
				msg += " " + m
			}
		}
		f.Summary, f.Errors, f.Order = msg, map[string]string{}, nil
		return w.renderEnrol(c, http.StatusUnprocessableEntity, f, map[string]string{id: msg})
	}
	return c.Redirect(http.StatusSeeOther, "/centre/sessions/"+c.Param("id")+"?info=inscrit")
}

func (w *Web) handlePVDraft(c echo.Context) error {
	a, _ := acteur(c)
	data, err := w.svc.BrouillonPV(c.Request().Context(), a, c.Param("id"))
	return SendDraftPDF(c, "pv-brouillon.pdf", data, err)
}

func (w *Web) handleLivretPreview(c echo.Context) error {
	a, _ := acteur(c)
	data, err := w.svc.ApercuLivret(c.Request().Context(), a, c.Param("id"), c.Param("iid"))
	return SendDraftPDF(c, "livret-apercu.pdf", data, err)
}

func (w *Web) handleSessionZip(c echo.Context) error {
	a, _ := acteur(c)
	ds, err := w.svc.DocumentsSessionContenu(c.Request().Context(), a, c.Param("id"))
	if err != nil {
		return err
	}
	return SendDocumentsZip(c, c.Param("id"), ds)
}
