#!/usr/bin/env bash
# make fuzz: every fuzz target in the module gets a small budget (FUZZTIME, default 5s each).
# Targets are found with `go test -list`, so a new Fuzz function is fuzzed without editing this
# file. A crash fails the run; Go writes the failing input under the package's
# testdata/fuzz/<Target>/, where it becomes a regression case for plain `go test`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin
GO=${GO:-go}
TAGS=(-tags migrated_fynedo)
FUZZTIME=${FUZZTIME:-5s}

pkgs=$($GO list "${TAGS[@]}" -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' ./...)
ran=0
failed=()
for pkg in $pkgs; do
	dir=$($GO list "${TAGS[@]}" -f '{{.Dir}}' "$pkg")
	# Only packages whose tests declare a fuzz target are listed (cheap grep before compiling).
	grep -qs '^func Fuzz' "$dir"/*_test.go || continue
	targets=$($GO test "${TAGS[@]}" -list '^Fuzz' "$pkg" | grep '^Fuzz' || true)
	for t in $targets; do
		echo "fuzz: $pkg $t ($FUZZTIME)"
		if ! $GO test "${TAGS[@]}" -run '^$' -fuzz "^${t}\$" -fuzztime "$FUZZTIME" "$pkg" >"/tmp/keel-fuzz-$t.log" 2>&1; then
			cat "/tmp/keel-fuzz-$t.log"
			failed+=("$pkg $t")
		fi
		ran=$((ran + 1))
	done
done
echo "fuzz: $ran targets, ${#failed[@]} failed"
if [ ${#failed[@]} -gt 0 ]; then
	printf 'fuzz: FAILED %s\n' "${failed[@]}"
	exit 1
fi
