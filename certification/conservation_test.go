package certification_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/fixtures"
)

// TestConservation runs the retention at the end of each period of the
// default table, with the service's clock moved there: just before, the
// category's data is all there; just after, exactly what the table names is
// gone or pseudonymised, the titre obtained stays verifiable, and the audit
// trail has changed only in its personal fields.
func TestConservation(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		var now time.Time
		svc := certtest.NewService(t, db).WithClock(func() time.Time { return now })
		now = certtest.Now
		if _, err := fixtures.Seed(ctx, svc); err != nil { // documents issued
			t.Fatal(err)
		}
		centre := actor(t, svc, "centre")
		actor(t, svc, "candidat") // a token for the candidat's account
		table, err := fixtures.Conservation()
		if err != nil {
			t.Fatal(err)
		}
		id := func(nom string) string {
			var id string
			if err := db.Raw("SELECT id FROM candidats WHERE nom_naissance = ?", nom).Scan(&id).Error; err != nil || id == "" {
				t.Fatalf("candidat %s: %v", nom, err)
			}
			return id
		}
		lefevre, popescu := id("Lefèvre"), id("Popescu")
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := db.Raw(q, args...).Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		c, err := svc.Candidat(ctx, centre, lefevre)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ArchiveCandidat(ctx, centre, lefevre, c.Version); err != nil {
			t.Fatal(err)
		}
		var code string
		db.Raw("SELECT code_verification FROM documents WHERE candidat_id = ? AND type = 'parchemin'", lefevre).Scan(&code)
		if code == "" {
			t.Fatal("Lefèvre has no parchemin")
		}
		verifiable := func(when string) {
			t.Helper()
			naissance := certification.NewDate(1994, 5, 17)
			v, err := svc.Verifier(ctx, code, "Lefèvre", &naissance)
			if err != nil || v.Statut != "valide" || !strings.Contains(v.NomComplet, "Lefèvre") {
				t.Errorf("%s: the parchemin verifies as %+v, %v", when, v, err)
			}
		}
		run := func(at time.Time) []certification.LigneConservation {
			t.Helper()
			now = at
			got, err := svc.AppliquerConservation(ctx)
			if err != nil {
				t.Fatalf("at %s: %v", at, err)
			}
			return got
		}
		fin := func(cle string) time.Time { return certtest.Now.AddDate(0, table.Categorie(cle).DureeMois, 0) }
		did := func(lines []certification.LigneConservation, cat, objet string) int {
			for _, l := range lines {
				if l.Categorie == cat && l.Objet == objet {
					return l.Nombre
				}
			}
			return 0
		}

		// Logs: the tokens signed in at T0 expire 8 hours later.
		jetons := count("SELECT COUNT(*) FROM jetons")
		if got := run(fin(certification.ConservationJournaux)); len(got) != 0 {
			t.Errorf("before the logs' end: %+v", got)
		}
		got := run(fin(certification.ConservationJournaux).Add(9 * time.Hour))
		if did(got, certification.ConservationJournaux, "jetons") != jetons || count("SELECT COUNT(*) FROM jetons") != 0 {
			t.Errorf("logs' end: %+v, %d tokens of %d left", got, count("SELECT COUNT(*) FROM jetons"), jetons)
		}

		// Never enrolled: Popescu goes, with its account; its events stay,
		// pseudonymised.
		if got := run(fin(certification.ConservationJamaisInscrits).Add(-time.Minute)); len(got) != 0 {
			t.Errorf("before the never-enrolled end: %+v", got)
		}
		evPopescu := count("SELECT COUNT(*) FROM evenements WHERE candidat_id = ?", popescu)
		got = run(fin(certification.ConservationJamaisInscrits).Add(time.Minute))
		if did(got, certification.ConservationJamaisInscrits, "candidats") != 1 || count("SELECT COUNT(*) FROM candidats WHERE id = ?", popescu) != 0 {
			t.Errorf("never-enrolled end: %+v", got)
		}
		if count("SELECT COUNT(*) FROM candidats") != 3 {
			t.Errorf("%d candidats left, want the 3 enrolled", count("SELECT COUNT(*) FROM candidats"))
		}
		if evPopescu == 0 || count("SELECT COUNT(*) FROM evenements WHERE candidat_id = ?", popescu) != evPopescu ||
			count("SELECT COUNT(*) FROM evenements WHERE candidat_id = ? AND (avant LIKE '%Popescu%' OR apres LIKE '%Popescu%')", popescu) != 0 {
			t.Errorf("Popescu's %d events: kept and pseudonymised?", evPopescu)
		}
		verifiable("after the never-enrolled end")

		// Archived: Lefèvre obtained the titre, so it keeps its identity and
		// loses its account and e-mail.
		if got := run(fin(certification.ConservationArchives).Add(-time.Minute)); len(got) != 0 {
			t.Errorf("before the archive end: %+v", got)
		}
		got = run(fin(certification.ConservationArchives).Add(time.Minute))
		if did(got, certification.ConservationArchives, "candidats") != 1 || did(got, certification.ConservationArchives, "utilisateurs") != 1 {
			t.Errorf("archive end: %+v", got)
		}
		if count("SELECT COUNT(*) FROM candidats WHERE id = ? AND email = '' AND nom_naissance = 'Lefèvre'", lefevre) != 1 ||
			count("SELECT COUNT(*) FROM utilisateurs WHERE candidat_id = ?", lefevre) != 0 {
			t.Error("Lefèvre after the archive end: identity kept, account and e-mail gone?")
		}
		if got := run(fin(certification.ConservationArchives).Add(time.Hour)); len(got) != 0 {
			t.Errorf("a second run the same day: %+v", got)
		}
		verifiable("after the archive end")

		// The audit trail: every event older than the period is
		// pseudonymised, field by field, the rest of the row unchanged.
		before := evenements(t, db)
		limite := fin(certification.ConservationAudit).Add(time.Minute)
		got = run(limite)
		if did(got, certification.ConservationAudit, "evenements") == 0 {
			t.Fatalf("audit end: %+v", got)
		}
		after := evenements(t, db)
		cutoff := limite.AddDate(0, -table.Categorie(certification.ConservationAudit).DureeMois, 0)
		for id, b := range before {
			a := after[id]
			want := b
			if !b.At.After(cutoff) {
				want.Avant, want.Apres = certification.PseudonymiserSnapshot(b.Avant), certification.PseudonymiserSnapshot(b.Apres)
			}
			if ligne(a) != ligne(want) {
				t.Errorf("event %s (%s): got %+v, want %+v", id, b.Action, a, want)
			}
			if !b.At.After(cutoff) && (strings.Contains(a.Avant+a.Apres, "Lefèvre") || strings.Contains(a.Avant+a.Apres, "@example")) {
				t.Errorf("event %s keeps a personal value: %s %s", id, a.Avant, a.Apres)
			}
		}
		verifiable("after the audit end")

		// The trail's triggers refuse anything but the recorded copy.
		var some, pseudo string
		db.Raw("SELECT id FROM evenements WHERE id NOT IN (SELECT evenement_id FROM evenements_pseudonymises) LIMIT 1").Scan(&some)
		db.Raw("SELECT evenement_id FROM evenements_pseudonymises LIMIT 1").Scan(&pseudo)
		for _, q := range []struct{ sql, id string }{
			{"UPDATE evenements SET action = 'autre' WHERE id = ?", pseudo},
			{"UPDATE evenements SET apres = '{}' WHERE id = ?", pseudo},
			{"UPDATE evenements SET apres = '{}' WHERE id = ?", some},
			{"DELETE FROM evenements WHERE id = ?", pseudo},
			{"UPDATE evenements_pseudonymises SET apres = '{}' WHERE evenement_id = ?", pseudo},
			{"DELETE FROM evenements_pseudonymises WHERE evenement_id = ?", pseudo},
			{"DELETE FROM conservation_journal WHERE id IN (SELECT purge_id FROM evenements_pseudonymises WHERE evenement_id = ?)", pseudo},
		} {
			if err := db.Exec(q.sql, q.id).Error; err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v, want a refusal", q.sql, err)
			}
		}
		if n := count("SELECT COUNT(*) FROM evenements WHERE action = 'conservation_appliquee'"); n != 4 {
			t.Errorf("%d runs journaled, want the 4 that did something", n)
		}
	})
}

// ligne spells out every column of an event.
func ligne(e certification.Evenement) string {
	d := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return *p
	}
	return strings.Join([]string{e.ID, e.At.Format(time.RFC3339Nano), d(e.UtilisateurID), string(e.Role), e.Action, e.Objet,
		e.ObjetID, d(e.SessionID), d(e.CandidatID), e.Avant, e.Apres}, "|")
}

func evenements(t *testing.T, db *certification.DB) map[string]certification.Evenement {
	t.Helper()
	var rows []certification.Evenement
	if err := db.Table("evenements").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]certification.Evenement{}
	for _, r := range rows {
		r.At = r.At.UTC()
		out[r.ID] = r
	}
	return out
}
