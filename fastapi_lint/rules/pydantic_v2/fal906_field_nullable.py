from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ...context import Context
from ...rule import Invalid, Rule, callee_names
from ._v2code import FIELD_CALLS, may_be_v2, written_for_v2


@dataclass
class _Found:
    """The file's `nullable=` keywords, kept for `finish`."""

    keywords: list[ast.keyword] = field(default_factory=list)


class FieldNullable(Rule):
    """## What it does
    Checks `pydantic.Field(...)` for `nullable=` in Pydantic 2 code.

    ## Why is this bad?
    `nullable` is not a parameter of Pydantic's `Field` (it is one of SQLModel's, and of
    OpenAPI 3.0's schema objects). In Pydantic 2 it is an extra keyword: it decides nothing
    about validation — `Field(nullable=True)` on an `int` field still rejects `None` — and
    only writes `"nullable": true` into the field's JSON schema, a keyword that JSON Schema
    and OpenAPI 3.1 (what FastAPI generates) do not define. Nullability comes from the
    annotation: `int | None` gives `anyOf: [integer, null]`.

    Checked in Pydantic 2.0.3, 2.11.10 and 2.14.4. Contrary to the issue that asked for this
    rule, the keyword is not swallowed silently: like any extra keyword it draws
    `PydanticDeprecatedSince20: Using extra keyword arguments on Field is deprecated`
    (FAL903's warning), and it reaches the schema through `json_schema_extra` — unless the
    call also passes `json_schema_extra=`, in which case it is dropped altogether.

    ## Example
    ```python
    class Item(BaseModel):
        model_config = ConfigDict(frozen=True)

        note: str = Field(None, nullable=True)
    ```

    ## Use instead
    ```python
    class Item(BaseModel):
        model_config = ConfigDict(frozen=True)

        note: str | None = None
    ```

    ## Fix safety
    No fix: what the author meant (let `None` through, or only describe it in the schema)
    decides between changing the annotation, which changes validation, and removing the
    keyword, which changes the published schema. FAL903 leaves `nullable=` to this rule.

    Only Pydantic 2 code (in a project known to use Pydantic 1, FastAPI published OpenAPI
    3.0, where `nullable` was the keyword); when the project's version is not known, only a
    module that shows v2 usage and no v1 usage. SQLModel's `Field(nullable=...)` is a column
    option and is not reported.

    ## References
    - Pydantic docs, "JSON Schema"; `pydantic/fields.py` (`Field`); OpenAPI 3.1.0, "Schema
      Object" (no `nullable`)
    """

    code = "FAL906"
    name = "field-nullable"
    message = (
        "`Field(nullable=...)` is not a Pydantic 2 parameter: it only writes `nullable` into "
        "the JSON schema (and warns as an extra argument); say `X | None` in the annotation"
    )
    nodes = (ast.Call,)
    callees = callee_names(FIELD_CALLS)
    triggers = ("nullable",)
    requires_any = ("pydantic", "from .")
    valid = [
        # SQLModel's column option.
        """
        from pydantic import ConfigDict
        from sqlmodel import Field, SQLModel

        class Hero(SQLModel, table=True):
            name: str = Field(nullable=False)
        """,
        # v1 code published OpenAPI 3.0, where `nullable` was a schema keyword.
        """
        from pydantic import BaseModel, Field, validator

        class Item(BaseModel):
            note: str = Field(None, nullable=True)
        """,
    ]
    invalid = [
        Invalid(
            """
            from typing import Optional
            from pydantic import BaseModel, ConfigDict, Field

            class Item(BaseModel):
                model_config = ConfigDict(frozen=True)

                note: Optional[str] = Field(None, nullable=True, max_length=200)
            """,
            expect=[
                "7:39-7:52 `Field(nullable=...)` is not a Pydantic 2 parameter: it only writes "
                "`nullable` into the JSON schema (and warns as an extra argument); say "
                "`X | None` in the annotation"
            ],
        ),
    ]

    def applies(self, ctx: Context) -> bool:
        return may_be_v2(ctx)

    def check(self, node: ast.Call, ctx: Context) -> None:
        for keyword in node.keywords:
            if keyword.arg == "nullable" and ctx.qualified_name(node.func) in FIELD_CALLS:
                ctx.state(_Found).keywords.append(keyword)

    def finish(self, ctx: Context) -> None:
        found = ctx.state(_Found).keywords
        if found and written_for_v2(ctx):
            for keyword in found:
                ctx.report(keyword)
