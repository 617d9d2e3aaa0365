"""Boots a kernel image on QEMU virt until it powers off and writes its console
to a file: the console run `make policy-coverage` merges with the PAL counts
(a kernel built with POLICY_COUNTERS=1 dumps its rule counters at power-off).

usage: python3 -m tools.psl.boot --out console.log [--timeout 300] kernel.img
"""
import argparse
import pathlib
import subprocess
import sys


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m tools.psl.boot", description=__doc__.splitlines()[0])
    ap.add_argument("kernel")
    ap.add_argument("--out", required=True)
    ap.add_argument("--timeout", type=float, default=300)
    args = ap.parse_args(argv)
    argv = ["qemu-system-aarch64", "-M", "virt,gic-version=2", "-cpu", "cortex-a72", "-m", "1G",
            "-smp", "1", "-nographic", "-nic", "none",
            "-device", "virtio-rng-device,bus=virtio-mmio-bus.0",
            "-semihosting-config", "enable=on,target=native", "-kernel", args.kernel,
            "-append", "exit=semihosting panic=poweroff"]
    try:
        res = subprocess.run(argv, capture_output=True, text=True, errors="replace", timeout=args.timeout,
                             stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        pathlib.Path(args.out).write_text(out)
        print("%s: error: no power-off within %d s (console in %s)" % (args.kernel, args.timeout, args.out),
              file=sys.stderr)
        return 1
    except OSError as e:
        print("%s: error: %s" % (args.kernel, e.strerror), file=sys.stderr)
        return 1
    pathlib.Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    pathlib.Path(args.out).write_text(res.stdout + res.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
