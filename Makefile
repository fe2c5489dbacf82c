# mgz — the commands a developer and CI use. `make test` is the test command of the README.
GO ?= go

.PHONY: test vet build run bench fmt tidy

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

fmt:
	gofmt -w $$(git ls-files '*.go')

tidy:
	$(GO) mod tidy
