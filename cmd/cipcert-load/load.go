package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// newClient is the HTTP client of every measured request: keep-alive with
// enough idle connections for the largest client count, no proxy (only
// loopback is contacted), a timeout per request.
func newClient() *http.Client {
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			Proxy:               nil,
			MaxIdleConns:        512,
			MaxIdleConnsPerHost: 512,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		},
	}
}

// request is one measured request.
type request struct {
	method, url, token, ifMatch string
	body                        []byte
}

// send performs r and returns the status (0 when no answer came) and the ETag.
func send(ctx context.Context, c *http.Client, r request) (int, string) {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, body)
	if err != nil {
		return 0, ""
	}
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	if r.ifMatch != "" {
		req.Header.Set("If-Match", r.ifMatch)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, ""
	}
	io.Copy(io.Discard, resp.Body) // read to the end so that the connection is reused
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("ETag")
}

// worker returns the function a client calls for each of its requests: it
// performs the request and returns the HTTP status (0 on transport error).
type worker func(ctx context.Context) int

// runLoad runs clients workers until d has passed or maxRequests were sent,
// whichever comes first, timing every request. newWorker(i) builds client i.
func runLoad(ctx context.Context, clients int, d time.Duration, maxRequests int, newWorker func(i int) worker) Run {
	var (
		issued   atomic.Int64
		mu       sync.Mutex
		lats     []time.Duration
		statuses = map[string]int{}
		errs     int
		wg       sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(d)
	for i := range clients {
		w := newWorker(i)
		wg.Go(func() {
			var mine []time.Duration
			bad := map[string]int{}
			for ctx.Err() == nil && time.Now().Before(deadline) && issued.Add(1) <= int64(maxRequests) {
				t := time.Now()
				status := w(ctx)
				mine = append(mine, time.Since(t))
				if status < 200 || status > 299 {
					bad[strconv.Itoa(status)]++
				}
			}
			mu.Lock()
			defer mu.Unlock()
			lats = append(lats, mine...)
			for k, n := range bad {
				statuses[k] += n
				errs += n
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	r := Run{Requests: len(lats), Errors: errs, Seconds: elapsed.Seconds()}
	if len(statuses) > 0 {
		r.Statuses = statuses
	}
	if elapsed > 0 {
		r.RPS = float64(len(lats)) / elapsed.Seconds()
	}
	slices.Sort(lats)
	r.P50, r.P95, r.P99 = ms(percentile(lats, 50)), ms(percentile(lats, 95)), ms(percentile(lats, 99))
	return r
}

// percentile returns the nearest-rank p-th percentile of sorted: the
// smallest value with at least p % of the values at or below it.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// evaluationBody is the decision every measured recording sends.
var evaluationBody = []byte(`{"decision":"acquis","msp":true,"entretien_technique":true,"dossier_professionnel":true,"ecf_pris_en_compte":true}`)

// recordResults is the result-recording phase: each run takes its own share
// of the pairs (which spans every session), split between its clients so
// that no two clients touch the same pair. A client records its pairs first (PUT without If-Match), then
// goes round them again with If-Match and the ETag of its last answer.
// Even clients are jury1, odd ones jury2.
func (d *dataset) recordResults(ctx context.Context, e *env, cfg config, clients int) Run {
	share := len(d.pairs) / len(cfg.clients)
	runPairs := d.pairs[d.used:min(d.used+share, len(d.pairs))]
	d.used += len(runPairs)
	var firsts, updates atomic.Int64
	r := runLoad(ctx, clients, cfg.duration, cfg.maxRequests, func(i int) worker {
		var mine []*pair
		for j := i; j < len(runPairs); j += clients {
			mine = append(mine, &runPairs[j])
		}
		token := d.tokens[[]string{"jury1", "jury2"}[i%2]]
		next := 0
		return func(ctx context.Context) int {
			if len(mine) == 0 {
				return 0
			}
			p := mine[next%len(mine)]
			next++
			if p.etag == "" {
				firsts.Add(1)
			} else {
				updates.Add(1)
			}
			status, etag := send(ctx, e.http, request{method: "PUT", token: token, ifMatch: p.etag, body: evaluationBody,
				url: e.base + "/api/v1/sessions/" + p.session + "/inscriptions/" + p.inscription + "/evaluations/" + p.ccp})
			if status == http.StatusOK && etag != "" {
				p.etag = etag
			}
			return status
		}
	})
	sessions := map[string]bool{}
	for _, p := range runPairs {
		sessions[p.session] = true
	}
	r.Note = fmt.Sprintf("%d first recordings, %d If-Match updates, on %d pairs in %d sessions",
		firsts.Load(), updates.Load(), len(runPairs), len(sessions))
	return r
}

// getLoop loads the server with GETs of urls, sending token when not
// empty; each client goes round urls from its own starting point, so that
// the clients spread over them.
func getLoop(ctx context.Context, c *http.Client, token string, urls []string, d time.Duration, maxRequests, clients int) Run {
	return runLoad(ctx, clients, d, maxRequests, func(i int) worker {
		next := i * len(urls) / clients
		return func(ctx context.Context) int {
			u := urls[next%len(urls)]
			next++
			status, _ := send(ctx, c, request{method: "GET", url: u, token: token})
			return status
		}
	})
}
