package app

import (
	"context"
	"log/slog"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// accessLog logs one line per request. It sits outside the recovery from
// panics and lets the error handler answer before it reads the status
// (HandleError), so that the line has the status the client received: a
// problem+json 4xx, a 404 of the router, a 500 after a panic.
func accessLog(log *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		HandleError: true,
		LogStatus:   true, LogURI: true, LogMethod: true, LogLatency: true, LogRequestID: true, LogRemoteIP: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelWarn
			}
			log.LogAttrs(context.Background(), level, "request",
				slog.String("method", v.Method), slog.String("uri", redactURI(v.URI)), slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency), slog.String("request_id", v.RequestID),
				slog.String("remote_ip", v.RemoteIP))
			return nil
		},
	})
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
