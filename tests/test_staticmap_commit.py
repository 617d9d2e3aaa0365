"""solutions/staticmap_commit: a StaticMap object holds each client's limit
(default 3). Set writes the working instance, Commit and Rollback copy it to
and from the base instance, and Use(amount) is granted only up to the
committed limit: the refused calls get rcSecurityDisallow, one audit line each
naming the assert, and never reach the Server. On virt and on the Pi 4."""
import re

import pytest

import boards

KERNEL = {"virt": boards.ROOT / "build/virt-staticmap_commit/kernel.img",
          "rpi4": boards.ROOT / "build/rpi4-staticmap_commit/kernel8.img"}
AUDIT = (r"audit: denied request limit\.Client\(limit\.Client\) -> limit\.Server\(limit\.Server\) "
         r"limit\.Use: assert at security\.psl:\d+:\d+ \(request binding at security\.psl:\d+:1\)")


@pytest.mark.each_board
def test_use_up_to_the_committed_limit(boot, board):
    con = boot(kernel=KERNEL[board])
    con.expect(r"security: model objects: 0 Flow, 0 HashSet, 1 StaticMap, 0 Mic", timeout=60)
    con.expect(r"Einit: started 2 task\(s\)")
    steps = [("Use(3)", "granted"), ("Use(5)", "refused"), ("Set(5)", "granted"),
             ("Use(5)", "refused"), ("Commit", "granted"), ("Use(5)", "granted"),
             ("Set(9)", "granted"), ("Rollback", "granted"), ("Commit", "granted"),
             ("Use(9)", "refused"), ("Use(5)", "granted")]
    for what, outcome in steps:
        con.expect(r"Client: %s %s" % (re.escape(what), outcome))
    con.expect(r"Client: limits as committed")
    con.expect(r"Einit: limit\.Client exited with status 0")
    assert con.read_until_exit() == 0
    assert len(re.findall(AUDIT, con.text)) == 3
    assert len(re.findall(r"audit: denied", con.text)) == 3
    assert re.findall(r"Server: Use\((\d)\)", con.text) == ["3", "5", "5"]
