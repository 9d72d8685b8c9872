package rules_test

import (
	"errors"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification/rules"
)

// The référentiel of the tests: the CIP in its 2018 version, revised in
// 2023 with correspondences for two of its three CCP, and two fictitious
// titres for what the CIP does not have: a clôture, a prorogation and a
// CCS.
const (
	cip2018  = "TP-00403-v2018"
	cip2023  = "TP-00403-v2023"
	clos2019 = "TP-99001-v2019"
	pro2016  = "TP-99002-v2016"
	pro2021  = "TP-99002-v2021"
)

var ref = rules.Referentiel{
	Versions: []rules.Version{
		{ID: cip2018, TitreCode: "TP-00403", Debut: d("2018-03-23"), Fin: d("2023-03-22"), Devenir: rules.Revise,
			CCP: []string{"CIP18-CCP1", "CIP18-CCP2", "CIP18-CCP3"}},
		{ID: cip2023, TitreCode: "TP-00403", Debut: d("2023-03-23"), Fin: d("2028-03-22"),
			CCP: []string{"CCP1", "CCP2", "CCP3"}},
		{ID: clos2019, TitreCode: "TP-99001", Debut: d("2019-07-01"), Fin: d("2024-06-30"), Devenir: rules.Cloture,
			CCP: []string{"CLO-CCP1", "CLO-CCP2"}},
		{ID: pro2016, TitreCode: "TP-99002", Debut: d("2016-01-01"), Fin: d("2020-12-31"), Devenir: rules.Proroge,
			CCP: []string{"PRO-CCP1", "PRO-CCP2"}},
		{ID: pro2021, TitreCode: "TP-99002", Debut: d("2021-01-01"), Fin: d("2025-12-31"),
			CCP: []string{"PRO-CCP1", "PRO-CCP2"}, CCS: []string{"PRO-CCS1"}},
	},
	Correspondances: []rules.Correspondance{
		{AncienneVersionID: cip2018, AncienCCP: "CIP18-CCP1", NouvelleVersionID: cip2023, NouveauCCP: "CCP1"},
		{AncienneVersionID: cip2018, AncienCCP: "CIP18-CCP2", NouvelleVersionID: cip2023, NouveauCCP: "CCP2"},
	},
}

var isoDate = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)

