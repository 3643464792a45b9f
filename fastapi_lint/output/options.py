from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportOptions:
    """How the reporters present a run."""

    color: bool = False
    quiet: bool = False  # findings only, no summary
    statistics: bool = False  # a count per code instead of each finding
    fixing: bool = False  # --fix or --diff was given
    show_fixes: bool = False  # list the fixes applied (--fix) or available, per file and code
    # Source read from stdin, by the path it is reported under: formats that quote the source
    # (`full`) or count bytes (`rdjson`) cannot read it from disk.
    stdin_sources: tuple[tuple[str, bytes], ...] = ()
