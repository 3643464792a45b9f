"""`fastapi-lint check -`: source on stdin, as editors and pipelines pass it."""

from __future__ import annotations

from pathlib import Path

import pytest
from clitools import BAD, CLEAN, cli, cli_bytes

SLEEPY = "import time\n\n\nasync def pause():\n    time.sleep(1)\n"
# `import time` goes: the fix made it unused.
SLEEPY_FIXED = "import asyncio\n\n\nasync def pause():\n    await asyncio.sleep(1)\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text(BAD)
    return tmp_path


@pytest.mark.slow
def test_findings_are_named_after_the_stdin_filename(project: Path):
    result = cli("check", "--stdin-filename", "app/main.py", "-", cwd=project, stdin=BAD)
    assert result.returncode == 1
    assert result.stdout.startswith("app/main.py:11:5: FAL102 `time.sleep()` blocks")
    assert "Found 2 errors." in result.stdout
    # `-` may be left out when --stdin-filename is given, as in ruff.
    implicit = cli("check", "--stdin-filename", "app/main.py", cwd=project, stdin=BAD)
    assert implicit.stdout == result.stdout


@pytest.mark.slow
def test_without_a_filename_the_path_is_a_dash(project: Path):
    result = cli("check", "-", "-q", "--output-format", "concise", cwd=project, stdin=SLEEPY)
    assert result.stdout.splitlines() == [
        "-:5:5: FAL102 `time.sleep()` blocks the event loop in async function `pause`; "
        "use `await asyncio.sleep()`"
    ]
    clean = cli("check", "-", cwd=project, stdin=CLEAN)
    assert clean.returncode == 0 and clean.stdout == "All checks passed!\n"


@pytest.mark.slow
def test_the_file_on_disk_is_not_read(project: Path):
    # The buffer is what counts: an editor's unsaved text differs from the file.
    result = cli("check", "--stdin-filename", "app/main.py", "-", cwd=project, stdin=CLEAN)
    assert result.returncode == 0, result.stdout
    missing = cli("check", "--stdin-filename", "app/new.py", "-", cwd=project, stdin=SLEEPY)
    assert "app/new.py:5:5: FAL102" in missing.stdout


@pytest.mark.slow
def test_config_is_found_from_the_stdin_filename(project: Path):
    service = project / "services" / "billing"
    (service / "api").mkdir(parents=True)
    (service / "pyproject.toml").write_text(
        '[tool.fastapi-lint]\nper-file-ignores = {"api/legacy_*.py" = ["FAL102"]}\n'
    )
    legacy = "services/billing/api/legacy_jobs.py"
    result = cli("check", "--stdin-filename", legacy, "-", cwd=project, stdin=SLEEPY)
    assert result.returncode == 0, result.stdout  # ignored for that file by the service config
    other = "services/billing/api/jobs.py"
    result = cli("check", "--stdin-filename", other, "-", cwd=project, stdin=SLEEPY)
    assert f"{other}:5:5: FAL102" in result.stdout
    # From the project root the service's pyproject is not on the way up: not applied.
    result = cli("check", "--stdin-filename", "legacy_jobs.py", "-", cwd=project, stdin=SLEEPY)
    assert result.returncode == 1


