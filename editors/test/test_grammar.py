#!/usr/bin/env python3
"""Tests editors/victor.tmLanguage.json with a small TextMate interpreter (the subset the grammar
uses: match/name/captures, begin/end/beginCaptures/endCaptures/contentName, patterns, include of
#repository rules and $self; includes of other grammars such as source.sql are skipped, as an editor
without a SQL grammar would). Python's stdlib `re` only.

It tokenises schema.victor and editors/test/sample.victor and checks that
  - specific tokens get specific scopes (keywords, types, doc comments vs comments, SQL inside
    checks, defaults, where clauses and from mappings, …);
  - every character outside whitespace gets a scope beyond `source.victor` (the grammar covers the
    whole file) and none is scoped `invalid`;
  - no begin/end region is left open at the end of a file.

    python3 editors/test/test_grammar.py            # the checks; exit 1 on a failure
    python3 editors/test/test_grammar.py --dump F   # print each token of F with its scopes
"""
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GRAMMAR = os.path.join(ROOT, "editors", "victor.tmLanguage.json")


class Grammar:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.data = json.load(f)
        self.scope = self.data["scopeName"]
        self.repo = self.data.get("repository", {})
        self._compiled = {}
        self.root = {"patterns": self.data["patterns"], "name": self.scope}

    def rx(self, source):
        if source not in self._compiled:
            self._compiled[source] = re.compile(source)
        return self._compiled[source]

    def flatten(self, patterns, seen=None):
        """The match and begin rules a list of patterns stands for, includes resolved in order."""
        out = []
        seen = set() if seen is None else seen
        for p in patterns:
            if "include" in p:
                ref = p["include"]
                if ref == "$self" or ref == "$base":
                    target = self.root
                elif ref.startswith("#"):
                    target = self.repo[ref[1:]]
                else:
                    continue  # another grammar (source.sql): not installed here
                key = id(target)
                if key in seen:
                    continue
                out += self.flatten([target] if ("match" in target or "begin" in target) else target.get("patterns", []), seen | {key})
            elif "match" in p or "begin" in p:
                out.append(p)
            elif "patterns" in p:
                out += self.flatten(p["patterns"], seen)
        return out


def names(value):
    return value.split() if value else []


def tokenize(grammar, text):
    """[(line number, line text, [scopes per character])], and the rule stack left at the end."""
    stack = [(grammar.root, None)]  # (rule, compiled end regex)
    result = []
    for lineno, raw in enumerate(text.split("\n"), 1):
        line = raw + "\n"
        scopes = [None] * len(line)

        def base():
            s = [grammar.scope]
            for rule, _ in stack[1:]:
                s += names(rule.get("name")) + names(rule.get("contentName"))
            return s

        def paint(start, end, extra):
            for i in range(start, end):
                scopes[i] = (scopes[i] or []) + extra

        def captures(m, caps, outer):
            for k in sorted(caps or {}, key=int):
                g = int(k)
                if m.group(g) is None or m.start(g) == m.end(g):
                    continue
                paint(m.start(g), m.end(g), names(caps[k].get("name")))

        pos = 0
        guard_pos, guard_count = -1, 0
        while pos < len(line):
            rule, end_rx = stack[-1]
            best, best_kind, best_rule = None, None, None
            if end_rx is not None:
                best = end_rx.search(line, pos)
                best_kind = "end" if best else None
            for p in grammar.flatten(rule.get("patterns", [])):
                m = grammar.rx(p["match"] if "match" in p else p["begin"]).search(line, pos)
                if m and (best is None or m.start() < best.start()):
                    best, best_kind, best_rule = m, ("match" if "match" in p else "begin"), p
            if best is None:
                paint(pos, len(line), base())
                break
            paint(pos, best.start(), base())
            if best.start() == guard_pos:
                guard_count += 1
                if guard_count > 3:  # a zero-width loop: step over one character
                    paint(pos, pos + 1, base())
                    pos += 1
                    continue
            else:
                guard_pos, guard_count = best.start(), 0
            if best_kind == "end":
                here = base()[: len(base()) - len(names(rule.get("contentName")))]
                paint(best.start(), best.end(), here)
                captures(best, rule.get("endCaptures") or rule.get("captures"), here)
                stack.pop()
            elif best_kind == "match":
                here = base() + names(best_rule.get("name"))
                paint(best.start(), best.end(), here)
                captures(best, best_rule.get("captures"), here)
            else:
                here = base() + names(best_rule.get("name"))
                paint(best.start(), best.end(), here)
                captures(best, best_rule.get("beginCaptures") or best_rule.get("captures"), here)
                stack.append((best_rule, grammar.rx(best_rule["end"])))
            if best.end() == best.start() and best_kind == "match":
                pos += 1
            else:
                pos = max(pos, best.end())
        result.append((lineno, raw, [s or [grammar.scope] for s in scopes[: len(raw)]]))
    return result, stack


