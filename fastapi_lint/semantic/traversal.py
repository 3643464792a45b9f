"""The binder: one walk over a module that keeps the semantic model current and hands each node
to the rules that asked for its class.

Scopes, bindings, guards (`if TYPE_CHECKING:`, version checks, `try`/`except ImportError`) are
kept current as the walk goes, so a rule looking at a node sees the model as it is at that
point of the module. The engine (`engine.lint_source`) builds one `Traversal` per file.
"""

from __future__ import annotations

import ast
import bisect
import functools
from collections import deque
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from ..diagnostics import InternalError, internal_error
from .model import Binding, BindingKind, ClassInfo, Scope, ScopeKind, SemanticModel
from .modules import resolve_relative

if TYPE_CHECKING:
    from ..context import Context

_FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)


class Walker(Protocol):
    """What the traversal hands nodes to: each rule, and the collector of the module summary
    (`summary.SummaryCollector`), which is no rule: it never reports."""

    @property
    def code(self) -> str: ...

    @property
    def nodes(self) -> tuple[type[ast.AST], ...]: ...

    @property
    def only_in_async(self) -> bool: ...

    def check(self, node: Any, ctx: Context) -> None: ...

    def finish(self, ctx: Context) -> None: ...


class Traversal:
    """Walks a module once, keeping the semantic model current and handing nodes to rules.

    The walk uses an explicit stack rather than recursion, so that deeply nested but valid code
    (long operator chains in generated files) cannot exhaust Python's recursion limit. Items on
    the stack are nodes to visit or actions (closures) that open/close scopes and bind names at
    the right moment, e.g. an assignment's targets after its value.
    """

    def __init__(
        self,
        semantic: SemanticModel,
        ctx: Context,
        dispatch: dict[type[ast.AST], list[Walker]],
        errors: list[InternalError],
        table: dict[type, tuple] | None = None,
    ) -> None:
        self.semantic = semantic
        self.ctx = ctx
        self.dispatch = dispatch
        self.errors = errors
        self.failed: set[str] = set()  # rules that raised on this file: not called again
        self.deferred: deque[tuple[ast.FunctionDef | ast.AsyncFunctionDef, Scope]] = deque()
        self.ceilings: dict[ast.AST, list[tuple[int, ...]]] = {}  # see `_declare_function`
        # Every rule is `only_in_async`: code that cannot be in an `async def` is not walked.
        self.skip_sync_bodies = False
        self._async_lines: list[int] | None = None
        # Walkers to ask, once module level is walked, whether they need the function bodies
        # (each has a `needs_bodies(ctx)`): the engine lists the rules that run on a file only
        # for what other modules define (`Rule.across_modules`).
        self.module_level: list[Walker] = []
        self.table = _walk_table(dispatch) if table is None else table

    @classmethod
    def of(
        cls,
        semantic: SemanticModel,
        ctx: Context,
        walkers: list[Walker],
        errors: list[InternalError],
    ) -> Traversal:
        """A traversal handing nodes to `walkers`, in their order (each node class to those
        whose `nodes` name it). The dispatch and walk tables are made once per list of walker
        instances: a run has a handful of such lists (the rules the gate lets through vary
        from file to file), and building them for every file was 2 % of a corpus profile."""
        key = tuple(walkers)
        known = _BY_WALKERS.get(key)
        if known is None:
            dispatch: dict[type[ast.AST], list[Walker]] = {}
            for walker in walkers:
                for node_type in walker.nodes:
                    dispatch.setdefault(node_type, []).append(walker)
            known = (dispatch, _walk_table(dispatch))
            if len(_BY_WALKERS) > 1024:  # many rule sets (tests): keep memory bounded
                _BY_WALKERS.clear()
            _BY_WALKERS[key] = known
        return cls(semantic, ctx, known[0], errors, known[1])

    # ------------------------------------------------------------------ walk

    def close(self) -> None:
        self.table = {}
        self.deferred = deque()

    def run(self, tree: ast.Module) -> None:
        self.semantic.tree = tree
        self._walk(list(tree.body))
        # Walkers that looked at module level only to decide whether function bodies matter to
        # them (`Walker.needs_bodies`): those that say no are not handed any node of them.
        done = [w for w in self.module_level if not self._needs_bodies(w)]
        if done:
            dispatch = {
                cls: [w for w in walkers if w not in done] for cls, walkers in self.dispatch.items()
            }
            self.table = _walk_table({cls: ws for cls, ws in dispatch.items() if ws})
        while self.deferred:
            node, scope = self.deferred.popleft()
            self._function_body(node, scope)

    def _walk(self, items: list) -> None:
        # The hot loop of the whole linter: every node of every checked file passes here once.
        # It is written for speed (see `_walk_table`): one dict lookup per item decides whether
        # it is an action to run, a node to visit, or something to drop (a leaf no rule wants,
        # a scalar field value such as a `None` dict key).
        stack = items[::-1]
        pop = stack.pop
        push = stack.append
        extend = stack.extend
        table = self.table
        ctx = self.ctx
        semantic = self.semantic
        failed = self.failed
        while stack:
            item = pop()
            info = table.get(item.__class__)
            if info is None:  # not a node: an action pushed by a handler, or a scalar (None)
                if callable(item):
                    item()
                continue
            if info is _LEAF:
                continue
            declare, rules, only_in_async, handler, fields = info
            if declare:
                self._declare_function(item)
            if rules.__class__ is _ByName:  # a call or an attribute: the rules for its name
                rules, only_in_async = rules.pick(item, semantic)
            if rules and (not only_in_async or semantic.in_async_function):
                for rule in rules:
                    if rule.code in failed:
                        continue
                    ctx.rule = rule
                    try:
                        rule.check(item, ctx)
                    except RecursionError:
                        raise
                    except Exception as exc:
                        self._failed(rule, exc)
            if handler is not None:
                handler(self, item, stack)
                continue
            for name in fields:  # in reverse order, so that children are visited in order
                value = getattr(item, name)
                if value.__class__ is list:
                    if value:
                        extend(value[::-1])
                elif value is not None:
                    push(value)

    def call(self, rule: Walker, method: Callable, *args: object) -> None:
        if rule.code in self.failed:
            return
        self.ctx.rule = rule
        try:
            method(*args)
        except RecursionError:
            raise
        except Exception as exc:
            self._failed(rule, exc)

    def _needs_bodies(self, rule: Walker) -> bool:
        if rule.code in self.failed:
            return False
        self.ctx.rule = rule
        try:
            return bool(rule.needs_bodies(self.ctx))  # type: ignore[attr-defined]  # see `module_level`
        except RecursionError:
            raise
        except Exception as exc:
            self._failed(rule, exc)
            return False

    def _failed(self, rule: Walker, exc: Exception) -> None:
        self.failed.add(rule.code)
        self.errors.append(internal_error(self.ctx.path, rule.code, exc))

    # ------------------------------------------------------------- functions

    def _declare_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """Create the function's scope, with its route, before rules look at the def."""
        if node in self.semantic.functions:
            return
        scope = Scope(ScopeKind.FUNCTION, node, self.semantic.scope)
        scope.is_async = isinstance(node, ast.AsyncFunctionDef)
        scope.routes = tuple(self.semantic.routes_of(node.decorator_list))
        scope.route = scope.routes[0] if scope.routes else None
        self.semantic.functions[node] = scope
        if self.semantic.version_ceilings:
            # The body is walked later; it keeps the version bound of where it is defined.
            self.ceilings[node] = list(self.semantic.version_ceilings)

    def _function(self, node: ast.AST, stack: list) -> None:
        assert isinstance(node, _FUNCTION_TYPES)
        args = node.args
        children: list[ast.AST] = [*node.decorator_list, *args.defaults]
        children.extend(d for d in args.kw_defaults if d is not None)
        children.extend(a.annotation for a in _all_args(args) if a.annotation is not None)
        if node.returns is not None:
            children.append(node.returns)
        semantic = self.semantic
        qualname = f"{semantic.module}.{node.name}" if semantic.at_module_level else None
        binding = Binding(node.name, BindingKind.FUNCTION, node, qualname=qualname)
        scope = semantic.functions[node]
        stack.append(lambda: semantic.bind(binding))
        stack.extend(reversed(children))
        if self.skip_sync_bodies and not scope.is_async and not self._may_hold_async(node):
            return  # nothing in this body runs in an async function
        self.deferred.append((node, scope))

    def _may_hold_async(self, node: ast.AST) -> bool:
        """Could `node`'s source contain an `async def`? (Cheaper than walking it to find out.)"""
        if self._async_lines is None:
            self._async_lines = _lines_containing(self.ctx.source.text, "async")
        lines = self._async_lines
        index = bisect.bisect_left(lines, getattr(node, "lineno", 1))
        end = getattr(node, "end_lineno", None)
        return index < len(lines) and (end is None or lines[index] <= end)

    def _function_body(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> None:
        semantic = self.semantic
        semantic.enter(scope)
        for arg in _all_args(node.args):
            semantic.bind(
                Binding(
                    arg.arg,
                    BindingKind.PARAMETER,
                    arg,
                    type=semantic.annotation_type(arg.annotation),
                ),
                scope,
            )
        outer_ceilings = semantic.version_ceilings
        semantic.version_ceilings = self.ceilings.pop(node, [])
        self._walk(list(node.body))
        semantic.version_ceilings = outer_ceilings
        semantic.enter(semantic.module_scope)

    def _lambda(self, node: ast.AST, stack: list) -> None:
        assert isinstance(node, ast.Lambda)
        semantic = self.semantic

        def enter() -> None:
            scope = semantic.push(ScopeKind.LAMBDA, node)
            for arg in _all_args(node.args):
                semantic.bind(Binding(arg.arg, BindingKind.PARAMETER, arg), scope)

        defaults = [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]
        if self.skip_sync_bodies:  # a lambda's body is never directly in an async function
            stack.extend(reversed(defaults))
            return
        stack.extend(reversed([*defaults, enter, node.body, semantic.pop]))

    def _await(self, node: ast.AST, stack: list) -> None:
        self._mark_await()
        stack.append(node.value)  # type: ignore[attr-defined]  # an Await: dispatched by type

    def _mark_await(self) -> None:
        scope = self.semantic.function_scope
        if scope is not None:
            scope.has_await = True

    # --------------------------------------------------------------- classes

    def _class(self, node: ast.AST, stack: list) -> None:
        assert isinstance(node, ast.ClassDef)
        semantic = self.semantic

        def enter() -> None:
            outer = semantic.scope
            if outer is semantic.module_scope:
                qualname = f"{semantic.module}.{node.name}"
            elif outer.kind is ScopeKind.CLASS and isinstance(outer.node, ast.ClassDef):
                qualname = f"{_class_qualname(outer)}.{node.name}"
            else:
                qualname = f"{semantic.module}.<locals>.{node.name}"
            bases = tuple(
                name
                # `class Record(Base[T])`: the base is the class subscripted (a generic).
                for name in (
                    semantic.qualified_name(b.value if isinstance(b, ast.Subscript) else b)
                    for b in node.bases
                )
                if name is not None
            )
            semantic.classes[qualname] = ClassInfo(node.name, qualname, bases, node)
            binding = Binding(node.name, BindingKind.CLASS, node, qualname=qualname)
            semantic.bind(binding)  # bound before the body: methods may refer to the class
            scope = semantic.push(ScopeKind.CLASS, node)
            scope.bindings["__qualname__"] = Binding(
                "__qualname__", BindingKind.CLASS, node, qualname
            )

        outer_parts = [*node.decorator_list, *node.bases, *node.keywords]
        stack.extend(reversed([*outer_parts, enter, *node.body, semantic.pop]))

    # --------------------------------------------------------------- imports

    def _import(self, node: ast.AST, stack: list) -> None:
        assert isinstance(node, ast.Import)
        for alias in node.names:
            if alias.asname:
                self.semantic.bind(Binding(alias.asname, BindingKind.IMPORT, node, alias.name))
            else:
                top = alias.name.split(".")[0]
                self.semantic.bind(Binding(top, BindingKind.IMPORT, node, top))

    def _import_from(self, node: ast.AST, stack: list) -> None:
        assert isinstance(node, ast.ImportFrom)
        module = node.module or ""
        if node.level:
            module = resolve_relative(
                self.semantic.module, node.level, module, self.semantic.is_package
            )
        for alias in node.names:
            if alias.name == "*":
                if module and self.semantic.at_module_level:
                    self.semantic.star_imports.append(module)
                continue
            qualname = f"{module}.{alias.name}" if module else alias.name
            name = alias.asname or alias.name
            self.semantic.bind(Binding(name, BindingKind.IMPORT, node, qualname))

    # ----------------------------------------------------------- assignments

    def _assign(self, node: ast.AST, stack: list) -> None:
        assert isinstance(node, ast.Assign)
        value = node.value
        stack.extend(
            reversed([value, *node.targets, lambda: self._bind_targets(node.targets, value)])
        )

    def _ann_assign(self, node: ast.AST, stack: list) -> None:
        assert isinstance(node, ast.AnnAssign)
        semantic = self.semantic

        def bind() -> None:
            if isinstance(node.target, ast.Name):
                known = semantic.annotation_type(node.annotation)
                if known is None and node.value is not None:
                    known = semantic.type_of(node.value)
                semantic.bind(
                    Binding(
                        node.target.id, BindingKind.ASSIGNMENT, node, type=known, value=node.value
                    )
                )

        parts: list = [node.annotation]
        if node.value is not None:
            parts.append(node.value)
        stack.extend(reversed([*parts, node.target, bind]))

    def _named_expr(self, node: ast.AST, stack: list) -> None:
        assert isinstance(node, ast.NamedExpr)
        stack.extend(reversed([node.value, lambda: self._bind_targets([node.target], node.value)]))

    def _bind_targets(
        self,
        targets: list[ast.expr],
        value: ast.expr | None,
        unpacked: tuple[ast.AST, int] | None = None,
    ) -> None:
        semantic = self.semantic
        for target in targets:
            if isinstance(target, ast.Name):
                qualname = None
                if isinstance(value, (ast.Name, ast.Attribute)):
                    qualname = semantic.qualified_name(value)  # an alias: `get = requests.get`
                elif isinstance(value, ast.Call):
                    # `APIRouter = router_class()` where `def router_class() -> type[APIRouter]`;
                    # `ModelT = TypeVar("ModelT", bound=BaseModel)` stands for its bound.
                    # `Mixin = create_model("Mixin", __base__=BaseSettings)` stands for its base.
                    qualname = (
                        semantic.returned_class(value)
                        or semantic.typevar_bound(value)
                        or semantic.created_model(value)
                    )
                known = semantic.type_of(value) if value is not None else None
                semantic.bind(
                    Binding(
                        target.id, BindingKind.ASSIGNMENT, target, qualname, known, value, unpacked
                    )
                )
            elif isinstance(target, (ast.Tuple, ast.List)):
                if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts):
                    for sub_target, sub_value in zip(target.elts, value.elts, strict=True):
                        self._bind_targets([sub_target], sub_value)
                    continue
                # `origins, creds = get_config()`: each name is an element of the value,
                # which only a reader of values may know (none when a `*rest` shifts them).
                starred = any(isinstance(e, ast.Starred) for e in target.elts)
                for index, sub_target in enumerate(target.elts):
                    whole = (value, index) if value is not None and not starred else None
                    self._bind_targets([sub_target], None, whole)
            elif isinstance(target, ast.Starred):
                self._bind_targets([target.value], None)

    def _bind_plain(self, target: ast.AST, kind: BindingKind, known: str | None = None) -> None:
        if isinstance(target, ast.Name):
            self.semantic.bind(Binding(target.id, kind, target, type=known))
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._bind_plain(element, kind)
        elif isinstance(target, ast.Starred):
            self._bind_plain(target.value, kind)

    # ------------------------------------------------------ block statements

    def _for(self, node: ast.AST, stack: list) -> None:
        assert isinstance(node, (ast.For, ast.AsyncFor))
        if isinstance(node, ast.AsyncFor):
            self._mark_await()
        semantic = self.semantic
        bind = lambda: self._bind_plain(  # noqa: E731
            node.target, BindingKind.LOOP, semantic.element_type(node.iter)
        )
        stack.extend(reversed([node.iter, node.target, bind, *node.body, *node.orelse]))

    def _with(self, node: ast.AST, stack: list) -> None:
        assert isinstance(node, (ast.With, ast.AsyncWith))
        if isinstance(node, ast.AsyncWith):
            self._mark_await()
        semantic = self.semantic
        parts: list = []
        for item in node.items:
            parts.append(item.context_expr)
            if item.optional_vars is not None:
                target, context = item.optional_vars, item.context_expr
                parts.append(target)
                parts.append(
                    lambda target=target, context=context: self._bind_plain(
                        target, BindingKind.ASSIGNMENT, semantic.type_of(context)
                    )
                )
        stack.extend(reversed([*parts, *node.body]))

    def _try(self, node: ast.AST, stack: list) -> None:
        """Keep `semantic.trying` and `semantic.handling` current: an import in the body of a
        `try` that catches ImportError is a shim, the handlers run where the body failed (a v1
        fallback after a v2 attempt); see the FAL3xx rules."""
        assert isinstance(node, (ast.Try, ast.TryStar))
        if not node.handlers:
            stack.extend(reversed([*node.body, *node.orelse, *node.finalbody]))
            return
        trying, handling = self.semantic.trying, self.semantic.handling
        stack.extend(
            reversed(
                [
                    functools.partial(trying.append, node),
                    *node.body,
                    trying.pop,
                    functools.partial(handling.append, node),
                    *node.handlers,
                    handling.pop,
                    *node.orelse,
                    *node.finalbody,
                ]
            )
        )

    def _if(self, node: ast.AST, stack: list) -> None:
        """Track the bodies of `if TYPE_CHECKING:`, `if __name__ == "__main__":` (see
        `at_import_time`) and `if sys.version_info < (3, N):` (see `python_below`)."""
        assert isinstance(node, ast.If)
        semantic = self.semantic
        kind = semantic.guard_kind(node.test)
        body_ceiling, else_ceiling = semantic.version_guard(node.test)
        if kind is None and body_ceiling is None and else_ceiling is None:
            stack.extend(reversed([node.test, *node.body, *node.orelse]))
            return
        attribute = {"type-checking": "type_checking_depth", "main": "main_guard_depth"}.get(
            kind or ""
        )

        def enter(ceiling: tuple[int, ...] | None, guarded: bool) -> Callable[[], None]:
            def action() -> None:
                if guarded and attribute is not None:
                    setattr(semantic, attribute, getattr(semantic, attribute) + 1)
                if ceiling is not None:
                    semantic.version_ceilings.append(ceiling)

            return action

        def leave(ceiling: tuple[int, ...] | None, guarded: bool) -> Callable[[], None]:
            def action() -> None:
                if guarded and attribute is not None:
                    setattr(semantic, attribute, getattr(semantic, attribute) - 1)
                if ceiling is not None:
                    semantic.version_ceilings.pop()

            return action

        # The guard's `else` branch runs normally (only the version bound applies there).
        stack.extend(
            reversed(
                [
                    node.test,
                    enter(body_ceiling, True),
                    *node.body,
                    leave(body_ceiling, True),
                    enter(else_ceiling, False),
                    *node.orelse,
                    leave(else_ceiling, False),
                ]
            )
        )

    def _except_handler(self, node: ast.AST, stack: list) -> None:
        assert isinstance(node, ast.ExceptHandler)
        parts: list = []
        if node.type is not None:
            parts.append(node.type)
        if node.name:
            name = node.name
            parts.append(lambda: self.semantic.bind(Binding(name, BindingKind.LOOP, node)))
        stack.extend(reversed([*parts, *node.body]))

    def _comprehension(self, node: ast.AST, stack: list) -> None:
        semantic = self.semantic
        parts: list = [lambda: semantic.push(ScopeKind.COMPREHENSION, node)]
        for generator in node.generators:  # type: ignore[attr-defined]  # dispatched by type
            if generator.is_async:
                parts.append(self._mark_await)
            parts.append(generator.iter)
            parts.append(generator.target)
            parts.append(
                lambda generator=generator: self._bind_plain(
                    generator.target, BindingKind.LOOP, semantic.element_type(generator.iter)
                )
            )
            parts.extend(generator.ifs)
        if isinstance(node, ast.DictComp):
            parts.extend([node.key, node.value])
        else:
            parts.append(node.elt)  # type: ignore[attr-defined]  # not a DictComp: has elt
        parts.append(semantic.pop)
        stack.extend(reversed(parts))


