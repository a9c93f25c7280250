# Keel — make run · make test · make bench · make fuzz · make soak · make package · make screenshots
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

export LANG ?= C.UTF-8
# Go's official tarball installs to /usr/local/go; find it even when PATH does not.
export PATH := $(PATH):/usr/local/go/bin

GO   ?= go
TAGS := -tags migrated_fynedo

.PHONY: run test deps-run deps-test fmt vet unit smoke bench fuzz soak uistats package screenshots

run: deps-run
	$(GO) run $(TAGS) .

test: deps-test fmt vet unit smoke

deps-run:
	@bash scripts/install-deps.sh run

deps-test:
	@bash scripts/install-deps.sh test

fmt:
	@files=$$(gofmt -l $$(find . -name '*.go' -not -path './.git/*')); \
	if [ -n "$$files" ]; then echo "gofmt: these files need formatting (run gofmt -w):"; echo "$$files"; exit 1; fi

vet:
	$(GO) vet $(TAGS) ./...

# The replay's race tests take ~2.5 min on an idle 2-core machine and up to ~10 under load:
# a package may take longer than go test's default 10 minutes on a slow CI machine.
unit:
	$(GO) test -race -timeout 25m $(TAGS) ./...

smoke:
	bash scripts/smoke.sh

bench:
	$(GO) test $(TAGS) -run '^$$' -bench . -benchmem -cpu 1 ./...

# Every fuzz target a few seconds (FUZZTIME=30s make fuzz for longer); CI runs it after make test.
fuzz:
	bash scripts/fuzz.sh

# The desk at 600× with 500 instruments streaming and three windows open, 30 minutes (SOAK=2m
# for a short run): fails when heap or goroutines grow or the UI budget is broken.
SOAK ?= 30m
soak:
	SOAK=$(SOAK) bash scripts/soak.sh

# The UI budget on the real app under Xvfb: desk, positions and charts at 600× for 60 s;
# prints `keel --ui-stats` and the process's CPU.
uistats: deps-test
	bash scripts/uistats.sh

# A Linux desktop package (icon, .desktop entry, metadata from FyneApp.toml) built with the fyne
# CLI, installed into a scratch directory and checked: dist/keel-<version>-linux-<arch>.tar.xz.
package: deps-run
	bash scripts/package.sh

screenshots:
	$(GO) run $(TAGS) . --screenshots docs/screenshots
