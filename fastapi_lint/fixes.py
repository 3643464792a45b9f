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
import warnings
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from .diagnostics import Diagnostic, Edit, Fix
from .import_placement import join_import_insertions, member_key
from .layout import laid_out, relayout
from .parsing import at_top_of_stack
from .source import Source, split_lines

MAX_PASSES = 10


@dataclass
class FixOutcome:
    """A file's text after its fixes were applied, and what was applied or left out."""

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


def _apply(
    text: str, fixes: Iterable[tuple[str, Fix]], line_length: int | None = None
) -> tuple[str, list[tuple[str, Fix]]]:
    taken = _Ranges()
    seen: set[Edit] = set()
    reserved = _Ranges()  # isolation ranges of the fixes taken so far
    applied: list[tuple[str, Fix]] = []
    for code, fix in sorted(fixes, key=lambda item: (item[1].start, item[1].end)):
        new = [edit for edit in fix.edits if edit not in seen]
        if any(_overlaps(edit, other) for edit in new for other in taken.near(edit)):
            continue
        if any(_touches(edit, area) for edit in new for area in reserved.near(edit)):
            continue
        if fix.isolation is not None:
            area = Edit(*fix.isolation)
            if any(_touches(edit, area) for edit in taken.near(area)):
                continue
            reserved.add(area)
        for edit in new:
            taken.add(edit)
        seen.update(new)
        applied.append((code, fix))
    edits = join_import_insertions(sorted(taken.edits, key=lambda e: (e.start, e.end)))
    if line_length is not None and len(applied) > 1:
        # Each fix fits the line on its own; several on one line together may not.
        edits = sorted(
            laid_out(Fix(tuple(edits)), Source(text), line_length).edits,
            key=lambda e: (e.start, e.end),
        )
    pieces: list[str] = []
    cursor = 0
    for edit in edits:
        pieces.append(text[cursor : edit.start])
        pieces.append(edit.content)
        cursor = max(cursor, edit.end)
    pieces.append(text[cursor:])
    return "".join(pieces), applied


