"""Host fuzzing (tests/host/fuzz): each libFuzzer target builds and survives a short run.

Every target first replays its whole seed corpus (tests/host/fuzz/corpus/<target>, which
holds the regression inputs of bugs found so far, plus the generated seeds), then fuzzes
for FUZZ_HOST_TEST_SECONDS (default 5). A crash fails the test with the input's path and
the sanitizer's report. `make fuzz-host` runs the same targets for longer.

    /usr/bin/python3 -m pytest tests/host/test_fuzz_host.py -v
"""
import os
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "fuzz"))
import fuzz_host  # noqa: E402

SECONDS = int(os.environ.get("FUZZ_HOST_TEST_SECONDS", "5"))


@pytest.mark.parametrize("target", sorted(fuzz_host.TARGETS))
def test_fuzz_target_survives_a_short_run(target, tmp_path):
    why = fuzz_host.missing_toolchain()
    if why:
        pytest.skip(why)
    try:
        r = fuzz_host.fuzz(target, SECONDS, work=tmp_path / "corpus", seed=1)
    except fuzz_host.FuzzError as e:
        pytest.fail(str(e))
    print(r.summary())
    assert not r.crashed, r.summary()
    # A run that never reached the fuzzing loop would prove nothing.
    assert r.runs > 100, r.output[-3000:]


def test_fuzz_host_rejects_unknown_targets(capsys):
    assert fuzz_host.main(["--seconds", "1", "nosuch"]) == 1
    assert "unknown target nosuch" in capsys.readouterr().err


def test_crash_report_names_the_input_and_the_sanitizer_report():
    out = ("INFO: Seed: 1\n"
           "==42==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x1\n"
           "    #0 0x5 in fdt_getprop kernel/fdt.c:300:5\n"
           "SUMMARY: AddressSanitizer: heap-buffer-overflow kernel/fdt.c:300:5\n"
           "MS: 1 ChangeBit-; base unit: 0\n"
           "artifact_prefix='build/fuzz/artifacts/fdt/'; "
           "Test unit written to build/fuzz/artifacts/fdt/crash-abc\n")
    r = fuzz_host.Result("fdt", 1, out, 1.0, "/nonexistent")
    assert r.crashed and r.artifact == "build/fuzz/artifacts/fdt/crash-abc"
    assert r.report().startswith("==42==ERROR: AddressSanitizer")
    assert r.report().endswith("heap-buffer-overflow kernel/fdt.c:300:5")
    assert "reproduce: build/fuzz/fdt build/fuzz/artifacts/fdt/crash-abc" in r.summary()
