"""`path:row: [CODE] message`, pylint's `parseable` layout as ruff writes it, for tools that
read pylint's output (warnings plugins of CI servers, editors' pylint matchers). File names
and messages are printed inert, as in the other line formats (see `_text`)."""

from __future__ import annotations

from ..runner import RunReport
from ._text import display_path, printable
from .options import ReportOptions


def render(report: RunReport, options: ReportOptions) -> str:
    return "\n".join(
        f"{display_path(d.path)}:{d.row}: [{d.code}] {printable(d.message)}"
        for d in report.diagnostics
    )
