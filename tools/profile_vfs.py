"""Per-function instruction profile of VfsFsnet's small operations (docs/PERFORMANCE.md).

Boots the test image with init=bench under -icount shift=0 and -singlestep
(one instruction per translation block, so one `Trace` line of QEMU's exec log
is one instruction) with chaining off from the start. When bench_vfs reports
`vfs_read_4m_instr` (its small-operation loops start right after), the log
(`exec,nochain`) is switched on through the HMP monitor and streamed through a
FIFO to this script, which stops QEMU when `vfs_stat_instr` is reported.

Every instruction is named: kernel addresses by kernel.elf's symbols; user
addresses by bench_vfs's symbols when the client runs and by VfsFsnet's when
the server runs (both programs are linked at the same base). Which side runs
is known from the kernel: after an entry into `sys_Call` or `sys_CallReg` (its
first instruction; a thread resuming in it does not count) the server runs, after
an entry into `sys_ReplyRecv`, `sys_ReplyRecvReg` or `sys_ReplyRecvRelease` the
client. A round trip is the stretch from one client call to the next; it is classed by the server's op that ran in it
(op_read, op_pread, op_write, op_open, op_close, op_stat), and an `open` and
the `close` after it are one open+close. Per class: instructions per operation
and the functions taking at least --min of them, with their side.

    python3 tools/profile_vfs.py [--kernel build/virt-echo/kernel.img]
                                 [--bin build/shared/virt/user/bin] [--min 8]
                                 [--detail files_serve,stat]
"""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

from elf_symbols import Symbols  # noqa: E402 (tools/, the script's folder)

OPS = ("op_read", "op_pread", "op_write", "op_open", "op_close", "op_stat")


def hmp(sock_path, command):
    for _ in range(100):
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(sock_path)
            break
        except OSError:
            time.sleep(0.05)
    else:
        sys.exit(f"{sock_path}:1:1: error: no QEMU monitor")
    s.sendall((command + "\n").encode())
    time.sleep(0.2)
    s.close()


