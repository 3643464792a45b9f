"""A JSON list in the shape of ruff's `--output-format json`, so tools that read ruff read us."""

from __future__ import annotations

import json
import os
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


def render(report: RunReport, options: ReportOptions) -> str:
    return json.dumps([diagnostic_json(d) for d in report.diagnostics], indent=2)
