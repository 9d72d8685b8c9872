package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var hundred []time.Duration
	for i := 1; i <= 100; i++ {
		hundred = append(hundred, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{nil, 50, 0},
		{[]time.Duration{7}, 50, 7},
		{[]time.Duration{7}, 99, 7},
		{[]time.Duration{1, 2, 3, 4}, 50, 2}, // nearest rank: ceil(0.5*4) = 2nd
		{[]time.Duration{1, 2, 3, 4}, 51, 3},
		{[]time.Duration{1, 2, 3, 4}, 100, 4},
		{[]time.Duration{1, 2, 3, 4}, 0, 1},
		{hundred, 50, 50 * time.Millisecond},
		{hundred, 95, 95 * time.Millisecond},
		{hundred, 99, 99 * time.Millisecond},
		{hundred, 99.5, 100 * time.Millisecond},
	} {
		if got := percentile(c.sorted, c.p); got != c.want {
			t.Errorf("percentile(%d values, %v) = %v, want %v", len(c.sorted), c.p, got, c.want)
		}
	}
}

// TestStopServerUsage stops a busy child as the server is stopped and reads
// what the kernel accounted to it; a second stop is a no-op.
func TestStopServerUsage(t *testing.T) {
	cmd := exec.Command("sh", "-c", "while :; do :; done")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	e := &env{server: cmd, exited: make(chan struct{})}
	go func() { cmd.Wait(); close(e.exited) }()
	time.Sleep(500 * time.Millisecond)
	u := e.stopServer()
	if u.CPU < 10*time.Millisecond || u.CPU > 5*time.Second || u.PeakRSSKB <= 0 {
		t.Errorf("usage of a child busy for 0.5 s: %+v", u)
	}
	if again := e.stopServer(); again != (serverUsage{}) || e.server != nil {
		t.Errorf("second stop: %+v", again)
	}
}

// TestRatios: each measured phase gets its yardsticks' ratios at the same
// client count, the target's yardstick first; a yardstick gets none.
func TestRatios(t *testing.T) {
	runs := []Run{
		{Phase: phaseResultats, Clients: 32, RPS: 300},
		{Phase: phasePgbench, Clients: 32, RPS: 1000},
		{Phase: phasePgbench, Clients: 8, RPS: 5000},
		{Phase: phaseParcours, Clients: 32, RPS: 500},
		{Phase: phaseFloor, Clients: 32, RPS: 2000},
		{Phase: phaseEcho, Clients: 32, RPS: 10000},
		{Phase: phaseMoi, Clients: 32, RPS: 4000},
		{Phase: phaseParcours, Clients: 1, RPS: 100}, // no yardstick at 1 client
	}
	ratios(runs)
	want := map[string][]Ratio{
		phaseResultats: {{phasePgbench, 0.3}},
		phaseParcours:  {{phaseFloor, 0.25}, {phaseEcho, 0.05}},
		phaseMoi:       {{phaseEcho, 0.4}},
	}
	for _, r := range runs {
		w := want[r.Phase]
		if r.Clients == 1 {
			w = nil
		}
		if !slices.Equal(r.Ratios, w) {
			t.Errorf("%s @%d: ratios %v, want %v", r.Phase, r.Clients, r.Ratios, w)
		}
	}
	if got := runs[3].ratio(phaseFloor); got != 0.25 {
		t.Errorf("ratio to the floor: %v", got)
	}
	if got := runs[0].ratio(phaseFloor); got != 0 {
		t.Errorf("ratio to a yardstick the phase has not: %v", got)
	}
	if c := ratioCell(runs[3]); c != "25.0 % of floor, 5.0 % of bare Echo" {
		t.Errorf("ratio cell %q", c)
	}
}

// TestTargets: the goals are checked at the largest client count, at their
// bounds, and a phase that did not run misses them.
func TestTargets(t *testing.T) {
	rep := &Report{Server: serverUsage{PeakRSSKB: 80 * 1024}, Runs: []Run{
		{Phase: phaseResultats, Clients: 8, Requests: 10, P99: 500, Errors: 3},
		{Phase: phaseResultats, Clients: 32, Requests: 10, P99: 25, Ratios: []Ratio{{phasePgbench, 0.30}}},
		{Phase: phaseParcours, Clients: 32, Requests: 10, P99: 20.5, Errors: 1, Ratios: []Ratio{{phaseFloor, 0.49}, {phaseEcho, 0.9}}},
	}}
	var met []bool
	for _, g := range targets(rep, []int{1, 8, 32}) {
		met = append(met, g.Met)
		if !strings.Contains(g.Goal, "@32 clients") && !strings.Contains(g.Goal, "RSS") {
			t.Errorf("goal %q: not at 32 clients", g.Goal)
		}
	}
	// recording ratio, p99, errors; parcours ratio, p99, errors; RSS
	if want := []bool{true, true, true, false, false, false, true}; !slices.Equal(met, want) {
		t.Errorf("met %v, want %v", met, want)
	}
	rep.Server.PeakRSSKB = 80*1024 + 1
	rep.Runs = nil
	for _, g := range targets(rep, []int{32}) {
		if g.Met {
			t.Errorf("%s met without a run: %s", g.Goal, g.Actual)
		}
	}
}

