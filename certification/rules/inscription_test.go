package rules_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/certification/rules"
)

func session(version string, t rules.TypeSession, debut, fin string) rules.SessionPrevue {
	return rules.SessionPrevue{VersionID: version, Type: t, Debut: d(debut), Fin: d(fin)}
}

func recevabilite(notification string, t rules.TypeSession, mois int) rules.Recevabilite {
	return rules.Recevabilite{DateNotification: d(notification), Reference: "DDETS-" + strings.ReplaceAll(notification, "-", ""), TypeSession: t, MoisExperience: mois}
}

func TestVerifierInscription(t *testing.T) {
	p := parametres(t)
	tous := []string{"CCP1", "CCP2", "CCP3"}

	sansECF2 := enFormation("2024-05-31")
	sansECF2.ECF = map[string]bool{"CCP1": true, "CCP3": true}
	sansFormation := enFormation("2024-05-31")
	sansFormation.FinFormation = nil
	vaeAvecECF := enVAE("2023-11-02", titre)
	vaeAvecECF.ECF = map[string]bool{"CCP1": true}
	candidatVAE := func(r ...rules.Recevabilite) rules.Candidat {
		return rules.Candidat{Parcours: rules.ParcoursVAE, Recevabilites: r}
	}
	capitalisationVAE := candidatVAE(recevabilite("2023-11-02", titre, 36), recevabilite("2024-09-01", ccp, 36))
	capitalisationVAE.Parcours, capitalisationVAE.Origine = rules.ParcoursCapitalisation, rules.ParcoursVAE
	reformee := enFormation("2024-07-31")
	ccsFormee := rules.Candidat{Parcours: rules.ParcoursCCS, FinFormation: dp("2022-04-01"), ECF: tousLesECF(), TitresDetenus: []string{"TP-99002"}}
	ccsSansTitre := ccsFormee
	ccsSansTitre.TitresDetenus = nil
	ccsExperience := func(mois int, titres ...string) rules.Candidat {
		return rules.Candidat{Parcours: rules.ParcoursCCS, MoisExperience: mois, TitresDetenus: titres}
	}
	ccsSansECF := ccsFormee
	ccsSansECF.ECF = map[string]bool{"PRO-CCP1": true, "PRO-CCP2": true}
	ccsDansHistorique := ccsFormee
	ccsDansHistorique.TitresDetenus = nil

	echecFormation := passage("S1", cip2023, titre, "2023-06-12", def, nonAcquis("CCP1"), nonAcquis("CCP2"), nonAcquis("CCP3"))
	partielFormation := passage("S1", cip2023, titre, "2023-06-12", fav, acquis("CCP1"), nonAcquis("CCP2"), acquis("CCP3"))
	capCCP1 := passage("S1", cip2023, ccp, "2023-09-15", aucun, acquis("CCP1"))
	revision := passage("P0", cip2018, titre, "2022-06-15", fav, acquis("CIP18-CCP1"), nonAcquis("CIP18-CCP2"), acquis("CIP18-CCP3"))
	clos := passage("K1", clos2019, titre, "2024-03-10", def, acquis("CLO-CCP1"), nonAcquis("CLO-CCP2"))
	sansMotifs := nonAcquis("CCP2")
	sansMotifs.Motifs = ""

	cas := []struct {
		nom         string
		h           rules.Historique
		s           rules.SessionPrevue
		ccp         []string
		efDu        bool
		refus       string // the code of the *Refus expected
		incoherence string // the code of the *Incoherence expected
		message     string // a phrase expected in the message
	}{
		// §3 formation continue.
		{
			nom: "formation : session titre, tous les CCP avec leurs ECF → inscrit, entretien final dû",
			h:   historique(enFormation("2024-05-31")), s: session(cip2023, titre, "2024-06-11", "2024-06-12"), ccp: tous, efDu: true,
		},
		{
			nom: "formation : ECF manquants pour CCP2 → refus",
			h:   historique(sansECF2), s: session(cip2023, titre, "2024-06-11", "2024-06-12"), ccp: tous,
			refus: "ecf_manquants", message: "manquent pour CCP2",
		},
		{
			nom: "formation : aucune formation renseignée → refus",
			h:   historique(sansFormation), s: session(cip2023, titre, "2024-06-11", "2024-06-12"), ccp: tous,
			refus: "formation_absente",
		},
		{
			nom: "formation : session CCP sans réussite partielle → refus",
			h:   historique(enFormation("2024-05-31")), s: session(cip2023, ccp, "2024-06-11", "2024-06-12"), ccp: []string{"CCP1"},
			refus: "type_session_parcours",
		},
		{
			nom: "formation : session titre sans tous les CCP manquants → refus",
			h:   historique(enFormation("2024-05-31")), s: session(cip2023, titre, "2024-06-11", "2024-06-12"), ccp: []string{"CCP1", "CCP2"},
			refus: "session_titre_incomplete", message: "CCP3 n'est pas demandé",
		},
		{
			nom: "formation : après une réussite partielle, session CCP du seul CCP manquant → entretien final dû",
			h:   historique(enFormation("2023-05-31"), partielFormation), s: session(cip2023, ccp, "2023-10-08", "2023-10-08"), ccp: []string{"CCP2"},
			efDu: true,
		},
		// §4.6: one year after a failure or an absence.
		{
			nom: "formation : échec il y a 14 mois sans nouvelle formation → refus",
			h:   historique(enFormation("2023-05-31"), echecFormation), s: session(cip2023, titre, "2024-08-20", "2024-08-21"), ccp: tous,
			refus: "formation_perimee", message: "au-delà du 12/06/2024",
		},
		{
			nom: "formation : échec il y a 11 mois → inscrit sans nouvelle formation",
			h:   historique(enFormation("2023-05-31"), echecFormation), s: session(cip2023, titre, "2024-05-10", "2024-05-11"), ccp: tous,
			efDu: true,
		},
		{
			nom: "formation : échec il y a 14 mois puis nouvelle formation → inscrit",
			h:   historique(reformee, echecFormation), s: session(cip2023, titre, "2024-08-20", "2024-08-21"), ccp: tous,
			efDu: true,
		},
		{
			nom: "formation : absence il y a 14 mois sans nouvelle formation → refus",
			h:   historique(enFormation("2023-05-31"), nonPresent("S1", cip2023, titre, "2023-06-12", rules.Absent, tous...)),
			s:   session(cip2023, titre, "2024-08-20", "2024-08-21"), ccp: tous,
			refus: "formation_perimee",
		},
		{
			nom: "formation : réussite partielle il y a 14 mois → le délai d'un an ne s'applique pas",
			h:   historique(enFormation("2023-05-31"), partielFormation), s: session(cip2023, ccp, "2024-08-20", "2024-08-20"), ccp: []string{"CCP2"},
			efDu: true,
		},
		{
			nom: "capitalisation : session CCP sans rien acquis il y a 14 mois → refus",
			h: historique(enCapitalisation("2023-07-13"), capCCP1,
				passage("S2", cip2023, ccp, "2023-11-10", aucun, nonAcquis("CCP2"))),
			s: session(cip2023, ccp, "2025-01-20", "2025-01-20"), ccp: []string{"CCP2"},
			refus: "formation_perimee",
		},
		// §3 capitalisation, §4.7.
		{
			nom: "capitalisation : un CCP parmi deux manquants → inscrit, pas d'entretien final",
			h:   historique(enCapitalisation("2023-07-13"), capCCP1), s: session(cip2023, ccp, "2024-01-20", "2024-01-20"), ccp: []string{"CCP2"},
		},
		{
			nom: "capitalisation : les deux CCP manquants à la même session → entretien final dû",
			h:   historique(enCapitalisation("2023-07-13"), capCCP1), s: session(cip2023, ccp, "2024-01-20", "2024-01-20"), ccp: []string{"CCP2", "CCP3"},
			efDu: true,
		},
		{
			nom: "capitalisation : CCP déjà acquis → refus",
			h:   historique(enCapitalisation("2023-07-13"), capCCP1), s: session(cip2023, ccp, "2024-01-20", "2024-01-20"), ccp: []string{"CCP1"},
			refus: "ccp_deja_acquis", message: "(session S1 du 15/09/2023)",
		},
		{
			nom: "capitalisation : CCP déclaré à l'inscription → refus",
			h: historique(rules.Candidat{Parcours: rules.ParcoursCapitalisation, FinFormation: dp("2023-07-13"), ECF: tousLesECF(),
				CCPAnterieurs: []rules.CCPAnterieur{{CCP: "CCP2", VersionID: cip2023, SessionRef: "PV-2023-118", Date: d("2023-11-30")}}}),
			s: session(cip2023, ccp, "2024-01-20", "2024-01-20"), ccp: []string{"CCP2"},
			refus: "ccp_deja_acquis", message: "déclaré à l'inscription, référence PV-2023-118 du 30/11/2023",
		},
		{
			nom: "capitalisation : CCP qui n'est pas de la version → refus",
			h:   historique(enCapitalisation("2023-07-13"), capCCP1), s: session(cip2023, ccp, "2024-01-20", "2024-01-20"), ccp: []string{"CCP2", "CCP4"},
			refus: "ccp_hors_version",
		},
		{
			nom: "capitalisation : CCP demandé deux fois → refus",
			h:   historique(enCapitalisation("2023-07-13"), capCCP1), s: session(cip2023, ccp, "2024-01-20", "2024-01-20"), ccp: []string{"CCP2", "CCP2"},
			refus: "ccp_en_double",
		},
		{
			nom: "capitalisation : aucun CCP demandé alors qu'il en manque → refus",
			h:   historique(enCapitalisation("2023-07-13"), capCCP1), s: session(cip2023, ccp, "2024-01-20", "2024-01-20"),
			refus: "ccp_aucun",
		},
		{
			nom: "capitalisation : les sessions postérieures à la session prévue ne comptent pas",
			h: historique(enCapitalisation("2023-07-13"), capCCP1,
				passage("S2", cip2023, ccp, "2024-01-20", aucun, acquis("CCP2"))),
			s: session(cip2023, ccp, "2023-12-01", "2023-12-01"), ccp: []string{"CCP2"},
		},
		{
			nom: "capitalisation : historique incohérent → l'incohérence remonte",
			h: historique(enCapitalisation("2023-07-13"),
				passage("S1", cip2023, ccp, "2023-09-15", aucun, acquis("CCP1"), sansMotifs)),
			s: session(cip2023, ccp, "2024-01-20", "2024-01-20"), ccp: []string{"CCP2"},
			incoherence: "motifs_manquants",
		},
		{
			nom: "entretien final seul après un avis défavorable → inscrit sans CCP, entretien final dû",
			h: historique(enFormation("2024-05-31"),
				passage("S1", cip2023, titre, "2024-06-12", def, acquis("CCP1"), acquis("CCP2"), acquis("CCP3"))),
			s: session(cip2023, titre, "2024-10-01", "2024-10-01"), efDu: true,
		},
		{
			nom: "titre déjà obtenu → refus",
			h: historique(enFormation("2024-05-31"),
				passage("S1", cip2023, titre, "2024-06-12", fav, acquis("CCP1"), acquis("CCP2"), acquis("CCP3"))),
			s: session(cip2023, ccp, "2024-10-01", "2024-10-01"), ccp: []string{"CCP1"},
			refus: "titre_deja_obtenu",
		},
		// §1: révision and correspondences.
		{
			nom: "révision : CCP détenu par correspondance → refus",
			h:   historique(enCapitalisation("2022-05-31"), revision), s: session(cip2023, ccp, "2023-10-05", "2023-10-05"), ccp: []string{"CCP1"},
			refus: "ccp_deja_acquis", message: "par correspondance avec CIP18-CCP1 de la version TP-00403-v2018, acquis le 15/06/2022",
		},
		{
			nom: "révision : CCP sans correspondance repassé en dernier → entretien final dû",
			h: historique(enCapitalisation("2022-05-31"), revision,
				passage("S1", cip2023, ccp, "2023-10-05", aucun, acquis("CCP2"))),
			s: session(cip2023, ccp, "2024-03-14", "2024-03-14"), ccp: []string{"CCP3"}, efDu: true,
		},
		// §4.7: version valid on the session dates.
		{
			nom: "version pas encore en vigueur → refus",
			h:   historique(enFormation("2023-02-28")), s: session(cip2023, titre, "2023-03-01", "2023-03-02"), ccp: tous,
			refus: "version_hors_validite", message: "n'entre en vigueur que le 23/03/2023",
		},
		{
			nom: "version révisée après sa fin de validité → refus qui désigne la nouvelle version",
			h:   historique(enFormation("2023-05-31")), s: session(cip2018, titre, "2023-06-01", "2023-06-02"), ccp: []string{"CIP18-CCP1", "CIP18-CCP2", "CIP18-CCP3"},
			refus: "version_hors_validite", message: "version TP-00403-v2023",
		},
		{
			nom: "session à cheval sur la fin de validité → refus",
			h:   historique(enFormation("2028-03-01")), s: session(cip2023, titre, "2028-03-21", "2028-03-23"), ccp: tous,
			refus: "version_hors_validite",
		},
		// §1 and §4.7: clôture.
		{
			nom: "clôture : CCP détenu, dernier CCP dans l'année qui suit → inscrit, entretien final dû",
			h:   historique(enCapitalisation("2024-02-01"), clos), s: session(clos2019, ccp, "2025-05-20", "2025-05-20"), ccp: []string{"CLO-CCP2"},
			efDu: true,
		},
		{
			nom: "clôture : session qui finit le dernier jour du délai → inscrit",
			h:   historique(enCapitalisation("2024-02-01"), clos), s: session(clos2019, ccp, "2025-06-29", "2025-06-30"), ccp: []string{"CLO-CCP2"},
			efDu: true,
		},
		{
			nom: "clôture : CCP détenu, session 13 mois après la fin de validité → refus",
			h:   historique(enCapitalisation("2024-02-01"), clos), s: session(clos2019, ccp, "2025-07-30", "2025-07-30"), ccp: []string{"CLO-CCP2"},
			refus: "cloture_delai_depasse", message: "jusqu'au 30/06/2025",
		},
		{
			nom: "clôture : aucun CCP détenu, session après la fin de validité → refus",
			h:   historique(enFormation("2024-08-30")), s: session(clos2019, titre, "2024-09-10", "2024-09-10"), ccp: []string{"CLO-CCP1", "CLO-CCP2"},
			refus: "version_hors_validite", message: "clôturée",
		},
		// §3 VAE, §4.7.
		{
			nom: "VAE : recevabilité valide pour une session titre → inscrit, entretien final dû",
			h:   historique(enVAE("2023-11-02", titre)), s: session(cip2023, titre, "2024-04-17", "2024-04-18"), ccp: tous, efDu: true,
		},
		{
			nom: "VAE : recevabilité expirée à la date de la session → refus",
			h:   historique(enVAE("2023-05-10", titre)), s: session(cip2023, titre, "2024-05-20", "2024-05-21"), ccp: tous,
			refus: "recevabilite_expiree", message: "valable que jusqu'au 10/05/2024",
		},
		{
			nom: "VAE : aucune recevabilité → refus",
			h:   historique(candidatVAE()), s: session(cip2023, titre, "2024-04-17", "2024-04-18"), ccp: tous,
			refus: "recevabilite_absente",
		},
		{
			nom: "VAE : recevabilité notifiée après le début de la session → refus",
			h:   historique(enVAE("2024-04-20", titre)), s: session(cip2023, titre, "2024-04-17", "2024-04-18"), ccp: tous,
			refus: "recevabilite_absente",
		},
		{
			nom: "VAE : recevabilité pour une session titre présentée à une session CCP → refus",
			h:   historique(enVAE("2023-11-02", titre)), s: session(cip2023, ccp, "2024-04-17", "2024-04-17"), ccp: []string{"CCP1"},
			refus: "recevabilite_type_session", message: "ouvre une session titre, pas une session CCP",
		},
		{
			nom: "VAE : résultats d'ECF fournis → refus",
			h:   historique(vaeAvecECF), s: session(cip2023, titre, "2024-04-17", "2024-04-18"), ccp: tous,
			refus: "ecf_vae",
		},
		{
			nom: "VAE : 8 mois d'expérience, recevabilité notifiée en 2023 → refus",
			h:   historique(candidatVAE(recevabilite("2023-06-01", titre, 8))), s: session(cip2023, titre, "2024-04-17", "2024-04-18"), ccp: tous,
			refus: "vae_experience_insuffisante", message: "12 mois étaient exigés",
		},
		{
			nom: "VAE : aucune expérience minimale pour une recevabilité notifiée en 2024 → inscrit",
			h:   historique(candidatVAE(recevabilite("2024-03-01", titre, 0))), s: session(cip2023, titre, "2024-06-10", "2024-06-11"), ccp: tous,
			efDu: true,
		},
		{
			nom: "VAE : recevabilité valable jusqu'au même quantième un an après → inscrit le dernier jour",
			h:   historique(candidatVAE(recevabilite("2024-01-15", titre, 0))), s: session(cip2023, titre, "2025-01-14", "2025-01-15"), ccp: tous,
			efDu: true,
		},
		{
			nom: "VAE : session qui déborde d'un jour la validité de la recevabilité → refus",
			h:   historique(candidatVAE(recevabilite("2024-01-15", titre, 0))), s: session(cip2023, titre, "2025-01-15", "2025-01-16"), ccp: tous,
			refus: "recevabilite_expiree",
		},
		{
			nom: "VAE : une seconde recevabilité, pour une session CCP, après une réussite partielle → inscrit, entretien final dû",
			h: historique(capitalisationVAE,
				passage("S1", cip2023, titre, "2024-04-18", fav, vae(acquis("CCP1")), vae(acquis("CCP2")), vae(nonAcquis("CCP3")))),
			s: session(cip2023, ccp, "2024-11-05", "2024-11-05"), ccp: []string{"CCP3"}, efDu: true,
		},
		// §6 bis: continuing after a partial success.
		{
			nom: "VAE : réussite partielle, recevabilité pour une session titre et expirée → session CCP du CCP manquant, inscrit, entretien final dû",
			h: historique(enVAE("2023-11-02", titre),
				passage("S1", cip2023, titre, "2024-04-18", fav, vae(acquis("CCP1")), vae(acquis("CCP2")), vae(nonAcquis("CCP3")))),
			s: session(cip2023, ccp, "2025-02-05", "2025-02-05"), ccp: []string{"CCP3"}, efDu: true,
		},
		{
			nom: "VAE : réussite partielle, titre clôturé → inscrit dans l'année qui suit la clôture",
			h: historique(enVAE("2023-11-02", titre),
				passage("K1", clos2019, titre, "2024-03-10", def, vae(acquis("CLO-CCP1")), vae(nonAcquis("CLO-CCP2")))),
			s: session(clos2019, ccp, "2025-03-03", "2025-03-03"), ccp: []string{"CLO-CCP2"}, efDu: true,
		},
		{
			nom: "VAE : réussite partielle, titre clôturé → refus au-delà de l'année qui suit la clôture",
			h: historique(enVAE("2023-11-02", titre),
				passage("K1", clos2019, titre, "2024-03-10", def, vae(acquis("CLO-CCP1")), vae(nonAcquis("CLO-CCP2")))),
			s: session(clos2019, ccp, "2025-08-04", "2025-08-04"), ccp: []string{"CLO-CCP2"},
			refus: "cloture_delai_depasse",
		},
		{
			nom: "VAE : sans réussite partielle, recevabilité expirée → refus",
			h: historique(enVAE("2023-11-02", titre),
				passage("S1", cip2023, titre, "2024-04-18", fav, vae(nonAcquis("CCP1")), vae(nonAcquis("CCP2")), vae(nonAcquis("CCP3")))),
			s: session(cip2023, titre, "2025-02-05", "2025-02-06"), ccp: tous,
			refus: "recevabilite_expiree",
		},
		{
			nom: "capitalisation : CCP déclaré, ni formation ni ECF → session CCP d'un CCP manquant, inscrit",
			h: historique(rules.Candidat{Parcours: rules.ParcoursCapitalisation, CCPAnterieurs: []rules.CCPAnterieur{
				{CCP: "CCP1", VersionID: cip2023, SessionRef: "S-2024-LYON-03", Date: d("2024-06-12")}}}),
			s: session(cip2023, ccp, "2025-01-20", "2025-01-20"), ccp: []string{"CCP2"},
		},
		{
			nom: "capitalisation : ni CCP acquis ni formation → refus",
			h:   historique(rules.Candidat{Parcours: rules.ParcoursCapitalisation}),
			s:   session(cip2023, ccp, "2025-01-20", "2025-01-20"), ccp: []string{"CCP2"},
			refus: "formation_absente",
		},
		{
			nom: "formation : réussite partielle sans ECF du CCP manquant → inscrit, entretien final dû",
			h:   historique(sansECF2, passage("S1", cip2023, titre, "2024-06-12", fav, acquis("CCP1"), nonAcquis("CCP2"), acquis("CCP3"))),
			s:   session(cip2023, ccp, "2024-10-08", "2024-10-08"), ccp: []string{"CCP2"}, efDu: true,
		},
		{
			nom: "capitalisation sans formation : rien acquis il y a 14 mois après un CCP déclaré → refus",
			h: historique(rules.Candidat{Parcours: rules.ParcoursCapitalisation, CCPAnterieurs: []rules.CCPAnterieur{
				{CCP: "CCP1", VersionID: cip2023, SessionRef: "S-2023-LYON-03", Date: d("2023-06-12")}}},
				passage("S2", cip2023, ccp, "2023-11-10", aucun, vae(nonAcquis("CCP2")))),
			s: session(cip2023, ccp, "2025-01-20", "2025-01-20"), ccp: []string{"CCP2"},
			refus: "formation_perimee", message: "aucune formation depuis",
		},
		// §3 CCS.
		{
			nom: "CCS : titulaire du titre, formé, ECF → inscrit, entretien final dû",
			h:   historique(ccsFormee), s: session(pro2021, ccs, "2022-05-09", "2022-05-10"), ccp: []string{"PRO-CCS1"}, efDu: true,
		},
		{
			nom: "CCS : titre non détenu → refus",
			h:   historique(ccsSansTitre), s: session(pro2021, ccs, "2022-05-09", "2022-05-10"), ccp: []string{"PRO-CCS1"},
			refus: "ccs_titre_non_detenu",
		},
		{
			nom: "CCS sans formation : 8 mois d'expérience → refus",
			h:   historique(ccsExperience(8, "TP-99002")), s: session(pro2021, ccs, "2022-05-09", "2022-05-10"), ccp: []string{"PRO-CCS1"},
			refus: "ccs_experience_insuffisante", message: "12 mois d'expérience",
		},
		{
			nom: "CCS sans formation : 12 mois d'expérience → inscrit",
			h:   historique(ccsExperience(12, "TP-99002")), s: session(pro2021, ccs, "2022-05-09", "2022-05-10"), ccp: []string{"PRO-CCS1"}, efDu: true,
		},
		{
			nom: "CCS : titre détenu sous une version antérieure → inscrit",
			h:   historique(ccsExperience(12, pro2016)), s: session(pro2021, ccs, "2022-05-09", "2022-05-10"), ccp: []string{"PRO-CCS1"}, efDu: true,
		},
		{
			nom: "CCS : titre obtenu dans l'historique → inscrit",
			h: historique(ccsDansHistorique,
				passage("P1", pro2021, titre, "2021-06-10", fav, acquis("PRO-CCP1"), acquis("PRO-CCP2"))),
			s: session(pro2021, ccs, "2022-05-09", "2022-05-10"), ccp: []string{"PRO-CCS1"}, efDu: true,
		},
		{
			nom: "CCS : formé mais sans les ECF du CCS → refus",
			h:   historique(ccsSansECF), s: session(pro2021, ccs, "2022-05-09", "2022-05-10"), ccp: []string{"PRO-CCS1"},
			refus: "ecf_manquants",
		},
		{
			nom: "CCS : déjà obtenu → refus",
			h: historique(ccsFormee,
				passage("C1", pro2021, ccs, "2022-05-10", fav, acquis("PRO-CCS1"))),
			s: session(pro2021, ccs, "2023-05-09", "2023-05-10"), ccp: []string{"PRO-CCS1"},
			refus: "ccp_deja_acquis",
		},
		{
			nom: "CCS : bloc qui n'est pas un CCS de la version → refus",
			h:   historique(ccsFormee), s: session(pro2021, ccs, "2022-05-09", "2022-05-10"), ccp: []string{"PRO-CCP1"},
			refus: "ccp_hors_version",
		},
		{
			nom: "parcours CCS à une session titre → refus",
			h:   historique(ccsFormee), s: session(pro2021, titre, "2022-05-09", "2022-05-10"), ccp: []string{"PRO-CCP1", "PRO-CCP2"},
			refus: "type_session_parcours",
		},
		{
			nom: "parcours formation à une session CCS → refus",
			h:   historique(enFormation("2024-05-31")), s: session(pro2021, ccs, "2022-05-09", "2022-05-10"), ccp: []string{"PRO-CCS1"},
			refus: "type_session_parcours",
		},
		{
			nom: "version inconnue → incohérence",
			h:   historique(enFormation("2024-05-31")), s: session("TP-00403-v1999", titre, "2024-06-11", "2024-06-12"), ccp: tous,
			incoherence: "version_inconnue",
		},
	}
	for _, c := range cas {
		t.Run(c.nom, func(t *testing.T) {
			efDu, err := rules.VerifierInscription(ref, p, c.h, c.s, c.ccp)
			switch {
			case c.refus != "":
				var r *rules.Refus
				if !errors.As(err, &r) || r.Code != c.refus {
					t.Fatalf("VerifierInscription() = %v, %v ; want *Refus %s", efDu, err, c.refus)
				}
				verifierFrancais(t, "message", r.Message)
				if !strings.Contains(r.Message, c.message) {
					t.Errorf("message %q ; want %q dedans", r.Message, c.message)
				}
			case c.incoherence != "":
				if code := codeIncoherence(err); code != c.incoherence {
					t.Fatalf("VerifierInscription() = %v, %v ; want *Incoherence %s", efDu, err, c.incoherence)
				}
			case err != nil:
				t.Fatalf("VerifierInscription() : %v", err)
			case efDu != c.efDu:
				t.Errorf("entretien final dû = %v, want %v", efDu, c.efDu)
			}
		})
	}
}

// TestRefusLisible shows a whole refusal as the centre reads it.
func TestRefusLisible(t *testing.T) {
	p := parametres(t)
	h := historique(enVAE("2023-05-10", titre))
	_, err := rules.VerifierInscription(ref, p, h, session(cip2023, titre, "2024-05-20", "2024-05-21"), []string{"CCP1", "CCP2", "CCP3"})
	want := "inscription refusée (recevabilite_expiree) : La recevabilité DDETS-20230510, notifiée le 10/05/2023, n'est valable que jusqu'au 10/05/2024 : elle ne couvre pas la session du 20/05/2024 au 21/05/2024."
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	if codeRefus(err) != "recevabilite_expiree" {
		t.Errorf("code = %q", codeRefus(err))
	}
}
