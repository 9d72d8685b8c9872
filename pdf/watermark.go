package pdf

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// watermarkLines are painted diagonally across every page of a draft.
var watermarkLines = []string{"DOCUMENT DE TRAVAIL", "SANS VALEUR OFFICIELLE"}

// watermarkOps returns the PDF operators that paint the draft watermark
// across an A4 page. The letters are filled outlines, not text: as text,
// text extraction would scatter the diagonal letters through the body. The
// mention stays extractable from the banner and the footer. It is built
// once, and each page only copies it.
var watermarkOps = sync.OnceValue(func() string {
	ops, err := outlineOps(fonts().bold, watermarkLines, 46, 0.9)
	if err != nil {
		panic(err) // the compiled-in font lacks a capital letter: a build defect
	}
	return ops
})

// outlineOps paints lines of text in the given font, size (points) and
// grey, centred on the page and rotated along its diagonal.
func outlineOps(ttf []byte, lines []string, size, grey float64) (string, error) {
	f, err := sfnt.Parse(ttf)
	if err != nil {
		return "", err
	}
	var buf sfnt.Buffer
	upem := fixed.I(int(f.UnitsPerEm()))
	scale := size / float64(f.UnitsPerEm()) / 64 // 26.6 font units to points
	wPt, hPt := pageW/25.4*72, pageH/25.4*72
	angle := math.Atan2(pageH-90, pageW-30)
	cos, sin := math.Cos(angle), math.Sin(angle)

	var b []byte
	num := func(v float64) {
		b = strconv.AppendFloat(b, math.Round(v*10)/10, 'f', -1, 64)
		b = append(b, ' ')
	}
	b = fmt.Appendf(b, "q %.3f g ", grey)
	for _, v := range []float64{cos, sin, -sin, cos, wPt / 2, hPt / 2} {
		b = strconv.AppendFloat(b, v, 'f', 4, 64)
		b = append(b, ' ')
	}
	b = append(b, "cm\n"...)
	gap := size * 0.25
	capH := size * 0.72
	for li, line := range lines {
		// Baselines sit so that the block of lines is centred on the origin.
		base := (float64(len(lines))/2-float64(li)-1)*(capH+2*gap) + gap
		width := 0.0
		var glyphs []sfnt.GlyphIndex
		for _, r := range line {
			g, err := f.GlyphIndex(&buf, r)
			if err != nil || g == 0 {
				return "", fmt.Errorf("pdf: no glyph for %q", r)
			}
			adv, err := f.GlyphAdvance(&buf, g, upem, font.HintingNone)
			if err != nil {
				return "", err
			}
			glyphs = append(glyphs, g)
			width += float64(adv) * scale
		}
		x := -width / 2
		for _, g := range glyphs {
			segs, err := f.LoadGlyph(&buf, g, upem, nil)
			if err != nil {
				return "", err
			}
			pt := func(p fixed.Point26_6) (float64, float64) {
				return x + float64(p.X)*scale, base - float64(p.Y)*scale
			}
			var cx, cy float64
			for _, s := range segs {
				switch s.Op {
				case sfnt.SegmentOpMoveTo:
					cx, cy = pt(s.Args[0])
					num(cx)
					num(cy)
					b = append(b, "m "...)
				case sfnt.SegmentOpLineTo:
					cx, cy = pt(s.Args[0])
					num(cx)
					num(cy)
					b = append(b, "l "...)
				case sfnt.SegmentOpQuadTo:
					// PDF has cubic curves only: raise the quadratic's degree.
					qx, qy := pt(s.Args[0])
					ex, ey := pt(s.Args[1])
					num(cx + 2*(qx-cx)/3)
					num(cy + 2*(qy-cy)/3)
					num(ex + 2*(qx-ex)/3)
					num(ey + 2*(qy-ey)/3)
					num(ex)
					num(ey)
					b = append(b, "c "...)
					cx, cy = ex, ey
				case sfnt.SegmentOpCubeTo:
					for _, a := range s.Args {
						cx, cy = pt(a)
						num(cx)
						num(cy)
					}
					b = append(b, "c "...)
				}
			}
			adv, _ := f.GlyphAdvance(&buf, g, upem, font.HintingNone)
			x += float64(adv) * scale
		}
	}
	b = append(b, "f Q"...)
	return strings.TrimSpace(string(b)), nil
}
