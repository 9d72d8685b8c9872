package certification

import (
	"encoding/json"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/rules"
)

// This file fills the procès-verbal de session: what the jury and the
// autorité recorded, candidat by candidat, in a few queries whatever the
// number of candidats.

// anterieursFunc returns the CCP a candidat held before the session of an
// enrolment.
type anterieursFunc func(*Candidat, Inscription) ([]rules.CCPCompte, error)

// pvData gathers the PV of the enrolments ins, without its header; liens
// maps each candidat to the members who declared a link with it, printed
// as abstaining; anterieurs gives the CCP each held before the session.
func pvData(db *gorm.DB, dc *docContext, ins []Inscription, liens map[string][]string, anterieurs anterieursFunc) (PVData, error) {
	sess := dc.sess
	p := PVData{SessionReference: sess.Reference, TypeSession: sess.Type, Centre: dc.centre.Nom, Lieu: sess.Lieu,
		Responsable: sess.Responsable, Debut: sess.Debut, Fin: sess.Fin, TitreIntitule: dc.titre.Intitule, TitreCode: dc.titre.Code,
		VersionCode: dc.version.Code, CCP: sess.CCP, ValidePar: dc.valider}
	if sess.ValideeAt != nil {
		p.ValideAt = *sess.ValideeAt
	}
	habs, err := habilitationsDuJury(db, sess, dc.titre.ID)
	if err != nil {
		return PVData{}, err
	}
	for _, m := range sess.Jury {
		j := PVJure{Nom: m.Prenoms + " " + m.Nom}
		for _, h := range habs[m.MembreID] {
			j.Habilitations = append(j.Habilitations, PVHabilitation{Reference: h.Reference, Debut: h.Debut, Fin: h.Fin})
		}
		if m.SigneAt != nil {
			j.SigneAt = *m.SigneAt
		}
		p.Jury = append(p.Jury, j)
	}
	ids := make([]string, len(ins))
	for i, in := range ins {
		ids[i] = in.CandidatID
	}
	cands, err := candidatsByID(db, ids)
	if err != nil {
		return PVData{}, err
	}
	held := make([][]rules.CCPCompte, len(ins))
	var sessions []string
	for i, in := range ins {
		c, ok := cands[in.CandidatID]
		if !ok {
			return PVData{}, fmt.Errorf("candidat %s of inscription %s: not found", in.CandidatID, in.ID)
		}
		if held[i], err = anterieurs(c, in); err != nil {
			return PVData{}, err
		}
		for _, h := range held[i] {
			sessions = append(sessions, h.SessionID)
		}
	}
	refs, err := sessionReferencesByID(db, sessions)
	if err != nil {
		return PVData{}, err
	}
	for i, in := range ins {
		p.Candidats = append(p.Candidats, dc.pvCandidat(in, cands[in.CandidatID], held[i], refs, liens))
	}
	for _, x := range dc.incidents {
		p.Incidents = append(p.Incidents, PVIncident{Candidat: x.Candidat, Categorie: LibelleIncident(x.Categorie), Description: x.Description})
	}
	enPV := map[string]bool{}
	for _, in := range ins {
		enPV[in.ID] = true
	}
	for _, am := range dc.amenagements {
		// A PV of some enrolments (a rectified one) states only theirs.
		if enPV[am.InscriptionID] {
			p.Amenagements = append(p.Amenagements, PVAmenagement{Candidat: am.Candidat, Amenagement: am.Texte(), Decision: am.Decision()})
		}
	}
	return p, nil
}

func (dc *docContext) pvCandidat(in Inscription, cand *Candidat, held []rules.CCPCompte, refs map[string]string, liens map[string][]string) PVCandidat {
	rc := candidatRegles(cand, dc.titre)
	c := PVCandidat{Nom: strings.TrimSpace(in.Prenoms + " " + in.NomNaissance), DateNaissance: cand.DateNaissance,
		Parcours: libelleParcoursPV(rc), Presence: libellePresence[deref(in.Presence)], EntretienFinal: "sans objet",
		Issue: libelleIssue[deref(in.Issue)]}
	if in.NomUsage != "" {
		c.Nom += " (" + in.NomUsage + ")"
	}
	if in.EntretienFinalDu {
		c.EntretienFinal = map[string]string{"favorable": "favorable", "defavorable": "défavorable", "": "non tenu"}[deref(in.EntretienFinal)]
	}
	for _, h := range held {
		c.Anterieurs = append(c.Anterieurs, PVAnterieur{CCP: h.CCP, Origine: dc.origineCCP(h, refs)})
	}
	for _, ev := range in.Evaluations {
		c.Decisions = append(c.Decisions, PVDecision{CCP: ev.CCP, Decision: libelleDecision[ev.Decision], Motifs: ev.Motifs,
			Elements: PVElements{MSP: ev.MSP, EntretienTechnique: ev.EntretienTechnique,
				QuestionnaireProfessionnel: ev.QuestionnaireProfessionnel, QuestionnementProductions: ev.QuestionnementProductions,
				DossierProfessionnel: ev.DossierProfessionnel}, ECF: ecfPV(rc, ev)})
	}
	for _, m := range dc.sess.Jury {
		if contains(liens[in.CandidatID], m.MembreID) {
			c.Abstentions = append(c.Abstentions, m.Prenoms+" "+m.Nom)
		}
	}
	return c
}

