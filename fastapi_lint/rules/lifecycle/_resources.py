"""What FAL202-FAL204 share: resources created at import time, and where the file releases them.

A rule built on `ResourceRule` is handed every call made at import time; it says whether the
call creates a resource it cares about. Releases (`.close()`, `.aclose()`, `.disconnect()`,
`.dispose()` calls or references, `with resource:`) and the file's lifespan and shutdown
handlers are collected during the same walk, and the rule decides in `finish`, once all of
them are known (a lifespan is usually defined above the app but may be registered below).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

from ...context import Context
from ...rule import Rule
from ...semantic.model import Scope
from ...semantic.records import Makes
from ...semantic.summary import outside_project
from ...semantic.values import imported_name
from ...settings import Settings
from .._functions import is_test_path

_CONTEXT_MANAGERS = frozenset({"contextlib.asynccontextmanager", "contextlib.contextmanager"})
_SPACE = re.compile(r"\s+")
_APPS = frozenset({"fastapi.FastAPI", "fastapi.APIRouter", "starlette.Starlette"})
# Stands for the resource's description in a message until the project index supplies it.
_MADE = "\x00made\x00"


@dataclass
class Created:
    """A resource created at import time, and the names (or attribute paths) it is bound to."""

    call: ast.Call
    what: str
    targets: tuple[str, ...]
    # A call of a function of another module, which makes the resource if the project index
    # says so (`engine = create_db_engine(url)`); `what` is then a placeholder.
    condition: Makes | None = None


@dataclass
class Release:
    """Where a resource is closed or released."""

    receiver: str  # `engine`, `app.state.redis`
    method: str  # `close`, `aclose`, `dispose`, or `with`
    scope: Scope | None  # the function it happens in; None at module level (`atexit.register`)


@dataclass
class _Module:
    """What the three rules see alike in one module (`ctx.shared`): the walk hands each node
    to every one of them in turn, and the first to get it records it for all."""

    last: ast.AST | None = None  # the node recorded last (the others skip it)
    # Whether `last`, a call, may create a resource: at import time, not a `with` item. Most
    # calls are in function bodies: the rules after the first learn it here.
    creates: bool = False
    # Whether module level has an `if __name__ == "__main__":` block (`_has_main_block`),
    # once asked: asked of every call until the module is known to build an app.
    main_block: bool | None = None
    targets: dict[ast.AST, tuple[str, ...]] = field(default_factory=dict)  # value → targets
    with_items: set[ast.AST] = field(default_factory=set)
    # `with` releases and every rule's attribute releases, in walk order: each rule reads
    # those of its own `release_methods` (see `FileFacts.releases`).
    releases: list[Release] = field(default_factory=list)
    handler_names: set[str] = field(default_factory=set)  # `lifespan=f`, `on_shutdown=[f]`, ...
    handler_nodes: set[ast.AST] = field(default_factory=set)  # `@app.on_event("shutdown")`
    builds_app: bool = False
    # Per call: what it calls when imported from a module that may be the project's.
    helpers: dict[ast.Call, str | None] = field(default_factory=dict)


@dataclass
class FileFacts:
    """What the walk found in one module for one rule, judged in `finish` (`ctx.state`)."""

    module: _Module
    release_methods: frozenset[str]
    created: list[Created] = field(default_factory=list)
    # A module with a `__main__` block that builds no app is a script: it runs when it is
    # imported, once, and its module-level resources die with the process. Set by `finish`
    # (`_has_main_block`).
    has_main_block: bool = False

    @property
    def targets(self) -> dict[ast.AST, tuple[str, ...]]:
        return self.module.targets

    @property
    def handler_names(self) -> set[str]:
        return self.module.handler_names

    @property
    def handler_nodes(self) -> set[ast.AST]:
        return self.module.handler_nodes

    @property
    def releases(self) -> list[Release]:
        methods = self.release_methods
        return [r for r in self.module.releases if r.method == "with" or r.method in methods]

    @property
    def is_script(self) -> bool:
        return self.has_main_block and not self.module.builds_app


def target_text(target: ast.AST) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute) and target_text(target.value) is not None:
        return f"{target_text(target.value)}.{target.attr}"
    return None


class ResourceRule(Rule):
    """Base for the import-time resource rules; subclasses implement `created` and `decide`."""

    nodes = (
        ast.Assign,
        ast.AnnAssign,
        ast.With,
        ast.AsyncWith,
        ast.Call,
        ast.Attribute,
        ast.FunctionDef,
        ast.AsyncFunctionDef,
    )
    release_methods: frozenset[str] = frozenset()
    # A resource made by a helper of another module is confirmed by the project index.
    defers = True
    across_modules = True
    # The classes of the resources (canonical names), for the index's answer about a helper of
    # another module, and how the message describes such a resource: a template over the
    # index's `{type}`, `{maker}` and `{through}` (see `records.Makes`).
    resource_types: frozenset[str] = frozenset()
    made_elsewhere = "{maker} through {through}"

    # ------------------------------------------------------------ subclasses

    def created(self, call: ast.Call, ctx: Context) -> str | None:
        """How to name the resource `call` creates, or None if it creates none of interest."""
        raise NotImplementedError

    def decide(self, item: Created, facts: FileFacts, ctx: Context) -> None:
        raise NotImplementedError

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        # Of the attributes, only releases matter (`Rule.attributes`).
        self.attributes = self.release_methods  # type: ignore[misc]

    def applies(self, ctx: Context) -> bool:
        """Without its trigger words (`ctx.untriggered`), the rule matters to a file only if
        module level calls something imported from a module that may be the project's: asked
        once per file, on the tree, so that most files are not walked for it at all. A test
        module's engine or client lives as long as the test run: such files are left out."""
        if is_test_path(ctx.path):
            return False
        if self.code not in ctx.untriggered:
            return True
        return ctx.shared("calls-imported-at-module-level", lambda: _calls_imported(ctx))

    # ------------------------------------------------------------- the walk

    def _facts(self, ctx: Context) -> FileFacts:
        return ctx.state(
            lambda: FileFacts(ctx.shared("resource-rules", _Module), self.release_methods)
        )

    def check(self, node: ast.AST, ctx: Context) -> None:
        facts = self._facts(ctx)
        module = facts.module
        if module.last is node:
            # Another of the rules recorded it: only what this rule alone wants is left.
            if module.creates:
                self._created(node, facts, ctx)  # type: ignore[arg-type]  # set for a Call only
            return
        module.last = node
        semantic = ctx.semantic
        if type(node) is ast.Call:
            self._call(node, module, ctx)
            module.creates = semantic.at_import_time and node not in module.with_items
            if module.creates:
                self._created(node, facts, ctx)
            return
        module.creates = False
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._function(node, module, ctx)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            if node.value is not None and semantic.at_import_time:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = tuple(t for t in map(target_text, targets) if t is not None)
                module.targets[node.value] = names
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                module.with_items.add(item.context_expr)
                receiver = target_text(item.context_expr)
                if receiver is not None:
                    module.releases.append(Release(receiver, "with", ctx.function))
        elif isinstance(node, ast.Attribute):
            # Handed only the attributes named in some rule's `release_methods`.
            receiver = target_text(node.value)
            if receiver is not None:
                module.releases.append(Release(receiver, node.attr, ctx.function))

    @staticmethod
    def _function(
        node: ast.FunctionDef | ast.AsyncFunctionDef, module: _Module, ctx: Context
    ) -> None:
        for decorator in node.decorator_list:
            if ctx.qualified_name(decorator) in _CONTEXT_MANAGERS:
                module.handler_nodes.add(node)  # a lifespan, or a resource manager like one
            if (
                isinstance(decorator, ast.Call)
                and isinstance(decorator.func, ast.Attribute)
                and decorator.func.attr == "on_event"
                and decorator.args
                and isinstance(decorator.args[0], ast.Constant)
                and decorator.args[0].value == "shutdown"
            ):
                module.handler_nodes.add(node)
        if node.name == "lifespan":
            module.handler_nodes.add(node)

    @staticmethod
    def _call(node: ast.Call, module: _Module, ctx: Context) -> None:
        for keyword in node.keywords:
            if keyword.arg == "lifespan" and isinstance(keyword.value, ast.Name):
                module.handler_names.add(keyword.value.id)
            if keyword.arg == "on_shutdown" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                module.handler_names.update(
                    e.id for e in keyword.value.elts if isinstance(e, ast.Name)
                )
        # Whether the module builds an app matters only to a module with a `__main__` block
        # (`FileFacts.is_script`): the type of every call is not asked in the others.
        if module.main_block is None:
            module.main_block = _has_main_block(ctx)
        if (
            not module.builds_app
            and module.main_block
            and ctx.semantic.app_type(ctx.semantic.call_result_type(node)) in _APPS
        ):
            module.builds_app = True
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "add_event_handler"
            and len(node.args) >= 2
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value == "shutdown"
            and isinstance(node.args[1], ast.Name)
        ):
            module.handler_names.add(node.args[1].id)

    def _created(self, node: ast.Call, facts: FileFacts, ctx: Context) -> None:
        """Called for a call at import time that is not a `with` item (`_Module.creates`)."""
        module = facts.module
        what = self.created(node, ctx) if self.code not in ctx.untriggered else None
        if what is not None:
            facts.created.append(Created(node, what, module.targets.get(node, ())))
            return
        helpers = module.helpers
        if node in helpers:
            helper = helpers[node]
        else:
            helper = helpers[node] = _imported_function(node, ctx)
        if helper is not None:
            condition = Makes(helper, tuple(sorted(self.resource_types)))
            facts.created.append(Created(node, _MADE, module.targets.get(node, ()), condition))

    def finish(self, ctx: Context) -> None:
        facts = self._facts(ctx)
        facts.has_main_block = _has_main_block(ctx)
        if facts.is_script:
            return
        for item in facts.created:
            self.decide(item, facts, ctx)

    def needs_bodies(self, ctx: Context) -> bool:
        """Asked after module level is walked when the rule runs only for helpers of other
        modules (`ctx.untriggered`): function bodies matter (releases, lifespans) only if such
        a helper was called there."""
        return bool(self._facts(ctx).created)

    def report_created(self, item: Created, ctx: Context, **fmt: Any) -> None:
        """Report the resource, or, when a helper of another module makes it, defer the finding
        to the project index with the message's description of it left for the index."""
        if item.condition is None:
            ctx.report(item.call, **fmt)
            return
        escaped = {k: str(v).replace("{", "{{").replace("}", "}}") for k, v in fmt.items()}
        message = self.message.format(**escaped).replace(_MADE, self.made_elsewhere)
        ctx.defer(item.call, (item.condition,), message=message)

    # ------------------------------------------------------------- queries

    @staticmethod
    def releases_of(item: Created, facts: FileFacts) -> list[Release]:
        found = []
        for release in facts.releases:
            receiver = _SPACE.sub("", release.receiver)
            if any(receiver == t or receiver.startswith(f"{t}.") for t in item.targets):
                found.append(release)
        return found

    @staticmethod
    def handler_of(release: Release, facts: FileFacts) -> str | None:
        """The lifespan/shutdown handler a release runs in (it may be nested in one), if any."""
        scope = release.scope
        while scope is not None:
            node = scope.node
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                node in facts.handler_nodes or node.name in facts.handler_names
            ):
                return node.name
            scope = scope.parent
        return None


