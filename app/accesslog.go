package app

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// logRequest writes the access log's line for a request, once the error
// handler has answered it (see Server.front), so that the line has the
// status the client received.
func logRequest(log *slog.Logger, c echo.Context, id string, latency time.Duration) {
	req, status := c.Request(), c.Response().Status
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelWarn
	}
	log.LogAttrs(context.Background(), level, "request",
		slog.String("method", req.Method), slog.String("uri", redactURI(req.RequestURI)), slog.Int("status", status),
		slog.Duration("latency", latency), slog.String("request_id", id),
		slog.String("remote_ip", c.RealIP()))
}

// personalParams are query parameters that carry personal data or secrets:
// their values never reach the log. The verification code in
// /verification/{code} is kept: it is printed on the document, discloses
// only its status and the holder's initials, and an operator needs it to
// trace a walk on one code.
var personalParams = map[string]bool{
	"nom": true, "nom_naissance": true, "nom_usage": true, "prenom": true, "prenoms": true,
	"date_naissance": true, "lieu_naissance": true, "email": true, "q": true,
	"mot_de_passe": true, "jeton": true, "token": true,
}

// secretPaths are path prefixes whose next segment is a secret: the
// one-time activation, invitation and reset links.
var secretPaths = []string{"/activation/", "/invitation/", "/reinitialisation/"}

// redacted replaces a personal value in the log.
const redacted = "***"

// redactURI returns uri with the values of personal query parameters and
// secret path segments replaced by ***; parameter names are matched without
// regard to case, so NOM= is masked as nom= is.
func redactURI(uri string) string {
	path, query, hasQuery := strings.Cut(uri, "?")
	for _, p := range secretPaths {
		if rest, ok := strings.CutPrefix(path, p); ok && rest != "" {
			_, tail, slash := strings.Cut(rest, "/")
			path = p + redacted
			if slash {
				path += "/" + tail
			}
		}
	}
	if !hasQuery {
		return path
	}
	parts := strings.Split(query, "&")
	for i, part := range parts {
		k, _, _ := strings.Cut(part, "=")
		name, err := url.QueryUnescape(k)
		if err != nil || personalParams[strings.ToLower(name)] {
			parts[i] = k + "=" + redacted
		}
	}
	return path + "?" + strings.Join(parts, "&")
}
