"""The project's target versions: read from real project trees and environments, and what
they change — the Pydantic v1 → v2 fixes, FAL310's idea of v1 code — through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from fastapi_lint.config import ConfigError, resolve_project
from fastapi_lint.semantic.environment import find_environment, installed
from fastapi_lint.semantic.versions import Target, resolve, specifier_range
from fastapi_lint.settings import Settings

SCRIPT = str(Path(sys.executable).parent / "fastapi-lint")

# A v1 module: the safe fixes would rewrite `class Config` and `.dict()` into the v2 API.
V1_MODULE = """\
from typing import Optional

from pydantic import BaseModel


class User(BaseModel):
    name: Optional[str]

    class Config:
        orm_mode = True


def dump(user: User) -> dict:
    return user.dict()
"""


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real console script, without an inherited VIRTUAL_ENV (which would choose the
    environment for the test)."""
    base = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "NO_COLOR")}
    return subprocess.run(
        [SCRIPT, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        timeout=120,
    )


def findings(result: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def project(tmp_path: Path, pyproject: str | None = None, **files: str) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    if pyproject is not None:
        (root / "pyproject.toml").write_text(pyproject)
    for name, text in files.items():
        path = root / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / "models.py").write_text(V1_MODULE)
    return root


# ------------------------------------------------------------------ specifiers


@pytest.mark.parametrize(
    ("spec", "low", "high"),
    [
        ("<2", None, (2,)),
        (">=2", (2,), None),
        (">=1.8,<2.0", (1, 8), (2, 0)),
        ("==1.10.13", (1, 10, 13), (1, 10, 13, 1)),
        ("==1.10.*", (1, 10), (1, 11)),
        ("~=1.10", (1, 10), (2,)),
        ("~=2.5.1", (2, 5, 1), (2, 6)),
        ("^1.10", (1, 10), (2,)),  # poetry
        ("^0.95", (0, 95), (0, 96)),
        ("~1.10", (1, 10), (1, 11)),
        ("1.10.2", (1, 10, 2), (1, 10, 2, 1)),  # poetry: a bare version is exact
        (">=1.10,!=2.0.0", (1, 10), None),
        ("", None, None),
        ("*", None, None),
    ],
)
def test_specifier_ranges(
    spec: str, low: tuple[int, ...] | None, high: tuple[int, ...] | None
) -> None:
    assert specifier_range(spec) == (low, high)


def test_specifiers_that_cannot_be_read_are_unknown() -> None:
    assert specifier_range("^1.0 || ^2.0") is None
    assert specifier_range("@ git+https://example.org/x") is None


def test_target_answers_only_what_the_range_settles() -> None:
    v1 = Target("pydantic", None, (2,))
    v2 = Target("pydantic", (2, 5), None)
    either = Target("pydantic", (1, 10), (3,))
    assert (v1.at_least((2,)), v2.at_least((2,)), either.at_least((2,))) == (False, True, None)
    assert Target("pydantic", (1, 10, 13), (1, 10, 13, 1)).major == 1
    assert either.major is None
    assert not Target("pydantic").known


# ------------------------------------------------------------------ declarations


@pytest.mark.parametrize(
    ("files", "expected", "source"),
    [
        (
            {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["pydantic[email]<2"]\n'},
            False,
            "pydantic<2 in pyproject.toml",
        ),
        (
            {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["pydantic>=2.4,<3"]\n'},
            True,
            "pydantic>=2.4,<3 in pyproject.toml",
        ),
        (
            # Both majors allowed: unknown, whatever the source.
            {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["Pydantic >=1.8, <3"]\n'},
            None,
            "pydantic>=1.8, <3 in pyproject.toml",
        ),
        (
            {
                "pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.8"\n'
                'pydantic = {version = "^1.10", extras = ["email"]}\n'
            },
            False,
            "pydantic^1.10 in pyproject.toml (poetry)",
        ),
        (
            {"requirements.txt": "fastapi==0.95.2\npydantic==1.10.13  # pinned\n"},
            False,
            "pydantic==1.10.13 in requirements.txt",
        ),
        (
            # The lock file is exact, and wins over the range in pyproject.toml.
            {
                "pyproject.toml": '[project]\nname = "x"\ndependencies = ["pydantic"]\n',
                "uv.lock": 'version = 1\n\n[[package]]\nname = "pydantic"\nversion = "2.7.1"\n'
                'source = { registry = "https://example.org/simple" }\n',
            },
            True,
            "pydantic==2.7.1 in uv.lock",
        ),
        (
            {
                "poetry.lock": '[[package]]\nname = "pydantic"\nversion = "1.10.9"\n'
                'description = "Data validation"\n'
            },
            False,
            "pydantic==1.10.9 in poetry.lock",
        ),
    ],
)
def test_declared_versions(
    tmp_path: Path, files: dict[str, str], expected: bool | None, source: str
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    target = resolve(tmp_path, None).target("pydantic")
    assert target.at_least((2,)) is expected
    assert target.source == source


def test_target_python_from_requires_python_and_poetry(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "pyproject.toml").write_text('[project]\nrequires-python = ">=3.7"\n')
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "pyproject.toml").write_text('[tool.poetry.dependencies]\npython = "^3.10"\n')
    a = resolve(tmp_path / "a", None).target("python")
    b = resolve(tmp_path / "b", None).target("python")
    assert (a.at_least((3, 9)), b.at_least((3, 9))) == (None, True)
    assert a.below((3, 7)) is False and a.low == (3, 7)


def test_the_user_target_wins_and_the_written_version_is_kept(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("pydantic<2\n")
    versions = resolve(tmp_path, None, (("pydantic", "2"),))
    assert versions.target("pydantic").at_least((2,)) is True
    assert versions.target("pydantic").source == "target-version pydantic=2"
    assert versions.written_for("pydantic").at_least((2,)) is False


# ------------------------------------------------------------------ environments


@pytest.fixture(scope="session")
def v1_venv() -> Path:
    """A real venv with Pydantic 1.10 installed (the behaviour harness's, built once)."""
    sys.path.insert(0, str(Path(__file__).parent / "behaviour"))
    import harness

    if os.environ.get("FASTAPI_LINT_SKIP_BEHAVIOUR") == "1":
        pytest.skip("FASTAPI_LINT_SKIP_BEHAVIOUR=1")
    try:
        python = harness.ensure_venv("v1")
    except (harness.HarnessError, OSError) as exc:
        if os.environ.get("FASTAPI_LINT_REQUIRE_BEHAVIOUR") == "1":
            pytest.fail(f"cannot create the v1 venv: {exc}")
        pytest.skip(f"cannot create the v1 venv: {exc}")
    return python.parent.parent


def test_installed_versions_are_read_without_running_the_venv(v1_venv: Path) -> None:
    environment = find_environment(str(v1_venv / "bin" / "python"))
    assert environment.source == "--python"
    assert environment.prefix == str(v1_venv)
    found = installed(environment)
    assert found["pydantic"].startswith("1.10.")
    assert found["fastapi"] == "0.95.2"
    assert found["starlette"] == "0.27.0"


def test_environment_discovery_order(tmp_path: Path) -> None:
    """--python, else VIRTUAL_ENV, else .venv beside pyproject.toml, else the running one."""
    beside = tmp_path / "proj" / ".venv"
    active = tmp_path / "active"
    venv.create(beside, with_pip=False)
    venv.create(active, with_pip=False)
    root = tmp_path / "proj"
    assert find_environment("", root, {}).prefix == str(beside)
    assert find_environment("", root, {}).source == ".venv"
    assert find_environment("", root, {"VIRTUAL_ENV": str(active)}).prefix == str(active)
    assert find_environment(str(beside), root, {"VIRTUAL_ENV": str(active)}).prefix == str(beside)
    running = find_environment("", tmp_path, {})
    assert running.is_running_interpreter
    assert running.python == tuple(sys.version_info[:2])


def test_an_installed_package_changes_the_stamp(tmp_path: Path) -> None:
    prefix = tmp_path / ".venv"
    venv.create(prefix, with_pip=False)
    before = find_environment(str(prefix))
    site = Path(before.paths[0])
    (site / "thing-1.0.dist-info").mkdir()
    after = find_environment(str(prefix))
    assert before.stamp != after.stamp
    assert installed(after)["thing"] == "1.0"


@pytest.mark.slow
def test_a_missing_interpreter_is_a_one_line_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such interpreter"):
        resolve_project(Settings(python=str(tmp_path / "nope" / "python")), tmp_path)
    result = run("check", "--python", "nope/python", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["error: python: nope/python: no such interpreter"]


# ------------------------------------------------------------------ the v1 → v2 fixes


@pytest.mark.slow
def test_a_project_pinned_below_pydantic_2_gets_no_v2_rewrites(tmp_path: Path) -> None:
    root = project(tmp_path, '[project]\nname = "x"\ndependencies = ["pydantic<2"]\n')
    result = run("check", "--fix", "--output-format", "json", ".", cwd=root)
    assert (root / "models.py").read_text() == V1_MODULE
    found = findings(result)
    assert sorted(f["code"] for f in found) == ["FAL303", "FAL304", "FAL310"]
    for finding in found:
        if finding["code"] != "FAL310":
            assert finding["fix"] is None
            assert str(finding["message"]).endswith(
                "(no fix: the project targets an older Pydantic, pydantic<2 in pyproject.toml; "
                "set the target version pydantic=2 to migrate)"
            )


@pytest.mark.slow
def test_the_same_file_is_migrated_when_the_project_targets_pydantic_2(tmp_path: Path) -> None:
    root = project(tmp_path, '[project]\nname = "x"\ndependencies = ["pydantic>=2"]\n')
    run("check", "--fix", "--exit-zero", ".", cwd=root)
    fixed = (root / "models.py").read_text()
    assert "model_config = ConfigDict(from_attributes=True)" in fixed
    assert "user.model_dump()" in fixed


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "config"),
    [
        (("--target-version", "pydantic=2"), ""),
        ((), '\n[tool.fastapi-lint]\ntarget-versions = { pydantic = "2" }\n'),
    ],
)
def test_a_migration_branch_says_it_targets_pydantic_2(
    tmp_path: Path, args: tuple[str, ...], config: str
) -> None:
    root = project(tmp_path, '[project]\nname = "x"\ndependencies = ["pydantic<2"]\n' + config)
    result = run("check", "--fix", "--output-format", "json", *args, ".", cwd=root)
    fixed = (root / "models.py").read_text()
    assert "user.model_dump()" in fixed
    # FAL310 still speaks: the code was written for v1 (the pin says so), whatever the target.
    assert [f["code"] for f in findings(result)] == ["FAL310"]


@pytest.mark.slow
def test_requirements_pin_and_a_real_v1_venv_decide_too(tmp_path: Path, v1_venv: Path) -> None:
    root = project(tmp_path, None, **{"requirements.txt": "pydantic==1.10.13\n"})
    result = run("check", "--diff", ".", cwd=root)
    assert result.stdout == ""
    (root / "requirements.txt").unlink()
    (root / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["pydantic"]\n')
    # Nothing declared: the fixes are offered ...
    assert "model_dump" in run("check", "--diff", ".", cwd=root).stdout
    # ... unless the environment the project runs in has Pydantic 1.
    result = run("check", "--diff", "--python", str(v1_venv / "bin" / "python"), ".", cwd=root)
    assert result.stdout == ""
    result = run(
        "check", "--output-format", "json", ".", cwd=root, env={"VIRTUAL_ENV": str(v1_venv)}
    )
    messages = [str(f["message"]) for f in findings(result) if f["code"] == "FAL304"]
    assert len(messages) == 1
    assert "the project targets an older Pydantic, 1.10." in messages[0]
    assert "installed (VIRTUAL_ENV)" in messages[0]


# ------------------------------------------------------------------ FAL310


V1_WITHOUT_HINTS = """\
from typing import Optional

from pydantic import BaseModel


class User(BaseModel):
    name: Optional[str]
"""

V2_WITH_CONFIG = """\
from typing import Optional

from pydantic import BaseModel


class User(BaseModel):
    name: Optional[str]

    class Config:
        populate_by_name = True
"""


@pytest.mark.slow
def test_fal310_survives_the_safe_fix_on_a_v1_project(tmp_path: Path) -> None:
    """The safe fixes rewrite `class Config` (the module's only v1 hint) on a migration
    branch; the pin says the code was written for v1, so FAL310 still reports the field."""
    root = project(tmp_path, '[project]\nname = "x"\ndependencies = ["pydantic~=1.10"]\n')
    (root / "models.py").write_text(V1_WITHOUT_HINTS)
    result = run("check", "--select", "FAL310", "--output-format", "json", ".", cwd=root)
    assert [f["code"] for f in findings(result)] == ["FAL310"]


@pytest.mark.slow
def test_fal310_is_silent_on_a_v2_project_with_a_class_config(tmp_path: Path) -> None:
    root = project(tmp_path, '[project]\nname = "x"\ndependencies = ["pydantic>=2.4"]\n')
    (root / "models.py").write_text(V2_WITH_CONFIG)
    result = run("check", "--select", "FAL310", "--output-format", "json", ".", cwd=root)
    assert findings(result) == []
    # Without the declaration the module's own hints decide, as before: `class Config`
    # says v1.
    (root / "pyproject.toml").write_text('[project]\nname = "x"\n')
    result = run("check", "--select", "FAL310", "--output-format", "json", ".", cwd=root)
    assert [f["code"] for f in findings(result)] == ["FAL310"]


# ------------------------------------------------------------------ the target Python

CONSTRAINED = """\
from pydantic import BaseModel, conint


class Item(BaseModel):
    count: conint(gt=0)
"""

DEPENDENCY = """\
from fastapi import Depends, FastAPI

app = FastAPI()


def current_user() -> str:
    return "me"


@app.get("/me")
def me(user: str = Depends(current_user)):
    return user
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("requires", "module"),
    [(">=3.8", "typing_extensions"), (">=3.9", "typing"), (None, "typing")],
)
def test_the_target_python_decides_where_annotated_comes_from(
    tmp_path: Path, requires: str | None, module: str
) -> None:
    lines = ['[project]\nname = "x"\ndependencies = ["pydantic>=2"]\n']
    if requires is not None:
        lines.append(f'requires-python = "{requires}"\n')
    root = project(tmp_path, "".join(lines))
    (root / "models.py").write_text(CONSTRAINED)
    (root / "api.py").write_text(DEPENDENCY)
    run("check", "--fix", "--unsafe-fixes", "--exit-zero", ".", cwd=root)
    assert f"from {module} import Annotated\n" in (root / "models.py").read_text()
    assert "count: Annotated[int, Field(gt=0)]" in (root / "models.py").read_text()
    assert f"from {module} import Annotated\n" in (root / "api.py").read_text()
    assert "user: Annotated[str, Depends(current_user)]" in (root / "api.py").read_text()


def test_a_nested_project_with_its_own_requirements_is_its_own_project(tmp_path: Path) -> None:
    """An example app inside a repository whose pyproject.toml declares Pydantic 2: its own
    requirements file decides for it."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "tool"\ndependencies = ["pydantic>=2.5"]\n'
    )
    app = tmp_path / "examples"
    app.mkdir()
    (app / "requirements.txt").write_text("pydantic>=1.10,<2\n")
    (app / "models.py").write_text(V1_MODULE)
    result = run("check", "--output-format", "json", "examples", cwd=tmp_path)
    assert sorted(f["code"] for f in findings(result)) == ["FAL303", "FAL304", "FAL310"]
    assert all(f["fix"] is None for f in findings(result) if f["code"] != "FAL310")
    # Checked from the repository's root, the example is still its own project (it was
    # checked as the first path's, a v2 project, and lost its findings' version refusals).
    again = run("check", "--output-format", "json", ".", cwd=tmp_path)
    assert findings(again) == findings(result)


# ------------------------------------------------------- FAL311-FAL314 and from_orm

LEFTOVERS = """\
from pydantic import UUID4, BaseModel


class Product(BaseModel):
    is_sale = False


class Tags(BaseModel):
    __root__: list


class Phone(str):
    @classmethod
    def __get_validators__(cls):
        yield cls


ACME = UUID4("0b6c3f0e-8a0e-4b8a-9d3c-2f1e0a9b8c7d")


def load(row):
    return Product.from_orm(row)
"""


@pytest.mark.slow
@pytest.mark.parametrize("pin", ["pydantic<2", "pydantic>=2"])
def test_new_v1_rules_report_whatever_the_pin_and_fix_by_what_the_fix_writes(
    tmp_path: Path, pin: str
) -> None:
    """FAL311-FAL314 report on a project of either major version (v2 refuses what they find).
    Their fixes (`uuid.UUID(...)`, an annotation) are valid under both, so they are offered
    either way; FAL304's `model_validate(..., from_attributes=True)` is v2 API, so a project
    pinned below 2 keeps that finding without its fix."""
    root = project(tmp_path, f'[project]\nname = "x"\ndependencies = ["{pin}"]\n')
    (root / "models.py").write_text(LEFTOVERS)
    result = run(
        "check",
        "--select",
        "FAL304,FAL31",
        "--unsafe-fixes",
        "--output-format",
        "json",
        ".",
        cwd=root,
    )
    fixes = {f["code"]: f["fix"] is not None for f in findings(result)}
    assert fixes == {
        "FAL304": pin == "pydantic>=2",
        "FAL311": True,
        "FAL312": True,
        "FAL313": False,
        "FAL314": False,
    }
    run("check", "--select", "FAL304,FAL31", "--fix", "--unsafe-fixes", ".", cwd=root)
    fixed = (root / "models.py").read_text()
    assert "    is_sale: bool = False\n" in fixed
    assert 'ACME = UUID("0b6c3f0e' in fixed
    assert ("Product.model_validate(row, from_attributes=True)" in fixed) == (pin == "pydantic>=2")
