"""The resolved settings a run uses: plain data, cheap to import, hashable for the cache.

`config.py` builds these from pyproject.toml (validated with pydantic) and CLI flags.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .semantic.environment import Environment
from .semantic.versions import ProjectVersions, Target

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
    """Every setting of a run, resolved from the configuration and the command line."""

    select: tuple[str, ...] = ("FAL",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    # (glob, codes) pairs: codes ignored in files matching the glob.
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    output_format: str = "full"
    cache_dir: str = ".fastapi_lint_cache"
    # Walking a directory skips what its .gitignore files (and .git/info/exclude) ignore.
    respect_gitignore: bool = True
    # Files larger than this (bytes) are not read: a FAL000 says so (see `writing.py`).
    max_file_size: int = 10 * 1024 * 1024
    # (rule code, qualified names) pairs added to that rule's blocking table.
    extend_blocking_calls: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # `python = ...` / `--python`: the interpreter or venv of the project ("" to look for it).
    python: str = ""
    # `target-versions` / `--target-version`: (library, version) the project migrates to.
    target_versions: tuple[tuple[str, str], ...] = ()
    # `extend-model-bases`: qualified names of third-party classes that are Pydantic models.
    extend_model_bases: tuple[str, ...] = ()
    # Resolved for the run (`config.resolve_project`): the project's environment and the
    # versions it targets. Both are part of the fingerprint: a changed pin, or a package
    # installed in the environment, invalidates cached results.
    environment: Environment | None = None
    versions: ProjectVersions = field(default_factory=ProjectVersions)
    # Rules in preview (new, not yet reviewed on the corpus) run only with this on.
    preview: bool = False
    # The line length of the project's formatter (ruff's `line-length`, else black's; 88 when
    # neither says): fixes lay out what they write to fit it (`layout.py`). Resolved with the
    # project (`config.resolve_project`).
    line_length: int = 88
    # Codes or prefixes whose fixes may be applied, and those whose fixes never are.
    fixable: tuple[str, ...] = ("ALL",)
    unfixable: tuple[str, ...] = ()
    # Where the configuration was found ("" when none): paths in it are relative to this.
    root: str = field(default="", compare=False)
    # The pyproject.toml these settings come from ("" for the defaults), for --show-settings.
    config_path: str = field(default="", compare=False)

    def fix_allowed(self, code: str) -> bool:
        """May fixes of rule `code` be applied? In `fixable` and not in `unfixable` (as in
        ruff, `unfixable` wins whatever the prefixes' lengths)."""
        return _selects(code, self.fixable) and not _selects(code, self.unfixable)

    def target(self, library: str) -> Target:
        """What version of `library` (or "python") the project targets: THE question rules
        ask about versions. `settings.target("pydantic").at_least((2,))` is True, False, or
        None when unknown (see `semantic/versions.py` for where the answer comes from)."""
        return self.versions.target(library)

    def blocking_extensions(self, code: str) -> frozenset[str]:
        return frozenset(
            name for rule, names in self.extend_blocking_calls if rule == code for name in names
        )

    def fingerprint(self) -> str:
        """A digest of every setting that can change what a file's findings are."""
        import hashlib  # noqa: PLC0415 - start-up: here, not at the top: a one-file run without cache never needs them
        import json  # noqa: PLC0415 - start-up: only `fingerprint` needs it

        data = asdict(self)
        unrelated = (
            "output_format",
            "cache_dir",
            "root",
            "config_path",
            "exclude",
            "extend_exclude",
        )
        for key in (*unrelated, "respect_gitignore"):
            data.pop(key, None)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def _selects(code: str, selectors: tuple[str, ...]) -> bool:
    return any(selector == "ALL" or code.startswith(selector) for selector in selectors)