# ------------------------------------------------------------------ walk tables
#
# `ast.iter_child_nodes` inspects every field of every node with isinstance checks, through a
# generator; the traversal instead looks up, per node class, the fields that can hold child
# nodes (in reverse order, ready for the stack) and drops leaves that no rule asks for and no
# handler needs (names, constants, `Load`/`Store`, operators) before they cost a loop turn. The
# order in which rules see nodes is unchanged: pre-order, children in field order.

_LEAF: tuple = ()  # the table entry of node classes with nothing to visit and no rule

# Fields that never hold a node (identifiers, numbers, flags, constants, strings lists).
_SCALAR_FIELDS: dict[str, tuple[str, ...]] = {
    "Name": ("id",),
    "Constant": ("value", "kind"),
    "Attribute": ("attr",),
    "FunctionDef": ("name", "type_comment"),
    "AsyncFunctionDef": ("name", "type_comment"),
    "ClassDef": ("name",),
    "ImportFrom": ("module", "level"),
    "alias": ("name", "asname"),
    "arg": ("arg", "type_comment"),
    "keyword": ("arg",),
    "Global": ("names",),
    "Nonlocal": ("names",),
    "ExceptHandler": ("name",),
    "comprehension": ("is_async",),
    "FormattedValue": ("conversion",),
    "AnnAssign": ("simple",),
    "Assign": ("type_comment",),
    "For": ("type_comment",),
    "AsyncFor": ("type_comment",),
    "With": ("type_comment",),
    "AsyncWith": ("type_comment",),
    "MatchSingleton": ("value",),
    "MatchStar": ("name",),
    "MatchAs": ("name",),
    "MatchMapping": ("rest",),
    "MatchClass": ("kwd_attrs",),
    "Module": ("type_ignores",),
    "TypeIgnore": ("lineno", "tag"),
}
# Fields that only hold context and operator singletons: skipped unless a rule asks for them.
_MARKER_FIELDS = frozenset({"ctx", "op", "ops"})
_MARKER_BASES = (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)


