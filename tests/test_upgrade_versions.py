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


def _project(tmp_path: Path, dependencies: str | None) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    if dependencies is not None:
        (root / "pyproject.toml").write_text(
            f'[project]\nname = "x"\ndependencies = [{dependencies}]\n'
        )
    (root / "pages.py").write_text(PAGES)
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
