"""`make lint` (cppcheck over kernel, arch and drivers, with the generated
kl.core headers) passes: a warning in kernel code or in what tools/nk
generates for it fails the suite, not only a manual run."""
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("cppcheck") is None,
                    reason="cppcheck is not installed (tools/deps/host-deps.sh installs it)")
def test_make_lint_passes():
    r = subprocess.run(["make", "-s", "lint"], cwd=ROOT, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
