"""Run a migration fixture's ``exercise()`` under a chosen interpreter and capture what it did.

The behaviour harness judges the FAL3xx/FAL201/FAL501/FAL601 fixes by what the fixed code *does*:
a module under ``fixtures/migration/`` defines ``exercise()``, which drives the module (builds
models, dumps them, feeds them invalid input, reads settings from the environment, calls a FastAPI
app) and returns a JSON-serialisable record. The record taken under Pydantic v1 is stored in
``tests/behaviour/recordings/``; a migrated module run under Pydantic v2 must return an equal
record and emit no deprecation warning.

Each run happens in a fresh subprocess (``_runner.py``) so that the two Pydantic majors never meet
in one interpreter and no state leaks between modules. The subprocess gets a small, fixed
environment (no inherited ``APP_*`` variables, fixed ``PYTHONHASHSEED``, ``TZ=UTC``) so a
recording does not depend on the shell that made it.

What a record may contain is the fixture's choice; the conventions the fixtures follow are:

* validation errors are recorded as the *sorted set of error locations* (``loc``) plus the fact
  that validation failed, never the message or error type text -- both changed wording between
  v1 and v2;
* a location segment ``__root__`` is dropped: v1 files model-level errors (root validators,
  invalid JSON in ``parse_raw``) and ``parse_obj_as`` errors under a synthetic ``__root__`` field
  that v2 does not have (v2 reports them at the model itself, ``loc == ()``);
* ``.json()`` output is recorded parsed (``json.loads``), not as text: v1 writes ``", "``/``": "``
  separators, v2 writes compact JSON, and no fix can keep the bytes;
* JSON schemas are recorded only in their stable parts (title, property names, required names,
  keys added through ``schema_extra``), because v1 and v2 render types differently
  (``Optional[int]`` is ``{"type": "integer"}`` in v1 and ``anyOf [integer, null]`` in v2).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
FIXTURES_DIR = REPO_ROOT / "fixtures" / "migration"
RECORDINGS_DIR = HERE / "recordings"
HAND_MIGRATED_DIR = HERE / "hand_migrated"
VENV_ROOT = REPO_ROOT / ".behaviour-venvs"
RUNNER = HERE / "_runner.py"

# Pydantic v1 and a FastAPI of its era. fastapi 0.95.2 pins starlette 0.27.0; httpx 0.23 still has
# the ``AsyncClient(app=...)`` shortcut that 2022 test suites use (removed in httpx 0.28).
V1_REQUIREMENTS: tuple[str, ...] = (
    "pydantic>=1.10.13,<2",
    "fastapi==0.95.2",
    "httpx==0.23.3",
    # anyio 4 deprecates names starlette 0.27 still uses; the era's anyio keeps v1 runs quiet.
    "anyio>=3.6.2,<4",
)
# Current releases: what a migrated module must run on.
V2_REQUIREMENTS: tuple[str, ...] = (
    "pydantic>=2.5",
    "pydantic-settings>=2",
    "fastapi>=0.115",
    "httpx>=0.27",
    # starlette >= 1.0's TestClient prefers httpx2 and emits a StarletteDeprecationWarning when it
    # has to fall back to httpx: without it every TestClient import would count as a deprecation.
    "httpx2",
)
# The library upgrades (FAL7xx/FAL8xx, fixtures in ``fixtures/upgrades/``): the releases before
# the removals and the current ones. ``old``: Starlette 0.27 (through FastAPI 0.95.2), httpx 0.27
# (the last with ``proxies=``), SQLAlchemy 1.4. ``new``: current FastAPI/Starlette, httpx and
# SQLAlchemy 2.x (plus httpx2, as in v2). Both need jinja2 for the template fixtures.
UPGRADE_OLD_REQUIREMENTS: tuple[str, ...] = (
    "fastapi==0.95.2",
    "pydantic>=1.10.13,<2",
    "httpx==0.27.2",
    "anyio>=3.6.2,<4",
    "jinja2",
    "sqlalchemy>=1.4,<2",
)
UPGRADE_NEW_REQUIREMENTS: tuple[str, ...] = (
    "fastapi>=0.115",
    "starlette>=1.0",
    "httpx>=0.28",
    "httpx2",
    "jinja2",
    "sqlalchemy>=2",
)
# The Pydantic 2.x deprecations (FAL9xx, fixtures in ``fixtures/pydantic2x/``): one venv per
# release where a deprecation starts (2.0: extra `Field` keywords; 2.11: `model_fields` on an
# instance; 2.12: classmethod after-validators); the current release is the ``v2`` venv's.
PYDANTIC_RELEASES: dict[str, tuple[str, ...]] = {
    "pydantic-2.0": ("pydantic==2.0.3",),
    "pydantic-2.11": ("pydantic==2.11.10",),
    "pydantic-2.12": ("pydantic==2.12.5",),
}
# Venvs whose releases have no build for newer Pythons (pydantic-core 2.0.x ships wheels up to
# CPython 3.12, and building it needs Rust): made with the newest Python they support when the
# running one is newer.
NEWEST_PYTHON: dict[str, tuple[int, int]] = {"pydantic-2.0": (3, 12)}
VENVS: dict[str, tuple[str, ...]] = {
    "v1": V1_REQUIREMENTS,
    "v2": V2_REQUIREMENTS,
    "upgrade-old": UPGRADE_OLD_REQUIREMENTS,
    "upgrade-new": UPGRADE_NEW_REQUIREMENTS,
    **PYDANTIC_RELEASES,
}
UPGRADE_FIXTURES_DIR = REPO_ROOT / "fixtures" / "upgrades"
PYDANTIC2X_FIXTURES_DIR = REPO_ROOT / "fixtures" / "pydantic2x"

DEFAULT_TIMEOUT = 120.0

# The only variables a fixture subprocess sees. Fixtures set what they read themselves.
_PASSED_THROUGH = ("PATH", "HOME", "TMPDIR", "SYSTEMROOT")


class HarnessError(RuntimeError):
    """The harness itself could not run (venv creation failed, the runner crashed)."""


class ExerciseFailed(Exception):
    """The module failed to import, ``exercise()`` raised, or its record is not JSON."""

    def __init__(self, phase: str, error: dict[str, Any], warnings: list[dict[str, Any]]):
        self.phase = phase  # "import", "exercise" or "serialise"
        self.error = error  # {"type": qualified exception name, "message": str, "traceback": str}
        self.warnings = warnings
        super().__init__(f"{phase} failed: {error.get('type')}: {error.get('message')}")


# --------------------------------------------------------------------------------------------------
# virtual environments


def venv_dir(name: str) -> Path:
    return VENV_ROOT / name


def venv_python(name: str) -> Path:
    sub = "Scripts/python.exe" if os.name == "nt" else "bin/python"
    return venv_dir(name) / sub


class NoSuitablePython(HarnessError):
    """No interpreter this machine has can hold the venv's releases."""


