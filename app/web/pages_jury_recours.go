package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// A recours the autorité sent back to the jury: the members of the session
// read the candidat's reasons, propose the decision they take again and
// sign it; the autorité then records it.
func init() {
	addPages(
		Page{Method: http.MethodGet, Path: "/jury/sessions/:id/recours/:rid", Handler: (*Web).handleJuryRecours,
			Title: "Recours renvoyé au jury", Roles: juryOnly},
		Page{Method: http.MethodPost, Path: "/jury/sessions/:id/recours/:rid", Handler: (*Web).handleJuryRecoursProposer,
			Title: "Recours renvoyé au jury", Roles: juryOnly},
		Page{Method: http.MethodPost, Path: "/jury/sessions/:id/recours/:rid/signature", Handler: (*Web).handleJuryRecoursSigner,
			Title: "Signer la décision", Roles: juryOnly},
	)
	notices["deliberation-proposee"] = "La décision est proposée. Les signatures données à une proposition précédente sont retirées : signez-la, puis les autres membres du jury."
	notices["deliberation-signee"] = "Votre signature de la décision est enregistrée."
	notices["deliberation-complete"] = "Votre signature est enregistrée : la décision porte assez de signatures, l’autorité peut l’enregistrer."
}

// juryRecoursData is a recours sent back to the jury, as a member reads it.
type juryRecoursData struct {
	S *certification.Session
	R *certification.RecoursAdministratif
	// I is the contested result.
	I certification.Inscription
	// Lie: the member declared a link with the candidat, so he neither
	// proposes nor signs.
	Lie bool
	// Deliberation: the recours still awaits the jury's decision.
	Deliberation bool
	// Signataires name the members who signed the current proposition.
	Signataires []string
	// Signe: the acting member is one of them.
	Signe bool
}

// recoursSessionJury lists the recours of a session that the member may
// read: those the autorité sent back to its jury.
func (w *Web) recoursSessionJury(c echo.Context, sessionID string) ([]certification.RecoursAdministratif, error) {
	a, _ := acteur(c)
	rs, err := w.svc.ListeRecours(c.Request().Context(), a, certification.FiltreRecours{})
	if err != nil {
		return nil, err
	}
	var out []certification.RecoursAdministratif
	for _, r := range rs {
		if r.SessionID == sessionID {
			out = append(out, r)
		}
	}
	return out, nil
}

func (w *Web) juryRecoursData(c echo.Context) (*juryRecoursData, error) {
	a, _ := acteur(c)
	ctx := c.Request().Context()
	b, err := w.svc.BureauDuJury(ctx, a, c.Param("id"))
	if err != nil {
		return nil, err
	}
	r, err := w.svc.LireRecours(ctx, a, c.Param("rid"))
	if err != nil {
		return nil, err
	}
	// A recours of another session reads as unknown here, as it would
	// for a member who does not sit on that session.
	if r.SessionID != b.Session.ID {
		return nil, certification.Errorf(certification.ErrNotFound, "introuvable", "Recours introuvable.")
	}
	d := &juryRecoursData{S: b.Session, R: r, Lie: b.Lies[r.CandidatID], Deliberation: r.Statut == certification.RecoursDeliberation}
	for _, in := range b.Inscriptions {
		if in.ID == r.InscriptionID {
			d.I = in
		}
	}
	noms := map[string]string{}
	for _, m := range b.Session.Jury {
		noms[m.MembreID] = m.Prenoms + " " + m.Nom
	}
	for _, s := range r.Signatures {
		d.Signataires = append(d.Signataires, noms[s.MembreID])
		d.Signe = d.Signe || s.MembreID == b.MembreID
	}
	return d, nil
}

// valuesOfRecours fills the form with the current proposition, or leaves
// every CCP « non réexaminé » until a member proposes one.
func valuesOfRecours(r *certification.RecoursAdministratif) url.Values {
	v := url.Values{"version": {strconv.Itoa(r.Version)}}
	if p := r.Proposition; p != nil {
		v.Set("motif", p.Motif)
		for _, d := range p.Decisions {
			v.Set("decision-"+d.CCP, d.Evaluation.Decision)
			v.Set("motifs-"+d.CCP, d.Evaluation.Motifs)
		}
	}
	return v
}

