# mgz — the commands a developer and CI use. `make test` is the test command of the README.
GO ?= go

.PHONY: test vet build run bench bench-http fmt tidy

## test: vet, then every test with the race detector (browser tests need Chromium; see README)
test: vet
	$(GO) test -race -count=1 -timeout 25m ./...

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
BENCH_DB ?= bench/$(BENCH_SCALE).db
BENCH_SCALE ?= national
BENCH_LABEL ?= sqlite
BENCH_THROUGHPUT ?= 10s
BENCH_LATENCY ?= 5s
BENCH_MIXED ?= 30s
BENCH_RATE ?= 1000
BENCH_FLAGS ?=
bench-http: build
	$(GO) build -o bin/mgz-bench ./cmd/mgz-bench
	bin/mgz-bench --mgz bin/mgz --db $(BENCH_DB) --scale $(BENCH_SCALE) --label $(BENCH_LABEL) \
	  --throughput-duration $(BENCH_THROUGHPUT) --latency-duration $(BENCH_LATENCY) \
	  --mixed-duration $(BENCH_MIXED) --rate $(BENCH_RATE) $(BENCH_FLAGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

tidy:
	$(GO) mod tidy