class Checker:
    def __init__(self, grammar, path):
        self.path = os.path.relpath(path, ROOT)
        with open(path, encoding="utf-8") as f:
            self.text = f.read()
        self.lines, self.stack = tokenize(grammar, self.text)
        self.failures = []

    def fail(self, message):
        self.failures.append(f"{self.path}: {message}")

    def scopes_of(self, line_contains, token, occurrence=0):
        """The scopes of each character of `token` (its `occurrence`-th match) on the first line
        containing `line_contains`."""
        for lineno, raw, scopes in self.lines:
            if line_contains in raw:
                start = -1
                for _ in range(occurrence + 1):
                    start = raw.find(token, start + 1)
                    if start < 0:
                        break
                if start < 0:
                    break
                return lineno, scopes[start:start + len(token)]
        self.fail(f"no line with '{line_contains}' holding '{token}'")
        return None, []

    def expect(self, line_contains, token, scope, occurrence=0, absent=None):
        """Every character of the token has `scope` (and none has `absent`)."""
        lineno, per_char = self.scopes_of(line_contains, token, occurrence)
        if lineno is None:
            return
        for s in per_char:
            if scope not in s:
                self.fail(f"line {lineno}: '{token}' has {s}, expected {scope}")
                return
            if absent and absent in s:
                self.fail(f"line {lineno}: '{token}' has {s}, must not have {absent}")
                return

    def coverage(self):
        for lineno, raw, scopes in self.lines:
            for col, (ch, s) in enumerate(zip(raw, scopes), 1):
                if any(x.startswith("invalid") for x in s):
                    self.fail(f"{lineno}:{col}: '{ch}' is scoped {s}")
                elif not ch.isspace() and s == [self_scope]:
                    self.fail(f"{lineno}:{col}: '{ch}' has no scope beyond source.victor")
        if len(self.stack) != 1:
            open_rules = [r.get("begin") for r, _ in self.stack[1:]]
            self.fail(f"regions still open at the end of the file: {open_rules}")


self_scope = "source.victor"
SQL = "meta.embedded.line.sql"


def check_schema(g):
    c = Checker(g, os.path.join(ROOT, "schema.victor"))
    c.coverage()
    c.expect("schema victor version 1", "schema", "keyword.declaration.schema.victor")
    c.expect("schema victor version 1", "victor", "entity.name.namespace.schema.victor")
    c.expect("domain rl ", "domain", "keyword.declaration.domain.victor")
    c.expect("domain rl ", "\"Reinforcement learning\"", "string.quoted.double.victor")
    c.expect("table rl_learner {", "table", "keyword.declaration.table.victor")
    c.expect("table rl_learner {", "rl_learner", "entity.name.type.table.victor")
    c.expect("created_at: timestamp? = datetime('now')", "timestamp", "support.type.victor")
    c.expect("created_at: timestamp? = datetime('now')", "created_at", "variable.other.property.victor")
    c.expect("created_at: timestamp? = datetime('now')", "?", "keyword.operator.optional.victor")
    c.expect("created_at: timestamp? = datetime('now')", "datetime", "support.function.sql")
    c.expect("created_at: timestamp? = datetime('now')", "'now'", "string.quoted.single.sql")
    c.expect("created_at: timestamp? = datetime('now')", "'now'", SQL)
    c.expect("/// Learner registry", "///", "comment.line.documentation.victor")
    c.expect("/// Learner registry", "Learner registry", "comment.line.documentation.victor")
    c.expect("// Victor's application state", "Victor's", "comment.line.double-slash.victor", absent="comment.line.documentation.victor")
    c.expect("id: text primary key", "primary", "keyword.other.victor")
    c.expect("learner_id: text references rl_learner(id)", "references", "keyword.other.references.victor")
    c.expect("learner_id: text references rl_learner(id)", "rl_learner", "variable.other.table.victor")
    c.expect("@allow(inconsistent-reference", "allow", "entity.other.attribute-name.victor")
    c.expect("@allow(inconsistent-reference", "\"Q-values outlive", "string.quoted.double.victor")
    c.expect("from rl_outcomes distinct {", "from", "keyword.other.from.victor")
    c.expect("from rl_outcomes distinct {", "rl_outcomes", "entity.name.type.legacy-table.victor")
    c.expect("from rl_outcomes distinct {", "distinct", "keyword.other.victor")
    c.expect("type = CASE WHEN learner_name IN", "type", "variable.other.member.victor", absent=SQL)
    c.expect("type = CASE WHEN learner_name IN", "CASE", "keyword.other.sql")
    c.expect("type = CASE WHEN learner_name IN", "CASE", SQL)
    c.expect("type = CASE WHEN learner_name IN", "'mode_transition'", "string.quoted.single.sql")
    c.expect("type = CASE WHEN learner_name IN", "END", SQL)
    c.expect("index idx_outcome_learner", "idx_outcome_learner", "entity.name.section.index.victor")
    c.expect("q_value: real? = 0.5", "0.5", "constant.numeric.victor")
    c.expect("pack metadata (metadata, created_at)", "pack", "keyword.other.victor")
    c.expect("max_words: 3", "3", "constant.numeric.victor")
    c.expect("singular_tables: true", "true", "constant.language.victor")
    return c


