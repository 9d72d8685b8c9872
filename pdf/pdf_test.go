package pdf

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata from the current output")

// pdftotext runs poppler's pdftotext on doc with the given options and
// returns the text. A missing poppler is a failure, not a skip: the text
// checks are the only proof that the documents say what they must.
func pdftotext(t testing.TB, doc []byte, opts ...string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext not found on PATH: install poppler-utils (apt-get install -y poppler-utils)")
	}
	f := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(f, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, append(append([]string{"-enc", "UTF-8"}, opts...), f, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// layoutText is the text as laid out on the page, for golden files and
// per-page checks.
func layoutText(t testing.TB, doc []byte, opts ...string) string {
	return pdftotext(t, doc, append([]string{"-layout"}, opts...)...)
}

var spaces = regexp.MustCompile(`\s+`)

// flowText is the text in drawing order with whitespace collapsed: a value
// wrapped inside a table cell reads whole, which the column layout of
// layoutText interleaves with its neighbours.
func flowText(t testing.TB, doc []byte) string {
	return spaces.ReplaceAllString(pdftotext(t, doc, "-raw"), " ")
}

func pageCount(t testing.TB, doc []byte) int {
	t.Helper()
	m := regexp.MustCompile(`/Type /Pages\s*/Kids \[[^\]]*\]\s*/Count (\d+)`).FindSubmatch(doc)
	if m == nil {
		t.Fatal("no page count in the PDF")
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

func mustContain(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func mustNotContain(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if strings.Contains(text, w) {
			t.Errorf("%s contains %q", what, w)
		}
	}
}

// golden compares the layout text of doc with testdata/name.golden.txt,
// and the SHA-256 of its bytes with the one recorded there under the
// template's layout version: the bytes may change only with a new version.
// The text shows what changed; the sum catches what the text does not show
// (positions, fonts, compression).
func golden(t *testing.T, name, template string, doc []byte) {
	t.Helper()
	layout := LayoutVersion + " " + template
	sum := sha256.Sum256(doc)
	got := goldenFile{Layout: layout, SHA256: hex.EncodeToString(sum[:]), Text: layoutText(t, doc)}
	path := filepath.Join("testdata", name+".golden.txt")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./pdf -update to create it)", err)
	}
	want, err := parseGolden(string(raw))
	if err != nil {
		t.Fatalf("%s: %v (go test ./pdf -update rewrites it)", path, err)
	}
	if got.Text != want.Text {
		t.Errorf("%s differs from the golden file (go test ./pdf -update to accept):\n%s", path, firstDiff(want.Text, got.Text))
	}
	switch {
	case want.Layout != layout:
		t.Errorf("%s records layout %q, the template is now %q: go test ./pdf -update to record its bytes", path, want.Layout, layout)
	case want.SHA256 != got.SHA256:
		t.Errorf("%s: the bytes changed (SHA-256 %s, recorded %s) under the same layout %q: "+
			"bump the template's version (%s) and LayoutVersion in pdf/render.go, then go test ./pdf -update",
			path, got.SHA256, want.SHA256, layout, template)
	}
}

// goldenFile is a golden file: two header lines, then the layout text.
type goldenFile struct {
	Layout, SHA256, Text string
}

const (
	goldenLayout = "layout: "
	goldenSHA256 = "sha256: "
)

func (g goldenFile) String() string {
	return goldenLayout + g.Layout + "\n" + goldenSHA256 + g.SHA256 + "\n" + g.Text
}

func parseGolden(s string) (goldenFile, error) {
	layout, rest, ok1 := strings.Cut(s, "\n")
	sum, text, ok2 := strings.Cut(rest, "\n")
	if !ok1 || !ok2 || !strings.HasPrefix(layout, goldenLayout) || !strings.HasPrefix(sum, goldenSHA256) {
		return goldenFile{}, errors.New("no layout and sha256 header lines")
	}
	return goldenFile{
		Layout: strings.TrimPrefix(layout, goldenLayout),
		SHA256: strings.TrimPrefix(sum, goldenSHA256),
		Text:   text,
	}, nil
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\nwant %q\ngot  %q", i+1, a, b)
		}
	}
	return "(same lines, different line endings)"
}

