package certtest

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"regexp"
	"strings"
)

// lienCompte is an invitation or reset link as a message gives it.
var lienCompte = regexp.MustCompile(`https?://\S+/(?:invitation|reinitialisation)/[A-Za-z0-9_-]+`)

// TexteDuMessage returns the plain text part of a raw e-mail, decoded.
func TexteDuMessage(raw []byte) (string, error) {
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return "", err
	}
	return textPart(m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Body)
}

func textPart(ctype, cte string, body io.Reader) (string, error) {
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(mt, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextRawPart()
			if err != nil {
				return "", fmt.Errorf("no text part: %w", err)
			}
			if s, err := textPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err == nil {
				return s, nil
			}
		}
	}
	if mt != "text/plain" {
		return "", fmt.Errorf("part %s", mt)
	}
	if strings.EqualFold(cte, "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	return string(b), err
}

// LienDuMessage returns the invitation or reset link a raw e-mail carries.
func LienDuMessage(raw []byte) (string, error) {
	text, err := TexteDuMessage(raw)
	if err != nil {
		return "", err
	}
	l := lienCompte.FindString(text)
	if l == "" {
		return "", fmt.Errorf("no link in %q", text)
	}
	return l, nil
}
