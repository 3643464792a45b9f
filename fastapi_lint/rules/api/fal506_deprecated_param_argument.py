from __future__ import annotations

import ast

from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid, Rule, callee_names
from ...semantic.fastapi import PARAM_FUNCTIONS, param_function
from ...semantic.model import BindingKind
from ...semantic.values import keyword

_FUNCTIONS = frozenset({"Query", "Path", "Body", "Header", "Cookie", "Form", "File"})


class DeprecatedParamArgument(Rule):
    """## What it does
    Checks for the deprecated arguments `regex=` and `example=` of FastAPI's parameter
    functions `Query`, `Path`, `Body`, `Header`, `Cookie`, `Form` (and `File`, which takes
    the same arguments).

    ## Why is this bad?
    FastAPI 0.100 (with Pydantic v2) renamed `regex` to `pattern` and deprecated `example`
    in favour of `examples` (a list; for Swagger UI's examples dropdown, `openapi_examples`).
    The old names emit deprecation warnings and will be removed.

    ## Example
    ```python
    async def search(q: str = Query(regex="^[a-z]+$", example="shoes")): ...
    ```

    ## Use instead
    ```python
    async def search(q: str = Query(pattern="^[a-z]+$", examples=["shoes"])): ...
    ```

    ## Fix safety
    A wrapper that forwards its own parameter (`regex=regex`) is not reported: the caller
    chose the argument.

    Safe for `regex=` → `pattern=`: the same validation, under the name FastAPI ≥ 0.100
    expects (the fix needs that version). Skipped when the call already has `pattern=`.
    `example=` is reported only: `examples` takes a list and may be better served by
    `openapi_examples`, which only you can choose.

    ## References
    - FastAPI release notes 0.100.0; FastAPI docs, "Declare Request Example Data"
    """

    code = "FAL506"
    name = "deprecated-param-argument"
    message = "`{argument}=` of `{function}()` is deprecated; {remedy}"
    nodes = (ast.Call,)
    callees = callee_names(PARAM_FUNCTIONS)
    triggers = ("regex", "example")
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.SAFE,)
    valid = [
        """
        from fastapi import Query

        def f(q: str = Query(pattern='^a$', examples=['a'])):
            ...
        """,
        # Pydantic's Field(regex=) is FAL307's business.
        """
        from pydantic import Field

        name: str = Field(regex='^a$')
        """,
        # A project function called Query.
        """
        from .db import Query

        Query(regex='^a$', example='a')
        """,
        """
        import re
        re.compile('x')
        regex = 'a'
        """,
        # A wrapper forwarding its caller's argument (FastAPI's own param_functions).
        """
        from fastapi import params

        def Query(default=None, *, pattern=None, regex=None):
            return params.Query(default, pattern=pattern, regex=regex)
        """,
    ]
    invalid = [
        Invalid(
            """
            from fastapi import Query

            def f(q: str = Query(None, regex='^[a-z]+$')):
                ...
            """,
            expect=["3:28-3:44 `regex=` of `Query()` is deprecated; use `pattern=`"],
            fixed="""
            from fastapi import Query

            def f(q: str = Query(None, pattern='^[a-z]+$')):
                ...
            """,
        ),
        Invalid(
            """
            import fastapi

            def f(item: dict = fastapi.Body(example={'a': 1})):
                ...
            """,
            expect=[
                "3:33-3:49 `example=` of `Body()` is deprecated; use `examples=[...]` (or `openapi_examples=`)"
            ],
        ),
        Invalid(
            r"""
            from typing import Annotated
            from fastapi import Path

            def f(slug: Annotated[str, Path(regex=r'^\w+$', example='x')]):
                ...
            """,
            fixed=r"""
            from typing import Annotated
            from fastapi import Path

            def f(slug: Annotated[str, Path(pattern=r'^\w+$', example='x')]):
                ...
            """,
            expect=[
                "4:33-4:47 `regex=` of `Path()` is deprecated; use `pattern=`",
                "4:49-4:60 `example=` of `Path()` is deprecated; use `examples=[...]` (or `openapi_examples=`)",
            ],
        ),
        # `pattern=` present too: report, no fix.
        Invalid(
            """
            from fastapi import Header
            Header(regex='a', pattern='b')
            """,
            expect=["2:8-2:17 `regex=` of `Header()` is deprecated; use `pattern=`"],
        ),
    ]

    def check(self, node: ast.Call, ctx: Context) -> None:
        function = param_function(node, ctx)
        if function not in _FUNCTIONS:
            return
        for argument in node.keywords:
            if _forwarded(argument, ctx):
                continue
            if argument.arg == "regex":
                fix = None
                if keyword(node, "pattern") is None:
                    start = ctx.span(argument)[0]
                    fix = Fix(
                        (Edit(start, start + len("regex"), "pattern"),),
                        Applicability.SAFE,
                        "Rename `regex` to `pattern`",
                    )
                ctx.report(
                    argument,
                    argument="regex",
                    function=function,
                    remedy="use `pattern=`",
                    fix=fix,
                )
            elif argument.arg == "example":
                ctx.report(
                    argument,
                    argument="example",
                    function=function,
                    remedy="use `examples=[...]` (or `openapi_examples=`)",
                )


def _forwarded(argument: ast.keyword, ctx: Context) -> bool:
    """`regex=regex` inside a function taking `regex`: passing the caller's choice along (as
    FastAPI's own wrappers do) is not using the deprecated argument."""
    value = argument.value
    if not (isinstance(value, ast.Name) and value.id == argument.arg):
        return False
    binding = ctx.semantic.lookup(value.id)
    return binding is not None and binding.kind is BindingKind.PARAMETER
