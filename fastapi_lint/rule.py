"""The rule API: one class per rule, in one file with its docs, examples, detection and fix."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from .context import Context
    from .settings import Settings


@dataclass(frozen=True)
class Invalid:
    """A snippet that must draw the rule, and what `--fix` must make of it."""

    code: str
    fixed: str | None = None  # expected source after fixing; None: no fix is offered
    unsafe: bool = False  # the expected fix needs --unsafe-fixes
    count: int = 1  # how many findings the snippet draws
    path: str = "example.py"  # a test-looking path for rules that only look at tests


@dataclass(frozen=True)
class Valid:
    """A look-alike that must draw nothing (give a path for rules that depend on it)."""

    code: str
    path: str = "example.py"


class Rule:
    """Base class of every rule. Subclasses set the class attributes and implement `check`.

    The class docstring is the rule's documentation, in Markdown, with the sections
    "What it does", "Why is this bad?", "Example", "Use instead" and "Fix safety".
    """

    code: ClassVar[str]
    name: ClassVar[str]
    message: ClassVar[str]  # str.format template filled from `ctx.report(**kwargs)`
    nodes: ClassVar[tuple[type[ast.AST], ...]] = ()
    # A file that contains none of these substrings cannot draw the rule and is not parsed for it.
    # Empty: the rule can fire on any file.
    triggers: ClassVar[tuple[str, ...]] = ()
    valid: ClassVar[list[str | Valid]] = []
    invalid: ClassVar[list[Invalid]] = []
    default_enabled: ClassVar[bool] = True
    # "safe", "unsafe", "display-only" or "none": what kind of fix the rule offers at best.
    fix_safety: ClassVar[str] = "none"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def check(self, node: Any, ctx: Context) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def finish(self, ctx: Context) -> None:
        """Called once after the whole file was walked (for rules that collect first)."""

    @classmethod
    def docs(cls) -> str:
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
