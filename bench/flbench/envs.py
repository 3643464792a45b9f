"""Isolated venvs for the peer tools and for fastapi-lint, and what the tool's CLI supports."""

from __future__ import annotations

import hashlib
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

VENV_TAG = re.compile(r"#\s*venv:\s*(?P<names>[\w\-, ]+)\s*$")


def read_requirements(path: Path) -> dict[str, list[str]]:
    """Requirement lines grouped by the venv(s) named in their trailing `# venv:` comment."""
    groups: dict[str, list[str]] = {}
    for raw in path.read_text().splitlines():
        match = VENV_TAG.search(raw)
        requirement = raw.split("#", 1)[0].strip()
        if not requirement or not match:
            continue
        for name in match["names"].split(","):
            groups.setdefault(name.strip(), []).append(requirement)
    return groups


def _python_tag() -> str:
    return f"py{sys.version_info.major}{sys.version_info.minor}"


def _venv_dir(root: Path, name: str, spec: list[str]) -> Path:
    digest = hashlib.sha256("\n".join([sys.executable, *spec]).encode()).hexdigest()[:10]
    return root / f"{name}-{_python_tag()}-{digest}"


def _pip_install(venv: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    pip = [
        str(venv / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "-q",
        "--disable-pip-version-check",
    ]
    return subprocess.run([*pip, *args], capture_output=True, text=True)


def _made(venv: Path, install: list[str]) -> subprocess.CompletedProcess[str] | None:
    """Make `venv` with `pip install <install>` unless a finished one is there (its stamp is
    written last, so a build that was interrupted is started again). None when it was there;
    else pip's run: a failed one leaves no stamp."""
    stamp = venv / ".fl-bench-ok"
    if stamp.exists():
        return None
    shutil.rmtree(venv, ignore_errors=True)
    print(f"  creating venv {venv.name}: pip install {' '.join(install)}", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    proc = _pip_install(venv, install)
    if proc.returncode == 0:
        stamp.touch()
    return proc


def ensure_venv(root: Path, name: str, spec: list[str]) -> Path:
    """Create (once) a venv with exactly `spec` installed; return its directory."""
    venv = _venv_dir(root, name, spec)
    proc = _made(venv, spec)
    if proc is not None and proc.returncode != 0:
        raise RuntimeError(f"pip install {spec} failed: {proc.stderr.strip()[-2000:]}")
    return venv


def ensure_tool_venv(root: Path, repo: Path) -> tuple[Path | None, str | None]:
    """A venv with the repo installed as users install it, `pip install REPO[lsp]` rather than
    `-e`; (venv, None) or (None, why not). An editable install runs an import hook at every
    Python start of its venv, which no user's installed tool pays (`python -c pass`: 28 ms in
    the development venv, 11 ms in one with a wheel). The venv's name carries a digest of the
    package's files, so a change to them installs a new one; the venvs of earlier states are
    removed then."""
    pyproject = repo / "pyproject.toml"
    if not pyproject.is_file():
        return None, f"no pyproject.toml in {repo}"
    spec = [str(repo), "lsp", _source_digest(repo)]
    venv = _venv_dir(root, "fastapi-lint", spec)
    if not (venv / ".fl-bench-ok").exists():
        for old in root.glob(f"fastapi-lint-{_python_tag()}-*"):
            if old != venv and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
    if (venv / ".fl-bench-ok").exists():
        return venv, None
    # Built from a copy of what the wheel holds: a build in the repository leaves `build/`
    # there, whose files of an earlier state setuptools would put into the next wheel.
    with tempfile.TemporaryDirectory(prefix="fl-bench-build-") as scratch:
        source = Path(scratch) / "fastapi-lint"
        source.mkdir()
        for name in _WHEEL_FILES:
            shutil.copy2(repo / name, source / name)
        shutil.copytree(
            repo / "fastapi_lint",
            source / "fastapi_lint",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        # With the `lsp` extra: the `server` group times `fastapi-lint server`.
        proc = _made(venv, [f"{source}[lsp]"])
    if proc is not None and proc.returncode != 0:
        return None, f"pip install failed: {last_line(proc.stderr)}"
    return venv, None


_WHEEL_FILES = ("pyproject.toml", "README.md")


def _source_digest(repo: Path) -> str:
    """A digest of what the wheel is built from: pyproject.toml, the README (its long
    description) and the package's files."""
    h = hashlib.sha256()
    for name in _WHEEL_FILES:
        h.update((repo / name).read_bytes())
    package = repo / "fastapi_lint"
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(repo)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip()[:200] if lines else ""


def version_of(cmd: list[str]) -> str | None:
    """First line of `cmd --version`, or None."""
    try:
        proc = subprocess.run([*cmd, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    out = (proc.stdout or proc.stderr).strip()
    if proc.returncode != 0 or not out:
        return None
    return out.splitlines()[0].strip()


@dataclass
class Tool:
    """fastapi-lint as found: its base command, the flags of `check`, or why it is unusable."""

    cmd: list[str] | None
    flags: frozenset[str]
    version: str | None
    problem: str | None

    def missing(self, *flags: str) -> str | None:
        """Why a row needing `flags` cannot run, or None if it can."""
        if self.cmd is None:
            return self.problem or "fastapi-lint not available"
        absent = [f for f in flags if f not in self.flags]
        return f"tool lacks {', '.join(absent)}" if absent else None

    def optional(self, flag: str, *values: str) -> list[str]:
        """`[flag, *values]` if `check` supports the flag, else nothing."""
        return [flag, *values] if flag in self.flags else []

    @property
    def display(self) -> str:
        return shlex.join(self.cmd) if self.cmd else "fastapi-lint"


def detect_tool(cmd: list[str] | None, problem: str | None = None) -> Tool:
    """Probe `cmd check --help` for the flags the benchmark wants."""
    if cmd is None:
        return Tool(None, frozenset(), None, problem)
    try:
        proc = subprocess.run(
            [*cmd, "check", "--help"], capture_output=True, text=True, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Tool(None, frozenset(), None, f"`check --help` failed: {exc}")
    if proc.returncode != 0:
        why = last_line(proc.stderr) or f"exit {proc.returncode}"
        return Tool(None, frozenset(), None, f"`check --help` failed: {why}")
    flags = frozenset(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", proc.stdout))
    return Tool(cmd, flags, version_of(cmd), None)
