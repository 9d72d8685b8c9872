package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jung-kurt/gofpdf"
	"golang.org/x/text/unicode/norm"
	"rsc.io/qr"

	"github.com/cipcert/cipcert/certification"
)

// LayoutVersion names the layout of the documents. It is stored with every
// issued document (certification.Document.Gabarit) so that a document can be
// traced to the layout that produced it: change it whenever the output of a
// given input changes, with the version of each template whose output
// changes.
const LayoutVersion = "cipcert-pdf/2"

// The version of each template's layout. The golden files in testdata
// record it with the SHA-256 of the bytes rendered: new bytes under the
// same version fail the tests, so that no change of output goes out
// unnamed. Bump the template's version and LayoutVersion, then run
// `go test ./pdf -update`.
const (
	ParcheminLayout = "parchemin/2"
	LivretLayout    = "livret/2"
	PVLayout        = "pv/3"
	FicheLayout     = "fiche/1"
)

// Renderer lays documents out as PDF. It holds no state of its own and is
// safe for concurrent use.
type Renderer struct{}

var _ certification.Renderer = (*Renderer)(nil)

// New returns a renderer. The first call subsets the embedded fonts, which
// takes a few tens of milliseconds, so that no request pays for it.
func New() *Renderer {
	fonts()
	return &Renderer{}
}

// Template returns LayoutVersion.
func (*Renderer) Template() string { return LayoutVersion }

// UnsupportedTextError is returned when the data holds characters the
// embedded fonts cannot draw.
type UnsupportedTextError struct {
	Text  string // the offending value, in NFC form
	Runes []rune // its characters without a glyph
}

// Error names the value and its characters without a glyph.
func (e *UnsupportedTextError) Error() string {
	var cs []string
	for _, r := range e.Runes {
		cs = append(cs, fmt.Sprintf("%q (%U)", r, r))
	}
	return fmt.Sprintf("pdf: %q: no glyph for %s in the embedded fonts", e.Text, strings.Join(cs, ", "))
}

// Page geometry, in millimetres. The body stops above the footer, which is
// drawn once the page count is known.
const (
	pageW      = 210.0
	pageH      = 297.0
	marginX    = 20.0
	contentW   = pageW - 2*marginX
	headerRule = 29.0
	bodyTop    = 35.0
	draftTop   = 45.0
	bodyBottom = 261.0
	footerRule = 265.0
	qrSize     = 21.0
	family     = "sans"
)

// draftMention marks every page of a document that is not issued.
const draftMention = "DOCUMENT DE TRAVAIL, SANS VALEUR OFFICIELLE"

// Colours: dark text, grey rules and the red of the draft marks.
var (
	black    = [3]int{0, 0, 0}
	darkGrey = [3]int{70, 70, 70}
	ruleGrey = [3]int{140, 140, 140}
	headFill = [3]int{232, 232, 232}
	draftRed = [3]int{150, 20, 20}
	bannerBg = [3]int{250, 236, 236}
	// duplicataBg is the light blue behind a duplicata's mention.
	duplicataBg = [3]int{236, 236, 254}
	blueFR      = [3]int{0, 0, 145}
	redFR       = [3]int{225, 0, 15}
	whiteFill   = [3]int{255, 255, 255}
)

// doc is one document being laid out.
type doc struct {
	*gofpdf.Fpdf
	e    certification.EnTete
	kind string // the document's name, printed in the header
	fs   *fontSet
	qr   *qr.Code
	qrOp string  // the QR code's drawing operators, the same on every page
	top  float64 // where the body starts on each page
	bad  *UnsupportedTextError
}

