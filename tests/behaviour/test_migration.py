"""The Pydantic v1 → v2 fixes, judged by behaviour.

For each module of ``fixtures/migration/``: copy it, run the real command line
``fastapi-lint check --fix --unsafe-fixes`` on the copy (twice: the second run must change
nothing), then run the fixed copy's ``exercise()`` under Pydantic v2 and require the record the
original produced under Pydantic v1, with no deprecation warning.

What a fixer must *not* fix is spelled out per module in ``EXPECTED`` and checked exactly:

* ``remaining`` — the findings left after fixing, each with the line it points at. A construct v2
  cannot reproduce (``tests/behaviour/README.md``, "Cannot be reproduced") must be reported, not
  rewritten; the test asserts it is.
* ``by_hand`` — the step a person takes after reading such a finding, applied as an exact text
  replacement, followed by another ``--fix`` run. Everything else in the module is then compared
  in full: the record is never weakened.
* ``unknown_receivers`` — lines whose v1 method call stays because the linter cannot know the
  receiver is a model (``instance.dict()`` on a value a factory returned). FAL304 never guesses,
  so the deprecated call keeps working under v2 and warns; only those warnings, from those lines,
  are tolerated.
* ``pending`` — findings whose fix belongs to another rule that has none yet (FAL201's
  ``on_event`` → ``lifespan``). While such a finding is still reported, the deprecation warning
  it names is tolerated; once its fix lands, the finding and the warning must both be gone.
* ``ignore`` — rules left out of the fix run, with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import harness
import pytest


@dataclass(frozen=True)
class Pending:
    """A finding another rule's future fix will remove, and the deprecation it leaves meanwhile."""

    code: str
    warning: str  # a substring of the deprecation message tolerated while the finding remains
    blocked_by: str  # what is missing


@dataclass(frozen=True)
class Expected:
    remaining: tuple[tuple[str, str], ...] = ()  # (code, stripped text of the reported line)
    by_hand: tuple[tuple[str, str], ...] = ()  # (exact text, replacement) a person applies
    unknown_receivers: tuple[str, ...] = ()  # stripped lines whose `.dict()` stays, warning
    pending: tuple[Pending, ...] = ()
    ignore: tuple[str, ...] = ()


ON_EVENT = Pending(
    "FAL201",
    "on_event is deprecated",
    "FAL201 has no fix yet (on_event → lifespan is being written separately)",
)

EXPECTED: dict[str, Expected] = {
    "validators_signup": Expected(
        # v1 runs a post root validator even after a field failed (unless skip_on_failure=True);
        # v2's mode="after" does not. The fix reports it; a person who accepts the difference
        # adds skip_on_failure=True, and the next --fix converts it exactly.
        remaining=(("FAL302", "@root_validator"),),
        by_hand=(
            (
                "    @root_validator\n    def check_publication(cls, values):",
                "    @root_validator(skip_on_failure=True)\n    def check_publication(cls, values):",
            ),
        ),
        unknown_receivers=('return {"failed": False, "dump": _plain(instance.dict())}',),
    ),
    "config_options": Expected(
        unknown_receivers=('return {"failed": False, "dump": instance.dict()}',),
    ),
    "constrained_types": Expected(
        unknown_receivers=("return [line.dict() for line in lines]",),
    ),
    "generic_envelope": Expected(
        unknown_receivers=(
            'return {"failed": False, "dump": value.dict()}',
            'return {"failed": False, "dump": [item.dict() for item in value]}',
        ),
    ),
    "model_methods": Expected(),
    # Un-annotated fields (FAL312) and a called `UUID4` (FAL311): fixed, nothing left.
    "model_leftovers": Expected(),
    "settings_env": Expected(),
    "app_lifecycle": Expected(
        pending=(ON_EVENT,),
        # The PATCH handler's `item.dict()` without exclude_unset is the FAL501 bug the
        # recording keeps on purpose; FAL501's unsafe fix repairs it and so changes the record.
        ignore=("FAL501",),
    ),
    "app_async_tests": Expected(pending=(ON_EVENT,)),
}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fastapi_lint", "check", "--no-cache", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )


