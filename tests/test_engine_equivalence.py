"""The fast traversal reports exactly what the plain one does.

The engine's walk is optimised (a table of child fields per node class instead of
`ast.iter_child_nodes`, leaves no rule wants dropped, sync function bodies skipped when every
rule only looks inside `async def`). The reference below is the straightforward walk the engine
had before; both must give identical findings, fixes included, on the fixtures, on every rule
example, and on a sample of the pinned corpus when it is present.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from fastapi_lint import engine
from fastapi_lint.config import apply_overrides
from fastapi_lint.diagnostics import Diagnostic
from fastapi_lint.discovery import SourcePath, discover
from fastapi_lint.registry import RuleSet, all_rules
from fastapi_lint.runner import Mode, check_file
from fastapi_lint.semantic import traversal
from fastapi_lint.settings import Settings
from fastapi_lint.source import Source

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("FASTAPI_LINT_CORPUS", "/tmp/fl-bench/corpus"))


class ReferenceTraversal(traversal.Traversal):
    """Every node visited through `ast.iter_child_nodes`, every function body walked."""

    @property
    def skip_sync_bodies(self) -> bool:
        return False

    @skip_sync_bodies.setter
    def skip_sync_bodies(self, value: bool) -> None:
        pass

    def _walk(self, items: list) -> None:
        stack = items[::-1]
        while stack:
            item = stack.pop()
            if not isinstance(item, ast.AST):
                item()
                continue
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._declare_function(item)
            for rule in self.dispatch.get(type(item), ()):
                self.call(rule, rule.check, item, self.ctx)
            handler = traversal._HANDLERS.get(type(item))
            if handler is not None:
                handler(self, item, stack)
            else:
                stack.extend(reversed(list(ast.iter_child_nodes(item))))


def _key(diagnostic: Diagnostic) -> tuple:
    fix = diagnostic.fix
    return (
        diagnostic.path,
        diagnostic.row,
        diagnostic.col,
        diagnostic.end_row,
        diagnostic.end_col,
        diagnostic.code,
        diagnostic.message,
        diagnostic.fix_positions,
        None if fix is None else (fix.edits, fix.applicability, fix.message, fix.isolation),
    )


def _both(check) -> tuple[list, list]:  # type: ignore[no-untyped-def]
    fast = check()
    original = engine.Traversal
    engine.Traversal = ReferenceTraversal  # type: ignore[misc]
    try:
        reference = check()
    finally:
        engine.Traversal = original  # type: ignore[misc]
    return fast, reference


def _files_report(items: list[SourcePath], ruleset: RuleSet) -> list[tuple]:
    out = []
    for item in items:
        report = check_file(item, ruleset, Mode())
        assert not report.errors, report.errors
        out.extend(_key(d) for d in report.diagnostics)
    return out


def test_fixtures_are_unchanged():
    ruleset = RuleSet(Settings())
    items = discover([str(ROOT / "fixtures")], Settings())
    assert items
    fast, reference = _both(lambda: _files_report(items, ruleset))
    assert fast == reference


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_rule_examples_are_unchanged(code: str):
    ruleset = RuleSet(apply_overrides(Settings(), select=["FAL"]))
    rule = all_rules()[code]
    snippets = [(e.code, e.path) for e in rule.invalid]
    snippets += [(v.code, v.path) for v in rule.valid]

    def check() -> list[tuple]:
        out = []
        for text, path in snippets:
            result = engine.lint_source(Source(text), path, ruleset, module="example")
            out.append([_key(d) for d in result.diagnostics])
        return out

    fast, reference = _both(check)
    assert fast == reference


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason="the pinned corpus is not unpacked")
def test_corpus_sample_is_unchanged():
    settings = Settings()
    ruleset = RuleSet(settings)
    items = discover([str(CORPUS)], settings)[::20]
    fast, reference = _both(lambda: _files_report(items, ruleset))
    assert len(fast) > 0
    assert fast == reference


@pytest.mark.parametrize(
    "text",
    [
        "x = 1\n",
        "def f(:\n    pass\n",
        "print 'python 2'\n",
        "def f(a, a):\n    pass\n",  # the symbol table rejects it, the parser does not
        "nonlocal x\n",
        "class A:\n    nonlocal q\n",
        "x = 1\nglobal x\n",
        "return 1\n",
        "x = '\\d'\n",
        "a = (" * 300 + ")" * 300 + "\n",
        "x = 1\0\n",
        "async def f():\n    await g()\n",
    ],
)
def test_syntax_only_check_agrees_with_the_parser(text: str, monkeypatch):
    """Files only FAL000 looks at are checked without building a tree: same verdicts."""
    ruleset = RuleSet(apply_overrides(Settings(), select=["FAL000"]))
    fast = engine.lint_source(Source(text), "example.py", ruleset)
    monkeypatch.setattr(engine, "syntax_ok", lambda source, path: False)
    slow = engine.lint_source(Source(text), "example.py", ruleset)
    assert [_key(d) for d in fast.diagnostics] == [_key(d) for d in slow.diagnostics]
    assert fast.parsed == slow.parsed


def _declaring_names() -> list[str]:
    """The rules that declare `callees` or `attributes` (some per instance: the blocking
    rules' tables, the resource rules' release methods)."""
    every = RuleSet(apply_overrides(Settings(), select=sorted(all_rules()), preview=True))
    return sorted(
        rule.code for rule in every.rules if rule.callees is not None or rule.attributes is not None
    )


def test_declared_names_cover_the_calls_and_attributes_each_rule_acts_on():
    """A rule that declares `callees` (`attributes`) is handed only calls (attributes) of
    those names; the reference walk hands it every one. With only those rules selected, on
    every rule's examples and on the fixtures, both find the same: a name missing from a
    rule's declaration would show here."""
    codes = _declaring_names()
    assert len(codes) >= 20
    ruleset = RuleSet(apply_overrides(Settings(), select=codes, preview=True))
    for rule in ruleset.rules:
        for node_class, names in ((ast.Call, rule.callees), (ast.Attribute, rule.attributes)):
            if names is None:
                continue
            assert node_class in rule.nodes, rule.code
            assert isinstance(names, frozenset), rule.code
            assert all(isinstance(n, str) and n.isidentifier() for n in names), rule.code
    snippets = [
        (example.code, example.path)
        for rule in all_rules().values()
        for example in [*rule.invalid, *rule.valid]
    ]

    def check() -> list[tuple]:
        out = []
        for text, path in snippets:
            result = engine.lint_source(Source(text), path, ruleset, module="example")
            out.append([_key(d) for d in result.diagnostics])
        out.append(_files_report(discover([str(ROOT / "fixtures")], Settings()), ruleset))
        return out

    fast, reference = _both(check)
    assert fast == reference
    assert sum(1 for found in fast if found) > len(codes)