def _node_classes() -> list[type[ast.AST]]:
    found: list[type[ast.AST]] = []
    pending: list[type[ast.AST]] = [ast.AST]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


# What the traversal does itself at these nodes (scopes, bindings, guards), besides the rules.
_HANDLERS: dict[type[ast.AST], Callable[[Traversal, ast.AST, list], None]] = {
    ast.FunctionDef: Traversal._function,
    ast.AsyncFunctionDef: Traversal._function,
    ast.ClassDef: Traversal._class,
    ast.Lambda: Traversal._lambda,
    ast.Import: Traversal._import,
    ast.ImportFrom: Traversal._import_from,
    ast.Assign: Traversal._assign,
    ast.AnnAssign: Traversal._ann_assign,
    ast.NamedExpr: Traversal._named_expr,
    ast.For: Traversal._for,
    ast.AsyncFor: Traversal._for,
    ast.With: Traversal._with,
    ast.AsyncWith: Traversal._with,
    ast.ExceptHandler: Traversal._except_handler,
    ast.ListComp: Traversal._comprehension,
    ast.SetComp: Traversal._comprehension,
    ast.GeneratorExp: Traversal._comprehension,
    ast.DictComp: Traversal._comprehension,
    ast.Await: Traversal._await,
    ast.If: Traversal._if,
    ast.Try: Traversal._try,
    ast.TryStar: Traversal._try,
}


