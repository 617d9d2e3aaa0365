#!/usr/bin/env python3
"""Pack user programs (and data files) into a KOS boot image.

Format (kernel/uapi/bootimage.h), all little endian:
  header  {char magic[8] = "KOSBOOT1"; u32 count; u32 total_size}   16 bytes
  entries {char name[48] (NUL-terminated); u64 offset; u64 size}    64 bytes each
  data    each file at a 16-byte aligned offset from the image start
The image is padded to a multiple of 16 bytes; total_size is its length.

Usage: mkbootimg.py -o OUT NAME=PATH [NAME=PATH ...]
       mkbootimg.py --list IMAGE
The output is deterministic (entries in argument order) and written
atomically, so a failed run never leaves a half image behind. Entry names are
kernel names (tools/limits.py): printable ASCII, at most BOOTIMAGE_NAME_MAX - 1 bytes.
Errors: `FILE: error: ...` (FILE: the entry's file, or the image), exit status 1.
"""
import argparse
import os
import struct
import sys

if __package__ in (None, ""):      # run as a script: import the package from the repo root
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tools import cli, limits  # noqa: E402

MAGIC = b"KOSBOOT1"
NAME_MAX = limits.header("kernel/uapi/bootimage.h", "BOOTIMAGE_NAME_MAX")   # with the NUL
HEADER = struct.Struct("<8sII")
ENTRY = struct.Struct("<%dsQQ" % NAME_MAX)
ALIGN = 16


class BootImageError(Exception):
    """A problem with an input; .where names the file it concerns."""

    def __init__(self, msg, where=None):
        super().__init__(msg)
        self.where = where


def check_name(name, where=None):
    problem = limits.name_problem(name, NAME_MAX, "entry name", "BOOTIMAGE_NAME_MAX")
    if problem:
        raise BootImageError(problem, where)


def _align(n):
    return (n + ALIGN - 1) // ALIGN * ALIGN


def build(entries):
    """entries: list of (name, bytes). Returns the image bytes."""
    seen = set()
    for name, _ in entries:
        check_name(name)
        if name in seen:
            raise BootImageError(f"duplicate entry name `{name}`")
        seen.add(name)
    offset = _align(HEADER.size + ENTRY.size * len(entries))
    table, layout = [], []
    for name, data in entries:
        table.append(ENTRY.pack(name.encode("utf-8"), offset, len(data)))
        layout.append((offset, data))
        offset = _align(offset + len(data))
    total = offset
    if total >= 1 << 32:
        raise BootImageError(f"image of {total} bytes does not fit total_size (u32)")
    image = bytearray(total)
    image[:HEADER.size] = HEADER.pack(MAGIC, len(entries), total)
    pos = HEADER.size
    for t in table:
        image[pos:pos + ENTRY.size] = t
        pos += ENTRY.size
    for off, data in layout:
        image[off:off + len(data)] = data
    return bytes(image)


def parse(image):
    """The inverse of build(): list of (name, offset, size); checks every field."""
    if len(image) < HEADER.size:
        raise BootImageError("shorter than the header")
    magic, count, total = HEADER.unpack_from(image, 0)
    if magic != MAGIC:
        raise BootImageError(f"bad magic {magic!r}")
    if total > len(image) or HEADER.size + count * ENTRY.size > total:
        raise BootImageError("count or total_size out of range")
    out = []
    for i in range(count):
        raw, off, size = ENTRY.unpack_from(image, HEADER.size + i * ENTRY.size)
        if b"\0" not in raw:
            raise BootImageError(f"entry {i}: name not terminated")
        name = raw.split(b"\0", 1)[0]
        problem = limits.name_problem(name, NAME_MAX, f"entry {i}: name", "BOOTIMAGE_NAME_MAX")
        if problem:
            raise BootImageError(problem)
        if off % ALIGN or off > total or size > total - off:
            raise BootImageError(f"entry {i}: data out of range or unaligned")
        out.append((name.decode("ascii"), off, size))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", help="image to write")
    ap.add_argument("--list", metavar="IMAGE", help="print the entries of an image")
    ap.add_argument("files", nargs="*", metavar="NAME=PATH")
    args = ap.parse_args(argv)
    if not args.list and not args.output:
        ap.error("-o OUT is required")
    return cli.guarded(args.list or args.output, lambda: run(args))


def run(args):
    where = args.list or args.output
    try:
        if args.list:
            with open(args.list, "rb") as f:
                for name, off, size in parse(f.read()):
                    print(f"{name:48} offset {off:#10x} size {size}")
            return 0
        entries = []
        for spec in args.files:
            name, sep, path = spec.partition("=")
            if not sep or not path:
                raise BootImageError(f"expected NAME=PATH, got `{limits.shown(spec)}`", "mkbootimg")
            check_name(name, path)
            with open(path, "rb") as f:
                entries.append((name, f.read()))
        image = build(entries)
        tmp = args.output + ".tmp"
        with open(tmp, "wb") as f:
            f.write(image)
        os.replace(tmp, args.output)
        return 0
    except BootImageError as e:
        return cli.report(e.where or where, str(e))
    except OSError as e:
        return cli.report(e.filename or where, e.strerror or str(e))


if __name__ == "__main__":
    sys.exit(main())
