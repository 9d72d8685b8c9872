package certification

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/rules"
)

// EvaluationSaisie is what a jury member records for one CCP.
type EvaluationSaisie struct {
	Decision                   string
	Motifs                     string
	MSP                        bool
	EntretienTechnique         bool
	QuestionnaireProfessionnel bool
	QuestionnementProductions  bool
	DossierProfessionnel       bool
	EcfPrisEnCompte            bool
}

func (e EvaluationSaisie) check() error {
	var fe []FieldError
	if e.Decision != "acquis" && e.Decision != "non_acquis" {
		fe = append(fe, FieldError{"decision", "inconnu", "Valeurs admises : acquis, non_acquis."})
	}
	if e.Decision == "non_acquis" && strings.TrimSpace(e.Motifs) == "" {
		fe = append(fe, FieldError{"motifs", "requis", "Une décision « non acquis » doit être motivée."})
	}
	if len(fe) > 0 {
		return Invalid("evaluation_invalide", "L'évaluation est incomplète.", fe...)
	}
	return nil
}

// contexteJury is what a jury member's recording on one enrolment reads
// before it writes (juryContext).
type contexteJury struct {
	sess *Session
	ins  *Inscription
	// blocs maps the codes of the session's version's blocs to their ids.
	blocs map[string]string
	// candidat is the candidat's route as the rules check a decision.
	candidat rules.Candidat
	// signee tells whether the PV may bear signatures that a change of
	// results must withdraw.
	signee bool
}

// juryContext loads what a jury member needs to record a result: the
// session (which must be tenue), the enrolment, and the member, who must sit
// on that jury and have no declared link with the candidat. On a session
// titre it reads them in one statement, after the session's shared lock
// (lockSession).
func (s *Service) juryContext(tx *gorm.DB, a Acteur, sessionID, inscriptionID string) (*contexteJury, error) {
	if !a.Is(RoleJury) {
		return nil, forbidden()
	}
	if !validID(sessionID) {
		return nil, notFound("Session")
	}
	g, err := lireGardeSaisie(tx, a.UtilisateurID, sessionID, inscriptionID)
	if err != nil {
		return nil, err
	}
	return s.contexteDeGarde(tx, g)
}

// contexteDeGarde applies to the guard g of a recording the rules that
// juryContext states. It only uses tx to bring the entretien final up to
// date at a session CCP (refreshEntretienFinal).
func (s *Service) contexteDeGarde(tx *gorm.DB, g *gardeSaisie) (*contexteJury, error) {
	if g == nil {
		return nil, notFound("Session")
	}
	switch g.sess.Statut {
	case Tenue:
	case Deliberee, Validee:
		return nil, Errorf(ErrConflict, "resultats_verrouilles",
			"Les résultats de la session sont verrouillés depuis la délibération : seule l'autorité peut les corriger, avec un motif.")
	default:
		return nil, Errorf(ErrConflict, "session_non_tenue", "La session est %s : les résultats se saisissent pendant la session tenue.", libelleStatut[g.sess.Statut])
	}
	if g.ins == nil {
		return nil, notFound("Inscription")
	}
	ins := []Inscription{*g.ins}
	if err := s.refreshEntretienFinal(tx, &g.sess, ins); err != nil {
		return nil, err
	}
	if len(g.liens) > 0 {
		return nil, lienRefus(g.liens)
	}
	// The signatures were read under the session's shared lock: no member
	// signs, under the exclusive one, before this transaction ends.
	return &contexteJury{sess: &g.sess, ins: &ins[0], blocs: g.blocs, candidat: g.candidat, signee: g.signee}, nil
}

// verif returns the check of the decisions of the context's candidat,
// from its route as juryContext read it.
func (cj *contexteJury) verif(tx *gorm.DB) *verifEvaluation {
	return &verifEvaluation{tx: tx, titreCode: cj.sess.TitreCode, candidatID: cj.ins.CandidatID, rc: &cj.candidat}
}

// retirerSignatures withdraws the PV's signatures, when it may bear any,
// after a change of results.
func (cj *contexteJury) retirerSignatures(tx *gorm.DB) error {
	if !cj.signee {
		return nil
	}
	cj.signee = false
	return resetSignatures(tx, cj.sess.ID)
}

