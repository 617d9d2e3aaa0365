"""solutions/ping: the KasperskyOS ping example. A Flow object in the policy makes
Ping and Pong alternate; the Client's out-of-order calls are refused by the security
module (rcSecurityDisallow, one audit line each naming the Flow rule) and never reach
the Server; the in-order ones are served. On virt and on the Pi 4."""
import re

import pytest

import boards

PING_KERNEL = {"virt": boards.ROOT / "build/virt-ping/kernel.img",
               "rpi4": boards.ROOT / "build/rpi4-ping/kernel8.img"}
AUDIT = (r"audit: denied request ping\.Client\(ping\.Client\) -> ping\.Server\(ping\.Server\) "
         r"pingpong\.(Ping|Pong): request_state\.allow at security\.psl:\d+:\d+")


@pytest.mark.each_board
def test_ping_pong_alternate_under_a_flow_policy(boot, board):
    con = boot(kernel=PING_KERNEL[board])
    con.expect(r"security: policy security\.psl: 4 classes", timeout=60)
    con.expect(r"Einit: started 2 task\(s\)")
    for v, name in ((1, "Ping"), (2, "Pong"), (3, "Ping"), (4, "Pong"), (5, "Ping")):
        con.expect(rf"Client: {name}\({v}\) = {v + 1}")
    con.expect(r"Client: Ping\(6\) refused: out of order \(rcSecurityDisallow\)")
    con.expect(r"Client: Pong\(7\) = 8")
    con.expect(r"Client: Pong\(8\) refused: out of order")
    con.expect(r"Client: Pong\(9\) refused: out of order")
    con.expect(r"Client: Ping\(10\) = 11")
    con.expect(r"Client: refused exactly the out-of-order calls")
    con.expect(r"Einit: ping\.Client exited with status 0")
    assert con.read_until_exit() == 0
    # each refusal audited once, naming the Flow rule that decided
    assert re.findall(AUDIT, con.text) == ["Ping", "Pong", "Pong"]
    assert len(re.findall(r"audit: denied", con.text)) == 3
    # the refused calls never reached the Server
    served = [int(v) for v in re.findall(r"Server: P[io]ng\((\d+)\)", con.text)]
    assert served == [1, 2, 3, 4, 5, 7, 10]
