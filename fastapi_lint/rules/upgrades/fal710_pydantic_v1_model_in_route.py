from __future__ import annotations

import ast

from ...context import Context
from ...rule import Invalid, Rule
from ...semantic.values import keyword
from ._versions import worth_reporting

# The base classes of the Pydantic v1 compatibility layer shipped with Pydantic 2.
_V1_BASES = frozenset(
    {"pydantic.v1.BaseModel", "pydantic.v1.main.BaseModel", "pydantic.v1.BaseSettings"}
)
_REJECTED_IN = (0, 128)


class PydanticV1ModelInRoute(Rule):
    """## What it does
    Checks route functions for a model of the `pydantic.v1` compatibility layer (a class of
    this module whose bases reach `pydantic.v1.BaseModel`) used as a parameter annotation,
    as the return annotation, or as `response_model=`, also inside `Optional[...]`,
    `list[...]` and the like.

    ## Why is this bad?
    FastAPI 0.128 stopped supporting `pydantic.v1` models: registering such a route raises
    `PydanticV1NotSupportedError: pydantic.v1 models are no longer supported by FastAPI`, so
    the application does not start. Code that moved to Pydantic 2 by importing
    `from pydantic.v1 import BaseModel` (the quick way through the v2 upgrade) hits this on
    the next FastAPI upgrade.

    ## Example
    ```python
    from pydantic.v1 import BaseModel

    class Item(BaseModel):
        name: str

    @app.post("/items")
    async def create(item: Item) -> Item: ...
    ```

    ## Use instead
    ```python
    from pydantic import BaseModel

    class Item(BaseModel):
        name: str
    ```

    ## Fix safety
    No fix: moving the model to Pydantic 2 is the FAL3xx rules' migration (run them on the
    module once it imports from `pydantic`). Models defined in other modules are not checked.
    A project known to use a FastAPI older than 0.128 is not reported.

    ## References
    - FastAPI release notes 0.128.0; `fastapi/utils.py` (`create_model_field`)
    """

    code = "FAL710"
    name = "pydantic-v1-model-in-route"
    message = "`{model}` is a `pydantic.v1` model, which FastAPI rejects since 0.128 ({where})"
    nodes = (ast.FunctionDef, ast.AsyncFunctionDef)
    triggers = ("pydantic.v1",)
    valid = [
        # A Pydantic 2 model.
        """
        from fastapi import FastAPI
        from pydantic import BaseModel

        app = FastAPI()

        class Item(BaseModel):
            name: str

        @app.post("/items")
        async def create(item: Item) -> Item:
            return item
        """,
        # A v1 model used only outside routes (parsing a legacy payload).
        """
        from fastapi import FastAPI
        from pydantic.v1 import BaseModel

        app = FastAPI()

        class Legacy(BaseModel):
            name: str

        @app.post("/items")
        async def create(payload: dict) -> dict:
            return Legacy.parse_obj(payload).dict()
        """,
        # Not a route.
        """
        from pydantic.v1 import BaseModel

        class Legacy(BaseModel):
            name: str

        def convert(item: Legacy) -> Legacy:
            return item
        """,
    ]
    invalid = [
        Invalid(
            """
            from typing import Optional
            from fastapi import APIRouter
            from pydantic.v1 import BaseModel

            router = APIRouter()

            class Base(BaseModel):
                id: int

            class Item(Base):
                name: str

            @router.put("/items/{id}", response_model=list[Item])
            async def replace(id: int, item: Optional[Item] = None):
                return [item]
            """,
            expect=[
                "13:43-13:53 `Item` is a `pydantic.v1` model, which FastAPI rejects since 0.128 "
                "(`response_model=`)",
                "14:34-14:48 `Item` is a `pydantic.v1` model, which FastAPI rejects since 0.128 "
                "(parameter `item`)",
            ],
        ),
    ]

    def check(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
        scope = ctx.semantic.functions.get(node)
        route = scope.route if scope is not None else None
        if route is None or not worth_reporting(ctx, "fastapi", _REJECTED_IN):
            return
        places: list[tuple[ast.AST, str]] = []
        response_model = keyword(route.decorator, "response_model")
        if response_model is not None:
            places.append((response_model.value, "`response_model=`"))
        elif node.returns is not None:
            places.append((node.returns, "return annotation"))
        arguments = node.args
        for parameter in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
            if parameter.annotation is not None:
                places.append((parameter.annotation, f"parameter `{parameter.arg}`"))
        for annotation, where in places:
            model = _v1_model(annotation, ctx)
            if model is not None:
                ctx.report(annotation, model=model, where=where)


def _v1_model(annotation: ast.AST, ctx: Context) -> str | None:
    """The name of a v1 model class of this module mentioned in the annotation, if any."""
    for node in ast.walk(annotation):
        if isinstance(node, (ast.Name, ast.Attribute)):
            qualname = ctx.qualified_name(node)
            if qualname in ctx.semantic.classes and ctx.semantic.is_subclass(qualname, _V1_BASES):
                return ctx.text(node)
    return None
