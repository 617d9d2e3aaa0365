"""The kernel endpoint's fast path (issue 19, kernel/kcall_fastpath.c) changes no
result: solutions/kcall_equiv sends the kernel a fixed pseudo-random sequence of
raw requests across every boundary of the fast path (methods granted, granted on
a condition, audited or not bound, both for the request and the reply; wrong
sizes, an arena, a handle, bad endpoint and method, the security riid, the
kernel's markers as method, reply buffers too small, with an arena, misaligned or
across a page end; error replies), and the image is booted with the fast path on
and off (`ipc_fastpath=off`). Every line the client prints (each call's result,
every reply header field and a checksum of the reply buffer), every audit line
and the exit status must be the same; and the fast path must have been taken."""
import re

import pytest

import boards
from programs import equiv_lines, fast_path_counts

IMAGE = "build/virt-kcall_equiv/kernel.img"
# The client's lines and the audit lines its calls cause, in order (and
# Einit's and the kernel's init-task lines, sorted: programs.equiv_lines).
KEEP = re.compile(r"^(KQ |audit: )")


def run(boot, smp, bootargs):
    con = boot(kernel=boards.ROOT / IMAGE, smp=smp, bootargs=bootargs)
    con.expect(r"KQ client: done", timeout=120)
    assert con.read_until_exit(timeout=30) == 0
    text = con.text.replace("\r", "")
    (calls,) = fast_path_counts(text, "kcall")
    return equiv_lines(text, KEEP), calls


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
@pytest.mark.parametrize("smp", [1, 4])
def test_kernel_fast_and_general_path_agree(boot, smp):
    on, calls = run(boot, smp, "")
    off, calls_off = run(boot, smp, "ipc_fastpath=off")
    assert calls_off == 0
    kq = [line for line in on if re.match(r"KQ \d+ ", line)]
    assert len(kq) == 500 and "KQ setup: rc=0" in on
    assert calls >= 100, calls                                   # the fast path ran
    rcs = {re.search(r"rc=(-?\d+)", line).group(1) for line in kq}
    assert {"0", "-20"} <= rcs, rcs     # served; denied (rcSecurityDisallow)
    for kind in ("granted request kequiv.Client", "granted response kl.core.Core",
                 "malformed: constant part size", "no such endpoint", "denied security",
                 "denied response", "thread.SetPriority: assert"):
        assert any(kind in line for line in on), kind             # every boundary was crossed
    assert on == off, "\n".join(f"on:  {a}\noff: {b}" for a, b in zip(on, off) if a != b)
