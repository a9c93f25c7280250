#!/usr/bin/env bash
# smoke.sh — the UI smoke test: build the real binary, start it on a private Xvfb display,
# wait for its window, check a screenshot is not blank, quit with Ctrl+Q and expect exit
# status 0 within 10 s. Then, KEEL_SMOKE_QUITS times (8 by default), start it with every
# window open (keel --open all), wait for them all and quit with Ctrl+Q typed into the desk:
# a quit that hangs (issue 15: once in eight) fails with the goroutine dump SIGQUIT prints.
# Everything it starts is stopped on the way out, pass or fail.
#
# Needs Xvfb, xdotool, xdpyinfo/xwininfo (x11-utils) and ImageMagick (scripts/install-deps.sh test).
# KEEL_SMOKE_SHOT=path.png keeps the screenshot.
set -euo pipefail
# shellcheck source=scripts/stop.sh
. "$(dirname "$0")/stop.sh"
export LANG=${LANG:-C.UTF-8}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/keel-smoke.XXXXXX")
xvfb_pid=""
keel_pid=""
result=FAIL

cleanup() {
	stop "$keel_pid" "$xvfb_pid"
	rm -rf "$tmp"
	echo "smoke: $result"
}
trap cleanup EXIT
fail() {
	echo "smoke: $*" >&2
	[ -s "$tmp/keel.log" ] && grep -v "locale C\|tag is not well-formed\|lang/locale.go" "$tmp/keel.log" | head -40 | sed "s/^/  keel: /" >&2
	exit 1
}

for tool in Xvfb xdotool xdpyinfo import identify; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool is missing: run scripts/install-deps.sh test"
done

echo "smoke: building"
go build -tags migrated_fynedo -o "$tmp/keel" .

# a free display: no lock file and no socket; if another Xvfb takes it first, try the next
display=""
for n in $(seq 97 160); do
	[ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] && continue
	Xvfb ":$n" -screen 0 1440x900x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
	xvfb_pid=$!
	for _ in $(seq 1 100); do
		xdpyinfo -display ":$n" >/dev/null 2>&1 && break
		kill -0 "$xvfb_pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$xvfb_pid" 2>/dev/null && xdpyinfo -display ":$n" >/dev/null 2>&1; then
		display=":$n"
		break
	fi
	kill "$xvfb_pid" 2>/dev/null || true
	wait "$xvfb_pid" 2>/dev/null || true
	xvfb_pid=""
done
[ -n "$display" ] || fail "could not start Xvfb on any display between :97 and :160: $(cat "$tmp/xvfb.log")"
export DISPLAY=$display

# a private home so the run leaves no preferences behind
mkdir -p "$tmp/home"
run_keel() {
	HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" "$tmp/keel" --db "$tmp/keel.db" "$@" >"$tmp/keel.log" 2>&1 &
	keel_pid=$!
}

# quit_keel types Ctrl+Q into window $1 and waits up to 10 s for keel to exit with status 0;
# when it hangs, SIGQUIT makes the Go runtime print every goroutine into the log.
quit_keel() {
	xdotool windowfocus --sync "$1" 2>/dev/null || xdotool windowfocus "$1" 2>/dev/null || true
	xdotool key --clearmodifiers ctrl+q
	status=""
	for _ in $(seq 1 100); do
		if ! kill -0 "$keel_pid" 2>/dev/null; then
			set +e
			wait "$keel_pid"
			status=$?
			set -e
			break
		fi
		sleep 0.1
	done
	if [ -z "$status" ]; then
		kill -QUIT "$keel_pid" 2>/dev/null || true
		sleep 1
		echo "smoke: keel did not quit within 10 s of Ctrl+Q ($2); its goroutines:" >&2
		grep -v "locale C\|tag is not well-formed\|lang/locale.go" "$tmp/keel.log" | head -400 >&2
		keel_pid=""
		result=FAIL
		exit 1
	fi
	keel_pid=""
	[ "$status" -eq 0 ] || fail "keel exited with status $status ($2)"
}

run_keel

window=""
for _ in $(seq 1 600); do
	window=$(xdotool search --onlyvisible --name '^Keel' 2>/dev/null | head -1 || true)
	[ -n "$window" ] && break
	kill -0 "$keel_pid" 2>/dev/null || fail "keel exited before showing a window"
	sleep 0.1
done
[ -n "$window" ] || fail "no Keel window within 60 s"
echo "smoke: window $window \"$(xdotool getwindowname "$window")\""
sleep 2 # let it draw its first frames

import -window root "$tmp/shot.png"
sd=$(identify -format '%[fx:standard_deviation]' "$tmp/shot.png")
colours=$(identify -format '%k' "$tmp/shot.png")
[ -n "${KEEL_SMOKE_SHOT:-}" ] && cp "$tmp/shot.png" "$KEEL_SMOKE_SHOT"
echo "smoke: screenshot standard deviation $sd, $colours colours"
awk -v sd="$sd" 'BEGIN { exit !(sd > 0.02) }' || fail "the screen looks blank (standard deviation $sd)"
[ "$colours" -gt 64 ] || fail "the screen looks blank ($colours colours)"

quit_keel "$window" "the desk alone"

# Every window open, then Ctrl+Q, many times. Each round the quit comes a little later
# after the last window showed, so it meets the views at different points of their work.
quits=${KEEL_SMOKE_QUITS:-8}
want=${KEEL_SMOKE_WINDOWS:-14} # every window of app.Windows()
for round in $(seq 1 "$quits"); do
	run_keel --open all
	n=0
	for _ in $(seq 1 600); do
		n=$(xdotool search --onlyvisible --name '^Keel' 2>/dev/null | wc -l || true)
		[ "$n" -ge "$want" ] && break
		kill -0 "$keel_pid" 2>/dev/null || fail "keel exited before opening every window (round $round)"
		sleep 0.1
	done
	[ "$n" -ge "$want" ] || fail "only $n of $want windows within 60 s (round $round)"
	desk=$(xdotool search --onlyvisible --name '^Keel — Desk' 2>/dev/null | head -1 || true)
	[ -n "$desk" ] || desk=$(xdotool search --onlyvisible --name '^Keel' | head -1)
	sleep "0.$((round % 8))"
	quit_keel "$desk" "round $round of $quits, $n windows open"
	echo "smoke: round $round: $n windows open, quit cleanly"
done

kill "$xvfb_pid"
for _ in $(seq 1 50); do kill -0 "$xvfb_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$xvfb_pid" 2>/dev/null && fail "Xvfb is still running"
wait "$xvfb_pid" 2>/dev/null || true
xvfb_pid=""
result=PASS
