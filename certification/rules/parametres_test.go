package rules_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cipcert/cipcert/certification/rules"
)

func TestParametresFixture(t *testing.T) {
	p := parametres(t)
	cas := []struct {
		cle    string
		date   string
		valeur int
		statut rules.Statut
	}{
		{rules.CleJuryTailleMin, "2024-06-12", 2, rules.StatutUsage},
		{rules.CleRecevabiliteValidite, "2024-06-12", 12, rules.StatutTexte},
		{rules.CleVAEExperienceMin, "2023-12-31", 12, rules.StatutTexte},
		{rules.CleVAEExperienceMin, "2024-01-01", 0, rules.StatutTexte},
		{rules.CleClotureDelai, "2030-01-01", 12, rules.StatutTexte},
		{rules.CleNouvelleSessionSansFormation, "2024-06-12", 12, rules.StatutAVerifier},
		{rules.CleCCSExperienceMin, "2024-06-12", 12, rules.StatutTexte},
		{rules.CleRecoursDelai, "2024-06-12", 2, rules.StatutTexte},
		{rules.CleRecoursSilence, "2024-06-12", 2, rules.StatutTexte},
	}
	for _, c := range cas {
		t.Run(c.cle+"@"+c.date, func(t *testing.T) {
			v, prm, err := p.Valeur(c.cle, d(c.date))
			if err != nil {
				t.Fatal(err)
			}
			if v != c.valeur || prm.Statut != c.statut {
				t.Errorf("Valeur() = %d (%s), want %d (%s)", v, prm.Statut, c.valeur, c.statut)
			}
			if !citeUnTexte(prm.Source) && !strings.Contains(prm.Source, "art.") {
				t.Errorf("source %q ne cite pas de texte", prm.Source)
			}
		})
	}
	if _, _, err := p.Valeur("duree_inconnue", d("2024-01-01")); codeIncoherence(err) != "parametre_absent" {
		t.Errorf("clé inconnue : err = %v", err)
	}
}

