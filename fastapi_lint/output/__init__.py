"""Reporters: the only code that knows how findings look on screen or to another tool."""

from __future__ import annotations

from importlib import import_module

from ..runner import RunReport
from .options import ReportOptions

# Format name → the module (in this package) whose `render(report, options)` writes it. A run
# imports only the one it prints: start-up stays free of XML, hashing and the like.
REPORTERS: dict[str, str] = {
    "full": "full",
    "concise": "text",
    "grouped": "grouped",
    "json": "json_format",
    "json-lines": "json_lines",
    "github": "github",
    "gitlab": "gitlab",
    "junit": "junit",
    "rdjson": "rdjson",
    "pylint": "pylint",
    "azure": "azure",
    "sarif": "sarif",
    # The one-line format's name before `full` became the default; kept for configurations.
    "text": "text",
}

# The formats for people: they list unwritten fixes and warnings with the findings (`text.finish`);
# the others leave stdout to their readers and say those things on stderr.
TEXT_FORMATS = frozenset({"full", "concise", "text", "grouped"})

# Formats that have their own `--statistics` shape; the others print the text table.
_STATISTICS = {"full", "concise", "text", "grouped", "json", "json-lines"}


def render(output_format: str, report: RunReport, options: ReportOptions) -> str:
    """The report in `output_format`; `--statistics` falls back to the text table for formats
    that have no statistics shape of their own (annotations, SARIF, reports for CI servers)."""
    if options.statistics and output_format not in _STATISTICS:
        output_format = "concise"
    module = import_module(f"{__name__}.{REPORTERS[output_format]}")
    output: str = module.render(report, options)
    return output


__all__ = ["REPORTERS", "TEXT_FORMATS", "ReportOptions", "render"]
