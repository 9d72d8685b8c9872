package certification

import (
	"context"
	"errors"
	"slices"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/rules"
)

// Manques lists what the jury still has to record for an enrolment before
// the PV can be signed, in French: its presence; for a candidat present,
// the entretien final when it is due here and the decision on each CCP it
// is enrolled for. Empty when nothing is missing.
func (in Inscription) Manques() []string {
	if in.Presence == nil {
		return []string{"présence"}
	}
	if *in.Presence != "present" {
		return nil
	}
	var m []string
	if in.EntretienFinalDu && in.EntretienFinal == nil {
		m = append(m, "entretien final")
	}
	for _, c := range in.CCP {
		if in.Evaluation(c) == nil {
			m = append(m, "décision "+c)
		}
	}
	return m
}

// Evaluation returns the live decision on a CCP, or nil.
func (in Inscription) Evaluation(ccp string) *Evaluation {
	for i := range in.Evaluations {
		if in.Evaluations[i].CCP == ccp {
			return &in.Evaluations[i]
		}
	}
	return nil
}

// SaisieCandidat is what a jury member records for one candidat at once:
// its presence and entretien final, and the decision on some of its CCP.
type SaisieCandidat struct {
	// Version is the enrolment's version the member read.
	Version  int
	Presence PresenceSaisie
	// Evaluations are the decisions by CCP; a CCP left out is not touched.
	Evaluations map[string]EvaluationLue
}

// EvaluationLue is a decision with the version of the stored one the
// member read (0: there was none).
type EvaluationLue struct {
	Version int
	EvaluationSaisie
}

// SaisirCandidat records a candidat's presence, entretien final and
// decisions in one transaction: all of it is recorded, or none. What is
// sent unchanged writes nothing.
//
// Returns ErrStale when another member changed the presence or a decision
// since the member read it; the error's field names what changed
// ("presence", or "evaluations.CCP2"), so that the member can be shown the
// other's value and choose. Refusals of the rules name their field the same
// way.
func (s *Service) SaisirCandidat(ctx context.Context, a Acteur, sessionID, inscriptionID string, in SaisieCandidat) error {
	if err := in.Presence.check(); err != nil {
		return err
	}
	ccps := make([]string, 0, len(in.Evaluations))
	for c := range in.Evaluations {
		ccps = append(ccps, c)
	}
	slices.Sort(ccps)
	for _, c := range ccps {
		if err := s.checkEvaluation(in.Evaluations[c].EvaluationSaisie); err != nil {
			return champDe("evaluations."+c, err)
		}
	}
	return s.inTx(ctx, func(tx *gorm.DB) error {
		cj, err := s.juryContext(tx, a, sessionID, inscriptionID)
		if err != nil {
			return err
		}
		ins := cj.ins
		if in.Presence.Presence != "present" && len(in.Evaluations) > 0 {
			return Invalid("decisions_sans_presence", "Un candidat non présent n'a pas de décision sur ses CCP.",
				FieldError{"presence", "candidat_non_present", "Les décisions sur les CCP ne se saisissent que pour un candidat présent."})
		}
		// A candidat noted absent by another member since the page was read
		// has no decision yet: the presence goes first, then the decisions.
		changed := false
		if deref(ins.Presence) != in.Presence.Presence || deref(ins.EntretienFinal) != in.Presence.EntretienFinal {
			v := ins.Version
			if err := s.saisirPresence(tx, a, cj, in.Version, in.Presence); err != nil {
				return champDe("presence", err)
			}
			changed = ins.Version != v
		}
		v := cj.verif(tx)
		for _, c := range ccps {
			e := in.Evaluations[c]
			if cur := ins.Evaluation(c); cur != nil && cur.Version == e.Version && e.egale(*cur) {
				continue
			}
			avant := ins.Evaluation(c)
			out, err := s.saisirEvaluation(tx, a, cj, c, e.Version, e.EvaluationSaisie, v)
			if err != nil {
				return champDe("evaluations."+c, err)
			}
			changed = changed || avant == nil || out.Version != avant.Version
		}
		if !changed {
			return nil
		}
		// What the members signed is no longer what is recorded.
		return cj.retirerSignatures(tx)
	})
}

// champDe puts a refusal without a field of its own on field, so that a
// form shows it next to the part of the entry it concerns.
func champDe(field string, err error) error {
	var de *Error
	if !errors.As(err, &de) || errors.Is(err, ErrNotFound) || errors.Is(err, ErrForbidden) {
		return err
	}
	out := *de
	out.Fields = nil
	for _, fe := range de.Fields {
		fe.Field = field + "." + fe.Field
		out.Fields = append(out.Fields, fe)
	}
	if len(out.Fields) == 0 {
		out.Fields = []FieldError{{Field: field, Code: de.Code, Message: de.Message}}
	}
	return &out
}