func newDoc(e certification.EnTete, kind string) (*doc, error) {
	if !e.Brouillon && (e.Numero == "" || e.Code == "" || e.URL == "") {
		return nil, errors.New("pdf: an issued document needs a number, a verification code and a URL")
	}
	d := &doc{Fpdf: gofpdf.New("P", "mm", "A4", ""), e: e, kind: kind, fs: fonts(), top: bodyTop}
	if e.Brouillon || e.DuplicataDe != "" {
		d.top = draftTop
	}
	if !e.Brouillon {
		c, err := qr.Encode(e.URL, qr.M)
		if err != nil {
			return nil, fmt.Errorf("pdf: QR code of %q: %w", e.URL, err)
		}
		d.qr = c
	}
	f := d.Fpdf
	f.SetCatalogSort(true)
	t := issueTime(e.Date)
	f.SetCreationDate(t)
	f.SetModificationDate(t)
	// gofpdf parses each font once per process and only reads these bytes.
	f.AddUTF8FontFromBytes(family, "", d.fs.regular)
	f.AddUTF8FontFromBytes(family, "B", d.fs.bold)
	f.SetMargins(marginX, bodyTop, marginX)
	f.SetCellMargin(0)
	// Breaks are placed by the layout code; this is a safety net that keeps
	// text off the footer if an estimate is short.
	f.SetAutoPageBreak(true, pageH-bodyBottom)
	title := kind
	if !e.Brouillon {
		title += " n° " + e.Numero
	}
	if e.DuplicataDe != "" {
		title += ", " + duplicataMention(e.DuplicataDe)
	}
	f.SetTitle(d.line(title), true)
	f.SetAuthor(d.line(joinNonEmpty(", ", e.Service, e.Ministere)), true)
	f.SetCreator(LayoutVersion, false)
	f.SetProducer("cipcert", false)
	f.SetHeaderFunc(d.header)
	f.AddPage()
	return d, nil
}

// issueTime is the document's date at noon UTC, so that no time zone shifts
// it to another day. An undated draft gets a fixed date: the bytes must not
// depend on when they were made.
func issueTime(d certification.Date) time.Time {
	if d.IsZero() {
		return time.Date(2000, 1, 1, 12, 0, 0, 0, time.UTC)
	}
	return d.Time().Add(12 * time.Hour)
}

// finish draws the footers, now that the page count is known, and returns
// the bytes.
func (d *doc) finish() ([]byte, error) {
	if d.bad != nil {
		return nil, d.bad
	}
	n := d.PageCount()
	d.SetAutoPageBreak(false, 0)
	for i := 1; i <= n; i++ {
		d.SetPage(i)
		d.footer(i, n)
	}
	d.SetPage(n)
	return d.output()
}

// output returns the document's bytes, or the first error met drawing it.
func (d *doc) output() ([]byte, error) {
	if d.bad != nil {
		return nil, d.bad
	}
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// clean returns s as it will be drawn: NFC (a decomposed "é" from a form
// must not print as "e" and a floating accent), control characters as
// spaces, and line breaks kept only in multi-line text. A character the
// fonts lack is recorded, to fail the document, and drawn as "?" meanwhile
// so that the layout code never indexes a width table out of range.
func (d *doc) clean(s string, multiline bool) string {
	s = norm.NFC.String(strings.ReplaceAll(s, "\r\n", "\n"))
	var b strings.Builder
	var missing []rune
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r':
			if multiline {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		case r == '\uFEFF':
		case unicode.IsControl(r):
			b.WriteByte(' ')
		case d.fs.has(r):
			b.WriteRune(r)
		default:
			if !containsRune(missing, r) {
				missing = append(missing, r)
			}
			b.WriteByte('?')
		}
	}
	if missing != nil && d.bad == nil {
		d.bad = &UnsupportedTextError{Text: s, Runes: missing}
	}
	return b.String()
}

func containsRune(rs []rune, r rune) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// line cleans a single-line value.
func (d *doc) line(s string) string { return d.clean(s, false) }

func (d *doc) font(bold bool, size float64) {
	if bold {
		d.SetFont(family, "B", size)
	} else {
		d.SetFont(family, "", size)
	}
}

func (d *doc) color(c [3]int) { d.SetTextColor(c[0], c[1], c[2]) }
func (d *doc) fill(c [3]int)  { d.SetFillColor(c[0], c[1], c[2]) }
func (d *doc) draw(c [3]int)  { d.SetDrawColor(c[0], c[1], c[2]) }

// lineH is the leading of a font size in points, in millimetres.
func lineH(size float64) float64 { return size * 0.3528 * 1.22 }

// put writes one line of already clean text in a box of width w whose top
// is at y.
func (d *doc) put(x, y, w float64, s, align string) {
	_, size := d.GetFontSize()
	d.SetXY(x, y)
	d.CellFormat(w, lineH(size), s, "", 0, align, false, 0, "")
}