// anterieursDelibere returns the CCP the candidat held before the session
// as its deliberation recorded them: what an issued PV prints. An enrolment
// not deliberated holds none.
func anterieursDelibere(_ *Candidat, in Inscription) ([]rules.CCPCompte, error) {
	if in.Explication == "" {
		return nil, nil
	}
	var r rules.Resultat
	if err := json.Unmarshal([]byte(in.Explication), &r); err != nil {
		return nil, fmt.Errorf("explication of %s: %w", in.ID, err)
	}
	var out []rules.CCPCompte
	for _, x := range r.CCPAcquis {
		if x.Origine != rules.OrigineSession {
			out = append(out, x)
		}
	}
	return out, nil
}

// detenusAvant returns the CCP a candidat holds before session sess, where
// it sits the CCP ccp: what the rules count if it were absent from it. A
// history the rules cannot decide yet holds nothing.
func (s *Service) detenusAvant(db *gorm.DB, c *Candidat, t *Titre, sess *Session, ccp []string) ([]rules.CCPCompte, error) {
	h, _, err := historique(db, c, t, decidedStatuts, "")
	if err != nil {
		return nil, err
	}
	var ps []rules.Passage
	for _, p := range h.Passages {
		if p.SessionID != sess.ID {
			ps = append(ps, p)
		}
	}
	h.Passages = append(ps, rules.Passage{SessionID: sess.ID, VersionID: sess.VersionID, Type: rules.TypeSession(sess.Type),
		Date: sess.Fin.Time(), CCPInscrits: ccp, Presence: rules.Absent})
	r, err := rules.Decider(regles(t), s.opt.Parametres, h, sess.ID)
	if err != nil {
		return nil, nil
	}
	return r.CCPAcquis, nil
}

// origineCCP says where a CCP held before the session comes from, in the
// words of the PV.
func (dc *docContext) origineCCP(c rules.CCPCompte, refs map[string]string) string {
	ref := c.SessionID
	if r, ok := refs[c.SessionID]; ok {
		ref = r
	}
	date := DateOf(c.Date).Francais()
	var s string
	switch c.Origine {
	case rules.OrigineDeclaree:
		s = fmt.Sprintf("capitalisé, déclaré à l'inscription (référence %s, obtenu le %s)", ref, date)
	case rules.OrigineCorrespondance:
		version := c.VersionID
		if v, ok := titreVersion(dc.titre, c.VersionID); ok {
			version = v.Code
		}
		s = fmt.Sprintf("%s de la version %s, acquis le %s (session %s), par correspondance", c.CCPOrigine, version, date, ref)
	default:
		s = fmt.Sprintf("acquis à la session %s le %s", ref, date)
	}
	if !c.Compte {
		s += " ; ne compte plus pour le titre"
	}
	return s
}

// libelleParcoursPV names the candidat's route; a capitalisation says the
// route it continues.
func libelleParcoursPV(rc rules.Candidat) string {
	switch Parcours(rc.Parcours) {
	case ParcoursFormation:
		return "Formation continue"
	case ParcoursVAE:
		return "VAE"
	case ParcoursCapitalisation:
		if rc.Origine == rules.ParcoursVAE {
			return "Capitalisation (après une VAE)"
		}
		return "Capitalisation (après une formation)"
	case ParcoursCCS:
		return "CCS"
	}
	return string(rc.Parcours)
}

// ecfPV says how a decision took the ECF into account, or why the route
// has none.
func ecfPV(rc rules.Candidat, ev Evaluation) string {
	switch {
	case rules.SansECF(rc) != "":
		return "sans objet (" + rules.SansECF(rc) + ")"
	case ev.EcfPrisEnCompte:
		return "pris en compte"
	}
	return "non pris en compte"
}
