"""The FAL201 fix: fold one app's event handlers into a single `lifespan` context manager.

The rule collects every event registration of the file while the tree is walked; once the walk
is done this module decides, per app, whether the registrations can be folded mechanically, and
builds one `Fix` per app. Every finding of that app carries the *same* fix (equal edits), so the
fixer applies it once whichever finding it meets first.

The rewrite, for `app = FastAPI(...)` or `app = Starlette(...)` created in this module (when the
project's release is known, only from the first release that takes such a lifespan):

* `@asynccontextmanager async def lifespan(app: FastAPI):` is inserted right before the statement
  that creates the app, and `lifespan=lifespan` is passed to the `FastAPI(...)` call (replacing
  `on_startup=`/`on_shutdown=`). The lifespan calls the handlers *by name*: it runs only at
  startup, when the whole module (or the whole factory function) has run, so handlers defined
  after the app are bound by then;
* it runs the startup handlers in Starlette's registration order -- the constructor's
  `on_startup=[...]` list first, then `@app.on_event("startup")` and
  `app.add_event_handler("startup", f)` in the order the statements run -- then `yield`s, then
  the shutdown handlers in the same order. An `async def` handler is awaited, a plain `def`
  called; a handler the file cannot tell (imported, a bound method, a def with further
  decorators) is called and its result awaited when it is awaitable;
* no `try`/`finally`: like Starlette's event handlers, the shutdown handlers do not run when a
  startup handler raised;
* the `@app.on_event(...)` decorators and the `add_event_handler(...)` statements are removed; the
  handler functions stay, so other code calling them keeps working.

Anything the rewrite cannot follow makes it refuse for the whole app (a partial rewrite would be
worse than none: once an app has a `lifespan`, its remaining event handlers silently stop
running) and the findings say why.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from dataclasses import dataclass, field

from ...context import Context
from ...diagnostics import Applicability, Edit, Fix
from ...import_placement import combine
from ...noqa import is_suppressed, suppressed_codes

STARTUP, SHUTDOWN = "startup", "shutdown"
EVENTS = (STARTUP, SHUTDOWN)
FASTAPI = "fastapi.FastAPI"
STARLETTE = "starlette.Starlette"
# The apps whose events the fix folds, and the first release of each library whose constructor
# takes an `asynccontextmanager` lifespan (FastAPI 0.93; Starlette 0.16 -- before it, Starlette's
# `lifespan=` had to be an async generator function, which `@asynccontextmanager` is not).
FOLDABLE = {FASTAPI: ("fastapi", (0, 93)), STARLETTE: ("starlette", (0, 16))}

# Callables known to take the app without registering event handlers on it. Any other call that
# receives the app (`register_tortoise(app, ...)`, `setup(app)`) may add handlers the lifespan
# would silently disable, so the fix refuses.
SAFE_APP_CONSUMERS = frozenset(
    {
        "uvicorn.run",
        "fastapi.testclient.TestClient",
        "starlette.testclient.TestClient",
        "httpx.ASGITransport",
        "httpx.AsyncClient",
        "httpx.Client",
        "builtins.isinstance",
        "builtins.print",
        "builtins.id",
        "builtins.type",
    }
)

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_BLANK_LINES = re.compile(r"(?:[ \t]*(?:\r\n|\r|\n))+")
_TRAILER = re.compile(r"[ \t]*(#[^\r\n]*)?(\r\n|\r|\n|$)")


@dataclass
class Registration:
    """One finding of FAL201 and what the fix needs to know about it."""

    node: ast.AST  # what the finding points at: the decorator, the call, the keyword
    kind: str  # "decorator", "call" or "keyword"
    what: str  # how the message names it
    owner: str | None  # canonical type of the app/router
    app: ast.Call | None  # the constructor call of the app, when made in this module
    function: ast.FunctionDef | ast.AsyncFunctionDef | None = None  # the decorated handler
    decorator_index: int = 0


@dataclass
class AppPlan:
    """The lifespan fix of one app, or why it has none."""

    fix: Fix | None = None
    reason: str = ""  # why there is no fix (empty when there is one)


@dataclass
class Handler:
    """An event handler as the lifespan will call it."""

    text: str  # how the lifespan calls it
    kind: str  # "async", "sync" or "unknown"


@dataclass
class _Scope:
    """A body the handlers are registered in, with what it binds and defines."""

    node: ast.Module | ast.FunctionDef | ast.AsyncFunctionDef
    bound: Counter[str] = field(default_factory=Counter)
    defs: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    # id of each statement of the body -> its index: "is it in the body, and where" in O(1),
    # asked for every registration (a module can have thousands).
    index: dict[int, int] = field(default_factory=dict)


class Planner:
    """Plans the lifespan fix of every app of one file."""

    def __init__(
        self,
        ctx: Context,
        registrations: list[Registration],
        blockers: dict[ast.Call, list[str]],
    ) -> None:
        self.ctx = ctx
        self.registrations = registrations
        self.blockers = blockers
        self.tree = ctx.semantic.tree
        self.parents: dict[ast.AST, ast.AST] = {}
        for parent in ast.walk(self.tree):
            for child in ast.iter_child_nodes(parent):
                self.parents[child] = parent
        self.used_names = _all_names(self.tree)
        self.scopes: dict[ast.AST, _Scope] = {}

    def plan(self) -> dict[ast.Call, AppPlan]:
        groups: dict[ast.Call, list[Registration]] = {}
        for registration in self.registrations:
            if registration.app is not None and registration.owner in FOLDABLE:
                groups.setdefault(registration.app, []).append(registration)
        # Apps in source order, so a second app of the file gets the second lifespan name.
        ordered = sorted(groups, key=lambda call: (call.lineno, call.col_offset))
        return {app: self._plan_app(app, groups[app]) for app in ordered}

    # -------------------------------------------------------------- one app

    def _plan_app(self, call: ast.Call, registrations: list[Registration]) -> AppPlan:
        ctx = self.ctx
        if any(k.arg == "lifespan" for k in call.keywords):
            return AppPlan(reason="lifespan")
        shown = ctx.text(call.func)
        if any(isinstance(a, ast.Starred) for a in call.args) or any(
            k.arg is None for k in call.keywords
        ):
            return AppPlan(reason=f"the `{shown}(...)` call passes `*args`/`**kwargs`")
        owner = registrations[0].owner
        assert owner is not None
        library, minimum = FOLDABLE[owner]
        if ctx.settings.target(library).at_least(minimum) is False:
            # The project's release has no lifespan to fold into; the events are all it has.
            release = ".".join(map(str, minimum))
            return AppPlan(reason=f"the project's {library} predates `lifespan=` ({release})")
        if self.blockers.get(call):
            return AppPlan(reason=self.blockers[call][0])
        for registration in registrations:
            line = ctx.source.line(registration.node.lineno)  # type: ignore[attr-defined]  # a stmt or an expr
            if is_suppressed("FAL201", suppressed_codes(line)):
                # Folding a suppressed handler would override the comment; leaving it out
                # would disable it once the app has a lifespan.
                return AppPlan(reason="one of its handlers is kept with `# noqa`")
        statement = self._statement_of(call)
        target = _assigned_name(statement, call)
        if target is None:
            return AppPlan(reason=f"the app is not created by a plain `app = {shown}(...)`")
        scope = self._scope_of(statement)
        if scope is None:
            return AppPlan(reason="the app is not created at module or function level")
        if scope.bound[target] != 1:
            return AppPlan(reason=f"`{target}` is bound more than once")

        startup: list[Handler] = []
        shutdown: list[Handler] = []
        edits: list[Edit] = []
        # The constructor's lists are registered first, in list order.
        keywords = [k for k in call.keywords if k.arg in ("on_startup", "on_shutdown")]
        for keyword in keywords:
            if not isinstance(keyword.value, (ast.List, ast.Tuple)):
                return AppPlan(reason=f"`{keyword.arg}=` is not a literal list")
            handlers = startup if keyword.arg == "on_startup" else shutdown
            for element in keyword.value.elts:
                handler = self._handler(element, scope)
                if handler is None:
                    return AppPlan(reason=f"`{ctx.text(element)}` is not a plain function name")
                handlers.append(handler)

        # Then decorators and `add_event_handler` calls, in the order the statements run.
        ordered: list[tuple[ast.stmt, Registration]] = []
        for registration in registrations:
            if registration.kind == "keyword":
                continue
            found = self._registration_statement(registration, scope, target)
            if isinstance(found, str):
                return AppPlan(reason=found)
            ordered.append((found, registration))
        body = scope.node.body
        position = scope.index
        ordered.sort(key=lambda item: position[id(item[0])])
        last = position[id(ordered[-1][0])] if ordered else 0
        if ordered and _stops_between(body, position[id(statement)], last):
            # Registrations below `return`, or below the main guard (where `uvicorn.run(app)`
            # blocks), never ran; the lifespan would call names not bound yet.
            return AppPlan(reason="a handler is registered after `return` or the main guard")
        for statement_, registration in ordered:
            event, handler, removal = self._fold(statement_, registration, scope)
            if handler is None or removal is None:
                return AppPlan(reason=event)
            (startup if event == STARTUP else shutdown).append(handler)
            edits.append(removal)

        name = self._fresh_name(["lifespan", f"{target}_lifespan", "app_lifespan"])
        roots = {h.text.split(".")[0] for h in (*startup, *shutdown)}
        parameter = "app" if "app" not in roots else "_app"
        result = "result" if "result" not in roots else "_result"

        # The import must be usable where the lifespan is defined (before the app statement).
        decorator_name, import_edit = ctx.import_edit("contextlib", "asynccontextmanager")
        if import_edit is None and not self._imported_before(decorator_name, statement):
            return AppPlan(reason="`asynccontextmanager` is imported after the app is created")
        awaitable_name, awaitable_edit = "isawaitable", None
        if any(h.kind == "unknown" for h in (*startup, *shutdown)):
            awaitable_name, awaitable_edit = ctx.import_edit("inspect", "isawaitable")
            if awaitable_edit is None and not self._imported_before(awaitable_name, statement):
                return AppPlan(reason="`isawaitable` is imported after the app is created")
        insertion = self._insertion_point(statement)
        if insertion is None:
            return AppPlan(reason="the app statement shares its line with other code")

        lifespan = self._lifespan_text(
            statement, scope, name, parameter, ctx.text(call.func), decorator_name,
            awaitable_name, result, startup, shutdown,
        )  # fmt: skip
        keyword_edits = self._keyword_edits(call, keywords, name)
        all_edits = combine(
            [e for e in (import_edit, awaitable_edit) if e is not None], ctx.source.newline
        )
        all_edits.append(Edit(insertion, insertion, lifespan))
        all_edits.extend(keyword_edits)
        all_edits.extend(edits)
        message = f"Move the event handlers into a `{name}` context manager"
        return AppPlan(fix=Fix(tuple(all_edits), Applicability.UNSAFE, message))

    # ------------------------------------------------------------- pieces

    def _registration_statement(
        self, registration: Registration, scope: _Scope, target: str
    ) -> ast.stmt | str:
        """The statement of the scope's body that registers, or why it cannot be folded."""
        if registration.kind == "decorator":
            function = registration.function
            assert function is not None
            if registration.decorator_index != 0:
                return "`on_event` is not the outermost decorator"
            statement: ast.AST = function
        else:
            statement = self._statement_of(registration.node)
            if not (isinstance(statement, ast.Expr) and statement.value is registration.node):
                return "the result of `add_event_handler()` is used"
        if self.parents.get(statement) is not scope.node or id(statement) not in scope.index:
            return "a handler is registered conditionally or in another scope"
        receiver = _receiver(registration.node)
        if not (isinstance(receiver, ast.Name) and receiver.id == target):
            return "a handler is registered through another name of the app"
        assert isinstance(statement, ast.stmt)
        return statement

    def _fold(
        self, statement: ast.stmt, registration: Registration, scope: _Scope
    ) -> tuple[str, Handler | None, Edit | None]:
        """(event, handler, the edit removing the registration) -- or (reason, None, None)."""
        call = registration.node
        assert isinstance(call, ast.Call)
        if registration.kind == "decorator":
            if len(call.args) != 1 or call.keywords:
                return "`on_event(...)` has unusual arguments", None, None
            event = _literal(call.args[0])
            function = registration.function
            assert function is not None
            if scope.bound[function.name] != 1:
                return f"`{function.name}` is bound more than once", None, None
            only = len(function.decorator_list) == 1
            kind = "unknown"
            if only:
                kind = "async" if isinstance(function, ast.AsyncFunctionDef) else "sync"
            handler = Handler(function.name, kind)
            removal = self._remove_lines(call, function.decorator_list[0], decorator=True)
        else:
            if len(call.args) != 2 or call.keywords:
                return "`add_event_handler(...)` has unusual arguments", None, None
            event = _literal(call.args[0])
            maybe = self._handler(call.args[1], scope)
            if maybe is None:
                text = self.ctx.text(call.args[1])
                return f"`{text}` is not a plain function name", None, None
            handler = maybe
            removal = self._remove_lines(statement, statement, decorator=False)
        if event not in EVENTS:
            return 'the event is not a literal `"startup"` or `"shutdown"`', None, None
        if removal is None:
            return "the registration shares its line with other code", None, None
        return event, handler, removal

    def _handler(self, expr: ast.expr, scope: _Scope) -> Handler | None:
        """How the lifespan calls a handler given as an expression; None if it cannot."""
        if not _is_reference(expr):
            return None
        root = expr
        while isinstance(root, ast.Attribute):
            root = root.value
        assert isinstance(root, ast.Name)
        if scope.bound[root.id] > 1:
            return None  # rebound later: the name would not mean what was registered
        kind = "unknown"
        if isinstance(expr, ast.Name):
            function = scope.defs.get(expr.id)
            if function is not None and not function.decorator_list:
                kind = "async" if isinstance(function, ast.AsyncFunctionDef) else "sync"
        return Handler(self.ctx.text(expr), kind)

    def _lifespan_text(
        self,
        statement: ast.stmt,
        scope: _Scope,
        name: str,
        parameter: str,
        app_class: str,
        decorator: str,
        awaitable: str,
        result: str,
        startup: list[Handler],
        shutdown: list[Handler],
    ) -> str:
        nl = self.ctx.source.newline
        line = self.ctx.source.line(statement.lineno)
        indent = line[: len(line) - len(line.lstrip())]
        step = "\t" if "\t" in indent else "    "
        inner = indent + step

        def calls(handlers: list[Handler]) -> list[str]:
            out = []
            for handler in handlers:
                if handler.kind == "async":
                    out.append(f"{inner}await {handler.text}()")
                elif handler.kind == "sync":
                    out.append(f"{inner}{handler.text}()")
                else:
                    # Starlette awaited async callables and called the rest.
                    out.append(f"{inner}{result} = {handler.text}()")
                    out.append(f"{inner}if {awaitable}({result}):")
                    out.append(f"{inner}{step}await {result}")
            return out

        lines = [
            f"{indent}@{decorator}",
            f"{indent}async def {name}({parameter}: {app_class}):",
            *calls(startup),
            f"{inner}yield",
            *calls(shutdown),
        ]
        blank = 2 if isinstance(scope.node, ast.Module) else 1
        # Blank lines above as well, unless there are enough or the function header is there.
        row, above = self._insertion_row(statement), 0
        while row - above > 1 and not self.ctx.source.line(row - above - 1).strip():
            above += 1
        header = isinstance(scope.node, _FUNCTIONS) and row - above - 1 < scope.node.body[0].lineno
        before = "" if header or row == 1 else nl * max(blank - above, 0)
        return before + nl.join(lines) + nl * (1 + blank)

    def _keyword_edits(self, call: ast.Call, keywords: list[ast.keyword], name: str) -> list[Edit]:
        ctx = self.ctx
        argument = f"lifespan={name}"
        if keywords:
            # The first event keyword becomes `lifespan=`; the others go with their comma.
            first, *rest = sorted(keywords, key=lambda k: (k.lineno, k.col_offset))
            start, end = ctx.span(first)
            edits = [Edit(start, end, argument)]
            arguments: list[ast.expr | ast.keyword] = sorted(
                [*call.args, *call.keywords], key=lambda a: (a.lineno, a.col_offset)
            )
            for keyword in rest:
                index = next(i for i, a in enumerate(arguments) if a is keyword)
                previous_end = ctx.span(arguments[index - 1])[1]
                edits.append(Edit(previous_end, ctx.span(keyword)[1], ""))
            return edits
        arguments = sorted([*call.args, *call.keywords], key=lambda a: (a.lineno, a.col_offset))
        if arguments:
            last = arguments[-1]
            last_start, last_end = ctx.span(last)
            text = ctx.source.text
            own_line = text[self._line_start(last.lineno) : last_start]
            comma = re.compile(r"[ \t]*,").match(text, last_end)
            trailer = _TRAILER.match(text, comma.end()) if comma is not None else None
            if trailer is not None and trailer.group(2) and not own_line.strip():
                # One argument per line with a trailing comma: add one more line like it.
                nl = ctx.source.newline
                return [Edit(trailer.end(), trailer.end(), f"{own_line}{argument},{nl}")]
            return [Edit(last_end, last_end, f", {argument}")]
        closing = ctx.span(call)[1] - 1  # the `)` of the call
        return [Edit(closing, closing, argument)]

    def _remove_lines(
        self, node: ast.AST, first: ast.stmt | ast.expr, *, decorator: bool
    ) -> Edit | None:
        """An edit deleting the whole lines of `node` (a decorator or a statement), or None when
        other code shares those lines."""
        text = self.ctx.source.text
        start, end = self.ctx.span(node)
        line_start = self._line_start(first.lineno)
        before = text[line_start:start]
        if decorator:
            if not re.fullmatch(r"[ \t]*@[ \t]*", before):
                return None
        elif before.strip():
            return None
        trailer = _TRAILER.match(text, end)
        if trailer is None:
            return None
        stop = trailer.end()
        row = first.lineno
        if not decorator and row > 1 and not self.ctx.source.line(row - 1).strip():
            # A statement standing between blank lines: take the blank lines after it too, so
            # the code around keeps the spacing it had.
            blank = _BLANK_LINES.match(text, stop)
            stop = blank.end() if blank is not None else stop
        return Edit(line_start, stop, "")

    # ---------------------------------------------------------- lookups

    def _statement_of(self, node: ast.AST) -> ast.stmt:
        while not isinstance(node, ast.stmt):
            node = self.parents[node]
        return node

    def _scope_of(self, statement: ast.stmt) -> _Scope | None:
        parent = self.parents.get(statement)
        if not isinstance(parent, (ast.Module, *_FUNCTIONS)):
            return None
        scope = self.scopes.get(parent)
        if scope is None:
            scope = _Scope(parent, index={id(s): i for i, s in enumerate(parent.body)})
            _collect_bindings(parent.body, scope)
            self.scopes[parent] = scope
        if id(statement) not in scope.index:
            return None  # a decorator or default, not the body
        return scope

    def _insertion_point(self, statement: ast.stmt) -> int | None:
        """Where the lifespan goes: the start of the app statement's line, above the comment
        lines directly attached to it; None when the statement does not start its line."""
        source = self.ctx.source
        line = source.line(statement.lineno)
        indent = line[: len(line) - len(line.lstrip())]
        if source.text[self._line_start(statement.lineno) : self.ctx.span(statement)[0]] != indent:
            return None
        return self._line_start(self._insertion_row(statement))

    def _insertion_row(self, statement: ast.stmt) -> int:
        source = self.ctx.source
        line = source.line(statement.lineno)
        indent = line[: len(line) - len(line.lstrip())]
        row = statement.lineno
        while row > 1:
            above = source.line(row - 1)
            if not (above.startswith(indent) and above[len(indent) :].startswith("#")):
                break
            row -= 1
        return row

    def _line_start(self, row: int) -> int:
        return self.ctx.source.line_starts[row - 1]

    def _fresh_name(self, candidates: list[str]) -> str:
        for candidate in candidates:
            if candidate not in self.used_names:
                self.used_names.add(candidate)
                return candidate
        number = 2
        while f"lifespan_{number}" in self.used_names:
            number += 1
        self.used_names.add(f"lifespan_{number}")
        return f"lifespan_{number}"

    def _imported_before(self, name: str, statement: ast.stmt) -> bool:
        """Is the module-level import that binds `name` above `statement`?"""
        binding = self.ctx.semantic.module_scope.bindings.get(name.split(".")[0])
        node = binding.node if binding is not None else None
        return node is not None and getattr(node, "lineno", 0) < statement.lineno


