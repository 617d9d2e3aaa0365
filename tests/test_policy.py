"""The security module on the console, under solutions/policy_checks/security.psl:
the Service Locator, a request with no binding and a denied *response*
(rcSecurityDisallow), malformed messages through the policy's layout check
(wrong RIID, MID, size, arena, handle count: rcInvalidArgument, the server never
sees them, the system keeps running), and security calls through the client's
security interface (event `security`: granted, denied by assert/deny, malformed)."""
import re

import pytest

import boards
from programs import assert_reported_ok

IMAGE = "build/virt-policy_checks/kernel.img"

CHECKS = [
    "token", "sl_connect", "sl_connect_unknown", "sl_connect_null", "sl_riid_component",
    "sl_riid_endpoint", "sl_riid_unknown", "sl_riid_bad_handle", "sl_riid_kernel",
    "sl_register_client_side",
    "add_granted", "add_result", "secret_small_granted", "secret_small_result",
    "response_denied", "response_denied_nothing_delivered", "after_denied_response",
    "after_denied_response_result", "request_no_binding", "name_granted", "name_result",
    "bad_riid", "bad_mid", "bad_mid_error_marker", "bad_size_long", "bad_size_short",
    "bad_arena_offset", "bad_arena_size", "bad_arena_empty_string", "bad_handle_count",
    "bad_kernel_riid", "bad_kernel_mid",
    "security_riid", "security_granted", "security_denied", "security_deny_rule",
    "security_assert_rule", "security_report_granted", "security_bad_mid", "security_bad_size",
    "security_handles", "security_raw_granted", "security_riid_to_server",
    "count_call", "server_saw_only_valid_requests",
]


@pytest.mark.qemu_only
@pytest.mark.boards("virt")
def test_policy_checks(boot):
    con = boot(kernel=boards.ROOT / IMAGE)
    con.expect(r"security: policy security.psl: 4 classes", timeout=60)
    con.expect(r"policy_client: done \((\d+) failures?\)", timeout=120)
    status = con.read_until_exit(timeout=30)
    text = con.text
    assert_reported_ok(text, CHECKS)
    assert status == 0

    def audit(event, src, dst, rest):
        pat = (r"audit: denied %s policy\.%s\(policy\.%s\) -> %s %s" %
               (event, src, src, re.escape(dst), rest))
        assert re.search(pat, text), pat

    server = "policy.Server(policy.Server)"
    kernel = "kl.core.Core(kernel)"
    # denied response (the server's Reply is refused too) and a request with no binding
    audit("response", "Server", "policy.Client(policy.Client)",
          r"main\.calc\.Secret: assert at security\.psl:\d+:\d+")
    assert re.search(r"Server: reply to mid 1 refused: rc -20", text)
    audit("request", "Client", server, r"admin\.Add: no_binding")
    # malformed: the policy's layout check, with its reason
    audit("request", "Client", server, r"main\.calc\.\?: malformed: no such method")
    audit("request", "Client", server, r"main\.calc\.Add: malformed: constant part size")
    audit("request", "Client", server, r"main\.calc\.Name: malformed: arena descriptor")
    audit("request", "Client", server, r"main\.calc\.Add: malformed: handle count")
    assert re.search(r"-> policy\.Server\(policy\.Server\): malformed: no such endpoint", text)
    # security calls
    audit("security", "Client", kernel, r"security\.Check: assert at security\.psl:\d+:\d+")
    audit("security", "Client", kernel, r"security\.Report: deny at security\.psl:\d+:\d+")
    audit("security", "Client", kernel, r"security\.Report: assert at security\.psl:\d+:\d+")
    audit("security", "Client", kernel, r"security\.\?: malformed: no such method")
    audit("security", "Client", kernel, r"security\.Check: malformed: constant part size")
    # a class without a security interface cannot ask
    audit("security", "Server", kernel, r"security\.\?: malformed: no such method")
    assert re.search(r"Server: security call without a security interface: rc -2", text)
    # granted security calls are not audited (audit level: denied only)
    assert not re.search(r"audit: granted", text)

    # the decision trace: a rule's denial names the rule and its binding (PSL
    # file:line:col from the tables' origins), a denial without one says so
    psl = (boards.ROOT / "solutions/policy_checks/security.psl").read_text().splitlines()

    def line_of(fragment):
        return next(i for i, ln in enumerate(psl, 1) if fragment in ln)
    rule = line_of("assert (message.value < 1000)")
    binding = line_of("response src=policy.Server dst=policy.Client endpoint=main.calc method=Secret {")
    assert re.search(r"main\.calc\.Secret: assert at security\.psl:%d:5 \(response binding at "
                     r"security\.psl:%d:1\)\n" % (rule, binding), text), (rule, binding)
    check = line_of("security src=policy.Client method=Check")
    assert "security.Check: assert at security.psl:%d:43 (security binding at security.psl:%d:1)" \
        % (check, check) in text
    denials = re.findall(r"audit: denied .*", text)
    assert denials
    for d in denials:
        assert re.search(r": (assert|deny) at security\.psl:\d+:\d+ \(\w+ binding at security\.psl:\d+:\d+\)$"
                         r"|: no_binding$|: malformed: .*$|: unknown_class$", d.rstrip("\r")), d
