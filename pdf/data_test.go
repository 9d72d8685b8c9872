package pdf

import (
	"fmt"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/fixtures"
)

// The test data: fixed dates, the CIP référentiel of the fixtures, and
// names that exercise every Latin block the fonts must cover.

var (
	issueDate = certification.NewDate(2026, time.November, 23)
	juryDate  = certification.NewDate(2026, time.November, 20)
)

// hardNames are the names whose letters the fonts must draw.
var hardNames = []string{
	"Nguyễn-Moreau", "Thị Hoa", "Łukasz", "Ștefan", "Lefèvre", "Éloïse",
	"Øyvind Ångström", "Müller-Lüdenscheidt", "Ñúñez", "Dvořák", "Gößmann",
	"Ðorđević", "Œuvray", "D’Artagnan",
}

// cip returns the CIP titre and its current version from the fixtures.
func cip(t testing.TB) (certification.TitreDef, certification.VersionDef, []certification.BlocDef) {
	t.Helper()
	defs, err := fixtures.Referentiel()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range defs {
		if d.Code != "TP-00403" {
			continue
		}
		v := d.Versions[len(d.Versions)-1]
		var ccp []certification.BlocDef
		for _, b := range v.Blocs {
			if b.Nature == "ccp" {
				ccp = append(ccp, b)
			}
		}
		if len(ccp) < 3 {
			t.Fatalf("CIP version %s has %d CCP", v.Code, len(ccp))
		}
		return d, v, ccp
	}
	t.Fatal("no CIP titre in the fixtures")
	panic("unreachable")
}

func enTete(prefix string, brouillon bool) certification.EnTete {
	e := certification.EnTete{
		Ministere: "Ministère du Travail",
		Service:   "DREETS Auvergne-Rhône-Alpes",
		Brouillon: brouillon,
		Lieu:      "Lyon",
		Date:      issueDate,
	}
	if !brouillon {
		e.Numero = prefix + "-TP-00403-2026-000012"
		e.Code = "7QX4-M2KD-9HRT"
		e.URL = "https://cipcert.example.fr/verification/7QX4-M2KD-9HRT"
	}
	return e
}

func holder() certification.Titulaire {
	return certification.Titulaire{
		NomNaissance:  "Nguyễn-Moreau",
		NomUsage:      "Lefèvre",
		Prenoms:       "Éloïse Thị Hoa",
		DateNaissance: certification.NewDate(1991, time.February, 14),
		LieuNaissance: "Hanoï (Viêt Nam)",
	}
}

func parcheminData(t testing.TB) certification.ParcheminData {
	ti, v, _ := cip(t)
	return certification.ParcheminData{
		EnTete:           enTete("PAR", false),
		Titulaire:        holder(),
		TitreIntitule:    ti.Intitule,
		TitreCode:        ti.Code,
		Niveau:           ti.Niveau,
		NSF:              ti.NSF,
		RNCP:             ti.RNCP,
		ArreteSpecialite: v.Texte,
		DateJury:         juryDate,
		Session:          "S-2026-0042",
		PV:               "PV-TP-00403-2026-000011",
		Signataire:       signataire(),
	}
}

func signataire() certification.Signataire {
	return certification.Signataire{Nom: "Łukasz Ștefan", Fonction: "Directeur régional adjoint", Autorite: "DREETS Auvergne-Rhône-Alpes"}
}

func recours() certification.Recours {
	return certification.Recours{DelaiMois: 2, Autorite: "DREETS Auvergne-Rhône-Alpes"}
}

