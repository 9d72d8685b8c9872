package rules_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cipcert/cipcert/certification/rules"
)

// inscrits replaces the blocs p is enrolled in.
func inscrits(p rules.Passage, ccp ...string) rules.Passage {
	p.CCPInscrits = ccp
	return p
}

func presence(p rules.Passage, pr rules.Presence) rules.Passage {
	p.Presence = pr
	return p
}

func historique(c rules.Candidat, ps ...rules.Passage) rules.Historique {
	return rules.Historique{Candidat: c, Passages: ps}
}

const (
	titre = rules.SessionTitre
	ccp   = rules.SessionCCP
	ccs   = rules.SessionCCS
	fav   = rules.AvisFavorable
	def   = rules.AvisDefavorable
	aucun = rules.AvisNonTenu
)

func TestDecider(t *testing.T) {
	p := parametres(t)
	tous := []string{"CCP1", "CCP2", "CCP3"}
	finCIP := dp("2028-03-22")

	// A capitalisation candidat who gets one CCP per session.
	capitalisation := historique(enCapitalisation("2023-07-13"),
		passage("S1", cip2023, ccp, "2023-09-15", aucun, acquis("CCP1")),
		passage("S2", cip2023, ccp, "2024-01-20", aucun, acquis("CCP2")),
		passage("S3", cip2023, ccp, "2024-06-10", fav, acquis("CCP3")),
	)
	// A candidat who began under the 2018 version: CIP18-CCP1 maps to
	// CCP1, CIP18-CCP3 maps to nothing.
	revision := historique(enCapitalisation("2022-05-31"),
		passage("P0", cip2018, titre, "2022-06-15", fav, acquis("CIP18-CCP1"), nonAcquis("CIP18-CCP2"), acquis("CIP18-CCP3")),
		passage("S1", cip2023, ccp, "2023-10-05", aucun, acquis("CCP2")),
		passage("S2", cip2023, ccp, "2024-03-14", fav, acquis("CCP3")),
	)
	sansCorrespondance := rules.CCPCompte{CCP: "CIP18-CCP3", Origine: rules.OrigineCorrespondance, SessionID: "P0",
		VersionID: cip2018, CCPOrigine: "CIP18-CCP3", Date: d("2022-06-15")}
	cloture := func(date string) rules.Historique {
		return historique(enCapitalisation("2024-02-01"),
			passage("K1", clos2019, titre, "2024-03-10", def, acquis("CLO-CCP1"), nonAcquis("CLO-CCP2")),
			passage("K2", clos2019, ccp, date, fav, acquis("CLO-CCP2")),
		)
	}
	prorogation := historique(enFormation("2020-05-29"),
		passage("P1", pro2016, titre, "2020-06-10", fav, acquis("PRO-CCP1"), nonAcquis("PRO-CCP2")),
		passage("P2", pro2021, ccp, "2021-09-10", fav, acquis("PRO-CCP2")),
	)
	candidatCCS := rules.Candidat{Parcours: rules.ParcoursCCS, FinFormation: dp("2022-04-01"), ECF: tousLesECF(), TitresDetenus: []string{"TP-99002"}}
	vaeRecevable := enVAE("2023-11-02", titre)
	vaeRecevable.Recevabilites = append(vaeRecevable.Recevabilites,
		rules.Recevabilite{DateNotification: d("2024-09-01"), Reference: "REC-CCP", TypeSession: ccp, MoisExperience: 36})
	capitalisationVAE := enVAE("2023-11-02", ccp)
	capitalisationVAE.Parcours, capitalisationVAE.Origine = rules.ParcoursCapitalisation, rules.ParcoursVAE
	declare := enCapitalisation("2024-05-15")
	declare.CCPAnterieurs = []rules.CCPAnterieur{
		{CCP: "CCP1", VersionID: cip2023, SessionRef: "PV-2023-118", Date: d("2023-11-30")},
		{CCP: "CCP2", VersionID: cip2023, SessionRef: "PV-2023-118", Date: d("2023-11-30")},
	}
	inconnu := enCapitalisation("2024-05-15")
	inconnu.CCPAnterieurs = []rules.CCPAnterieur{{CCP: "CCP9", VersionID: cip2023, SessionRef: "PV-X", Date: d("2023-11-30")}}
	sansMotifs := nonAcquis("CCP2")
	sansMotifs.Motifs = "  "
	sansDP := acquis("CCP3")
	sansDP.DossierProfessionnel = false

	cas := []struct {
		nom     string
		h       rules.Historique
		session string
		want    rules.Resultat // Explication is checked through regles
		regles  []string       // codes expected in the explanation, in this order
		detail  string         // a phrase expected in one of the details
		err     string         // the code of the *Incoherence expected
	}{
		// §3 formation continue, §4.1 and §4.2.
		{
			nom: "formation : tous les CCP acquis et entretien final favorable → titre",
			h: historique(enFormation("2024-05-31"),
				passage("S1", cip2023, titre, "2024-06-12", fav, acquis("CCP1"), acquis("CCP2"), acquis("CCP3"))),
			session: "S1",
			want: rules.Resultat{Issue: rules.IssueTitre, EntretienFinalDu: true, CCPAcquis: []rules.CCPCompte{
				ici("CCP1", "S1", "2024-06-12"), ici("CCP2", "S1", "2024-06-12"), ici("CCP3", "S1", "2024-06-12")}},
			regles: []string{"ccp_acquis", "ccp_acquis", "ccp_acquis", "entretien_final", "titre_obtenu"},
			detail: "Titre TP-00403 obtenu le 12/06/2024",
		},
		{
			nom: "formation : CCP2 non acquis → réussite partielle, CCP1 et CCP3 acquis",
			h: historique(enFormation("2024-05-31"),
				passage("S1", cip2023, titre, "2024-06-12", fav, acquis("CCP1"), nonAcquis("CCP2"), acquis("CCP3"))),
			session: "S1",
			want: rules.Resultat{Issue: rules.IssuePartiel, EntretienFinalDu: true, DateLimite: finCIP,
				CCPAcquis:    []rules.CCPCompte{ici("CCP1", "S1", "2024-06-12"), ici("CCP3", "S1", "2024-06-12")},
				CCPManquants: []string{"CCP2"}},
			regles: []string{"ccp_acquis", "ccp_non_acquis", "ccp_acquis", "entretien_final", "reussite_partielle", "date_limite"},
			detail: "jusqu'au 22/03/2028",
		},
		{
			nom: "formation : aucun CCP acquis → échec",
			h: historique(enFormation("2024-05-31"),
				passage("S1", cip2023, titre, "2024-06-12", def, nonAcquis("CCP1"), nonAcquis("CCP2"), nonAcquis("CCP3"))),
			session: "S1",
			want:    rules.Resultat{Issue: rules.IssueEchec, EntretienFinalDu: true, CCPManquants: tous},
			regles:  []string{"ccp_non_acquis", "ccp_non_acquis", "ccp_non_acquis", "entretien_final_defavorable", "echec"},
		},
		{
			nom: "formation : tous les CCP acquis mais entretien final défavorable → partiel sans CCP manquant",
			h: historique(enFormation("2024-05-31"),
				passage("S1", cip2023, titre, "2024-06-12", def, acquis("CCP1"), acquis("CCP2"), acquis("CCP3"))),
			session: "S1",
			want: rules.Resultat{Issue: rules.IssuePartiel, EntretienFinalDu: true, DateLimite: finCIP, CCPAcquis: []rules.CCPCompte{
				ici("CCP1", "S1", "2024-06-12"), ici("CCP2", "S1", "2024-06-12"), ici("CCP3", "S1", "2024-06-12")}},
			regles: []string{"entretien_final_defavorable", "reussite_partielle", "date_limite"},
			detail: "passer l'entretien final",
		},
		{
			nom: "formation : titre mérité sans entretien final → incohérence",
			h: historique(enFormation("2024-05-31"),
				passage("S1", cip2023, titre, "2024-06-12", aucun, acquis("CCP1"), acquis("CCP2"), acquis("CCP3"))),
			session: "S1", err: "ef_manquant",
		},
		{
			nom: "formation : non acquis sans motifs → incohérence",
			h: historique(enFormation("2024-05-31"),
				passage("S1", cip2023, titre, "2024-06-12", fav, acquis("CCP1"), sansMotifs, acquis("CCP3"))),
			session: "S1", err: "motifs_manquants",
		},
		{
			nom: "formation : CCP inscrit sans décision du jury → incohérence",
			h: historique(enFormation("2024-05-31"),
				inscrits(passage("S1", cip2023, titre, "2024-06-12", fav, acquis("CCP1"), acquis("CCP2")), tous...)),
			session: "S1", err: "decision_manquante",
		},
		{
			nom: "formation : décision sur un CCP non inscrit → incohérence",
			h: historique(enFormation("2024-05-31"),
				inscrits(passage("S1", cip2023, titre, "2024-06-12", fav, acquis("CCP1"), acquis("CCP2"), acquis("CCP3")), "CCP1", "CCP2")),
			session: "S1", err: "decision_ccp_non_inscrit",
		},
		{
			nom: "formation : ECF non pris en compte → incohérence",
			h: historique(enFormation("2024-05-31"),
				passage("S1", cip2023, titre, "2024-06-12", fav, acquis("CCP1"), vae(acquis("CCP2")), acquis("CCP3"))),
			session: "S1", err: "ecf_manquants",
		},
		{
			nom: "formation : évaluation sans dossier professionnel → incohérence",
			h: historique(enFormation("2024-05-31"),
				passage("S1", cip2023, titre, "2024-06-12", fav, acquis("CCP1"), acquis("CCP2"), sansDP)),
			session: "S1", err: "evaluation_incomplete",
		},
		{
			nom: "formation : décision vide → incohérence",
			h: historique(enFormation("2024-05-31"),
				passage("S1", cip2023, titre, "2024-06-12", fav, acquis("CCP1"), acquis("CCP2"), rules.Evaluation{CCP: "CCP3", MSP: true, DossierProfessionnel: true, ECFPrisEnCompte: true})),
			session: "S1", err: "decision_manquante",
		},
		// §4.1: absent, excusé, fraude.
		{
			nom:     "absent → absent, rien n'est acquis",
			h:       historique(enFormation("2024-05-31"), nonPresent("S1", cip2023, titre, "2024-06-12", rules.Absent, tous...)),
			session: "S1",
			want:    rules.Resultat{Issue: rules.IssueAbsent, EntretienFinalDu: true, CCPManquants: tous},
			regles:  []string{"candidat_absent"},
			detail:  "aucun CCP n'y est acquis",
		},
		{
			nom:     "excusé → absent, rien n'est acquis",
			h:       historique(enFormation("2024-05-31"), nonPresent("S1", cip2023, titre, "2024-06-12", rules.Excuse, tous...)),
			session: "S1",
			want:    rules.Resultat{Issue: rules.IssueAbsent, EntretienFinalDu: true, CCPManquants: tous},
			regles:  []string{"candidat_absent"},
			detail:  "excusé",
		},
		{
			nom: "absent avec des décisions du jury → incohérence",
			h: historique(enFormation("2024-05-31"),
				presence(passage("S1", cip2023, titre, "2024-06-12", aucun, acquis("CCP1"), acquis("CCP2"), acquis("CCP3")), rules.Absent)),
			session: "S1", err: "decision_candidat_absent",
		},
		{
			nom: "fraude → échec, les décisions enregistrées sont sans effet",
			h: historique(enFormation("2024-05-31"),
				presence(passage("S1", cip2023, titre, "2024-06-12", fav, acquis("CCP1"), acquis("CCP2"), acquis("CCP3")), rules.ExcluFraude)),
			session: "S1",
			want:    rules.Resultat{Issue: rules.IssueEchec, EntretienFinalDu: true, CCPManquants: tous},
			regles:  []string{"exclusion_fraude"},
			detail:  "sans effet",
		},
		{
			nom: "fraude après une réussite partielle → échec, le CCP déjà acquis reste",
			h: historique(enCapitalisation("2023-07-13"),
				passage("S1", cip2023, ccp, "2023-09-15", aucun, acquis("CCP1")),
				nonPresent("S2", cip2023, ccp, "2024-01-20", rules.ExcluFraude, "CCP2", "CCP3")),
			session: "S2",
			want: rules.Resultat{Issue: rules.IssueEchec, EntretienFinalDu: true, DateLimite: finCIP,
				CCPAcquis:    []rules.CCPCompte{compte("CCP1", rules.OrigineSessionAnterieure, "S1", cip2023, "CCP1", "2023-09-15")},
				CCPManquants: []string{"CCP2", "CCP3"}},
			regles: []string{"ccp_capitalise", "exclusion_fraude", "date_limite"},
		},
		// §3 VAE.
		{
			nom: "VAE : tous les CCP acquis sans ECF et entretien final favorable → titre",
			h: historique(enVAE("2023-11-02", titre),
				passage("S1", cip2023, titre, "2024-04-18", fav, vae(acquis("CCP1")), vae(acquis("CCP2")), vae(acquis("CCP3")))),
			session: "S1",
			want: rules.Resultat{Issue: rules.IssueTitre, EntretienFinalDu: true, CCPAcquis: []rules.CCPCompte{
				ici("CCP1", "S1", "2024-04-18"), ici("CCP2", "S1", "2024-04-18"), ici("CCP3", "S1", "2024-04-18")}},
			regles: []string{"vae_sans_ecf", "ccp_acquis", "ccp_acquis", "ccp_acquis", "entretien_final", "titre_obtenu"},
			detail: "sans ECF",
		},
		{
			nom: "VAE : ECF pris en compte → incohérence",
			h: historique(enVAE("2023-11-02", titre),
				passage("S1", cip2023, titre, "2024-04-18", fav, vae(acquis("CCP1")), acquis("CCP2"), vae(acquis("CCP3")))),
			session: "S1", err: "ecf_vae",
		},
		{
			nom: "VAE : CCP3 non acquis → réussite partielle",
			h: historique(enVAE("2023-11-02", titre),
				passage("S1", cip2023, titre, "2024-04-18", fav, vae(acquis("CCP1")), vae(acquis("CCP2")), vae(nonAcquis("CCP3")))),
			session: "S1",
			want: rules.Resultat{Issue: rules.IssuePartiel, EntretienFinalDu: true, DateLimite: finCIP,
				CCPAcquis:    []rules.CCPCompte{ici("CCP1", "S1", "2024-04-18"), ici("CCP2", "S1", "2024-04-18")},
				CCPManquants: []string{"CCP3"}},
			regles: []string{"vae_sans_ecf", "ccp_non_acquis", "reussite_partielle", "date_limite"},
		},
		{
			nom: "VAE : après une réussite partielle, dernier CCP en session CCP avec entretien final → titre",
			h: historique(vaeRecevable,
				passage("S1", cip2023, titre, "2024-04-18", fav, vae(acquis("CCP1")), vae(acquis("CCP2")), vae(nonAcquis("CCP3"))),
				passage("S2", cip2023, ccp, "2024-11-05", fav, vae(acquis("CCP3")))),
			session: "S2",
			want: rules.Resultat{Issue: rules.IssueTitre, EntretienFinalDu: true, CCPAcquis: []rules.CCPCompte{
				compte("CCP1", rules.OrigineSessionAnterieure, "S1", cip2023, "CCP1", "2024-04-18"),
				compte("CCP2", rules.OrigineSessionAnterieure, "S1", cip2023, "CCP2", "2024-04-18"),
				ici("CCP3", "S2", "2024-11-05")}},
			regles: []string{"ccp_capitalise", "ccp_capitalise", "vae_sans_ecf", "ccp_acquis", "entretien_final", "titre_obtenu"},
		},
		{
			nom:     "capitalisation par la VAE : ECF pris en compte → incohérence",
			h:       historique(capitalisationVAE, passage("S1", cip2023, ccp, "2024-04-18", aucun, acquis("CCP1"))),
			session: "S1", err: "ecf_vae",
		},
		// §3 capitalisation, §4.2, §4.5.
		{
			nom:     "capitalisation : premier CCP acquis, pas d'entretien final → réussite partielle",
			h:       capitalisation,
			session: "S1",
			want: rules.Resultat{Issue: rules.IssuePartiel, DateLimite: finCIP,
				CCPAcquis: []rules.CCPCompte{ici("CCP1", "S1", "2023-09-15")}, CCPManquants: []string{"CCP2", "CCP3"}},
			regles: []string{"ccp_acquis", "entretien_final_non_du", "reussite_partielle", "date_limite"},
			detail: "fin de session du dernier CCP manquant",
		},
		{
			nom:     "capitalisation : les sessions ultérieures ne comptent pas",
			h:       capitalisation,
			session: "S2",
			want: rules.Resultat{Issue: rules.IssuePartiel, DateLimite: finCIP, CCPManquants: []string{"CCP3"}, CCPAcquis: []rules.CCPCompte{
				compte("CCP1", rules.OrigineSessionAnterieure, "S1", cip2023, "CCP1", "2023-09-15"), ici("CCP2", "S2", "2024-01-20")}},
			regles: []string{"ccp_capitalise", "ccp_acquis", "entretien_final_non_du", "reussite_partielle"},
		},
		{
			nom:     "capitalisation : dernier CCP manquant acquis et entretien final favorable → titre",
			h:       capitalisation,
			session: "S3",
			want: rules.Resultat{Issue: rules.IssueTitre, EntretienFinalDu: true, CCPAcquis: []rules.CCPCompte{
				compte("CCP1", rules.OrigineSessionAnterieure, "S1", cip2023, "CCP1", "2023-09-15"),
				compte("CCP2", rules.OrigineSessionAnterieure, "S2", cip2023, "CCP2", "2024-01-20"),
				ici("CCP3", "S3", "2024-06-10")}},
			regles: []string{"ccp_capitalise", "ccp_capitalise", "ccp_acquis", "entretien_final", "titre_obtenu"},
			detail: "acquis le 15/09/2023 à la session S1",
		},
		{
			nom: "capitalisation après une réussite partielle, sans ECF du dernier CCP → titre, ECF non exigés",
			h: historique(rules.Candidat{Parcours: rules.ParcoursCapitalisation, FinFormation: dp("2023-05-31"), ECF: map[string]bool{"CCP1": true, "CCP2": true}},
				passage("S1", cip2023, titre, "2023-06-12", fav, acquis("CCP1"), acquis("CCP2"), nonAcquis("CCP3")),
				passage("S2", cip2023, ccp, "2024-06-10", fav, vae(acquis("CCP3")))),
			session: "S2",
			want: rules.Resultat{Issue: rules.IssueTitre, EntretienFinalDu: true, CCPAcquis: []rules.CCPCompte{
				compte("CCP1", rules.OrigineSessionAnterieure, "S1", cip2023, "CCP1", "2023-06-12"),
				compte("CCP2", rules.OrigineSessionAnterieure, "S1", cip2023, "CCP2", "2023-06-12"),
				ici("CCP3", "S2", "2024-06-10")}},
			regles: []string{"ccp_acquis", "entretien_final", "titre_obtenu"},
		},
		{
			nom: "capitalisation : entretien final à une session qui ne complète pas le titre → incohérence",
			h: historique(enCapitalisation("2023-07-13"),
				passage("S1", cip2023, ccp, "2023-09-15", fav, acquis("CCP1"))),
			session: "S1", err: "ef_non_du",
		},
		{
			nom: "capitalisation : dernier CCP acquis sans entretien final → incohérence",
			h: historique(enCapitalisation("2023-07-13"),
				passage("S1", cip2023, ccp, "2023-09-15", aucun, acquis("CCP1"), acquis("CCP2")),
				passage("S2", cip2023, ccp, "2024-06-10", aucun, acquis("CCP3"))),
			session: "S2", err: "ef_manquant",
		},
		{
			nom: "capitalisation : dernier CCP acquis, entretien final défavorable → réussite partielle",
			h: historique(enCapitalisation("2023-07-13"),
				passage("S1", cip2023, ccp, "2023-09-15", aucun, acquis("CCP1"), acquis("CCP2")),
				passage("S2", cip2023, ccp, "2024-06-10", def, acquis("CCP3"))),
			session: "S2",
			want: rules.Resultat{Issue: rules.IssuePartiel, EntretienFinalDu: true, DateLimite: finCIP, CCPAcquis: []rules.CCPCompte{
				compte("CCP1", rules.OrigineSessionAnterieure, "S1", cip2023, "CCP1", "2023-09-15"),
				compte("CCP2", rules.OrigineSessionAnterieure, "S1", cip2023, "CCP2", "2023-09-15"),
				ici("CCP3", "S2", "2024-06-10")}},
			regles: []string{"entretien_final_defavorable", "reussite_partielle", "date_limite"},
		},
		{
			nom:     "capitalisation : CCP déclarés à l'inscription et dernier CCP → titre",
			h:       historique(declare, passage("S1", cip2023, ccp, "2024-06-10", fav, acquis("CCP3"))),
			session: "S1",
			want: rules.Resultat{Issue: rules.IssueTitre, EntretienFinalDu: true, CCPAcquis: []rules.CCPCompte{
				compte("CCP1", rules.OrigineDeclaree, "PV-2023-118", cip2023, "CCP1", "2023-11-30"),
				compte("CCP2", rules.OrigineDeclaree, "PV-2023-118", cip2023, "CCP2", "2023-11-30"),
				ici("CCP3", "S1", "2024-06-10")}},
			regles: []string{"ccp_capitalisation_declaree", "ccp_capitalisation_declaree", "ccp_acquis", "titre_obtenu"},
			detail: "référence PV-2023-118",
		},
		{
			nom:     "capitalisation : CCP déclaré inconnu du référentiel → incohérence",
			h:       historique(inconnu, passage("S1", cip2023, ccp, "2024-06-10", aucun, acquis("CCP3"))),
			session: "S1", err: "ccp_anterieur_inconnu",
		},
		{
			nom: "un CCP acquis n'est jamais perdu, même non acquis à une session ultérieure",
			h: historique(enCapitalisation("2023-07-13"),
				passage("S1", cip2023, ccp, "2023-09-15", aucun, acquis("CCP1")),
				passage("S2", cip2023, ccp, "2024-01-20", aucun, nonAcquis("CCP1"), acquis("CCP2"))),
			session: "S2",
			want: rules.Resultat{Issue: rules.IssuePartiel, DateLimite: finCIP, CCPManquants: []string{"CCP3"}, CCPAcquis: []rules.CCPCompte{
				compte("CCP1", rules.OrigineSessionAnterieure, "S1", cip2023, "CCP1", "2023-09-15"), ici("CCP2", "S2", "2024-01-20")}},
			regles: []string{"ccp_capitalise", "ccp_non_acquis", "ccp_jamais_perdu", "ccp_acquis", "reussite_partielle"},
		},
		// §1 and §4.5: révision and correspondences.
		{
			nom:     "révision : un CCP acquis sous la version révisée compte par sa correspondance, pas celui qui n'en a pas",
			h:       revision,
			session: "S1",
			want: rules.Resultat{Issue: rules.IssuePartiel, DateLimite: finCIP, CCPManquants: []string{"CCP3"}, CCPAcquis: []rules.CCPCompte{
				compte("CCP1", rules.OrigineCorrespondance, "P0", cip2018, "CIP18-CCP1", "2022-06-15"),
				ici("CCP2", "S1", "2023-10-05"),
				sansCorrespondance}},
			regles: []string{"ccp_correspondance", "ccp_sans_correspondance", "ccp_acquis", "entretien_final_non_du", "reussite_partielle", "date_limite"},
			detail: "compte comme CCP1 de la version TP-00403-v2023",
		},
		{
			nom:     "révision : dernier CCP manquant de la nouvelle version et entretien final → titre",
			h:       revision,
			session: "S2",
			want: rules.Resultat{Issue: rules.IssueTitre, EntretienFinalDu: true, CCPAcquis: []rules.CCPCompte{
				compte("CCP1", rules.OrigineCorrespondance, "P0", cip2018, "CIP18-CCP1", "2022-06-15"),
				compte("CCP2", rules.OrigineSessionAnterieure, "S1", cip2023, "CCP2", "2023-10-05"),
				ici("CCP3", "S2", "2024-03-14"),
				sansCorrespondance}},
			regles: []string{"ccp_correspondance", "ccp_sans_correspondance", "ccp_capitalise", "ccp_acquis", "titre_obtenu"},
		},
		{
			nom:     "révision : réussite partielle sous l'ancienne version → date limite de la version qui lui succède",
			h:       revision,
			session: "P0",
			want: rules.Resultat{Issue: rules.IssuePartiel, EntretienFinalDu: true, DateLimite: finCIP,
				CCPManquants: []string{"CIP18-CCP2"}, CCPAcquis: []rules.CCPCompte{
					compte("CIP18-CCP1", rules.OrigineSession, "P0", cip2018, "CIP18-CCP1", "2022-06-15"),
					compte("CIP18-CCP3", rules.OrigineSession, "P0", cip2018, "CIP18-CCP3", "2022-06-15")}},
			regles: []string{"reussite_partielle", "date_limite"},
			detail: "qui succède à la version TP-00403-v2018",
		},
		{
			nom: "révision : session sous l'ancienne version après sa fin de validité → incohérence",
			h: historique(enFormation("2023-05-31"),
				passage("S1", cip2018, titre, "2023-06-01", fav, acquis("CIP18-CCP1"), acquis("CIP18-CCP2"), acquis("CIP18-CCP3"))),
			session: "S1", err: "version_hors_validite",
		},
		{
			nom: "session avant l'entrée en vigueur de la version → incohérence",
			h: historique(enFormation("2023-02-28"),
				passage("S1", cip2023, titre, "2023-03-01", fav, acquis("CCP1"), acquis("CCP2"), acquis("CCP3"))),
			session: "S1", err: "version_hors_validite",
		},
		// §1 and §4.5: clôture.
		{
			nom:     "clôture : réussite partielle avant la clôture → date limite un an après la fin de validité",
			h:       cloture("2025-05-20"),
			session: "K1",
			want: rules.Resultat{Issue: rules.IssuePartiel, EntretienFinalDu: true, DateLimite: dp("2025-06-30"), CCPManquants: []string{"CLO-CCP2"},
				CCPAcquis: []rules.CCPCompte{compte("CLO-CCP1", rules.OrigineSession, "K1", clos2019, "CLO-CCP1", "2024-03-10")}},
			regles: []string{"ccp_acquis", "ccp_non_acquis", "entretien_final_defavorable", "reussite_partielle", "date_limite"},
			detail: "jusqu'au 30/06/2025",
		},
		{
			nom:     "clôture : dernier CCP dans l'année qui suit la clôture → titre",
			h:       cloture("2025-05-20"),
			session: "K2",
			want: rules.Resultat{Issue: rules.IssueTitre, EntretienFinalDu: true, CCPAcquis: []rules.CCPCompte{
				compte("CLO-CCP1", rules.OrigineSessionAnterieure, "K1", clos2019, "CLO-CCP1", "2024-03-10"),
				compte("CLO-CCP2", rules.OrigineSession, "K2", clos2019, "CLO-CCP2", "2025-05-20")}},
			regles: []string{"ccp_capitalise", "cloture_delai", "ccp_acquis", "entretien_final", "titre_obtenu"},
			detail: "peut compléter le titre jusqu'au 30/06/2025",
		},
		{
			nom:     "clôture : session 13 mois après la fin de validité → incohérence",
			h:       cloture("2025-07-30"),
			session: "K2", err: "cloture_delai_depasse",
		},
		{
			nom: "clôture : session après la clôture sans CCP détenu → incohérence",
			h: historique(enFormation("2024-08-30"),
				passage("K1", clos2019, titre, "2024-09-10", fav, acquis("CLO-CCP1"), acquis("CLO-CCP2"))),
			session: "K1", err: "version_hors_validite",
		},
		// §1: prorogation.
		{
			nom:     "prorogation : la date limite suit la version prorogée",
			h:       prorogation,
			session: "P1",
			want: rules.Resultat{Issue: rules.IssuePartiel, EntretienFinalDu: true, DateLimite: dp("2025-12-31"), CCPManquants: []string{"PRO-CCP2"},
				CCPAcquis: []rules.CCPCompte{compte("PRO-CCP1", rules.OrigineSession, "P1", pro2016, "PRO-CCP1", "2020-06-10")}},
			regles: []string{"reussite_partielle", "date_limite"},
		},
		{
			nom:     "prorogation : un CCP acquis avant la prorogation compte sous la version suivante",
			h:       prorogation,
			session: "P2",
			want: rules.Resultat{Issue: rules.IssueTitre, EntretienFinalDu: true, CCPAcquis: []rules.CCPCompte{
				compte("PRO-CCP1", rules.OrigineCorrespondance, "P1", pro2016, "PRO-CCP1", "2020-06-10"),
				compte("PRO-CCP2", rules.OrigineSession, "P2", pro2021, "PRO-CCP2", "2021-09-10")}},
			regles: []string{"ccp_correspondance", "ccp_acquis", "titre_obtenu"},
		},
		// Entretien final and titre.
		{
			nom: "entretien final seul après un avis défavorable → titre",
			h: historique(enFormation("2024-05-31"),
				passage("S1", cip2023, titre, "2024-06-12", def, acquis("CCP1"), acquis("CCP2"), acquis("CCP3")),
				passage("S2", cip2023, titre, "2024-10-01", fav)),
			session: "S2",
			want: rules.Resultat{Issue: rules.IssueTitre, EntretienFinalDu: true, CCPAcquis: []rules.CCPCompte{
				compte("CCP1", rules.OrigineSessionAnterieure, "S1", cip2023, "CCP1", "2024-06-12"),
				compte("CCP2", rules.OrigineSessionAnterieure, "S1", cip2023, "CCP2", "2024-06-12"),
				compte("CCP3", rules.OrigineSessionAnterieure, "S1", cip2023, "CCP3", "2024-06-12")}},
			regles: []string{"ccp_capitalise", "ccp_capitalise", "ccp_capitalise", "entretien_final", "titre_obtenu"},
		},
		{
			nom: "session titre où seuls deux CCP sont présentés : l'entretien final y reste dû",
			h: historique(enFormation("2024-05-31"),
				passage("S1", cip2023, titre, "2024-06-12", fav, acquis("CCP1"), acquis("CCP2"))),
			session: "S1",
			want: rules.Resultat{Issue: rules.IssuePartiel, EntretienFinalDu: true, DateLimite: finCIP, CCPManquants: []string{"CCP3"},
				CCPAcquis: []rules.CCPCompte{ici("CCP1", "S1", "2024-06-12"), ici("CCP2", "S1", "2024-06-12")}},
			regles: []string{"entretien_final", "reussite_partielle"},
		},
		{
			nom: "titre déjà obtenu puis nouveau passage → incohérence",
			h: historique(enFormation("2024-05-31"),
				passage("S1", cip2023, titre, "2024-06-12", fav, acquis("CCP1"), acquis("CCP2"), acquis("CCP3")),
				passage("S2", cip2023, ccp, "2024-09-10", aucun, acquis("CCP1"))),
			session: "S2", err: "titre_deja_obtenu",
		},
		{
			nom:     "session absente de l'historique → incohérence",
			h:       capitalisation,
			session: "S9", err: "session_inconnue",
		},
		{
			nom: "deux sessions le même jour → incohérence",
			h: historique(enCapitalisation("2023-07-13"),
				passage("S1", cip2023, ccp, "2023-09-15", aucun, acquis("CCP1")),
				passage("S2", cip2023, ccp, "2023-09-15", aucun, acquis("CCP2"))),
			session: "S2", err: "passage_en_double",
		},
		{
			nom: "CCP inscrit qui n'est pas de la version → incohérence",
			h: historique(enCapitalisation("2023-07-13"),
				passage("S1", cip2023, ccp, "2023-09-15", aucun, acquis("CIP18-CCP1"))),
			session: "S1", err: "ccp_hors_version",
		},
		// §3 CCS.
		{
			nom: "CCS : évaluation et entretien final favorables → CCS obtenu",
			h: historique(candidatCCS,
				passage("C1", pro2021, ccs, "2022-05-10", fav, acquis("PRO-CCS1"))),
			session: "C1",
			want: rules.Resultat{Issue: rules.IssueCCS, EntretienFinalDu: true, CCPAcquis: []rules.CCPCompte{
				compte("PRO-CCS1", rules.OrigineSession, "C1", pro2021, "PRO-CCS1", "2022-05-10")}},
			regles: []string{"ccs_obtenu"},
			detail: "Un parchemin est délivré",
		},
		{
			nom: "CCS : entretien final défavorable → échec",
			h: historique(candidatCCS,
				passage("C1", pro2021, ccs, "2022-05-10", def, acquis("PRO-CCS1"))),
			session: "C1",
			want:    rules.Resultat{Issue: rules.IssueEchec, EntretienFinalDu: true, CCPManquants: []string{"PRO-CCS1"}},
			regles:  []string{"entretien_final_defavorable", "echec"},
		},
		{
			nom: "CCS sans formation : ECF pris en compte → incohérence",
			h: historique(rules.Candidat{Parcours: rules.ParcoursCCS, MoisExperience: 30, TitresDetenus: []string{"TP-99002"}},
				passage("C1", pro2021, ccs, "2022-05-10", fav, acquis("PRO-CCS1"))),
			session: "C1", err: "ecf_hors_formation",
		},
	}
	for _, c := range cas {
		t.Run(c.nom, func(t *testing.T) {
			got, err := rules.Decider(ref, p, c.h, c.session)
			if c.err != "" {
				var inc *rules.Incoherence
				if !errors.As(err, &inc) || inc.Code != c.err {
					t.Fatalf("Decider() = %+v, %v ; want *Incoherence %s", got, err, c.err)
				}
				verifierFrancais(t, "message", inc.Message)
				return
			}
			if err != nil {
				t.Fatalf("Decider() : %v", err)
			}
			verifierExplication(t, got)
			if !sousSuite(c.regles, codes(got.Explication)) {
				t.Errorf("règles appliquées %v ; want dans l'ordre %v", codes(got.Explication), c.regles)
			}
			if c.detail != "" && !detailContient(got.Explication, c.detail) {
				t.Errorf("aucun détail ne contient %q :\n%s", c.detail, details(got.Explication))
			}
			got.Explication = nil
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("Decider() (-want +got):\n%s", diff)
			}
		})
	}
}

