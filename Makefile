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

.PHONY: build run test deps vet fmt bench clean

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

fmt:
	gofmt -l -w .

clean:
	rm -rf bin $(CIPCERT_SQLITE) $(CIPCERT_SQLITE)-shm $(CIPCERT_SQLITE)-wal
