package pdf

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/texte"
)

// admissible reports whether the service would let s reach a document as a
// name, a place or (multiline) a reason: what the input checks admit
// (texte.Verifier, certification's checkNom) and the fonts can draw.
func admissible(s string, max int, multiline bool) bool {
	n := texte.NFC(s)
	if utf8.RuneCountInString(n) > max || strings.TrimSpace(n) == "" {
		return false
	}
	if multiline {
		n = strings.ReplaceAll(n, "\n", " ")
	}
	faute, _ := texte.Verifier(n)
	return faute == texte.Correct && Unsupported(n) == nil
}

// comparable is text as pdftotext gives it back and as the input reads,
// made comparable: compatibility-normalised (a ligature or a full-width
// letter extracts as its plain letters) and without white space, which
// line wrapping moves (a word wider than its column is cut between
// letters, without a hyphen).
func comparable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, norm.NFKC.String(s))
}

// FuzzTextToPDF sends names, places and reasons through the parchemin and
// the PV: every document parses (pdftotext reads it) and gives back, in
// NFC, the text it was given. Inputs the service would refuse are skipped:
// they never reach a renderer.
func FuzzTextToPDF(f *testing.F) {
	for _, s := range [][4]string{
		{"Lefèvre", "Éloïse Thị Hoa", "Saint-Étienne (42)", "Les techniques d'entretien ne sont pas maîtrisées."},
		{"Nguye\u0302\u0303n", "E\u0301loi\u0308se", "Hanoï (Viêt Nam)", "très « bien » : oui !"},
		{"Wiśniewski-Żak", "Łukasz", "Łódź (Pologne)", "ligne un\nligne deux"},
		{"Ștefănescu", "Ștefan Țicu", "Iași", strings.Repeat("Anticonstitutionnellement ", 12)},
		{"O'Brien", "Seán", "Dún Laoghaire % _ \\ ;", "<script>alert(1)</script> & \"guillemets\""},
		{"Åström", "Øster Œdipe", "Ærø ½ €", "motif — tiret, « guillemets », apostrophe’"},
		{strings.Repeat("Abcdefghij", 10), "Jean", "Lyon", strings.Repeat("x", 300)},
		{"Test\u202eeivlyS", "Jean\u200b", "Lyon\u00ad", "\ufeffmotif"},
		{"Παπαδόπουλος", "Иван", "Αθήνα", "q\u0301\u0302 z\u0300"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	r := New()
	f.Fuzz(func(t *testing.T, nom, prenoms, lieu, motif string) {
		if !admissible(nom, 100, false) || !admissible(prenoms, 200, false) || !admissible(lieu, 200, false) ||
			!admissible(motif, 500, true) {
			t.Skip()
		}
		p := parcheminData(t)
		p.NomNaissance, p.NomUsage, p.Prenoms, p.LieuNaissance = nom, "", prenoms, lieu
		par, err := r.Parchemin(p)
		if err != nil {
			t.Fatalf("parchemin: %v", err)
		}
		got := comparable(pdftotext(t, par, "-raw"))
		for _, want := range []string{nom, prenoms, lieu} {
			if w := comparable(texte.NFC(want)); !strings.Contains(got, w) {
				t.Errorf("parchemin: %+q does not read back (%+q)", want, got)
			}
		}

		pv := pvData(t, true, 1)
		pv.Lieu = lieu
		pv.Candidats[0].Nom = prenoms + " " + nom
		pv.Candidats[0].Decisions = []certification.PVDecision{{CCP: "CCP1", Decision: "non acquis", Motifs: motif}}
		doc, err := r.PV(pv)
		if err != nil {
			t.Fatalf("PV: %v", err)
		}
		got = comparable(pdftotext(t, doc, "-raw"))
		for _, want := range []string{prenoms + " " + nom, lieu, motif} {
			if w := comparable(texte.NFC(strings.TrimSpace(want))); !strings.Contains(got, w) {
				t.Errorf("PV: %+q does not read back (%+q)", want, got)
			}
		}
	})
}