class _ByName:
    """The rules checking a call or an attribute, picked by its name (`Rule.callees`,
    `Rule.attributes`).

    Most rules act on a few names only (`decode`, `Field`, `execute`; `close`, `dict`);
    handing them every call and attribute of a file cost a Python call each, and next to none
    matched. A method call picks by its attribute; a plain name by itself and by the last
    part of what it is bound to (an import alias); any other callee gets every rule; an
    attribute by its name. Each pick keeps the rules' order and says whether they all look
    only inside `async def`.
    """

    __slots__ = ("attribute", "every", "named", "unnamed")

    def __init__(self, rules: tuple[Walker, ...], declared: str) -> None:
        self.attribute = declared == "attributes"

        def names(rule: Walker) -> frozenset[str] | None:
            return getattr(rule, declared, None)  # the summary collector declares none

        # Made for hundreds of lists of rules on a large project (the gate lets a different
        # list through for many files), each with hundreds of names (the blocking-call
        # catalogue): each rule is added to the lists of its names in one pass, in order, and
        # equal lists share one entry.
        entries: dict[tuple[Walker, ...], tuple[tuple[Walker, ...], bool]] = {}

        def entry(picked: tuple[Walker, ...]) -> tuple[tuple[Walker, ...], bool]:
            found = entries.get(picked)
            if found is None:
                found = entries[picked] = _entry(picked)
            return found

        declared_names = [names(rule) for rule in rules]
        self.every = entry(rules)
        self.unnamed = entry(
            tuple(r for r, own in zip(rules, declared_names, strict=True) if own is None)
        )
        # A rule that names none is handed every name; one that names some, those.
        lists: dict[str, list[Walker]] = {name: [] for own in declared_names for name in own or ()}
        for rule, own in zip(rules, declared_names, strict=True):
            if own is None:
                for picked in lists.values():
                    picked.append(rule)
            else:
                for name in dict.fromkeys(own):
                    lists[name].append(rule)
        self.named = {name: entry(tuple(picked)) for name, picked in lists.items()}

    def pick(self, node: ast.AST, semantic: SemanticModel) -> tuple[tuple[Walker, ...], bool]:
        if self.attribute:
            return self.named.get(node.attr, self.unnamed)  # type: ignore[attr-defined]  # an Attribute
        func = node.func  # type: ignore[attr-defined]  # a Call
        kind = func.__class__
        if kind is ast.Attribute:
            return self.named.get(func.attr, self.unnamed)
        if kind is not ast.Name:
            return self.every
        name: str = func.id
        binding = semantic.lookup(name)
        if binding is not None and binding.qualname:
            bound = binding.qualname.rpartition(".")[2]
            if bound != name:
                first, second = self.named.get(name), self.named.get(bound)
                if first is None or second is None:
                    return first or second or self.unnamed
                return _entry(tuple(r for r in self.every[0] if r in first[0] or r in second[0]))
        return self.named.get(name, self.unnamed)