def check_sample(g):
    c = Checker(g, os.path.join(ROOT, "editors", "test", "sample.victor"))
    c.coverage()
    c.expect("/* A block comment", "still a comment", "comment.block.victor")
    c.expect("/* A block comment", "*/", "comment.block.victor", occurrence=1)
    c.expect("profile: json<Profile>?", "json", "support.type.victor")
    c.expect("profile: json<Profile>?", "<", "punctuation.definition.generic.victor")
    line = "score: real = -1.5 check (score >= -10 and score in (1, 2.5, 1e3))"
    c.expect(line, "check", "keyword.other.check.victor")
    c.expect(line, "score", SQL, occurrence=1)
    c.expect(line, ">=", "keyword.operator.sql")
    c.expect(line, "and", "keyword.other.sql")
    c.expect(line, "1e3", "constant.numeric.sql")
    c.expect(line, "1.5", "constant.numeric.victor", absent=SQL)
    c.expect("total: integer = (1 + (2 * 3))", "2", SQL)
    c.expect("total: integer = (1 + (2 * 3))", "*", "keyword.operator.sql")
    c.expect("`group`: text? = 'it''s'", "`group`", "variable.other.property.victor")
    c.expect("`group`: text? = 'it''s'", "''", "constant.character.escape.sql")
    c.expect("@allow(singular-table-name", "\\\"", "constant.character.escape.victor")
    c.expect("check (qty > 0)", "qty", SQL)
    c.expect("check (qty > 0)", ")", "punctuation.section.parens.end.victor", absent=SQL)
    where = "unique index idx_line_qty (qty desc) where qty > 1 and order_id is not null"
    c.expect(where, "where", "keyword.other.where.victor")
    c.expect(where, "null", SQL)
    c.expect(where, "desc", "keyword.other.victor", absent=SQL)
    c.expect("from legacy_lines where deleted = 0 {", "deleted", SQL)
    c.expect("from legacy_lines where deleted = 0 {", "{", "punctuation.section.block.begin.victor", absent=SQL)
    c.expect("qty = coalesce(quantity, 1)", "coalesce", "support.function.sql")
    c.expect("qty = coalesce(quantity, 1)", "select", "keyword.other.sql")
    c.expect("qty = coalesce(quantity, 1)", "'a'", SQL)
    c.expect("order_id = order_no", "order_no", "variable.other.sql")
    c.expect("order_id: integer references", "cascade", "keyword.other.victor")
    c.expect("drop deleted \"soft-deleted", "\"soft-deleted rows are filtered\"", "string.quoted.double.victor")
    c.expect("hits as 'hit_count'", "as", "keyword.other.victor")
    vt = "virtual table shop_line_search using fts5(name, content='shop_line', content_rowid='rowid')"
    c.expect(vt, "virtual", "keyword.other.declaration.victor")
    c.expect(vt, "fts5", "support.function.victor")
    c.expect(vt, "'shop_line'", SQL)
    c.expect(vt, "fts5", "support.function.victor", absent=SQL)
    head = "trigger shop_line_named after update of name on shop_line for each row when new.name <> trim(new.name) {"
    c.expect(head, "trigger", "keyword.other.declaration.victor")
    c.expect(head, "shop_line_named", "entity.name.function.victor")
    c.expect(head, "when", "meta.embedded.block.sql")
    c.expect(head, "<>", "keyword.operator.sql")
    c.expect("UPDATE shop_line SET name = trim(new.name)", "trim", "support.function.sql")
    return c