func (w *Web) renderJuryRecours(c echo.Context, status int, d *juryRecoursData, form *Form) error {
	v := w.view(c, d)
	v.Title = "Recours de " + d.R.Prenoms + " " + d.R.NomNaissance
	v.Crumbs = append(v.Crumbs[:0], crumb{"Mes sessions", "/jury/sessions"}, crumb{"Session " + d.S.Reference, "/jury/sessions/" + d.S.ID})
	v.Form = form
	return w.render(c, status, "jury_recours", v)
}

func (w *Web) handleJuryRecours(c echo.Context) error {
	d, err := w.juryRecoursData(c)
	if err != nil {
		return err
	}
	return w.renderJuryRecours(c, http.StatusOK, d, newForm(valuesOfRecours(d.R)))
}

// propositionOf reads the form: a decision for each CCP re-examined, on
// the elements of evaluation of the decision it replaces, since the jury
// decides again on the same épreuves. Missing inputs fail on their field.
func propositionOf(form *Form, in certification.Inscription) certification.PropositionJury {
	p := certification.PropositionJury{Motif: strings.TrimSpace(textArea(form, "motif", "Indiquez les raisons de la nouvelle décision du jury.", 5000))}
	for _, c := range in.CCP {
		e := evaluationOf(form, c)
		if e.Decision == "" {
			continue
		}
		if e.Decision == "non_acquis" && strings.TrimSpace(e.Motifs) == "" {
			form.Fail("motifs-"+c, "Une décision « non acquis » est motivée : ces motifs sont imprimés au procès-verbal rectificatif.")
		}
		if avant := in.Evaluation(c); avant != nil {
			e.MSP, e.EntretienTechnique, e.QuestionnaireProfessionnel = avant.MSP, avant.EntretienTechnique, avant.QuestionnaireProfessionnel
			e.QuestionnementProductions, e.DossierProfessionnel, e.EcfPrisEnCompte = avant.QuestionnementProductions, avant.DossierProfessionnel, avant.EcfPrisEnCompte
		}
		p.Decisions = append(p.Decisions, certification.DecisionCCP{CCP: c, Evaluation: e})
	}
	if len(p.Decisions) == 0 && len(in.CCP) > 0 {
		form.Fail("decision-"+in.CCP[0], "Indiquez la décision sur au moins un CCP réexaminé.")
	}
	return p
}

func (w *Web) handleJuryRecoursProposer(c echo.Context) error {
	a, _ := acteur(c)
	d, err := w.juryRecoursData(c)
	if err != nil {
		return err
	}
	form := newForm(formValues(c))
	p := propositionOf(form, d.I)
	status := http.StatusUnprocessableEntity
	if !form.Failed() {
		version, _ := strconv.Atoi(form.Get("version"))
		_, err := w.svc.ProposerDeliberation(c.Request().Context(), a, d.R.ID, version, p)
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/jury/sessions/"+d.S.ID+"/recours/"+d.R.ID+"?info=deliberation-proposee#signatures")
		}
		if !form.Refuse(err) {
			return err
		}
		unnest(form)
		if errors.Is(err, certification.ErrStale) || errors.Is(err, certification.ErrConflict) {
			// Another member proposed in between: show his proposition
			// above the form, which keeps what this member typed.
			status = http.StatusConflict
			form.Values.Set("version", strconv.Itoa(d.R.Version))
		}
	}
	if form.Summary == "" {
		form.Summary = "La décision n’est pas proposée : corrigez les champs signalés."
	}
	return w.renderJuryRecours(c, status, d, form)
}

func (w *Web) handleJuryRecoursSigner(c echo.Context) error {
	a, _ := acteur(c)
	d, err := w.juryRecoursData(c)
	if err != nil {
		return err
	}
	r, err := w.svc.SignerDeliberation(c.Request().Context(), a, d.R.ID)
	if err != nil {
		form := newForm(valuesOfRecours(d.R))
		if !form.Refuse(err) {
			return err
		}
		status := http.StatusConflict
		if errors.Is(err, certification.ErrInvalid) {
			status = http.StatusUnprocessableEntity
		}
		return w.renderJuryRecours(c, status, d, form)
	}
	info := "deliberation-signee"
	if len(r.Signatures) >= r.SignaturesRequises {
		info = "deliberation-complete"
	}
	return c.Redirect(http.StatusSeeOther, "/jury/sessions/"+d.S.ID+"/recours/"+d.R.ID+"?info="+info+"#signatures")
}