def _fix(path: Path, expected: Expected) -> None:
    """--fix --unsafe-fixes, twice; the second run changes nothing and no fix was dropped."""
    ignore = ["--ignore", ",".join(expected.ignore)] if expected.ignore else []
    first = _cli("--fix", "--unsafe-fixes", *ignore, str(path))
    assert first.returncode in (0, 1), first.stdout + first.stderr
    assert "would not parse" not in first.stdout + first.stderr
    fixed = path.read_bytes()
    second = _cli("--fix", "--unsafe-fixes", *ignore, str(path))
    assert second.returncode in (0, 1), second.stdout + second.stderr
    assert path.read_bytes() == fixed, "a second --fix changed the file"


def _remaining(path: Path, expected: Expected) -> list[tuple[str, str, str]]:
    """(code, reported line, message) of every finding left in the fixed file."""
    ignore = ["--ignore", ",".join(expected.ignore)] if expected.ignore else []
    result = _cli("--output-format", "json", *ignore, str(path))
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        (d["code"], lines[d["location"]["row"] - 1].strip(), d["message"])
        for d in json.loads(result.stdout)
    ]


def _check_remaining(path: Path, expected: Expected, *, after_hand: bool) -> set[str]:
    """Assert the findings left are exactly the expected ones; return the pending codes seen."""
    found = _remaining(path, expected)
    pending = {p.code for p in expected.pending}
    wanted = [] if after_hand else list(expected.remaining)
    left = sorted((code, line) for code, line, _ in found if code not in pending)
    assert left == sorted(wanted), f"findings left after --fix: {found}"
    return {code for code, _, _ in found if code in pending}


def _explained(warning: dict, lines: list[str], expected: Expected, pending: set[str]) -> bool:
    message = warning["message"]
    for item in expected.pending:
        if item.code in pending and item.warning in message:
            return True
    if warning["origin"] == "module" and warning["lineno"]:
        line = lines[warning["lineno"] - 1].strip()
        return line in expected.unknown_receivers and "`dict` method is deprecated" in message
    return False


@pytest.mark.behaviour
@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_fixed_module_behaves_as_under_v1(v2_python, tmp_path, stem):
    expected = EXPECTED[stem]
    original = harness.FIXTURES_DIR / f"{stem}.py"
    copy = tmp_path / original.name
    shutil.copyfile(original, copy)

    _fix(copy, expected)
    pending = _check_remaining(copy, expected, after_hand=False)
    if expected.remaining:
        messages = [m for code, _, m in _remaining(copy, expected) if code != "FAL201"]
        assert all("by hand" in m or "fix again" in m for m in messages), messages
    if expected.by_hand:
        text = copy.read_text(encoding="utf-8")
        for old, new in expected.by_hand:
            assert text.count(old) == 1, f"the step by hand expects {old!r} once"
            text = text.replace(old, new)
        copy.write_text(text, encoding="utf-8")
        _fix(copy, expected)
        pending = _check_remaining(copy, expected, after_hand=True)

    record, warnings = harness.run_exercise(v2_python, copy)
    assert harness.record_differences(harness.load_recording(original), record) == []
    lines = copy.read_text(encoding="utf-8").splitlines()
    unexplained = [
        w for w in harness.deprecations(warnings) if not _explained(w, lines, expected, pending)
    ]
    assert unexplained == []
    for line in expected.unknown_receivers:
        assert line in (text.strip() for text in lines), f"{line!r} is no longer in the module"


def test_every_fixture_module_has_an_expectation():
    assert {path.stem for path in harness.fixture_modules()} == set(EXPECTED)


@pytest.mark.parametrize("stem", ["app_lifecycle"])
def test_ignored_rules_are_still_reported(tmp_path, stem):
    """A rule left out of the fix run above still finds what it was left out for."""
    copy = tmp_path / f"{stem}.py"
    shutil.copyfile(harness.FIXTURES_DIR / copy.name, copy)
    codes = {code for code, _, _ in _remaining(copy, Expected())}
    assert set(EXPECTED[stem].ignore) <= codes
