"""The rule API: one class per rule, in one file with its docs, examples, detection and fix."""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

from .diagnostics import Applicability

if TYPE_CHECKING:
    from .context import Context
    from .settings import Settings


def example_text(text: str) -> str:
    """The source an example stands for. Examples are written as indented triple-quoted
    strings, so that they read as code in the rule file: the line break right after the
    opening quotes is dropped and the indentation common to all lines removed."""
    return textwrap.dedent(text.removeprefix("\n"))


class FixAvailability(StrEnum):
    """Whether a rule's findings come with a fix (ruff's three levels)."""

    NONE = "none"  # never: the rule only reports
    SOMETIMES = "sometimes"  # when the case allows it; otherwise reported only, saying why
    ALWAYS = "always"  # every finding carries a fix


# From the most to the least trusted: a rule's docs and listings name the best it offers.
_TRUST = (Applicability.SAFE, Applicability.UNSAFE, Applicability.DISPLAY_ONLY)


@dataclass(frozen=True)
class Invalid:
    """A snippet that must draw the rule, and what `--fix` must make of it."""

    code: str
    # Every finding the snippet draws, in source order: `"ROW:COL-END_ROW:END_COL message"`,
    # with rows and columns 1-based as the command line prints them (the columns count
    # characters; the end is exclusive).
    expect: tuple[str, ...] | list[str] = ()
    fixed: str | None = None  # expected source after fixing; None: no fix is offered
    unsafe: bool = False  # the expected fix needs --unsafe-fixes
    path: str = "example.py"  # a test-looking path for rules that only look at tests

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", example_text(self.code))
        object.__setattr__(self, "expect", tuple(self.expect))
        if self.fixed is not None:
            object.__setattr__(self, "fixed", example_text(self.fixed))


@dataclass(frozen=True)
class Valid:
    """A look-alike that must draw nothing (give a path for rules that depend on it)."""

    code: str
    path: str = "example.py"

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", example_text(self.code))


