#!/usr/bin/env bash
# make package: a Linux desktop package built by the fyne CLI (icon, .desktop entry and metadata
# from FyneApp.toml), written to dist/keel-<version>-linux-<arch>.tar.xz, then checked: it is
# unpacked and installed into a scratch DESTDIR with its own Makefile, and the installed binary
# must answer --version. Install it with: tar -xJf dist/keel-*.tar.xz && sudo make -C keel install
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin:$(go env GOPATH)/bin
FYNE_CLI_VERSION=v1.7.4

if ! command -v fyne >/dev/null 2>&1; then
	echo "package: installing the fyne CLI $FYNE_CLI_VERSION"
	go install fyne.io/tools/cmd/fyne@$FYNE_CLI_VERSION
fi

version=$(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
arch=$(go env GOARCH)
out="dist/keel-$version-linux-$arch.tar.xz"
mkdir -p dist
rm -f Keel.tar.xz
# fyne writes a generated fyne_metadata_init.go beside main.go while it builds, and a release
# build adds one to FyneApp.toml's Build each time (fyne-io/fyne#4365): leave neither behind —
# the build number is the project's to set.
meta=$(mktemp)
cp FyneApp.toml "$meta"
restore() { rm -f fyne_metadata_init.go; cp "$meta" FyneApp.toml; rm -f "$meta"; }
trap restore EXIT
fyne package --os linux --release --tags migrated_fynedo
mv Keel.tar.xz "$out"
rm -f keel

check=$(mktemp -d)
trap 'restore; rm -rf "$check"' EXIT
tar -C "$check" -xJf "$out"
make -s -C "$check/keel" install DESTDIR="$check/root" PREFIX=/usr >/dev/null
for f in usr/bin/keel usr/share/applications/io.github.keeldesk.keel.desktop usr/share/pixmaps/io.github.keeldesk.keel.png; do
	[ -e "$check/root/$f" ] || { echo "package: $f missing after install" >&2; exit 1; }
done
got=$("$check/root/usr/bin/keel" --version)
[ "$got" = "keel $version" ] || { echo "package: installed binary says '$got', want 'keel $version'" >&2; exit 1; }
echo "package: built $out ($(du -h "$out" | cut -f1)); it installs with 'sudo make -C keel install' after unpacking"
