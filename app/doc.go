// Package app is cipcert's HTTP API: an Echo v4 server whose routes are all
// listed in routes.go. Handlers bind a request type, validate it, call one
// certification.Service method and map the result to a response type.
// Every error leaves through one handler that answers
// application/problem+json (RFC 9457).
//
// JSON field names are French snake_case, like the domain's vocabulary.
package app
