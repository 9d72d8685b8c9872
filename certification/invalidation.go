package certification

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"gorm.io/gorm"
)

// Each process keeps copies of what nearly every request reads and almost
// never changes: the tokens it has resolved (jetons_cache.go) and the
// référentiel (referentiel_cache.go). A write that changes what a copy
// holds names it, in its transaction, with invaliderCle:
//
//   - the process that made the write forgets it synchronously once the
//     transaction has ended, before answering: the very next request there
//     reads the database again;
//   - on PostgreSQL, the transaction also sends pg_notify on
//     cipcert_invalidation with the same key (after the process's own
//     random name, so that it skips its own), which PostgreSQL delivers at
//     commit and only at commit, and every process (this one too) keeps one
//     connection listening on that channel, which forgets the key. The
//     listener proves every quarter of a second that it still hears the
//     channel (a ping, whose answer follows every notification committed
//     before it), and the copies are used only while that proof is less than
//     invalidationBorne (1 s) old: a change committed elsewhere is thus seen
//     within 1 s, whether the listener heard it or lost its connection.
//     While the listener is not connected (start-up, connection lost), every
//     read goes to the database; once it is connected again the copies are
//     emptied before being trusted;
//   - on SQLite, whose other writers are the cipcert command run beside
//     the server, a token read is trusted for at most invalidationBorne, and
//     the référentiel copy checks its generation at each use, one read of one
//     row of the local file.
//
// A copy is filled only when no invalidation happened while its rows were
// being read (see invalidation.generation): a read that raced a write
// cannot put back what the write's invalidation removed.

// invalidationBorne is how stale a copy may be, at most, after a change
// committed by another process.
const invalidationBorne = time.Second

// invalidationVeille is how long the listener waits in silence before it
// proves again that it hears the channel.
const invalidationVeille = 250 * time.Millisecond

// invalidationCanal is the PostgreSQL channel of invalidations.
const invalidationCanal = "cipcert_invalidation"

// The keys an invalidation names.
const (
	cleReferentiel = "referentiel"
	cleTout        = "tout"
	prefixeJeton   = "jeton:"
	prefixeCompte  = "compte:"
)

// invalidationsMax is how many keys a transaction names one by one; beyond
// it, it names everything.
const invalidationsMax = 16

// invalidation is the invalidation of one database's copies in this
// process.
type invalidation struct {
	postgres bool
	// instance prefixes the announcements of this process, which its
	// listener skips: it applied them itself when their transaction ended.
	instance string
	// generation moves at every invalidation applied, before the copies
	// forget: a copy filled from a read begun at another generation is not
	// kept.
	generation atomic.Uint64
	// origine is the start of the monotonic clock of preuve.
	origine time.Time
	// preuve is when (nanoseconds since origine, 0: never) the last ping
	// the listener got an answer to was sent: every notification committed
	// before it has been applied. PostgreSQL only.
	preuve atomic.Int64
	// oublier are the copies' invalidation functions, set before the
	// listener starts and fixed afterwards.
	oublier []func(cle string)
	stop    context.CancelFunc
	fini    chan struct{}
	// pid is the listener's backend, for tests that cut it off.
	pid atomic.Uint32
	// entendu, when set (tests), runs after each notification applied.
	entendu atomic.Pointer[func(cle string)]
}

func newInvalidation(postgres bool) *invalidation {
	return &invalidation{postgres: postgres, origine: time.Now(), instance: newID()}
}

// horloge is the monotonic time since origine, never 0.
func (iv *invalidation) horloge() int64 { return int64(time.Since(iv.origine)) + 1 }

// fiable reports whether a copy may be used now without asking the
// database: always on SQLite (where each copy bounds its own age), and on
// PostgreSQL only while the listener has proved within invalidationBorne
// that it hears every invalidation.
func (iv *invalidation) fiable() bool {
	if !iv.postgres {
		return true
	}
	p := iv.preuve.Load()
	return p != 0 && iv.horloge()-p < int64(invalidationBorne)
}

// AttendreInvalidations waits until the process's copies of db may be
// used (on PostgreSQL: its invalidation listener is connected and current),
// or ctx ends. Requests need not wait: until then they read the database.
// Tests wait, so that what they count does not depend on when the listener
// connected.
func (db *DB) AttendreInvalidations(ctx context.Context) error {
	for !db.invalidation.fiable() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	return nil
}

// invalider makes every copy forget what cle names.
func (iv *invalidation) invalider(cle string) {
	iv.generation.Add(1)
	for _, f := range iv.oublier {
		f(cle)
	}
}

// demarrer starts listening on url. PostgreSQL only.
func (iv *invalidation) demarrer(url string) {
	ctx, stop := context.WithCancel(context.Background())
	iv.stop, iv.fini = stop, make(chan struct{})
	go iv.ecouter(ctx, url)
}

// arreter stops the listener and waits for it to end.
func (iv *invalidation) arreter() {
	if iv.stop != nil {
		iv.stop()
		<-iv.fini
	}
}

