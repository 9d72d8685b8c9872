package certification

import (
	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification/rules"
)

// This file translates stored data into the rule engine's plain inputs.

// regles builds the rules' view of a titre: every version and correspondence.
func regles(t *Titre) rules.Referentiel {
	var ref rules.Referentiel
	idByCode := map[string]string{}
	for _, v := range t.Versions {
		idByCode[v.Code] = v.ID
	}
	for _, v := range t.Versions {
		rv := rules.Version{ID: v.ID, Code: v.Code, TitreCode: t.Code, Debut: v.Debut.Time(), Fin: v.Fin.Time(), Devenir: rules.FinValidite(v.Devenir)}
		for _, b := range v.Blocs {
			if b.Nature == "ccs" {
				rv.CCS = append(rv.CCS, b.Code)
			} else {
				rv.CCP = append(rv.CCP, b.Code)
			}
			for _, cible := range b.Correspondances {
				vc, bc, _ := cutLast(cible, "/")
				ref.Correspondances = append(ref.Correspondances, rules.Correspondance{
					AncienneVersionID: v.ID, AncienCCP: b.Code, NouvelleVersionID: idByCode[vc], NouveauCCP: bc})
			}
		}
		ref.Versions = append(ref.Versions, rv)
	}
	return ref
}

func cutLast(s, sep string) (string, string, bool) {
	for i := len(s) - len(sep); i >= 0; i-- {
		if s[i:i+len(sep)] == sep {
			return s[:i], s[i+len(sep):], true
		}
	}
	return s, "", false
}

// candidatRegles is what the rules know of a candidat's registration.
func candidatRegles(c *Candidat, t *Titre) rules.Candidat {
	rc := rules.Candidat{Parcours: rules.Parcours(c.Parcours), ECF: map[string]bool{}}
	if c.Parcours == ParcoursCapitalisation {
		rc.Origine = rules.ParcoursFormation
		if c.Recevabilite != nil {
			rc.Origine = rules.ParcoursVAE
		}
	}
	// Every notification received counts: the rules take the one in force
	// for the session's date and type.
	recs := c.Recevabilites
	if len(recs) == 0 && c.Recevabilite != nil {
		recs = []Recevabilite{*c.Recevabilite}
	}
	for _, r := range recs {
		rc.Recevabilites = append(rc.Recevabilites, rules.Recevabilite{DateNotification: r.DateNotification.Time(), Reference: r.Reference,
			TypeSession: rules.TypeSession(r.TypeSession), MoisExperience: r.MoisExperience})
	}
	if c.Formation != nil {
		fin := c.Formation.Fin.Time()
		rc.FinFormation = &fin
	}
	for _, e := range c.ECF {
		rc.ECF[e.CCP] = true
	}
	versionID := map[string]string{}
	for _, v := range t.Versions {
		versionID[v.Code] = v.ID
	}
	for _, a := range c.CCPAnterieurs {
		rc.CCPAnterieurs = append(rc.CCPAnterieurs, rules.CCPAnterieur{CCP: a.CCP, VersionID: versionID[a.VersionCode],
			SessionRef: a.SessionReference, Date: a.DateObtention.Time()})
	}
	if c.MoisExperience != nil {
		rc.MoisExperience = *c.MoisExperience
	}
	return rc
}

// passagesOf loads the candidat's enrolments as rule passages. With
// decidedOnly, only sessions whose results are deliberated count, plus the
// session except, whose results are being deliberated.
func passagesOf(tx *gorm.DB, candidatID string, statuts []StatutSession, except string) ([]rules.Passage, []Inscription, error) {
	ins, err := inscriptionsOfCandidat(tx, candidatID, statuts, except)
	if err != nil {
		return nil, nil, err
	}
	out := make([]rules.Passage, len(ins))
	for i, in := range ins {
		out[i] = passage(in)
	}
	return out, ins, nil
}

func passage(in Inscription) rules.Passage {
	p := rules.Passage{SessionID: in.SessionID, VersionID: in.SessionVersionID, Type: rules.TypeSession(in.SessionType),
		Date: in.SessionFin.Time(), CCPInscrits: in.CCP}
	if in.Presence != nil {
		p.Presence = rules.Presence(*in.Presence)
	}
	if in.EntretienFinal != nil {
		p.EntretienFinal = rules.Avis(*in.EntretienFinal)
	}
	for _, e := range in.Evaluations {
		p.Evaluations = append(p.Evaluations, rules.Evaluation{CCP: e.CCP, Decision: rules.Decision(e.Decision), Motifs: e.Motifs,
			MSP: e.MSP, EntretienTechnique: e.EntretienTechnique, QuestionnaireProfessionnel: e.QuestionnaireProfessionnel,
			QuestionnementProductions: e.QuestionnementProductions, DossierProfessionnel: e.DossierProfessionnel,
			ECFPrisEnCompte: e.EcfPrisEnCompte})
	}
	return p
}

// decidedStatuts are the sessions whose results are part of a candidat's history.
var decidedStatuts = []StatutSession{Deliberee, Validee}

// historique gathers what the rules need about a candidat.
func historique(tx *gorm.DB, c *Candidat, t *Titre, statuts []StatutSession, except string) (rules.Historique, []Inscription, error) {
	ps, ins, err := passagesOf(tx, c.ID, statuts, except)
	if err != nil {
		return rules.Historique{}, nil, err
	}
	return rules.Historique{Candidat: candidatRegles(c, t), Passages: ps}, ins, nil
}
