package certification_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// brute is one enrolment of the generated data set as stored, with its
// live decisions, for recomputing in Go what the SQL aggregates give.
type brute struct {
	ID, Issue, Parcours, CentreID, CentreNom, Region, SessionID, Reference, Statut string
	Retiree                                                                        bool
	Debut                                                                          certification.Date
}

func brutes(t *testing.T, db *certification.DB) ([]brute, map[string]map[string]string) {
	t.Helper()
	var rows []brute
	if err := db.Raw(`SELECT i.id, COALESCE(i.issue, '') AS issue, c.parcours, s.centre_id, ce.nom AS centre_nom, ce.region,
			s.id AS session_id, s.reference, s.statut, i.retiree_at IS NOT NULL AS retiree, s.debut
		FROM inscriptions i JOIN sessions s ON s.id = i.session_id JOIN candidats c ON c.id = i.candidat_id
		JOIN centres ce ON ce.id = s.centre_id`).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var evs []struct{ InscriptionID, Code, Decision string }
	if err := db.Raw(`SELECT e.inscription_id, b.code, e.decision FROM evaluations e JOIN blocs b ON b.id = e.bloc_id
		WHERE e.revoque_at IS NULL`).Scan(&evs).Error; err != nil {
		t.Fatal(err)
	}
	decisions := map[string]map[string]string{}
	for _, e := range evs {
		if decisions[e.InscriptionID] == nil {
			decisions[e.InscriptionID] = map[string]string{}
		}
		decisions[e.InscriptionID][e.Code] = e.Decision
	}
	return rows, decisions
}

// recompute derives the statistics from the stored rows, in Go, for the
// rows keep keeps.
func recompute(rows []brute, decisions map[string]map[string]string, keep func(brute) bool) (certification.Effectifs, map[string]certification.Effectifs, map[string]certification.Effectifs, map[string][2]int64) {
	var total certification.Effectifs
	parCentre, parParcours := map[string]certification.Effectifs{}, map[string]certification.Effectifs{}
	parCCP := map[string][2]int64{}
	for _, r := range rows {
		if r.Retiree || r.Statut == "annulee" || r.Issue == "" || !keep(r) {
			continue
		}
		add := func(e certification.Effectifs) certification.Effectifs {
			e.Candidats++
			switch r.Issue {
			case "titre", "ccs":
				e.Titre++
			case "partiel":
				e.Partiel++
			case "echec":
				e.Echec++
			case "absent":
				e.Absent++
			}
			return e
		}
		total = add(total)
		parCentre[r.CentreNom] = add(parCentre[r.CentreNom])
		parParcours[r.Parcours] = add(parParcours[r.Parcours])
		for code, d := range decisions[r.ID] {
			c := parCCP[code]
			c[0]++
			if d == "acquis" {
				c[1]++
			}
			parCCP[code] = c
		}
	}
	return total, parCentre, parParcours, parCCP
}

