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
    # The first call no longer fits in 88 columns with `request` added: it is laid out as
    # ruff format lays it out.
    assert (
        'TemplateResponse(\n            request, "error.html", {"request": request}, 422\n        )'
    ) in fixed
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


# The Pydantic 2.x deprecation rules (FAL9xx, `rules/pydantic_v2/_v2code.py`): one module with
# a construct of each kind -- v2-only ones (FAL901/FAL902/FAL904) and ones that are right in
# v1 code (FAL903/FAL905/FAL906) -- and no import that says which major it is for.
MODELS = """\
import json

from pydantic import BaseModel, Field, model_validator
from pydantic.json import pydantic_encoder


class Stay(BaseModel):
    model_config = {"json_encoders": {bytes: bytes.hex}}

    nights: int = Field(1, example=3)
    note: str = Field("", nullable=True)

    @model_validator(mode="after")
    @classmethod
    def positive(cls, stay):
        return stay

    def names(self):
        return list(self.model_fields)


def dump(stay):
    return json.dumps(stay, default=pydantic_encoder)
"""
_V2_ONLY = {"FAL901": ["safe"], "FAL902": ["safe"], "FAL904": [None]}
_V1_ALSO = {"FAL903": ["safe"], "FAL905": [None], "FAL906": [None]}


def _check_models(tmp_path: Path, dependencies: str | None) -> tuple[Path, dict]:
    root = tmp_path / "proj"
    root.mkdir()
    if dependencies is not None:
        (root / "pyproject.toml").write_text(
            f'[project]\nname = "x"\ndependencies = [{dependencies}]\n'
        )
    (root / "models.py").write_text(MODELS)
    result = run("check", "--select", "FAL9", "--output-format", "json", ".", cwd=root)
    found: dict[str, list[str | None]] = {}
    for finding in findings(result):
        fix = finding["fix"]
        found.setdefault(str(finding["code"]), []).append(
            fix["applicability"] if isinstance(fix, dict) else None
        )
    return root, found


@pytest.mark.parametrize("pin", ['"pydantic==2.10.6"', '"pydantic>=2.12"'])
def test_pydantic_2_project_gets_every_fal9_rule_with_safe_fixes(tmp_path: Path, pin: str) -> None:
    # 2.10.6 predates two of the deprecations (2.11, 2.12): reported all the same, since
    # every replacement works from 2.0 on (docs/upgrades/pydantic-2x.md).
    root, found = _check_models(tmp_path, pin)
    assert found == {**_V2_ONLY, **_V1_ALSO}
    run("check", "--select", "FAL9", "--fix", ".", cwd=root)
    fixed = (root / "models.py").read_text()
    assert "type(self).model_fields" in fixed
    assert 'Field(1, json_schema_extra={"example": 3})' in fixed
    assert "def positive(stay):" in fixed and "@classmethod" not in fixed
    result = run("check", "--select", "FAL9", "--output-format", "json", ".", cwd=root)
    assert sorted(str(f["code"]) for f in findings(result)) == ["FAL904", "FAL905", "FAL906"]


def test_pydantic_1_project_draws_nothing(tmp_path: Path) -> None:
    root, found = _check_models(tmp_path, '"pydantic>=1.10,<2"')
    assert found == {}
    run("check", "--select", "FAL9", "--fix", "--unsafe-fixes", ".", cwd=root)
    assert (root / "models.py").read_text() == MODELS


def test_unknown_version_the_module_decides(tmp_path: Path) -> None:
    # The v2-only constructs say v2 (`model_validator` is a v2-only import): everything is
    # reported, FAL903's fix unsafe since only the module says v2.
    _, found = _check_models(tmp_path, None)
    assert found == {**_V2_ONLY, **_V1_ALSO, "FAL903": ["unsafe"]}
    # The same v1-legal spellings in a module written for v1 (`validator`): nothing.
    v1 = tmp_path / "v1"
    v1.mkdir()
    (v1 / "models.py").write_text(
        "from pydantic import BaseModel, Field, validator\n"
        "from pydantic.json import pydantic_encoder\n\n\n"
        "class Stay(BaseModel):\n"
        "    nights: int = Field(1, example=3)\n"
        "    note: str = Field('', nullable=True)\n"
    )
    result = run("check", "--select", "FAL9", "--output-format", "json", ".", cwd=v1)
    assert findings(result) == []


def test_pydantic_2_0_is_told_its_json_encoders_do_nothing(tmp_path: Path) -> None:
    # Pydantic 2.0.x dropped `json_encoders` (restored, deprecated, in 2.1): docs/upgrades/pydantic-2x.md.
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["pydantic==2.0.3"]\n'
    )
    (root / "models.py").write_text(MODELS)
    result = run("check", "--select", "FAL904", "--output-format", "json", ".", cwd=root)
    messages = [str(f["message"]) for f in findings(result)]
    assert len(messages) == 1 and messages[0].startswith(
        "`json_encoders` is ignored by Pydantic 2.0"
    )
