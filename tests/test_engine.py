"""Engine behaviour that no single rule owns: noqa, semantics, unreadable files, rule crashes."""

from __future__ import annotations

import ast
import dataclasses
import gc
import os
import sys
import sysconfig
import weakref
from pathlib import Path

import pytest
from helpers import fix, lint, ruleset

from fastapi_lint.discovery import SourcePath
from fastapi_lint.engine import lint_source
from fastapi_lint.registry import all_rules
from fastapi_lint.rule import Invalid, Rule
from fastapi_lint.runner import Mode, check_file, run
from fastapi_lint.semantic.index import ProjectIndex
from fastapi_lint.semantic.model import SemanticModel
from fastapi_lint.semantic.records import CONDITIONS, condition_from_plain
from fastapi_lint.settings import Settings
from fastapi_lint.source import Source

SLEEP = "import time\n\nasync def wait():\n    time.sleep(1){comment}\n"


@pytest.mark.parametrize(
    ("comment", "suppressed"),
    [
        ("  # noqa", True),
        ("  # noqa: FAL102", True),
        ("  # noqa:FAL102,E501", True),
        ("  # NOQA: FAL1", True),  # prefixes, as in flake8
        ("  # noqa: E501", False),
        ("  # noqa: FAL101", False),
        ("  # a comment about noqa", False),
    ],
)
def test_noqa(comment: str, suppressed: bool):
    found = lint(SLEEP.format(comment=comment), "FAL102")
    assert (found == []) is suppressed


def test_file_level_exemption_needs_its_own_line():
    assert lint("# fastapi-lint: noqa\n" + SLEEP.format(comment=""), "FAL102") == []
    inline = "x = 1  # fastapi-lint: noqa\n" + SLEEP.format(comment="")
    assert len(lint(inline, "FAL102")) == 1


def test_module_names_bound_below_a_function_are_seen_inside_it():
    # Python resolves globals when the function runs: the shadowing def counts.
    text = (
        "from time import sleep\n\nasync def wait():\n    sleep(1)\n\ndef sleep(x):\n    return x\n"
    )
    assert lint(text, "FAL102") == []


def test_class_scope_does_not_leak_into_methods():
    text = (
        "import time\n\nclass Clock:\n    time = None\n\n"
        "    async def tick(self):\n        time.sleep(1)\n"
    )
    assert len(lint(text, "FAL102")) == 1


def test_deeply_nested_expression_does_not_crash():
    text = "async def f():\n    return " + " + ".join(["1"] * 20000) + "\n"
    assert lint(text, "FAL1") == []


def test_rule_crash_is_contained(tmp_path: Path):
    class Exploding(Rule):
        code = "FAL102"
        name = "exploding"
        message = "x"
        nodes = ()

    settings = Settings(select=("FAL1",))
    rules = ruleset("FAL1")
    import ast

    broken = Exploding(settings)
    broken.nodes = (ast.Call,)

    def check(node, ctx):
        raise ValueError("boom")

    broken.check = check  # type: ignore[method-assign]
    rules.rules = [broken, *[r for r in rules.rules if r.code != "FAL102"]]
    rules._per_path.clear()
    result = lint_source(Source(SLEEP.format(comment="")), "m.py", rules)
    assert [e.rule for e in result.errors] == ["FAL102"]
    assert "ValueError: boom" in result.errors[0].message


def test_a_condition_that_is_not_a_condition_fails_at_once():
    """A deferred fact on something the index does not answer (the old `("model", T)` tuple
    form, a misspelled kind) would never hold: the rule that defers it fails (its error is
    reported) instead of silently finding nothing."""
    rules = ruleset("FAL3")
    deferring = next(r for r in rules.rules if r.code == "FAL304")

    def check(node, ctx):
        ctx.defer(node, (("modle", "app.User"),))

    deferring.check = check  # type: ignore[method-assign]
    result = lint_source(Source("import pydantic\n\nUser.dict()\n"), "m.py", rules)
    assert [e.rule for e in result.errors] == ["FAL304"]
    assert "not `Condition`s: [('modle', 'app.User')]" in result.errors[0].message


