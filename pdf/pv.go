package pdf

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Paris wherever the binary runs, even without system zoneinfo

	"github.com/cipcert/cipcert/certification"
)

// paris is the time zone of the times a PV prints: a signature at 23:30
// UTC on 30 November took place on 1 December for the jury.
var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return l
}()

// heureParis is "23/11/2026 à 11 h 42", the instant t in Europe/Paris.
func heureParis(t time.Time) string {
	return t.In(paris).Format("02/01/2006 à 15 h 04")
}

// PV lays out the procès-verbal of a session: the session and its
// responsable, the jury with its habilitations and signatures, then a block
// per candidat (identity, route, CCP held before, the decision on each CCP
// with the evaluation elements and reasons, entretien final, outcome), the
// abstentions, the incidents and the validation.
func (*Renderer) PV(p certification.PVData) ([]byte, error) {
	d, err := newDoc(p.EnTete, "Procès-verbal de session")
	if err != nil {
		return nil, err
	}
	d.color(black)
	title := "Procès-verbal de session"
	if p.Remplace != nil {
		title = "Procès-verbal rectificatif de session"
	}
	d.para(title, true, 20, "L", marginX, contentW)
	d.space(1)
	d.para("Titre professionnel "+p.TitreIntitule, false, 12, "L", marginX, contentW)
	if r := p.Remplace; r != nil {
		d.space(2)
		d.para(remplace(r), true, 10, "L", marginX, contentW)
	}

	d.heading("Session", 20)
	ccp := strings.Join(p.CCP, ", ")
	if len(p.CCP) == 0 {
		ccp = "tous les CCP de la version"
	}
	responsable := strings.TrimSpace(p.Responsable)
	if responsable == "" {
		responsable = "non désigné"
	}
	d.fields(46, [][2]string{
		{"Référence", p.SessionReference},
		{"Type", typeSession(p.TypeSession)},
		{"Titre", joinNonEmpty(" — ", p.TitreIntitule, p.TitreCode)},
		{"Version", p.VersionCode},
		{"Centre", p.Centre},
		{"Lieu", p.Lieu},
		{"Responsable de session", responsable},
		{"Dates", periode(p.Debut, p.Fin)},
		{"CCP évalués", ccp},
	})

	d.heading("Jury", 15)
	if len(p.Jury) == 0 {
		d.para("Aucun membre du jury.", false, 10, "L", marginX, contentW)
	} else {
		t := table{
			cols: []float64{50, 65, 55},
			head: trow{{text: "Membre du jury", bold: true}, {text: "Habilitation", bold: true}, {text: "Signature du procès-verbal", bold: true}},
			size: 9,
		}
		var blocks []tblock
		for _, j := range p.Jury {
			sig := "Non signé"
			if !j.SigneAt.IsZero() {
				sig = "Signé le " + heureParis(j.SigneAt) + " (heure de Paris)"
			}
			blocks = append(blocks, tblock{rows: []trow{{
				{text: j.Nom}, {text: habilitations(j.Habilitations), grey: len(j.Habilitations) == 0}, {text: sig, grey: j.SigneAt.IsZero()},
			}}})
		}
		d.drawTable(t, blocks)
	}

	d.heading(fmt.Sprintf("Candidats (%d)", len(p.Candidats)), 30)
	if len(p.Candidats) == 0 {
		d.para("Aucun candidat.", false, 10, "L", marginX, contentW)
	} else {
		d.para(elementsLegende, false, 8, "L", marginX, contentW)
		d.space(1.5)
		t := table{
			cols: []float64{44, 17, 51, 58},
			head: trow{
				{text: "Candidat", bold: true}, {text: "CCP", bold: true},
				{text: "Éléments d’évaluation", bold: true}, {text: "Décision et motifs", bold: true},
			},
			size: 8,
		}
		var blocks []tblock
		for _, c := range p.Candidats {
			blocks = append(blocks, candidatBlock(c))
		}
		d.drawTable(t, blocks)
	}

	if abs := abstentionLines(p); len(abs) > 0 {
		d.heading("Abstentions", 15)
		for _, l := range abs {
			d.para("• "+l, false, 9.5, "L", marginX, contentW)
		}
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

	if len(p.Amenagements) > 0 {
		d.heading(fmt.Sprintf("Aménagements d’épreuves appliqués (%d)", len(p.Amenagements)), 25)
		d.para("Les aménagements ci-dessous, accordés avant la session, ont été appliqués lors des épreuves.", false, 9.5, "L", marginX, contentW)
		d.space(1)
		t := table{
			cols: []float64{45, 75, 50},
			head: trow{{text: "Candidat", bold: true}, {text: "Aménagement", bold: true}, {text: "Accordé par", bold: true}},
			size: 8.5,
		}
		var blocks []tblock
		for _, x := range p.Amenagements {
			blocks = append(blocks, tblock{suite: x.Candidat, rows: []trow{{{text: x.Candidat}, {text: x.Amenagement}, {text: x.Decision}}}})
		}
		d.drawTable(t, blocks)
	}

	d.space(4)
	d.need(3 * lineH(11))
	d.color(black)
	d.para(validation(p), true, 11, "L", marginX, contentW)
	d.space(2)
	d.para(faitA(p.EnTete.Lieu, p.EnTete.Date), false, 10, "L", marginX, contentW)
	return d.finish()
}

// elementsLegende spells out the abbreviations of the evaluation
// elements, printed above the candidats' table.
const elementsLegende = "Éléments d’évaluation : MSP mise en situation professionnelle ; ET entretien technique ; " +
	"QP questionnaire professionnel ; QAP questionnement à partir de productions ; DP dossier professionnel ; " +
	"ECF évaluations passées en cours de formation."

// elements abbreviates the evaluation elements of a decision, as the
// legend spells them out.
func elements(e certification.PVElements) string {
	var out []string
	for _, x := range []struct {
		ok   bool
		abbr string
	}{
		{e.MSP, "MSP"}, {e.EntretienTechnique, "ET"}, {e.QuestionnaireProfessionnel, "QP"},
		{e.QuestionnementProductions, "QAP"}, {e.DossierProfessionnel, "DP"},
	} {
		if x.ok {
			out = append(out, x.abbr)
		}
	}
	if out == nil {
		return "non renseignés"
	}
	return strings.Join(out, ", ")
}

// candidatBlock is a candidat's rows in the table: its identity in the
// first column, then a row per CCP held before the session, a row per CCP
// evaluated, the abstentions, and the entretien final with the outcome.
func candidatBlock(c certification.PVCandidat) tblock {
	ident := []string{c.Nom}
	if !c.DateNaissance.IsZero() {
		ident = append(ident, "né(e) le "+c.DateNaissance.Francais())
	}
	ident = append(ident, joinNonEmpty(", ", c.Parcours, orDash(c.Presence)))
	var rows []trow
	first := func() tcell {
		if len(rows) == 0 {
			return tcell{text: strings.Join(ident, "\n"), lead: true}
		}
		return tcell{}
	}
	for _, a := range c.Anterieurs {
		rows = append(rows, trow{first(), {text: a.CCP}, {text: "Avant la session : " + a.Origine, grey: true}, {text: "acquis"}})
	}
	for _, x := range c.Decisions {
		el := elements(x.Elements)
		if ecf := strings.TrimSpace(x.ECF); ecf != "" {
			el += " ; ECF " + ecf
		}
		dec := orDash(x.Decision)
		if m := strings.TrimSpace(x.Motifs); m != "" {
			dec += " — motifs : " + m
		}
		rows = append(rows, trow{first(), {text: x.CCP}, {text: el}, {text: dec}})
	}
	if len(c.Decisions) == 0 {
		rows = append(rows, trow{first(), {text: "—"}, {text: "Aucune évaluation", grey: true}, {text: "—"}})
	}
	if len(c.Abstentions) > 0 {
		rows = append(rows, trow{first(), {text: "Abstention"},
			{text: strings.Join(c.Abstentions, ", ")}, {text: "lien déclaré : n’a ni évalué ni délibéré"}})
	}
	rows = append(rows, trow{first(), {text: "Résultat", bold: true},
		{text: "Entretien final : " + orDash(c.EntretienFinal)}, {text: orDash(c.Issue), bold: true}})
	return tblock{suite: c.Nom, rows: rows}
}

// abstentionLines lists, member by member, the candidats on which a member
// of the jury abstained, then the members who did not sign the PV.
func abstentionLines(p certification.PVData) []string {
	var order []string
	on := map[string][]string{}
	for _, c := range p.Candidats {
		for _, m := range c.Abstentions {
			if _, ok := on[m]; !ok {
				order = append(order, m)
			}
			on[m] = append(on[m], c.Nom)
		}
	}
	var out []string
	for _, m := range order {
		out = append(out, m+" s’est abstenu(e) de délibérer, en raison d’un lien déclaré, sur : "+strings.Join(on[m], ", ")+".")
	}
	var unsigned []string
	for _, j := range p.Jury {
		if j.SigneAt.IsZero() {
			unsigned = append(unsigned, j.Nom)
		}
	}
	if len(unsigned) > 0 {
		out = append(out, "N’a pas signé le procès-verbal : "+strings.Join(unsigned, ", ")+".")
	}
	return out
}

// habilitations is a line per habilitation: "n° H-2025-014, du 01/01/2025
// au 31/12/2027".
func habilitations(hs []certification.PVHabilitation) string {
	if len(hs) == 0 {
		return "Aucune habilitation couvrant les dates de la session"
	}
	var lines []string
	for _, h := range hs {
		l := "n° " + orDash(h.Reference)
		if p := periode(h.Debut, h.Fin); p != "" {
			l += ", " + p
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}

// remplace says which PV a rectified PV replaces, and why.
func remplace(r *certification.PVRemplace) string {
	s := "Ce procès-verbal rectificatif remplace le procès-verbal n° " + r.Numero
	if !r.EmisAt.IsZero() {
		s += " émis le " + heureParis(r.EmisAt) + " (heure de Paris)"
	}
	s += "."
	if m := strings.TrimSpace(r.Motif); m != "" {
		s += " " + m
	}
	return s
}

func orDash(s string) string {
	if s = strings.TrimSpace(s); s == "" {
		return "—"
	}
	return s
}

// typeSession names the kinds of session the service knows and passes any
// other through.
func typeSession(t string) string {
	switch t {
	case "titre":
		return "session titre (tous les CCP de la version)"
	case "ccp":
		return "session CCP"
	case "ccs":
		return "session CCS"
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

// validation says who validated the PV and when, if it was, in Paris time.
func validation(p certification.PVData) string {
	by := strings.TrimSpace(p.ValidePar)
	if by == "" && p.ValideAt.IsZero() {
		return "PV non validé"
	}
	s := "PV validé"
	if by != "" {
		s += " par " + by
	}
	if !p.ValideAt.IsZero() {
		s += " le " + heureParis(p.ValideAt) + " (heure de Paris)"
	}
	return s
}
