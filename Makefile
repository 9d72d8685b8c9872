# cipcert. `make run` serves the API on the embedded SQLite database with demo
# data; `make test` runs every test, on PostgreSQL too when it is reachable.

SHELL         := /bin/bash
GO            ?= go
BIN           := bin/cipcert
ADDR          ?= :8080
CIPCERT_SQLITE ?= cipcert.db
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
export TEST_DATABASE_URL

# go.mod asks for Go 1.27.3, whose standard library carries security fixes
# that 1.26 lacks; a machine with an older Go fetches it from the module proxy.
export GOTOOLCHAIN := go1.27.3

.PHONY: build run test deps vet fmt bench clean fork-check vuln

build:
	$(GO) build -o $(BIN) ./cmd/cipcert

# The demo: CIPCERT_DEMO=1 lets documents be issued with the http
# PUBLIC_URL of localhost, which production refuses.
run: build
	CIPCERT_DEMO=1 CIPCERT_SQLITE=$(CIPCERT_SQLITE) $(BIN) migrate up
	CIPCERT_DEMO=1 CIPCERT_SQLITE=$(CIPCERT_SQLITE) $(BIN) seed
	CIPCERT_DEMO=1 CIPCERT_SQLITE=$(CIPCERT_SQLITE) ADDR=$(ADDR) $(BIN) serve

# What the tests need beyond Go: pdftotext (Debian's poppler-utils) reads the
# documents back. `make test` installs it when it is missing, and says so.
deps:
	@if ! command -v pdftotext >/dev/null; then \
		echo "make test: pdftotext is missing; installing Debian's poppler-utils with apt-get"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y poppler-utils; \
	fi

# RACE lists the packages whose tests run under the race detector; the others
# run without it. Every package fits today (see README, Measuring).
RACE ?= ./...

# vet and staticcheck first. The verbose log goes to .test.log; the screen
# gets the package results, the failures, and the PostgreSQL subtests, so a
# run shows that suite ran. The fault test restarts PostgreSQL, so it runs
# alone, after the others; it needs root and pg_ctlcluster, as in CI.
test: deps
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	@norace=$$($(GO) list ./... | grep -vxF -f <($(GO) list $(RACE))); \
	$(GO) test -count=1 -race -timeout 25m -v $(RACE) > .test.log 2>&1; rc=$$?; \
	if [ -n "$$norace" ]; then $(GO) test -count=1 -timeout 25m -v $$norace >> .test.log 2>&1 || rc=1; fi; \
	if [ "$$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null; then \
		CIPCERT_FAULT=1 $(GO) test -count=1 -v -run '^TestFaultPostgresRestart$$' ./app/ >> .test.log 2>&1 || rc=1; \
	else echo "fault test not run: it needs root and pg_ctlcluster"; fi; \
	grep -E '^(ok|FAIL|panic:|WARNING: DATA RACE)|--- FAIL|^    --- PASS: [^/ ]+/postgres |--- PASS: TestFault|fault_test.go:[0-9]+: restart' .test.log; \
	echo "$$(grep -c -- '--- PASS' .test.log) passed, $$(grep -c -- '--- FAIL' .test.log) failed"; \
	exit $$rc

# The patches third_party/gofpdf carries: its diff against upstream v1.16.2
# from the module cache, the upstream files gofmt'd first as the copy was.
# go.mod and README.cipcert.md are the copy's own.
GOFPDF_UPSTREAM := github.com/jung-kurt/gofpdf@v1.16.2
fork-check:
	@dir=$$($(GO) mod download -json $(GOFPDF_UPSTREAM) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p'); \
	[ -d "$$dir" ] || { echo "fork-check: $(GOFPDF_UPSTREAM) is not in the module cache"; exit 1; }; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; mkdir "$$tmp/upstream"; \
	for f in "$$dir"/*.go "$$dir"/LICENSE; do \
		case "$$f" in *_test.go) ;; *) cp "$$f" "$$tmp/upstream/";; esac; \
	done; \
	chmod -R u+w "$$tmp"; gofmt -w "$$tmp/upstream"; \
	echo "third_party/gofpdf against $(GOFPDF_UPSTREAM), upstream gofmt'd:"; \
	diff -ru -x go.mod -x 'README*' "$$tmp/upstream" third_party/gofpdf | sed -E "s|$$tmp/upstream|upstream|g; s/\t[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+ [+-][0-9]{4}$$//"; \
	[ $${PIPESTATUS[0]} -le 1 ]

# Go benchmarks (medians of 6 runs; those needing a data set of minutes only
# with CIPCERT_BENCH_LONG=1), the load driver against its yardsticks (pgbench,
# the Echo + pgx floor, a bare Echo endpoint) and the scale benchmark
# (BENCH_SCALE); see scripts/bench.
bench:
	scripts/bench

# Known vulnerabilities that the code can reach: govulncheck (a tool dependency
# in go.mod) against the Go vulnerability database, i.e. the OSV files of the
# pinned golang.org/x/vulndb module, fetched through the module proxy and
# indexed by that module's own indexdb command into .cache/vulndb, once per
# version. Fails on any finding not listed, with its reason, in .govulncheck-allow.
VULNDB_VERSION := v0.0.0-20261105234957-e22db6528018
VULNDB         := .cache/vulndb/$(VULNDB_VERSION)

vuln:
	@if [ ! -f $(VULNDB)/index/db.json ]; then \
		echo "vuln: downloading golang.org/x/vulndb@$(VULNDB_VERSION) (25 MB) and its indexdb command's dependencies, building the database in $(VULNDB)"; \
		src=$$($(GO) mod download -json golang.org/x/vulndb@$(VULNDB_VERSION) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p'); \
		[ -d "$$src/data/osv" ] || { echo "vuln: golang.org/x/vulndb@$(VULNDB_VERSION) has no data/osv"; exit 1; }; \
		rm -rf $(VULNDB).tmp; \
		$(GO) run golang.org/x/vulndb/cmd/indexdb@$(VULNDB_VERSION) -vulns "$$src/data/osv" -out $(VULNDB).tmp || exit 1; \
		mv $(VULNDB).tmp $(VULNDB); \
	fi
	@out=$$($(GO) tool govulncheck -db file://$(CURDIR)/$(VULNDB) ./... 2>&1); rc=$$?; echo "$$out"; \
	case $$rc in 0) exit 0;; 3) ;; *) echo "vuln: govulncheck failed ($$rc)"; exit $$rc;; esac; \
	found=$$(echo "$$out" | sed -n 's/^Vulnerability #[0-9]*: \(GO-[0-9]*-[0-9]*\)$$/\1/p' | sort -u); \
	[ -n "$$found" ] || { echo "vuln: govulncheck found something, but no ID could be read from its output"; exit 1; }; \
	allowed=$$(grep -oE '^GO-[0-9]+-[0-9]+' .govulncheck-allow | sort -u); \
	new=$$(comm -23 <(echo "$$found") <(echo "$$allowed")); \
	stale=$$(comm -13 <(echo "$$found") <(echo "$$allowed")); \
	[ -z "$$stale" ] || echo "vuln: no longer found, remove from .govulncheck-allow:" $$stale; \
	if [ -n "$$new" ]; then echo "vuln: reachable and not in .govulncheck-allow:" $$new; exit 1; fi; \
	echo "vuln: every reachable finding is in .govulncheck-allow, with its reason:" $$found

fmt:
	gofmt -l -w .

clean:
	rm -rf bin $(CIPCERT_SQLITE) $(CIPCERT_SQLITE)-shm $(CIPCERT_SQLITE)-wal