// checkPages checks that every page carries the header and footer, and the
// number, code and URL of an issued document or the draft mention.
func checkPages(t *testing.T, doc []byte, e certification.EnTete) int {
	t.Helper()
	n := pageCount(t, doc)
	for i := 1; i <= n; i++ {
		p := layoutText(t, doc, "-f", strconv.Itoa(i), "-l", strconv.Itoa(i))
		what := fmt.Sprintf("page %d/%d", i, n)
		mustContain(t, what, p, "RÉPUBLIQUE FRANÇAISE", e.Ministere, e.Service, fmt.Sprintf("Page %d / %d", i, n))
		if e.Brouillon {
			mustContain(t, what, p, draftMention)
			mustNotContain(t, what, p, "Code de vérification", "https://")
		} else {
			mustContain(t, what, p, e.Numero, e.Code, e.URL)
			mustNotContain(t, what, p, "DOCUMENT DE TRAVAIL", "SANS VALEUR OFFICIELLE")
		}
	}
	return n
}

func TestParchemin(t *testing.T) {
	t.Parallel()
	p := parcheminData(t)
	out, err := New().Parchemin(p)
	if err != nil {
		t.Fatal(err)
	}
	text := flowText(t, out)
	mustContain(t, "parchemin", text,
		"TITRE PROFESSIONNEL", "Conseiller en insertion professionnelle",
		"Code TP-00403", "Niveau 5", "NSF 332t", "RNCP37274",
		"Vu l’arrêté de spécialité du 21 octobre 2003 modifié (JO du 1er décembre 2022) ;",
		"Vu le procès-verbal du jury de la session S-2026-0042 du 20/11/2026, n° PV-TP-00403-2026-000011 ;",
		"de niveau 5 du cadre national des certifications professionnelles, enregistré au répertoire national des certifications professionnelles sous le numéro RNCP37274, est délivré à",
		"Éloïse Thị Hoa Nguyễn-Moreau", "nom d’usage : Lefèvre",
		"né(e) le 14/02/1991 à Hanoï (Viêt Nam)",
		"Fait à Lyon, le 23/11/2026", "Pour le ministre et par délégation,", "Directeur régional adjoint DREETS Auvergne-Rhône-Alpes Łukasz Ștefan",
		p.Numero, p.Code, p.URL)
	mustNotContain(t, "parchemin", text, "Certificat complémentaire", "CERTIFICAT COMPLÉMENTAIRE", "Parchemin")
	if n := checkPages(t, out, p.EnTete); n != 1 {
		t.Errorf("parchemin has %d pages, want 1", n)
	}
	golden(t, "parchemin", ParcheminLayout, out)
}

func TestParcheminCCS(t *testing.T) {
	t.Parallel()
	p := parcheminData(t)
	p.NomUsage = ""
	p.CCS = "Accompagner des personnes en situation de handicap vers l’emploi"
	out, err := New().Parchemin(p)
	if err != nil {
		t.Fatal(err)
	}
	text := flowText(t, out)
	mustContain(t, "parchemin CCS", text,
		"CERTIFICAT COMPLÉMENTAIRE DE SPÉCIALISATION", "Le certificat complémentaire de spécialisation "+p.CCS,
		"associé au titre professionnel Conseiller en insertion professionnelle, est délivré à",
		"Éloïse Thị Hoa Nguyễn-Moreau")
	mustNotContain(t, "parchemin CCS", text, "nom d’usage")
	checkPages(t, out, p.EnTete)
	golden(t, "parchemin_ccs", ParcheminLayout, out)
}

