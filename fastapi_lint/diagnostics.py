"""The records every stage passes along: edits, fixes and diagnostics."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache

# Where the documentation site lives is declared once, as `Documentation` under
# `[project.urls]` in pyproject.toml, and read from the installed package's metadata; this
# copy is only for a source tree that is not installed (a test keeps the two equal).
DOCS_FALLBACK = "https://fastapi-lint.readthedocs.io/en/latest/"
# A rule's page on the site (mkdocs' directory URLs: docs/rules/FAL102.md → rules/FAL102/).
RULE_PAGE = "rules/{code}/"


@cache
def docs_base() -> str:
    """The documentation site's address, ending in `/`."""
    entries = _project_urls()
    for entry in entries:
        label, _, url = str(entry).partition(",")
        if label.strip().lower() == "documentation" and url.strip():
            url = url.strip()
            return url if url.endswith("/") else url + "/"
    return DOCS_FALLBACK


def _project_urls() -> list[str]:
    """The `Project-URL` entries of the installed package's metadata.

    Read from the first `fastapi_lint-*.dist-info` on `sys.path`, where `importlib.metadata`
    finds it too: importing and asking that took about 20 ms, a twentieth of a warm run on a
    large project. Anything else (an egg, a zip) is left to `importlib.metadata`."""
    import sys  # noqa: PLC0415 - start-up: only formats with URLs read it

    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if not name.endswith(".dist-info"):
                continue
            # `fastapi_lint-0.1.0.dist-info`: the name before the version, normalised.
            project = name[: -len(".dist-info")].rsplit("-", 1)[0]
            if project.lower().replace("-", "_").replace(".", "_") == "fastapi_lint":
                try:
                    with open(os.path.join(entry or ".", name, "METADATA"), "rb") as handle:
                        text = handle.read().decode("utf-8", "replace")
                except OSError:
                    break  # as if absent: `importlib.metadata` decides
                headers = text.split("\n\n", 1)[0].splitlines()
                return [
                    line.partition(":")[2].strip()
                    for line in headers
                    if line.lower().startswith("project-url:")
                ]
    from importlib.metadata import (  # noqa: PLC0415 - start-up: only when not found above
        PackageNotFoundError,
        metadata,
    )

    try:
        return [str(e) for e in metadata("fastapi-lint").get_all("Project-URL") or []]
    except PackageNotFoundError:
        return []


def rule_url(code: str) -> str:
    """The absolute address of a rule's documentation."""
    return docs_base() + RULE_PAGE.format(code=code)


class Applicability(StrEnum):
    """How far a fix can be trusted (ruff's three levels)."""

    SAFE = "safe"  # keeps behaviour: applied by --fix
    UNSAFE = "unsafe"  # may change behaviour: applied only with --unsafe-fixes
    DISPLAY_ONLY = "display-only"  # shown as a suggestion, never applied


@dataclass(frozen=True, order=True)
class Edit:
    """Replace text[start:end] (character offsets) with `content`."""

    start: int
    end: int
    content: str = ""


@dataclass(frozen=True)
class Fix:
    """The edits that resolve a finding, how safe they are, and what they do."""

    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    message: str = ""
    # A range no other fix may touch in the same pass: `async def` → `def` reserves its whole
    # function, so that a fix adding `await` inside it waits for the next pass (and re-lint).
    isolation: tuple[int, int] | None = None
    # Qualified names of imported objects whose uses this fix rewrites (`pydantic.validator`):
    # once every fix of a file is applied, an import of one that nothing uses any more is
    # removed (see `fixes.drop_retired_imports`), so the fixed file has no unused v1 import.
    retires: tuple[str, ...] = ()

    @property
    def start(self) -> int:
        return min(e.start for e in self.edits)

    @property
    def end(self) -> int:
        return max(e.end for e in self.edits)


@dataclass
class Diagnostic:
    """One finding: a rule's code and message at a range of a file, with its fix if any."""

    code: str
    message: str
    path: str
    row: int  # 1-based
    col: int  # 1-based, in characters
    end_row: int
    end_col: int
    fix: Fix | None = None
    # The rule that raised it, when it differs from `code` (internal errors name the failing rule).
    rule_name: str = ""
    # (row, col, end_row, end_col) of each of the fix's edits, for machine-readable output.
    fix_positions: tuple[tuple[int, int, int, int], ...] = field(default=(), repr=False)
    # Offsets of the reported range, used by the fixer and noqa; not part of any output format.
    start_offset: int = field(default=0, compare=False, repr=False)

    @property
    def url(self) -> str:
        return rule_url(self.code)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.row, self.col, self.code)

    def fixable(self, unsafe: bool) -> bool:
        if self.fix is None:
            return False
        if self.fix.applicability is Applicability.SAFE:
            return True
        return unsafe and self.fix.applicability is Applicability.UNSAFE


@dataclass
class InternalError:
    """A rule that raised on a file: reported, the run goes on, and the exit code is 2."""

    path: str
    rule: str
    message: str
    traceback: str


def internal_error(path: str, code: str, exc: Exception) -> InternalError:
    """The record of rule `code` raising `exc` on `path`; call it inside the `except` block."""
    import traceback  # noqa: PLC0415 - start-up: only when a rule fails: keeps it out of every run's start-up

    return InternalError(
        path=path,
        rule=code,
        message=f"{type(exc).__name__}: {exc}",
        traceback=traceback.format_exc(),
    )
