package rules_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cipcert/cipcert/certification/rules"
)

// octets hands out the fuzzer's bytes as small choices; once they run out
// every choice is 0, so any input gives a history.
type octets struct {
	b []byte
	i int
}

func (o *octets) choix(n int) int {
	if o.i >= len(o.b) {
		return 0
	}
	o.i++
	return int(o.b[o.i-1]) % n
}

func version(id string) rules.Version {
	for _, v := range ref.Versions {
		if v.ID == id {
			return v
		}
	}
	panic(id)
}

// genererHistorique builds a history the way the product does: each
// enrolment goes through VerifierInscription (a refused one is skipped),
// then the jury records random but well-formed decisions. An enrolment
// that is neither accepted nor refused, but found incoherent, is a bug.
func genererHistorique(t *testing.T, p *rules.Parametres, data []byte) rules.Historique {
	o := &octets{b: data}
	var versions []string
	var date time.Time
	switch o.choix(3) {
	case 0:
		versions, date = []string{cip2018, cip2023}, d("2021-01-04")
	case 1:
		versions, date = []string{cip2023}, d("2023-04-03")
	default:
		versions, date = []string{clos2019}, d("2023-01-09")
	}
	var c rules.Candidat
	switch o.choix(4) {
	case 0:
		c = enFormation(date.AddDate(0, 0, -10).Format(time.DateOnly))
	case 1:
		c = rules.Candidat{Parcours: rules.ParcoursVAE}
	case 2:
		c = rules.Candidat{Parcours: rules.ParcoursCapitalisation, Origine: rules.ParcoursVAE}
	default:
		c = enCapitalisation(date.AddDate(0, 0, -10).Format(time.DateOnly))
		if o.choix(2) == 0 {
			v := version(versions[0])
			c.CCPAnterieurs = []rules.CCPAnterieur{{CCP: v.CCP[o.choix(len(v.CCP))], VersionID: v.ID, SessionRef: "PV-ANT", Date: date.AddDate(0, 0, -40)}}
		}
	}
	enVAE := c.Parcours == rules.ParcoursVAE || c.Origine == rules.ParcoursVAE
	h := rules.Historique{Candidat: c}
	for i := range 1 + o.choix(6) {
		date = date.AddDate(0, 0, 20+o.choix(250))
		v := version(versions[len(versions)-1])
		for _, id := range versions {
			if w := version(id); !date.Before(w.Debut) && !date.After(w.Fin) {
				v = w
			}
		}
		typ := []rules.TypeSession{rules.SessionTitre, rules.SessionCCP}[o.choix(2)]

		// What the candidat misses at that date: ask Decider about a probe
		// passage where it is absent.
		sonde := rules.Passage{SessionID: "sonde", VersionID: v.ID, Type: typ, Date: date, Presence: rules.Absent, CCPInscrits: v.CCP}
		res, err := rules.Decider(ref, p, rules.Historique{Candidat: h.Candidat, Passages: append(slices.Clone(h.Passages), sonde)}, "sonde")
		if err != nil {
			continue // titre obtained, or the version no longer open to this candidat
		}
		demande := res.CCPManquants
		if typ == rules.SessionCCP && len(demande) > 1 {
			var sousEnsemble []string
			for _, code := range demande {
				if o.choix(2) == 0 {
					sousEnsemble = append(sousEnsemble, code)
				}
			}
			if len(sousEnsemble) > 0 {
				demande = sousEnsemble
			}
		}
		if enVAE && o.choix(4) != 0 {
			h.Candidat.Recevabilites = append(h.Candidat.Recevabilites, rules.Recevabilite{
				DateNotification: date.AddDate(0, 0, -30), Reference: fmt.Sprintf("REC%d", i), TypeSession: typ, MoisExperience: 24})
		}
		s := rules.SessionPrevue{VersionID: v.ID, Type: typ, Debut: date, Fin: date}
		efDu, err := rules.VerifierInscription(ref, p, h, s, demande)
		if codeRefus(err) == "formation_perimee" && o.choix(2) == 0 {
			fin := date.AddDate(0, 0, -5)
			h.Candidat.FinFormation = &fin
			efDu, err = rules.VerifierInscription(ref, p, h, s, demande)
		}
		if err != nil {
			var r *rules.Refus
			if !errors.As(err, &r) {
				t.Fatalf("VerifierInscription(%+v, %v) : %v ; want a *Refus or nothing", s, demande, err)
			}
			continue
		}

		ps := rules.Passage{SessionID: fmt.Sprintf("S%d", i), VersionID: v.ID, Type: typ, Date: date, CCPInscrits: demande, Presence: rules.Present}
		switch o.choix(10) {
		case 0:
			ps.Presence = rules.Absent
		case 1:
			ps.Presence = rules.Excuse
		case 2:
			ps.Presence = rules.ExcluFraude
		}
		if ps.Presence == rules.Present || ps.Presence == rules.ExcluFraude && o.choix(2) == 0 {
			tous := true
			for _, code := range demande {
				e := acquis(code)
				if o.choix(3) == 0 {
					e = nonAcquis(code)
					tous = false
				}
				e.ECFPrisEnCompte = !enVAE
				ps.Evaluations = append(ps.Evaluations, e)
			}
			switch {
			case ps.Presence != rules.Present || !efDu:
			case tous:
				ps.EntretienFinal = []rules.Avis{fav, fav, def}[o.choix(3)]
			default:
				ps.EntretienFinal = []rules.Avis{fav, def, aucun}[o.choix(3)]
			}
		}
		h.Passages = append(h.Passages, ps)
	}
	return h
}

