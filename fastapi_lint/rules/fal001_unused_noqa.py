from __future__ import annotations

import ast
from collections.abc import Iterable

from ..context import Context
from ..diagnostics import Applicability, Diagnostic, Edit, Fix
from ..noqa import Directive, directives
from ..rule import FixAvailability, Invalid, Rule, Valid
from ..source import Source


class UnusedNoqa(Rule):
    """## What it does
    Checks for a `# noqa` comment naming a fastapi-lint code (`FAL...`) that suppresses
    nothing on its line: the rule it names found nothing there (*unused*), is not enabled for
    the file — not selected, per-file ignored, or in preview while preview is off
    (*non-enabled*) — or does not exist (*unknown*).

    Only `FAL` codes are looked at: `# noqa: E501` belongs to another tool, and a blanket
    `# noqa` (no codes) may be serving any of them, so neither is ever reported.

    ## Why is this bad?
    A suppression that no longer suppresses anything hides the next real finding on that
    line, and a misspelt code (`# noqa: FAL12`, `# noqa: FAL1O2`) suppresses nothing while
    looking as if it did. After `--add-noqa` has adopted the tool on a codebase, this rule
    tells which of those comments the code has since outgrown.

    ## Example
    ```python
    import asyncio


    async def wait():
        await asyncio.sleep(1)  # noqa: FAL102
    ```

    ## Use instead
    ```python
    import asyncio


    async def wait():
        await asyncio.sleep(1)
    ```

    ## Fix safety
    Safe: the fix removes the codes that suppress nothing, or the whole `# noqa` comment when
    no code of it is left (a reason written after the codes goes with it; another comment on
    the same line stays). Removing a suppression cannot change what the code does.
    """

    code = "FAL001"
    name = "unused-noqa"
    message = "Unused `noqa` directive ({details})"
    fix_availability = FixAvailability.ALWAYS
    fix_applicability = (Applicability.SAFE,)
    preview = True
    # Only files with a noqa comment can draw it; the engine calls `check_directives` once the
    # other rules' findings are known, so the walk has nothing for it.
    triggers = ("noqa", "NOQA", "Noqa", "NoQA")
    valid = [
        "x = 1  # noqa\n",
        "x = 1  # noqa: E501\n",
        "x = 1  # noqa: E501, W291\n",
        'x = "# noqa: FAL999"\n',
        Valid(
            """
            # fastapi-lint: noqa
            x = 1  # noqa: FAL999
            """
        ),
    ]
    invalid = [
        Invalid(
            "x = 1  # noqa: FAL999\n",
            expect=["1:8-1:22 Unused `noqa` directive (unknown: `FAL999`)"],
            fixed="x = 1\n",
        ),
        Invalid(
            "x = 1  # noqa: E501, FAL102\n",
            expect=["1:8-1:28 Unused `noqa` directive (non-enabled: `FAL102`)"],
            fixed="x = 1  # noqa: E501\n",
        ),
        Invalid(
            "x = 1  # noqa:FAL1,E501\n",
            expect=["1:8-1:24 Unused `noqa` directive (non-enabled: `FAL1`)"],
            fixed="x = 1  # noqa: E501\n",
        ),
        Invalid(
            "x = 1  # noqa: FAL102 kept for now  # type: ignore\n",
            expect=["1:8-1:22 Unused `noqa` directive (non-enabled: `FAL102`)"],
            fixed="x = 1  # type: ignore\n",
        ),
        Invalid(
            """
            x = 1  # noqa: FAL001, FAL999
            y = \"\"\"
            {}
            \"\"\"  # noqa: FAL99
            """,
            expect=[
                "1:8-1:30 Unused `noqa` directive (unused: `FAL001`; unknown: `FAL999`)",
                "4:6-4:19 Unused `noqa` directive (unknown: `FAL99`)",
            ],
            fixed="""
            x = 1
            y = \"\"\"
            {}
            \"\"\"
            """,
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:  # pragma: no cover - no nodes
        return None


def check_directives(
    source: Source,
    path: str,
    suppressed: Iterable[tuple[str, int]],
    enabled: Iterable[str],
    known: Iterable[str],
) -> list[Diagnostic]:
    """The findings of FAL001 for a file: `suppressed` holds (code, row of the noqa comment
    that suppressed it) for every finding and deferred fact a noqa comment took away,
    `enabled` the codes enabled for this file, `known` every rule code there is."""
    used: dict[int, set[str]] = {}
    for code, row in suppressed:
        used.setdefault(row, set()).add(code)
    enabled = tuple(enabled)
    known = tuple(known)
    found = []
    for directive in directives(source):
        if not directive.codes:
            continue  # blanket: may serve another tool
        here = used.get(directive.row, set())
        unused, disabled, unknown = [], [], []
        for code in directive.codes:
            if not code.startswith("FAL"):
                continue
            if any(c.startswith(code) for c in here):
                continue
            if not any(c.startswith(code) for c in known):
                unknown.append(code)
            elif not any(c.startswith(code) for c in enabled):
                disabled.append(code)
            else:
                unused.append(code)
        if unused or disabled or unknown:
            found.append(_diagnostic(source, path, directive, unused, disabled, unknown))
    return found


def _diagnostic(
    source: Source,
    path: str,
    directive: Directive,
    unused: list[str],
    disabled: list[str],
    unknown: list[str],
) -> Diagnostic:
    parts = [
        f"{label}: {', '.join(f'`{c}`' for c in codes)}"
        for label, codes in (("unused", unused), ("non-enabled", disabled), ("unknown", unknown))
        if codes
    ]
    row, col = source.position(directive.start)
    end_row, end_col = source.position(directive.end)
    drop = {*unused, *disabled, *unknown}
    return Diagnostic(
        code=UnusedNoqa.code,
        message=UnusedNoqa.message.format(details="; ".join(parts)),
        path=path,
        row=row,
        col=col,
        end_row=end_row,
        end_col=end_col,
        fix=_removal(source, directive, [c for c in directive.codes if c not in drop]),
        fix_positions=((row, col, end_row, end_col),),
        start_offset=directive.start,
    )


def _removal(source: Source, directive: Directive, kept: list[str]) -> Fix:
    text = source.text
    if kept:
        edit = Edit(directive.start, directive.end, f"# noqa: {', '.join(kept)}")
        return Fix((edit,), message="Remove the unused codes")
    line_end = text.find("\n", directive.end)
    line_end = len(text) if line_end == -1 else line_end
    if line_end > 0 and text[line_end - 1] == "\r":
        line_end -= 1
    other = text.find("#", directive.end, line_end)
    if other != -1:
        # Another comment after it (`# type: ignore`) stays where it was; the
        # directive and a reason written after its codes go.
        return Fix((Edit(directive.start, other, ""),), message="Remove the unused `noqa`")
    start = directive.start
    while start > 0 and text[start - 1] in " \t":
        start -= 1
    return Fix((Edit(start, line_end, ""),), message="Remove the unused `noqa`")
