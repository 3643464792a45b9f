"""A line a fix makes too long is laid out as the project's formatter would lay it out.

The line length is the project's own (ruff's `line-length`, else black's, else 88); the tests run
the real command line on real project directories, and hold the result to the real ruff where
the project is configured for ruff.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from clitools import cli

from fastapi_lint.config import formatter_line_length
from fastapi_lint.layout import relayout

RUFF = Path(sys.executable).parent / "ruff"

# Both signatures fit 88 columns as written (77 and 83); `Annotated[...]` makes them 97 and 93
# columns long.
ROUTES = textwrap.dedent(
    """\
    from typing import Annotated

    from fastapi import Depends, FastAPI

    app = FastAPI()


    @app.get("/short")
    def short(user_name: str = Depends(current_user_name), db: Db = Depends(db)):
        return user_name


    @app.get("/long")
    async def long(request: Request, manager: UserManager = Depends(get_user_manager)):
        return request
    """
)

SHORT_ONE_LINE = (
    "def short(user_name: Annotated[str, Depends(current_user_name)], "
    "db: Annotated[Db, Depends(db)]):"
)
SHORT_SPLIT = """\
def short(
    user_name: Annotated[str, Depends(current_user_name)],
    db: Annotated[Db, Depends(db)],
):"""
LONG_ONE_LINE = (
    "async def long(request: Request, manager: Annotated[UserManager, Depends(get_user_manager)]):"
)
LONG_SPLIT_88 = """\
async def long(
    request: Request, manager: Annotated[UserManager, Depends(get_user_manager)]
):"""


def _fix(tmp_path: Path, config: dict[str, str]) -> str:
    project = tmp_path / "project"
    project.mkdir()
    for name, text in config.items():
        (project / name).write_text(textwrap.dedent(text))
    (project / "app.py").write_text(ROUTES)
    result = cli("check", "--fix", "--unsafe-fixes", "--no-cache", "-q", "app.py", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return (project / "app.py").read_text()


def _ruff_format_check(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(RUFF), "format", "--check", "--diff", "--no-cache", "app.py"],
        cwd=project,
        capture_output=True,
        text=True,
    )


def test_default_line_length_splits_what_no_longer_fits(tmp_path):
    fixed = _fix(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n"})
    assert SHORT_SPLIT in fixed
    assert LONG_SPLIT_88 in fixed
    # The fixed routes are what ruff format writes (with its default, 88).
    check = _ruff_format_check(tmp_path / "project")
    assert check.returncode == 0, check.stdout


def test_ruff_line_length_95_keeps_what_fits(tmp_path):
    fixed = _fix(tmp_path, {"pyproject.toml": "[tool.ruff]\nline-length = 95\n"})
    assert LONG_ONE_LINE in fixed  # 93 columns: fits 95
    assert SHORT_SPLIT.replace(",\n    db", ", db").replace("],\n)", "]\n)") in fixed
    check = _ruff_format_check(tmp_path / "project")
    assert check.returncode == 0, check.stdout


def test_ruff_toml_and_black(tmp_path):
    (tmp_path / "a").mkdir()
    fixed = _fix(tmp_path / "a", {"ruff.toml": "line-length = 120\n"})
    assert SHORT_ONE_LINE in fixed and LONG_ONE_LINE in fixed
    (tmp_path / "b").mkdir()
    fixed = _fix(tmp_path / "b", {"pyproject.toml": "[tool.black]\nline-length = 95\n"})
    assert SHORT_ONE_LINE not in fixed and LONG_ONE_LINE in fixed


def test_a_line_already_too_long_keeps_its_style(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.ruff]\nline-length = 60\n")
    (project / "app.py").write_text(ROUTES)
    result = cli("check", "--fix", "--unsafe-fixes", "--no-cache", "-q", "app.py", cwd=project)
    assert result.returncode == 0, result.stderr
    fixed = (project / "app.py").read_text()
    assert SHORT_ONE_LINE in fixed and LONG_ONE_LINE in fixed


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({}, 88),
        ({"pyproject.toml": "[tool.ruff]\nline-length = 100\n"}, 100),
        ({"pyproject.toml": "[tool.ruff.format]\nquote-style = 'single'\n"}, 88),
        ({"pyproject.toml": "[tool.black]\nline-length = 79\n"}, 79),
        (
            {
                "pyproject.toml": "[tool.black]\nline-length = 79\n[tool.ruff]\nline-length = 99\n",
            },
            99,
        ),
        ({"ruff.toml": "line-length = 120\n", "pyproject.toml": "[tool.ruff]\n"}, 120),
        ({".ruff.toml": "line-length = 70\n", "ruff.toml": "line-length = 120\n"}, 70),
        ({"ruff.toml": "extend = 'base.toml'\n", "base.toml": "line-length = 101\n"}, 101),
        ({"pyproject.toml": "[tool.ruff\n"}, 88),  # not ours to validate: the default
    ],
)
def test_formatter_line_length(tmp_path, files, expected):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert formatter_line_length(tmp_path) == expected


def test_a_nested_project_reads_the_configuration_above_it(tmp_path):
    (tmp_path / "ruff.toml").write_text("line-length = 110\n")
    service = tmp_path / "services" / "api"
    service.mkdir(parents=True)
    (service / "pyproject.toml").write_text("[project]\nname = 'api'\n")
    assert formatter_line_length(service) == 110


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # Parameters on one indented line when they fit there.
        (
            "def f(self, user: Annotated[User, Depends(current_user)], db: Annotated[Db, Depends(db)]):",
            "def f(\n"
            "    self, user: Annotated[User, Depends(current_user)], db: Annotated[Db, Depends(db)]\n"
            "):",
        ),
        # A lone parameter takes a trailing comma; the return annotation stays with `)`.
        (
            "def get_path_param_min_max_length(item_id: Annotated[str, Path(max_length=3)]) -> int:",
            "def get_path_param_min_max_length(\n"
            "    item_id: Annotated[str, Path(max_length=3)],\n"
            ") -> int:",
        ),
        # A statement splits at its last bracket.
        (
            '    x: int = Field(default=1, description="something long here", json_schema_extra={"a": 1})',
            "    x: int = Field(\n"
            '        default=1, description="something long here", json_schema_extra={"a": 1}\n'
            "    )",
        ),
        # A from-import is wrapped one name a line, as isort does.
        (
            "from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationInfo, validator",
            "from pydantic import (\n    BaseModel,\n    ConfigDict,\n    Field,\n"
            "    PrivateAttr,\n    ValidationInfo,\n    validator,\n)",
        ),
        # A trailing comment goes after the closing bracket.
        (
            "    example_text_lengths: List[int] = Field([], validate_default=True)  #: :meta private:",
            "    example_text_lengths: List[int] = Field(\n"
            "        [], validate_default=True\n"
            "    )  #: :meta private:",
        ),
        # A value without brackets of its own, an `if` condition ending in a name: in
        # parentheses, split before the loosest operators when it does not fit inside them.
        (
            '    base_url_esearch: str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi?"',
            "    base_url_esearch: str = (\n"
            '        "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi?"\n'
            "    )",
        ),
        (
            "            if asyncio.get_running_loop().time() - start_time >= MAX_TIME_TO_CLEAR_QUEUE:",
            "            if (\n"
            "                asyncio.get_running_loop().time() - start_time\n"
            "                >= MAX_TIME_TO_CLEAR_QUEUE\n"
            "            ):",
        ),
        (
            "ffff = fooo(aaaaaa, bbbbbbbbbb) if cooooooooooooooooooondition else baaaaaaaaaaaaaaaaar(x)",
            "ffff = (\n"
            "    fooo(aaaaaa, bbbbbbbbbb) if cooooooooooooooooooondition else baaaaaaaaaaaaaaaaar(x)\n"
            ")",
        ),
        # An empty `()` at the end stays with the bracket before it.
        (
            "        seconds_left: Final = (expiration_time - datetime.now(timezone.utc)).total_seconds()",
            "        seconds_left: Final = (\n"
            "            expiration_time - datetime.now(timezone.utc)\n"
            "        ).total_seconds()",
        ),
        # A list or dict that does not fit goes one item a line; a lone item splits in turn.
        (
            '            where = {"OR": [{"expires": None}, {"expires": {"gt": datetime.now(timezone.utc)}}]}',
            "            where = {\n"
            '                "OR": [\n'
            '                    {"expires": None},\n'
            '                    {"expires": {"gt": datetime.now(timezone.utc)}},\n'
            "                ]\n"
            "            }",
        ),
        (
            "if foo(asyncio.get_running_loop().time() - start_time >= MAX_TIME_TO_CLEAR_QUEUEEEEEEEEEEEEEEEEE):",
            "if foo(\n"
            "    asyncio.get_running_loop().time() - start_time\n"
            "    >= MAX_TIME_TO_CLEAR_QUEUEEEEEEEEEEEEEEEEE\n"
            "):",
        ),
        # A `with` of one context manager, a decorator.
        (
            '    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as ac:',
            "    async with AsyncClient(\n"
            '        transport=ASGITransport(app=app), base_url="http://test"\n'
            "    ) as ac:",
        ),
        (
            '@field_validator("lnbits_admin_users", "lnbits_allowed_users", "lnbits_admin_extensions", mode="before")',
            "@field_validator(\n"
            '    "lnbits_admin_users",\n'
            '    "lnbits_allowed_users",\n'
            '    "lnbits_admin_extensions",\n'
            '    mode="before",\n'
            ")",
        ),
        # Not handled: a pragma comment (the formatter does not count it), a compound
        # statement header other than `def`, `if` and `with`, unbalanced brackets.
        (
            "x = call(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb)  # noqa: E501",
            None,
        ),
        (
            "for x in call(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb):",
            None,
        ),
        (
            "x = call(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbbbbbbb,",
            None,
        ),
    ],
)
def test_relayout(line, expected):
    assert relayout(line, 88) == expected
    if expected is not None:
        # What ruff format writes, the line put at its indentation inside `if` blocks.
        indent = len(expected) - len(expected.lstrip())
        blocks = "".join(" " * level + "if x:\n" for level in range(0, indent, 4))
        header = expected.lstrip().startswith(("def ", "async ", "if ", "with ", "for "))
        body = " " * (indent + 4) + "pass\n" if header else ""
        if expected.startswith("@"):
            body = "def f(): ...\n"
        text = blocks + expected + "\n" + body
        formatted = subprocess.run(
            [str(RUFF), "format", "--isolated", "-"], input=text, capture_output=True, text=True
        )
        assert formatted.returncode == 0, formatted.stderr
        assert formatted.stdout == text


MODELS = textwrap.dedent(
    """\
    from typing import Optional

    from pydantic import BaseModel, Field, PrivateAttr, StrictBool, StrictInt, validator

    from shop.base import Base


    class Item(BaseModel):
        name: Optional[str] = None

        @validator("name")
        def check(cls, v, values):
            return v or values.get("other")
    """
)

TOOL = textwrap.dedent(
    """\
    import json

    from shop.base import Base


    class Tool(Base):
        class Config:
            extra = "forbid"

        def dump(self):
            return json.dumps(self.model_dump())
    """
)


def test_imports_the_fixes_add_are_sorted_and_wrapped_as_isort_does(tmp_path):
    """Two names one fix adds to one import (`ValidationInfo`, `field_validator`) go in isort's
    order; the import pushed past the line length is wrapped; a new import goes into the
    third-party section, above the package's own imports."""
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "base.py").write_text(
        "from pydantic import BaseModel\n\n\nclass Base(BaseModel): ...\n"
    )
    (package / "models.py").write_text(MODELS)
    (package / "tool.py").write_text(TOOL)
    result = cli(
        "check", "--fix", "--unsafe-fixes", "--no-cache", "-q", "--exit-zero", ".", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    models = (package / "models.py").read_text()
    assert (
        "from pydantic import (\n    BaseModel,\n    Field,\n    PrivateAttr,\n    StrictBool,\n"
        "    StrictInt,\n    ValidationInfo,\n    field_validator,\n)\n"
    ) in models
    tool = (package / "tool.py").read_text()
    assert tool.startswith(
        "import json\n\nfrom pydantic import ConfigDict\n\nfrom shop.base import Base\n"
    ), tool
    lint = subprocess.run(
        [str(RUFF), "check", "--no-cache", "--select", "I001", "shop"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout


def test_a_lone_parameter_line_splits_at_its_subscript():
    """The one parameter of a signature already split (its line between `(` and `)`), made too
    long by the fix: the subscript splits, as ruff format splits it."""
    line = (
        "        credentials: Annotated[HTTPAuthorizationCredentials, Security(subclass_security)],"
    )
    assert relayout(line, 88, enclosed=True) == (
        "        credentials: Annotated[\n"
        "            HTTPAuthorizationCredentials, Security(subclass_security)\n"
        "        ],"
    )
    # Two parameters on that line go one a line.
    line = "    request: Request, manager: Annotated[UserManager, Depends(get_user_manager_dep)]"
    assert relayout(line, 88, enclosed=True) == (
        "    request: Request,\n    manager: Annotated[UserManager, Depends(get_user_manager_dep)],"
    )


SETTINGS = """\
from pydantic import BaseSettings


class Settings(BaseSettings):
    app_name: str = "Awesome API"

    class Config:
        env_file = ".env"
"""


def _fix_settings(tmp_path: Path, text: str) -> str:
    (tmp_path / "config.py").write_text(text)
    result = cli(
        "check",
        "--fix",
        "--unsafe-fixes",
        "--no-cache",
        "-q",
        "--exit-zero",
        "--target-version",
        "pydantic=2",
        "config.py",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    return (tmp_path / "config.py").read_text()


def test_two_imports_of_one_module_made_in_one_pass_are_joined(tmp_path):
    """FAL306 moves `BaseSettings` to `pydantic_settings` while FAL303 adds `from
    pydantic_settings import SettingsConfigDict` beside it: isort would join the two."""
    fixed = _fix_settings(tmp_path, SETTINGS)
    assert fixed.startswith("from pydantic_settings import BaseSettings, SettingsConfigDict\n\n")
    assert 'model_config = SettingsConfigDict(env_file=".env")' in fixed
    lint = subprocess.run(
        [str(RUFF), "check", "--no-cache", "--isolated", "--select", "I001,F401", "config.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout


def test_imports_the_fixes_did_not_make_keep_their_style(tmp_path):
    """A file that imports a module on two statements already (isort's force-single-line
    style), or an import with a comment, is not joined."""
    single = (
        "from typing import List\nfrom typing import Optional\n\n"
        + SETTINGS
        + "\n\nNAMES: Optional[List[str]] = None\n"
    )
    fixed = _fix_settings(tmp_path, single)
    assert (
        "from pydantic_settings import BaseSettings\n"
        "from pydantic_settings import SettingsConfigDict\n"
    ) in fixed

    commented = SETTINGS.replace(
        "from pydantic import BaseSettings\n", "from pydantic import BaseSettings  # settings\n"
    )
    fixed = _fix_settings(tmp_path, commented)
    assert "BaseSettings, SettingsConfigDict" not in fixed


# Formatted with ruff format (88 columns) before the fix; each fix shortens or rewrites a
# construct split over lines.
SPLIT_ROUTES = textwrap.dedent(
    """\
    import asyncio
    import functools

    from fastapi import FastAPI

    app = FastAPI()


    @app.get(
        "/exclude_unset", response_model=ModelDefaults, response_model_exclude_unset=True
    )
    def get_exclude_unset() -> ModelDefaults:
        return ModelDefaults()


    @app.get(
        "/items",
        response_model=ModelDefaults,
        response_model_exclude_none=True,
    )
    def get_items() -> ModelDefaults:
        return ModelDefaults()


    async def emit(event, *args, **kwargs):
        await asyncio.get_event_loop().run_in_executor(
            None, functools.partial(event, *args, **kwargs)
        )
    """
)

SPLIT_ROUTES_FIXED = textwrap.dedent(
    """\
    import asyncio
    import functools

    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/exclude_unset", response_model_exclude_unset=True)
    def get_exclude_unset() -> ModelDefaults:
        return ModelDefaults()


    @app.get(
        "/items",
        response_model_exclude_none=True,
    )
    def get_items() -> ModelDefaults:
        return ModelDefaults()


    async def emit(event, *args, **kwargs):
        await asyncio.to_thread(functools.partial(event, *args, **kwargs))
    """
)

SPLIT_MODELS = textwrap.dedent(
    """\
    from typing import Optional

    from pydantic import BaseModel, Field, constr


    class DatasetCreate(BaseModel):
        guidelines: Optional[
            constr(
                min_length=DATASET_CREATE_GUIDELINES_MIN_LENGTH,
                max_length=DATASET_CREATE_GUIDELINES_MAX_LENGTH,
            )
        ] = None
        title: constr(
            min_length=FIELD_CREATE_TITLE_MIN_LENGTH,
            max_length=FIELD_CREATE_TITLE_MAX_LENGTH,
        )
        detail: dict = Field(
            ...,
            example={
                "error": {
                    "message": "Error message",
                    "type": "error_type",
                }
            },
        )
        webhook: str = Field(
            title="Webhook URL",
            example=(
                "https://your-org.webhook.office.com/webhookb2/XXX/IncomingWebhook/YYY/ZZZ"
            ),
        )


    def get_dataset(service, current_user, name):
        return DatasetCreate.from_orm(
            service.find_by_name(
                user=current_user,
                name=name,
            )
        )
    """
)

SPLIT_MODELS_FIXED = textwrap.dedent(
    """\
    from typing import Annotated, Optional

    from pydantic import BaseModel, Field, StringConstraints


    class DatasetCreate(BaseModel):
        guidelines: Optional[
            Annotated[
                str,
                StringConstraints(
                    min_length=DATASET_CREATE_GUIDELINES_MIN_LENGTH,
                    max_length=DATASET_CREATE_GUIDELINES_MAX_LENGTH,
                ),
            ]
        ] = None
        title: Annotated[
            str,
            StringConstraints(
                min_length=FIELD_CREATE_TITLE_MIN_LENGTH,
                max_length=FIELD_CREATE_TITLE_MAX_LENGTH,
            ),
        ]
        detail: dict = Field(
            ...,
            json_schema_extra={
                "example": {
                    "error": {
                        "message": "Error message",
                        "type": "error_type",
                    }
                }
            },
        )
        webhook: str = Field(
            title="Webhook URL",
            json_schema_extra={
                "example": "https://your-org.webhook.office.com/webhookb2/XXX/IncomingWebhook/YYY/ZZZ"
            },
        )


    def get_dataset(service, current_user, name):
        return DatasetCreate.model_validate(
            service.find_by_name(
                user=current_user,
                name=name,
            ),
            from_attributes=True,
        )
    """
)


def _fix_files(tmp_path: Path, files: dict[str, str], *options: str) -> dict[str, str]:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    check = subprocess.run(
        [str(RUFF), "format", "--isolated", "--check", "--no-cache", *files],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout  # formatted before the fix
    result = cli(
        "check", "--fix", "--unsafe-fixes", "--no-cache", "-q", "--exit-zero", *options, ".",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    check = subprocess.run(
        [str(RUFF), "format", "--isolated", "--diff", "--no-cache", *files],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout  # and still formatted after it
    return {name: (tmp_path / name).read_text() for name in files}


def test_fixes_lay_out_split_constructs_as_the_formatter_does(tmp_path):
    """A split decorator (FAL502) or call (FAL108) the fix shortens so that it fits is joined
    on one line; a magic trailing comma keeps it split. A multi-line `constr(...)` rewritten
    (FAL305) is split again; a value over several lines moved into `json_schema_extra`
    (FAL307) keeps the dict split with its lines moved; `from_attributes=True` (FAL304) after
    an argument over several lines goes on a line of its own."""
    fixed = _fix_files(tmp_path, {"routes.py": SPLIT_ROUTES, "models.py": SPLIT_MODELS})
    assert fixed["routes.py"] == SPLIT_ROUTES_FIXED
    assert fixed["models.py"] == SPLIT_MODELS_FIXED


def test_field_extra_over_several_lines_in_v2_code(tmp_path):
    """FAL903, the same move in code written for Pydantic 2."""
    source = textwrap.dedent(
        """\
        from pydantic import BaseModel, Field


        class Error(BaseModel):
            detail: dict = Field(
                ...,
                example={
                    "message": "Error message",
                },
            )
        """
    )
    fixed = _fix_files(tmp_path, {"error.py": source}, "--target-version", "pydantic=2")
    assert fixed["error.py"] == source.replace(
        """\
        example={
            "message": "Error message",
        },
""",
        """\
        json_schema_extra={
            "example": {
                "message": "Error message",
            }
        },
""",
    )


def test_a_statement_split_by_hand_stays_split(tmp_path):
    """Split although it fitted one line: the project's style, kept after the fix shortened
    it (ruff format would join it before the fix as well)."""
    source = SPLIT_ROUTES.replace(
        '@app.get(\n    "/exclude_unset", response_model=ModelDefaults, response_model_exclude_unset=True\n)',
        '@app.get(\n    "/exclude_unset", response_model=ModelDefaults\n)',
    )
    assert '"/exclude_unset", response_model=ModelDefaults\n' in source
    (tmp_path / "routes.py").write_text(source)
    result = cli(
        "check", "--fix", "--unsafe-fixes", "--no-cache", "-q", "--exit-zero", ".", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    fixed = (tmp_path / "routes.py").read_text()
    assert '@app.get(\n    "/exclude_unset"\n)' in fixed


def test_a_shortened_statement_is_joined_wherever_it_is():
    """In a block of `if`, `else`, `try`, `except`, `with`, the statement a fix shortens is
    joined; a compound statement's own header is not (the layout splits headers only)."""
    import ast

    from fastapi_lint.diagnostics import Edit, Fix
    from fastapi_lint.layout import laid_out
    from fastapi_lint.source import Source

    # 97 columns on one line before the fix, 53 after it.
    dropped = ", third_argument_that_the_fix_drops_here_too"
    call = f"    result = compute(\n        first_argument, second_argument{dropped}\n    )\n"
    header = f"if compute(\n    first_argument, second_argument{dropped}\n):\n"
    blocks = [
        "if x:\n",
        "if x:\n    pass\nelse:\n",
        "try:\n    pass\nexcept ValueError:\n",
        "with x:\n",
        "def f():\n    try:\n        pass\n    finally:\n",
    ]
    for block in blocks:
        indent = " " * (8 if "finally" in block else 4)
        text = block + textwrap.indent(call, indent[4:])
        start = text.index(dropped)
        fix = Fix((Edit(start, start + len(dropped), ""),))
        (edit,) = laid_out(fix, Source(text), 88, ast.parse(text)).edits
        fixed = text[: edit.start] + edit.content + text[edit.end :]
        assert fixed == block + f"{indent}result = compute(first_argument, second_argument)\n"
    text = header + "    pass\n"
    start = text.index(dropped)
    fix = Fix((Edit(start, start + len(dropped), ""),))
    assert laid_out(fix, Source(text), 88, ast.parse(text)) == fix
