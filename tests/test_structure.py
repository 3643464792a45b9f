"""The package's layering, read from its source: no import cycles, rules apart, semantic below rules.

The graph counts every import that runs, at module level or inside a function (a deferred import
still ties the two modules together; deferring one is for start-up time, never to break a
cycle); imports under `if TYPE_CHECKING:` never run and are left out.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "fastapi_lint"
RULE_MODULE = re.compile(r"^fal\d{3}_\w+$")  # one rule's own file; `_helpers` are shared


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(module: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The package modules `node` (in `module`) loads, by their dotted names."""
    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
    else:
        if node.level:
            package = module.split(".")
            if MODULES[module].name != "__init__.py":
                package.pop()
            base = ".".join(package[: len(package) - node.level + 1])
            prefix = f"{base}.{node.module}" if node.module else base
        else:
            prefix = node.module or ""
        # `from . import rules`: a module; `from .engine import lint_source`: a name in one.
        targets = [
            f"{prefix}.{alias.name}" if f"{prefix}.{alias.name}" in MODULES else prefix
            for alias in node.names
        ]
    found = []
    for target in targets:
        while target and target not in MODULES:
            target = target.rpartition(".")[0]
        if target and target != module:
            found.append(target)
    return found


def _imports(module: str) -> set[str]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: set[str] = set()
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.update(_imported(module, node))
        stack.extend(ast.iter_child_nodes(node))
    return found


GRAPH = {module: _imports(module) for module in MODULES}


def _cycle_from(start: str) -> list[str] | None:
    """A path of imports leading from `start` back to it, or None."""
    path: list[str] = []
    done: set[str] = set()

    def visit(module: str) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        path.append(module)
        for target in sorted(GRAPH[module]):
            found = visit(target)
            if found:
                return found
        path.pop()
        done.add(module)
        return None

    return visit(start)


def test_the_graph_is_read():
    """The helpers above really see imports: known edges of the package are in the graph."""
    assert "fastapi_lint.file_check" in GRAPH["fastapi_lint.runner"]
    # A deferred import is an edge too: the cache is imported inside a function.
    assert "fastapi_lint.cache" in GRAPH["fastapi_lint.project"]
    assert "fastapi_lint.semantic.traversal" in GRAPH["fastapi_lint.engine"]
    assert "fastapi_lint.semantic.model" in GRAPH["fastapi_lint.semantic.traversal"]
    # TYPE_CHECKING-only imports are not edges: rule.py names Context only for annotations.
    assert "fastapi_lint.context" not in GRAPH["fastapi_lint.rule"]


def test_no_import_cycles():
    cycles = {tuple(c) for module in GRAPH if (c := _cycle_from(module))}
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in sorted(cycles))


RULE_MODULES = [m for m in MODULES if ".rules." in m and RULE_MODULE.match(m.rsplit(".", 1)[1])]


def test_rules_are_found():
    """One rule, one file: every rule the registry knows has its own module here."""
    from fastapi_lint.registry import all_rules

    assert sorted(rule.__module__ for rule in all_rules().values()) == sorted(RULE_MODULES)


@pytest.mark.parametrize("module", RULE_MODULES)
def test_no_rule_imports_another_rule(module: str):
    """What two rules share lives in a `_helper` module beside them, never in either rule."""
    others = sorted(target for target in GRAPH[module] if target in RULE_MODULES)
    assert not others, f"{module} imports {others}"


def test_semantic_never_imports_rules():
    """semantic/ answers questions about the code; rules ask them. Not the other way round."""
    wrong = {
        module: sorted(t for t in GRAPH[module] if t.startswith("fastapi_lint.rules"))
        for module in MODULES
        if module.startswith("fastapi_lint.semantic")
    }
    assert not {m: t for m, t in wrong.items() if t}, wrong


def _rule_classes(module: str) -> list[ast.ClassDef]:
    """The classes of `module` that are rules (or rule bases such as `BlockingCallRule`)."""
    import importlib

    from fastapi_lint.rule import Rule

    loaded = importlib.import_module(module)
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    return [
        node
        for node in tree.body
        if isinstance(node, ast.ClassDef)
        and isinstance(getattr(loaded, node.name, None), type)
        and issubclass(getattr(loaded, node.name), Rule)
    ]


RULES_PACKAGE = [m for m in MODULES if m.startswith("fastapi_lint.rules.")]


def test_rule_classes_are_found():
    assert len([c for m in RULES_PACKAGE for c in _rule_classes(m)]) > len(RULE_MODULES)


@pytest.mark.parametrize("module", RULES_PACKAGE)
def test_rules_keep_per_file_state_in_the_context(module: str):
    """A rule instance serves every file of a run, so what it learns about one file goes in
    `ctx.state(...)`, never on `self`: `__init__` may set what the settings decide, nothing
    else assigns to an attribute of the rule."""
    offending = []
    for cls in _rule_classes(module):
        for method in cls.body:
            if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if method.name == "__init__" or not method.args.args:
                continue
            me = method.args.args[0].arg
            for node in ast.walk(method):
                targets: list[ast.expr] = []
                if isinstance(node, ast.Assign):
                    targets = node.targets
                elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                    targets = [node.target]
                for target in targets:
                    for part in ast.walk(target):
                        if (
                            isinstance(part, ast.Attribute)
                            and isinstance(part.value, ast.Name)
                            and part.value.id == me
                        ):
                            offending.append(f"{cls.name}.{method.name}: {me}.{part.attr}")
    assert not offending, offending


def test_the_summary_collector_is_not_a_rule():
    """It walks beside the rules (a `Walker`) but reports nothing: it has no code, message or
    docs a user could select, and `semantic/` needs nothing from the rule API for it."""
    from fastapi_lint.rule import Rule
    from fastapi_lint.semantic.summary import SummaryCollector

    assert not issubclass(SummaryCollector, Rule)
    assert "fastapi_lint.rule" not in GRAPH["fastapi_lint.semantic.summary"]
