package pdf

import (
	"bytes"
	"fmt"
	"sort"
	"time"

	"github.com/jung-kurt/gofpdf"

	"github.com/cipcert/cipcert/certification"
)

// DonneesLayout is the layout of the export of a candidat's personal data.
const DonneesLayout = "donnees/1"

// donneesDoc is the export of a candidat's data: not a document the State
// issues, so its header names the service, never the République.
type donneesDoc struct{ *doc }

// DonneesPersonnelles lays out everything held about a candidat, table by
// table and row by row, each column with its value: the same content as the
// JSON export, readable on paper.
func (*Renderer) DonneesPersonnelles(dc certification.DonneesCandidat) ([]byte, error) {
	d := donneesDoc{&doc{Fpdf: gofpdf.New("P", "mm", "A4", ""), kind: "Vos données personnelles", fs: fonts(), top: bodyTop}}
	f := d.Fpdf
	f.SetCatalogSort(true)
	f.SetCreationDate(dc.GenereLe)
	f.SetModificationDate(dc.GenereLe)
	f.AddUTF8FontFromBytes(family, "", bytes.Clone(d.fs.regular))
	f.AddUTF8FontFromBytes(family, "B", bytes.Clone(d.fs.bold))
	f.SetMargins(marginX, bodyTop, marginX)
	f.SetCellMargin(0)
	f.SetAutoPageBreak(true, pageH-bodyBottom)
	f.SetTitle(d.kind, true)
	f.SetCreator(LayoutVersion, false)
	f.SetProducer("cipcert", false)
	f.SetHeaderFunc(d.entete)
	f.AddPage()

	d.para("Vos données personnelles", true, 16, "C", marginX, contentW)
	d.space(1)
	d.para(fmt.Sprintf("Tout ce que cipcert détient à votre sujet au %s, table par table. Le même contenu est téléchargeable au format JSON depuis votre espace.",
		dc.GenereLe.In(paris).Format("02/01/2006 à 15 h 04")), false, 10, "L", marginX, contentW)
	for _, t := range dc.Tables {
		d.heading(fmt.Sprintf("%s (%d)", t.Description, len(t.Lignes)), 10)
		if len(t.Lignes) == 0 {
			d.para("Aucune donnée.", false, 10, "L", marginX, contentW)
		}
		for i, l := range t.Lignes {
			if i > 0 {
				d.space(2)
			}
			pairs := make([][2]string, 0, len(t.Colonnes))
			for _, c := range t.Colonnes {
				pairs = append(pairs, [2]string{c, valeur(l[c])})
			}
			d.fields(52, pairs)
		}
		if len(t.Omises) > 0 {
			omises := make([]string, 0, len(t.Omises))
			for c, pourquoi := range t.Omises {
				omises = append(omises, c+" : "+pourquoi)
			}
			sort.Strings(omises)
			for _, o := range omises {
				d.para("Non reproduit — "+o+".", false, 9, "L", marginX, contentW)
			}
		}
	}
	d.heading("Durées de conservation", 10)
	for _, k := range dc.Conservation {
		duree := "sans limite de durée"
		if k.DureeMois > 0 {
			duree = certification.DureeMois(k.DureeMois) + " à compter de " + k.Depart
		}
		d.fields(52, [][2]string{{k.Libelle, duree + ". " + k.Motif}})
	}
	if d.bad != nil {
		return nil, d.bad
	}
	n := d.PageCount()
	d.SetAutoPageBreak(false, 0)
	for i := 1; i <= n; i++ {
		d.SetPage(i)
		d.color(darkGrey)
		d.font(false, 8)
		d.put(marginX, 267.5, contentW-34, "Document établi à votre demande par cipcert — sans valeur de certification.", "L")
		d.put(pageW-marginX-30, 267.5, 30, fmt.Sprintf("Page %d / %d", i, n), "R")
	}
	d.SetPage(n)
	return d.output()
}

// entete names the service and the document; no République, no ministry.
func (d donneesDoc) entete() {
	d.color(black)
	d.font(true, 10.5)
	d.put(marginX, 11, 110, "cipcert", "L")
	d.font(true, 9)
	d.put(pageW-marginX-80, 11, 80, d.kind, "R")
	d.draw(ruleGrey)
	d.SetLineWidth(0.3)
	d.Line(marginX, headerRule, pageW-marginX, headerRule)
	d.SetXY(marginX, d.top)
}

// valeur prints a column's value: dates without a time when they have none.
func valeur(v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("02/01/2006")
		}
		return x.In(paris).Format("02/01/2006 15:04:05")
	case bool:
		if x {
			return "oui"
		}
		return "non"
	case string:
		if x == "" {
			return "—"
		}
		return x
	}
	return fmt.Sprint(v)
}