type cleAcquisition struct {
	version, ccp, session string
	date                  time.Time
}

func FuzzDecider(f *testing.F) {
	p := parametres(f)
	f.Add([]byte{})
	f.Add([]byte{1, 0, 5, 30, 1, 0, 0, 5, 9, 1, 1, 200, 1, 0, 7, 1, 1, 1, 9, 9, 9})
	f.Add([]byte{0, 3, 0, 4, 100, 0, 5, 5, 0, 2, 0, 3, 50, 1, 1, 0, 1, 0, 9, 1, 2, 2, 60, 0, 9, 1, 1, 1})
	f.Add([]byte{2, 3, 1, 1, 5, 240, 0, 9, 1, 0, 2, 200, 1, 1, 0, 9, 1, 1, 2, 249, 1, 0, 9, 1, 1})
	f.Add([]byte{1, 1, 3, 10, 0, 3, 9, 2, 0, 1, 2, 100, 0, 1, 9, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		h := genererHistorique(t, p, data)
		resultats := make([]rules.Resultat, len(h.Passages))
		for i, ps := range h.Passages {
			res, err := rules.Decider(ref, p, h, ps.SessionID)
			if err != nil {
				t.Fatalf("Decider(%s) on a history built through VerifierInscription : %v\n%+v", ps.SessionID, err, h)
			}
			again, err := rules.Decider(ref, p, h, ps.SessionID)
			if diff := cmp.Diff(res, again); err != nil || diff != "" {
				t.Fatalf("Decider(%s) is not deterministic (-first +second):\n%s%v", ps.SessionID, diff, err)
			}
			verifierExplication(t, res)
			verifierResultat(t, ps, res)
			resultats[i] = res
		}
		// A CCP acquired is never lost: what a passage lists, every later
		// passage lists too, and what counts still counts under the same
		// version.
		for i := range h.Passages {
			for j := i + 1; j < len(h.Passages); j++ {
				plusTard := map[cleAcquisition]rules.CCPCompte{}
				for _, c := range resultats[j].CCPAcquis {
					plusTard[cleAcquisition{c.VersionID, c.CCPOrigine, c.SessionID, c.Date}] = c
				}
				for _, c := range resultats[i].CCPAcquis {
					k := cleAcquisition{c.VersionID, c.CCPOrigine, c.SessionID, c.Date}
					tard, ok := plusTard[k]
					switch {
					case !ok:
						t.Fatalf("%s acquis (%s, %s) au passage %s a disparu au passage %s", c.CCP, c.SessionID, c.Date.Format(time.DateOnly),
							h.Passages[i].SessionID, h.Passages[j].SessionID)
					case c.Compte && !tard.Compte && h.Passages[i].VersionID == h.Passages[j].VersionID:
						t.Fatalf("%s compte au passage %s mais plus au passage %s, sous la même version", c.CCP, h.Passages[i].SessionID, h.Passages[j].SessionID)
					}
				}
			}
		}
	})
}

