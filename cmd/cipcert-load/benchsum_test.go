package main

import (
	"reflect"
	"strings"
	"testing"
)

// benchOutput is go test -bench -count=3 output over three packages, with
// the noise a real run has: test logs, a benchmark name printed alone before
// its logs, PASS and ok lines, a package that does not build.
const benchOutput = `goos: linux
goarch: amd64
pkg: github.com/cipcert/cipcert/certification/rules
cpu: Some CPU
BenchmarkDecider-2   	   59882	     18774 ns/op	   13241 B/op	     170 allocs/op
BenchmarkDecider-2   	   61000	     18100 ns/op	   13241 B/op	     170 allocs/op
BenchmarkDecider-2   	   60500	     19900 ns/op	   13250 B/op	     171 allocs/op
BenchmarkParse
    parse_test.go:12: some log line
BenchmarkParse-2     	  100000	      1000 ns/op	        2.5 widgets/op	  64 B/op	  1 allocs/op
BenchmarkParse-2     	  100000	      3000 ns/op	        3.5 widgets/op	  64 B/op	  1 allocs/op
PASS
ok  	github.com/cipcert/cipcert/certification/rules	4.1s
pkg: github.com/cipcert/cipcert/app
BenchmarkLogin-2     	     100	  12000000 ns/op	     50.00 MB/s
PASS
ok  	github.com/cipcert/cipcert/app	2.0s
# github.com/cipcert/cipcert/pdf
pdf/fonts.go:11:2: no required module provides package example.com/x
FAIL	github.com/cipcert/cipcert/pdf [setup failed]
FAIL
`

func TestParseBench(t *testing.T) {
	got, failed, err := parseBench(strings.NewReader(benchOutput))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"github.com/cipcert/cipcert/pdf [setup failed]"}; !reflect.DeepEqual(failed, want) {
		t.Errorf("failed = %q, want %q", failed, want)
	}
	rules := "github.com/cipcert/cipcert/certification/rules"
	want := []BenchSummary{
		{rules, "BenchmarkDecider-2", 3, []Metric{{"ns/op", 18774}, {"B/op", 13241}, {"allocs/op", 170}}},
		{rules, "BenchmarkParse-2", 2, []Metric{{"ns/op", 2000}, {"widgets/op", 3}, {"B/op", 64}, {"allocs/op", 1}}},
		{"github.com/cipcert/cipcert/app", "BenchmarkLogin-2", 1, []Metric{{"ns/op", 12e6}, {"MB/s", 50}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseBench =\n%+v\nwant\n%+v", got, want)
	}
	if s := got[1].shortName() + ": " + got[1].describe(); s != "rules.Parse-2: 2000 ns/op  3 widgets/op  64 B/op  1 allocs/op" {
		t.Errorf("row = %q", s)
	}
}

func TestParseBenchLineRejects(t *testing.T) {
	for _, line := range []string{
		"BenchmarkParse",
		"BenchmarkX-2 notanumber 12 ns/op",
		"BenchmarkX-2 100 12 ns/op 5",
		"BenchmarkX-2 100 twelve ns/op",
		"    BenchmarkX-2 is mentioned in a log 100 12 ns/op",
		"ok  	github.com/cipcert/cipcert/app	2.0s",
	} {
		if name, _, ok := parseBenchLine(line); ok {
			t.Errorf("parseBenchLine(%q) accepted as %s", line, name)
		}
	}
}
