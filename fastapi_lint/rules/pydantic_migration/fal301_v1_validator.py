from __future__ import annotations

import ast

from ...catalogues.pydantic_v1 import VALIDATOR_DECORATORS
from ...context import Context
from ...diagnostics import Applicability
from ...rule import FixAvailability, Invalid
from ._each_item_fix import plan_item_validator
from ._fixes import is_true
from ._models import PydanticRule, enclosing_class
from ._validator_fix import plan_field_validator


class V1Validator(PydanticRule):
    """## What it does
    Checks for Pydantic v1's `@validator(...)` decorator (imported from `pydantic` or
    `pydantic.class_validators`), also applied by a call to reuse a function
    (`check = validator("a", allow_reuse=True)(shared_check)`, reported only).

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
    Safe. The decorator becomes `@field_validator(...)` with `@classmethod` below it;
    `pre=True` → `mode="before"`; `allow_reuse=` and the default `each_item=False` are dropped;
    `check_fields=` is kept. `always=True` moves to the field as `validate_default=True`
    (`x: int = 0` → `x: int = Field(0, validate_default=True)`; v1 validated the whole field
    when the default was used, which is what v2's setting does); on a required field it never
    mattered and is dropped. The extra parameters v1 passed by name become v2's
    `info: ValidationInfo`: `values` → `info.data`, `field.name` → `info.field_name`; an unused
    `config`, `field` or `**kwargs` is dropped. Once every fix of the file is applied, the
    `validator` import is removed if nothing else in the file mentions the name.

    `each_item=True` (which v2's `@field_validator` does not have) moves the check onto the
    item type: `tags: List[str]` with `@validator("tags", each_item=True) def lower(cls, v)`
    becomes `tags: List[Annotated[str, AfterValidator(lower)]]` with `lower(v)` a plain
    function just before the class. v1 ran the item validator after the item's own
    validation and filed its errors under the item (`("tags", 0)`); `AfterValidator` on the
    item does the same (checked under pydantic 1.10 and 2.14 by the behaviour tests). Only the
    plain case is rewritten: one field annotated `List[T]`, `Set[T]`, `FrozenSet[T]` or
    `Sequence[T]` (also `list`/`set`/`frozenset`, and any of them in `Optional[...]`: v1 ran
    no item validator on `None`) in the same class, no other validator on it, a class at module level, a `(cls, v)` function that
    never uses `cls` and is not named anywhere else in the module; other `each_item=True`
    validators are reported without a fix.

    Reported without a fix, with the reason in the message: `each_item=True` outside that
    plain case, a validator that reads `config`, reads `field` beyond its name, rebinds
    `values` or already uses the name `info`; `always=True` on a field declared in a base class
    or given by `"*"`, or on an `Optional` field without a default (FAL310 gives it its `None`
    first); a field with several `pre=True` validators (v1 ran them in definition order, v2
    runs `mode="before"` validators in reverse order); a body that raises `TypeError` (v1 made
    it a validation error, v2 lets it propagate).

    ## References
    - Pydantic migration guide, "Changes to validators"
    - bump-pydantic BP006
    """

    code = "FAL301"
    name = "v1-validator"
    message = (
        "`@validator` is the Pydantic v1 API; use `@field_validator` with `@classmethod`{extra}"
    )
    nodes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Call)
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.SAFE,)
    valid = [
        # The v2 decorator.
        """
        from pydantic import BaseModel, field_validator

        class U(BaseModel):
            name: str

            @field_validator('name')
            @classmethod
            def check(cls, v):
                return v
        """,
        # A project decorator called `validator`.
        """
        def validator(*fields):
            return lambda f: f

        class Form:
            @validator('name')
            def check(self, v):
                return v
        """,
        # Another library's `validator` (attrs).
        """
        import pydantic
        from attr import validator

        @validator
        def positive(inst, attr, v):
            pass
        """,
        # Deliberately on the v1 compatibility layer.
        """
        from pydantic.v1 import BaseModel, validator

        class U(BaseModel):
            name: str

            @validator('name')
            def check(cls, v):
                return v
        """,
        # A try/except shim that prefers the v1 layer.
        """
        try:
            from pydantic.v1 import BaseModel, validator
        except ImportError:
            from pydantic import BaseModel, validator

        class U(BaseModel):
            name: str

            @validator('name')
            def check(cls, v):
                return v
        """,
    ]
    invalid = [
        # Reused through a call: reported, not fixed.
        Invalid(
            """
            from pydantic import BaseModel, validator

            def strip(cls, v):
                return v.strip()

            class S(BaseModel):
                a: str
                _strip_a = validator('a', allow_reuse=True)(strip)
            """,
            expect=[
                "8:16-8:55 `@validator` is the Pydantic v1 API; use `@field_validator` with `@classmethod`; applied by a call rather than as a decorator: rewrite it by hand"
            ],
        ),
        Invalid(
            """
            from pydantic import BaseModel, validator

            class U(BaseModel):
                name: str

                @validator('name', pre=True)
                def strip(cls, v):
                    return v.strip()
            """,
            expect=[
                "6:6-6:33 `@validator` is the Pydantic v1 API; use `@field_validator` with `@classmethod`"
            ],
            fixed="""
            from pydantic import BaseModel, field_validator

            class U(BaseModel):
                name: str

                @field_validator('name', mode='before')
                @classmethod
                def strip(cls, v):
                    return v.strip()
            """,
        ),
        # `values` becomes `info.data`; `always=True` moves to the field.
        Invalid(
            """
            from pydantic import BaseModel, validator

            class A(BaseModel):
                title: str
                slug: str = ''

                @validator('slug', always=True, allow_reuse=True)
                def default_slug(cls, v, values, field):
                    return v or values.get('title', field.name).lower()
            """,
            expect=[
                "7:6-7:54 `@validator` is the Pydantic v1 API; use `@field_validator` with `@classmethod`"
            ],
            fixed="""
            from pydantic import BaseModel, Field, ValidationInfo, field_validator

            class A(BaseModel):
                title: str
                slug: str = Field('', validate_default=True)

                @field_validator('slug')
                @classmethod
                def default_slug(cls, v, info: ValidationInfo):
                    return v or info.data.get('title', info.field_name).lower()
            """,
        ),
        # Keyword-only `values` and an unused `**kwargs`, as v1 allowed.
        Invalid(
            """
            from pydantic import BaseModel, validator

            class C(BaseModel):
                a: int
                b: int

                @validator('b')
                def check(cls, v, *, values, **kwargs):
                    return v + values['a']
            """,
            expect=[
                "7:6-7:20 `@validator` is the Pydantic v1 API; use `@field_validator` with `@classmethod`"
            ],
            fixed="""
            from pydantic import BaseModel, ValidationInfo, field_validator

            class C(BaseModel):
                a: int
                b: int

                @field_validator('b')
                @classmethod
                def check(cls, v, info: ValidationInfo):
                    return v + info.data['a']
            """,
        ),
        # Not mechanical: `values` rebound, `config` read, two `pre=True` validators on a field.
        Invalid(
            """
            from pydantic import BaseModel, validator

            class B(BaseModel):
                a: int

                @validator('a')
                def one(cls, v, values):
                    values = {}
                    return v

                @validator('a')
                def two(cls, v, config):
                    return config.title or v

                @validator('a', pre=True)
                def three(cls, v):
                    return v

                @validator('*', pre=True)
                def four(cls, v):
                    return v
            """,
            expect=[
                "6:6-6:20 `@validator` is the Pydantic v1 API; use `@field_validator` with `@classmethod`; it rebinds `values`: convert it by hand",
                "11:6-11:20 `@validator` is the Pydantic v1 API; use `@field_validator` with `@classmethod`; it reads `config`: use `cls.model_config` by hand",
                '15:6-15:30 `@validator` is the Pydantic v1 API; use `@field_validator` with `@classmethod`; `a` has several `pre=True` validators: v1 ran them in definition order, v2 runs `mode="before"` validators in reverse order',
                '19:6-19:30 `@validator` is the Pydantic v1 API; use `@field_validator` with `@classmethod`; `*` has several `pre=True` validators: v1 ran them in definition order, v2 runs `mode="before"` validators in reverse order',
            ],
        ),
        Invalid(
            """
            import pydantic

            class U(pydantic.BaseModel):
                tags: list[str]

                @pydantic.validator('tags', each_item=True)
                def lower(cls, v):
                    return v.lower()
            """,
            expect=[
                "6:6-6:48 `@validator` is the Pydantic v1 API; use `@field_validator` with `@classmethod`; `each_item=True` has no v2 equivalent: validate the items with an `Annotated` item type"
            ],
            # The check moves onto the item type, as a plain function before the class.
            fixed="""
            from typing import Annotated

            import pydantic
            from pydantic import AfterValidator

            def lower(v):
                return v.lower()


            class U(pydantic.BaseModel):
                tags: list[Annotated[str, AfterValidator(lower)]]
            """,
        ),
        # An optional `Sequence` (found in fastapi-jwt-auth): the item type inside gets it.
        Invalid(
            """
            from typing import Optional, Sequence
            from pydantic import BaseModel, validator

            class Settings(BaseModel):
                methods: Optional[Sequence[str]] = None

                @validator('methods', each_item=True)
                def upper(cls, v):
                    return v.upper()
            """,
            expect=[
                "7:6-7:42 `@validator` is the Pydantic v1 API; use `@field_validator` with `@classmethod`; `each_item=True` has no v2 equivalent: validate the items with an `Annotated` item type"
            ],
            fixed="""
            from typing import Annotated, Optional, Sequence
            from pydantic import AfterValidator, BaseModel

            def upper(v):
                return v.upper()


            class Settings(BaseModel):
                methods: Optional[Sequence[Annotated[str, AfterValidator(upper)]]] = None
            """,
        ),
        # `each_item=True` on a validator that uses `cls`: it cannot leave the class.
        Invalid(
            """
            from typing import List
            from pydantic import BaseModel, validator

            class U(BaseModel):
                tags: List[str]
                prefix = 'x'

                @validator('tags', each_item=True)
                def add(cls, v):
                    return cls.prefix + v
            """,
            expect=[
                "8:6-8:39 `@validator` is the Pydantic v1 API; use `@field_validator` with `@classmethod`; `each_item=True` has no v2 equivalent: validate the items with an `Annotated` item type"
            ],
        ),
        Invalid(
            """
            from pydantic.class_validators import validator as check
            from pydantic import BaseModel

            class U(BaseModel):
                a: int

                @check('a', always=True)
                def default(cls, v):
                    return v or 1
            """,
            expect=[
                "7:6-7:29 `@validator` is the Pydantic v1 API; use `@field_validator` with `@classmethod`"
            ],
            # `a` is required: `always` never made a difference, and is dropped.
            fixed="""
            from pydantic import BaseModel, field_validator

            class U(BaseModel):
                a: int

                @field_validator('a')
                @classmethod
                def default(cls, v):
                    return v or 1
            """,
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        if isinstance(node, ast.Call):
            # `check = validator('a', allow_reuse=True)(shared_check)`: a validator reused by
            # a call rather than a decorator. The function lives elsewhere: a person rewrites it.
            if isinstance(node.func, ast.Call) and _is_v1_validator(node.func, ctx):
                extra = "; applied by a call rather than as a decorator: rewrite it by hand"
                ctx.report(node, extra=extra, fix=None)
            return
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        decorators = [d for d in node.decorator_list if _is_v1_validator(d, ctx)]
        if not decorators:
            return
        fix, reason = plan_field_validator(node, decorators, ctx)
        if fix is None and len(decorators) == 1 and _each_item(decorators[0]):
            fix = plan_item_validator(node, decorators[0], enclosing_class(ctx), ctx)
        for decorator in decorators:
            extra = f"; {reason}" if reason else ""
            ctx.report(decorator, extra=extra, fix=fix)


def _each_item(decorator: ast.expr) -> bool:
    return isinstance(decorator, ast.Call) and any(
        k.arg == "each_item" and is_true(k.value) for k in decorator.keywords
    )


def _is_v1_validator(decorator: ast.expr, ctx: Context) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return ctx.qualified_name(target) in VALIDATOR_DECORATORS
