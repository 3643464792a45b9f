"""bench/fix_safety.py on the fixtures tree: the corpus script's logic, small enough for CI.

The script copies a tree, runs the installed CLI with every fix (unsafe ones too) and checks
that every changed file compiles and that a second run changes nothing. On the fixtures -- the
rules' hardest cases, hostile files included -- it must report no broken file and convergence.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "fix_safety.py"


def _load():
    spec = importlib.util.spec_from_file_location("fix_safety", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fix_safety"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_fixing_the_fixtures_breaks_nothing_and_converges(tmp_path):
    fix_safety = _load()
    result = fix_safety.check_tree(ROOT / "fixtures", work=tmp_path)
    report = fix_safety.render(result)
    assert result.ok, report
    assert result.broken == [], report
    assert result.second_run_changed == [] and result.second_run_fixes == 0, report
    assert result.files > 100 and result.files_changed > 20, report
    assert result.fixes.get("FAL201", 0) > 0, report
    assert result.internal_errors == {}, report
    # The hostile files are reported, not changed.
    assert sum(result.fal000.values()) >= 4, report
    # The source tree itself is untouched.
    assert (tmp_path / "fixtures").is_dir()


def test_broken_file_is_caught(tmp_path):
    """The compile check, not only the parser: `await` outside `async def` parses but does not
    compile."""
    fix_safety = _load()
    assert fix_safety.compiles(b"x = 1\n", "a.py")
    assert not fix_safety.compiles(b"def f():\n    await g()\n", "a.py")
    assert not fix_safety.compiles(b"\xff\xfe = 1\n", "a.py")


def test_fal000_reasons_are_grouped():
    fix_safety = _load()
    reason = fix_safety.fal000_reason(
        "Cannot check this file: syntax error: Missing parentheses in call to 'print'. "
        "Did you mean print(...)? (Python 2 code?)"
    )
    assert reason == (
        "syntax error: Missing parentheses in call to '…'. Did you mean print(...)? "
        "(Python N code?)"
    )