// FicheJury is a candidat's file as the jury needs it to evaluate and to
// hold the entretien final "au vu du livret": its route, the CCP it already
// holds with their origin, its ECF. Nothing else of the candidat (no
// address, no e-mail, no date of birth).
type FicheJury struct {
	Inscription Inscription
	Parcours    Parcours
	// Origine is, for a capitalisation, the route the candidat came from.
	Origine Parcours
	// Formation is the training period of a training route.
	Formation *Periode
	ECF       []ECF
	// Acquis are the CCP the candidat held before this session.
	Acquis []rules.CCPCompte
	// References maps the sessions that awarded them to their reference.
	References map[string]string
	// ECFAdmis says whether the route admits ECF at all: never for VAE.
	ECFAdmis bool
}

// FicheCandidatJury returns the file of an enrolled candidat for a member
// who sits on the session, whatever its status. Returns ErrNotFound for a
// session the member does not sit on, and the independence rule's refusal
// (lien_avec_candidat) when the member declared a link with the candidat.
func (s *Service) FicheCandidatJury(ctx context.Context, a Acteur, sessionID, inscriptionID string) (*FicheJury, error) {
	if !a.Is(RoleJury) {
		return nil, forbidden()
	}
	db := s.read(ctx)
	sess, err := findSession(db, a, sessionID)
	if err != nil {
		return nil, err
	}
	in, err := findInscription(db, sessionID, inscriptionID)
	if err != nil {
		return nil, err
	}
	m, err := membreOf(db, a)
	if err != nil {
		return nil, err
	}
	ns, err := lienEntre(db, m.ID, in.CandidatID)
	if err != nil {
		return nil, err
	}
	if len(ns) > 0 {
		return nil, lienRefus(ns)
	}
	cand, err := findCandidat(db, Acteur{Role: RoleAdmin}, in.CandidatID)
	if err != nil {
		return nil, err
	}
	titre, err := findTitreByCode(db, sess.TitreCode)
	if err != nil {
		return nil, err
	}
	rc := candidatRegles(cand, titre)
	f := &FicheJury{Inscription: *in, Parcours: cand.Parcours, Formation: cand.Formation, ECF: cand.ECF, References: map[string]string{},
		ECFAdmis: rules.VerifierEvaluation(rc, rules.Evaluation{CCP: firstOr(in.CCP), ECFPrisEnCompte: true}) == nil}
	if rc.Origine != "" {
		f.Origine = Parcours(rc.Origine)
	}
	// What the candidat holds before this session is what the rules would
	// count if it were absent here.
	if f.Acquis, err = s.detenusAvant(db, cand, titre, sess, in.CCP); err != nil {
		return nil, err
	}
	var ids []string
	for _, c := range f.Acquis {
		ids = append(ids, c.SessionID)
	}
	if f.References, err = sessionReferencesByID(db, ids); err != nil {
		return nil, err
	}
	return f, nil
}

func firstOr(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return xs[0]
}

// SessionsDuJour orders a jury member's sessions for its desk: those held
// today first, then those to come, the nearest first, then the past ones,
// the latest first.
func SessionsDuJour(ss []Session, today Date) []Session {
	out := slices.Clone(ss)
	rank := func(s Session) int {
		switch {
		case !today.Before(s.Debut) && !s.Fin.Before(today):
			return 0
		case today.Before(s.Debut):
			return 1
		}
		return 2
	}
	slices.SortStableFunc(out, func(a, b Session) int {
		ra, rb := rank(a), rank(b)
		if ra != rb {
			return ra - rb
		}
		if ra == 2 {
			return b.Debut.Time().Compare(a.Debut.Time())
		}
		return a.Debut.Time().Compare(b.Debut.Time())
	})
	return out
}

// Today is the current date as the service reckons its deadlines.
func (s *Service) Today() Date { return s.today() }

// BureauJury is a session as a member of its jury works on it.
type BureauJury struct {
	Session      *Session
	Inscriptions []Inscription
	// Lies are the candidats (by id) the member declared a link with: he
	// neither evaluates them nor deliberates on them.
	Lies      map[string]bool
	Incidents []Incident
	// Signe tells whether the member signed the PV as it stands.
	Signe bool
	// MembreID is the acting member, to tell his signatures from others'.
	MembreID string
}

// BureauDuJury returns a session the acting member sits on, with its
// enrolments, the member's links and the incidents recorded. Returns
// ErrNotFound for a session he does not sit on, as for one that does not
// exist.
func (s *Service) BureauDuJury(ctx context.Context, a Acteur, sessionID string) (*BureauJury, error) {
	if !a.Is(RoleJury) {
		return nil, forbidden()
	}
	db := s.read(ctx)
	sess, err := findSession(db, a, sessionID)
	if err != nil {
		return nil, err
	}
	m, err := membreOf(db, a)
	if err != nil {
		return nil, err
	}
	b := &BureauJury{Session: sess, Lies: map[string]bool{}, MembreID: m.ID}
	if b.Inscriptions, err = inscriptionsOf(db, sessionID, ""); err != nil {
		return nil, err
	}
	liens, err := liensDuJury(db, sessionID)
	if err != nil {
		return nil, err
	}
	for c, ms := range liens {
		b.Lies[c] = contains(ms, m.ID)
	}
	if b.Incidents, err = incidentsOf(db, sessionID); err != nil {
		return nil, err
	}
	for _, j := range sess.Jury {
		if j.MembreID == m.ID && j.SigneAt != nil {
			b.Signe = true
		}
	}
	return b, nil
}