func TestParametresPeriodeDEffet(t *testing.T) {
	p, err := rules.ParseParametres([]byte(parametresValides(`{"cle": "vae_experience_min_mois", "valeur": 12, "unite": "mois", "effet_du": null, "effet_au": "2023-12-31", "source": "Référentiel de certification du titre CIP", "statut": "texte"}`,
		`{"cle": "vae_experience_min_mois", "valeur": 0, "unite": "mois", "effet_du": "2024-01-01", "effet_au": null, "source": "Loi n° 2022-1598 du 21 décembre 2022", "statut": "texte"}`)))
	if err != nil {
		t.Fatal(err)
	}
	_, got, err := p.Valeur(rules.CleVAEExperienceMin, time.Date(2024, 1, 1, 23, 30, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	want := rules.Parametre{Cle: rules.CleVAEExperienceMin, Valeur: 0, Unite: "mois", EffetDu: dp("2024-01-01"),
		Source: "Loi n° 2022-1598 du 21 décembre 2022", Statut: rules.StatutTexte}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Valeur() (-want +got):\n%s", diff)
	}
}

// parametresValides returns a complete parameter file but for the VAE
// experience minimum, given by the entries vae.
func parametresValides(vae ...string) string {
	entrees := append([]string{
		`{"cle": "jury_taille_min", "valeur": 2, "unite": "membres", "effet_du": null, "effet_au": null, "source": "Usage", "statut": "usage"}`,
		`{"cle": "recevabilite_validite_mois", "valeur": 12, "unite": "mois", "effet_du": null, "effet_au": null, "source": "Arrêté du 22 décembre 2015", "statut": "texte"}`,
		`{"cle": "cloture_delai_mois", "valeur": 12, "unite": "mois", "effet_du": null, "effet_au": null, "source": "Arrêté du 22 décembre 2015, art. 3", "statut": "texte"}`,
		`{"cle": "nouvelle_session_sans_formation_mois", "valeur": 12, "unite": "mois", "effet_du": null, "effet_au": null, "source": "Usage", "statut": "a_verifier"}`,
		`{"cle": "ccs_experience_min_mois", "valeur": 12, "unite": "mois", "effet_du": null, "effet_au": null, "source": "Référentiel de certification du titre CIP", "statut": "texte"}`,
		`{"cle": "recours_delai_mois", "valeur": 2, "unite": "mois", "effet_du": null, "effet_au": null, "source": "Usage", "statut": "usage"}`,
		`{"cle": "rappel_validation_pv_jours", "valeur": 15, "unite": "jours", "effet_du": null, "effet_au": null, "source": "Choix de l'opérateur", "statut": "a_verifier"}`,
		`{"cle": "recours_silence_mois", "valeur": 2, "unite": "mois", "effet_du": null, "effet_au": null, "source": "CRPA, art. L231-4", "statut": "texte"}`,
	}, vae...)
	return "[" + strings.Join(entrees, ",\n") + "]"
}

func TestParseParametresRefuse(t *testing.T) {
	vae := func(valeur, du, au, extra string) string {
		return `{"cle": "vae_experience_min_mois", "valeur": ` + valeur + `, "unite": "mois", "effet_du": ` + du + `, "effet_au": ` + au + `, "source": "Usage", "statut": "texte"` + extra + `}`
	}
	cas := []struct {
		nom, json, erreur string
	}{
		{"clé requise absente", parametresValides(), "vae_experience_min_mois\" : absent alors qu'il est requis"},
		{"clé inconnue", parametresValides(vae("12", "null", "null", ""), `{"cle": "duree_stage", "valeur": 1, "unite": "mois", "effet_du": null, "effet_au": null, "source": "Usage", "statut": "usage"}`),
			"clé inconnue"},
		{"clé en double", parametresValides(vae("12", "null", "null", ""), vae("0", "null", "null", "")),
			"en double ou qui se chevauchent"},
		{"périodes qui se chevauchent", parametresValides(vae("12", "null", `"2024-01-31"`, ""), vae("0", `"2024-01-01"`, "null", "")),
			"se chevauchent"},
		{"période manquante", parametresValides(vae("12", "null", `"2023-12-31"`, ""), vae("0", `"2024-02-01"`, "null", "")),
			"aucune valeur du 01/01/2024 au 31/01/2024"},
		{"pas de valeur au début", parametresValides(vae("0", `"2024-01-01"`, "null", "")),
			"aucune valeur avant le 01/01/2024"},
		{"pas de valeur à la fin", parametresValides(vae("12", "null", `"2023-12-31"`, "")),
			"aucune valeur après le 31/12/2023"},
		{"date invalide", parametresValides(vae("12", `"2024-02-30"`, "null", "")), "date \"2024-02-30\" invalide"},
		{"période inversée", parametresValides(vae("12", `"2024-02-01"`, `"2024-01-01"`, "")), "effet_au précède effet_du"},
		{"valeur absente", parametresValides(`{"cle": "vae_experience_min_mois", "unite": "mois", "effet_du": null, "effet_au": null, "source": "Usage", "statut": "texte"}`),
			"valeur absente"},
		{"valeur négative", parametresValides(vae("-1", "null", "null", "")), "valeur négative"},
		{"mauvaise unité", parametresValides(`{"cle": "vae_experience_min_mois", "valeur": 1, "unite": "ans", "effet_du": null, "effet_au": null, "source": "Usage", "statut": "texte"}`),
			"unité \"ans\""},
		{"source absente", parametresValides(`{"cle": "vae_experience_min_mois", "valeur": 1, "unite": "mois", "effet_du": null, "effet_au": null, "source": "", "statut": "texte"}`),
			"source absente"},
		{"statut inconnu", parametresValides(`{"cle": "vae_experience_min_mois", "valeur": 1, "unite": "mois", "effet_du": null, "effet_au": null, "source": "Usage", "statut": "probable"}`),
			"statut \"probable\" inconnu"},
		{"champ inconnu", parametresValides(vae("12", "null", "null", `, "commentaire": "x"`)), "commentaire"},
		{"JSON illisible", `[{"cle": }]`, "JSON illisible"},
	}
	for _, c := range cas {
		t.Run(c.nom, func(t *testing.T) {
			_, err := rules.ParseParametres([]byte(c.json))
			if err == nil || !strings.Contains(err.Error(), c.erreur) {
				t.Errorf("ParseParametres() : %v ; want une erreur contenant %q", err, c.erreur)
			}
		})
	}
}

func TestVerifierJury(t *testing.T) {
	p := parametres(t)
	if err := rules.VerifierJury(p, d("2024-06-12"), 2); err != nil {
		t.Errorf("jury de 2 : %v", err)
	}
	err := rules.VerifierJury(p, d("2024-06-12"), 1)
	var r *rules.Refus
	if !errors.As(err, &r) || r.Code != "jury_incomplet" {
		t.Fatalf("jury d'un membre : %v ; want *Refus jury_incomplet", err)
	}
	verifierFrancais(t, "message", r.Message)
}

func TestDateLimiteRecours(t *testing.T) {
	p := parametres(t)
	for notification, want := range map[string]string{
		"2024-06-30": "2024-08-30",
		"2024-12-31": "2025-02-28", // no 31 February: the last day of the month
	} {
		got, regle, err := rules.DateLimiteRecours(p, d(notification))
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(d(want)) {
			t.Errorf("DateLimiteRecours(%s) = %s, want %s", notification, got.Format(time.DateOnly), want)
		}
		if regle.Source == "" || regle.Code != "delai_recours" {
			t.Errorf("règle = %+v", regle)
		}
		verifierFrancais(t, "détail", regle.Detail)
	}
}
