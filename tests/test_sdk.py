"""CMake SDK mode (docs/SDK.md): examples/echo, a KasperskyOS-shaped project, is
configured with cmake/toolchain.cmake, built and booted with `--target sim` (QEMU
virt), its template variables come from CMake, `sd-image` writes a Pi 4 card; SDK
commands and parameters not provided stop the configuration, naming them."""
import os
import pathlib
import re
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples/echo"
TOOLCHAIN = ROOT / "cmake/toolchain.cmake"
FIRMWARE = ROOT / "build/deps/rpi4-firmware/start4.elf"


def cmake(*args, timeout=300):
    return subprocess.run(["cmake", *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, MAKEFLAGS=""))


def configure(src, build, *defines):
    res = cmake("-S", src, "-B", build, f"-DCMAKE_TOOLCHAIN_FILE={TOOLCHAIN}", *defines)
    return res


@pytest.fixture(scope="module", autouse=True)
def have_cmake():
    assert shutil.which("cmake"), "cmake is missing: `make deps` installs it (tools/deps/host-deps.sh)"


@pytest.mark.qemu_only
def test_example_builds_and_boots_with_sim(tmp_path):
    """The example as written: Client pings Server 5 times (ECHO_CALLS), keeps the
    answers in kl.VfsRamFs (VfsFsnet) and reads them back; QEMU ends with status 0."""
    build = tmp_path / "build"
    res = configure(EXAMPLE, build)
    assert res.returncode == 0, res.stdout + res.stderr
    sim = cmake("--build", build, "--target", "sim", timeout=240)
    out = sim.stdout + sim.stderr
    assert sim.returncode == 0, out[-3000:]
    assert "Einit: started 3 task(s)" in out
    assert [int(m) for m in re.findall(r"Client: Ping\((\d+)\) = \d+", out)] == [1, 2, 3, 4, 5]
    assert 'Client: /answers.txt holds "2 3 4 5 6 " (read back)' in out
    assert "Client: done" in out and "Einit: echo.Client exited with status 0" in out
    # The fragment gives kl.VfsRamFs no device: its probe for a NIC is the one refusal.
    assert re.findall(r"audit: denied .*", out) == [
        "audit: denied request kl.VfsRamFs(kl.VfsRamFs) -> kl.core.Core(kernel) io.FindDevice: no_binding"]
    assert (build / "einit/kos-qemu-image").stat().st_size > 100000
    # The add_executable() targets are the Makefile's to build: `all` leaves them alone.
    assert not (build / "client/Client").exists()

    # Template values from CMake: 3 calls, and {% if ECHO_REFUSE_THREE %} in the policy.
    res = configure(EXAMPLE, build, "-DECHO_CALLS=3", "-DECHO_REFUSE_THREE=ON")
    assert res.returncode == 0, res.stdout + res.stderr
    sim = cmake("--build", build, "--target", "sim", timeout=240)
    out = sim.stdout + sim.stderr
    assert sim.returncode != 0
    assert "Client: Ping(2) = 3" in out and "Client: Ping(3) failed" in out, out[-3000:]
    assert re.search(r"audit: denied request echo\.Client\(echo\.Client\) -> echo\.Server\(echo\.Server\) "
                     r"ping\.ping\.Ping", out), out[-3000:]
    assert "Einit: echo.Client exited with status 1" in out


@pytest.mark.skipif(not FIRMWARE.exists(), reason="no Pi 4 firmware in build/deps (make deps)")
def test_sd_image_for_the_pi4(tmp_path):
    build = tmp_path / "build"
    assert configure(EXAMPLE, build).returncode == 0
    res = cmake("--build", build, "--target", "sd-image", timeout=600)
    assert res.returncode == 0, (res.stdout + res.stderr)[-3000:]
    card = build / "einit/sdcard.img"
    assert card.stat().st_size >= 64 << 20
    listing = subprocess.run(["mdir", "-i", f"{card}@@1M", "-b", "::/"], capture_output=True, text=True)
    names = {pathlib.PurePosixPath(line).name.lower() for line in listing.stdout.split()}
    assert {"kernel8.img", "config.txt", "start4.elf", "fixup4.dat", "bcm2711-rpi-4-b.dtb"} <= names, listing
    kernel = build / "kos-a64/kos-image/build/kernel8.img"
    assert (build / "einit/kos-image").read_bytes() == kernel.read_bytes()


