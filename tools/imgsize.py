#!/usr/bin/env python3
"""Sizes for `make size`: the kernel's own code and data, and each built image.

Usage: imgsize.py KERNEL_ELF [IMAGE_DIR ...]

Prints the kernel's .text, .rodata and .data (what the kernel itself costs in
every image; .bss takes no room in the image and .bootimage holds the user
programs), then, for each IMAGE_DIR that has a kernel.img, the image's size and
its boot image's (bootimage.bin: size and program count).
Errors: `file: error: message`, exit status 1.
"""
import pathlib
import struct
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import mkbootimg  # noqa: E402  (tools/mkbootimg.py: the boot image format)

KERNEL_SECTIONS = (".text", ".rodata", ".data")


class SizeError(Exception):
    pass


def elf_sections(data):
    """{name: size} of an ELF64 little-endian file's sections."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise SizeError("not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    if shoff == 0 or shentsize < 0x40 or shoff + shnum * shentsize > len(data) or shstrndx >= shnum:
        raise SizeError("section header table out of range")

    def header(i):
        name, _type, _flags, _addr, off, size = struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
        return name, off, size

    _, str_off, str_size = header(shstrndx)
    names = data[str_off:str_off + str_size]
    out = {}
    for i in range(shnum):
        name_off, _, size = header(i)
        end = names.find(b"\0", name_off)
        out[names[name_off:end].decode("ascii", "replace")] = size
    return out


def kernel_report(elf_path):
    sections = elf_sections(pathlib.Path(elf_path).read_bytes())
    lines = [f"kernel {elf_path}:"]
    total = 0
    for name in KERNEL_SECTIONS:
        size = sections.get(name, 0)
        total += size
        lines.append(f"  {name:<10} {size:>9}")
    lines.append(f"  {'total':<10} {total:>9} bytes (.text + .rodata + .data; "
                 f".bss {sections.get('.bss', 0)} is not in the image, "
                 f".bootimage {sections.get('.bootimage', 0)} is the user programs)")
    return lines


def image_report(dirs):
    rows = []
    for d in dirs:
        d = pathlib.Path(d)
        img = d / "kernel.img"
        if not img.exists():
            continue
        boot = d / "bootimage.bin"
        try:
            entries = mkbootimg.parse(boot.read_bytes()) if boot.exists() else []
        except mkbootimg.BootImageError as e:
            raise SizeError(f"{boot}: {e}")
        boot_size = boot.stat().st_size if boot.exists() else 0
        rows.append((str(img), img.stat().st_size, boot_size, len(entries)))
    if not rows:
        return []
    width = max(len(r[0]) for r in rows)
    lines = ["images (kernel.img = the kernel + its boot image):"]
    for path, size, boot_size, count in rows:
        lines.append(f"  {path:<{width}} {size:>9} bytes, boot image {boot_size:>9} bytes, "
                     f"{count} entries")
    return lines


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 1
    try:
        lines = kernel_report(argv[0])
    except (OSError, SizeError) as e:
        print(f"{argv[0]}: error: {getattr(e, 'strerror', None) or e}", file=sys.stderr)
        return 1
    try:
        lines += image_report(argv[1:])
    except (OSError, SizeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
