#!/usr/bin/env bash
# Builds a Raspberry Pi SD card image without root: an MBR with one FAT32
# partition (type 0x0c, LBA, from 1 MiB to the end) holding FILE... in its root.
#
#   tools/mksdcard.sh OUT.img FILE...
#
# SDCARD_SIZE_MIB sets the image size (default 64; grown when the files need
# more).  Needs sfdisk (fdisk), mkfs.vfat (dosfstools), mcopy (mtools).
# Write to a card with:  dd if=OUT.img of=/dev/sdX bs=4M conv=fsync
set -euo pipefail

die() { echo "mksdcard: error: $*" >&2; exit 1; }

[ $# -ge 2 ] || { echo "usage: $0 OUT.img FILE..." >&2; exit 2; }
out=$1
shift

for tool in sfdisk:fdisk mkfs.vfat:dosfstools mcopy:mtools; do
    cmd=${tool%%:*}
    command -v "$cmd" >/dev/null || [ -x "/sbin/$cmd" ] || [ -x "/usr/sbin/$cmd" ] ||
        die "'$cmd' not found (apt-get install ${tool#*:})"
done
PATH=$PATH:/usr/sbin:/sbin

total=0
declare -A names=()
for f in "$@"; do
    [ -f "$f" ] || die "missing input file: $f"
    b=$(basename "$f")
    [ -z "${names[$b]:-}" ] || die "two inputs are named $b ($f and ${names[$b]})"
    names[$b]=$f
    total=$(( total + $(stat -c %s "$f") ))
done

start_mib=1
size_mib=${SDCARD_SIZE_MIB:-64}
need_mib=$(( total / 1048576 + 16 + start_mib ))
[ "$size_mib" -ge "$need_mib" ] || size_mib=$need_mib
# FAT32 with 512-byte clusters needs at least 65525 clusters (~33 MiB).
[ "$size_mib" -ge 40 ] || size_mib=40
part_sectors=$(( (size_mib - start_mib) * 2048 ))

mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "$(dirname "$out")/.mksdcard.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
img=$tmp/sdcard.img
fat=$tmp/fat.img

# The partition's file system, built on its own and copied in at 1 MiB.
truncate -s $(( part_sectors * 512 )) "$fat"
mkfs.vfat -F 32 -S 512 -s 1 -n KOSBOOT -i 4b4f5341 "$fat" >/dev/null || die "mkfs.vfat failed"
export MTOOLS_SKIP_CHECK=1
for f in "$@"; do
    mcopy -i "$fat" -o "$f" "::/$(basename "$f")" || die "mcopy $f failed"
done

truncate -s $(( size_mib * 1048576 )) "$img"
sfdisk --quiet "$img" <<EOF || die "sfdisk failed"
label: dos
label-id: 0x4b4f5341
start=$(( start_mib * 2048 )), size=$part_sectors, type=c
EOF
dd if="$fat" of="$img" bs=1M seek=$start_mib conv=notrunc status=none || die "dd failed"

mv "$img" "$out"
echo "mksdcard: $out: ${size_mib} MiB, FAT32 partition at ${start_mib} MiB: ${!names[*]}"
