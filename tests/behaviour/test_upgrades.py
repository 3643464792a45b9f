"""The library-upgrade fixes (FAL7xx/FAL8xx) judged by behaviour.

Each module in ``fixtures/upgrades/`` is code written for the releases before a removal, with
an ``exercise()`` that drives it. The original runs under ``upgrade-old`` (Starlette 0.27 through
FastAPI 0.95.2, httpx 0.27, SQLAlchemy 1.4); the copy fixed by the real command line must give
the same record under ``upgrade-new`` (current FastAPI/Starlette 1.x, httpx, SQLAlchemy 2), with
no deprecation warning raised from the module — and the original must not, which is what makes
the fix necessary.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import harness
import pytest

SCRIPT = Path(sys.executable).parent / "fastapi-lint"

pytestmark = pytest.mark.behaviour

# fixture module → the rules whose fixes it judges, and words of the deprecation warnings the
# original draws under the new releases (a library's `__getattr__` attributes them to whichever
# frame called it, not always to the module, so they are recognised by their text).
CASES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "templates_app.py": (("FAL701",), ("TemplateResponse",)),
    "status_codes.py": (("FAL702",), ("HTTP_41", "HTTP_422")),
    "starlette_app.py": (("FAL703",), ("decorator",)),
    "starlette_events_app.py": (("FAL201",), ("on_startup", "on_event", "add_event_handler")),
    "lifespan_files_app.py": (("FAL705", "FAL706"), ("lifespan", "method")),
    "proxy_prefix_app.py": (("FAL709",), ("openapi_prefix",)),
    "httpx_proxy_client.py": (("FAL801",), ("proxies",)),
    "swallowing_dependency_app.py": (("FAL508",), ()),
    "sqlalchemy_repo.py": (("FAL804", "FAL805", "FAL806"), ("declarative_base", "Query.get")),
}


def _fixed_copy(name: str, codes: tuple[str, ...], tmp_path: Path) -> Path:
    copy = tmp_path / name
    shutil.copyfile(harness.UPGRADE_FIXTURES_DIR / name, copy)
    command = [str(SCRIPT), "check", "--select", ",".join(codes), "--fix", "--unsafe-fixes"]
    for _ in range(2):  # the second run must find nothing left to fix or report
        proc = subprocess.run([*command, str(copy)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return copy


def _deprecations(warnings: list[dict], words: tuple[str, ...]) -> list[str]:
    """The deprecation warnings raised from the module or mentioning one of `words`.
    Starlette's own `StarletteDeprecationWarning` is a `UserWarning` (shown by default), so
    it is counted by its name."""
    return [
        w["message"]
        for w in warnings
        if (w["deprecation"] or "StarletteDeprecationWarning" in w["categories"])
        and (w["origin"] == "module" or any(word in w["message"] for word in words))
    ]


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixed_module_behaves_under_new_releases_as_the_original_under_old(
    name, tmp_path, upgrade_old_python, upgrade_new_python
):
    codes, words = CASES[name]
    original = harness.UPGRADE_FIXTURES_DIR / name
    expected, _ = harness.run_exercise(upgrade_old_python, original)

    broken = harness.run_exercise_raw(upgrade_new_python, original)
    assert (
        not broken["ok"]
        or harness.record_differences(expected, broken["record"])
        or _deprecations(broken["warnings"], words)
    ), "the original already works quietly under the new releases: the fixture proves nothing"

    fixed = _fixed_copy(name, codes, tmp_path)
    assert fixed.read_bytes() != original.read_bytes()
    actual, warnings = harness.run_exercise(upgrade_new_python, fixed)
    assert harness.record_differences(expected, actual) == []
    assert _deprecations(warnings, words) == []


def test_fal701_new_order_needs_starlette_0_29(tmp_path, upgrade_old_python):
    """Why FAL701's fix is gated on the project's Starlette: the fixed call fails on 0.27."""
    fixed = _fixed_copy("templates_app.py", ("FAL701",), tmp_path)
    result = harness.run_exercise_raw(upgrade_old_python, fixed)
    assert result["ok"]
    assert {page["status"] for page in result["record"].values()} == {500}


def test_fal507_the_fix_makes_the_error_the_route_meant(
    tmp_path, upgrade_old_python, upgrade_new_python
):
    """FAL507 fixes a bug, so the record changes on purpose: the returned exception was a
    200 body (or a 500 with a response model) under old and new FastAPI alike."""
    original = harness.UPGRADE_FIXTURES_DIR / "returned_errors_app.py"
    for python in (upgrade_old_python, upgrade_new_python):
        before, _ = harness.run_exercise(python, original)
        assert before["GET /items/2"] == [
            200,
            '{"status_code":404,"detail":"Item not found","headers":null}',
        ]
        assert before["DELETE /items/1"] == [500, "Internal Server Error"]
    fixed = _fixed_copy("returned_errors_app.py", ("FAL507",), tmp_path)
    after, _ = harness.run_exercise(upgrade_new_python, fixed)
    assert after == {
        "GET /items/1": [200, '{"id":1}'],
        "GET /items/2": [404, '{"detail":"Item not found"}'],
        "DELETE /items/1": [403, '{"detail":"read-only"}'],
    }
