// Package mail sends cipcert's e-mails: through an SMTP server configured by
// SMTP_URL, or, without one, into a folder whose files the administrator's
// page lists, so that the demo shows what would have been sent.
//
// Delivery is at least once: a job sends a message, then records it. Each
// message's Message-ID is derived from its idempotency key, so that the one
// duplicate possible, a resend after a crash between the server's acceptance
// and the recording, carries the same Message-ID and reads as one message.
package mail

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/cipcert/cipcert/certification"
)

// Message is one e-mail, in plain text and HTML, as the service composes
// it; its Cle is the idempotency key the Message-ID is derived from.
type Message = certification.Message

// MessageID returns the Message-ID of the message of key cle, without the
// angle brackets: stable across retries and restarts.
func MessageID(cle, domain string) string {
	sum := sha256.Sum256([]byte(cle))
	return hex.EncodeToString(sum[:16]) + "@" + domain
}

// Sender sends messages.
type Sender interface {
	// Send hands m to the server and returns its Message-ID once the
	// server accepted it. An address the server refuses for good (a 5xx
	// reply at RCPT or DATA) is a *Refus; any other error is temporary.
	Send(ctx context.Context, m Message) (string, error)
}

// Refus is a permanent refusal of a message by the SMTP server: retrying
// would be refused again.
type Refus struct {
	Code   int
	Raison string
}

func (r *Refus) Error() string {
	return fmt.Sprintf("adresse refusée par le serveur (%d) : %s", r.Code, r.Raison)
}

// SMTP sends through an SMTP server.
type SMTP struct {
	host   string
	opts   []gomail.Option
	from   string
	domain string
}

// ParseURL reads an SMTP_URL: smtp://user:pass@host:port (STARTTLS when the
// server offers it; ?starttls=required demands it, ?starttls=none never
// tries), or smtps://… for TLS from the first byte. from is the sender's
// address; its domain names the Message-IDs.
func ParseURL(raw, from string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("SMTP_URL: %w", err)
	}
	_, domain, ok := strings.Cut(from, "@")
	if !ok || domain == "" {
		return nil, fmt.Errorf("SMTP_URL: the sender %q has no domain", from)
	}
	s := &SMTP{host: u.Hostname(), from: from, domain: domain}
	if s.host == "" {
		return nil, errors.New("SMTP_URL: no host")
	}
	port := 587
	switch u.Scheme {
	case "smtp":
		switch st := u.Query().Get("starttls"); st {
		case "", "opportunistic":
			s.opts = append(s.opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
		case "required":
			s.opts = append(s.opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		case "none":
			s.opts = append(s.opts, gomail.WithTLSPolicy(gomail.NoTLS))
		default:
			return nil, fmt.Errorf("SMTP_URL: starttls=%q: want opportunistic, required or none", st)
		}
	case "smtps":
		port = 465
		s.opts = append(s.opts, gomail.WithSSL())
	default:
		return nil, fmt.Errorf("SMTP_URL: scheme %q: want smtp or smtps", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("SMTP_URL: port %q", p)
		}
	}
	s.opts = append(s.opts, gomail.WithPort(port), gomail.WithTimeout(30*time.Second))
	if u.User != nil {
		pass, _ := u.User.Password()
		s.opts = append(s.opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(u.User.Username()), gomail.WithPassword(pass))
	}
	return s, nil
}

// Send implements Sender.
func (s *SMTP) Send(ctx context.Context, m Message) (string, error) {
	msg, id, err := build(m, s.from, s.domain)
	if err != nil {
		return "", err
	}
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return "", err
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		var se *gomail.SendError
		if errors.As(err, &se) && se.ErrorCode() >= 500 && se.ErrorCode() < 600 {
			return "", &Refus{Code: se.ErrorCode(), Raison: se.Error()}
		}
		return "", err
	}
	return id, nil
}

func build(m Message, from, domain string) (*gomail.Msg, string, error) {
	msg := gomail.NewMsg()
	if err := msg.From(from); err != nil {
		return nil, "", fmt.Errorf("sender %q: %w", from, err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, "", &Refus{Code: 553, Raison: "adresse invalide : " + err.Error()}
	}
	id := MessageID(m.Cle, domain)
	msg.SetMessageIDWithValue(id)
	msg.SetDate()
	msg.Subject(m.Subject)
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for _, p := range m.Pieces {
		msg.AttachReadSeeker(p.Nom, bytes.NewReader(p.Contenu), gomail.WithFileContentType(gomail.ContentType(p.Type)))
	}
	return msg, id, nil
}

// Dir writes each message into a folder, as an .eml file named after its
// Message-ID: a resent message replaces its file.
type Dir struct {
	Path   string
	From   string
	Domain string
}

// Send implements Sender.
func (d Dir) Send(_ context.Context, m Message) (string, error) {
	msg, id, err := build(m, d.From, d.Domain)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(d.Path, 0o750); err != nil {
		return "", err
	}
	name := filepath.Join(d.Path, strings.SplitN(id, "@", 2)[0]+".eml")
	tmp := name + ".tmp"
	if err := msg.WriteToFile(tmp); err != nil {
		return "", err
	}
	return id, os.Rename(tmp, name)
}