def _requirements_fingerprint(
    requirements: Sequence[str], python: tuple[int, int] | None = None
) -> str:
    major, minor = python or sys.version_info[:2]
    text = "\n".join([f"python {major}.{minor}", *requirements])
    return hashlib.sha256(text.encode()).hexdigest()


def _base_python(name: str) -> tuple[str, tuple[int, int]]:
    """The interpreter to make venv `name` with, and its version: the running one, unless the
    venv's releases stop at an older Python (`NEWEST_PYTHON`); then the newest such Python found
    on the PATH or among pyenv's builds that actually runs (a pyenv shim of a version that is not
    active is on the PATH but does not run)."""
    running = (sys.version_info.major, sys.version_info.minor)
    newest = NEWEST_PYTHON.get(name)
    if newest is None or running <= newest:
        return sys.executable, running
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    for minor in range(newest[1], 8, -1):
        candidates = [shutil.which(f"python3.{minor}")]
        candidates += [str(p) for p in sorted(pyenv.glob(f"3.{minor}.*/bin/python"), reverse=True)]
        for candidate in filter(None, candidates):
            probe = subprocess.run(
                [candidate, "-c", "import sys; print(sys.version_info[:2])"],
                capture_output=True,
                text=True,
            )
            if probe.returncode == 0 and probe.stdout.strip() == f"(3, {minor})":
                return candidate, (3, minor)
    raise NoSuitablePython(
        f"{name} needs Python {newest[0]}.{newest[1]} or older, and none was found"
    )


