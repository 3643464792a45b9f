"""Suppression comments: flake8's `# noqa[: CODES]` per line, and `# fastapi-lint: noqa` per file."""

from __future__ import annotations

import re

from .diagnostics import Diagnostic
from .source import Source

# flake8's syntax, so one comment serves both entry points; codes match by prefix, as in flake8.
_LINE = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.I)
_FILE = re.compile(r"^[ \t]*#[ \t]*fastapi-lint:[ \t]*noqa[ \t]*$", re.M | re.I)


def file_exempt(text: str) -> bool:
    """`# fastapi-lint: noqa` on a line of its own exempts the whole file."""
    return "noqa" in text and _FILE.search(text) is not None


def suppressed_codes(line: str) -> frozenset[str] | None:
    """None when the line has no noqa; an empty set for a bare `# noqa` (everything)."""
    if "noqa" not in line.lower():
        return None
    match = _LINE.search(line)
    if match is None:
        return None
    codes = match.group("codes")
    if not codes:
        return frozenset()
    return frozenset(c.upper() for c in re.split(r"[,\s]+", codes) if c)


def line_codes(source: Source, row: int) -> frozenset[str] | None:
    """`suppressed_codes` of line `row` of `source`."""
    if not source.mentions_noqa:
        return None
    return suppressed_codes(source.line(row))


def is_suppressed(code: str, codes: frozenset[str] | None) -> bool:
    if codes is None:
        return False
    return not codes or code.startswith(tuple(codes))


def filter_noqa(diagnostics: list[Diagnostic], source: Source) -> list[Diagnostic]:
    if not source.mentions_noqa:
        return diagnostics
    kept = []
    for diagnostic in diagnostics:
        codes = suppressed_codes(source.line(diagnostic.row))
        if not is_suppressed(diagnostic.code, codes):
            kept.append(diagnostic)
    return kept
