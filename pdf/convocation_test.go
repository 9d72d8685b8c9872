package pdf

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
)

func centreSession() (certification.CentreEmetteur, certification.SessionConvoquee) {
	c := certification.CentreEmetteur{Nom: "Centre Rhône Formation", Adresse: "12 rue de la Charité", CodePostal: "69002", Ville: "Lyon",
		Contact: "Hélène Garçon"}
	s := certification.SessionConvoquee{Reference: "S-2027-ABCD1234", NumeroCeres: "CERES-2027-0042", TitreCode: "TP-00403",
		TitreIntitule: "Conseiller en insertion professionnelle", VersionCode: "2023", Type: "titre",
		Debut: certification.NewDate(2027, time.March, 15), Fin: certification.NewDate(2027, time.March, 16), Heure: "08:30",
		Lieu: "Salle Bellecour, 3 place Antonin-Poncet, Lyon"}
	return c, s
}

func convocation(prenoms, nom string, ef, ecf bool) certification.ConvocationData {
	c, s := centreSession()
	cd := certification.ConvocationData{Centre: c, Session: s, NomNaissance: nom, Prenoms: prenoms,
		DateNaissance: certification.NewDate(1990, time.May, 4), EntretienFinal: ef, ECF: ecf, Apporter: certification.AApporter,
		Etabli: certification.NewDate(2027, time.February, 1)}
	for i, in := range []string{"Accueillir pour analyser la demande des personnes et poser les bases d'un diagnostic partagé",
		"Accompagner les personnes dans leur parcours d'insertion sociale et professionnelle",
		"Mettre en œuvre une offre de services auprès des employeurs pour favoriser l'insertion professionnelle"} {
		cd.CCP = append(cd.CCP, certification.EpreuvesCCP{CCP: "CCP" + string(rune('1'+i)), Intitule: in, Epreuves: certification.EpreuvesSession})
	}
	return cd
}

// dumpCentre writes a document to $PDF_DUMP, to look at it.
func dumpCentre(t *testing.T, name string, b []byte) {
	if dir := os.Getenv("PDF_DUMP"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".pdf"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// stateMarks are what only the State's documents carry.
var stateMarks = []string{"RÉPUBLIQUE FRANÇAISE", "République française", "Ministère", "Code de vérification", "DOCUMENT DE TRAVAIL"}

func TestConvocation(t *testing.T) {
	t.Parallel()
	b, err := New().Convocations([]certification.ConvocationData{convocation("Łukasz", "Nguyễn", true, true),
		convocation("Amélie", "Dupré", false, false)})
	if err != nil {
		t.Fatal(err)
	}
	dumpCentre(t, "convocations", b)
	if n := pageCount(t, b); n != 2 {
		t.Errorf("%d pages, want one per convocation", n)
	}
	txt := flowText(t, b)
	mustContain(t, "convocation", txt, "Convocation à une session d’examen", "Łukasz Nguyễn", "Amélie Dupré", "du 15/03/2027 au 16/03/2027",
		"08 h 30", "Salle Bellecour, 3 place Antonin-Poncet, Lyon", "Mise en situation professionnelle", "Entretien technique",
		"Questionnaire professionnel", "Entretien final avec le jury", "(ECF)", "pièce d'identité", "dossier professionnel",
		"Hélène Garçon", "Centre Rhône Formation", "CERES-2027-0042",
		"Document établi par le centre Centre Rhône Formation — ce document n’est pas un document de l’État.")
	mustNotContain(t, "convocation", txt, stateMarks...)
}

func TestEmargement(t *testing.T) {
	t.Parallel()
	c, s := centreSession()
	e := certification.EmargementData{Centre: c, Session: s, Etabli: certification.NewDate(2027, time.February, 1)}
	for _, n := range []string{"NGUYỄN Łukasz", "DUPRÉ Amélie"} {
		for _, ccp := range []string{"CCP1", "CCP2", "CCP3"} {
			for _, ep := range certification.EpreuvesSession {
				e.Lignes = append(e.Lignes, certification.EmargementLigne{Candidat: n, Epreuve: ccp + " — " + ep})
			}
		}
		e.Lignes = append(e.Lignes, certification.EmargementLigne{Candidat: n, Epreuve: "Entretien final avec le jury"})
	}
	b, err := New().Emargement(e)
	if err != nil {
		t.Fatal(err)
	}
	dumpCentre(t, "emargement", b)
	txt := flowText(t, b)
	mustContain(t, "feuille d'émargement", txt, "Feuille d’émargement", "NGUYỄN Łukasz", "DUPRÉ Amélie", "du 15/03/2027 au 16/03/2027",
		"Salle Bellecour", "CCP1 — Mise en situation professionnelle", "CCP3 — Questionnaire professionnel", "Entretien final avec le jury",
		"Signature", "ce document n’est pas un document de l’État.")
	mustNotContain(t, "feuille d'émargement", txt, stateMarks...)
}
