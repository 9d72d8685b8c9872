package mail_test

import (
	"context"
	"errors"
	"io"
	"mime"
	"net"
	netmail "net/mail"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/cipcert/cipcert/certification/mail"
)

// recu is a message the test server accepted.
type recu struct {
	to   string
	data string
}

// serveur is an SMTP server in process. refuse, when set, answers each RCPT.
type serveur struct {
	mu     sync.Mutex
	recus  []recu
	refuse func(to string) error
}

type session struct {
	s  *serveur
	to string
}

func (s *serveur) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }
func (se *session) Mail(string, *smtp.MailOptions) error       { return nil }
func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if se.s.refuse != nil {
		if err := se.s.refuse(to); err != nil {
			return err
		}
	}
	se.to = to
	return nil
}
func (se *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	se.s.mu.Lock()
	defer se.s.mu.Unlock()
	se.s.recus = append(se.s.recus, recu{to: se.to, data: string(b)})
	return nil
}
func (se *session) Reset()        {}
func (se *session) Logout() error { return nil }

func demarrer(t *testing.T, s *serveur) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "smtp://" + l.Addr().String() + "?starttls=none"
}

var message = mail.Message{Cle: "resultats/abc", To: "camille.martin@example.org", Subject: "Vos résultats sont disponibles",
	Text: "Bonjour,\nvos résultats sont publiés.", HTML: "<p>Bonjour,</p><p>vos résultats sont publiés.</p>"}

func TestSMTP(t *testing.T) {
	t.Run("Delivered", func(t *testing.T) {
		s := &serveur{}
		sender, err := mail.ParseURL(demarrer(t, s), "ne-pas-repondre@cipcert.test")
		if err != nil {
			t.Fatal(err)
		}
		id, err := sender.Send(context.Background(), message)
		if err != nil {
			t.Fatal(err)
		}
		if want := mail.MessageID("resultats/abc", "cipcert.test"); id != want {
			t.Errorf("Message-ID %q, want %q", id, want)
		}
		s.mu.Lock()
		recus := s.recus
		s.mu.Unlock()
		if len(recus) != 1 || recus[0].to != message.To {
			t.Fatalf("received %+v", recus)
		}
		m, err := netmail.ReadMessage(strings.NewReader(recus[0].data))
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Header.Get("Message-ID"); got != "<"+id+">" {
			t.Errorf("header Message-ID %q", got)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		if subject != message.Subject {
			t.Errorf("subject %q", subject)
		}
		if !strings.Contains(recus[0].data, "text/plain") || !strings.Contains(recus[0].data, "text/html") {
			t.Errorf("not plain text and HTML: %s", recus[0].data)
		}
	})
	t.Run("RefusPermanent", func(t *testing.T) {
		s := &serveur{refuse: func(string) error {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Boîte inconnue"}
		}}
		sender, _ := mail.ParseURL(demarrer(t, s), "ne-pas-repondre@cipcert.test")
		_, err := sender.Send(context.Background(), message)
		var r *mail.Refus
		if !errors.As(err, &r) || r.Code != 550 {
			t.Fatalf("err = %v, want a Refus 550", err)
		}
	})
	t.Run("RefusTemporaire", func(t *testing.T) {
		s := &serveur{refuse: func(string) error {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Réessayez plus tard"}
		}}
		sender, _ := mail.ParseURL(demarrer(t, s), "ne-pas-repondre@cipcert.test")
		_, err := sender.Send(context.Background(), message)
		var r *mail.Refus
		if err == nil || errors.As(err, &r) {
			t.Fatalf("err = %v, want a temporary error", err)
		}
	})
}

func TestParseURL(t *testing.T) {
	for _, bad := range []string{"http://h", "smtp://", "smtp://h?starttls=peut-etre", "smtp://h:port"} {
		if _, err := mail.ParseURL(bad, "a@b.fr"); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, good := range []string{"smtp://u:p@h:2525", "smtps://h", "smtp://h?starttls=required"} {
		if _, err := mail.ParseURL(good, "a@b.fr"); err != nil {
			t.Errorf("%q: %v", good, err)
		}
	}
}

// TestDir: without SMTP a message is a file named after its Message-ID; a
// resend replaces it.
func TestDir(t *testing.T) {
	d := mail.Dir{Path: t.TempDir(), From: "ne-pas-repondre@cipcert.test", Domain: "cipcert.test"}
	for range 2 {
		if _, err := d.Send(context.Background(), message); err != nil {
			t.Fatal(err)
		}
	}
	files, err := os.ReadDir(d.Path)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || !strings.HasSuffix(files[0].Name(), ".eml") {
		t.Fatalf("files %v, want one .eml", files)
	}
}
