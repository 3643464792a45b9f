from __future__ import annotations

import ast

from ...catalogues.pydantic_v1 import ROOT_VALIDATOR_DECORATORS
from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid
from ._fixes import (
    Imports,
    is_false,
    is_true,
    line_indent,
    names_in,
    own_nodes,
    raises_type_error,
    starts_line,
)
from ._models import PydanticRule, enclosing_class


class V1RootValidator(PydanticRule):
    """## What it does
    Checks for Pydantic v1's `@root_validator` decorator (bare or called, imported from
    `pydantic` or `pydantic.class_validators`), also applied by a call to reuse a function
    (`check = root_validator(pre=True)(shared_check)`, reported only).

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
    Safe, where the conversion is exact (and once every fix of the file is applied, the
    `root_validator` import is removed if nothing else in the file mentions the name):

    - `pre=True` → `@model_validator(mode="before")` with `@classmethod`; the body is kept (it
      receives the raw input, as before).
    - `skip_on_failure=True` → `@model_validator(mode="after")` with `(self)` as signature,
      `values = self.__dict__` as its first statement and `return self` for `return values`.
      Editing `__dict__` changes the fields as v1's edits of the dict did, without marking
      them as set (`self.x = ...` would add `x` to `model_fields_set` and change
      `model_dump(exclude_unset=True)`). Only when the body uses neither `cls` nor `self`, does
      not rebind `values` and ends with `return values` (every `return` returning it).

    A post root validator *without* `skip_on_failure=True` is reported only: v1 also runs it
    after a field failed (adding its own error next to the field's), v2's `mode="after"` does
    not. If that difference does not matter, add `skip_on_failure=True` and fix again. Also
    reported only: a body raising `TypeError` (v1 turned it into a validation error, v2 lets it
    propagate). Model-level errors are reported at `loc ()` in v2, not `("__root__",)`.

    ## References
    - Pydantic migration guide, "Changes to validators"
    """

    code = "FAL302"
    name = "v1-root-validator"
    message = "`@root_validator` is the Pydantic v1 API; use `@model_validator(mode={mode})`{extra}"
    nodes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Call)
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.SAFE,)
    valid = [
        # The v2 decorator.
        """
        from pydantic import BaseModel, model_validator

        class S(BaseModel):
            a: int

            @model_validator(mode='after')
            def check(self):
                return self
        """,
        # A project helper named `root_validator`.
        """
        import pydantic

        def root_validator(f):
            return f

        class S:
            @root_validator
            def check(cls, values):
                return values
        """,
        # The v1 compatibility layer, on purpose.
        """
        import pydantic.v1 as pv1

        class S(pv1.BaseModel):
            a: int

            @pv1.root_validator
            def check(cls, values):
                return values
        """,
    ]
    invalid = [
        # Reused through a call: reported, not fixed.
        Invalid(
            """
            from pydantic import BaseModel, root_validator

            def parse(cls, values):
                return values

            class S(BaseModel):
                a: int
                checked = root_validator(pre=True, allow_reuse=True)(parse)
            """,
            expect=[
                '8:15-8:64 `@root_validator` is the Pydantic v1 API; use `@model_validator(mode="before")`; applied by a call rather than as a decorator: rewrite it by hand'
            ],
        ),
        Invalid(
            """
            from pydantic import BaseModel, root_validator

            class S(BaseModel):
                a: int

                @root_validator
                def check(cls, values):
                    return values
            """,
            expect=[
                '6:6-6:20 `@root_validator` is the Pydantic v1 API; use `@model_validator(mode="after")`; without `skip_on_failure=True` a v1 post root validator also runs after a field failed, a v2 `mode="after"` validator does not; if that is acceptable, add `skip_on_failure=True` and fix again, else rewrite it by hand'
            ],
        ),
        Invalid(
            """
            from pydantic import BaseModel, root_validator

            class S(BaseModel):
                a: int

                @root_validator(pre=True)
                def fill(cls, values):
                    return values
            """,
            expect=[
                '6:6-6:30 `@root_validator` is the Pydantic v1 API; use `@model_validator(mode="before")`'
            ],
            fixed="""
            from pydantic import BaseModel, model_validator

            class S(BaseModel):
                a: int

                @model_validator(mode="before")
                @classmethod
                def fill(cls, values):
                    return values
            """,
        ),
        Invalid(
            """
            import pydantic

            class S(pydantic.BaseModel):
                a: int
                b: int = 0

                @pydantic.root_validator(skip_on_failure=True)
                def check(cls, values):
                    if values['a'] > 10:
                        values['b'] = 1
                    return values
            """,
            expect=[
                '7:6-7:51 `@root_validator` is the Pydantic v1 API; use `@model_validator(mode="after")`'
            ],
            fixed="""
            import pydantic
            from pydantic import model_validator

            class S(pydantic.BaseModel):
                a: int
                b: int = 0

                @model_validator(mode="after")
                def check(self):
                    # v1 handed this validator a dict of the values; editing `__dict__` keeps
                    # `model_fields_set` as v1 left it.
                    values = self.__dict__
                    if values['a'] > 10:
                        values['b'] = 1
                    return self
            """,
        ),
        # A post validator that returns a new dict: not mechanical.
        Invalid(
            """
            from pydantic import BaseModel, root_validator

            class S(BaseModel):
                a: int

                @root_validator(skip_on_failure=True)
                def check(cls, values):
                    return {**values, 'a': 1}
            """,
            expect=[
                '6:6-6:42 `@root_validator` is the Pydantic v1 API; use `@model_validator(mode="after")`; it returns something other than `values`: rewrite it by hand'
            ],
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        if isinstance(node, ast.Call):
            # `check = root_validator(pre=True)(shared_check)`: a validator reused by a call
            # rather than a decorator. The function lives elsewhere: a person rewrites it.
            if isinstance(node.func, ast.Call) and _is_root_validator(node.func, ctx):
                extra = "; applied by a call rather than as a decorator: rewrite it by hand"
                ctx.report(node, mode=_mode(node.func), extra=extra, fix=None)
            return
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        decorators = [d for d in node.decorator_list if _is_root_validator(d, ctx)]
        if len(decorators) != 1:
            for decorator in decorators:
                ctx.report(decorator, mode=_mode(decorator), extra="", fix=None)
            return
        decorator = decorators[0]
        fix, reason = _fix(node, decorator, ctx)
        ctx.report(decorator, mode=_mode(decorator), extra=f"; {reason}" if reason else "", fix=fix)


def _is_root_validator(decorator: ast.expr, ctx: Context) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return ctx.qualified_name(target) in ROOT_VALIDATOR_DECORATORS


def _keyword(decorator: ast.expr, name: str) -> ast.expr | None:
    if isinstance(decorator, ast.Call):
        for keyword in decorator.keywords:
            if keyword.arg == name:
                return keyword.value
    return None


def _mode(decorator: ast.expr) -> str:
    return '"before"' if is_true(_keyword(decorator, "pre")) else '"after"'


def _fix(
    function: ast.FunctionDef | ast.AsyncFunctionDef, decorator: ast.expr, ctx: Context
) -> tuple[Fix | None, str]:
    if enclosing_class(ctx) is None or isinstance(function, ast.AsyncFunctionDef):
        return None, "a validator outside a class body needs a person"
    keywords = decorator.keywords if isinstance(decorator, ast.Call) else []
    unusual = "its arguments need a person"
    if isinstance(decorator, ast.Call) and decorator.args:
        return None, unusual
    for keyword in keywords:
        if keyword.arg not in ("pre", "skip_on_failure", "allow_reuse"):
            return None, unusual
        if keyword.arg != "allow_reuse" and not (is_true(keyword.value) or is_false(keyword.value)):
            return None, unusual
    if raises_type_error(function):
        return None, (
            "it raises `TypeError`, which v1 turned into a validation error and v2 lets "
            "propagate: raise `ValueError` instead, then convert"
        )
    imports = Imports(ctx)
    name = imports.name(
        "pydantic", "model_validator", "pydantic.functional_validators.model_validator"
    )
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    retires = (ctx.qualified_name(target) or "",)  # the import may become unused
    start, end = ctx.span(decorator)
    row_start = ctx.source.line_starts[decorator.lineno - 1]
    before = ctx.source.text[row_start:start]
    if (
        not before.endswith("@")
        or before[:-1].strip()
        or function.decorator_list[-1] is not decorator
    ):
        return None, "another decorator below `@root_validator` needs a person"
    indent = before[:-1]
    newline = ctx.source.newline
    if is_true(_keyword(decorator, "pre")):
        # The input before validation, as v1's pre root validator saw it.
        if any(ctx.qualified_name(d) == "builtins.classmethod" for d in function.decorator_list):
            text = f'{name}(mode="before")'
        else:
            text = f'{name}(mode="before"){newline}{indent}@classmethod'
        edits = [*imports.edits, Edit(start, end, text)]
        message = '`@model_validator(mode="before")`'
        return Fix(tuple(edits), Applicability.SAFE, message, retires=retires), ""
    if not is_true(_keyword(decorator, "skip_on_failure")):
        return None, (
            "without `skip_on_failure=True` a v1 post root validator also runs after a field "
            'failed, a v2 `mode="after"` validator does not; if that is acceptable, add '
            "`skip_on_failure=True` and fix again, else rewrite it by hand"
        )
    body, reason = _after_body(function, ctx)
    if body is None:
        return None, reason
    edits = [*imports.edits, Edit(start, end, f'{name}(mode="after")'), *body]
    message = '`@model_validator(mode="after")`'
    return Fix(tuple(edits), Applicability.SAFE, message, retires=retires), ""


def _after_body(function: ast.FunctionDef, ctx: Context) -> tuple[list[Edit] | None, str]:
    """`def check(cls, values): ... return values` → `def check(self): values = self.__dict__
    ... return self`.

    v1 handed a post root validator the dict of validated values and used what it returned as
    the instance's fields. Reading and editing `self.__dict__` does the same on the v2 instance
    without marking fields as set (assigning `self.x = ...` would add `x` to
    `model_fields_set` and change `model_dump(exclude_unset=True)`).
    """
    args = function.args
    hand = "rewrite it by hand"
    if (
        args.posonlyargs
        or args.kwonlyargs
        or args.vararg
        or args.kwarg
        or args.defaults
        or len(args.args) != 2
        or any(ctx.qualified_name(d) == "builtins.classmethod" for d in function.decorator_list)
    ):
        return None, f"its signature is not `(cls, values)`: {hand}"
    cls_name, values_name = args.args[0].arg, args.args[1].arg
    body = ast.Module(body=function.body, type_ignores=[])
    if any(names_in(body, cls_name)):
        return None, f"it uses `{cls_name}`: {hand}"
    if any(names_in(body, "self")):
        return None, f"it already uses the name `self`: {hand}"
    for use in names_in(body, values_name):
        if not isinstance(use.ctx, ast.Load):
            return None, f"it rebinds `{values_name}`: {hand}"
    returns = [n for n in own_nodes(function) if isinstance(n, ast.Return)]
    last = function.body[-1]
    if not isinstance(last, ast.Return):
        return None, f"it does not end with `return {values_name}`: {hand}"
    for node in returns:
        if not (isinstance(node.value, ast.Name) and node.value.id == values_name):
            return None, f"it returns something other than `{values_name}`: {hand}"
    if any(isinstance(n, (ast.Yield, ast.YieldFrom, ast.Await)) for n in own_nodes(function)):
        return None, hand
    edits = [Edit(ctx.span(args.args[0])[0], ctx.span(args.args[1])[1], "self")]
    edits.extend(Edit(*ctx.span(n.value), "self") for n in returns if n.value is not None)
    first = function.body[0]
    if not starts_line(ctx, first) or first.lineno == function.lineno:
        return None, hand
    indent = line_indent(ctx, first)
    newline = ctx.source.newline
    row_start = ctx.source.line_starts[first.lineno - 1]
    prelude = (
        f"{indent}# v1 handed this validator a dict of the values; editing `__dict__` keeps"
        f"{newline}{indent}# `model_fields_set` as v1 left it."
        f"{newline}{indent}{values_name} = self.__dict__{newline}"
    )
    if _is_docstring(first):
        # After the docstring.
        end_row = first.end_lineno or first.lineno
        if end_row >= len(ctx.source.line_starts):
            return None, hand
        row_start = ctx.source.line_starts[end_row]
    edits.append(Edit(row_start, row_start, prelude))
    return edits, ""


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )
