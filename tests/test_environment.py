"""Third-party classes from the project's environment, for real: a venv with a small installed
package that defines a `BaseModel` subclass and a router factory; a project using it gets the
findings, and without the venv they come from the catalogue or are absent, never guessed."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from helpers import expected_findings

from fastapi_lint.semantic.environment import find_environment
from fastapi_lint.semantic.external import External

SCRIPT = str(Path(sys.executable).parent / "fastapi-lint")

# The installed package: a model base two classes away from `pydantic.BaseModel`, re-exported
# from the package's `__init__`, and a factory annotated to return an `APIRouter`.
CAMELKIT = {
    "camelkit/__init__.py": "from .models import CamelModel\nfrom .routing import make_router\n",
    "camelkit/models.py": "from pydantic import BaseModel\n\n\nclass _Base(BaseModel):\n"
    "    pass\n\n\nclass CamelModel(_Base):\n    def to_camel(self) -> dict:\n"
    "        return {}\n",
    "camelkit/routing.py": "from fastapi import APIRouter\n\n\n"
    "def make_router(prefix: str = '') -> APIRouter:\n    return APIRouter(prefix=prefix)\n",
    # Bases that go round in a circle must end, and answer no.
    "camelkit/loops.py": "class A(B):\n    pass\n\n\nclass B(A):\n    pass\n",
}

SCHEMAS = """\
from camelkit import CamelModel


class Recipe(CamelModel):
    title: str
"""

ROUTES = """\
from camelkit import make_router

from .schemas import Recipe

router = make_router("/recipes")


@router.get("/{recipe_id}")  # expect: FAL504
async def get_recipe(recipe: Recipe):
    return recipe.dict()  # expect: FAL304
"""


# A model and its use in one module: decided by the file's own analysis, no project pass.
STEPS = """\
from camelkit import CamelModel


class Step(CamelModel):
    text: str


def show(step: Step):
    return step.dict()  # expect: FAL304
"""


EXPECTED = sorted(
    [
        (name, row, code)
        for name, text in (("routes.py", ROUTES), ("steps.py", STEPS))
        for row, code in expected_findings(text)
    ]
)


def build_wheel(directory: Path, name: str, version: str, files: dict[str, str]) -> Path:
    """A pure-Python wheel of `files` (the format is a zip with a dist-info directory)."""
    dist = f"{name}-{version}.dist-info"
    content = {path: text.encode() for path, text in files.items()}
    content[f"{dist}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
    )
    content[f"{dist}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    record = []
    for path, data in content.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{dist}/RECORD,,")
    content[f"{dist}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = directory / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in content.items():
            archive.writestr(path, data)
    return wheel


def pip_install(prefix: Path, wheel: Path) -> None:
    """Install with the real pip, into the venv's interpreter (`pip --python`)."""
    python = prefix / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "--python", str(python), "--disable-pip-version-check"),
            *("install", "-q", "--no-deps", "--no-index", str(wheel)),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def camelkit_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheels"), "camelkit", "0.3.1", CAMELKIT)


@pytest.fixture(scope="module")
def camelkit_venv(tmp_path_factory: pytest.TempPathFactory, camelkit_wheel: Path) -> Path:
    prefix = tmp_path_factory.mktemp("env") / "venv"
    venv.create(prefix, with_pip=False)
    pip_install(prefix, camelkit_wheel)
    return prefix


def make_project(root: Path, environment: Path | None) -> Path:
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "cookbook"\n')
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "schemas.py").write_text(SCHEMAS)
    (root / "app" / "routes.py").write_text(ROUTES)
    (root / "app" / "steps.py").write_text(STEPS)
    if environment is not None:
        shutil.copytree(environment, root / ".venv", symlinks=True)
    return root


def check(root: Path, *args: str) -> list[tuple[str, int, str]]:
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    result = subprocess.run(
        [SCRIPT, "check", "--output-format", "json", "--exit-zero", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return sorted(
        (Path(f["filename"]).name, f["location"]["row"], f["code"])
        for f in json.loads(result.stdout)
    )


@pytest.mark.slow
def test_the_installed_package_says_what_its_classes_are(
    tmp_path: Path, camelkit_venv: Path
) -> None:
    root = make_project(tmp_path / "cookbook", camelkit_venv)
    assert check(root, "--no-cache") == EXPECTED
    # One file alone (no project pass): its own classes are still decided.
    steps = [("steps.py", row, code) for row, code in expected_findings(STEPS)]
    assert check(root, "--no-cache", "app/steps.py") == steps


@pytest.mark.slow
def test_without_the_environment_nothing_is_guessed(tmp_path: Path) -> None:
    root = make_project(tmp_path / "cookbook", None)
    assert check(root, "--no-cache") == []


@pytest.mark.slow
def test_the_catalogue_answers_when_the_package_is_not_installed(tmp_path: Path) -> None:
    root = make_project(tmp_path / "cookbook", None)
    (root / "app" / "schemas.py").write_text(
        SCHEMAS.replace(
            "from camelkit import CamelModel", "from fastapi_camelcase import CamelModel"
        )
    )
    assert check(root, "--no-cache") == [("routes.py", 10, "FAL304")]


@pytest.mark.slow
def test_extend_model_bases_names_more(tmp_path: Path) -> None:
    root = make_project(tmp_path / "cookbook", None)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "cookbook"\n\n[tool.fastapi-lint]\n'
        'extend-model-bases = ["camelkit.CamelModel"]\n'
    )
    assert check(root, "--no-cache") == [("routes.py", 10, "FAL304"), ("steps.py", 9, "FAL304")]


@pytest.mark.slow
def test_installing_the_package_invalidates_cached_results(
    tmp_path: Path, camelkit_wheel: Path
) -> None:
    root = make_project(tmp_path / "cookbook", None)
    venv.create(root / ".venv", with_pip=False)
    assert check(root) == []
    assert check(root) == []  # from the cache
    pip_install(root / ".venv", camelkit_wheel)
    assert check(root) == EXPECTED


@pytest.mark.slow
def test_reading_is_bounded_and_cycle_safe(camelkit_venv: Path) -> None:
    external = External(find_environment(str(camelkit_venv)))
    assert external.is_model("camelkit.CamelModel")
    assert external.is_model("camelkit.models._Base")
    assert not external.is_model("camelkit.loops.A")
    assert not external.is_model("camelkit.make_router")
    assert not external.is_model("camelkit.Missing")
    assert external.return_type("camelkit.make_router") == "fastapi.APIRouter"
    assert external.defines("camelkit.CamelModel", "to_camel") is True
    assert external.defines("camelkit.CamelModel", "dict") is False


DB_SESSION = """\
from fastapi import FastAPI
from fastapi_sqlalchemy import db

app = FastAPI()


class Local:
    session = None


@app.get("/users")
async def users():
    return db.session.query(str).all()  # expect: FAL105


@app.get("/sync")
def sync_users():
    return db.session.query(str).all()


@app.get("/local")
async def local_users(db: Local):
    return db.session.query(str).all()
"""


@pytest.mark.slow
def test_the_catalogue_knows_the_session_fastapi_sqlalchemy_exports(tmp_path: Path) -> None:
    """No environment has FastAPI-SQLAlchemy here: its `db.session` is a SQLAlchemy Session
    by the catalogue; a parameter named `db` is not that object."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (tmp_path / "main.py").write_text(DB_SESSION)
    expected = [("main.py", row, code) for row, code in expected_findings(DB_SESSION)]
    assert check(tmp_path, "--no-cache") == expected