def test_calls_reach_rules_by_callee_name_and_import_alias(monkeypatch):
    """An aliased import is dispatched under the name it is bound to; a call of another
    name never reaches a rule that declared its callees."""
    from fastapi_lint.rules.security.fal404_jwt_decode_unverified import JwtDecodeUnverified

    seen: list[str] = []
    original = JwtDecodeUnverified.check

    def spy(self, node, ctx):  # type: ignore[no-untyped-def]
        seen.append(ast.unparse(node.func))
        original(self, node, ctx)

    monkeypatch.setattr(JwtDecodeUnverified, "check", spy)
    text = (
        "from jwt import decode as unpack\n"
        "import jwt\n"
        "def read(token, items):\n"
        "    print(token)\n"
        "    items.append(token)\n"
        "    jwt.encode({}, 'k')\n"
        "    handlers[0](token)\n"
        "    jwt.decode(token, 'k')\n"
        "    return unpack(token, 'k')\n"
    )
    ruleset = RuleSet(apply_overrides(Settings(), select=["FAL404"]))
    result = engine.lint_source(Source(text), "example.py", ruleset, module="example")
    assert seen == ["handlers[0]", "jwt.decode", "unpack"]
    assert [(d.code, d.row) for d in result.diagnostics] == [("FAL404", 8), ("FAL404", 9)]


# Context and operator nodes: `_own_nodes` skips the fields that hold them.
_NOT_VISITED = (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)


def _own_nodes_reference(body: list[ast.stmt]) -> list[ast.AST]:
    """A function's own nodes as `ast.iter_child_nodes` orders them, depth first: nested
    functions, classes and lambdas listed but not entered."""
    found: list[ast.AST] = []
    pending: list[ast.AST] = list(reversed(body))
    while pending:
        node = pending.pop()
        found.append(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        children = [c for c in ast.iter_child_nodes(node) if not isinstance(c, _NOT_VISITED)]
        pending.extend(reversed(children))
    return found


def test_a_function_body_is_read_node_for_node_as_iter_child_nodes_reads_it():
    """The read of a function's own body (`model._own_nodes`: its locals, the values it
    returns, `__init__`'s attributes) visits the same nodes in the same order as a walk
    through `ast.iter_child_nodes`, on every function of the package, the fixtures and the
    examples (comprehensions, `match`, decorators, defaults and `global` names included)."""
    from fastapi_lint.semantic.model import _own_nodes

    functions = 0
    for folder in ("fastapi_lint", "fixtures", "examples"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"))
            except (SyntaxError, UnicodeDecodeError):
                continue
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    functions += 1
                    expected = [id(n) for n in _own_nodes_reference(node.body)]
                    assert [id(n) for n in _own_nodes(node.body)] == expected, (path, node.name)
    assert functions > 1000


def test_the_read_of_a_body_records_every_kind_of_local_and_only_its_own():
    """`function_locals` passes over the nodes that bind nothing; every kind that binds a
    local, returns or yields is still seen, and what nested scopes bind is not."""
    from fastapi_lint.semantic.model import SemanticModel

    tree = ast.parse(
        "def f(a, *rest, b: int = 1, **options):\n"
        "    c = make(a)\n"
        "    d: Client = Client()\n"
        "    e = c\n"
        "    e = other()\n"
        "    (f := 2)\n"
        "    for g in items(h := 3): pass\n"
        "    global i\n"
        "    import json.decoder as j, os.path\n"
        "    def k(): m = 1\n"
        "    class n: o = 1\n"
        "    lambda p: p\n"
        "    [q for q in c]\n"
        "    c += 1\n"
        "    return None\n"
        "    return helper(e)\n"
        "    yield\n"
    )
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    locals_, values, generator = SemanticModel.function_locals(function)
    assert generator
    assert [ast.unparse(v) for v in values] == ["helper(e)"]
    assert {name: None if v is None else len(v) for name, v in locals_.items()} == {
        "a": 1,
        "b": 1,
        "rest": None,
        "options": None,
        "c": None,  # `c += 1`
        "d": 1,
        "e": 2,
        "f": 1,
        "g": None,
        "h": 1,
        "i": None,
        "j": None,
        "os": None,
        "k": None,
        "n": None,
        "q": None,  # a comprehension's target, as the read counts it
    }