def _has_main_block(ctx: Context) -> bool:
    """Does module level (outside functions and classes) hold an `if __name__ == "__main__":`?
    The statements alone tell (`SemanticModel.guard_kind` reads the test's syntax only);
    asked once per file, by the walk and by `finish`."""
    return ctx.shared("main-block-at-module-level", lambda: _main_block_in(ctx))


def _main_block_in(ctx: Context) -> bool:
    pending: list[ast.stmt] = list(ctx.semantic.tree.body)
    while pending:
        statement = pending.pop()
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(statement, ast.If) and ctx.semantic.guard_kind(statement.test) == "main":
            return True
        for name in ("body", "orelse", "finalbody"):
            pending.extend(getattr(statement, name, ()))
        for handler in getattr(statement, "handlers", ()):
            pending.extend(handler.body)
        for case in getattr(statement, "cases", ()):
            pending.extend(case.body)
    return False


@dataclass(frozen=True)
class Made:
    """A resource a helper of this module returns: its canonical type, the callable that makes
    it (None when only the helper's annotation says the type), and the helpers it goes
    through, for the message (`` `_create_engine()` `` or `` `get_db()` → `_open()` ``)."""

    type: str
    maker: str | None
    through: str


def made_through(call: ast.Call, ctx: Context) -> Made | None:
    """What `call` makes when it calls a project helper of this module whose return is known."""
    returned = ctx.semantic.made_by(call)
    if returned is None:
        return None
    through = " → ".join(f"`{name}()`" for name in returned.via)
    return Made(returned.type, returned.maker, through)


