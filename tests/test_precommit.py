"""Real pre-commit runs the repository's hooks in a temporary git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

pytestmark = [
    pytest.mark.slow,  # real git, real pre-commit, which installs the hook from this checkout
    pytest.mark.skipif(shutil.which("git") is None, reason="needs git"),
]


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A commit of this working tree, so the hook is tested as it is now, committed or not."""
    repo = tmp_path_factory.mktemp("hook-repo")
    ignore = shutil.ignore_patterns(
        ".venv",
        ".git",
        "*.pyc",
        "__pycache__",
        ".behaviour-venvs",
        ".pytest_cache",
        ".fastapi_lint_cache",
        "*.egg-info",
    )
    shutil.copytree(ROOT, repo, dirs_exist_ok=True, ignore=ignore)
    env_args = ["-c", "user.email=ci@example.invalid", "-c", "user.name=ci"]
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git(*env_args, "commit", "-q", "-m", "hook under test", cwd=repo)
    return repo, git("rev-parse", "HEAD", cwd=repo)


def test_precommit_hook_fails_on_bad_file(hook_repo: tuple[Path, str], tmp_path: Path):
    repo, rev = hook_repo
    work = tmp_path / "project"
    work.mkdir()
    git("init", "-q", cwd=work)
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n      - id: fastapi-lint\n"
    )
    (work / "good.py").write_text(
        "import asyncio\n\nasync def wait():\n    await asyncio.sleep(1)\n"
    )
    (work / "bad.py").write_text("import time\n\nasync def wait():\n    time.sleep(1)\n")
    (work / "notes.txt").write_text("time.sleep(1) in prose is not code\n")
    git("add", "-A", cwd=work)
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    env["PATH"] = f"{BIN}{os.pathsep}{env['PATH']}"
    result = subprocess.run(
        [str(BIN / "pre-commit"), "run", "--all-files"],
        cwd=work,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "bad.py:4:5: FAL102" in output
    assert "good.py" not in output.replace("bad.py", "")
    assert "notes.txt" not in output
