from __future__ import annotations

import ast
import sys

from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...layout import argument_after
from ...rule import FixAvailability, Invalid, Rule
from ...semantic.fastapi import annotated_metadata, param_function, parameters_with_defaults
from ...semantic.model import BindingKind
from ...semantic.records import Condition, IsModel, IsRouter, RouterType
from ...semantic.summary import route_record
from ...semantic.values import is_model_class

_DUMPS = frozenset({"model_dump", "dict"})
# `include=` names the fields the route takes (in practice the fields the client set,
# `model_fields_set`): a choice, like an explicit `exclude_unset=False`.
_EXCLUDES = frozenset({"exclude_unset", "exclude_defaults", "exclude_none", "include"})
_NOT_BODY = frozenset({"Depends", "Security", "Query", "Path", "Header", "Cookie"})
# Annotations from these are never project models.
_NOT_MODELS = frozenset(sys.stdlib_module_names) | {"builtins", "fastapi", "starlette"}


def _revalidated() -> set[int]:
    """Per file: the dumps that write nothing (by `id`): a re-validation of the body as its
    own class, or the body shown in an exception being raised."""
    return set()


class PatchWithoutExcludeUnset(Rule):
    """## What it does
    Checks, in a PATCH route, for `.model_dump()` or `.dict()` on the request-body model
    without `exclude_unset=True` (or `exclude_defaults` / `exclude_none`).

    The body is a parameter of the route annotated with a Pydantic model class (a parameter
    given by `Depends`, `Query` and the like is not the body). A model or a router defined in
    another module of the project (`item: schemas.ItemUpdate`, `@router.patch(...)` with
    `router` imported from `app/api/__init__.py`) is found through the project index;
    seen one file at a time (the flake8 plugin without a cached index), only the file's own
    models and routers are known. Routers and apps count however they are made: a subclass
    of `APIRouter` or `FastAPI`, a function annotated `-> APIRouter`. An explicit
    `exclude_unset=False` or an `include=` (the fields the route takes, usually
    `model_fields_set`) is a choice and is left alone, as is re-validating the body as its
    own class (`ItemUpdate(**item.model_dump())`): nothing is written.

    ## Why is this bad?
    A PATCH request sends only the fields to change. Dumping the body without
    `exclude_unset=True` fills every field the client did not send with its default, and
    writing that dict to the stored object resets those fields: a request that changes a
    user's name also wipes their bio.

    ## Example
    ```python
    @app.patch("/items/{item_id}")
    def update_item(item_id: int, item: ItemUpdate):
        stored = items[item_id]
        return stored.model_copy(update=item.model_dump())
    ```

    ## Use instead
    ```python
    @app.patch("/items/{item_id}")
    def update_item(item_id: int, item: ItemUpdate):
        stored = items[item_id]
        return stored.model_copy(update=item.model_dump(exclude_unset=True))
    ```

    ## Fix safety
    Unsafe: the fix adds `exclude_unset=True`, which changes the dict the route works with;
    code that reads a key the client did not send now gets a `KeyError`.

    ## References
    - FastAPI docs, "Body - Updates: Partial updates with PATCH"
    """

    code = "FAL501"
    name = "patch-without-exclude-unset"
    message = (
        "`{call}` in PATCH route `{function}` includes fields the client did not send; "
        "pass `exclude_unset=True`"
    )
    defers = True
    nodes = (ast.Call, ast.Raise)
    triggers = ("patch", "PATCH")
    fix_availability = FixAvailability.ALWAYS
    fix_applicability = (Applicability.UNSAFE,)
    valid = [
        # Already excludes unset fields.
        """
        from fastapi import FastAPI
        from pydantic import BaseModel

        app = FastAPI()

        class ItemUpdate(BaseModel):
            name: str | None = None
            price: float | None = None

        @app.patch('/items/{item_id}')
        def update(item_id: int, item: ItemUpdate):
            return item.model_dump(exclude_unset=True)
        """,
        # A PUT replaces the whole resource: dumping every field is right.
        """
        from fastapi import FastAPI
        from pydantic import BaseModel

        app = FastAPI()

        class ItemUpdate(BaseModel):
            name: str | None = None
            price: float | None = None

        @app.put('/items/{item_id}')
        def replace(item_id: int, item: ItemUpdate):
            return item.model_dump()
        """,
        # Not the request body: a dependency and a local.
        """
        from fastapi import FastAPI
        from pydantic import BaseModel

        app = FastAPI()

        class ItemUpdate(BaseModel):
            name: str | None = None
            price: float | None = None

        from fastapi import Depends

        @app.patch('/items/{item_id}')
        def update(item_id: int, current: ItemUpdate = Depends(load)):
            stored = ItemUpdate()
            return current.model_dump(), stored.model_dump()
        """,
        # A class from another module that the project does not define: not known to be a model.
        """
        from fastapi import FastAPI
        from .schemas import ItemUpdate

        app = FastAPI()

        @app.patch('/items/{item_id}')
        def update(item_id: int, item: ItemUpdate):
            return item.dict()
        """,
        # A plain function, not a route.
        """
        from fastapi import FastAPI
        from pydantic import BaseModel

        app = FastAPI()

        class ItemUpdate(BaseModel):
            name: str | None = None
            price: float | None = None

        def patch(item: ItemUpdate):
            return item.model_dump()
        """,
        # The fields the client set, chosen with `include=`; a re-validation of the body as
        # its own class, whose result is thrown away.
        """
        from fastapi import FastAPI
        from pydantic import BaseModel, ValidationError

        app = FastAPI()

        class ItemUpdate(BaseModel):
            name: str | None = None
            price: float | None = None

        @app.patch('/items/{item_id}')
        def update(item_id: int, item: ItemUpdate):
            try:
                ItemUpdate(**item.model_dump())
            except ValidationError:
                raise
            return item.model_dump(include=item.model_fields_set)
        """,
        # The body shown in an error being raised: nothing is written with it.
        """
        from fastapi import FastAPI
        from fastapi.exceptions import RequestValidationError
        from pydantic import BaseModel, ValidationError

        app = FastAPI()

        class ItemUpdate(BaseModel):
            name: str | None = None

        @app.patch('/items/{item_id}')
        async def update(item_id: int, item: ItemUpdate):
            try:
                await save(item_id, item)
            except ValidationError as e:
                raise RequestValidationError(errors=e.errors(), body=item.model_dump(mode='json'))
        """,
        # Explicit choice and `exclude_none`.
        """
        from fastapi import FastAPI
        from pydantic import BaseModel

        app = FastAPI()

        class ItemUpdate(BaseModel):
            name: str | None = None
            price: float | None = None

        @app.patch('/items/{item_id}')
        def update(item_id: int, item: ItemUpdate):
            return item.model_dump(exclude_unset=False), item.model_dump(exclude_none=True)
        """,
    ]
    invalid = [
        Invalid(
            """
            from fastapi import FastAPI
            from pydantic import BaseModel

            app = FastAPI()

            class ItemUpdate(BaseModel):
                name: str | None = None
                price: float | None = None

            @app.patch('/items/{item_id}')
            def update(item_id: int, item: ItemUpdate):
                return item.model_dump()
            """,
            expect=[
                "12:12-12:29 `item.model_dump()` in PATCH route `update` includes fields the client did not send; pass `exclude_unset=True`"
            ],
            fixed="""
            from fastapi import FastAPI
            from pydantic import BaseModel

            app = FastAPI()

            class ItemUpdate(BaseModel):
                name: str | None = None
                price: float | None = None

            @app.patch('/items/{item_id}')
            def update(item_id: int, item: ItemUpdate):
                return item.model_dump(exclude_unset=True)
            """,
            unsafe=True,
        ),
        Invalid(
            """
            from fastapi import FastAPI
            from pydantic import BaseModel

            app = FastAPI()

            class ItemUpdate(BaseModel):
                name: str | None = None
                price: float | None = None

            @app.api_route('/items/{item_id}', methods=['PATCH'])
            async def update(item_id: int, item: ItemUpdate | None = None):
                data = item.dict(by_alias=True)
                return data
            """,
            expect=[
                "12:12-12:36 `item.dict()` in PATCH route `update` includes fields the client did not send; pass `exclude_unset=True`"
            ],
            fixed="""
            from fastapi import FastAPI
            from pydantic import BaseModel

            app = FastAPI()

            class ItemUpdate(BaseModel):
                name: str | None = None
                price: float | None = None

            @app.api_route('/items/{item_id}', methods=['PATCH'])
            async def update(item_id: int, item: ItemUpdate | None = None):
                data = item.dict(by_alias=True, exclude_unset=True)
                return data
            """,
            unsafe=True,
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        if isinstance(node, ast.Raise):
            # `raise RequestValidationError(errors, body=item.model_dump())`: the dump only
            # describes the request in an error; nothing is written with it. (Walked before
            # the calls inside it.)
            for inner in ast.walk(node):
                func = getattr(inner, "func", None)
                if isinstance(func, ast.Attribute) and func.attr in _DUMPS:
                    ctx.state(_revalidated).add(id(inner))
            return
        assert isinstance(node, ast.Call)
        func = node.func
        if node.keywords and not isinstance(func, ast.Attribute):
            self._note_revalidation(node, ctx)
        if not (isinstance(func, ast.Attribute) and func.attr in _DUMPS):
            return
        if id(node) in ctx.state(_revalidated):
            return
        if not isinstance(func.value, ast.Name):
            return
        scope = ctx.function
        if scope is None or not isinstance(scope.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return
        # What the project index must confirm when this file alone cannot tell.
        requires: list[Condition] = []
        route = scope.route
        if route is None:
            # A router imported from another module (`from app.api import router`).
            candidate = route_record(scope.node, ctx)
            if candidate is None or candidate.method != "patch":
                return
            if candidate.owner:
                requires.append(IsRouter(candidate.owner))
            else:  # `router = V1Router()`, the class defined in another module
                requires.append(RouterType(candidate.owner_type))
        elif route.method != "patch":
            return
        if any(kw.arg is None or kw.arg in _EXCLUDES for kw in node.keywords):
            return
        name = func.value.id
        binding = ctx.semantic.lookup(name)
        if binding is None or binding is not scope.bindings.get(name):
            return
        if binding.kind is not BindingKind.PARAMETER or binding.type is None:
            return
        if not is_model_class(binding.type, ctx):
            # A model defined in another module (`item: schemas.ItemUpdate`).
            if binding.type.split(".", 1)[0] in _NOT_MODELS:
                return
            requires.append(IsModel(binding.type))
        if not self._is_body(scope.node, name, ctx):
            return
        fmt = {"call": f"{ctx.text(func)}()", "function": scope.node.name}
        if requires:
            ctx.defer(node, tuple(requires), fix=self._fix(node, ctx), **fmt)
        else:
            ctx.report(node, fix=self._fix(node, ctx), **fmt)

    @staticmethod
    def _note_revalidation(node: ast.Call, ctx: Context) -> None:
        """`ItemUpdate(**item.model_dump())` with `item: ItemUpdate`: the body checked again
        as its own class (walked before the dump inside it, which is then left alone)."""
        cls = ctx.qualified_name(node.func)
        if cls is None:
            return
        for kw in node.keywords:
            dump = kw.value
            if kw.arg is not None or not isinstance(dump, ast.Call):
                continue
            receiver = dump.func.value if isinstance(dump.func, ast.Attribute) else None
            if isinstance(receiver, ast.Name) and ctx.type_of(receiver) == cls:
                ctx.state(_revalidated).add(id(dump))

    @staticmethod
    def _is_body(function: ast.AST | None, name: str, ctx: Context) -> bool:
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return False
        for arg, default, _ in parameters_with_defaults(function):
            if arg.arg != name:
                continue
            markers = [default, *annotated_metadata(arg.annotation, ctx)]
            return not any(param_function(m, ctx) in _NOT_BODY for m in markers)
        return False

    @staticmethod
    def _fix(node: ast.Call, ctx: Context) -> Fix:
        arguments = [*node.args, *node.keywords]
        if arguments:
            start, end = max(ctx.span(a) for a in arguments)
            edit = argument_after(ctx.source, end, start, "exclude_unset=True")
        else:
            end = ctx.span(node)[1] - 1  # just before the closing parenthesis
            edit = Edit(end, end, "exclude_unset=True")
        return Fix((edit,), Applicability.UNSAFE, "Add `exclude_unset=True`")
