package pdf

import (
	"math"
	"strings"
)

// tcell is one cell of a table row.
type tcell struct {
	text   string
	bold   bool
	indent float64 // left indent in millimetres, for bullets
	bullet bool    // a bullet in the indent of the first line
	grey   bool
	// lead sets the cell's first paragraph in bold, such as a name above
	// the details that follow it.
	lead bool
}

// trow is a row: one cell per column.
type trow []tcell

// tblock is a group of rows framed together, such as a CCP and its
// compétences. A block that runs onto a new page repeats its first cell's
// text, marked "(suite)", so that the reader knows what the rows belong to.
type tblock struct {
	rows  []trow
	suite string
}

// table is a grid whose header row is repeated on every page it spans.
type table struct {
	cols []float64
	head trow
	size float64 // font size in points
}

// Padding inside cells, in millimetres.
const (
	padX     = 1.6
	padBlock = 1.6 // above the first row and below the last row of a block
	padInner = 0.4 // between rows of one block
)

// laidRow is a row split into lines, ready to draw.
type laidRow struct {
	cells [][]string
	// bold counts, per cell, the lines at its top set in bold (a lead).
	bold       []int
	row        trow
	top, below float64
	cont       bool // the rest of a row cut by a page break
}

func (d *doc) layRow(t table, r trow, top, below float64) laidRow {
	lr := laidRow{row: r, top: top, below: below}
	for i, c := range r {
		w := t.cols[i] - 2*padX - c.indent
		text := d.clean(c.text, true)
		lead, rest, ok := strings.Cut(text, "\n")
		if !c.lead || !ok {
			d.font(c.bold || c.lead, t.size)
			lr.cells = append(lr.cells, d.wrap(text, w))
			lr.bold = append(lr.bold, 0)
			continue
		}
		d.font(true, t.size)
		lines := d.wrap(lead, w)
		lr.bold = append(lr.bold, len(lines))
		d.font(c.bold, t.size)
		lr.cells = append(lr.cells, append(lines, d.wrap(rest, w)...))
	}
	return lr
}

func (lr laidRow) lines() int {
	n := 0
	for _, c := range lr.cells {
		n = max(n, len(c))
	}
	return n
}

func (lr laidRow) height(lh float64) float64 {
	return lr.top + float64(lr.lines())*lh + lr.below
}

func (t table) width() float64 {
	w := 0.0
	for _, c := range t.cols {
		w += c
	}
	return w
}

// drawTable lays the blocks out from the current position, breaking pages
// between rows (a block's first row stays with its second) and, for a row
// taller than a page, between lines.
func (d *doc) drawTable(t table, blocks []tblock) {
	lh := lineH(t.size)
	head := d.layRow(t, t.head, padBlock, padBlock)
	d.need(head.height(lh) + 2*lh + 2*padBlock)
	d.drawHead(t, head)
	for _, b := range blocks {
		for ri, r := range b.rows {
			top, below := padInner, padInner
			if ri == 0 {
				top = padBlock
			}
			if ri == len(b.rows)-1 {
				below = padBlock
			}
			lr := d.layRow(t, r, top, below)
			need := lr.height(lh)
			if ri == 0 && len(b.rows) > 1 {
				need += d.layRow(t, b.rows[1], padInner, padInner).height(lh)
			}
			// A row taller than a whole page is cut between lines below;
			// any other row moves whole to the next page.
			fresh := bodyBottom - d.top - head.height(lh)
			if d.GetY()+need > bodyBottom && (need <= fresh || d.GetY()+lr.top+3*lh > bodyBottom) {
				lr = d.tableBreak(t, head, b, ri, lr, r)
			}
			if ri == 0 {
				d.hrule(t)
			}
			for {
				rest := d.drawRow(t, lr, lh)
				if rest == nil {
					break
				}
				lr = d.tableBreak(t, head, b, 1, *rest, r)
			}
		}
		d.hrule(t)
	}
	d.space(2)
}

// tableBreak closes the table on this page and reopens it on the next: the
// header row, then, inside a block, its "(suite)" label.
func (d *doc) tableBreak(t table, head laidRow, b tblock, ri int, lr laidRow, r trow) laidRow {
	if ri > 0 {
		d.hrule(t)
	}
	d.AddPage()
	d.drawHead(t, head)
	if ri > 0 {
		lr.top = padBlock
		if b.suite != "" {
			// A first cell of its own, such as a line of a candidat's
			// identity, follows the label.
			d.font(false, t.size)
			label := d.wrap(d.clean(b.suite+" (suite)", false), t.cols[0]-2*padX)
			if !blank(lr.cells[0]) {
				label = append(label, lr.cells[0]...)
			}
			lr.cells[0] = label
			lr.bold[0] = 0
			lr.row = append(trow{{grey: true}}, r[1:]...)
		}
	}
	return lr
}

func (d *doc) drawHead(t table, head laidRow) {
	lh := lineH(t.size)
	h := head.height(lh)
	y := d.GetY()
	d.fill(headFill)
	d.draw(ruleGrey)
	d.SetLineWidth(0.2)
	d.Rect(marginX, y, t.width(), h, "FD")
	d.drawCells(t, head, y, lh, 0, head.lines())
	d.SetY(y + h)
}

// drawRow draws as many lines of lr as fit on the page and returns the rest,
// or nil once the row is complete.
func (d *doc) drawRow(t table, lr laidRow, lh float64) *laidRow {
	y := d.GetY()
	n := lr.lines()
	fit := int(math.Floor((bodyBottom - y - lr.top - lr.below) / lh))
	var rest *laidRow
	if fit < n {
		fit = max(fit, 1)
		r := laidRow{row: lr.row, top: padBlock, below: lr.below, cont: true}
		for i, c := range lr.cells {
			if len(c) > fit {
				r.cells = append(r.cells, c[fit:])
			} else {
				r.cells = append(r.cells, nil)
			}
			r.bold = append(r.bold, max(lr.bold[i]-fit, 0))
		}
		rest = &r
		n = fit
		lr.below = padInner
	}
	h := lr.top + float64(n)*lh + lr.below
	d.drawCells(t, lr, y, lh, 0, n)
	d.draw(ruleGrey)
	d.SetLineWidth(0.2)
	x := marginX
	d.Line(x, y, x, y+h)
	for _, w := range t.cols {
		x += w
		d.Line(x, y, x, y+h)
	}
	d.SetY(y + h)
	return rest
}

func (d *doc) drawCells(t table, lr laidRow, y, lh float64, from, to int) {
	x := marginX
	for i, c := range lr.cells {
		cell := lr.row[i]
		d.font(cell.bold, t.size)
		if cell.grey {
			d.color(darkGrey)
		} else {
			d.color(black)
		}
		if cell.bullet && !lr.cont && from == 0 && len(c) > 0 {
			d.put(x+padX, y+lr.top, cell.indent, "•", "L")
		}
		for k := from; k < to && k < len(c); k++ {
			if lr.bold[i] > 0 {
				d.font(cell.bold || k < lr.bold[i], t.size)
			}
			d.put(x+padX+cell.indent, y+lr.top+float64(k-from)*lh, t.cols[i]-2*padX-cell.indent, c[k], "L")
		}
		x += t.cols[i]
	}
	d.color(black)
}

func (d *doc) hrule(t table) {
	y := d.GetY()
	d.draw(ruleGrey)
	d.SetLineWidth(0.2)
	d.Line(marginX, y, marginX+t.width(), y)
}

func blank(lines []string) bool {
	for _, l := range lines {
		if l != "" {
			return false
		}
	}
	return true
}
