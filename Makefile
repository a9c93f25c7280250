# Keel — make run · make test · make bench · make package · make screenshots
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

export LANG ?= C.UTF-8
# Go's official tarball installs to /usr/local/go; find it even when PATH does not.
export PATH := $(PATH):/usr/local/go/bin

GO   ?= go
TAGS := -tags migrated_fynedo

.PHONY: run test deps-run deps-test fmt vet unit smoke bench package screenshots

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

unit:
	$(GO) test -race $(TAGS) ./...

smoke:
	bash scripts/smoke.sh

bench:
	$(GO) test $(TAGS) -run '^$$' -bench . -benchmem -cpu 1 ./...

# A desktop package (icon, .desktop file, metadata) needs the fyne CLI
# (go install fyne.io/tools/cmd/fyne@latest); without it this builds a plain binary.
package: deps-run
	@if command -v fyne >/dev/null 2>&1; then \
		fyne package --release --tags migrated_fynedo; \
	else \
		echo "package: the fyne CLI is not installed, so this is a plain binary, not a desktop package"; \
		mkdir -p dist; \
		$(GO) build $(TAGS) -trimpath -ldflags '-s -w' -o dist/keel . ; \
		echo "package: built dist/keel"; \
	fi

screenshots:
	$(GO) run $(TAGS) . --screenshots docs/screenshots
