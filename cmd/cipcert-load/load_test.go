package main

import (
	"os/exec"
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
