"""One file: gate → parse → one traversal dispatching nodes to rules → noqa → sorted diagnostics.

The steps live in their own modules: the pre-parse gate in `gate.py`, the parse and its FAL000
finding in `parsing.py`, the walk that binds names and dispatches nodes in
`semantic/traversal.py`. This module puts them in order for one file (`lint_source`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field

from .context import Context
from .diagnostics import Diagnostic, InternalError, internal_error
from .gate import gate_passes, presence
from .noqa import file_exempt, note_statements, suppressing_row
from .parsing import (
    PARSE_ERROR,
    describe_syntax_error,
    on_fresh_stack,
    parse,
    parse_error_diagnostic,
    syntax_ok,
)
from .registry import RuleSet, all_rules
from .rule import Rule
from .rules.fal001_unused_noqa import check_directives
from .semantic.external import external_for
from .semantic.index import ProjectIndex
from .semantic.model import SemanticModel
from .semantic.records import Fact, ModuleSummary
from .semantic.traversal import Traversal, Walker
from .settings import Settings
from .source import Source

# Importable from here as before: callers of the engine use these names.
UNUSED_NOQA = "FAL001"  # reported here, after the other rules: see `_apply_noqa`

__all__ = [
    "PARSE_ERROR",
    "InternalError",
    "LintResult",
    "Traversal",
    "describe_syntax_error",
    "gate_passes",
    "internal_error",
    "lint_source",
    "parse",
    "parse_error_diagnostic",
    "syntax_ok",
]


@dataclass
class LintResult:
    """What linting one file's source found."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[InternalError] = field(default_factory=list)
    parsed: bool = False
    # What the file tells the rest of the project (pass 1 of project analysis); None when the
    # file was not walked (unparsable, or skipped by the trigger gate without `summarize`).
    summary: ModuleSummary | None = None


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

    Code as deep as Python itself accepts is analysed: an attribute chain 2,500 long compiles,
    and the semantic model and some rules follow such chains by recursion. When that runs out
    of Python's recursion limit, the file is linted again in a thread with a large stack and a
    limit to match (`_with_deep_stack`); only code deeper than even that gets FAL000.
    """

    def lint() -> LintResult:
        return _lint_source(
            source, path, ruleset, module=module, is_package=is_package, tree=tree,
            apply_noqa=apply_noqa, summarize=summarize, index=index, resolve_facts=resolve_facts,
        )  # fmt: skip

    try:
        return lint()
    except RecursionError:
        pass
    try:
        return _with_deep_stack(lint)
    except RecursionError:
        result = LintResult(parsed=True)
        result.diagnostics.append(parse_error_diagnostic(path, "nesting too deep to analyse"))
        return result


# The limits of the second attempt. Python's parser gives up near 3,000 levels of nesting; a
# level costs the model and the rules a few frames at most. The stack is address space,
# used only as deep as the recursion really goes.
DEEP_RECURSION_LIMIT = 60_000
DEEP_STACK_BYTES = 512 * 1024 * 1024


def _with_deep_stack(action: Callable[[], LintResult]) -> LintResult:
    return on_fresh_stack(
        action,
        DEEP_STACK_BYTES,
        name="fastapi-lint-deep-file",
        recursion_limit=DEEP_RECURSION_LIMIT,
        strict=True,
    )


def _lint_source(
    source: Source,
    path: str,
    ruleset: RuleSet,
    *,
    module: str,
    is_package: bool,
    tree: ast.Module | None,
    apply_noqa: bool,
    summarize: bool,
    index: ProjectIndex | None,
    resolve_facts: bool,
) -> LintResult:
    """`lint_source`, raising RecursionError when the file is deeper than the stack allows.

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
    rules = []
    # Rules let through only for what other modules define (`Rule.across_modules`): with an
    # index to ask, or a summary to keep the facts in.
    untriggered: set[str] = set()
    if not exempt:
        candidates = ruleset.for_path(path)
        seen = presence(text, candidates)
        across = summarize or index is not None
        for rule in candidates:
            if rule.code == PARSE_ERROR:
                continue
            if gate_passes(rule, text, seen):
                rules.append(rule)
            elif across and rule.across_modules and gate_passes(rule, text, seen, triggers=False):
                rules.append(rule)
                untriggered.add(rule.code)
    parse_reported = not exempt and ruleset.enabled(PARSE_ERROR, path)
    if not rules and not parse_reported and not summarize:
        return result
    if tree is None and not rules and not summarize and syntax_ok(source, path):
        result.parsed = True  # only FAL000 wanted this file, and it parses
        return result
    if tree is None:
        parsed = parse(source, path)
        if isinstance(parsed, Diagnostic):
            if parse_reported:
                result.diagnostics.append(parsed)
            return result
        tree = parsed
    result.parsed = True
    note_statements(source, tree)
    if not rules and not summarize:
        return result

    semantic = SemanticModel(module, is_package)
    semantic.external = external_for(ruleset.settings)
    semantic.tree = tree
    ctx = Context(source, path, semantic, ruleset.settings)
    ctx.untriggered = frozenset(untriggered)
    rules = [rule for rule in rules if _applies(rule, ctx, result.errors)]
    if not rules and not summarize:
        return result
    # The summary is collected by the same walk as the rules run in, never by a second one;
    # it is wanted for the project pass, or here for the facts of the rules that defer them.
    collector = None
    summary: ModuleSummary | None = None
    if summarize or any(rule.defers for rule in rules):
        collector = ruleset.collector()
        collector.start()
    walkers: list[Walker] = [*rules, collector] if collector is not None else [*rules]
    traversal = Traversal.of(semantic, ctx, walkers, result.errors)
    traversal.module_level = [
        rule for rule in rules if rule.code in untriggered and hasattr(rule, "needs_bodies")
    ]
    # The collector needs sync bodies too (helpers that block are sync functions).
    traversal.skip_sync_bodies = collector is None and all(r.only_in_async for r in rules)
    try:
        traversal.run(tree)  # RecursionError: see `lint_source`
        for rule in rules:
            traversal.call(rule, rule.finish, ctx)
        if collector is not None:
            traversal.call(collector, collector.finish, ctx)
            summary = collector.result
        diagnostics = ctx.diagnostics()
        facts = ctx.facts
    finally:
        if collector is not None:
            collector.start()  # drops its references to this file's tree
        # Break the reference cycles (deferred functions and fixes that close over the
        # context, held by the walk, the pending findings and the rules' per-file state) so
        # that the tree is freed as soon as this returns, not at the next cyclic garbage
        # collection: keeps memory flat and the collector idle.
        traversal.close()
        ctx.release()
    if apply_noqa and source.mentions_noqa:
        diagnostics, facts = _apply_noqa(
            source, path, ruleset, rules, diagnostics, facts, ctx.noqa_uses
        )
    if summary is not None:
        result.summary = summary._replace(facts=tuple(facts))
        if resolve_facts and facts:
            project = index.with_module(result.summary) if index is not None else None
            project = project or ProjectIndex([result.summary], external_for(ruleset.settings))
            diagnostics.extend(project.diagnostics(result.summary))
    withhold_fixes(diagnostics, ruleset.settings)
    diagnostics.sort(key=Diagnostic.sort_key)
    result.diagnostics = diagnostics
    return result