# The rules' declarations of the names they act on, per node class (see `_ByName`).
_DECLARED = {ast.Call: "callees", ast.Attribute: "attributes"}


def _entry(rules: tuple[Walker, ...]) -> tuple[tuple[Walker, ...], bool]:
    return rules, bool(rules) and all(rule.only_in_async for rule in rules)


_NODE_CLASSES = _node_classes()
_TABLES: dict[tuple[tuple[type[ast.AST], tuple[Walker, ...]], ...], dict] = {}
# (dispatch, walk table) per tuple of walker instances (`Traversal.of`).
_BY_WALKERS: dict[tuple[Walker, ...], tuple[dict[type[ast.AST], list[Walker]], dict]] = {}


@functools.cache
def _child_fields(wants_markers: bool) -> tuple[tuple[type[ast.AST], tuple[str, ...]], ...]:
    """Each node class with the fields the walk visits, in reverse order."""
    found = []
    for cls in _NODE_CLASSES:
        scalar = _SCALAR_FIELDS.get(cls.__name__, ())
        fields = tuple(
            name
            for name in reversed(cls._fields)
            if name not in scalar and (wants_markers or name not in _MARKER_FIELDS)
        )
        found.append((cls, fields))
    return tuple(found)


@functools.cache
def _fields_of(wants_markers: bool) -> dict[type[ast.AST], tuple[str, ...]]:
    return dict(_child_fields(wants_markers))