func d(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func dp(s string) *time.Time {
	t := d(s)
	return &t
}

func parametres(tb testing.TB) *rules.Parametres {
	tb.Helper()
	data, err := os.ReadFile("../../fixtures/parametres.json")
	if err != nil {
		tb.Fatal(err)
	}
	p, err := rules.ParseParametres(data)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// tousLesECF lists every bloc of the test référentiel, so that a training
// candidat has its ECF whatever it sits.
func tousLesECF() map[string]bool {
	ecf := map[string]bool{}
	for _, v := range ref.Versions {
		for _, c := range slices.Concat(v.CCP, v.CCS) {
			ecf[c] = true
		}
	}
	return ecf
}

func enFormation(fin string) rules.Candidat {
	return rules.Candidat{Parcours: rules.ParcoursFormation, FinFormation: dp(fin), ECF: tousLesECF()}
}

func enCapitalisation(fin string) rules.Candidat {
	c := enFormation(fin)
	c.Parcours = rules.ParcoursCapitalisation
	return c
}

func enVAE(notification string, t rules.TypeSession) rules.Candidat {
	return rules.Candidat{Parcours: rules.ParcoursVAE, Recevabilites: []rules.Recevabilite{
		{DateNotification: d(notification), Reference: "DDETS-" + strings.ReplaceAll(notification, "-", ""), TypeSession: t, MoisExperience: 36},
	}}
}

// acquis is a decision of a training candidat's jury: MSP, dossier
// professionnel and ECF.
func acquis(ccp string) rules.Evaluation {
	return rules.Evaluation{CCP: ccp, Decision: rules.Acquis, MSP: true, EntretienTechnique: true, DossierProfessionnel: true, ECFPrisEnCompte: true}
}

func nonAcquis(ccp string) rules.Evaluation {
	e := acquis(ccp)
	e.Decision, e.Motifs = rules.NonAcquis, "La mise en situation ne démontre pas la conduite d'un entretien de diagnostic"
	return e
}

// vae strips the ECF from an evaluation, as for a VAE candidat.
func vae(e rules.Evaluation) rules.Evaluation {
	e.ECFPrisEnCompte = false
	return e
}

// passage is a session where the candidat was present and enrolled in the
// blocs evaluated.
func passage(id, version string, t rules.TypeSession, date string, ef rules.Avis, evals ...rules.Evaluation) rules.Passage {
	p := rules.Passage{SessionID: id, VersionID: version, Type: t, Date: d(date), Presence: rules.Present, Evaluations: evals, EntretienFinal: ef}
	for _, e := range evals {
		p.CCPInscrits = append(p.CCPInscrits, e.CCP)
	}
	return p
}

func nonPresent(id, version string, t rules.TypeSession, date string, pr rules.Presence, ccp ...string) rules.Passage {
	return rules.Passage{SessionID: id, VersionID: version, Type: t, Date: d(date), Presence: pr, CCPInscrits: ccp}
}

func compte(ccp string, o rules.Origine, session, version, ccpOrigine, date string) rules.CCPCompte {
	return rules.CCPCompte{CCP: ccp, Origine: o, SessionID: session, VersionID: version, CCPOrigine: ccpOrigine, Date: d(date), Compte: true}
}

// ici is a CCP acquired at the session decided, under cip2023.
func ici(ccp, session, date string) rules.CCPCompte {
	return compte(ccp, rules.OrigineSession, session, cip2023, ccp, date)
}

func codeIncoherence(err error) string {
	var e *rules.Incoherence
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func codeRefus(err error) string {
	var e *rules.Refus
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// verifierFrancais checks a message meant for a person: a sentence, with
// nothing left of a formatting mistake and dates in the French form.
func verifierFrancais(t *testing.T, quoi, s string) {
	t.Helper()
	switch {
	case strings.TrimSpace(s) == "":
		t.Errorf("%s vide", quoi)
	case strings.Contains(s, "%!") || strings.Contains(s, "<nil>"):
		t.Errorf("%s mal formaté : %q", quoi, s)
	case !strings.HasSuffix(s, "."):
		t.Errorf("%s ne finit pas par un point : %q", quoi, s)
	case isoDate.MatchString(s):
		t.Errorf("%s contient une date au format ISO au lieu de JJ/MM/AAAA : %q", quoi, s)
	}
}

// verifierExplication checks that every rule applied cites a text and says
// something a person can read.
func verifierExplication(t *testing.T, res rules.Resultat) {
	t.Helper()
	if len(res.Explication) == 0 {
		t.Error("aucune règle dans l'explication")
	}
	for _, r := range res.Explication {
		if r.Code == "" || strings.ToLower(r.Code) != r.Code || strings.Contains(r.Code, " ") {
			t.Errorf("code de règle %q : snake_case attendu", r.Code)
		}
		if !citeUnTexte(r.Source) {
			t.Errorf("règle %s : source %q ne cite aucun texte connu", r.Code, r.Source)
		}
		verifierFrancais(t, "détail de la règle "+r.Code, r.Detail)
	}
}

func citeUnTexte(source string) bool {
	for _, texte := range []string{"Arrêté du 22 décembre 2015", "Arrêté du 21 juillet 2016", "Code de l'éducation", "Référentiel de certification du titre", "Usage", "Loi n° 2022-1598"} {
		if strings.HasPrefix(source, texte) {
			return true
		}
	}
	return false
}

// codes returns the codes of the rules applied, in order.
func codes(rs []rules.RegleAppliquee) []string {
	var cs []string
	for _, r := range rs {
		cs = append(cs, r.Code)
	}
	return cs
}

// sousSuite reports whether want appears in got in the same order, not
// necessarily side by side.
func sousSuite(want, got []string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}
