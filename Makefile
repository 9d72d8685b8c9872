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

.PHONY: build run test deps vet fmt bench clean vuln

build:
	$(GO) build -o $(BIN) ./cmd/cipcert

run: build
	CIPCERT_SQLITE=$(CIPCERT_SQLITE) $(BIN) migrate up
	CIPCERT_SQLITE=$(CIPCERT_SQLITE) $(BIN) seed
	CIPCERT_SQLITE=$(CIPCERT_SQLITE) ADDR=$(ADDR) $(BIN) serve

# The PDF tests read documents back with pdftotext (Debian's poppler-utils).
deps:
	@command -v pdftotext >/dev/null || { echo "installing poppler-utils"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; }

# The verbose log goes to .test.log; the screen gets the package results, the
# failures, and the PostgreSQL subtests, so a run shows that suite ran. The
# fault test restarts PostgreSQL, so it runs alone, after the others; it needs
# root and pg_ctlcluster, as in CI.
test: deps
	$(GO) vet ./...
	@$(GO) test -count=1 -v ./... > .test.log 2>&1; rc=$$?; \
	if [ "$$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null; then \
		CIPCERT_FAULT=1 $(GO) test -count=1 -v -run '^TestFaultPostgresRestart$$' ./app/ >> .test.log 2>&1 || rc=1; \
	else echo "fault test not run: it needs root and pg_ctlcluster"; fi; \
	grep -E '^(ok|FAIL|panic:)|--- FAIL|^    --- PASS: [^/ ]+/postgres |--- PASS: TestFault|fault_test.go:[0-9]+: restart' .test.log; \
	echo "$$(grep -c -- '--- PASS' .test.log) passed, $$(grep -c -- '--- FAIL' .test.log) failed"; \
	exit $$rc

# Go benchmarks (median of 5 runs) and the load driver against pgbench and a
# bare Echo endpoint, as one table; see scripts/bench.
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
