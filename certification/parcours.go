package certification

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/cipcert/cipcert/certification/rules"
)

// Dossier is a candidat's parcours: its registration, every session it was
// enrolled in with the outcome and its explanation, and where it stands today.
type Dossier struct {
	Candidat *Candidat
	Passages []PassageDossier
	// Situation is the outcome of the last decided session, or nil before any.
	Situation *rules.Resultat
	// SituationSession is the reference of that session.
	SituationSession string
	// Compte tells, per CCP acquired, whether it still counts today: one
	// entry per CCP, in the CCP codes' byte order.
	Compte         []CCPCompte
	ProchaineEtape string
}

// CCPCompte tells whether a CCP acquired still counts today.
type CCPCompte struct {
	CCP    string
	Compte bool
}

// PassageDossier is one enrolment in a dossier.
type PassageDossier struct {
	Inscription Inscription
	Session     Session
	// Resultat is the derived outcome, once deliberated (and, for the
	// candidat itself, once validated).
	Resultat *rules.Resultat
	// RecoursJusquau is the last day to contest the decision, once notified.
	RecoursJusquau *Date
}

// Parcours returns the dossier of a candidat the actor may see. The
// candidat itself sees results only once the PV is validated.
func (s *Service) Parcours(ctx context.Context, a Acteur, candidatID string) (*Dossier, error) {
	db := s.read(ctx)
	visibles := []StatutSession{Planifiee, Declaree, Tenue, Deliberee, Validee}
	decides := decidedStatuts
	if a.Is(RoleCandidat) {
		decides = []StatutSession{Validee}
	}
	row, lus, err := lireDossier(db, a, candidatID, visibles)
	if err != nil {
		return nil, err
	}
	cand := row.candidat()
	ps := make([]PassageDossier, len(lus))
	for i := range lus {
		ps[i] = PassageDossier{Inscription: lus[i].in, Session: lus[i].sess}
	}
	if err := lireDetailsDossier(db, &cand, ps); err != nil {
		return nil, err
	}
	d := &Dossier{Candidat: &cand, Passages: make([]PassageDossier, 0, len(ps))}
	today := s.today()
	for _, p := range ps {
		in, sess := p.Inscription, &p.Session
		if !contains(decides, sess.Statut) {
			// Before deliberation (validation, for the candidat) the jury's
			// work is not the candidat's to see.
			if a.Is(RoleCandidat) {
				p.Inscription.Presence, p.Inscription.EntretienFinal, p.Inscription.Evaluations = nil, nil, []Evaluation{}
			}
			// The deadline is part of the outcome: a partial success shows
			// through it as plainly as through the issue.
			p.Inscription.Issue, p.Inscription.DateLimite = nil, nil
			d.Passages = append(d.Passages, p)
			continue
		}
		if in.Explication != "" {
			var r rules.Resultat
			if err := json.Unmarshal([]byte(in.Explication), &r); err != nil {
				return nil, fmt.Errorf("explication of %s: %w", in.ID, err)
			}
			p.Resultat = &r
			d.Situation, d.SituationSession = &r, sess.Reference
		}
		if in.NotifieLe != nil {
			if lim, _, err := rules.DateLimiteRecours(s.opt.Parametres, in.NotifieLe.Time()); err == nil {
				l := DateOf(lim)
				p.RecoursJusquau = &l
			}
		}
		d.Passages = append(d.Passages, p)
	}
	d.ProchaineEtape = prochaineEtape(d, today)
	if d.Situation != nil {
		d.Compte = make([]CCPCompte, 0, len(d.Situation.CCPAcquis))
		for _, c := range d.Situation.CCPAcquis {
			compte := c.Compte && (d.Situation.DateLimite == nil || !today.After(DateOf(*d.Situation.DateLimite)))
			// A CCP listed twice counts as its last entry says.
			if i := slices.IndexFunc(d.Compte, func(x CCPCompte) bool { return x.CCP == c.CCP }); i >= 0 {
				d.Compte[i].Compte = compte
			} else {
				d.Compte = append(d.Compte, CCPCompte{c.CCP, compte})
			}
		}
		slices.SortFunc(d.Compte, func(x, y CCPCompte) int { return strings.Compare(x.CCP, y.CCP) })
	}
	return d, nil
}

// prochaineEtape says in French what the candidat has to do next.
func prochaineEtape(d *Dossier, today Date) string {
	for _, p := range d.Passages {
		if p.Resultat == nil && p.Session.Statut != Annulee {
			return fmt.Sprintf("Session %s du %s au %s : résultats en attente.", p.Session.Reference, p.Session.Debut.Francais(), p.Session.Fin.Francais())
		}
	}
	r := d.Situation
	switch {
	case r == nil:
		return "S'inscrire à une session d'évaluation."
	case r.Issue == rules.IssueTitre || r.Issue == rules.IssueCCS:
		return "Titre obtenu : le parchemin est délivré par le représentant territorial après validation du PV."
	case len(r.CCPManquants) > 0 && r.DateLimite != nil && today.After(DateOf(*r.DateLimite)):
		return fmt.Sprintf("Le délai pour obtenir le titre a expiré le %s.", DateOf(*r.DateLimite).Francais())
	case len(r.CCPManquants) > 0 && r.DateLimite != nil:
		return fmt.Sprintf("Se présenter à une session pour %s avant le %s ; l'entretien final aura lieu à la session du dernier CCP manquant.",
			strings.Join(r.CCPManquants, ", "), DateOf(*r.DateLimite).Francais())
	case len(r.CCPManquants) > 0:
		return fmt.Sprintf("Se présenter à une session pour %s.", strings.Join(r.CCPManquants, ", "))
	}
	return "Se présenter à une nouvelle session titre, avec l'entretien final."
}
