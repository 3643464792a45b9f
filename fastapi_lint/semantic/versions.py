"""Which versions of its libraries, and of Python, the project targets.

A library's version is taken, in this order, from

1. the user (`--target-version pydantic=2`, `target-versions = { pydantic = "2" }`): a
   migration branch says what it migrates *to*;
2. the project's environment (see `environment.py`), when it is the project's own (`--python`,
   `VIRTUAL_ENV`, a `.venv`/`venv` beside pyproject.toml): the version installed there;
3. what the project declares: a lock file (`uv.lock`, `poetry.lock`, `Pipfile.lock`: exact
   versions), then `[project] dependencies` / `[tool.poetry.dependencies]` in pyproject.toml,
   then `requirements*.txt`: the range the specifier allows.

The interpreter running the linter (the last fallback of `find_environment`) is read for
installed *code*, never for versions: it is usually the linter's own environment, whose
Pydantic is the linter's dependency and says nothing about the project.

The target Python is `requires-python` (or poetry's `python = "^3.8"`), else the Python of the
project's own environment. Anything else (no declaration, a specifier that allows both majors)
is unknown, and rules behave as they do without this knowledge.

Everything here is plain data (`Target`, `ProjectVersions`), resolved once per run and part of
the settings' fingerprint: a changed pin or an installed upgrade invalidates cached results.
Specifiers are read by a small parser of our own (PEP 440 operators, poetry's `^` and `~`):
only lower and upper bounds matter here, and the linter takes no dependency for them.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..catalogues.typing_names import TYPING_ADDED
from ..writing import read_regular
from .environment import Environment, installed, normalize

# The libraries whose version rules ask about (normalised distribution names).
TRACKED: tuple[str, ...] = (
    "pydantic",
    "pydantic-settings",
    "fastapi",
    "starlette",
    "httpx",
    "sqlalchemy",
    "sqlmodel",
)

Version = tuple[int, ...]


@dataclass(frozen=True)
class Target:
    """The versions of a library (or of Python) the project targets: `low <= v < high`.

    `at_least((2,))` is True when every version in the range is 2 or later, False when none
    is, None when the range allows both or nothing is known. `source` says where the range
    comes from, for messages ("pydantic<2 in pyproject.toml")."""

    name: str
    low: Version | None = None
    high: Version | None = None  # exclusive
    source: str = ""

    @property
    def known(self) -> bool:
        return self.low is not None or self.high is not None

    def at_least(self, version: Version) -> bool | None:
        if self.low is not None and self.low >= version:
            return True
        if self.high is not None and self.high <= version:
            return False
        return None

    def below(self, version: Version) -> bool | None:
        answer = self.at_least(version)
        return None if answer is None else not answer

    def admits_below(self, version: Version) -> bool:
        """Does the range include versions older than `version`? (`requires-python >=3.7`
        admits Python 3.8: code written for the project must run there.)"""
        return self.low is not None and self.low < version

    @property
    def major(self) -> int | None:
        """The major version, when the whole range is within one."""
        if self.low is None or self.high is None:
            return None
        return self.low[0] if self.high <= (self.low[0] + 1,) else None


@dataclass(frozen=True)
class ProjectVersions:
    """The library and Python versions the project's code is checked against."""

    libraries: tuple[Target, ...] = ()
    python: Target = field(default_factory=lambda: Target("python"))
    # The versions installed or declared, when the user's `target-versions` changed some
    # (None: the same as `libraries`): what the code was written for, on a migration branch.
    written: tuple[Target, ...] | None = None

    def target(self, library: str) -> Target:
        """What the project targets of `library` (any distribution name spelling); an unknown
        `Target` when nothing says."""
        if library.lower() == "python":
            return self.python
        return _find(self.libraries, library)

    def written_for(self, library: str) -> Target:
        """The version installed or declared, ignoring the user's `target-versions`: what
        the code as it stands was written for (FAL310 asks whether a module is v1 code)."""
        return _find(self.written if self.written is not None else self.libraries, library)


def typing_module(python: Target, name: str) -> str:
    """Where a fix imports the `typing` name `name` from: `typing`, or `typing_extensions`
    when the project's target Python admits a version that lacks it."""
    added = TYPING_ADDED.get(name)
    return "typing_extensions" if added is not None and python.admits_below(added) else "typing"


def _find(targets: tuple[Target, ...], library: str) -> Target:
    name = normalize(library)
    for target in targets:
        if target.name == name:
            return target
    return Target(name)


# ------------------------------------------------------------------ resolution


