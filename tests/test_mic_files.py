"""solutions/mic_files: Mic integrity levels. mic.Files (HIGH) is a file server;
the same Client program runs as mic.High (HIGH) and mic.Low (LOW). Low's Write
is refused (rcSecurityDisallow, one audit line naming the Mic write rule) and
never reaches Files; High's Write and both Reads are granted. On virt and on
the Pi 4."""
import re

import pytest

import boards

KERNEL = {"virt": boards.ROOT / "build/virt-mic_files/kernel.img",
          "rpi4": boards.ROOT / "build/rpi4-mic_files/kernel8.img"}
AUDIT = (r"audit: denied request mic\.Low\(low\) -> mic\.Files\(mic\.Files\) files\.Write: "
         r"integrity\.write at security\.psl:\d+:\d+ \(request binding at security\.psl:\d+:1\)")


@pytest.mark.each_board
def test_low_integrity_cannot_write_high(boot, board):
    con = boot(kernel=KERNEL[board])
    con.expect(r"security: model objects: 0 Flow, 0 HashSet, 0 StaticMap, 1 Mic", timeout=60)
    con.expect(r"Einit: started 3 task\(s\)")
    for _ in range(2):
        con.expect(r"Einit: (high|low) exited with status 0")
    assert con.read_until_exit() == 0
    assert "low: Write refused (rcSecurityDisallow)" in con.text
    for line in ("high: Write granted", "high: Read granted", "low: Read granted"):
        assert line in con.text, line
    assert len(re.findall(AUDIT, con.text)) == 1
    assert len(re.findall(r"audit: denied", con.text)) == 1
    assert re.findall(r"Files: Write\((\d+)\)", con.text) == ["7"]      # High's only
    assert len(re.findall(r"Files: Read", con.text)) == 2
