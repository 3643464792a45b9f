"""Applying fixes: overlap check, convergence loop, re-parse guard, and unified diffs.

Fixes are text edits over the file's text. One pass applies every non-overlapping fix of the
current findings; the file is then linted again and the next pass applies what became possible,
until nothing changes (bounded). A pass whose result does not parse is never kept: its fixes are
retried one by one and those that break the file are dropped and reported.
"""

from __future__ import annotations

import ast
import difflib
import warnings
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .diagnostics import Diagnostic, Edit, Fix

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
    taken: list[Edit] = []
    seen: set[Edit] = set()
    reserved: list[Edit] = []  # isolation ranges of the fixes taken so far
    applied: list[str] = []
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
        applied.append(code)
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
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if strict:
                compile(text, "<fixed>", "exec", dont_inherit=True)
            else:
                ast.parse(text)
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
    for _ in range(MAX_PASSES):
        candidates = [(d.code, d.fix, d) for d in diagnostics if d.fixable(unsafe) and d.fix]
        if not candidates:
            return outcome, diagnostics
        new_text, applied = apply_fixes(outcome.text, [(c, f) for c, f, _ in candidates])
        if new_text != outcome.text and not parses(new_text, strict):
            new_text, applied = _apply_one_by_one(outcome, candidates, strict)
        if new_text == outcome.text:
            return outcome, diagnostics
        outcome.text = new_text
        outcome.applied.update(applied)
        outcome.passes += 1
        diagnostics = lint(new_text)
    outcome.converged = not any(d.fixable(unsafe) for d in diagnostics)
    return outcome, diagnostics


def _apply_one_by_one(
    outcome: FixOutcome, candidates: list[tuple[str, Fix, Diagnostic]], strict: bool
) -> tuple[str, list[str]]:
    """The fallback when a pass broke the file: keep only the fixes that parse on their own.

    Each fix is tried alone against the pass's starting text, so offsets stay valid; the good
    ones are then applied together, and if even they interact badly, only the first is kept
    (the next pass re-lints and continues from there).
    """
    text = outcome.text
    good: list[tuple[str, Fix]] = []
    for code, fix, diagnostic in candidates:
        attempt, done = apply_fixes(text, [(code, fix)])
        if done and parses(attempt, strict):
            good.append((code, fix))
        elif done:
            outcome.dropped.append(
                f"{code} at {diagnostic.row}:{diagnostic.col}: the fix would not parse; left as is"
            )
    if not good:
        return text, []
    combined, applied = apply_fixes(text, good)
    if parses(combined, strict):
        return combined, applied
    return apply_fixes(text, good[:1])


def unified_diff(before: str, after: str, path: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=path,
        tofile=path,
    )
    out = []
    for line in lines:
        out.append(
            line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
        )
    return "".join(out)