def resolve(
    root: str | os.PathLike[str] | None,
    environment: Environment | None,
    overrides: tuple[tuple[str, str], ...] = (),
) -> ProjectVersions:
    """The project's versions from `overrides`, its environment and its declarations in `root`
    (the directory of its pyproject.toml)."""
    declared = _declared(Path(root)) if root else _Declared()
    own = environment is not None and not environment.is_running_interpreter
    versions = installed(environment) if environment is not None else {}
    where = environment.source if environment is not None else ""
    written: dict[str, Target] = {}
    for name in TRACKED:
        if own and name in versions:
            written[name] = _exact(name, versions[name], f"{versions[name]} installed ({where})")
        elif name in declared.libraries:
            written[name] = declared.libraries[name]
    found = dict(written)
    for name, value in overrides:
        if normalize(name) != "python":
            found[normalize(name)] = user_target(name, value)
    python = Target("python")
    for name, value in overrides:
        if normalize(name) == "python":
            python = user_target("python", value)
    if not python.known:
        python = declared.python
    if not python.known and own and environment is not None and environment.python:
        low = environment.python
        python = Target("python", low, (low[0], low[1] + 1), f"the Python of {environment.source}")
    libraries = tuple(found[n] for n in sorted(found) if found[n].known)
    own_libraries = tuple(written[n] for n in sorted(written) if written[n].known)
    return ProjectVersions(libraries, python, own_libraries if own_libraries != libraries else None)


def user_target(name: str, value: str) -> Target:
    """`pydantic=2` means Pydantic 2.x, `pydantic=2.5` 2.5 or later 2.x, `starlette=0.27`
    0.27.x (a 0.x minor is a major), `python=3.9` 3.9 or later."""
    version = parse_version(value)
    if version is None:
        raise ValueError(f"{name}={value}: not a version (expected e.g. {name}=2)")
    if normalize(name) == "python":
        return Target("python", version, None, f"target-version python={value}")
    if version[0] == 0 and len(version) > 1:
        high: Version = (0, version[1] + 1)
    else:
        high = (version[0] + 1,)
    return Target(normalize(name), version, high, f"target-version {name}={value}")


def _exact(name: str, version: str, source: str) -> Target:
    parsed = parse_version(version)
    if parsed is None:
        return Target(name)
    return Target(name, parsed, (*parsed, 1), source)


_VERSION = re.compile(r"^\s*v?(\d+(?:\.\d+)*)")


def parse_version(text: str) -> Version | None:
    """The release part of a version (`1.10.13`, `2.0b3` → (2, 0)), None when there is none."""
    match = _VERSION.match(text)
    if match is None:
        return None
    return tuple(int(p) for p in match[1].split("."))


_CLAUSE = re.compile(r"(===|~=|==|!=|<=|>=|<|>|\^|~)?\s*([0-9][0-9A-Za-z.*+!-]*)")


def specifier_range(spec: str) -> tuple[Version | None, Version | None] | None:
    """(low, high) allowed by a specifier (`>=1.8,<2`, `~=1.10`, poetry `^1.10`, `==1.10.*`);
    None when it cannot be read."""
    spec = spec.strip().strip("()")
    if not spec or spec == "*":
        return (None, None)
    low: Version | None = None
    high: Version | None = None
    for clause in spec.replace("||", "|").split(","):
        clause = clause.strip()
        if "|" in clause:
            return None  # poetry alternatives: a union, not a range
        match = _CLAUSE.fullmatch(clause)
        if match is None:
            return None
        op, text = match[1] or "==", match[2]
        wildcard = text.endswith(".*")
        version = parse_version(text.removesuffix(".*"))
        if version is None:
            return None
        lo: Version | None = None
        hi: Version | None = None
        if op in (">=", ">"):
            lo = version
        elif op == "<":
            hi = version
        elif op == "<=":
            hi = (*version, 1)
        elif op in ("==", "==="):
            if wildcard:
                lo, hi = version, (*version[:-1], version[-1] + 1)
            else:
                lo, hi = version, (*version, 1)
        elif op == "~=":
            if len(version) < 2:
                return None
            lo, hi = version, (*version[:-2], version[-2] + 1)
        elif op == "^":
            lo = version
            first = next((i for i, p in enumerate(version) if p), len(version) - 1)
            hi = (*version[:first], version[first] + 1)
        elif op == "~":
            lo = version
            hi = (version[0], version[1] + 1) if len(version) > 1 else (version[0] + 1,)
        elif op == "!=":
            continue
        if lo is not None and (low is None or lo > low):
            low = lo
        if hi is not None and (high is None or hi < high):
            high = hi
    return (low, high)


# ------------------------------------------------------------------ declarations


