"""Per-function instruction profile of one IPC round trip (docs/PERFORMANCE.md).

Boots the ipc_bench image under -icount shift=0 with QEMU's `-d
exec,nochain,in_asm` log, stops it when bench_client has reported
ipc_roundtrip_instr, then counts the instructions of every translation
block executed in the steady state of that loop (between the 2,000th and
the 8,000th entry of the kernel's sys_Call or sys_CallReg), per kernel function (nm of
kernel.elf) and for user code as a whole, divided by the round trips.

    python3 tools/profile_ipc.py [--kernel build/virt-ipc_bench/kernel.img]
                                 [--bootargs ipc_fastpath=off] [--key ipc_roundtrip_instr]
                                 [--entry sys_Call,sys_CallReg]

Other loops of bench_client: --key names the figure QEMU is stopped after
and --entry a kernel function entered once per iteration of that loop only
(the entries of earlier loops are counted too, so --first must pass them):
    --key kernel_endpoint_call_instr --entry kcall_fast_call   (fast path)
    --key kernel_endpoint_call_instr --entry kcall_serve       (ipc_fastpath=off)
    --key null_syscall_instr --entry sys_ThreadYield

--key picks the loop: ipc_roundtrip_instr (default), ipc_roundtrip_1k_instr,
ipc_roundtrip_flow_instr or ipc_roundtrip_regex_64_instr; the window then
moves past the loops bench_client runs before it (10,000 round trips each,
1,000 for 64k), unless --first/--last say otherwise.

A block's size comes from its `IN:` listing (printed when it is translated,
just before its first `Trace` line); a `Trace` line names the block by its
host address, so re-translations with other sizes are told apart.
"""
import argparse
import bisect
import os
import re
import subprocess
import sys
import tempfile

from elf_symbols import code_symbols  # noqa: E402 (tools/, the script's folder)

TRACE = re.compile(r"^Trace \d+: (0x[0-9a-f]+) \[[0-9a-f]+/([0-9a-f]+)/")
INSN = re.compile(r"^0x([0-9a-f]+):\s")


def run_qemu(kernel, bootargs, key, log, smp):
    argv = ["qemu-system-aarch64", "-M", "virt,gic-version=2", "-cpu", "cortex-a72", "-m", "512M",
            "-smp", str(smp), "-nographic", "-nic", "none", "-icount", "shift=0",
            "-kernel", kernel, "-d", "exec,nochain,in_asm", "-D", log,
            "-append", bootargs]
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         errors="replace")
    try:
        for line in p.stdout:
            if f"BENCH {key} " in line:
                print(line.strip())
                break
        else:
            sys.exit(f"{kernel}:1:1: error: no 'BENCH {key}' line before QEMU ended")
    finally:
        p.kill()
        p.wait()


def profile(log, elf, entries, first, last, detail=None, blocks=None):
    addrs, names = code_symbols(elf)
    call_entry = set()
    for entry in entries:
        if entry not in names:
            sys.exit(f"{elf}:1:1: error: no function '{entry}' (inlined?) to count iterations by")
        call_entry.add(addrs[names.index(entry)])
    size = {}          # host address of a block -> instructions
    pending = None     # (guest pc, count) of the block listed last
    counts = {}
    calls = 0
    with open(log, errors="replace") as f:
        count, pc = 0, None
        for line in f:
            if line.startswith("IN:"):
                count, pc = 0, None
                continue
            m = INSN.match(line)
            if m:
                if pc is None:
                    pc = int(m.group(1), 16)
                count += 1
                pending = (pc, count)
                continue
            m = TRACE.match(line)
            if not m:
                continue
            host, gpc = m.group(1), int(m.group(2), 16)
            if pending and pending[0] == gpc:
                size[host] = pending[1]
                pending = None
            if gpc in call_entry:
                calls += 1
                if calls > last:
                    break
            if calls <= first:
                continue
            n = size.get(host, 1)
            if gpc >= 0xffff000000000000:
                i = bisect.bisect_right(addrs, gpc) - 1
                name = names[i] if i >= 0 else "?"
            else:
                name = "(user code)"
            counts[name] = counts.get(name, 0) + n
            if blocks is not None:
                blocks[(gpc, n, name)] = blocks.get((gpc, n, name), 0) + 1
            if name == detail:
                key = f"  {name}+{gpc - addrs[i]:#x}"
                counts[key] = counts.get(key, 0) + n
    if calls <= last:
        sys.exit(f"{log}:1:1: error: only {calls} entries of {'/'.join(entries)} logged, "
                 f"{last} wanted")
    return counts


# sys_Call(Reg) entries before each loop of bench_client (userland/bench/bench_client.c)
LOOP_START = {"ipc_roundtrip_instr": 0, "ipc_roundtrip_1k_instr": 10000,
              "ipc_roundtrip_flow_instr": 21000, "ipc_roundtrip_regex_64_instr": 31000}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", default="build/virt-ipc_bench/kernel.img")
    ap.add_argument("--bootargs", default="")
    ap.add_argument("--key", default="ipc_roundtrip_instr")
    ap.add_argument("--entry", default="sys_Call,sys_CallReg",
                    help="kernel functions, comma-separated, one of which is entered once "
                         "per iteration of the loop")
    ap.add_argument("--detail", metavar="FUNCTION",
                    help="also count each translation block of this kernel function")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--first", type=int, help="default: 2,000 round trips into the loop")
    ap.add_argument("--last", type=int, help="default: 8,000 round trips into the loop")
    ap.add_argument("--log", help="keep the QEMU log here (default: a temporary file)")
    ap.add_argument("--blocks", action="store_true",
                    help="also list every translation block run (pc, size, runs per round trip)")
    args = ap.parse_args()
    if args.key not in LOOP_START and (args.first is None or args.last is None):
        sys.exit(f"{args.key}:1:1: error: no known loop start for this key: give --first and --last")
    start = LOOP_START.get(args.key, 0)
    args.first = start + 2000 if args.first is None else args.first
    args.last = start + 8000 if args.last is None else args.last
    elf = os.path.splitext(args.kernel)[0] + ".elf"
    for path in (args.kernel, elf):
        if not os.path.exists(path):
            sys.exit(f"{path}:1:1: error: missing (make SOLUTION=ipc_bench kernel)")
    with tempfile.TemporaryDirectory() as tmp:
        log = args.log or os.path.join(tmp, "qemu.log")
        run_qemu(args.kernel, args.bootargs, args.key, log, args.smp)
        blocks = {} if args.blocks else None
        counts = profile(log, elf, args.entry.split(","), args.first, args.last, args.detail,
                         blocks)
    rounds = args.last - args.first
    total = sum(n for name, n in counts.items() if not name.startswith(" "))
    print(f"{total / rounds:.0f} instructions per iteration ({rounds} entries of {args.entry})")
    for name, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        if n / rounds >= 0.5:
            print(f"{n / rounds:8.1f}  {name}")
    if blocks:
        print("blocks (pc, instructions, runs per round trip, function), in pc order:")
        for (pc, n, name), runs in sorted(blocks.items()):
            if runs / rounds >= 0.5:
                print(f"  {pc:#x} {n:4d} {runs / rounds:6.1f}  {name}")


if __name__ == "__main__":
    main()