// TestStatistiquesSQLEqualsGo: on a generated data set, the summary the
// statistics read equals its recomputation from the stored rows, and the
// outcomes and rates the SQL aggregates give equal those recomputed in Go
// from the stored rows, for the administrator, an autorité and a centre, over the
// whole year and over a month.
func TestStatistiquesSQLEqualsGo(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		svc := certtest.NewService(t, db)
		centres := certtest.GenCentres(3)
		certtest.GenResultats(t, db, 3000, centres)
		// The statistics read the summary: it must be what the rows give.
		verifierSommaire(t, db, "the generation")
		rows, decisions := brutes(t, db)
		ara := certification.Territoire{Autorite: "DREETS Auvergne-Rhône-Alpes", Region: "Auvergne-Rhône-Alpes"}
		cases := []struct {
			name       string
			a          certification.Acteur
			debut, fin certification.Date
			keep       func(brute) bool
		}{
			{"admin/annee", certification.Acteur{Role: certification.RoleAdmin}, certification.NewDate(2026, 1, 1), certification.NewDate(2026, 12, 31),
				func(brute) bool { return true }},
			{"autorite/annee", certification.Acteur{Role: certification.RoleAutorite, Territoire: ara}, certification.NewDate(2026, 1, 1), certification.NewDate(2026, 12, 31),
				func(r brute) bool { return r.Region == ara.Region }},
			{"centre/mars", certification.Acteur{Role: certification.RoleCentre, CentreID: centres[1].ID}, certification.NewDate(2026, 3, 1), certification.NewDate(2026, 3, 31),
				func(r brute) bool {
					return r.CentreID == centres[1].ID && !r.Debut.Before(certification.NewDate(2026, 3, 1)) && !r.Debut.After(certification.NewDate(2026, 3, 31))
				}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				st, err := svc.Statistiques(context.Background(), c.a, certification.FiltrePeriode{Debut: c.debut, Fin: c.fin})
				if err != nil {
					t.Fatal(err)
				}
				total, parCentre, parParcours, parCCP := recompute(rows, decisions, c.keep)
				if total.Candidats < 50 {
					t.Fatalf("only %d candidats in the case: the data set does not exercise it", total.Candidats)
				}
				if diff := cmp.Diff(total, st.Total); diff != "" {
					t.Errorf("total (-go +sql):\n%s", diff)
				}
				gotCentre, gotParcours := map[string]certification.Effectifs{}, map[string]certification.Effectifs{}
				for _, g := range st.ParCentre {
					gotCentre[g.Libelle] = g.Effectifs
				}
				for _, g := range st.ParParcours {
					gotParcours[g.Cle] = g.Effectifs
				}
				if diff := cmp.Diff(parCentre, gotCentre); diff != "" {
					t.Errorf("per centre (-go +sql):\n%s", diff)
				}
				if diff := cmp.Diff(parParcours, gotParcours); diff != "" {
					t.Errorf("per parcours (-go +sql):\n%s", diff)
				}
				gotCCP := map[string][2]int64{}
				for _, r := range st.ParCCP {
					gotCCP[r.CCP] = [2]int64{r.Evalues, r.Acquis}
					if want := float64(r.Acquis) / float64(r.Evalues); r.Taux() != want {
						t.Errorf("%s: rate %v, want %v", r.CCP, r.Taux(), want)
					}
				}
				if diff := cmp.Diff(parCCP, gotCCP); diff != "" {
					t.Errorf("per CCP (-go +sql):\n%s", diff)
				}
				var sessions certification.Effectifs
				for _, g := range st.ParSession {
					sessions.Candidats += g.Candidats
				}
				// The groupings come out of one statement: each keeps its own order.
				for k := 1; k < len(st.ParSession); k++ {
					if prev, cur := st.ParSession[k-1], st.ParSession[k]; prev.Date.Before(cur.Date) {
						t.Errorf("session %s (%v) listed after %s (%v): most recent first", cur.Libelle, cur.Date, prev.Libelle, prev.Date)
					}
				}
				for k := 1; k < len(st.ParParcours); k++ {
					if st.ParParcours[k-1].Cle >= st.ParParcours[k].Cle {
						t.Errorf("parcours %s listed after %s", st.ParParcours[k].Cle, st.ParParcours[k-1].Cle)
					}
				}
				if !st.SessionsTronquees && sessions.Candidats != total.Candidats {
					t.Errorf("sessions add up to %d candidats, want %d", sessions.Candidats, total.Candidats)
				}
				if got, want := st.Total.Taux(st.Total.Titre), float64(total.Titre)/float64(total.Candidats); got != want {
					t.Errorf("titre rate %v, want %v", got, want)
				}
			})
		}
	})
}

