package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/rules"
)

var juryOnly = []certification.Role{certification.RoleJury}

// The jury's desk: its sessions, a session's entry page with the presence
// list, one candidat's entry form, the incidents, and the signature of the
// PV.
func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/jury/sessions", Handler: (*Web).handleJurySessions, Title: "Mes sessions",
			Roles: juryOnly, Menu: "Mes sessions"},
		Page{Method: http.MethodGet, Path: "/jury/sessions/:id", Handler: (*Web).handleJurySession, Title: "Session", Roles: juryOnly},
		Page{Method: http.MethodPost, Path: "/jury/sessions/:id/presence", Handler: (*Web).handleJuryPresence,
			Title: "Présence", Roles: juryOnly},
		Page{Method: http.MethodGet, Path: "/jury/sessions/:id/candidats/:iid", Handler: (*Web).handleJuryCandidat,
			Title: "Saisie", Roles: juryOnly},
		Page{Method: http.MethodPost, Path: "/jury/sessions/:id/candidats/:iid", Handler: (*Web).handleJuryCandidatSave,
			Title: "Saisie", Roles: juryOnly},
		Page{Method: http.MethodPost, Path: "/jury/sessions/:id/incidents", Handler: (*Web).handleJuryIncident,
			Title: "Signaler un incident", Roles: juryOnly},
		Page{Method: http.MethodPost, Path: "/jury/sessions/:id/incidents/:nid/retrait", Handler: (*Web).handleJuryIncidentRetrait,
			Title: "Retirer un incident", Roles: juryOnly},
		Page{Method: http.MethodGet, Path: "/jury/sessions/:id/signature", Handler: (*Web).handleJurySignForm,
			Title: "Signer le procès-verbal", Roles: juryOnly},
		Page{Method: http.MethodPost, Path: "/jury/sessions/:id/signature", Handler: (*Web).handleJurySign,
			Title: "Signer le procès-verbal", Roles: juryOnly},
		Page{Method: http.MethodGet, Path: "/jury/sessions/:id/pv-brouillon.pdf", Handler: (*Web).handleJuryPVDraft,
			Title: "Brouillon du PV", Roles: juryOnly, File: true},
		Page{Method: http.MethodGet, Path: "/jury/sessions/:id/candidats/:iid/livret-apercu.pdf", Handler: (*Web).handleJuryLivret,
			Title: "Aperçu du livret", Roles: juryOnly, File: true},
	)
	notices["saisie-enregistree"] = "La saisie est enregistrée."
	notices["saisie-terminee"] = "La saisie est enregistrée : c’était le dernier candidat que vous pouvez évaluer."
	notices["incident-enregistre"] = "L’incident est enregistré ; il figurera au procès-verbal."
	notices["incident-retire"] = "L’incident est retiré du procès-verbal ; les signatures déjà données sont à renouveler."
	notices["pv-signe"] = "Votre signature du procès-verbal est enregistrée."
	notices["session-deliberee"] = "Votre signature était la dernière : la session est délibérée, ses résultats sont verrouillés."
}

// jurySessionsData is the member's sessions, today's first.
type jurySessionsData struct {
	Lignes []jurySessionLigne
}

type jurySessionLigne struct {
	S        certification.Session
	Inscrits int
	Aujourd  bool
}

func (w *Web) handleJurySessions(c echo.Context) error {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	ss, err := w.svc.Sessions(ctx, a)
	if err != nil {
		return err
	}
	today := w.svc.Today()
	ss = certification.SessionsDuJour(ss, today)
	ids := make([]string, len(ss))
	for i, s := range ss {
		ids[i] = s.ID
	}
	counts, err := w.svc.InscritsParSession(ctx, a, ids)
	if err != nil {
		return err
	}
	d := &jurySessionsData{}
	for _, s := range ss {
		d.Lignes = append(d.Lignes, jurySessionLigne{s, counts[s.ID], !today.Before(s.Debut) && !s.Fin.Before(today)})
	}
	v := w.view(c, d)
	v.Home = true
	return w.render(c, http.StatusOK, "jury_sessions", v)
}

