#!/usr/bin/env bash
# The newcomer check: a minimal fresh Debian 12 root (debootstrap minbase with
# git, make and ca-certificates only), the current commit cloned into it, and the
# README's two commands (`make run`, `make test`) run there as root. Prints each
# command's exit status, wall time and last lines; exits non-zero if either fails.
# Not part of `make test` or CI: it downloads a root file system (~100 MB) and
# installs everything the project needs inside it.
#
#   tools/fresh-check.sh [ROOT_DIR]     (as root; default build/fresh-root)
#   FRESH_KEEP=1  reuse an existing root instead of making a new one
#   FRESH_LINES=N last lines shown per command (default 25)
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
root=${1:-build/fresh-root}
lines=${FRESH_LINES:-25}
suite=bookworm

die() { echo "fresh-check: error: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (debootstrap and chroot need it)"
# The mirror is the one the machine's apt uses (or DEBIAN_MIRROR).
# shellcheck source=tools/deps/apt-private.sh
. tools/deps/apt-private.sh
[ -n "$DEBIAN_MIRROR" ] || die "no Debian archive in the machine's apt sources; set DEBIAN_MIRROR"
command -v debootstrap >/dev/null || {
    echo "fresh-check: installing debootstrap"
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
}

commit=$(git rev-parse HEAD)
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
    echo "fresh-check: note: uncommitted changes are not checked (commit $commit is)"
mkdir -p "$(dirname "$root")"
root=$(cd "$(dirname "$root")" && pwd)/$(basename "$root")

mounted=()
cleanup() {
    # Kill anything still running inside the root (an interrupted QEMU), then unmount.
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -9 "${p#/proc/}" 2>/dev/null || true
    done
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

if [ -z "${FRESH_KEEP:-}" ] || [ ! -x "$root/usr/bin/git" ]; then
    rm -rf "$root"
    echo "fresh-check: debootstrap --variant=minbase $suite into $root (mirror $DEBIAN_MIRROR)"
    t0=$(date +%s)
    debootstrap --variant=minbase --include=git,make,ca-certificates "$suite" "$root" "$DEBIAN_MIRROR" \
        > "$root.debootstrap.log" 2>&1 || { tail -n 20 "$root.debootstrap.log"; die "debootstrap failed"; }
    echo "fresh-check: root ready in $(( $(date +%s) - t0 )) s"
fi
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

for m in proc sys dev dev/pts; do
    mkdir -p "$root/$m"
    case $m in
        proc) mount -t proc proc "$root/proc" ;;
        sys)  mount -t sysfs sys "$root/sys" ;;
        *)    mount --bind "/$m" "$root/$m" ;;
    esac
    mounted+=("$root/$m")
done

rm -rf "$root/root/kos"
git clone -q --no-local "$top" "$root/root/kos"
git -C "$root/root/kos" checkout -q "$commit"
echo "fresh-check: cloned $commit into $root/root/kos"

status=0
run_in_root() {
    local name=$1 log="$root.$1.log" t0 rc secs
    echo
    echo "== make $name (log: $log)"
    t0=$(date +%s)
    set +e
    chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        sh -c "cd /root/kos && make $name" < /dev/null > "$log" 2>&1
    rc=$?
    set -e
    secs=$(( $(date +%s) - t0 ))
    tail -n "$lines" "$log"
    echo "== make $name: exit status $rc, wall time ${secs} s"
    [ "$rc" = 0 ] || status=1
}
run_in_root run
run_in_root test
echo
[ "$status" = 0 ] && echo "fresh-check: PASSED on a fresh $suite root" || echo "fresh-check: FAILED"
exit $status
