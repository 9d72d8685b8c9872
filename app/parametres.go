package app

import (
	"fmt"
	"net/url"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/cipcert/cipcert/certification"
)

// Caps on the query of any address, API or page, in bytes. The longest
// legitimate value is a page to come back to after signing in (suite), a
// path with its filters; filters themselves are names, dates and ids.
const (
	maxQuery = 4096
	maxParam = 1024
)

// queryTooLong refuses a query over the caps before anyone reads it, naming
// the parameter at fault: the database must not receive a 50 000-character
// filter.
func queryTooLong(raw string, q url.Values) *httpError {
	for k, vs := range q {
		for _, v := range vs {
			if len(k) > maxParam || len(v) > maxParam {
				return badRequest("parametres_invalides", "Les paramètres de la requête sont invalides.",
					ChampErreur{truncate(k, 64), "trop_long", fmt.Sprintf("Ce paramètre dépasse %d octets.", maxParam)})
			}
		}
	}
	if len(raw) > maxQuery {
		return badRequest("parametres_invalides", fmt.Sprintf("Les paramètres de l'adresse dépassent %d octets.", maxQuery))
	}
	return nil
}

// truncate shortens a parameter's name for an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// idParams adds a field error for each named parameter present that is not
// an id (a UUID): a cursor or a filter no row can match is a malformed
// request, not an empty list.
func idParams(q url.Values, fields []ChampErreur, names ...string) []ChampErreur {
	for _, name := range names {
		if v := q.Get(name); v != "" && uuid.Validate(v) != nil {
			fields = append(fields, ChampErreur{name, "identifiant_invalide", "Un identifiant (UUID) est attendu."})
		}
	}
	return fields
}

// nomParam adds a field error when the name searched is longer than any name.
func nomParam(q url.Values, fields []ChampErreur) []ChampErreur {
	if utf8.RuneCountInString(q.Get("nom")) > certification.MaxNomRecherche {
		fields = append(fields, ChampErreur{"nom", "trop_long",
			fmt.Sprintf("Le nom recherché ne doit pas dépasser %d caractères.", certification.MaxNomRecherche)})
	}
	return fields
}

// dateParam is a date of a query and where its parsed value goes.
type dateParam struct {
	name string
	to   **certification.Date
}

// dateParams reads the dates of a query, AAAA-MM-JJ, each into its place
// when present; an impossible date is a field error on its name.
func dateParams(q url.Values, fields []ChampErreur, ps ...dateParam) []ChampErreur {
	for _, p := range ps {
		if v := q.Get(p.name); v != "" {
			parsed, err := certification.ParseDate(v)
			if err != nil {
				fields = append(fields, ChampErreur{p.name, "datetime", "Date invalide : une date réelle au format AAAA-MM-JJ est attendue."})
				continue
			}
			*p.to = &parsed
		}
	}
	return fields
}