// refreshEntretienFinal brings the enrolments' EntretienFinalDu up to date
// at a session CCP. Enrolment derived it from the sessions deliberated then;
// one deliberated since, or a correction, may have brought the other missing
// CCP and made this session the one of the last missing CCP, where the
// entretien final takes place (docs/domaine.md §3). The rules decide it as they will
// for the outcome, from a probe of this session; when they cannot (an
// incoherent history), the stored value stays and the deliberation reports
// the incoherence. The version is not bumped: this is derived data, and a
// member's If-Match must not fail because of it.
func (s *Service) refreshEntretienFinal(tx *gorm.DB, sess *Session, ins []Inscription) error {
	if sess.Type != "ccp" || len(ins) == 0 {
		return nil
	}
	titre, err := findTitreByCode(tx, sess.TitreCode)
	if err != nil {
		return err
	}
	ref := regles(titre)
	for i := range ins {
		in := &ins[i]
		cand, err := findCandidat(tx, Acteur{Role: RoleAdmin}, in.CandidatID)
		if err != nil {
			return err
		}
		h, _, err := historique(tx, cand, titre, decidedStatuts, "")
		if err != nil {
			return err
		}
		var ps []rules.Passage
		for _, p := range h.Passages {
			if p.SessionID != sess.ID {
				ps = append(ps, p)
			}
		}
		h.Passages = append(ps, rules.Passage{SessionID: sess.ID, VersionID: sess.VersionID, Type: rules.TypeSession(sess.Type),
			Date: sess.Fin.Time(), CCPInscrits: in.CCP, Presence: rules.Absent})
		r, err := rules.Decider(ref, s.opt.Parametres, h, sess.ID)
		if err != nil || r.EntretienFinalDu == in.EntretienFinalDu {
			continue
		}
		if err := setEntretienFinalDu(tx, in.ID, r.EntretienFinalDu); err != nil {
			return err
		}
		in.EntretienFinalDu = r.EntretienFinalDu
	}
	return nil
}