// verifierResultat checks what must hold of any outcome.
func verifierResultat(t *testing.T, ps rules.Passage, res rules.Resultat) {
	t.Helper()
	v := version(ps.VersionID)
	var comptes []string
	for _, c := range res.CCPAcquis {
		if c.Compte {
			comptes = append(comptes, c.CCP)
		}
		if c.Origine == rules.OrigineSession && (c.SessionID != ps.SessionID || ps.Presence != rules.Present) {
			t.Fatalf("%s : %s acquis à cette session sans que le candidat y soit évalué", ps.SessionID, c.CCP)
		}
	}
	if got := slices.Concat(comptes, res.CCPManquants); len(got) != len(v.CCP) || len(slices.Compact(slices.Sorted(slices.Values(got)))) != len(v.CCP) {
		t.Fatalf("%s : CCP comptés %v et manquants %v ne partagent pas les CCP de la version %v", ps.SessionID, comptes, res.CCPManquants, v.CCP)
	}
	switch res.Issue {
	case rules.IssueTitre:
		if len(res.CCPManquants) > 0 || ps.Presence != rules.Present || ps.EntretienFinal != rules.AvisFavorable || !res.EntretienFinalDu {
			t.Fatalf("%s : titre avec CCP manquants %v, présence %s, entretien final %q (dû : %v)",
				ps.SessionID, res.CCPManquants, ps.Presence, ps.EntretienFinal, res.EntretienFinalDu)
		}
	case rules.IssueAbsent:
		if ps.Presence != rules.Absent && ps.Presence != rules.Excuse {
			t.Fatalf("%s : issue absent pour un candidat %s", ps.SessionID, ps.Presence)
		}
	case rules.IssuePartiel:
		if len(comptes) == 0 {
			t.Fatalf("%s : réussite partielle sans CCP", ps.SessionID)
		}
	case rules.IssueEchec:
		if len(comptes) > 0 && ps.Presence != rules.ExcluFraude {
			t.Fatalf("%s : échec alors que %v comptent", ps.SessionID, comptes)
		}
	default:
		t.Fatalf("%s : issue %q", ps.SessionID, res.Issue)
	}
	if ps.Presence == rules.ExcluFraude && res.Issue != rules.IssueEchec {
		t.Fatalf("%s : fraude mais issue %s", ps.SessionID, res.Issue)
	}
	if (res.DateLimite != nil) != (res.Issue != rules.IssueTitre && len(comptes) > 0) {
		t.Fatalf("%s : date limite %v pour l'issue %s avec %v", ps.SessionID, res.DateLimite, res.Issue, comptes)
	}
}

// BenchmarkDecider decides the last session of a realistic three-passage
// history: a partial success at a session titre, a failure on the missing
// CCP, then the missing CCP with the entretien final.
func BenchmarkDecider(b *testing.B) {
	p := parametres(b)
	h := historique(enFormation("2024-05-31"),
		passage("S1", cip2023, titre, "2024-06-12", fav, acquis("CCP1"), nonAcquis("CCP2"), acquis("CCP3")),
		passage("S2", cip2023, ccp, "2024-10-08", def, nonAcquis("CCP2")),
		passage("S3", cip2023, ccp, "2025-02-04", fav, acquis("CCP2")),
	)
	if res, err := rules.Decider(ref, p, h, "S3"); err != nil || res.Issue != rules.IssueTitre {
		b.Fatalf("Decider() = %v, %v", res.Issue, err)
	}
	for b.Loop() {
		if _, err := rules.Decider(ref, p, h, "S3"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecide10000 decides 10 000 varied candidat histories per
// operation: the cost of deliberating a year of sessions for a region.
func BenchmarkDecide10000(b *testing.B) {
	p := parametres(b)
	type cas struct {
		h  rules.Historique
		id string
	}
	var cases []cas
	for i := 0; i < 10000; i++ {
		var h rules.Historique
		switch i % 4 {
		case 0:
			h = historique(enFormation("2024-05-31"),
				passage("S1", cip2023, titre, "2024-06-12", fav, acquis("CCP1"), acquis("CCP2"), acquis("CCP3")))
			cases = append(cases, cas{h, "S1"})
		case 1:
			h = historique(enFormation("2024-05-31"),
				passage("S1", cip2023, titre, "2024-06-12", fav, acquis("CCP1"), nonAcquis("CCP2"), acquis("CCP3")))
			cases = append(cases, cas{h, "S1"})
		case 2:
			h = historique(enFormation("2024-05-31"),
				passage("S1", cip2023, titre, "2024-06-12", fav, acquis("CCP1"), nonAcquis("CCP2"), acquis("CCP3")),
				passage("S2", cip2023, ccp, "2024-10-08", fav, acquis("CCP2")))
			cases = append(cases, cas{h, "S2"})
		default:
			h = historique(enFormation("2024-05-31"),
				passage("S1", cip2023, titre, "2024-06-12", fav, acquis("CCP1"), nonAcquis("CCP2"), acquis("CCP3")),
				passage("S2", cip2023, ccp, "2024-10-08", def, nonAcquis("CCP2")),
				passage("S3", cip2023, ccp, "2025-02-04", fav, acquis("CCP2")))
			cases = append(cases, cas{h, "S3"})
		}
	}
	for b.Loop() {
		for _, c := range cases {
			if _, err := rules.Decider(ref, p, c.h, c.id); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(cases))/(b.Elapsed().Seconds()/float64(b.N)), "histories/s")
}
