"""Pass 1 of project analysis: what one module tells the rest of the project.

The summary is collected by the same traversal that runs the per-file rules (the engine adds
`SummaryCollector` to its dispatch table), so a file is parsed and walked once. It is made of
small plain records — named tuples of str/int/bool and tuples of them — so that it can be
pickled across process boundaries, cached per file by content hash, and written as JSON for
the flake8 plugin (see `project.py`). Nothing here keeps an `ast` node.

Two kinds of content:

- *Declarations* other modules may ask about: imports and aliases, classes with their bases,
  functions (sync/async, the project calls and the blocking calls they make), module-level
  names bound to instances, route decorators, `include_router` registrations.
- *Facts* rules recorded because they could not decide alone (`Context.defer`): a finding that
  holds if the project index confirms a list of conditions ("`app.schemas.ItemUpdate` is a
  Pydantic model"). Pass 2 resolves them against the index without re-parsing anything.

A summary depends on the file's text, its path (module name, display path) and the settings
(facts are recorded only by enabled rules): a cache must key it on all three.
"""

from __future__ import annotations

import ast
import sys
from sys import intern  # names repeated across files: one object each in a pool's message
from typing import TYPE_CHECKING, Any

from ..catalogues.blocking import TABLES, BlockingTable
from ..catalogues.pydantic_v1 import FIELD_CALLS
from ..noqa import is_suppressed, line_codes
from .blocking import blocking_call, blocking_types  # the blocking rules' own matcher
from .fastapi import (
    annotated_metadata,
    cors_registration,
    param_function,
    parameters_with_defaults,
    wildcard_origins,
)
from .model import (
    APP_TYPES,
    ROUTE_METHODS,
    BindingKind,
    Route,
    ScopeKind,
    SemanticModel,
    route_target,
)
from .records import (
    BlockingRecord,
    CallRecord,
    ClassRecord,
    Condition,
    FunctionRecord,
    IsRouter,
    ModuleSummary,
    RegistrationRecord,
    RouteRecord,
    RouterType,
    WildcardRecord,
)

if TYPE_CHECKING:
    from ..context import Context
    from ..settings import Settings

# Calls into these never reach project code; not recording them keeps summaries small.
_EXTERNAL_ROOTS = frozenset(sys.stdlib_module_names) | {"builtins"}
# Libraries whose classes are never the project's routers.
_FRAMEWORKS = frozenset({"fastapi", "starlette", "pydantic", "sqlalchemy", "httpx", "requests"})


# ------------------------------------------------------------------ candidates


def call_candidate(call: ast.Call, semantic: SemanticModel, name: str | None) -> str | None:
    """The qualified name a call may reach in the project, or None.

    `fetch()` / `users.fetch()` through imports; `repo.get()` on a receiver of a known class
    (`repo: UserRepo`, `repo = UserRepo()`) as `UserRepo.get`; `self.get()` / `cls.get()` in a
    method as `<its class>.get`. Names of the standard library and builtins are left out.
    `name` is the callee's qualified name (`semantic.qualified_name(call.func)`), which the
    callers have at hand already.
    """
    func = call.func
    if name is None and isinstance(func, ast.Name):
        # `inner()` of a `def inner` nested in the function: recorded under its own name.
        binding = semantic.lookup(func.id)
        if binding is not None and binding.kind is BindingKind.FUNCTION:
            name = function_qualname(binding.node, semantic)
    if name is None and isinstance(func, ast.Attribute):
        receiver = func.value
        owner = semantic.type_of(receiver)
        if owner is None and isinstance(receiver, ast.Name):
            owner = method_owner(receiver.id, semantic)
        if owner is not None:
            name = f"{owner}.{func.attr}"
    if name is None or name.split(".", 1)[0] in _EXTERNAL_ROOTS:
        return None
    return name


