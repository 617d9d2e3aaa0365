"""Per-function instruction profile of one 1 MiB TCP echo (docs/PERFORMANCE.md, "Network").

Boots the net_bench image under -icount shift=0 with QEMU's `-d
exec,nochain,in_asm` log, echoes 1 MiB from the host once (checked byte
for byte), stops QEMU, then counts the instructions of every translation
block executed from NetBench's first call of `recv` to its call of
`qsort` (accept to EOF, the window of tcp_echo_1m_instr), per function:
the kernel's (nm of kernel.elf), VfsFsnet's and NetBench's (nm of their
ELF files). NetBench's idle `spinner` is left out, as NetBench's own
accounting leaves it out.

    python3 tools/profile_net.py [--kernel build/virt-net_bench/kernel.img] [--top 40]

User programs share the address 0x400000, so a block of user code is told
apart by its instruction words (the `IN:` listing) compared with each
program's text at that address. A block's size comes from its `IN:`
listing; a `Trace` line names the block by its host address.
"""
import argparse
import bisect
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netbench  # noqa: E402
from elf_symbols import code_symbols  # noqa: E402

INSN_PREFIX = "0x"
MIB = 1 << 20


class Program:
    """A user program's text (for telling blocks apart) and its symbols."""

    def __init__(self, name, elf):
        self.name = name
        self.elf = elf
        self.addrs, self.names = code_symbols(elf)
        self.segs = []
        hdr = subprocess.run(["readelf", "-lW", elf], capture_output=True, text=True,
                             check=True).stdout
        data = open(elf, "rb").read()
        for line in hdr.splitlines():
            f = line.split()
            if f and f[0] == "LOAD" and "E" in f[6:-1]:
                off, va, filesz = int(f[1], 16), int(f[2], 16), int(f[4], 16)
                self.segs.append((va, data[off:off + filesz]))

    def word(self, va):
        for base, text in self.segs:
            if base <= va and va + 4 <= base + len(text):
                return int.from_bytes(text[va - base:va - base + 4], "little")
        return None

    def matches(self, words):
        return all(self.word(va) == w for va, w in words)

    def func(self, va):
        i = bisect.bisect_right(self.addrs, va) - 1
        return self.names[i] if i >= 0 else "?"

    def range_of(self, name):
        if name not in self.names:
            sys.exit(f"{self.elf}:1:1: error: no symbol {name!r} (is it NetBench's ELF?)")
        i = self.names.index(name)
        return self.addrs[i], self.addrs[i + 1] if i + 1 < len(self.addrs) else 1 << 64


def run_qemu(kernel, log):
    port = netbench.free_port()
    argv = ["qemu-system-aarch64", "-icount", "shift=0", "-M", "virt,gic-version=2",
            "-cpu", "cortex-a72", "-m", "512M", "-smp", "1", "-nographic",
            "-netdev", f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:7",
            "-device", "virtio-net-device,netdev=n0", "-global", "virtio-mmio.force-legacy=false",
            "-kernel", kernel, "-append", "panic=poweroff",
            "-d", "exec,nochain,in_asm", "-D", log]
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, errors="replace")
    lines = []
    done = threading.Event()

    def reader():
        for line in p.stdout:
            lines.append(line)
            if "NETBENCH bytes=" in line and "end=" in line:
                done.set()
        done.set()
    threading.Thread(target=reader, daemon=True).start()
    try:
        deadline = time.monotonic() + 120
        while not any("echoing TCP" in s for s in lines):
            if time.monotonic() > deadline or p.poll() is not None:
                sys.exit(f"{kernel}:1:1: error: NetBench never became ready")
            time.sleep(0.2)
        netbench.bulk_echo(port, MIB)
        if not done.wait(120):
            sys.exit(f"{kernel}:1:1: error: no NETBENCH line after the echo")
        print("".join(s for s in lines if "NETBENCH" in s).strip())
    except (OSError, netbench.NetBenchError) as e:
        sys.exit(f"{kernel}:1:1: error: echo failed: {e}")
    finally:
        p.kill()
        p.wait()


