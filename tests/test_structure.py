"""The package's layering, read from its source: no import cycles, rules apart, semantic below rules.

The graph counts every import that runs, at module level or inside a function (a deferred import
still ties the two modules together; deferring one is for start-up time, never to break a
cycle); imports under `if TYPE_CHECKING:` never run and are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "fastapi_lint"


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
