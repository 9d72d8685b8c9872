package app

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/app/web"
	"github.com/cipcert/cipcert/certification"
)

// Problem is an RFC 9457 problem detail, extended with a stable code and
// per-field errors.
type Problem struct {
	Type      string        `json:"type"`
	Title     string        `json:"title"`
	Status    int           `json:"status"`
	Detail    string        `json:"detail"`
	Code      string        `json:"code"`
	Instance  string        `json:"instance,omitempty"`
	RequestID string        `json:"request_id,omitempty"`
	Erreurs   []ChampErreur `json:"erreurs,omitempty"`
}

// ChampErreur is one invalid field of a request.
type ChampErreur struct {
	Champ   string `json:"champ"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// statusOf is the one table from error kinds to HTTP statuses.
var statusOf = []struct {
	kind   error
	status int
}{
	{certification.ErrInvalid, http.StatusUnprocessableEntity},
	{certification.ErrNotFound, http.StatusNotFound},
	{certification.ErrStale, http.StatusPreconditionFailed},
	{certification.ErrConflict, http.StatusConflict},
	{certification.ErrForbidden, http.StatusForbidden},
	{certification.ErrUnauthorized, http.StatusUnauthorized},
	{certification.ErrOverloaded, http.StatusServiceUnavailable},
}

// httpError is an error born in the transport: malformed JSON, a missing
// header, too many attempts.
type httpError struct {
	status int
	code   string
	detail string
	fields []ChampErreur
	header http.Header
}

func (e *httpError) Error() string { return e.code + ": " + e.detail }

func badRequest(code, detail string, fields ...ChampErreur) *httpError {
	return &httpError{status: http.StatusBadRequest, code: code, detail: detail, fields: fields}
}

// Errors the handler itself raises, on any route.
var (
	errBaseIndisponible = &httpError{status: http.StatusServiceUnavailable, code: "base_indisponible",
		detail: "La base de données est momentanément indisponible. Réessayez dans quelques secondes."}
	errInterne = &httpError{status: http.StatusInternalServerError, code: "erreur_interne",
		detail: "Une erreur interne est survenue ; elle a été consignée. Réessayez plus tard."}
)

// errorHandler answers every error as problem+json, except to a browser
// outside /api/, which gets page: the same status and message as an HTML
// page. Unknown errors are logged with their cause and answered as a bare
// 500. A code the route does not document is reported to undocumented: the
// document would have lied.
func errorHandler(log *slog.Logger, undocumented func(route, code string), page func(c echo.Context, status int, message string)) echo.HTTPErrorHandler {
	outage := newOutageLog(log, outageEvery, time.Now)
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		p := Problem{Instance: c.Request().URL.Path, RequestID: c.Response().Header().Get(echo.HeaderXRequestID)}
		var de *certification.Error
		var he *httpError
		var ee *echo.HTTPError
		switch {
		case errors.As(err, &de):
			p.Status = http.StatusInternalServerError
			for _, m := range statusOf {
				if errors.Is(de.Kind, m.kind) {
					p.Status = m.status
					break
				}
			}
			p.Code, p.Detail = de.Code, de.Message
			if errors.Is(de.Kind, certification.ErrOverloaded) {
				c.Response().Header().Set("Retry-After", "2")
			}
			for _, f := range de.Fields {
				p.Erreurs = append(p.Erreurs, ChampErreur{f.Field, f.Code, f.Message})
			}
		case errors.As(err, &he):
			p.Status, p.Code, p.Detail, p.Erreurs = he.status, he.code, he.detail, he.fields
			for k, v := range he.header {
				c.Response().Header()[k] = v
			}
		case errors.As(err, &ee):
			p.Status = ee.Code
			p.Code, p.Detail = echoCode(ee.Code)
		case certification.Unavailable(err):
			outage.note(err, c.Request().URL.Path)
			p.Status, p.Code, p.Detail = errBaseIndisponible.status, errBaseIndisponible.code, errBaseIndisponible.detail
			c.Response().Header().Set("Retry-After", "2")
		default:
			p.Status = http.StatusInternalServerError
		}
		if p.Status >= 500 && p.Code == "" {
			log.Error("request failed", "err", err, "method", c.Request().Method,
				"path", c.Request().URL.Path, "request_id", p.RequestID)
			p.Code, p.Detail = errInterne.code, errInterne.detail
		}
		route := c.Request().Method + " " + c.Path()
		if codes, ok := documentedCodes()[route]; ok && !codes[p.Code] {
			undocumented(route, p.Code)
		}
		if page != nil && !strings.HasPrefix(c.Request().URL.Path, "/api/") && web.PrefersHTML(c.Request()) {
			page(c, p.Status, p.Detail)
			return
		}
		p.Title = http.StatusText(p.Status)
		p.Type = "https://cipcert.fr/problemes/" + p.Code
		c.Response().Header().Set(echo.HeaderContentType, "application/problem+json; charset=utf-8")
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(p.Status)
			return
		}
		_ = c.JSON(p.Status, p)
	}
}

// echoCode names the errors Echo raises itself (routing, body limit).
func echoCode(status int) (string, string) {
	switch status {
	case http.StatusNotFound:
		return "route_inconnue", "Aucune ressource à cette adresse."
	case http.StatusMethodNotAllowed:
		return "methode_non_autorisee", "Cette méthode n'est pas permise sur cette ressource."
	case http.StatusRequestEntityTooLarge:
		return "corps_trop_volumineux", "Le corps de la requête dépasse la taille permise (1 Mio)."
	case http.StatusUnauthorized:
		return "authentification_requise", "Authentification requise."
	case http.StatusServiceUnavailable:
		return "service_indisponible", "Service momentanément indisponible."
	}
	return "erreur_http_" + strconv.Itoa(status), http.StatusText(status)
}