// livretData has the first CCP acquired and the others missing; competences
// caps the compétences per CCP (0 for all of them).
func livretData(t testing.TB, brouillon bool, ccps, competences int) certification.LivretData {
	ti, v, blocs := cip(t)
	l := certification.LivretData{
		EnTete: enTete("LIV", brouillon),
		Titulaire: certification.Titulaire{
			NomNaissance: "Wiśniewski", Prenoms: "Łukasz Ștefan",
			DateNaissance: certification.NewDate(1988, time.July, 3), LieuNaissance: "Kraków (Pologne)",
		},
		TitreIntitule:   ti.Intitule,
		TitreCode:       ti.Code,
		Niveau:          ti.Niveau,
		RNCP:            ti.RNCP,
		VersionCode:     v.Code,
		VersionTexte:    v.Texte,
		DateLimite:      certification.NewDate(2028, time.March, 22),
		RegleDateLimite: "Le candidat peut se présenter aux CCP manquants (CCP2, CCP3) jusqu'au 22/03/2028, fin de validité de la version TP-00403-2023. (Code de l'éducation, art. R338-5)",
		Recours:         recours(),
		Signataire:      certification.Signataire{Autorite: "DREETS Auvergne-Rhône-Alpes"},
	}
	for i := 0; i < ccps; i++ {
		b := blocs[i%len(blocs)]
		lb := certification.LivretBloc{Code: b.Code, RNCPBloc: b.RNCPBloc, Intitule: b.Intitule, Competences: b.Competences}
		if competences > 0 {
			lb.Competences = nil
			for k := 0; k < competences; k++ {
				lb.Competences = append(lb.Competences, b.Competences[k%len(b.Competences)])
			}
		}
		if i == 0 {
			lb.Acquis, lb.Session, lb.Date = true, "S-2026-0042", juryDate
		}
		l.Blocs = append(l.Blocs, lb)
	}
	return l
}

// candidatNames are PV candidats; the list repeats past its length.
var candidatNames = []string{
	"Éloïse Thị Hoa Nguyễn-Moreau (Lefèvre)", "Łukasz Ștefan Wiśniewski", "Øyvind Ångström",
	"Jürgen Müller-Lüdenscheidt", "María Ñúñez", "Antonín Dvořák", "Ðorđe Ðorđević", "Zoé Œuvray",
}

// signedAt is when the first member signed: 09:42 UTC, 10:42 in Paris.
var signedAt = time.Date(2026, time.November, 20, 9, 42, 0, 0, time.UTC)

// pvData is a PV of the CIP session S-2026-0042: the outcomes cycle through
// titre, partial success, failure and absence; the second candidat of each
// cycle holds CCP1 from an earlier session and the member François
// D’Artagnan abstains on the third.
func pvData(t testing.TB, brouillon bool, candidats int) certification.PVData {
	ti, v, blocs := cip(t)
	p := certification.PVData{
		EnTete:           enTete("PV", brouillon),
		SessionReference: "S-2026-0042",
		TypeSession:      "titre",
		Centre:           "AFPA Lyon-Vénissieux",
		Lieu:             "12 rue de l’Égalité, 69200 Vénissieux",
		Responsable:      "Chloé Bénard-Ngô",
		Debut:            certification.NewDate(2026, time.November, 16),
		Fin:              juryDate,
		TitreIntitule:    ti.Intitule,
		TitreCode:        ti.Code,
		VersionCode:      v.Code,
		Jury: []certification.PVJure{
			{Nom: "Jeanne Lefèvre", SigneAt: signedAt, Habilitations: []certification.PVHabilitation{
				{Reference: "HAB-ARA-2025-0147", Debut: certification.NewDate(2025, time.January, 6), Fin: certification.NewDate(2027, time.December, 31)},
			}},
			{Nom: "François D’Artagnan", Habilitations: []certification.PVHabilitation{
				{Reference: "HAB-ARA-2024-0032", Debut: certification.NewDate(2024, time.March, 1), Fin: certification.NewDate(2026, time.December, 31)},
			}},
			{Nom: "Aïcha Benali"},
		},
	}
	if !brouillon {
		p.Jury[1].SigneAt = signedAt.Add(25 * time.Minute)
		p.Jury[2].SigneAt = signedAt.Add(40 * time.Minute)
		// 23:05 UTC on 22 November is 00:05 on 23 November in Paris.
		p.ValidePar, p.ValideAt = "Gaëlle Ørsted", time.Date(2026, time.November, 22, 23, 5, 0, 0, time.UTC)
	}
	for _, b := range blocs {
		p.CCP = append(p.CCP, b.Code)
	}
	parcours := []string{"Formation continue", "Capitalisation (après une formation)", "VAE", "Formation continue"}
	issues := []string{"Titre obtenu", "Réussite partielle", "Échec", "Absent"}
	for i := 0; i < candidats; i++ {
		name := candidatNames[i%len(candidatNames)]
		if i >= len(candidatNames) {
			name += fmt.Sprintf(" %d", i/len(candidatNames)+1)
		}
		c := certification.PVCandidat{Nom: name, DateNaissance: certification.NewDate(1980+i%20, time.Month(1+i%12), 1+i%28),
			Parcours: parcours[i%len(parcours)], Presence: "présent", EntretienFinal: "favorable", Issue: issues[i%len(issues)]}
		ecf := "pris en compte"
		if c.Parcours == "VAE" {
			ecf = "sans objet (VAE)"
			c.Abstentions = []string{"François D’Artagnan"}
		}
		switch c.Issue {
		case "Absent":
			c.Presence, c.EntretienFinal = "absent", "sans objet"
		default:
			for k, b := range blocs {
				if c.Issue == "Réussite partielle" && k == 0 {
					c.Anterieurs = append(c.Anterieurs, certification.PVAnterieur{CCP: b.Code, Origine: "acquis à la session S-2025-0117 le 12/06/2025"})
					continue
				}
				dec := certification.PVDecision{CCP: b.Code, Decision: "acquis", ECF: ecf,
					Elements: certification.PVElements{MSP: true, EntretienTechnique: true, DossierProfessionnel: true}}
				if c.Issue == "Échec" || (c.Issue == "Réussite partielle" && k > 1) {
					dec.Decision = "non acquis"
					dec.Motifs = "Mise en situation professionnelle incomplète."
					if c.Issue == "Échec" {
						dec.Motifs = "L’entretien technique n’a pas permis d’établir la compétence « " + b.Competences[0] + " »."
					}
				}
				c.Decisions = append(c.Decisions, dec)
			}
			if c.Issue == "Échec" {
				c.EntretienFinal = "défavorable"
			}
			if c.Issue == "Réussite partielle" {
				c.EntretienFinal = "non tenu"
			}
		}
		p.Candidats = append(p.Candidats, c)
	}
	if candidats > 1 {
		p.Incidents = []certification.PVIncident{
			{Candidat: candidatNames[0], Categorie: "Candidat en retard", Description: "Arrivée à 9 h 40, mise en situation décalée de 30 minutes."},
			{Candidat: candidatNames[1], Categorie: "Épreuve interrompue", Description: "Coupure d’électricité de 10 h 05 à 10 h 20 ; l’épreuve a repris et sa durée a été prolongée d’autant."},
		}
	}
	return p
}