// jurySessionData is a session's entry page.
type jurySessionData struct {
	B         *certification.BureauJury
	Lignes    []juryLigne
	Presents  int
	Ouverte   bool
	Manques   []string
	Categorie []option
	// Candidats are those the member may report an incident about.
	Candidats []option
	// Signature says why the PV cannot be signed yet, empty when it can.
	Signature string
	// PresenceRefus is the refusal of a presence sent from the list.
	PresenceRefus string
	// Recours are the recours on this session the autorité sent back to
	// the jury.
	Recours []certification.RecoursAdministratif
}

type juryLigne struct {
	I certification.Inscription
	// Lie: the member declared a link with the candidat.
	Lie     bool
	Present bool
	Etat    badge
	Saisi   []string
	Manques []string
	// Amenagements are the aménagements d'épreuves the jury applies.
	Amenagements []certification.Amenagement
}

func (w *Web) jurySessionData(c echo.Context) (*jurySessionData, error) {
	a, _ := acteur(c)
	b, err := w.svc.BureauDuJury(c.Request().Context(), a, c.Param("id"))
	if err != nil {
		return nil, err
	}
	ams, err := w.amenagementsParInscription(c, a, b.Session.ID)
	if err != nil {
		return nil, err
	}
	d := &jurySessionData{B: b, Ouverte: b.Session.Statut == certification.Tenue}
	if d.Recours, err = w.recoursSessionJury(c, b.Session.ID); err != nil {
		return nil, err
	}
	for _, in := range b.Inscriptions {
		l := juryLigne{I: in, Lie: b.Lies[in.CandidatID], Present: in.Presence != nil && *in.Presence == "present",
			Etat: etatInscription(in), Manques: in.Manques()}
		l.Amenagements = ams[in.ID]
		if l.Present {
			d.Presents++
		}
		if in.Presence != nil {
			l.Saisi = append(l.Saisi, libellePresence[*in.Presence])
		}
		if in.EntretienFinal != nil {
			l.Saisi = append(l.Saisi, "entretien final "+libelleAvis[*in.EntretienFinal])
		}
		for _, e := range in.Evaluations {
			l.Saisi = append(l.Saisi, e.CCP+" "+strings.ToLower(libelleDecision[e.Decision]))
		}
		if !l.Lie {
			d.Candidats = append(d.Candidats, option{in.ID, in.Prenoms + " " + in.NomNaissance})
		}
		for _, m := range l.Manques {
			d.Manques = append(d.Manques, in.Prenoms+" "+in.NomNaissance+" : "+m)
		}
		d.Lignes = append(d.Lignes, l)
	}
	d.Candidats = append([]option{{"", "Choisissez le candidat"}}, d.Candidats...)
	d.Categorie = []option{{"", "Choisissez la catégorie"}}
	for _, cat := range certification.CategoriesIncident {
		d.Categorie = append(d.Categorie, option{cat.Code, cat.Libelle})
	}
	switch {
	case !d.Ouverte:
		d.Signature = "La session est " + b.Session.Statut.Libelle() + " : le procès-verbal se signe quand la session est tenue."
	case len(d.Manques) > 0:
		d.Signature = "Le procès-verbal se signe quand tout est saisi."
	}
	return d, nil
}

var (
	libellePresence = map[string]string{"present": "présent", "absent": "absent", "excuse": "excusé", "exclu_fraude": "exclu pour fraude"}
	libelleAvis     = map[string]string{"favorable": "favorable", "defavorable": "défavorable"}
)

func (w *Web) renderJurySession(c echo.Context, status int, form *Form) error {
	d, err := w.jurySessionData(c)
	if err != nil {
		return err
	}
	v := w.view(c, d)
	v.Title = "Session " + d.B.Session.Reference
	v.Crumbs = append(v.Crumbs[:0], crumb{"Mes sessions", "/jury/sessions"})
	if form != nil {
		v.Form = form
	}
	return w.render(c, status, "jury_session", v)
}

func (w *Web) handleJurySession(c echo.Context) error {
	return w.renderJurySession(c, http.StatusOK, nil)
}

