"""Living beside ruff, with the real ruff: its RUF102 (invalid-rule-code) deletes a
`# noqa: FAL102` as a code it does not know, unless its configuration declares the codes of
other tools with `lint.external = ["FAL"]` (docs/ruff.md, README "Living beside ruff").
RUF100 (unused-noqa) left unknown codes alone in the ruff versions this was written against;
if a ruff says otherwise in its rule docs, the test holds it to the older behaviour: deleted
without `external`, kept with it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from clitools import BIN, cli

RUFF = str(BIN / "ruff")
SOURCE = "import time\n\n\nasync def f():\n    time.sleep(1)  # noqa: FAL102\n"
NOQA = "time.sleep(1)  # noqa: FAL102"


def ruff_fix(tmp_path: Path, select: str, external: bool) -> str:
    config = f'[tool.ruff.lint]\nselect = ["{select}"]\n'
    if external:
        config += 'external = ["FAL"]\n'
    (tmp_path / "pyproject.toml").write_text(config)
    (tmp_path / "app.py").write_text(SOURCE)
    done = subprocess.run(
        [RUFF, "check", "--no-cache", "--fix", "app.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    return (tmp_path / "app.py").read_text()


def ruff_has(rule: str) -> str | None:
    done = subprocess.run([RUFF, "rule", rule], capture_output=True, text=True, timeout=60)
    return done.stdout if done.returncode == 0 else None


@pytest.mark.slow
def test_ruf102_deletes_our_noqa_unless_external(tmp_path: Path):
    if ruff_has("RUF102") is None:
        pytest.skip("the installed ruff has no RUF102")
    assert NOQA not in ruff_fix(tmp_path, "RUF102", external=False)
    assert "time.sleep(1)\n" in ruff_fix(tmp_path, "RUF102", external=False)
    assert NOQA in ruff_fix(tmp_path, "RUF102", external=True)


@pytest.mark.slow
def test_ruf100_and_external(tmp_path: Path):
    docs = ruff_has("RUF100")
    assert docs is not None
    assert NOQA in ruff_fix(tmp_path, "RUF100", external=True)
    without = ruff_fix(tmp_path, "RUF100", external=False)
    if "ignores any codes that are unknown" in docs:
        assert NOQA in without  # this ruff leaves unknown codes to RUF102
    else:
        assert NOQA not in without


@pytest.mark.slow
def test_kept_comment_still_suppresses_our_finding(tmp_path: Path):
    """After ruff ran with `external`, fastapi-lint still honours the comment."""
    ruff_fix(tmp_path, "RUF102", external=True)
    ours = cli("check", "app.py", "--no-cache", cwd=tmp_path)
    assert ours.returncode == 0, ours.stdout
    (tmp_path / "app.py").write_text(SOURCE.replace("  # noqa: FAL102", ""))
    assert cli("check", "app.py", "--no-cache", cwd=tmp_path).returncode == 1
