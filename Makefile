# mgz — the commands a developer and CI use. `make test` is the test command of the README.
GO ?= go

.PHONY: test test-postgres vet build run bench bench-http fmt tidy

## test: vet, then every test with the race detector (browser tests need Chromium; see README),
## then the storage tests again on PostgreSQL when a server is given (test-postgres)
test: vet
	$(GO) test -race -count=1 -timeout 25m ./...
	@$(MAKE) --no-print-directory test-postgres

## test-postgres: the tests that exercise storage, on PostgreSQL: MGZ_TEST_POSTGRES is the URL of a
## server whose user may create databases; eval "$$(.ci/postgres start /tmp/mgz-pg)" starts one.
## Each test gets a scratch database of its own. Under CI=true a missing server fails the run.
PG_PACKAGES ?= ./sqlstore/... ./service ./demo ./directory ./outbox
test-postgres:
	@if [ -n "$$MGZ_TEST_POSTGRES" ]; then \
	  echo "Opslagtests op PostgreSQL ($(PG_PACKAGES))"; \
	  MGZ_TEST_STORE=postgres $(GO) test -count=1 -timeout 20m $(PG_PACKAGES); \
	elif [ "$$CI" = true ]; then \
	  echo "MGZ_TEST_POSTGRES ontbreekt: onder CI=true moeten de PostgreSQL-tests draaien (.ci/run start een server)"; exit 1; \
	else \
	  echo "PostgreSQL-tests overgeslagen: geen MGZ_TEST_POSTGRES (start een server met eval \"\$$(.ci/postgres start /tmp/mgz-pg)\")"; \
	fi

vet:
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt wants to change:"; echo "$$unformatted"; exit 1; fi

build:
	$(GO) build -o bin/mgz ./cmd/mgz

run:
	$(GO) run ./cmd/mgz serve --demo

## bench: the benchmarks, six runs each, for benchstat
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./... | tee bench.txt

## bench-http: mgz over HTTP on the national data set (wrk and vegeta; needs wrk: apt-get install wrk).
## The database is made on first use; e.g. make bench-http BENCH_FLAGS=--quick, or BENCH_SCALE=region.
## On PostgreSQL: make bench-http BENCH_DB=postgres://user@host/db (an empty database is filled from
## bench/$(BENCH_SCALE).db with mgz migrate-store, so both backends are measured on the same data).
BENCH_DB ?= bench/$(BENCH_SCALE).db
BENCH_SCALE ?= national
BENCH_LABEL ?=
BENCH_THROUGHPUT ?= 10s
BENCH_LATENCY ?= 5s
BENCH_MIXED ?= 30s
BENCH_RATE ?= 1000
BENCH_FLAGS ?=
bench-http: build
	$(GO) build -o bin/mgz-bench ./cmd/mgz-bench
	bin/mgz-bench --mgz bin/mgz --db $(BENCH_DB) --scale $(BENCH_SCALE) $(if $(BENCH_LABEL),--label $(BENCH_LABEL)) \
	  --throughput-duration $(BENCH_THROUGHPUT) --latency-duration $(BENCH_LATENCY) \
	  --mixed-duration $(BENCH_MIXED) --rate $(BENCH_RATE) $(BENCH_FLAGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

tidy:
	$(GO) mod tidy
