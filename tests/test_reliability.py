"""Hostile input: the run never crashes, every bad file is one FAL000, and --fix never loses code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ruleset
from unprivileged import cli_bound

from fastapi_lint import fixes
from fastapi_lint.discovery import SourcePath, discover
from fastapi_lint.runner import Mode, check_file
from fastapi_lint.settings import Settings

BIN = Path(sys.executable).parent
SLEEPY = "import time\n\nasync def wait():\n    time.sleep(1)\n"


def fal000(path: Path, display: str = "f.py") -> str:
    report = check_file(SourcePath(str(path), display), ruleset(), Mode())
    assert [d.code for d in report.diagnostics] == ["FAL000"], report.diagnostics
    return report.diagnostics[0].message


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"x = '\xff\xfe'\n", "encoding"),
        (b"# coding: latin-1\nx = 1\x00\n", "null bytes"),
        (b"def f(:\n    pass\n", "syntax error: invalid syntax"),
        (b'print "hello"\n', "Python 2 code?"),
        (b"exec 'x = 1'\n", "Python 2 code?"),
        (b"x = " + b"(" * 300 + b")" * 300 + b"\n", "too many nested parentheses"),
        (b"x = " + b"-" * 100_000 + b"1\n", "nesting too deep"),
        (b"# coding: klingon\nx = 1\n", "unknown encoding"),
    ],
)
def test_unparsable_content_is_one_fal000(tmp_path: Path, data: bytes, reason: str):
    path = tmp_path / "f.py"
    path.write_bytes(data)
    assert reason in fal000(path)


def test_permission_denied_is_a_finding(tmp_path: Path):
    path = tmp_path / "secret.py"
    path.write_text("x = 1\n")
    path.chmod(0)
    result = cli_bound("check", "--no-cache", "secret.py", cwd=tmp_path)
    assert "secret.py:1:1: FAL000" in result.stdout
    assert result.stdout.splitlines()[0].endswith("cannot read it: permission denied")


def test_file_deleted_between_discovery_and_reading(tmp_path: Path):
    path = tmp_path / "gone.py"
    path.write_text("x = 1\n")
    files = discover([str(tmp_path)], Settings())
    path.unlink()
    report = check_file(files[0], ruleset(), Mode())
    assert report.diagnostics[0].message.endswith("no such file")


@pytest.mark.slow
def test_linted_code_is_never_imported_or_run(tmp_path: Path):
    marker = tmp_path / "executed"
    (tmp_path / "evil.py").write_text(
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n" + SLEEPY
    )
    (tmp_path / "conftest.py").write_text(f"open({str(marker)!r}, 'w')\n")
    result = subprocess.run(
        [str(BIN / "fastapi-lint"), "check", str(tmp_path), "--fix", "--unsafe-fixes"],
        capture_output=True,
        text=True,
    )
    assert result.returncode in (0, 1), result.stderr
    assert not marker.exists()


@pytest.mark.slow
def test_internal_error_is_contained_and_exits_2(tmp_path: Path):
    (tmp_path / "a.py").write_text(SLEEPY)
    (tmp_path / "b.py").write_text("import subprocess\n\nasync def f():\n    subprocess.run([])\n")
    code = (
        "import sys\n"
        "from fastapi_lint.rules.async_correctness import fal102_blocking_sleep as m\n"
        "def boom(self, node, ctx):\n"
        "    raise ZeroDivisionError('rule bug')\n"
        "m.BlockingSleepInAsync.check = boom\n"
        "from fastapi_lint.cli import main\n"
        f"main(['check', {str(tmp_path)!r}, '--no-cache'])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 2
    assert "error: internal error in FAL102 on " in result.stderr
    assert "a.py: ZeroDivisionError: rule bug" in result.stderr
    assert "Traceback" not in result.stderr
    assert "b.py:4:5: FAL104" in result.stdout  # the rest of the run completed
    verbose = subprocess.run(
        [sys.executable, "-c", code.replace("'--no-cache'", "'--no-cache', '--show-traceback'")],
        capture_output=True,
        text=True,
    )
    assert "Traceback" in verbose.stderr and "ZeroDivisionError" in verbose.stderr


def test_fix_never_overwrites_a_file_changed_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "m.py"
    path.write_text(SLEEPY)
    real_fix_text = fixes.fix_text

    def fix_while_an_editor_saves(*args, **kwargs):
        result = real_fix_text(*args, **kwargs)
        path.write_text(SLEEPY + "# saved by the editor\n")
        return result

    monkeypatch.setattr(fixes, "fix_text", fix_while_an_editor_saves)
    report = check_file(SourcePath(str(path), "m.py"), ruleset(), Mode(fix=True, unsafe=True))
    assert "changed on disk" in report.write_error
    assert path.read_text().endswith("# saved by the editor\n")
    assert not list(tmp_path.glob(".fastapi-lint-*")), "temporary file left behind"


def test_fix_that_would_break_the_file_is_dropped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from fastapi_lint.diagnostics import Applicability, Edit, Fix
    from fastapi_lint.rules.async_correctness import fal102_blocking_sleep as module

    def broken_fix(self, node, ctx):
        start, end = ctx.span(node)
        return Fix((Edit(start, end, "await ((("),), Applicability.UNSAFE)

    monkeypatch.setattr(module.BlockingSleepInAsync, "fix", broken_fix)
    path = tmp_path / "m.py"
    path.write_text(SLEEPY)
    report = check_file(SourcePath(str(path), "m.py"), ruleset(), Mode(fix=True, unsafe=True))
    assert path.read_text() == SLEEPY
    assert report.dropped == ["FAL102 at 4:5: the fix would not parse; left as is"]


@pytest.mark.slow
def test_huge_file(tmp_path: Path):
    lines = ["import time", ""]
    for i in range(40_000):
        lines += [f"async def handler_{i}(x):", "    time.sleep(x)", "    return x + 1", "", ""]
    path = tmp_path / "huge.py"
    path.write_text("\n".join(lines) + "\n")
    assert sum(1 for _ in path.open()) >= 200_000
    report = check_file(SourcePath(str(path), "huge.py"), ruleset("FAL102"), Mode())
    assert len(report.diagnostics) == 40_000


@pytest.mark.slow
def test_twenty_thousand_files_with_bounded_memory(tmp_path: Path):
    for package in range(100):
        directory = tmp_path / f"pkg{package}"
        directory.mkdir()
        for module in range(200):
            body = SLEEPY if module == 0 else f"VALUE = {module}\n"
            (directory / f"m{module}.py").write_text(body)
    code = (
        "import sys\n"
        "from fastapi_lint.runner import run\n"
        "from fastapi_lint.settings import Settings\n"
        f"report = run([{str(tmp_path)!r}], Settings())\n"
        "print(len(report.files), len(report.diagnostics))\n"
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec from the (large) test runner.
        "status = open('/proc/self/status').read()\n"
        "print(int(status.split('VmHWM:')[1].split()[0]) // 1024)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    files, findings, peak_mb = result.stdout.split()
    assert (int(files), int(findings)) == (20_000, 100)
    assert int(peak_mb) < 500, f"peak RSS {peak_mb} MB"


def test_unreadable_pyproject_is_a_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # Root reads any file in CI, so the read error is simulated where the config is opened.
    from fastapi_lint.config import ConfigError, load_settings

    config = tmp_path / "pyproject.toml"
    config.write_text("[tool.fastapi-lint]\nselect = ['FAL1']\n")
    real_open = Path.open

    def denying_open(self: Path, *args, **kwargs):
        if self == config:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", denying_open)
    with pytest.raises(ConfigError, match=r"cannot read .*pyproject.toml: Permission denied"):
        load_settings(config)


def chain_file(depth: int) -> str:
    """A blocking call, then an attribute chain `depth` long (generated code has them)."""
    return SLEEPY + "value = config" + ".child" * depth + "\n"


def python_compiles(text: str) -> bool:
    """Does Python itself compile it, as when it runs a script (a fresh interpreter)?"""
    code = "import sys; compile(sys.stdin.read(), 'f.py', 'exec')"
    done = subprocess.run([sys.executable, "-c", code], input=text, text=True, capture_output=True)
    return done.returncode == 0


@pytest.mark.parametrize("depth", [1_000, 2_500, 2_900])
def test_deep_attribute_chain_that_python_compiles_is_analysed(tmp_path: Path, depth: int):
    """The chain was "FAL000 nesting too deep" (the semantic model follows chains by recursion,
    and the parser was called deep inside the linter), hiding the file's real findings."""
    text = chain_file(depth)
    assert python_compiles(text)
    path = tmp_path / "deep.py"
    path.write_text(text)
    report = check_file(SourcePath(str(path), "deep.py"), ruleset(), Mode())
    assert [(d.code, d.row) for d in report.diagnostics] == [("FAL102", 4)]
    assert not report.errors


def test_deep_attribute_chain_is_fixed(tmp_path: Path):
    path = tmp_path / "deep.py"
    path.write_text(chain_file(2_500))
    report = check_file(SourcePath(str(path), "deep.py"), ruleset(), Mode(fix=True, unsafe=True))
    assert dict(report.fixed) == {"FAL102": 1}
    assert "await asyncio.sleep(1)" in path.read_text()


def test_chain_deeper_than_python_compiles_is_fal000(tmp_path: Path):
    # Where Python stops depends on its version: 3.11 and 3.12 refuse 3,200 levels, 3.13
    # compiles 8,000 and refuses 12,000. The first depth this Python refuses is the one tested.
    text = next(
        (t for t in map(chain_file, (3_200, 12_000, 50_000)) if not python_compiles(t)), None
    )
    if text is None:
        pytest.skip("this Python compiles an attribute chain 50,000 deep")
    path = tmp_path / "deeper.py"
    path.write_text(text)
    assert (
        fal000(path, "deeper.py")
        == "Cannot check this file: nesting too deep for the Python parser"
    )