def profile(fifo, kernel, client, server, detail=()):
    """Counts per (class, side, function); returns (counts, ops per class). For the
    user functions named in `detail`, also per address: key (side, name, pc)."""
    counts = {}
    ops = {}
    cur = {}                # the round trip in progress: (side, function) -> n
    side = None             # "client", "server" or None (not known yet)
    seen_op = None
    fn_cache = {}
    pending_open = None     # the open's counts, waiting for its close
    nlines = 0
    # a client's request: Call through memory or in registers (CallReg)
    call_entries = {kernel.addrs[kernel.names.index(n)]
                    for n in ("sys_Call", "sys_CallReg") if n in kernel.names}
    # a server's answer: ReplyRecv through memory or in registers (ReplyRecvReg), or
    # ReplyRecvRelease (reads answered from a chunk)
    reply_entries = {kernel.addrs[kernel.names.index(n)]
                     for n in ("sys_ReplyRecv", "sys_ReplyRecvReg", "sys_ReplyRecvRelease")
                     if n in kernel.names}
    with open(fifo, errors="replace") as f:
        for line in f:
            if not line.startswith("Trace"):
                continue
            nlines += 1
            try:            # Trace N: host [cs_base/pc/flags/cflags] (7.2: [%08x/%016x/...])
                pc = int(line[line.index("[") + 1:].split("/", 2)[1], 16)
            except (ValueError, IndexError):
                continue
            if pc >= 0xffff000000000000:
                key = ("kernel", pc)
                name = fn_cache.get(key)
                if name is None:
                    name = fn_cache[key] = kernel.name(pc)
                if pc in call_entries:
                    # a client Call: the round trip in progress ends here
                    if side is not None and seen_op:
                        if seen_op == "op_open":
                            pending_open = cur
                        else:
                            cls = seen_op
                            if seen_op == "op_close" and pending_open is not None:
                                cls = "open+close"
                                for k, v in pending_open.items():
                                    cur[k] = cur.get(k, 0) + v
                            pending_open = None
                            agg = counts.setdefault(cls, {})
                            for k, v in cur.items():
                                agg[k] = agg.get(k, 0) + v
                            ops[cls] = ops.get(cls, 0) + 1
                    cur = {}
                    seen_op = None
                    side = "kernel-call"
                elif pc in reply_entries:
                    side = "kernel-reply"
                if name in detail:
                    cur[("kernel", name, pc)] = cur.get(("kernel", name, pc), 0) + 1
                k = ("kernel", name)
            else:
                if side == "kernel-call":
                    side = "server"
                elif side == "kernel-reply":
                    side = "client"
                if side is None:
                    continue
                key = (side, pc)
                name = fn_cache.get(key)
                if name is None:
                    name = fn_cache[key] = (server if side == "server" else client).name(pc)
                if side == "server" and name in OPS:
                    seen_op = name
                if name in detail:
                    cur[(side, name, pc)] = cur.get((side, name, pc), 0) + 1
                k = (side, name)
            cur[k] = cur.get(k, 0) + 1
    if nlines == 0:
        return None
    return counts, ops


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", default="build/virt-echo/kernel.img")
    ap.add_argument("--bin", default="build/shared/virt/user/bin")
    ap.add_argument("--min", type=float, default=8.0, help="show functions with at least this many")
    ap.add_argument("--detail", default="", help="FN[,FN]: per-address counts of these functions, user or "
                    "kernel (match them with objdump -d of bench_vfs, VfsFsnet or kernel.elf)")
    args = ap.parse_args()
    elf = os.path.splitext(args.kernel)[0] + ".elf"
    bins = [os.path.join(args.bin, b) for b in ("bench_vfs", "VfsFsnet")]
    for path in [args.kernel, elf] + bins:
        if not os.path.exists(path):
            sys.exit(f"{path}:1:1: error: missing (make PLATFORM=virt kernel)")
    kernel, client, server = Symbols(elf), Symbols(bins[0]), Symbols(bins[1])
    with tempfile.TemporaryDirectory() as tmp:
        fifo = os.path.join(tmp, "log")
        mon = os.path.join(tmp, "mon")
        os.mkfifo(fifo)
        argv = ["qemu-system-aarch64", "-M", "virt,gic-version=2", "-cpu", "cortex-a72", "-m", "512M",
                "-smp", "1", "-nographic", "-nic", "none", "-icount", "shift=0", "-singlestep",
                "-device", "virtio-rng-device,bus=virtio-mmio-bus.0",
                "-kernel", args.kernel, "-d", "nochain", "-D", fifo,
                "-monitor", f"unix:{mon},server,nowait", "-serial", "stdio",
                "-append", "init=bench"]
        argv.remove("-nographic")
        argv += ["-display", "none"]
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             errors="replace")
        result = {}

        def reader():
            try:
                result["r"] = profile(fifo, kernel, client, server,
                                      tuple(x for x in args.detail.split(",") if x))
            except (OSError, ValueError) as e:
                result["err"] = str(e)

        t = threading.Thread(target=reader)
        t.start()
        try:
            for line in p.stdout:
                if line.startswith("BENCH vfs_read_4m_instr"):
                    hmp(mon, "log exec,nochain")
                elif line.startswith("BENCH vfs_"):
                    print(line.strip())
                if line.startswith("BENCH vfs_stat_instr"):
                    break
            else:
                sys.exit(f"{args.kernel}:1:1: error: no 'BENCH vfs_stat_instr' line before QEMU ended")
        finally:
            p.kill()
            p.wait()
            try:                    # a reader still waiting for a writer gets its EOF
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
            t.join()
    if result.get("r") is None:
        why = result.get("err", "QEMU logged no instructions (the monitor's 'log' not taken?)")
        sys.exit(f"{args.kernel}:1:1: error: {why}")
    counts, ops = result["r"]
    for cls in ("op_read", "op_pread", "op_write", "open+close", "op_stat"):
        n = ops.get(cls, 0)
        if not n:
            print(f"{cls}: none seen")
            continue
        pcs = {k: v for k, v in counts[cls].items() if len(k) == 3}
        agg = {k: v for k, v in counts[cls].items() if len(k) == 2}
        total = sum(agg.values())
        print(f"\n{cls}: {total / n:.0f} instructions per operation ({n} operations)")
        by_side = {}
        for (s, _), v in agg.items():
            by_side[s] = by_side.get(s, 0) + v
        print("   " + ", ".join(f"{s} {v / n:.0f}" for s, v in sorted(by_side.items())))
        for (s, name), v in sorted(agg.items(), key=lambda kv: -kv[1]):
            if v / n >= args.min:
                print(f"{v / n:8.1f}  {s:7} {name}")
        for (s, name, pc), v in sorted(pcs.items()):
            print(f"    {s:7} {name} {pc:#x}: {v / n:.1f}")


if __name__ == "__main__":
    main()