// handleJuryPresence records a candidat present (box ticked) or absent
// from the presence list. htmx posts it as the box changes and keeps the
// list from the page it is sent back to; without JavaScript the row's
// button posts it.
func (w *Web) handleJuryPresence(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	id := form.Get("inscription_id")
	version, _ := strconv.Atoi(form.Get("version"))
	p := certification.PresenceSaisie{Presence: "absent"}
	if form.Get("present") != "" {
		p.Presence, p.EntretienFinal = "present", form.Get("entretien_final")
	}
	if _, err := w.svc.SaisirPresence(c.Request().Context(), a, c.Param("id"), id, version, p); err != nil {
		if !form.Refuse(err) {
			return err
		}
		// htmx swaps only a successful answer, and only the list: the
		// refusal is said in the list itself.
		if c.Request().Header.Get("HX-Request") != "" {
			d, err := w.jurySessionData(c)
			if err != nil {
				return err
			}
			d.PresenceRefus = form.Summary
			v := w.view(c, d)
			v.Title = "Session " + d.B.Session.Reference
			return w.render(c, http.StatusOK, "jury_session", v)
		}
		return w.renderJurySession(c, http.StatusConflict, form)
	}
	return c.Redirect(http.StatusSeeOther, "/jury/sessions/"+c.Param("id")+"#presence")
}

// juryCandidatData is one candidat's entry form with its file.
type juryCandidatData struct {
	S       *certification.Session
	F       *certification.FicheJury
	CCP     []juryCCP
	Autres  []string
	Suivant string
	Ouverte bool
	// Conflit is set when another member saved since the form was read.
	Conflit bool
	Livret  bool
	// Amenagements are the aménagements d'épreuves granted to the
	// candidat.
	Amenagements []certification.Amenagement
}

// juryCCP is one CCP of the form: what the member sends, and after a
// conflict what the other member saved.
type juryCCP struct {
	Code, Intitule string
	Version        int
	Stored         *certification.Evaluation
	// Autre is the other member's saved decision, after a conflict.
	Autre    *certification.Evaluation
	Decision string
}

// elements are the evaluation elements of a decision, as the form names
// them.
var elements = []struct{ Name, Label string }{
	{"msp", "Mise en situation professionnelle"},
	{"entretien_technique", "Entretien technique"},
	{"questionnaire_professionnel", "Questionnaire professionnel"},
	{"questionnement_productions", "Questionnement à partir de productions"},
	{"dossier_professionnel", "Dossier professionnel"},
	{"ecf", "Évaluations passées en cours de formation (ECF)"},
}

func init() {
	funcs["elements"] = func() any { return elements }
	funcs["libelleOrigine"] = libelleOrigine
	funcs["libelleIncident"] = certification.LibelleIncident
	// One presence label for every page: the jury's and the autorité's.
	funcs["presence"] = func(p *string) string {
		if p == nil {
			return "non saisie"
		}
		return libellePresence[*p]
	}
	funcs["joinVirgule"] = func(xs []string) string { return strings.Join(xs, ", ") }
}

func libelleOrigine(cc rules.CCPCompte, refs map[string]string) string {
	switch cc.Origine {
	case rules.OrigineDeclaree:
		return "déclaré à l’inscription (" + cc.SessionID + ")"
	case rules.OrigineCorrespondance:
		return "par correspondance (" + cc.CCPOrigine + ")"
	}
	if r := refs[cc.SessionID]; r != "" {
		return "session " + r
	}
	return "session antérieure"
}

// valuesOf fills the form with what is stored, or with the defaults the
// candidat's route implies for a decision not yet recorded: the mise en
// situation and the dossier professionnel are part of every evaluation,
// the ECF of every route that admits them.
func valuesOf(f *certification.FicheJury) url.Values {
	v := url.Values{}
	in := f.Inscription
	v.Set("version", strconv.Itoa(in.Version))
	if in.Presence != nil {
		v.Set("presence", *in.Presence)
	}
	if in.EntretienFinal != nil {
		v.Set("entretien_final", *in.EntretienFinal)
	}
	for _, c := range in.CCP {
		e := in.Evaluation(c)
		if e == nil {
			v.Set("version-"+c, "0")
			v.Add("elements-"+c, "msp")
			v.Add("elements-"+c, "dossier_professionnel")
			if f.ECFAdmis {
				v.Add("elements-"+c, "ecf")
			}
			continue
		}
		setEvaluation(v, c, *e)
	}
	return v
}