@functools.cache
def _no_rules_table(wants_markers: bool) -> dict[type, tuple]:
    """The walk table of an empty list of rules (see `_walk_table`): the traversal's own
    handlers and the fields to visit; a leaf for the rest."""
    return {cls: _table_entry(cls, fields, ()) for cls, fields in _child_fields(wants_markers)}


def _table_entry(cls: type, fields: tuple[str, ...], walkers: Sequence[Walker]) -> tuple:
    """The walk table's entry for node class `cls` (see `_walk_table`), whose rules are
    `walkers`: a picker by name for calls and attributes some rule names, the rules
    themselves otherwise, a leaf for a class with nothing to visit and nobody asking."""
    rules, only_in_async = _entry(tuple(walkers))
    handler = _HANDLERS.get(cls)
    declared = _DECLARED.get(cls)
    if declared and any(getattr(rule, declared, None) is not None for rule in rules):
        return (False, _picker(rules, declared), only_in_async, handler, fields)
    if fields or rules or handler is not None:
        return (cls in _FUNCTION_TYPES, rules, only_in_async, handler, fields)
    return _LEAF


_PICKERS: dict[tuple[tuple[Walker, ...], str], _ByName] = {}


def _picker(rules: tuple[Walker, ...], declared: str) -> _ByName:
    key = (rules, declared)
    picker = _PICKERS.get(key)
    if picker is None:
        if len(_PICKERS) > 1024:  # many rule sets (tests): keep memory bounded
            _PICKERS.clear()
        picker = _PICKERS[key] = _ByName(rules, declared)
    return picker