func detailContient(rs []rules.RegleAppliquee, s string) bool {
	for _, r := range rs {
		if strings.Contains(r.Detail, s) {
			return true
		}
	}
	return false
}

func details(rs []rules.RegleAppliquee) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.Code + " [" + r.Source + "] " + r.Detail + "\n")
	}
	return b.String()
}

// TestDeciderExplication shows a whole explanation as a person reads it:
// every step cites its text, and the parameters cite their own source.
func TestDeciderExplication(t *testing.T) {
	p := parametres(t)
	h := historique(enCapitalisation("2024-02-01"),
		passage("K1", clos2019, titre, "2024-03-10", def, acquis("CLO-CCP1"), nonAcquis("CLO-CCP2")),
		passage("K2", clos2019, ccp, "2025-05-20", fav, acquis("CLO-CCP2")),
	)
	got, err := rules.Decider(ref, p, h, "K2")
	if err != nil {
		t.Fatal(err)
	}
	want := []rules.RegleAppliquee{
		{Code: "ccp_capitalise", Source: rules.SourceR3385,
			Detail: "CLO-CCP1, acquis le 10/03/2024 à la session K1, reste acquis et compte pour le titre pendant la validité de la version TP-99001-v2019."},
		{Code: "cloture_delai", Source: "Arrêté du 22 décembre 2015, art. 3 : en cas de clôture, le candidat ayant obtenu des CCP dispose d'un an à compter de la fin de validité du titre",
			Detail: "La version TP-99001-v2019 a été clôturée au terme de sa validité, le 30/06/2024 : le candidat, qui en détient déjà des CCP, peut compléter le titre jusqu'au 30/06/2025."},
		{Code: "ccp_acquis", Source: rules.SourceReferentiel, Detail: "CLO-CCP2 est acquis à la session K2 du 20/05/2025."},
		{Code: "entretien_final", Source: rules.SourceReferentiel, Detail: "L'entretien final a eu lieu à cette session ; avis favorable."},
		{Code: "titre_obtenu", Source: rules.SourceReferentiel,
			Detail: "Titre TP-99001 obtenu le 20/05/2025 : tous ses CCP (CLO-CCP1, CLO-CCP2) sont acquis et l'entretien final, tenu à cette session, est favorable. Un parchemin est délivré."},
	}
	if diff := cmp.Diff(want, got.Explication); diff != "" {
		t.Errorf("Explication (-want +got):\n%s", diff)
	}
}