def function_qualname(node: ast.AST | None, semantic: SemanticModel) -> str | None:
    """The name a function of the module is recorded under, as Python's `__qualname__` has
    it after the module's name: `app.db.connect`, a method `app.repo.Users.get`, a function
    nested in another `app.api.handler.<locals>.load`. None for a function the walk has not
    declared, and inside classes defined in functions (their names are not unique)."""
    scope = semantic.functions.get(node) if node is not None else None
    if scope is None or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    parent = scope.parent
    if parent is None:
        return None
    if parent is semantic.module_scope:
        return f"{semantic.module}.{node.name}"
    if parent.kind is ScopeKind.CLASS and parent.parent is not None:
        owner = parent.bindings.get("__qualname__")
        if owner is None or owner.qualname is None or "<locals>" in owner.qualname:
            return None
        return f"{owner.qualname}.{node.name}"
    if parent.kind is ScopeKind.FUNCTION:
        outer = function_qualname(parent.node, semantic)
        return f"{outer}.<locals>.{node.name}" if outer is not None else None
    return None


def method_owner(name: str, semantic: SemanticModel) -> str | None:
    """The class whose method binds `name` as its first parameter (`self`, `cls`)."""
    return semantic.self_class(name)


# ------------------------------------------------------------------- collector


class _FunctionBuilder:
    __slots__ = ("blocking", "calls", "generator", "middleware", "node", "record", "returns")

    def __init__(self, record: FunctionRecord, node: ast.AST) -> None:
        self.record = record
        self.node = node
        self.calls: list[CallRecord] = []
        self.blocking: list[BlockingRecord] = []
        self.middleware: list[tuple[str, bool]] = []
        self.generator = False
        self.returns = False  # has a `return <value>`: only then is the body's return inferred


