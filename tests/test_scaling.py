"""Work grows linearly with the input: counted, not timed.

`bench/scaling.py` measures the time of one file at doubling sizes. Wall time is no test (the
machine may be shared), so these count the operations that were quadratic: each doubling of
the input may at most double them (with some slack for the constant part).
"""

from __future__ import annotations

import difflib
import random
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import fix, lint

from fastapi_lint import fixes
from fastapi_lint.diagnostics import Edit, Fix
from fastapi_lint.semantic import model as semantic_model
from fastapi_lint.source import Source

sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
import scaling  # bench/ is not a package: found through the path above

LIMIT = 2.3


def counted(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[int]:
    """Count the calls of `owner.name` from now on."""
    calls = [0]
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, wrapper)
    return calls


def doubling(work: Callable[[int], int], n: int) -> float:
    return work(2 * n) / work(n)


def test_fal201_positions_of_a_shared_fix_are_worked_out_once(monkeypatch: pytest.MonkeyPatch):
    """Every handler of an app carries the app's one lifespan fix (an edit per handler):
    resolving its positions per finding made N findings x N edits."""
    calls = counted(monkeypatch, Source, "position")

    def work(n: int) -> int:
        calls[0] = 0
        found = lint(scaling.on_event(n, Path()), "FAL201")
        assert len(found) == n
        assert len({id(d.fix_positions) for d in found}) == 1  # one tuple, shared
        return calls[0]

    assert doubling(work, 100) <= LIMIT


def test_fal503_finds_the_annotated_name_without_scanning_the_module(
    monkeypatch: pytest.MonkeyPatch,
):
    """`annotated_name` looked at every module-level name for every route."""
    scans = [0]

    class Bindings(dict):
        def items(self):
            scans[0] += len(self)
            return super().items()

        def __iter__(self):
            scans[0] += len(self)
            return super().__iter__()

    original = semantic_model.Scope.__post_init__

    def post_init(self):
        original(self)
        if self.kind is semantic_model.ScopeKind.MODULE:
            self.bindings = Bindings()

    monkeypatch.setattr(semantic_model.Scope, "__post_init__", post_init)

    def work(n: int) -> int:
        scans[0] = 0
        found = lint(scaling.routes(n, Path()), "FAL503")
        assert len(found) == 2 * n
        return scans[0] + n  # + n: the walk itself

    assert doubling(work, 200) <= LIMIT


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from typing import Annotated\n", "Annotated"),
        ("import typing_extensions as te\nfrom typing_extensions import Annotated as A\n", "A"),
        ("from typing import Annotated as A\nfrom typing import Annotated as B\n", "A"),
        # Rebound to something else: the name no longer stands for Annotated.
        ("from typing import Annotated as A\nA = 1\nimport typing as t\n", "t.Annotated"),
        ("import typing as t\nimport typing\n", "t.Annotated"),
        ("Annotated = 1\n", None),
    ],
)
def test_annotated_name_is_what_a_scan_of_the_bindings_finds(source: str, expected: str | None):
    route = (
        "from fastapi import Depends, FastAPI\napp = FastAPI()\n"
        "@app.get('/')\ndef index(db: int = Depends(get_db)):\n    return db\n"
    )
    found = lint(source + route, "FAL503")
    assert len(found) == 1
    text = fix(source + route, "FAL503", unsafe=True)
    if expected is None:
        assert found[0].fix is None
    else:
        assert f"db: {expected}[int, Depends(get_db)]" in text, text


def test_fix_application_checks_each_edit_against_its_neighbours(
    monkeypatch: pytest.MonkeyPatch,
):
    """Each fix was checked for overlaps against every edit taken before it."""
    calls = counted(monkeypatch, fixes, "_overlaps")
    touches = counted(monkeypatch, fixes, "_touches")

    def work(n: int) -> int:
        calls[0] = touches[0] = 0
        text = scaling.blocking(n, Path())
        fixed = fix(text, "FAL101", "FAL102", unsafe=True)
        assert fixed.count("await asyncio.sleep") == n // 2
        return calls[0] + touches[0] + n

    assert doubling(work, 200) <= LIMIT


