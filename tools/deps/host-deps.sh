#!/bin/sh
# Installs the Debian packages the build and the tests need (only the missing ones).
#   tools/deps/host-deps.sh          install what is missing (as root, or through sudo)
#   tools/deps/host-deps.sh --check  exit 1 when something is missing, install nothing
set -eu

# package:probe  — probe is a command on PATH, a file path, py:<module>, or
# lib:<soname> (a shared library the dynamic linker knows), or glob:<pattern> (a
# file whose path varies with the host architecture or the package version).
# The host-side tests compile C with the host gcc under ASan/UBSan: Debian's gcc
# only recommends the C library headers (libc6-dev), so they are listed here.
REQUIRED="
gcc-aarch64-linux-gnu:aarch64-linux-gnu-gcc
binutils-aarch64-linux-gnu:aarch64-linux-gnu-objcopy
qemu-system-arm:qemu-system-aarch64
picolibc-aarch64-linux-gnu:/usr/lib/picolibc/aarch64-linux-gnu/picolibc.specs
gcc:gcc
libc6-dev:/usr/include/stdio.h
libasan8:lib:libasan.so.8
libubsan1:lib:libubsan.so.1
make:make
python3-pytest:py:pytest
python3-pytest-xdist:py:xdist
python3-pexpect:py:pexpect
python3-yaml:py:yaml
python3-serial:py:serial
gdb-multiarch:gdb-multiarch
device-tree-compiler:dtc
mtools:mcopy
dosfstools:mkfs.vfat
fdisk:sfdisk
dpkg-dev:dpkg-source
xz-utils:xz
"

# Host fuzzing (make fuzz-host, tests/host/test_fuzz_host.py): clang and its libFuzzer
# runtime (Debian 12: LLVM 14). A block of its own, so it merges apart from the list above.
REQUIRED="$REQUIRED
clang:clang
libclang-rt-14-dev:glob:/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a
"

# SDK mode (cmake/toolchain.cmake, docs/SDK.md; tests/test_sdk.py): Debian's cmake (3.25).
REQUIRED="$REQUIRED
cmake:cmake
"

# The kernel's static check (make lint; tests/tools/test_lint.py): Debian's cppcheck.
REQUIRED="$REQUIRED
cppcheck:cppcheck
"

mode=${1:-}
missing=""
for entry in $REQUIRED; do
    pkg=${entry%%:*}
    probe=${entry#*:}
    case "$probe" in
        py:*) /usr/bin/python3 -c "import ${probe#py:}" 2>/dev/null && continue ;;
        glob:*) for f in ${probe#glob:}; do [ -e "$f" ] && break; done; [ -e "$f" ] && continue ;;
        lib:*) /sbin/ldconfig -p 2>/dev/null | grep -q "^[[:space:]]*${probe#lib:} " && continue ;;
        /*)   [ -e "$probe" ] && continue ;;
        *)    command -v "$probe" >/dev/null 2>&1 && continue ;;
    esac
    missing="$missing $pkg"
done

if [ -z "$missing" ]; then
    [ "$mode" = --check ] || echo "host-deps: all packages present"
    exit 0
fi
if [ "$mode" = --check ]; then
    echo "host-deps: missing:$missing"
    exit 1
fi

if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "host-deps: please install as root: apt-get install$missing" >&2
    exit 1
fi
echo "host-deps: installing:$missing"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
