package app

import (
	"net/http"
	"strconv"
	"time"
)

// Failed identity checks on one verification code: IdentiteBurst, then one
// more every IdentiteEvery, that is at most 5 in any day. Anyone holding a
// code may try the holder's nom and date of birth; without a limit the 31
// days of a month are tried in 31 requests, from as many addresses as one
// likes. A successful check costs nothing. Once the limit is reached, the
// code's identity checks are refused, the right one too (else the walk
// would simply go on), until a try comes back; the status and initials stay
// readable.
const (
	identiteBurst = 5
	identiteEvery = 24 * time.Hour / identiteBurst
)

// identityGuard counts failed identity checks per verification code, in
// memory: a restart gives each code its tries back, as for the logins.
type identityGuard struct{ codes *limiter }

func newIdentityGuard() *identityGuard {
	return &identityGuard{codes: newLimiter(identiteEvery, identiteBurst)}
}

// allow says whether code's holder may be checked now, and if not how long
// to wait.
func (g *identityGuard) allow(code string, now time.Time) (bool, time.Duration) {
	return g.codes.peek(code, now)
}

// failed records a nom and date of birth that did not match code's holder.
func (g *identityGuard) failed(code string, now time.Time) { g.codes.take(code, now) }

func tooManyIdentityChecks(wait time.Duration) *httpError {
	hours := int(wait.Hours()) + 1
	return &httpError{status: http.StatusTooManyRequests, code: "verifications_identite_epuisees",
		detail: "Trop de vérifications d'identité manquées pour ce document : la confirmation du titulaire est suspendue ; réessayez dans " +
			strconv.Itoa(hours) + " h au plus. Le statut du document reste consultable.",
		header: http.Header{"Retry-After": []string{strconv.Itoa(int(wait.Seconds()) + 1)}}}
}
