"""Findings under a header per file, as ruff's `--output-format grouped`:

    app/main.py:
      11:5  FAL102 `time.sleep()` blocks the event loop ...
      12:12 FAL101 Blocking HTTP call ...

Rows are right-aligned and columns left-aligned per file so that the codes line up.
"""

from __future__ import annotations

from itertools import groupby

import click

from ..diagnostics import Diagnostic
from ..runner import RunReport
from . import text
from ._text import display_path, printable
from .options import ReportOptions


def _group(path: str, diagnostics: list[Diagnostic], unsafe: bool, color: bool) -> list[str]:
    row_width = max(len(str(d.row)) for d in diagnostics)
    col_width = max(len(str(d.col)) for d in diagnostics)
    path = display_path(path)
    header = click.style(f"{path}:", bold=True, underline=True) if color else f"{path}:"
    lines = [header]
    for d in diagnostics:
        position = f"{d.row:>{row_width}}:{d.col:<{col_width}}"
        marker = "[*] " if d.fixable(unsafe) else ""
        code = d.code
        if color:
            code = click.style(code, fg="red", bold=True)
            marker = click.style(marker, fg="cyan") if marker else ""
        lines.append(f"  {position} {code} {marker}{printable(d.message)}")
    return lines


def render(report: RunReport, options: ReportOptions) -> str:
    if options.statistics:  # a count per code has no files to group by
        return text.render(report, options)
    body: list[str] = []
    ordered = sorted(report.diagnostics, key=Diagnostic.sort_key)
    for path, group in groupby(ordered, key=lambda d: d.path):
        body.extend(_group(path, list(group), report.unsafe, options.color))
        body.append("")
    if body:
        body.pop()  # the blank line after the last group: `finish` adds its own before the summary
    return text.finish(report, options, body)