// wrap splits clean text into lines of at most w millimetres in the
// current font, honouring its line breaks. gofpdf's SplitText would also
// break at the space French typography puts before « : ; ! ? » and after «,
// leaving a lone "»" at the start of a line; a word wider than the column
// is cut between letters.
func (d *doc) wrap(s string, w float64) []string {
	var out []string
	sp := d.GetStringWidth(" ")
	for _, p := range strings.Split(s, "\n") {
		var line string
		lw := 0.0
		for i, word := range words(strings.TrimSpace(p)) {
			ww := d.GetStringWidth(word)
			if i > 0 {
				if lw+sp+ww <= w {
					line += " " + word
					lw += sp + ww
					continue
				}
				out = append(out, line)
			}
			for ww > w && utf8.RuneCountInString(word) > 1 {
				head := d.fit(word, w)
				out = append(out, head)
				word = word[len(head):]
				ww = d.GetStringWidth(word)
			}
			line, lw = word, ww
		}
		out = append(out, line)
	}
	return out
}

// words splits a paragraph at the spaces where a line may break.
func words(p string) []string {
	var out []string
	rs := []rune(p)
	start := 0
	for i, r := range rs {
		if r != ' ' {
			continue
		}
		if i+1 < len(rs) && strings.ContainsRune("»:;!?", rs[i+1]) || i > 0 && rs[i-1] == '«' {
			continue
		}
		out = append(out, string(rs[start:i]))
		start = i + 1
	}
	return append(out, string(rs[start:]))
}

// fit returns the longest prefix of s, at least one letter, that is at
// most w millimetres wide.
func (d *doc) fit(s string, w float64) string {
	end := 0
	for i, r := range s {
		if i > 0 && d.GetStringWidth(s[:i+utf8.RuneLen(r)]) > w {
			break
		}
		end = i + utf8.RuneLen(r)
	}
	return s[:end]
}

// need starts a new page unless h millimetres of body are left.
func (d *doc) need(h float64) {
	if d.GetY()+h > bodyBottom {
		d.AddPage()
	}
}

// para writes wrapped text in the column [x, x+w] from the current
// position, breaking pages between lines.
func (d *doc) para(s string, bold bool, size float64, align string, x, w float64) {
	d.font(bold, size)
	lh := lineH(size)
	for _, l := range d.wrap(d.clean(s, true), w) {
		d.need(lh)
		d.SetX(x)
		d.CellFormat(w, lh, l, "", 1, align, false, 0, "")
	}
}

func (d *doc) space(h float64) { d.SetY(d.GetY() + h) }

// heading is a section title with a rule under it, kept with the next
// minimum millimetres of body.
func (d *doc) heading(s string, keep float64) {
	d.space(3)
	d.need(9 + keep)
	d.color(black)
	d.font(true, 11.5)
	y := d.GetY()
	d.put(marginX, y, contentW, d.line(s), "L")
	d.draw(ruleGrey)
	d.SetLineWidth(0.3)
	d.Line(marginX, y+6, pageW-marginX, y+6)
	d.SetY(y + 8)
}

// fields writes label: value pairs, labels in a column of width lw.
func (d *doc) fields(lw float64, pairs [][2]string) {
	const size = 10
	lh := lineH(size)
	for _, p := range pairs {
		d.font(false, size)
		vals := d.wrap(d.clean(p[1], true), contentW-lw)
		d.font(true, size)
		labels := d.wrap(d.clean(p[0], false), lw-3)
		n := max(len(vals), len(labels))
		d.need(float64(n)*lh + 1)
		y := d.GetY()
		d.color(darkGrey)
		for i, l := range labels {
			d.put(marginX, y+float64(i)*lh, lw-3, l, "L")
		}
		d.color(black)
		d.font(false, size)
		for i, v := range vals {
			d.put(marginX+lw, y+float64(i)*lh, contentW-lw, v, "L")
		}
		d.SetY(y + float64(n)*lh + 1)
	}
}