def test_every_condition_kind_is_answered_and_round_trips():
    """Each registered condition class is answered by the index (none of them holds in a
    module without models, routers or functions) and survives its plain (cached) form."""
    summary = lint_source(
        Source("x = 1\n"), "m.py", ruleset("FAL3"), module="m", summarize=True
    ).summary
    assert summary is not None
    index = ProjectIndex([summary])
    assert sorted(CONDITIONS) == [
        "attribute-of",
        "blocking",
        "coroutine",
        "instance-of",
        "makes",
        "model",
        "model-without",
        "not-received",
        "plain-model",
        "registers",
        "router",
        "router-type",
        "settings-model",
        "wildcard-setting",
        "wildcard-value",
    ]
    for kind, cls in CONDITIONS.items():
        names = [f.name for f in dataclasses.fields(cls)]
        values = [("m.y",) if n in ("dependencies", "types") else "m.x" for n in names]
        condition = cls(*values)
        assert condition.kind == kind
        assert index.holds(condition, summary) is None
        assert condition_from_plain(condition.plain()) == condition
    with pytest.raises(KeyError):
        condition_from_plain(("modle", "m.x"))
    with pytest.raises(TypeError, match="unknown condition"):
        index.holds(("model", "m.x"), summary)  # type: ignore[arg-type]  # the old tuple form


def test_rule_crash_before_the_walk_is_contained():
    """A rule whose per-file question (`applies`) raises sits the file out; the rest run."""
    rules = ruleset("FAL1")

    def applies(ctx):
        raise KeyError("boom")

    broken = next(r for r in rules.rules if r.code == "FAL106")
    broken.applies = applies  # type: ignore[method-assign]
    result = lint_source(Source(SLEEP.format(comment="")), "m.py", rules)
    assert [e.rule for e in result.errors] == ["FAL106"]
    assert [d.code for d in result.diagnostics] == ["FAL102"]


def test_unreadable_paths_are_findings(tmp_path: Path):
    (tmp_path / "dir.py").mkdir()
    (tmp_path / "broken.py").symlink_to(tmp_path / "missing.py")
    (tmp_path / "loop.py").symlink_to(tmp_path / "loop.py")
    report = run([str(tmp_path), str(tmp_path / "gone.py")], Settings())
    reasons = {os.path.basename(f.path): f.diagnostics[0].message for f in report.files}
    assert reasons["dir.py"].endswith("it is a directory, not a file")
    assert reasons["broken.py"].endswith("a broken symlink")
    assert "cannot read it" in reasons["loop.py"]
    assert reasons["gone.py"].endswith("no such file")


def test_fix_is_idempotent_on_its_own_output():
    once = fix(SLEEP.format(comment=""), "FAL102", unsafe=True)
    assert fix(once, "FAL102", unsafe=True) == once


@pytest.mark.slow
def test_whole_standard_library_without_traceback():
    stdlib = sysconfig.get_paths()["stdlib"]
    # An interpreter installed by pyenv lives inside pyenv's git checkout, whose .gitignore
    # lists `/versions`: honoured, as ruff does, it would leave nothing to check.
    report = run([stdlib], Settings(respect_gitignore=False))
    assert report.errors == []
    files = len(report.files)
    assert files > 500
    unparsable = [d for d in report.diagnostics if d.code == "FAL000"]
    # lib2to3's Python 2 test data and the tokenizer's bad-encoding samples cannot parse.
    assert unparsable, "expected the stdlib's deliberately broken files as FAL000"
    assert all("lib2to3" in d.path or "test" in d.path for d in unparsable)
    print(f"\nstdlib: {files} files, {len(unparsable)} FAL000", file=sys.stderr)


def test_check_file_reports_fal000_for_python2(tmp_path: Path):
    path = tmp_path / "old.py"
    path.write_text('print "hello"\n')
    report = check_file(SourcePath(str(path), "old.py"), ruleset(), Mode())
    assert report.diagnostics[0].code == "FAL000"
    assert "Python 2 code?" in report.diagnostics[0].message


_EXAMPLES = [
    pytest.param(code, example, id=f"{code}-{number}")
    for code, cls in sorted(all_rules().items())
    if code != "FAL000"  # its examples do not parse
    for number, example in enumerate(cls.invalid)
]


