"""Shared paths and helpers of the tools/nk tests."""
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = ROOT / "tests/tools/data/nk"
GOOD = DATA / "good"
BAD = DATA / "bad"
PYTHON = "/usr/bin/python3"


def nkc(*args, cwd=ROOT):
    """Run the CLI; returns CompletedProcess with text stdout/stderr."""
    return subprocess.run([PYTHON, "-m", "tools.nk", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True)


def write(root, rel, text):
    p = pathlib.Path(root) / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p
