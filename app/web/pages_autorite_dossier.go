package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// What the autorité corrects on a record: a decision after deliberation
// (a material error, with its reason), a late declaration, a candidat's
// civil identity; and the audit trail that keeps each of them.
func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/autorite/sessions/:id/inscriptions/:iid/corrections/:ccp", Handler: (*Web).handleCorrectionForm,
			Title: "Corriger une décision", Roles: autoriteOnly},
		Page{Method: http.MethodPost, Path: "/autorite/sessions/:id/inscriptions/:iid/corrections/:ccp", Handler: (*Web).handleCorrection,
			Title: "Corriger une décision", Roles: autoriteOnly},
		Page{Method: http.MethodGet, Path: "/autorite/sessions/:id/regularisation", Handler: (*Web).handleRegularisationForm,
			Title: "Régulariser la déclaration", Roles: autoriteOnly},
		Page{Method: http.MethodPost, Path: "/autorite/sessions/:id/regularisation", Handler: (*Web).handleRegularisation,
			Title: "Régulariser la déclaration", Roles: autoriteOnly},
		Page{Method: http.MethodGet, Path: "/autorite/candidats/:id/rectification", Handler: (*Web).handleRectificationForm,
			Title: "Rectifier l’identité", Roles: autoriteOnly},
		Page{Method: http.MethodPost, Path: "/autorite/candidats/:id/rectification", Handler: (*Web).handleRectification,
			Title: "Rectifier l’identité", Roles: autoriteOnly},
	)
	notices["decision-corrigee"] = "La décision est corrigée ; l’ancienne est révoquée et reste dans l’historique."
	notices["declaration-regularisee"] = "La déclaration de la session est régularisée."
	notices["identite-rectifiee"] = "L’identité est rectifiée ; les documents en vigueur du candidat sont délivrés à nouveau."
}

// correctionData is the correction of one decision: the decision as it
// stands beside the form of the new one.
type correctionData struct {
	S        *certification.Session
	I        certification.Inscription
	Avant    certification.Evaluation
	Elements []option
}

// elementsEvaluation are the evaluation elements a decision rests on, by
// their form name.
var elementsEvaluation = []option{
	{"msp", "Mise en situation professionnelle"},
	{"entretien_technique", "Entretien technique"},
	{"questionnaire_professionnel", "Questionnaire professionnel"},
	{"questionnement_productions", "Questionnement à partir de productions"},
	{"dossier_professionnel", "Dossier professionnel"},
	{"ecf_pris_en_compte", "ECF pris en compte"},
}

func elementsOf(e certification.Evaluation) map[string]bool {
	return map[string]bool{"msp": e.MSP, "entretien_technique": e.EntretienTechnique,
		"questionnaire_professionnel": e.QuestionnaireProfessionnel, "questionnement_productions": e.QuestionnementProductions,
		"dossier_professionnel": e.DossierProfessionnel, "ecf_pris_en_compte": e.EcfPrisEnCompte}
}

func init() {
	funcs["element"] = func(e certification.Evaluation, name string) bool { return elementsOf(e)[name] }
}

// renderCorrection shows the correction form; form nil starts it from the
// decision as it stands.
func (w *Web) renderCorrection(c echo.Context, status int, form *Form) error {
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
	d := &correctionData{S: s, Elements: elementsEvaluation}
	found := false
	for _, in := range ins {
		if in.ID != c.Param("iid") {
			continue
		}
		for _, e := range in.Evaluations {
			if e.CCP == c.Param("ccp") {
				d.I, d.Avant, found = in, e, true
			}
		}
	}
	if !found {
		return certification.Errorf(certification.ErrNotFound, "introuvable", "Décision introuvable.")
	}
	if form == nil {
		form = newForm(url.Values{"decision": {d.Avant.Decision}, "motifs": {d.Avant.Motifs}})
		for k, on := range elementsOf(d.Avant) {
			if on {
				form.Values.Set(k, "1")
			}
		}
	}
	// The version the new decision replaces is always the one shown beside
	// it: after a conflict, the page shows the decision now recorded.
	form.Values.Set("version", strconv.Itoa(d.Avant.Version))
	v := w.view(c, d)
	v.Title = "Corriger la décision " + d.Avant.CCP + " de " + d.I.Prenoms + " " + d.I.NomNaissance
	v.Crumbs = append(v.Crumbs, crumb{"Sessions", "/autorite/sessions"}, crumb{"Session " + s.Reference, "/autorite/sessions/" + s.ID})
	v.Form = form
	return w.render(c, status, "autorite_correction", v)
}

func (w *Web) handleCorrectionForm(c echo.Context) error {
	return w.renderCorrection(c, http.StatusOK, nil)
}

