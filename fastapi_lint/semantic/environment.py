"""The target project's Python environment: where it is, what is installed in it.

The project is checked against the packages *it* runs with, found the way pyright and mypy find
them: `--python PATH` / `python = "..."` in the configuration; else the active virtual
environment (`VIRTUAL_ENV`); else a `.venv` or `venv` directory beside the project's
pyproject.toml; else the interpreter running the linter.

A virtual environment is read without running it: `pyvenv.cfg` gives its Python version and
`lib/pythonX.Y/site-packages` its packages. Only an interpreter that is not a virtual
environment is asked for its `sys.path` (one subprocess, memoised per interpreter path and
modification time). Installed versions come from the `*.dist-info` directory names (or their
`METADATA` when the name does not carry one); no package is imported.

`Environment` is a plain frozen record (it travels inside `Settings` to the worker processes and
into the cache fingerprint: `stamp` changes when a package is installed or removed); what is read
from it is memoised per process (`installed`, and `semantic.installed` for the code itself).
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


class EnvironmentNotFound(Exception):
    """`--python` / `python =` names nothing usable: a configuration error for the user."""


@dataclass(frozen=True)
class Environment:
    """The Python environment whose installed packages resolve imports."""

    # How it was chosen, for messages and docs: "--python", "VIRTUAL_ENV", ".venv", "running
    # interpreter".
    source: str
    prefix: str
    # Where installed modules are looked up, in import order.
    paths: tuple[str, ...]
    # The environment's Python (major, minor), when known.
    python: tuple[int, ...] | None = None
    # Changes when a package is installed or removed (the modification times of `paths`).
    stamp: str = ""

    @property
    def is_running_interpreter(self) -> bool:
        return self.source == "running interpreter"


def find_environment(
    python: str = "",
    project_root: str | os.PathLike[str] | None = None,
    environ: dict[str, str] | os._Environ[str] | None = None,
) -> Environment:
    """The environment the project runs in (see the module docstring for the order)."""
    env = os.environ if environ is None else environ
    if python:
        return _from_python(python, "--python")
    virtual = env.get("VIRTUAL_ENV")
    if virtual and os.path.isfile(os.path.join(virtual, "pyvenv.cfg")):
        found = _from_prefix(virtual, "VIRTUAL_ENV")
        if found is not None:
            return found
    if project_root is not None:
        for name in (".venv", "venv"):
            prefix = os.path.join(os.fspath(project_root), name)
            if os.path.isfile(os.path.join(prefix, "pyvenv.cfg")):
                found = _from_prefix(prefix, name)
                if found is not None:
                    return found
    return _running()


def _from_python(python: str, source: str) -> Environment:
    if "\0" in python:
        raise EnvironmentNotFound(f"{python!r}: a path cannot contain a NUL byte")
    path = os.path.abspath(os.path.expanduser(python))
    if os.path.isdir(path):
        # A venv directory (what `python = ".venv"` usually means) or a prefix.
        found = _from_prefix(path, source)
        if found is None:
            raise EnvironmentNotFound(f"{python}: no site-packages under this directory")
        return found
    if not os.path.isfile(path):
        raise EnvironmentNotFound(f"{python}: no such interpreter")
    # `.venv/bin/python` (or `Scripts\python.exe`): read the venv, do not run it.
    prefix = os.path.dirname(os.path.dirname(path))
    if os.path.isfile(os.path.join(prefix, "pyvenv.cfg")):
        found = _from_prefix(prefix, source)
        if found is not None:
            return found
    stat = os.stat(path)
    paths, version = _ask_interpreter(path, stat.st_mtime_ns)
    return Environment(source, prefix, paths, version, _stamp(paths))


@lru_cache(maxsize=8)
def _ask_interpreter(path: str, mtime_ns: int) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """`sys.path` and version of an interpreter that is not a venv (as pyright does it).

    `-I` keeps the project's own files and `PYTHON*` variables out; nothing of the project
    is imported. Memoised by path and modification time."""
    import json  # noqa: PLC0415 - start-up: here: only an interpreter that is not a venv is asked
    import subprocess  # noqa: PLC0415 - start-up: only `_ask_interpreter` needs it

    code = "import json, sys; print(json.dumps([sys.path, list(sys.version_info[:2])]))"
    try:
        done = subprocess.run(
            [path, "-I", "-c", code], capture_output=True, text=True, timeout=20, check=True
        )
        paths, version = json.loads(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        raise EnvironmentNotFound(f"{path}: cannot ask it for its sys.path ({exc})") from None
    usable = tuple(p for p in paths if p and os.path.isdir(p) and not p.endswith(".zip"))
    return usable, tuple(version)


def _from_prefix(prefix: str, source: str) -> Environment | None:
    prefix = os.path.abspath(prefix)
    version = _pyvenv_version(prefix)
    found: list[str] = []
    for lib in ("lib", "lib64", "Lib"):
        base = os.path.join(prefix, lib)
        if lib == "Lib":
            candidates = [os.path.join(base, "site-packages")]
        else:
            try:
                names = sorted(os.listdir(base))
            except OSError:
                continue
            # `python3.12`, also free-threaded `python3.13t`; the venv's own version first.
            if version is not None:
                own = f"python{version[0]}.{version[1]}"
                names.sort(key=lambda n: not n.startswith(own))
            candidates = [
                os.path.join(base, n, "site-packages") for n in names if n.startswith("python3")
            ]
        for candidate in candidates:
            real = os.path.realpath(candidate)
            if os.path.isdir(real) and real not in found:
                found.append(real)
    if not found:
        return None
    if version is None:
        match = re.search(r"python(\d+)\.(\d+)", found[0])
        version = (int(match[1]), int(match[2])) if match else None
    paths = (*found, *_pth_paths(found[0]))
    return Environment(source, prefix, paths, version, _stamp(paths))


def _pyvenv_version(prefix: str) -> tuple[int, ...] | None:
    try:
        with open(os.path.join(prefix, "pyvenv.cfg"), encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        return None
    match = re.search(r"^\s*(?:version_info|version)\s*=\s*(\d+)\.(\d+)", text, re.MULTILINE)
    return (int(match[1]), int(match[2])) if match else None


def _pth_paths(site: str) -> tuple[str, ...]:
    """Directories that `.pth` files add (editable installs write one): plain path lines only;
    `import` lines are code and are not run."""
    extra: list[str] = []
    try:
        names = [n for n in os.listdir(site) if n.endswith(".pth")]
    except OSError:
        return ()
    for name in sorted(names):
        try:
            lines = Path(site, name).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for line in lines:
            line = line.strip()
            if not line or line.startswith(("#", "import ", "import\t")):
                continue
            path = os.path.normpath(os.path.join(site, line))
            if os.path.isdir(path) and path not in extra:
                extra.append(path)
    return tuple(extra)


def _running() -> Environment:
    paths = tuple(
        os.path.realpath(p)
        for p in sys.path
        if p and os.path.isdir(p) and ("site-packages" in p or "dist-packages" in p)
    )
    return Environment(
        "running interpreter", sys.prefix, paths, tuple(sys.version_info[:2]), _stamp(paths)
    )


def _stamp(paths: tuple[str, ...]) -> str:
    """A directory's modification time changes when an entry is added or removed: installing,
    upgrading (pip replaces the `*.dist-info` directory) or removing a package."""
    parts = []
    for path in paths:
        try:
            parts.append(str(os.stat(path).st_mtime_ns))
        except OSError:
            parts.append("-")
    return ":".join(parts)


# ------------------------------------------------------------ installed versions


def normalize(name: str) -> str:
    """A distribution name as the packaging standards compare them (`Pydantic_Settings` →
    `pydantic-settings`)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def installed(environment: Environment) -> dict[str, str]:
    """Normalised distribution name → installed version, from the `*.dist-info` directories."""
    return _installed(environment.paths, environment.stamp)


