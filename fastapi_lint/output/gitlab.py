"""GitLab Code Quality (`artifacts:reports:codequality`): a JSON list of issues, each with a
`check_name`, a `description`, a `severity`, a `location` and a `fingerprint`.

- Paths are relative to `$CI_PROJECT_DIR` when GitLab sets it (the job runs in the clone;
  the linter may have been started in a subdirectory), otherwise as displayed, always with
  `/`. GitLab links them to the merge request's files.
- `severity` is `major` for every finding (every finding fails the check, as in the other
  formats); GitLab's scale is info, minor, major, critical, blocker.
- The description starts with the code, since GitLab shows no `check_name`. `type` and
  `categories` are there for Code Climate's own tools, which require them.
- The fingerprint is how GitLab tells new findings from fixed ones between the base and the
  head of a merge request. It is the SHA-256 (first 32 hex digits) of the code, the path,
  the message and the finding's rank among the findings of that file with the same code and
  message: not of the line, so that adding or removing lines above a finding does not make
  it look fixed and new again. Renaming the file, changing the message or reordering
  identical findings changes it.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from typing import Any

from ..runner import RunReport
from ._text import well_formed
from .json_format import dumps
from .options import ReportOptions

SEVERITY = "major"
# Code Climate's categories (which its spec requires and GitLab ignores), by rule package.
CATEGORIES = {
    "async_correctness": "Performance",
    "lifecycle": "Bug Risk",
    "pydantic_migration": "Compatibility",
    "security": "Security",
    "api": "Bug Risk",
    "testing": "Bug Risk",
}


def category(code: str) -> str:
    from ..registry import all_rules  # noqa: PLC0415 - start-up: only `category` needs it

    rule = all_rules().get(code)
    package = rule.__module__.split(".")[-2] if rule is not None else ""
    return CATEGORIES.get(package, "Bug Risk")


def report_path(path: str) -> str:
    project = os.environ.get("CI_PROJECT_DIR")
    if project:
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(project))
        if not relative.startswith(".."):
            path = relative
    return path.replace(os.sep, "/")  # undecodable bytes stay: the fingerprint keeps them


def fingerprint(code: str, path: str, message: str, rank: int) -> str:
    key = "\0".join((code, path, message, str(rank)))
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def issues(report: RunReport) -> list[dict[str, Any]]:
    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for d in report.diagnostics:
        path = report_path(d.path)
        key = (d.code, path, d.message)
        rank = seen[key]
        seen[key] += 1
        out.append(
            {
                "type": "issue",
                "check_name": d.code,
                "description": well_formed(f"{d.code}: {d.message}"),
                "categories": [category(d.code)],
                "severity": SEVERITY,
                "fingerprint": fingerprint(*key, rank),
                "location": {
                    "path": well_formed(path),
                    "positions": {
                        "begin": {"line": d.row, "column": d.col},
                        "end": {"line": d.end_row, "column": d.end_col},
                    },
                },
            }
        )
    return out


def render(report: RunReport, options: ReportOptions) -> str:
    return dumps(issues(report))