@pytest.mark.qemu_only
@pytest.mark.boards("rpi4")
def test_hw_image_boots_on_the_pi4(tmp_path, boot, board):
    """kos-image is a Pi 4 kernel8.img that runs the same solution (QEMU raspi4b; run
    with --board rpi4 or all)."""
    build = tmp_path / "build"
    assert configure(EXAMPLE, build, "-DECHO_CALLS=2").returncode == 0
    res = cmake("--build", build, "--target", "kos-image", timeout=600)
    assert res.returncode == 0, (res.stdout + res.stderr)[-3000:]
    assert (build / "einit/kos-image.config.txt").is_file()
    con = boot(kernel=build / "einit/kos-image")
    con.expect(r"Einit: started 3 task\(s\)", timeout=60)
    con.expect(r"Client: Ping\(2\) = 3")
    con.expect(r'Client: /answers.txt holds "2 3 " \(read back\)')
    con.expect(r"Einit: echo.Client exited with status 0")
    assert con.read_until_exit() == 0


PROJECT = """cmake_minimum_required(VERSION 3.13)
project(bad)
include(platform)
initialize_platform()
include(platform/nk)
include(platform/image)
{body}
"""


@pytest.mark.parametrize("body,message", [
    ("bind_nk_targets(x y)", "bind_nk_targets() of the KasperskyOS SDK is not supported by KOS-A64"),
    ("generate_edl_file(Hello PREFIX demo)", "generate_edl_file() of the KasperskyOS SDK is not supported"),
    ("add_nk_idl(X ${CMAKE_SOURCE_DIR}/x.idl NK_MODULE demo LANG CXX)",
     "add_nk_idl() of the KasperskyOS SDK is not supported by KOS-A64: LANG CXX"),
    ("build_kos_qemu_image(kos-qemu-image CONNECTIONS_CFG init.yaml KLOG_ENTITY Klog)",
     "build_kos_qemu_image() of the KasperskyOS SDK is not supported by KOS-A64: its parameter KLOG_ENTITY"),
    ("find_package(precompiled_vfs)\nbuild_kos_qemu_image(kos-qemu-image CONNECTIONS_CFG init.yaml "
     "IMAGE_FILES ${precompiled_vfsVfsSdCardFs})", "kl.VfsSdCardFs: there is no SD card driver"),
    ("build_kos_qemu_image(kos-qemu-image CONNECTIONS_CFG init.yaml IMAGE_FILES nothing)",
     "IMAGE_FILES `nothing` is not a program target"),
    ("nk_build_edl_files(e NK_MODULE demo EDL ${CMAKE_SOURCE_DIR}/x.idl)", "x.idl is not a .edl file"),
])
def test_unsupported_or_wrong_calls_stop_the_configuration(tmp_path, body, message):
    src = tmp_path / "src"
    src.mkdir()
    (src / "CMakeLists.txt").write_text(PROJECT.format(body=body))
    (src / "init.yaml").write_text("entities: []\n")
    (src / "x.idl").write_text("package demo.x\ninterface {}\n")
    res = configure(src, tmp_path / "build")
    assert res.returncode != 0
    assert message in " ".join(res.stderr.split()), res.stderr


def test_unknown_template_variable_fails_the_build_at_its_line(tmp_path):
    """A name no CMake variable defines is an error at file:line:col, not an empty string."""
    src = tmp_path / "src"
    shutil.copytree(EXAMPLE, src)
    cfg = src / "einit/src/init.yaml.in"
    cfg.write_text(cfg.read_text().replace('"@ECHO_CALLS@"', '"@ECHO_CALLZ@"'))
    build = tmp_path / "build"
    assert configure(src, build).returncode == 0
    res = cmake("--build", build, "--target", "kos-qemu-image", timeout=240)
    assert res.returncode != 0
    assert re.search(r"init\.yaml\.in:\d+:\d+: error: unknown variable @ECHO_CALLZ@", res.stdout + res.stderr), \
        (res.stdout + res.stderr)[-2000:]
