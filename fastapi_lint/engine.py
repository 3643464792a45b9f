"""One file: gate → parse → one traversal dispatching nodes to rules → noqa → sorted diagnostics."""

from __future__ import annotations

import ast
import traceback
import warnings
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from .context import Context
from .diagnostics import Diagnostic
from .noqa import file_exempt, filter_noqa, is_suppressed, suppressed_codes
from .registry import RuleSet
from .rule import Rule
from .semantic.index import ProjectIndex
from .semantic.model import (
    Binding,
    BindingKind,
    ClassInfo,
    Scope,
    ScopeKind,
    SemanticModel,
)
from .semantic.modules import resolve_relative
from .semantic.records import ModuleSummary
from .semantic.summary import SummaryCollector
from .source import Source

PARSE_ERROR = "FAL000"

_FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass
class InternalError:
    """A rule that raised on a file: reported, the run goes on, and the exit code is 2."""

    path: str
    rule: str
    message: str
    traceback: str


@dataclass
class LintResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[InternalError] = field(default_factory=list)
    parsed: bool = False
    # What the file tells the rest of the project (pass 1 of project analysis); None when the
    # file was not walked (unparsable, or skipped by the trigger gate without `summarize`).
    summary: ModuleSummary | None = None


def parse_error_diagnostic(path: str, reason: str, row: int = 1, col: int = 1) -> Diagnostic:
    return Diagnostic(
        code=PARSE_ERROR,
        message=f"Cannot check this file: {reason}",
        path=path,
        row=row,
        col=col,
        end_row=row,
        end_col=col,
    )


def describe_syntax_error(exc: SyntaxError, source: Source) -> str:
    message = exc.msg or "invalid syntax"
    line = source.line(exc.lineno or 1).strip()
    python2 = "Missing parentheses in call to" in message or (
        message.startswith("invalid syntax")
        and (line.startswith(("print ", "exec ")) or ("except " in line and ", " in line))
    )
    hint = " (Python 2 code?)" if python2 else ""
    return f"syntax error: {message}{hint}"


def parse(source: Source, path: str) -> ast.Module | Diagnostic:
    """The module's tree, or the FAL000 diagnostic saying why there is none."""
    try:
        # The parser warns about the *linted* code (invalid escape sequences): not ours to print.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source.text, filename=path, type_comments=False)
    except SyntaxError as exc:
        row = exc.lineno or 1
        col = (exc.offset or 1) if exc.lineno else 1
        return parse_error_diagnostic(path, describe_syntax_error(exc, source), row, max(col, 1))
    except ValueError as exc:  # NUL bytes on some Python versions
        return parse_error_diagnostic(path, f"invalid source: {exc}")
    except (RecursionError, MemoryError):
        return parse_error_diagnostic(path, "nesting too deep for the Python parser")


