package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// BenchSummary is one benchmark over the runs of `go test -bench -count=N`:
// the median of each of its metrics (ns/op, B/op, allocs/op, custom ones).
type BenchSummary struct {
	Package string   `json:"package"`
	Name    string   `json:"name"`
	Runs    int      `json:"runs"`
	Metrics []Metric `json:"metrics"` // in the order go test printed them
}

// Metric is the median of one unit across the runs.
type Metric struct {
	Unit   string  `json:"unit"`
	Median float64 `json:"median"`
}

// parseBench reads `go test -bench` output and returns the median of every
// metric of every benchmark, in order of first appearance, and the lines
// reporting a failed package ("FAIL\tpkg …"). Other lines (logs, PASS,
// ok …) are skipped.
func parseBench(r io.Reader) ([]BenchSummary, []string, error) {
	type key struct{ pkg, name string }
	var (
		order  []key
		units  = map[key][]string{}
		values = map[key]map[string][]float64{}
		runs   = map[key]int{}
		pkg    string
		failed []string
	)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		if f, ok := strings.CutPrefix(line, "FAIL\t"); ok {
			failed = append(failed, strings.Join(strings.Fields(f), " "))
			continue
		}
		name, ms, ok := parseBenchLine(line)
		if !ok {
			continue
		}
		k := key{pkg, name}
		if _, seen := values[k]; !seen {
			order = append(order, k)
			values[k] = map[string][]float64{}
		}
		runs[k]++
		for _, m := range ms {
			if _, seen := values[k][m.Unit]; !seen {
				units[k] = append(units[k], m.Unit)
			}
			values[k][m.Unit] = append(values[k][m.Unit], m.Median)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, err
	}
	out := make([]BenchSummary, 0, len(order))
	for _, k := range order {
		b := BenchSummary{Package: k.pkg, Name: k.name, Runs: runs[k]}
		for _, u := range units[k] {
			b.Metrics = append(b.Metrics, Metric{u, median(values[k][u])})
		}
		out = append(out, b)
	}
	return out, failed, nil
}

// parseBenchLine parses "BenchmarkX-8  1000  1234 ns/op  56 B/op  7 allocs/op  9.5 foo/op";
// each metric comes back with its value in Median.
func parseBenchLine(line string) (string, []Metric, bool) {
	f := strings.Fields(line)
	if len(f) < 4 || len(f)%2 != 0 || !strings.HasPrefix(f[0], "Benchmark") {
		return "", nil, false
	}
	if _, err := strconv.ParseInt(f[1], 10, 64); err != nil {
		return "", nil, false
	}
	var ms []Metric
	for i := 2; i < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return "", nil, false
		}
		ms = append(ms, Metric{f[i+1], v})
	}
	return f[0], ms, true
}

// median of xs (the mean of the two middle values for an even count).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// shortName is pkg's last element and the benchmark without its prefix:
// "rules.Decider-2".
func (b BenchSummary) shortName() string {
	p := b.Package[strings.LastIndex(b.Package, "/")+1:]
	if p != "" {
		p += "."
	}
	return p + strings.TrimPrefix(b.Name, "Benchmark")
}

// describe lists the metrics: "18774 ns/op  13241 B/op  170 allocs/op".
func (b BenchSummary) describe() string {
	var parts []string
	for _, m := range b.Metrics {
		parts = append(parts, num(m.Median)+" "+m.Unit)
	}
	return strings.Join(parts, "  ")
}

// num prints integers as such and other values with 4 significant digits.
func num(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// benchsumCmd is `cipcert-load benchsum`: go test -bench output on stdin,
// a table (or JSON) of the medians on stdout.
func benchsumCmd(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("benchsum", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON instead of the table")
	if err := fs.Parse(args); err != nil {
		return err
	}
	bs, failed, err := parseBench(stdin)
	if err != nil {
		return err
	}
	if len(bs) == 0 {
		return errors.New("benchsum: no benchmark result on standard input")
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"benchmarks": bs, "failed": failed})
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BENCHMARK\tRUNS\tMEDIANS")
	for _, b := range bs {
		fmt.Fprintf(tw, "%s\t%d\t%s\n", b.shortName(), b.Runs, b.describe())
	}
	for _, f := range failed {
		fmt.Fprintf(tw, "FAILED\t-\t%s\n", f)
	}
	return tw.Flush()
}
