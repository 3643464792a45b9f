"""Applying fixes: overlap check, convergence loop, re-parse guard, and unified diffs.

Fixes are text edits over the file's text. One pass applies every non-overlapping fix of the
current findings; the file is then linted again and the next pass applies what became possible,
until nothing changes (bounded). A pass whose result does not parse is never kept: its fixes are
retried one by one and those that break the file are dropped and reported.
"""

from __future__ import annotations

import ast
import difflib
import os
import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .diagnostics import Diagnostic, Edit, Fix
from .source import Source

MAX_PASSES = 10


@dataclass
class FixOutcome:
    text: str
    applied: Counter[str] = field(default_factory=Counter)  # code → fixes applied
    dropped: list[str] = field(default_factory=list)  # "FAL301 at 12:5: result does not parse"
    passes: int = 0
    converged: bool = True


def apply_fixes(text: str, fixes: Iterable[tuple[str, Fix]]) -> tuple[str, list[str]]:
    """Apply every fix that overlaps no fix taken before it; return the text and the codes applied.

    Identical edits from different fixes (the same import added twice) are applied once, and
    insertions at the same offset are all kept, in order.
    """
    text, taken_fixes = _apply(text, fixes)
    return text, [code for code, _ in taken_fixes]


def _apply(text: str, fixes: Iterable[tuple[str, Fix]]) -> tuple[str, list[tuple[str, Fix]]]:
    taken: list[Edit] = []
    seen: set[Edit] = set()
    reserved: list[Edit] = []  # isolation ranges of the fixes taken so far
    applied: list[tuple[str, Fix]] = []
    for code, fix in sorted(fixes, key=lambda item: (item[1].start, item[1].end)):
        new = [edit for edit in fix.edits if edit not in seen]
        if any(_overlaps(edit, other) for edit in new for other in taken):
            continue
        if any(_touches(edit, area) for edit in new for area in reserved):
            continue
        if fix.isolation is not None:
            area = Edit(*fix.isolation)
            if any(_touches(edit, area) for edit in taken):
                continue
            reserved.append(area)
        taken.extend(new)
        seen.update(new)
        applied.append((code, fix))
    taken.sort(key=lambda e: (e.start, e.end))
    pieces: list[str] = []
    cursor = 0
    for edit in taken:
        pieces.append(text[cursor : edit.start])
        pieces.append(edit.content)
        cursor = max(cursor, edit.end)
    pieces.append(text[cursor:])
    return "".join(pieces), applied


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.start == a.end or b.start == b.end:
        # An insertion conflicts only with a replacement strictly around it.
        point, other = (a, b) if a.start == a.end else (b, a)
        return other.start < point.start < other.end
    return a.start < b.end and b.start < a.end


def _touches(edit: Edit, area: Edit) -> bool:
    return area.start <= edit.start <= area.end or area.start <= edit.end <= area.end


def parses(text: str, strict: bool = True) -> bool:
    """Is `text` valid Python? Strict also compiles it, which catches what the parser lets
    through but the compiler rejects — `await` outside `async def`, `return` outside a function."""
    if not strict:
        return _parse(text) is not None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<fixed>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def fix_text(
    text: str, lint: Callable[[str], list[Diagnostic]], *, unsafe: bool
) -> tuple[FixOutcome, list[Diagnostic]]:
    """Fix until stable; return the outcome and the findings left in the final text."""
    outcome = FixOutcome(text=text)
    # A file that does not compile to begin with is held to the parser's standard only.
    strict = parses(text)
    diagnostics = lint(text)
    retired: set[str] = set()
    for _ in range(MAX_PASSES):
        candidates = [(d.code, d.fix, d) for d in diagnostics if d.fixable(unsafe) and d.fix]
        if not candidates:
            break
        new_text, applied = _apply(outcome.text, [(c, f) for c, f, _ in candidates])
        if new_text != outcome.text and not parses(new_text, strict):
            new_text, applied = _apply_one_by_one(outcome, candidates, strict)
        if new_text == outcome.text:
            break
        outcome.text = new_text
        outcome.applied.update(code for code, _ in applied)
        retired.update(name for _, fix in applied for name in fix.retires)
        outcome.passes += 1
        diagnostics = lint(new_text)
    else:
        outcome.converged = not any(d.fixable(unsafe) for d in diagnostics)
    if retired:
        cleaned = drop_retired_imports(outcome.text, retired)
        if cleaned != outcome.text and parses(cleaned, strict):
            outcome.text = cleaned
            diagnostics = lint(cleaned)
    return outcome, diagnostics


