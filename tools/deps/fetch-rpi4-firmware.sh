#!/usr/bin/env bash
# Fetches the Raspberry Pi 4 boot files from Debian 12 (bookworm), arm64:
#   start4.elf, fixup4.dat   from raspi-firmware (non-free-firmware)
#   bcm2711-rpi-4-b.dtb      from the arm64 kernel package (linux-image-arm64's target)
# plus the firmware's licence text, into DEST (nothing else is kept there).
#
#   tools/deps/fetch-rpi4-firmware.sh [DEST]    (default build/deps/rpi4-firmware)
#
# Idempotent: does nothing when the three files are already there (FORCE=1
# refetches).  Private apt state in DEST/../apt/bookworm-arm64; no root needed.
# DEST/SOURCES records the packages and versions the files came from.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tools/deps/apt-private.sh
. "$here/apt-private.sh"

dest=${1:-build/deps/rpi4-firmware}
suite=${FIRMWARE_SUITE:-bookworm}
files="start4.elf fixup4.dat bcm2711-rpi-4-b.dtb"

command -v dpkg-deb >/dev/null || die "'dpkg-deb' not found (apt-get install dpkg)"
mkdir -p "$dest" || die "cannot create $dest"
dest=$(cd "$dest" && pwd)

complete=1
for f in $files; do [ -s "$dest/$f" ] || complete=0; done
if [ "${FORCE:-0}" != 1 ] && [ $complete = 1 ]; then
    say "already fetched: $dest ($(tr '\n' ' ' < "$dest/SOURCES" 2>/dev/null))"
    exit 0
fi
start=$(date +%s)

papt_init "${PAPT_DIR:-$(dirname "$dest")/apt}/$suite-arm64" arm64 \
    "deb $DEBIAN_MIRROR $suite main non-free-firmware"
papt_update

# The kernel package linux-image-arm64 points at (linux-image-6.1.0-NN-arm64).
kpkg=$(papt apt-cache show --no-all-versions linux-image-arm64 | sed -n 's/^Depends: //p' |
    tr ',' '\n' | sed 's/(.*)//; s/[[:space:]]//g' | grep '^linux-image-.*-arm64$' | head -n1)
[ -n "$kpkg" ] || die "cannot find the kernel package behind linux-image-arm64 in $suite"

debs=$PAPT_STATE/debs
mkdir -p "$debs"
work=$(mktemp -d "${TMPDIR:-/tmp}/rpi4-firmware.XXXXXX")
trap 'rm -rf "$work"' EXIT

sources=""
for pkg in raspi-firmware "$kpkg"; do
    ver=$(papt apt-cache show --no-all-versions "$pkg" | sed -n 's/^Version: //p' | head -n1)
    [ -n "$ver" ] || die "$pkg not found in $suite (components main non-free-firmware, arm64)"
    deb=$(ls "$debs/${pkg}_${ver//:/%3a}_"*.deb 2>/dev/null | head -n1 || true)
    if [ -z "$deb" ]; then
        size=$(papt apt-cache show --no-all-versions "$pkg" | sed -n 's/^Size: //p' | head -n1)
        say "downloading $pkg $ver ($(( ${size:-0} / 1048576 )) MiB)"
        (cd "$debs" && papt apt-get -q=2 download "$pkg") || die "apt-get download $pkg failed"
        deb=$(ls "$debs/${pkg}_${ver//:/%3a}_"*.deb 2>/dev/null | head -n1 || true)
        [ -n "$deb" ] || die "apt-get download $pkg left no .deb in $debs"
    fi
    say "unpacking $(basename "$deb")"
    dpkg-deb -x "$deb" "$work/root" || die "dpkg-deb -x $deb failed"
    sources="$sources$pkg $ver"$'\n'
done

pick() {  # pick NAME PATTERN...: copy the first file matching into DEST/NAME
    local name=$1 p f
    shift
    for p in "$@"; do
        for f in $work/root/$p; do
            [ -f "$f" ] && { cp "$f" "$dest/$name"; say "  $name <- /${f#"$work/root/"}"; return 0; }
        done
    done
    return 1
}

# Keep only what the boot partition needs.
rm -f "$dest"/*
pick start4.elf usr/lib/raspi-firmware/start4.elf boot/firmware/start4.elf ||
    die "raspi-firmware has no start4.elf"
pick fixup4.dat usr/lib/raspi-firmware/fixup4.dat boot/firmware/fixup4.dat ||
    die "raspi-firmware has no fixup4.dat"
pick bcm2711-rpi-4-b.dtb "usr/lib/linux-image-*/broadcom/bcm2711-rpi-4-b.dtb" ||
    die "$kpkg has no broadcom/bcm2711-rpi-4-b.dtb"
pick LICENCE.broadcom usr/lib/raspi-firmware/LICENCE.broadcom "usr/share/doc/raspi-firmware/LICENCE*" ||
    pick copyright usr/share/doc/raspi-firmware/copyright || true
printf '%s' "$sources" > "$dest/SOURCES"
papt_cleanup

say "done: $dest: $(cd "$dest" && echo *), $(( $(date +%s) - start )) s"
