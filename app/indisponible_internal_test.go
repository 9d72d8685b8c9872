package app

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestOutageLoggedOncePerInterval: during an outage every request answers
// 503, but the log says so once per interval, with the count.
func TestOutageLoggedOncePerInterval(t *testing.T) {
	var buf bytes.Buffer
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	o := newOutageLog(slog.New(slog.NewTextHandler(&buf, nil)), 10*time.Second, func() time.Time { return now })
	down := errors.New("dial tcp 127.0.0.1:5432: connection refused")
	for i := 0; i < 250; i++ { // 250 requests over 25 s: lines at 0 s, 10 s, 20 s
		o.note(down, "/api/v1/sessions")
		now = now.Add(100 * time.Millisecond)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines for 250 requests over 25 s, want 3:\n%s", len(lines), buf.String())
	}
	for i, want := range []string{"requests_503=1 ", "requests_503=100 ", "requests_503=100 "} {
		if !strings.Contains(lines[i], want) || !strings.Contains(lines[i], "connection refused") {
			t.Errorf("line %d %q: want %s and the cause", i, lines[i], want)
		}
	}
}
