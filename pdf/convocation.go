package pdf

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/jung-kurt/gofpdf"

	"github.com/cipcert/cipcert/certification"
)

// The centre's documents (convocations, feuille d'émargement) are the
// centre's, not the State's: their header names the centre, never the
// République, its colours or a ministry; they carry no number, no
// verification code, and every page says who established them.
const (
	ConvocationLayout = "convocation/1"
	EmargementLayout  = "emargement/1"
)

// mentionCentre is the line every page of a centre document ends with.
func mentionCentre(centre string) string {
	return "Document établi par le centre " + strings.TrimSpace(centre) + " — ce document n’est pas un document de l’État."
}

// centreDoc is a centre document being laid out: the State's header and
// footer are replaced by the centre's.
type centreDoc struct {
	*doc
	centre certification.CentreEmetteur
}

func newCentreDoc(c certification.CentreEmetteur, kind string, etabli certification.Date) *centreDoc {
	d := &centreDoc{doc: &doc{Fpdf: gofpdf.New("P", "mm", "A4", ""), kind: kind, fs: fonts(), top: bodyTop}, centre: c}
	f := d.Fpdf
	f.SetCatalogSort(true)
	t := issueTime(etabli)
	f.SetCreationDate(t)
	f.SetModificationDate(t)
	// As in newDoc: each document gets its own copy of the font bytes.
	f.AddUTF8FontFromBytes(family, "", bytes.Clone(d.fs.regular))
	f.AddUTF8FontFromBytes(family, "B", bytes.Clone(d.fs.bold))
	f.SetMargins(marginX, bodyTop, marginX)
	f.SetCellMargin(0)
	f.SetAutoPageBreak(true, pageH-bodyBottom)
	f.SetTitle(d.line(kind), true)
	f.SetAuthor(d.line(c.Nom), true)
	f.SetCreator(LayoutVersion, false)
	f.SetProducer("cipcert", false)
	f.SetHeaderFunc(d.centreHeader)
	return d
}

// centreHeader names the centre and its address on the left, the document
// on the right: no block mark, no République.
func (d *centreDoc) centreHeader() {
	right := pageW - marginX
	d.color(black)
	d.font(true, 10.5)
	d.put(marginX, 11, 110, d.line(d.centre.Nom), "L")
	d.font(false, 9)
	d.put(marginX, 16.5, 110, d.line(d.centre.Adresse), "L")
	d.put(marginX, 20.7, 110, d.line(joinNonEmpty(" ", d.centre.CodePostal, d.centre.Ville)), "L")
	d.font(true, 9)
	d.put(right-60, 11, 60, d.line(d.kind), "R")
	d.font(false, 9)
	d.color(darkGrey)
	d.put(right-60, 16.5, 60, "Document du centre", "R")
	d.color(black)
	d.draw(ruleGrey)
	d.SetLineWidth(0.3)
	d.Line(marginX, headerRule, right, headerRule)
	d.SetXY(marginX, d.top)
}

// finishCentre draws the footers and returns the bytes.
func (d *centreDoc) finishCentre() ([]byte, error) {
	if d.bad != nil {
		return nil, d.bad
	}
	n := d.PageCount()
	d.SetAutoPageBreak(false, 0)
	right := pageW - marginX
	for i := 1; i <= n; i++ {
		d.SetPage(i)
		d.draw(ruleGrey)
		d.SetLineWidth(0.3)
		d.Line(marginX, footerRule, right, footerRule)
		d.fill(whiteFill)
		d.color(darkGrey)
		d.font(false, 8)
		for j, l := range d.wrap(d.line(mentionCentre(d.centre.Nom)), contentW-34) {
			d.put(marginX, 267.5+float64(j)*4.2, contentW-34, l, "L")
		}
		d.color(black)
		d.put(right-30, 267.5, 30, fmt.Sprintf("Page %d / %d", i, n), "R")
	}
	d.SetPage(n)
	return d.output()
}

