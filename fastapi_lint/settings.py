"""The resolved settings a run uses: plain data, cheap to import, hashable for the cache.

`config.py` builds these from pyproject.toml (validated with pydantic) and CLI flags.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# Directories never worth linting; named on the command line they are still linted.
DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pytype",
    ".ruff_cache",
    ".fastapi_lint_cache",
    ".svn",
    ".tox",
    ".venv",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
)

# The rules whose blocking tables `extend-blocking-calls` can extend.
BLOCKING_RULES: tuple[str, ...] = ("FAL101", "FAL102", "FAL103", "FAL104", "FAL105")


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ("FAL",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    # (glob, codes) pairs: codes ignored in files matching the glob.
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    output_format: str = "text"
    cache_dir: str = ".fastapi_lint_cache"
    # (rule code, qualified names) pairs added to that rule's blocking table.
    extend_blocking_calls: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Where the configuration was found ("" when none): paths in it are relative to this.
    root: str = field(default="", compare=False)

    def blocking_extensions(self, code: str) -> frozenset[str]:
        return frozenset(
            name for rule, names in self.extend_blocking_calls if rule == code for name in names
        )

    def fingerprint(self) -> str:
        """A digest of every setting that can change what a file's findings are."""
        import hashlib  # here, not at the top: a one-file run without cache never needs them
        import json

        data = asdict(self)
        for key in ("output_format", "cache_dir", "root", "exclude", "extend_exclude"):
            data.pop(key, None)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
