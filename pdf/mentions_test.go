package pdf

import (
	"regexp"
	"strings"
	"testing"
)

func TestFiche(t *testing.T) {
	t.Parallel()
	for _, suite := range []string{"titre", "partiel", "echec", "absent"} {
		t.Run(suite, func(t *testing.T) {
			t.Parallel()
			f := ficheData(t, suite)
			out, err := New().Fiche(f)
			if err != nil {
				t.Fatal(err)
			}
			text := flowText(t, out)
			mustContain(t, "fiche "+suite, text,
				"Fiche individuelle de résultats", "Conseiller en insertion professionnelle", "Code TP-00403 — Niveau 5 — RNCP37274",
				"Éloïse Thị Hoa", "Nguyễn-Moreau", "formation continue", "S-2026-0042", "du 16/11/2026 au 20/11/2026",
				"Résultat "+f.Issue, "Voies et délais de recours", "Pour le ministre et par délégation,",
				f.Numero, f.Code, f.URL)
			for _, dec := range f.Decisions {
				mustContain(t, "fiche "+suite, text, dec.Code, dec.RNCPBloc, dec.Intitule, dec.Decision)
				if dec.Motifs != "" {
					mustContain(t, "fiche "+suite, text, "Motifs : "+dec.Motifs)
				}
			}
			if suite == "partiel" {
				mustContain(t, "fiche partiel", text, "CCP à obtenir :", "Date limite pour obtenir le titre : 22/03/2028", f.RegleDateLimite)
			} else {
				mustContain(t, "fiche "+suite, text, mentionText("suite_"+suite))
			}
			checkPages(t, out, f.EnTete)
			golden(t, "fiche_"+suite, FicheLayout, out)
		})
	}
}

// mentionFills are the values the test documents put in the mentions'
// placeholders.
var mentionFills = []string{
	"intitule", "Conseiller en insertion professionnelle", "niveau", "5", "rncp", "RNCP37274",
	"arrete", "arrêté de spécialité du 21 octobre 2003 modifié (JO du 1er décembre 2022)",
	"session", "S-2026-0042", "date", "20/11/2026", "pv", "PV-TP-00403-2026-000011",
	"delai", "2", "autorite", "DREETS Auvergne-Rhône-Alpes",
	"ccs", "Accompagner des personnes en situation de handicap vers l’emploi",
}

// TestMentionsPrinted finds every mention of mentions.json, word for word,
// in each document it names.
func TestMentionsPrinted(t *testing.T) {
	t.Parallel()
	r := New()
	ccs := parcheminData(t)
	ccs.CCS = "Accompagner des personnes en situation de handicap vers l’emploi"
	texts := map[string][]string{}
	for name, f := range map[string]func() ([]byte, error){
		"parchemin":     func() ([]byte, error) { return r.Parchemin(parcheminData(t)) },
		"livret":        func() ([]byte, error) { return r.Livret(livretData(t, false, 3, 0)) },
		"fiche_titre":   func() ([]byte, error) { return r.Fiche(ficheData(t, "titre")) },
		"fiche_partiel": func() ([]byte, error) { return r.Fiche(ficheData(t, "partiel")) },
		"fiche_echec":   func() ([]byte, error) { return r.Fiche(ficheData(t, "echec")) },
		"fiche_absent":  func() ([]byte, error) { return r.Fiche(ficheData(t, "absent")) },
		"fiche_ccs":     func() ([]byte, error) { return r.Fiche(ficheData(t, "ccs")) },
		"parchemin_ccs": func() ([]byte, error) { return r.Parchemin(ccs) },
	} {
		out, err := f()
		if err != nil {
			t.Fatal(err)
		}
		kind, _, _ := strings.Cut(name, "_")
		texts[kind] = append(texts[kind], flowText(t, out))
	}
	placeholder := regexp.MustCompile(`\{[a-z_]+\}`)
	for cle, m := range mentions() {
		if m.Source == "" || (!m.Confirme && m.AVerifier == "") {
			t.Errorf("mention %s: a source is required, and what is left to verify when it is not confirmed", cle)
		}
		want := mentionText(cle, mentionFills...)
		if p := placeholder.FindString(want); p != "" {
			t.Errorf("mention %s: placeholder %s has no test value", cle, p)
		}
		if len(m.Documents) == 0 {
			t.Errorf("mention %s names no document", cle)
		}
		for _, doc := range m.Documents {
			found := false
			for _, text := range texts[doc] {
				found = found || strings.Contains(text, want)
			}
			if !found {
				t.Errorf("no %s prints the mention %s word for word: %q", doc, cle, want)
			}
		}
	}
}

// uuidShape is a string shaped like a UUID, the form of the service's ids:
// none may reach a document, where it means nothing to its reader.
var uuidShape = regexp.MustCompile(`(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}`)

// TestNoIdentifier renders every document with data as the service fills
// it and finds no UUID in their text.
func TestNoIdentifier(t *testing.T) {
	t.Parallel()
	r := New()
	docs := map[string]func() ([]byte, error){
		"parchemin":        func() ([]byte, error) { return r.Parchemin(parcheminData(t)) },
		"livret":           func() ([]byte, error) { return r.Livret(livretData(t, false, 3, 0)) },
		"livret brouillon": func() ([]byte, error) { return r.Livret(livretData(t, true, 3, 0)) },
		"pv":               func() ([]byte, error) { return r.PV(pvData(t, false, 8)) },
		"pv brouillon":     func() ([]byte, error) { return r.PV(pvData(t, true, 8)) },
	}
	for _, s := range []string{"titre", "partiel", "echec", "absent"} {
		docs["fiche "+s] = func() ([]byte, error) { return r.Fiche(ficheData(t, s)) }
	}
	for name, f := range docs {
		out, err := f()
		if err != nil {
			t.Fatal(err)
		}
		if id := uuidShape.FindString(pdftotext(t, out)); id != "" {
			t.Errorf("%s prints the identifier %s", name, id)
		}
	}
	if !uuidShape.MatchString("fin de validité de la version 01a23ae2-4b5c-4d6e-8f90-123456789abc") {
		t.Fatal("uuidShape does not match a UUID")
	}
}
