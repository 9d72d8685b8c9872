package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// The recours: the candidat files one from its space, with its files; the
// autorité's worklist shows the deadlines and decides. The jury's new
// deliberation goes through the API (PUT …/proposition, POST …/signature).
func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/mon-espace/recours/nouveau", Handler: (*Web).handleRecoursForm,
			Title: "Contester un résultat", Roles: candidatOnly, HorsPlan: true},
		Page{Method: http.MethodPost, Path: PageRecoursDepot, Handler: (*Web).handleRecoursDepot,
			Title: "Contester un résultat", Roles: candidatOnly},
		Page{Method: http.MethodGet, Path: "/autorite/recours", Handler: (*Web).handleRecoursListe,
			Title: "Recours", Roles: autoriteOnly, Menu: "Recours"},
		Page{Method: http.MethodGet, Path: "/autorite/recours/:id", Handler: (*Web).handleRecoursFiche,
			Title: "Recours", Roles: autoriteOnly},
		Page{Method: http.MethodPost, Path: "/autorite/recours/:id", Handler: (*Web).handleRecoursDecision,
			Title: "Recours", Roles: autoriteOnly},
		Page{Method: http.MethodGet, Path: "/autorite/recours/:id/pieces/:pid", Handler: (*Web).handleRecoursPiece,
			Title: "Pièce jointe", Roles: autoriteOnly, File: true},
	)
	notices["recours-depose"] = "Votre recours est enregistré : l’autorité vous répondra dans votre espace et par courriel."
	notices["recours-decide"] = "La décision est enregistrée ; le candidat en est informé par courriel et dans son espace."
	funcs["statutRecours"] = func(s certification.StatutRecours) string { return certification.LibelleStatutRecours[s] }
	funcs["motifRejet"] = func(m string) string { return certification.MotifsRejet[m] }
	funcs["typeRecours"] = func(t certification.TypeRecours) string {
		if t == certification.RecoursHierarchique {
			return "Recours hiérarchique"
		}
		return "Recours gracieux"
	}
	funcs["classeRecours"] = func(s certification.StatutRecours) string {
		switch s {
		case certification.RecoursRejete:
			return "fr-badge--error"
		case certification.RecoursErreurCorrigee, certification.RecoursNouvelleDeliberation:
			return "fr-badge--success"
		}
		return "fr-badge--info"
	}
}

var typesRecours = []option{
	{string(certification.RecoursGracieux), "Recours gracieux, auprès de l’autorité qui a validé le procès-verbal"},
	{string(certification.RecoursHierarchique), "Recours hiérarchique, auprès du ministre chargé de l’emploi"},
}

var issuesRecours = []option{
	{string(certification.RecoursRejete), "Rejeter le recours"},
	{string(certification.RecoursErreurCorrigee), "Corriger une erreur matérielle de transcription"},
	{string(certification.RecoursNouvelleDeliberation), "Nouvelle délibération du jury"},
}

var motifsRejet = []option{
	{"non_fonde", certification.MotifsRejet["non_fonde"]},
	{"tardif", certification.MotifsRejet["tardif"]},
	{"irrecevable", certification.MotifsRejet["irrecevable"]},
}

var decisionsCCP = []option{{"acquis", "Acquis"}, {"non_acquis", "Non acquis"}}

// recoursDepotData is the filing form: the enrolment contested.
type recoursDepotData struct {
	P     certification.PassageDossier
	Types []option
}

func (w *Web) renderRecoursDepot(c echo.Context, status int, form *Form, inscriptionID string) error {
	a, _ := acteur(c)
	d, err := w.svc.Parcours(c.Request().Context(), a, a.CandidatID)
	if err != nil {
		return err
	}
	for _, p := range d.Passages {
		if p.Inscription.ID == inscriptionID && p.Resultat != nil {
			v := w.view(c, &recoursDepotData{P: p, Types: typesRecours})
			v.Form = form
			v.Crumbs = append(v.Crumbs, crumb{"Mon espace", "/mon-espace"})
			return w.render(c, status, "recours_depot", v)
		}
	}
	return certification.Errorf(certification.ErrNotFound, "introuvable", "Résultat introuvable.")
}