@pytest.mark.slow
def test_fix_writes_the_fixed_source_to_stdout(project: Path):
    before = (project / "app" / "main.py").read_text()
    result = cli(
        "check",
        "--fix",
        "--unsafe-fixes",
        "--stdin-filename",
        "app/jobs.py",
        "-",
        cwd=project,
        stdin=SLEEPY,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == SLEEPY_FIXED
    assert "Found 1 error (1 fixed, 0 remaining)." in result.stderr
    assert (project / "app" / "main.py").read_text() == before
    assert not (project / "app" / "jobs.py").exists()


@pytest.mark.slow
def test_fix_reports_remaining_findings_on_stderr(project: Path):
    result = cli("check", "--fix", "--stdin-filename", "app/main.py", "-", cwd=project, stdin=BAD)
    assert result.returncode == 1
    assert result.stdout == BAD  # only unsafe fixes: the source comes back unchanged
    assert "app/main.py:11:5: FAL102" in result.stderr
    assert "FAL102" not in result.stdout


def test_fix_keeps_the_bytes_it_does_not_change(project: Path):
    latin1 = (
        "# -*- coding: latin-1 -*-\r\n# café\r\nimport time\r\n\r\n\r\n"
        "async def f():\r\n    time.sleep(1)\r\n"
    )
    data = latin1.encode("latin-1")
    untouched = cli_bytes("check", "--fix", "-", cwd=project, stdin=data)
    assert untouched.stdout == data  # only an unsafe fix: echoed byte for byte
    fixed = cli_bytes("check", "--fix", "--unsafe-fixes", "-", cwd=project, stdin=data)
    expected = latin1.replace("import time\r\n", "import asyncio\r\n").replace(
        "    time.sleep(1)", "    await asyncio.sleep(1)"
    )
    assert fixed.stdout == expected.encode("latin-1")
    bom = b"\xef\xbb\xbf" + SLEEPY.encode()
    with_bom = cli_bytes("check", "--fix", "--unsafe-fixes", "-", cwd=project, stdin=bom)
    assert with_bom.stdout == b"\xef\xbb\xbf" + SLEEPY_FIXED.encode()


def test_undecodable_input_is_a_finding_and_echoed_by_fix(project: Path):
    data = b"x = '\xff'\n"
    result = cli_bytes("check", "--stdin-filename", "bad.py", "-", cwd=project, stdin=data)
    assert result.returncode == 1
    assert b"bad.py:1:1: FAL000 Cannot check this file: cannot determine the encoding" in (
        result.stdout
    )
    fixed = cli_bytes("check", "--fix", "-", cwd=project, stdin=data)
    assert fixed.stdout == data and b"FAL000" in fixed.stderr


@pytest.mark.slow
def test_diff(project: Path):
    result = cli(
        "check",
        "--diff",
        "--unsafe-fixes",
        "--stdin-filename",
        "app/jobs.py",
        "-",
        cwd=project,
        stdin=SLEEPY,
    )
    assert result.returncode == 1
    assert result.stdout.startswith("--- app/jobs.py\n+++ app/jobs.py\n")
    assert "-    time.sleep(1)\n+    await asyncio.sleep(1)\n" in result.stdout
    assert "Would fix 1 error." in result.stderr
    none = cli("check", "--diff", "-", cwd=project, stdin=CLEAN)
    assert none.returncode == 0 and none.stdout == ""


@pytest.mark.slow
def test_force_exclude_applies_to_the_stdin_filename(project: Path):
    (project / "pyproject.toml").write_text('[tool.fastapi-lint]\nextend-exclude = ["legacy"]\n')
    args = ("--stdin-filename", "legacy/jobs.py", "-")
    assert cli("check", *args, cwd=project, stdin=SLEEPY).returncode == 1
    excluded = cli("check", "--force-exclude", *args, cwd=project, stdin=SLEEPY)
    assert excluded.returncode == 0 and "FAL102" not in excluded.stdout
    echoed = cli(
        "check", "--force-exclude", "--fix", "--unsafe-fixes", *args, cwd=project, stdin=SLEEPY
    )
    assert echoed.stdout == SLEEPY


@pytest.mark.slow
def test_stdin_with_output_formats(project: Path):
    import json

    result = cli(
        "check",
        "--output-format",
        "json",
        "--stdin-filename",
        "app/jobs.py",
        "-",
        cwd=project,
        stdin=SLEEPY,
    )
    (finding,) = json.loads(result.stdout)
    assert finding["filename"] == str(project / "app" / "jobs.py")
    grouped = cli("check", "--output-format", "grouped", "-q", "-", cwd=project, stdin=SLEEPY)
    assert grouped.stdout.startswith("-:\n  5:5 FAL102 ")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "-", "app"], "error: `-` (stdin) cannot be combined with other paths"),
        (["check", "--stdin-filename", "x.py", "app"], "error: --stdin-filename is for source"),
        (["check", "--watch", "-"], "error: --watch cannot be combined with stdin"),
    ],
)
def test_usage_errors(project: Path, args: list[str], message: str):
    result = cli(*args, cwd=project, stdin="")
    assert result.returncode == 2
    assert result.stderr.startswith(message)
