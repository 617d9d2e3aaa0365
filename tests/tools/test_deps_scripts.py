"""tools/deps: the private apt configuration takes the Debian archive's address
from the machine's own apt sources (no archive URL in the tree), and host-deps
knows every package the host-side tests compile against."""
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def mirror_for(tmp_path, files, extra_env=None):
    etc = tmp_path / "apt"
    (etc / "sources.list.d").mkdir(parents=True)
    for name, text in files.items():
        (etc / name).write_text(text)
    env = {"PATH": "/usr/bin:/bin", "APT_SOURCES_DIR": str(etc), **(extra_env or {})}
    r = subprocess.run(["bash", "-c", ". tools/deps/apt-private.sh; printf '%s' \"$DEBIAN_MIRROR\""],
                       cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return r.stdout


def codename():
    for line in Path("/etc/os-release").read_text().splitlines():
        if line.startswith("VERSION_CODENAME="):
            return line.split("=", 1)[1].strip('"') or "bookworm"
    return "bookworm"


def test_mirror_from_deb822_skips_security_and_disabled(tmp_path):
    c = codename()
    files = {"sources.list.d/debian.sources":
             f"Types: deb\nURIs: http://sec.example/debian-security\nSuites: {c}-security\n\n"
             f"Types: deb\nEnabled: no\nURIs: http://off.example/debian\nSuites: {c}\n\n"
             f"# a comment\nTypes: deb-src deb\nURIs: http://proxy.example:3142/debian/\n"
             f"Suites: {c} {c}-updates\nComponents: main\n",
             "sources.list.d/other.sources.disabled":
             f"Types: deb\nURIs: http://never.example/\nSuites: {c}\n"}
    assert mirror_for(tmp_path, files) == "http://proxy.example:3142/debian"


def test_mirror_from_one_line_sources_with_options(tmp_path):
    c = codename()
    files = {"sources.list": f"deb http://sec.example/x {c}-security main\n"
                             f"deb [arch=amd64 signed-by=/k.gpg] http://local.example/debian {c} main\n"}
    assert mirror_for(tmp_path, files) == "http://local.example/debian"


def test_debian_mirror_variable_overrides(tmp_path):
    files = {"sources.list": f"deb http://local.example/debian {codename()} main\n"}
    assert mirror_for(tmp_path, files, {"DEBIAN_MIRROR": "http://override.example/d"}) == \
        "http://override.example/d"


def test_no_debian_source_is_a_clear_error(tmp_path):
    etc = tmp_path / "apt"
    (etc / "sources.list.d").mkdir(parents=True)
    r = subprocess.run(["bash", "-c", ". tools/deps/apt-private.sh; papt_init " + str(tmp_path / "s") +
                        " amd64 'deb $DEBIAN_MIRROR bookworm main'"],
                       cwd=ROOT, env={"PATH": "/usr/bin:/bin", "APT_SOURCES_DIR": str(etc)},
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert "no Debian archive found" in r.stderr and "DEBIAN_MIRROR" in r.stderr


def test_no_archive_url_written_in_build_scripts():
    url = re.compile(r"https?://[a-z0-9.-]+\.(org|com|net)/")
    paths = [*(ROOT / "tools/deps").iterdir(), ROOT / ".ci/run", ROOT / "Makefile",
             ROOT / "tools/fresh-check.sh"]
    hits = [f"{p.relative_to(ROOT)}:{n}" for p in paths if p.is_file()
            for n, line in enumerate(p.read_text().splitlines(), 1) if url.search(line)]
    assert hits == []


def test_host_deps_lists_c_library_headers_and_sanitizer_runtimes():
    text = (ROOT / "tools/deps/host-deps.sh").read_text()
    for entry in ("libc6-dev:/usr/include/stdio.h", "libasan8:lib:libasan.so.8",
                  "libubsan1:lib:libubsan.so.1"):
        assert entry in text
    r = subprocess.run(["sh", "tools/deps/host-deps.sh", "--check"], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
