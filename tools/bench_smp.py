"""Wall-clock IPC figures across cores (make bench-smp): boots the test image
with init=bench_smp (userland/bench/bench_smp.c) under multi-threaded TCG,
--runs times, and reports per key the median over runs and the spread
(lowest and highest run). No -icount: these are host-time figures, which
depend on the host's free cores (docs/PERFORMANCE.md, "The SMP kernel").
Writes <out>/smp.json."""
import argparse
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import boards  # noqa: E402  (the QEMU command line of the console tests)

LINE = re.compile(r"^BENCHW (\S+) (?:core \d+ )?(\S.*)$", re.M)


def one_run(kernel, smp, timeout):
    os.environ["QEMU_ACCEL"] = "tcg,thread=multi"
    argv = boards.qemu_argv("virt", smp=smp, bootargs="init=bench_smp", kernel=kernel)
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=ROOT).stdout
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        out += "\n(timed out)\n"
    figures = {}
    for key, rest in LINE.findall(out):
        fields = dict(kv.split("=", 1) for kv in rest.split())
        figures[key] = int(fields.get("median", fields.get("value")))
        if "p90" in fields:
            figures[key + "_p90"] = int(fields["p90"])
    return figures, "(timed out)" in out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", default=str(ROOT / "build/virt-echo/kernel.img"))
    ap.add_argument("--smp", type=int, default=int(os.environ.get("BENCH_SMP_CORES", 4)))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=90)
    ap.add_argument("--out", default=str(ROOT / "build/bench"))
    a = ap.parse_args()
    runs = []
    for i in range(a.runs):
        figures, timed_out = one_run(a.kernel, a.smp, a.timeout)
        runs.append(figures)
        print(f"run {i + 1}: {figures}{' (timed out)' if timed_out else ''}", flush=True)
    keys = sorted({k for r in runs for k in r})
    result = {}
    for k in keys:
        vals = [r[k] for r in runs if k in r]
        result[k] = {"median": statistics.median(vals), "min": min(vals), "max": max(vals),
                     "runs": len(vals)}
        print(f"{k:34} median {result[k]['median']:>10} spread {min(vals)}..{max(vals)} "
              f"({len(vals)}/{a.runs} runs)")
    pathlib.Path(a.out).mkdir(parents=True, exist_ok=True)
    (pathlib.Path(a.out) / "smp.json").write_text(json.dumps(
        {"smp": a.smp, "host_cpus": os.cpu_count(), "figures": result}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
