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


# The first task keeps what the kernel creates for it only for the methods in the
# fuzzer's creates() list; a creating method missing there (Mdl.CreateWindow was,
# after it came with VFS windows) leaks one handle whenever a mangled header turns
# another request into it: "leak after round N: kernel objects 1" on some runs.
NEW_HANDLE_OUTS = {"handle", "copy", "irq", "notice", "task", "thread", "connection"}
EXISTING_HANDLE = {"Channel.Lookup"}       # names a handle the task holds already


def test_fuzz_keeps_every_created_handle():
    idl_dir = boards.ROOT / "tools/sysroot/kl/core"
    creating = set()
    for idl in sorted(idl_dir.glob("*.idl")):
        text = re.sub(r"//[^\n]*", "", idl.read_text())
        iface = re.search(r"package\s+kl\.core\.(\w+)", text).group(1)
        for name, params in re.findall(r"(\w+)\s*\(([^)]*)\)\s*;", text):
            outs = set(re.findall(r"\bout\s+UInt32\s+(\w+)", params))
            if outs & NEW_HANDLE_OUTS and f"{iface}.{name}" not in EXISTING_HANDLE:
                creating.add(f"{iface}.{name}")
    assert "Mdl.CreateWindow" in creating and "Task.Create" in creating   # the parse works
    calls = (boards.ROOT / "tests/guest/kernel/fuzz/calls.c").read_text()
    listed = re.search(r"static bool creates\(.*?names\[\] = \{(.*?)\};", calls, re.S)
    assert listed, "creates() not found in calls.c"
    kept = set(re.findall(r'"([\w.]+)"', listed.group(1)))
    assert creating <= kept, f"the fuzzer loses handles of {sorted(creating - kept)}"
