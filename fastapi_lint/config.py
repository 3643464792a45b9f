"""`[tool.fastapi-lint]` in pyproject.toml: discovery, validation, and CLI overrides."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from .settings import BLOCKING_RULES, Settings

SECTION = "fastapi-lint"
OUTPUT_FORMATS = (
    "full",
    "concise",
    "grouped",
    "json",
    "json-lines",
    "github",
    "gitlab",
    "junit",
    "rdjson",
    "pylint",
    "azure",
    "sarif",
    "text",  # the name `concise` had before `full` became the default
)
# The environment variable that sets the cache directory for every configuration (ruff's is
# RUFF_CACHE_DIR); `--cache-dir` wins over it.
CACHE_DIR_ENV = "FASTAPI_LINT_CACHE_DIR"


class ConfigError(Exception):
    """A configuration problem, phrased for the user: exit code 2, one line, no traceback."""


def find_config(start: str | os.PathLike[str]) -> Path | None:
    """The nearest pyproject.toml at or above `start` that has a `[tool.fastapi-lint]` table."""
    here = Path(start).resolve()
    if here.is_file() or here.suffix == ".py":
        here = here.parent
    for directory in (here, *here.parents):
        candidate = directory / "pyproject.toml"
        if _has_table(str(candidate)):
            return candidate
    return None


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None


def _validate(table: dict[str, Any], where: str) -> dict[str, Any]:
    """Validate the table with a pydantic model; return the set keys in snake_case."""
    # pydantic is imported here, not at module level: a run without a config table never pays for it.
    from pydantic import ValidationError  # noqa: PLC0415 - start-up: pydantic only when a configuration table exists

    from .config_model import FileConfig  # noqa: PLC0415 - start-up: only `_validate` needs it

    try:
        model = FileConfig.model_validate(table)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(part) for part in error["loc"] if part != "[key]")
        if error["type"] == "extra_forbidden":
            accepted = ", ".join(sorted(f.alias or n for n, f in FileConfig.model_fields.items()))
            raise ConfigError(
                f"{where}: unknown key '{key}' in [tool.{SECTION}]; accepted keys: {accepted}"
            ) from None
        got = error.get("input")
        raise ConfigError(
            f"{where}: invalid value for '{key}' in [tool.{SECTION}]: {error['msg']} (got {got!r})"
        ) from None
    return model.model_dump(exclude_none=True)


def load_settings(config_path: Path | None, overrides: tuple[dict[str, Any], ...] = ()) -> Settings:
    """Settings from a pyproject.toml (or the defaults when there is none).

    The file's `extend` chain is read first (base before the files that extend it), then
    `overrides` (validated `--config KEY = VALUE` fragments) on top of it all.
    """
    layers: list[dict[str, Any]] = []
    if config_path is not None:
        layers = [values for _, values in _chain(Path(config_path), ())]
    settings = Settings(
        root=str(config_path.parent) if config_path is not None else "",
        config_path=str(config_path) if config_path is not None else "",
    )
    return apply_overrides(settings, **_merge([*layers, *overrides]))


def _table(path: Path) -> dict[str, Any]:
    data = _load_toml(path)
    table = data.get("tool", {}).get(SECTION)
    if table is None:
        raise ConfigError(f"{path} has no [tool.{SECTION}] table")
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{SECTION}] must be a table")
    return table


def _chain(path: Path, seen: tuple[Path, ...]) -> list[tuple[Path, dict[str, Any]]]:
    """The configurations `path` builds on through `extend`, base first, then `path` itself."""
    values = _validate(_table(path), str(path))
    _check_values(values, str(path))
    if values.get("python"):
        # Relative to the file that says it, like every path in the configuration.
        values["python"] = str(path.parent / os.path.expanduser(values["python"]))
    extend = values.pop("extend", None)
    if extend is None:
        return [(path, values)]
    # Relative to the file that says it, as in ruff; `~` and environment variables expanded.
    base = Path(path.parent, os.path.expandvars(os.path.expanduser(extend))).resolve()
    trail = (*seen, path.resolve())
    if base in trail:
        cycle = " -> ".join(str(p) for p in (*trail[trail.index(base) :], base))
        raise ConfigError(f"{path}: `extend` makes a cycle: {cycle}")
    if not base.is_file():
        raise ConfigError(f"{path}: extend = {extend!r}: no such file ({base})")
    return [*_chain(base, trail), (path, values)]


# Keys whose values add up across the layers of a configuration (base, extending files,
# --config overrides); every other key is replaced by the later layer.
_ADDING = ("extend_select", "ignore", "extend_exclude", "extend_per_file_ignores")


def _merge(layers: list[dict[str, Any]]) -> dict[str, Any]:
    """One set of values from layers applied in order, as ruff combines `extend`ed files: a
    later `select` starts the selection afresh (dropping earlier `extend-select` and
    `ignore`), lists of `extend-*` and `ignore` add up, `extend-blocking-calls` tables merge,
    and any other key is replaced."""
    merged: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if key == "select":
                merged.pop("extend_select", None)
                merged.pop("ignore", None)
                merged[key] = value
            elif key in ("extend_per_file_ignores", "extend_blocking_calls"):
                table = dict(merged.get(key, {}))
                for name, codes in value.items():
                    table[name] = [*table.get(name, []), *codes]
                merged[key] = table
            elif key in _ADDING:
                merged[key] = [*merged.get(key, []), *value]
            else:
                merged[key] = value
    extra = merged.pop("extend_per_file_ignores", None)
    if extra:
        table = dict(merged.get("per_file_ignores", {}))
        for pattern, codes in extra.items():
            table[pattern] = [*table.get(pattern, []), *codes]
        merged["per_file_ignores"] = table
    return merged


def parse_override(text: str) -> dict[str, Any]:
    """A `--config 'KEY = VALUE'` fragment: TOML for one key of [tool.fastapi-lint],
    validated as a configuration file's key is."""
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"--config {text!r} is neither a configuration file nor a TOML `KEY = VALUE` "
            f"pair ({exc})"
        ) from None
    if "extend" in table:
        raise ConfigError(f"--config {text!r}: `extend` belongs in a configuration file")
    values = _validate(table, f"--config {text!r}")
    _check_values(values, f"--config {text!r}")
    return values