// header draws the top of every page: the République, the ministry and the
// service on the left, the document and its number on the right; a draft
// also gets its mention across the page.
func (d *doc) header() {
	if d.e.Brouillon {
		d.watermark()
	}
	// The tricolour rule of the State's block mark.
	for i, c := range [][3]int{blueFR, whiteFill, redFR} {
		d.fill(c)
		d.Rect(marginX+float64(i)*5, 7.5, 5, 1.4, "F")
	}
	d.draw(ruleGrey)
	d.SetLineWidth(0.1)
	d.Rect(marginX, 7.5, 15, 1.4, "D")
	d.color(black)
	d.font(true, 10.5)
	d.put(marginX, 11.5, 100, "RÉPUBLIQUE FRANÇAISE", "L")
	d.font(true, 9)
	d.put(marginX, 17, 100, d.line(d.e.Ministere), "L")
	d.font(false, 9)
	d.put(marginX, 21.2, 100, d.line(d.e.Service), "L")

	right := pageW - marginX
	d.font(true, 9)
	d.put(right-70, 11.5, 70, d.line(d.kind), "R")
	d.font(false, 9)
	if d.e.Brouillon {
		d.color(draftRed)
		d.put(right-70, 17, 70, "Document de travail", "R")
	} else {
		d.put(right-70, 17, 70, d.line("N° "+d.e.Numero), "R")
	}
	d.draw(ruleGrey)
	d.SetLineWidth(0.3)
	d.Line(marginX, headerRule, right, headerRule)

	if d.e.Brouillon {
		d.banner(bannerBg, draftRed, draftMention)
	} else if d.e.DuplicataDe != "" {
		// A duplicata says so on every page, above its body, so that no
		// page of it passes for the original.
		d.banner(duplicataBg, blueFR, d.line(duplicataMention(d.e.DuplicataDe)))
	}
	d.color(black)
	d.SetXY(marginX, d.top)
}

// banner frames a mention across the page, under the header.
func (d *doc) banner(bg, fg [3]int, mention string) {
	d.fill(bg)
	d.draw(fg)
	d.SetLineWidth(0.4)
	d.Rect(marginX, 32, contentW, 8, "FD")
	d.color(fg)
	d.font(true, 11)
	d.put(marginX, 33.8, contentW, "« "+mention+" »", "C")
}

// duplicataMention is what a duplicata prints about its original.
func duplicataMention(original string) string { return "Duplicata du document n° " + original }

// watermark lays the draft mention diagonally across the page, in a grey
// light enough to read the body over it; it is drawn first so that the
// body covers it.
func (d *doc) watermark() { d.RawWriteStr(watermarkOps()) }

// footer draws the bottom of page i of n: the number, the verification code
// and its URL with the QR code, or the draft mention.
func (d *doc) footer(i, n int) {
	right := pageW - marginX
	d.draw(ruleGrey)
	d.SetLineWidth(0.3)
	d.Line(marginX, footerRule, right, footerRule)
	// A white fill makes gofpdf set the text colour explicitly, whatever
	// the page's content stream left behind.
	d.fill(whiteFill)
	d.color(black)
	d.font(false, 8)
	page := fmt.Sprintf("Page %d / %d", i, n)
	d.put(right-30, 267.5, 30, page, "R")
	if d.e.Brouillon {
		d.color(draftRed)
		d.font(true, 8)
		d.put(marginX, 267.5, contentW-32, draftMention, "L")
		d.color(darkGrey)
		d.font(false, 8)
		d.put(marginX, 271.5, contentW, "Non numéroté, sans code de vérification : ce document ne peut être ni vérifié ni produit comme justificatif.", "L")
		return
	}
	d.drawQR(marginX, 268, qrSize)
	x := marginX + qrSize + 4
	w := right - x
	d.font(true, 8)
	d.put(x, 267.5, w-32, d.line("Document n° "+d.e.Numero), "L")
	d.font(false, 8)
	d.put(x, 271.7, w, d.line("Code de vérification : "+d.e.Code), "L")
	d.put(x, 275.9, w, "Vérifiez l’authenticité de ce document en ligne, avec ce code ou le QR code :", "L")
	url := d.line(d.e.URL)
	size := 8.0
	for size > 5 && d.GetStringWidth(url) > w {
		size -= 0.5
		d.font(false, size)
	}
	d.put(x, 280.1, w, url, "L")
}

