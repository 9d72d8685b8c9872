package certification_test

import (
	"context"
	"errors"
	"io"
	"mime"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/riverqueue/river/rivertype"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
	"github.com/cipcert/cipcert/certification/mail"
	"github.com/cipcert/cipcert/certification/queue"
	"github.com/cipcert/cipcert/fixtures"
)

// boite is an SMTP server in process that hands each accepted message to recus.
type boite struct {
	recus chan string
	// refuse, when set, answers each RCPT.
	refuse func() error
}

type boiteSession struct {
	b  *boite
	to string
}

func (b *boite) NewSession(*smtp.Conn) (smtp.Session, error) { return &boiteSession{b: b}, nil }
func (s *boiteSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *boiteSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.b.refuse != nil {
		if err := s.b.refuse(); err != nil {
			return err
		}
	}
	s.to = to
	return nil
}
func (s *boiteSession) Reset()        {}
func (s *boiteSession) Logout() error { return nil }
func (s *boiteSession) Data(r io.Reader) error {
	d, err := io.ReadAll(r)
	if err == nil {
		s.b.recus <- "To-Envelope: " + s.to + "\r\n" + string(d)
	}
	return err
}

// start serves b on a port of the loopback until the test ends, and
// returns a sender to it.
func (b *boite) start(t testing.TB) mail.Sender {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(b)
	srv.Domain = "localhost"
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	sender, err := mail.ParseURL("smtp://"+l.Addr().String()+"?starttls=none", "ne-pas-repondre@cipcert.test")
	if err != nil {
		t.Fatal(err)
	}
	return sender
}

type retryNow struct{}

func (retryNow) NextRetry(*rivertype.JobRow) time.Time { return time.Now() }

// TestResultatsDisponibles: the validation of a PV sends one « Vos résultats
// sont disponibles » per candidat, in French, with the voies et délais de
// recours, and the notification date becomes the day the server accepted it.
func TestResultatsDisponibles(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		b := &boite{recus: make(chan string, 10)}
		sender := b.start(t)
		q, err := queue.New(ctx, db, queue.Config{Sender: sender, Retry: retryNow{}, PollInterval: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		now := certtest.Now
		opt := certtest.Options(t)
		opt.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		opt.Jobs = q
		svc := certtest.NewServiceWith(t, db, opt)
		centre, jury1, jury2, dreets, jury := demoPV(t, svc)
		sid := validatedSession(t, svc, 3, jury, centre, jury1, jury2, dreets)

		// The messages leave the next day: that day is the notification's.
		mu.Lock()
		now = now.Add(24 * time.Hour)
		mu.Unlock()
		if err := q.Start(ctx, svc); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = q.Stop(context.Background()) })
		for range 3 {
			raw := <-b.recus
			m, err := netmail.ReadMessage(strings.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
			if subject != "Vos résultats sont disponibles" || m.Header.Get("To-Envelope") != "<c@example.fr>" && m.Header.Get("To-Envelope") != "c@example.fr" {
				t.Errorf("message %q to %q", subject, m.Header.Get("To-Envelope"))
			}
			body, _ := io.ReadAll(m.Body)
			if !strings.Contains(string(body), "recours") {
				t.Errorf("message without the voies et délais de recours: %s", body)
			}
		}
		want := certification.DateOf(certtest.Now.Add(24 * time.Hour))
		for {
			ins, err := svc.Inscriptions(ctx, centre, sid)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, in := range ins {
				if in.NotifieLe != nil && *in.NotifieLe == want {
					n++
				}
			}
			if n == 3 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if len(b.recus) != 0 {
			t.Errorf("%d messages more than the candidats", len(b.recus))
		}
	})
}

// TestMessageRetries: the server refusing the first two attempts (4xx), the
// message is delivered on the third, once; then a crash after the server's
// acceptance and before the recording resends it after a restart with the
// same Message-ID, and nothing else.
func TestMessageRetries(t *testing.T) {
	certtest.ForEachDB(t, func(t *testing.T, db *certification.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		refusals := 2
		b := &boite{recus: make(chan string, 10), refuse: func() error {
			mu.Lock()
			defer mu.Unlock()
			if refusals > 0 {
				refusals--
				return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Réessayez plus tard"}
			}
			return nil
		}}
		sender := b.start(t)
		crashed := false
		newQ := func(hook func(string) error) *queue.Queue {
			q, err := queue.New(ctx, db, queue.Config{Sender: sender, Retry: retryNow{}, PollInterval: 20 * time.Millisecond, AfterSend: hook})
			if err != nil {
				t.Fatal(err)
			}
			return q
		}
		q := newQ(nil)
		opt := certtest.Options(t)
		opt.Jobs = q
		svc := certtest.NewServiceWith(t, db, opt)
		centre, jury1, jury2, dreets, jury := demoPV(t, svc)
		validatedSession(t, svc, 1, jury, centre, jury1, jury2, dreets)
		if err := q.Start(ctx, svc); err != nil {
			t.Fatal(err)
		}
		first := <-b.recus
		mu.Lock()
		if refusals != 0 {
			t.Errorf("delivered with %d refusals to come", refusals)
		}
		mu.Unlock()
		// Recorded once: the job completes without another message.
		waitRecorded(t, db, 1)
		if err := q.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if len(b.recus) != 0 {
			t.Fatalf("delivered more than once")
		}

		// Another session; this time the worker dies after the acceptance.
		validatedSession(t, svc, 1, jury, centre, jury1, jury2, dreets)
		q2 := newQ(func(string) error {
			mu.Lock()
			defer mu.Unlock()
			if !crashed {
				crashed = true
				return errors.New("arrêt brutal avant l’enregistrement")
			}
			return nil
		})
		if err := q2.Start(ctx, svc); err != nil {
			t.Fatal(err)
		}
		sent := <-b.recus
		resent := <-b.recus
		waitRecorded(t, db, 2)
		_ = q2.Stop(ctx)
		id := func(raw string) string {
			m, err := netmail.ReadMessage(strings.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			return m.Header.Get("Message-ID")
		}
		if id(sent) != id(resent) || id(sent) == id(first) {
			t.Errorf("Message-IDs %s, resent %s (first %s): want the same, another than the first", id(sent), id(resent), id(first))
		}
		if len(b.recus) != 0 {
			t.Errorf("%d messages more", len(b.recus))
		}
	})
}

// waitRecorded waits until n messages are recorded as sent.
func waitRecorded(t *testing.T, db *certification.DB, n int64) {
	t.Helper()
	for {
		var got int64
		if err := db.Table("messages").Where("envoye_at IS NOT NULL").Count(&got).Error; err != nil {
			t.Fatal(err)
		}
		if got == n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// demoPV loads the demo accounts into svc and returns those that take a
// session to a validated PV, with the habilitated jury.
func demoPV(tb testing.TB, svc *certification.Service) (centre, jury1, jury2, dreets certification.Acteur, jury []string) {
	tb.Helper()
	if _, err := fixtures.SeedWith(context.Background(), svc, false); err != nil {
		tb.Fatal(err)
	}
	centre, jury1, jury2, dreets = actor(tb, svc, "centre"), actor(tb, svc, "jury1"), actor(tb, svc, "jury2"), actor(tb, svc, "dreets")
	return centre, jury1, jury2, dreets, habilitatedJury(tb, svc, dreets, jury1, jury2)
}
