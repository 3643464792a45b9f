"""Where a fix puts an import it needs: where isort (ruff's `I001`) would.

A fix that needs `asyncio` or `typing.Annotated` adds one import. Appended after the last import
of the file, it lands after the third-party and relative imports, and every sorted file the fix
touches would draw an import-order finding. So the new import goes into the leading block of
top-level imports the way isort's defaults sort it:

- sections in order: `__future__`, the standard library, third-party, first-party, relative
  imports; first-party is the package the file is in (the top directory of its chain of
  `__init__.py` files), as ruff's isort finds it with `detect-same-package`;
- in a section, `import m` before `from m import n`, each by module name, case-insensitively;
- a section that did not exist yet is separated from its neighbours by a blank line;
- `from m import n` joins an existing `from m import ...` of the same module, in the place
  isort's order-by-type puts it (constants, then classes, then the rest), as isort would merge
  them.

Only the leading block is considered (imports after other code, or under `try`/`if`, are left
alone), as before. When the block is not sorted to begin with, the import still goes where its
neighbours suggest; nothing else is reordered.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from dataclasses import dataclass

from .diagnostics import Edit
from .source import Source

_FUTURE, _STDLIB, _OTHER, _FIRST, _LOCAL = range(5)


@dataclass(frozen=True)
class _Placed:
    """An import statement and the key that sorts it among its neighbours."""

    statement: ast.Import | ast.ImportFrom
    key: tuple[int, int, str]


def _section(module: str, level: int, first_party: str | None = None) -> int:
    if level:
        return _LOCAL
    if module == "__future__":
        return _FUTURE
    top = module.split(".")[0]
    if top in sys.stdlib_module_names:
        return _STDLIB
    return _FIRST if top == first_party else _OTHER


def _key(
    statement: ast.Import | ast.ImportFrom, first_party: str | None = None
) -> tuple[int, int, str]:
    if isinstance(statement, ast.Import):
        module = statement.names[0].name
        return (_section(module, 0, first_party), 0, module.lower())
    module = statement.module or ""
    key = ("." * statement.level + module).lower()
    return (_section(module, statement.level, first_party), 1, key)


def first_party_package(path: str) -> str | None:
    """The package `path` is in: the top directory of its chain of `__init__.py` files (ruff's
    isort counts imports of it as first-party), or None for a module outside any package."""
    directory = os.path.dirname(os.path.abspath(path))
    top = None
    while os.path.isfile(os.path.join(directory, "__init__.py")):
        top = os.path.basename(directory)
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return top if top and top.isidentifier() else None


def member_key(name: str) -> tuple[int, str]:
    """isort's order-by-type: CONSTANTS, then Classes, then functions and variables."""
    if name.isupper() and len(name) > 1:
        return (0, name.lower())
    if name[:1].isupper():
        return (1, name.lower())
    return (2, name.lower())


def leading_imports(tree: ast.Module) -> tuple[list[ast.stmt], ast.stmt | None]:
    """The top-level imports before any other code, and the docstring, if any."""
    imports: list[ast.stmt] = []
    docstring = None
    for index, statement in enumerate(tree.body):
        if (
            index == 0
            and isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
        ):
            docstring = statement
            continue
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            imports.append(statement)
            continue
        break
    return imports, docstring


def import_insertion(
    tree: ast.Module,
    source: Source,
    module: str,
    name: str | None,
    first_party: str | None = None,
) -> Edit:
    """The edit that adds `import module` (or `from module import name`) to the file
    (`first_party`: the package of the file, see `first_party_package`)."""
    newline = source.newline
    text = source.text
    imports, docstring = leading_imports(tree)
    statement = f"from {module} import {name}" if name else f"import {module}"
    if name is not None:
        merged = _merge(imports, source, module, name)
        if merged is not None:
            return merged
    if not imports:
        offset = _row_after(docstring, source) if docstring is not None else 0
        before = newline if offset == len(text) and text and not text.endswith(("\n", "\r")) else ""
        return Edit(offset, offset, before + statement + newline)
    placed = [
        _Placed(s, _key(s, first_party))
        for s in imports
        if isinstance(s, (ast.Import, ast.ImportFrom))
    ]
    new = (_section(module, 0, first_party), 0 if name is None else 1, module.lower())
    earlier = [p for p in placed if p.key <= new]
    later = [p for p in placed if p.key > new]
    if earlier and earlier[-1].key[0] == new[0]:
        return _after(earlier[-1].statement, source, statement)
    if later and later[0].key[0] == new[0]:
        return _before(later[0].statement, source, statement)
    # A section of its own: a blank line between it and its neighbours.
    if later:
        return _before(later[0].statement, source, statement + newline)
    return _after(earlier[-1].statement, source, newline + statement)


def _row_after(node: ast.stmt, source: Source) -> int:
    end_row = node.end_lineno or node.lineno
    starts = source.line_starts
    return starts[end_row] if end_row < len(starts) else len(source.text)


def _after(node: ast.stmt, source: Source, statement: str) -> Edit:
    offset = _row_after(node, source)
    text = source.text
    before = source.newline if offset == len(text) and not text.endswith(("\n", "\r")) else ""
    return Edit(offset, offset, before + statement + source.newline)


def _before(node: ast.stmt, source: Source, statement: str) -> Edit:
    offset = source.line_starts[node.lineno - 1]
    return Edit(offset, offset, statement + source.newline)


