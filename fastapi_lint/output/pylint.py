"""`path:row: [CODE] message`, pylint's `parseable` layout as ruff writes it, for tools that
read pylint's output (warnings plugins of CI servers, editors' pylint matchers)."""

from __future__ import annotations

from ..runner import RunReport
from .options import ReportOptions


def render(report: RunReport, options: ReportOptions) -> str:
    return "\n".join(f"{d.path}:{d.row}: [{d.code}] {d.message}" for d in report.diagnostics)