class SummaryCollector:
    """Not a rule: the engine runs it beside the rules, in the same walk, to build the summary
    (the traversal hands nodes to anything shaped as a `traversal.Walker`).

    It never reports; it looks at function definitions, calls, awaits and yields as the
    traversal hands them over, and reads the finished semantic model in `finish`.
    """

    code = "summary"  # names it in an internal error, as a rule's code would
    only_in_async = False
    nodes = (
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.Call,
        ast.Await,
        ast.Yield,
        ast.YieldFrom,
        ast.Return,
    )

    def __init__(self, settings: Settings) -> None:
        # The blocking tables are the rules' own (FAL101–FAL105), extended from the settings.
        self.tables = [(code, TABLES[code], settings.blocking_extensions(code)) for code in TABLES]
        # Blocking functions by qualified name, all tables in one lookup.
        self.calls = {
            name: code
            for code, table, extra in reversed(self.tables)
            for name in (*table.calls, *extra)
        }
        # Per method name, the tables in which a call of it can block (on some receiver
        # type): filled as names come, for the whole run.
        self._tables_for: dict[str, list[tuple[str, BlockingTable, frozenset[str]]]] = {}
        self.functions: dict[ast.AST, _FunctionBuilder] = {}
        self.awaited: set[int] = set()
        self.registrations: list[RegistrationRecord] = []
        self.result: ModuleSummary | None = None  # the file's summary, once finished

    def start(self) -> None:
        """Forget the previous file. One collector serves every file of a rule set (see
        `RuleSet.collector`): the tables above are built once, and the engine's walk table,
        cached per set of rule instances, stays valid."""
        self.functions = {}
        self.awaited = set()
        self.registrations = []
        self.result = None

    def check(self, node: ast.AST, ctx: Context) -> None:
        kind = type(node)
        if kind is ast.Call:
            self._call(node, ctx)  # type: ignore[arg-type]  # `type() is`: faster than isinstance
        elif kind is ast.Await:
            self.awaited.add(id(node.value))  # type: ignore[attr-defined]  # as above
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            self._function(node, ctx)  # type: ignore[arg-type]  # as above
        elif kind is ast.Return:
            if node.value is not None:  # type: ignore[attr-defined]  # a Return
                builder = self._current(ctx)
                if builder is not None:
                    builder.returns = True
        else:  # Yield, YieldFrom
            builder = self._current(ctx)
            if builder is not None:
                builder.generator = True

    def _current(self, ctx: Context) -> _FunctionBuilder | None:
        scope = ctx.semantic.function_scope
        if scope is None or scope.kind is not ScopeKind.FUNCTION:
            return None  # module level, class bodies, lambdas
        return self.functions.get(scope.node)  # type: ignore[arg-type]  # a FUNCTION scope's node is a def

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> None:
        semantic = ctx.semantic
        # A nested function is recorded too: the function it is nested in may call it, and
        # FAL106's chains go through it (`def load(): ...` inside an `async def`).
        qualname = function_qualname(node, semantic)
        if qualname is None:
            return
        decorators = tuple(
            intern(semantic.qualified_name(d.func if isinstance(d, ast.Call) else d) or "")
            for d in node.decorator_list
        )
        args = node.args
        params = tuple(a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs])
        depends, unfilled = _dependencies(node, ctx)
        record = FunctionRecord(
            qualname=qualname,
            name=node.name,
            is_async=isinstance(node, ast.AsyncFunctionDef),
            is_generator=False,
            decorators=decorators,
            route=route_record(node, ctx),
            row=node.lineno,
            col=node.col_offset + 1,
            params=params,
            calls=(),
            blocking=(),
            depends=depends,
            kwarg=args.kwarg is not None,
            accepted=_accepts(ctx, node.lineno),
            unfilled=unfilled,
        )
        self.functions[node] = _FunctionBuilder(record, node)

    def _call(self, node: ast.Call, ctx: Context) -> None:
        builder = self._current(ctx)
        if builder is None:
            if ctx.semantic.at_module_level:
                self._registration(node, ctx)
            return
        name, candidate = ctx.call_names(node)
        if candidate is not None:
            builder.calls.append(
                CallRecord(
                    intern(candidate), node.lineno, node.col_offset + 1, id(node) in self.awaited
                )
            )
        blocking = self._blocking(node, name, ctx)
        if blocking is not None and not self._accepted(node, ctx):
            builder.blocking.append(
                BlockingRecord(blocking[0], blocking[1], node.lineno, node.col_offset + 1)
            )
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("add_middleware", "middleware"):
            self._middleware(node, func, builder, ctx)

    @staticmethod
    def _middleware(
        node: ast.Call, func: ast.Attribute, builder: _FunctionBuilder, ctx: Context
    ) -> None:
        """`app.add_middleware(...)` or `@app.middleware("http")` on a parameter `app`: what
        a caller passing its app registers on it (FAL403 across modules)."""
        receiver = func.value
        if not isinstance(receiver, ast.Name):
            return
        binding = ctx.semantic.scope.bindings.get(receiver.id)
        if binding is None or binding.kind is not BindingKind.PARAMETER:
            return
        if func.attr == "middleware":
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and first.value == "http":
                builder.middleware.append((receiver.id, False))
            return
        builder.middleware.append((receiver.id, cors_registration(node, ctx) is not None))

    @staticmethod
    def _accepted(node: ast.Call, ctx: Context) -> bool:
        """`# noqa: FAL106` (or a bare `# noqa`) on a blocking call in a sync function says the
        call is fine where it is: chains through it are not reported. (On the function's `def`
        line it covers the whole function: see `FunctionRecord.accepted`.)"""
        return _accepts(ctx, node.lineno)

    def _blocking(self, node: ast.Call, name: str | None, ctx: Context) -> tuple[str, str] | None:
        """The code and the name of a FAL101–FAL105 call, matched as the rules match it.

        Every call of every function passes here, so the common cases are answered first: a
        call by qualified name is one dict lookup, and a method call on a receiver whose type
        (or whose chain's root type) is unknown cannot match any table.
        """
        func = node.func
        if name is not None:
            code = self.calls.get(name)
            return (code, name.removeprefix("builtins.")) if code is not None else None
        if not isinstance(func, ast.Attribute):
            return None
        tables = self._tables_for.get(func.attr)
        if tables is None:
            tables = self._tables_for[func.attr] = [
                entry for entry in self.tables if blocking_types(entry[1], func.attr, entry[2])
            ]
        if not tables or ctx.semantic.root_type(func.value) is None:
            return None
        for code, table, extra in tables:
            if blocking_call(node, ctx, table, extra) is not None:
                text = "".join(ctx.text(func).split())
                if len(text) > 40:  # `Path(settings.base_dir, "x").read_text`
                    text = "…" + text[-39:]
                return code, text
        return None

    def _registration(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "include_router" and node.args):
            return
        semantic = ctx.semantic
        owner = semantic.type_of(func.value) or semantic.qualified_name(func.value)
        router = semantic.qualified_name(node.args[0])
        if owner is None or router is None:
            return
        prefix = None
        for keyword in node.keywords:
            if keyword.arg == "prefix" and isinstance(keyword.value, ast.Constant):
                prefix = keyword.value.value if isinstance(keyword.value.value, str) else None
        self.registrations.append(RegistrationRecord(owner, router, prefix, node.lineno))

    def finish(self, ctx: Context) -> None:
        semantic = ctx.semantic
        imports: list[tuple[str, str]] = []
        instances: list[tuple[str, str]] = []
        for name, binding in semantic.module_scope.bindings.items():
            if binding.kind is BindingKind.IMPORT or (
                binding.kind is BindingKind.ASSIGNMENT and binding.qualname
            ):
                if binding.qualname:
                    imports.append((intern(name), intern(binding.qualname)))
            elif binding.kind is BindingKind.ASSIGNMENT and binding.type:
                instances.append((intern(name), intern(binding.type)))
        imports.extend(("*", module) for module in semantic.star_imports)
        classes = []
        for info in semantic.classes.values():
            if "<locals>" in info.qualname:
                continue
            classes.append(
                ClassRecord(
                    info.qualname,
                    info.bases,
                    _members(info.node),
                    info.node.lineno,
                    _wildcards(info.node, ctx),
                    _attributes(info.qualname, info.node, semantic),
                )
            )
        functions = tuple(
            b.record._replace(
                is_generator=b.generator,
                calls=tuple(b.calls),
                blocking=tuple(b.blocking),
                middleware=tuple(b.middleware),
                **_returns(b, semantic),
            )
            for b in self.functions.values()
        )
        self.result = ModuleSummary(
            path=ctx.path,
            module=semantic.module,
            is_package=semantic.is_package,
            imports=tuple(imports),
            instances=tuple(instances),
            classes=tuple(classes),
            functions=functions,
            registrations=tuple(self.registrations),
            wildcards=_wildcard_values(ctx),
        )