func TestLivret(t *testing.T) {
	t.Parallel()
	_, _, blocs := cip(t)
	l := livretData(t, false, len(blocs), 0)
	out, err := New().Livret(l)
	if err != nil {
		t.Fatal(err)
	}
	text := flowText(t, out)
	mustContain(t, "livret", text,
		"Livret de certification", "Conseiller en insertion professionnelle",
		"Wiśniewski", "Łukasz Ștefan", "né(e) le 03/07/1988 à Kraków (Pologne)",
		l.VersionCode, l.VersionTexte, "Code TP-00403 — Niveau 5 — RNCP37274",
		"Acquis — session S-2026-0042, le 20/11/2026", "Manquant",
		"Pour obtenir le titre", "CCP à obtenir :", "• CCP2 — Accompagner les personnes",
		"Date limite pour obtenir le titre : 22/03/2028", l.RegleDateLimite,
		"Voies et délais de recours", "dans un délai de 2 mois à compter de sa notification, par un recours gracieux auprès de DREETS Auvergne-Rhône-Alpes",
		"Pour le ministre et par délégation,", "Le représentant territorial DREETS Auvergne-Rhône-Alpes", "Fait à Lyon, le 23/11/2026",
		"Mettre en œuvre une offre de services auprès des employeurs pour favoriser l'insertion professionnelle",
		l.Numero, l.Code, l.URL)
	for _, b := range blocs {
		mustContain(t, "livret", text, b.Code, b.Intitule, b.RNCPBloc)
		for _, c := range b.Competences {
			mustContain(t, "livret", text, c)
		}
	}
	checkPages(t, out, l.EnTete)
	golden(t, "livret", LivretLayout, out)
}

func TestLivretBrouillon(t *testing.T) {
	t.Parallel()
	_, _, blocs := cip(t)
	l := livretData(t, true, len(blocs), 0)
	out, err := New().Livret(l)
	if err != nil {
		t.Fatal(err)
	}
	text := flowText(t, out)
	mustContain(t, "draft livret", text, "Wiśniewski", "Łukasz Ștefan", "Conseiller en insertion professionnelle",
		"non numéroté (document de travail)")
	for _, b := range blocs {
		mustContain(t, "draft livret", text, b.Intitule)
	}
	mustNotContain(t, "draft livret", text, "LIV-TP-00403", "7QX4")
	checkPages(t, out, l.EnTete)
	golden(t, "livret_brouillon", LivretLayout, out)
}

func TestPV(t *testing.T) {
	t.Parallel()
	p := pvData(t, false, 8)
	out, err := New().PV(p)
	if err != nil {
		t.Fatal(err)
	}
	text := flowText(t, out)
	mustContain(t, "PV", text,
		"Procès-verbal de session", "S-2026-0042", "session titre", "Conseiller en insertion professionnelle",
		"TP-00403-2023", "AFPA Lyon-Vénissieux", "12 rue de l’Égalité, 69200 Vénissieux",
		"du 16/11/2026 au 20/11/2026", "CCP1, CCP2, CCP3",
		"Éloïse Thị Hoa Nguyễn-Moreau (Lefèvre)", "Łukasz Ștefan Wiśniewski", "Ðorđe Ðorđević",
		"Titre obtenu", "Réussite partielle", "Échec", "Absent", "défavorable",
		p.Numero, p.Code, p.URL)
	mustNotContain(t, "PV", text, "PV non validé", "rectificatif")
	checkPages(t, out, p.EnTete)
	golden(t, "pv", PVLayout, out)

	// Each element the PV must record, as the reader finds it.
	for _, c := range []struct{ what, want string }{
		{"centre", "Centre AFPA Lyon-Vénissieux"},
		{"place", "Lieu 12 rue de l’Égalité, 69200 Vénissieux"},
		{"responsable de session", "Responsable de session Chloé Bénard-Ngô"},
		{"habilitation reference and dates", "Jeanne Lefèvre n° HAB-ARA-2025-0147, du 06/01/2025 au 31/12/2027"},
		{"member without habilitation", "Aïcha Benali Aucune habilitation couvrant les dates de la session"},
		{"date of birth and route", "Éloïse Thị Hoa Nguyễn-Moreau (Lefèvre) né(e) le 01/01/1980 Formation continue, présent"},
		{"capitalisation route", "Capitalisation (après une formation), présent"},
		{"VAE route", "né(e) le 03/03/1982 VAE, présent"},
		{"CCP held before and its origin", "CCP1 Avant la session : acquis à la session S-2025-0117 le 12/06/2025 acquis"},
		{"evaluation elements with ECF", "CCP1 MSP, ET, DP ; ECF pris en compte acquis"},
		{"no ECF on the VAE route", "MSP, ET, DP ; ECF sans objet (VAE) non acquis"},
		{"legend of the elements", "MSP mise en situation professionnelle ; ET entretien technique ; QP questionnaire professionnel ; QAP questionnement à partir de productions ; DP dossier professionnel ; ECF évaluations passées en cours de formation."},
		{"reasons of a non acquis", "CCP3 MSP, ET, DP ; ECF pris en compte non acquis — motifs : Mise en situation professionnelle incomplète."},
		{"entretien final and outcome of a titre", "Résultat Entretien final : favorable Titre obtenu"},
		{"partial success", "Résultat Entretien final : non tenu Réussite partielle"},
		{"absent", "Formation continue, absent — Aucune évaluation — Résultat Entretien final : sans objet Absent"},
		{"abstention on the candidat", "Abstention François D’Artagnan lien déclaré : n’a ni évalué ni délibéré"},
		{"abstentions", "François D’Artagnan s’est abstenu(e) de délibérer, en raison d’un lien déclaré, sur : Øyvind Ångström, Ðorđe Ðorđević."},
		{"incidents", "Candidat en retard Arrivée à 9 h 40, mise en situation décalée de 30 minutes."},
		{"signature", "Signé le 20/11/2026 à 10 h 42 (heure de Paris)"},
		{"validation", "PV validé par Gaëlle Ørsted le 23/11/2026 à 00 h 05 (heure de Paris)"},
	} {
		if !strings.Contains(text, c.want) {
			t.Errorf("PV: %s: lacks %q", c.what, c.want)
		}
	}
	// Every member signed: nobody is listed as not signing.
	mustNotContain(t, "PV", text, "Non signé", "N’a pas signé")
}

