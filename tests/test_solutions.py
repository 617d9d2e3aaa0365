"""Solutions booted through Einit (init.yaml -> Einit's table -> tasks and channels)."""
import re

import pytest

import boards


@pytest.mark.each_board
def test_default_solution_echo_runs_and_powers_off(boot):
    con = boot()                                   # no init=: Einit starts the solution
    con.expect(r"Einit: started 2 task\(s\)", timeout=60)
    for value in range(1, 6):
        con.expect(rf"Client: Ping\({value}\) = {value + 1} \(rc 0\)")
    con.expect(r"Client: all answers right")
    con.expect(r"Einit: echo.Client exited with status 0")
    assert con.read_until_exit() == 0


DENIED_IMAGE = "build/virt-echo_denied/kernel.img"


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
def test_denied_request_never_reaches_server_and_is_audited(boot):
    con = boot(kernel=boards.ROOT / DENIED_IMAGE)
    con.expect(r"Client: Ping\(2\) = 3 \(rc 0\)", timeout=60)
    con.expect(r"audit: denied request echo.Client\(echo.Client\) -> echo.Server\(echo.Server\) "
               r"ping.Ping: assert at security.psl:\d+:\d+")
    con.expect(r"Client: Ping\(3\) = 0 \(rc -20\)")          # rcSecurityDisallow
    con.expect(r"Client: Ping\(5\) = 6 \(rc 0\)")            # later calls still work
    assert con.read_until_exit() == 1
    served = [int(v) for v in re.findall(r"Server: Ping\((\d+)\)", con.text)]
    assert served == [1, 2, 4, 5]                            # the denied one never arrived


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
def test_policy_refuses_to_start_a_class_it_does_not_know(boot):
    con = boot(kernel=boards.ROOT / DENIED_IMAGE, bootargs="init=hello", panic_ok=True)
    con.expect(r"audit: denied execute", timeout=60)
    con.expect_panic()
    con.expect(r"cannot start init program 'hello': error -20")


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
def test_hello_solution(boot):
    con = boot(kernel=boards.ROOT / "build/virt-hello/kernel.img")
    con.expect(r"Einit: started 1 task\(s\)", timeout=60)
    con.expect(r"Hello world!")
    con.expect(r"Einit: Hello exited with status 0")
    assert con.read_until_exit() == 0
