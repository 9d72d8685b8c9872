package web

import (
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// formValues returns the posted form (the CSRF check has parsed it).
func formValues(c echo.Context) url.Values {
	if err := c.Request().ParseForm(); err != nil {
		return url.Values{}
	}
	return c.Request().PostForm
}

const dateMessage = "Date invalide : saisissez une date réelle au format JJ/MM/AAAA, par exemple 28/02/1990."

// parseDate reads a date typed as JJ/MM/AAAA (or AAAA-MM-JJ, what a date
// picker sends) and refuses impossible ones such as 30/02/2026.
func parseDate(s string) (certification.Date, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse("02/01/2006", s); err == nil {
		return certification.DateOf(t), true
	}
	if t, err := time.Parse("2/1/2006", s); err == nil {
		return certification.DateOf(t), true
	}
	d, err := certification.ParseDate(s)
	return d, err == nil
}
