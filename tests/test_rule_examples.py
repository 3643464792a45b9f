"""Every rule's own `valid` and `invalid` examples, run through the real engine."""

from __future__ import annotations

import pytest
from helpers import fix, lint

from fastapi_lint.registry import all_rules

RULES = all_rules()

VALID = [
    pytest.param(code, example, id=f"{code}-valid-{i}")
    for code, rule in RULES.items()
    for i, example in enumerate(rule.valid)
]
INVALID = [
    pytest.param(code, example, id=f"{code}-invalid-{i}")
    for code, rule in RULES.items()
    for i, example in enumerate(rule.invalid)
]


@pytest.mark.parametrize(("code", "example"), VALID)
def test_valid_example_draws_nothing(code, example):
    found = lint(example.code, code, path=example.path)
    assert found == [], [f"{d.row}:{d.col} {d.message}" for d in found]


@pytest.mark.parametrize(("code", "example"), INVALID)
def test_invalid_example_draws_the_rule(code, example):
    """Each finding where the example says, with the range and the message it says."""
    found = sorted(lint(example.code, code, path=example.path), key=lambda d: (d.row, d.col))
    assert [d.code for d in found] == [code] * len(found)
    assert [f"{d.row}:{d.col}-{d.end_row}:{d.end_col} {d.message}" for d in found] == list(
        example.expect
    )


@pytest.mark.parametrize(("code", "example"), INVALID)
def test_invalid_example_fix(code, example):
    fixed = fix(example.code, code, unsafe=True, path=example.path)
    if example.fixed is None:
        assert fixed == example.code, "a fix was applied where the example expects none"
        return
    assert fixed == example.fixed
    if example.unsafe:
        # Unsafe fixes must not run without --unsafe-fixes.
        assert fix(example.code, code, unsafe=False, path=example.path) == example.code


def test_every_rule_has_docs_and_examples():
    sections = ["## What it does", "## Why is this bad?", "## Example", "## Fix safety"]
    for code, rule in RULES.items():
        docs = rule.docs()
        for section in sections:
            assert section in docs, f"{code} docs lack {section!r}"
        assert rule.invalid, f"{code} has no invalid examples"
        assert all(example.expect for example in rule.invalid), f"{code}: an example lacks expect"
        assert len(rule.valid) >= 1, f"{code} has no valid examples"
        assert code.startswith("FAL") and len(code) == 6
