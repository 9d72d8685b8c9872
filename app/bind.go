package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"github.com/labstack/echo/v4"

	"github.com/cipcert/cipcert/certification"
)

// maxBody caps every request body; the largest legitimate one (a candidat
// with its ECF) is a few kilobytes.
const maxBody = 1 << 20

// bind decodes the JSON body into req strictly (one object, no unknown
// field, no key differing from its field's name in case, no key twice,
// valid UTF-8) and validates it. Errors name the faulty field.
func bind(c echo.Context, req any) error {
	r := c.Request()
	if ct := r.Header.Get(echo.HeaderContentType); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return &httpError{status: http.StatusUnsupportedMediaType, code: "type_contenu_non_supporte",
				detail: "Le corps de la requête doit être du JSON (Content-Type: application/json)."}
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, maxBody))
	if err != nil {
		// Echo's BodyLimit middleware, with the same limit, stops its reader at
		// the limit and so usually answers before MaxBytesReader can.
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) || errors.Is(err, echo.ErrStatusRequestEntityTooLarge) {
			return &httpError{status: http.StatusRequestEntityTooLarge, code: "corps_trop_volumineux",
				detail: "Le corps de la requête dépasse la taille permise (1 Mio)."}
		}
		return badRequest("corps_illisible", "Le corps de la requête n'a pas pu être lu.")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("corps_vide", "Le corps de la requête est vide : un objet JSON est attendu.")
	}
	if !utf8.Valid(body) {
		return badRequest("utf8_invalide", "Le corps de la requête contient des octets qui ne sont pas de l'UTF-8 valide.",
			stringFields(body, func(s string) bool { return strings.ContainsRune(s, utf8.RuneError) },
				"utf8_invalide", "Ce texte contient des octets qui ne sont pas de l'UTF-8 valide.")...)
	}
	if err := strictKeys(body, reflect.TypeOf(req)); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(req); err != nil {
		return decodeError(err)
	}
	if dec.More() {
		return badRequest("json_invalide", "Le corps de la requête doit contenir un seul objet JSON.")
	}
	// U+0000 is valid JSON but PostgreSQL's text cannot hold it (the insert
	// or the lookup fails with a 500) and it has no place in any field.
	// Only the \u0000 escape can carry it, so bodies without one skip the walk.
	if bytes.Contains(body, []byte(`\u0000`)) {
		if fields := stringFields(body, func(s string) bool { return strings.ContainsRune(s, 0) },
			"caractere_nul", "Ce texte contient le caractère nul (U+0000), qui n'est pas admis."); len(fields) > 0 {
			return &httpError{status: http.StatusUnprocessableEntity, code: "validation",
				detail: "La requête comporte des champs invalides.", fields: fields}
		}
	}
	return validate(req)
}

func decodeError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return badRequest("json_invalide", fmt.Sprintf("JSON mal formé à l'octet %d.", se.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("json_invalide", "JSON tronqué : le corps s'arrête avant la fin de l'objet.")
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return badRequest("json_invalide", "Un objet JSON est attendu.")
		}
		return badRequest("type_invalide", "Un champ n'a pas le type attendu.",
			ChampErreur{field, "type_invalide", fmt.Sprintf("Type attendu : %s.", jsonType(te.Type))})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return badRequest("champ_inconnu", "La requête contient un champ inconnu.",
			ChampErreur{field, "inconnu", "Ce champ n'existe pas."})
	}
	return badRequest("json_invalide", "JSON invalide.")
}

func jsonType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "chaîne"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint, reflect.Uint64:
		return "nombre entier"
	case reflect.Float64, reflect.Float32:
		return "nombre"
	case reflect.Bool:
		return "booléen"
	case reflect.Slice, reflect.Array:
		return "liste"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "objet"
	}
	return t.String()
}

// stringFields names the string fields of a JSON body for which bad is
// true, in a stable order. encoding/json replaces invalid UTF-8 with U+FFFD
// silently, so invalid bytes show up as U+FFFD here.
func stringFields(body []byte, bad func(string) bool, code, message string) []ChampErreur {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	var out []ChampErreur
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(p, e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		case string:
			if bad(x) {
				out = append(out, ChampErreur{path, code, message})
			}
		}
	}
	walk("", v)
	sort.Slice(out, func(i, j int) bool { return out[i].Champ < out[j].Champ })
	return out
}

var validate = newValidator()

func newValidator() func(any) error {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	_ = v.RegisterValidation("notblank", func(fl validator.FieldLevel) bool {
		return strings.TrimSpace(fl.Field().String()) != ""
	})
	_ = v.RegisterValidation("nocontrol", func(fl validator.FieldLevel) bool {
		return !strings.ContainsFunc(fl.Field().String(), func(r rune) bool {
			return r < 0x20 && r != '\t' || r == 0x7f
		})
	})
	return func(req any) error {
		err := v.Struct(req)
		if err == nil {
			return nil
		}
		var ves validator.ValidationErrors
		if !errors.As(err, &ves) {
			return err
		}
		fields := make([]ChampErreur, 0, len(ves))
		for _, fe := range ves {
			ns := fe.Namespace()
			if _, rest, ok := strings.Cut(ns, "."); ok {
				ns = rest
			}
			fields = append(fields, ChampErreur{ns, fe.Tag(), frMessage(fe)})
		}
		return &httpError{status: http.StatusUnprocessableEntity, code: "validation",
			detail: "La requête comporte des champs invalides.", fields: fields}
	}
}

func frMessage(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required", "notblank":
		return "Ce champ est obligatoire."
	case "max":
		if fe.Kind() == reflect.String {
			return fmt.Sprintf("Ce texte ne doit pas dépasser %s caractères.", fe.Param())
		}
		if fe.Kind() == reflect.Slice {
			return fmt.Sprintf("Cette liste ne doit pas dépasser %s éléments.", fe.Param())
		}
		return fmt.Sprintf("La valeur ne doit pas dépasser %s.", fe.Param())
	case "min", "gte":
		if fe.Kind() == reflect.String {
			return fmt.Sprintf("Ce texte doit compter au moins %s caractères.", fe.Param())
		}
		return fmt.Sprintf("La valeur doit être au moins %s.", fe.Param())
	case "lte":
		return fmt.Sprintf("La valeur ne doit pas dépasser %s.", fe.Param())
	case "oneof":
		return "Valeur inconnue ; valeurs admises : " + strings.ReplaceAll(fe.Param(), " ", ", ") + "."
	case "datetime":
		return "Date invalide : une date réelle au format AAAA-MM-JJ est attendue."
	case "email":
		return "Adresse électronique invalide."
	case "len":
		return fmt.Sprintf("Ce champ doit compter exactement %s caractères.", fe.Param())
	case "numeric":
		return "Seuls des chiffres sont admis."
	case "nocontrol":
		return "Ce texte contient des caractères de contrôle."
	case "dive":
		return "Élément invalide."
	}
	return "Valeur invalide."
}

// date converts a string already checked by the datetime validator.
func date(s string) certification.Date {
	d, _ := certification.ParseDate(s)
	return d
}
