"""Adopting the tool on an existing codebase, through the installed console script:
--add-noqa, FAL001 (unused noqa), --fix-only, --exit-non-zero-on-fix, fixable/unfixable,
--preview and FORCE_COLOR."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from clitools import BAD, SCRIPT, cli

pytestmark = pytest.mark.slow  # every test runs the console script (or flake8, pre-commit)

# Findings where a comment cannot go on the reported line: inside a multi-line f-string, on
# a line continued with a backslash; and lines that already carry a comment of another kind.
AWKWARD = '''\
import time


async def poll():
    report = f"""
{time.sleep(1)}
"""
    total = 1 + \\
        time.sleep(2)
    time.sleep(3)  # noqa: E501
    time.sleep(4)  # waits for the device
    time.sleep(5); time.sleep(6)
    return report, total
'''

V1 = """\
from pydantic import BaseModel, validator


class Item(BaseModel):
    name: str

    @validator("name")
    def strip(cls, value):
        return value.strip()
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "awkward.py").write_text(AWKWARD)
    (tmp_path / "app" / "main.py").write_text(BAD)
    (tmp_path / "app" / "models.py").write_text(V1)
    return tmp_path


# ------------------------------------------------------------------ --add-noqa


def test_add_noqa_silences_every_finding_and_is_idempotent(project: Path):
    before = cli("check", "--no-cache", "app", cwd=project)
    assert before.returncode == 1
    result = cli("check", "--no-cache", "app", "--add-noqa", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "Added 8 noqa directives."
    assert (
        (project / "app" / "awkward.py").read_text()
        == '''\
import time


async def poll():
    report = f"""
{time.sleep(1)}
"""  # noqa: FAL102
    total = 1 + \\
        time.sleep(2)  # noqa: FAL102
    time.sleep(3)  # noqa: E501, FAL102
    time.sleep(4)  # waits for the device  # noqa: FAL102
    time.sleep(5); time.sleep(6)  # noqa: FAL102
    return report, total
'''
    )
    after = cli("check", "--no-cache", "app", cwd=project)
    assert after.returncode == 0, after.stdout
    for path in (project / "app").glob("*.py"):
        compile(path.read_text(), str(path), "exec")
    snapshot = {p: p.read_bytes() for p in (project / "app").glob("*.py")}
    again = cli("check", "--no-cache", "app", "--add-noqa", cwd=project)
    assert again.stderr.strip() == "Added 0 noqa directives."
    assert {p: p.read_bytes() for p in (project / "app").glob("*.py")} == snapshot
    # What --add-noqa wrote is what FAL001 finds in use.
    assert cli("check", "--no-cache", "app", "--preview", cwd=project).returncode == 0


def test_add_noqa_with_a_reason(project: Path):
    result = cli("check", "app/main.py", "--add-noqa=legacy; see ticket 12", cwd=project)
    assert result.returncode == 0, result.stderr
    lines = (project / "app" / "main.py").read_text().splitlines()
    assert lines[10] == "    time.sleep(1)  # noqa: FAL102 legacy; see ticket 12"
    assert lines[11].endswith("  # noqa: FAL101 legacy; see ticket 12")
    assert cli("check", "app/main.py", cwd=project).returncode == 0


def test_add_noqa_takes_no_reason_without_equals(project: Path):
    # `--add-noqa app/main.py`: the path stays a path (the reason needs `=`, as in ruff).
    result = cli("check", "--add-noqa", "app/main.py", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "  # noqa: FAL102\n" in (project / "app" / "main.py").read_text()
    assert (project / "app" / "awkward.py").read_text() == AWKWARD


def test_add_noqa_keeps_line_endings_and_encoding(tmp_path: Path):
    data = "# -*- coding: latin-1 -*-\r\nimport time\r\n\r\nasync def f():\r\n    time.sleep(1)  # é\r\n"
    (tmp_path / "old.py").write_bytes(data.encode("latin-1"))
    result = cli("check", "--add-noqa", "old.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    expected = data.replace("# é\r\n", "# é  # noqa: FAL102\r\n")
    assert (tmp_path / "old.py").read_bytes() == expected.encode("latin-1")


@pytest.mark.parametrize("other", ["--fix", "--diff", "--fix-only"])
def test_add_noqa_cannot_be_combined_with_fixing(project: Path, other: str):
    result = cli("check", "app", "--add-noqa", other, cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith("error: --add-noqa cannot be combined with")


# ------------------------------------------------------------------ FAL001


UNUSED = """\
import asyncio
import time


async def wait():
    await asyncio.sleep(1)  # noqa: FAL102
    time.sleep(1)  # noqa: FAL102, FAL999, E501
    time.sleep(2)  # noqa: FAL1
    await asyncio.sleep(3)  # noqa
    await asyncio.sleep(4)  # noqa: E501, W291
    await asyncio.sleep(5)  # noqa: FAL406 kept until the migration  # type: ignore
    text = "# noqa: FAL101"
    return text
"""


def test_unused_noqa_is_reported_in_preview(tmp_path: Path):
    (tmp_path / "jobs.py").write_text(UNUSED)
    assert cli("check", "jobs.py", cwd=tmp_path).returncode == 0  # preview is off
    result = cli("check", "jobs.py", "--preview", "--output-format", "concise", cwd=tmp_path)
    assert result.returncode == 1
    assert [line for line in result.stdout.splitlines() if "FAL001" in line] == [
        "jobs.py:6:29: FAL001 [*] Unused `noqa` directive (unused: `FAL102`)",
        "jobs.py:7:20: FAL001 [*] Unused `noqa` directive (unknown: `FAL999`)",
        "jobs.py:11:29: FAL001 [*] Unused `noqa` directive (non-enabled: `FAL406`)",
    ]
    fixed = cli("check", "jobs.py", "--preview", "--fix", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout
    assert (tmp_path / "jobs.py").read_text() == UNUSED.replace(
        "asyncio.sleep(1)  # noqa: FAL102", "asyncio.sleep(1)"
    ).replace("FAL102, FAL999, E501", "FAL102, E501").replace(
        "# noqa: FAL406 kept until the migration  # type: ignore", "# type: ignore"
    )


def test_unused_noqa_for_a_per_file_ignored_rule(tmp_path: Path):
    # As ruff's RUF100: a code whose rule is off for the file suppresses nothing there.
    (tmp_path / "pyproject.toml").write_text(
        '[tool.fastapi-lint]\npreview = true\nper-file-ignores = { "jobs.py" = ["FAL102"] }\n'
    )
    (tmp_path / "jobs.py").write_text(
        "import time\n\nasync def f():\n    time.sleep(1)  # noqa: FAL102\n"
    )
    result = cli("check", "--no-cache", ".", "--output-format", "concise", cwd=tmp_path)
    assert result.stdout.splitlines()[0] == (
        "jobs.py:4:20: FAL001 [*] Unused `noqa` directive (non-enabled: `FAL102`)"
    )


def test_noqa_accepting_a_blocking_helper_is_in_use(tmp_path: Path):
    # `# noqa: FAL106` on a blocking call in a sync helper stops the chains through it; it
    # suppresses no finding of that line, and is still doing its work.
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "helpers.py").write_text(
        "import time\n\n\ndef settle():\n    time.sleep(0.01)  # noqa: FAL106\n"
    )
    (tmp_path / "app" / "routes.py").write_text(
        "from app.helpers import settle\n\n\nasync def handler():\n    settle()\n"
    )
    result = cli("check", "--no-cache", "--preview", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    # Without the comment, the chain is reported, and FAL001 stays silent either way.
    (tmp_path / "app" / "helpers.py").write_text(
        "import time\n\n\ndef settle():\n    time.sleep(0.01)\n"
    )
    result = cli(
        "check", "--no-cache", "--preview", ".", "--output-format", "concise", cwd=tmp_path
    )
    assert [line.split()[1] for line in result.stdout.splitlines() if ".py:" in line] == ["FAL106"]


def test_unused_noqa_findings_come_back_from_the_cache(tmp_path: Path):
    (tmp_path / "jobs.py").write_text(UNUSED)
    first = cli("check", "--preview", ".", cwd=tmp_path)
    second = cli("check", "--preview", ".", cwd=tmp_path)
    assert first.stdout == second.stdout and "FAL001" in second.stdout
    # Preview off is another rule set: FAL001 is not served from the preview run's entries.
    assert cli("check", ".", cwd=tmp_path).returncode == 0


# ------------------------------------------------------------------ preview


def test_preview_rules_are_listed_and_explained(tmp_path: Path):
    listing = cli("rules", cwd=tmp_path).stdout
    assert "FAL001  unused-noqa (preview)" in listing
    page = cli("rule", "FAL001", cwd=tmp_path).stdout
    assert "In preview: it runs only with `--preview` (or `preview = true`)." in page


def test_preview_from_the_configuration_and_overridden_on_the_command_line(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[tool.fastapi-lint]\npreview = true\n")
    (tmp_path / "jobs.py").write_text("x = 1  # noqa: FAL999\n")
    assert "FAL001" in cli("check", "--no-cache", ".", cwd=tmp_path).stdout
    assert cli("check", "--no-cache", ".", "--no-preview", cwd=tmp_path).returncode == 0
    # Selecting a preview rule by its code does not run it without preview.
    off = cli("check", "--no-cache", ".", "--no-preview", "--select", "FAL001", cwd=tmp_path)
    assert off.returncode == 0
    assert off.stderr == (
        "warning: selection `FAL001` has no effect because preview is not enabled "
        "(--preview, or preview = true)\n"
    )


# ------------------------------------------------------------------ fixing


def test_fix_only_reports_what_was_fixed_and_exits_0(project: Path):
    result = cli("check", "app", "--fix-only", cwd=project)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == "Fixed 1 error."
    assert "field_validator" in (project / "app" / "models.py").read_text()
    # FAL102 and FAL101 are left (their fixes are unsafe), unreported.
    assert "time.sleep(1)" in (project / "app" / "main.py").read_text()
    assert cli("check", "app", "--fix-only", cwd=project).stdout == ""


def test_exit_non_zero_on_fix(project: Path):
    result = cli("check", "app/models.py", "--fix-only", "--exit-non-zero-on-fix", cwd=project)
    assert result.returncode == 1 and result.stdout.strip() == "Fixed 1 error."
    # Nothing is left to find, nothing more to fix: 0 again.
    again = cli("check", "app/models.py", "--fix", "--exit-non-zero-on-fix", cwd=project)
    assert again.returncode == 0, again.stdout


def test_exit_non_zero_on_fix_with_fix_and_nothing_left(tmp_path: Path):
    (tmp_path / "models.py").write_text(V1)
    result = cli("check", "models.py", "--fix", "--exit-non-zero-on-fix", cwd=tmp_path)
    assert result.returncode == 1
    assert "1 fixed, 0 remaining" in result.stdout


def test_unfixable_in_configuration(project: Path):
    (project / "pyproject.toml").write_text('[tool.fastapi-lint]\nunfixable = ["FAL102"]\n')
    shown = cli(
        "check",
        "--no-cache",
        "app/main.py",
        "--unsafe-fixes",
        "--output-format",
        "concise",
        cwd=project,
    )
    assert "FAL102 [*]" not in shown.stdout and "FAL101 [*]" in shown.stdout
    cli("check", "app/main.py", "--fix", "--unsafe-fixes", cwd=project)
    text = (project / "app" / "main.py").read_text()
    # FAL101's fix made the route a `def`; FAL102's (`await asyncio.sleep`) was not applied.
    assert "\ndef index():\n    time.sleep(1)\n" in text and "asyncio" not in text


def test_fixable_and_unfixable_on_the_command_line(project: Path):
    # Only FAL1 may be fixed: the v1 validator stays.
    cli("check", "app", "--fix", "--unsafe-fixes", "--fixable", "FAL1", cwd=project)
    assert "@validator" in (project / "app" / "models.py").read_text()
    assert "time.sleep(1)" not in (project / "app" / "main.py").read_text()
    # `unfixable` wins over `fixable` whatever the prefixes' lengths (as in ruff).
    (project / "app" / "models.py").write_text(V1)
    cli("check", "app/models.py", "--fix", "--fixable", "FAL301", "--unfixable", "FAL", cwd=project)
    assert (project / "app" / "models.py").read_text() == V1


# ------------------------------------------------------------------ colour


def _run(*args: str, cwd: Path, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    environment.update(env)
    return subprocess.run(
        [SCRIPT, *args], cwd=cwd, capture_output=True, text=True, env=environment, timeout=120
    ).stdout


def test_force_color_colours_a_pipe(project: Path):
    plain = _run("check", "app/main.py", cwd=project)
    assert "\x1b[" not in plain
    coloured = _run("check", "app/main.py", cwd=project, FORCE_COLOR="1")
    assert "\x1b[31m\x1b[1mFAL102\x1b[0m" in coloured
    # Non-empty only, and it wins over NO_COLOR, as in ruff.
    assert "\x1b[" not in _run("check", "app/main.py", cwd=project, FORCE_COLOR="")
    both = _run("check", "app/main.py", cwd=project, FORCE_COLOR="1", NO_COLOR="1")
    assert "\x1b[" in both


@pytest.mark.parametrize(
    ("text", "at", "code"),
    [
        ("x = 1  # noqa: FAL102, fal106\n", "FAL102", "FAL102"),
        ("x = 1  # noqa: FAL102, fal106\n", "fal106", "FAL106"),
        ("x = 1  # noqa: FAL102\n", "x = 1", None),  # code, not the comment
        ("x = 1  # noqa\n", "noqa", None),  # blanket: no code to show
        ('x = "# noqa: FAL102"\n', "FAL102", None),  # in a string, not a comment
        ('s = """\n# noqa: FAL102\n"""\n', "FAL102", None),  # a line of a string
    ],
)
def test_the_code_under_the_cursor_is_one_a_noqa_comment_names(
    text: str, at: str, code: str | None
) -> None:
    """What an editor's hover on a `# noqa` comment shows: found by the tokenizer, as every
    other reader of noqa comments finds them."""
    from fastapi_lint.noqa import code_at
    from fastapi_lint.source import Source

    offset = text.index(at) + 1
    assert code_at(Source.from_bytes(text.encode()), offset) == code