// TestPVHeureDeParis checks that the PV prints signing and validation times
// in Europe/Paris, summer and winter, never in UTC.
func TestPVHeureDeParis(t *testing.T) {
	t.Parallel()
	p := pvData(t, false, 1)
	// 21:30 UTC on 30 June is 23:30 in Paris (UTC+2); 23:30 UTC on 31
	// December is 00:30 on 1 January in Paris (UTC+1).
	p.Jury[0].SigneAt = time.Date(2026, time.June, 30, 21, 30, 0, 0, time.UTC)
	p.ValideAt = time.Date(2026, time.December, 31, 23, 30, 0, 0, time.UTC)
	out, err := New().PV(p)
	if err != nil {
		t.Fatal(err)
	}
	text := flowText(t, out)
	mustContain(t, "PV in Paris time", text,
		"Signé le 30/06/2026 à 23 h 30 (heure de Paris)",
		"PV validé par Gaëlle Ørsted le 01/01/2027 à 00 h 30 (heure de Paris)")
	mustNotContain(t, "PV in Paris time", text, "UTC", "21 h 30", "31/12/2026 à 23 h 30")
}

// TestPVRectificatif checks that a rectified PV says so in its title and
// names the PV it replaces, its date of issue and the reason.
func TestPVRectificatif(t *testing.T) {
	t.Parallel()
	p := pvData(t, false, 2)
	p.Remplace = &certification.PVRemplace{Numero: "PV-TP-00403-2026-000011", EmisAt: time.Date(2026, time.November, 21, 8, 15, 0, 0, time.UTC),
		Motif: "Correction d’une erreur matérielle : le jury avait déclaré CCP2 non acquis."}
	out, err := New().PV(p)
	if err != nil {
		t.Fatal(err)
	}
	text := flowText(t, out)
	mustContain(t, "rectified PV", text, "Procès-verbal rectificatif de session",
		"Ce procès-verbal rectificatif remplace le procès-verbal n° PV-TP-00403-2026-000011 émis le 21/11/2026 à 09 h 15 (heure de Paris). Correction d’une erreur matérielle : le jury avait déclaré CCP2 non acquis.")
	checkPages(t, out, p.EnTete)
}

