"""Host fuzzing of the parsers that take untrusted bytes, with clang's libFuzzer + ASan/UBSan.

    /usr/bin/python3 tests/host/fuzz/fuzz_host.py [--seconds N] [TARGET...]   (make fuzz-host)

Targets (tests/host/fuzz/fuzz_<target>.c): fdt (kernel/fdt.c, fdt_device.c, bootargs.c),
elf (kernel/elf.c), sec (kernel/security/sec_engine.c over real tools/psl policies),
vfs_path (userland/vfs/core paths, walks, fstab), romfs (the core's romfs reader),
vfs_request (VfsFsnet's serve() + the generated kl.VfsFilesystem dispatcher + the core).
Each is built into build/fuzz/<target>; its seeds are tests/host/fuzz/corpus/<target>/ (in
the tree) plus build/fuzz/seeds/<target>/ (made here: DTBs, an ELF from the cross compiler,
a romfs image, messages from the policies and the proxies). A crash leaves its input in
build/fuzz/artifacts/<target>/; rerun it with `build/fuzz/<target> <that file>`.
tests/host/test_fuzz_host.py runs each for a few seconds.
"""
import argparse
import glob
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[3]
HERE = ROOT / "tests/host/fuzz"
OUT = ROOT / "build/fuzz"
PYTHON = "/usr/bin/python3"
CC = os.environ.get("FUZZ_CC", "clang")
CFLAGS = ["-std=c11", "-g", "-O1", "-Wall", "-Wextra", "-Werror", "-fno-omit-frame-pointer",
          "-fsanitize=fuzzer,address,undefined", "-fno-sanitize-recover=all"]
KERNEL_INC = ["-I", str(HERE / "include"), "-I", str(ROOT / "tests/host/include"),
              "-I", str(ROOT / "kernel/include"), "-I", str(ROOT / "kernel")]
# Solutions whose policy the sec target decides with (sec_policy_0, _1, ...).
SEC_POLICIES = ["policy_checks", "vfs", "net_split"]
VFS_IDL = ROOT / "userland/idl/vfs"
VFS_CORE = sorted(str(p) for p in (ROOT / "userland/vfs/core").glob("*.c"))

# name: sources, include flags, longest input (bytes)
TARGETS = {
    "fdt": (["kernel/fdt.c", "kernel/fdt_device.c", "kernel/bootargs.c"], KERNEL_INC, 65536),
    "elf": (["kernel/elf.c"], KERNEL_INC, 16384),
    "sec": (["kernel/security/sec_engine.c"],
            ["-I", str(ROOT / "kernel"), "-I", str(ROOT / "kernel/include"),
             f"-DFUZZ_SEC_POLICIES={len(SEC_POLICIES)}"], 4105),
    "vfs_path": (VFS_CORE, ["-I", str(ROOT / "userland/vfs/core")], 1024),
    "romfs": (VFS_CORE, ["-I", str(ROOT / "userland/vfs/core")], 16384),
    # sec_engine.c: the dispatcher's layout check for methods with handles
    "vfs_request": (VFS_CORE + [str(ROOT / "kernel/security/sec_engine.c")], ["-I", str(HERE / "include"), "-I", str(OUT / "gen-vfs/kos"),
                               "-I", str(OUT / "gen-vfs"),
                               "-I", str(ROOT / "userland/include"), "-I", str(ROOT / "kernel")],
                    16384),
}


class FuzzError(Exception):
    """A step before fuzzing failed (no clang, a build error): reported without a traceback."""


def run(cmd, **kw):
    res = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    if res.returncode != 0:
        raise FuzzError("failed: %s\n%s%s" % (" ".join(map(str, cmd)), res.stdout, res.stderr))
    return res


def missing_toolchain():
    """Why libFuzzer builds cannot work here, or None."""
    if not shutil.which(CC):
        return f"{CC} is not installed (tools/deps/host-deps.sh installs clang)"
    if not glob.glob("/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a") and \
            CC == "clang":
        return "libFuzzer is not installed (tools/deps/host-deps.sh: libclang-rt-14-dev)"
    return None


def _sec_objects():
    """Each policy of SEC_POLICIES compiled by tools/psl, its tables renamed sec_policy_<i>."""
    objs = []
    for i, sol in enumerate(SEC_POLICIES):
        d = ROOT / "solutions" / sol
        c = OUT / f"sec-policy-{sol}.c"
        run([PYTHON, "-m", "tools.psl", "-I", d / "idl", "-I", d, "-I", VFS_IDL, "-o", c,
             d / "security.psl"], cwd=ROOT)
        o = c.with_suffix(".o")
        run([CC, *CFLAGS, "-I", ROOT / "kernel", "-I", ROOT / "kernel/include",
             f"-Dsec_policy=sec_policy_{i}", "-c", "-o", o, c])
        objs.append(str(o))
    return objs


