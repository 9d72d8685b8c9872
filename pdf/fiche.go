package pdf

import (
	"strings"

	"github.com/cipcert/cipcert/certification"
)

// Fiche lays out the fiche individuelle de résultats of a candidat: the
// session, the jury's decision on each CCP with its reasons, the outcome,
// what to do next and the voies et délais de recours. It notifies the
// candidat of the decision, so that the period of a recours runs.
func (*Renderer) Fiche(f certification.FicheData) ([]byte, error) {
	d, err := newDoc(f.EnTete, "Fiche individuelle de résultats")
	if err != nil {
		return nil, err
	}
	d.color(black)
	d.para("Fiche individuelle de résultats", true, 20, "L", marginX, contentW)
	d.space(1)
	d.para("Titre professionnel "+f.TitreIntitule, false, 12, "L", marginX, contentW)

	d.heading("Candidat", 20)
	fields := titulaireFields(f.Titulaire)
	if p := strings.TrimSpace(f.Parcours); p != "" {
		fields = append(fields, [2]string{"Parcours", p})
	}
	d.fields(48, fields)

	d.heading("Session d’examen", 20)
	d.fields(48, [][2]string{
		{"Titre professionnel", joinNonEmpty(" — ", f.TitreIntitule, references(f.TitreCode, f.Niveau, "", f.RNCP))},
		{"Version du référentiel", f.VersionCode},
		{"Session", joinNonEmpty(" — ", f.SessionReference, typeSession(f.TypeSession), periode(f.Debut, f.Fin))},
		{"Présence", f.Presence},
	})

	d.heading("Décisions du jury", 30)
	if len(f.Decisions) == 0 {
		d.color(black)
		d.para("Aucune décision n’a été prise sur les CCP de cette session.", false, 10, "L", marginX, contentW)
	} else {
		t := table{
			cols: []float64{31, 91, 48},
			head: trow{{text: "CCP", bold: true}, {text: "Intitulé", bold: true}, {text: "Décision du jury", bold: true}},
			size: 9,
		}
		var blocks []tblock
		for _, dec := range f.Decisions {
			bl := tblock{suite: dec.Code, rows: []trow{{
				{text: dec.Code, bold: true},
				{text: dec.Intitule},
				{text: dec.Decision, bold: true},
			}}}
			if m := strings.TrimSpace(dec.Motifs); m != "" || dec.RNCPBloc != "" {
				bl.rows = append(bl.rows, trow{{text: dec.RNCPBloc, grey: true}, {}, {}})
				if m != "" {
					bl.rows[1][1] = tcell{text: "Motifs : " + m}
				}
			}
			blocks = append(blocks, bl)
		}
		d.drawTable(t, blocks)
	}
	d.space(2)
	d.fields(48, [][2]string{
		{"Entretien final", f.EntretienFinal},
		{"Résultat", f.Issue},
	})

	switch f.Suite {
	case "partiel":
		d.suite(mentionText("suite_partiel"), f.Manquants, f.DateLimite, f.RegleDateLimite)
	case "titre", "ccs", "echec", "absent":
		d.heading("Et maintenant", 14)
		d.color(black)
		d.para(mentionText("suite_"+f.Suite), false, 10, "L", marginX, contentW)
	}
	d.recours(f.Recours)
	d.signature(f.Signataire)
	return d.finish()
}
