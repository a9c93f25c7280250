#!/usr/bin/env bash
# soak.sh — `make soak`: the paper desk at 600× with 500 instruments streaming and the desk,
# positions and charts windows open (headless, Fyne's test driver) for SOAK (a Go duration,
# default 30m). Fails when the live heap or the goroutines grow after the warm-up, or when a
# window's callbacks cost more CPU time on the UI goroutine than the UI budget
# (app/internal/soak). SOAK_SPEED changes the market speed.
set -euo pipefail
export LANG=${LANG:-C.UTF-8}
soak=${SOAK:-30m}
export KEEL_SOAK=$soak
export KEEL_SOAK_SPEED=${SOAK_SPEED:-600}
echo "soak: $soak at ${KEEL_SOAK_SPEED}× (SOAK=2m make soak for a short run)"
# go test's own timeout: the run, plus time to build and to stop
exec go test -tags migrated_fynedo -count=1 -v -run '^TestSoak$' -timeout 24h ./app/internal/soak/
