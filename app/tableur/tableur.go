// Package tableur writes the exports people open in a spreadsheet: CSV as
// French Excel reads it (UTF-8 with a byte order mark, « ; » between
// fields) and XLSX, one row at a time, so that an export of any size is
// written as its rows arrive from the database.
//
// Every text cell passes through Neutraliser: a spreadsheet runs a cell
// that begins with =, +, -, @, a tab or a carriage return as a formula, and
// a candidat's name or a session's place must never run. Numbers are
// written as numbers (int64) or, for rates, as a share (Taux) shown as a
// percentage.
//
// The column layouts of the exports (ColonnesCeres, ColonnesSessions,
// ColonnesStatistiques) and the way a line of the service becomes a row
// live here, as the layout of a PDF lives in pdf/.
package tableur

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Format is the file format of an export.
type Format string

// The formats.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// ParseFormat reads the format a request names; empty means CSV.
func ParseFormat(s string) (Format, bool) {
	switch Format(s) {
	case "", CSV:
		return CSV, true
	case XLSX:
		return XLSX, true
	}
	return "", false
}

// ContentType is the media type of a file of this format.
func (f Format) ContentType() string {
	if f == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// Taux is a share between 0 and 1, written as a percentage.
type Taux float64

// Writer writes the rows of one sheet. Cells are strings, int64 or Taux;
// Close finishes the file and must be called once, after the last row.
type Writer interface {
	Write(cells []any) error
	Close() error
}

// New returns a writer of format f onto w; sheet names the XLSX sheet.
func New(f Format, w io.Writer, sheet string) (Writer, error) {
	if f == XLSX {
		return newXLSX(w, sheet)
	}
	return newCSV(w)
}

// Neutraliser prefixes with an apostrophe a text a spreadsheet would run
// as a formula: one that begins with =, +, -, @, a tab or a carriage
// return. The apostrophe is what a person types in a spreadsheet to keep
// such a text as it is.
func Neutraliser(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

type csvWriter struct {
	buf *bufio.Writer
	w   *csv.Writer
	row []string
}

func newCSV(w io.Writer) (*csvWriter, error) {
	buf := bufio.NewWriterSize(w, 64<<10)
	// French Excel reads a CSV file as Windows-1252 unless it starts with
	// a byte order mark, and splits fields on « ; ».
	if _, err := buf.WriteString("\ufeff"); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(buf)
	cw.Comma, cw.UseCRLF = ';', true
	return &csvWriter{buf: buf, w: cw}, nil
}

func (c *csvWriter) Write(cells []any) error {
	c.row = c.row[:0]
	for _, v := range cells {
		var s string
		switch x := v.(type) {
		case string:
			s = Neutraliser(x)
		case int64:
			s = strconv.FormatInt(x, 10)
		case Taux:
			s = pourcent(x)
		default:
			return fmt.Errorf("tableur: cell of type %T", v)
		}
		c.row = append(c.row, s)
	}
	return c.w.Write(c.row)
}

func (c *csvWriter) Close() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return err
	}
	return c.buf.Flush()
}

// pourcent writes a share as a French percentage with one decimal, « 66,7 ».
func pourcent(t Taux) string {
	return strings.Replace(strconv.FormatFloat(float64(t)*100, 'f', 1, 64), ".", ",", 1)
}

type xlsxWriter struct {
	out     io.Writer
	f       *excelize.File
	sw      *excelize.StreamWriter
	n       int
	row     []any
	percent int
}

func newXLSX(w io.Writer, sheet string) (*xlsxWriter, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	percent, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return nil, err
	}
	return &xlsxWriter{out: w, f: f, sw: sw, percent: percent}, nil
}

func (x *xlsxWriter) Write(cells []any) error {
	x.n++
	x.row = x.row[:0]
	for _, v := range cells {
		switch c := v.(type) {
		case string:
			x.row = append(x.row, Neutraliser(c))
		case int64:
			x.row = append(x.row, c)
		case Taux:
			x.row = append(x.row, excelize.Cell{StyleID: x.percent, Value: float64(c)})
		default:
			return fmt.Errorf("tableur: cell of type %T", v)
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, x.n)
	if err != nil {
		return err
	}
	return x.sw.SetRow(cell, x.row)
}

func (x *xlsxWriter) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	return x.f.Write(x.out)
}