// drawQR draws the verification URL's QR code as filled squares, merging
// each row's runs of dark modules. The operators are written once per
// document and repeated on each page; they are what Rect writes.
func (d *doc) drawQR(x, y, size float64) {
	d.fill(black)
	if d.qrOp == "" {
		_, h := d.GetPageSize()
		d.qrOp = qrOperators(d.qr, x, y, size, d.GetConversionRatio(), h)
	}
	d.RawWriteStr(d.qrOp)
}

// qrOperators returns the PDF operators that fill the dark modules of c in
// the square of side size at (x, y) on a page of height pageHeight in user
// units, k points per unit: one "x y w h re f" line per run, as
// gofpdf's Rect writes it.
func qrOperators(c *qr.Code, x, y, size, k, pageHeight float64) string {
	m := size / float64(c.Size)
	var b []byte
	for row := 0; row < c.Size; row++ {
		// Rows overlap a hair so that viewers show no seam between them.
		h := m
		if row < c.Size-1 {
			h += m / 20
		}
		for col := 0; col < c.Size; {
			if !c.Black(col, row) {
				col++
				continue
			}
			start := col
			for col < c.Size && c.Black(col, row) {
				col++
			}
			if b != nil {
				b = append(b, '\n')
			}
			for _, v := range [4]float64{(x + float64(start)*m) * k, (pageHeight - (y + float64(row)*m)) * k, float64(col-start) * m * k, -h * k} {
				b = strconv.AppendFloat(b, v, 'f', 2, 64)
				b = append(b, ' ')
			}
			b = append(b, "re f"...)
		}
	}
	return string(b)
}

// signature writes the place and date of issue and the signatory, who
// signs for the minister by delegation, in the right half of the page.
func (d *doc) signature(s certification.Signataire) {
	fonction := strings.TrimSpace(s.Fonction)
	if fonction == "" {
		fonction = "Le représentant territorial"
	}
	lines := []string{fonction}
	for _, l := range []string{s.Autorite, s.Nom} {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	d.space(6)
	d.need(float64(len(lines)+3)*lineH(10.5) + 9)
	x := marginX + contentW/2
	w := contentW / 2
	d.color(black)
	d.para(faitA(d.e.Lieu, d.e.Date), false, 10.5, "L", x, w)
	d.space(3)
	d.para(mentionText("delegation")+",", false, 10.5, "L", x, w)
	d.space(1)
	d.para(lines[0], true, 10.5, "L", x, w)
	for _, l := range lines[1:] {
		d.para(l, false, 10.5, "L", x, w)
	}
}

// recours writes the voies et délais de recours of a decision.
func (d *doc) recours(r certification.Recours) {
	d.heading("Voies et délais de recours", 14)
	d.color(black)
	autorite := strings.TrimSpace(r.Autorite)
	if autorite == "" {
		autorite = "l’autorité qui a délivré ce document"
	}
	d.para(mentionText("recours", "delai", fmt.Sprint(r.DelaiMois), "autorite", autorite), false, 9.5, "L", marginX, contentW)
}

// faitA is the place and date line that closes a French administrative act.
func faitA(lieu string, date certification.Date) string {
	s := "Fait"
	if lieu = strings.TrimSpace(lieu); lieu != "" {
		s += " à " + lieu
	}
	if !date.IsZero() {
		if lieu != "" {
			s += ","
		}
		s += " le " + date.Francais()
	}
	return s
}

// identity joins given names and a name, either of which may be empty.
func identity(prenoms, nom string) string {
	return strings.TrimSpace(strings.TrimSpace(prenoms) + " " + strings.TrimSpace(nom))
}

// naissance is "né(e) le JJ/MM/AAAA à <lieu>", or what of it is known.
func naissance(date certification.Date, lieu string) string {
	var parts []string
	if !date.IsZero() {
		parts = append(parts, "le "+date.Francais())
	}
	if lieu = strings.TrimSpace(lieu); lieu != "" {
		parts = append(parts, "à "+lieu)
	}
	if parts == nil {
		return ""
	}
	return "né(e) " + strings.Join(parts, " ")
}

// joinNonEmpty joins the non-empty parts with sep.
func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