// TestProcStatCPU reads utime and stime after a command name holding
// spaces and parentheses.
func TestProcStatCPU(t *testing.T) {
	stat := "4242 (ci (p) cert) S 1 4242 4242 0 -1 4194560 3062 0 0 0 123 45 0 0 20 0 9 0 1234 1000000 2000 18446744073709551615"
	if got := procStatCPU(stat); got != 1680*time.Millisecond {
		t.Errorf("procStatCPU = %v, want 1.68s", got)
	}
	for _, bad := range []string{"", "4242 (x) S 1 2", "4242 (x) S 1 4242 4242 0 -1 4194560 3062 0 0 0 u 45 0"} {
		if got := procStatCPU(bad); got != 0 {
			t.Errorf("procStatCPU(%q) = %v, want 0", bad, got)
		}
	}
	if (&env{}).serverCPU() != 0 {
		t.Error("serverCPU without a server")
	}
}

// pgMessage is a typed frontend message.
func pgMessage(typ byte, body string) []byte {
	b := []byte{typ, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[1:], uint32(4+len(body)))
	return append(b, body...)
}

// pgUntyped is an untyped first message: length, code, body.
func pgUntyped(code uint32, body string) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint32(b, uint32(8+len(body)))
	binary.BigEndian.PutUint32(b[4:], code)
	return append(b, body...)
}

// TestCountFrontend: the stream reaches the server unchanged, and what a
// client sends is counted: a refused SSLRequest and the startup message
// first, then an extended-protocol statement prepared and executed, a
// pipeline of two under one Sync, a simple query.
func TestCountFrontend(t *testing.T) {
	var in []byte
	in = append(in, pgUntyped(pgSSLRequest, "")...)
	in = append(in, pgUntyped(196608, "user\x00postgres\x00\x00")...)
	for _, m := range [][]byte{
		pgMessage('P', "\x00SELECT 1\x00\x00\x00"), pgMessage('D', "S\x00"), pgMessage('S', ""), // prepare: a round trip
		pgMessage('B', "\x00\x00\x00\x00\x00\x00\x00\x00"), pgMessage('E', "\x00\x00\x00\x00\x00"), pgMessage('S', ""),
		pgMessage('B', "x"), pgMessage('E', "y"), pgMessage('B', "x"), pgMessage('E', "y"), pgMessage('S', ""),
		pgMessage('Q', "BEGIN\x00"),
		pgMessage('X', ""),
	} {
		in = append(in, m...)
	}
	var out bytes.Buffer
	var c pgCounts
	if err := countFrontend(bufio.NewReader(bytes.NewReader(in)), &out, &c); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), in) {
		t.Error("the stream was changed on its way")
	}
	if got, want := c.snapshot(), (pgSnapshot{Statements: 4, RoundTrips: 4, Parses: 1}); got != want {
		t.Errorf("counts %+v, want %+v", got, want)
	}

	// Granted TLS: the handshake and what follows are passed on uncounted.
	tls := append(pgUntyped(pgSSLRequest, ""), append([]byte{0x16, 3, 1}, pgMessage('Q', "SELECT 1\x00")...)...)
	out.Reset()
	c = pgCounts{}
	if err := countFrontend(bufio.NewReader(bytes.NewReader(tls)), &out, &c); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), tls) || c.snapshot() != (pgSnapshot{}) {
		t.Errorf("TLS: %d of %d bytes, counts %+v", out.Len(), len(tls), c.snapshot())
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		xs   []int64
		want int64
	}{{[]int64{7}, 7}, {[]int64{9, 1, 5}, 5}, {[]int64{4, 1, 3, 2}, 2}, {[]int64{9, 9, 30, 9}, 9}} {
		if got := median(slices.Clone(c.xs)); got != c.want {
			t.Errorf("median(%v) = %d, want %d", c.xs, got, c.want)
		}
	}
}
