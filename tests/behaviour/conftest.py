"""Fixtures for the behaviour harness tests: the Pydantic v1 and v2 venvs.

The venvs live in ``.behaviour-venvs/`` (gitignored) and are reused while their requirement list
is unchanged. Creating one needs pip and the package index; when that fails the tests that need
the venv are skipped with the reason -- unless ``FASTAPI_LINT_REQUIRE_BEHAVIOUR=1`` is set, which
turns the skip into a failure (for CI, where a silent skip would hide a broken harness).
``FASTAPI_LINT_SKIP_BEHAVIOUR=1`` skips them without trying.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "behaviour: runs migration fixtures under Pydantic v1/v2 venvs (.behaviour-venvs/)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Behaviour tests run code in other interpreters (and may first build their venvs): slow.
    for item in items:
        if item.get_closest_marker("behaviour") is not None:
            item.add_marker(pytest.mark.slow)


def _venv(name: str) -> Path:
    if os.environ.get("FASTAPI_LINT_SKIP_BEHAVIOUR") == "1":
        pytest.skip("FASTAPI_LINT_SKIP_BEHAVIOUR=1")
    try:
        return harness.ensure_venv(name)
    except harness.NoSuitablePython as exc:
        # A limit of this machine, not a broken harness: the releases have no build for this
        # Python, and no older one is installed (the suite under an older Python runs them).
        pytest.skip(str(exc))
    except (harness.HarnessError, OSError) as exc:
        if os.environ.get("FASTAPI_LINT_REQUIRE_BEHAVIOUR") == "1":
            pytest.fail(f"cannot create the {name} behaviour venv: {exc}")
        pytest.skip(f"cannot create the {name} behaviour venv: {exc}")


@pytest.fixture(scope="session")
def v1_python() -> Path:
    """Interpreter of ``.behaviour-venvs/v1`` (Pydantic 1.10, FastAPI 0.95, httpx 0.23)."""
    return _venv("v1")


@pytest.fixture(scope="session")
def v2_python() -> Path:
    """Interpreter of ``.behaviour-venvs/v2`` (current Pydantic, pydantic-settings, FastAPI)."""
    return _venv("v2")


@pytest.fixture(scope="session")
def upgrade_old_python() -> Path:
    """Interpreter of ``.behaviour-venvs/upgrade-old`` (Starlette 0.27, httpx 0.27, SQLAlchemy 1.4)."""
    return _venv("upgrade-old")


@pytest.fixture(scope="session")
def upgrade_new_python() -> Path:
    """Interpreter of ``.behaviour-venvs/upgrade-new`` (current Starlette, httpx, SQLAlchemy 2)."""
    return _venv("upgrade-new")


@pytest.fixture(scope="session")
def pydantic_release():
    """Interpreter of a venv with one Pydantic release: ``pydantic_release("2.11")``
    (``.behaviour-venvs/pydantic-2.11``; see ``harness.PYDANTIC_RELEASES``)."""
    return lambda release: _venv(f"pydantic-{release}")
