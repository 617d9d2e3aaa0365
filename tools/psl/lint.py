"""The policy lint (docs/POLICY.md, "Lint"): warnings with file:line:col about

  - bindings, `match` blocks and rules that can never match: no class pair,
    endpoint or method of the EDL/IDL fits their selectors together;
  - execute grants of classes that init.yaml never starts (by Einit, or
    anything but Einit by the kernel);
  - a request `grant ()` that opens every method of a server to a client
    (no endpoint/method selector and nothing else restricts the pair);
  - rules shadowed by an earlier unconditional `deny ()` on every event they
    see, and `grant ()` rules that repeat an earlier one with the same selectors;
  - policy objects that no rule initialises (`init`; Mic: `execute` or `create`).

Rules about the SDK classes whose program is not here (tools/einit/sdk.py ABSENT) are
left out of the first three: their emptiness is this system's, not the policy's.

lint(comp, items, init_yaml, defines) -> [warning lines]; comp compiled items already.
"""

import yaml

from tools import template

from tools.psl.errors import PslError, Pos

CORE = "kl.core.Core"
EINIT = "Einit"
NARROW_KEYS = ("endpoint", "component", "interface", "method")


def walk_rules(body, path, out):
    """(rule, selectors on its path, enclosing match nodes) for every rule."""
    for st in body:
        if st.kind in ("rule", "model_rule"):
            out.append((st, path[0], path[1]))
        elif st.kind == "match":
            walk_rules(st.body, (path[0] + list(st.sels), path[1] + [st]), out)
        elif st.kind == "choice":           # decides as one rule (compiler.collect)
            out.append((st, path[0], path[1]))


def decisions(comp, bindings):
    """Every event the module can decide: (event, src, dst, slot, rules or None)."""
    cls = comp.t.classes
    for src in cls:
        for dst in cls:
            yield "execute", src, dst, None, comp.collect(bindings["execute"], src, dst, [(None, None)])[0]
    for event in ("request", "response", "error"):
        for src in cls:
            for dst in cls:
                server = dst if event == "request" else src
                rules = comp.collect(bindings[event], src, dst, server.slots)
                for slot, rl in zip(server.slots, rules):
                    yield event, src, dst, slot, rl
    for src in cls:
        slots = [(None, m) for m in src.security]
        iface = src.tc.security.name if src.tc.security else None
        for slot, rl in zip(slots, comp.collect(bindings["security"], src, None, slots, iface)):
            yield "security", src, None, slot, rl


def init_classes(path, defines=None):
    """Class names of the entities init.yaml starts (plain or .in: expanded with the
    template variables tools/einit gets, tools/template.py)."""
    try:
        with open(path, "rb") as f:
            text, _ = template.expand(f.read().decode("utf-8"), defines or {}, path)
        doc = yaml.safe_load(text)
    except OSError as e:
        raise PslError(Pos(path), "cannot read: %s" % e.strerror) from None
    except template.TemplateError as e:
        raise PslError(Pos(path, e.line, e.col), e.msg) from None
    except (yaml.YAMLError, UnicodeError) as e:
        mark = getattr(e, "problem_mark", None)
        raise PslError(Pos(path, mark.line + 1 if mark else 0, mark.column + 1 if mark else 0),
                       "not a readable init.yaml: %s" % getattr(e, "problem", e)) from None
    ents = doc.get("entities") if isinstance(doc, dict) else None
    if isinstance(doc, dict) and "entities" in doc and ents is None:
        ents = []                                   # `entities:` left empty (tools/einit too)
    if not isinstance(ents, list):
        raise PslError(Pos(path, 1, 1), "init.yaml has no `entities:` list")
    return {e["name"] for e in ents if isinstance(e, dict) and isinstance(e.get("name"), str)}


def absent_named(comp, sels):
    """True when a src=/dst= selector names an SDK class whose program is not here
    (tools/einit/sdk.py): its EDL is a header without endpoints, so a rule on its
    endpoints never matching says nothing about the policy, and no task of it starts."""
    for x in sels:
        if x.key in ("src", "dst"):
            c = comp.by_name(x.value)
            if c is not None and comp.absent(c):
                return True
    return False


