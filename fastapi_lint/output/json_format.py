"""A JSON list in the shape of ruff's `--output-format json`, so tools that read ruff read us."""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any

from ..diagnostics import Diagnostic
from ..runner import RunReport
from .options import ReportOptions


def diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    fix = None
    if d.fix is not None:
        fix = {
            "applicability": d.fix.applicability.value,
            "message": d.fix.message or None,
            "edits": [
                {
                    "content": edit.content,
                    "location": {"row": pos[0], "column": pos[1]},
                    "end_location": {"row": pos[2], "column": pos[3]},
                }
                for edit, pos in zip(d.fix.edits, d.fix_positions, strict=False)
            ],
        }
    return {
        "cell": None,
        "code": d.code,
        "end_location": {"row": d.end_row, "column": d.end_col},
        "filename": os.path.abspath(d.path),
        "fix": fix,
        "location": {"row": d.row, "column": d.col},
        "message": d.message,
        "noqa_row": d.row,
        "url": d.url,
    }


def statistics_json(report: RunReport) -> list[dict[str, Any]]:
    """`--statistics --output-format json`: ruff's shape, most frequent code first."""
    from ..registry import all_rules

    rules = all_rules()
    counts = Counter(d.code for d in report.diagnostics)
    fixable = Counter(d.code for d in report.diagnostics if d.fixable(report.unsafe))
    return [
        {
            "code": code,
            "name": rules[code].name if code in rules else "",
            "count": count,
            "fixable": fixable[code] > 0,
            "fixable_count": fixable[code],
        }
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def render(report: RunReport, options: ReportOptions) -> str:
    if options.statistics:
        return json.dumps(statistics_json(report), indent=2)
    return json.dumps([diagnostic_json(d) for d in report.diagnostics], indent=2)
