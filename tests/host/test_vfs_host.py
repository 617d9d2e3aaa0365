"""The VFS core (userland/vfs/core) on the host, and tools/mkromfs.py.

Builds tests/host/vfs/test_vfs.c with the core under ASan/UBSan and runs it against a romfs
image that mkromfs.py makes from a tree written here; checks mkromfs.py's determinism and
its errors; compiles the core for the target with picolibc when the cross compiler is there.

    /usr/bin/python3 -m pytest tests/host/test_vfs_host.py -v
"""
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORE = ROOT / "userland" / "vfs" / "core"
MKROMFS = ROOT / "tools" / "mkromfs.py"
OUT = ROOT / "build" / "host"
CFLAGS = ["-std=c11", "-g", "-O1", "-Wall", "-Wextra", "-Werror",
          "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]
PICOLIBC_SPECS = pathlib.Path("/usr/lib/picolibc/aarch64-linux-gnu/picolibc.specs")
CROSS_CC = "aarch64-linux-gnu-gcc"

sys.path.insert(0, str(ROOT / "tools"))
import mkromfs  # noqa: E402


def pattern(i):
    """Byte i of deep.bin; the same function is in test_vfs.c."""
    return (i * 7 + i // 251) & 0xFF


def make_tree(root, reverse=False):
    """The tree test_vfs.c expects (see test_romfs_contents). reverse: create in
    another order, to show the image does not depend on it."""
    files = [
        ("hello.txt", b"hello, romfs\n"),
        ("empty", b""),
        ("fstab", b"# read by vfs -f fstab\nromfs /data romfs ro\n"
                  b"none /scratch ramfs rw,size=1m\n"),
        ("sub/dir/deep.bin", bytes(pattern(i) for i in range(100000))),
        ("sub/run.sh", b"#!/bin/sh\n"),
        ("n" * 64, b"long name\n"),
    ]
    (root / "emptydir").mkdir(parents=True)
    for name, data in (reversed(files) if reverse else files):
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    (root / "sub/run.sh").chmod(0o755)
    return root


def mkromfs_cli(*args):
    return subprocess.run([sys.executable, str(MKROMFS), *map(str, args)],
                          capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("romfs")
    tree = make_tree(tmp / "tree")
    img = tmp / "test.romfs"
    res = mkromfs_cli(tree, img)
    assert res.returncode == 0, res.stderr
    return img


def build_test():
    OUT.mkdir(parents=True, exist_ok=True)
    exe = OUT / "test_vfs"
    srcs = [ROOT / "tests/host/vfs/test_vfs.c", *sorted(CORE.glob("*.c"))]
    subprocess.run(["gcc", *CFLAGS, "-I", str(CORE), "-o", str(exe), *map(str, srcs)],
                   check=True)
    return exe


def test_vfs_core_under_sanitizers(image):
    exe = build_test()
    res = subprocess.run([str(exe), str(image)], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "ASAN_OPTIONS": "detect_leaks=1"})
    assert res.returncode == 0, res.stdout + res.stderr
    assert "all checks passed" in res.stdout


def test_mkromfs_output_is_deterministic(tmp_path):
    a = make_tree(tmp_path / "a")
    b = make_tree(tmp_path / "b", reverse=True)
    for p in b.rglob("*"):
        os.utime(p, (1234567890, 1234567890))     # other timestamps
    assert mkromfs.build(a) == mkromfs.build(b)
    assert mkromfs_cli(a, tmp_path / "a.img").returncode == 0
    assert mkromfs_cli(a, tmp_path / "a2.img").returncode == 0
    assert (tmp_path / "a.img").read_bytes() == (tmp_path / "a2.img").read_bytes()


def test_mkromfs_list_shows_the_tree(image):
    res = mkromfs_cli("--list", image)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0] == "/"
    assert "/sub/dir/deep.bin 100000" in lines
    assert "/emptydir/" in lines
    assert f"/{'n' * 64} 10" in lines


def test_mkromfs_header_layout(image):
    img = image.read_bytes()
    assert img[:8] == b"KOSROMFS"
    assert int.from_bytes(img[8:12], "little") == 1                 # version
    assert int.from_bytes(img[16:20], "little") == len(img)         # image_size
    root_mode = int.from_bytes(img[32:36], "little")
    assert root_mode == 0o040555


@pytest.mark.parametrize("case", ["symlink", "long_name", "fifo", "not_a_dir", "huge"])
def test_mkromfs_rejects_bad_input(tmp_path, case):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "ok").write_bytes(b"x")
    src = tree
    if case == "symlink":
        (tree / "link").symlink_to("ok")
        bad = "link"
    elif case == "long_name":
        (tree / ("x" * 65)).write_bytes(b"")
        bad = "x" * 65
    elif case == "fifo":
        os.mkfifo(tree / "pipe")
        bad = "pipe"
    elif case == "not_a_dir":
        src = tree / "ok"
        bad = "ok"
    else:
        big = tree / "big"
        with open(big, "wb") as f:
            try:
                f.truncate(1 << 32)                # sparse: costs nothing
            except OSError:
                pytest.skip("no sparse 4 GiB file here")
        bad = "big"
    res = mkromfs_cli(src, tmp_path / "out.img")
    assert res.returncode == 1
    assert res.stderr.count("\n") == 1 and bad in res.stderr.split(": error: ")[0]   # PATH: error: ...
    assert bad in res.stderr
    assert not (tmp_path / "out.img").exists()


@pytest.mark.skipif(not shutil.which(CROSS_CC) or not PICOLIBC_SPECS.exists(),
                    reason="aarch64-linux-gnu-gcc with picolibc not installed")
@pytest.mark.parametrize("src", sorted(p.name for p in CORE.glob("*.c")))
def test_vfs_core_compiles_for_target_with_picolibc(tmp_path, src):
    res = subprocess.run([CROSS_CC, f"-specs={PICOLIBC_SPECS}", "-std=c11", "-Wall", "-Wextra",
                          "-Werror", "-O2", "-c", str(CORE / src), "-o", str(tmp_path / "x.o")],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
