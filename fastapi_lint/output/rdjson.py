"""Reviewdog Diagnostic Format (`rdjson`): reviewdog turns it into review comments, and the
fixes into suggested changes, on GitHub, GitLab, Gerrit and Bitbucket.

Columns are counted in UTF-8 bytes, as the format defines them (every other format counts
characters): the file is read again to convert them; a file that cannot be read keeps its
character columns. End positions are exclusive. Every fix becomes suggestions, one per edit,
whatever its applicability: a suggestion is applied by a reviewer, not by the tool. A fix that
answers several findings (FAL201's lifespan fix) is suggested with the first of them only:
the format has no way to point to another diagnostic's suggestions, and the same suggestions
under every finding would be applied, or conflict, once per finding.
"""

from __future__ import annotations

from typing import Any

from ..diagnostics import Diagnostic, docs_base
from ..runner import RunReport
from ._shared_fixes import first_with_same_fix
from ._text import well_formed
from .json_format import dumps
from .options import ReportOptions
from .source_lines import SourceLines, utf8_column


def _position(sources: SourceLines, path: str, row: int, col: int) -> dict[str, int]:
    return {"line": row, "column": utf8_column(sources.line(path, row), col)}


def _range(sources: SourceLines, path: str, position: tuple[int, int, int, int]) -> dict[str, Any]:
    row, col, end_row, end_col = position
    return {
        "start": _position(sources, path, row, col),
        "end": _position(sources, path, end_row, end_col),
    }


def _diagnostic(d: Diagnostic, sources: SourceLines, suggest: bool) -> dict[str, Any]:
    item: dict[str, Any] = {
        "message": well_formed(d.message),
        "location": {
            "path": well_formed(d.path),
            "range": _range(sources, d.path, (d.row, d.col, d.end_row, d.end_col)),
        },
        "severity": "ERROR",
        "code": {"value": d.code, "url": d.url},
    }
    if suggest and d.fix is not None and len(d.fix_positions) == len(d.fix.edits):
        item["suggestions"] = [
            {"range": _range(sources, d.path, position), "text": well_formed(edit.content)}
            for edit, position in zip(d.fix.edits, d.fix_positions, strict=True)
        ]
    return item


def render(report: RunReport, options: ReportOptions) -> str:
    sources = SourceLines(options.stdin_sources)
    return dumps(
        {
            "source": {"name": "fastapi-lint", "url": docs_base()},
            "severity": "ERROR",
            "diagnostics": [
                _diagnostic(d, sources, suggest=shared is None)
                for d, shared in zip(
                    report.diagnostics, first_with_same_fix(report.diagnostics), strict=True
                )
            ],
        }
    )
