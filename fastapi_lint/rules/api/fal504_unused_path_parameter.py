from __future__ import annotations

import ast
import re

from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...rule import FixAvailability, Invalid, Rule
from ...semantic.fastapi import (
    SECURITY_SCHEMES,
    annotated_metadata,
    dependency_marker,
    is_annotated,
    param_function,
    parameters_with_defaults,
)
from ...semantic.model import BindingKind
from ...semantic.records import Condition, NotReceived
from ...semantic.summary import routes_elsewhere
from ...semantic.values import keyword, resolve, string_value

# Starlette's path parameter syntax: `{name}` or `{name:convertor}`.
_PATH_PARAMETER = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::([a-zA-Z_][a-zA-Z0-9_]*))?}")
_CONVERTOR_TYPES = {"int": "int", "float": "float"}  # `str`, `path` and the rest: `str`
_MAX_DEPTH = 10  # dependency chains followed


# Dependencies defined in other modules met while collecting a route's parameters (a stack,
# one list per route being checked): the project index decides what they receive.
_EXTERNAL: list[list[str]] = [[]]


class _Unknown(Exception):
    """A dependency whose parameters this file does not show."""


class UnusedPathParameter(Rule):
    """## What it does
    Checks for a `{name}` in a route's path (also `{name:int}`, `{name:path}`) that no
    parameter of the route function receives.

    Parameters are looked for in the function's signature (by name, or by `alias=` /
    `validation_alias=` of a `Path(...)`, also through a type alias of `Annotated`), and in
    its dependencies — `Depends(f)` defaults, `Annotated[..., Depends(f)]` and the
    decorator's `dependencies=[...]` — when `f` is a function defined in the same file,
    followed through its own dependencies, and — through the project index — when `f` is a
    function of another module of the project (the flake8 plugin needs a stored index for
    those). A FastAPI security scheme (`OAuth2PasswordBearer(...)`) receives no path
    parameter. A class dependency defined in the same file is followed as FastAPI calls it:
    `Depends(SomeClass)` and `Depends()` on a `SomeClass` annotation receive what its
    `__init__` takes (a Pydantic model or a dataclass: its fields and their aliases), an
    instance `Depends(SomeClass())` what its `__call__` takes. When a dependency is anything
    else (a function or class the project does not define, a class with other bases or a
    model configuration), or when the app or router was created with `dependencies=`, the
    parameter may be consumed where the linter cannot see, and nothing is reported. The
    router may be an instance of a router class of another module of the project, or what a
    factory there returns (`router = V1Router()`): in a project run the index decides.

    FastAPI passes every value by keyword, so a positional-only parameter (before `/`) of
    the same name does not receive the path parameter (the request fails instead), and
    neither does `**kwargs` (FastAPI reads it as a query parameter named `kwargs`): both are
    reported, the first with advice to move it after the `/`. A parameter declared as a
    dependency (`item_id = Depends(get_item)`, or `Annotated[..., Depends(...)]`) does not
    receive the path parameter of its name either: FastAPI gives it the dependency's result
    (`get_dependant` makes it a sub-dependency and reads no path value for it). The
    dependency's own signature does receive it: `def get_item(item_id: int)` gets the path's
    `{item_id}`, so that route is not reported. Each of stacked route decorators is checked
    with its own path.

    ## Why is this bad?
    FastAPI still matches the path, but the value is thrown away: the route answers for any
    `item_id` with the same result, which is almost always a bug (a forgotten parameter or
    a typo in one of the two names).

    ## Example
    ```python
    @app.get("/things/{thing_id}")
    async def read_thing(query: str): ...
    ```

    ## Use instead
    ```python
    @app.get("/things/{thing_id}")
    async def read_thing(thing_id: str, query: str): ...
    ```

    or, when a parameter was meant to receive it (`async def read_thing(thing: str)`), rename
    it to `thing_id`.

    ## Fix safety
    Unsafe, and offered only for the likely cause: when exactly one plain parameter of the
    route (no `Depends`/`Query`/`Body`/... marker, no alias, not a `Request`-like FastAPI or
    Starlette type) nearly matches the path name -- one is the other with a word more
    (`signal_engagement_id` for `{engagement_id}`), the same but for case and underscores
    (`itemId`), or one or two letters apart (`itme_id`) -- the fix renames it, and its uses in
    the function body, to the path name. The route then receives the path value instead of a
    query parameter, and callers passing the old name as a keyword must change too. No fix is
    offered when the new name is already used in the function, the old one is bound again in
    it, or the body calls `locals()`/`vars()`. Otherwise the message suggests adding the
    parameter, and no fix is offered: adding one would hide the bug rather than fix it.

    ## References
    - ruff FAST003 `fast-api-unused-path-parameter`
    """

    code = "FAL504"
    name = "unused-path-parameter"
    message = "path parameter `{parameter}` of `{path}` {problem}{advice}"
    defers = True
    nodes = (ast.FunctionDef, ast.AsyncFunctionDef)
    triggers = ("{",)
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.UNSAFE,)
    valid = [
        """
        from fastapi import FastAPI
        app = FastAPI()

        @app.get('/items/{item_id}')
        def item(item_id: int):
            ...
        """,
        # Consumed by a dependency defined in this file.
        """
        from fastapi import Depends, FastAPI
        app = FastAPI()

        def load_item(item_id: int):
            return item_id

        @app.get('/items/{item_id}')
        def item(item=Depends(load_item)):
            ...
        """,
        # A dependency parameter of the path name: its dependency's own signature receives it.
        """
        from fastapi import Depends, FastAPI
        app = FastAPI()

        def load_item(item_id: int):
            return item_id

        @app.get('/items/{item_id}')
        def item(item_id: int = Depends(load_item)):
            ...
        """,
        # Consumed by a dependency defined elsewhere: unknown, not reported.
        """
        from fastapi import Depends, FastAPI
        from .deps import load_item
        app = FastAPI()

        @app.get('/items/{item_id}', dependencies=[Depends(load_item)])
        def item():
            ...
        """,
        # An alias and a path convertor.
        """
        from fastapi import FastAPI, Path
        app = FastAPI()

        @app.get('/files/{file_id}/{rest:path}')
        def get(p: str = Path(alias='file_id'), rest: str = ''):
            ...
        """,
        # Pydantic validation aliases, also through a type alias (found on real code).
        """
        from typing import Annotated
        from fastapi import Depends, FastAPI, Path
        from pydantic import AliasChoices
        app = FastAPI()
        identifier_path = Path(validation_alias=AliasChoices('item_id', 'id'))
        Identifier = Annotated[int, identifier_path]

        def get_identifier(value: Identifier):
            return value

        @app.websocket('/ws/{id}')
        async def ws(value: Annotated[int, Depends(get_identifier)]):
            ...

        @app.get('/items/{p_val_alias}')
        def item(p: Annotated[str, Path(validation_alias='p_val_alias')]):
            ...
        """,
        # A router with its own dependencies.
        """
        from fastapi import APIRouter, Depends
        from .deps import check
        router = APIRouter(dependencies=[Depends(check)])

        @router.get('/orgs/{org_id}')
        def org():
            ...
        """,
        # Not a route.
        """
        @cache.get('/items/{item_id}')
        def item():
            ...
        """,
    ]
    invalid = [
        Invalid(
            """
            from fastapi import FastAPI
            app = FastAPI()

            @app.get('/things/{thing_id}')
            async def read_thing(query: str):
                ...
            """,
            expect=[
                "4:10-4:30 path parameter `thing_id` of `/things/{thing_id}` is not a parameter of `read_thing`; add `thing_id: str` to its signature"
            ],
        ),
        Invalid(
            """
            from fastapi import APIRouter
            router = APIRouter()

            @router.delete('/users/{user_id:int}')
            def delete(force: bool = False):
                ...
            """,
            expect=[
                "4:16-4:38 path parameter `user_id` of `/users/{user_id:int}` is not a parameter of `delete`; add `user_id: int` to its signature"
            ],
        ),
        Invalid(
            """
            from fastapi import FastAPI
            app = FastAPI()

            @app.get('/a/{x}/b/{y}')
            def get():
                ...
            """,
            expect=[
                "4:10-4:24 path parameter `x` of `/a/{x}/b/{y}` is not a parameter of `get`; add `x: str` to its signature",
                "4:10-4:24 path parameter `y` of `/a/{x}/b/{y}` is not a parameter of `get`; add `y: str` to its signature",
            ],
        ),
        # A dependency of this file that does not take the parameter either.
        Invalid(
            """
            from fastapi import Depends, FastAPI
            app = FastAPI()

            def pagination(limit: int = 10):
                return limit

            @app.get('/items/{item_id}')
            def item(*, page=Depends(pagination)):
                ...
            """,
            expect=[
                "7:10-7:28 path parameter `item_id` of `/items/{item_id}` is not a parameter of `item`; add `item_id: str` to its signature"
            ],
        ),
        # Positional-only: FastAPI passes the value by keyword, so the call would fail.
        Invalid(
            """
            from fastapi import FastAPI
            app = FastAPI()

            @app.get('/items/{item_id}')
            def item(item_id: int, /):
                ...
            """,
            expect=[
                "4:10-4:28 path parameter `item_id` of `/items/{item_id}` is a positional-only parameter of `item`, which FastAPI cannot fill (it passes parameters by keyword); move `item_id` after the `/`"
            ],
        ),
        # A dependency parameter of the path name gets the dependency's result; the
        # dependency does not take the path parameter.
        Invalid(
            """
            from typing import Annotated
            from fastapi import Depends, FastAPI, Security
            app = FastAPI()

            def get_db():
                return None

            @app.get('/items/{item_id}')
            def item(item_id=Depends(get_db)):
                ...

            @app.get('/users/{user_id}')
            def user(user_id: Annotated[str, Security(get_db)]):
                ...
            """,
            expect=[
                "8:10-8:28 path parameter `item_id` of `/items/{item_id}` is a dependency of `item` (`Depends`), which receives the dependency's result, not the path parameter; rename the parameter, or take `item_id` in the dependency's signature",
                "12:10-12:28 path parameter `user_id` of `/users/{user_id}` is a dependency of `user` (`Security`), which receives the dependency's result, not the path parameter; rename the parameter, or take `user_id` in the dependency's signature",
            ],
        ),
        # One parameter nearly matches: renaming it is the fix.
        Invalid(
            """
            from fastapi import FastAPI
            app = FastAPI()

            @app.get('/engagements/{engagement_id}/signals')
            async def signals(signal_engagement_id: int, limit: int = 10):
                rows = load(signal_engagement_id)
                return [r for r in rows if r.engagement == signal_engagement_id][:limit]
            """,
            expect=[
                "4:10-4:48 path parameter `engagement_id` of `/engagements/{engagement_id}/signals` is not a parameter of `signals`; is `signal_engagement_id` meant to be `engagement_id`?"
            ],
            fixed="""
            from fastapi import FastAPI
            app = FastAPI()

            @app.get('/engagements/{engagement_id}/signals')
            async def signals(engagement_id: int, limit: int = 10):
                rows = load(engagement_id)
                return [r for r in rows if r.engagement == engagement_id][:limit]
            """,
            unsafe=True,
        ),
        # A typo, but the name is bound again in the body: no fix.
        Invalid(
            """
            from fastapi import FastAPI
            app = FastAPI()

            @app.get('/items/{item_id}')
            def item(itme_id: str):
                itme_id = itme_id.strip()
                return itme_id
            """,
            expect=[
                "4:10-4:28 path parameter `item_id` of `/items/{item_id}` is not a parameter of `item`; is `itme_id` meant to be `item_id`?"
            ],
        ),
    ]

    def check(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
        scope = ctx.semantic.functions.get(node)
        if scope is None:
            return
        # Stacked route decorators: each registers the function under its own path.
        for route in scope.routes:
            if route.path is not None:
                self._check_route(node, route.path, route.decorator, ctx)
        # A router whose class (or factory) lives in another module: the index decides.
        for route, condition in routes_elsewhere(node, ctx.semantic):
            if route.path is not None:
                self._check_route(node, route.path, route.decorator, ctx, condition)

    def _check_route(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        path: str,
        decorator: ast.Call,
        ctx: Context,
        condition: Condition | None = None,
    ) -> None:
        wanted = [(m.group(1), m.group(2)) for m in _PATH_PARAMETER.finditer(path)]
        if not wanted:
            return
        if self._owner_has_dependencies(decorator, ctx):
            return
        _EXTERNAL.append([])
        try:
            names = _received(node, ctx, 0)
            extra = keyword(decorator, "dependencies")
            if extra is not None:
                value = resolve(extra.value, ctx)
                if not isinstance(value, (ast.List, ast.Tuple)):
                    return
                for dependency in value.elts:
                    names |= _dependency_names(dependency, None, ctx, 0)
        except _Unknown:
            return
        finally:
            external = tuple(dict.fromkeys(_EXTERNAL.pop()))
        path_node = decorator.args[0] if decorator.args else decorator
        missing = [name for name in dict(wanted) if name not in names]
        # The parameter each missing name nearly matches, when exactly one does and it nearly
        # matches no other missing name: the likely typo.
        near = {name: _near_parameters(node, name, dict(wanted), ctx) for name in missing}
        claimed = [c for found in near.values() for c in found]
        for name, convertor in dict(wanted).items():
            if name in names:
                continue
            kind = _CONVERTOR_TYPES.get(convertor or "", "str")
            fix = None
            problem = f"is not a parameter of `{node.name}`"
            advice = f"; add `{name}: {kind}` to its signature"
            found = near[name]
            why = _why_not_received(node, name, ctx)
            if why is not None:
                problem, advice = why
            elif len(found) == 1 and claimed.count(found[0]) == 1:
                advice = f"; is `{found[0].arg}` meant to be `{name}`?"
                fix = _rename(node, found[0], name, ctx)
            fmt = {"parameter": name, "path": path, "problem": problem, "advice": advice}
            requires: list[Condition] = [] if condition is None else [condition]
            if external:
                # Only if none of the other modules' dependencies receives it either.
                requires.append(NotReceived(name, tuple(external)))
            if requires:
                ctx.defer(path_node, tuple(requires), fix=fix, **fmt)
            else:
                ctx.report(path_node, fix=fix, **fmt)

    @staticmethod
    def _owner_has_dependencies(decorator: ast.Call, ctx: Context) -> bool:
        """Was the app/router created with `dependencies=` (which may use path parameters)?"""
        owner = decorator.func.value if isinstance(decorator.func, ast.Attribute) else None
        if not isinstance(owner, ast.Name):
            return True
        binding = ctx.semantic.lookup(owner.id)
        if binding is None or binding.kind is not BindingKind.ASSIGNMENT:
            return True
        value = binding.value
        if not isinstance(value, ast.Call):
            return True
        return any(kw.arg in (None, "dependencies") for kw in value.keywords)


def _received(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    ctx: Context,
    depth: int,
    skip_self: bool = False,
) -> set[str]:
    """Names of the path parameters a function (and its dependencies) can receive; for a
    method (`skip_self`), without its `self`."""
    if depth > _MAX_DEPTH:
        raise _Unknown
    names: set[str] = set()
    # FastAPI calls route functions and dependencies with keyword arguments: a positional-only
    # parameter never receives the path parameter of its name (the call fails instead), and
    # `**kwargs` receives nothing (FastAPI reads it as one query parameter named `kwargs`).
    # A parameter with `Depends(f)` is a dependency: FastAPI gives it `f`'s result, never the
    # path parameter of its name (`f`'s own parameters receive theirs).
    for arg, default, _ in parameters_with_defaults(function):
        if skip_self and arg is _first_parameter(function):
            continue
        if _passed_by_name(function, arg, default, ctx):
            names.add(arg.arg)
        for marker in [default, *annotated_metadata(arg.annotation, ctx)]:
            kind = param_function(marker, ctx)
            if kind is None:
                continue
            assert isinstance(marker, ast.Call)
            if kind in ("Depends", "Security"):
                names |= _dependency_names(marker, arg, ctx, depth)
            elif kind == "Path":
                alias = keyword(marker, "alias")
                if alias is not None and (text := string_value(alias.value)) is not None:
                    names.add(text)
                validation = keyword(marker, "validation_alias")
                if validation is not None:
                    # A string, `AliasChoices("a", "b")` or `AliasPath("a", 0)`: every string
                    # in it is a name the value may come from.
                    names.update(
                        n.value
                        for n in ast.walk(validation.value)
                        if isinstance(n, ast.Constant) and isinstance(n.value, str)
                    )
    return names


def _passed_by_name(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    arg: ast.arg,
    default: ast.expr | None,
    ctx: Context,
) -> bool:
    """Can FastAPI give `arg` the path parameter of its name? Not when it is positional-only
    (FastAPI calls by keyword) or a dependency (`Depends`/`Security`, as default or in
    `Annotated`)."""
    if arg in function.args.posonlyargs:
        return False
    return dependency_marker(arg, default, ctx) is None


def _why_not_received(
    function: ast.FunctionDef | ast.AsyncFunctionDef, name: str, ctx: Context
) -> tuple[str, str] | None:
    """(problem, advice) of the message when the route function has a parameter `name` that
    does not receive the path parameter; None when it has none."""
    for arg, default, _ in parameters_with_defaults(function):
        if arg.arg != name:
            continue
        if arg in function.args.posonlyargs:
            return (
                f"is a positional-only parameter of `{function.name}`, which FastAPI cannot "
                "fill (it passes parameters by keyword)",
                f"; move `{name}` after the `/`",
            )
        kind = dependency_marker(arg, default, ctx)
        if kind is not None:
            return (
                f"is a dependency of `{function.name}` (`{kind}`), which receives the "
                "dependency's result, not the path parameter",
                f"; rename the parameter, or take `{name}` in the dependency's signature",
            )
    return None


def _dependency_names(marker: ast.AST, arg: ast.arg | None, ctx: Context, depth: int) -> set[str]:
    if not (
        isinstance(marker, ast.Call) and param_function(marker, ctx) in ("Depends", "Security")
    ):
        raise _Unknown
    target = marker.args[0] if marker.args else None
    dependency = keyword(marker, "dependency")
    if dependency is not None:
        target = dependency.value
    if target is None and arg is not None:
        # `Depends()`: FastAPI calls the class of the annotation.
        target = _annotation_type(arg.annotation, ctx)
    if isinstance(target, ast.Call):
        # An instance, `Depends(Checker(...))`: FastAPI calls its `__call__`.
        cls = _local_class(target.func, ctx)
        method = _method(cls, "__call__") if cls is not None and not cls.bases else None
        if method is None:
            raise _Unknown
        return _received(method, ctx, depth + 1, skip_self=True)
    if not isinstance(target, (ast.Name, ast.Attribute)):
        raise _Unknown
    binding = ctx.semantic.lookup(target.id) if isinstance(target, ast.Name) else None
    if binding is not None and binding.kind is BindingKind.ASSIGNMENT:
        known = binding.type or ""
        if known.startswith(SECURITY_SCHEMES):
            return set()  # `OAuth2PasswordBearer(...)` instances take only the request
        raise _Unknown
    if binding is not None and binding.kind is BindingKind.CLASS:
        if not isinstance(binding.node, ast.ClassDef):
            raise _Unknown
        return _class_names(binding.node, ctx, depth + 1)
    if binding is None or binding.kind is not BindingKind.FUNCTION:
        # Defined in another module: the project index may know what it receives.
        name = ctx.qualified_name(target)
        if name is None or (binding is not None and binding.kind is not BindingKind.IMPORT):
            raise _Unknown
        _EXTERNAL[-1].append(name)
        return set()
    node = binding.node
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        raise _Unknown
    return _received(node, ctx, depth + 1)


_MODEL_ROOTS = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel"})
_DATACLASS = frozenset({"dataclasses.dataclass", "pydantic.dataclasses.dataclass"})


def _class_names(cls: ast.ClassDef, ctx: Context, depth: int) -> set[str]:
    """What calling the class `Depends(SomeClass)` receives: FastAPI reads the signature of
    the class, that is of its `__init__` (of the fields, for a Pydantic model or a dataclass).
    Only classes this file shows whole are followed; anything else is unknown."""
    if depth > _MAX_DEPTH or cls.keywords:
        raise _Unknown
    bases = [ctx.qualified_name(base) for base in cls.bases]
    if bases and all(base in _MODEL_ROOTS for base in bases):
        return _field_names(cls, ctx)
    if bases and bases != ["builtins.object"]:
        raise _Unknown  # a class whose signature comes (partly) from elsewhere
    if any(ctx.qualified_name(_decorator_name(d)) in _DATACLASS for d in cls.decorator_list):
        return _field_names(cls, ctx)
    if cls.decorator_list or _method(cls, "__new__") is not None:
        raise _Unknown
    init = _method(cls, "__init__")
    if init is None:
        return set()  # `object.__init__`: nothing
    return _received(init, ctx, depth, skip_self=True)


def _field_names(cls: ast.ClassDef, ctx: Context) -> set[str]:
    """The names a model's (or dataclass's) `__init__` takes: its annotated fields, and the
    aliases given to them; a model configuration (an alias generator) makes it unknown."""
    names: set[str] = set()
    for statement in cls.body:
        if isinstance(statement, ast.ClassDef) and statement.name == "Config":
            raise _Unknown
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "model_config" for t in statement.targets
        ):
            raise _Unknown
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            names.add(statement.target.id)
            value = statement.value
            for marker in [value, *annotated_metadata(statement.annotation, ctx)]:
                if isinstance(marker, ast.Call):
                    names.update(
                        n.value
                        for kw in marker.keywords
                        if kw.arg in ("alias", "validation_alias")
                        for n in ast.walk(kw.value)
                        if isinstance(n, ast.Constant) and isinstance(n.value, str)
                    )
    return names


