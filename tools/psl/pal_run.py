"""Runs a policy's PAL tests on the host (docs/POLICY.md, "Policy tests").

    python3 -m tools.psl --test [-I DIR]... [-D NAME=VALUE]... security.psl[.in]

The policy is compiled as for the kernel (tools/psl -> policy.c), linked with the
kernel's own engine (kernel/security/*.c) and tests/host/pal_runner.c into a host
program built with ASan/UBSan (cached under build/host/pal/), and every test case
of every `assert` set is asked of it. One runner process per test: the module's
state starts fresh for each test. A failing case prints the test, the step and
the rule or binding that decided, as `file:line:col: error: ...`; exit status 1.
"""

import hashlib
import os
import re
import pathlib
import subprocess
import sys
import tempfile

from tools.psl.cgen import generate
from tools.psl.compiler import Compiler, Source
from tools.psl.errors import PslError, Pos
from tools.psl.pal import build_tests

ROOT = pathlib.Path(__file__).resolve().parents[2]
RUNNER_C = ROOT / "tests/host/pal_runner.c"
RUNNER_H = ROOT / "tests/host/sec_query.h"
HOST_CC = os.environ.get("HOST_CC", "gcc")
HOST_CFLAGS = ["-std=c11", "-g", "-O1", "-Wall", "-Wextra", "-Werror",
               "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
               "-I", str(ROOT / "kernel"), "-I", str(ROOT / "kernel/include")]
EVENTS = ("execute", "request", "response", "error", "security")


def load(path, include_dirs=(), defines=None, warn=None, counters=False):
    """Compile the policy: (Compiler, items, Tables). Errors raise PslError."""
    comp = Compiler(include_dirs, defines, warn, counters)
    src = Source(include_dirs, defines or {}, comp.warn)
    items = src.read(str(path))
    tables = comp.compile(items, os.path.basename(str(path)))
    tables.warnings = comp.warnings
    return comp, items, tables


def build_runner(policy_c_text, cache=None):
    """The host runner for these tables (compiled once per distinct input)."""
    engine = sorted((ROOT / "kernel/security").glob("*.c"))
    h = hashlib.sha256(policy_c_text.encode())
    for f in engine + sorted((ROOT / "kernel/security").glob("*.h")) + [RUNNER_C, RUNNER_H]:
        h.update(f.name.encode() + f.read_bytes())
    h.update(" ".join(HOST_CFLAGS).encode())
    cache = pathlib.Path(cache or ROOT / "build/host/pal")
    exe = cache / ("runner-" + h.hexdigest()[:16])
    if exe.exists():
        return exe
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        pc = pathlib.Path(tmp) / "policy.c"
        pc.write_text(policy_c_text)
        out = pathlib.Path(tmp) / "runner"
        res = subprocess.run([HOST_CC, *HOST_CFLAGS, "-o", str(out), str(RUNNER_C),
                              *map(str, engine), str(pc)], capture_output=True, text=True)
        if res.returncode != 0:
            raise PslError(None, "cannot build the PAL runner: %s" % res.stderr.strip()[:2000])
        os.replace(out, exe)
    return exe


def step_rules(comp, items, step):
    """[(rule, binding)] the compiler runs for this step, or None (no binding)."""
    bindings = [it for it in items if it.kind == "binding" and it.event == step.event]
    if step.event == "execute":
        slots, iface = [(None, None)], None
    elif step.event == "security":
        slots = [step.slot]
        iface = step.src.tc.security.name if step.src.tc.security else None
    else:
        slots, iface = [step.slot], None
    return comp.collect(bindings, step.src, step.dst, slots, iface)[0]


def deciders(comp, items, step):
    """The bindings whose rules ran for this step (PSL positions), as text."""
    rules = step_rules(comp, items, step)
    if not rules:
        return "no binding"
    seen = []
    for _, b in rules:
        w = "%s binding at %s" % (b.event, comp.where(b.pos))
        if w not in seen:
            seen.append(w)
    return "; ".join(seen)


def rule_label(comp, rule):
    """What a rule's reason says before " at ": assert, deny, door.enter, choice."""
    return rule.rule if rule.kind in ("rule", "choice") else "%s.%s" % (rule.obj, rule.method)


def count(comp, items, step, answer, cov):
    """Coverage of one decision: every rule that ran, granted or denied (a denial
    names its rule: the ones before it granted, the ones after it did not run)."""
    rules = step_rules(comp, items, step) or []
    denied_at = None
    if answer != "granted":
        parts = answer.split(" ", 2)
        text = parts[2].split(" | ")[0] if len(parts) > 2 else ""
        denied_at = text.split(":")[0:3] if " at " in text else None
        if parts[1] != "denied_by_rule":
            rules = []                          # no binding, malformed: no rule decided
    for rule, b in rules:
        key = (id(rule))
        entry = cov.setdefault(key, [rule, b, 0, 0])
        label = "%s at %s" % (rule_label(comp, rule), comp.where(rule.pos))
        if denied_at is not None and text.startswith(label):
            entry[3] += 1
            break
        entry[2] += 1


CONSOLE_LINE = re.compile(r"^seccov (\d+) (\d+) (\d+)\s*$", re.M)
REASON_POS = re.compile(r"(?:^cover | at )(\S+:\d+:\d+)")


