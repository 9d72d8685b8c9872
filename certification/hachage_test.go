package certification_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/cipcert/cipcert/certification"
	"github.com/cipcert/cipcert/certification/certtest"
)

// TestDummyHashCost: an unknown identifiant is compared against a hash of
// exactly the cost real accounts get, so that both logins do the same
// work. The costs are compared, not the time taken.
func TestDummyHashCost(t *testing.T) {
	t.Parallel()
	db := certtest.Open(t, "sqlite")
	admin := certification.Acteur{Role: certification.RoleAdmin}
	for _, cost := range []int{bcrypt.MinCost, bcrypt.MinCost + 1, bcrypt.MinCost + 2} {
		opt := certtest.Options(t)
		opt.BcryptCost = cost
		svc, err := certification.NewService(db, opt)
		if err != nil {
			t.Fatal(err)
		}
		identifiant := "compte" + string(rune('a'+cost))
		if _, err := svc.CreateUtilisateur(context.Background(), admin, certification.NouvelUtilisateur{
			Identifiant: identifiant, Nom: "Compte de test", MotDePasse: "un-mot-de-passe-assez-long", Role: certification.RoleAdmin}); err != nil {
			t.Fatal(err)
		}
		var stored string
		if err := db.Table("utilisateurs").Select("mot_de_passe_hash").Where("identifiant = ?", identifiant).Scan(&stored).Error; err != nil {
			t.Fatal(err)
		}
		real, err := bcrypt.Cost([]byte(stored))
		if err != nil {
			t.Fatal(err)
		}
		dummy, err := bcrypt.Cost(svc.DummyHash())
		if err != nil {
			t.Fatal(err)
		}
		if real != cost || dummy != real {
			t.Errorf("BcryptCost %d: real accounts hashed at cost %d, the unknown-account dummy at %d", cost, real, dummy)
		}
	}
	// The production default, which the dummy once missed (10 against 12).
	opt := certtest.Options(t)
	opt.BcryptCost = 0
	svc, err := certification.NewService(db, opt)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := bcrypt.Cost(svc.DummyHash()); got != bcrypt.DefaultCost+2 {
		t.Errorf("default cost: dummy at %d, accounts at %d", got, bcrypt.DefaultCost+2)
	}
}

// gatedService is a service whose password hashes stop in the hook until
// the test releases them, once armed.
type gatedService struct {
	svc              *certification.Service
	armed            atomic.Bool
	running, highest atomic.Int32
	entered          chan struct{}
	release          chan struct{}
}

func newGatedService(t *testing.T, slots int, wait bool) *gatedService {
	t.Helper()
	g := &gatedService{entered: make(chan struct{}, 64), release: make(chan struct{})}
	opt := certtest.Options(t)
	opt.HashSlots = slots
	if !wait {
		opt.HashWait = 1 // nanosecond: a login finding every slot taken is refused at once
	}
	opt.HashHook = func() {
		if !g.armed.Load() {
			return
		}
		n := g.running.Add(1)
		for h := g.highest.Load(); n > h && !g.highest.CompareAndSwap(h, n); h = g.highest.Load() {
		}
		g.entered <- struct{}{}
		<-g.release
		g.running.Add(-1)
	}
	g.svc = certtest.NewServiceWith(t, certtest.Open(t, "sqlite"), opt)
	admin := certification.Acteur{Role: certification.RoleAdmin}
	if _, err := g.svc.CreateUtilisateur(context.Background(), admin, certification.NouvelUtilisateur{
		Identifiant: "alice", Nom: "Alice Martin", MotDePasse: "le-mot-de-passe-d-alice", Role: certification.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	g.armed.Store(true)
	return g
}

// TestHashBound: however many logins arrive at once, no more hashes run
// than there are slots; the others wait their turn and all complete.
func TestHashBound(t *testing.T) {
	t.Parallel()
	const slots, logins = 2, 7
	g := newGatedService(t, slots, true)
	var wg sync.WaitGroup
	errs := make(chan error, logins)
	for i := range logins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			password := "le-mot-de-passe-d-alice"
			if i%2 == 1 {
				password = "faux" // a failure costs the same hash
			}
			identifiant := "alice"
			if i%3 == 2 {
				identifiant = "inconnu" // so does an unknown account
			}
			_, _, err := g.svc.Connexion(context.Background(), identifiant, password)
			if err != nil && !errors.Is(err, certification.ErrUnauthorized) {
				errs <- err
			}
		}()
	}
	// Each hash is released only after it entered: at most slots of them
	// can be inside at any time if the bound holds.
	for range logins {
		<-g.entered
		g.release <- struct{}{}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if h := g.highest.Load(); h > slots || h < 1 {
		t.Errorf("%d hashes ran at once, the bound is %d", h, slots)
	}
}

// TestHashBoundRefuses: a login that finds every slot taken for longer than
// HashWait is refused as overloaded, rather than queueing for ever.
func TestHashBoundRefuses(t *testing.T) {
	t.Parallel()
	g := newGatedService(t, 1, false)
	done := make(chan error)
	go func() {
		_, _, err := g.svc.Connexion(context.Background(), "alice", "le-mot-de-passe-d-alice")
		done <- err
	}()
	<-g.entered // the only slot is now held
	_, _, err := g.svc.Connexion(context.Background(), "alice", "le-mot-de-passe-d-alice")
	var e *certification.Error
	if !errors.Is(err, certification.ErrOverloaded) || !errors.As(err, &e) || e.Code != "serveur_occupe" {
		t.Errorf("login with every slot taken: %v, want ErrOverloaded serveur_occupe", err)
	}
	g.release <- struct{}{}
	if err := <-done; err != nil {
		t.Errorf("the login holding the slot: %v", err)
	}
}
