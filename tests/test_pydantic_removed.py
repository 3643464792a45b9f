"""The catalogue of names Pydantic 2 moved, redirected or removed is a copy of Pydantic's own
tables (`pydantic/_migration.py`) and stub modules; here it is compared with the Pydantic
installed for the tests when that is the version the catalogue names."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pydantic
import pytest

from fastapi_lint.catalogues import pydantic_removed

_NAMED = re.search(r"Pydantic (\d+\.\d+\.\d+)", pydantic_removed.__doc__ or "")
assert _NAMED is not None, "the catalogue's docstring names the Pydantic version it copies"
COPIED_FROM = _NAMED.group(1)


@pytest.mark.skipif(
    pydantic.VERSION != COPIED_FROM, reason=f"the catalogue is Pydantic {COPIED_FROM}'s"
)
def test_catalogue_is_pydantics_own_tables():
    migration = importlib.import_module("pydantic._migration")
    assert pydantic_removed.V2_MOVED == migration.MOVED_IN_V2
    assert pydantic_removed.V2_DEPRECATED_MOVED == migration.DEPRECATED_MOVED_IN_V2
    assert pydantic_removed.V2_REDIRECTED_TO_V1 == migration.REDIRECT_TO_V1
    assert pydantic_removed.V2_REMOVED == migration.REMOVED_IN_V2
    package = Path(pydantic.__file__).parent
    stubs = {
        f"pydantic.{path.stem}"
        for path in package.glob("*.py")
        if "__getattr__ = getattr_migration(__name__)" in path.read_text()
        and len([line for line in path.read_text().splitlines() if line.strip()]) <= 3
    }
    assert stubs == pydantic_removed.V2_STUB_MODULES


def test_catalogue_is_not_read_from_pydantic():
    """The linter's module holds the names as data: nothing of pydantic is imported."""
    text = Path(pydantic_removed.__file__).read_text()
    assert "import pydantic" not in text and "from pydantic" not in text