func (w *Web) handleRecoursForm(c echo.Context) error {
	return w.renderRecoursDepot(c, http.StatusOK, newForm(url.Values{"type": {string(certification.RecoursGracieux)}}), c.QueryParam("inscription"))
}

func (w *Web) handleRecoursDepot(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	if c.Request().MultipartForm != nil {
		form.Values = c.Request().MultipartForm.Value
	}
	in := certification.NouveauRecours{InscriptionID: form.Get("inscription"), Type: certification.TypeRecours(form.Get("type")),
		Motifs: textArea(form, "motifs", "Exposez les raisons pour lesquelles vous contestez la décision.", 5000)}
	if mf := c.Request().MultipartForm; mf != nil {
		for _, fh := range mf.File["pieces"] {
			if fh.Size > certification.MaxPieceRecours {
				form.Fail("pieces", "Le fichier « "+fh.Filename+" » dépasse 5 Mo.")
				continue
			}
			f, err := fh.Open()
			if err != nil {
				return err
			}
			data, err := io.ReadAll(io.LimitReader(f, certification.MaxPieceRecours+1))
			f.Close()
			if err != nil {
				return err
			}
			if len(data) > 0 {
				in.Pieces = append(in.Pieces, certification.PieceJointe{Nom: fh.Filename, Contenu: data})
			}
		}
	}
	if !form.Failed() {
		_, err := w.svc.DeposerRecours(c.Request().Context(), a, in)
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/mon-espace?info=recours-depose#recours")
		}
		if !form.Refuse(err) {
			return err
		}
	}
	if form.Summary == "" {
		form.Summary = "Le recours n’est pas enregistré : corrigez les champs signalés."
	}
	return w.renderRecoursDepot(c, http.StatusUnprocessableEntity, form, in.InscriptionID)
}

// textArea checks a required text of several lines: present and not too long.
func textArea(f *Form, name, empty string, max int) string {
	s := f.Get(name)
	switch {
	case s == "":
		f.Fail(name, empty)
	case len([]rune(s)) > max:
		f.Fail(name, "Ce texte dépasse "+strconv.Itoa(max)+" caractères.")
	}
	return s
}

// recoursListeData is the autorité's worklist.
type recoursListeData struct {
	Recours []certification.RecoursAdministratif
	Tous    bool
}

func (w *Web) handleRecoursListe(c echo.Context) error {
	a, _ := acteur(c)
	tous := c.QueryParam("tous") == "1"
	rs, err := w.svc.ListeRecours(c.Request().Context(), a, certification.FiltreRecours{Ouverts: !tous})
	if err != nil {
		return err
	}
	return w.render(c, http.StatusOK, "autorite_recours", w.view(c, &recoursListeData{Recours: rs, Tous: tous}))
}

// recoursFicheData is one recours and the decision form.
type recoursFicheData struct {
	R          *certification.RecoursAdministratif
	Issues     []option
	Motifs     []option
	Decisions  []option
	CCP        []option
	Complete   bool
	Evaluation []certification.Evaluation
}

func (w *Web) renderRecoursFiche(c echo.Context, status int, form *Form) error {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	r, err := w.svc.LireRecours(ctx, a, c.Param("id"))
	if err != nil {
		return err
	}
	d := &recoursFicheData{R: r, Issues: issuesRecours, Motifs: motifsRejet, Decisions: decisionsCCP,
		Complete: r.Proposition != nil && len(r.Signatures) >= r.SignaturesRequises}
	evs, err := w.evaluationsRecours(c, a, r)
	if err != nil {
		return err
	}
	d.Evaluation = evs
	for _, e := range evs {
		d.CCP = append(d.CCP, option{e.CCP, e.CCP + " (transcrit : " + libelleDecisionCCP[e.Decision] + ")"})
	}
	v := w.view(c, d)
	v.Title = typeRecoursTitre(r)
	v.Crumbs = append(v.Crumbs, crumb{"Recours", "/autorite/recours"})
	v.Form = form
	return w.render(c, status, "autorite_recours_fiche", v)
}

