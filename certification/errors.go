package certification

import (
	"errors"
	"fmt"
)

// Error kinds. Callers test them with errors.Is; the transport maps each to
// one status code.
var (
	ErrInvalid      = errors.New("invalid")
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("conflict")
	ErrStale        = errors.New("stale version")
	ErrForbidden    = errors.New("forbidden")
	ErrUnauthorized = errors.New("unauthorized")
)

// FieldError names one input field that failed validation.
type FieldError struct {
	Field   string
	Code    string
	Message string
}

// Error is the one error type of the domain. Code is a stable snake_case
// identifier for clients; Message is French and safe to show to a user.
type Error struct {
	Kind    error
	Code    string
	Message string
	Fields  []FieldError
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

// Unwrap exposes the kind (for errors.Is) and the cause.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

// Errorf builds an *Error of the given kind.
func Errorf(kind error, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid reports a validation failure on named fields.
func Invalid(code, message string, fields ...FieldError) *Error {
	return &Error{Kind: ErrInvalid, Code: code, Message: message, Fields: fields}
}

func notFound(what string) *Error {
	return Errorf(ErrNotFound, "introuvable", "%s introuvable.", what)
}

func stale(what string) *Error {
	return Errorf(ErrStale, "version_perimee",
		"%s a été modifié entre-temps : relisez-le et recommencez avec sa version actuelle.", what)
}

// staleF is stale for a feminine noun, so that the message agrees with it.
func staleF(what string) *Error {
	return Errorf(ErrStale, "version_perimee",
		"%s a été modifiée entre-temps : relisez-la et recommencez avec sa version actuelle.", what)
}

// fieldIndex names an element's field in a list, as "agrements[1].titre_code".
func fieldIndex(list string, i int, field string) string {
	return fmt.Sprintf("%s[%d].%s", list, i, field)
}