func setEvaluation(v url.Values, c string, e certification.Evaluation) {
	v.Set("version-"+c, strconv.Itoa(e.Version))
	v.Set("decision-"+c, e.Decision)
	v.Set("motifs-"+c, e.Motifs)
	v.Del("elements-" + c)
	for _, x := range []struct {
		on   bool
		name string
	}{{e.MSP, "msp"}, {e.EntretienTechnique, "entretien_technique"}, {e.QuestionnaireProfessionnel, "questionnaire_professionnel"},
		{e.QuestionnementProductions, "questionnement_productions"}, {e.DossierProfessionnel, "dossier_professionnel"}, {e.EcfPrisEnCompte, "ecf"}} {
		if x.on {
			v.Add("elements-"+c, x.name)
		}
	}
}

func (w *Web) juryCandidatData(c echo.Context) (*juryCandidatData, error) {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	f, err := w.svc.FicheCandidatJury(ctx, a, c.Param("id"), c.Param("iid"))
	if err != nil {
		return nil, err
	}
	b, err := w.svc.BureauDuJury(ctx, a, c.Param("id"))
	if err != nil {
		return nil, err
	}
	titre, err := w.svc.Titre(ctx, b.Session.TitreCode)
	if err != nil {
		return nil, err
	}
	intitules := map[string]string{}
	for _, v := range titre.Versions {
		if v.ID == b.Session.VersionID {
			for _, bl := range v.Blocs {
				intitules[bl.Code] = bl.Intitule
			}
		}
	}
	d := &juryCandidatData{S: b.Session, F: f, Ouverte: b.Session.Statut == certification.Tenue}
	if d.Amenagements, err = w.svc.AmenagementsInscription(ctx, a, b.Session.ID, f.Inscription.ID); err != nil {
		return nil, err
	}
	for _, code := range b.Session.CCP {
		if !slices.Contains(f.Inscription.CCP, code) {
			d.Autres = append(d.Autres, code)
			continue
		}
		cc := juryCCP{Code: code, Intitule: intitules[code], Stored: f.Inscription.Evaluation(code)}
		if cc.Stored != nil {
			cc.Version = cc.Stored.Version
		}
		d.CCP = append(d.CCP, cc)
	}
	d.Suivant = suivantDe(b, f.Inscription.ID)
	// The preview derives the livret from this session's results: it needs
	// them complete (the CCP held before are listed in the file meanwhile).
	d.Livret = f.Inscription.Issue != nil ||
		(f.Inscription.Presence != nil && *f.Inscription.Presence == "present" && len(f.Inscription.Evaluations) >= len(f.Inscription.CCP))
	return d, nil
}

func (w *Web) renderJuryCandidat(c echo.Context, status int, d *juryCandidatData, form *Form) error {
	v := w.view(c, d)
	in := d.F.Inscription
	v.Title = "Saisie : " + in.Prenoms + " " + in.NomNaissance
	v.Crumbs = append(v.Crumbs[:0], crumb{"Mes sessions", "/jury/sessions"}, crumb{"Session " + d.S.Reference, "/jury/sessions/" + d.S.ID})
	v.Form = form
	return w.render(c, status, "jury_candidat", v)
}

func (w *Web) handleJuryCandidat(c echo.Context) error {
	d, err := w.juryCandidatData(c)
	if err != nil {
		return err
	}
	return w.renderJuryCandidat(c, http.StatusOK, d, newForm(valuesOf(d.F)))
}

// saisieOf reads the entry form: the presence and entretien final, and a
// decision for each CCP whose decision is chosen.
func saisieOf(form *Form, ccp []string) certification.SaisieCandidat {
	in := certification.SaisieCandidat{Evaluations: map[string]certification.EvaluationLue{}}
	in.Version, _ = strconv.Atoi(form.Get("version"))
	in.Presence = certification.PresenceSaisie{Presence: form.Get("presence"), EntretienFinal: form.Get("entretien_final")}
	if in.Presence.Presence != "present" {
		in.Presence.EntretienFinal = ""
		return in
	}
	for _, c := range ccp {
		dec := form.Get("decision-" + c)
		if dec == "" {
			continue
		}
		version, _ := strconv.Atoi(form.Get("version-" + c))
		in.Evaluations[c] = certification.EvaluationLue{Version: version, EvaluationSaisie: evaluationOf(form, c)}
	}
	return in
}

