"""Policy bypass attempts on the console (solutions/policy_bypass, docs/POLICY.md#bypass-attempts).

bypass.Attacker tries, as a hostile program would, to reach what its class is
not granted: forged badges, a closed channel, wrong riid/mid and the kernel's
message markers, objects posing as channels, other tasks' channel names,
classes it may not start (the kernel's own among them), kernel endpoints the
policy denies, and the Client's channel handed over to it (decided by the
Attacker's class, not the Client's). bypass.Child (started by the Attacker,
not in init.yaml) is judged by its own class. Each attempt must fail with its
Retcode (the programs' CHECK lines) and, when the security module decided, be
audited (the lines below); the legitimate Client works before and after."""
import re

import pytest

import boards
from programs import assert_reported_ok

IMAGE = "build/virt-policy_bypass/kernel.img"

ATTACKER_CHECKS = [
    "channels_found", "own_badges", "forged_badges_overwritten",
    # wrong riid/mid, the kernel's markers, layout
    "admin_riid_denied", "store_put_denied", "unknown_riid", "unknown_mid",
    "forged_disconnect_notice", "forged_notice_riid0", "forged_error_marker",
    "granted_method_wrong_size", "granted_method_extra_handle", "get_response_denied",
    # objects and handles
    "user_object_is_no_channel", "invented_handle_value", "listener_is_no_client_end",
    "kernel_handle_not_transferable", "listener_not_transferable", "listener_not_copyable",
    # Service Locator
    "sl_others_channel", "lookup_others_channel", "sl_servers_listener",
    "lookup_servers_listener", "lookup_einit_name",
    # kernel endpoints
    "channel_create_denied", "map_mmio_denied", "attach_irq_denied", "alloc_dma_denied",
    "power_off_denied", "uptime_denied", "get_info_granted", "security_call_without_interface",
    # execute
    "start_server_class_denied", "start_client_class_denied", "start_einit_class_denied",
    "start_kernel_class_denied", "start_unknown_class_denied", "start_own_class_denied",
    "task_name_with_newline_refused", "class_name_with_newline_refused",
    "task_name_with_space_refused", "start_child_granted", "child_checks_pass",
    # a closed channel
    "close_own_channel", "closed_channel_handle_dead", "closed_channel_not_found_again",
    "closed_badge_not_reusable",
    # the Client's channel, passed on
    "passed_on_whoami_granted", "passed_on_put_denied", "passed_on_admin_denied",
    "passed_on_get_response_denied", "passed_on_get_nothing_delivered", "passed_on_not_copyable",
    "passed_on_not_transferable", "passed_on_not_revocable", "passed_on_copy_closed",
]
CHILD_CHECKS = ["child_task_create_denied", "child_channel_lookup_denied", "child_get_info_denied"]
CLIENT_CHECKS = [
    "client_channels_found", "client_put", "client_whoami", "give_answered",
    "attacker_used_our_channel", "attacker_checks_pass", "reply_badge_cleared",
    "client_whoami_after", "client_same_channel", "client_get_after", "client_value_intact",
    "client_stats", "one_channel_closed", "no_request_on_closed_channel", "client_admin_granted",
    "client_get_wiped", "client_value_wiped", "client_kernel_still_answers",
]

ATTACKER = r"bypass\.Attacker\(attacker\)"
CHILD = r"bypass\.Child\(child\)"
SERVER = r"bypass\.Server\(server\)"
KERNEL = r"kl\.core\.Core\(kernel\)"

# (source, destination, rest of the line), as "audit: denied <event> src -> dst rest", and
# how many times each must appear
AUDITS = [
    ("request", ATTACKER, SERVER, r" admin\.Wipe: no_binding", 2),       # own + passed-on channel
    ("request", ATTACKER, SERVER, r" store\.Put: no_binding", 2),
    ("request", ATTACKER, SERVER, r": malformed: no such endpoint", 1),
    ("request", ATTACKER, SERVER, r" store\.\?: malformed: no such method", 4),  # 42, 2 notices, error
    ("request", ATTACKER, SERVER, r" store\.Whoami: malformed: constant part size", 1),
    ("request", ATTACKER, SERVER, r" store\.Whoami: malformed: handle count", 1),
    ("response", SERVER, ATTACKER, r" store\.Get: no_binding", 2),       # decided by the receiver
    ("request", ATTACKER, KERNEL, r" channel\.Create: no_binding", 1),
    ("request", ATTACKER, KERNEL, r" io\.MapMmio: no_binding", 1),
    ("request", ATTACKER, KERNEL, r" io\.AttachIrq: no_binding", 1),
    ("request", ATTACKER, KERNEL, r" io\.AllocDma: no_binding", 1),
    ("request", ATTACKER, KERNEL, r" sys\.PowerOff: no_binding", 1),
    ("request", ATTACKER, KERNEL, r" sys\.GetUpTime: no_binding", 1),
    ("security", ATTACKER, KERNEL, r" security\.\?: malformed: no such method", 1),
    ("execute", ATTACKER, r"bypass\.Server\(-\)", r": no_binding", 1),
    ("execute", ATTACKER, r"bypass\.Client\(-\)", r": no_binding", 1),
    ("execute", ATTACKER, r"Einit\(-\)", r": no_binding", 1),
    ("execute", ATTACKER, r"bypass\.Attacker\(-\)", r": no_binding", 1),
    ("execute", ATTACKER, r"kl\.core\.Core\(-\)", r": unknown_class", 1),   # granted by the policy
    ("execute", ATTACKER, r"bypass\.Nobody\(-\)", r": unknown_class", 1),
    ("request", CHILD, KERNEL, r" task\.Create: no_binding", 1),
    ("request", CHILD, KERNEL, r" channel\.Lookup: no_binding", 1),
    ("request", CHILD, KERNEL, r" sys\.GetInfo: no_binding", 1),
]


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
def test_policy_bypass_attempts_denied_and_audited(boot):
    con = boot(kernel=boards.ROOT / IMAGE)
    con.expect(r"security: policy security\.psl: 6 classes, audit denied", timeout=60)
    con.expect(r"bypass_client: done \((\d+) failures?\)", timeout=120)
    status = con.read_until_exit(timeout=30)
    text = con.text

    assert_reported_ok(text, ATTACKER_CHECKS + CHILD_CHECKS + CLIENT_CHECKS)
    for program in ("bypass_attacker", "bypass_child", "bypass_client"):
        assert re.search(r"^%s: done \(0 failures\)" % program, text, re.M), program
    assert status == 0                          # Einit ends with the Client's status

    for event, src, dst, rest, count in AUDITS:
        pat = r"^audit: denied %s %s -> %s%s\r?$" % (event, src, dst, rest)
        found = len(re.findall(pat, text, re.M))
        assert found == count, (pat, found, count)
    # nothing else was denied, and nothing forged an audit line (names are checked)
    denied = re.findall(r"^audit: denied .*$", text, re.M)
    assert len(denied) == sum(a[4] for a in AUDITS), denied
    assert not re.search(r"audit: granted", text)
    # the denied responses were refused at the Server's Reply too (riid 0 store, mid 1 Get)
    assert len(re.findall(r"^Server: reply to 0\.1 refused: rc -20\r?$", text, re.M)) == 2
    # the Attacker's closed channel got one notice, and no request came on it afterwards
    assert not re.search(r"request on the closed channel", text)
    assert len(re.findall(r"^Server: channel \d+ closed\r?$", text, re.M)) >= 1