def profile(log, kaddrs, knames, progs, bench):
    serve = bench.range_of("recv")
    qsort = bench.range_of("qsort")[0]
    spinner = bench.range_of("spinner")
    size, owner = {}, {}
    counts = {}
    started = False
    with open(log, errors="replace") as f:
        words = []
        for line in f:
            if line.startswith("IN:"):
                words = []
                continue
            if line.startswith(INSN_PREFIX):
                head = line.split()
                if len(head) >= 2 and head[0].endswith(":"):
                    try:
                        words.append((int(head[0][:-1], 16), int(head[1], 16)))
                    except ValueError:
                        pass
                continue
            if not line.startswith("Trace "):
                continue
            try:
                rest = line.split("[", 1)[1]
                gpc = int(rest.split("/")[1], 16)
                host = line.split(":", 1)[1].split()[0]
            except (IndexError, ValueError):
                continue
            if words and words[0][0] == gpc:
                size[host] = len(words)
                if gpc < 1 << 48:
                    who = [pr for pr in progs if pr.matches(words[:4])]
                    owner[host] = who[0] if len(who) == 1 else None
                words = []
            prog = owner.get(host)
            if not started:
                if prog is bench and serve[0] <= gpc < serve[1]:
                    started = True
                else:
                    continue
            if prog is bench and gpc == qsort:
                break
            if prog is bench and spinner[0] <= gpc < spinner[1]:
                continue
            n = size.get(host, 1)
            if gpc >= 0xffff000000000000:
                i = bisect.bisect_right(kaddrs, gpc) - 1
                name = "kernel:" + (knames[i] if i >= 0 else "?")
            elif prog:
                name = f"{prog.name}:{prog.func(gpc)}"
            else:
                name = "user:?"
            counts[name] = counts.get(name, 0) + n
    if not started:
        sys.exit(f"{log}:1:1: error: NetBench's serve never ran in the log")
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", default="build/virt-net_bench/kernel.img")
    ap.add_argument("--fsnet", default=None, help="VfsFsnet's ELF (default: from the image's build)")
    ap.add_argument("--bench", default=None, help="NetBench's ELF")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--log", help="keep the QEMU log here (default: a temporary file)")
    args = ap.parse_args()
    root = os.path.dirname(args.kernel)
    elf = os.path.splitext(args.kernel)[0] + ".elf"
    fsnet = args.fsnet or os.path.join("build", "shared", "virt", "user", "bin", "VfsFsnet")
    bench_elf = args.bench or os.path.join(root, "user", "bin", "NetBench")
    for path in (args.kernel, elf, fsnet, bench_elf):
        if not os.path.exists(path):
            sys.exit(f"{path}:1:1: error: missing (make SOLUTION=net_bench kernel)")
    kaddrs, knames = code_symbols(elf)
    bench = Program("NetBench", bench_elf)
    progs = [Program("VfsFsnet", fsnet), bench]
    with tempfile.TemporaryDirectory() as tmp:
        log = args.log or os.path.join(tmp, "qemu.log")
        run_qemu(args.kernel, log)
        counts = profile(log, kaddrs, knames, progs, bench)
    total = sum(counts.values())
    print(f"{total} instructions, {total / MIB:.2f} per byte echoed (1 MiB)")
    groups = {}
    for name, n in counts.items():
        g = name.split(":")[0]
        groups[g] = groups.get(g, 0) + n
    for g, n in sorted(groups.items(), key=lambda kv: -kv[1]):
        print(f"{n / MIB:8.3f}  {g} (all)")
    for name, n in sorted(counts.items(), key=lambda kv: -kv[1])[:args.top]:
        print(f"{n / MIB:8.3f}  {n:9d}  {name}")


if __name__ == "__main__":
    main()
