#!/usr/bin/env bash
# Fetches Debian 13 (trixie) QEMU, which has the `raspi4b` machine, into a
# private folder, with exactly the shared libraries qemu-system-aarch64 loads,
# and writes a wrapper that runs it on an older Debian host without touching
# the system (see docs/TESTING.md and shared/spec/BOARDS.md).
#
#   tools/deps/fetch-qemu-rpi4.sh [DEST]      (default build/deps/qemu-trixie)
#
# Result: DEST/qemu-system-aarch64 (wrapper), DEST/usr/... (unpacked packages),
# DEST/PACKAGES (what was unpacked, with versions).  Idempotent: does nothing
# when DEST already holds a working QEMU with raspi4b.  FORCE=1 refetches.
#
# How: private apt state for trixie (DEST/../apt/trixie-<arch>), `apt-get
# download` of qemu-system-arm and libc6, then the binary's DT_NEEDED entries
# are followed recursively; each missing soname is looked up among the
# Depends/Pre-Depends of the packages already unpacked (the closest name
# first), verified with `dpkg-deb -c`, and that package is unpacked with
# `dpkg-deb -x`.  Nothing is installed; no root is needed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tools/deps/apt-private.sh
. "$here/apt-private.sh"

dest=${1:-build/deps/qemu-trixie}
suite=${QEMU_SUITE:-trixie}
binary=usr/bin/qemu-system-aarch64

for tool in dpkg-deb readelf dpkg; do
    command -v "$tool" >/dev/null || die "'$tool' not found (apt-get install dpkg binutils)"
done

mkdir -p "$dest" || die "cannot create $dest"
dest=$(cd "$dest" && pwd)
wrapper=$dest/qemu-system-aarch64

has_raspi4b() { "$wrapper" -M help 2>/dev/null | grep "^raspi4b " >/dev/null; }

if [ "${FORCE:-0}" != 1 ] && [ -f "$dest/.complete" ] && [ -x "$wrapper" ] && has_raspi4b; then
    say "already fetched: $wrapper ($("$wrapper" --version | head -n1))"
    exit 0
fi
start=$(date +%s)
# Start from an empty folder, so that PACKAGES lists exactly what is in it.
rm -rf "$dest" && mkdir -p "$dest" || die "cannot empty $dest"

arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch 2>/dev/null || echo "$(uname -m)-linux-gnu")
papt_init "${PAPT_DIR:-$(dirname "$dest")/apt}/$suite-$arch" "$arch" "deb $DEBIAN_MIRROR $suite main"
papt_update

debs=$PAPT_STATE/debs
mkdir -p "$debs"

# --- package helpers -------------------------------------------------------
declare -A unpacked=()     # package -> version
declare -A debfile=()      # package -> downloaded .deb
declare -A contents=()     # package -> its file list, once looked at
declare -A depends=()      # unpacked package -> names in its Depends/Pre-Depends

