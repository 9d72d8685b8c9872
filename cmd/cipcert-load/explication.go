package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/cipcert/cipcert/certification/rules"
	"github.com/cipcert/cipcert/fixtures"
)

// Placeholders of the explication templates, replaced in SQL for each
// generated inscription: its session id, the version id, the session's last
// day (ISO and French) and the jury's motifs for each CCP not acquired.
const (
	phSession = "§S§"
	phVersion = "§V§"
	phDateISO = "§D§"
	phDateFR  = "§F§"
)

// phMotif is the placeholder of the motifs of CCP number j (1-based).
func phMotif(j int) string { return fmt.Sprintf("§M%d§", j) }

// sentinel is the session date the templates are derived with: a leap day,
// inside the version's validity, whose spellings are then replaced by
// placeholders.
var sentinel = time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)

// Outcome kinds of a generated inscription, in the order of the templates
// of one parcours: titre, partiel missing CCP1, CCP2 or CCP3, échec.
const (
	kindTitre   = 0
	kindPartiel = 1
	kindEchec   = 2
)

// templateParcours are the parcours with sessions, in template order.
var templateParcours = []rules.Parcours{rules.ParcoursFormation, rules.ParcoursVAE, rules.ParcoursCapitalisation}

// explicationTemplates runs the real rule engine on one synthetic passage
// per parcours and outcome and returns the JSON of each Resultat with the
// session-specific parts replaced by placeholders: 3 parcours × (titre,
// partiel without CCP1, CCP2, CCP3, échec), 15 templates in that order.
// ccp are the version's CCP codes (3 of them).
func explicationTemplates(debut, fin time.Time, ccp []string) ([]string, error) {
	if len(ccp) != 3 {
		return nil, fmt.Errorf("the generator knows versions of 3 CCP, not %d", len(ccp))
	}
	ps, err := fixtures.Parametres()
	if err != nil {
		return nil, err
	}
	ref := rules.Referentiel{Versions: []rules.Version{{ID: phVersion, TitreCode: "TP-00403", Debut: debut, Fin: fin, CCP: ccp}}}
	finFormation := sentinel.AddDate(0, -1, 0)
	var out []string
	for _, parcours := range templateParcours {
		// As generated: training routes (formation, and capitalisation
		// through a training module) bring an ECF for every CCP, the VAE a
		// recevabilité.
		c := rules.Candidat{Parcours: parcours, ECF: map[string]bool{}}
		if parcours == rules.ParcoursVAE {
			c.Recevabilites = []rules.Recevabilite{{DateNotification: sentinel.AddDate(0, -6, 0), Reference: "VAE",
				TypeSession: rules.SessionTitre, MoisExperience: 40}}
		} else {
			c.FinFormation = &finFormation
			for _, code := range ccp {
				c.ECF[code] = true
			}
		}
		for variant := range 5 {
			kind, missing := kindTitre, 0
			switch {
			case variant >= 1 && variant <= 3:
				kind, missing = kindPartiel, variant
			case variant == 4:
				kind = kindEchec
			}
			p := rules.Passage{SessionID: phSession, VersionID: phVersion, Type: rules.SessionTitre, Date: sentinel,
				CCPInscrits: ccp, Presence: rules.Present, EntretienFinal: rules.AvisFavorable}
			if kind == kindEchec {
				p.EntretienFinal = rules.AvisDefavorable
			}
			for j, code := range ccp {
				e := evaluationPlan(parcours, j+1, kind, missing)
				e.CCP = code
				if e.Decision == rules.NonAcquis {
					e.Motifs = phMotif(j + 1)
				}
				p.Evaluations = append(p.Evaluations, e)
			}
			r, err := rules.Decider(ref, ps, rules.Historique{Candidat: c, Passages: []rules.Passage{p}}, phSession)
			if err != nil {
				return nil, fmt.Errorf("%s, variant %d: %w", parcours, variant, err)
			}
			if want := [...]string{"titre", "partiel", "echec"}[kind]; string(r.Issue) != want {
				return nil, fmt.Errorf("%s, variant %d: the rules decided %q, the generator expects %q", parcours, variant, r.Issue, want)
			}
			b, err := json.Marshal(r)
			if err != nil {
				return nil, err
			}
			s := strings.NewReplacer(
				sentinel.Format("2006-01-02"), phDateISO,
				sentinel.Format("02/01/2006"), phDateFR,
			).Replace(string(b))
			out = append(out, s)
		}
	}
	return out, nil
}

// evaluationPlan is the decision generated for CCP number j (1-based) of an
// inscription of the given kind; missing is the CCP a partial success lacks.
// The SQL of the generator writes the same booleans (see genEvaluations).
func evaluationPlan(parcours rules.Parcours, j, kind, missing int) rules.Evaluation {
	e := rules.Evaluation{Decision: rules.Acquis, MSP: true, EntretienTechnique: true, DossierProfessionnel: true,
		QuestionnaireProfessionnel: j == 3, ECFPrisEnCompte: parcours != rules.ParcoursVAE}
	if kind == kindEchec || kind == kindPartiel && j == missing {
		e.Decision = rules.NonAcquis
	}
	return e
}
