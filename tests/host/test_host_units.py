"""Builds and runs the host C unit tests of portable kernel code under ASan/UBSan."""
import pathlib
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
    "test_pmm": ["kernel/pmm.c", "kernel/slab.c", "kernel/printk.c"],
    "test_printk": ["kernel/printk.c"],
    "test_sec_engine": ["kernel/security/sec_engine.c"],
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


@pytest.mark.parametrize("name", sorted(UNITS))
def test_unit(name):
    args = [str(build(name))]
    if name == "test_fdt":
        args.append(str(dtb("pi-like")))
    res = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "all checks passed" in res.stdout