def _annotation_type(annotation: ast.expr | None, ctx: Context) -> ast.expr | None:
    """`T` of a parameter annotated `T` or `Annotated[T, ...]`."""
    if annotation is None:
        return None
    if is_annotated(annotation, ctx):
        assert isinstance(annotation, ast.Subscript)
        inner = annotation.slice
        return inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else None
    return annotation


def _local_class(expr: ast.expr, ctx: Context) -> ast.ClassDef | None:
    if not isinstance(expr, ast.Name):
        return None
    binding = ctx.semantic.lookup(expr.id)
    if binding is None or binding.kind is not BindingKind.CLASS:
        return None
    return binding.node if isinstance(binding.node, ast.ClassDef) else None


def _method(cls: ast.ClassDef | None, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    if cls is None:
        return None
    found = None
    for statement in cls.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if statement.name == name:
                found = statement  # the last definition wins, as at run time
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)) and name in {
            t.id for t in ast.walk(statement) if isinstance(t, ast.Name)
        }:
            raise _Unknown  # `__call__ = something`
    if found is not None and found.decorator_list:
        raise _Unknown  # staticmethod, a wrapper: the signature is not the one written
    return found


def _first_parameter(function: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.arg | None:
    positional = [*function.args.posonlyargs, *function.args.args]
    return positional[0] if positional else None


def _decorator_name(decorator: ast.expr) -> ast.expr:
    return decorator.func if isinstance(decorator, ast.Call) else decorator


_SPECIAL_TYPES = ("fastapi.", "starlette.")  # Request, WebSocket, BackgroundTasks, ...


def _near_parameters(
    function: ast.FunctionDef | ast.AsyncFunctionDef, name: str, path: dict, ctx: Context
) -> list[ast.arg]:
    """The route's own parameters that could be `name` misspelt or misnamed: a plain
    parameter (no `Depends`/`Query`/`Body`/... marker, no `Path` alias, no FastAPI or
    Starlette class as its type) whose name nearly matches."""
    args = function.args
    out = []
    for arg, default, _ in parameters_with_defaults(function):
        if arg in args.posonlyargs or arg.arg in path or not _nearly(arg.arg, name):
            continue
        markers = [default, *annotated_metadata(arg.annotation, ctx)]
        kinds = [param_function(m, ctx) for m in markers if m is not None]
        if any(kind not in (None, "Path") for kind in kinds):
            continue
        if any(isinstance(m, ast.Call) and keyword(m, "alias") for m in markers):
            continue
        annotation = ctx.qualified_name(arg.annotation) if arg.annotation is not None else None
        if annotation is not None and annotation.startswith(_SPECIAL_TYPES):
            continue
        out.append(arg)
    return out


def _nearly(parameter: str, name: str) -> bool:
    """`signal_engagement_id` for `engagement_id` (one is the other with a word more),
    `itemId` for `item_id`, `iten_id` for `item_id` (one or two letters apart)."""
    if parameter.endswith("_" + name) or parameter.startswith(name + "_"):
        return True
    if name.endswith("_" + parameter) or name.startswith(parameter + "_"):
        return True
    if parameter.replace("_", "").lower() == name.replace("_", "").lower():
        return True
    shortest = min(len(parameter), len(name))
    allowed = 2 if shortest >= 8 else 1 if shortest >= 4 else 0
    return allowed > 0 and _distance(parameter, name, allowed) <= allowed


def _distance(a: str, b: str, limit: int) -> int:
    """Edit distance counting a swap of two neighbouring letters as one edit (`itme`/`item`),
    or `limit + 1` once it is known to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def _rename(
    function: ast.FunctionDef | ast.AsyncFunctionDef, arg: ast.arg, new: str, ctx: Context
) -> Fix | None:
    """Rename the parameter and every use of it in the function, or None when that cannot be
    done by names alone: the new name is used in the function already, the old one is bound
    again (an assignment, a nested parameter, `global`/`nonlocal`), or the body calls
    `locals()`/`vars()`."""
    old = arg.arg
    text = ctx.source.text
    start = ctx.span(arg)[0]
    if text[start : start + len(old)] != old:
        return None
    edits = [Edit(start, start + len(old), new)]
    # The body only: decorators, defaults and annotations are evaluated outside the function.
    for node in (n for statement in function.body for n in ast.walk(statement)):
        if isinstance(node, ast.arg) and node.arg in (old, new):
            return None
        if isinstance(node, (ast.Global, ast.Nonlocal)) and {old, new} & set(node.names):
            return None
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and (
            node.name in (old, new)
        ):
            return None
        if not isinstance(node, ast.Name) or node.id not in (old, new, "locals", "vars"):
            continue
        if node.id != old or not isinstance(node.ctx, ast.Load):
            return None
        begin, end = ctx.span(node)
        if text[begin:end] != old:
            return None  # a position Python reports loosely (old f-strings)
        edits.append(Edit(begin, end, new))
    return Fix(tuple(edits), Applicability.UNSAFE, f"Rename `{old}` to `{new}`")