class Rule:
    """Base class of every rule. Subclasses set the class attributes and implement `check`.

    The class docstring is the rule's documentation, in Markdown, with the sections
    "What it does", "Why is this bad?", "Example", "Use instead" and "Fix safety".
    """

    code: ClassVar[str]
    name: ClassVar[str]
    message: ClassVar[str]  # str.format template filled from `ctx.report(**kwargs)`
    nodes: ClassVar[tuple[type[ast.AST], ...]] = ()
    # The pre-parse gate (see `gate.gate_passes`): a file the gate rules out is not parsed or
    # walked for this rule, so both must be sound — never rule out a file the rule could fire on.
    # `triggers`: the file must contain at least one of these substrings (empty: no condition).
    # Name the words a finding cannot do without — the last part of each qualified name the rule
    # matches (`sleep` for `time.sleep`: it appears in the call or in the import) — not common
    # words that every file contains.
    triggers: ClassVar[tuple[str, ...]] = ()
    # `trigger_words`: like `triggers`, but each counts only as a whole identifier: `open` is
    # found in `open(path)` and `from io import open`, not in `openapi_url` or `reopen`. For
    # short names that are part of many longer words (`wait` in every `await`). Either a
    # trigger or a trigger word lets the file through.
    trigger_words: ClassVar[tuple[str, ...]] = ()
    # `requires`: the file must contain every one of these substrings. For example ("async",) for
    # a rule that only fires inside `async def`: most files have no async code at all.
    requires: ClassVar[tuple[str, ...]] = ()
    # `requires_any`: the file must contain at least one of these substrings, checked before the
    # triggers: ("pydantic", "sqlmodel") for a rule matching names imported from those packages
    # spares files without them the scans for its many `triggers`.
    requires_any: ClassVar[tuple[str, ...]] = ()
    # The callee names of the calls its `check` can act on (with `ast.Call` in `nodes`): the
    # attribute called (`x.get(...)`: "get"), or for a plain name the name as written or the
    # last part of what it is bound to (`nap()` after `from time import sleep as nap`: "nap"
    # and "sleep"). The walk hands the rule only those calls, and calls of anything else
    # (`make()()`, `handlers[key]()`); other nodes are not affected. None: every call. Derive
    # it from the table the check matches (`callees = callee_names(TABLE)`), so that a name cannot be
    # forgotten; tests/test_engine_equivalence.py compares with a walk that hands every call
    # to every rule.
    callees: ClassVar[frozenset[str] | None] = None
    # Likewise for `ast.Attribute` nodes: the attribute names its `check` can act on (`close`
    # in `engine.close`); None: every attribute.
    attributes: ClassVar[frozenset[str] | None] = None
    # True when the rule only ever reports code that runs directly in an `async def` (its
    # `check` returns at once unless `ctx.in_async_function`, and it has no `finish`). The
    # engine then skips calling it elsewhere, and when every rule checking a file says so, it
    # does not walk the bodies of sync functions and lambdas that contain no `async def`.
    only_in_async: ClassVar[bool] = False
    # True when the rule may call `ctx.defer` (findings the project index decides): the engine
    # then collects the module's summary in the same walk, to resolve them.
    defers: ClassVar[bool] = False
    # True when a finding may rest on what another module defines (a client imported from it,
    # a helper of it that makes an engine), which no word of this file shows. In a run with a
    # project index, the rule then also runs on the files its `requires` admit and its
    # triggers rule out, with its code in `ctx.untriggered`: there it only defers such findings
    # (and should do little else: most files are such files).
    across_modules: ClassVar[bool] = False
    # Examples, also the rule's tests (tests/test_rule_examples.py). A plain string in `valid`
    # is a `Valid` at the default path; every rule class sees a list of `Valid` only.
    valid: ClassVar[list[str | Valid]] = []
    invalid: ClassVar[list[Invalid]] = []
    default_enabled: ClassVar[bool] = True
    # What `--fix` can do about the findings: whether they come with a fix, and how far those
    # fixes can be trusted -- one applicability, or each one its fixes may have when it depends
    # on the case (FAL108: `get_running_loop()` is safe, `to_thread` unsafe). Both are checked
    # against the `invalid` examples (tests/test_fix_metadata.py) and shown by the docs.
    fix_availability: ClassVar[FixAvailability] = FixAvailability.NONE
    fix_applicability: ClassVar[tuple[Applicability, ...]] = ()
    # A new rule not yet reviewed on the corpus: it runs only with preview on (`--preview`,
    # `preview = true`), whatever selects it; then it is selected like any other rule.
    preview: ClassVar[bool] = False
    # (library, version, name shown): the rule's fixes write code for that version or later
    # (the Pydantic v1 → v2 rewrites: ("pydantic", (2,), "Pydantic 2")). When the project is
    # known to target an older one (`Settings.target`), the finding stays and says why no fix
    # is offered; unknown targets keep the fix.
    fix_targets: ClassVar[tuple[str, tuple[int, ...], str] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "valid" in cls.__dict__:
            cls.valid = [v if isinstance(v, Valid) else Valid(v) for v in cls.valid]

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def check(self, node: Any, ctx: Context) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def finish(self, ctx: Context) -> None:
        """Called once after the whole file was walked (for rules that collect first)."""

    def fix_refusal(self) -> str:
        """Why the project's target versions rule out this rule's fixes ("" when they do not);
        appended to the findings' messages. Asked once per rule and run."""
        refusal = self.__dict__.get("_fix_refusal")
        if refusal is None:
            # A rule that never fixes has nothing to withhold: its messages stay as they are.
            targets = None if self.fix_availability is FixAvailability.NONE else self.fix_targets
            refusal = self._fix_refusal = _refusal(targets, self.settings)
        return refusal

    def applies(self, ctx: Context) -> bool:
        """Asked once per file, after parsing and before the walk (`ctx.semantic.tree` is
        set, nothing is bound yet): False leaves the whole file out of this rule's walk.
        For answers about the whole module that would otherwise be asked at every node."""
        return True

    @classmethod
    def fix_label(cls) -> str:
        """The most trusted kind of fix the rule offers ("safe", "unsafe", "display-only"), or
        "none": what `fastapi-lint rules` and SARIF show."""
        if cls.fix_availability is FixAvailability.NONE:
            return "none"
        return str(min(cls.fix_applicability, key=_TRUST.index))

    @classmethod
    def docs(cls) -> str:
        import inspect  # noqa: PLC0415 - start-up: slow to import, and only the docs need it

        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        """The first sentence of "What it does", for tables."""
        lines = cls.docs().splitlines()
        text: list[str] = []
        for line in lines[1:]:
            if line.startswith("#"):
                break
            if line.strip():
                text.append(line.strip())
            elif text:
                break
        sentence = " ".join(text)
        return sentence.split(". ")[0].split(": ")[0].rstrip(".")


FixFactory = Callable[[], Any]


def callee_names(qualified: Iterable[str]) -> frozenset[str]:
    """The last parts of qualified names (`time.sleep` → `sleep`): what `Rule.callees` holds for
    a check that acts on calls whose `ctx.qualified_name(node.func)` is one of them (the
    qualified name of `x.attr` ends in `attr`, that of a plain name is what it is bound to)."""
    return frozenset(name.rpartition(".")[2] for name in qualified)


def _refusal(targets: tuple[str, tuple[int, ...], str] | None, settings: Settings) -> str:
    if targets is None:
        return ""
    library, version, shown = targets
    target = settings.target(library)
    if target.at_least(version) is not False:
        return ""
    wanted = ".".join(str(p) for p in version)
    return (
        f" (no fix: the project targets an older {shown.split()[0]}, {target.source}; "
        f"set the target version {library}={wanted} to migrate)"
    )
