#!/bin/sh
# Fetches the build and test inputs that come from Debian's archive into
# <dest> (default build/deps), each with a private apt configuration:
#   qemu-trixie/     Debian 13 QEMU (has the raspi4b machine)
#   rpi4-firmware/   start4.elf, fixup4.dat, bcm2711-rpi-4-b.dtb
#   lwip/            lwIP source (Debian's lwip source package)
# Each step is idempotent; a failed step is reported and the rest still run.
set -u
dest=${1:-build/deps}
here=$(dirname "$0")
status=0
"$here/fetch-qemu-rpi4.sh" "$dest/qemu-trixie" || { echo "fetch-all: QEMU for raspi4b: FAILED"; status=1; }
"$here/fetch-rpi4-firmware.sh" "$dest/rpi4-firmware" || { echo "fetch-all: Pi 4 firmware: FAILED"; status=1; }
"$here/fetch-lwip-source.sh" "$dest/lwip" || { echo "fetch-all: lwIP source: FAILED"; status=1; }
exit $status