class Configs:
    """Each file's settings: those of the nearest pyproject.toml above it that has a
    [tool.fastapi-lint] table (or of `fixed`, one file for all, when given), with the
    command line's overrides on top (`finish`). Loaded once per configuration file."""

    def __init__(
        self,
        fixed: Path | None = None,
        overrides: tuple[dict[str, Any], ...] = (),
        finish: Callable[[Settings], Settings] | None = None,
        project: Callable[[Settings, Path | None], Settings] | None = None,
    ) -> None:
        self.fixed = fixed
        self.overrides = overrides
        self.finish = finish or (lambda settings: settings)
        # Resolves a configuration's settings for one project (its environment and versions,
        # `resolve_project`), given the project's directory; None: settings are not resolved.
        self.project = project
        self._by_config: dict[Path | None, Settings] = {}
        self._by_group: dict[tuple[Path | None, Path | None], Settings] = {}
        self._by_directory: dict[str, Path | None] = {}
        self._projects: dict[str, Path | None] = {}
        # The regular files in each directory discovery listed (by absolute path; see
        # `discover`): a configuration or project file is looked for there among them, so
        # grouping a large tree costs no file system call per directory.
        self.listings: dict[str, frozenset[str]] = {}

    def config_of(self, path: str | os.PathLike[str]) -> Path | None:
        """The configuration file governing `path` (a file, or a directory's files)."""
        if self.fixed is not None:
            return self.fixed
        return _nearest(path, self._by_directory, self._configuration_in)

    def _configuration_in(self, directory: str) -> Path | None:
        listed = self.listings.get(directory)
        if listed is not None and "pyproject.toml" not in listed:
            return None
        return _configuration_in(directory)

    def for_config(self, config: Path | None) -> Settings:
        settings = self._by_config.get(config)
        if settings is None:
            settings = self.finish(load_settings(config, self.overrides))
            self._by_config[config] = settings
        return settings

    def project_of(self, path: str | os.PathLike[str]) -> Path | None:
        """The project `path` belongs to: the nearest directory at or above it that declares
        one (`versions.project_root`); its versions and environment are the file's, whichever
        configuration governs it (a service of a monorepo configured from the top). None
        when settings are not resolved per project."""
        if self.project is None:
            return None
        return _nearest(path, self._projects, self._declares_project)

    def _declares_project(self, directory: str) -> Path | None:
        from .semantic.versions import PROJECT_MARKERS  # noqa: PLC0415 - start-up: only a resolving run needs it

        listed = self.listings.get(directory)
        if listed is not None:
            declares = not listed.isdisjoint(PROJECT_MARKERS)
        else:
            declares = any(os.path.isfile(os.path.join(directory, m)) for m in PROJECT_MARKERS)
        return Path(directory) if declares else None

    def group_of(self, path: str | os.PathLike[str]) -> tuple[Path | None, Path | None]:
        """(configuration, project) of `path`: the files checked together, with one `Settings`."""
        return self.config_of(path), self.project_of(path)

    def group_of_directory(self, directory: str) -> tuple[Path | None, Path | None]:
        """`group_of` for the files of `directory`, known to be a directory (no `stat`)."""
        absolute = os.path.abspath(directory)
        config = self.fixed
        if config is None:
            config = _nearest_from(absolute, self._by_directory, self._configuration_in)
        if self.project is None:
            return config, None
        return config, _nearest_from(absolute, self._projects, self._declares_project)

    def for_group(self, config: Path | None, project: Path | None) -> Settings:
        """The settings of `config`, resolved for `project` (see `project_of`)."""
        settings = self.for_config(config)
        if self.project is None:
            return settings
        key = (config, project)
        found = self._by_group.get(key)
        if found is None:
            found = self._by_group[key] = self.project(settings, project)
        return found

    def for_path(self, path: str | os.PathLike[str]) -> Settings:
        return self.for_group(*self.group_of(path))


