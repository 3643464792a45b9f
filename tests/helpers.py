"""Shared test helpers: lint or fix a snippet with chosen rules, through the real engine."""

from __future__ import annotations

from fastapi_lint.config import apply_overrides
from fastapi_lint.diagnostics import Diagnostic
from fastapi_lint.engine import lint_source
from fastapi_lint.fixes import fix_text
from fastapi_lint.registry import RuleSet
from fastapi_lint.settings import Settings
from fastapi_lint.source import Source


def ruleset(*codes: str, **overrides: object) -> RuleSet:
    settings = Settings()
    if codes:
        overrides.setdefault("select", list(codes))
    return RuleSet(apply_overrides(settings, **overrides))


def lint(text: str, *codes: str, path: str = "example.py") -> list[Diagnostic]:
    source = Source.from_bytes(text.encode())
    rules = ruleset(*codes)
    result = lint_source(source, path, rules, module="example")
    assert not result.errors, result.errors
    return result.diagnostics


def fix(text: str, *codes: str, unsafe: bool = False, path: str = "example.py") -> str:
    rules = ruleset(*codes)

    def run(current: str) -> list[Diagnostic]:
        return lint_source(Source(current), path, rules, module="example").diagnostics

    outcome, _ = fix_text(text, run, unsafe=unsafe)
    return outcome.text
