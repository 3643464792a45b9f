from __future__ import annotations

import ast
from dataclasses import dataclass

from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...layout import fitted, flattened
from ...rule import FixAvailability, Invalid, Rule
from ...semantic.fastapi import is_annotated, param_function, parameters_with_defaults
from ...semantic.records import Condition
from ...semantic.summary import routes_elsewhere
from ._fastapi import annotated_name

# These take the dependency itself as their argument; the others take the parameter's default.
_DEPENDENCIES = frozenset({"Depends", "Security"})


class NonAnnotatedDependency(Rule):
    """## What it does
    Checks for route parameters whose default is `Depends(...)`, `Security(...)`,
    `Query(...)`, `Path(...)`, `Body(...)`, `Header(...)`, `Cookie(...)`, `Form(...)` or
    `File(...)` instead of being declared with `Annotated`. The router may be an instance of
    a router class of another module of the project, or what a factory there returns
    (`router = V1Router()`): in a project run the index decides.

    ## Why is this bad?
    FastAPI's docs recommend `Annotated`: the parameter keeps a real default (or none), so
    the function can be called normally — in tests, from other code — and the same
    `Annotated` alias can be shared by many routes. With the old style, calling the function
    directly passes a `Depends` object as the value.

    ## Example
    ```python
    @app.get("/items/")
    async def read_items(db: Session = Depends(get_db), q: str | None = Query(None, max_length=50)):
        ...
    ```

    ## Use instead
    ```python
    @app.get("/items/")
    async def read_items(
        db: Annotated[Session, Depends(get_db)],
        q: Annotated[str | None, Query(max_length=50)] = None,
    ):
        ...
    ```

    ## Fix safety
    Unsafe, as ruff's FAST002: `name: T = Depends(f)` becomes `name: Annotated[T,
    Depends(f)]`; for `Query` and the other parameter functions the default moves out of
    the call (`Query(None, max_length=50)` → `Annotated[T, Query(max_length=50)] = None`),
    and `...` (required) leaves no default. `Annotated` is imported from `typing` when it
    is not already available (from `typing` or `typing_extensions`).

    A parameter that ends up without a default may not follow a positional parameter that
    keeps one (`def f(limit: int = 10, db: Session = Depends(get_db))`): Python rejects
    that. As in ruff, such a parameter is reported without a fix. Unlike ruff, keyword-only
    parameters (after `*`) are always fixed, since their order is free.
    Parameters without an annotation are reported without a fix: there is no type to write.

    ## References
    - ruff FAST002 `fast-api-non-annotated-dependency`
    - FastAPI docs, "Query Parameters and String Validations: Advantages of Annotated"
    """

    code = "FAL503"
    defers = True
    name = "non-annotated-dependency"
    message = (
        "`{parameter}` uses `{function}(...)` as its default; "
        "declare it as `Annotated[..., {function}(...)]`"
    )
    nodes = (ast.FunctionDef, ast.AsyncFunctionDef)
    triggers = ("Depends", "Query", "Path", "Body", "Header", "Cookie", "Form", "File", "Security")
    # Where the markers are imported from (a relative import: inside fastapi).
    requires_any = ("fastapi", "from .")
    fix_availability = FixAvailability.SOMETIMES
    fix_applicability = (Applicability.UNSAFE,)
    valid = [
        """
        from typing import Annotated
        from fastapi import Depends, FastAPI, Query
        app = FastAPI()

        @app.get('/items')
        def items(db: Annotated[Session, Depends(get_db)], q: Annotated[str, Query()] = ''):
            ...
        """,
        # Not a route: a plain helper may use `Depends` defaults in sub-dependencies.
        """
        from fastapi import Depends

        def get_user(db=Depends(get_db)):
            ...
        """,
        # A project function called Query.
        """
        from fastapi import FastAPI
        from .filters import Query
        app = FastAPI()

        @app.get('/items')
        def items(q: str = Query('')):
            ...
        """,
        # Plain defaults.
        """
        from fastapi import FastAPI
        app = FastAPI()

        @app.get('/items')
        def items(limit: int = 10, q: str | None = None):
            ...
        """,
    ]
    invalid = [
        Invalid(
            """
            from fastapi import Depends, FastAPI
            app = FastAPI()

            @app.get('/me')
            def me(user: User = Depends(current_user)):
                ...
            """,
            expect=[
                "5:8-5:18 `user` uses `Depends(...)` as its default; declare it as `Annotated[..., Depends(...)]`"
            ],
            fixed="""
            from typing import Annotated

            from fastapi import Depends, FastAPI
            app = FastAPI()

            @app.get('/me')
            def me(user: Annotated[User, Depends(current_user)]):
                ...
            """,
            unsafe=True,
        ),
        Invalid(
            """
            from typing import Annotated
            from fastapi import FastAPI, Query, Path
            app = FastAPI()

            @app.get('/items/{item_id}')
            def item(item_id: int = Path(..., ge=1), q: str | None = Query(None, max_length=5)):
                ...
            """,
            fixed="""
            from typing import Annotated
            from fastapi import FastAPI, Query, Path
            app = FastAPI()

            @app.get('/items/{item_id}')
            def item(
                item_id: Annotated[int, Path(ge=1)],
                q: Annotated[str | None, Query(max_length=5)] = None,
            ):
                ...
            """,
            unsafe=True,
            expect=[
                "6:10-6:22 `item_id` uses `Path(...)` as its default; declare it as `Annotated[..., Path(...)]`",
                "6:42-6:55 `q` uses `Query(...)` as its default; declare it as `Annotated[..., Query(...)]`",
            ],
        ),
        # Required after a default: reported, not fixed (Python would reject the result).
        Invalid(
            """
            from fastapi import Depends, FastAPI
            app = FastAPI()

            @app.get('/items')
            def items(limit: int = 10, db: Session = Depends(get_db)):
                ...
            """,
            expect=[
                "5:28-5:39 `db` uses `Depends(...)` as its default; declare it as `Annotated[..., Depends(...)]`"
            ],
        ),
        # Keyword-only parameters may be required after defaulted ones.
        Invalid(
            """
            import typing
            import fastapi
            app = fastapi.FastAPI()

            @app.get('/items')
            def items(*, limit: int = 10, db: Session = fastapi.Depends(get_db)):
                ...
            """,
            expect=[
                "6:31-6:42 `db` uses `Depends(...)` as its default; declare it as `Annotated[..., Depends(...)]`"
            ],
            fixed="""
            import typing
            import fastapi
            app = fastapi.FastAPI()

            @app.get('/items')
            def items(*, limit: int = 10, db: typing.Annotated[Session, fastapi.Depends(get_db)]):
                ...
            """,
            unsafe=True,
        ),
        # A default split only to fit the old line is joined, as ruff format joins it.
        Invalid(
            """
            from fastapi import Depends, FastAPI
            app = FastAPI()

            @app.get('/me')
            def me(
                token: tuple[str, str] = Depends(
                    read_token
                ),
            ):
                ...
            """,
            expect=[
                "6:5-6:27 `token` uses `Depends(...)` as its default; declare it as `Annotated[..., Depends(...)]`"
            ],
            fixed="""
            from typing import Annotated

            from fastapi import Depends, FastAPI
            app = FastAPI()

            @app.get('/me')
            def me(
                token: Annotated[tuple[str, str], Depends(read_token)],
            ):
                ...
            """,
            unsafe=True,
        ),
        # No annotation: reported without a fix.
        Invalid(
            """
            from fastapi import Depends, FastAPI
            app = FastAPI()

            @app.get('/me')
            def me(user=Depends(current_user)):
                ...
            """,
            expect=[
                "5:8-5:12 `user` uses `Depends(...)` as its default; declare it as `Annotated[..., Depends(...)]`"
            ],
        ),
    ]

    def check(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
        scope = ctx.semantic.functions.get(node)
        if scope is None:
            return
        condition: Condition | None = None
        if scope.route is None:
            # A router whose class (or factory) lives in another module: the index decides
            # (on the outermost such decorator: one finding per parameter, as here).
            elsewhere = routes_elsewhere(node, ctx.semantic)
            if not elsewhere:
                return
            condition = elsewhere[0][1]
        seen_default = False  # a positional parameter before this one keeps a default
        annotated = annotated_name(ctx)
        name = annotated[0] if annotated is not None else "Annotated"
        import_edit = annotated[1] if annotated is not None else None
        for arg, default, keyword_only in parameters_with_defaults(node):
            function = param_function(default, ctx)
            if function is None or default is None:
                if default is not None and not keyword_only:
                    seen_default = True
                continue
            assert isinstance(default, ast.Call)
            content, keeps_default = self._replacement(arg, default, function, name, ctx)
            fix = None
            if (
                annotated is not None
                and content is not None
                and (keeps_default or keyword_only or not seen_default)
            ):
                edits = [Edit(ctx.span(arg)[0], ctx.span(default)[1], content)]
                if import_edit is not None:
                    edits.insert(0, import_edit)
                fix = Fix(tuple(edits), Applicability.UNSAFE, "Use `Annotated`")
            if not keyword_only and (keeps_default or fix is None):
                seen_default = True
            if condition is not None:
                ctx.defer(arg, (condition,), parameter=arg.arg, function=function, fix=fix)
            else:
                ctx.report(arg, parameter=arg.arg, function=function, fix=fix)

    @staticmethod
    def _replacement(
        arg: ast.arg, default: ast.Call, function: str, annotated: str, ctx: Context
    ) -> tuple[str | None, bool]:
        """The new parameter text (without the `Annotated` name) and whether it keeps a default."""
        if arg.annotation is None or is_annotated(arg.annotation, ctx):
            return None, True
        if any(kw.arg is None for kw in default.keywords) or any(
            isinstance(a, ast.Starred) for a in default.args
        ):
            return None, True
        annotation = ctx.text(arg.annotation)
        layout = _Layout.of(arg, default, ctx)
        if layout is not None:
            flat = _flat(arg, default, function, annotated, ctx)
            if flat is not None:
                return flat
        if function in _DEPENDENCIES:
            if layout is not None:
                return layout.parameter(arg.arg, annotated, annotation, ctx.text(default)), False
            return f"{arg.arg}: {annotated}[{annotation}, {ctx.text(default)}]", False
        value: ast.expr | None = default.args[0] if default.args else None
        others = [kw for kw in default.keywords if kw.arg != "default"]
        for kw in default.keywords:
            if kw.arg == "default":
                value = kw.value
        if len(default.args) > 1:
            return None, True  # extra positional arguments: not a shape FastAPI documents
        inner = ", ".join(ctx.text(kw) for kw in others)
        call = f"{ctx.text(default.func)}({inner})"
        if layout is not None and others:
            call = layout.call(ctx.text(default.func), [ctx.text(kw) for kw in others])
        if layout is not None:
            text = layout.parameter(arg.arg, annotated, annotation, call)
        else:
            text = f"{arg.arg}: {annotated}[{annotation}, {call}]"
        if value is None or (isinstance(value, ast.Constant) and value.value is ...):
            return text, False  # required
        return f"{text} = {ctx.text(value)}", True


def _flat(
    arg: ast.arg, default: ast.Call, function: str, annotated: str, ctx: Context
) -> tuple[str, bool] | None:
    """The rewritten parameter of a default spanning several lines, joined on one line when
    the formatter would join it (the split call was only there to fit the old line) and laid
    out as the formatter lays the line out (`layout.fitted`); None when it would stay split."""
    assert arg.annotation is not None
    annotation = flattened(ctx.text(arg.annotation))
    if annotation is None or flattened(ctx.text(default)) is None:
        return None  # a comment or a magic trailing comma in it: kept split
    value: ast.expr | None = None
    if function in _DEPENDENCIES:
        call = flattened(ctx.text(default))
    else:
        if len(default.args) > 1:
            return None
        value = default.args[0] if default.args else None
        others = []
        for kw in default.keywords:
            if kw.arg == "default":
                value = kw.value
            else:
                others.append(kw)
        texts = [flattened(ctx.text(kw)) for kw in others]
        if any(t is None for t in texts):
            return None
        call = f"{ctx.text(default.func)}({', '.join(t for t in texts if t is not None)})"
    if call is None:
        return None
    text = f"{arg.arg}: {annotated}[{annotation}, {call}]"
    keeps_default = not (value is None or (isinstance(value, ast.Constant) and value.value is ...))
    if keeps_default:
        assert value is not None
        value_text = flattened(ctx.text(value))
        if value_text is None:
            return None
        text += f" = {value_text}"
    source = ctx.source
    row_start = source.line_starts[arg.lineno - 1]
    indent = source.text[row_start : ctx.span(arg)[0]]
    end = ctx.span(default)[1]
    after = source.text[end : end + 1]
    suffix = "," if after == "," else ""
    laid = fitted(indent, text, suffix, ctx.settings.line_length, source.newline)
    return laid, keeps_default


@dataclass(frozen=True)
class _Layout:
    """A parameter whose default spans several lines is rewritten over several lines too, the
    way ruff format lays out a subscript and a call with trailing commas, so that the fixed
    signature is already formatted:

        q: Annotated[
            str,
            Query(
                description="...",
            ),
        ] = None,
    """

    indent: str  # of the parameter's line
    unit: str  # one more level
    newline: str

    @staticmethod
    def of(arg: ast.arg, default: ast.Call, ctx: Context) -> _Layout | None:
        if default.lineno == default.end_lineno:
            return None
        text = ctx.source.text
        start = ctx.span(arg)[0]
        row_start = ctx.source.line_starts[arg.lineno - 1]
        indent = text[row_start:start]
        if indent.strip() or "\t" in indent:
            return None  # the parameter shares its line: keep the text as it was
        return _Layout(indent, "    ", ctx.source.newline)

    def shifted(self, text: str) -> str:
        """`text` with its continuation lines one level deeper."""
        lines = text.split(self.newline)
        return self.newline.join(
            [lines[0]] + [self.unit + line if line.strip() else line for line in lines[1:]]
        )

    def call(self, function: str, arguments: list[str]) -> str:
        # Laid out as if the call stood at the parameter's place: `parameter` shifts it in.
        inner = self.indent + self.unit
        body = "".join(f"{self.newline}{inner}{a}," for a in arguments)
        return f"{function}({body}{self.newline}{self.indent})"

    def parameter(self, name: str, annotated: str, annotation: str, call: str) -> str:
        inner = self.indent + self.unit
        return (
            f"{name}: {annotated}[{self.newline}{inner}{self.shifted(annotation)},"
            f"{self.newline}{inner}{self.shifted(call)},{self.newline}{self.indent}]"
        )
