# stop.sh — sourced by the scripts that run Keel on a private Xvfb display.
#
# stop PID...: ask each running process to end (SIGTERM), give it 3 s, then kill it.
stop() {
	local pid
	for pid in "$@"; do
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
			kill "$pid" 2>/dev/null || true
			for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
			kill -9 "$pid" 2>/dev/null || true
		fi
	done
}
