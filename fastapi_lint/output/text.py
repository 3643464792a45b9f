"""`path:row:col: CODE [*] message`, then a summary in the style users know from ruff."""

from __future__ import annotations

from collections import Counter

import click

from ..diagnostics import Applicability, Diagnostic
from ..runner import RunReport
from ._text import display_path, printable
from .options import ReportOptions

TIMES = "\u00d7"  # the multiplication sign of ruff's fix listing: "2 x FAL102"


def _line(d: Diagnostic, unsafe: bool, color: bool) -> str:
    marker = "[*] " if d.fixable(unsafe) else ""
    location = f"{display_path(d.path)}:{d.row}:{d.col}:"
    code = d.code
    if color:
        location = click.style(location, bold=True)
        code = click.style(code, fg="red", bold=True)
        marker = click.style(marker, fg="cyan") if marker else ""
    return f"{location} {code} {marker}{printable(d.message)}"


def statistics_table(diagnostics: list[Diagnostic], unsafe: bool) -> str:
    """One line per code, most frequent first, laid out as ruff's `--statistics`:
    count, code, `[*]` when the code's findings can be fixed with the current options, rule name.
    The fix column is left out entirely when nothing is fixable."""
    from ..registry import all_rules  # noqa: PLC0415 - start-up: only `statistics_table` needs it

    rules = all_rules()
    counts = Counter(d.code for d in diagnostics)
    fixable = {d.code for d in diagnostics if d.fixable(unsafe)}
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    count_width = max(len(str(count)) for count in counts.values())
    code_width = max(len(code) for code in counts)
    lines = []
    for code, count in ordered:
        name = rules[code].name if code in rules else ""
        mark = ("[*] " if code in fixable else "[ ] ") if fixable else ""
        lines.append(f"{count:>{count_width}}\t{code:<{code_width}}\t{mark}{name}")
    return "\n".join(lines)


def render(report: RunReport, options: ReportOptions) -> str:
    unsafe = report.unsafe
    if options.statistics:
        body = [statistics_table(report.diagnostics, unsafe)] if report.diagnostics else []
    else:
        body = [_line(d, unsafe, options.color) for d in report.diagnostics]
    return finish(report, options, body)


def finish(report: RunReport, options: ReportOptions, body: list[str]) -> str:
    """The findings `body`, then warnings, the fixes listing and the summary (text formats)."""
    out = list(body)
    for file in report.files:
        if file.dropped or file.write_error:
            path = display_path(file.path)
            out.extend(f"{path}: warning: {printable(reason)}" for reason in file.dropped)
            if file.write_error:
                out.append(f"{path}: error: {printable(file.write_error)}")
    if options.show_fixes:
        listing = fixes_listing(report, options)
        if listing:
            out.extend(["", listing] if out else [listing])
    if options.quiet:
        return "\n".join(out)
    if out:
        out.append("")
    out.append(_summary(report, options))
    return "\n".join(out)


def fixes_listing(report: RunReport, options: ReportOptions, *, would: bool = False) -> str:
    """`--show-fixes`, as ruff prints it: per file, `N x CODE (name)` for each code
    (with the multiplication sign ruff uses).

    With --fix: the fixes applied; with --diff (`would`): those the diff shows. Otherwise: the fixes
    available among the findings; unsafe ones are marked when --unsafe-fixes is off, and
    display-only suggestions are left out since no option applies them.
    """
    from ..registry import all_rules  # noqa: PLC0415 - start-up: only `fixes_listing` needs it

    rules = all_rules()
    per_file: list[tuple[str, Counter[str], Counter[str]]] = []
    if options.fixing:
        for file in report.files:
            if file.fixed:
                per_file.append((file.path, file.fixed, Counter()))
    else:
        for file in report.files:
            ready = Counter(d.code for d in file.diagnostics if d.fixable(report.unsafe))
            hidden = Counter(
                d.code
                for d in file.diagnostics
                if not d.fixable(report.unsafe)
                and d.fix is not None
                and d.fix.applicability is Applicability.UNSAFE
            )
            if ready or hidden:
                per_file.append((file.path, ready, hidden))
    if not per_file:  # as in ruff: no listing rather than an empty one
        return ""
    total = sum(sum(ready.values()) + sum(hidden.values()) for _, ready, hidden in per_file)
    if options.fixing:
        head = f"{'Would fix' if would else 'Fixed'} {_plural(total, 'error')}:"
    else:
        head = f"{total} fix{'es' if total != 1 else ''} available:"
    lines = [head]
    for path, ready, hidden in per_file:
        lines.append(f"- {display_path(path)}:")
        for code in sorted({*ready, *hidden}):
            name = rules[code].name if code in rules else code
            if ready[code]:
                lines.append(f"    {ready[code]} {TIMES} {code} ({name})")
            if hidden[code]:
                lines.append(
                    f"    {hidden[code]} {TIMES} {code} ({name}) [unsafe: needs `--unsafe-fixes`]"
                )
    return "\n".join(lines)


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
