from __future__ import annotations

import ast

from ...catalogues.pydantic_v1 import ROOT_VALIDATOR_DECORATORS
from ...context import Context
from ...rule import Invalid
from ._models import PydanticRule


class V1RootValidator(PydanticRule):
    """## What it does
    Checks for Pydantic v1's `@root_validator` decorator (bare or called, imported from
    `pydantic` or `pydantic.class_validators`).

    ## Why is this bad?
    `@root_validator` is deprecated in Pydantic v2. Worse, a v1-style
    `@root_validator` without `pre=True` and without `skip_on_failure=True` raises an error
    as soon as the class is defined under v2. Its replacement, `@model_validator`, takes a
    `mode`: `mode="before"` receives the raw input (like `pre=True`), `mode="after"` receives
    the validated model instance — not a `values` dict.

    ## Example
    ```python
    class Span(BaseModel):
        start: int
        end: int

        @root_validator
        def ordered(cls, values):
            if values["start"] > values["end"]:
                raise ValueError("start after end")
            return values
    ```

    ## Use instead
    ```python
    class Span(BaseModel):
        start: int
        end: int

        @model_validator(mode="after")
        def ordered(self):
            if self.start > self.end:
                raise ValueError("start after end")
            return self
    ```

    ## Fix safety
    Detection only for now. The fix is structural and comes with the libcst-based fixes:
    `@model_validator(mode="before")` for `pre=True`; `mode="after"` only when the body can be
    rewritten mechanically from the `values` dict to the instance; otherwise report only.

    ## References
    - Pydantic migration guide, "Changes to validators"
    """

    code = "FAL302"
    name = "v1-root-validator"
    message = "`@root_validator` is the Pydantic v1 API; use `@model_validator(mode={mode})`"
    nodes = (ast.FunctionDef, ast.AsyncFunctionDef)
    valid = [
        # The v2 decorator.
        "from pydantic import BaseModel, model_validator\n\nclass S(BaseModel):\n    a: int\n\n"
        "    @model_validator(mode='after')\n    def check(self):\n        return self\n",
        # A project helper named `root_validator`.
        "import pydantic\n\ndef root_validator(f):\n    return f\n\nclass S:\n"
        "    @root_validator\n    def check(cls, values):\n        return values\n",
        # The v1 compatibility layer, on purpose.
        "import pydantic.v1 as pv1\n\nclass S(pv1.BaseModel):\n    a: int\n\n"
        "    @pv1.root_validator\n    def check(cls, values):\n        return values\n",
    ]
    invalid = [
        Invalid(
            "from pydantic import BaseModel, root_validator\n\nclass S(BaseModel):\n    a: int\n\n"
            "    @root_validator\n    def check(cls, values):\n        return values\n"
        ),
        Invalid(
            "from pydantic import BaseModel, root_validator\n\nclass S(BaseModel):\n    a: int\n\n"
            "    @root_validator(pre=True)\n    def fill(cls, values):\n        return values\n"
        ),
        Invalid(
            "import pydantic\n\nclass S(pydantic.BaseModel):\n    a: int\n\n"
            "    @pydantic.root_validator(skip_on_failure=True)\n    def check(cls, values):\n"
            "        return values\n"
        ),
    ]

    def visit(self, node: ast.AST, ctx: Context) -> None:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if ctx.qualified_name(target) not in ROOT_VALIDATOR_DECORATORS:
                continue
            pre = isinstance(decorator, ast.Call) and any(
                kw.arg == "pre" and isinstance(kw.value, ast.Constant) and kw.value.value is True
                for kw in decorator.keywords
            )
            ctx.report(decorator, mode='"before"' if pre else '"after"')