// ecouter keeps a connection listening until ctx ends, reconnecting after
// a loss with a growing pause (up to 2 s).
func (iv *invalidation) ecouter(ctx context.Context, url string) {
	defer close(iv.fini)
	pause := 50 * time.Millisecond
	for {
		ecoute := iv.ecouterUneFois(ctx, url)
		iv.preuve.Store(0)
		if ctx.Err() != nil {
			return
		}
		if ecoute {
			pause = 50 * time.Millisecond
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, 2*time.Second)
	}
}

// ecouterUneFois listens on one connection until it fails or ctx ends; it
// reports whether it got as far as listening.
func (iv *invalidation) ecouterUneFois(ctx context.Context, url string) bool {
	cfg, err := pgconn.ParseConfig(url)
	if err != nil {
		return false
	}
	cfg.OnNotification = func(_ *pgconn.PgConn, n *pgconn.Notification) {
		instance, cle, ok := strings.Cut(n.Payload, " ")
		if !ok {
			cle = n.Payload
		}
		if instance != iv.instance {
			iv.invalider(cle)
		}
		if f := iv.entendu.Load(); f != nil {
			(*f)(cle)
		}
	}
	// A wait that times out must leave the connection usable, without the
	// cancel request PostgreSQL would get by default.
	cfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.DeadlineContextWatcherHandler{Conn: c.Conn()}
	}
	conn, err := pgconn.ConnectConfig(ctx, cfg)
	if err != nil {
		return false
	}
	iv.pid.Store(conn.PID())
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+invalidationCanal).ReadAll(); err != nil {
		return false
	}
	for {
		envoi := iv.horloge()
		pctx, cancel := context.WithTimeout(ctx, invalidationBorne)
		err := conn.Ping(pctx)
		cancel()
		if err != nil {
			return true
		}
		if iv.preuve.Load() == 0 {
			// Connected again: what changed unheard is forgotten before
			// anything is trusted.
			iv.invalider(cleTout)
		}
		iv.preuve.Store(envoi)
		wctx, cancel := context.WithTimeout(ctx, invalidationVeille)
		err = conn.WaitForNotification(wctx)
		cancel()
		if ctx.Err() != nil {
			return true
		}
		if err != nil && !errors.Is(wctx.Err(), context.DeadlineExceeded) {
			return true
		}
	}
}

// aInvalider collects the keys a service transaction invalidates.
type aInvalider struct{ cles []string }

type cleInvalidation struct{}

// avecInvalidations returns ctx carrying a fresh collection of keys.
func avecInvalidations(ctx context.Context) (context.Context, *aInvalider) {
	ai := &aInvalider{}
	return context.WithValue(ctx, cleInvalidation{}, ai), ai
}

var errSansInvalidation = errors.New("store: cache invalidation: change made outside a service transaction")

// aInvaliderDe returns the keys collected for the transaction tx.
func aInvaliderDe(tx *gorm.DB) *aInvalider {
	if tx.Statement == nil || tx.Statement.Context == nil {
		return nil
	}
	ai, _ := tx.Statement.Context.Value(cleInvalidation{}).(*aInvalider)
	return ai
}

// invaliderCle records that the transaction tx changes what cle names.
func invaliderCle(tx *gorm.DB, cle string) error {
	ai := aInvaliderDe(tx)
	if ai == nil {
		return errSansInvalidation
	}
	for _, c := range ai.cles {
		if c == cle {
			return nil
		}
	}
	ai.cles = append(ai.cles, cle)
	return nil
}

// invaliderCompte records that tx changes an account, or its tokens, or
// its second factor.
func invaliderCompte(tx *gorm.DB, utilisateurID string) error {
	return invaliderCle(tx, prefixeCompte+utilisateurID)
}

// invalide reports whether the transaction tx has named cle (or
// everything).
func (ai *aInvalider) invalide(cle string) bool {
	for _, c := range ai.cles {
		if c == cle || c == cleTout {
			return true
		}
	}
	return false
}

// annoncer sends the keys to the other processes, in the transaction tx:
// PostgreSQL delivers them if and when tx commits.
func (ai *aInvalider) annoncer(tx *gorm.DB, iv *invalidation) error {
	if !iv.postgres || len(ai.cles) == 0 {
		return nil
	}
	cles := ai.cles
	if len(cles) > invalidationsMax {
		cles = []string{cleTout}
	}
	for _, c := range cles {
		if err := tx.Exec(`SELECT pg_notify(?, ?)`, invalidationCanal, iv.instance+" "+c).Error; err != nil {
			return wrap(err, "cache invalidation %s: notify", c)
		}
	}
	return nil
}

// invaliderIci makes this process's copies forget the keys, once the
// transaction has ended.
func (ai *aInvalider) invaliderIci(iv *invalidation) {
	if len(ai.cles) > invalidationsMax {
		iv.invalider(cleTout)
		return
	}
	for _, c := range ai.cles {
		iv.invalider(c)
	}
}