// evaluationOf reads the decision on CCP c as the jury's forms name it:
// decision-c, elements-c and, for « non acquis », motifs-c.
func evaluationOf(form *Form, c string) certification.EvaluationSaisie {
	dec := form.Get("decision-" + c)
	on := map[string]bool{}
	for _, e := range form.Values["elements-"+c] {
		on[e] = true
	}
	e := certification.EvaluationSaisie{Decision: dec, MSP: on["msp"],
		EntretienTechnique: on["entretien_technique"], QuestionnaireProfessionnel: on["questionnaire_professionnel"],
		QuestionnementProductions: on["questionnement_productions"], DossierProfessionnel: on["dossier_professionnel"],
		EcfPrisEnCompte: on["ecf"]}
	if dec == "non_acquis" {
		e.Motifs = form.Get("motifs-" + c)
	}
	return e
}

func (w *Web) handleJuryCandidatSave(c echo.Context) error {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	form := newForm(formValues(c))
	if form.Get("presence") == "" {
		form.Fail("presence", "Indiquez si le candidat est présent.")
		form.Summary = "La saisie ne peut pas être enregistrée : corrigez les champs signalés."
		d, err := w.juryCandidatData(c)
		if err != nil {
			return err
		}
		return w.renderJuryCandidat(c, http.StatusUnprocessableEntity, d, form)
	}
	// The form lists the candidat's CCP: the save needs nothing else read
	// first, and the service refuses a CCP the candidat is not enrolled for.
	if err := w.svc.SaisirCandidat(ctx, a, c.Param("id"), c.Param("iid"), saisieOf(form, form.Values["ccp"])); err != nil {
		if !form.Refuse(err) {
			return err
		}
		d, derr := w.juryCandidatData(c)
		if derr != nil {
			return derr
		}
		status := http.StatusUnprocessableEntity
		if errors.Is(err, certification.ErrStale) {
			// Another member saved since the form was read: show what he
			// saved beside what this member typed, and take the current
			// versions so that « Remplacer » is an informed choice.
			status, d.Conflit = http.StatusConflict, true
			form.Summary = "Un autre membre du jury a enregistré une saisie pour ce candidat pendant que vous remplissiez ce formulaire. " +
				"Rien n’a été enregistré : comparez sa saisie à la vôtre, puis remplacez-la par la vôtre ou gardez la sienne."
			form.Values.Set("version", strconv.Itoa(d.F.Inscription.Version))
			for i, cc := range d.CCP {
				read, _ := strconv.Atoi(form.Get("version-" + cc.Code))
				if cc.Stored != nil && cc.Stored.Version != read {
					d.CCP[i].Autre = cc.Stored
				}
				form.Values.Set("version-"+cc.Code, strconv.Itoa(cc.Version))
			}
		} else if errors.Is(err, certification.ErrConflict) {
			status = http.StatusConflict
		}
		unnest(form)
		return w.renderJuryCandidat(c, status, d, form)
	}
	// The form names the next candidat, as it stood when the form was
	// read: the save reads nothing more, and the next page checks access.
	suivant := form.Get("suivant")
	if !idPattern.MatchString(suivant) {
		return c.Redirect(http.StatusSeeOther, "/jury/sessions/"+c.Param("id")+"?info=saisie-terminee")
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/jury/sessions/%s/candidats/%s?info=saisie-enregistree", c.Param("id"), suivant))
}

// idPattern is the shape of an id the form may name.
var idPattern = regexp.MustCompile(`^[0-9a-f-]{36}$`)

// suivantDe is the enrolment after id, in the session's order, of a
// candidat the member may evaluate; empty after the last.
func suivantDe(b *certification.BureauJury, id string) string {
	after := false
	for _, in := range b.Inscriptions {
		switch {
		case in.ID == id:
			after = true
		case after && !b.Lies[in.CandidatID]:
			return in.ID
		}
	}
	return ""
}

// unnest puts the service's errors on the form's inputs: "evaluations.CCP2.motifs"
// on motifs-CCP2, "evaluations.CCP2" on the decision of CCP2, and
// "presence.entretien_final" on the entretien final.
func unnest(f *Form) {
	errs, order := f.Errors, f.Order
	f.Errors, f.Order = map[string]string{}, nil
	for _, k := range order {
		name := k
		if rest, ok := strings.CutPrefix(k, "evaluations."); ok {
			ccp, field, _ := strings.Cut(rest, ".")
			switch field {
			case "motifs":
				name = "motifs-" + ccp
			default:
				name = "decision-" + ccp
			}
		} else if rest, ok := strings.CutPrefix(k, "presence."); ok {
			name = rest
		}
		f.Fail(name, errs[k])
	}
}

func (w *Web) handleJuryIncident(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	if form.Get("inscription_id") == "" {
		form.Fail("inscription_id", "Choisissez le candidat concerné.")
	}
	if form.Get("categorie") == "" {
		form.Fail("categorie", "Choisissez la catégorie de l’incident.")
	}
	if !form.Failed() {
		_, err := w.svc.SignalerIncident(c.Request().Context(), a, c.Param("id"), form.Get("inscription_id"),
			certification.NouvelIncident{Categorie: form.Get("categorie"), Description: form.Get("description")})
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/jury/sessions/"+c.Param("id")+"?info=incident-enregistre#incidents")
		}
		if !form.Refuse(err) {
			return err
		}
	}
	if form.Summary == "" {
		form.Summary = "L’incident ne peut pas être enregistré : corrigez les champs signalés."
	}
	return w.renderJurySession(c, http.StatusUnprocessableEntity, form)
}