// SaisirEvaluation records the decision on one CCP. version is the version
// of the evaluation the member last read, 0 to record the first one.
// Returns ErrStale when someone else recorded or changed it in between:
// nothing is silently overwritten. A member sending again the decision he
// recorded last (a retry, a second click, a client that kept the version it
// read before its own save) gets it back unchanged: nobody else changed it.
func (s *Service) SaisirEvaluation(ctx context.Context, a Acteur, sessionID, inscriptionID, ccp string, version int, in EvaluationSaisie) (*Evaluation, error) {
	if err := s.checkEvaluation(in); err != nil {
		return nil, err
	}
	if s.db.Dialector.Name() == "postgres" {
		if out, fait, err := s.saisirEvaluationPgx(ctx, a, sessionID, inscriptionID, ccp, version, in); fait {
			return out, err
		}
	}
	var out *Evaluation
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		cj, err := s.juryContext(tx, a, sessionID, inscriptionID)
		if err != nil {
			return err
		}
		avant := cj.ins.Evaluation(ccp)
		out, err = s.saisirEvaluation(tx, a, cj, ccp, version, in, cj.verif(tx))
		if err != nil || (avant != nil && out.Version == avant.Version) {
			return err
		}
		return cj.retirerSignatures(tx)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// saisirEvaluationPgx is SaisirEvaluation on PostgreSQL in two round trips
// on one pgx connection, where the GORM path takes five (BEGIN, lock,
// guard, write, COMMIT), each waited for while the session's lock is
// held: BEGIN, the session's shared lock and the guard read go in one
// batch; the statement that records the decision (the same as the GORM
// path's, with the same event) and COMMIT in a second. The rules are
// those of juryContext and saisirEvaluation, shared with the GORM path.
// fait is false, having changed nothing, when the recording needs what
// only the GORM path does: bringing the entretien final up to date at a
// session CCP (refreshEntretienFinal), or recounting the statistics of a
// deliberated enrolment; the caller then takes it.
func (s *Service) saisirEvaluationPgx(ctx context.Context, a Acteur, sessionID, inscriptionID, ccp string, version int, in EvaluationSaisie) (out *Evaluation, fait bool, err error) {
	if !a.Is(RoleJury) {
		return nil, true, forbidden()
	}
	if !validID(sessionID) {
		return nil, true, notFound("Session")
	}
	err = avecPgx(ctx, s.db.DB, func(c *pgx.Conn) error {
		var err error
		out, fait, err = s.saisirSurConnexion(ctx, c, a, sessionID, inscriptionID, ccp, version, in)
		if c.PgConn().TxStatus() != 'I' {
			// A refusal, a fallback or a failure left the transaction
			// open: the connection goes back to the pool without it.
			if _, rerr := c.Exec(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
				c.Close(context.WithoutCancel(ctx))
			}
		}
		return err
	})
	return out, fait || err != nil, err
}

// saisirSurConnexion is saisirEvaluationPgx's work on its connection; it
// may leave a transaction open on a refusal, a fallback or a failure.
func (s *Service) saisirSurConnexion(ctx context.Context, c *pgx.Conn, a Acteur, sessionID, inscriptionID, ccp string, version int, in EvaluationSaisie) (*Evaluation, bool, error) {
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue(lockSessionPartageePgx, sessionID)
	b.Queue(gardeSaisiePgx, a.UtilisateurID, inscriptionID, sessionID)
	debut := time.Now()
	br := c.SendBatch(ctx, b)
	_, err := br.Exec()
	if err == nil {
		_, err = br.Exec()
	}
	var g *gardeSaisie
	if err == nil {
		var rows pgx.Rows
		if rows, err = br.Query(); err == nil {
			g, err = scanGardeSaisie(rows, sessionID, inscriptionID)
			rows.Close()
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	s.tracer(ctx, debut, err, lockSessionPartageePgx, gardeSaisiePgx)
	if err != nil {
		return nil, true, wrap(err, "session %s inscription %s: guard of a recording", sessionID, inscriptionID)
	}
	if g != nil && (g.sess.Type == "ccp" || g.ins != nil && g.ins.Issue != nil) {
		return nil, false, nil
	}
	// Not at a session CCP, the context needs no transaction of GORM's.
	cj, err := s.contexteDeGarde(nil, g)
	if err != nil {
		return nil, true, err
	}
	out, ev, err := s.preparerEvaluation(a, cj, ccp, version, in, cj.verif(nil))
	if err != nil || ev == nil {
		return out, true, err
	}
	q, args := ecrireEvaluationPG(*out, version)
	b = &pgx.Batch{}
	b.Queue(ecrireEvaluationPgx[q], avecEvenement(args, *ev)...)
	b.Queue("COMMIT")
	debut = time.Now()
	br = c.SendBatch(ctx, b)
	var n int64
	err = br.QueryRow().Scan(&n)
	if err == nil {
		_, err = br.Exec()
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	s.tracer(ctx, debut, err, ecrireEvaluationPgx[q])
	if err != nil {
		return nil, true, wrap(err, "evaluation %s of inscription %s version %d: record", out.ID, out.InscriptionID, version)
	}
	if n == 0 {
		return nil, true, staleF("L'évaluation de ce CCP")
	}
	return out, true, nil
}

// tracer tells the database's GORM logger of statements sent through pgx
// directly, as GORM tells it of its own: slow statements and failures are
// logged alike, and statement counters see them.
func (s *Service) tracer(ctx context.Context, debut time.Time, err error, requetes ...string) {
	for _, q := range requetes {
		s.db.DB.Logger.Trace(ctx, debut, func() (string, int64) { return q, -1 }, err)
	}
}

// saisirEvaluation records one decision in the transaction of its caller,
// which checked the input and loaded the jury's context. The statement
// that records it may withdraw the signatures (cj.signee tells what is
// left to withdraw).
func (s *Service) saisirEvaluation(tx *gorm.DB, a Acteur, cj *contexteJury, ccp string, version int, in EvaluationSaisie, v *verifEvaluation) (*Evaluation, error) {
	out, ev, err := s.preparerEvaluation(a, cj, ccp, version, in, v)
	if err != nil || ev == nil {
		return out, err
	}
	// The statistics summary counts the decisions of deliberated
	// enrolments only (statistiques_sommaire.go): those of a session
	// held, without an outcome yet, need no recount.
	ok, retirees, err := ecrireEvaluation(tx, *out, version, *ev, cj.ins.Issue != nil)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, staleF("L'évaluation de ce CCP")
	}
	if retirees {
		cj.signee = false
	}
	return out, nil
}

// preparerEvaluation checks one decision against the rules and the jury's
// context, and returns it as it is to be recorded with its event; no
// event when the decision stored is already it (nothing to write).
func (s *Service) preparerEvaluation(a Acteur, cj *contexteJury, ccp string, version int, in EvaluationSaisie, v *verifEvaluation) (*Evaluation, *Evenement, error) {
	sessionID, ins := cj.sess.ID, cj.ins
	if !contains(ins.CCP, ccp) {
		// The jury decides on the CCP enrolled (DOMAIN §4.1), as the rule
		// engine's decision_ccp_non_inscrit says of a recorded history.
		return nil, nil, Errorf(ErrInvalid, "ccp_non_inscrit", "Le candidat n'est pas inscrit au %s lors de cette session.", ccp)
	}
	if err := v.check(ccp, in); err != nil {
		return nil, nil, err
	}
	if ins.Presence != nil && *ins.Presence != "present" {
		return nil, nil, Errorf(ErrConflict, "candidat_non_present", "Le candidat est noté %s : aucune décision ne peut être prise sur ses CCP.", *ins.Presence)
	}
	avant := ins.Evaluation(ccp)
	// The version only tells whether the member saw the stored decision.
	// When the stored decision is his own and is what he sends, he saw it:
	// nobody changed it since, and there is nothing to write.
	if avant != nil && avant.SaisiPar == a.UtilisateurID && in.egale(*avant) {
		out := *avant
		return &out, nil, nil
	}
	var out Evaluation
	now := s.now()
	if version == 0 {
		if avant != nil {
			return nil, nil, staleF("L'évaluation de ce CCP")
		}
		out = Evaluation{ID: newID(), InscriptionID: ins.ID, BlocID: cj.blocs[ccp], SaisiPar: a.UtilisateurID, Version: 1, CreatedAt: now, UpdatedAt: now}
		in.apply(&out)
	} else {
		// Versions only grow: a decision read past version is no longer
		// at it. One read at version may have moved since; the write
		// tells.
		if avant == nil || avant.Version > version {
			return nil, nil, staleF("L'évaluation de ce CCP")
		}
		out = *avant
		in.apply(&out)
		out.Version, out.UpdatedAt, out.SaisiPar = version+1, now, a.UtilisateurID
	}
	out.CCP = ccp
	var before any
	if avant != nil {
		before = snapshotEvaluation(*avant)
	}
	ev, err := s.evenement(a, audit{action: "evaluation", objet: "evaluation", objetID: out.ID, sessionID: sessionID,
		candidatID: ins.CandidatID, avant: before, apres: snapshotEvaluation(out)})
	if err != nil {
		return nil, nil, err
	}
	return &out, &ev, nil
}

// egale reports whether the decision e is what in records.
func (in EvaluationSaisie) egale(e Evaluation) bool {
	var x Evaluation
	in.apply(&x)
	return x.Decision == e.Decision && x.Motifs == e.Motifs && x.MSP == e.MSP && x.EntretienTechnique == e.EntretienTechnique &&
		x.QuestionnaireProfessionnel == e.QuestionnaireProfessionnel && x.QuestionnementProductions == e.QuestionnementProductions &&
		x.DossierProfessionnel == e.DossierProfessionnel && x.EcfPrisEnCompte == e.EcfPrisEnCompte
}

func (in EvaluationSaisie) apply(e *Evaluation) {
	e.Decision, e.Motifs, e.MSP, e.EntretienTechnique = in.Decision, in.Motifs, in.MSP, in.EntretienTechnique
	e.QuestionnaireProfessionnel, e.QuestionnementProductions = in.QuestionnaireProfessionnel, in.QuestionnementProductions
	e.DossierProfessionnel, e.EcfPrisEnCompte = in.DossierProfessionnel, in.EcfPrisEnCompte
}

// PresenceSaisie is the presence of a candidat and its entretien final.
type PresenceSaisie struct {
	Presence       string
	EntretienFinal string // "", "favorable" or "defavorable"
}

// SaisirPresence records a candidat's presence and entretien final.
// version is the enrolment's version the member last read; a stale version
// is refused unless what is stored is already what the member sends.
func (s *Service) SaisirPresence(ctx context.Context, a Acteur, sessionID, inscriptionID string, version int, in PresenceSaisie) (*Inscription, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	return writeThenRead(s, ctx, func(tx *gorm.DB) error {
		cj, err := s.juryContext(tx, a, sessionID, inscriptionID)
		if err != nil {
			return err
		}
		v := cj.ins.Version
		if err := s.saisirPresence(tx, a, cj, version, in); err != nil || cj.ins.Version == v {
			return err
		}
		return cj.retirerSignatures(tx)
	}, func(tx *gorm.DB) (*Inscription, error) { return findInscription(tx, sessionID, inscriptionID) })
}

func (in PresenceSaisie) check() error {
	if !contains([]string{"present", "absent", "excuse", "exclu_fraude"}, in.Presence) {
		return Invalid("presence_invalide", "Présence inconnue.", FieldError{"presence", "inconnu", "Valeurs admises : present, absent, excuse, exclu_fraude."})
	}
	if in.EntretienFinal != "" && in.EntretienFinal != "favorable" && in.EntretienFinal != "defavorable" {
		return Invalid("entretien_final_invalide", "Avis inconnu.", FieldError{"entretien_final", "inconnu", "Valeurs admises : favorable, defavorable."})
	}
	return nil
}

// saisirPresence records a presence in the transaction of its caller, and
// brings cj.ins up to date; the caller withdraws the signatures left to
// withdraw (cj.signee) when the version moved.
func (s *Service) saisirPresence(tx *gorm.DB, a Acteur, cj *contexteJury, version int, in PresenceSaisie) error {
	sessionID, ins := cj.sess.ID, cj.ins
	inscriptionID := ins.ID
	if in.EntretienFinal != "" && !ins.EntretienFinalDu {
		return Invalid("entretien_final_non_du", "L'entretien final n'a pas lieu pour ce candidat à cette session.",
			FieldError{"entretien_final", "non_du", "L'entretien final se tient à la session titre ou à la session du dernier CCP manquant."})
	}
	if in.EntretienFinal != "" && in.Presence != "present" {
		return Invalid("entretien_final_absent", "Un candidat non présent n'a pas d'entretien final.",
			FieldError{"entretien_final", "candidat_non_present", "Seul un candidat présent passe l'entretien final."})
	}
	if in.Presence != "present" && len(ins.Evaluations) > 0 {
		return Errorf(ErrConflict, "decisions_existantes", "Des décisions sont déjà saisies pour ce candidat : un candidat %s n'en a aucune.", in.Presence)
	}
	if deref(ins.Presence) == in.Presence && deref(ins.EntretienFinal) == in.EntretienFinal {
		// Already recorded so, whoever recorded it: nothing would change.
		return nil
	}
	apres := presenceSnapshot{Presence: &in.Presence, Version: version + 1}
	if in.EntretienFinal != "" {
		apres.EntretienFinal = &in.EntretienFinal
	}
	ev, err := s.evenement(a, audit{action: "presence", objet: "inscription", objetID: inscriptionID, sessionID: sessionID, candidatID: ins.CandidatID,
		avant: presenceSnapshot{Presence: ins.Presence, EntretienFinal: ins.EntretienFinal, Version: ins.Version}, apres: apres})
	if err != nil {
		return err
	}
	ok, retirees, err := ecrirePresence(tx, inscriptionID, version, apres.Presence, apres.EntretienFinal, s.now(), ev)
	if err != nil {
		return err
	}
	if !ok {
		return staleF("L'inscription")
	}
	if retirees {
		cj.signee = false
	}
	ins.Presence, ins.EntretienFinal, ins.Version = apres.Presence, apres.EntretienFinal, version+1
	return nil
}

// deliberer runs the rule engine over every enrolment of a session and
// returns the outcomes by enrolment id, or the first incoherence.
func (s *Service) deliberer(tx *gorm.DB, sess *Session) (map[string]rules.Resultat, []Inscription, error) {
	ins, err := inscriptionsOf(tx, sess.ID, "")
	if err != nil {
		return nil, nil, err
	}
	if err := s.refreshEntretienFinal(tx, sess, ins); err != nil {
		return nil, nil, err
	}
	var manque []string
	for _, in := range ins {
		if m := in.Manques(); len(m) > 0 {
			manque = append(manque, in.Prenoms+" "+in.NomNaissance+" : "+strings.Join(m, ", "))
		}
	}
	if len(manque) > 0 {
		return nil, nil, Errorf(ErrConflict, "resultats_incomplets", "Les résultats sont incomplets : %s.", strings.Join(manque, " ; "))
	}
	if err := s.verifierIndependance(tx, sess, ins); err != nil {
		return nil, nil, err
	}
	titre, err := findTitreByCode(tx, sess.TitreCode)
	if err != nil {
		return nil, nil, err
	}
	ref := regles(titre)
	out := map[string]rules.Resultat{}
	for _, in := range ins {
		cand, err := findCandidat(tx, Acteur{Role: RoleAdmin}, in.CandidatID)
		if err != nil {
			return nil, nil, err
		}
		h, _, err := historique(tx, cand, titre, decidedStatuts, sess.ID)
		if err != nil {
			return nil, nil, err
		}
		r, err := rules.Decider(ref, s.opt.Parametres, h, sess.ID)
		if err != nil {
			e := ruleError(err)
			if de, ok := e.(*Error); ok {
				de.Message = in.Prenoms + " " + in.NomNaissance + " : " + de.Message
			}
			return nil, nil, e
		}
		out[in.ID] = r
	}
	return out, ins, nil
}

// verifierIndependance refuses a deliberation in which a candidat would be
// judged by fewer members without a declared link than the minimum jury: a
// linked member abstains for that candidat (DOMAIN §5, §6 bis), he does not
// make up the number.
func (s *Service) verifierIndependance(tx *gorm.DB, sess *Session, ins []Inscription) error {
	liens, err := liensDuJury(tx, sess.ID)
	if err != nil {
		return err
	}
	min, p, err := s.param(rules.CleJuryTailleMin, sess.Debut)
	if err != nil {
		return err
	}
	var manque []string
	for _, in := range ins {
		if n := len(sess.Jury) - len(liens[in.CandidatID]); n < min {
			manque = append(manque, fmt.Sprintf("%s %s (%d)", in.Prenoms, in.NomNaissance, n))
		}
	}
	if len(manque) > 0 {
		return Errorf(ErrInvalid, "jury_independant_insuffisant",
			"Un membre lié à un candidat s'abstient de délibérer à son sujet ; il faut au moins %d membres sans lien déclaré par candidat (%s). Membres pouvant délibérer : %s.",
			min, p.Source, strings.Join(manque, " ; "))
	}
	return nil
}

// empreinte digests the results a signature covers.
func empreinte(ins []Inscription, res map[string]rules.Resultat) string {
	type ligne struct {
		ID, Presence, EF string
		Evals            []Evaluation
		Issue            rules.Issue
	}
	var ls []ligne
	for _, in := range ins {
		l := ligne{ID: in.ID, Issue: res[in.ID].Issue}
		if in.Presence != nil {
			l.Presence = *in.Presence
		}
		if in.EntretienFinal != nil {
			l.EF = *in.EntretienFinal
		}
		for _, e := range in.Evaluations {
			e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
			l.Evals = append(l.Evals, e)
		}
		ls = append(ls, l)
	}
	b, _ := json.Marshal(ls)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// SignerPV records the acting member's signature of the PV. The results
// must be complete and consistent with the rules; when every member has
// signed the same results, the session is délibérée and its results locked.
func (s *Service) SignerPV(ctx context.Context, a Acteur, sessionID string) (*Session, error) {
	if !a.Is(RoleJury) {
		return nil, forbidden()
	}
	return writeThenRead(s, ctx, func(tx *gorm.DB) error {
		if err := lockSession(tx, sessionID, lockExclusive); err != nil {
			return err
		}
		sess, err := findSession(tx, a, sessionID)
		if err != nil {
			return err
		}
		if sess.Statut != Tenue {
			return Errorf(ErrConflict, "transition_interdite", "La session est %s : le PV se signe quand la session est tenue.", libelleStatut[sess.Statut])
		}
		m, err := membreOf(tx, a)
		if err != nil {
			return err
		}
		res, ins, err := s.deliberer(tx, sess)
		if err != nil {
			return err
		}
		emp := empreinte(ins, res)
		now := s.now()
		if err := signPV(tx, sessionID, m.ID, now, emp); err != nil {
			return err
		}
		if err := s.journal(tx, a, audit{action: "pv_signe", objet: "session", objetID: sessionID, sessionID: sessionID,
			apres: signatureSnapshot{MembreID: m.ID, Empreinte: emp}}); err != nil {
			return err
		}
		pending, err := countUnsigned(tx, sessionID, emp)
		if err != nil {
			return err
		}
		if pending > 0 {
			return nil
		}
		for _, in := range ins {
			if err := s.storeOutcome(tx, a, sess, in, res[in.ID]); err != nil {
				return err
			}
		}
		return s.transition(tx, a, sess, sessionEtat{Statut: Deliberee, DelibereeAt: &now}, Tenue)
	}, func(tx *gorm.DB) (*Session, error) { return findSession(tx, a, sessionID) })
}

func (s *Service) storeOutcome(tx *gorm.DB, a Acteur, sess *Session, in Inscription, r rules.Resultat) error {
	expl, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("explication of %s: %w", in.ID, err)
	}
	var limite *Date
	if r.DateLimite != nil {
		d := DateOf(*r.DateLimite)
		limite = &d
	}
	if err := storeInscriptionOutcome(tx, in.ID, string(r.Issue), string(expl), limite, s.now()); err != nil {
		return err
	}
	return s.journal(tx, a, audit{action: "issue", objet: "inscription", objetID: in.ID, sessionID: sess.ID, candidatID: in.CandidatID,
		avant: issueSnapshot{Issue: in.Issue}, apres: snapshotIssue(r)})
}

// ValiderPV validates a deliberated session's PV: results become visible to
// the candidats and the notification date, from which the two-month appeal
// delay runs, is recorded. Autorité only.
func (s *Service) ValiderPV(ctx context.Context, a Acteur, sessionID string) (*Session, error) {
	if !a.Is(RoleAutorite) {
		return nil, forbidden()
	}
	return writeThenRead(s, ctx, func(tx *gorm.DB) error {
		sess, err := findSession(tx, a, sessionID)
		if err != nil {
			return err
		}
		now := s.now()
		if err := s.transition(tx, a, sess, sessionEtat{Statut: Validee, ValideeAt: &now, ValideePar: a.UtilisateurID}, Deliberee); err != nil {
			return err
		}
		// The validation date stands until the message is accepted: its
		// acceptance then becomes the notification date (MessageEnvoye).
		if err := notifySession(tx, sessionID, s.today()); err != nil {
			return err
		}
		return s.enqueueResultats(tx, sessionID)
	}, func(tx *gorm.DB) (*Session, error) { return findSession(tx, a, sessionID) })
}

// CorrigerEvaluation replaces a decision of a deliberated or validated
// session whatever the enrolment's version; see CorrigerEvaluationVersion.
func (s *Service) CorrigerEvaluation(ctx context.Context, a Acteur, sessionID, inscriptionID, ccp, motif string, in EvaluationSaisie) (*Inscription, error) {
	return s.CorrigerEvaluationVersion(ctx, a, sessionID, inscriptionID, ccp, 0, motif, in)
}

// CorrigerEvaluationVersion corrects a material error in a decision of a
// deliberated or validated session, if the decision is still at version
// (0: whatever its version): the current decision is revoked with the
// reason, kept, and a new one recorded; the outcome is derived again. In a
// validated session whose documents are issued, the same transaction issues
// a rectified PV and the candidat's document as the record now stands, the
// previous ones marked replaced. Returns ErrStale when the decision changed
// since version: of concurrent corrections read at one version, one wins.
// Autorité only.
func (s *Service) CorrigerEvaluationVersion(ctx context.Context, a Acteur, sessionID, inscriptionID, ccp string, version int, motif string, in EvaluationSaisie) (*Inscription, error) {
	if !a.Is(RoleAutorite) {
		return nil, forbidden()
	}
	if strings.TrimSpace(motif) == "" {
		return nil, Invalid("motif_requis", "Une correction exige un motif.", FieldError{"motif", "requis", "Indiquez le motif de la révocation."})
	}
	if err := s.checkEvaluation(in); err != nil {
		return nil, err
	}
	return writeThenRead(s, ctx, func(tx *gorm.DB) error {
		if err := lockSession(tx, sessionID, lockExclusive); err != nil {
			return err
		}
		sess, err := findSession(tx, a, sessionID)
		if err != nil {
			return err
		}
		_, err = s.corriger(tx, a, sess, inscriptionID, ccp, version, motif, natureErreurMaterielle, in)
		return err
	}, func(tx *gorm.DB) (*Inscription, error) { return findInscription(tx, sessionID, inscriptionID) })
}

// corriger replaces, in tx, the decision on ccp of an enrolment of sess, a
// deliberated or validated session the caller locked, if it is still at
// version (0: whatever its version), then derives the outcome again and
// follows with the documents. motif is the reason, printed on the rectified
// PV; it returns the decision replaced.
func (s *Service) corriger(tx *gorm.DB, a Acteur, sess *Session, inscriptionID, ccp string, version int, motif, nature string, in EvaluationSaisie) (*Evaluation, error) {
	avant, err := s.remplacerEvaluation(tx, a, sess, inscriptionID, ccp, version, motif, nature, in)
	if err != nil {
		return nil, err
	}
	return avant, s.rederiver(tx, a, sess, inscriptionID, motif, nature)
}

// remplacerEvaluation revokes, in tx, the decision on ccp with motif and the
// nature of the act (natureErreurMaterielle by the autorité,
// natureNouvelleDeliberation by the jury) and records in in its place,
// without deriving the outcome again. It returns the decision replaced.
func (s *Service) remplacerEvaluation(tx *gorm.DB, a Acteur, sess *Session, inscriptionID, ccp string, version int, motif, nature string, in EvaluationSaisie) (*Evaluation, error) {
	if sess.Statut != Deliberee && sess.Statut != Validee {
		return nil, Errorf(ErrConflict, "correction_prematuree", "La session est %s : tant qu'elle n'est pas délibérée, le jury saisit lui-même les résultats.", libelleStatut[sess.Statut])
	}
	ins, err := inscriptionsOf(tx, sess.ID, inscriptionID)
	if err != nil {
		return nil, err
	}
	if len(ins) == 0 {
		return nil, notFound("Inscription")
	}
	var avant *Evaluation
	for i := range ins[0].Evaluations {
		if ins[0].Evaluations[i].CCP == ccp {
			avant = &ins[0].Evaluations[i]
		}
	}
	if avant == nil {
		return nil, Errorf(ErrNotFound, "evaluation_introuvable", "Aucune décision n'est enregistrée pour %s.", ccp)
	}
	if version != 0 && avant.Version != version {
		return nil, staleF("La décision sur " + ccp)
	}
	if err := s.verifierEvaluation(tx, sess.TitreCode, ins[0].CandidatID, ccp, in); err != nil {
		return nil, err
	}
	now := s.now()
	ok, err := revokeEvaluation(tx, avant.ID, a.UtilisateurID, motif, now)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, staleF("L'évaluation de ce CCP")
	}
	// The new decision continues the versions of the one it replaces,
	// so that a version read before the correction is stale after it.
	nouvelle := Evaluation{ID: newID(), InscriptionID: inscriptionID, BlocID: avant.BlocID, SaisiPar: a.UtilisateurID,
		Version: avant.Version + 1, CreatedAt: now, UpdatedAt: now}
	in.apply(&nouvelle)
	if err := insertEvaluation(tx, nouvelle); err != nil {
		return nil, err
	}
	nouvelle.CCP = ccp
	return avant, s.journal(tx, a, audit{action: "revocation", objet: "evaluation", objetID: avant.ID, sessionID: sess.ID,
		candidatID: ins[0].CandidatID, avant: snapshotEvaluation(*avant),
		apres: revocationSnapshot{Nature: nature, Motif: motif, RemplaceePar: snapshotEvaluation(nouvelle)}})
}

// rederiver derives again, in tx, the outcome of an enrolment whose
// decisions changed after deliberation, and in a validated session re-issues
// the PV and the candidat's documents, saying why.
func (s *Service) rederiver(tx *gorm.DB, a Acteur, sess *Session, inscriptionID, motif, nature string) error {
	ins, err := inscriptionsOf(tx, sess.ID, inscriptionID)
	if err != nil {
		return err
	}
	if len(ins) == 0 {
		return notFound("Inscription")
	}
	titre, err := findTitreByCode(tx, sess.TitreCode)
	if err != nil {
		return err
	}
	cand, err := findCandidat(tx, Acteur{Role: RoleAdmin}, ins[0].CandidatID)
	if err != nil {
		return err
	}
	h, fresh, err := historique(tx, cand, titre, decidedStatuts, sess.ID)
	if err != nil {
		return err
	}
	r, err := rules.Decider(regles(titre), s.opt.Parametres, h, sess.ID)
	if err != nil {
		return ruleError(err)
	}
	for _, f := range fresh {
		if f.ID == inscriptionID {
			if err := s.storeOutcome(tx, a, sess, f, r); err != nil {
				return err
			}
			raison, categorie := "Correction d'une erreur matérielle : "+motif, RevocationErreurMaterielle
			if nature == natureNouvelleDeliberation {
				raison, categorie = "Nouvelle délibération du jury : "+motif, RevocationDecisionRectifiee
			}
			return s.rectifierDocuments(tx, a, sess, inscriptionID, raison, motif, categorie)
		}
	}
	return fmt.Errorf("inscription %s vanished", inscriptionID)
}

// verifierEvaluation refuses, as it is recorded, a decision the candidat's
// route forbids (ECF for a candidat who never sits them), rather than at
// the signature of the PV.
func (s *Service) verifierEvaluation(tx *gorm.DB, titreCode, candidatID, ccp string, in EvaluationSaisie) error {
	return (&verifEvaluation{tx: tx, titreCode: titreCode, candidatID: candidatID}).check(ccp, in)
}

// verifEvaluation checks the decisions of one candidat against its route,
// reading the candidat and the titre once for all of them.
type verifEvaluation struct {
	tx                    *gorm.DB
	titreCode, candidatID string
	rc                    *rules.Candidat
}

func (v *verifEvaluation) check(ccp string, in EvaluationSaisie) error {
	if !in.EcfPrisEnCompte {
		return nil
	}
	if v.rc == nil {
		cand, err := findCandidat(v.tx, Acteur{Role: RoleAdmin}, v.candidatID)
		if err != nil {
			return err
		}
		titre, err := findTitreByCode(v.tx, v.titreCode)
		if err != nil {
			return err
		}
		rc := candidatRegles(cand, titre)
		v.rc = &rc
	}
	return ruleError(rules.VerifierEvaluation(*v.rc, rules.Evaluation{CCP: ccp, ECFPrisEnCompte: true}))
}

// checkEvaluation adds to the decision's own checks that its reasons can be
// printed on the PV.
func (s *Service) checkEvaluation(in EvaluationSaisie) error {
	if err := in.check(); err != nil {
		return err
	}
	if strings.ContainsFunc(in.Motifs, controleTexte) {
		return Invalid("evaluation_invalide", "Les motifs contiennent des caractères de contrôle.",
			FieldError{"motifs", "caractere_controle", "Le texte contient des caractères de contrôle ou d'inversion du sens d'écriture."})
	}
	if fe := s.imprimable("motifs", in.Motifs); fe != nil {
		return Invalid("evaluation_invalide", "Les motifs contiennent des caractères impossibles à imprimer sur le PV.", *fe)
	}
	return nil
}
