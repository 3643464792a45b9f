from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ...context import Context
from ...rule import Invalid, Rule
from ..pydantic_migration._models import is_guarded_import
from ._v2code import may_be_v2, written_for_v2

_MODULE = "pydantic.json"
# What each name of the v1 module is in Pydantic 2 (all three are deprecation shims from
# `pydantic.deprecated.json` that warn when called).
_ADVICE = {
    "pydantic_encoder": "use `pydantic_core.to_jsonable_python`",
    "custom_pydantic_encoder": 'serialise with `model_dump(mode="json")` and serializers',
    "timedelta_isoformat": "`pydantic_core.to_jsonable_python` writes ISO 8601 durations",
}


@dataclass
class _Found:
    """The file's imports from `pydantic.json`, kept for `finish`."""

    imports: list[tuple[ast.AST, str]] = field(default_factory=list)


class PydanticJsonModule(Rule):
    """## What it does
    Checks Pydantic 2 code for imports from Pydantic 1's `pydantic.json` module.

    Such as `from pydantic.json import pydantic_encoder` or `import pydantic.json`, typically
    for `json.dumps(data, default=pydantic_encoder)`.

    ## Why is this bad?
    Pydantic 2 has no `pydantic.json` module of its own: the names resolve, through its
    migration shim, to `pydantic.deprecated.json`, whose functions warn on every call
    (`PydanticDeprecatedSince20: pydantic_encoder is deprecated, use
    pydantic_core.to_jsonable_python instead`) and go away in Pydantic 3. The import itself
    is silent, so the warning shows up far from the line to change. (Checked in 2.14.4:
    `pydantic/json.py` is only `__getattr__ = getattr_migration(__name__)`.) Any other name
    of the v1 module (`ENCODERS_BY_TYPE`, imported by FastAPI 0.95) fails the import.

    ## Example
    ```python
    from pydantic.json import pydantic_encoder

    body = json.dumps(payload, default=pydantic_encoder)
    ```

    ## Use instead
    ```python
    from pydantic_core import to_jsonable_python

    body = json.dumps(payload, default=to_jsonable_python)
    ```

    ## Fix safety
    No fix: `to_jsonable_python` is not the same encoder. Run side by side under Pydantic
    2.14.4, `json.dumps(value, default=...)` gives, with `pydantic_encoder` and with
    `to_jsonable_python`: `Decimal("1.5")` → `1.5` / `"1.5"`, `Decimal("2")` → `2` / `"2"`,
    `timedelta(hours=1)` → `3600.0` / `"PT1H"`, an aware UTC datetime →
    `"...+00:00"` / `"...Z"` (sets, bytes, naive datetimes, UUIDs agree). Whoever reads the
    JSON decides whether that matters.

    Only Pydantic 2 code: in v1 code `pydantic.json` is the real module. When the project's
    version is not known, a module is checked only if it shows v2 usage and no v1 usage. An
    import in a `try` that catches `ImportError` is a compatibility shim and is left alone.

    ## References
    - Pydantic migration guide, "pydantic.json"; `pydantic/deprecated/json.py`,
      `pydantic/_migration.py`
    """

    code = "FAL905"
    name = "pydantic-json-module"
    message = "{what} {problem}; {advice}"
    nodes = (ast.Import, ast.ImportFrom)
    triggers = ("pydantic.json", "pydantic import json")
    valid = [
        # The v2 encoder.
        """
        from pydantic import ConfigDict
        from pydantic_core import to_jsonable_python
        """,
        # v1 code.
        """
        from pydantic import validator
        from pydantic.json import pydantic_encoder
        """,
        # A shim for both majors.
        """
        from pydantic import ConfigDict

        try:
            from pydantic.json import pydantic_encoder
        except ImportError:
            from pydantic_core import to_jsonable_python as pydantic_encoder
        """,
        # `pydantic.json_schema` is another module.
        """
        from pydantic import ConfigDict
        from pydantic.json_schema import GenerateJsonSchema
        """,
    ]
    invalid = [
        Invalid(
            """
            import json

            from pydantic import BaseModel, ConfigDict
            from pydantic.json import pydantic_encoder

            def dump(payload):
                return json.dumps(payload, default=pydantic_encoder)
            """,
            expect=[
                "4:1-4:43 `pydantic_encoder` from `pydantic.json` is a deprecated Pydantic 1 "
                "shim in Pydantic 2; use `pydantic_core.to_jsonable_python`",
            ],
        ),
    ]

    def applies(self, ctx: Context) -> bool:
        return may_be_v2(ctx)

    def check(self, node: ast.Import | ast.ImportFrom, ctx: Context) -> None:
        name = None
        if isinstance(node, ast.ImportFrom):
            if node.level:
                return
            if node.module == _MODULE:
                name = node.names[0].name if len(node.names) == 1 else "pydantic.json"
            elif node.module == "pydantic" and any(a.name == "json" for a in node.names):
                name = "pydantic.json"
        elif any(a.name == _MODULE for a in node.names):
            name = "pydantic.json"
        if name is None or is_guarded_import(node, ctx) or ctx.semantic.handling:
            return
        ctx.state(_Found).imports.append((node, name))

    def finish(self, ctx: Context) -> None:
        found = ctx.state(_Found).imports
        if not found or not written_for_v2(ctx):
            return
        for node, name in found:
            what = "`pydantic.json`" if name == _MODULE else f"`{name}` from `pydantic.json`"
            problem = "is a deprecated Pydantic 1 shim in Pydantic 2"
            if name != _MODULE and name not in _ADVICE:
                # Only the three shims resolve; any other name fails the import.
                problem = "does not exist in Pydantic 2 (the import fails)"
            advice = _ADVICE.get(name, "use `pydantic_core.to_jsonable_python`")
            ctx.report(node, what=what, problem=problem, advice=advice)
