from __future__ import annotations

import ast

from ...catalogues.pydantic_v1 import (
    CONFIG_INVERTED_KEYS,
    CONFIG_KEYS,
    CONFIG_REMOVED_KEYS,
)
from ...context import Context
from ...rule import Invalid
from ._models import PydanticRule, enclosing_model, is_settings


class V1ConfigClass(PydanticRule):
    """## What it does
    Checks for a nested `class Config:` inside a Pydantic model (a class whose bases reach
    `BaseModel`, `BaseSettings` or `SQLModel` in this file).

    ## Why is this bad?
    Pydantic v2 configures models with a `model_config = ConfigDict(...)` attribute
    (`SettingsConfigDict` for settings). `class Config` still works but is deprecated, and
    several keys were renamed (`orm_mode` → `from_attributes`, `allow_population_by_field_name`
    → `populate_by_name`, `schema_extra` → `json_schema_extra`, …) or removed (`fields`,
    `json_loads`, …): a renamed key left in a v1 `Config` is silently ignored under v2 or
    warned about, so `from_orm`-style validation or field population by name stops working.
    The message lists the keys of this `Config` that need renaming or rethinking.

    A `class Config` in a class that is not a model (a plain settings holder, a dataclass) is
    not reported.

    ## Example
    ```python
    class UserOut(BaseModel):
        id: int

        class Config:
            orm_mode = True
    ```

    ## Use instead
    ```python
    class UserOut(BaseModel):
        model_config = ConfigDict(from_attributes=True)

        id: int
    ```

    ## Fix safety
    Detection only for now. The rewrite to `model_config = ConfigDict(...)` (with the v1
    keys renamed, `allow_mutation = False` → `frozen=True`, `underscore_attrs_are_private` and
    `smart_union` dropped, and unknown keys left for a person) is structural and comes with the
    libcst-based fixes.

    ## References
    - Pydantic migration guide, "Changes to config"
    - bump-pydantic BP003
    """

    code = "FAL303"
    name = "v1-config-class"
    message = "`class Config` is Pydantic v1 configuration; use `model_config = {kind}(...)`{keys}"
    nodes = (ast.ClassDef,)
    valid = [
        # v2 configuration.
        "from pydantic import BaseModel, ConfigDict\n\nclass U(BaseModel):\n"
        "    model_config = ConfigDict(from_attributes=True)\n    id: int\n",
        # A `Config` class in a plain class.
        "import pydantic\n\nclass Settings:\n    class Config:\n        debug = True\n",
        # A module-level class called Config.
        "import pydantic\n\nclass Config:\n    orm_mode = True\n",
        # A `Config` nested in a function, not in a model body.
        "from pydantic import BaseModel\n\ndef make():\n    class Config:\n"
        "        orm_mode = True\n    return Config\n",
        # A model on the v1 compatibility layer.
        "from pydantic.v1 import BaseModel\n\nclass U(BaseModel):\n    class Config:\n"
        "        orm_mode = True\n",
    ]
    invalid = [
        Invalid(
            "from pydantic import BaseModel\n\nclass U(BaseModel):\n    id: int\n\n"
            "    class Config:\n        orm_mode = True\n"
        ),
        Invalid(
            "from pydantic import BaseSettings\n\nclass S(BaseSettings):\n    url: str\n\n"
            "    class Config:\n        env_prefix = 'APP_'\n"
        ),
        # Through a project base class.
        Invalid(
            "from sqlmodel import SQLModel\n\nclass Base(SQLModel):\n    pass\n\n"
            "class Hero(Base):\n    name: str\n\n    class Config:\n"
            "        allow_population_by_field_name = True\n        fields = {'name': 'n'}\n"
        ),
    ]

    def visit(self, node: ast.AST, ctx: Context) -> None:
        assert isinstance(node, ast.ClassDef)
        if node.name != "Config":
            return
        model = enclosing_model(ctx)
        if model is None:
            return
        notes = []
        for key in _keys(node):
            if key in CONFIG_KEYS:
                new = CONFIG_KEYS[key]
                notes.append(f"`{key}` → `{new}`" if new else f"`{key}` is dropped")
            elif key in CONFIG_INVERTED_KEYS:
                notes.append(f"`{key}` → `{CONFIG_INVERTED_KEYS[key]}` (inverted)")
            elif key in CONFIG_REMOVED_KEYS:
                advice = CONFIG_REMOVED_KEYS[key]
                notes.append(f"`{key}` was removed" + (f", {advice}" if advice else ""))
        keys = f"; {'; '.join(notes)}" if notes else ""
        kind = "SettingsConfigDict" if is_settings(model, ctx) else "ConfigDict"
        ctx.report(node, kind=kind, keys=keys)


def _keys(node: ast.ClassDef) -> list[str]:
    keys = []
    for statement in node.body:
        if isinstance(statement, ast.Assign):
            keys.extend(t.id for t in statement.targets if isinstance(t, ast.Name))
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            keys.append(statement.target.id)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            keys.append(statement.name)  # `def schema_extra(schema): ...`
    return keys
