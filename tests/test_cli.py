"""The installed console script, run as users run it: exit codes, outputs, fixes, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from clitools import BAD, CLEAN, cli

# Every test runs the installed console script in a process of its own.
pytestmark = pytest.mark.slow


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text(BAD)
    (tmp_path / "app" / "clean.py").write_text(CLEAN)
    return tmp_path


def test_exit_0_on_clean_file(project: Path):
    result = cli("check", "app/clean.py", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "All checks passed!"


def test_exit_1_and_text_output(project: Path):
    result = cli("check", "app", "--output-format", "concise", cwd=project)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "app/main.py:11:5: FAL102 `time.sleep()` blocks the event loop in async function "
        "`index`; use `await asyncio.sleep()`"
    )
    assert lines[1].startswith("app/main.py:12:12: FAL101 Blocking HTTP call `requests.get()`")
    assert "Found 2 errors." in result.stdout
    assert "2 hidden fixes can be enabled with the `--unsafe-fixes` option" in result.stdout


def test_unsafe_fixes_mark_fixable(project: Path):
    result = cli("check", "app", "--unsafe-fixes", cwd=project)
    assert "FAL102 [*] " in result.stdout
    assert "[*] 2 fixable with the `--fix` option." in result.stdout


def test_exit_zero(project: Path):
    assert cli("check", "app", "--exit-zero", cwd=project).returncode == 0


def test_default_path_is_cwd(project: Path):
    result = cli("check", cwd=project)
    assert result.returncode == 1
    assert "app/main.py:11:5: FAL102" in result.stdout


def test_json_output_is_ruff_shaped(project: Path):
    result = cli("check", "app", "--output-format", "json", "--unsafe-fixes", cwd=project)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert [d["code"] for d in data] == ["FAL102", "FAL101"]
    first = data[0]
    assert set(first) == {
        "cell",
        "code",
        "end_location",
        "filename",
        "fix",
        "location",
        "message",
        "noqa_row",
        "url",
    }
    assert first["location"] == {"row": 11, "column": 5}
    assert first["end_location"] == {"row": 11, "column": 18}
    assert first["filename"] == str(project / "app" / "main.py")
    assert first["fix"]["applicability"] == "unsafe"
    edits = first["fix"]["edits"]
    assert {
        "content": "await asyncio.sleep",
        "location": {"row": 11, "column": 5},
        "end_location": {"row": 11, "column": 15},
    } in edits


def test_github_output(project: Path):
    result = cli("check", "app", "--output-format", "github", cwd=project)
    assert result.stdout.splitlines()[0].startswith(
        "::error title=fastapi-lint (FAL102),file=app/main.py,line=11,col=5,endLine=11,endColumn=18::"
    )


def test_select_and_ignore(project: Path):
    only_sleep = cli("check", "app", "--select", "FAL102", cwd=project)
    assert "FAL101" not in only_sleep.stdout and "FAL102" in only_sleep.stdout
    no_async = cli("check", "app", "--ignore", "FAL1", cwd=project)
    assert no_async.returncode == 0


def test_statistics(project: Path):
    result = cli("check", "app", "--statistics", cwd=project)
    # ruff's layout: count, code, fix mark (only when something is fixable), rule name.
    assert "1\tFAL101\tblocking-http-call-in-async\n" in result.stdout


def test_diff_writes_nothing_and_exits_1(project: Path):
    before = (project / "app" / "main.py").read_text()
    result = cli("check", "app", "--diff", "--unsafe-fixes", cwd=project)
    assert result.returncode == 1
    assert "-    time.sleep(1)\n+    await asyncio.sleep(1)\n" in result.stdout
    assert (project / "app" / "main.py").read_text() == before
    assert "Would fix 1 error." in result.stderr  # the sleep fix; the route keeps its await


FORM_FEED = (
    "import time\n"
    "\x0c\n"  # a page break on a line of its own, as some older code has
    "async def handler():\n"
    "    x = 1  # a page break inside a line: \x0c still one line for Python\n"
    "    time.sleep(1)\n"
)


def test_diff_counts_lines_as_python_does(tmp_path: Path):
    """A form feed is not a line break: the hunk's line numbers are the file's, and the diff
    applies with `patch` to give what `--fix` writes."""
    (tmp_path / "m.py").write_text(FORM_FEED, newline="")
    result = cli("check", "m.py", "--select", "FAL102", "--diff", "--unsafe-fixes", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    hunks = [line for line in result.stdout.splitlines(keepends=False) if line.startswith("@@")]
    assert hunks == ["@@ -1,5 +1,5 @@"], result.stdout  # five lines, one of them a page break
    (tmp_path / "m.diff").write_text(result.stdout, newline="")
    patched = subprocess.run(
        ["patch", "-s", "-p0", "-i", "m.diff", "-o", "patched.py"],
        cwd=tmp_path,
        capture_output=True,
    )
    assert patched.returncode == 0, patched.stdout + patched.stderr
    cli("check", "m.py", "--select", "FAL102", "--fix", "--unsafe-fixes", cwd=tmp_path)
    fixed = (tmp_path / "m.py").read_bytes()
    assert b"await asyncio.sleep(1)" in fixed
    assert (tmp_path / "patched.py").read_bytes() == fixed


def test_add_noqa_counts_lines_as_python_does(tmp_path: Path):
    (tmp_path / "m.py").write_text(FORM_FEED, newline="")
    result = cli("check", "m.py", "--select", "FAL102", "--add-noqa", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = (tmp_path / "m.py").read_bytes().decode().split("\n")
    assert lines[4] == "    time.sleep(1)  # noqa: FAL102", lines


def test_fix_writes_and_is_idempotent(project: Path):
    result = cli("check", "app", "--fix", "--unsafe-fixes", cwd=project)
    assert result.returncode == 1, result.stdout  # FAL101 remains: the route now awaits
    text = (project / "app" / "main.py").read_text()
    assert "await asyncio.sleep(1)" in text and "import asyncio\n" in text
    assert "Found 2 errors (1 fixed, 1 remaining)." in result.stdout
    again = cli("check", "app", "--fix", "--unsafe-fixes", cwd=project)
    assert (project / "app" / "main.py").read_text() == text
    assert "fixed" not in again.stdout


def test_safe_fix_leaves_unsafe_alone(project: Path):
    before = (project / "app" / "main.py").read_text()
    cli("check", "app", "--fix", cwd=project)
    assert (project / "app" / "main.py").read_text() == before


def test_unparsable_file_is_a_finding_not_a_crash(project: Path):
    (project / "app" / "py2.py").write_text('print "hi"\n')
    result = cli("check", "app/py2.py", cwd=project)
    assert result.returncode == 1
    assert "app/py2.py:1:1: FAL000 Cannot check this file: syntax error" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--select", "FAL999"], "error: unknown rule selector 'FAL999'"),
        (["check", "--output-format", "xml"], "Invalid value for '--output-format'"),
        (["check", "--config", "missing.toml"], "error: --config missing.toml: no such file"),
        (["check", "--frobnicate"], "No such option"),
        (["rule", "FAL999"], "error: unknown rule 'FAL999'"),
    ],
)
def test_usage_errors_exit_2(project: Path, args: list[str], message: str):
    result = cli(*args, cwd=project)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("[tool.fastapi-lint]\nselcet = ['FAL1']\n", "unknown key 'selcet' in [tool.fastapi-lint]"),
        ("[tool.fastapi-lint]\nselect = 'FAL1'\n", "invalid value for 'select'"),
        ("[tool.fastapi-lint]\nselect = ['FAL999']\n", "unknown rule selector 'FAL999'"),
        ("[tool.fastapi-lint\n", "is not valid TOML"),
        (
            "[tool.fastapi-lint]\nextend-blocking-calls = {FAL201 = ['x.y']}\n",
            "invalid value for 'extend-blocking-calls.FAL201'",
        ),
        # The empty string is a prefix of every code: it selected (or ignored) nothing by name
        # and every rule by accident, and the run reported success.
        ("[tool.fastapi-lint]\nselect = ['']\n", "'select': empty rule selector"),
        ("[tool.fastapi-lint]\nextend-select = [' ']\n", "'extend-select': empty rule selector"),
        ("[tool.fastapi-lint]\nignore = ['FAL1', '']\n", "'ignore': empty rule selector"),
        (
            "[tool.fastapi-lint]\nper-file-ignores = {'*' = ['']}\n",
            "per-file-ignores '*': empty rule selector",
        ),
        # A NUL byte cannot be in a path: a configuration error, not an internal one.
        (
            '[tool.fastapi-lint]\ncache-dir = "cache\\u0000dir"\n',
            "invalid value for 'cache-dir': a path cannot contain a NUL byte",
        ),
        ("[tool.fastapi-lint]\ncache-dir = ''\n", "invalid value for 'cache-dir': an empty path"),
    ],
)
def test_config_errors_exit_2(project: Path, config: str, message: str):
    (project / "pyproject.toml").write_text(config)
    result = cli("check", "app", cwd=project)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--select="],
        ["--select", ","],
        ["--select", "FAL1,"],
        ["--select", "FAL1,,FAL2"],
        ["--extend-select="],
        ["--ignore="],
    ],
)
def test_empty_selector_on_the_command_line_exits_2(project: Path, args: list[str]):
    result = cli("check", "app", "--no-cache", *args, cwd=project)
    assert result.returncode == 2, result.stdout
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {args[0].rstrip('=')} ")
    assert "empty rule selector" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_selectors_split_on_commas_and_spaces(project: Path):
    result = cli("check", "app", "--no-cache", "--select", "FAL101, FAL102", cwd=project)
    assert result.returncode == 1
    assert "FAL101" in result.stdout and "FAL102" in result.stdout
    result = cli("check", "app", "--no-cache", "--select", "FAL101 FAL102", cwd=project)
    assert "FAL101" in result.stdout and "FAL102" in result.stdout


def test_cache_dir_with_nul_byte_in_clean_is_a_config_error(project: Path):
    (project / "pyproject.toml").write_text('[tool.fastapi-lint]\ncache-dir = "a\\u0000b"\n')
    result = cli("clean", cwd=project)
    assert result.returncode == 2
    assert "a path cannot contain a NUL byte" in result.stderr
    assert "internal error" not in result.stderr


def test_config_is_read_from_pyproject(project: Path):
    (project / "pyproject.toml").write_text(
        "[tool.fastapi-lint]\nignore = ['FAL101']\n"
        "extend-blocking-calls = {FAL101 = ['app.legacy.fetch']}\n"
    )
    (project / "app" / "uses_legacy.py").write_text(
        "from app.legacy import fetch\n\nasync def handler():\n    return fetch('x')\n"
    )
    result = cli("check", "app", "--select", "FAL101", cwd=project)
    assert result.returncode == 0, result.stdout  # ignored by the config
    (project / "pyproject.toml").write_text(
        "[tool.fastapi-lint]\nextend-blocking-calls = {FAL101 = ['app.legacy.fetch']}\n"
    )
    result = cli("check", "app/uses_legacy.py", cwd=project)
    assert "FAL101 Blocking HTTP call `app.legacy.fetch()`" in result.stdout


def test_rule_command_prints_docs(project: Path):
    result = cli("rule", "FAL102", cwd=project)
    assert result.returncode == 0
    assert result.stdout.startswith("# blocking-sleep-in-async (FAL102)")
    assert "## Why is this bad?" in result.stdout
    by_name = cli("rule", "blocking-sleep-in-async", cwd=project)
    assert by_name.stdout == result.stdout


def test_rules_command_lists_every_rule(project: Path):
    from fastapi_lint.registry import all_rules

    result = cli("rules", cwd=project)
    assert result.returncode == 0
    for code, rule in all_rules().items():
        assert f"{code:<7} {rule.name}" in result.stdout


def test_version_and_module_entry(project: Path):
    from fastapi_lint import __version__

    assert cli("--version", cwd=project).stdout.strip() == f"fastapi-lint, version {__version__}"
    module = subprocess.run(
        [sys.executable, "-m", "fastapi_lint", "check", "app"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert module.returncode == 1 and "FAL102" in module.stdout


def test_noqa_line_and_file(project: Path):
    path = project / "app" / "main.py"
    path.write_text(BAD.replace("time.sleep(1)", "time.sleep(1)  # noqa: FAL102"))
    result = cli("check", "app/main.py", "--output-format", "concise", cwd=project)
    assert "FAL102" not in result.stdout and "FAL101" in result.stdout
    path.write_text("# fastapi-lint: noqa\n" + BAD)
    assert cli("check", "app/main.py", cwd=project).returncode == 0