def _nearest(
    path: str | os.PathLike[str],
    memo: dict[str, Path | None],
    found_in: Callable[[str], Path | None],
) -> Path | None:
    """`found_in` of the nearest directory at or above `path` where it finds something, or None.

    Every directory walked is remembered in `memo` with the answer, so the files of one tree
    cost one walk between them.
    """
    absolute = os.path.abspath(path)
    directory = absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
    return _nearest_from(directory, memo, found_in)


def _nearest_from(
    directory: str, memo: dict[str, Path | None], found_in: Callable[[str], Path | None]
) -> Path | None:
    """`_nearest` from `directory`, an absolute, normalised path of a directory."""
    walked: list[str] = []
    found: Path | None = None
    while True:
        if directory in memo:
            found = memo[directory]
            break
        walked.append(directory)
        found = found_in(directory)
        if found is not None:
            break
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    for name in walked:
        memo[name] = found
    return found


def _configuration_in(directory: str) -> Path | None:
    """The directory's pyproject.toml when it has a `[tool.fastapi-lint]` table."""
    candidate = os.path.join(directory, "pyproject.toml")
    return Path(candidate) if _has_table(candidate) else None


def _has_table(candidate: str) -> bool:
    try:
        with open(candidate, "rb") as handle:
            data = handle.read()
    except OSError:  # no such file (the usual case), or a directory of that name
        return False
    if b"fastapi-lint" not in data:
        return False
    return SECTION in _load_toml(Path(candidate)).get("tool", {})


def _check_values(values: dict[str, Any], where: str) -> None:
    """What the type model cannot say: no selector may be empty, `cache-dir` must be a path.

    An empty string is a prefix of every code, so `select = [""]` or `per-file-ignores =
    {"*" = [""]}` would switch every rule on or off without naming one; it is always a slip
    (a stray comma, an unset variable in a template), so it is refused rather than guessed at.
    An empty list (`select = []`) stays what it says: select nothing, as in ruff.
    """
    for key in ("select", "extend_select", "ignore", "fixable", "unfixable"):
        for code in values.get(key, ()):
            if not code.strip():
                raise ConfigError(f"{where}: {_option(key)}: {EMPTY_SELECTOR}")
    for key in ("per_file_ignores", "extend_per_file_ignores"):
        for pattern, codes in values.get(key, {}).items():
            if any(not code.strip() for code in codes):
                raise ConfigError(f"{where}: {_option(key)[1:-1]} {pattern!r}: {EMPTY_SELECTOR}")
    cache_dir = values.get("cache_dir")
    if cache_dir is not None:
        if not cache_dir.strip():
            raise ConfigError(f"{where}: invalid value for 'cache-dir': an empty path")
        if "\0" in cache_dir:
            raise ConfigError(
                f"{where}: invalid value for 'cache-dir': a path cannot contain a NUL byte"
            )


EMPTY_SELECTOR = "empty rule selector; name a code or a prefix (FAL102, FAL1) or ALL"


def _option(key: str) -> str:
    return "'" + key.replace("_", "-") + "'"