// titre opens a centre document: its title and the titre evaluated.
func (d *centreDoc) titre(title string, s certification.SessionConvoquee) {
	d.color(black)
	d.para(title, true, 16, "C", marginX, contentW)
	d.space(1)
	d.para(fmt.Sprintf("Titre professionnel %s — %s", s.TitreCode, s.TitreIntitule), false, 11, "C", marginX, contentW)
	d.space(3)
}

// Convocations lays out each convocation from a new page, in one PDF.
func (*Renderer) Convocations(cs []certification.ConvocationData) ([]byte, error) {
	if len(cs) == 0 {
		return nil, fmt.Errorf("pdf: no convocation to render")
	}
	d := newCentreDoc(cs[0].Centre, "Convocation", cs[0].Etabli)
	for _, c := range cs {
		d.AddPage()
		d.convocation(c)
	}
	return d.finishCentre()
}

func (d *centreDoc) convocation(c certification.ConvocationData) {
	s := c.Session
	d.titre("Convocation à une session d’examen", s)
	d.space(1)

	nom := identity(c.Prenoms, c.NomNaissance)
	if c.NomUsage != "" && c.NomUsage != c.NomNaissance {
		nom += " (nom d’usage : " + c.NomUsage + ")"
	}
	d.heading("Candidat", 12)
	pairs := [][2]string{{"Nom et prénoms", nom}}
	if !c.DateNaissance.IsZero() {
		pairs = append(pairs, [2]string{"Date de naissance", c.DateNaissance.Francais()})
	}
	d.fields(45, pairs)

	d.heading("Session", 30)
	quand := periode(s.Debut, s.Fin)
	if s.Heure != "" {
		quand += ", à " + strings.Replace(s.Heure, ":", " h ", 1) + " le premier jour"
	}
	sp := [][2]string{{"Date", quand}, {"Lieu", s.Lieu}, {"Session", joinNonEmpty(" — ", s.Reference, typeSession(s.Type))}}
	if s.NumeroCeres != "" {
		sp = append(sp, [2]string{"N° CERES", s.NumeroCeres})
	}
	d.fields(45, sp)
	d.space(1)
	d.para("Vous êtes convoqué(e) à cette session pour être évalué(e) par le jury sur les épreuves suivantes.", false, 10, "L", marginX, contentW)

	d.heading("Épreuves", 20)
	for _, b := range c.CCP {
		d.para(joinNonEmpty(" — ", b.CCP, b.Intitule), true, 10, "L", marginX, contentW)
		for _, e := range b.Epreuves {
			d.para("•  "+e, false, 10, "L", marginX+4, contentW-4)
		}
		d.space(1.5)
	}
	if c.EntretienFinal {
		d.para("Entretien final avec le jury", true, 10, "L", marginX, contentW)
		d.space(1.5)
	}
	if c.ECF {
		d.para("Les résultats de vos évaluations passées en cours de formation (ECF) sont transmis au jury par le centre.", false, 10, "L", marginX, contentW)
	}

	if len(c.Amenagements) > 0 {
		d.heading("Aménagements d’épreuves", 20)
		d.para("Les épreuves se dérouleront avec les aménagements qui vous ont été accordés :", false, 10, "L", marginX, contentW)
		for _, a := range c.Amenagements {
			d.para("•  "+a, false, 10, "L", marginX+4, contentW-4)
		}
	}

	d.heading("À apporter", 12)
	for _, a := range c.Apporter {
		d.para("•  "+a, false, 10, "L", marginX+4, contentW-4)
	}

	d.heading("Contact", 12)
	d.fields(45, [][2]string{{"Centre", c.Centre.Nom},
		{"Adresse", joinNonEmpty(", ", c.Centre.Adresse, joinNonEmpty(" ", c.Centre.CodePostal, c.Centre.Ville))},
		{"Responsable de session", c.Centre.Contact}})
	d.space(4)
	d.para("En cas d’empêchement, prévenez le centre au plus tôt.", false, 10, "L", marginX, contentW)
	d.para(faitA(c.Centre.Ville, c.Etabli)+", par le centre.", false, 10, "L", marginX, contentW)
}