def console_counts(tables, log_text):
    """The counters a coverage kernel dumped at power-off (`seccov <k> <granted>
    <denied>`, k an index into reasons[] of the same policy compiled with
    counters), summed per PSL position: {"security.psl:30:5": [granted, denied,
    reason]}. A position that is no rule (an overflow, an element out of range)
    keeps its reason text for the report."""
    counts = {}
    for m in CONSOLE_LINE.finditer(log_text):
        k, g, d = (int(x) for x in m.groups())
        if k >= len(tables.reasons):
            raise PslError(Pos("<console>"), "the console's coverage counters are of another "
                                             "policy (reason %d of %d)" % (k, len(tables.reasons)))
        text = tables.reasons[k]
        p = REASON_POS.search(text)
        key = p.group(1) if p else text
        c = counts.setdefault(key, [0, 0, text])
        c[0] += g
        c[1] += d
    return counts


def coverage_report(comp, items, cov, out, console=None):
    """Every binding and rule of the policy with its PAL counts (and, with
    `console`, the counts of a console run of a coverage kernel), in file order."""
    lines = []
    used = set()

    def con(key):
        if console is None:
            return ""
        g, d, _ = console.get(key, (0, 0, None))
        used.add(key)
        return "; console: %d granted, %d denied" % (g, d)

    def walk(body, b, totals):
        for st in body:
            if st.kind in ("rule", "model_rule", "choice"):
                g, d = cov.get(id(st), [None, None, 0, 0])[2:]
                key = comp.where(st.pos)
                cg, cd, _ = (console or {}).get(key, (0, 0, None))
                totals[0] += cg + cd
                never = not (g or d or cg or cd)
                lines.append((st.pos, "%s: %s: %d granted, %d denied%s%s" % (
                    key, rule_label(comp, st), g, d, con(key), "  <- never ran" if never else "")))
            if st.kind == "match":
                walk(st.body, b, totals)
    for it in items:
        if it.kind != "binding":
            continue
        n = sum(c[2] + c[3] for c in cov.values() if c[1] is it)
        totals = [0]
        mark = len(lines)
        walk(it.body, it, totals)
        extra = "; console: %d rule outcomes" % totals[0] if console is not None else ""
        lines.insert(mark, (it.pos, "%s: %s binding: %d decisions%s%s" % (
            comp.where(it.pos), it.event, n, extra, "" if n or totals[0] else "  <- never exercised")))
    for _, text in sorted(lines, key=lambda x: (str(x[0].file), x[0].line, x[0].col)):
        print(text, file=out)
    for key, (g, d, text) in sorted((console or {}).items()):
        if key not in used:
            print("%s: console: %d granted, %d denied (%s)" % (key, g, d, text), file=out)


def run(path, include_dirs=(), defines=None, out=sys.stdout, cache=None, err=sys.stderr,
        coverage=False, console_log=None):
    """Run every PAL test of the policy; returns the exit status (0 all passed).
    Results and failing cases go to out; a broken policy or test (PslError) to err.
    console_log: the console of a coverage kernel (counters), merged into the report."""
    console = None
    try:
        comp, items, tables = load(path, include_dirs, defines, warn=lambda w: None,
                                   counters=console_log is not None)
        tests = build_tests(comp, items)
        if console_log is not None:
            try:
                log = pathlib.Path(console_log).read_text(errors="replace")
            except OSError as e:
                raise PslError(Pos(console_log), e.strerror)
            if "security: coverage counters" not in log:
                raise PslError(Pos(console_log), "no coverage counters in this console log (boot a "
                                                 "kernel built with POLICY_COUNTERS=1)")
            console = console_counts(tables, log)
    except PslError as e:
        print(str(e), file=err)
        return 1
    name = os.path.basename(str(path))
    if not tests:
        print("%s: PAL: no policy tests" % name, file=out)
        return 0
    try:
        exe = build_runner(generate(tables), cache)
    except PslError as e:
        print("%s: error: %s" % (name, e.msg), file=err)
        return 1
    failed = ncases = 0
    cov = {}
    for t in tests:
        if not t.steps:
            continue
        query = "".join(s.line() + "\n" for s in t.steps)
        res = subprocess.run([str(exe)], input=query, capture_output=True, text=True, timeout=120)
        answers = res.stdout.splitlines()
        if res.returncode != 0 or len(answers) != len(t.steps):
            print("%s: error: PAL test %s: the runner failed (status %d): %s"
                  % (t.pos, t.title, res.returncode, (res.stdout + res.stderr).strip()[-2000:]), file=out)
            failed += 1
            continue
        for i, (s, a) in enumerate(zip(t.steps, answers), 1):
            ncases += 1
            if coverage:
                count(comp, items, s, a, cov)
            got = "grant" if a == "granted" else "deny"
            if s.expect == "any" or s.expect == got:
                continue
            if got == "grant":
                why = "granted by %s" % deciders(comp, items, s)
            else:
                _, code, text = a.split(" ", 2)
                why = "denied: %s" % text.replace(" | ", " (") + (")" if " | " in text else "")
                if code == "no_binding":
                    why = "denied: no binding"
            label = ' "%s"' % s.case.label if s.case.label else ""
            print("%s: error: PAL test %s, step %d%s (%s): expected %s, %s"
                  % (s.case.pos, t.title, i, label, s.where, s.expect, why), file=out)
            failed += 1
            break                                   # the rest of the test depends on this step
    if coverage:
        coverage_report(comp, items, cov, out, console)
    print("%s: PAL: %d tests, %d cases, %s" % (name, len(tests), ncases,
                                              "%d failed" % failed if failed else "all passed"), file=out)
    return 1 if failed else 0