def lint(comp, items, init_yaml=None, defines=None):
    warns = []

    def warn(pos, msg):
        warns.append(((str(pos.file), pos.line, pos.col), "%s: warning: %s" % (pos, msg)))

    bindings = {e: [] for e in ("execute", "request", "response", "error", "security")}
    for it in items:
        if it.kind == "binding":
            bindings[it.event].append(it)
    info = {}                                  # id(rule) -> (rule, binding, path sels, matches)
    for bs in bindings.values():
        for b in bs:
            out = []
            walk_rules(b.body, (list(b.sels), []), out)
            for r, sels, matches in out:
                info[id(r)] = (r, b, sels, matches)

    ran = set()                                # rules that run for some event
    shadow_ok = set()                          # rules that see at least one event not denied before them
    shadowed_by = {}
    open_pairs = {}                            # id(rule) -> [(src, dst)] for opening grants
    pair_cells = {}                            # (src, dst) -> [rules per slot] (requests)
    execute_grants = []
    for event, src, dst, slot, rules in decisions(comp, bindings):
        if rules is None:
            continue
        deny_before = None
        for r, b in rules:
            ran.add(id(r))
            if deny_before is None:
                shadow_ok.add(id(r))
            else:
                shadowed_by.setdefault(id(r), deny_before)
            if r.rule == "deny" and r.cond is None and deny_before is None:
                deny_before = r
        if event == "execute" and rules and deny_before is None:
            g = next(((r, b) for r, b in rules if r.rule == "grant"), None)
            if g:
                execute_grants.append((src, dst, g[1]))
        if event == "request" and dst.name != CORE:
            pair_cells.setdefault((src.id, dst.id), []).append(rules)

    # never match: report the outermost binding or match block
    for bs in bindings.values():
        for b in bs:
            rules = [v for v in info.values() if v[1] is b]
            if rules and all(absent_named(comp, sels) for _, _, sels, _ in rules):
                continue                          # only about classes with no program here
            if rules and not any(id(r) in ran for r, *_ in rules):
                warn(b.pos, "this %s binding can never match: no class, endpoint or method of the "
                            "EDL/IDL fits its selectors" % b.event)
                continue
            reported = set()
            for r, _, _, matches in rules:
                if id(r) in ran:
                    continue
                dead = next((m for m in matches
                             if not any(id(x) in ran for x, _, _, ms in rules if m in ms)), None)
                if dead is not None and absent_named(comp, [x for m in matches[:matches.index(dead) + 1]
                                                            for x in m.sels]):
                    continue
                if dead is not None and id(dead) not in reported:
                    reported.add(id(dead))
                    warn(dead.pos, "this `match` can never match: no class, endpoint or method "
                                   "of the EDL/IDL fits its selectors together with the binding's")

    # execute grants init.yaml never uses
    if init_yaml:
        started = init_classes(init_yaml, defines)
        seen = set()
        for src, dst, b in execute_grants:
            if dst.name == CORE or comp.absent(dst):
                continue                          # the engine refuses it whatever the policy says;
                                                  # Einit cannot start an SDK program not here
            if src.name == EINIT and dst.name not in started:
                why = "Einit may start `%s`, but %s never starts it" % (dst.name, init_yaml)
            elif src.name == CORE and dst.name != EINIT:
                why = "the kernel may start `%s`, but it starts only Einit" % dst.name
            else:
                continue
            if (id(b), dst.name) not in seen:
                seen.add((id(b), dst.name))
                warn(b.pos, "execute grant of a class that is never started: %s" % why)

    # grant () opening every method of a server to a client
    cls = comp.t.classes
    for (s, d), cells in pair_cells.items():
        server = cls[d]
        if comp.absent(cls[s]):
            continue                              # a client that cannot exist here
        if len(cells) != len(server.slots) or not server.slots:
            continue
        if any(r.rule != "grant" for rl in cells for r, _ in rl):
            continue                              # something restricts the pair
        for r, b in cells[0]:
            _, _, sels, _ = info[id(r)]
            if not any(x.key in NARROW_KEYS for x in sels) and all(
                    any(r is y for y, _ in rl) for rl in cells):
                open_pairs.setdefault(id(r), []).append((cls[s].name, server.name))
    for rid, pairs in open_pairs.items():
        r = info[rid][0]
        for c, sv in pairs:
            warn(r.pos, "`grant ()` opens every method of `%s` to `%s`: name the endpoints or "
                        "methods the client needs" % (sv, c))

    # shadowed rules and repeated grants
    for rid, (r, b, sels, _) in info.items():
        if rid in ran and rid not in shadow_ok:
            d = shadowed_by[rid]
            warn(r.pos, "this `%s` never decides anything: every event it sees is already denied "
                        "by `deny ()` at %s" % (r.rule, d.pos))
    first_grant = {}
    for bs in bindings.values():
        for b in bs:
            out = []
            walk_rules(b.body, (list(b.sels), []), out)
            for r, sels, _ in out:
                if r.rule != "grant":
                    continue
                key = (b.event, frozenset((x.key, x.value) for x in sels))
                if key in first_grant:
                    warn(r.pos, "this `grant ()` repeats the one at %s (same selectors)" % first_grant[key].pos)
                else:
                    first_grant[key] = r
    # model objects no rule ever initialises: every rule and expression on them denies
    used = set()

    def calls(node):
        if isinstance(node, list):
            for x in node:
                calls(x)
            return
        if not hasattr(node, "kind"):
            return
        if node.kind in ("model_rule", "model_expr"):
            used.add((node.obj, node.method))
        for k in ("a", "b", "scrut", "cond", "body"):
            calls(getattr(node, k, None))
        for _, _, v in getattr(node, "args", ()):
            calls(v)
        for _, _, body in getattr(node, "branches", ()):
            calls(body)
    for it in items:
        if it.kind == "binding":
            calls(it.body)
    for o in comp.objects.values():
        if o.model == "Regex":
            continue                        # no state: nothing to initialise
        inits = ("execute", "create") if o.model == "Mic" else ("init",)
        if not any((o.name, m) in used for m in inits):
            warn(o.pos, "policy object `%s` is never initialised (no %s rule): every rule on it "
                        "denies" % (o.name, " or ".join("`%s.%s`" % (o.name, m) for m in inits)))
    return [text for _, text in sorted(set(warns))]