def naive_apply(text: str, items: list[tuple[str, Fix]]) -> tuple[str, list[str]]:
    """The fixer's rules for taking fixes, checked against every edit taken (the old way)."""
    taken: list[Edit] = []
    seen: set[Edit] = set()
    reserved: list[Edit] = []
    applied = []
    for code, fix_ in sorted(items, key=lambda item: (item[1].start, item[1].end)):
        new = [edit for edit in fix_.edits if edit not in seen]
        if any(fixes._overlaps(e, o) for e in new for o in taken):
            continue
        if any(fixes._touches(e, a) for e in new for a in reserved):
            continue
        if fix_.isolation is not None:
            area = Edit(*fix_.isolation)
            if any(fixes._touches(e, area) for e in taken):
                continue
            reserved.append(area)
        taken.extend(new)
        seen.update(new)
        applied.append(code)
    taken.sort(key=lambda e: (e.start, e.end))
    out, cursor = [], 0
    for edit in taken:
        out.append(text[cursor : edit.start] + edit.content)
        cursor = max(cursor, edit.end)
    return "".join(out) + text[cursor:], applied


@pytest.mark.parametrize("seed", range(30))
def test_fix_application_takes_the_same_fixes_as_checking_every_pair(seed: int):
    rng = random.Random(seed)
    text = "".join(rng.choice("abc \n") for _ in range(5000))

    def edit() -> Edit:
        start = rng.randrange(len(text))
        return Edit(start, min(len(text), start + rng.choice([0, 0, 1, 5, 40, 3000])), "X")

    items = []
    for n in range(200):
        edits = tuple({edit() for _ in range(rng.choice([1, 1, 2, 3]))})
        isolation = None
        if rng.random() < 0.2:
            start = rng.randrange(len(text))
            isolation = (start, start + rng.randrange(2500))
        items.append((f"C{n}", Fix(edits, isolation=isolation)))
    items.append(("IMP", Fix((Edit(0, 0, "import x\n"),))))
    items.append(("IMP2", Fix((Edit(0, 0, "import x\n"), Edit(4000, 4001, "Y")))))
    assert fixes.apply_fixes(text, items) == naive_apply(text, items)


def test_diff_of_many_changes_hands_difflib_short_stretches(monkeypatch: pytest.MonkeyPatch):
    """difflib's matcher is quadratic on a whole file with thousands of changed places."""
    sizes: list[int] = []
    original = fixes._match

    def match(a, b, popular):
        sizes.append(len(a) * len(b))
        return original(a, b, popular)

    monkeypatch.setattr(fixes, "_match", match)

    def work(n: int) -> int:
        sizes.clear()
        before = scaling.blocking(n, Path())
        after = before.replace("async def fetch", "def fetch").replace(
            "time.sleep(", "await asyncio.sleep("
        )
        diff = fixes.unified_diff(before, after, "app.py")
        assert diff.count("+def fetch_") == n // 2
        return sum(sizes) + n

    assert doubling(work, 500) <= LIMIT


def reference_diff(before: str, after: str, path: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), path, path
    )
    return "".join(
        line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
        for line in lines
    )


FIXTURES = sorted((Path(__file__).parent.parent / "fixtures").rglob("*.py"))


@pytest.mark.parametrize("path", FIXTURES[:40], ids=lambda p: p.parent.name + "/" + p.name)
def test_diff_is_difflibs(path: Path):
    """The piecewise diff is difflib's, hunk for hunk, on edits like the fixes make: lines
    rewritten, an import added, lines deleted, blank lines added and removed."""
    before = path.read_bytes().decode("utf-8", "replace")
    lines = before.splitlines(keepends=True)
    rng = random.Random(path.name)
    for _ in range(10):
        new = list(lines)
        for _ in range(rng.randint(1, 5)):
            k = rng.randrange(len(new) + 1)
            roll = rng.random()
            if roll < 0.25:
                new.insert(k, rng.choice(["import asyncio\n", "\n", "    pass\n"]))
            elif roll < 0.5 and new:
                del new[min(k, len(new) - 1)]
            elif new:
                k = min(k, len(new) - 1)
                new[k] = new[k].replace("def ", "async def ").replace("(", "( ", 1)
        after = "".join(new)
        assert fixes.unified_diff(before, after, "p.py") == reference_diff(before, after, "p.py")


def test_diff_without_changes_and_without_final_newline():
    assert fixes.unified_diff("a\n", "a\n", "p.py") == ""
    assert fixes.unified_diff("a", "b", "p.py") == reference_diff("a", "b", "p.py")
    assert fixes.unified_diff("", "x\n", "p.py") == reference_diff("", "x\n", "p.py")
