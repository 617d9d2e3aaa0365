"""What each built image carries (docs/USERLAND.md, "Building"), and `make size`'s
tool (tools/imgsize.py).

A solution's image holds Einit, the programs of its solutions/<name>/ folders and
the programs its init.yaml starts, nothing else; the test solution's image holds
every shared program as well. Checked on whatever images are built."""
import pathlib
import struct
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import mkbootimg  # noqa: E402

TEST_SOLUTION = "echo"        # the Makefile's TEST_SOLUTION
DEFAULT_SOLUTION = "vfs"      # the Makefile's DEFAULT_SOLUTION


def built_images():
    """[(image folder, solution)] of every solution image built for any platform."""
    out = []
    for sol in sorted(p.parent.name for p in ROOT.glob("solutions/*/init.yaml*")):
        for platform in ("virt", "rpi4"):
            d = ROOT / "build" / (platform if sol == DEFAULT_SOLUTION else f"{platform}-{sol}")
            if (d / "bootimage.bin").exists():
                out.append((d, sol))
    return out


def entries(image_dir):
    data = (image_dir / "bootimage.bin").read_bytes()
    return {name for name, _off, _size in mkbootimg.parse(data)}


def expected_programs(sol):
    sol_dir = ROOT / "solutions" / sol
    init = next(sol_dir.glob("init.yaml*"))
    res = subprocess.run([sys.executable, "-m", "tools.einit", "-I", "userland/include",
                          "-I", str(sol_dir), "--list-programs", str(init)],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    own = {p.parent.name for p in sol_dir.glob("*/*.c")}
    return {"Einit"} | own | set(res.stdout.split())


IMAGES = built_images()


@pytest.mark.skipif(not IMAGES, reason="no solution image built yet (make, make images)")
@pytest.mark.parametrize("image_dir,sol", IMAGES, ids=lambda v: getattr(v, "name", v))
def test_image_carries_only_its_solutions_programs(image_dir, sol):
    got = entries(image_dir)
    want = expected_programs(sol)
    assert want <= got, f"missing from the image: {sorted(want - got)}"
    if sol == TEST_SOLUTION:
        # The test image: every shared program as well.
        shared = image_dir.parent / "shared" / image_dir.name.split("-")[0] / "user" / "boot"
        assert {p.name for p in shared.iterdir()} <= got
        assert {"test_threads", "bench", "VfsFsnet", "net_echo"} <= got
    else:
        assert got == want, f"not the solution's: {sorted(got - want)}"


# ---- tools/imgsize.py ----------------------------------------------------------------

def fake_elf(sections):
    """A minimal ELF64 little-endian file with these (name, size) sections."""
    names = b"\0" + b"".join(n.encode() + b"\0" for n, _ in sections) + b".shstrtab\0"
    shoff = 64 + len(names)
    shoff += -shoff % 8
    headers = [bytes(64)]
    pos = 1
    for name, size in sections:
        headers.append(struct.pack("<IIQQQQIIQQ", pos, 1, 0, 0, 0, size, 0, 0, 1, 0))
        pos += len(name) + 1
    headers.append(struct.pack("<IIQQQQIIQQ", pos, 3, 0, 0, 64, len(names), 0, 0, 1, 0))
    ident = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    ehdr = ident + struct.pack("<HHIQQQIHHHHHH", 2, 183, 1, 0, 0, shoff, 0, 64, 0, 0,
                               64, len(headers), len(headers) - 1)
    body = ehdr + names
    return body + bytes(shoff - len(body)) + b"".join(headers)


def run_imgsize(*args):
    return subprocess.run([sys.executable, str(ROOT / "tools/imgsize.py"), *map(str, args)],
                          capture_output=True, text=True, timeout=60)


def test_imgsize_sums_text_rodata_data_and_lists_images(tmp_path):
    elf = tmp_path / "kernel.elf"
    elf.write_bytes(fake_elf([(".text", 1000), (".rodata", 200), (".bootimage", 5000),
                              (".data", 30), (".bss", 4096)]))
    img = tmp_path / "img"
    img.mkdir()
    boot = mkbootimg.build([("a", b"x" * 100), ("b", b"y" * 10)])
    (img / "bootimage.bin").write_bytes(boot)
    (img / "kernel.img").write_bytes(bytes(7000))
    res = run_imgsize(elf, img, tmp_path / "not-built")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[1].split() == [".text", "1000"]
    assert lines[2].split() == [".rodata", "200"]
    assert lines[3].split() == [".data", "30"]
    assert lines[4].split()[:2] == ["total", "1230"]
    assert ".bss 4096" in lines[4] and ".bootimage 5000" in lines[4]
    img_lines = [line for line in lines if line.startswith("  ") and "kernel.img" in line]
    assert len(img_lines) == 1                   # the folder without kernel.img is left out
    assert f"7000 bytes, boot image {len(boot):>9} bytes, 2 entries" in img_lines[0]


def test_imgsize_rejects_a_file_that_is_not_elf(tmp_path):
    bad = tmp_path / "kernel.elf"
    bad.write_bytes(b"not an elf file at all" * 4)
    res = run_imgsize(bad)
    assert res.returncode == 1
    assert res.stderr.startswith(f"{bad}: error: not a 64-bit little-endian ELF file")
    assert "Traceback" not in res.stderr
