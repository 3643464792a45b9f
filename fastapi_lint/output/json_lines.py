"""One JSON object per line, each the object of `--output-format json` (ruff's `json-lines`):
a stream that can be read line by line, appended to, or filtered with `grep`."""

from __future__ import annotations

import json

from ..runner import RunReport
from .json_format import diagnostics_json, statistics_json
from .options import ReportOptions


def render(report: RunReport, options: ReportOptions) -> str:
    items = statistics_json(report) if options.statistics else diagnostics_json(report.diagnostics)
    # Compact, and ASCII so that no character a reader treats as a line break (U+2028 and
    # the like) can split a record.
    return "\n".join(json.dumps(item, separators=(",", ":")) for item in items)