# Everything a target's executable is made from: C sources and headers, and the tools
# that generate C (tools/psl for the sec target's policies, tools/nk for the VFS's headers).
BUILD_INPUTS = ["tests/host/fuzz", "tests/host/include", "kernel", "userland/vfs",
                "userland/include", "userland/idl", "tools/psl", "tools/nk", "tools/template.py",
                *[f"solutions/{s}" for s in SEC_POLICIES]]


def _newest_input():
    newest = 0.0
    for entry in BUILD_INPUTS:
        p = ROOT / entry
        for f in ([p] if p.is_file() else p.rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts and "corpus" not in f.parts:
                newest = max(newest, f.stat().st_mtime)
    return newest


def build(name):
    """Compiles target `name` unless its executable is newer than every input and was
    built the same way; returns the executable's path."""
    why = missing_toolchain()
    if why:
        raise FuzzError(why)
    OUT.mkdir(parents=True, exist_ok=True)
    srcs, flags, _ = TARGETS[name]
    exe = OUT / name
    how = OUT / f"{name}.how"                    # the recipe the executable was built with
    recipe = repr((CC, CFLAGS, TARGETS[name], SEC_POLICIES))
    if exe.exists() and how.exists() and how.read_text() == recipe and \
            exe.stat().st_mtime > _newest_input():
        return exe
    how.unlink(missing_ok=True)
    extra = []
    if name == "sec":
        extra = _sec_objects()
    if name == "vfs_request":
        gen = OUT / "gen-vfs"
        shutil.rmtree(gen, ignore_errors=True)
        run([PYTHON, "-m", "tools.nk", "-I", VFS_IDL, "--out", gen,
             "VfsFsnet", "kl.VfsNet", "kl.VfsEntity"], cwd=ROOT)
    run([CC, *CFLAGS, *flags, "-o", exe, HERE / f"fuzz_{name}.c",
         *[ROOT / s for s in srcs], *extra])
    how.write_text(recipe)
    return exe


# ---------------------------------------------------------------- generated seeds

def _seeds_fdt(exe, out):
    for dts in sorted((ROOT / "tests/host/data").glob("*.dts")):
        run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", out / (dts.stem + ".dtb"), dts])
    qemu = shutil.which(os.environ.get("QEMU", "qemu-system-aarch64"))
    if qemu:                      # QEMU virt's own tree, re-packed without its padding
        raw = OUT / "qemu-virt-raw.dtb"
        res = subprocess.run([qemu, "-M", f"virt,dumpdtb={raw}", "-cpu", "cortex-a72",
                              "-m", "512M", "-nographic", "-nic", "none"],
                             capture_output=True, timeout=60)
        if res.returncode == 0 and raw.exists():
            run(["dtc", "-q", "-I", "dtb", "-O", "dtb", "-o", out / "qemu-virt.dtb", raw])
    pi = ROOT / "build/deps/rpi4-firmware/bcm2711-rpi-4-b.dtb"
    if pi.exists():
        shutil.copy(pi, out / pi.name)


ELF_SEED_C = """
static const char msg[] = "seed";
int counter = 7;
char buf[64];
void _start(void) { for (;;) { buf[counter & 63] = msg[counter & 3]; counter++; } }
"""


def _seeds_elf(exe, out):
    gcc = shutil.which("aarch64-linux-gnu-gcc")
    if not gcc:
        return
    src = OUT / "elf-seed.c"
    src.write_text(ELF_SEED_C)
    run([gcc, "-O1", "-ffreestanding", "-nostdlib", "-nostartfiles", "-static", "-no-pie",
         "-T", ROOT / "ld/user.ld", "-Wl,-z,max-page-size=4096", "-Wl,--build-id=none", "-s",
         "-o", out / "user-program.elf", src])


def romfs_tree(root):
    """A small tree with what a romfs image can hold: nested and empty directories, an
    empty file, a name of VFS_NAME_MAX bytes, names that sort as prefixes."""
    files = {"hello.txt": b"hello, romfs\n", "empty": b"",
             "sub/dir/deep.bin": bytes(range(256)) * 3,
             "sub/run.sh": b"#!/bin/sh\n", "n" * 64: b"long name\n", "ab": b"1", "abc": b"2"}
    (root / "emptydir").mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def _seeds_romfs(exe, out):
    sys.path.insert(0, str(ROOT / "tools"))
    import mkromfs
    tree = OUT / "romfs-tree"
    shutil.rmtree(tree, ignore_errors=True)
    (out / "tree.romfs").write_bytes(mkromfs.build(romfs_tree(tree)))


def _seeds_from_harness(var):
    def gen(exe, out):
        run([exe], env={**os.environ, var: str(out)})
    return gen


SEEDS = {
    "fdt": _seeds_fdt,
    "elf": _seeds_elf,
    "romfs": _seeds_romfs,
    "sec": _seeds_from_harness("FUZZ_SEC_SEEDS"),
    "vfs_request": _seeds_from_harness("FUZZ_VFS_SEEDS"),
}


def seed_dirs(name, exe):
    """The committed corpus and freshly generated seeds of target `name`."""
    gen = OUT / "seeds" / name
    shutil.rmtree(gen, ignore_errors=True)
    gen.mkdir(parents=True)
    if name in SEEDS:
        SEEDS[name](exe, gen)
    return [HERE / "corpus" / name, gen]


# ---------------------------------------------------------------- running

class Result:
    def __init__(self, name, rc, output, seconds, work):
        self.name, self.rc, self.output, self.seconds = name, rc, output, seconds
        stats = dict(re.findall(r"^stat::(\w+):\s*(\d+)", output, re.M))
        self.runs = int(stats.get("number_of_executed_units", 0))
        self.per_second = int(stats.get("average_exec_per_sec", 0))
        self.new_units = int(stats.get("new_units_added", 0))
        self.peak_rss_mb = int(stats.get("peak_rss_mb", 0))
        self.corpus = len(os.listdir(work)) if os.path.isdir(work) else 0
        m = re.search(r"Test unit written to (\S+)", output)
        self.artifact = m.group(1) if m else None

    @property
    def crashed(self):
        return self.rc != 0

    def report(self):
        """The sanitizer's (or the harness's) report: from its first line to SUMMARY."""
        lines = self.output.splitlines()
        start = next((i for i, l in enumerate(lines)
                      if re.search(r"==\d+==\s*ERROR|runtime error:|invariant failed|"
                                   r"ERROR: libFuzzer", l)), max(0, len(lines) - 60))
        end = next((i for i in range(start, len(lines)) if lines[i].startswith("SUMMARY")),
                   len(lines) - 1)
        return "\n".join(lines[start:end + 1])

    def summary(self):
        s = (f"{self.name}: {self.runs} runs in {self.seconds:.0f} s ({self.per_second}/s), "
             f"corpus {self.corpus} (+{self.new_units}), peak RSS {self.peak_rss_mb} MB")
        if self.crashed:
            s += (f"\nCRASH, input: {self.artifact}\n{self.report()}\n"
                  f"reproduce: build/fuzz/{self.name} {self.artifact}")
        return s


def fuzz(name, seconds, work=None, seed=None):
    """Builds target `name` and fuzzes it for `seconds`; work: the growing corpus
    directory (default build/fuzz/corpus/<name>)."""
    exe = build(name)
    seeds = seed_dirs(name, exe)
    work = pathlib.Path(work or OUT / "corpus" / name)
    work.mkdir(parents=True, exist_ok=True)
    art = OUT / "artifacts" / name
    art.mkdir(parents=True, exist_ok=True)
    cmd = [str(exe), f"-max_total_time={seconds}", f"-max_len={TARGETS[name][2]}",
           f"-artifact_prefix={art}/", "-timeout=10", "-rss_limit_mb=2048",
           "-print_final_stats=1", str(work), *map(str, seeds)]
    if seed is not None:
        cmd.insert(1, f"-seed={seed}")
    env = {**os.environ,
           "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0:symbolize=1",
           "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1"}
    t0 = time.monotonic()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=seconds + 600)
    return Result(name, res.returncode, res.stdout + res.stderr, time.monotonic() - t0, work)


def main(argv=None):
    ap = argparse.ArgumentParser(description="libFuzzer runs of the host parser targets")
    ap.add_argument("--seconds", type=int,
                    default=int(os.environ.get("FUZZ_HOST_SECONDS", "60")),
                    help="time per target (default $FUZZ_HOST_SECONDS or 60)")
    ap.add_argument("targets", nargs="*", help=f"some of: {' '.join(TARGETS)} (default all)")
    args = ap.parse_args(argv)
    bad = [t for t in args.targets if t not in TARGETS]
    if bad:
        print(f"fuzz-host: error: unknown target {bad[0]} (targets: {' '.join(TARGETS)})",
              file=sys.stderr)
        return 1
    crashed = False
    for name in args.targets or TARGETS:
        try:
            r = fuzz(name, args.seconds)
        except FuzzError as e:
            print(f"fuzz-host: error: {name}: {e}", file=sys.stderr)
            return 1
        print("fuzz-host: " + r.summary(), flush=True)
        crashed |= r.crashed
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