// TestExportTerritoire: an autorité's export holds every line of the
// centres of its territory and none of another's; a centre's, only its own.
func TestExportTerritoire(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		svc := certtest.NewService(t, db)
		centres := certtest.GenCentres(4)
		certtest.GenResultats(t, db, 1000, centres)
		rows, _ := brutes(t, db)
		siretRegion := map[string]string{}
		for _, c := range centres {
			siretRegion[c.Siret] = c.Region
		}
		f := certification.FiltrePeriode{Debut: certification.NewDate(2026, 1, 1), Fin: certification.NewDate(2026, 12, 31)}
		for _, region := range []string{"Auvergne-Rhône-Alpes", "Pays de la Loire"} {
			a := certification.Acteur{Role: certification.RoleAutorite, Territoire: certification.Territoire{Autorite: "DREETS " + region, Region: region}}
			var got int
			err := svc.ExporterResultats(context.Background(), a, f, func(l *certification.LigneCeres) error {
				got++
				if siretRegion[l.CentreSiret] != region {
					t.Fatalf("%s: line of %s (%s) outside the territory", region, l.CentreNom, siretRegion[l.CentreSiret])
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			for _, r := range rows {
				if r.Region == region && !r.Retiree && r.Statut != "annulee" {
					want += 3 // a session titre of TP-00403: three CCP
				}
			}
			if got != want || want == 0 {
				t.Errorf("%s: %d lines, want %d", region, got, want)
			}
		}
		centre := certification.Acteur{Role: certification.RoleCentre, CentreID: centres[2].ID}
		err := svc.ExporterSessions(context.Background(), centre, f, func(l *certification.LigneSession) error {
			if l.CentreNom != centres[2].Nom {
				t.Fatalf("centre %s reads a session of %s", centres[2].Nom, l.CentreNom)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestPeriodeInvalide: a missing, inverted or over-long period, and roles
// that read no results, are refused before any query.
func TestPeriodeInvalide(t *testing.T) {
	t.Parallel()
	db := certtest.Open(t, "sqlite")
	svc := certtest.NewService(t, db)
	d := certification.NewDate
	admin := certification.Acteur{Role: certification.RoleAdmin}
	for _, c := range []struct {
		name   string
		f      certification.FiltrePeriode
		fields []string
	}{
		{"vide", certification.FiltrePeriode{}, []string{"debut", "fin"}},
		{"inversee", certification.FiltrePeriode{Debut: d(2026, 5, 1), Fin: d(2026, 4, 30)}, []string{"fin"}},
		{"trop_longue", certification.FiltrePeriode{Debut: d(2020, 1, 1), Fin: d(2026, 1, 1)}, []string{"fin"}},
		{"hors_limites", certification.FiltrePeriode{Debut: d(202, 1, 1), Fin: d(2026, 1, 1)}, []string{"debut"}},
		{"identifiants", certification.FiltrePeriode{Debut: d(2026, 1, 1), Fin: d(2026, 1, 2), CentreID: "x", SessionID: "'; --"}, []string{"centre_id", "session_id"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := svc.Statistiques(context.Background(), admin, c.f)
			var e *certification.Error
			if !errors.As(err, &e) || e.Code != "periode_invalide" {
				t.Fatalf("err = %v, want periode_invalide", err)
			}
			var fields []string
			for _, fe := range e.Fields {
				if !slices.Contains(fields, fe.Field) {
					fields = append(fields, fe.Field)
				}
			}
			if diff := cmp.Diff(c.fields, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if err := svc.ExporterResultats(context.Background(), admin, c.f, func(*certification.LigneCeres) error { return nil }); !errors.As(err, &e) {
				t.Errorf("export: err = %v", err)
			}
		})
	}
	ok := certification.FiltrePeriode{Debut: d(2026, 1, 1), Fin: d(2026, 12, 31)}
	for _, r := range []certification.Role{certification.RoleJury, certification.RoleCandidat} {
		if _, err := svc.Statistiques(context.Background(), certification.Acteur{Role: r}, ok); !errors.Is(err, certification.ErrForbidden) {
			t.Errorf("%s: err = %v, want ErrForbidden", r, err)
		}
	}
	if _, err := svc.Statistiques(context.Background(), admin, certification.FiltrePeriode{Debut: d(2026, 1, 1), Fin: d(2030, 12, 31)}); err != nil {
		t.Errorf("five years: %v", err)
	}
}
