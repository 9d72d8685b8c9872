package certification_test

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/certification/queue"
)

// failingDocuments enqueues the jobs it is given, then fails the
// transaction when one of them is a documents message and fail is set.
type failingDocuments struct {
	*queue.Queue
	fail bool
}

func (f *failingDocuments) Enqueue(tx *gorm.DB, jobs ...certification.Job) error {
	if err := f.Queue.Enqueue(tx, jobs...); err != nil {
		return err
	}
	for _, j := range jobs {
		if m, ok := j.(certification.MessageJob); ok && f.fail && strings.HasPrefix(m.Cle, "documents/") {
			return errors.New("panne après la mise en file")
		}
	}
	return nil
}

// TestDocumentsDisponibles: an issuance rolled back after its messages
// were enqueued leaves no job; issuing the session then sends one
// « Votre document est disponible » per candidat, to its own address,
// listing its documents' numbers and the link to its space.
func TestDocumentsDisponibles(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		b := &boite{recus: make(chan string, 20)}
		q, err := queue.New(ctx, db, queue.Config{Sender: b.start(t), Retry: retryNow{}, PollInterval: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		jobs := &failingDocuments{Queue: q, fail: true}
		opt := certtest.Options(t)
		opt.Jobs = jobs
		svc := certtest.NewServiceWith(t, db, opt)
		centre, jury1, jury2, dreets, jury := demoPV(t, svc)
		sid := validatedSession(t, svc, 3, jury, centre, jury1, jury2, dreets)
		ins, err := svc.Inscriptions(ctx, centre, sid)
		if err != nil {
			t.Fatal(err)
		}
		adresses := map[string]bool{}
		for _, in := range ins {
			a := "c-" + in.CandidatID + "@example.fr"
			adresses[a] = true
			if err := db.Table("candidats").Where("id = ?", in.CandidatID).Update("email", a).Error; err != nil {
				t.Fatal(err)
			}
		}

		if _, err := svc.EmettreDocumentsSession(ctx, dreets, sid); err == nil {
			t.Fatal("the issuance went through its failing queue")
		}
		documentJobs := func() int {
			ts, err := q.List(ctx, 100)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, j := range ts {
				if strings.Contains(j.Args, "documents/") {
					n++
				}
			}
			return n
		}
		if n := documentJobs(); n != 0 {
			t.Fatalf("a rolled-back issuance left %d jobs", n)
		}

		jobs.fail = false
		docs, err := svc.EmettreDocumentsSession(ctx, dreets, sid)
		if err != nil {
			t.Fatal(err)
		}
		if n := documentJobs(); n != 3 {
			t.Fatalf("%d documents jobs for 3 candidats", n)
		}
		if err := q.Start(ctx, svc); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = q.Stop(context.Background()) })

		// 3 « résultats » from the validation, 3 « documents ».
		recus := map[string]string{}
		for range 6 {
			m, err := netmail.ReadMessage(strings.NewReader(<-b.recus))
			if err != nil {
				t.Fatal(err)
			}
			subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
			if !strings.Contains(subject, "document") {
				continue
			}
			to := strings.Trim(m.Header.Get("To-Envelope"), "<>")
			if !adresses[to] || recus[to] != "" {
				t.Errorf("a documents message to %q", to)
			}
			body, _ := io.ReadAll(quotedprintable.NewReader(m.Body))
			recus[to] = string(body)
			if subject != "Vos documents sont disponibles" {
				t.Errorf("subject %q", subject)
			}
		}
		if len(recus) != 3 {
			t.Fatalf("%d documents messages for 3 candidats", len(recus))
		}
		for _, d := range docs {
			if d.CandidatID == nil {
				continue
			}
			body := recus["c-"+*d.CandidatID+"@example.fr"]
			if !strings.Contains(body, d.Numero) || !strings.Contains(body, opt.PublicURL+"/mon-espace") {
				t.Errorf("the message of %s without %s or the link: %s", *d.CandidatID, d.Numero, body)
			}
		}
		waitRecorded(t, db, 6)
		if len(b.recus) != 0 {
			t.Errorf("%d messages more", len(b.recus))
		}
	})
}
