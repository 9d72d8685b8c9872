package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
)

// pgCounter is a TCP proxy between a client and PostgreSQL that counts, in
// the frontend messages going through, the statements executed (Execute and
// simple Query messages) and the round trips (Sync and simple Query: the
// points where the client waits for the server). pg_stat_statements is not
// needed: it must be preloaded, which a shared server seldom is. Only an
// unencrypted connection is parsed; once TLS is asked for and granted, the
// bytes are passed on uncounted.
type pgCounter struct {
	ln       net.Listener
	upstream string // host:port of PostgreSQL
	counts   pgCounts
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    []net.Conn
}

// pgCounts are the running totals of a pgCounter.
type pgCounts struct {
	statements, roundTrips, parses atomic.Int64
}

// pgSnapshot is a reading of the counters.
type pgSnapshot struct{ Statements, RoundTrips, Parses int64 }

func (c *pgCounts) snapshot() pgSnapshot {
	return pgSnapshot{c.statements.Load(), c.roundTrips.Load(), c.parses.Load()}
}

// startPgCounter listens on a free loopback port and forwards to the
// PostgreSQL of dbURL; it returns dbURL rewritten to go through it.
func startPgCounter(dbURL string) (*pgCounter, string, error) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return nil, "", err
	}
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	p := &pgCounter{ln: ln, upstream: net.JoinHostPort(u.Hostname(), port)}
	u.Host = ln.Addr().String()
	p.wg.Go(p.accept)
	return p, u.String(), nil
}

func (p *pgCounter) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.upstream)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		p.wg.Go(func() { io.Copy(c, s); c.Close() })
		p.wg.Go(func() { countFrontend(bufio.NewReader(c), s, &p.counts); s.Close() })
	}
}