def _merge(imports: list[ast.stmt], source: Source, module: str, name: str) -> Edit | None:
    """`name` added to an existing `from module import ...`, or None when there is none (or it
    is written in a way this does not edit: `*`, names sharing lines in a parenthesised list)."""
    target = next(
        (
            s
            for s in imports
            if isinstance(s, ast.ImportFrom)
            and s.module == module
            and not s.level
            and all(a.name != "*" for a in s.names)
        ),
        None,
    )
    if target is None:
        return None
    return merge_into(target, source, name)


def merge_into(target: ast.ImportFrom, source: Source, name: str) -> Edit | None:
    """`name` added to the import `target` where isort's order-by-type puts it (an insertion at
    the start of the name it goes before, or after the last name: never inside another fix's
    removal or renaming of a name), or None when the names share lines in a parenthesised
    list."""
    names = target.names
    key = member_key(name)
    index = next((i for i, a in enumerate(names) if member_key(a.name) > key), len(names))
    text = source.text
    if target.lineno == target.end_lineno:
        if index < len(names):
            start = source.span(names[index])[0]
            return Edit(start, start, f"{name}, ")
        end = source.span(names[-1])[1]
        return Edit(end, end, f", {name}")
    # Parenthesised over several lines: one name a line, in the list's own indentation.
    rows = [a.lineno for a in names]
    if len(set(rows)) != len(rows):
        return None
    anchor = names[min(index, len(names) - 1)]
    start, end = source.span(anchor)
    row_start = source.line_starts[anchor.lineno - 1]
    indent = text[row_start:start]
    if indent.strip():
        return None
    newline = source.newline
    if index < len(names):
        return Edit(start, start, f"{name},{newline}{indent}")
    rest = text[end:]
    if rest.lstrip(" \t").startswith(","):
        comma = end + rest.index(",") + 1
        return Edit(comma, comma, f"{newline}{indent}{name},")
    return Edit(end, end, f",{newline}{indent}{name}")


def combine(edits: list[Edit], newline: str) -> list[Edit]:
    """Import insertions of one fix, with those at the same offset joined into one: two imports
    opening the same new section share its blank line instead of each bringing one."""
    out: list[Edit] = []
    for edit in edits:
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.start == previous.end == edit.start == edit.end
            and previous.content.endswith(newline * 2)
            and edit.content.endswith(newline * 2)
        ):
            out[-1] = Edit(edit.start, edit.end, previous.content[: -len(newline)] + edit.content)
            continue
        out.append(edit)
    return out


def join_import_insertions(edits: list[Edit]) -> list[Edit]:
    """Edits sorted by position, with the import insertions of different fixes at one offset
    joined: two fixes of a pass each opening the same new section (`from contextlib import
    ...` for FAL201, `from typing import Annotated` for FAL503) would otherwise bring a blank
    line each, in the order of the fixes. Joined, they are sorted as isort sorts them and share
    one blank line."""
    out: list[Edit] = []
    index = 0
    while index < len(edits):
        edit = edits[index]
        group = [edit]
        while (
            index + len(group) < len(edits)
            and edit.start == edit.end
            and (following := edits[index + len(group)]).start == following.end == edit.start
        ):
            group.append(following)
        index += len(group)
        names = _sorted_names(group)
        if names is not None:
            out.append(names)
            continue
        keyed = [_import_key(e.content) for e in group]
        if len(group) < 2 or None in keyed or len({k[0][0] for k in keyed if k}) != 1:
            out.extend(group)
            continue
        ordered = sorted(zip(keyed, group, strict=True), key=lambda pair: pair[0][0])  # type: ignore[index]
        statements = [pair[0][1] for pair in ordered]  # type: ignore[index]
        blank = any(pair[0][2] for pair in ordered)  # type: ignore[index]
        newline = "\r\n" if "\r\n" in group[0].content else "\n"
        content = newline.join(statements) + newline + (newline if blank else "")
        out.append(Edit(edit.start, edit.end, content))
    return out


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _sorted_names(group: list[Edit]) -> Edit | None:
    """Names inserted into one `from m import ...` at the same place by different fixes (or
    one fix needing two names), joined in isort's order instead of the fixes' order; None
    when the group is not that."""
    if len(group) < 2:
        return None
    shapes = set()
    named = []
    for edit in group:
        found = _NAME.search(edit.content)
        if found is None or "," not in edit.content:
            return None
        shape = edit.content[: found.start()] + "\0" + edit.content[found.end() :]
        if _NAME.search(shape) or shape.strip("\0 ,\t\r\n"):
            return None
        shapes.add(shape)
        named.append((member_key(found.group()), edit.content))
    if len(shapes) != 1:
        return None
    named.sort(key=lambda pair: pair[0])
    first = group[0]
    return Edit(first.start, first.end, "".join(content for _, content in named))


def _import_key(content: str) -> tuple[tuple[int, int, str], str, bool] | None:
    """(isort key, statement, ends with a blank line) of an inserted `import`/`from` line, or
    None for any other insertion."""
    stripped = content.strip("\r\n")
    if "\n" in stripped or "\r" in stripped or not stripped.startswith(("import ", "from ")):
        return None
    if content.startswith(("\n", "\r")):
        return None  # placed after a section, with its blank line before it
    try:
        tree = ast.parse(stripped)
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], (ast.Import, ast.ImportFrom)):
        return None
    blank = content.endswith(("\n\n", "\r\n\r\n"))
    return _key(tree.body[0]), stripped, blank
