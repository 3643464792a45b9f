from __future__ import annotations

import ast

from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid, Rule
from ._v2code import may_be_v2

_MODEL_VALIDATORS = frozenset(
    {"pydantic.model_validator", "pydantic.functional_validators.model_validator"}
)


class ClassmethodAfterValidator(Rule):
    """## What it does
    Checks for `@model_validator(mode="after")` on a classmethod: `@classmethod` under the
    decorator, or a method whose first parameter is named `cls` (Pydantic makes such a
    function a classmethod itself). Also `@classmethod` written *above*
    `@model_validator(mode="after")`.

    ## Why is this bad?
    An after validator runs on the model instance, so it is an instance method taking
    `self`. Pydantic 2.12 deprecated the classmethod form: defining the model warns
    (`PydanticDeprecatedSince212: Using @model_validator with mode='after' on a classmethod
    is deprecated`), and Pydantic 3 will not turn such functions into classmethods. Checked
    in Pydantic 2.11.10 (no warning) and 2.12.5 and 2.14.4 (the warning, for `@classmethod`
    under the decorator and for a plain method whose first parameter is `cls` alike: 2.12
    decides by that name, `_decorators._is_classmethod_from_sig`).

    Found while checking: with `@classmethod` *above* `@model_validator(...)` Pydantic never
    collects the validator, so it never runs, in every release from 2.0.3 to 2.14.4 (2.12 and
    later warn as well). That order is reported with its own message and no fix: making the
    validator run changes what the model accepts.

    ## Example
    ```python
    class Window(BaseModel):
        start: int
        end: int

        @model_validator(mode="after")
        @classmethod
        def ordered(cls, window):
            if window.start > window.end:
                raise ValueError("start after end")
            return window
    ```

    ## Use instead
    ```python
    class Window(BaseModel):
        start: int
        end: int

        @model_validator(mode="after")
        def ordered(window):
            if window.start > window.end:
                raise ValueError("start after end")
            return window
    ```

    ## Fix safety
    The fix removes `@classmethod` and the `cls` parameter; the instance parameter keeps
    its name (rename it to `self` at leisure), and an `info` parameter stays. Pydantic calls
    an instance-method after validator with the instance exactly as it called the
    classmethod with it, so the fix is **safe** when the body does not use `cls` (run under
    Pydantic 2.0.3, 2.11.10, 2.12.5 and 2.14.4: same results, the warning gone). When the body
    uses `cls`, the fix adds `cls = type(<instance>)` as its first statement and is
    **unsafe**: `cls` was the model the validator belongs to, and `type(<instance>)` differs
    when validation passes through an instance of a subclass
    (`revalidate_instances="never"`). Not fixed: `*args`, defaults, keyword-only
    parameters, a body on the `def` line, or `@classmethod` sharing a line.

    ## References
    - Pydantic 2.12 release notes; Pydantic docs, "Validators — Model after validators";
      `pydantic/functional_validators.py` (`model_validator`)
    """

    code = "FAL902"
    name = "classmethod-after-validator"
    message = "{problem}"
    nodes = (ast.FunctionDef, ast.AsyncFunctionDef)
    triggers = ("model_validator",)
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.SAFE, Applicability.UNSAFE)
    valid = [
        # The instance method Pydantic asks for.
        """
        from pydantic import BaseModel, model_validator

        class Window(BaseModel):
            start: int
            end: int

            @model_validator(mode="after")
            def ordered(self):
                return self

            @model_validator(mode="before")
            @classmethod
            def legacy_keys(cls, data):
                return data

            @model_validator(mode="wrap")
            @classmethod
            def logged(cls, data, handler):
                return handler(data)
        """,
        # Another library's `model_validator`.
        """
        from app.validation import model_validator

        class Window:
            @model_validator(mode="after")
            @classmethod
            def ordered(cls, window):
                return window
        """,
    ]
    invalid = [
        Invalid(
            """
            from pydantic import BaseModel, ValidationInfo, model_validator

            class Window(BaseModel):
                start: int
                end: int

                @model_validator(mode="after")
                @classmethod
                def ordered(cls, window: "Window", info: ValidationInfo) -> "Window":
                    if window.start > window.end:
                        raise ValueError("start after end")
                    return window

                @model_validator(mode="after")
                def short(cls, window):
                    return window
            """,
            expect=[
                '7:6-7:35 `@model_validator(mode="after")` on a classmethod is deprecated since '
                "Pydantic 2.12; make it an instance method",
                '14:6-14:35 `@model_validator(mode="after")` on a classmethod is deprecated '
                "since Pydantic 2.12 (a first parameter named `cls` makes it one); make it an "
                "instance method",
            ],
            fixed="""
            from pydantic import BaseModel, ValidationInfo, model_validator

            class Window(BaseModel):
                start: int
                end: int

                @model_validator(mode="after")
                def ordered(window: "Window", info: ValidationInfo) -> "Window":
                    if window.start > window.end:
                        raise ValueError("start after end")
                    return window

                @model_validator(mode="after")
                def short(window):
                    return window
            """,
        ),
        # The body uses `cls`: an unsafe fix keeps it bound.
        Invalid(
            """
            import pydantic

            class Window(pydantic.BaseModel):
                start: int

                @pydantic.model_validator(mode="after")
                @classmethod
                def ordered(cls, window):
                    \"\"\"Check it.\"\"\"
                    return cls.model_validate(window.model_dump())
            """,
            expect=[
                '6:6-6:44 `@model_validator(mode="after")` on a classmethod is deprecated since '
                "Pydantic 2.12; make it an instance method",
            ],
            fixed="""
            import pydantic

            class Window(pydantic.BaseModel):
                start: int

                @pydantic.model_validator(mode="after")
                def ordered(window):
                    \"\"\"Check it.\"\"\"
                    cls = type(window)
                    return cls.model_validate(window.model_dump())
            """,
            unsafe=True,
        ),
        # `@classmethod` above the decorator: the validator never runs.
        Invalid(
            """
            from pydantic import BaseModel, model_validator

            class Window(BaseModel):
                start: int

                @classmethod
                @model_validator(mode="after")
                def ordered(cls, window):
                    return window
            """,
            expect=[
                '7:6-7:35 `@model_validator(mode="after")` under `@classmethod` is never run by '
                "Pydantic; put `@model_validator` outermost and make it an instance method",
            ],
        ),
    ]

    def applies(self, ctx: Context) -> bool:
        return may_be_v2(ctx)

    def check(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
        decorators = node.decorator_list
        validator_at = next(
            (i for i, d in enumerate(decorators) if _is_after_validator(d, ctx)), None
        )
        if validator_at is None:
            return
        names = [ctx.qualified_name(d) for d in decorators]
        if "builtins.staticmethod" in names:
            return
        classmethod_at = next(
            (i for i, name in enumerate(names) if name == "builtins.classmethod"), None
        )
        decorator = decorators[validator_at]
        if classmethod_at is not None and classmethod_at < validator_at:
            ctx.report(
                decorator,
                problem='`@model_validator(mode="after")` under `@classmethod` is never run by '
                "Pydantic; put `@model_validator` outermost and make it an instance method",
            )
            return
        positional = [*node.args.posonlyargs, *node.args.args]
        by_name = classmethod_at is None
        if by_name and not (positional and positional[0].arg == "cls"):
            return
        note = " (a first parameter named `cls` makes it one)" if by_name else ""
        ctx.report(
            decorator,
            problem='`@model_validator(mode="after")` on a classmethod is deprecated since '
            f"Pydantic 2.12{note}; make it an instance method",
            fix=_fix(node, classmethod_at, ctx),
        )


def _is_after_validator(decorator: ast.expr, ctx: Context) -> bool:
    if not isinstance(decorator, ast.Call) or ctx.qualified_name(decorator.func) not in (
        _MODEL_VALIDATORS
    ):
        return False
    return any(
        k.arg == "mode" and isinstance(k.value, ast.Constant) and k.value.value == "after"
        for k in decorator.keywords
    )


def _fix(
    node: ast.FunctionDef | ast.AsyncFunctionDef, classmethod_at: int | None, ctx: Context
) -> Fix | None:
    arguments = node.args
    if (
        arguments.posonlyargs
        or arguments.vararg
        or arguments.kwarg
        or arguments.kwonlyargs
        or arguments.defaults
        or len(arguments.args) not in (2, 3)
        or arguments.args[0].arg != "cls"
    ):
        return None
    source = ctx.source
    edits: list[Edit] = []
    if classmethod_at is not None:
        line = _own_line(node.decorator_list[classmethod_at], ctx)
        if line is None:
            return None
        edits.append(Edit(*line, ""))
    cls_start = ctx.span(arguments.args[0])[0]
    instance_start = ctx.span(arguments.args[1])[0]
    edits.append(Edit(cls_start, instance_start, ""))
    uses_cls = any(
        isinstance(n, ast.Name) and n.id == "cls"
        for statement in node.body
        for n in ast.walk(statement)
    )
    applicability = Applicability.SAFE
    if uses_cls:
        body = node.body
        first = body[0]
        if _is_docstring(first) and len(body) > 1:
            first = body[1]
        if first.lineno == node.lineno or _is_docstring(first):
            return None
        start = ctx.span(first)[0]
        row_start = source.line_starts[first.lineno - 1]
        indent = source.text[row_start:start]
        if indent.strip():
            return None  # `x = 1; y = 2` style: not at the start of its line
        statement = f"cls = type({arguments.args[1].arg}){source.newline}{indent}"
        edits.append(Edit(start, start, statement))
        applicability = Applicability.UNSAFE
    return Fix(tuple(edits), applicability, "Make it an instance method")


def _own_line(decorator: ast.expr, ctx: Context) -> tuple[int, int] | None:
    """The offsets of the whole line holding `@decorator`, when nothing else is on it."""
    source = ctx.source
    row = decorator.lineno - 1
    if decorator.end_lineno != decorator.lineno:
        return None
    start = source.line_starts[row]
    end = source.line_starts[row + 1] if row + 1 < len(source.line_starts) else len(source.text)
    if source.text[start:end].strip() != "@" + ctx.text(decorator):
        return None
    return start, end


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )
