"""Solutions booted through Einit (init.yaml -> Einit's table -> tasks and channels)."""
import re

import pytest

import boards


CLIENT_STEPS = [
    r"mkdir /data +ok \(/data\)",
    r"write /data/notes.txt +ok \(33 bytes\)",
    r"read back +ok",
    r"append +ok \(size 69\)",
    r"list /data +ok \(1 entry: notes.txt\)",
    r"read romfs /etc/motd +ok \(\"Welcome to the KOS-style microkernel: this line comes from the romfs image.\"\)",
    r"romfs is read-only +ok \(Read-only file system\)",
    r"pread \(forbidden\) +ok \(Permission denied\)",
    r"remove /data/notes.txt +ok \(stat: ENOENT\)",
]


@pytest.mark.each_board
def test_default_solution_client_and_vfsfsnet(boot, board):
    """`make run`'s solution (and the SD card's): Client's file work through VfsFsnet,
    one line per step, the forbidden pread and rename denied by the policy (audit lines,
    EACCES),
    status 0."""
    con = boot(kernel=boards.DEFAULT_KERNEL[board])    # Einit starts the solution
    # VfsFsnet runs on another core at once: its line may precede Einit's.
    con.expect(r"VfsFsnet: serving files on '\{VFS\}'", timeout=60)
    for line in CLIENT_STEPS:
        con.expect(r"Client: " + line)
    assert "Einit: started 2 task(s)" in con.text
    # Both refusals are audited: Pread (a read chunk, EACCES not EIO) and Rename.
    assert re.search(r"audit: denied request Client\(Client\) -> VfsFsnet\(VfsFsnet\) "
                     r"vfs\.fs\.Pread: no_binding", con.text)
    con.expect(r"audit: denied request Client\(Client\) -> VfsFsnet\(VfsFsnet\) vfs\.fs\.Rename: "
               r"no_binding")
    con.expect(r"Client: rename \(forbidden\) +ok \(Permission denied\)")
    con.expect(r"Client: all steps done")
    con.expect(r"Einit: Client exited with status 0")
    assert con.read_until_exit() == 0
    assert "FAILED" not in con.text
    # Only pread and rename were refused: every other VFS method Client used was granted.
    assert len(re.findall(r"audit: denied", con.text)) == 2
    # No NIC here (virt runs with -nic none, the Pi 4's GENET has no driver): VfsFsnet
    # says so and serves files anyway.
    assert "VfsFsnet: no network device, sockets unavailable" in con.text


ECHO_IMAGE = {"virt": "build/virt-echo/kernel.img", "rpi4": "build/rpi4-echo/kernel8.img"}


@pytest.mark.qemu_only
@pytest.mark.boards("virt", "rpi4")
def test_echo_solution_runs_and_powers_off(boot, board):
    con = boot(kernel=boards.ROOT / ECHO_IMAGE[board])
    con.expect(r"Einit: started 2 task\(s\)", timeout=60)
    for value in range(1, 6):
        con.expect(rf"Client: Ping\({value}\) = {value + 1} \(rc 0\)")
    # The generated KasperskyOS dispatcher answers malformed raw Calls with
    # error replies: NK_EBADMSG (rcInvalidArgument, -2) for a wrong size,
    # NK_ENOENT (rcUnimplemented, -15) for an unknown method or RIID.
    con.expect(r"Client: malformed request \(size 8\): error reply -2")
    con.expect(r"Client: malformed request \(size 0\): error reply -2")
    con.expect(r"Client: malformed request \(unknown method\): error reply -15")
    con.expect(r"Client: malformed request \(unknown riid\): error reply -15")
    # init.yaml's memory_limit: 4M is the limit the kernel enforces on echo.Client
    con.expect(r"Client: memory limit 1024 pages, holding \d+; 8 MiB malloc: ENOMEM")
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
    con.expect(r"Einit: Hello exited with status 0", timeout=60)
    # Hello runs on another core as soon as it starts: its line may come
    # before Einit's "started" line, but always before its exit is reported.
    text = con.text
    assert "Einit: started 1 task(s)" in text
    assert 0 <= text.find("Hello world!") < text.index("Einit: Hello exited")
    assert con.read_until_exit() == 0


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
def test_ipc_bench_solution_passes_its_policy(boot):
    """make bench's IPC figures come from this solution: its raw messages must keep
    passing the policy's layout check (bench.IBench), or the numbers would be of
    refused calls; EchoFlow's binding (a message condition and a Flow enter) and
    EchoText's (a Regex on the data, decided on the kernel's copy) must grant every round."""
    con = boot(kernel=boards.ROOT / "build/virt-ipc_bench/kernel.img")
    for key in ("ipc_roundtrip_instr", "ipc_roundtrip_1k_instr", "ipc_roundtrip_64k_instr",
                "ipc_roundtrip_flow_instr", "ipc_roundtrip_regex_64_instr",
                "ipc_roundtrip_regex_4k_instr", "kernel_endpoint_call_instr"):
        con.expect(rf"BENCH {key} min=\d+ median=\d+", timeout=120)
    con.expect(r"Einit: bench.Client exited with status 0")
    assert con.read_until_exit() == 0
    assert "audit: denied" not in con.text
