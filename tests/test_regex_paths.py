"""solutions/regex_paths: the Regex model. regex.Client opens five paths through
VfsFsnet; the policy grants vfs.fs Open only for paths matching its pattern
`^/etc/pub/[a-z0-9_]+[.]txt$`. The kernel decides on its own copy of the path
(the one VfsFsnet receives): the matching path is opened and read, the four
others are refused with EACCES before VfsFsnet sees them, each with one audit
line naming the `assert` and its binding at security.psl:file:line. A request
to the kernel is decided by its contents too (on the copy the kernel's method
reads): the client may look up only the VFS channel by name. On virt and on
the Pi 4."""
import re

import pytest

import boards

KERNEL = {"virt": boards.ROOT / "build/virt-regex_paths/kernel.img",
          "rpi4": boards.ROOT / "build/rpi4-regex_paths/kernel8.img"}
AUDIT = (r"audit: denied request regex\.Client\(client\) -> VfsFsnet\(VfsFsnet\) vfs\.fs\.Open: "
         r"assert at security\.psl:44:25 \(request binding at security\.psl:43:1\)")
LOOKUP = (r"audit: denied request regex\.Client\(client\) -> kl\.core\.Core\(kernel\) channel\.Lookup: "
          r"assert at security\.psl:32:5 \(request binding at security\.psl:31:1\)")
REFUSED = ["/etc/private/key.txt", "/etc/pub/../private/key.txt", "/etc/pub/NOTES.txt",
           "/etc/pub/notes.txt.bak"]


@pytest.mark.each_board
def test_open_only_paths_matching_the_pattern(boot, board):
    con = boot(kernel=KERNEL[board])
    con.expect(r"security: Regex: 1 pattern\(s\), \d+ DFA states", timeout=60)
    con.expect(r"Einit: client exited with status 0")
    assert con.read_until_exit() == 0
    assert "client: open /etc/pub/notes.txt: granted (14 bytes)" in con.text
    for path in REFUSED:
        assert "client: open %s: refused (EACCES)" % path in con.text, path
    # one audit line per refusal, each naming the rule; nothing else denied (the
    # lookup of "{VFS}" the C library makes passes the same rule)
    assert len(re.findall(AUDIT, con.text)) == len(REFUSED)
    assert "client: lookup secret: refused (rcSecurityDisallow)" in con.text
    assert len(re.findall(LOOKUP, con.text)) == 1
    assert len(re.findall(r"audit: denied", con.text)) == len(REFUSED) + 1
    assert "client: all outcomes as the policy says" in con.text
