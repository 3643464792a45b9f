"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request."""

from __future__ import annotations

from ..runner import RunReport
from ._text import display_path, printable
from .options import ReportOptions


def _escape(value: str, *, property_value: bool = False) -> str:
    # Control characters (ESC among them) and line breaks are already backslash escapes
    # (`printable`); what is left are the runner's own separators.
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def render(report: RunReport, options: ReportOptions) -> str:
    lines = []
    for d in report.diagnostics:
        path = display_path(d.path)
        props = ",".join(
            [
                f"title={_escape(f'fastapi-lint ({d.code})', property_value=True)}",
                f"file={_escape(path, property_value=True)}",
                f"line={d.row}",
                f"col={d.col}",
                f"endLine={d.end_row}",
                f"endColumn={d.end_col}",
            ]
        )
        message = _escape(f"{path}:{d.row}:{d.col}: {d.code} {printable(d.message)}")
        lines.append(f"::error {props}::{message}")
    return "\n".join(lines)
