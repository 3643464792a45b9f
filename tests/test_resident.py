"""The resident project the language server lints buffers against, driven directly on a real
workspace: which open documents it hands back after a change elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from editor_workspace import HELPERS, QUIET_HELPERS, ROUTES, write_workspace

from fastapi_lint.config import load_settings
from fastapi_lint.resident import ResidentProject


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ResidentProject:
    config = write_workspace(tmp_path) / "pyproject.toml"
    monkeypatch.chdir(tmp_path)  # the server runs in the workspace root
    resident = ResidentProject(str(tmp_path), load_settings(config))
    resident.load(cache=False)
    return resident


def _codes(document) -> list[str]:
    return [d.code for d in document.findings]


def test_a_file_changed_on_disk_refreshes_every_open_document_it_moves(project):
    root = Path(project.root)
    routes = project.update(str(root / "app" / "routes.py"), ROUTES)
    assert _codes(routes) == ["FAL108", "FAL106"]  # FAL106: describe → fetch_profile → requests.get
    helpers = root / "app" / "helpers.py"
    helpers.write_text(QUIET_HELPERS)
    project.reload_from_disk(str(helpers))
    # No buffer was edited: every open document is looked at, and the caller's finding goes.
    assert project.refreshed() == [routes]
    assert _codes(routes) == ["FAL108"]
    assert project.refreshed() == []  # nothing moved since


def test_dependants_leave_out_the_document_just_edited(project):
    root = Path(project.root)
    routes_path = str(root / "app" / "routes.py")
    routes = project.update(routes_path, ROUTES)
    helpers = project.update(str(root / "app" / "helpers.py"), QUIET_HELPERS)
    # The helper's edit moves the caller's findings: it is a dependant of the helper ...
    assert project.dependants(helpers.path) == [routes]
    assert _codes(routes) == ["FAL108"]
    # ... while the edited document itself is never handed back, even when its findings move.
    project.update(helpers.path, HELPERS)
    assert project.dependants(routes_path) == []
    assert _codes(routes) == ["FAL108"]  # not resolved again: the caller handles the edited one
