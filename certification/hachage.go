package certification

import (
	"context"
	"errors"
	"runtime"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// ErrOverloaded is the kind of a refusal made because the server is
// saturated; the client may retry shortly.
var ErrOverloaded = errors.New("overloaded")

// hashGate bounds the password hashes run at once. A bcrypt hash keeps a
// core busy for a quarter of a second by design: without a bound, a burst
// of logins, each from its own address and so past every rate limit,
// would take every core and starve the other requests. With one slot per
// core at most, a login waits its turn; one that waited longer than wait
// is refused (503), rather than queueing for ever.
type hashGate struct {
	slots chan struct{}
	wait  time.Duration
	// hook, when set, runs in each slot before the hash: tests count
	// the hashes running at once.
	hook func()
}

func newHashGate(slots int, wait time.Duration, hook func()) *hashGate {
	if slots <= 0 {
		slots = runtime.GOMAXPROCS(0)
	}
	if wait <= 0 {
		wait = 3 * time.Second
	}
	return &hashGate{slots: make(chan struct{}, slots), wait: wait, hook: hook}
}

// run runs fn in a slot, or returns an ErrOverloaded error if none frees
// up in time, or the context's error if the request is abandoned.
func (g *hashGate) run(ctx context.Context, fn func()) error {
	select {
	case g.slots <- struct{}{}: // a free slot is taken even when wait is tiny
	default:
		if err := g.await(ctx); err != nil {
			return err
		}
	}
	defer func() { <-g.slots }()
	if g.hook != nil {
		g.hook()
	}
	fn()
	return nil
}

// await waits for a slot, at most wait.
func (g *hashGate) await(ctx context.Context) error {
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-t.C:
		return Errorf(ErrOverloaded, "serveur_occupe",
			"Le serveur traite trop de connexions à la fois : réessayez dans quelques secondes.")
	case <-ctx.Done():
		return ctx.Err()
	}
}

// hashPassword hashes a new password at the configured cost, in a slot.
func (s *Service) hashPassword(ctx context.Context, motDePasse string) ([]byte, error) {
	var hash []byte
	var herr error
	if err := s.hashes.run(ctx, func() { hash, herr = bcrypt.GenerateFromPassword([]byte(motDePasse), s.opt.BcryptCost) }); err != nil {
		return nil, err
	}
	return hash, herr
}

// comparePassword checks a password against a stored hash, in a slot; a
// nil hash compares against the dummy, so that an unknown account costs
// the same work as a known one. ok is false on a mismatch.
func (s *Service) comparePassword(ctx context.Context, hash []byte, motDePasse string) (ok bool, err error) {
	if hash == nil {
		hash = s.dummyHash
	}
	err = s.hashes.run(ctx, func() { ok = bcrypt.CompareHashAndPassword(hash, []byte(motDePasse)) == nil })
	return ok, err
}