func (w *Web) handleCorrection(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	version, err := strconv.Atoi(form.Get("version"))
	if err != nil || version < 1 {
		form.Fail("version", "La version de la décision lue manque : rechargez la page.")
	}
	in := certification.EvaluationSaisie{Decision: form.Get("decision"), Motifs: form.Get("motifs"),
		MSP: form.Get("msp") != "", EntretienTechnique: form.Get("entretien_technique") != "",
		QuestionnaireProfessionnel: form.Get("questionnaire_professionnel") != "", QuestionnementProductions: form.Get("questionnement_productions") != "",
		DossierProfessionnel: form.Get("dossier_professionnel") != "", EcfPrisEnCompte: form.Get("ecf_pris_en_compte") != ""}
	motif := textField(form, "motif", "Indiquez le motif de la correction : l’erreur matérielle constatée.", 2000)
	if form.Failed() {
		form.Summary = "La décision ne peut pas être corrigée : corrigez les champs signalés."
		return w.renderCorrection(c, http.StatusUnprocessableEntity, form)
	}
	if _, err := w.svc.CorrigerEvaluationVersion(c.Request().Context(), a, c.Param("id"), c.Param("iid"), c.Param("ccp"), version, motif, in); err != nil {
		if !form.Refuse(err) {
			return err
		}
		status := http.StatusUnprocessableEntity
		if errors.Is(err, certification.ErrStale) {
			status = http.StatusPreconditionFailed
		}
		return w.renderCorrection(c, status, form)
	}
	return c.Redirect(http.StatusSeeOther, "/autorite/sessions/"+c.Param("id")+"?info=decision-corrigee#candidat-"+c.Param("iid"))
}

// regularisationData is the late declaration of a session.
type regularisationData struct {
	S       *certification.Session
	Actions certification.ActionsAutorite
}

func (w *Web) renderRegularisation(c echo.Context, status int, form *Form) error {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	s, err := w.svc.Session(ctx, a, c.Param("id"))
	if err != nil {
		return err
	}
	av, err := w.svc.AvancementEmission(ctx, a, s.ID)
	if err != nil {
		return err
	}
	v := w.view(c, &regularisationData{S: s, Actions: w.svc.ActionsAutoritePossibles(s, av)})
	v.Crumbs = append(v.Crumbs, crumb{"Sessions", "/autorite/sessions"}, crumb{"Session " + s.Reference, "/autorite/sessions/" + s.ID})
	v.Form = form
	return w.render(c, status, "autorite_regularisation", v)
}

func (w *Web) handleRegularisationForm(c echo.Context) error {
	return w.renderRegularisation(c, http.StatusOK, newForm(url.Values{}))
}

func (w *Web) handleRegularisation(c echo.Context) error {
	return motifAction(c, "Indiquez le motif de la déclaration tardive.", "La déclaration ne peut pas être régularisée sans motif.", w.renderRegularisation,
		func(ctx context.Context, a certification.Acteur, motif string) error {
			_, err := w.svc.RegulariserDeclaration(ctx, a, c.Param("id"), motif)
			return err
		}, "/autorite/sessions/"+c.Param("id")+"?info=declaration-regularisee")
}

// rectificationData is a candidat's identity and the form to rectify it.
type rectificationData struct {
	C *certification.Candidat
	// Demandes are the candidat's rectification requests addressed to the
	// autorité.
	Demandes []certification.DemandeDroits
}

func (w *Web) renderRectification(c echo.Context, status int, form *Form) error {
	a, _ := acteur(c)
	cand, err := w.svc.Candidat(c.Request().Context(), a, c.Param("id"))
	if err != nil {
		return err
	}
	if form == nil {
		form = newForm(url.Values{"nom_naissance": {cand.NomNaissance}, "prenoms": {cand.Prenoms},
			"date_naissance": {cand.DateNaissance.Francais()}, "lieu_naissance": {cand.LieuNaissance}})
	}
	form.Values.Set("version", strconv.Itoa(cand.Version))
	demandes, err := w.svc.DemandesDroits(c.Request().Context(), a, cand.ID)
	if err != nil {
		return err
	}
	v := w.view(c, &rectificationData{C: cand, Demandes: demandes})
	v.Title = "Rectifier l’identité de " + cand.Prenoms + " " + cand.NomNaissance
	v.Crumbs = append(v.Crumbs, crumb{"Sessions", "/autorite/sessions"})
	v.Form = form
	return w.render(c, status, "autorite_rectification", v)
}

func (w *Web) handleRectificationForm(c echo.Context) error {
	return w.renderRectification(c, http.StatusOK, nil)
}

func (w *Web) handleRectification(c echo.Context) error {
	a, _ := acteur(c)
	form := newForm(formValues(c))
	version, err := strconv.Atoi(form.Get("version"))
	if err != nil || version < 1 {
		form.Fail("version", "La version du dossier lue manque : rechargez la page.")
	}
	in := certification.IdentiteRectifiee{Motif: form.Get("motif"), PieceJustificative: form.Get("piece_justificative")}
	in.NomNaissance, in.Prenoms, in.LieuNaissance = form.Get("nom_naissance"), form.Get("prenoms"), form.Get("lieu_naissance")
	if d, ok := parseDate(form.Get("date_naissance")); ok {
		in.DateNaissance = d
	} else {
		form.Fail("date_naissance", dateMessage)
	}
	if form.Failed() {
		form.Summary = "L’identité ne peut pas être rectifiée : corrigez les champs signalés."
		return w.renderRectification(c, http.StatusUnprocessableEntity, form)
	}
	if _, err := w.svc.RectifierIdentite(c.Request().Context(), a, c.Param("id"), version, in); err != nil {
		if !form.Refuse(err) {
			return err
		}
		status := http.StatusUnprocessableEntity
		if errors.Is(err, certification.ErrStale) {
			status = http.StatusPreconditionFailed
		}
		return w.renderRectification(c, status, form)
	}
	return c.Redirect(http.StatusSeeOther, "/autorite/candidats/"+c.Param("id")+"/journal?info=identite-rectifiee")
}
