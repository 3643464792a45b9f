"""The FAL201 fix judged by behaviour: the fixed 2022 app runs its lifecycle under current FastAPI
as the original did under FastAPI 0.95.

``fixtures/migration/app_lifecycle.py`` is fixed with the installed CLI, ``--select FAL201`` only,
and run under the v2 venv. Only the parts of the record the lifespan fix is responsible for are
compared: which startup and shutdown handlers ran, in which order, how often, and the state they
left (events, health, connection and readiness flags), with and without ``TestClient``'s
``with``. The rest of that module's record (``class Config``, ``.dict()``, ``from_orm``, the
``Optional`` field without a default) is the Pydantic migration's, judged by the FAL3xx fixes'
own tests; with only FAL201 applied it still differs, as expected.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import harness
import pytest

FIXTURE = harness.FIXTURES_DIR / "app_lifecycle.py"
SCRIPT = Path(sys.executable).parent / "fastapi-lint"

# The record's keys that only the event handlers (or their absence) decide.
LIFECYCLE_KEYS = (
    "without_lifespan",
    "events_after_startup",
    "events_during",
    "events_after_shutdown",
    "events_after_second_run",
    "db_connected_after_shutdown",
    "ready_after_shutdown",
    "openapi_paths",
)
LIFECYCLE_CALLS = ("health",)


def _lifecycle(record: dict) -> dict:
    part = {key: record[key] for key in LIFECYCLE_KEYS}
    part["calls"] = {key: record["calls"][key] for key in LIFECYCLE_CALLS}
    return part


def _fixed_copy(tmp_path: Path) -> Path:
    copy = tmp_path / FIXTURE.name
    shutil.copyfile(FIXTURE, copy)
    proc = subprocess.run(
        [str(SCRIPT), "check", "--select", "FAL201", "--fix", "--unsafe-fixes", str(copy)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return copy


def test_fix_rewrites_the_handlers_into_a_lifespan(tmp_path):
    text = _fixed_copy(tmp_path).read_text(encoding="utf-8")
    assert not re.search(r"^@app\.on_event", text, re.MULTILINE)
    assert 'app = FastAPI(title="Inventory", lifespan=lifespan)' in text
    assert (
        "@asynccontextmanager\n"
        "async def lifespan(app: FastAPI):\n"
        "    await connect_database()\n"
        "    seed_database()\n"
        "    yield\n"
        "    close_database()\n"
    ) in text
    # The handlers stay, as plain functions.
    for name in ("connect_database", "seed_database", "close_database"):
        assert f"def {name}():" in text


@pytest.mark.behaviour
def test_fixed_app_keeps_its_lifecycle_under_current_fastapi(v2_python, tmp_path):
    record, warnings = harness.run_exercise(v2_python, _fixed_copy(tmp_path))
    expected = _lifecycle(harness.load_recording(FIXTURE))
    diffs = harness.record_differences(expected, _lifecycle(record))
    assert not diffs, "\n".join(diffs)
    # The deprecation the original draws under current FastAPI is gone.
    messages = [w["message"] for w in harness.deprecations(warnings)]
    assert not [m for m in messages if "on_event" in m or "lifespan" in m.lower()], messages


@pytest.mark.behaviour
def test_unfixed_app_warns_about_on_event_under_current_fastapi(v2_python):
    """The control: the same comparison sees the deprecation in the unfixed module."""
    _, warnings = harness.run_exercise(v2_python, FIXTURE)
    assert any("on_event" in w["message"] for w in harness.deprecations(warnings))
