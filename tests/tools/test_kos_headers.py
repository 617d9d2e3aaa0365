"""The KasperskyOS C API headers of libkos (userland/include/kos, coresrv) as programs
brought from KasperskyOS include them: each header compiles on its own, and the ones
that KasperskyOS's own versions pull in are pulled in here too (a program that includes
only <kos/thread.h> and calls KnSleep builds on KasperskyOS, so it must build here)."""
import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
INC = ROOT / "userland" / "include"
CC = os.environ.get("CROSS_COMPILE", "aarch64-linux-gnu-") + "gcc"
PICOLIBC = pathlib.Path("/usr/lib/picolibc/aarch64-linux-gnu/include")
HEADERS = sorted(str(p.relative_to(INC)) for d in ("kos", "coresrv")
                 for p in (INC / d).rglob("*.h"))

pytestmark = pytest.mark.skipif(shutil.which(CC) is None or not PICOLIBC.is_dir(),
                                reason=f"no {CC} or picolibc (make deps)")


def compiles(text):
    """(ok, errors) of compiling `text` as userland/userland.mk compiles programs:
    picolibc's and the compiler's headers only, no host ones."""
    gcc_inc = subprocess.run([CC, "-print-file-name=include"], capture_output=True,
                             text=True).stdout.strip()
    flags = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only", "-D_DEFAULT_SOURCE",
             "-nostdinc", "-isystem", str(PICOLIBC), "-isystem", gcc_inc,
             "-I", str(INC), "-I", str(ROOT / "kernel"), "-x", "c", "-"]
    res = subprocess.run([CC, *flags], input=text, capture_output=True, text=True, timeout=60)
    return res.returncode == 0, res.stderr


@pytest.mark.parametrize("header", HEADERS)
def test_header_compiles_alone(header):
    ok, err = compiles("#include <%s>\n" % header)
    assert ok, err


# What KasperskyOS's kos/thread.h makes visible besides its own declarations: it
# includes coresrv/thread/thread_api.h and coresrv/time/time_api.h.
def test_kos_thread_h_gives_sleep_and_time_like_kasperskyos():
    ok, err = compiles("#include <kos/thread.h>\n"
                       "int f(void) { RtlTimeSpec t; KnGetUpTime(&t);\n"
                       "  return (int)KnSleep(1) + (int)KnSleepNs(1) + (int)KnGetMSecSinceStart(); }\n")
    assert ok, err


def test_a_missing_declaration_is_an_error():
    """The check can fail: without the include, KnSleep is undeclared (-Werror)."""
    ok, err = compiles("#include <kos/mutex.h>\nint f(void) { return (int)KnSleep(1); }\n")
    assert not ok and "KnSleep" in err
