from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...layout import nested_item
from ...rule import FixAvailability, Invalid, Rule, callee_names
from ._v2code import (
    FIELD_CALLS,
    FIELD_PARAMETERS,
    FIELD_V1_KEYWORDS,
    fix_applicability,
    may_be_v2,
    written_for_v2,
)

# Reported by FAL906, which says what `nullable=` was meant for.
_OWN_RULE = frozenset({"nullable"})


@dataclass
class _Found:
    """The file's findings, kept for `finish`."""

    # (keyword, message values, fix) for each extra keyword of a `Field(...)` call.
    findings: list[tuple[ast.keyword, dict[str, str], Fix | None]] = field(default_factory=list)


class FieldExtraArgument(Rule):
    """## What it does
    Checks `pydantic.Field(...)` in Pydantic 2 code for keyword arguments that are not its
    parameters.

    Such as `Field(example=1)` or `Field(foo="bar")`: a keyword that is a parameter of
    `Field` in any Pydantic 2 release is not reported.

    ## Why is this bad?
    Pydantic 2 still copies unknown keywords into the field's JSON schema, but deprecated
    it in 2.0: every such `Field(...)` warns (`PydanticDeprecatedSince20: Using extra keyword
    arguments on Field is deprecated and will be removed. Use json_schema_extra instead.`),
    and Pydantic 3 removes it. Worse, when the call also passes `json_schema_extra=`, the
    extra keywords are **dropped** without a word (`fields.py`: `if not json_schema_extra:
    json_schema_extra = extra`): the schema key the author wrote is not in the schema.
    Checked in Pydantic 2.0.3, 2.10.6, 2.11.10 and 2.14.4.

    `Field(examples=[...])` is a real parameter (the JSON Schema keyword) and is not
    reported. `Field(example=...)` is: it becomes the OpenAPI 3.0 `example` key through
    `json_schema_extra`; `examples=[...]` is the standard spelling, but switching changes
    the schema, so the fix keeps `example`.

    ## Example
    ```python
    class Item(BaseModel):
        model_config = ConfigDict(str_strip_whitespace=True)

        name: str = Field(example="Lamp", max_length=40)
    ```

    ## Use instead
    ```python
    class Item(BaseModel):
        model_config = ConfigDict(str_strip_whitespace=True)

        name: str = Field(json_schema_extra={"example": "Lamp"}, max_length=40)
    ```

    ## Fix safety
    The fix puts the extra keywords, in their order, into `json_schema_extra={...}` at the
    place of the first one: the dictionary Pydantic built from them, so the field and its
    schema are unchanged (run under Pydantic 2.0.3 and 2.14.4: the same schema, the warning
    gone). Safe when the project is known to use Pydantic 2; unsafe when only the module's
    own imports say it is v2 code (the version policy of [the upgrade rules](../upgrades/pydantic-2x.md)).
    Not fixed: a call that already passes `json_schema_extra=` (the extra keywords were
    ignored; moving them in would add schema keys — reported with its own message), a call
    with `**kwargs`, a comment among the arguments, and arguments between the extra keywords
    that could have side effects (their order of evaluation would change).

    Only Pydantic 2 code: a project known to use Pydantic 1 is not checked (there,
    `Field(example=...)` is the documented way), nor, when the version is not known, a
    module that does not show v2 usage (v2-only imports, `model_config`) or also shows v1
    usage. The v1 keywords FAL307 reports (`regex`, `min_items`, `const`, ...) and
    `nullable` (FAL906) are left to those rules; `include`, which 2.x handles with its own
    warning, is not reported. SQLModel's `Field` has parameters of its own and is not
    `pydantic.Field`.

    ## References
    - Pydantic migration guide, "Changes to pydantic.Field"; `pydantic/fields.py` (`Field`)
    """

    code = "FAL903"
    name = "field-extra-argument"
    message = "{problem}"
    nodes = (ast.Call,)
    callees = callee_names(FIELD_CALLS)
    triggers = ("Field",)
    requires_any = ("pydantic", "from .")
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.SAFE, Applicability.UNSAFE)
    valid = [
        # Real parameters, and the extra keys where Pydantic 2 wants them.
        """
        from pydantic import BaseModel, ConfigDict, Field

        class Item(BaseModel):
            model_config = ConfigDict(frozen=True)

            name: str = Field(examples=["Lamp"], json_schema_extra={"example": "Lamp"})
            price: float = Field(gt=0, deprecated="use cost", exclude_if=lambda v: v is None)
        """,
        # v1 code: `example=` is how Pydantic 1 adds a schema key.
        """
        from pydantic import BaseModel, Field, validator

        class Item(BaseModel):
            name: str = Field(example="Lamp")

            @validator("name")
            def strip(cls, value):
                return value.strip()
        """,
        # SQLModel's `Field` takes `nullable=` and `primary_key=` as parameters.
        """
        from sqlmodel import Field, SQLModel
        from pydantic import ConfigDict

        class Hero(SQLModel, table=True):
            id: int | None = Field(default=None, primary_key=True, nullable=False)
        """,
        # Nothing says which Pydantic this module is written for.
        """
        from pydantic import BaseModel, Field

        class Item(BaseModel):
            name: str = Field(example="Lamp")
        """,
    ]
    invalid = [
        Invalid(
            """
            from pydantic import BaseModel, ConfigDict, Field

            class Item(BaseModel):
                model_config = ConfigDict(frozen=True)

                name: str = Field(example="Lamp", max_length=40, unit="text")
                size: int = Field(0, json_schema_extra={"x-order": 2}, example=3)
            """,
            expect=[
                "6:23-6:37 `Field(example=...)`: extra keyword arguments are deprecated since "
                "Pydantic 2.0; put `example` in `json_schema_extra`",
                "6:54-6:65 `Field(unit=...)`: extra keyword arguments are deprecated since "
                "Pydantic 2.0; put `unit` in `json_schema_extra`",
                "7:60-7:69 `Field(example=...)` is ignored: with `json_schema_extra=` given, "
                "Pydantic drops extra keyword arguments; move `example` into `json_schema_extra`",
            ],
            fixed="""
            from pydantic import BaseModel, ConfigDict, Field

            class Item(BaseModel):
                model_config = ConfigDict(frozen=True)

                name: str = Field(
                    json_schema_extra={"example": "Lamp", "unit": "text"}, max_length=40
                )
                size: int = Field(0, json_schema_extra={"x-order": 2}, example=3)
            """,
            unsafe=True,
        ),
    ]

    def applies(self, ctx: Context) -> bool:
        return may_be_v2(ctx)

    def check(self, node: ast.Call, ctx: Context) -> None:
        if not node.keywords or ctx.qualified_name(node.func) not in FIELD_CALLS:
            return
        extras = [
            k
            for k in node.keywords
            if k.arg is not None
            and k.arg not in FIELD_PARAMETERS
            and k.arg not in FIELD_V1_KEYWORDS
            and k.arg not in _OWN_RULE
        ]
        if not extras:
            return
        found = ctx.state(_Found).findings
        schema_extra = next((k for k in node.keywords if k.arg == "json_schema_extra"), None)
        if schema_extra is not None and not _empty(schema_extra.value):
            for keyword in extras:
                problem = (
                    f"`Field({keyword.arg}=...)` is ignored: with `json_schema_extra=` given, "
                    f"Pydantic drops extra keyword arguments; move `{keyword.arg}` into "
                    "`json_schema_extra`"
                )
                found.append((keyword, {"problem": problem}, None))
            return
        fix = _fix(node, extras, ctx) if schema_extra is None else None
        for keyword in extras:
            problem = (
                f"`Field({keyword.arg}=...)`: extra keyword arguments are deprecated since "
                f"Pydantic 2.0; put `{keyword.arg}` in `json_schema_extra`"
            )
            found.append((keyword, {"problem": problem}, fix))

    def finish(self, ctx: Context) -> None:
        found = ctx.state(_Found).findings
        if not found or not written_for_v2(ctx):
            return
        applicability = fix_applicability(ctx)
        # The keywords of one call share one fix (applied once), of the project's class.
        fixes: dict[int, Fix] = {}
        for keyword, values, fix in found:
            if fix is not None:
                fix = fixes.setdefault(id(fix), Fix(fix.edits, applicability, fix.message))
            ctx.report(keyword, fix=fix, **values)


