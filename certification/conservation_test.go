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

// TestConservationRecoursAmenagements: a recours closed by a decision, one
// closed by the administration's silence, and the aménagements of a session
// ended stay until the category's period has run from their closing day,
// then go, with the recours's attachments; an open recours stays.
func TestConservationRecoursAmenagements(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		var now time.Time
		svc := certtest.NewService(t, db).WithClock(func() time.Time { return now })
		now = certtest.Now
		if _, err := fixtures.Seed(ctx, svc); err != nil {
			t.Fatal(err)
		}
		table, err := fixtures.Conservation()
		if err != nil {
			t.Fatal(err)
		}
		var in struct {
			ID, SessionID, CandidatID, CentreID string
			Fin                                 string
		}
		if err := db.Raw(`SELECT i.id, i.session_id, i.candidat_id, s.centre_id, s.fin FROM inscriptions i
			JOIN sessions s ON s.id = i.session_id WHERE s.statut = 'validee' ORDER BY s.fin DESC LIMIT 1`).Scan(&in).Error; err != nil || in.ID == "" {
			t.Fatalf("a validated enrolment: %+v %v", in, err)
		}
		var auteur string
		db.Raw("SELECT id FROM utilisateurs WHERE role = 'centre' LIMIT 1").Scan(&auteur)
		exec := func(q string, args ...any) {
			t.Helper()
			if err := db.Exec(q, args...).Error; err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		t0 := certtest.Now
		exec(`INSERT INTO amenagements (id, session_id, inscription_id, type, detail, decision_reference, decision_date, saisi_par, created_at, updated_at)
			VALUES ('am-1', ?, ?, 'temps_majore', 'Un tiers temps', 'MDPH-1', ?, ?, ?, ?)`, in.SessionID, in.ID, in.Fin[:10], auteur, t0, t0)
		recours := func(id, statut string, decide *time.Time, silence time.Time) {
			exec(`INSERT INTO recours (id, inscription_id, session_id, candidat_id, centre_id, type, motifs, depose_par, depose_role, depose_at,
				hors_delai, rejet_implicite_le, statut, decide_at, version, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, 'gracieux', 'Motifs', ?, 'centre', ?, false, ?, ?, ?, 1, ?, ?)`,
				id, in.ID, in.SessionID, in.CandidatID, in.CentreID, auteur, t0, silence.Format(time.DateOnly), statut, decide, t0, t0)
		}
		recours("rc-decide", "rejete", &t0, t0.AddDate(0, 2, 0))
		recours("rc-silence", "depose", nil, t0.AddDate(0, 2, 0))
		recours("rc-ouvert", "deliberation", nil, t0.AddDate(0, 2, 0))
		exec(`INSERT INTO recours_pieces (id, recours_id, nom, type_contenu, taille, sha256, contenu, ajoutee_par, ajoutee_at)
			VALUES ('pc-1', 'rc-decide', 'releve.pdf', 'application/pdf', 4, 'x', ?, ?, ?)`, []byte("%PDF"), auteur, t0)
		count := func(q string) int {
			t.Helper()
			var n int
			if err := db.Raw(q).Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		did := func(lines []certification.LigneConservation, objet string) int {
			for _, l := range lines {
				if l.Categorie == certification.ConservationRecours && l.Objet == objet {
					return l.Nombre
				}
			}
			return 0
		}
		// The session ended before t0, the decision on t0 and the silence
		// two months later: the period runs from each.
		mois := table.Categorie(certification.ConservationRecours).DureeMois
		now = t0.AddDate(0, mois, 0).Add(-time.Minute)
		got, err := svc.AppliquerConservation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if did(got, "recours") != 0 || count("SELECT COUNT(*) FROM recours") != 3 || did(got, "amenagements") != 1 {
			t.Errorf("before the decision's period ends: %+v, %d recours", got, count("SELECT COUNT(*) FROM recours"))
		}
		now = t0.AddDate(0, mois, 1)
		if got, err = svc.AppliquerConservation(ctx); err != nil {
			t.Fatal(err)
		}
		if did(got, "recours") != 1 || did(got, "recours_pieces") != 1 || count("SELECT COUNT(*) FROM recours WHERE id = 'rc-decide'") != 0 {
			t.Errorf("after the decision's period: %+v", got)
		}
		now = t0.AddDate(0, mois+2, 1)
		if got, err = svc.AppliquerConservation(ctx); err != nil {
			t.Fatal(err)
		}
		if did(got, "recours") != 1 || count("SELECT COUNT(*) FROM recours") != 1 || count("SELECT COUNT(*) FROM recours WHERE id = 'rc-ouvert'") != 1 {
			t.Errorf("after the silence's period: %+v; the open recours stays", got)
		}
		if count("SELECT COUNT(*) FROM amenagements") != 0 {
			t.Error("the aménagements outlived their period")
		}
	})
}
