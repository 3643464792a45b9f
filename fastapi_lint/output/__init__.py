"""Reporters: the only code that knows how findings look on screen or to another tool."""

from __future__ import annotations

from collections.abc import Callable

from ..runner import RunReport
from . import github, grouped, json_format, sarif, text
from .options import ReportOptions

REPORTERS: dict[str, Callable[[RunReport, ReportOptions], str]] = {
    "text": text.render,
    "grouped": grouped.render,
    "json": json_format.render,
    "github": github.render,
    "sarif": sarif.render,
}

# Formats that have their own `--statistics` shape; the others print the text table.
_STATISTICS = {"text", "grouped", "json"}


def render(output_format: str, report: RunReport, options: ReportOptions) -> str:
    """The report in `output_format`; `--statistics` falls back to the text table for formats
    that have no statistics shape of their own (github annotations, SARIF)."""
    if options.statistics and output_format not in _STATISTICS:
        output_format = "text"
    return REPORTERS[output_format](report, options)


__all__ = ["REPORTERS", "ReportOptions", "render"]