func typeRecoursTitre(r *certification.RecoursAdministratif) string {
	t := "Recours gracieux"
	if r.Type == certification.RecoursHierarchique {
		t = "Recours hiérarchique"
	}
	return t + " de " + r.Prenoms + " " + r.NomNaissance
}

func (w *Web) handleRecoursFiche(c echo.Context) error {
	return w.renderRecoursFiche(c, http.StatusOK, newForm(url.Values{}))
}

func (w *Web) handleRecoursDecision(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	version, err := strconv.Atoi(form.Get("version"))
	if err != nil {
		return certification.Errorf(certification.ErrNotFound, "introuvable", "Recours introuvable.")
	}
	d := certification.DecisionRecours{Issue: certification.StatutRecours(form.Get("issue")), Reponse: form.Get("reponse")}
	if d.Issue == "" {
		// The service names the API's values; the page names its choices.
		form.Fail("issue", "Choisissez l’issue du recours.")
		form.Summary = "La décision sur le recours est incomplète."
		return w.renderRecoursFiche(c, http.StatusUnprocessableEntity, form)
	}
	switch d.Issue {
	case certification.RecoursRejete:
		d.MotifRejet = form.Get("motif_rejet")
	case certification.RecoursErreurCorrigee:
		d.CCP = form.Get("ccp")
		e := certification.EvaluationSaisie{Decision: form.Get("decision"), Motifs: form.Get("motifs_ccp")}
		// The elements of the evaluation stay as transcribed: the page
		// corrects the decision and its reasons.
		r, err := w.svc.LireRecours(c.Request().Context(), a, c.Param("id"))
		if err != nil {
			return err
		}
		evs, err := w.evaluationsRecours(c, a, r)
		if err != nil {
			return err
		}
		for _, ev := range evs {
			if ev.CCP == d.CCP {
				e.MSP, e.EntretienTechnique, e.QuestionnaireProfessionnel = ev.MSP, ev.EntretienTechnique, ev.QuestionnaireProfessionnel
				e.QuestionnementProductions, e.DossierProfessionnel, e.EcfPrisEnCompte = ev.QuestionnementProductions, ev.DossierProfessionnel, ev.EcfPrisEnCompte
			}
		}
		d.Evaluation = &e
	}
	if _, err := w.svc.DeciderRecours(c.Request().Context(), a, c.Param("id"), version, d); err != nil {
		if !form.Refuse(err) {
			return err
		}
		status := http.StatusUnprocessableEntity
		if errors.Is(err, certification.ErrConflict) || errors.Is(err, certification.ErrStale) {
			status = http.StatusConflict
		}
		return w.renderRecoursFiche(c, status, form)
	}
	return c.Redirect(http.StatusSeeOther, "/autorite/recours/"+c.Param("id")+"?info=recours-decide")
}

var libelleDecisionCCP = map[string]string{"acquis": "acquis", "non_acquis": "non acquis"}

// evaluationsRecours returns the decisions in force on the enrolment a
// recours contests.
func (w *Web) evaluationsRecours(c echo.Context, a certification.Acteur, r *certification.RecoursAdministratif) ([]certification.Evaluation, error) {
	ins, err := w.svc.Inscriptions(c.Request().Context(), a, r.SessionID)
	if err != nil {
		return nil, err
	}
	for _, in := range ins {
		if in.ID == r.InscriptionID {
			return in.Evaluations, nil
		}
	}
	return nil, nil
}

func (w *Web) handleRecoursPiece(c echo.Context) error {
	a, _ := acteur(c)
	p, err := w.svc.PieceRecoursContenu(c.Request().Context(), a, c.Param("id"), c.Param("pid"))
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": p.Nom}))
	return c.Blob(http.StatusOK, p.TypeContenu, p.Contenu)
}
