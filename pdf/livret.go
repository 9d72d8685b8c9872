package pdf

import (
	"fmt"
	"strings"

	"github.com/cipcert/cipcert/certification"
)

// Livret lays out the livret de certification: the holder, the titre with
// its RNCP number and its version, every CCP with its RNCP bloc, status and
// compétences, what remains to do and by when, and the voies et délais de
// recours. The CCP table runs over as many pages as needed.
func (*Renderer) Livret(l certification.LivretData) ([]byte, error) {
	d, err := newDoc(l.EnTete, "Livret de certification")
	if err != nil {
		return nil, err
	}
	d.color(black)
	d.para("Livret de certification", true, 20, "L", marginX, contentW)
	d.space(1)
	d.para("Titre professionnel "+l.TitreIntitule, false, 12, "L", marginX, contentW)
	d.space(1)
	numero := "non numéroté (document de travail)"
	if !l.Brouillon {
		numero = l.Numero
	}
	d.color(darkGrey)
	d.para("Livret n° "+numero, false, 10, "L", marginX, contentW)

	d.heading("Titulaire", 20)
	d.fields(48, titulaireFields(l.Titulaire))

	d.heading("Titre professionnel", 20)
	d.fields(48, [][2]string{
		{"Intitulé", l.TitreIntitule},
		{"Code, niveau et RNCP", references(l.TitreCode, l.Niveau, "", l.RNCP)},
		{"Version du référentiel", joinNonEmpty(" — ", l.VersionCode, l.VersionTexte)},
	})

	acquis := 0
	for _, b := range l.Blocs {
		if b.Acquis {
			acquis++
		}
	}
	d.heading("Certificats de compétences professionnelles (CCP)", 40)
	d.color(black)
	d.para(fmt.Sprintf("CCP acquis : %d sur %d.", acquis, len(l.Blocs)), false, 10, "L", marginX, contentW)
	d.space(2)
	if len(l.Blocs) == 0 {
		d.para("Aucun CCP n’est défini pour cette version du titre.", false, 10, "L", marginX, contentW)
	}
	t := table{
		cols: []float64{31, 91, 48},
		head: trow{{text: "CCP", bold: true}, {text: "Intitulé et compétences", bold: true}, {text: "Statut", bold: true}},
		size: 9,
	}
	var blocks []tblock
	for _, b := range l.Blocs {
		bl := tblock{suite: b.Code, rows: []trow{{
			{text: b.Code, bold: true},
			{text: b.Intitule, bold: true},
			{text: statutCCP(b), bold: !b.Acquis},
		}}}
		for _, c := range b.Competences {
			bl.rows = append(bl.rows, trow{{}, {text: c, indent: 3.5, bullet: true}, {}})
		}
		// The RNCP bloc code goes under the CCP's, on the first row free.
		if rb := strings.TrimSpace(b.RNCPBloc); rb != "" {
			if len(bl.rows) == 1 {
				bl.rows = append(bl.rows, trow{{}, {}, {}})
			}
			bl.rows[1][0] = tcell{text: rb, grey: true}
		}
		blocks = append(blocks, bl)
	}
	if len(blocks) > 0 {
		d.drawTable(t, blocks)
	}

	if acquis < len(l.Blocs) {
		var manquants []string
		for _, b := range l.Blocs {
			if !b.Acquis {
				manquants = append(manquants, b.Code+" — "+b.Intitule)
			}
		}
		d.suite(mentionText("suite_partiel"), manquants, l.DateLimite, l.RegleDateLimite)
	}
	d.recours(l.Recours)
	d.signature(l.Signataire)
	return d.finish()
}

// suite writes what a candidat in partial success has left to do: the
// steps, the CCP missing, and the deadline with the rule that sets it.
func (d *doc) suite(etapes string, manquants []string, limite certification.Date, regle string) {
	d.heading("Pour obtenir le titre", 24)
	d.color(black)
	d.para(etapes, false, 10, "L", marginX, contentW)
	if len(manquants) > 0 {
		d.space(2)
		d.para("CCP à obtenir :", true, 10, "L", marginX, contentW)
		for _, m := range manquants {
			d.para("• "+m, false, 10, "L", marginX+3, contentW-3)
		}
	}
	d.space(2)
	if !limite.IsZero() {
		// The deadline stays on the page of the rule that sets it.
		d.need(lineH(11) + 3*lineH(9) + 1)
		d.color(black)
		d.para("Date limite pour obtenir le titre : "+limite.Francais(), true, 11, "L", marginX, contentW)
	}
	if r := strings.TrimSpace(regle); r != "" {
		d.space(1)
		d.color(darkGrey)
		d.para(r, false, 9, "L", marginX, contentW)
	}
}

// titulaireFields is the identity block of a holder.
func titulaireFields(t certification.Titulaire) [][2]string {
	f := [][2]string{{"Nom de naissance", t.NomNaissance}}
	if strings.TrimSpace(t.NomUsage) != "" {
		f = append(f, [2]string{"Nom d’usage", t.NomUsage})
	}
	f = append(f, [2]string{"Prénoms", t.Prenoms})
	if n := naissance(t.DateNaissance, t.LieuNaissance); n != "" {
		f = append(f, [2]string{"Naissance", n})
	}
	return f
}

// statutCCP is "Acquis — session S-…, le JJ/MM/AAAA" or "Manquant".
func statutCCP(b certification.LivretBloc) string {
	if !b.Acquis {
		return "Manquant"
	}
	s := "Acquis"
	if ref := strings.TrimSpace(b.Session); ref != "" {
		s += " — session " + ref
		if !b.Date.IsZero() {
			s += ","
		}
	}
	if !b.Date.IsZero() {
		s += " le " + b.Date.Francais()
	}
	return s
}