class _Ranges:
    """The edits (or reserved ranges) taken so far, filed by the stretches of text they cover.

    A file with thousands of fixes asked "does this edit overlap any taken one?" for each of
    them: against a list that is quadratic. Two ranges can overlap or touch only if they share
    a stretch (both ends inclusive), so `near` returns a superset of the candidates and the
    callers apply their exact tests to it: the same decisions, in linear time.
    """

    STRETCH = 1024  # characters

    def __init__(self) -> None:
        self.edits: list[Edit] = []
        self._stretches: dict[int, list[Edit]] = {}

    def add(self, edit: Edit) -> None:
        self.edits.append(edit)
        for stretch in range(edit.start // self.STRETCH, edit.end // self.STRETCH + 1):
            self._stretches.setdefault(stretch, []).append(edit)

    def near(self, edit: Edit) -> Iterable[Edit]:
        stretches = self._stretches
        if not stretches:
            return ()
        first, last = edit.start // self.STRETCH, edit.end // self.STRETCH
        if first == last:
            return stretches.get(first, ())
        found: dict[Edit, None] = {}  # each once, in the order taken
        for stretch in range(first, last + 1):
            for other in stretches.get(stretch, ()):
                found[other] = None
        return found


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

    def compile_it() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<fixed>", "exec", dont_inherit=True)

    try:
        try:
            compile_it()
        except RecursionError:
            at_top_of_stack(compile_it)  # deep code: as deep as Python itself compiles
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def fix_text(
    text: str, lint: Callable[[str], list[Diagnostic]], *, unsafe: bool, line_length: int = 88
) -> tuple[FixOutcome, list[Diagnostic]]:
    """Fix until stable; return the outcome and the findings left in the final text. A line the
    fixes of a pass together make longer than `line_length` is laid out as the formatter would
    (`layout.py`; each fix already is on its own)."""
    outcome = FixOutcome(text=text)
    # A file that does not compile to begin with is held to the parser's standard only.
    strict = parses(text)
    diagnostics = lint(text)
    retired: set[str] = set()
    for _ in range(MAX_PASSES):
        candidates = [(d.code, d.fix, d) for d in diagnostics if d.fixable(unsafe) and d.fix]
        if not candidates:
            break
        new_text, applied = _apply(outcome.text, [(c, f) for c, f, _ in candidates], line_length)
        if new_text != outcome.text and not parses(new_text, strict):
            new_text, applied = _apply_one_by_one(outcome, candidates, strict, line_length)
        if new_text == outcome.text:
            break
        outcome.text = new_text
        outcome.applied.update(code for code, _ in applied)
        retired.update(name for _, fix in applied for name in fix.retires)
        outcome.passes += 1
        diagnostics = lint(new_text)
    else:
        outcome.converged = not any(d.fixable(unsafe) for d in diagnostics)
    cleaned = outcome.text
    if retired:
        cleaned = drop_retired_imports(cleaned, retired)
        cleaned = rejoin_imports(text, cleaned, line_length)
    if outcome.passes:
        cleaned = merge_added_imports(text, cleaned, line_length)
    if cleaned != outcome.text and parses(cleaned, strict):
        outcome.text = cleaned
        diagnostics = lint(cleaned)
    return outcome, diagnostics


def merge_added_imports(original: str, text: str, line_length: int) -> str:
    """`text` with two adjacent top-level `from m import ...` of one module joined into one,
    where the fixes made the second: in one pass FAL306 rewrites `from pydantic import
    BaseSettings` to `pydantic_settings` while FAL303 adds `from pydantic_settings import
    SettingsConfigDict` beside it, and isort (ruff's I001) would join the two. A file that
    imports some module on two statements already keeps its style (force-single-line); those with
    a comment, a backslash or a star, or not alone on their lines, are left for a person. The
    names go in isort's order-by-type; a joined import longer than `line_length` is wrapped one
    name a line, as isort wraps it."""
    if text == original:
        return text
    before, after = _parse(original), _parse(text)
    if before is None or after is None:
        return text
    had = Counter((n.level, n.module) for n in before.body if isinstance(n, ast.ImportFrom))
    if any(count > 1 for count in had.values()):
        return text  # one name a statement is the file's style (isort's force-single-line)
    source = Source(text)
    edits: list[Edit] = []
    taken: set[int] = set()
    for first, second in pairwise(after.body):
        if not isinstance(first, ast.ImportFrom) or not isinstance(second, ast.ImportFrom):
            continue
        key = (first.level, first.module)
        if first.level or (second.level, second.module) != key:
            continue
        if id(first) in taken:
            continue
        if second.lineno != (first.end_lineno or first.lineno) + 1:
            continue
        start, _ = source.span(first)
        _, end = source.span(second)
        chunk = text[start:end]
        if "#" in chunk or "\\" in chunk or ";" in chunk:
            continue
        if start != source.line_starts[first.lineno - 1]:
            continue
        if any(alias.name == "*" for alias in (*first.names, *second.names)):
            continue
        ordered = sorted((*first.names, *second.names), key=lambda a: member_key(a.name))
        once = {(a.name, a.asname): a for a in ordered}  # a name both import: written once
        line = _from_import(first, once.values())
        if len(line) > line_length:
            newline = "\r\n" if "\r\n" in chunk else "\n"
            wrapped = relayout(line, line_length, newline)  # as isort wraps it
            if wrapped is None:
                continue
            line = wrapped
        edits.append(Edit(start, end, line))
        taken.add(id(second))
    if not edits:
        return text
    result = _apply(text, [("", Fix(tuple(edits)))])[0]
    # Joined, not changed: every imported name is still imported, under the same name.
    merged = _parse(result)
    if merged is None or set(_imported(merged)) != set(_imported(after)):
        return text
    return result


def _from_import(node: ast.ImportFrom, aliases: Iterable[ast.alias]) -> str:
    """`from m import a, b as c` on one line: `node`'s module with `aliases` in the order given."""
    names = ", ".join(f"{a.name} as {a.asname}" if a.asname else a.name for a in aliases)
    return f"from {'.' * node.level}{node.module or ''} import {names}"


def rejoin_imports(original: str, text: str, line_length: int) -> str:
    """`text` with each top-level `from m import (...)` that the fixes wrapped (one line in
    `original`) and that fits one line again once the retired names are gone written on one
    line, as it was: names added by a pass may have wrapped it, the cleanup shrinks it back."""
    before, after = _parse(original), _parse(text)
    if before is None or after is None:
        return text
    single = {
        (node.level, node.module)
        for node in before.body
        if isinstance(node, ast.ImportFrom) and node.lineno == node.end_lineno
    }
    source = Source(text)
    edits = []
    for node in after.body:
        if (
            not isinstance(node, ast.ImportFrom)
            or node.lineno == node.end_lineno
            or (node.level, node.module) not in single
        ):
            continue
        start, end = source.span(node)
        if "#" in text[start:end] or "\\" in text[start:end]:
            continue
        line = _from_import(node, node.names)
        row_start = source.line_starts[node.lineno - 1]
        if row_start != start or len(line) > line_length:
            continue
        edits.append(Edit(start, end, line))
    if not edits:
        return text
    return _apply(text, [("", Fix(tuple(edits)))])[0]


def drop_retired_imports(text: str, retired: set[str]) -> str:
    """`text` without the `from m import n` names in `retired` ("m.n") that it no longer uses,
    and without an `import m` whose module no code reads any more (`time.sleep` retired).

    Only names the applied fixes stopped using are candidates, and a name is removed only when
    no code reads it any more, as ruff's F401 judges it: no name, `global`/`nonlocal` or string
    of its own (`__all__ = ["validator"]`) mentions it; a word in a comment or a docstring is
    no use. An import with a comment on its line is left for a person.
    """
    tree = _parse(text)
    if tree is None:
        return text
    source = Source(text)
    edits: list[Edit] = []
    dropped: list[tuple[str, str, str | None]] = []
    # `import time` once `time.sleep` is retired: a module whose name no code reads any more.
    modules = {name.rpartition(".")[0] for name in retired}
    read = None
    for node in tree.body:
        if isinstance(node, ast.Import):
            if read is None:
                read = _names_read(tree)
            unused = [
                alias
                for alias in node.names
                if alias.name in modules
                and (alias.asname or "." not in alias.name)
                and (alias.asname or alias.name) not in read
            ]
            removal = import_names_removal(source, node, unused) if unused else None
            if removal is not None:
                edits.extend(removal)
                dropped.extend((a.name, "", a.asname) for a in unused)
            continue
        if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
            continue
        if read is None:
            read = _names_read(tree)
        unused = [
            alias
            for alias in node.names
            if f"{node.module}.{alias.name}" in retired and (alias.asname or alias.name) not in read
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


def _names_read(tree: ast.Module) -> set[str]:
    """Every name the module mentions outside its imports: as a name, in `global`/`nonlocal`,
    or as a string of its own (`__all__`, `getattr(module, "time")`)."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            out.add(node.id)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            out.update(node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.add(node.value)
    return out


def import_names_removal(
    source: Source,
    node: ast.Import | ast.ImportFrom,
    aliases: list[ast.alias],
    *,
    comment_goes: bool = False,
) -> list[Edit] | None:
    """Edits that remove `aliases` from the import `node` (`import a, b` or `from m import a, b`):
    the whole statement (its lines) when all its names go, or None when that would take other
    code with it (the statement shares its line with other code).
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
    """(module, name, as) of each top-level import; `import m` as (m, "", as)."""
    out = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and not node.level:
            out += [(node.module or "", alias.name, alias.asname) for alias in node.names]
        elif isinstance(node, ast.Import):
            out += [(alias.name, "", alias.asname) for alias in node.names]
    return out


def _apply_one_by_one(
    outcome: FixOutcome,
    candidates: list[tuple[str, Fix, Diagnostic]],
    strict: bool,
    line_length: int | None = None,
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
    combined, applied = _apply(text, good, line_length)
    if parses(combined, strict):
        return combined, applied
    return _apply(text, good[:1])


def unified_diff(before: str, after: str, path: str) -> str:
    """`difflib.unified_diff` of the two texts, in time that grows linearly with the file."""
    a = split_lines(before)
    b = split_lines(after)
    out: list[str] = []
    for group in _Grouping(_opcodes(a, b)).get_grouped_opcodes(3):
        if not out:
            name = _diff_name(path)
            out.extend((f"--- {name}\n", f"+++ {name}\n"))
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(" " + line for line in a[i1:i2])
                continue
            out.extend("-" + line for line in a[i1:i2])
            out.extend("+" + line for line in b[j1:j2])
    return "".join(
        line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
        for line in out
    )


def _range(start: int, stop: int) -> str:
    """A hunk's line range, as unified diffs write it."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


Opcode = tuple[str, int, int, int, int]


class _Grouping(difflib.SequenceMatcher[str]):
    """difflib's grouping of opcodes into hunks, applied to opcodes found elsewhere."""

    def __init__(self, codes: list[Opcode]) -> None:
        super().__init__(None, [], [])
        self._codes = codes

    def get_opcodes(self) -> list[Opcode]:  # type: ignore[override]  # str tags, not Literals
        return list(self._codes)


def _opcodes(a: list[str], b: list[str]) -> list[Opcode]:
    """`SequenceMatcher(None, a, b).get_opcodes()`, found piecewise.

    On a whole file, difflib's matcher takes time quadratic in the number of changed places
    (a fixed file with 4,000 changed functions spent most of `--diff` there). So a first,
    rough alignment finds where the changes are (`_rough`); then each change is aligned again
    by difflib in a window reaching to the neighbouring changes, so that where a change sits in
    a run of identical lines (which of two blank lines was deleted) is decided on the same
    matching blocks difflib would compare on the whole file. Every equal stretch is in at most
    two windows: linear time. Should two windows disagree on the stretch between them, the
    rough alignment stands (the same diff, shown differently).
    """
    anchors = _anchors(a, b)
    rough = _rough(a, b, anchors)
    anchored = {i for i, _ in anchors}
    clusters: list[tuple[int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in rough:
        if tag == "equal":
            continue
        # Changes a few equal lines apart are aligned together: the rough alignment's short
        # equal runs may be coincidences that difflib, comparing longer blocks, would not pick
        # (a blank line among blank lines) -- unless a line unique to both texts is among them.
        if (
            clusters
            and i1 - clusters[-1][1] <= _NEAR
            and j1 - clusters[-1][3] <= _NEAR
            and not any(i in anchored for i in range(clusters[-1][1], i1))
        ):
            clusters[-1] = (clusters[-1][0], i2, clusters[-1][2], j2)
        else:
            clusters.append((i1, i2, j1, j2))
    if not clusters:
        return rough
    popular = _popular(b)
    cores: list[list[Opcode]] = []
    for k, _cluster in enumerate(clusters):
        wa1, wb1 = (clusters[k - 1][1], clusters[k - 1][3]) if k else (0, 0)
        wa2, wb2 = (
            (clusters[k + 1][0], clusters[k + 1][2]) if k + 1 < len(clusters) else (len(a), len(b))
        )
        window = _match(a[wa1:wa2], b[wb1:wb2], popular)
        changed = [n for n, code in enumerate(window) if code[0] != "equal"]
        if not changed:
            return rough
        cores.append(
            [
                (tag, wa1 + i1, wa1 + i2, wb1 + j1, wb1 + j2)
                for tag, i1, i2, j1, j2 in window[changed[0] : changed[-1] + 1]
            ]
        )
    codes: list[Opcode] = []
    i = j = 0
    for core in cores:
        start_i, start_j = core[0][1], core[0][3]
        if start_i - i != start_j - j or start_i < i or a[i:start_i] != b[j:start_j]:
            return rough
        if start_i > i:
            codes.append(("equal", i, start_i, j, start_j))
        for code in core:
            _push(codes, code)
        i, j = core[-1][2], core[-1][4]
    if len(a) - i != len(b) - j or a[i:] != b[j:]:
        return rough
    if i < len(a):
        codes.append(("equal", i, len(a), j, len(b)))
    return codes


_NEAR = 3  # equal lines between two changes that still align them together


def _push(codes: list[Opcode], code: Opcode) -> None:
    """Append an opcode, joining it to the last one as difflib would have written them: equal
    runs into one, and changes that touch into one insert, delete or replace."""
    tag, i1, i2, j1, j2 = code
    if codes:
        last_tag, li1, li2, lj1, lj2 = codes[-1]
        if (last_tag == "equal") == (tag == "equal") and li2 == i1 and lj2 == j1:
            if tag != "equal":
                tag = "replace" if li1 < i2 and lj1 < j2 else "insert" if li1 == i2 else "delete"
            codes[-1] = (tag, li1, i2, lj1, j2)
            return
    codes.append(code)


def _popular(b: list[str]) -> set[str]:
    """difflib never starts a match on a line that is "popular" in the whole of `b` (more than
    1 % of 200 or more lines): every piece leaves the same lines out."""
    if len(b) < 200:
        return set()
    limit = len(b) // 100 + 1
    return {line for line, count in Counter(b).items() if count > limit}


def _match(a: list[str], b: list[str], popular: set[str]) -> list[Opcode]:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    # `b2j` (line -> its positions in b) is where difflib itself drops popular lines.
    index = matcher.b2j  # type: ignore[attr-defined]  # not in the stubs; in difflib since 2.x
    for line in popular:
        index.pop(line, None)
    return list(matcher.get_opcodes())


def _rough(a: list[str], b: list[str], anchors: list[tuple[int, int]]) -> list[Opcode]:
    """An alignment in n log n: lines that occur exactly once in each text, in the same order in
    both (`anchors`), are matched; difflib aligns the short stretches between them."""
    anchors = [*anchors, (len(a), len(b))]
    popular = _popular(b)
    codes: list[Opcode] = []
    i = j = 0
    for anchor_i, anchor_j in anchors:
        if a[i:anchor_i] == b[j:anchor_j]:
            if anchor_i > i:
                _push(codes, ("equal", i, anchor_i, j, anchor_j))
        else:
            for tag, i1, i2, j1, j2 in _match(a[i:anchor_i], b[j:anchor_j], popular):
                _push(codes, (tag, i + i1, i + i2, j + j1, j + j2))
        if anchor_i < len(a):
            _push(codes, ("equal", anchor_i, anchor_i + 1, anchor_j, anchor_j + 1))
        i, j = anchor_i + 1, anchor_j + 1
    return codes


def _anchors(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """(i, j) of the lines unique in both texts that keep their order: the longest increasing
    run of j over i, in n log n (patience sorting)."""
    counts_a = Counter(a)
    counts_b = Counter(b)
    where_b = {line: j for j, line in enumerate(b) if counts_b[line] == 1}
    pairs = [
        (i, where_b[line]) for i, line in enumerate(a) if counts_a[line] == 1 and line in where_b
    ]
    tops: list[int] = []  # the smallest j ending an increasing run of each length
    ends: list[int] = []  # index into pairs of that run's last pair
    previous: list[int] = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        length = bisect_left(tops, j)
        if length == len(tops):
            tops.append(j)
            ends.append(index)
        else:
            tops[length] = j
            ends[length] = index
        previous[index] = ends[length - 1] if length else -1
    run: list[tuple[int, int]] = []
    index = ends[-1] if ends else -1
    while index != -1:
        run.append(pairs[index])
        index = previous[index]
    run.reverse()
    return run


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
