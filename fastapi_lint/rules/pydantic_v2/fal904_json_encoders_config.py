from __future__ import annotations

import ast

from ...context import Context
from ...rule import Invalid, Rule, callee_names
from ...semantic.model import ScopeKind
from ._v2code import may_be_v2

_CONFIG_DICTS = frozenset(
    {
        "pydantic.ConfigDict",
        "pydantic.config.ConfigDict",
        "pydantic_settings.SettingsConfigDict",
        "pydantic_settings.main.SettingsConfigDict",
    }
)


class JsonEncodersConfig(Rule):
    """## What it does
    Checks Pydantic 2 model configuration for `json_encoders`: a `json_encoders=` argument
    of `ConfigDict(...)` (or pydantic-settings' `SettingsConfigDict(...)`), and a
    `"json_encoders"` key of a dictionary assigned to `model_config` in a model.

    ## Why is this bad?
    `json_encoders` is Pydantic 1's way to serialise a type; Pydantic 2 keeps it only for
    compatibility. Defining such a model warns (`PydanticDeprecatedSince20: json_encoders is
    deprecated`), Pydantic 3 removes it, and it applies only to JSON output
    (`model_dump_json()`, `model_dump(mode="json")`), not to `model_dump()`.

    Checked in the releases: in Pydantic **2.0.x it is ignored** — 2.0.3 warns
    `UserWarning: Valid config keys have changed in V2: 'json_encoders' has been removed` and
    serialises with the default encoder; from 2.1 (2.1.1, 2.4.2, 2.10.6, 2.11.10, 2.14.4) it
    is honoured, with the deprecation warning. A project known to pin 2.0.x is told that
    its encoders do nothing.

    ## Example
    ```python
    class Event(BaseModel):
        model_config = ConfigDict(json_encoders={datetime: lambda d: d.strftime("%Y-%m-%d")})

        at: datetime
    ```

    ## Use instead
    ```python
    class Event(BaseModel):
        at: datetime

        @field_serializer("at", when_used="json")
        def day(self, at: datetime) -> str:
            return at.strftime("%Y-%m-%d")
    ```
    or a reusable type: `Day = Annotated[datetime, PlainSerializer(lambda d:
    d.strftime("%Y-%m-%d"), when_used="json")]`.

    ## Fix safety
    No fix: the encoders are keyed by type and apply to every field of that type, nested
    ones and containers included; which fields that reaches is the model's business, and a
    serializer must say it (and `when_used="json"` to keep Python-mode dumps as they are).

    ## References
    - Pydantic docs, "Serialization — Custom serializers"; `pydantic/_internal/_generate_schema.py`
      (the `json_encoders` deprecation), `_config.py` (2.0's removed keys)
    """

    code = "FAL904"
    name = "json-encoders-config"
    message = "{problem}"
    nodes = (ast.Call, ast.Assign, ast.AnnAssign)
    callees = callee_names(_CONFIG_DICTS)
    triggers = ("json_encoders",)
    valid = [
        # The v2 way.
        """
        from datetime import datetime
        from pydantic import BaseModel, ConfigDict, field_serializer

        class Event(BaseModel):
            model_config = ConfigDict(frozen=True)
            at: datetime

            @field_serializer("at", when_used="json")
            def day(self, at):
                return at.strftime("%Y-%m-%d")
        """,
        # v1 configuration is FAL303's; a plain dict outside a model is nobody's config.
        """
        from pydantic import BaseModel

        class Event(BaseModel):
            class Config:
                json_encoders = {bytes: bytes.hex}

        SETTINGS = {"json_encoders": {}}
        """,
    ]
    invalid = [
        Invalid(
            """
            from datetime import datetime
            from pydantic import BaseModel, ConfigDict

            class Event(BaseModel):
                model_config = ConfigDict(frozen=True, json_encoders={datetime: str})
                at: datetime

            class Blob(BaseModel):
                model_config = {"json_encoders": {bytes: bytes.hex}}
                data: bytes
            """,
            expect=[
                "5:44-5:73 `json_encoders` is deprecated since Pydantic 2.0 (honoured, with a "
                "warning, in JSON output only); use `@field_serializer` or an "
                "`Annotated[..., PlainSerializer(...)]` type",
                "9:21-9:36 `json_encoders` is deprecated since Pydantic 2.0 (honoured, with a "
                "warning, in JSON output only); use `@field_serializer` or an "
                "`Annotated[..., PlainSerializer(...)]` type",
            ],
        ),
    ]

    def applies(self, ctx: Context) -> bool:
        return may_be_v2(ctx)

    def check(self, node: ast.AST, ctx: Context) -> None:
        if isinstance(node, ast.Call):
            if ctx.qualified_name(node.func) not in _CONFIG_DICTS:
                return
            for keyword in node.keywords:
                if keyword.arg == "json_encoders":
                    self._report(keyword, ctx)
            return
        assert isinstance(node, (ast.Assign, ast.AnnAssign))
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if not any(isinstance(t, ast.Name) and t.id == "model_config" for t in targets):
            return
        if not isinstance(node.value, ast.Dict) or not _in_model_body(ctx):
            return
        for key in node.value.keys:
            if isinstance(key, ast.Constant) and key.value == "json_encoders":
                self._report(key, ctx)

    def _report(self, node: ast.AST, ctx: Context) -> None:
        if ctx.settings.target("pydantic").at_least((2, 1)) is False:
            problem = (
                "`json_encoders` is ignored by Pydantic 2.0 (removed there, restored as a "
                "deprecated option in 2.1); use `@field_serializer` or an "
                "`Annotated[..., PlainSerializer(...)]` type"
            )
        else:
            problem = (
                "`json_encoders` is deprecated since Pydantic 2.0 (honoured, with a warning, "
                "in JSON output only); use `@field_serializer` or an "
                "`Annotated[..., PlainSerializer(...)]` type"
            )
        ctx.report(node, problem=problem)


def _in_model_body(ctx: Context) -> bool:
    scope = ctx.semantic.scope
    if scope.kind is not ScopeKind.CLASS:
        return False
    binding = scope.bindings.get("__qualname__")
    return binding is not None and ctx.semantic.is_model(binding.qualname)
