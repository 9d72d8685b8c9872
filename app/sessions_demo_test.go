package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/fixtures"
)

// newDemoFlow is newFlow on a database seeded with the demo sessions, as
// `cipcert seed` writes them, by a service whose clock reads now.
func newDemoFlow(t *testing.T, db *certification.DB, now time.Time) *flow {
	t.Helper()
	a := &api{t: t, db: db, now: now, tokens: map[string]string{}}
	opts := certtest.Options(t)
	opts.Now = a.clock
	a.svc = certtest.NewServiceWith(t, db, opts)
	wrote, err := fixtures.SeedWith(context.Background(), a.svc, true)
	if err != nil || !wrote {
		t.Fatalf("seed with the demo sessions: %v (wrote %v)", err, wrote)
	}
	if got := a.svc.Now(); !got.Equal(now) {
		t.Fatalf("the seed left the service clock at %s, want %s", got, now)
	}
	a.srv = app.New(a.svc, app.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), LoginBurst: 1000, UndocumentedError: undocumentedError(t)})
	for _, acc := range fixtures.DemoComptes {
		a.tokens[acc.Identifiant] = a.login(acc.Identifiant, acc.MotDePasse)
	}
	return flowOn(t, a)
}

// TestDemoSessions: the demo data set shows a validated session (Lefèvre's
// titre, Nguyễn's partial success) and a planned one (Kowalski, CCP2 and
// CCP3), whatever the day it is seeded; seeding again writes nothing.
func TestDemoSessions(t *testing.T) {
	t.Parallel()
	for _, now := range []time.Time{certtest.Now, time.Date(2027, 9, 1, 8, 0, 0, 0, time.UTC)} {
		t.Run(now.Format("2006-01-02"), func(t *testing.T) {
			certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
				f := newDemoFlow(t, db, now)
				lefevre, nguyen, kowalski := f.candidatID("Lefèvre"), f.candidatID("Nguyễn"), f.candidatID("Kowalski")

				var list struct {
					Sessions []struct {
						ID     string   `json:"id"`
						Type   string   `json:"type"`
						Debut  string   `json:"debut"`
						Statut string   `json:"statut"`
						CCP    []string `json:"ccp"`
						Jury   []struct {
							SigneLe *time.Time `json:"signe_le"`
						} `json:"jury"`
					}
				}
				for _, as := range []string{"centre", "jury1", "jury2", "dreets"} {
					f.ok(f.as(as, "GET", "/api/v1/sessions", nil), http.StatusOK, &list)
					if len(list.Sessions) != 2 {
						t.Fatalf("%s sees %d sessions, want 2", as, len(list.Sessions))
					}
				}
				f.ok(f.as("centre2", "GET", "/api/v1/sessions", nil), http.StatusOK, &list)
				if len(list.Sessions) != 0 {
					t.Errorf("centre2 sees %d sessions of another centre", len(list.Sessions))
				}
				f.ok(f.as("centre", "GET", "/api/v1/sessions", nil), http.StatusOK, &list)
				prevue, passee := list.Sessions[0], list.Sessions[1] // most recent first
				wantDebut := now.AddDate(0, 0, 42).Format("2006-01-02")
				if prevue.Statut != "planifiee" || prevue.Type != "ccp" || prevue.Debut != wantDebut ||
					!slices.Equal(prevue.CCP, []string{"CCP2", "CCP3"}) || len(prevue.Jury) != 2 {
					t.Errorf("planned session = %+v, want a session CCP on %s", prevue, wantDebut)
				}
				if passee.Statut != "validee" || passee.Type != "titre" || passee.Debut != "2026-10-05" || len(passee.Jury) != 2 ||
					passee.Jury[0].SigneLe == nil || passee.Jury[1].SigneLe == nil {
					t.Errorf("past session = %+v", passee)
				}

				// The candidat account (Lefèvre) sees its titre.
				d := f.dossierFull("candidat", lefevre)
				if d.Situation == nil || d.Situation.Issue != "titre" || len(d.Situation.CCPAcquis) != 3 {
					t.Errorf("Lefèvre = %+v", d.Situation)
				}
				d = f.dossierFull("centre", nguyen)
				if d.Situation == nil || d.Situation.Issue != "partiel" || !slices.Equal(d.Situation.CCPManquants, []string{"CCP2"}) ||
					str(d.Situation.DateLimite) != "2028-03-22" || len(d.Sessions) != 1 || str(d.Sessions[0].Inscription.NotifieLe) != "2026-10-12" {
					t.Errorf("Nguyễn = %+v", d)
				}
				if e := d.Sessions[0].Inscription.evaluation("CCP2"); e == nil || e.Decision != "non_acquis" || e.Motifs == "" || e.ECF {
					t.Errorf("Nguyễn's CCP2 = %+v", e)
				}
				ins := f.inscriptions("centre", prevue.ID)
				if len(ins) != 1 {
					t.Fatalf("planned session enrolments = %+v", ins)
				}
				for _, in := range ins {
					if in.CandidatID != kowalski || !slices.Equal(in.CCP, []string{"CCP2", "CCP3"}) || !in.EntretienFinalDu {
						t.Errorf("Kowalski's enrolment = %+v", in)
					}
				}
				// The jury members and their habilitations are there.
				var membres struct {
					Membres []struct {
						UtilisateurID string `json:"utilisateur_id"`
						Habilitations []struct{ Debut, Fin string }
					}
				}
				f.ok(f.as("centre", "GET", "/api/v1/jury/membres", nil), http.StatusOK, &membres)
				if len(membres.Membres) != 2 {
					t.Fatalf("membres = %+v", membres)
				}
				for _, m := range membres.Membres {
					if m.UtilisateurID == "" || len(m.Habilitations) != 1 || m.Habilitations[0].Debut != "2026-01-01" || m.Habilitations[0].Fin != "2028-12-31" {
						t.Errorf("membre = %+v", m)
					}
				}
				// The audit trail tells the story with its own dates.
				evs := f.evenements("dreets", sessionPath(passee.ID, "evenements"))
				when := map[string]string{}
				for _, e := range evs {
					when[e.Action] = e.Le[:10]
				}
				for action, day := range map[string]string{"session_declaree": "2026-09-01", "session_tenue": "2026-10-05",
					"pv_signe": "2026-10-06", "session_validee": "2026-10-12"} {
					if when[action] != day {
						t.Errorf("%s on %q, want %s", action, when[action], day)
					}
				}
				// The demo stays usable: the flow found the members instead of
				// creating others, and the planned session can be declared.
				if f.membres["jury1"] == "" || f.membres["jury2"] == "" || f.count("jury_membres") != 2 {
					t.Fatalf("members = %v", f.membres)
				}
				f.step("centre", prevue.ID, "declaration", http.StatusOK)
				// Seeding again writes nothing.
				if wrote, err := fixtures.SeedWith(context.Background(), f.svc, true); err != nil || wrote {
					t.Errorf("second seed: wrote %v, %v", wrote, err)
				}
				if n := f.count("sessions"); n != 2 {
					t.Errorf("%d sessions after a second seed", n)
				}
			})
		})
	}
}
