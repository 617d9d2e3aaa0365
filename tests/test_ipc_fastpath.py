"""The IPC fast path (issue 19) changes no result: solutions/ipc_equiv sends a
fixed pseudo-random sequence of requests across every boundary of the fast
path (message size, arena, handles, bad endpoint and method, conditional,
audited, stateful (Flow) and missing bindings, a reply buffer too small,
error and malformed replies, calls with no receiver and timeout 0, sizes
around the register limit, reply buffers in data and on the stack; arenas
of 0, 1, 16, 63 bytes, around a page and over the receiver's room, at
offsets that cross pages, unmapped or the kernel's, with descriptors that
do not fit, read by a Regex rule, and in replies into receive arenas of
varied room) and the
image is booted with the fast path on and off (`ipc_fastpath=off`), and with
no delivery into registers (`ipc_regs=off`). Every
line the client prints (each call's result code and every reply header
field), every audit line (denials, audited grants, Flow refusals), the
server's checksum of every request it received and the exit statuses must be
the same; and the fast path must actually have been taken, with arenas too."""
import re

import pytest

import boards
from programs import equiv_lines, fast_path_counts

IMAGE = "build/virt-ipc_equiv/kernel.img"
KEEP = re.compile(r"^(EQ |audit: )")


def run(boot, smp, bootargs):
    con = boot(kernel=boards.ROOT / IMAGE, smp=smp, bootargs=bootargs)
    con.expect(r"EQ client: done \(finish: rc 0\)", timeout=120)
    assert con.read_until_exit(timeout=30) == 0
    text = con.text.replace("\r", "")
    return (equiv_lines(text, KEEP), *fast_path_counts(text, "ipc"))


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
@pytest.mark.parametrize("smp", [1, 4])
def test_fast_and_general_path_agree(boot, smp):
    on, calls, replies, arenas = run(boot, smp, "")
    off, calls_off, replies_off, _ = run(boot, smp, "ipc_fastpath=off")
    assert (calls_off, replies_off) == (0, 0)
    assert calls >= 20 and replies >= 100, (calls, replies)   # the fast path ran
    assert arenas >= 20, arenas                               # with arenas both ways
    assert len([line for line in on if line.startswith("EQ ")]) >= 800
    assert any(line.startswith("EQ server: ") for line in on)
    for kind in ("malformed: constant part size", "no_binding", "steps.enter",
                 "granted request equiv.Client(equiv.Client) -> equiv.Server(equiv.Server) "
                 "eq.Audited: audit loud 0", "no such endpoint", "eq.Cond: assert",
                 "response equiv.Server(equiv.Server) -> equiv.Client(equiv.Client) eq.Cond",
                 "eq.Data: malformed: arena descriptor", "eq.Text: assert",
                 "eq.Text: malformed: arena descriptor", "eq.Fetch: malformed: arena descriptor"):
        assert any(kind in line for line in on), kind       # every boundary was crossed
    assert any("no receiver, timeout 0: rc=-19" in line for line in on)
    assert on == off, "\n".join(f"on:  {a}\noff: {b}" for a, b in zip(on, off) if a != b)
    # Short messages in registers (uapi/msg.h): with `ipc_regs=off` the
    # kernel writes every message into the receive buffer instead of the
    # receiver's registers; what the programs see must be the same, down to
    # every byte of each reply buffer (the client prints their hash).
    mem, calls_mem, replies_mem, _ = run(boot, smp, "ipc_regs=off")
    assert calls_mem >= 20 and replies_mem >= 100, (calls_mem, replies_mem)
    assert on == mem, "\n".join(f"regs: {a}\nmem:  {b}" for a, b in zip(on, mem) if a != b)
