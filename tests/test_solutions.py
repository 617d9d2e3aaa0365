"""Solutions booted through Einit (init.yaml -> Einit's table -> tasks and channels)."""
import pytest


@pytest.mark.each_board
def test_default_solution_echo_runs_and_powers_off(boot):
    con = boot()                                   # no init=: Einit starts the solution
    con.expect(r"Einit: started 2 task\(s\)", timeout=60)
    for value in range(1, 6):
        con.expect(rf"Client: Ping\({value}\) = {value + 1} \(rc 0\)")
    con.expect(r"Client: all answers right")
    con.expect(r"Einit: echo.Client exited with status 0")
    assert con.read_until_exit() == 0
