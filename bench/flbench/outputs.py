"""Reading what each tool printed: findings per code, files a diff touches, floor counts."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable

Parser = Callable[[str], dict[str, object]]

BUMP_ERRORS = re.compile(r"Found (\d+) errors")
FLAKE8_LINE = re.compile(r"^.+?:\d+:\d+: ([A-Z]+\d+) ", re.MULTILINE)


def _codes(codes: list[str]) -> dict[str, object]:
    counts = Counter(codes)
    return {"findings": len(codes), "codes": dict(counts.most_common())}


def json_findings(stdout: str) -> dict[str, object]:
    """ruff-compatible JSON: a list of diagnostics, each with a `code`."""
    try:
        items = json.loads(stdout or "[]")
    except json.JSONDecodeError:
        return {}
    if not isinstance(items, list):
        return {}
    return _codes([str(i.get("code")) for i in items if isinstance(i, dict)])


def flake8_findings(stdout: str) -> dict[str, object]:
    """flake8's default format: path:row:col: CODE message."""
    return _codes(FLAKE8_LINE.findall(stdout))


def diff_files(stdout: str) -> dict[str, object]:
    """A unified diff: how many files it changes and how many lines it adds/removes."""
    lines = stdout.splitlines()
    changed = sum(line.startswith("+++ ") for line in lines)
    plus = sum(line.startswith("+") and not line.startswith("+++ ") for line in lines)
    minus = sum(line.startswith("-") and not line.startswith("--- ") for line in lines)
    result: dict[str, object] = {
        "files_changed": changed,
        "lines_added": plus,
        "lines_removed": minus,
    }
    errors = BUMP_ERRORS.search(stdout)  # bump-pydantic logs failed files to its --log-file
    if errors:
        result["errors"] = int(errors[1])
    return result


def last_json_line(stdout: str) -> dict[str, object]:
    """The floor script's one-line JSON report."""
    for line in reversed(stdout.strip().splitlines()):
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return {}
