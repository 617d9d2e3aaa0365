#!/usr/bin/env bash
# Fetches Debian 12 (bookworm)'s lwip source package and unpacks it, Debian
# patches applied, as the folder DEST (the lwIP tree itself: DEST/src/...).
#
#   tools/deps/fetch-lwip-source.sh [DEST]     (default build/deps/lwip)
#
# Idempotent: does nothing when DEST/VERSION exists (FORCE=1 refetches).
# Private apt state (deb-src only) in DEST/../apt/bookworm-src; no root needed.
# Uses dpkg-source when present, else tar + the patches of debian/patches/series.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tools/deps/apt-private.sh
. "$here/apt-private.sh"

dest=${1:-build/deps/lwip}
suite=${LWIP_SUITE:-bookworm}
pkg=lwip

mkdir -p "$(dirname "$dest")" || die "cannot create $(dirname "$dest")"
dest=$(cd "$(dirname "$dest")" && pwd)/$(basename "$dest")

if [ "${FORCE:-0}" != 1 ] && [ -f "$dest/VERSION" ] && [ -d "$dest/src" ]; then
    say "already fetched: $dest (lwip $(cat "$dest/VERSION"))"
    exit 0
fi
start=$(date +%s)

papt_init "${PAPT_DIR:-$(dirname "$dest")/apt}/$suite-src" "$(dpkg --print-architecture 2>/dev/null || echo amd64)" \
    "deb-src $DEBIAN_MIRROR $suite main"
papt_update

srcdir=$PAPT_STATE/source
mkdir -p "$srcdir"
ver=$(papt apt-cache showsrc --only-source "$pkg" | sed -n 's/^Version: //p' | sort -V | tail -n1)
[ -n "$ver" ] || die "source package $pkg not found in $suite"
uver=${ver#*:}; uver=${uver%-*}
dsc=$srcdir/${pkg}_${ver#*:}.dsc
if [ -f "$dsc" ]; then
    say "source package $pkg $ver already downloaded"
else
    say "downloading source package $pkg $ver"
    (cd "$srcdir" && papt apt-get -q=2 source --download-only "$pkg=$ver") ||
        die "apt-get source --download-only $pkg failed"
fi
[ -f "$dsc" ] || die "no $dsc after download"

tmp=$(mktemp -d "$(dirname "$dest")/.lwip.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if command -v dpkg-source >/dev/null; then
    say "unpacking with dpkg-source -x $(basename "$dsc")"
    (cd "$tmp" && dpkg-source --no-check -q -x "$dsc" tree) >/dev/null || die "dpkg-source -x $dsc failed"
else
    say "dpkg-source not found (apt-get install dpkg-dev): unpacking with tar and patch"
    command -v patch >/dev/null || die "neither dpkg-source nor patch is installed"
    orig=$(ls "$srcdir/${pkg}_${uver}.orig.tar."* | head -n1)
    mkdir "$tmp/tree"
    tar -xf "$orig" -C "$tmp/tree" --strip-components=1 || die "cannot unpack $orig"
    debtar=$(ls "$srcdir/${pkg}_${ver#*:}.debian.tar."* 2>/dev/null | head -n1 || true)
    if [ -n "$debtar" ]; then
        tar -xf "$debtar" -C "$tmp/tree" || die "cannot unpack $debtar"
        if [ -f "$tmp/tree/debian/patches/series" ]; then
            sed 's/#.*//' "$tmp/tree/debian/patches/series" | while read -r p opts; do
                [ -n "$p" ] || continue
                say "  applying $p"
                patch -d "$tmp/tree" -s ${opts:--p1} < "$tmp/tree/debian/patches/$p" || die "patch $p failed"
            done
        fi
    fi
fi
[ -d "$tmp/tree/src" ] || die "unpacked lwip has no src/ folder"
echo "$ver" > "$tmp/tree/VERSION"
rm -rf "$dest"
mv "$tmp/tree" "$dest"
papt_cleanup

say "done: $dest (lwip $ver, $(du -sh "$dest" | cut -f1)), $(( $(date +%s) - start )) s"
