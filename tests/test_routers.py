"""Routers and apps however they are made: subclasses (in the module, in another module),
classes handed back by a function (`Router = router_class()`), and factories annotated
`-> APIRouter` — the route and app rules run on them as on `APIRouter()` / `FastAPI()`.

`fixtures/projects/routers/` says on each line what must be found (`# expect: CODE`); every
other line of it must draw none of these codes (a `Cache` with `get`/`patch` methods and its
factory are look-alikes). The real CLI runs on a copy of it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from clitools import cli
from helpers import expected_in_project

from fastapi_lint.engine import lint_source
from fastapi_lint.registry import RuleSet
from fastapi_lint.semantic.records import from_plain, to_plain
from fastapi_lint.settings import Settings
from fastapi_lint.source import Source

PROJECT = Path(__file__).resolve().parent.parent / "fixtures" / "projects" / "routers"
CODES = (
    "FAL107", "FAL201", "FAL401", "FAL402", "FAL407", "FAL501", "FAL502", "FAL503", "FAL504", "FAL507",
)  # fmt: skip


def test_routes_of_every_kind_of_router_are_checked(tmp_path: Path):
    project = tmp_path / "routers"
    shutil.copytree(PROJECT, project)
    result = cli(
        "check", ".", "--no-cache", "--output-format", "json", "--select", ",".join(CODES),
        cwd=project,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    found = {
        (Path(d["filename"]).relative_to(project).as_posix(), d["location"]["row"], d["code"])
        for d in json.loads(result.stdout)
    }
    assert found == expected_in_project(PROJECT)
    assert ("service/api/items.py", 11, "FAL501") in found  # a subclass from another module
    assert ("service/api/orders.py", 12, "FAL501") in found  # a factory from another module


def test_route_fixes_on_routers_of_other_modules(tmp_path: Path, snapshot):
    """FAL502-FAL504 and FAL507 found through the project index keep their fixes: they touch
    only the route's decorator, signature and body, in the file of the route."""
    project = tmp_path / "routers"
    shutil.copytree(PROJECT, project)
    result = cli(
        "check", ".", "--no-cache", "--select", "FAL502,FAL503,FAL504,FAL507", "--fix",
        "--unsafe-fixes", cwd=project,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr  # `user_id` of `/users/{user_id}/name` has no fix
    snapshot.snapshot_dir = Path(__file__).parent / "snapshots" / "routers"
    fixed = (project / "service" / "api" / "users.py").read_text()
    snapshot.assert_match(fixed, "users_fixed.py.txt")
    # The look-alikes are untouched: a `Cache.get`, and names the project does not define.
    assert '@cache.get("/cached/{key}", response_model=ItemPatch)' in fixed
    assert "async def read_ghost(user: str = Depends(current_user))" in fixed
    assert "async def read_spirit(user: str = Depends(current_user))" in fixed
    assert "return HTTPException(status_code=404)  # a `Cache.get`" in fixed


def test_a_factory_records_the_class_it_returns():
    """The summary keeps a function's return annotation, through the plain (cached) form."""
    text = (PROJECT / "service" / "routing.py").read_text()
    rules = RuleSet(Settings())
    result = lint_source(
        Source(text), "service/routing.py", rules, module="service.routing", summarize=True
    )
    summary = result.summary
    assert summary is not None
    returns = {f.name: f.returns for f in summary.functions}
    assert returns["make_router"] == "fastapi.APIRouter"
    assert returns["make_cache"] == "service.routing.Cache"
    assert returns["router_class"] == ""  # `type[APIRouter]`: not an instance of one
    assert from_plain(to_plain(summary)) == summary
