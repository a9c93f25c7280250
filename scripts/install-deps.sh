#!/usr/bin/env bash
# install-deps.sh — make sure the system packages Keel needs are present.
#
#   scripts/install-deps.sh run    what building and running the app needs (a C compiler, OpenGL, X11 headers)
#   scripts/install-deps.sh test   the same plus what the UI tests need (Xvfb, ImageMagick, xdotool, and
#                                  DejaVu fonts: the figures' tests draw a minus sign Fyne's font lacks)
#
# On Debian/Ubuntu it installs only the MISSING packages with apt-get, as root or through
# sudo without a password prompt; otherwise it prints the command to run. On other systems
# it prints the prerequisites. It never prompts.
set -euo pipefail

mode=${1:-run}
case "$mode" in run | test) ;; *)
	echo "usage: $0 [run|test]" >&2
	exit 2
	;;
esac

need_go() {
	if ! command -v go >/dev/null 2>&1; then
		echo "install-deps: Go is not on PATH. Install Go 1.26 or newer from https://go.dev/dl/ and put its bin directory on PATH." >&2
		exit 1
	fi
}

case "$(uname -s)" in
Darwin)
	need_go
	if ! xcode-select -p >/dev/null 2>&1; then
		echo "install-deps: install the Xcode command line tools first: xcode-select --install" >&2
		exit 1
	fi
	[ "$mode" = test ] && echo "install-deps: the UI smoke test needs Linux with Xvfb; on macOS 'make test' runs the Go tests only." >&2
	exit 0
	;;
MINGW* | MSYS* | CYGWIN*)
	need_go
	if ! command -v gcc >/dev/null 2>&1; then
		echo "install-deps: Fyne needs a C compiler: install MSYS2 (pacman -S mingw-w64-x86_64-gcc) or TDM-GCC and put gcc on PATH." >&2
		exit 1
	fi
	exit 0
	;;
esac

packages=(gcc libc6-dev make pkg-config ca-certificates git libgl1-mesa-dev xorg-dev)
if [ "$mode" = test ]; then
	packages+=(xvfb xauth x11-utils xdotool imagemagick fonts-dejavu-core)
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
	need_go
	cat >&2 <<'MSG'
install-deps: not a Debian/Ubuntu system, so nothing was installed. Keel needs a C compiler and the
OpenGL and X11 development headers (see https://docs.fyne.io/started/), for example:
  Fedora:  sudo dnf install gcc libXcursor-devel libXrandr-devel mesa-libGL-devel libXi-devel libXinerama-devel libXxf86vm-devel
  Arch:    sudo pacman -S gcc xorg-server-devel libxcursor libxrandr libxinerama libxi
and for the smoke test: Xvfb, ImageMagick, xdotool and xwininfo.
MSG
	exit 0
fi

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -eq 0 ]; then
		sudo=()
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo=(sudo -n)
	else
		echo "install-deps: missing system packages: ${missing[*]}" >&2
		echo "install-deps: install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
		exit 1
	fi
	echo "install-deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -q
	"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
fi
need_go
