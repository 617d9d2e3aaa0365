"""Builds and runs the host C unit tests of portable kernel code under ASan/UBSan."""
import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "host"
CFLAGS = ["-std=c11", "-g", "-O1", "-Wall", "-Wextra", "-Werror", "-Wno-unused-parameter",
          "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
          "-I", str(ROOT / "tests/host/include"), "-I", str(ROOT / "kernel/include"),
          "-I", str(ROOT / "kernel")]

UNITS = {
    "test_fdt": ["kernel/fdt.c"],
    "test_fdt_device": ["kernel/fdt.c", "kernel/fdt_device.c"],
    "test_handle": ["kernel/handle.c", "kernel/object.c", "kernel/pmm.c", "kernel/slab.c",
                    "kernel/printk.c"],
    "test_pmm": ["kernel/pmm.c", "kernel/slab.c", "kernel/printk.c"],
    "test_printk": ["kernel/printk.c"],
    "test_sec_engine": ["kernel/security/sec_engine.c", "kernel/security/sec_origin.c"],
    "test_sec_fast": ["kernel/security/sec_engine.c", "kernel/security/sec_origin.c",
                      "kernel/security/sec_fast.c"],
    "test_urange": [],
}
# The kernel's own snprintf replaces libc's: keep gcc from checking it as the builtin.
EXTRA = {"test_printk": ["-fno-builtin", "-Wno-format", "-Wno-format-truncation"]}


def build(name):
    OUT.mkdir(parents=True, exist_ok=True)
    exe = OUT / name
    srcs = [str(ROOT / "tests/host" / f"{name}.c")] + [str(ROOT / s) for s in UNITS[name]]
    subprocess.run(["gcc", *CFLAGS, *EXTRA.get(name, []), "-o", str(exe), *srcs], check=True)
    return exe


def dtb(name):
    out = OUT / f"{name}.dtb"
    OUT.mkdir(parents=True, exist_ok=True)
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(out),
                    str(ROOT / "tests/host/data" / f"{name}.dts")], check=True)
    return out


PI_DTB = ROOT / "build/deps/rpi4-firmware/bcm2711-rpi-4-b.dtb"


def virt_dtb():
    """QEMU virt's own tree (as the kernel gets it with -nic none), or None without QEMU."""
    qemu = shutil.which(os.environ.get("QEMU", "qemu-system-aarch64"))
    if not qemu:
        return None
    out = OUT / "qemu-virt.dtb"
    OUT.mkdir(parents=True, exist_ok=True)
    res = subprocess.run([qemu, "-M", f"virt,dumpdtb={out}", "-cpu", "cortex-a72", "-m", "512M",
                          "-nographic", "-nic", "none"], capture_output=True, timeout=60)
    return out if res.returncode == 0 and out.exists() else None


@pytest.mark.parametrize("name", sorted(UNITS))
def test_unit(name):
    args = [str(build(name))]
    if name == "test_fdt":
        args.append(str(dtb("pi-like")))
    if name == "test_fdt_device":
        args.append(str(dtb("devices")))
        args += [str(p) for p in (virt_dtb(), PI_DTB) if p and p.exists()]
    res = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "all checks passed" in res.stdout
