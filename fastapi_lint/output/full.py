"""Each finding with the source around it, the default for people at a terminal:

    app/main.py:11:5: FAL102 [*] `time.sleep()` blocks the event loop ...
       |
     9 | @app.get("/")
    10 | async def index():
    11 |     time.sleep(1)
       |     ^^^^^^^^^^^^^ FAL102
    12 |     return requests.get("https://example.org").json()
       |
       = help: Replace with `await asyncio.sleep(...)`

The first line is the `concise` line, unchanged, so that anything that reads
`path:row:col: CODE message` (editors' problem matchers, grep) reads this format too. Then
up to two lines of context on either side, the range underlined on the line where it starts
(to the end of that line when it spans several), and the fix's description. Tabs are shown
as four spaces, and the quoted source goes through `_text.printable` like every other text from
the checked code (control and bidirectional characters as backslash escapes), with the carets
placed after the same treatment, so that they stay under the code and a file cannot drive the
terminal. A file that cannot be read again (deleted since, not decodable) gets the first line
only.
"""

from __future__ import annotations

import click

from ..diagnostics import Diagnostic
from ..runner import RunReport
from . import text
from ._text import printable
from .options import ReportOptions
from .source_lines import SourceLines

CONTEXT = 2
TAB = 4


def _shown(line: str) -> str:
    return printable(line.expandtabs(TAB))


def frame(d: Diagnostic, lines: list[str], color: bool) -> list[str]:
    """The source frame under the finding's first line (empty when its row is not in `lines`)."""
    # The text after the last line break is an empty "line" that no one wrote.
    last = len(lines) - 1 if lines and lines[-1] == "" else len(lines)
    if not 1 <= d.row <= max(last, 1):
        return []
    first = max(1, d.row - CONTEXT)
    final = min(max(last, 1), d.row + CONTEXT)
    # Blank context lines at the edges add nothing.
    while first < d.row and not lines[first - 1].strip():
        first += 1
    while final > d.row and not lines[final - 1].strip():
        final -= 1
    width = len(str(final))
    line = lines[d.row - 1] if d.row <= len(lines) else ""
    start = len(_shown(line[: d.col - 1]))
    end_col = d.end_col if d.end_row == d.row else len(line) + 1
    end = len(_shown(line[: max(end_col, d.col) - 1]))
    carets = "^" * max(1, end - start)

    def gutter(number: str = "") -> str:
        bar = f"{number:>{width}} |"
        return click.style(bar, fg="blue", bold=True) if color else bar

    out = [gutter()]
    for row in range(first, final + 1):
        shown = _shown(lines[row - 1])
        out.append(f"{gutter(str(row))} {shown}".rstrip())
        if row == d.row:
            mark = f"{carets} {d.code}"
            if color:
                mark = click.style(mark, fg="red", bold=True)
            out.append(f"{gutter()} {' ' * start}{mark}")
    out.append(gutter())
    if d.fix is not None and d.fix.message:
        out.append(f"{' ' * width} = help: {printable(d.fix.message)}")
    return out


def render(report: RunReport, options: ReportOptions) -> str:
    if options.statistics:
        return text.render(report, options)
    sources = SourceLines(options.stdin_sources)
    body: list[str] = []
    for d in report.diagnostics:
        body.append(text._line(d, report.unsafe, options.color))
        lines = sources.lines(d.path)
        if lines is not None:
            body.extend(frame(d, lines, options.color))
        body.append("")
    if body:
        body.pop()  # `finish` puts its own blank line before the summary
    return text.finish(report, options, body)
