"""`path:row:col: CODE [*] message`, then a summary in the style users know from ruff."""

from __future__ import annotations

from collections import Counter

import click

from ..diagnostics import Applicability, Diagnostic
from ..runner import RunReport
from .options import ReportOptions


def _line(d: Diagnostic, unsafe: bool, color: bool) -> str:
    marker = "[*] " if d.fixable(unsafe) else ""
    location = f"{d.path}:{d.row}:{d.col}:"
    code = d.code
    if color:
        location = click.style(location, bold=True)
        code = click.style(code, fg="red", bold=True)
        marker = click.style(marker, fg="cyan") if marker else ""
    return f"{location} {code} {marker}{d.message}"


def statistics_table(diagnostics: list[Diagnostic], unsafe: bool) -> str:
    counts = Counter(d.code for d in diagnostics)
    fixable = Counter(d.code for d in diagnostics if d.fixable(unsafe))
    messages: dict[str, str] = {}
    for d in diagnostics:
        messages.setdefault(d.code, d.message)
    from ..registry import all_rules

    rules = all_rules()
    lines = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        name = rules[code].name if code in rules else ""
        mark = "[*]" if fixable[code] == count else "[-]" if fixable[code] else "   "
        lines.append(f"{count:>5}  {code}  {mark} {name}")
    return "\n".join(lines)


def render(report: RunReport, options: ReportOptions) -> str:
    diagnostics = report.diagnostics
    unsafe = report.unsafe
    out: list[str] = []
    if options.statistics:
        if diagnostics:
            out.append(statistics_table(diagnostics, unsafe))
    else:
        out.extend(_line(d, unsafe, options.color) for d in diagnostics)
    for file in report.files:
        out.extend(f"{file.path}: warning: {reason}" for reason in file.dropped)
        if file.write_error:
            out.append(f"{file.path}: error: {file.write_error}")
    if options.quiet:
        return "\n".join(out)
    if out:
        out.append("")
    out.append(_summary(report, options))
    return "\n".join(out)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _summary(report: RunReport, options: ReportOptions) -> str:
    remaining = report.diagnostics
    fixed = sum(report.fixed.values())
    if not remaining and not fixed:
        return "All checks passed!"
    total = len(remaining) + fixed
    if fixed:
        lines = [f"Found {_plural(total, 'error')} ({fixed} fixed, {len(remaining)} remaining)."]
    else:
        lines = [f"Found {_plural(total, 'error')}."]
    if not options.fixing:
        safe = sum(1 for d in remaining if d.fixable(False))
        hidden = sum(1 for d in remaining if d.fix and d.fix.applicability is Applicability.UNSAFE)
        if report.unsafe:
            safe += hidden
            hidden = 0
        if safe and hidden:
            lines.append(
                f"[*] {safe} fixable with the `--fix` option "
                f"({hidden} hidden fixes can be enabled with the `--unsafe-fixes` option)."
            )
        elif safe:
            lines.append(f"[*] {safe} fixable with the `--fix` option.")
        elif hidden:
            lines.append(
                f"No fixes available ({hidden} hidden fixes can be enabled with the "
                "`--unsafe-fixes` option)."
            )
    return "\n".join(lines)
