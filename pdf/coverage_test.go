package pdf

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// staticStrings returns every string literal of the package's non-test
// source: the templates' labels cannot then escape the coverage check by
// being added without being listed.
func staticStrings(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatalf("%s: %v", fset.Position(lit.Pos()), err)
			}
			out = append(out, s)
			return true
		})
	}
	if len(out) < 50 {
		t.Fatalf("found only %d string literals: is the scan broken?", len(out))
	}
	return out
}

// TestGlyphCoverage checks that the embedded fonts, as embedded, have a
// glyph for every character of every label and of names from across the
// Latin script.
func TestGlyphCoverage(t *testing.T) {
	t.Parallel()
	fs := fonts()
	var parsed []*sfnt.Font
	for _, b := range [][]byte{fs.regular, fs.bold} {
		f, err := sfnt.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, f)
	}
	var texts []string
	texts = append(texts, staticStrings(t)...)
	texts = append(texts, hardNames...)
	texts = append(texts, candidatNames...)
	// Every letter of the Latin blocks a name may use.
	var blocks strings.Builder
	for _, rg := range [][2]rune{{0x00A0, 0x00FF}, {0x0100, 0x017F}, {0x0180, 0x024F}, {0x1E00, 0x1E9B}, {0x1EA0, 0x1EF9}} {
		for r := rg[0]; r <= rg[1]; r++ {
			blocks.WriteRune(r)
		}
	}
	texts = append(texts, blocks.String())
	var buf sfnt.Buffer
	for _, s := range texts {
		for _, r := range norm.NFC.String(s) {
			if isLayoutControl(r) || (r < 0x20) {
				continue
			}
			for i, f := range parsed {
				g, err := f.GlyphIndex(&buf, r)
				if err != nil || g == 0 {
					t.Errorf("font %d has no glyph for %q (%U) of %q", i, r, r, s)
				}
			}
			if !fs.has(r) {
				t.Errorf("%q (%U) of %q is not marked as covered", r, r, s)
			}
		}
	}
}

// TestSubsetSmaller guards the reason for the subset: it must stay well
// below the full font that gofpdf would otherwise parse per document.
func TestSubsetSmaller(t *testing.T) {
	t.Parallel()
	fs := fonts()
	for _, b := range [][]byte{fs.regular, fs.bold} {
		f, err := sfnt.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		if f.NumGlyphs() > 1500 {
			t.Errorf("subset has %d glyphs", f.NumGlyphs())
		}
	}
}
