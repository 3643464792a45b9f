"""Small facts about function definitions that several rules need."""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator

_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def own_nodes(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.AST]:
    """Every node of a function's body, but not those of functions or classes nested in it."""
    stack: list[ast.AST] = list(reversed(function.body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, _NESTED):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def is_generator(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in own_nodes(function))


_TEST_FILE = re.compile(r"(^|/)(test_[^/]*|[^/]*_test|conftest)\.py$")


@functools.lru_cache(maxsize=256)  # asked for every node some rules see, of a few paths
def is_test_path(path: str) -> bool:
    """`test_*.py`, `*_test.py`, `conftest.py`, or any file under a `tests/` (or `test/`)
    directory — what pytest collects by default, plus the usual test-package layout."""
    normalized = path.replace("\\", "/")
    if _TEST_FILE.search(normalized):
        return True
    parts = normalized.split("/")[:-1]
    return any(part in ("tests", "test") for part in parts)