def _calls_imported(ctx: Context) -> bool:
    """Does code that runs at import time (module level, in its `if`/`try`/`with`/loop blocks,
    outside `def` and `class` bodies) call a name imported from a module that may be the
    project's (a relative import, or one outside the standard library and the frameworks)?
    Read from the tree before the walk."""
    imported: set[str] = set()
    statements: list[ast.stmt] = []
    pending: list[ast.AST] = list(ctx.semantic.tree.body)
    while pending:
        statement = pending.pop()
        if isinstance(statement, ast.ImportFrom):
            if statement.level or not outside_project(statement.module or ""):
                imported.update(a.asname or a.name for a in statement.names)
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                if not outside_project(alias.name):
                    imported.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(statement, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
            for name in ("body", "orelse", "finalbody", "handlers"):
                pending.extend(getattr(statement, name, ()))
        elif isinstance(statement, ast.ExceptHandler):
            pending.extend(statement.body)
        elif isinstance(statement, ast.stmt) and not isinstance(
            statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        ):
            statements.append(statement)
    if not imported:
        return False
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, ast.Call):
                root = node.func
                while isinstance(root, ast.Attribute):
                    root = root.value
                if isinstance(root, ast.Name) and root.id in imported:
                    return True
    return False


def _imported_function(call: ast.Call, ctx: Context) -> str | None:
    """The qualified name of what the call calls when it is imported from a module that may be
    the project's (not the standard library): the index says whether it is a function of the
    project and what it makes (`outside_project` leaves the standard library and the
    frameworks out)."""
    name = imported_name(call.func, ctx)
    if name is None or outside_project(name):
        return None  # the standard library, FastAPI, SQLAlchemy, httpx, ...
    return name


def function_name(scope: Scope | None) -> str | None:
    node = scope.node if scope is not None else None
    return node.name if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
