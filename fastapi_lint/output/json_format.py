"""A JSON list in the shape of ruff's `--output-format json`, so tools that read ruff read us.

A fix that answers several findings of a file (FAL201's lifespan fix) is written in full with
the first of them; each of the others has a fix with the same applicability and message, no
edits, and `"shared_with": {"code": ..., "location": {"row": ..., "column": ...}}` naming the
finding that carries it (see `_shared_fixes`)."""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any

from ..diagnostics import Diagnostic
from ..runner import RunReport
from ._shared_fixes import first_with_same_fix
from ._text import well_formed
from .options import ReportOptions

_STRING = json.encoder.encode_basestring_ascii


def diagnostics_json(diagnostics: list[Diagnostic]) -> list[dict[str, Any]]:
    """The records of the findings, a fix shared by several written once."""
    shared = first_with_same_fix(diagnostics)
    return [
        diagnostic_json(d, None if s is None else diagnostics[s])
        for d, s in zip(diagnostics, shared, strict=True)
    ]


def diagnostic_json(d: Diagnostic, fixed_with: Diagnostic | None = None) -> dict[str, Any]:
    """The record of one finding; `fixed_with`: the earlier finding that carries its fix."""
    return {
        "cell": None,
        "code": d.code,
        "end_location": {"row": d.end_row, "column": d.end_col},
        "filename": well_formed(os.path.abspath(d.path)),
        "fix": fix_json(d, fixed_with),
        "location": {"row": d.row, "column": d.col},
        "message": well_formed(d.message),
        "noqa_row": d.row,
        "url": d.url,
    }


def fix_json(d: Diagnostic, fixed_with: Diagnostic | None = None) -> dict[str, Any] | None:
    if d.fix is None:
        return None
    if fixed_with is not None:
        return {
            "applicability": d.fix.applicability.value,
            "message": d.fix.message or None,
            "edits": [],
            "shared_with": {
                "code": fixed_with.code,
                "location": {"row": fixed_with.row, "column": fixed_with.col},
            },
        }
    return {
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


def statistics_json(report: RunReport) -> list[dict[str, Any]]:
    """`--statistics --output-format json`: ruff's shape, most frequent code first."""
    from ..registry import all_rules  # noqa: PLC0415 - start-up: only `statistics_json` needs it

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
        return dumps(statistics_json(report))
    if not report.diagnostics:
        return "[]"
    diagnostics = report.diagnostics
    shared = first_with_same_fix(diagnostics)
    # A large project reports thousands of findings from a few hundred files and a few dozen
    # rules: each file's name and each rule's address are written once, then reused.
    filenames: dict[str, str] = {}
    urls: dict[str, str] = {}
    items = []
    for d, s in zip(diagnostics, shared, strict=True):
        filename = filenames.get(d.path)
        if filename is None:
            filename = filenames[d.path] = _STRING(well_formed(os.path.abspath(d.path)))
        url = urls.get(d.code)
        if url is None:
            url = urls[d.code] = _STRING(d.url)
        items.append(_diagnostic_text(d, None if s is None else diagnostics[s], filename, url))
    return "[\n  " + ",\n  ".join(items) + "\n]"


def _diagnostic_text(d: Diagnostic, fixed_with: Diagnostic | None, filename: str, url: str) -> str:
    """`diagnostic_json(d, fixed_with)` as `dumps` writes it inside the top-level list, from a
    template: the output of a large project is thousands of these, all of one shape.
    `filename` and `url` are already written as JSON strings."""
    fix = "null" if d.fix is None else _fix_text(d, fixed_with)
    return (
        "{\n"
        '    "cell": null,\n'
        f'    "code": {_STRING(d.code)},\n'
        '    "end_location": {\n'
        f'      "row": {int(d.end_row)},\n'
        f'      "column": {int(d.end_col)}\n'
        "    },\n"
        f'    "filename": {filename},\n'
        f'    "fix": {fix},\n'
        '    "location": {\n'
        f'      "row": {int(d.row)},\n'
        f'      "column": {int(d.col)}\n'
        "    },\n"
        f'    "message": {_STRING(well_formed(d.message))},\n'
        f'    "noqa_row": {int(d.row)},\n'
        f'    "url": {url}\n'
        "  }"
    )


def _fix_text(d: Diagnostic, fixed_with: Diagnostic | None) -> str:
    """`fix_json(d, fixed_with)` as `dumps` writes it as the value of a finding's `"fix"`,
    from a template (most findings of a large project carry a fix)."""
    fix = d.fix
    assert fix is not None
    message = _STRING(fix.message) if fix.message else "null"
    head = (
        "{\n"
        f'      "applicability": {_STRING(fix.applicability.value)},\n'
        f'      "message": {message},\n'
    )
    if fixed_with is not None:
        return (
            head + '      "edits": [],\n'
            '      "shared_with": {\n'
            f'        "code": {_STRING(fixed_with.code)},\n'
            '        "location": {\n'
            f'          "row": {int(fixed_with.row)},\n'
            f'          "column": {int(fixed_with.col)}\n'
            "        }\n"
            "      }\n"
            "    }"
        )
    edits = [
        "{\n"
        f'          "content": {_STRING(edit.content)},\n'
        '          "location": {\n'
        f'            "row": {int(pos[0])},\n'
        f'            "column": {int(pos[1])}\n'
        "          },\n"
        '          "end_location": {\n'
        f'            "row": {int(pos[2])},\n'
        f'            "column": {int(pos[3])}\n'
        "          }\n"
        "        }"
        for edit, pos in zip(fix.edits, d.fix_positions, strict=False)
    ]
    if not edits:
        return head + '      "edits": []\n    }'
    return head + '      "edits": [\n        ' + ",\n        ".join(edits) + "\n      ]\n    }"


def dumps(value: Any) -> str:
    """`json.dumps(value, indent=2)`, character for character, several times faster.

    With `indent`, the standard library falls back from its C encoder to a pure-Python one
    made of nested generators; on a large project that was a third of a warm run's time.
    Only the types diagnostics are made of are written here; anything else goes to `json`.
    """
    out: list[str] = []
    _write(value, "\n", out)
    return "".join(out)


def _write(value: Any, newline: str, out: list[str]) -> None:
    kind = value.__class__
    if kind is str:
        out.append(_STRING(value))
    elif kind is dict and all(key.__class__ is str for key in value):
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            out.append(separator + _STRING(key))
            out.append(": ")
            _write(item, inner, out)
            separator = "," + inner
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _write(item, inner, out)
            separator = "," + inner
        out.append(newline + "]")
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    else:  # floats and anything unusual: exactly as `json` writes them
        out.append(json.dumps(value, indent=2).replace("\n", newline))
