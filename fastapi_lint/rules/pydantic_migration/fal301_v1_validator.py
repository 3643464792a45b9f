from __future__ import annotations

import ast

from ...catalogues.pydantic_v1 import VALIDATOR_DECORATORS
from ...context import Context
from ...rule import Invalid
from ._models import PydanticRule


class V1Validator(PydanticRule):
    """## What it does
    Checks for Pydantic v1's `@validator(...)` decorator (imported from `pydantic` or
    `pydantic.class_validators`).

    ## Why is this bad?
    `@validator` is deprecated in Pydantic v2 and will be removed. Its v2 replacement,
    `@field_validator`, has a different signature: it must be stacked on `@classmethod`,
    `pre=True` became `mode="before"`, `always=True` moved to the field
    (`Field(validate_default=True)`), `each_item=True` no longer exists, and the validator no
    longer receives `values`/`field`/`config` (use `info: ValidationInfo` instead).

    Code that imports from `pydantic.v1` chose the compatibility layer on purpose and is not
    reported.

    ## Example
    ```python
    from pydantic import BaseModel, validator

    class User(BaseModel):
        name: str

        @validator("name", pre=True)
        def strip_name(cls, v):
            return v.strip()
    ```

    ## Use instead
    ```python
    from pydantic import BaseModel, field_validator

    class User(BaseModel):
        name: str

        @field_validator("name", mode="before")
        @classmethod
        def strip_name(cls, v):
            return v.strip()
    ```

    ## Fix safety
    Detection only for now. The fix is structural (the decorator, a `@classmethod`, the
    arguments and sometimes the field change together) and comes with the libcst-based fixes:
    `@field_validator(...)` + `@classmethod`, `pre=True` → `mode="before"`, `always=True` →
    `validate_default=True` on the field, `allow_reuse` dropped; `each_item=True` will stay
    report-only.

    ## References
    - Pydantic migration guide, "Changes to validators"
    - bump-pydantic BP006
    """

    code = "FAL301"
    name = "v1-validator"
    message = (
        "`@validator` is the Pydantic v1 API; use `@field_validator` with `@classmethod`{extra}"
    )
    nodes = (ast.FunctionDef, ast.AsyncFunctionDef)
    valid = [
        # The v2 decorator.
        "from pydantic import BaseModel, field_validator\n\nclass U(BaseModel):\n"
        "    name: str\n\n    @field_validator('name')\n    @classmethod\n"
        "    def check(cls, v):\n        return v\n",
        # A project decorator called `validator`.
        "def validator(*fields):\n    return lambda f: f\n\nclass Form:\n"
        "    @validator('name')\n    def check(self, v):\n        return v\n",
        # Another library's `validator` (attrs).
        "import pydantic\nfrom attr import validator\n\n@validator\ndef positive(inst, attr, v):\n"
        "    pass\n",
        # Deliberately on the v1 compatibility layer.
        "from pydantic.v1 import BaseModel, validator\n\nclass U(BaseModel):\n    name: str\n\n"
        "    @validator('name')\n    def check(cls, v):\n        return v\n",
        # A try/except shim that prefers the v1 layer.
        "try:\n    from pydantic.v1 import BaseModel, validator\nexcept ImportError:\n"
        "    from pydantic import BaseModel, validator\n\nclass U(BaseModel):\n    name: str\n\n"
        "    @validator('name')\n    def check(cls, v):\n        return v\n",
    ]
    invalid = [
        Invalid(
            "from pydantic import BaseModel, validator\n\nclass U(BaseModel):\n    name: str\n\n"
            "    @validator('name', pre=True)\n    def strip(cls, v):\n        return v.strip()\n"
        ),
        Invalid(
            "import pydantic\n\nclass U(pydantic.BaseModel):\n    tags: list[str]\n\n"
            "    @pydantic.validator('tags', each_item=True)\n    def lower(cls, v):\n"
            "        return v.lower()\n"
        ),
        Invalid(
            "from pydantic.class_validators import validator as check\nfrom pydantic import "
            "BaseModel\n\nclass U(BaseModel):\n    a: int\n\n    @check('a', always=True)\n"
            "    def default(cls, v):\n        return v or 1\n"
        ),
    ]

    def visit(self, node: ast.AST, ctx: Context) -> None:
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if ctx.qualified_name(target) not in VALIDATOR_DECORATORS:
                continue
            extra = ""
            if isinstance(decorator, ast.Call):
                flags = {
                    kw.arg
                    for kw in decorator.keywords
                    if isinstance(kw.value, ast.Constant) and kw.value.value is True
                }
                if "each_item" in flags:
                    extra = (
                        "; `each_item=True` has no v2 equivalent: validate the items "
                        "with an `Annotated` item type"
                    )
                elif "always" in flags:
                    extra = "; `always=True` becomes `Field(validate_default=True)`"
            ctx.report(decorator, extra=extra)
