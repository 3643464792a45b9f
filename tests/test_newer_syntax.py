"""Files written for a newer Python than the one running: one notice per run with the cause
and the remedy, not one FAL000 per file. Run on 3.11, 3.12 and 3.13, each version asserts
what it can parse."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fastapi_lint.parsing import newer_syntax
from fastapi_lint.source import Source

SCRIPT = str(Path(sys.executable).parent / "fastapi-lint")
RUNNING = f"{sys.version_info[0]}.{sys.version_info[1]}"

PEP695 = {
    "aliases.py": "type Pair = tuple[int, int]\ntype Box[T] = list[T]\n",
    "generic_def.py": "def first[T](items: list[T]) -> T:\n    return items[0]\n",
    "generic_class.py": "class Stack[T]:\n    def push(self, item: T) -> None:\n        pass\n",
}
# A file that draws a finding on every version: the run goes on around the others.
ROUTE = """\
import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def index():
    time.sleep(1)
"""


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, "check", "--no-cache", *args, "."],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_pep_695_files_are_one_notice_under_an_older_python(tmp_path: Path) -> None:
    for name, text in PEP695.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "main.py").write_text(ROUTE)
    result = run(tmp_path, "--output-format", "json")
    assert '"code": "FAL102"' in result.stdout
    if sys.version_info >= (3, 12):
        assert "FAL000" not in result.stdout  # parsed and checked
        assert "warning:" not in result.stderr
        return
    assert "FAL000" not in result.stdout
    assert result.stderr.splitlines() == [
        f"warning: 3 files use syntax of Python 3.12 that this Python {RUNNING} cannot parse "
        "(`type` aliases (PEP 695), type parameter lists (PEP 695); first: aliases.py:1), "
        "not checked: run fastapi-lint under Python 3.12 or later"
    ]
    assert result.returncode == 1


@pytest.mark.slow
@pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.12 parses PEP 695")
def test_the_notice_covers_every_configuration_of_a_run(tmp_path: Path) -> None:
    """Two directories with a configuration each are checked as two groups: the notice counts
    the newer files of both, and the run still fails for them."""
    for name, ignored in (("api", "FAL405"), ("worker", "FAL406")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "pyproject.toml").write_text(
            f'[tool.fastapi-lint]\nignore = ["{ignored}"]\n'
        )
        (tmp_path / name / "aliases.py").write_text(PEP695["aliases.py"])
    (tmp_path / "worker" / "main.py").write_text(ROUTE)
    result = subprocess.run(
        [SCRIPT, "check", "--no-cache", "--output-format", "concise", "api", "worker"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "FAL102" in result.stdout and "FAL000" not in result.stdout
    assert result.stderr.splitlines() == [
        f"warning: 2 files use syntax of Python 3.12 that this Python {RUNNING} cannot parse "
        "(`type` aliases (PEP 695); first: api/aliases.py:1), "
        "not checked: run fastapi-lint under Python 3.12 or later"
    ]
    assert result.returncode == 1


@pytest.mark.slow
@pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.12 parses PEP 695")
def test_one_file_alone_says_why_in_its_fal000(tmp_path: Path) -> None:
    (tmp_path / "aliases.py").write_text(PEP695["aliases.py"])
    result = subprocess.run(
        [SCRIPT, "check", "--no-cache", "-", "--stdin-filename", "aliases.py"],
        cwd=tmp_path,
        input=PEP695["aliases.py"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.splitlines()[0] == (
        f"aliases.py:1:6: FAL000 Cannot check this file: it uses `type` aliases (PEP 695) of "
        f"Python 3.12, which this Python {RUNNING} cannot parse; run fastapi-lint under Python "
        "3.12 or later"
    )


def _error(text: str) -> SyntaxError:
    try:
        compile(text, "x.py", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return exc
    raise AssertionError("parses")


@pytest.mark.parametrize(
    ("text", "feature", "version"),
    [
        ("type Pair = tuple[int, int]\n", "`type` aliases (PEP 695)", (3, 12)),
        ("def f[T](x: T) -> T:\n    return x\n", "type parameter lists (PEP 695)", (3, 12)),
        ("class C[T]:\n    pass\n", "type parameter lists (PEP 695)", (3, 12)),
        (
            "def f[T = int](x: T) -> T:\n    return x\n",
            "type parameter defaults (PEP 696)",
            (3, 13),
        ),
        (
            "try:\n    pass\nexcept ValueError, TypeError:\n    pass\n",
            "`except` with several types and no parentheses (PEP 758)",
            (3, 14),
        ),
        ("x = t'hello {name}'\n", "template strings (PEP 750)", (3, 14)),
    ],
)
def test_newer_syntax_is_recognised_where_this_python_fails(
    text: str, feature: str, version: tuple[int, int]
) -> None:
    if sys.version_info[:2] >= version:
        pytest.skip(f"Python {RUNNING} parses it")
    assert newer_syntax(_error(text), Source(text)) == (feature, version)


@pytest.mark.parametrize(
    "text",
    [
        # Python 2: the bound name is lower case.
        "try:\n    pass\nexcept ValueError, e:\n    pass\n",
        # Broken code that merely mentions the words.
        "type = = 1\n",
        "def f(:\n    pass\n",
        "x = ('t' 'u' +)\n",
        "class C(:\n    pass\n",
    ],
)
def test_broken_code_is_not_taken_for_newer_syntax(text: str) -> None:
    assert newer_syntax(_error(text), Source(text)) is None