// TestPVCentCandidats checks that a session of 100 candidats paginates
// cleanly: every candidat is printed, each page of the table repeats its
// header, and a candidat cut by a page break is named again on the next.
func TestPVCentCandidats(t *testing.T) {
	t.Parallel()
	p := pvData(t, false, 100)
	out, err := New().PV(p)
	if err != nil {
		t.Fatal(err)
	}
	n := checkPages(t, out, p.EnTete)
	text := flowText(t, out)
	for _, c := range p.Candidats {
		mustContain(t, "PV 100", text, c.Nom+" né(e) le")
	}
	for i := 2; i <= n; i++ {
		page := layoutText(t, out, "-f", strconv.Itoa(i), "-l", strconv.Itoa(i))
		if strings.Contains(page, "Résultat") {
			mustContain(t, fmt.Sprintf("PV 100 page %d", i), page, "Candidat", "CCP", "Éléments d’évaluation", "Décision et motifs")
			// A page never opens on a row without a candidat's name.
			if first := firstBodyCell(page); !strings.Contains(page, "(suite)") && !startsWithCandidat(first, p.Candidats) {
				t.Errorf("PV 100 page %d opens on %q, not on a candidat", i, first)
			}
		}
	}
	mustContain(t, "PV 100", text, "PV validé par")
}

// firstBodyCell is the first line of a page's table under its header row.
func firstBodyCell(page string) string {
	lines := strings.Split(page, "\n")
	for i, l := range lines {
		if strings.Contains(l, "Décision et motifs") {
			for _, m := range lines[i+1:] {
				if m = strings.TrimSpace(m); m != "" {
					return m
				}
			}
		}
	}
	return ""
}

// startsWithCandidat reports whether the first column of a layout line is
// the start of a candidat's name (a long name wraps in its column).
func startsWithCandidat(line string, cs []certification.PVCandidat) bool {
	col := strings.TrimSpace(regexp.MustCompile(`\s{2,}`).Split(line, 2)[0])
	for _, c := range cs {
		if col != "" && strings.HasPrefix(c.Nom, col) {
			return true
		}
	}
	return false
}

func TestPVBrouillon(t *testing.T) {
	t.Parallel()
	p := pvData(t, true, 8)
	out, err := New().PV(p)
	if err != nil {
		t.Fatal(err)
	}
	text := flowText(t, out)
	mustContain(t, "draft PV", text, "PV non validé", "Éloïse Thị Hoa Nguyễn-Moreau (Lefèvre)", "Łukasz Ștefan Wiśniewski")
	mustNotContain(t, "draft PV", text, "PV validé", "PV-TP-00403")
	checkPages(t, out, p.EnTete)
	golden(t, "pv_brouillon", PVLayout, out)
}

// TestFlow checks that long documents run over several pages with the
// header and footer on each, and that no row is lost at a page break.
func TestFlow(t *testing.T) {
	t.Parallel()
	for _, brouillon := range []bool{false, true} {
		l := livretData(t, brouillon, 3, 6)
		out, err := New().Livret(l)
		if err != nil {
			t.Fatal(err)
		}
		if n := checkPages(t, out, l.EnTete); n < 2 {
			t.Errorf("livret 3×6 (brouillon %v) has %d page, want several", brouillon, n)
		}
		text := flowText(t, out)
		for _, b := range l.Blocs {
			for _, c := range b.Competences {
				mustContain(t, "livret 3×6", text, c)
			}
		}
		mustContain(t, "livret 3×6", text, "Date limite pour obtenir le titre", "Le représentant territorial", "Voies et délais de recours")

		p := pvData(t, brouillon, 40)
		out, err = New().PV(p)
		if err != nil {
			t.Fatal(err)
		}
		n := checkPages(t, out, p.EnTete)
		if n < 3 {
			t.Errorf("PV of 40 candidats (brouillon %v) has %d pages, want several", brouillon, n)
		}
		text = flowText(t, out)
		for _, c := range p.Candidats {
			mustContain(t, "PV 40", text, c.Nom)
		}
		// The table's header row is repeated on each page it runs over.
		for i := 2; i <= n; i++ {
			page := layoutText(t, out, "-f", strconv.Itoa(i), "-l", strconv.Itoa(i))
			if strings.Contains(page, "Titre obtenu") || strings.Contains(page, "Échec") {
				mustContain(t, fmt.Sprintf("PV 40 page %d", i), page, "Candidat", "CCP", "Éléments d’évaluation", "Décision et motifs")
			}
		}
	}
}