// close stops listening, cuts every connection and waits for the copies.
func (p *pgCounter) close() {
	p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// The request codes of PostgreSQL's untyped first messages.
const (
	pgSSLRequest    = 80877103
	pgGSSENCRequest = 80877104
)

// countFrontend copies a client's messages to the server, counting them.
// The first messages have no type byte: the startup message, after any
// SSLRequest or GSSENCRequest the server refused.
func countFrontend(r *bufio.Reader, w io.Writer, counts *pgCounts) error {
	for {
		hdr, err := r.Peek(8)
		if err != nil {
			return err
		}
		n := int64(binary.BigEndian.Uint32(hdr[:4]))
		code := binary.BigEndian.Uint32(hdr[4:8])
		if _, err := io.CopyN(w, r, n); err != nil {
			return err
		}
		if code != pgSSLRequest && code != pgGSSENCRequest {
			break
		}
		// Refused, the client goes on in clear with another untyped
		// message, whose length starts with a zero byte; granted, it
		// starts a TLS handshake (0x16), passed on uncounted.
		b, err := r.Peek(1)
		if err != nil {
			return err
		}
		if b[0] != 0 {
			_, err := io.Copy(w, r)
			return err
		}
	}
	hdr := make([]byte, 5)
	for {
		if _, err := io.ReadFull(r, hdr); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		switch hdr[0] {
		case 'Q':
			counts.statements.Add(1)
			counts.roundTrips.Add(1)
		case 'E':
			counts.statements.Add(1)
		case 'S':
			counts.roundTrips.Add(1)
		case 'P':
			counts.parses.Add(1)
		}
		if _, err := w.Write(hdr); err != nil {
			return err
		}
		if _, err := io.CopyN(w, r, int64(binary.BigEndian.Uint32(hdr[1:]))-4); err != nil {
			return err
		}
	}
}

// StatementCount is what one kind of request sends to PostgreSQL, measured
// request by request, one at a time, between the request and its answer.
type StatementCount struct {
	Case       string `json:"case"`
	Requests   int    `json:"requests"`
	Errors     int    `json:"errors"`
	Statements int64  `json:"statements_median"`
	Min        int64  `json:"statements_min"`
	Max        int64  `json:"statements_max"`
	RoundTrips int64  `json:"round_trips_median"`
	Parses     int64  `json:"parses_median"` // statements prepared (a cold statement cache prepares more)
}

// countRequests sends the requests one after the other and counts what
// PostgreSQL received during each. The medians leave out what the server
// does in the background (the job queue's polls) now and then.
// It returns, too, the ETag of each answer.
func countRequests(ctx context.Context, c *http.Client, counts *pgCounts, name string, reqs []request) (StatementCount, []string) {
	var st, rt, pa []int64
	sc := StatementCount{Case: name}
	etags := make([]string, len(reqs))
	for i, r := range reqs {
		if ctx.Err() != nil {
			break
		}
		before := counts.snapshot()
		status, etag := send(ctx, c, r)
		after := counts.snapshot()
		etags[i] = etag
		sc.Requests++
		if status < 200 || status > 299 {
			sc.Errors++
			continue
		}
		st = append(st, after.Statements-before.Statements)
		rt = append(rt, after.RoundTrips-before.RoundTrips)
		pa = append(pa, after.Parses-before.Parses)
	}
	if len(st) > 0 {
		sc.Statements, sc.RoundTrips, sc.Parses = median(st), median(rt), median(pa)
		sc.Min, sc.Max = slices.Min(st), slices.Max(st)
	}
	return sc, etags
}

// median is the lower median of xs, which it sorts.
func median(xs []int64) int64 {
	slices.Sort(xs)
	return xs[(len(xs)-1)/2]
}

// countStatements serves the database again, through a pgCounter, with a
// second server started for it (the measured one has stopped, its usage
// read), and counts the statements of each measured kind of request, the
// floor's included, on requests sent one at a time after a warm-up.
func countStatements(ctx context.Context, e *env, d *dataset, n int) ([]StatementCount, error) {
	counter, viaURL, err := startPgCounter(e.dbURL)
	if err != nil {
		return nil, err
	}
	defer counter.close()
	direct := e.dbURL
	e.dbURL = viaURL
	err = e.serve(ctx, e.bin)
	e.dbURL = direct
	if err != nil {
		return nil, err
	}
	defer e.stopServer()
	floorURL, stopFloor, err := startFloor(ctx, viaURL)
	if err != nil {
		return nil, err
	}
	defer stopFloor()

	centre := d.tokens["centre"]
	get := func(prefix, suffix string) []request {
		var out []request
		for i := range 2 * n { // the first n warm the caches and are not counted
			out = append(out, request{method: "GET", token: centre, url: prefix + d.candidats[i%len(d.candidats)] + suffix})
		}
		return out
	}
	same := func(path string) []request {
		return slices.Repeat([]request{{method: "GET", token: centre, url: e.base + path}}, 2*n)
	}
	var out []StatementCount
	for _, k := range []struct {
		name string
		reqs []request
	}{
		{phaseParcours, get(e.base+"/api/v1/candidats/", "/parcours")},
		{phaseFloor, get(floorURL, "")},
		{phaseMoi, same("/api/v1/moi")},
		// The lists the scale benchmark measures, on this run's candidats
		// (all named Charge…).
		{caseCentreFirst, same("/api/v1/candidats?limite=50")},
		{caseNomCentre, same("/api/v1/candidats?nom=Cha")},
	} {
		countRequests(ctx, e.http, &counter.counts, k.name, k.reqs[:n])
		sc, _ := countRequests(ctx, e.http, &counter.counts, k.name, k.reqs[n:])
		out = append(out, sc)
	}
	// The reserved pairs, in two halves: first recordings on the first
	// half warm the caches, then on the second half are counted; then
	// If-Match updates, with the ETags the first recordings returned, alike.
	half := len(d.reserved) / 2
	puts := func(pairs []pair, etags []string) []request {
		reqs := make([]request, len(pairs))
		for i, p := range pairs {
			reqs[i] = request{method: "PUT", token: d.tokens[[]string{"jury1", "jury2"}[i%2]], ifMatch: etags[i], body: evaluationBody,
				url: e.base + "/api/v1/sessions/" + p.session + "/inscriptions/" + p.inscription + "/evaluations/" + p.ccp}
		}
		return reqs
	}
	none := make([]string, half)
	_, warm := countRequests(ctx, e.http, &counter.counts, "", puts(d.reserved[:half], none))
	first, counted := countRequests(ctx, e.http, &counter.counts, phaseResultats+", first", puts(d.reserved[half:2*half], none))
	countRequests(ctx, e.http, &counter.counts, "", puts(d.reserved[:half], warm))
	update, _ := countRequests(ctx, e.http, &counter.counts, phaseResultats+", If-Match update", puts(d.reserved[half:2*half], counted))
	out = append(out, first, update)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// statementsNote explains the statement counts under the table.
const statementsNote = "statements per request: counted on the wire (Execute and Query messages; round trips = Sync and Query)\n" +
	"between a second server instance and PostgreSQL, requests sent one at a time after a warm-up, median over %d"
