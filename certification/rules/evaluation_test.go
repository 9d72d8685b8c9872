package rules_test

import (
	"testing"

	"github.com/cipcert/cipcert/certification/rules"
)

func TestVerifierEvaluation(t *testing.T) {
	capitalisationVAE := enVAE("2025-11-02", titre)
	capitalisationVAE.Parcours, capitalisationVAE.Origine = rules.ParcoursCapitalisation, rules.ParcoursVAE
	ccsExperience := rules.Candidat{Parcours: rules.ParcoursCCS, MoisExperience: 24, TitresDetenus: []string{"TP-99002"}}
	capitalisationSansECF := rules.Candidat{Parcours: rules.ParcoursCapitalisation, ECF: map[string]bool{"CCP2": true}}
	avecECF := acquis("CCP1")
	sansECF := avecECF
	sansECF.ECFPrisEnCompte = false
	cas := []struct {
		nom   string
		c     rules.Candidat
		e     rules.Evaluation
		refus string
	}{
		{"formation avec ECF", enFormation("2026-09-25"), avecECF, ""},
		{"capitalisation après formation avec ECF", enCapitalisation("2026-09-25"), avecECF, ""},
		{"VAE sans ECF", enVAE("2025-11-02", titre), sansECF, ""},
		{"VAE avec ECF", enVAE("2025-11-02", titre), avecECF, "ecf_vae"},
		{"capitalisation après VAE avec ECF", capitalisationVAE, avecECF, "ecf_vae"},
		{"CCS par l'expérience avec ECF", ccsExperience, avecECF, "ecf_hors_formation"},
		{"CCS par l'expérience sans ECF", ccsExperience, sansECF, ""},
		{"capitalisation sans ECF de ce CCP, ECF pris en compte", capitalisationSansECF, avecECF, "ecf_absents"},
		{"capitalisation sans ECF de ce CCP, sans ECF", capitalisationSansECF, sansECF, ""},
	}
	for _, tc := range cas {
		t.Run(tc.nom, func(t *testing.T) {
			err := rules.VerifierEvaluation(tc.c, tc.e)
			if got := codeRefus(err); got != tc.refus || (tc.refus == "" && err != nil) {
				t.Fatalf("VerifierEvaluation = %v, want refusal %q", err, tc.refus)
			}
			if err != nil {
				verifierFrancais(t, "message", err.(*rules.Refus).Message)
			}
		})
	}
}

func TestSansECF(t *testing.T) {
	fin := d("2026-06-30")
	for _, c := range []struct {
		name string
		c    rules.Candidat
		want string
	}{
		{"formation", rules.Candidat{Parcours: rules.ParcoursFormation, FinFormation: &fin}, ""},
		{"vae", rules.Candidat{Parcours: rules.ParcoursVAE}, "VAE"},
		{"capitalisation après VAE", rules.Candidat{Parcours: rules.ParcoursCapitalisation, Origine: rules.ParcoursVAE}, "VAE"},
		{"capitalisation après formation", rules.Candidat{Parcours: rules.ParcoursCapitalisation, Origine: rules.ParcoursFormation}, ""},
		{"ccs par l'expérience", rules.Candidat{Parcours: rules.ParcoursCCS}, "pas de formation"},
		{"ccs après formation", rules.Candidat{Parcours: rules.ParcoursCCS, FinFormation: &fin}, ""},
	} {
		if got := rules.SansECF(c.c); got != c.want {
			t.Errorf("%s: SansECF = %q, want %q", c.name, got, c.want)
		}
	}
}
