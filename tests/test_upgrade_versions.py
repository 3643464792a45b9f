"""The upgrade rules (FAL7xx) gated on the project's library versions, end to end: the same
file in a project pinned to the old release, to the new one, and to nothing, through the real
console script (see `rules/upgrades/_versions.py` for the policy)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_versions import findings, run

pytestmark = pytest.mark.slow

PAGES = """\
from fastapi import FastAPI, Request, status
from fastapi.templating import Jinja2Templates

app = FastAPI()
templates = Jinja2Templates(directory="templates")


@app.get("/", status_code=status.HTTP_200_OK)
def home(request: Request):
    if not request.query_params:
        return templates.TemplateResponse("error.html", {"request": request}, 422)
    return templates.TemplateResponse("home.html", {"request": request})


CODE = status.HTTP_422_UNPROCESSABLE_ENTITY
"""


def _project(
    tmp_path: Path, dependencies: str | None, name: str = "pages.py", text: str = PAGES
) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    if dependencies is not None:
        (root / "pyproject.toml").write_text(
            f'[project]\nname = "x"\ndependencies = [{dependencies}]\n'
        )
    (root / name).write_text(text)
    return root


def _check(root: Path) -> dict[str, list[str | None]]:
    """Code → the applicability of each finding's fix (None: no fix)."""
    result = run("check", "--select", "FAL701,FAL702", "--output-format", "json", ".", cwd=root)
    found: dict[str, list[str | None]] = {}
    for finding in findings(result):
        fix = finding["fix"]
        found.setdefault(str(finding["code"]), []).append(
            fix["applicability"] if isinstance(fix, dict) else None
        )
    return found


def test_pinned_to_starlette_1_the_fixes_are_safe_and_applied_by_fix(tmp_path: Path) -> None:
    root = _project(tmp_path, '"fastapi", "starlette>=1.0"')
    assert _check(root) == {"FAL701": ["safe", "safe"], "FAL702": ["safe"]}
    run("check", "--select", "FAL701,FAL702", "--fix", ".", cwd=root)
    fixed = (root / "pages.py").read_text()
    assert 'TemplateResponse(request, "error.html", {"request": request}, 422)' in fixed
    assert 'TemplateResponse(request, "home.html", {"request": request})' in fixed
    assert "status.HTTP_422_UNPROCESSABLE_CONTENT" in fixed
    assert _check(root) == {}


def test_pinned_below_the_new_names_nothing_is_reported(tmp_path: Path) -> None:
    root = _project(tmp_path, '"fastapi==0.95.2", "starlette==0.27.0"')
    assert _check(root) == {}
    run("check", "--select", "FAL701,FAL702", "--fix", "--unsafe-fixes", ".", cwd=root)
    assert (root / "pages.py").read_text() == PAGES


def test_between_the_two_releases_each_rule_answers_for_its_own(tmp_path: Path) -> None:
    # 0.29 <= starlette < 0.48: the new TemplateResponse order exists, the new status names not.
    root = _project(tmp_path, '"starlette>=0.29,<0.48"')
    assert _check(root) == {"FAL701": ["safe", "safe"]}


def test_unknown_versions_get_unsafe_fixes(tmp_path: Path) -> None:
    root = _project(tmp_path, None)
    assert _check(root) == {"FAL701": ["unsafe", "unsafe"], "FAL702": ["unsafe"]}
    run("check", "--select", "FAL701,FAL702", "--fix", ".", cwd=root)
    assert (root / "pages.py").read_text() == PAGES


EVENTS = """\
from fastapi import FastAPI
from starlette.applications import Starlette

api = FastAPI()
site = Starlette()


@api.on_event("startup")
async def connect():
    pass


@site.on_event("startup")
async def warm():
    pass
"""


@pytest.mark.parametrize(
    ("dependencies", "fixed"),
    [
        ('"fastapi==0.92.0", "starlette==0.15.0"', set()),
        ('"fastapi==0.92.0", "starlette==0.16.0"', {"site"}),
        ('"fastapi>=0.100", "starlette>=0.27"', {"api", "site"}),
        (None, {"api", "site"}),
    ],
)
def test_fal201_folds_into_a_lifespan_only_where_the_release_takes_one(
    tmp_path: Path, dependencies: str | None, fixed: set[str]
) -> None:
    """FastAPI takes an `asynccontextmanager` lifespan from 0.93, Starlette from 0.16: before
    that the events are all the app has, so the finding stays and says why there is no fix."""
    root = _project(tmp_path, dependencies, "events.py", EVENTS)
    result = run("check", "--select", "FAL201", "--output-format", "json", ".", cwd=root)
    by_app = {}
    for finding in findings(result):
        app = "api" if "@api." in str(finding["message"]) else "site"
        by_app[app] = finding
    assert set(by_app) == {"api", "site"}
    assert {app for app, f in by_app.items() if f["fix"] is not None} == fixed
    for app, finding in by_app.items():
        if app not in fixed:
            library = "fastapi" if app == "api" else "starlette"
            assert f"the project's {library} predates `lifespan=`" in str(finding["message"])
    run("check", "--select", "FAL201", "--fix", "--unsafe-fixes", ".", cwd=root)
    text = (root / "events.py").read_text()
    assert ("api = FastAPI(lifespan=" in text) == ("api" in fixed)
    assert ("site = Starlette(lifespan=" in text) == ("site" in fixed)