def _empty(value: ast.expr) -> bool:
    """`json_schema_extra=None` or `={}`: Pydantic then uses the extra keywords."""
    if isinstance(value, ast.Constant) and value.value is None:
        return True
    return isinstance(value, ast.Dict) and not value.keys


def _fix(call: ast.Call, extras: list[ast.keyword], ctx: Context) -> Fix | None:
    if any(k.arg is None for k in call.keywords):
        return None  # `**kwargs` may hold `json_schema_extra`
    items: list[ast.AST] = sorted([*call.args, *call.keywords], key=lambda n: ctx.span(n)[0])
    first, last = items.index(extras[0]), items.index(extras[-1])
    between = [n for n in items[first : last + 1] if n not in extras]
    if not all(_plain(n.value if isinstance(n, ast.keyword) else n) for n in between):
        return None
    start = ctx.span(extras[0])[0]
    end = ctx.span(extras[-1])[1]
    if "#" in ctx.source.text[start:end]:
        return None  # a comment would be lost
    entries = ", ".join(f'"{k.arg}": {ctx.text(k.value)}' for k in extras)
    kept = [ctx.text(n) for n in between]
    replacement = ", ".join([f"json_schema_extra={{{entries}}}", *kept])
    if len(extras) == 1 and not kept:
        # A value over several lines: the dict split as the formatter splits it.
        key = f'"{extras[0].arg}": '
        nested = nested_item(ctx.source, start, "json_schema_extra=", key, extras[0].value)
        replacement = nested or replacement
    # The class of the fix is set when it is reported (it depends on the project's version).
    return Fix((Edit(start, end, replacement),), Applicability.SAFE, "Move into json_schema_extra")


def _plain(value: ast.AST) -> bool:
    """An argument whose evaluation cannot have side effects: moving it is harmless."""
    if isinstance(value, (ast.Constant, ast.Name)):
        return True
    if isinstance(value, ast.Attribute):
        return _plain(value.value)
    if isinstance(value, ast.UnaryOp):
        return _plain(value.operand)
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return all(_plain(e) for e in value.elts)
    if isinstance(value, ast.Dict):
        return all(k is not None and _plain(k) for k in value.keys) and all(
            _plain(v) for v in value.values
        )
    return False