def check_invalid(g):
    """What the lexer rejects is scoped invalid, and a stray unterminated region ends at its line."""
    failures = []
    lines, stack = tokenize(g, "table t {\n  x: text # y\n  s: text = 'unterminated\n}\n")
    hash_scopes = lines[1][2][lines[1][1].index("#")]
    if "invalid.illegal.character.victor" not in hash_scopes:
        failures.append(f"'#' is {hash_scopes}, expected invalid.illegal.character.victor")
    brace = lines[3][2][0]
    if "punctuation.section.block.end.victor" not in brace or "string.quoted.single.sql" in brace:
        failures.append(f"an unterminated string leaks into the next line: '}}' is {brace}")
    if len(stack) != 1:
        failures.append("regions left open after an unterminated string")
    return failures


def oniguruma_check(g):
    """Compiles every regular expression of the grammar with Oniguruma (the engine of VS Code,
    TextMate, Sublime's fallback and GitHub's highlighter) when libonig is installed, through ctypes.
    Returns (failures, note)."""
    import ctypes
    import ctypes.util
    path = ctypes.util.find_library("onig")
    if not path:
        for candidate in ("libonig.so.5", "libonig.dylib"):
            try:
                ctypes.CDLL(candidate)
                path = candidate
                break
            except OSError:
                pass
    if not path:
        return [], "Oniguruma (libonig) not found: regular expressions checked with Python's re only"
    onig = ctypes.CDLL(path)
    utf8 = ctypes.c_void_p.in_dll(onig, "OnigEncodingUTF8")
    enc_ptr = ctypes.cast(ctypes.addressof(utf8), ctypes.c_void_p)
    syntax = ctypes.cast(ctypes.addressof(ctypes.c_void_p.in_dll(onig, "OnigSyntaxRuby")), ctypes.c_void_p)
    if hasattr(onig, "onig_initialize"):
        encs = (ctypes.c_void_p * 1)(enc_ptr)
        onig.onig_initialize(encs, 1)
    error_info = ctypes.create_string_buffer(256)
    failures = []
    sources = set()

    def collect(node):
        if isinstance(node, dict):
            for key in ("match", "begin", "end"):
                if isinstance(node.get(key), str):
                    sources.add(node[key])
            for v in node.values():
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)

    collect(g.data)
    onig.onig_new.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint,
                              ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    onig.onig_error_code_to_str.argtypes = [ctypes.c_char_p, ctypes.c_int]
    for source in sorted(sources):
        data = source.encode("utf-8")
        buf = ctypes.create_string_buffer(data)
        reg = ctypes.c_void_p()
        status = onig.onig_new(ctypes.byref(reg), buf, ctypes.c_char_p(ctypes.addressof(buf) + len(data)), 0,
                               enc_ptr, syntax, error_info)
        if status != 0:
            message = ctypes.create_string_buffer(256)
            onig.onig_error_code_to_str(message, status)
            failures.append(f"Oniguruma rejects /{source}/: {message.value.decode()}")
        else:
            onig.onig_free(reg)
    return failures, f"Oniguruma ({path}) compiles all {len(sources)} regular expressions" if not failures else None


def dump(g, path):
    with open(path, encoding="utf-8") as f:
        lines, _ = tokenize(g, f.read())
    for lineno, raw, scopes in lines:
        i = 0
        while i < len(raw):
            j = i
            while j < len(raw) and scopes[j] == scopes[i]:
                j += 1
            if raw[i:j].strip():
                print(f"{lineno}:{i + 1}\t{raw[i:j]!r}\t{' '.join(scopes[i][1:])}")
            i = j


def main():
    g = Grammar(GRAMMAR)
    if len(sys.argv) == 3 and sys.argv[1] == "--dump":
        dump(g, sys.argv[2])
        return 0
    failures = []
    for c in (check_schema(g), check_sample(g)):
        failures += c.failures
    failures += check_invalid(g)
    onig_failures, note = oniguruma_check(g)
    failures += onig_failures
    if note:
        print(note)
    for f in failures:
        print(f"FAIL {f}", file=sys.stderr)
    if failures:
        print(f"{len(failures)} grammar check(s) failed", file=sys.stderr)
        return 1
    print("ok: editors/victor.tmLanguage.json scopes schema.victor and editors/test/sample.victor as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