// TestDeciderOrdreIndifferent checks that the order in which the passages
// are given does not matter: they are replayed by date.
func TestDeciderOrdreIndifferent(t *testing.T) {
	p := parametres(t)
	h := historique(enCapitalisation("2023-07-13"),
		passage("S3", cip2023, ccp, "2024-06-10", fav, acquis("CCP3")),
		passage("S1", cip2023, ccp, "2023-09-15", aucun, acquis("CCP1")),
		passage("S2", cip2023, ccp, "2024-01-20", aucun, acquis("CCP2")),
	)
	got, err := rules.Decider(ref, p, h, "S3")
	if err != nil {
		t.Fatal(err)
	}
	if got.Issue != rules.IssueTitre {
		t.Errorf("Issue = %s, want titre", got.Issue)
	}
}

func TestDeciderEntreesInvalides(t *testing.T) {
	p := parametres(t)
	ok := historique(enFormation("2024-05-31"),
		passage("S1", cip2023, titre, "2024-06-12", fav, acquis("CCP1"), acquis("CCP2"), acquis("CCP3")))
	doublon := rules.Referentiel{Versions: append(ref.Versions[:1:1], ref.Versions[0])}
	cas := []struct {
		nom  string
		ref  rules.Referentiel
		p    *rules.Parametres
		h    rules.Historique
		code string
	}{
		{"sans paramètres", ref, nil, ok, "parametres_absents"},
		{"version en double dans le référentiel", doublon, p, ok, "referentiel_invalide"},
		{"version inconnue", ref, p, historique(ok.Candidat, passage("S1", "TP-00403-v1999", titre, "2024-06-12", fav, acquis("CCP1"))), "version_inconnue"},
		{"parcours inconnu", ref, p, historique(rules.Candidat{Parcours: "apprentissage"}, ok.Passages...), "valeur_inconnue"},
		{"présence inconnue", ref, p, historique(ok.Candidat, presence(ok.Passages[0], "en_retard")), "valeur_inconnue"},
		{"session en double", ref, p, historique(ok.Candidat, ok.Passages[0], ok.Passages[0]), "passage_en_double"},
	}
	for _, c := range cas {
		t.Run(c.nom, func(t *testing.T) {
			_, err := rules.Decider(c.ref, c.p, c.h, "S1")
			if got := codeIncoherence(err); got != c.code {
				t.Errorf("Decider() : %v ; want *Incoherence %s", err, c.code)
			}
		})
	}
}
