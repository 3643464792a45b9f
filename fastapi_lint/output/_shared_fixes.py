"""One fix that answers several findings, written once by the formats that carry fixes.

A fix can belong to several findings: FAL201's lifespan fix moves every `on_event` handler of
an app into one `lifespan` function, so the finding of each handler carries the whole fix (its
edits touch every handler); a function made sync answers each blocking call in it. Written
with every finding, N findings would carry N copies of an N-edit fix, and a reader applying
every fix would apply it N times. So JSON, JSON lines, SARIF and rdjson write the fix with
the first of its findings (in report order) and let the others point to that one. In-process
consumers (`--fix`, the language server's code actions) are unaffected: each finding keeps its
`Fix`, and the fixer applies an equal fix once.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..diagnostics import Diagnostic, Fix


def first_with_same_fix(diagnostics: Sequence[Diagnostic]) -> list[int | None]:
    """For each finding, the index of the earlier finding of the same file whose fix is equal
    to its own (the one that writes it); None for a finding without a fix or the first with it."""
    first: dict[tuple[str, Fix], int] = {}
    out: list[int | None] = []
    for index, d in enumerate(diagnostics):
        if d.fix is None:
            out.append(None)
            continue
        key = (d.path, d.fix)
        earlier = first.setdefault(key, index)
        out.append(None if earlier == index else earlier)
    return out
