"""CMake forms of the KasperskyOS SDK 1.3+ examples, configured only (no build, no QEMU;
docs/SDK.md): CMAKE_SYSTEM_BOARD choosing the image, GINGER_ENABLE / GINGER_DEFINITIONS
reaching the templates, and the policy lint left non-fatal in SDK mode."""
import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
TOOLCHAIN = ROOT / "cmake/toolchain.cmake"

# The shape of an SDK example's einit/CMakeLists.txt (written here, in the same forms).
PROJECT = """cmake_minimum_required(VERSION 3.13)
project(forms)
include(platform)
initialize_platform()
include(platform/image)
find_package(precompiled_vfs REQUIRED)
add_executable(App app.c)
set(GINGER_DEFINITIONS "BOARD=${CMAKE_SYSTEM_BOARD}" {extra})
if (NOT "${CMAKE_SYSTEM_BOARD}" STREQUAL "QEMU")
    build_kos_hw_image(kos-image
                       EINIT_ENTITY EinitHw
                       CONNECTIONS_CFG init.yaml.in
                       SECURITY_PSL security.psl
                       GINGER_ENABLE TRUE
                       GINGER_DEFINITIONS ${GINGER_DEFINITIONS}
                       IMAGE_FILES App)
else ()
    build_kos_qemu_image(kos-qemu-image
                         EINIT_ENTITY EinitQemu
                         CONNECTIONS_CFG init.yaml.in
                         SECURITY_PSL security.psl
                         GINGER_ENABLE TRUE
                         GINGER_DEFINITIONS ${GINGER_DEFINITIONS}
                         IMAGE_FILES App ${precompiled_vfsVfsNet})
endif ()
"""
INIT = "entities:\n- name: demo.App\n  path: @INIT_App_PATH@\n"
POLICY = """execute: kl.core.Execute
use nk.base._
use EDL Einit
use EDL kl.core.Core
{% if BOARD == "RPI4_BCM2711" %}
use kl.drivers.Bcm2711MboxArmToVc._
{% endif %}
execute src = kl.core.Core, dst = Einit { grant () }
"""


@pytest.fixture(scope="module", autouse=True)
def have_cmake():
    if not shutil.which("cmake"):
        pytest.skip("cmake is missing: `make deps` installs it (tools/deps/host-deps.sh)")


def configure(tmp_path, *defines, extra='"MODE=x y"'):
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "CMakeLists.txt").write_text(PROJECT.replace("{extra}", extra))
    (src / "init.yaml.in").write_text(INIT)
    (src / "security.psl").write_text(POLICY)
    (src / "app.c").write_text("int main(void) { return 0; }\n")
    build = tmp_path / "build"
    res = subprocess.run(["cmake", "-S", str(src), "-B", str(build), f"-DCMAKE_TOOLCHAIN_FILE={TOOLCHAIN}",
                          *defines], capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, MAKEFLAGS=""))
    return res, build


def policy_classes(sol):
    res = subprocess.run(["/usr/bin/python3", "-m", "tools.psl", "--vars", str(sol / "solution.vars"),
                          "--list-classes", str(sol / "security.psl.in")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout.split()


def image_command(build, name):
    text = "".join(p.read_text() for p in build.rglob("build.make") if name in str(p.parent))
    assert "SOLUTION=sdk-%s" % name in text
    return text


def test_default_board_is_qemu_and_ginger_definitions_reach_the_templates(tmp_path):
    res, build = configure(tmp_path)
    assert res.returncode == 0, res.stderr
    sol = build / "kos-a64/kos-qemu-image/solution"
    lines = (sol / "solution.vars").read_text().splitlines()
    assert "BOARD=QEMU" in lines and "MODE=x y" in lines
    # the SDK programs of the image: entities for init.yaml.in, `use EDL` for the policy
    assert "INIT_EXTERNAL_ENTITIES_PSL=use EDL kl.VfsNet" in lines
    assert any(l.startswith("INIT_EXTERNAL_ENTITIES=- name: kl.VfsNet\\n  path: VfsFsnet") for l in lines)
    assert "kl.drivers.Bcm2711MboxArmToVc" not in policy_classes(sol)
    # the lint prints its warnings but does not fail an SDK image (KOS_A64_LINT_WERROR)
    assert "PSL_LINT=--lint --init %s/init.yaml.in" % sol in image_command(build, "kos-qemu-image")


def test_pi4_board_takes_the_hardware_branch(tmp_path):
    res, build = configure(tmp_path, "-DCMAKE_SYSTEM_BOARD=RPI4_BCM2711", "-DKOS_A64_LINT_WERROR=ON")
    assert res.returncode == 0, res.stderr
    sol = build / "kos-a64/kos-image/solution"
    assert "BOARD=RPI4_BCM2711" in (sol / "solution.vars").read_text().splitlines()
    assert not (build / "kos-a64/kos-qemu-image").exists()
    assert "kl.drivers.Bcm2711MboxArmToVc" in policy_classes(sol)
    assert "PSL_LINT" not in image_command(build, "kos-image")      # the Makefile's: -Werror


@pytest.mark.parametrize("defines,extra,message", [
    (["-DCMAKE_SYSTEM_BOARD=RADXA_ROCK_3A"], '"MODE=1"',
     "CMAKE_SYSTEM_BOARD=RADXA_ROCK_3A is not a board of KOS-A64 (boards: QEMU;RPI4_BCM2711"),
    ([], '"MODE"', "build_kos_qemu_image(kos-qemu-image): GINGER_DEFINITIONS `MODE` is not NAME=VALUE"),
])
def test_bad_board_or_definition_stops_the_configuration(tmp_path, defines, extra, message):
    res, _ = configure(tmp_path, *defines, extra=extra)
    assert res.returncode != 0
    assert message in " ".join(res.stderr.split()), res.stderr


def test_documentation_library_is_accepted_and_says_it_makes_nothing(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.12)\nproject(docs)\ninclude(platform)\n"
        "initialize_platform(FORCE_STATIC)\ninclude(platform/install)\ninclude(platform/doxygen)\n"
        "add_project_documentation_main_target()\n")
    res = subprocess.run(["cmake", "-S", str(src), "-B", str(tmp_path / "build"),
                          f"-DCMAKE_TOOLCHAIN_FILE={TOOLCHAIN}"], capture_output=True, text=True,
                         timeout=300, env=dict(os.environ, MAKEFLAGS=""))
    assert res.returncode == 0, res.stderr
    assert "add_project_documentation_main_target(): KOS-A64 makes no documentation target" in res.stdout