// TestLongRow checks a cell taller than a page: it is cut between lines and
// nothing is lost.
func TestLongRow(t *testing.T) {
	t.Parallel()
	p := pvData(t, false, 2)
	var motifs []string
	for i := 1; i <= 80; i++ {
		motifs = append(motifs, fmt.Sprintf("Observation n° %d du jury sur la mise en situation.", i))
	}
	p.Candidats[1].Decisions[0].Motifs = strings.Join(motifs, "\n")
	out, err := New().PV(p)
	if err != nil {
		t.Fatal(err)
	}
	checkPages(t, out, p.EnTete)
	text := flowText(t, out)
	// A line may be cut by the page break, the footer then falling between
	// its halves: look for the start of each line.
	for i := 1; i <= 80; i++ {
		mustContain(t, "PV long motifs", text, fmt.Sprintf("Observation n° %d du jury", i))
	}
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	r := New()
	render := map[string]func() ([]byte, error){
		"parchemin":        func() ([]byte, error) { return r.Parchemin(parcheminData(t)) },
		"livret":           func() ([]byte, error) { return r.Livret(livretData(t, false, 3, 6)) },
		"livret brouillon": func() ([]byte, error) { return r.Livret(livretData(t, true, 3, 0)) },
		"pv":               func() ([]byte, error) { return r.PV(pvData(t, false, 40)) },
		"pv brouillon":     func() ([]byte, error) { return r.PV(pvData(t, true, 5)) },
		"fiche":            func() ([]byte, error) { return r.Fiche(ficheData(t, "partiel")) },
	}
	for name, f := range render {
		a, err := f()
		if err != nil {
			t.Fatal(err)
		}
		// gofpdf keeps fonts and runes in maps: several renderings give
		// its iteration order several chances to leak into the bytes.
		for range 3 {
			b, err := f()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Errorf("%s: two renderings differ", name)
				break
			}
		}
		if !bytes.Contains(a, []byte("/CreationDate (D:20261123120000)")) {
			t.Errorf("%s: creation date is not the date of issue", name)
		}
	}
}

// TestDecomposedInput checks that text typed in decomposed form (e + U+0301)
// prints as the composed letter.
func TestDecomposedInput(t *testing.T) {
	t.Parallel()
	p := parcheminData(t)
	p.Prenoms = "E\u0301loi\u0308se"
	p.NomNaissance = "Nguye\u0302\u0303n"
	out, err := New().Parchemin(p)
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, "parchemin", flowText(t, out), "Éloïse Nguyễn")
}

func TestUnsupportedText(t *testing.T) {
	t.Parallel()
	if got := Unsupported("Nguyễn Łukasz Ștefan Œuvray D’Artagnan\n"); got != nil {
		t.Errorf("Unsupported(Latin names) = %q", got)
	}
	if got := Unsupported("李 Ana 😀 李"); string(got) != "李😀" {
		t.Errorf("Unsupported = %q, want 李😀", got)
	}
	p := parcheminData(t)
	p.Prenoms = "李小龙"
	_, err := New().Parchemin(p)
	var ue *UnsupportedTextError
	if !errors.As(err, &ue) || string(ue.Runes) != "李小龙" {
		t.Fatalf("err = %v, want an UnsupportedTextError for 李小龙", err)
	}
	pv := pvData(t, true, 2)
	pv.Candidats[0].Decisions[0].Motifs = "très bien 😀"
	if _, err := New().PV(pv); !errors.As(err, &ue) {
		t.Fatalf("err = %v, want an UnsupportedTextError for an emoji", err)
	}
}

func TestIssuedNeedsIdentity(t *testing.T) {
	t.Parallel()
	p := parcheminData(t)
	p.Code = ""
	if _, err := New().Parchemin(p); err == nil {
		t.Fatal("an issued parchemin without a verification code was rendered")
	}
}

