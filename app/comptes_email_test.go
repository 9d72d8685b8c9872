package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/certification/mail"
	"github.com/cipcert/cipcert/certification/queue"
)

// TestCompteEmail: the administrator gives an account a new address, which
// the account then has, journaled with the one before; a bad address is a
// French 422 on the field and writes nothing; giving the same address again
// journals nothing; an unknown account is a 404.
func TestCompteEmail(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		// A queue that knows the jobs' kinds, never started: the test reads
		// what the change enqueued.
		q, err := queue.New(context.Background(), db, queue.Config{Sender: mail.Dir{Path: t.TempDir(), From: "ne-pas-repondre@cipcert.test", Domain: "cipcert.test"}})
		if err != nil {
			t.Fatal(err)
		}
		a := newAPIJobs(t, db, app.Options{}, q)
		var id, avant string
		row := db.Table("utilisateurs").Select("id, email").Where("identifiant = ?", "jury1").Row()
		if err := row.Scan(&id, &avant); err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/utilisateurs/" + id + "/email"
		events := a.count("evenements")

		p := wantProblem(t, a.as("admin", "PUT", path, map[string]string{"email": "pas une adresse"}), http.StatusUnprocessableEntity, "email")
		if p.Code != "email_invalide" || !strings.Contains(p.Erreurs[0].Message, "nom@domaine.fr") {
			t.Errorf("bad address: %+v", p)
		}
		if a.count("evenements") != events {
			t.Error("a refused address was journaled")
		}

		rec := a.as("admin", "PUT", path, map[string]string{"email": " f.martin@jury.example.fr "})
		if rec.Code != http.StatusOK {
			t.Fatalf("PUT email: %d %s", rec.Code, rec.Body)
		}
		var out struct{ Email string }
		mustJSON(t, rec, &out)
		var stored string
		if err := db.Table("utilisateurs").Select("email").Where("id = ?", id).Row().Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if out.Email != "f.martin@jury.example.fr" || stored != out.Email {
			t.Errorf("answered %q, stored %q", out.Email, stored)
		}
		var journal []struct{ Avant, Apres string }
		if err := db.Table("evenements").Select("avant, apres").Where("action = ? AND objet_id = ?", "compte_email_modifie", id).
			Find(&journal).Error; err != nil {
			t.Fatal(err)
		}
		if len(journal) != 1 || !strings.Contains(journal[0].Avant, avant) || !strings.Contains(journal[0].Apres, out.Email) {
			t.Errorf("journal %+v, want one change from %q", journal, avant)
		}
		// The address before is told, in the change's transaction, with the
		// new one masked.
		var evID string
		if err := db.Table("evenements").Select("id").Where("action = ? AND objet_id = ?", "compte_email_modifie", id).Row().Scan(&evID); err != nil {
			t.Fatal(err)
		}
		if n := a.count("river_job"); n != 1 {
			t.Errorf("%d jobs enqueued, want the notice to the address before", n)
		}
		m, err := a.svc.MessageAEnvoyer(context.Background(), "adresse/"+evID)
		if err != nil || m == nil {
			t.Fatalf("notice: %v %v", m, err)
		}
		if m.To != avant || !strings.Contains(m.Text, "f•••@jury.example.fr") || strings.Contains(m.Text, out.Email) ||
			!strings.Contains(m.Text, "jury1") || m.Subject != "L’adresse électronique de votre compte cipcert a changé" {
			t.Errorf("notice to %q, %q:\n%s", m.To, m.Subject, m.Text)
		}
		jobs := a.count("river_job")

		// The same address again changes nothing.
		if rec := a.as("admin", "PUT", path, map[string]string{"email": out.Email}); rec.Code != http.StatusOK {
			t.Errorf("same address: %d %s", rec.Code, rec.Body)
		}
		if n := a.count("evenements"); n != events+1 {
			t.Errorf("%d events after the change and its repetition, want %d", n, events+1)
		}
		if n := a.count("river_job"); n != jobs {
			t.Errorf("the same address again enqueued %d jobs", n-jobs)
		}
		wantProblem(t, a.as("admin", "PUT", "/api/v1/utilisateurs/inconnu/email", map[string]string{"email": "x@exemple.fr"}), http.StatusNotFound, "")
	})
}

// TestMotDePasseOublieRateLimit: reset requests for one address are limited
// whoever sends them, with a 429, Retry-After and the same answer for a
// known and an unknown address; one client address is limited too, and
// once the announced delay has passed the address is served again.
func TestMotDePasseOublieRateLimit(t *testing.T) {
	t.Parallel()
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		a := newAPIWith(t, db, app.Options{LoginBurst: 3, LoginEvery: time.Minute})
		a.advance(time.Hour)
		const oublie = "/api/v1/auth/mot-de-passe-oublie"
		ask := func(email, ip string) *httptest.ResponseRecorder {
			return a.do("POST", oublie, "", map[string]string{"email": email}, remoteAddr+": "+ip)
		}
		var refused []*httptest.ResponseRecorder
		var problems []problem
		for i, email := range []string{"admin@cipcert.test", "personne@exemple.fr"} {
			// Each request from a fresh client, so that only the address's
			// own limit can refuse.
			for j := 0; j < 3; j++ {
				if rec := ask(email, "198.51.100."+strconv.Itoa(10*i+j)); rec.Code != http.StatusAccepted {
					t.Fatalf("%s, request %d: %d %s", email, j+1, rec.Code, rec.Body)
				}
			}
			// Its case does not open a new bucket.
			rec := ask(strings.ToUpper(email), "198.51.100.9"+strconv.Itoa(i))
			p := wantProblem(t, rec, http.StatusTooManyRequests, "")
			if p.Code != "trop_de_requetes" {
				t.Errorf("%s: code %q", email, p.Code)
			}
			problems = append(problems, p)
			refused = append(refused, rec)
		}
		// Everything but the request's own id.
		if problems[0].Detail != problems[1].Detail || problems[0].Type != problems[1].Type || refused[0].Header().Get("Retry-After") != refused[1].Header().Get("Retry-After") {
			t.Errorf("known and unknown addresses refused differently: %s / %s", refused[0].Body, refused[1].Body)
		}
		ra, err := strconv.Atoi(refused[0].Header().Get("Retry-After"))
		if err != nil || ra < 1 || ra > 61 {
			t.Fatalf("Retry-After = %q, want 1..61 seconds", refused[0].Header().Get("Retry-After"))
		}

		// One client asking for many addresses is stopped too (4 × burst).
		last := 0
		for i := 0; i < 13; i++ {
			last = ask("quelqu.un"+strconv.Itoa(i)+"@exemple.fr", "203.0.113.5").Code
		}
		if last != http.StatusTooManyRequests {
			t.Errorf("13th request from one client: %d, want 429", last)
		}

		a.advance(time.Duration(ra) * time.Second)
		if rec := ask("admin@cipcert.test", "198.51.100.77"); rec.Code != http.StatusAccepted {
			t.Errorf("after Retry-After: %d %s", rec.Code, rec.Body)
		}
	})
}
