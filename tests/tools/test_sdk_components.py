"""The KasperskyOS SDK's system programs that KOS-A64 does not have (tools/einit/sdk.py
ABSENT; docs/SDK.md, "Program classes"): real solutions name them in their policy
(`use EDL kl.drivers.SDCard`, `use kl.VfsSdCardFs._`, `security src=kl.drivers.SDCard,
method = Register`) and init.yaml. Their policy compiles here (rules that select their
endpoints or methods get a positioned note and never apply); an init.yaml that starts
one is refused at the entity's line."""
import pathlib
import subprocess

import pytest

from tools.einit import sdk

ROOT = pathlib.Path(__file__).resolve().parents[2]
SYSROOT = ROOT / "tools/sysroot"
IDL = ROOT / "tests/tools/data/psl/idl"
PYTHON = "/usr/bin/python3"


def psl(tmp_path, text, *extra, name="security.psl"):
    f = tmp_path / name
    f.write_text(text)
    return subprocess.run([PYTHON, "-m", "tools.psl", "-I", str(IDL), *extra, str(f)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def einit(tmp_path, text, *extra):
    f = tmp_path / "init.yaml"
    f.write_text(text)
    return subprocess.run([PYTHON, "-m", "tools.einit", *extra, "-o", str(tmp_path / "t.c"), str(f)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("cls", sorted(sdk.ABSENT))
def test_each_absent_class_has_a_header_edl_and_a_fragment(tmp_path, cls):
    rel = pathlib.Path(*cls.split("."))
    edl = (SYSROOT / rel).with_suffix(".edl").read_text()
    assert edl.endswith("\ntask class %s\n" % cls) and "{" not in edl     # a header only
    res = psl(tmp_path, "execute: kl.core.Execute\nuse %s._\nuse EDL %s\n" % (cls, cls),
              "--lint", "-Werror", "--list-classes")
    assert res.returncode == 0, res.stderr
    assert cls in res.stdout.split()


# The forms of a hackathon solution's policy (default bindings before `execute:`,
# `use EDL` of SDK drivers, a security binding of a driver) and of an SDK example's
# (the SDK's fragments, `{% if BOARD %}` around `use` lines, nested `match`).
REAL_FORMS = """execute {
    grant ()
}
request {
    grant ()
}
security {
    grant ()
}
execute: kl.core.Execute
use nk.base._
use EDL Einit
use EDL kl.core.Core
use EDL kl.drivers.RAMDisk
use EDL kl.VfsSdCardFs
use EDL demo.Door
use EDL demo.Panel
{% if BOARD == "RPI4_BCM2711" %}
use kl.drivers.Bcm2711MboxArmToVc._
{% endif %}
use kl.drivers.SDCard._
use kl.core.DCM._
request src = kl.drivers.SDCard, dst = kl.core.Core
{
    grant()
}
security src = kl.drivers.SDCard, method = Register
{
    grant ()
}
request {
    match dst = kl.core.DCM { match src = demo.Panel { grant () } }
}
request dst = kl.VfsSdCardFs endpoint = vfs method = Open { deny () }
request dst = demo.Door endpoint = ctl method = Open {
    match src = demo.Panel { deny ( (message.code) > 1) }
}
response { grant () }
error { grant () }
assert "forms" {
    sequence "defaults and the Door rule" {
        grant request src=demo.Panel dst=demo.Door endpoint=ctl method=Open { code : 1, delta : 0 }
        deny request src=demo.Panel dst=demo.Door endpoint=ctl method=Open { code : 2, delta : 0 }
        grant request src=demo.Panel dst=demo.Door endpoint=ctl method=Close {}
        grant security src=demo.Panel method=Check { level : 9 }
        grant execute src=Einit dst=kl.drivers.SDCard
    }
}
"""


def test_real_policy_forms_compile_and_behave(tmp_path):
    res = psl(tmp_path, REAL_FORMS, "-Werror", "-D", "BOARD=RPI4_BCM2711", "-o", str(tmp_path / "p.c"))
    assert res.returncode == 0, res.stderr
    f = tmp_path / "security.psl"
    # each selector of an endpoint or method of a class without a program: a note at it
    note = ("%s:%d:%d: note: `%s`: class `%s` is a KasperskyOS SDK program that KOS-A64 does not "
            "have (%s; docs/SDK.md): its %ss are not known here, and this rule never applies")
    assert res.stderr.splitlines() == [
        note % (f, 34, 41, "endpoint=vfs", "kl.VfsSdCardFs", sdk.ABSENT["kl.VfsSdCardFs"], "endpoint"),
        note % (f, 34, 54, "method=Open", "kl.VfsSdCardFs", sdk.ABSENT["kl.VfsSdCardFs"], "method"),
        note % (f, 27, 44, "method=Register", "kl.drivers.SDCard", sdk.ABSENT["kl.drivers.SDCard"],
                "method"),
    ]
    assert "Bcm2711MboxArmToVc" in (tmp_path / "p.c").read_text()
    res = psl(tmp_path, REAL_FORMS, "--test", "-D", "BOARD=RPI4_BCM2711")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "PAL: 1 tests, 5 cases, all passed" in res.stdout


def test_names_of_present_classes_are_still_checked(tmp_path):
    head = "execute: kl.core.Execute\nuse EDL demo.Panel\nuse EDL demo.Door\nuse kl.drivers.SDCard._\n"
    res = psl(tmp_path, head + "security src=demo.Panel method=Register { grant () }\n")
    assert res.returncode == 1
    assert res.stderr.strip().endswith(":5:32: error: no security method `Register` in class `demo.Panel`")
    # no src: every class is a candidate, the name must exist in one of them
    res = psl(tmp_path, head + "security method=Register { grant () }\n")
    assert res.returncode == 1 and "no security method `Register`" in res.stderr
    # a present and an absent class together: checked against the present one
    res = psl(tmp_path, head + "request dst=demo.Door { match dst=kl.drivers.SDCard { grant () } }\n"
              "request dst=demo.Door method=Nope { grant () }\n")
    assert res.returncode == 1 and ":6:30: error: no method `Nope` in demo.Door.ctl" in res.stderr


def test_a_project_edl_of_an_sdk_class_is_checked(tmp_path):
    # the project ships its own kl/drivers/SDCard.edl: that one is used, names are checked
    (tmp_path / "kl/drivers").mkdir(parents=True)
    (tmp_path / "kl/drivers/SDCard.edl").write_text("task class kl.drivers.SDCard\nsecurity demo.ISecurity\n")
    text = "execute: kl.core.Execute\nuse EDL kl.drivers.SDCard\n"
    res = psl(tmp_path, text + "security src=kl.drivers.SDCard method=Check { grant () }\n",
              "-I", str(tmp_path), "-Werror")
    assert res.returncode == 0 and res.stderr == "", res.stderr
    res = psl(tmp_path, text + "security src=kl.drivers.SDCard method=Register { grant () }\n",
              "-I", str(tmp_path))
    assert res.returncode == 1 and "no security method `Register`" in res.stderr


def test_lint_says_nothing_of_sdk_classes_that_do_not_start_here(tmp_path):
    (tmp_path / "init.yaml").write_text("entities:\n- name: demo.Panel\n")
    text = ("execute: kl.core.Execute\nuse EDL Einit\nuse EDL kl.core.Core\nuse EDL demo.Panel\n"
            "use EDL demo.Door\nuse kl.core.DCM._\nuse kl.EntropyEntity._\n"
            "execute { match src = kl.core.Core { match dst = Einit { grant () } }\n"
            "          match src = Einit { match dst = demo.Panel { grant () }\n"
            "                              match dst = kl.core.DCM { grant () }\n"
            "                              match dst = demo.Door { grant () } } }\n"
            "request { match dst = kl.core.DCM { match src = kl.EntropyEntity { grant () } } }\n"
            "request src = kl.EntropyEntity dst = demo.Door { grant () }\n")
    res = psl(tmp_path, text, "--lint", "--init", str(tmp_path / "init.yaml"))
    # only the present class that init.yaml does not start is reported
    assert res.stderr.splitlines() == [
        "%s:8:1: warning: execute grant of a class that is never started: Einit may start "
        "`demo.Door`, but %s never starts it" % (tmp_path / "security.psl", tmp_path / "init.yaml")]


def test_einit_refuses_to_start_an_sdk_program_that_is_not_here(tmp_path):
    text = ("entities:\n- name: demo.Client\n  path: Client\n  connections:\n"
            "  - target: kl.VfsSdCardFs\n    id: kl.VfsSdCardFs\n- name: kl.VfsSdCardFs\n")
    res = einit(tmp_path, text, "--programs", "Client,VfsFsnet")
    assert res.returncode == 1
    assert res.stderr.strip() == (
        "%s:7:9: error: no task can start with class `kl.VfsSdCardFs`: its KasperskyOS SDK "
        "program is not part of KOS-A64 (%s; docs/SDK.md, \"Program classes\")"
        % (tmp_path / "init.yaml", sdk.ABSENT["kl.VfsSdCardFs"]))
    # a solution that brings its own program for the class may start it
    res = einit(tmp_path, text, "--programs", "Client,VfsSdCardFs")
    assert res.returncode == 0, res.stderr
    # and the classes can be listed without the image's programs
    res = subprocess.run([PYTHON, "-m", "tools.einit", "--list-classes", str(tmp_path / "init.yaml")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and res.stdout.split() == ["demo.Client", "kl.VfsSdCardFs"]


def test_a_connection_to_an_sdk_program_that_is_not_here_says_so(tmp_path):
    # the SDK adds its drivers with @INIT_EXTERNAL_ENTITIES@; here there are none
    text = ("entities:\n- name: server.Server\n  path: Client\n  connections:\n"
            "  - target: kl.drivers.GPIO\n    id: kl.drivers.GPIO\n")
    res = einit(tmp_path, text)
    assert res.returncode == 1
    assert res.stderr.strip() == (
        "%s:5:13: error: connection target `kl.drivers.GPIO` is a KasperskyOS SDK program that is "
        "not part of KOS-A64 (%s; docs/SDK.md, \"Program classes\")"
        % (tmp_path / "init.yaml", sdk.ABSENT["kl.drivers.GPIO"]))


def test_external_entities_marker_declares_the_sdk_programs_in_a_policy(tmp_path):
    # a real security.psl.in carries @INIT_EXTERNAL_ENTITIES@ where the SDK declares the
    # classes of its programs in the image; SDK mode writes the init.yaml entities and the
    # policy's `use EDL` lines to one variables file (cmake/Modules/platform/image.cmake)
    (tmp_path / "solution.vars").write_text(
        "INIT_EXTERNAL_ENTITIES=- name: kl.VfsNet\\n  path: VfsFsnet\n"
        "INIT_EXTERNAL_ENTITIES_PSL=use EDL kl.VfsNet\n")
    text = ("execute: kl.core.Execute\nuse nk.base._\nuse EDL Einit\nuse EDL kl.core.Core\n"
            "use EDL demo.Panel\n\n@INIT_EXTERNAL_ENTITIES@\n\nexecute { grant () }\n"
            "request src=demo.Panel dst=kl.VfsNet { grant () }\n")
    res = psl(tmp_path, text, "-I", str(ROOT / "userland/idl/vfs"), "--vars",
              str(tmp_path / "solution.vars"), "-Werror", "--list-classes", name="security.psl.in")
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["kl.core.Core", "Einit", "demo.Panel", "kl.VfsNet"]
    # init.yaml.in gets the entities from the same file
    (tmp_path / "init.yaml.in").write_text("entities:\n- name: demo.Panel\n  path: Client\n"
                                          "@INIT_EXTERNAL_ENTITIES@\n")
    res = subprocess.run([PYTHON, "-m", "tools.einit", "--vars", str(tmp_path / "solution.vars"),
                          "--json", str(tmp_path / "init.yaml.in")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert '"program": "VfsFsnet"' in res.stdout and '"class": "kl.VfsNet"' in res.stdout


def test_a_connection_to_a_vfs_class_without_its_entity_says_how_to_add_it(tmp_path):
    text = ("entities:\n- name: demo.Client\n  path: Client\n  connections:\n"
            "  - target: kl.VfsRamFs\n    id: kl.VfsRamFs\n")
    res = einit(tmp_path, text)
    assert res.returncode == 1
    assert res.stderr.strip() == (
        "%s:5:13: error: connection target `kl.VfsRamFs` is not a task of this solution (tasks: "
        "demo.Client); add an entity `- name: kl.VfsRamFs`, or in SDK mode put its program in "
        "IMAGE_FILES and @INIT_EXTERNAL_ENTITIES@ in init.yaml.in (docs/SDK.md)" % (tmp_path / "init.yaml"))