@pytest.mark.parametrize(("code", "example"), _EXAMPLES)
def test_no_syntax_tree_outlives_its_file(code: str, example: Invalid):
    """Nothing that lives from one file to the next (rule instances, the summary collector,
    the walk-table cache) may keep a file's tree: workers that held on to old trees grew to
    hundreds of MB on a large corpus. Each rule is run on the examples it fires on.

    Nor may a reference cycle: the tree is freed by reference counting alone, as soon as
    `lint_source` returns. Deferred fixes that a rule keeps in its per-file state close over
    the context; a cycle through them kept a large file's tree, model and findings (tens of
    MB) alive until the next full collection, which a worker with the run's collector
    thresholds seldom makes."""
    rules = ruleset(code)
    gc.collect()
    gc.disable()
    try:
        for _ in range(2):  # the second file finds the walk-table cache filled
            tree = ast.parse(example.code)
            alive = [weakref.ref(node) for node in ast.walk(tree) if isinstance(node, ast.stmt)]
            source = Source.from_bytes(example.code.encode())
            result = lint_source(source, example.path, rules, tree=tree, summarize=True)
            assert result.summary is not None and result.diagnostics
            del tree, result
            assert [ref() for ref in alive if ref() is not None] == []
    finally:
        gc.enable()


V1_MODULE = (
    "from typing import Optional\n\nfrom pydantic import BaseModel\n\n\n"
    "class User(BaseModel):\n    name: Optional[str]\n\n    class Config:\n        orm_mode = True\n"
)


def test_fal310_outlives_the_safe_fixes_that_erase_its_evidence(tmp_path: Path):
    """FAL310 reports only modules written for Pydantic v1. The safe FAL303 fix turns the
    module's `class Config` into `model_config`, after which the module looks like v2 code;
    the field still has no default, so v2 makes it required, and `--fix` must say so."""
    path = tmp_path / "models.py"
    path.write_text(V1_MODULE)
    report = run([str(path)], Settings(), Mode(fix=True))
    fixed = path.read_text()
    assert "model_config = ConfigDict(from_attributes=True)" in fixed
    assert "    name: Optional[str]\n" in fixed
    assert [(d.code, d.row) for d in report.diagnostics] == [("FAL310", 7)]
    # With the unsafe fixes the field gets the default v1 gave it, and nothing remains.
    path.write_text(V1_MODULE)
    report = run([str(path)], Settings(), Mode(fix=True, unsafe=True))
    assert "    name: Optional[str] = None\n" in path.read_text()
    assert report.diagnostics == []


_IMPORT_PLACES = """
import a
from b import c
if x:
    import d
else:
    from e import f
try:
    import g
except ImportError:
    import h
else:
    import i
finally:
    import j
for k in l:
    import m
while n:
    from o import p
with q:
    import r


def s():
    import t

    async def u():
        from v import w

    lambda: x


class Y:
    import z

    def method(self):
        match self:
            case 1:
                import aa
            case _:
                from bb import cc
"""


def test_import_statements_are_every_import_of_the_tree():
    """`SemanticModel.import_statements` reads statements only: it must find what a walk of
    every node finds, in every kind of body, on a constructed module and on every Python file
    of the package, the fixtures and the examples."""
    root = Path(__file__).resolve().parent.parent
    texts = [_IMPORT_PLACES]
    for folder in ("fastapi_lint", "fixtures", "examples"):
        for path in sorted((root / folder).rglob("*.py")):
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    checked = 0
    for text in texts:
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue  # fixtures that are broken on purpose
        model = SemanticModel("m", False)
        model.tree = tree
        walked = {id(n) for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))}
        found = [id(n) for n in model.import_statements()]
        assert len(found) == len(set(found)) and set(found) == walked
        checked += 1
    assert checked > 100
    model = SemanticModel("m", False)
    model.tree = ast.parse(_IMPORT_PLACES)
    names = sorted(alias.name for node in model.import_statements() for alias in node.names)
    assert names == sorted(
        ["a", "c", "d", "f", "g", "h", "i", "j", "m", "p", "r", "t", "w", "z", "aa", "cc"]
    )