def _walk_table(dispatch: dict[type[ast.AST], list[Walker]]) -> dict[type, tuple]:
    """class → (declare a function scope?, rules, only in async?, handler, child fields).

    Made once per set of rule instances: the rules of a run are the same objects for every
    file, and a handler is called with the traversal as its first argument.
    """
    key = tuple((cls, tuple(rules)) for cls, rules in dispatch.items())
    table = _TABLES.get(key)
    if table is not None:
        return table
    wants_markers = any(issubclass(cls, _MARKER_BASES) for cls in dispatch)
    # The gate lets a different list of rules through for many files (thousands of lists on
    # the benchmark corpus, most of them met once): the table of no rules is made once, and
    # each list's table is a copy of it with the entries of the classes its rules ask for,
    # the pickers made once per list of rules.
    fields_of = _fields_of(wants_markers)
    table = _no_rules_table(wants_markers).copy()
    for cls, walkers in dispatch.items():
        fields = fields_of.get(cls)
        if fields is not None:  # else not a node class: the walk never meets it
            table[cls] = _table_entry(cls, fields, walkers)
    if len(_TABLES) > 1024:  # many rule sets (tests): keep memory bounded
        _TABLES.clear()
    _TABLES[key] = table
    return table


def _lines_containing(text: str, word: str) -> list[int]:
    """The (1-based, sorted) numbers of the lines on which `word` occurs.

    Lines end at \n, \r\n or a lone \r, as Python's tokenizer counts them. Cheaper than a line
    index of the whole file: only the stretches between occurrences are counted, in C.
    """
    lines: list[int] = []
    line = 1
    previous = 0
    found = text.find(word)
    while found >= 0:
        line += (
            text.count("\n", previous, found)
            + text.count("\r", previous, found)
            - text.count("\r\n", previous, found)
        )
        lines.append(line)
        previous = found
        found = text.find(word, found + len(word))
    return lines


def _all_args(args: ast.arguments) -> list[ast.arg]:
    result = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    if args.vararg is not None:
        result.append(args.vararg)
    if args.kwarg is not None:
        result.append(args.kwarg)
    return result


def _class_qualname(scope: Scope) -> str:
    binding = scope.bindings.get("__qualname__")
    return binding.qualname if binding is not None and binding.qualname else "<class>"
