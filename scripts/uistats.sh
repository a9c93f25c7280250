#!/usr/bin/env bash
# uistats.sh — the UI budget measured on the real app: start Keel (BINARY, default: build it)
# on a private Xvfb display with a fresh journal and the paper market at 600×, open the
# positions and charts windows beside the desk (Ctrl+P, Ctrl+G), let it run SECONDS
# (default 60), quit with Ctrl+Q and print what `keel --ui-stats` measured and the process's
# CPU time over the run (user+system from /proc, as a share of one core). A Keel that takes
# SIGUSR1 (see `keel --help`) is sent it once the windows are open: it prints the figures of
# the start and the opening of the windows ("until SIGUSR1"), and the table printed on quit
# is the SECONDS the three windows ran ("since SIGUSR1"), which the budget is judged on.
#
#   scripts/uistats.sh [BINARY] [SECONDS]      DISPLAY_NUM=66 picks the display (default 66)
#
# Exits 1 when the budget printed by keel is broken (UISTATS_STRICT=0: report only).
set -euo pipefail
# shellcheck source=scripts/stop.sh
. "$(dirname "$0")/stop.sh"
export LANG=${LANG:-C.UTF-8}
bin=${1:-}
secs=${2:-60}
num=${DISPLAY_NUM:-66}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keel-uistats.XXXXXX")
xvfb_pid=""
keel_pid=""
cleanup() {
	stop "$keel_pid" "$xvfb_pid"
	rm -rf "$tmp"
}
trap cleanup EXIT

if [ -z "$bin" ]; then
	go build -tags migrated_fynedo -o "$tmp/keel" .
	bin=$tmp/keel
fi
Xvfb ":$num" -screen 0 1600x1000x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 1 100); do xdpyinfo -display ":$num" >/dev/null 2>&1 && break; sleep 0.1; done
export DISPLAY=":$num"

"$bin" --db "$tmp/keel.db" --ui-stats --paper-speed 600 >"$tmp/out.txt" 2>"$tmp/err.txt" &
keel_pid=$!
# the desk window, then positions and charts from its shortcuts
for _ in $(seq 1 200); do
	xdotool search --name "Keel — Desk" >/dev/null 2>&1 && break
	kill -0 "$keel_pid" 2>/dev/null || { cat "$tmp/err.txt" >&2; exit 1; }
	sleep 0.1
done
sleep 3
desk=$(xdotool search --name "Keel — Desk" | head -1)
xdotool windowactivate --sync "$desk" >/dev/null 2>&1 || xdotool windowfocus "$desk"
xdotool key --window "$desk" ctrl+p
sleep 2
xdotool windowactivate --sync "$desk" >/dev/null 2>&1 || xdotool windowfocus "$desk"
xdotool key --window "$desk" ctrl+g
sleep 2
for w in "Keel — Positions" "Keel — Greek charts"; do
	xdotool search --name "$w" >/dev/null || { echo "uistats: the window $w did not open" >&2; exit 1; }
done

split=""
help=$("$bin" --help 2>&1 || true)
if [[ $help == *SIGUSR1* ]]; then
	split=1
	sleep 1
	kill -USR1 "$keel_pid"
fi

ticks() { awk '{print $14+$15}' "/proc/$keel_pid/stat"; }
hz=$(getconf CLK_TCK)
t0=$(ticks); s0=$(date +%s.%N)
sleep "$secs"
t1=$(ticks); s1=$(date +%s.%N)
[ -n "${UISTATS_SHOT:-}" ] && import -window root "$UISTATS_SHOT"
# Ctrl+Q in any of Keel's windows quits (each window found by its title; retried, since a
# window can come or go meanwhile — the checklist opens itself at its time of day)
for _ in $(seq 1 10); do
	kill -0 "$keel_pid" 2>/dev/null || break
	for w in $(xdotool search --name "^Keel — " 2>/dev/null); do
		xdotool windowactivate --sync "$w" >/dev/null 2>&1 || xdotool windowfocus "$w" >/dev/null 2>&1 || continue
		xdotool key --window "$w" ctrl+q >/dev/null 2>&1 && break
	done
	for _ in $(seq 1 30); do kill -0 "$keel_pid" 2>/dev/null || break; sleep 0.1; done
done
if kill -0 "$keel_pid" 2>/dev/null; then
	echo "uistats: keel did not quit" >&2
	exit 1
fi
wait "$keel_pid" || true
keel_pid=""
cat "$tmp/out.txt"
awk -v t0="$t0" -v t1="$t1" -v s0="$s0" -v s1="$s1" -v hz="$hz" \
	'BEGIN { cpu=(t1-t0)/hz; wall=s1-s0; printf "process CPU: %.1f s over %.1f s wall = %.0f%% of one core\n", cpu, wall, 100*cpu/wall }'
judged=$tmp/out.txt
if [ -n "$split" ]; then
	judged=$tmp/steady.txt
	sed -n '/^since SIGUSR1:/,$p' "$tmp/out.txt" >"$judged"
fi
if [ "${UISTATS_STRICT:-1}" = 1 ] && grep -q "broken" "$judged"; then
	exit 1
fi
