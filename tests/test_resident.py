"""The resident project the language server lints buffers against, driven directly on a real
workspace: which open documents it hands back after a change elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from editor_workspace import HELPERS, QUIET_HELPERS, ROUTES, write_workspace
from helpers import run_in_own_process

from fastapi_lint.config import load_settings
from fastapi_lint.resident import ResidentProject


@pytest.fixture(params=[False, True], ids=["no-cache", "cache"])
def project(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> ResidentProject:
    """The workspace loaded without the cache, and with it (the server's way): the index
    then comes from the project pass that writes the cache, which keeps of each answer only
    the project's module names it consulted (`ProjectIndex.keep_reads_of`)."""
    config = write_workspace(tmp_path) / "pyproject.toml"
    monkeypatch.chdir(tmp_path)  # the server runs in the workspace root
    resident = ResidentProject(str(tmp_path), load_settings(config))
    resident.load(cache=request.param)
    assert resident.index is not None
    assert (resident.index._kept_reads is not None) == request.param
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


def test_the_stored_index_is_read_without_the_collector_where_it_was_tuned(tmp_path: Path):
    """A warm start (the cross-module findings from the cache, so no index built by the run)
    reads every stored summary into the index: in the language server, whose collector
    `tune_gc` set up at start, with the collector off meanwhile (left on, it took more than half
    of that time); in a process that never tuned it, the collector is left as it is. In a
    process of its own: the collector's set-up is the process's."""
    config = write_workspace(tmp_path) / "pyproject.toml"
    script = f"""
import gc, os
from fastapi_lint import parallel, project
from pathlib import Path
from fastapi_lint.config import load_settings
from fastapi_lint.resident import ResidentProject

os.chdir({str(tmp_path)!r})
settings = load_settings(Path({str(config)!r}))
seen = []
original = project.load_index
def load_index(*args, **kwargs):
    seen.append(gc.isenabled())
    return original(*args, **kwargs)
project.load_index = load_index

def build():
    index, on_disk = ResidentProject(os.getcwd(), settings).build(cache=True)
    assert index is not None and len(index) == len(on_disk) > 1, (index, on_disk)
    assert gc.isenabled()

build()  # a cold start: the run builds the index itself
assert seen == [], seen
build()  # a warm start: read from the cache
assert seen == [True], seen
parallel.tune_gc(freeze_checks=False)
build()
assert seen == [True, False], seen
print("ok")
"""
    run_in_own_process(script, timeout=120)
