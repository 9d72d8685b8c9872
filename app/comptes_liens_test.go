package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/cipcert/cipcert/app"
	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/certification/mail"
	"github.com/cipcert/cipcert/certification/queue"
)

// TestMotDePasseOublieIdentique: a reset request for an unknown address
// answers exactly as one for a known address, and both did the same work
// before answering: one job of the same kind each, read from the job
// table, and nothing else written. The queue is not started, so that what
// the requests did is all there is to see.
func TestMotDePasseOublieIdentique(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		// A sender, so that the queue knows the jobs' kinds; never started.
		q, err := queue.New(context.Background(), db, queue.Config{Sender: mail.Dir{Path: t.TempDir(), From: "ne-pas-repondre@cipcert.test", Domain: "cipcert.test"}})
		if err != nil {
			t.Fatal(err)
		}
		a := newAPIJobs(t, db, app.Options{}, q)
		// The demo candidat's account has its candidat's address.
		var known string
		var emails []string
		db.Table("utilisateurs").Where("identifiant = ?", "candidat").Pluck("email", &emails)
		if len(emails) == 1 {
			known = emails[0]
		}
		if known == "" {
			t.Fatal("the demo candidat's account has no address")
		}
		jobs := func() []string {
			var kinds []string
			if err := db.Table("river_job").Order("id").Pluck("kind", &kinds).Error; err != nil {
				t.Fatal(err)
			}
			return kinds
		}
		tables := allTables(t, db)
		count := func() map[string]int64 {
			m := map[string]int64{}
			for _, tb := range tables {
				m[tb] = a.count(tb)
			}
			return m
		}
		before, jobs0 := count(), len(jobs())
		unknown := a.do("POST", "/api/v1/auth/mot-de-passe-oublie", "", map[string]string{"email": "personne@exemple.fr"})
		afterUnknown, jobs1 := count(), jobs()
		knownRec := a.do("POST", "/api/v1/auth/mot-de-passe-oublie", "", map[string]string{"email": known})
		afterKnown, jobs2 := count(), jobs()
		if unknown.Code != http.StatusAccepted || knownRec.Code != unknown.Code || knownRec.Body.String() != unknown.Body.String() {
			t.Errorf("unknown %d %s, known %d %s", unknown.Code, unknown.Body, knownRec.Code, knownRec.Body)
		}
		if len(jobs1) != jobs0+1 || len(jobs2) != jobs0+2 || jobs1[jobs0] != "reinitialisation" || jobs2[jobs0+1] != jobs1[jobs0] {
			t.Errorf("jobs enqueued: %v then %v", jobs1[jobs0:], jobs2[jobs0:])
		}
		for _, tb := range tables {
			if strings.HasPrefix(tb, "river_") {
				continue // the queue's own: the jobs are compared above
			}
			if afterUnknown[tb] != before[tb] || afterKnown[tb] != before[tb] {
				t.Errorf("table %s: %d, then %d, then %d rows", tb, before[tb], afterUnknown[tb], afterKnown[tb])
			}
		}
		if rec := a.do("POST", "/api/v1/auth/mot-de-passe-oublie", "", map[string]string{"email": "pas une adresse"}); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("not an address: %d %s", rec.Code, rec.Body)
		}
	})
}