def drop_retired_imports(text: str, retired: set[str]) -> str:
    """`text` without the `from m import n` names in `retired` ("m.n") that it no longer uses.

    Only names the applied fixes stopped using are candidates, and a name is removed only when
    the import is its sole mention as a whole word in the file (not in a comment, a string,
    `__all__` or another statement either): anything else is left for a person.
    """
    tree = _parse(text)
    if tree is None:
        return text
    source = Source(text)
    edits: list[Edit] = []
    dropped: list[tuple[str, str, str | None]] = []
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
            continue
        unused = [
            alias
            for alias in node.names
            if f"{node.module}.{alias.name}" in retired
            and len(re.findall(rf"(?<![\w.]){re.escape(alias.asname or alias.name)}(?!\w)", text))
            == 1
        ]
        removal = import_names_removal(source, node, unused) if unused else None
        if removal is not None:
            edits.extend(removal)
            dropped.extend((node.module, a.name, a.asname) for a in unused)
    if not edits:
        return text
    result, _ = _apply(text, [("", Fix(tuple(edits)))])
    # The edits are computed from positions: check that exactly the intended names went.
    expected = Counter(_imported(tree))
    expected.subtract(dropped)
    after = _parse(result)
    return result if after is not None and Counter(_imported(after)) == +expected else text


def import_names_removal(
    source: Source, node: ast.ImportFrom, aliases: list[ast.alias], *, comment_goes: bool = False
) -> list[Edit] | None:
    """Edits that remove `aliases` from the import `node`, or None when that would take other
    code with it (all its names go, and the statement shares its line with other code).
    A comment after the statement counts as other code unless `comment_goes`: a note on an
    import that merely became unused is a person's to remove, a note on the import a fix
    rewrites goes with it.

    A name with a kept name after it goes with the separator that follows it; a name of the
    trailing run goes with the separator before it, so the ranges never overlap.
    """
    names = node.names
    if len(aliases) == len(names):
        start, end = source.span(node)
        starts = source.line_starts
        row_start = starts[node.lineno - 1]
        end_row = node.end_lineno or node.lineno
        row_end = starts[end_row] if end_row < len(starts) else len(source.text)
        after = source.text[end:row_end].strip()
        if comment_goes and after.startswith("#"):
            after = ""
        if source.text[row_start:start].strip() or after:
            return None
        return [Edit(row_start, row_end, "")]
    edits = []
    for index, alias in enumerate(names):
        if alias not in aliases:
            continue
        if any(later not in aliases for later in names[index + 1 :]):
            edits.append(Edit(source.span(alias)[0], source.span(names[index + 1])[0], ""))
        else:
            edits.append(Edit(source.span(names[index - 1])[1], source.span(alias)[1], ""))
    return edits


def _parse(text: str) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _imported(tree: ast.Module) -> list[tuple[str, str, str | None]]:
    return [
        (node.module or "", alias.name, alias.asname)
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and not node.level
        for alias in node.names
    ]


def _apply_one_by_one(
    outcome: FixOutcome, candidates: list[tuple[str, Fix, Diagnostic]], strict: bool
) -> tuple[str, list[tuple[str, Fix]]]:
    """The fallback when a pass broke the file: keep only the fixes that parse on their own.

    Each fix is tried alone against the pass's starting text, so offsets stay valid; the good
    ones are then applied together, and if even they interact badly, only the first is kept
    (the next pass re-lints and continues from there).
    """
    text = outcome.text
    good: list[tuple[str, Fix]] = []
    for code, fix, diagnostic in candidates:
        attempt, done = _apply(text, [(code, fix)])
        if done and parses(attempt, strict):
            good.append((code, fix))
        elif done:
            outcome.dropped.append(
                f"{code} at {diagnostic.row}:{diagnostic.col}: the fix would not parse; left as is"
            )
    if not good:
        return text, []
    combined, applied = _apply(text, good)
    if parses(combined, strict):
        return combined, applied
    return _apply(text, good[:1])


def unified_diff(before: str, after: str, path: str) -> str:
    name = _diff_name(path)
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=name,
        tofile=name,
    )
    out = []
    for line in lines:
        out.append(
            line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
        )
    return "".join(out)


def _diff_name(path: str) -> str:
    """The file name of a diff header. One that a header cannot carry as it is (a line break,
    a control or bidirectional character, an undecodable byte, a leading quote) is quoted as
    git quotes it, which `git apply` and GNU patch read back: in double quotes, with C escapes
    and the bytes outside printable ASCII in octal."""
    from .output._text import printable  # noqa: PLC0415 - start-up: only `_diff_name` needs it

    if printable(path) == path and not path.startswith('"'):
        return path
    out = []
    for byte in os.fsencode(path):
        char = chr(byte)
        if char in _C_ESCAPES:
            out.append(_C_ESCAPES[char])
        elif 0x20 <= byte < 0x7F:
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"'


_C_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\v": "\\v",
    "\f": "\\f",
    "\r": "\\r",
    '"': '\\"',
    "\\": "\\\\",
}
