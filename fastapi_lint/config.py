"""`[tool.fastapi-lint]` in pyproject.toml: discovery, validation, and CLI overrides."""

from __future__ import annotations

import os
import tomllib
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


class ConfigError(Exception):
    """A configuration problem, phrased for the user: exit code 2, one line, no traceback."""


def find_config(start: str | os.PathLike[str]) -> Path | None:
    """The nearest pyproject.toml at or above `start` that has a `[tool.fastapi-lint]` table."""
    here = Path(start).resolve()
    if here.is_file() or here.suffix == ".py":
        here = here.parent
    for directory in (here, *here.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            try:
                data = candidate.read_bytes()
            except OSError:
                continue
            if b"fastapi-lint" in data and SECTION in _load_toml(candidate).get("tool", {}):
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


def load_settings(config_path: Path | None) -> Settings:
    """Settings from a pyproject.toml (or the defaults when there is none)."""
    if config_path is None:
        return Settings()
    data = _load_toml(config_path)
    table = data.get("tool", {}).get(SECTION)
    if table is None:
        raise ConfigError(f"{config_path} has no [tool.{SECTION}] table")
    if not isinstance(table, dict):
        raise ConfigError(f"{config_path}: [tool.{SECTION}] must be a table")
    values = _validate(table, str(config_path))
    _check_values(values, str(config_path))
    if values.get("python"):
        # Relative to the file that says it, like every path in the configuration.
        values["python"] = str(config_path.parent / os.path.expanduser(values["python"]))
    settings = Settings(root=str(config_path.parent))
    return apply_overrides(settings, **values)


def _check_values(values: dict[str, Any], where: str) -> None:
    """What the type model cannot say: no selector may be empty, `cache-dir` must be a path.

    An empty string is a prefix of every code, so `select = [""]` or `per-file-ignores =
    {"*" = [""]}` would switch every rule on or off without naming one; it is always a slip
    (a stray comma, an unset variable in a template), so it is refused rather than guessed at.
    An empty list (`select = []`) stays what it says: select nothing, as in ruff.
    """
    for key in ("select", "extend_select", "ignore"):
        for code in values.get(key, ()):
            if not code.strip():
                raise ConfigError(f"{where}: {_option(key)}: {EMPTY_SELECTOR}")
    for pattern, codes in values.get("per_file_ignores", {}).items():
        if any(not code.strip() for code in codes):
            raise ConfigError(f"{where}: per-file-ignores {pattern!r}: {EMPTY_SELECTOR}")
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
        if key in ("select", "extend_select", "ignore"):
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
    return replace(settings, environment=environment, versions=versions)
