"""Running a test program from the boot image as the first task and reading
its `CHECK <name>: ok|FAIL ...` lines (contract: tests/guest/check.h)."""
import re


def check_results(text):
    """{name: "ok" | "FAIL ..."} for every CHECK line of a console log."""
    return dict(re.findall(r"^CHECK (\S+): (ok|FAIL.*?)\r?$", text, re.M))


def run_program(boot, program, timeout=120):
    con = boot(bootargs=f"init={program}")
    con.expect(rf"{program}: done \((\d+) failures?\)", timeout=timeout)
    status = con.read_until_exit(timeout=30)
    text = con.text
    results = check_results(text)
    return status, results, text


def assert_checks(boot, program, expected, timeout=120):
    """Every named check must be reported and pass, none may fail, status 0."""
    status, results, text = run_program(boot, program, timeout)
    failed = {k: v for k, v in results.items() if v != "ok"}
    assert not failed, f"{program}: failed checks: {failed}"
    missing = [c for c in expected if c not in results]
    assert not missing, f"{program}: checks never reported: {missing}"
    assert status == 0
    return text
