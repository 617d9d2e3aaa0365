"""solutions/hashset_admit: a HashSet object admits at most two distinct clients
to admit.Server. Three clients of one class call Hello twice each: two are
admitted (both calls), the third is refused (both calls: rcSecurityDisallow,
one audit line each naming the HashSet rule) and never reaches the Server.
Which client is third depends on scheduling. On virt and on the Pi 4."""
import re

import pytest

import boards

KERNEL = {"virt": boards.ROOT / "build/virt-hashset_admit/kernel.img",
          "rpi4": boards.ROOT / "build/rpi4-hashset_admit/kernel8.img"}
AUDIT = (r"audit: denied request admit\.Client\((client\d)\) -> admit\.Server\(admit\.Server\) "
         r"hello\.Hello: admitted\.add at security\.psl:\d+:\d+ \(request binding at security\.psl:\d+:1\)")


@pytest.mark.each_board
def test_at_most_two_distinct_clients(boot, board):
    con = boot(kernel=KERNEL[board])
    con.expect(r"security: policy security\.psl: 4 classes", timeout=60)
    con.expect(r"Einit: started 4 task\(s\)")
    for n in (1, 2, 3):
        con.expect(r"Einit: client\d exited with status 0")
    assert con.read_until_exit() == 0
    assert len(re.findall(r"Client: Hello\(\d\) admitted", con.text)) == 4
    assert re.findall(r"Client: Hello\((\d)\) refused \(rcSecurityDisallow\)", con.text) == ["1", "2"]
    refused = re.findall(AUDIT, con.text)
    assert len(refused) == 2 and refused[0] == refused[1], con.text      # one client, twice
    assert len(re.findall(r"audit: denied", con.text)) == 2
    assert sorted(re.findall(r"Server: Hello\((\d)\)", con.text)) == ["1", "1", "2", "2"]