def lint_source(
    source: Source,
    path: str,
    ruleset: RuleSet,
    *,
    module: str = "__main__",
    is_package: bool = False,
    tree: ast.Module | None = None,
    apply_noqa: bool = True,
    summarize: bool = False,
    index: ProjectIndex | None = None,
    resolve_facts: bool = True,
) -> LintResult:
    """All findings for one file's text. Never raises for bad input.

    Project analysis (see `project.py`): the traversal also builds the module's summary
    (`result.summary`), including the facts rules deferred to the project index. With
    `resolve_facts` (the default) they are resolved here, against `index` with this file's
    fresh summary in it, or against this file alone when there is no index; the project pass
    of a whole run passes `resolve_facts=False` and resolves them once every file is summarised.
    `summarize` walks the file even when no rule's trigger occurs in it, since other modules
    may need its summary.
    """
    result = LintResult()
    text = source.text
    exempt = file_exempt(text)
    rules = (
        []
        if exempt
        else [
            rule
            for rule in ruleset.for_path(path)
            if rule.code != PARSE_ERROR
            and (not rule.triggers or any(t in text for t in rule.triggers))
        ]
    )
    parse_reported = not exempt and ruleset.enabled(PARSE_ERROR, path)
    if not rules and not parse_reported and not summarize:
        return result
    if tree is None:
        parsed = parse(source, path)
        if isinstance(parsed, Diagnostic):
            if parse_reported:
                result.diagnostics.append(parsed)
            return result
        tree = parsed
    result.parsed = True
    if not rules and not summarize:
        return result

    semantic = SemanticModel(module, is_package)
    ctx = Context(source, path, semantic, ruleset.settings)
    # The summary is collected by the same walk as the rules run in, never by a second one.
    collector = SummaryCollector(ruleset.settings)
    traversal = Traversal(semantic, ctx, RuleSet.dispatch_table([*rules, collector]), result.errors)
    try:
        traversal.run(tree)
    except RecursionError:
        result.diagnostics.append(parse_error_diagnostic(path, "nesting too deep to analyse"))
        return result
    for rule in rules:
        traversal.call(rule, rule.finish, ctx)
    traversal.call(collector, collector.finish, ctx)
    diagnostics = ctx.diagnostics()
    facts = ctx.facts
    if apply_noqa:
        diagnostics = filter_noqa(diagnostics, source)
        facts = [
            f for f in facts if not is_suppressed(f.code, suppressed_codes(source.line(f.row)))
        ]
    if collector.summary is not None:
        result.summary = collector.summary._replace(facts=tuple(facts))
        if resolve_facts and facts:
            project = index.with_module(result.summary) if index is not None else None
            project = project or ProjectIndex([result.summary])
            diagnostics.extend(project.diagnostics(result.summary))
    diagnostics.sort(key=Diagnostic.sort_key)
    result.diagnostics = diagnostics
    return result


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
        dispatch: dict[type[ast.AST], list[Rule]],
        errors: list[InternalError],
    ) -> None:
        self.semantic = semantic
        self.ctx = ctx
        self.dispatch = dispatch
        self.errors = errors
        self.failed: set[str] = set()  # rules that raised on this file: not called again
        self.deferred: deque[tuple[ast.FunctionDef | ast.AsyncFunctionDef, Scope]] = deque()
        self.ceilings: dict[ast.AST, list[tuple[int, ...]]] = {}  # see `_declare_function`
        self.handlers: dict[type[ast.AST], Callable[[ast.AST, list], None]] = {
            ast.FunctionDef: self._function,
            ast.AsyncFunctionDef: self._function,
            ast.ClassDef: self._class,
            ast.Lambda: self._lambda,
            ast.Import: self._import,
            ast.ImportFrom: self._import_from,
            ast.Assign: self._assign,
            ast.AnnAssign: self._ann_assign,
            ast.NamedExpr: self._named_expr,
            ast.For: self._for,
            ast.AsyncFor: self._for,
            ast.With: self._with,
            ast.AsyncWith: self._with,
            ast.ExceptHandler: self._except_handler,
            ast.ListComp: self._comprehension,
            ast.SetComp: self._comprehension,
            ast.GeneratorExp: self._comprehension,
            ast.DictComp: self._comprehension,
            ast.Await: self._await,
            ast.If: self._if,
        }

    # ------------------------------------------------------------------ walk

    def run(self, tree: ast.Module) -> None:
        self.semantic.tree = tree
        self._walk(list(tree.body))
        while self.deferred:
            node, scope = self.deferred.popleft()
            self._function_body(node, scope)

    def _walk(self, items: list) -> None:
        stack = items[::-1]
        dispatch = self.dispatch
        handlers = self.handlers
        while stack:
            item = stack.pop()
            if not isinstance(item, ast.AST):
                item()
                continue
            if isinstance(item, _FUNCTION_TYPES):
                self._declare_function(item)
            rules = dispatch.get(type(item))
            if rules:
                for rule in rules:
                    self.call(rule, rule.check, item, self.ctx)
            handler = handlers.get(type(item))
            if handler is not None:
                handler(item, stack)
            else:
                stack.extend(reversed(list(ast.iter_child_nodes(item))))

    def call(self, rule: Rule, method: Callable, *args: object) -> None:
        if rule.code in self.failed:
            return
        self.ctx.rule = rule
        try:
            method(*args)
        except RecursionError:
            raise
        except Exception as exc:
            self.failed.add(rule.code)
            self.errors.append(
                InternalError(
                    path=self.ctx.path,
                    rule=rule.code,
                    message=f"{type(exc).__name__}: {exc}",
                    traceback=traceback.format_exc(),
                )
            )

    # ------------------------------------------------------------- functions

    def _declare_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """Create the function's scope, with its route, before rules look at the def."""
        if node in self.semantic.functions:
            return
        scope = Scope(ScopeKind.FUNCTION, node, self.semantic.scope)
        scope.is_async = isinstance(node, ast.AsyncFunctionDef)
        scope.route = self.semantic.route_of(node.decorator_list)
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
        self.deferred.append((node, scope))

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
        stack.extend(reversed([*defaults, enter, node.body, semantic.pop]))

    def _await(self, node: ast.AST, stack: list) -> None:
        self._mark_await()
        stack.append(node.value)  # type: ignore[attr-defined]

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
                for name in (semantic.qualified_name(b) for b in node.bases)
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

    def _bind_targets(self, targets: list[ast.expr], value: ast.expr | None) -> None:
        semantic = self.semantic
        for target in targets:
            if isinstance(target, ast.Name):
                qualname = None
                if isinstance(value, (ast.Name, ast.Attribute)):
                    qualname = semantic.qualified_name(value)  # an alias: `get = requests.get`
                known = semantic.type_of(value) if value is not None else None
                semantic.bind(
                    Binding(target.id, BindingKind.ASSIGNMENT, target, qualname, known, value)
                )
            elif isinstance(target, (ast.Tuple, ast.List)):
                values = (
                    value.elts
                    if isinstance(value, (ast.Tuple, ast.List))
                    and len(value.elts) == len(target.elts)
                    else [None] * len(target.elts)
                )
                for sub_target, sub_value in zip(target.elts, values, strict=True):
                    self._bind_targets([sub_target], sub_value)
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
        bind = lambda: self._bind_plain(node.target, BindingKind.LOOP)  # noqa: E731
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
        for generator in node.generators:  # type: ignore[attr-defined]
            if generator.is_async:
                parts.append(self._mark_await)
            parts.append(generator.iter)
            parts.append(generator.target)
            parts.append(lambda target=generator.target: self._bind_plain(target, BindingKind.LOOP))
            parts.extend(generator.ifs)
        if isinstance(node, ast.DictComp):
            parts.extend([node.key, node.value])
        else:
            parts.append(node.elt)  # type: ignore[attr-defined]
        parts.append(semantic.pop)
        stack.extend(reversed(parts))


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
