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
    # kl.VfsRamFs came from @INIT_EXTERNAL_ENTITIES@ with its target's EXTRA_ENV
    assert "VfsFsnet: serving files on 'kl.VfsRamFs'" in out
    assert "Client: done" in out and "Einit: echo.Client exited with status 0" in out
    # The fragment gives kl.VfsRamFs no device: its probe for a NIC is the one refusal.
    assert re.findall(r"audit: denied .*", out) == [
        "audit: denied request kl.VfsRamFs(kl.VfsRamFs) -> kl.core.Core(kernel) io.FindDevice: no_binding"]
    assert (build / "einit/kos-qemu-image").stat().st_size > 100000
    # The add_executable() targets are the Makefile's to build: `all` leaves them alone
    # (and runs tools/nk over the resources), a direct build says which target to use.
    res = cmake("--build", build)
    assert res.returncode == 0, res.stdout + res.stderr
    assert not (build / "client/Client").exists()
    res = cmake("--build", build, "--target", "Client")
    assert res.returncode != 0
    assert "error: Client is built with its image: cmake --build <build> --target kos-qemu-image or " \
           "kos-image" in res.stderr + res.stdout

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


MARKERS_PROJECT = """cmake_minimum_required(VERSION 3.13)
project(markers)
include(platform)
initialize_platform()
include(platform/image)
find_package(vfs REQUIRED)
find_package(precompiled_vfs REQUIRED)
add_executable(App app.c)
set_target_properties(App PROPERTIES EXTRA_CONNECTIONS "\\
  - target: kl.VfsNet
    id: kl.VfsNet" EXTRA_ENV "\\
    VFS_NETWORK_BACKEND: client:kl.VfsNet")
set_target_properties(${precompiled_vfsVfsNet} PROPERTIES EXTRA_ARGS "\\
    - -l
    - ramfs /data ramfs rw" EXTRA_ENV "\\
    VFS_NETWORK_BACKEND: server:kl.VfsNet")
set(GREETING "hello world")
build_kos_qemu_image(kos-qemu-image CONNECTIONS_CFG init.yaml.in IMAGE_FILES App ${vfs_ENTITY} ${precompiled_vfsVfsNet})
"""
MARKERS_INIT = """entities:
- name: demo.App
  path: @INIT_App_PATH@
  args: ["@GREETING@"]
  connections:
  - target: kl.VfsEntity
    id: "{VFS}"
@INIT_App_ENTITY_CONNECTIONS+@
@INIT_App_ENTITY_ENV@
@INIT_EXTERNAL_ENTITIES@
"""


def test_sdk_markers_from_target_properties(tmp_path):
    """The markers an SDK init.yaml.in uses, filled from IMAGE_FILES and the targets'
    EXTRA_* properties, as tools/einit then reads them."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "CMakeLists.txt").write_text(MARKERS_PROJECT)
    (src / "init.yaml.in").write_text(MARKERS_INIT)
    (src / "app.c").write_text("int main(void) { return 0; }\n")
    build = tmp_path / "build"
    res = configure(src, build)
    assert res.returncode == 0, res.stderr
    sol = build / "kos-a64/kos-qemu-image/solution"
    assert (sol / "App/app.c").resolve() == (src / "app.c").resolve()
    res = subprocess.run(["/usr/bin/python3", "-m", "tools.einit", "-I", "userland/include", "--vars",
                          str(sol / "solution.vars"), "--json", str(sol / "init.yaml.in")],
                         cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    import json
    sol_json = json.loads(res.stdout)
    tasks = {t["task"]: t for t in sol_json["tasks"]}
    assert sorted(tasks) == ["demo.App", "kl.VfsEntity", "kl.VfsNet"]
    assert tasks["demo.App"]["program"] == "App" and tasks["demo.App"]["args"] == ["hello world"]
    assert tasks["demo.App"]["env"] == ["VFS_NETWORK_BACKEND=client:kl.VfsNet"]
    assert tasks["kl.VfsNet"]["program"] == "VfsFsnet" and tasks["kl.VfsEntity"]["program"] == "VfsFsnet"
    assert tasks["kl.VfsNet"]["args"] == ["-l", "ramfs /data ramfs rw"]
    assert tasks["kl.VfsNet"]["env"] == ["VFS_NETWORK_BACKEND=server:kl.VfsNet"]
    assert sorted((c["client"], c["server"]) for c in sol_json["connections"]) == [
        ("demo.App", "kl.VfsEntity"), ("demo.App", "kl.VfsNet")]


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