def withhold_fixes(diagnostics: list[Diagnostic], settings: Settings) -> None:
    """Drop the fixes of rules that `fixable`/`unfixable` rule out: such findings are then
    reported as having no fix, as in ruff."""
    if settings.fixable == ("ALL",) and not settings.unfixable:
        return
    for diagnostic in diagnostics:
        if diagnostic.fix is not None and not settings.fix_allowed(diagnostic.code):
            diagnostic.fix = None
            diagnostic.fix_positions = ()


def _apply_noqa(
    source: Source,
    path: str,
    ruleset: RuleSet,
    rules: list[Rule],
    diagnostics: list[Diagnostic],
    facts: list[Fact],
    uses: list[tuple[str, int]],
) -> tuple[list[Diagnostic], list[Fact]]:
    """Drop what `# noqa` comments suppress; with FAL001 enabled, report the comments that
    suppress nothing (it needs to know which comment took away which finding)."""
    suppressed: list[tuple[str, int]] = list(uses)
    kept: list[Diagnostic] = []
    for diagnostic in diagnostics:
        row = suppressing_row(source, diagnostic.code, diagnostic.row)
        if row is None:
            kept.append(diagnostic)
        else:
            suppressed.append((diagnostic.code, row))
    kept_facts = []
    for fact in facts:
        row = suppressing_row(source, fact.code, fact.row)
        if row is None:
            kept_facts.append(fact)
        else:
            suppressed.append((fact.code, row))
    if any(rule.code == UNUSED_NOQA for rule in rules):
        enabled = [rule.code for rule in ruleset.for_path(path)]
        kept.extend(check_directives(source, path, suppressed, enabled, all_rules()))
    return kept, kept_facts


def _applies(rule: Rule, ctx: Context, errors: list[InternalError]) -> bool:
    ctx.rule = rule
    try:
        return rule.applies(ctx)
    except Exception as exc:  # the rule sits this file out, as after a crash in `check`
        errors.append(internal_error(ctx.path, rule.code, exc))
        return False