def _returns(builder: _FunctionBuilder, semantic: SemanticModel) -> dict[str, Any]:
    """What the function returns, for other modules (`FunctionRecord.returns`, `via`,
    `maker`). Only a function with a return annotation or a `return <value>` is asked:
    inferring reads the body again, and most functions' results nobody asks about would be
    unknown anyway."""
    node = builder.node
    if not isinstance(node, ast.FunctionDef) or builder.generator:
        return {}  # calling it gives a coroutine or a generator
    if node.returns is None and not builder.returns:
        return {}
    returned = semantic.returned(node)
    if returned is None:
        return {}
    return {"returns": returned.type, "via": returned.via, "maker": returned.maker or ""}


def _dependencies(
    node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The qualified names its parameters' `Depends(f)` / `Security(f)` markers call
    (`FunctionRecord.depends`), and its parameters FastAPI never fills by name
    (`FunctionRecord.unfilled`): the positional-only ones and the dependencies. One pass
    over the parameters' markers serves both."""
    found: list[str] = []
    unfilled = [arg.arg for arg in node.args.posonlyargs]
    for arg, default, _ in parameters_with_defaults(node):
        dependency = False
        annotation = arg.annotation
        markers = [default, *annotated_metadata(annotation, ctx)] if annotation else [default]
        for marker in markers:
            if param_function(marker, ctx) not in ("Depends", "Security"):
                continue
            dependency = True
            assert isinstance(marker, ast.Call)
            target = marker.args[0] if marker.args else None
            for kw in marker.keywords:
                if kw.arg == "dependency":
                    target = kw.value
            name = ctx.qualified_name(target) if target is not None else None
            if name is None and isinstance(target, ast.Name) and ctx.semantic.at_module_level:
                binding = ctx.semantic.lookup(target.id)
                if binding is not None and binding.kind is BindingKind.ASSIGNMENT:
                    name = f"{ctx.semantic.module}.{target.id}"  # a module-level instance
            found.append(name or "?")
        if dependency:
            unfilled.append(arg.arg)
    return tuple(found), tuple(dict.fromkeys(unfilled))


def _attributes(
    cls: str, node: ast.ClassDef, semantic: SemanticModel
) -> tuple[tuple[str, str], ...]:
    """The instance attributes of the class whose type its module knows: annotated in the body,
    or assigned to `self.<name>` in `__init__` (see `SemanticModel.attribute_type`). Builtin
    and `typing` types are left out: no question across modules is about them. The body's
    annotations are read in one pass (models have many fields); `__init__` only for the rest."""
    found: dict[str, str | None] = {}
    assigned: dict[str, None] = {}
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            if statement.target.id not in found:
                found[statement.target.id] = semantic.annotation_type(statement.annotation)
        elif isinstance(statement, ast.FunctionDef) and statement.name == "__init__":
            if not statement.args.args:
                continue
            this = statement.args.args[0].arg
            for child in ast.walk(statement):
                target = child.target if isinstance(child, ast.AnnAssign) else None
                targets = child.targets if isinstance(child, ast.Assign) else [target]
                for item in targets:
                    if (
                        isinstance(item, ast.Attribute)
                        and isinstance(item.value, ast.Name)
                        and item.value.id == this
                    ):
                        assigned[item.attr] = None
    for name in assigned:
        if name not in found:
            found[name] = semantic.attribute_type(cls, name)
    return tuple(
        (name, type_)
        for name, type_ in found.items()
        if type_ is not None and type_.split(".", 1)[0] not in ("builtins", "typing")
    )


def _wildcard_values(ctx: Context) -> tuple[WildcardRecord, ...]:
    """The module-level names whose value may let every origin in as `allow_origins`
    (`ORIGINS = ["*"]`, `os.getenv("ORIGINS", "*").split(",")`), read where the module ends,
    as an importer sees them: the last assignment of each name."""
    semantic = ctx.semantic
    saved = semantic.scope
    semantic.scope = semantic.module_scope
    found: list[WildcardRecord] = []
    try:
        for name, binding in semantic.module_scope.bindings.items():
            if binding.kind is not BindingKind.ASSIGNMENT or binding.qualname is not None:
                continue
            value = binding.value
            if value is None and binding.unpacked is None:
                continue
            if isinstance(value, ast.Constant) and not isinstance(value.value, str):
                continue  # numbers, None, booleans: the bulk of module constants
            target = ast.Name(id=name, ctx=ast.Load())
            wildcard = wildcard_origins(target, ctx)
            if wildcard is not None:
                row = wildcard.row if wildcard.origin else getattr(binding.node, "lineno", 0)
                found.append(WildcardRecord(name, wildcard.origin or "", row))
    finally:
        semantic.scope = saved
    return tuple(found)


def _wildcards(node: ast.ClassDef, ctx: Context) -> tuple[str, ...]:
    """The fields of the class body whose default is a literal holding the string "*", also
    given as Pydantic's `Field("*")` / `Field(default=["*"])`."""
    names: list[str] = []
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            if statement.value is not None and _holds_wildcard(statement.value, ctx):
                names.append(statement.target.id)
        elif isinstance(statement, ast.Assign) and _holds_wildcard(statement.value, ctx):
            names.extend(t.id for t in statement.targets if isinstance(t, ast.Name))
    return tuple(names)


def _holds_wildcard(value: ast.expr, ctx: Context) -> bool:
    if isinstance(value, ast.Call) and ctx.qualified_name(value.func) in FIELD_CALLS:
        default = value.args[0] if value.args else None
        for kw in value.keywords:
            if kw.arg == "default":
                default = kw.value
        return default is not None and _holds_wildcard(default, ctx)
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return any(isinstance(e, ast.Constant) and e.value == "*" for e in value.elts)
    return isinstance(value, ast.Constant) and value.value == "*"


def _members(node: ast.ClassDef) -> tuple[str, ...]:
    names: list[str] = []
    for statement in node.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(statement.name)
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            names.append(statement.target.id)
        elif isinstance(statement, ast.Assign):
            names.extend(t.id for t in statement.targets if isinstance(t, ast.Name))
    return tuple(names)


def route_record(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: Context) -> RouteRecord | None:
    """The route this function is registered as: known in this module (`scope.route`), or a
    route decorator called on an imported object the index may know to be a router."""
    semantic = ctx.semantic
    scope = semantic.functions.get(node)
    route = scope.route if scope is not None else None
    if route is not None:
        return RouteRecord(route.method, route.path, route.owner, "")
    for route, condition in routes_elsewhere(node, semantic):
        if isinstance(condition, RouterType):
            return RouteRecord(route.method, route.path, condition.owner_type, "")
        assert isinstance(condition, IsRouter)
        return RouteRecord(route.method, route.path, "", condition.name)
    return None


def routes_elsewhere(
    node: ast.FunctionDef | ast.AsyncFunctionDef, semantic: SemanticModel
) -> list[tuple[Route, Condition]]:
    """The route decorators of `node` whose app or router only the project index can tell:
    `router = V1Router()` / `make_router()` with the class or factory in another module of
    the project (`RouterType`), or a router imported from one (`IsRouter`). Each comes with
    the condition a rule defers its finding on; `Route.owner` is the type or imported name.
    Routes this module knows (`Scope.routes`) are not among them."""
    found: list[tuple[Route, Condition]] = []
    for decorator in node.decorator_list:
        if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
            continue
        if decorator.func.attr not in ROUTE_METHODS:
            continue
        owner_expr = decorator.func.value
        known = semantic.type_of(owner_expr)
        if known is not None:
            if semantic.app_type(known) is None and project_type(known, semantic):
                # `router = V1Router()` / `make_router()` of another module of the project:
                # the index knows whether that class (or what that function returns) is one.
                method, path = route_target(decorator)
                found.append((Route(method, path, decorator, known), RouterType(known)))
            continue  # a local object of another class: not a route
        owner = semantic.qualified_name(owner_expr)
        if owner is None or owner.split(".", 1)[0] in _EXTERNAL_ROOTS:
            continue
        binding = semantic.lookup(owner_expr.id) if isinstance(owner_expr, ast.Name) else None
        if binding is not None and binding.kind is not BindingKind.IMPORT:
            continue  # a local name of unknown type
        method, path = route_target(decorator)
        found.append((Route(method, path, decorator, owner), IsRouter(owner)))
    return found


def outside_project(name: str) -> bool:
    """Is the dotted name certainly not the project's: the standard library, builtins, or a
    framework whose classes and functions are known (`fastapi`, `sqlalchemy`, `httpx`, ...)?"""
    root = name.split(".", 1)[0]
    return root in _EXTERNAL_ROOTS or root in _FRAMEWORKS


def project_type(type_: str, semantic: SemanticModel) -> bool:
    """Could the class `type_` (a value's type as this module knows it) be defined in another
    module of the project? Not a class of this module, the standard library or a catalogued
    library; the index decides (an installed package is asked already: `app_type`)."""
    if type_ in APP_TYPES or type_.startswith(semantic.module + "."):
        return False
    root = type_.split(".", 1)[0]
    return root not in _EXTERNAL_ROOTS and root not in _FRAMEWORKS and "." in type_


def _accepts(ctx: Context, row: int) -> bool:
    """Does a `# noqa` on `row` cover FAL106? Recorded as a use of the comment (FAL001)."""
    if is_suppressed("FAL106", line_codes(ctx.source, row)):
        ctx.noqa_uses.append(("FAL106", row))
        return True
    return False
