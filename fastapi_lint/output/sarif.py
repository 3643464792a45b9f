"""SARIF 2.1.0, the interchange format code-scanning services and IDE viewers read.

One run: the tool with the rules that have findings (id, name, descriptions and help from the
rule docs), one result per finding with its region, and each fix as a SARIF `fix` (replacements
of regions). Choices worth knowing:

- Paths are relative URIs against `%SRCROOT%` (the directory the linter ran in, also given as
  an absolute `file:` URI in `originalUriBaseIds`); files outside it get absolute `file:` URIs.
- Columns are Unicode code points (`columnKind`), as in every other format; SARIF's default is
  UTF-16 code units, which differ for characters outside the BMP. End columns are exclusive.
- `helpUri` (and the rule's `properties.url`) is the rule's page on the documentation site,
  made from the address declared under `[project.urls]` (see `diagnostics.docs_base`); SARIF
  wants an absolute URI there, so a base that is not one leaves `helpUri` out. The full docs
  are also in `help.markdown`, for viewers that are offline.
- Every finding is level `error`, as in the other formats (and ruff's SARIF).
- Internal errors are `toolExecutionNotifications`; the invocation then did not succeed.
- A fix that answers several findings of a file (FAL201's lifespan fix) is written once, in
  the `fixes` of the first of them; each of the others has no `fixes` and names that result
  in its property bag: `"properties": {"fixSharedWith": <index in results>}`.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from .. import __version__
from ..diagnostics import Diagnostic, Fix, rule_url
from ..runner import RunReport
from ._shared_fixes import first_with_same_fix
from ._text import path_bytes, well_formed
from .options import ReportOptions

SRCROOT = "%SRCROOT%"
_UNWRAP = re.compile(r"(?<!\n)\n(?!\n)")


def _artifact_location(path: str) -> dict[str, str]:
    # URIs are made of the file name's bytes, so a name that is not UTF-8 keeps them (%FF).
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path_bytes(path.replace(os.sep, "/"))), "uriBaseId": SRCROOT}


def _directory_uri(directory: Path) -> str:
    uri = directory.as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _region(row: int, col: int, end_row: int, end_col: int) -> dict[str, int]:
    return {"startLine": row, "startColumn": col, "endLine": end_row, "endColumn": end_col}


def _rule_descriptor(code: str) -> dict[str, Any]:
    from ..docs import section, title  # noqa: PLC0415 - start-up: only `_rule_descriptor` needs it
    from ..registry import all_rules  # noqa: PLC0415 - start-up: only `_rule_descriptor` needs it

    rule = all_rules().get(code)
    url = rule_url(code)
    if rule is None:  # cannot happen for registered codes; keep the output valid regardless
        return {"id": code, "properties": {"url": url}}
    what = section(rule, "What it does") or rule.summary()
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary()},
        # Plain text has no hard line breaks: the docstring's wrapped lines become one paragraph.
        "fullDescription": {"text": _UNWRAP.sub(" ", what), "markdown": what},
        "help": {
            "text": f"{rule.summary()}. See {url}.",
            "markdown": f"# {title(rule)}\n\n{rule.docs()}",
        },
        "defaultConfiguration": {"enabled": rule.default_enabled, "level": "error"},
        "properties": {"url": url, "fixSafety": rule.fix_label()},
    }
    if urlsplit(url).scheme:
        descriptor["helpUri"] = url
    return descriptor


def _fix(d: Diagnostic, fix: Fix) -> dict[str, Any] | None:
    if len(d.fix_positions) != len(fix.edits):  # positions are needed for every edit
        return None
    replacements = [
        {"deletedRegion": _region(*position), "insertedContent": {"text": edit.content}}
        for edit, position in zip(fix.edits, d.fix_positions, strict=True)
    ]
    description = fix.message or f"Fix {d.code}"
    return {
        "description": {"text": f"{description} ({fix.applicability.value} fix)"},
        "artifactChanges": [
            {"artifactLocation": _artifact_location(d.path), "replacements": replacements}
        ],
        "properties": {"applicability": fix.applicability.value},
    }


def _result(d: Diagnostic, rule_index: int, fix_shared_with: int | None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": "error",
        "message": {"text": well_formed(d.message)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact_location(d.path),
                    "region": _region(d.row, d.col, d.end_row, d.end_col),
                }
            }
        ],
    }
    if fix_shared_with is not None:
        result["properties"] = {"fixSharedWith": fix_shared_with}
        return result
    fix = _fix(d, d.fix) if d.fix is not None else None
    if fix is not None:
        result["fixes"] = [fix]
    return result


def sarif_log(report: RunReport) -> dict[str, Any]:
    diagnostics = report.diagnostics
    codes = sorted({d.code for d in diagnostics})
    index = {code: i for i, code in enumerate(codes)}
    notifications = [
        {
            "level": "error",
            "message": {"text": well_formed(f"internal error in {error.rule}: {error.message}")},
            "locations": [
                {"physicalLocation": {"artifactLocation": _artifact_location(error.path)}}
            ],
            "associatedRule": {"id": error.rule},
        }
        for error in report.errors
    ]
    invocation: dict[str, Any] = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run = {
        "tool": {
            "driver": {
                "name": "fastapi-lint",
                "version": __version__,
                "rules": [_rule_descriptor(code) for code in codes],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(Path.cwd())}},
        "columnKind": "unicodeCodePoints",
        "invocations": [invocation],
        "results": [
            _result(d, index[d.code], shared)
            for d, shared in zip(diagnostics, first_with_same_fix(diagnostics), strict=True)
        ],
    }
    return {"version": "2.1.0", "runs": [run]}


def render(report: RunReport, options: ReportOptions) -> str:
    return json.dumps(sarif_log(report), indent=2, ensure_ascii=False)