func TestTemplate(t *testing.T) {
	t.Parallel()
	if got := New().Template(); got != LayoutVersion || got == "" {
		t.Fatalf("Template() = %q", got)
	}
}

// TestDump writes sample documents to $PDF_DUMP, to look at them:
// PDF_DUMP=/tmp/pdf go test ./pdf -run Dump.
func TestDump(t *testing.T) {
	t.Parallel()
	dir := os.Getenv("PDF_DUMP")
	if dir == "" {
		t.Skip("PDF_DUMP not set")
	}
	r := New()
	long := pvData(t, false, 2)
	long.Candidats[1].Decisions[0].Motifs = strings.Repeat("Observation du jury sur la mise en situation.\n", 80)
	docs := map[string]func() ([]byte, error){
		"parchemin":        func() ([]byte, error) { return r.Parchemin(parcheminData(t)) },
		"livret":           func() ([]byte, error) { return r.Livret(livretData(t, false, 3, 0)) },
		"livret_3x6":       func() ([]byte, error) { return r.Livret(livretData(t, false, 3, 6)) },
		"livret_brouillon": func() ([]byte, error) { return r.Livret(livretData(t, true, 3, 6)) },
		"pv":               func() ([]byte, error) { return r.PV(pvData(t, false, 40)) },
		"pv_brouillon":     func() ([]byte, error) { return r.PV(pvData(t, true, 8)) },
		"pv_long":          func() ([]byte, error) { return r.PV(long) },
		"parchemin_ccs": func() ([]byte, error) {
			p := parcheminData(t)
			p.CCS = "Accompagner des personnes en situation de handicap vers l’emploi"
			return r.Parchemin(p)
		},
		"pv_session": func() ([]byte, error) { return r.PV(pvData(t, false, 8)) },
		"pv_rectificatif": func() ([]byte, error) {
			p := pvData(t, false, 4)
			p.Remplace = &certification.PVRemplace{Numero: "PV-TP-00403-2026-000011", EmisAt: time.Date(2026, time.November, 21, 8, 15, 0, 0, time.UTC),
				Motif: "Correction d’une erreur matérielle : le jury avait déclaré CCP2 non acquis."}
			return r.PV(p)
		},
	}
	for _, s := range []string{"titre", "partiel", "echec", "absent"} {
		docs["fiche_"+s] = func() ([]byte, error) { return r.Fiche(ficheData(t, s)) }
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, f := range docs {
		b, err := f()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".pdf"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestConcurrent renders from several goroutines with one renderer: the
// shared fonts must come out unchanged (go test -race checks the rest).
func TestConcurrent(t *testing.T) {
	t.Parallel()
	r := New()
	l := livretData(t, false, 3, 0)
	want, err := r.Livret(l)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			got, err := r.Livret(l)
			if err == nil && !bytes.Equal(got, want) {
				err = errors.New("a concurrent rendering differs")
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestConcurrentDocuments renders documents of every kind on several
// goroutines at once: they share the parsed fonts and their /W arrays, and
// each must come out as it does alone (run with -race).
func TestConcurrentDocuments(t *testing.T) {
	r := New()
	l, p, f, pv := livretData(t, false, 3, 0), parcheminData(t), ficheData(t, "partiel"), pvData(t, false, 20)
	renders := []func() ([]byte, error){
		func() ([]byte, error) { return r.Livret(l) },
		func() ([]byte, error) { return r.Parchemin(p) },
		func() ([]byte, error) { return r.Fiche(f) },
		func() ([]byte, error) { return r.PV(pv) },
	}
	want := make([][]byte, len(renders))
	for i, render := range renders {
		var err error
		if want[i], err = render(); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for k := range 3 {
				i := (g + k) % len(renders)
				got, err := renders[i]()
				if err != nil {
					t.Error(err)
					return
				}
				if !bytes.Equal(got, want[i]) {
					t.Errorf("document %d rendered concurrently differs from the same rendered alone", i)
				}
			}
		})
	}
	wg.Wait()
}
