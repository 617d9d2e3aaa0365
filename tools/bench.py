#!/usr/bin/env python3
"""Runs the benchmark solution in QEMU with -icount shift=0 and reports.

With -icount shift=0 every guest instruction advances virtual time by 1 ns,
so counter readings inside the guest are instruction counts and repeat
exactly from run to run. The benchmark programs print lines

    BENCH <key> min=<n> median=<n> unit=<unit> [n=<samples>]

which this tool collects into build/bench/results.json (one key per figure,
e.g. "ipc_roundtrip_instr": {"min": .., "median": ..}) and prints as a table.

With --net-kernel (the net_bench solution's image) a second QEMU run, also
under -icount shift=0, gets a virtio-net device and a hostfwd port on
127.0.0.1; tools/netbench.py drives its NetBench echo server from the host
(64-byte round trips, bulk echo) and adds the tcp_echo_* figures.

usage: tools/bench.py [--kernel build/virt/kernel.img] [--bootargs init=bench]
                      [--net-kernel build/virt-net_bench/kernel.img] [--timeout 900] [--out build/bench]
"""
import argparse
import json
import pathlib
import re
import os
import subprocess
import sys
import time

import netbench

ROOT = pathlib.Path(__file__).resolve().parents[1]
LINE = re.compile(r"^BENCH (\S+) min=(\d+) median=(\d+) unit=(\S+)(?: n=(\d+))?", re.M)


def run(kernel, timeout, mem, bootargs):
    argv = ["qemu-system-aarch64", "-M", "virt,gic-version=2", "-cpu", "cortex-a72",
            "-m", mem, "-smp", os.environ.get("BENCH_SMP", "1"), "-nographic", "-nic", "none", "-icount", "shift=0",
            "-device", "virtio-rng-device,bus=virtio-mmio-bus.0",
            "-semihosting-config", "enable=on,target=native", "-kernel", str(kernel),
            "-append", f"exit=semihosting panic=poweroff {bootargs}"]
    started = time.monotonic()
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    return proc.returncode, proc.stdout + proc.stderr, time.monotonic() - started


# Figures computed from measured ones: (key, unit, function of results -> value).
FILE_BYTES = 4 << 20


def _per_instr(key):
    return lambda r: round(FILE_BYTES / r[key]["median"], 3)


def _ratio(key):
    return lambda r: round(r["memcpy_4m_instr"]["median"] / r[key]["median"], 3)


DERIVED = [
    ("memcpy_bytes_per_instr", "bytes/instr", ["memcpy_4m_instr"], _per_instr("memcpy_4m_instr")),
    ("vfs_write_bytes_per_instr", "bytes/instr", ["vfs_write_4m_instr"], _per_instr("vfs_write_4m_instr")),
    ("vfs_read_bytes_per_instr", "bytes/instr", ["vfs_read_4m_instr"], _per_instr("vfs_read_4m_instr")),
    ("vfs_write_vs_memcpy", "ratio", ["vfs_write_4m_instr", "memcpy_4m_instr"], _ratio("vfs_write_4m_instr")),
    ("vfs_read_vs_memcpy", "ratio", ["vfs_read_4m_instr", "memcpy_4m_instr"], _ratio("vfs_read_4m_instr")),
    # the Regex model: instructions per byte of text (kernel copy, one DFA step a byte, copy out)
    ("regex_match_per_byte_instr", "instr/byte", ["ipc_roundtrip_regex_64_instr", "ipc_roundtrip_regex_4k_instr"],
     lambda r: round((r["ipc_roundtrip_regex_4k_instr"]["median"] - r["ipc_roundtrip_regex_64_instr"]["median"])
                     / (4096 - 64), 3)),
    ("tcp_echo_bytes_per_instr", "bytes/instr", [netbench.BULK_KEY],
     lambda r: round(netbench.BULK_BYTES / r[netbench.BULK_KEY]["median"], 4)),
    (netbench.PER_BYTE_KEY, "instr/byte", [netbench.MIB_KEY], netbench.instr_per_byte),
]


def parse(log):
    """The BENCH lines of a console log: {key: {"min", "median", "unit"[, "samples"]}}."""
    results = {}
    for m in LINE.finditer(log):
        key, lo, med, unit, n = m.groups()
        results[key] = {"min": int(lo), "median": int(med), "unit": unit}
        if n:
            results[key]["samples"] = int(n)
    return results


def derive(results):
    """The DERIVED figures whose inputs were measured: {key: {"value", "unit"}}."""
    return {key: {"value": fn(results), "unit": unit}
            for key, unit, needs, fn in DERIVED if all(k in results for k in needs)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", default=str(ROOT / "build/virt/kernel.img"))
    ap.add_argument("--bootargs", default="init=bench")
    ap.add_argument("--out", default=str(ROOT / "build/bench"))
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--mem", default="1G")
    ap.add_argument("--policy-kernel", default="",
                    help="the ipc_bench image: the IPC figures under a real policy (its Einit "
                         "starts bench_client and bench_server; no bootargs)")
    ap.add_argument("--net-kernel", default="",
                    help="the net_bench image: also measure TCP echo through VfsFsnet")
    args = ap.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        status, log, wall = run(args.kernel, args.timeout, args.mem, args.bootargs)
    except subprocess.TimeoutExpired:
        print(f"bench: QEMU did not finish within {args.timeout:.0f} s", file=sys.stderr)
        return 1
    (out / "console.log").write_text(log)
    results = parse(log)
    if args.policy_kernel:
        try:
            pstatus, plog, pwall = run(args.policy_kernel, args.timeout, args.mem, "")
        except subprocess.TimeoutExpired:
            pstatus, plog, pwall = -1, "(timed out)", 0.0
        (out / "console-policy.log").write_text(plog)
        if pstatus != 0:
            print(f"bench: the ipc_bench solution failed (exit status {pstatus}); "
                  f"see {out / 'console-policy.log'}", file=sys.stderr)
            return 1
        results.update(parse(plog))
        wall += pwall
    net_failed = None
    info, net_wall = {}, 0.0
    if args.net_kernel:
        try:
            net_results, info, net_log, net_wall = netbench.run(args.net_kernel, min(args.timeout, 300))
            results.update(net_results)
        except netbench.NetBenchError as e:
            net_failed, net_log = str(e), e.log
        (out / "console-net.log").write_text(net_log)
    derived = derive(results)
    derived.update(info)
    (out / "results.json").write_text(json.dumps({**results, **derived}, indent=2, sort_keys=True)
                                      + "\n")
    if status != 0 or not results:
        print(f"bench: the benchmark solution failed (exit status {status}); "
              f"see {out / 'console.log'}", file=sys.stderr)
        print("\n".join(log.splitlines()[-15:]), file=sys.stderr)
        return 1
    if net_failed:
        print(f"bench: network run failed: {net_failed}; see {out / 'console-net.log'}", file=sys.stderr)
        print("\n".join(net_log.splitlines()[-15:]), file=sys.stderr)
        return 1
    width = max(len(k) for k in list(results) + list(derived))
    print(f"{'figure':<{width}}  {'min':>12}  {'median':>12}  unit")
    for key in sorted(results):
        r = results[key]
        print(f"{key:<{width}}  {r['min']:>12}  {r['median']:>12}  {r['unit']}")
    for key, d in derived.items():
        print(f"{key:<{width}}  {d['value']:>12}  {'':>12}  {d['unit']}")
    print(f"\n(-icount shift=0: 1 instruction = 1 ns of guest time; {wall:.1f} s of wall time"
          + (f", network run {net_wall:.1f} s" if net_wall else "") + ")")
    print(f"results: {out / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
