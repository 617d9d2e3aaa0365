"""tools/mkbootimg.py against an independent reader of the boot-image format
(kernel/uapi/bootimage.h), and the programs in a built image against the
loader's rules (ELF64 AArch64, at or above 0x400000, no W+X segment, no page
shared by two segments)."""
import pathlib
import struct
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "mkbootimg.py"

HEADER = struct.Struct("<8sII")      # magic, count, total_size
ENTRY = struct.Struct("<48sQQ")      # name, offset, size


def read_image(data):
    """Parses an image the way the kernel does; returns [(name, bytes)]."""
    assert len(data) >= HEADER.size
    magic, count, total = HEADER.unpack_from(data, 0)
    assert magic == b"KOSBOOT1"
    assert total == len(data)
    table_end = HEADER.size + count * ENTRY.size
    assert table_end <= total
    out, spans = [], []
    for i in range(count):
        raw, off, size = ENTRY.unpack_from(data, HEADER.size + i * ENTRY.size)
        assert b"\0" in raw, "name must be NUL-terminated"
        assert off % 16 == 0, "file data is 16-byte aligned"
        assert table_end <= off and off + size <= total
        spans.append((off, off + size))
        out.append((raw.split(b"\0", 1)[0].decode(), data[off:off + size]))
    spans.sort()
    for (_, end), (start, _) in zip(spans, spans[1:]):
        assert end <= start, "entries overlap"
    return out


def run(tmp_path, *args):
    return subprocess.run([sys.executable, str(TOOL), *args], cwd=tmp_path,
                          capture_output=True, text=True)


def make_files(tmp_path, contents):
    specs = []
    for name, data in contents.items():
        p = tmp_path / (name + ".bin")
        p.write_bytes(data)
        specs.append(f"{name}={p}")
    return specs


def test_round_trip_keeps_names_order_and_bytes(tmp_path):
    contents = {"empty": b"", "one": b"\x01", "hello": bytes(range(256)) * 7 + b"tail",
                "x" * 47: b"longest name"}
    out = tmp_path / "img.bin"
    r = run(tmp_path, "-o", str(out), *make_files(tmp_path, contents))
    assert r.returncode == 0, r.stderr
    data = out.read_bytes()
    assert read_image(data) == list(contents.items())
    assert len(data) % 16 == 0              # mkbootimg pads the image as well


def test_output_is_deterministic(tmp_path):
    specs = make_files(tmp_path, {"a": b"alpha" * 100, "b": b"beta"})
    run(tmp_path, "-o", "1.bin", *specs)
    run(tmp_path, "-o", "2.bin", *specs)
    assert (tmp_path / "1.bin").read_bytes() == (tmp_path / "2.bin").read_bytes()


def test_empty_image_matches_the_makefile_fallback(tmp_path):
    """The top Makefile writes this header when there are no programs."""
    assert run(tmp_path, "-o", "e.bin").returncode == 0
    assert (tmp_path / "e.bin").read_bytes() == b"KOSBOOT1\0\0\0\0\x10\0\0\0"


@pytest.mark.parametrize("name", ["x" * 48, "", "é" * 24])
def test_bad_names_are_refused(tmp_path, name):
    f = tmp_path / "f.bin"
    f.write_bytes(b"data")
    r = run(tmp_path, "-o", "img.bin", f"{name}={f}")
    assert r.returncode == 1
    assert "error" in r.stderr
    assert not (tmp_path / "img.bin").exists()


def test_duplicate_missing_and_malformed_specs_are_refused(tmp_path):
    f = tmp_path / "f.bin"
    f.write_bytes(b"data")
    for args in ([f"a={f}", f"a={f}"], ["a=/nonexistent/file"], ["no-equals-sign"]):
        r = run(tmp_path, "-o", "img.bin", *args)
        assert r.returncode == 1, args
        assert not (tmp_path / "img.bin").exists()


def test_list_prints_every_entry(tmp_path):
    specs = make_files(tmp_path, {"first": b"1" * 10, "second": b"2" * 20})
    run(tmp_path, "-o", "img.bin", *specs)
    r = run(tmp_path, "--list", "img.bin")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["first", "second"]
    assert lines[1].endswith("size 20")


# ---- the programs in a built image ------------------------------------------

PT_LOAD, PF_X, PF_W = 1, 1, 2


def elf_segments(data):
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, "ELF64 little endian"
    e_type, e_machine = struct.unpack_from("<HH", data, 16)
    assert e_type == 2 and e_machine == 183, "static AArch64 executable"
    e_entry, e_phoff = struct.unpack_from("<QQ", data, 24)
    e_phentsize, e_phnum = struct.unpack_from("<HH", data, 54)
    segs = []
    for i in range(e_phnum):
        p_type, p_flags, _off, vaddr, _pa, filesz, memsz, _al = struct.unpack_from(
            "<IIQQQQQQ", data, e_phoff + i * e_phentsize)
        segs.append((p_type, p_flags, vaddr, filesz, memsz))
    return e_entry, segs


# The images `make` built before the run. Not the `-cov` ones: test_policy_coverage
# (re)builds those during the run, so they could be half-written when read here, and
# collecting them would make the test count depend on what an earlier run left.
BUILT = sorted(p for p in ROOT.glob("build/*/bootimage.bin") if not p.parent.name.endswith("-cov"))


@pytest.mark.skipif(not BUILT, reason="no build/<platform>/bootimage.bin yet (make)")
@pytest.mark.parametrize("image", BUILT, ids=lambda p: p.parent.name)
def test_built_programs_load_above_user_base_without_wx(image):
    entries = read_image(image.read_bytes())
    for name, data in entries:
        if data[:4] != b"\x7fELF":
            continue                        # a data file, not a program
        entry, segs = elf_segments(data)
        loads = [s for s in segs if s[0] == PT_LOAD]
        assert loads, name
        assert min(s[2] for s in loads) >= 0x400000, f"{name}: loads below USER_BASE"
        pages = []
        for p_type, flags, vaddr, filesz, memsz in loads:
            assert not (flags & PF_W and flags & PF_X), f"{name}: W+X segment at {vaddr:#x}"
            assert filesz <= memsz
            pages.append((vaddr // 4096, (vaddr + memsz + 4095) // 4096))
        pages.sort()
        for (_, end), (start, _) in zip(pages, pages[1:]):
            assert end <= start, f"{name}: two segments share a page (different protections)"
        text = [s for s in loads if s[1] & PF_X]
        assert any(s[2] <= entry < s[2] + s[4] for s in text), f"{name}: entry not in text"