# ------------------------------------------------------------------ helpers


def _literal(expr: ast.expr) -> str | None:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    return None


def _is_reference(expr: ast.expr) -> bool:
    while isinstance(expr, ast.Attribute):
        expr = expr.value
    return isinstance(expr, ast.Name)


def _receiver(call: ast.AST) -> ast.expr | None:
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
        return call.func.value
    return None


def _assigned_name(statement: ast.stmt, call: ast.Call) -> str | None:
    if (
        isinstance(statement, ast.Assign)
        and statement.value is call
        and len(statement.targets) == 1
    ):
        target = statement.targets[0]
        return target.id if isinstance(target, ast.Name) else None
    if isinstance(statement, ast.AnnAssign) and statement.value is call:
        return statement.target.id if isinstance(statement.target, ast.Name) else None
    return None


def _stops_between(body: list[ast.stmt], first: int, last: int) -> bool:
    for statement in body[first:last]:
        if isinstance(statement, (ast.Return, ast.Raise)):
            return True
        if isinstance(statement, ast.If) and isinstance(statement.test, ast.Compare):
            names = [statement.test.left, *statement.test.comparators]
            if any(isinstance(n, ast.Name) and n.id == "__name__" for n in names):
                return True
    return False


def _collect_bindings(body: list[ast.stmt], scope: _Scope) -> None:
    """Count how often each name is bound directly in a body (not in nested functions/classes)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
            scope.bound[node.name] += 1
            if isinstance(node, _FUNCTIONS) and id(node) in scope.index:
                scope.defs[node.name] = node
            continue
        if isinstance(
            node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
        ):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            scope.bound[node.id] += 1
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                scope.bound[alias.asname or alias.name.split(".")[0]] += 1
        elif isinstance(node, ast.ExceptHandler) and node.name:
            scope.bound[node.name] += 1
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                scope.bound[name] += 1  # bound elsewhere too: treat as rebound
        stack.extend(ast.iter_child_nodes(node))


def _all_names(tree: ast.AST) -> set[str]:
    """Every identifier the module binds or reads, so a new name collides with none of them."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
    return names
