package pdf

import (
	"fmt"
	"strings"

	"github.com/cipcert/cipcert/certification"
)

// PV lays out the procès-verbal of a session: the session, the jury and its
// signatures, a line per candidat with the decision on each CCP, the
// entretien final and the outcome, then the validation.
func (*Renderer) PV(p certification.PVData) ([]byte, error) {
	d, err := newDoc(p.EnTete, "Procès-verbal de session")
	if err != nil {
		return nil, err
	}
	d.color(black)
	d.para("Procès-verbal de session", true, 20, "L", marginX, contentW)
	d.space(1)
	d.para("Titre professionnel "+p.TitreIntitule, false, 12, "L", marginX, contentW)

	d.heading("Session", 20)
	ccp := strings.Join(p.CCP, ", ")
	if len(p.CCP) == 0 {
		ccp = "tous les CCP de la version"
	}
	d.fields(42, [][2]string{
		{"Référence", p.SessionReference},
		{"Type", typeSession(p.TypeSession)},
		{"Titre", joinNonEmpty(" — ", p.TitreIntitule, p.TitreCode)},
		{"Version", p.VersionCode},
		{"Centre", p.Centre},
		{"Lieu", p.Lieu},
		{"Dates", periode(p.Debut, p.Fin)},
		{"CCP évalués", ccp},
	})

	d.heading("Jury", 15)
	if len(p.Jury) == 0 {
		d.para("Aucun membre du jury.", false, 10, "L", marginX, contentW)
	} else {
		t := table{
			cols: []float64{85, 85},
			head: trow{{text: "Membre du jury", bold: true}, {text: "Signature du procès-verbal", bold: true}},
			size: 9,
		}
		var blocks []tblock
		for _, j := range p.Jury {
			sig := "Non signé"
			if s := strings.TrimSpace(j.SigneLe); s != "" {
				sig = "Signé le " + s
			}
			blocks = append(blocks, tblock{rows: []trow{{{text: j.Nom}, {text: sig, grey: j.SigneLe == ""}}}})
		}
		d.drawTable(t, blocks)
	}

	d.heading(fmt.Sprintf("Candidats (%d)", len(p.Candidats)), 25)
	if len(p.Candidats) == 0 {
		d.para("Aucun candidat.", false, 10, "L", marginX, contentW)
	} else {
		t := table{
			cols: []float64{40, 18, 68, 21, 23},
			head: trow{
				{text: "Candidat", bold: true}, {text: "Présence", bold: true}, {text: "Décision par CCP", bold: true},
				{text: "Entretien final", bold: true}, {text: "Issue", bold: true},
			},
			size: 8.5,
		}
		var blocks []tblock
		for _, c := range p.Candidats {
			blocks = append(blocks, tblock{suite: c.Nom, rows: []trow{{
				{text: c.Nom, bold: true},
				{text: c.Presence},
				{text: decisions(c.Decisions) + abstentions(c.Abstentions)},
				{text: c.EntretienFinal},
				{text: c.Issue, bold: true},
			}}})
		}
		d.drawTable(t, blocks)
	}

	if len(p.Incidents) > 0 {
		d.heading(fmt.Sprintf("Incidents et observations (%d)", len(p.Incidents)), 25)
		t := table{
			cols: []float64{45, 45, 80},
			head: trow{{text: "Candidat", bold: true}, {text: "Catégorie", bold: true}, {text: "Observation", bold: true}},
			size: 8.5,
		}
		var blocks []tblock
		for _, x := range p.Incidents {
			obs := strings.TrimSpace(x.Description)
			if obs == "" {
				obs = "—"
			}
			blocks = append(blocks, tblock{suite: x.Candidat, rows: []trow{{{text: x.Candidat}, {text: x.Categorie}, {text: obs}}}})
		}
		d.drawTable(t, blocks)
	}

	d.space(4)
	d.need(3 * lineH(11))
	d.color(black)
	d.para(validation(p), true, 11, "L", marginX, contentW)
	if r := strings.TrimSpace(p.Rectificatif); r != "" {
		d.space(2)
		d.para(r, true, 10, "L", marginX, contentW)
	}
	d.space(2)
	d.para(faitA(p.EnTete.Lieu, p.EnTete.Date), false, 10, "L", marginX, contentW)
	return d.finish()
}

// typeSession names the kinds of session the service knows and passes any
// other through.
func typeSession(t string) string {
	switch t {
	case "titre":
		return "session titre (tous les CCP de la version)"
	case "ccp":
		return "session CCP"
	}
	return t
}

// periode is "du JJ/MM/AAAA au JJ/MM/AAAA", or "le JJ/MM/AAAA" for one day.
func periode(debut, fin certification.Date) string {
	switch {
	case debut.IsZero() && fin.IsZero():
		return ""
	case fin.IsZero() || !debut.Before(fin) && !fin.Before(debut):
		return "le " + debut.Francais()
	case debut.IsZero():
		return "le " + fin.Francais()
	}
	return "du " + debut.Francais() + " au " + fin.Francais()
}

// decisions is one line per CCP: "CCP2 : non acquis — motifs : …".
func decisions(ds []certification.PVDecision) string {
	if len(ds) == 0 {
		return "—"
	}
	var lines []string
	for _, x := range ds {
		l := joinNonEmpty(" : ", x.CCP, x.Decision)
		if m := strings.TrimSpace(x.Motifs); m != "" {
			l += " — motifs : " + m
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}

// abstentions is a line naming the members who did not deliberate on the
// candidat because of a declared link, or nothing.
func abstentions(noms []string) string {
	if len(noms) == 0 {
		return ""
	}
	return "\nAbstention (lien déclaré) : " + strings.Join(noms, ", ")
}

// validation says who validated the PV and when, if it was.
func validation(p certification.PVData) string {
	by := strings.TrimSpace(p.ValidePar)
	if by == "" && p.ValideLe.IsZero() {
		return "PV non validé"
	}
	s := "PV validé"
	if by != "" {
		s += " par " + by
	}
	if !p.ValideLe.IsZero() {
		s += " le " + p.ValideLe.Francais()
	}
	return s
}
