"""Reporters: the only code that knows how findings look on screen or to another tool."""

from __future__ import annotations

from collections.abc import Callable

from ..runner import RunReport
from . import (
    azure,
    full,
    github,
    gitlab,
    grouped,
    json_format,
    json_lines,
    junit,
    pylint,
    rdjson,
    sarif,
    text,
)
from .options import ReportOptions

REPORTERS: dict[str, Callable[[RunReport, ReportOptions], str]] = {
    "full": full.render,
    "concise": text.render,
    "grouped": grouped.render,
    "json": json_format.render,
    "json-lines": json_lines.render,
    "github": github.render,
    "gitlab": gitlab.render,
    "junit": junit.render,
    "rdjson": rdjson.render,
    "pylint": pylint.render,
    "azure": azure.render,
    "sarif": sarif.render,
    # The one-line format's name before `full` became the default; kept for configurations.
    "text": text.render,
}

# Formats that have their own `--statistics` shape; the others print the text table.
_STATISTICS = {"full", "concise", "text", "grouped", "json", "json-lines"}


def render(output_format: str, report: RunReport, options: ReportOptions) -> str:
    """The report in `output_format`; `--statistics` falls back to the text table for formats
    that have no statistics shape of their own (annotations, SARIF, reports for CI servers)."""
    if options.statistics and output_format not in _STATISTICS:
        output_format = "concise"
    return REPORTERS[output_format](report, options)


__all__ = ["REPORTERS", "ReportOptions", "render"]
