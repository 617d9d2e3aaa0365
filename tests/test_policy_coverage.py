"""Policy coverage from a console run: solutions/regex_paths built with
POLICY_COUNTERS=1 (build/virt-regex_paths-cov, built by `make test`) counts each
rule's grants (SEC_OP_COUNT after the rule) and denials (when the kernel prints
them) and dumps the counters at power-off; `tools.psl --coverage --console LOG`
merges them with the PAL counts per rule at file:line:col. The usual image has
no counters (no dump)."""
import re
import subprocess

import pytest

import boards

PYTHON = "/usr/bin/python3"
COV = boards.ROOT / "build/virt-regex_paths-cov/kernel.img"
PSL = ["-I", "solutions/regex_paths/idl", "-I", "solutions/regex_paths", "-I", "userland/idl/vfs",
       "solutions/regex_paths/security.psl"]


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
def test_console_counters_merge_with_pal(boot, tmp_path):
    con = boot(kernel=COV)
    con.expect(r"Einit: client exited with status 0", timeout=60)
    assert con.read_until_exit() == 0
    assert re.search(r"security: coverage counters of security\.psl \(\d+ reasons\)", con.text)
    assert "security: coverage end" in con.text
    log = tmp_path / "console.log"
    log.write_text(con.text)
    res = subprocess.run([PYTHON, "-m", "tools.psl", "--coverage", "--console", str(log)] + PSL,
                         cwd=boards.ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    # the Regex assert: PAL 2 granted / 6 denied; the console: 1 path granted, 4 denied
    assert "security.psl:44:25: assert: 2 granted, 6 denied; console: 1 granted, 4 denied" in res.stdout
    # the lookup rule on a kernel request: "{VFS}" granted, "secret" denied, in both
    assert "security.psl:32:5: assert: 1 granted, 1 denied; console: 1 granted, 1 denied" in res.stdout
    # Close was granted once on the console, never in PAL; Fstat never at all
    assert "security.psl:45:26: grant: 0 granted, 0 denied; console: 1 granted, 0 denied" in res.stdout
    assert re.search(r"security\.psl:47:26: grant: 0 granted, 0 denied; console: 0 granted, 0 denied"
                     r"  <- never ran", res.stdout)


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
def test_the_usual_image_has_no_counters(boot):
    con = boot(kernel=boards.ROOT / "build/virt-regex_paths/kernel.img")
    con.expect(r"Einit: client exited with status 0", timeout=60)
    assert con.read_until_exit() == 0
    assert "coverage counters" not in con.text and "seccov" not in con.text


def test_a_log_without_counters_is_one_error_line(tmp_path):
    log = tmp_path / "console.log"
    log.write_text("kernel: power off (status 0)\n")
    res = subprocess.run([PYTHON, "-m", "tools.psl", "--coverage", "--console", str(log)] + PSL,
                         cwd=boards.ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 1
    assert res.stderr.strip() == "%s: error: no coverage counters in this console log (boot a kernel " \
                                 "built with POLICY_COUNTERS=1)" % log