// handleJuryIncidentRetrait withdraws an incident recorded by mistake; once
// the PV is signed the service refuses, and the page says why.
func (w *Web) handleJuryIncidentRetrait(c echo.Context) error {
	a, _ := acteur(c)
	err := w.svc.RetirerIncident(c.Request().Context(), a, c.Param("id"), c.Param("nid"))
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/jury/sessions/"+c.Param("id")+"?info=incident-retire#incidents")
	}
	form := newForm(url.Values{})
	if !form.Refuse(err) {
		return err
	}
	return w.renderJurySession(c, http.StatusConflict, form)
}

// The signature is confirmed in a modal on the session's page; this page
// is the same confirmation for a browser without JavaScript.
func (w *Web) handleJurySignForm(c echo.Context) error {
	d, err := w.jurySessionData(c)
	if err != nil {
		return err
	}
	v := w.view(c, d)
	v.Crumbs = append(v.Crumbs[:0], crumb{"Mes sessions", "/jury/sessions"}, crumb{"Session " + d.B.Session.Reference, "/jury/sessions/" + d.B.Session.ID})
	return w.render(c, http.StatusOK, "jury_signature", v)
}

func (w *Web) handleJurySign(c echo.Context) error {
	a, _ := acteur(c)
	s, err := w.svc.SignerPV(c.Request().Context(), a, c.Param("id"))
	if err != nil {
		form := newForm(url.Values{})
		if !form.Refuse(err) {
			return err
		}
		return w.renderJurySession(c, http.StatusConflict, form)
	}
	info := "pv-signe"
	if s.Statut == certification.Deliberee {
		info = "session-deliberee"
	}
	return c.Redirect(http.StatusSeeOther, "/jury/sessions/"+c.Param("id")+"?info="+info)
}

func (w *Web) handleJuryPVDraft(c echo.Context) error {
	a, _ := acteur(c)
	data, err := w.svc.BrouillonPV(c.Request().Context(), a, c.Param("id"))
	return SendDraftPDF(c, "pv-brouillon.pdf", data, err)
}

func (w *Web) handleJuryLivret(c echo.Context) error {
	a, _ := acteur(c)
	data, err := w.svc.ApercuLivret(c.Request().Context(), a, c.Param("id"), c.Param("iid"))
	return SendDraftPDF(c, "livret-apercu.pdf", data, err)
}
