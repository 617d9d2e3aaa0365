"""Running a test program from the boot image as the first task and reading
its `CHECK <name>: ok|FAIL ...` lines (contract: tests/guest/check.h)."""
import re


def check_results(text):
    """{name: "ok" | "FAIL ..."} for every CHECK line of a console log."""
    return dict(re.findall(r"^CHECK (\S+): (ok|FAIL.*?)\r?$", text, re.M))


def assert_reported_ok(text, expected, who="checks"):
    """No CHECK line of the log failed and every name in `expected` was reported.
    Returns the {name: result} map."""
    results = check_results(text)
    failed = {k: v for k, v in results.items() if v != "ok"}
    assert not failed, f"{who}: failed checks: {failed}"
    missing = [c for c in expected if c not in results]
    assert not missing, f"{who}: checks never reported: {missing}"
    return results


def run_program(boot, program, timeout=120):
    con = boot(bootargs=f"init={program}")
    con.expect(rf"{program}: done \((\d+) failures?\)", timeout=timeout)
    status = con.read_until_exit(timeout=30)
    text = con.text
    results = check_results(text)
    return status, results, text


def assert_checks(boot, program, expected, timeout=120):
    """Every named check must be reported and pass, none may fail, status 0."""
    status, _, text = run_program(boot, program, timeout)
    assert_reported_ok(text, expected, program)
    assert status == 0
    return text


def equiv_lines(text, keep):
    """The lines a fast-path/general-path equivalence test compares: those the
    regex `keep` matches, in order, then Einit's lines and the kernel's
    init-task lines sorted (Einit runs beside the programs it started, so
    those may come before or after theirs depending on cores and preemption)."""
    lines = text.replace("\r", "").splitlines()
    return ([line for line in lines if keep.match(line)] +
            sorted(line for line in lines if line.startswith(("Einit: ", "kernel: init task "))))


# The counts the kernel prints at power off for each fast path (kernel/ipc_fastpath.c,
# kernel/kcall_fastpath.c).
FAST_PATH_LINE = {
    "ipc": re.compile(r"ipc: fast path took (\d+) calls and (\d+) replies \((\d+) with an arena\)"),
    "kcall": re.compile(r"kcall: fast path took (\d+) calls"),
}


def fast_path_counts(text, path):
    """The numbers of the `path` ("ipc" or "kcall") fast path's power-off line in a
    console text, as ints."""
    m = FAST_PATH_LINE[path].search(text)
    assert m, text[-2000:]
    return tuple(int(g) for g in m.groups())