# Sets DEB to the .deb of package $1, downloading it once (no subshell, so
# that the caches above survive).
get_deb() {
    local pkg=$1 ver f
    if [ -n "${debfile[$pkg]:-}" ]; then DEB=${debfile[$pkg]}; return 0; fi
    ver=$(papt apt-cache show --no-all-versions "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)
    [ -n "$ver" ] || return 1
    f=$(ls "$debs/${pkg}_${ver//:/%3a}_"*.deb 2>/dev/null | head -n1 || true)
    if [ -z "$f" ]; then
        say "downloading $pkg $ver"
        (cd "$debs" && papt apt-get -q=2 download "$pkg") || return 1
        f=$(ls "$debs/${pkg}_${ver//:/%3a}_"*.deb 2>/dev/null | head -n1 || true)
        [ -n "$f" ] || return 1
    fi
    debfile[$pkg]=$f
    DEB=$f
}

unpack() {
    local pkg=$1
    [ -n "${unpacked[$pkg]:-}" ] && return 0
    get_deb "$pkg" || die "cannot download $pkg from $suite"
    say "unpacking $(basename "$DEB")"
    dpkg-deb -x "$DEB" "$dest" || die "dpkg-deb -x $DEB failed"
    unpacked[$pkg]=$(dpkg-deb -f "$DEB" Version)
    depends[$pkg]=$(dpkg-deb -f "$DEB" Depends Pre-Depends | sed -n 's/^[A-Za-z-]*: //p' |
        tr ',|' '\n\n' | sed 's/(.*)//; s/:any//; s/[[:space:]]//g' | grep . || true)
}

# Candidate packages for soname $1, likeliest first: libfoo.so.3 -> libfoo3,
# libfoo-3, libfoo3t64, then other libfoo*, other lib*, the rest.
candidates() {
    local so=$1 base
    base=${so%%.so*}; base=${base,,}; base=${base//_/-}
    printf '%s\n' "${depends[@]}" | grep . | sort -u | awk -v b="$base" '{
        s = 3
        if (index($0, b) == 1) s = (substr($0, length(b) + 1) ~ /^-?[0-9]/) ? 0 : 1
        else if ($0 ~ /^lib/) s = 2
        print s, $0 }' | sort | cut -d' ' -f2
}

libdirs=("$dest/usr/lib/$multiarch" "$dest/lib/$multiarch" "$dest/usr/lib" "$dest/lib")
find_lib() {
    local d
    for d in "${libdirs[@]}"; do
        [ -e "$d/$1" ] && { echo "$d/$1"; return 0; }
    done
    return 1
}

provide() {  # find and unpack the package that ships soname $1
    local so=$1 pkg
    for pkg in $(candidates "$so"); do
        [ -n "${unpacked[$pkg]:-}" ] && continue
        get_deb "$pkg" || continue
        [ -n "${contents[$pkg]:-}" ] || contents[$pkg]=$(dpkg-deb -c "$DEB" | awk '{ print $6 }')
        if printf '%s\n' "${contents[$pkg]}" | grep -E "/${so//./\\.}$" >/dev/null; then
            unpack "$pkg"
            return 0
        fi
    done
    die "no package in $suite's dependency chain provides $so"
}

# --- resolve ---------------------------------------------------------------
unpack qemu-system-arm
unpack libc6
[ -x "$dest/$binary" ] || die "qemu-system-arm did not ship /$binary"

interp=$(readelf -l "$dest/$binary" | sed -n 's/.*Requesting program interpreter: \(.*\)\]/\1/p')
[ -n "$interp" ] || die "cannot read the program interpreter of /$binary"
loader=$(find_lib "$(basename "$interp")") || die "libc6 did not ship the loader $interp"

declare -A seen=()
work=("$dest/$binary")
while [ ${#work[@]} -gt 0 ]; do
    f=${work[0]}; work=("${work[@]:1}")
    for so in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
        [ -n "${seen[$so]:-}" ] && continue
        lib=$(find_lib "$so") || { provide "$so"; lib=$(find_lib "$so") || die "$so still missing after unpacking"; }
        seen[$so]=1
        work+=("$(readlink -f "$lib")")
    done
done

# --- relocation and wrapper ------------------------------------------------
# QEMU looks for modules and data under <dir of its executable>/qemu-bundle/<configured
# absolute path>; started through the loader, that dir is the loader's.
loaderdir=$(dirname "$loader")
ln -sfn "$(realpath --relative-to="$loaderdir" "$dest")" "$loaderdir/qemu-bundle"

rel_loader=${loader#"$dest"/}
libpath=""      # for the wrapper, relative to its folder
realpath_list="" # for the check below
for d in "${libdirs[@]}"; do
    [ -d "$d" ] || continue
    libpath="$libpath${libpath:+:}\$root/${d#"$dest"/}"
    realpath_list="$realpath_list${realpath_list:+:}$d"
done
cat > "$wrapper" <<EOF
#!/bin/sh
# Runs Debian $suite's QEMU (${unpacked[qemu-system-arm]}) through $suite's own loader,
# with only the libraries in this folder.  Written by tools/deps/fetch-qemu-rpi4.sh.
root=\$(dirname "\$(readlink -f "\$0")")
# No locale or iconv data from the host's older glibc.
export LC_ALL=C GCONV_PATH="\$root/usr/lib/$multiarch/gconv"
exec "\$root/$rel_loader" --inhibit-cache --library-path "$libpath" \\
    --argv0 qemu-system-aarch64 "\$root/$binary" "\$@"
EOF
chmod +x "$wrapper"

for pkg in "${!unpacked[@]}"; do echo "$pkg ${unpacked[$pkg]}"; done | sort > "$dest/PACKAGES"

# --- verify ----------------------------------------------------------------
# Every library must come from this folder, none from the host.
listing=$("$loader" --inhibit-cache --library-path "$realpath_list" --list "$dest/$binary") ||
    die "the loader cannot resolve /$binary's libraries"
if echo "$listing" | grep '=>' | grep -v "=> $dest/" | grep . >/dev/null; then
    echo "$listing" >&2
    die "some libraries resolve outside $dest"
fi
has_raspi4b || { "$wrapper" -M help >&2 || true; die "$wrapper -M help does not list raspi4b"; }

touch "$dest/.complete"
papt_cleanup
say "done: $wrapper ($("$wrapper" --version | head -n1)); $(wc -l < "$dest/PACKAGES") packages," \
    "$(du -sh "$dest" | cut -f1) unpacked, $(( $(date +%s) - start )) s"