@lru_cache(maxsize=8)
def _installed(paths: tuple[str, ...], stamp: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in paths:
        try:
            entries = os.listdir(path)
        except OSError:
            continue
        for entry in entries:
            if entry.endswith(".dist-info"):
                stem = entry[: -len(".dist-info")]
            elif entry.endswith(".egg-info"):
                stem = entry[: -len(".egg-info")]
            else:
                continue
            name, _, version = stem.partition("-")
            version = version.split("-py")[0]
            if not version:
                version = _metadata_version(os.path.join(path, entry))
            if version:
                found.setdefault(normalize(name), version)
    return found


def _metadata_version(directory: str) -> str:
    for filename in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(directory, filename), encoding="utf-8") as handle:
                for line in handle:
                    if line.startswith("Version:"):
                        return line.split(":", 1)[1].strip()
                    if not line.strip():
                        break
        except (OSError, UnicodeDecodeError):
            continue
    return ""


# ------------------------------------------------------------ installed modules


def module_file(environment: Environment, module: str) -> str | None:
    """The source file of an installed module (`a.b` → `.../a/b.py` or `.../a/b/__init__.py`),
    a `.pyi` stub when there is no source; None when it is not installed there."""
    return _module_file(environment.paths, environment.stamp, module)


@lru_cache(maxsize=4096)
def _module_file(paths: tuple[str, ...], stamp: str, module: str) -> str | None:
    parts = module.split(".")
    for root in paths:
        base = os.path.join(root, *parts)
        for candidate in (
            base + ".py",
            os.path.join(base, "__init__.py"),
            base + ".pyi",
            os.path.join(base, "__init__.pyi"),
        ):
            if os.path.isfile(candidate):
                return candidate
    return None
