package pdf

import (
	"strings"

	"github.com/cipcert/cipcert/certification"
)

// Emargement lays out a session's attendance sheet: a row per candidat
// and épreuve, with a box where the candidat signs.
func (*Renderer) Emargement(e certification.EmargementData) ([]byte, error) {
	d := newCentreDoc(e.Centre, "Feuille d’émargement", e.Etabli)
	d.AddPage()
	s := e.Session
	d.titre("Feuille d’émargement", s)
	quand := periode(s.Debut, s.Fin)
	if s.Heure != "" {
		quand += ", à " + strings.Replace(s.Heure, ":", " h ", 1)
	}
	pairs := [][2]string{{"Session", joinNonEmpty(" — ", s.Reference, typeSession(s.Type))}, {"Date", quand}, {"Lieu", s.Lieu},
		{"Responsable de session", e.Centre.Contact}}
	if s.NumeroCeres != "" {
		pairs = append(pairs, [2]string{"N° CERES", s.NumeroCeres})
	}
	d.fields(50, pairs)
	d.heading("Émargement des candidats", 20)
	if len(e.Lignes) == 0 {
		d.para("Aucun candidat inscrit.", false, 10, "L", marginX, contentW)
		return d.finishCentre()
	}
	t := table{cols: []float64{55, 70, 45},
		head: trow{{text: "Candidat", bold: true}, {text: "Épreuve", bold: true}, {text: "Signature", bold: true}}, size: 9}
	// A block per line: its rules close each signature box.
	var blocks []tblock
	for _, l := range e.Lignes {
		// Two lines at least: room for a signature.
		blocks = append(blocks, tblock{rows: []trow{{{text: l.Candidat, bold: true}, {text: l.Epreuve + "\n"}, {text: ""}}}})
	}
	d.drawTable(t, blocks)
	d.space(4)
	d.para("Le responsable de session atteste l’exactitude de cette feuille. Signature :", false, 10, "L", marginX, contentW)
	return d.finishCentre()
}
