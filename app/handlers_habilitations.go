package app

import (
	"context"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// finHabilitationRequest moves an habilitation's end: later to prolong
// it, earlier to end it.
type finHabilitationRequest struct {
	Fin   string `json:"fin" validate:"required,datetime=2006-01-02"`
	Motif string `json:"motif" validate:"required,notblank,max=2000,nocontrol"`
}

// etagFin is an habilitation's end date as an ETag: the web page sends the
// end it showed the same way, so that of two people changing one
// habilitation the second is told.
func etagFin(d certification.Date) string { return `"` + d.String() + `"` }

// ifMatchFinLue reads the end date a client last saw from If-Match.
func ifMatchFinLue(c echo.Context) (certification.Date, error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" {
		return certification.Date{}, &httpError{status: http.StatusPreconditionRequired, code: "if_match_requis",
			detail: "Envoyez l'en-tête If-Match avec la date de fin de l'habilitation lue, par exemple \"2029-11-30\", pour ne pas écraser une modification concurrente."}
	}
	d, err := certification.ParseDate(strings.Trim(strings.TrimPrefix(h, "W/"), `"`))
	if err != nil {
		return certification.Date{}, badRequest("if_match_invalide",
			"L'en-tête If-Match doit reprendre la date de fin de l'habilitation lue, au format \"AAAA-MM-JJ\".")
	}
	return d, nil
}

func (s *Server) handleHabilitationProlong(c echo.Context) error {
	return s.changerFinHabilitation(c, s.svc.ProlongerHabilitation)
}

func (s *Server) handleHabilitationEnd(c echo.Context) error {
	return s.changerFinHabilitation(c, s.svc.TerminerHabilitation)
}

// changerFinHabilitation reads If-Match before the body, so that a blind
// write is refused whatever it carries.
func (s *Server) changerFinHabilitation(c echo.Context,
	do func(context.Context, certification.Acteur, string, string, certification.FinHabilitation) (*certification.Habilitation, error)) error {
	lue, err := ifMatchFinLue(c)
	if err != nil {
		return err
	}
	var req finHabilitationRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	h, err := do(c.Request().Context(), acteur(c), c.Param("id"), c.Param("hid"),
		certification.FinHabilitation{FinLue: lue, Fin: date(req.Fin), Motif: req.Motif})
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etagFin(h.Fin))
	return c.JSON(http.StatusOK, toHabilitation(*h))
}