@dataclass
class _Declared:
    """The versions a project's files declare, by library."""

    libraries: dict[str, Target] = field(default_factory=dict)
    python: Target = field(default_factory=lambda: Target("python"))


_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([^;#@]*)")


def _declared(root: Path) -> _Declared:
    found = _Declared()
    sources: list[tuple[str, dict[str, str]]] = []  # (file, name → specifier), in order
    sources.extend(_lock_files(root))
    pyproject = root / "pyproject.toml"
    data: dict[str, object] = {}
    if pyproject.is_file():
        try:
            with pyproject.open("rb") as handle:
                data = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError):
            data = {}
    project = data.get("project")
    if isinstance(project, dict):
        deps = project.get("dependencies")
        if isinstance(deps, list):
            sources.append(("pyproject.toml", _requirements(str(d) for d in deps)))
        requires = project.get("requires-python")
        if isinstance(requires, str):
            found.python = _range_target("python", requires, f"requires-python {requires}")
    tool = data.get("tool")
    poetry = tool.get("poetry", {}) if isinstance(tool, dict) else {}
    deps = poetry.get("dependencies") if isinstance(poetry, dict) else None
    if isinstance(deps, dict):
        specs: dict[str, str] = {}
        for name, value in deps.items():
            if isinstance(value, dict):
                value = value.get("version", "")
            if not isinstance(value, str):
                continue
            if name.lower() == "python":
                if not found.python.known:
                    found.python = _range_target("python", value, f"python = {value!r} (poetry)")
                continue
            specs[normalize(name)] = value
        sources.append(("pyproject.toml (poetry)", specs))
    for path in sorted(root.glob("requirements*.txt")):
        try:
            # A regular file of bounded size only: a FIFO named like one would block the run.
            lines = read_regular(str(path)).decode("utf-8", "replace").splitlines()
        except OSError:
            continue
        sources.append((path.name, _requirements(lines)))
    for name in TRACKED:
        for where, specs in sources:
            if name not in specs:
                continue
            spec = specs[name]
            text = f"{name}{spec}" if spec and spec[0] in "<>=!~^" else f"{name} {spec}".strip()
            target = _range_target(name, spec, f"{text} in {where}")
            if target.known:
                found.libraries[name] = target
                break
    return found


def _range_target(name: str, spec: str, source: str) -> Target:
    bounds = specifier_range(spec)
    if bounds is None:
        return Target(name)
    return Target(name, bounds[0], bounds[1], source)


def _requirements(lines: Iterable[object]) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in lines:
        line = str(line).split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        match = _REQUIREMENT.match(line)
        if match is None:
            continue
        name = normalize(match[1])
        if name in TRACKED and name not in found:
            found[name] = match[2].strip()
    return found


def _lock_files(root: Path) -> list[tuple[str, dict[str, str]]]:
    """Exact versions from lock files. Read by a pattern for the tracked names only: a lock
    file can be large, and its `[[package]]` tables put `name` and `version` first."""
    found: list[tuple[str, dict[str, str]]] = []
    for filename in ("uv.lock", "poetry.lock"):
        path = root / filename
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        specs: dict[str, str] = {}
        for match in re.finditer(
            r'^\[\[package\]\]\s*\nname\s*=\s*"([^"]+)"\s*\nversion\s*=\s*"([^"]+)"',
            text,
            re.MULTILINE,
        ):
            name = normalize(match[1])
            if name in TRACKED:
                specs.setdefault(name, "==" + match[2])
        found.append((filename, specs))
    pipfile = root / "Pipfile.lock"
    if pipfile.is_file():
        import json  # noqa: PLC0415 - start-up: rare: only for a Pipfile.lock

        try:
            data = json.loads(pipfile.read_text(encoding="utf-8"))
            default = data.get("default", {})
            specs = {
                normalize(n): str(v.get("version", ""))
                for n, v in default.items()
                if isinstance(v, dict) and normalize(n) in TRACKED
            }
            found.append(("Pipfile.lock", specs))
        except (OSError, ValueError, AttributeError):
            pass
    return found


def project_root(start: str | os.PathLike[str]) -> Path | None:
    """The nearest directory at or above `start` that declares a project: a pyproject.toml,
    setup.py, setup.cfg or requirements.txt. There are its declarations and its `.venv`; a
    directory inside another project with a requirements file of its own (an example app, a
    service of a monorepo) is a project of its own."""
    here = Path(start).resolve()
    if not here.is_dir():
        here = here.parent
    for directory in (here, *here.parents):
        if any((directory / marker).is_file() for marker in PROJECT_MARKERS):
            return directory
    return None


PROJECT_MARKERS = ("pyproject.toml", "requirements.txt", "setup.py", "setup.cfg")
