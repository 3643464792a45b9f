"""What a rule sees of the file being checked: the semantic model, the source, and `report`."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .diagnostics import Applicability, Diagnostic, Edit, Fix
from .import_placement import first_party_package, import_insertion
from .layout import laid_out
from .rule import Rule
from .semantic.model import Route, Scope, SemanticModel
from .semantic.records import Condition, Fact
from .semantic.summary import call_candidate
from .source import Source

if TYPE_CHECKING:
    from .semantic.traversal import Walker
    from .settings import Settings

# A fix, or a function returning one that the engine calls once the whole file has been walked
# (for fixes that depend on facts known only at the end, such as "this function never awaits").
FixLike = Fix | Callable[[], Fix | None] | None
T = TypeVar("T")


class Context:
    def __init__(
        self, source: Source, path: str, semantic: SemanticModel, settings: Settings
    ) -> None:
        self.source = source
        self.path = path
        self.semantic = semantic
        self.settings = settings
        # What the traversal is calling: a rule, or the summary collector (which never reports).
        self.rule: Rule | Walker | None = None
        self.pending: list[tuple[Diagnostic, FixLike]] = []
        # Findings that need the project index (see `defer`); they go into the summary.
        self.facts: list[Fact] = []
        # (code, row) of noqa comments that did their work without a finding to take away
        # (FAL106's accepted blocking calls): FAL001 must not call them unused.
        self.noqa_uses: list[tuple[str, int]] = []
        # The rules running on this file only for what other modules define: their triggers
        # do not occur in it (see `Rule.across_modules`).
        self.untriggered: frozenset[str] = frozenset()
        self._state: dict[str, Any] = {}
        self._shared: dict[str, Any] = {}
        # `call_names` of the call last asked about (FAL106, FAL107 and the summary
        # collector ask about the same call one after another).
        self._call: ast.Call | None = None
        self._call_names: tuple[str | None, str | None] = (None, None)

    def release(self) -> None:
        """Drop the pending findings and the rules' per-file state once the file is done:
        they hold deferred fixes, which close over this context (a reference cycle that
        would keep the file's tree alive until the next full garbage collection)."""
        self.pending.clear()
        self._state.clear()
        self._shared.clear()
        self._call = None

    def state(self, factory: Callable[[], T]) -> T:
        """Per-file scratch space of the current rule (rule instances live for a whole run)."""
        assert self.rule is not None
        found = self._state.get(self.rule.code)
        if found is None:
            found = self._state[self.rule.code] = factory()
        return found

    def shared(self, key: str, compute: Callable[[], T]) -> T:
        """A per-file answer several rules ask for, computed on the first question. It lives
        as long as this context: nothing of the file outlives its check."""
        if key not in self._shared:
            self._shared[key] = compute()
        return self._shared[key]  # type: ignore[no-any-return]  # one dict, answers of every type

    # ------------------------------------------------------------- questions

    def qualified_name(self, expr: ast.AST) -> str | None:
        return self.semantic.qualified_name(expr)

    def type_of(self, expr: ast.AST) -> str | None:
        return self.semantic.type_of(expr)

    def call_names(self, call: ast.Call) -> tuple[str | None, str | None]:
        """The qualified name of what `call` calls, and the project function it may reach
        (`summary.call_candidate`). FAL106, FAL107 and the summary collector ask this of
        the same call, with nothing bound in between (FAL107 at its statement, the others
        at the call): answered once. Only the call last asked about is kept."""
        if call is self._call:
            return self._call_names
        name = self.semantic.qualified_name(call.func)
        names = (name, call_candidate(call, self.semantic, name))
        self._call = call
        self._call_names = names
        return names

    @property
    def in_async_function(self) -> bool:
        return self.semantic.in_async_function

    @property
    def function(self) -> Scope | None:
        """The scope of the enclosing function (its `.node` is the def), if any."""
        return self.semantic.function_scope

    @property
    def route(self) -> Route | None:
        scope = self.semantic.function_scope
        return scope.route if scope is not None else None

    def text(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.source.text[start:end]

    def span(self, node: ast.AST) -> tuple[int, int]:
        """Character offsets of a node in the source text."""
        return self.source.span(node)

    # ----------------------------------------------------------------- report

    def report(self, node: ast.AST, *, fix: FixLike = None, **fmt: Any) -> None:
        rule = self.rule
        assert isinstance(rule, Rule), "report() is only valid inside a rule's check"
        start, end = self.span(node)
        row, col = self.source.position(start)
        end_row, end_col = self.source.position(end)
        refusal = rule.fix_refusal()
        if refusal:
            fix = None
        diagnostic = Diagnostic(
            code=rule.code,
            message=rule.message.format(**fmt) + refusal,
            path=self.path,
            row=row,
            col=col,
            end_row=end_row,
            end_col=end_col,
            start_offset=start,
        )
        self.pending.append((diagnostic, fix))

    def defer(
        self,
        node: ast.AST,
        requires: tuple[Condition, ...],
        *,
        fix: Fix | None = None,
        message: str | None = None,
        **fmt: Any,
    ) -> None:
        """Report `node` if the project index confirms every condition in `requires`.

        For what one file cannot decide: `IsModel("app.schemas.ItemUpdate")` — is that class,
        defined elsewhere, a Pydantic model? The fact is kept in the module's summary and
        resolved in the project pass (see `semantic/index.py` for the conditions). Values a
        condition supplies (FAL106's `{chain}`) fill the rest of the message; `message`
        replaces the rule's own when it has no place for them (`InstanceOf`'s `{type}`).
        """
        rule = self.rule
        assert isinstance(rule, Rule), "defer() is only valid inside a rule's check"
        assert rule.defers, f"{rule.code} defers findings: set `defers = True` on the rule"
        for condition in requires:
            if not isinstance(condition, Condition):
                unknown = [c for c in requires if not isinstance(c, Condition)]
                raise AssertionError(
                    f"{rule.code} defers on conditions that are not `Condition`s: {unknown}"
                )
        # One fact per call of a project function in an `async def` (FAL106: 78k of the
        # corpus's 111k facts, of which a few hundred hold): written for speed.
        template = message or rule.message
        refusal = rule.fix_refusal()
        if refusal:
            fix = None
            template += refusal.replace("{", "{{").replace("}", "}}")
        start, end = self.source.span(node)
        position = self.source.position
        row, col = position(start)
        end_row, end_col = position(end)
        positions: tuple[tuple[int, int, int, int], ...] = ()
        if fix is not None:
            fix = self._laid_out(fix)
            positions = tuple((*position(e.start), *position(e.end)) for e in fix.edits)
        values = tuple([(key, str(value)) for key, value in fmt.items()])
        self.facts.append(
            tuple.__new__(  # `Fact(...)` without its Python `__new__`: the same tuple
                Fact,
                (
                    rule.code,
                    requires,
                    template,
                    values,
                    row,
                    col,
                    end_row,
                    end_col,
                    start,
                    fix,
                    positions,
                ),
            )
        )

    def diagnostics(self) -> list[Diagnostic]:
        """Resolve deferred fixes; called by the engine after the walk."""
        out = []
        position = self.source.position
        # One fix may stand for many findings (FAL201's lifespan rewrite of an app carries
        # every handler of that app): its positions are worked out once, not per finding.
        positions: dict[int, tuple[tuple[int, int, int, int], ...]] = {}
        for diagnostic, fix in self.pending:
            if callable(fix):
                fix = fix()
            if fix is not None:
                fix = self._laid_out(fix)
            diagnostic.fix = fix
            if fix is not None:
                known = positions.get(id(fix))
                if known is None:
                    known = tuple(
                        (*position(edit.start), *position(edit.end)) for edit in fix.edits
                    )
                    positions[id(fix)] = known
                diagnostic.fix_positions = known
            out.append(diagnostic)
        return out

    def _laid_out(self, fix: Fix) -> Fix:
        """The fix with the lines it makes too long laid out as the formatter would
        (`layout.py`); once per fix, however many findings share it."""
        done: dict[int, tuple[Fix, Fix]] = self.shared("layout", dict)
        known = done.get(id(fix))
        if known is None or known[0] is not fix:
            laid = laid_out(fix, self.source, self.settings.line_length, self.semantic.tree)
            known = done[id(fix)] = (fix, laid)
        return known[1]

    # ------------------------------------------------------------ fix helpers

    def replace(
        self,
        node: ast.AST,
        content: str,
        applicability: Applicability = Applicability.SAFE,
        message: str = "",
    ) -> Fix:
        start, end = self.span(node)
        return Fix((Edit(start, end, content),), applicability, message)

    def import_edit(self, module: str, name: str | None = None) -> tuple[str, Edit | None]:
        """Make `module` (or `name` from it) usable; return the name to write and the edit, if any.

        The import is added once, in the module's leading import block where isort would put it
        (`import_placement`), so that every fix needing it produces the identical edit and the
        fixer applies it once.
        """
        wanted = f"{module}.{name}" if name else module
        bindings = self.semantic.module_scope.bindings
        existing = self.semantic.module_import_names().get(wanted)
        if existing is not None:
            return existing, None
        if name is not None and name in bindings:
            # The short name means something else here: reach it through its module instead.
            prefix, edit = self.import_edit(module)
            return f"{prefix}.{name}", edit
        if name is None and "." not in module:
            # `import asyncio` inside the function the fix is in: the name is there already
            # (a module-level import would be shadowed by it, and left unused).
            local = self.semantic.lookup(module)
            if local is not None and local.qualname == module:
                return module, None
        if name is None and module.split(".")[0] in bindings:
            top = bindings[module.split(".")[0]]
            if top.qualname == module.split(".")[0]:
                return module, None  # `import a` already makes `a.b` reachable
        # Where isort would put it (see import_placement), so that every fix needing it
        # produces the identical edit and the fixer applies it once.
        first_party = self.shared("first-party", lambda: first_party_package(self.path))
        edit = import_insertion(self.semantic.tree, self.source, module, name, first_party)
        return name or module, edit