// ficheData is the fiche of a candidat with the given outcome ("titre",
// "partiel", "echec" or "absent") at the session of pvData.
func ficheData(t testing.TB, suite string) certification.FicheData {
	ti, v, blocs := cip(t)
	f := certification.FicheData{
		EnTete:           enTete("FIR", false),
		Titulaire:        holder(),
		TitreIntitule:    ti.Intitule,
		TitreCode:        ti.Code,
		Niveau:           ti.Niveau,
		RNCP:             ti.RNCP,
		VersionCode:      v.Code,
		SessionReference: "S-2026-0042",
		TypeSession:      "titre",
		Debut:            certification.NewDate(2026, time.November, 16),
		Fin:              juryDate,
		Parcours:         "formation continue",
		Presence:         "présent",
		EntretienFinal:   "favorable",
		Suite:            suite,
		Issue:            map[string]string{"titre": "Titre obtenu", "partiel": "Réussite partielle", "echec": "Échec", "absent": "Absent", "ccs": "CCS obtenu"}[suite],
		Recours:          recours(),
		Signataire:       signataire(),
	}
	if suite == "absent" {
		f.Presence, f.EntretienFinal = "absent", "sans objet"
		return f
	}
	for k, b := range blocs {
		dec := certification.FicheDecision{Code: b.Code, RNCPBloc: b.RNCPBloc, Intitule: b.Intitule, Decision: "acquis"}
		if suite == "echec" || suite == "partiel" && k > 0 {
			dec.Decision = "non acquis"
			dec.Motifs = "L’entretien technique n’a pas permis d’établir la compétence « " + b.Competences[0] + " »."
			if suite == "partiel" {
				f.Manquants = append(f.Manquants, b.Code+" — "+b.Intitule)
			}
		}
		f.Decisions = append(f.Decisions, dec)
	}
	if suite == "partiel" {
		f.DateLimite = certification.NewDate(2028, time.March, 22)
		f.RegleDateLimite = "Le candidat peut se présenter aux CCP manquants (CCP2, CCP3) jusqu'au 22/03/2028, fin de validité de la version TP-00403-2023. (Code de l'éducation, art. R338-5)"
	}
	if suite == "echec" {
		f.EntretienFinal = "défavorable"
	}
	return f
}
