package app

import (
	"log/slog"
	"strings"
	"sync"
	"time"
)

// loginGuard limits password guessing. It counts failed logins only, per
// client address and per identifiant, in token buckets (LoginBurst
// failures per identifiant, then one more per LoginEvery; four times as
// many per address, four times as fast).
//
//   - An address with too many recent failures is refused, whatever the
//     identifiant: that stops one client spraying many accounts.
//   - An identifiant with too many recent failures is refused only to an
//     address that itself failed recently. An address with a clean record
//     still has its password checked, so that failures sent from elsewhere
//     cannot lock the real user out of its account; an attacker switching
//     addresses gets one guess per fresh address, each of which then joins
//     the refused ones.
//   - Failures on one identifiant past its burst are a spike: logged at
//     once with the count and the number of addresses, then again each
//     time the count doubles, so a long attack is visible without
//     flooding the log.
//
// Time comes from the caller (the service's clock), so tests drive it.
type loginGuard struct {
	byIP, byID *limiter
	log        *slog.Logger

	mu     sync.Mutex
	spikes map[string]*spike
	sweep  time.Time
}

// spike is the run of failures on one identifiant since its bucket was
// last full.
type spike struct {
	failures int
	logged   int // the count at the last log line
	addrs    map[string]bool
	last     time.Time
}

// maxSpikeAddrs caps the addresses remembered per spike.
const maxSpikeAddrs = 1000

func newLoginGuard(every time.Duration, burst int, log *slog.Logger) *loginGuard {
	return &loginGuard{byIP: newLimiter(every/4, burst*4), byID: newLimiter(every, burst), log: log, spikes: map[string]*spike{}}
}

// loginKey is the identifiant as accounts store it, so that its case does
// not open a new bucket.
func loginKey(identifiant string) string { return strings.ToLower(strings.TrimSpace(identifiant)) }

// allow says whether a login attempt from ip for identifiant may be
// checked, and if not how long to wait. It takes nothing: only failures
// count.
func (g *loginGuard) allow(ip, identifiant string, now time.Time) (bool, time.Duration) {
	if ok, wait := g.byIP.peek(ip, now); !ok {
		return false, wait
	}
	if ok, wait := g.byID.peek(loginKey(identifiant), now); !ok && !g.byIP.full(ip, now) {
		return false, wait
	}
	return true, 0
}

// failed records a wrong password (or unknown identifiant) from ip.
func (g *loginGuard) failed(ip, identifiant string, now time.Time) {
	id := loginKey(identifiant)
	g.byIP.take(ip, now)
	fresh := g.byID.full(id, now)
	g.byID.take(id, now)
	burst := g.byID.burst

	g.mu.Lock()
	defer g.mu.Unlock()
	if now.Sub(g.sweep) > time.Minute {
		for k, s := range g.spikes {
			if now.Sub(s.last) > time.Duration(burst)*g.byID.every {
				delete(g.spikes, k)
			}
		}
		g.sweep = now
	}
	s := g.spikes[id]
	if s == nil || fresh {
		s = &spike{addrs: map[string]bool{}}
		g.spikes[id] = s
	}
	s.failures++
	s.last = now
	if len(s.addrs) < maxSpikeAddrs {
		s.addrs[ip] = true
	}
	if s.failures > burst && s.failures >= 2*s.logged {
		s.logged = s.failures
		g.log.Warn("login failure spike", "identifiant", id, "failures", s.failures, "addresses", len(s.addrs))
	}
}

// request counts a password reset request from ip for an e-mail address
// and says whether it may go on, and if not how long to wait. Unlike a
// login, every request counts, since each one may cost the address's owner
// an e-mail; and an address past its burst is refused whatever the client,
// so that many clients together cannot flood one mailbox either. The
// answer depends on the address as typed, never on whether an account
// uses it, so it tells nothing about the accounts.
func (g *loginGuard) request(ip, email string, now time.Time) (bool, time.Duration) {
	key := loginKey(email)
	if ok, wait := g.byIP.peek(ip, now); !ok {
		return false, wait
	}
	if ok, wait := g.byID.peek(key, now); !ok {
		return false, wait
	}
	g.byIP.take(ip, now)
	g.byID.take(key, now)
	return true, 0
}
