"""VfsFsnet's worker pool (userland/vfs/server/pool.c) on the host.

Builds tests/host/vfs/test_pool.c, which includes pool.c with the kernel calls
stubbed, under ASan/UBSan and runs it: no two live workers share a number (their
headers and pin slot), also when a worker's start fails while another grow
starts one meanwhile (several cores), and the pool stops at POOL_MAX.

    /usr/bin/python3 -m pytest tests/host/test_vfs_pool_host.py -v
"""
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "host"
CFLAGS = ["-std=c11", "-g", "-O1", "-Wall", "-Wextra", "-Werror", "-D_DEFAULT_SOURCE",
          "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]
INCLUDES = ["-I", str(ROOT / "userland/include"), "-I", str(ROOT / "kernel"),
            "-I", str(ROOT / "tools/nk/templates")]


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
def test_pool_worker_numbers_stay_distinct():
    OUT.mkdir(parents=True, exist_ok=True)
    exe = OUT / "test_vfs_pool"
    subprocess.run(["gcc", *CFLAGS, *INCLUDES, "-o", str(exe),
                    str(ROOT / "tests/host/vfs/test_pool.c")], check=True)
    res = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "pool: 63 workers started, ok" in res.stdout