def apply_overrides(settings: Settings, **values: Any) -> Settings:
    """Merge values (from the file or the CLI) into settings, normalising codes to upper case."""
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if key in ("select", "extend_select", "ignore", "fixable", "unfixable"):
            changes[key] = tuple(code.strip().upper() for code in value if code.strip())
        elif key in ("exclude", "extend_exclude"):
            changes[key] = tuple(value)
        elif key == "per_file_ignores":
            changes[key] = tuple(
                (pattern, tuple(code.upper() for code in codes)) for pattern, codes in value.items()
            )
        elif key == "extend_blocking_calls":
            unknown = set(value) - set(BLOCKING_RULES)
            if unknown:
                raise ConfigError(
                    f"extend-blocking-calls: {sorted(unknown)} are not blocking rules"
                )
            changes[key] = tuple((code, tuple(names)) for code, names in sorted(value.items()))
        elif key == "target_versions":
            changes[key] = _target_versions(value)
        elif key == "extend_model_bases":
            changes[key] = tuple(value)
        else:
            changes[key] = value
    return replace(settings, **changes)


def _target_versions(value: dict[str, str] | list[str]) -> tuple[tuple[str, str], ...]:
    """`{pydantic = "2"}` from the file, or `pydantic=2` strings from `--target-version`."""
    from .semantic.versions import user_target  # noqa: PLC0415 - start-up: only `_target_versions` needs it

    pairs: dict[str, str] = {}
    items = value.items() if isinstance(value, dict) else [_split_target(v) for v in value]
    for name, version in items:
        try:
            user_target(name, str(version))
        except ValueError as exc:
            raise ConfigError(f"target-versions: {exc}") from None
        pairs[name.strip().lower()] = str(version).strip()
    return tuple(sorted(pairs.items()))


def _split_target(text: str) -> tuple[str, str]:
    name, sep, version = text.partition("=")
    if not sep or not name.strip() or not version.strip():
        raise ConfigError(f"--target-version {text!r}: expected LIBRARY=VERSION, e.g. pydantic=2")
    return name.strip(), version.strip()


def resolve_project(settings: Settings, start: str | os.PathLike[str]) -> Settings:
    """Settings with the project's environment and target versions filled in: the project
    is the nearest pyproject.toml at or above `start` (else the configuration's directory)."""
    from .semantic.environment import EnvironmentNotFound, find_environment  # noqa: PLC0415 - start-up: only `resolve_project` needs it
    from .semantic.versions import project_root, resolve  # noqa: PLC0415 - start-up: only `resolve_project` needs it

    root = project_root(start if os.path.exists(start) else ".")
    if root is None and settings.root:
        root = Path(settings.root)
    try:
        environment = find_environment(settings.python, root)
    except EnvironmentNotFound as exc:
        raise ConfigError(f"python: {exc}") from None
    versions = resolve(root, environment, settings.target_versions)
    line_length = formatter_line_length(root if root is not None else start)
    return replace(settings, environment=environment, versions=versions, line_length=line_length)


DEFAULT_LINE_LENGTH = 88  # ruff's and black's


def formatter_line_length(start: str | os.PathLike[str] | None) -> int:
    """The line length the project's formatter keeps to, as the formatter finds it: ruff's
    nearest configuration at or above `start` (`.ruff.toml`, `ruff.toml`, or a pyproject.toml
    with `[tool.ruff]`; its `line-length`, followed through `extend`), else black's
    `[tool.black] line-length` in the nearest pyproject.toml that has one, else 88. A file
    that cannot be read or holds no valid number counts as saying nothing."""
    if start is None:
        return DEFAULT_LINE_LENGTH
    here = Path(start).resolve()
    directories = (here, *here.parents)
    for directory in directories:
        for name in (".ruff.toml", "ruff.toml", "pyproject.toml"):
            candidate = directory / name
            if not candidate.is_file():
                continue
            table = _toml_or_empty(candidate)
            if name == "pyproject.toml":
                if "ruff" not in table.get("tool", {}):
                    continue
                table = table["tool"]["ruff"]
            return _ruff_line_length(candidate, table, 0)
    for directory in directories:
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            black = _toml_or_empty(candidate).get("tool", {}).get("black")
            if isinstance(black, dict):
                return _valid_length(black.get("line-length")) or DEFAULT_LINE_LENGTH
    return DEFAULT_LINE_LENGTH


def _ruff_line_length(path: Path, table: dict[str, Any], depth: int) -> int:
    found = _valid_length(table.get("line-length"))
    if found is not None:
        return found
    extend = table.get("extend")
    if isinstance(extend, str) and depth < 8:
        base = Path(path.parent, os.path.expandvars(os.path.expanduser(extend)))
        if base.is_file():
            data = _toml_or_empty(base)
            if base.name == "pyproject.toml":
                data = data.get("tool", {}).get("ruff", {})
            return _ruff_line_length(base, data, depth + 1)
    return DEFAULT_LINE_LENGTH


def _valid_length(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _toml_or_empty(path: Path) -> dict[str, Any]:
    """The formatter's file, read leniently: it is the formatter's to validate, not ours."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return {}
