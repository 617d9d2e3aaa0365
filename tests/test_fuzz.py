"""The kernel fuzzer (tests/guest/kernel/fuzz, docs/TESTING.md "Fuzzing"): a short
fixed-seed round of random system calls, kernel-endpoint calls and malformed
IPC from several threads and child tasks, which must end without a panic, a
hang or anything leaked. It runs on the debug kernel (`make KDEBUG=1`), so
that every DEBUG_ASSERT of the hot paths is checked under hostile input.
`make fuzz` runs longer ones (on the release kernel)."""
import re

import pytest

import boards

FUZZ_CALLS = 200000
FUZZ_SEED = 1


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
def test_fuzz_fixed_seed_round_leaks_nothing(boot):
    con = boot(bootargs=f"init=fuzz -- calls={FUZZ_CALLS} seed={FUZZ_SEED}",
               kernel=boards.VIRT_KDEBUG_KERNEL)
    con.expect(r"KOS-A64 \S+ \S+ \([^)]*virt debug\)", timeout=30)   # the debug kernel runs
    m = con.expect([r"fuzz: done \((\d+) failures?\)", r"fuzz: FAIL[^\r\n]*"], timeout=240)
    assert con.index == 0 and m.group(1) == "0", f"{m.group(0)}\n{con.text[-3000:]}"
    stats = re.search(r"fuzz: (\d+) calls in (\d+) ms, (\d+) calls/s, 0 leaked pages", con.text)
    assert stats, con.text[-3000:]
    assert int(stats.group(1)) >= FUZZ_CALLS * 9 // 10    # a few calls are filtered, not sent
    assert con.read_until_exit(timeout=30) == 0
