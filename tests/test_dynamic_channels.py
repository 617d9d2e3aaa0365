"""Dynamic channels and the name server on the console (solutions/dynamic_channels,
docs/ABI.md "Dynamic channels"). dyn.Server publishes a service; dyn.Client finds
it, connects, the Server accepts; the Client drops one channel, the Server drops
another and refuses a third request. A Ping the policy forbids is refused on the
dynamic channel like on a static one, and the Intruder, which may read the names,
is refused a connection and a publication: each refusal audited."""
import re

import pytest

import boards
from programs import assert_checks

IMAGE = "build/{board}-dynamic_channels/kernel.img"

SERVER_STEPS = ["name server", "publish", "publish twice refused", "name too long refused",
                "listen", "accept", "accept twice refused", "listen again", "accept again",
                "server drops the channel", "listen a third time", "drop the request",
                "drop twice refused", "unpublish", "unpublish twice refused"]
CLIENT_STEPS = ["enumerate", "second entry: none", "unknown service refused", "connect", "ping",
                "ping over 100 denied by the policy", "client drops the channel",
                "connect again", "ping again", "channel dropped by the server",
                "connect refused by the server"]
INTRUDER_STEPS = ["enumerate", "connect refused by the policy", "publish refused by the policy"]


@pytest.mark.qemu_only
@pytest.mark.each_board
def test_dynamic_channels(boot, board):
    con = boot(kernel=boards.ROOT / IMAGE.format(board=board))
    con.expect(r"Client: done \((\d+) failures?\)", timeout=120)
    status = con.read_until_exit(timeout=30)
    text = con.text
    for who, steps in (("Server", SERVER_STEPS), ("Client", CLIENT_STEPS),
                       ("Intruder", INTRUDER_STEPS)):
        for s in steps:
            assert re.search(rf"^{who}: {re.escape(s)} +ok \(rc", text, re.M), f"{who}: {s}"
        assert re.search(rf"^{who}: done \(0 failures\)", text, re.M), who
    assert "FAIL" not in text
    assert re.search(r"^Server: request from client for echo", text, re.M)
    assert re.search(r"^Client: Ping\(41\) = 42", text, re.M)
    # The refusals, audited by the kernel.
    assert re.search(r"audit: denied request dyn\.Intruder\(intruder\) -> kl\.core\.Core\(kernel\) "
                     r"cm\.Connect", text), text[-3000:]
    assert re.search(r"audit: denied request dyn\.Intruder\(intruder\) -> kl\.core\.Core\(kernel\) "
                     r"cm\.Publish", text)
    assert re.search(r"audit: denied request dyn\.Client\(client\) -> dyn\.Server\(server\) "
                     r"echo\.Ping", text)
    # Only the Ping over 100 reached no server: 41, 5 arrived, 500 did not.
    assert re.findall(r"^Server: Ping\((\d+)\)", text, re.M) == ["41", "5"]
    assert status == 0


CM_CHECKS = ["name_not_terminated", "name_48_bytes", "name_47_chars", "empty_server_name",
             "wrapper_name_too_long", "publish", "publish_twice", "connect_to_oneself",
             "connect_unknown", "listen_timeout", "accept_nothing_pending",
             "drop_nothing_pending", "unpublish_wrong_type", "enum_buffer_too_small",
             "publish_64", "publish_65th", "all_unpublished", "server_ended_while_waiting",
             "ended_servers_names_gone"]


def test_cm_bad_input(boot):
    """kl.core.Cm's bad inputs (test_cm, no policy): each a documented Retcode."""
    assert_checks(boot, "test_cm", CM_CHECKS)
