package pdf

import (
	"fmt"
	"strings"
	"sync"
	"unicode"

	"github.com/go-fonts/liberation/liberationsansbold"
	"github.com/go-fonts/liberation/liberationsansregular"
	"github.com/jung-kurt/gofpdf"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// fontRanges are the Unicode blocks a document may need: every letter of a
// name written in the Latin script (French, Vietnamese, Polish, Romanian,
// Czech, Nordic, Croatian…), the combining accents left after NFC, and the
// punctuation and symbols of French typography. Greek, Cyrillic and the
// rest of Liberation's repertoire are left out: a French civil-status
// identity is written in the Latin script, and each extra glyph costs
// parsing time on every document.
var fontRanges = [][2]rune{
	{0x0020, 0x007E}, // Basic Latin
	{0x00A0, 0x00FF}, // Latin-1 Supplement
	{0x0100, 0x017F}, // Latin Extended-A
	{0x0180, 0x024F}, // Latin Extended-B
	{0x0250, 0x02AF}, // IPA Extensions (ɛ, ɔ in some African names)
	{0x02B0, 0x02FF}, // Spacing Modifier Letters (ʻ, ʼ, ˚)
	{0x0300, 0x036F}, // Combining Diacritical Marks
	{0x1E00, 0x1EFF}, // Latin Extended Additional (Vietnamese)
	{0x2000, 0x206F}, // General Punctuation (’ « » – — … •)
	{0x20A0, 0x20CF}, // Currency Symbols (€)
	{0x2100, 0x214F}, // Letterlike Symbols (№, ™)
	{0x2190, 0x21FF}, // Arrows
	{0x2200, 0x22FF}, // Mathematical Operators (−, ≤, ≥)
	{0xFB00, 0xFB06}, // Latin ligatures (ﬁ, ﬂ)
}

// fontSet is the pair of subset fonts every document embeds, and the runes
// they can draw.
type fontSet struct {
	regular, bold []byte
	covered       [0x10000 / 64]uint64
}

func (fs *fontSet) has(r rune) bool {
	return r >= 0 && r < 0x10000 && fs.covered[r/64]&(1<<(r%64)) != 0
}

// fonts cuts Liberation Sans once per process: gofpdf parses the whole
// TrueType file on every document, and a third of that file is scripts a
// certificate never prints.
var fonts = sync.OnceValue(func() *fontSet {
	fs, err := subsetFonts(liberationsansregular.TTF, liberationsansbold.TTF)
	if err != nil {
		// The fonts are compiled in: this is a build defect, not a runtime
		// condition a caller could handle.
		panic(err)
	}
	return fs
})

func subsetFonts(regular, bold []byte) (*fontSet, error) {
	var parsed []*sfnt.Font
	for _, b := range [][]byte{regular, bold} {
		f, err := sfnt.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("pdf: parse font: %w", err)
		}
		parsed = append(parsed, f)
	}
	fs := &fontSet{}
	var cut strings.Builder
	var buf sfnt.Buffer
	for _, rg := range fontRanges {
		for r := rg[0]; r <= rg[1]; r++ {
			if glyphIn(parsed, &buf, r) {
				fs.covered[r/64] |= 1 << (r % 64)
				cut.WriteRune(r)
			}
		}
	}
	fs.regular = gofpdf.UTF8CutFont(regular, cut.String())
	fs.bold = gofpdf.UTF8CutFont(bold, cut.String())
	// The subset must draw what the full font drew: a regression in the
	// cutter would otherwise print blank names.
	for _, b := range [][]byte{fs.regular, fs.bold} {
		f, err := sfnt.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("pdf: parse subset font: %w", err)
		}
		for _, r := range cut.String() {
			if !glyphIn([]*sfnt.Font{f}, &buf, r) {
				return nil, fmt.Errorf("pdf: subset font lost U+%04X", r)
			}
		}
	}
	return fs, nil
}

func glyphIn(fs []*sfnt.Font, buf *sfnt.Buffer, r rune) bool {
	for _, f := range fs {
		if g, err := f.GlyphIndex(buf, r); err != nil || g == 0 {
			return false
		}
	}
	return true
}

// Unsupported returns the characters of s, once in NFC form, that the
// embedded fonts cannot draw, each once and in order of appearance. The
// renderer refuses such text rather than print an empty box on an official
// document; callers can check names and free text when they are entered.
func Unsupported(s string) []rune {
	fs := fonts()
	var out []rune
	for _, r := range norm.NFC.String(s) {
		if isLayoutControl(r) || fs.has(r) {
			continue
		}
		seen := false
		for _, o := range out {
			seen = seen || o == r
		}
		if !seen {
			out = append(out, r)
		}
	}
	return out
}

// isLayoutControl reports the characters the renderer turns into line
// breaks or spaces, or drops (a byte-order mark pasted with a name), instead
// of drawing them.
func isLayoutControl(r rune) bool { return unicode.IsControl(r) || r == '\uFEFF' }

// Unsupported lists the characters of s the embedded fonts cannot draw.
func (r *Renderer) Unsupported(s string) []rune { return Unsupported(s) }