def venv_is_ready(name: str) -> bool:
    """True when ``.behaviour-venvs/<name>`` exists and was built from the current requirements."""
    marker = venv_dir(name) / "requirements.sha256"
    python = venv_python(name)
    if not (python.exists() and marker.exists()):
        return False
    newest = NEWEST_PYTHON.get(name)
    if newest is not None and sys.version_info[:2] > newest:
        # Made with an older Python (see `_base_python`): any of those will do.
        wanted = {_requirements_fingerprint(VENVS[name], (3, m)) for m in range(9, newest[1] + 1)}
        return marker.read_text().strip() in wanted
    return marker.read_text().strip() == _requirements_fingerprint(VENVS[name])


def ensure_venv(name: str, *, quiet: bool = True) -> Path:
    """Create (or reuse) ``.behaviour-venvs/<name>`` and return its interpreter.

    A venv is reused when its marker matches the requirement list; otherwise it is rebuilt from
    scratch. Needs pip and access to the package index the first time.
    """
    if name not in VENVS:
        raise ValueError(f"unknown venv {name!r}; known: {sorted(VENVS)}")
    if venv_is_ready(name):
        return venv_python(name)
    target = venv_dir(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _lock(target.parent / f"{name}.lock"):
        if venv_is_ready(name):  # built by a concurrent process while we waited
            return venv_python(name)
        base, version = _base_python(name)
        _run_checked([base, "-m", "venv", "--clear", str(target)], quiet=quiet)
        pip = [str(venv_python(name)), "-m", "pip", "--disable-pip-version-check", "--no-input"]
        if quiet:
            pip.append("-q")
        _run_checked([*pip, "install", *VENVS[name]], quiet=quiet)
        fingerprint = _requirements_fingerprint(VENVS[name], version)
        (target / "requirements.sha256").write_text(fingerprint + "\n")
    return venv_python(name)


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes (pytest-xdist workers) building the same venv."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no concurrent builds expected
        yield
        return
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run_checked(cmd: list[str], *, quiet: bool) -> None:
    proc = subprocess.run(cmd, capture_output=quiet, text=True)
    if proc.returncode != 0:
        detail = (proc.stderr or "") + (proc.stdout or "") if quiet else ""
        raise HarnessError(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{detail}")


def package_versions(
    python_executable: str | os.PathLike[str],
    packages: Sequence[str] = ("pydantic", "pydantic-settings", "fastapi", "starlette", "httpx"),
) -> dict[str, str | None]:
    """Installed versions of ``packages`` in the given interpreter (None when absent)."""
    code = (
        "import json, sys\n"
        "from importlib import metadata\n"
        "out = {}\n"
        "for name in sys.argv[1:]:\n"
        "    try:\n"
        "        out[name] = metadata.version(name)\n"
        "    except metadata.PackageNotFoundError:\n"
        "        out[name] = None\n"
        "print(json.dumps(out))\n"
    )
    proc = subprocess.run(
        [str(python_executable), "-c", code, *packages],
        capture_output=True,
        text=True,
        env=_child_env(),
        check=True,
    )
    return json.loads(proc.stdout)


# --------------------------------------------------------------------------------------------------
# running a module


def _child_env() -> dict[str, str]:
    env = {key: os.environ[key] for key in _PASSED_THROUGH if key in os.environ}
    env.update(
        {
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONIOENCODING": "utf-8",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TZ": "UTC",
        }
    )
    return env


def run_exercise_raw(
    python_executable: str | os.PathLike[str],
    module_path: str | os.PathLike[str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> dict[str, Any]:
    """Run the runner and return its raw result dict (``ok``, ``phase``, ``record``/``error``,
    ``warnings``) without raising on a failed import or exercise."""
    module_path = Path(module_path).resolve()
    with tempfile.TemporaryDirectory(prefix="fal-behaviour-") as tmp:
        out = Path(tmp) / "result.json"
        proc = subprocess.run(
            [str(python_executable), "-s", str(RUNNER), str(module_path), str(out)],
            capture_output=True,
            text=True,
            env=_child_env(),
            cwd=tmp,
            timeout=timeout,
        )
        if not out.exists():
            raise HarnessError(
                f"runner produced no result for {module_path} (exit {proc.returncode})\n"
                f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
            )
        return json.loads(out.read_text(encoding="utf-8"))


def run_exercise(
    python_executable: str | os.PathLike[str],
    module_path: str | os.PathLike[str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> tuple[Any, list[dict[str, Any]]]:
    """Import ``module_path`` in a fresh ``python_executable`` subprocess, call ``exercise()``.

    Returns ``(record, warnings)``: the JSON round-tripped record and every warning raised while
    importing and exercising the module, each as ``{"category", "categories", "deprecation",
    "message", "origin", "lineno"}``. ``deprecation`` is true for ``DeprecationWarning`` and its
    subclasses (``PydanticDeprecatedSince20`` among them) and ``PendingDeprecationWarning``;
    ``origin`` is ``"module"`` when the warning is attributed to the exercised file, otherwise the
    attributed file's path below ``site-packages`` (or its name).

    Raises ``ExerciseFailed`` when the import or ``exercise()`` raises, and ``HarnessError`` when
    the subprocess could not report at all.
    """
    result = run_exercise_raw(python_executable, module_path, timeout=timeout)
    if not result["ok"]:
        raise ExerciseFailed(result["phase"], result["error"], result["warnings"])
    return result["record"], result["warnings"]


def deprecations(warnings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Only the deprecation warnings of a ``run_exercise`` warning list."""
    return [w for w in warnings if w["deprecation"]]


# --------------------------------------------------------------------------------------------------
# recordings and comparison


def fixture_modules() -> list[Path]:
    return sorted(p for p in FIXTURES_DIR.glob("*.py") if not p.name.startswith("_"))


def recording_path(module_path: str | os.PathLike[str]) -> Path:
    return RECORDINGS_DIR / f"{Path(module_path).stem}.json"


def dump_record(record: Any) -> str:
    """The canonical text of a recording: sorted keys, indent 2, trailing newline."""
    return json.dumps(record, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def load_recording(module_path: str | os.PathLike[str]) -> Any:
    return json.loads(recording_path(module_path).read_text(encoding="utf-8"))


def record_differences(expected: Any, actual: Any, path: str = "$") -> list[str]:
    """Where two records differ, as readable lines (empty when equal).

    Equality is JSON equality after the round trip, with scalar types kept apart: dict keys
    compared as sets, lists in order (fixtures sort anything whose order is not behaviour), and
    ``1`` vs ``1.0`` or ``True`` vs ``1`` count as different (a dump that turns a float into an
    int changes the JSON a client receives).
    """
    if isinstance(expected, dict) and isinstance(actual, dict):
        diffs: list[str] = []
        for key in sorted(set(expected) | set(actual)):
            if key not in actual:
                diffs.append(f"{path}.{key}: missing (expected {expected[key]!r})")
            elif key not in expected:
                diffs.append(f"{path}.{key}: unexpected {actual[key]!r}")
            else:
                diffs.extend(record_differences(expected[key], actual[key], f"{path}.{key}"))
        return diffs
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: expected {expected!r}, got {actual!r}"]
        diffs = []
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            diffs.extend(record_differences(left, right, f"{path}[{index}]"))
        return diffs
    same = type(expected) is type(actual) and expected == actual
    return [] if same else [f"{path}: expected {expected!r}, got {actual!r}"]
