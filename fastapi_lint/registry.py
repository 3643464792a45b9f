"""Finds the rules and resolves `select` / `ignore` by code prefix, as flake8 and ruff do."""

from __future__ import annotations

import fnmatch
import importlib
import pkgutil
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

from . import rules as rules_package
from .rule import Rule
from .settings import Settings

if TYPE_CHECKING:
    from .semantic.summary import SummaryCollector


class UnknownSelector(ValueError):
    """A code or prefix that names no rule."""


@cache
def all_rules() -> dict[str, type[Rule]]:
    """Every rule class, by code, found by importing each module under `fastapi_lint.rules`."""
    found: dict[str, type[Rule]] = {}
    for module_info in pkgutil.walk_packages(rules_package.__path__, rules_package.__name__ + "."):
        if module_info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Rule)
                and value is not Rule
                and value.__module__ == module.__name__
                and getattr(value, "code", None)
            ):
                if value.code in found:
                    raise RuntimeError(f"two rules claim {value.code}")
                found[value.code] = value
    return dict(sorted(found.items()))


def rule_by_code_or_name(key: str) -> type[Rule] | None:
    rules = all_rules()
    if key.upper() in rules:
        return rules[key.upper()]
    for rule in rules.values():
        if rule.name == key:
            return rule
    return None


def _matches(code: str, selectors: Iterable[str]) -> str | None:
    """The longest selector that selects `code` ("ALL" selects everything)."""
    best = None
    for selector in selectors:
        if (selector == "ALL" or code.startswith(selector)) and (
            best is None or len(selector) > len(best)
        ):
            best = selector
    return best


def validate_selectors(selectors: Iterable[str]) -> None:
    codes = all_rules()
    for selector in selectors:
        if selector == "ALL":
            continue
        if not any(code.startswith(selector) for code in codes):
            raise UnknownSelector(selector)


def selected_codes(settings: Settings) -> list[str]:
    """Codes enabled by select + extend-select minus ignore; the more specific selector wins.

    Rules that are off by default are enabled only when named by their full code; rules in
    preview only with `preview` on.
    """
    chosen = []
    selectors = [*settings.select, *settings.extend_select]
    for code, rule in all_rules().items():
        picked = _matches(code, selectors)
        if picked is None:
            continue
        if not rule.default_enabled and picked != code:
            continue
        if rule.preview and not settings.preview:
            continue
        ignored = _matches(code, settings.ignore)
        if ignored is not None and len(ignored) >= len(picked):
            continue
        chosen.append(code)
    return chosen


class RuleSet:
    """The rule instances of one run, with per-file-ignores resolved per path."""

    def __init__(self, settings: Settings) -> None:
        validate_selectors([*settings.select, *settings.extend_select, *settings.ignore])
        for _, codes in settings.per_file_ignores:
            validate_selectors(codes)
        self.settings = settings
        classes = all_rules()
        self.rules: list[Rule] = [classes[code](settings) for code in selected_codes(settings)]
        self.codes = frozenset(rule.code for rule in self.rules)
        # An enabled rule needs the project index (see `project.py`).
        self.defers = any(rule.defers for rule in self.rules)
        self._per_path: dict[str, tuple[Rule, ...]] = {}
        self._collector: SummaryCollector | None = None

    def collector(self) -> SummaryCollector:
        """The summary collector of this rule set's runs (`engine.lint_source`), made once."""
        if self._collector is None:
            from .semantic.summary import SummaryCollector  # noqa: PLC0415 - start-up: only runs that collect summaries

            self._collector = SummaryCollector(self.settings)
        return self._collector

    def for_path(self, path: str) -> tuple[Rule, ...]:
        cached = self._per_path.get(path)
        if cached is not None:
            return cached
        ignored: list[str] = []
        for pattern, codes in self.settings.per_file_ignores:
            if _path_matches(path, pattern):
                ignored.extend(codes)
        rules = tuple(r for r in self.rules if not r.code.startswith(tuple(ignored)))
        self._per_path[path] = rules
        return rules

    def enabled(self, code: str, path: str) -> bool:
        return any(rule.code == code for rule in self.for_path(path))


def _path_matches(path: str, pattern: str) -> bool:
    path = path.replace("\\", "/")
    if fnmatch.fnmatch(path, pattern):
        return True
    # A bare file or directory pattern matches anywhere in the tree, as in flake8 and ruff.
    if "/" not in pattern:
        return any(fnmatch.fnmatch(part, pattern) for part in path.split("/"))
    return fnmatch.fnmatch(path, f"*/{pattern}") or path.startswith(pattern.rstrip("/") + "/")
