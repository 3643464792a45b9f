"""Each rule's typed fix metadata agrees with its examples and with its docs.

`fix_availability` (none / sometimes / always) and `fix_applicability` (safe, unsafe,
display-only) are what the README table, the rule pages, `fastapi-lint rules` and SARIF show.
The `invalid` examples are run with and without `--unsafe-fixes` by tests/test_rule_examples.py,
so their `fixed=` / `unsafe=` say what the rule really does; here the declaration is held to them.
"""

from __future__ import annotations

import re

import pytest
from helpers import fix

from fastapi_lint.diagnostics import Applicability
from fastapi_lint.docs import fix_cell, fix_text, section
from fastapi_lint.registry import all_rules
from fastapi_lint.rule import FixAvailability, Rule

RULES = all_rules()
SAFE_EXAMPLES = [
    (code, example)
    for code, rule in RULES.items()
    for example in rule.invalid
    if example.fixed is not None and not example.unsafe
]


def _shown(rule: type[Rule]) -> set[Applicability]:
    """The applicabilities the rule's fixed examples show."""
    return {
        Applicability.UNSAFE if example.unsafe else Applicability.SAFE
        for example in rule.invalid
        if example.fixed is not None
    }


@pytest.mark.parametrize(("code", "example"), SAFE_EXAMPLES)
def test_a_safe_example_is_fixed_without_unsafe_fixes(code, example):
    """What `unsafe=False` claims, really: plain `--fix` applies it. (The other direction, an
    unsafe example left alone without `--unsafe-fixes`, is tests/test_rule_examples.py's.)"""
    assert fix(example.code, code, unsafe=False, path=example.path) == example.fixed


@pytest.mark.parametrize("code", sorted(RULES))
def test_availability_matches_the_examples(code: str):
    rule = RULES[code]
    fixed = [e for e in rule.invalid if e.fixed is not None]
    if rule.fix_availability is FixAvailability.NONE:
        assert not fixed, "a rule without a fix has no `fixed=` example"
        assert rule.fix_applicability == (), "a rule without a fix declares no applicability"
        return
    assert fixed, "a rule with a fix shows it in at least one `fixed=` example"
    if rule.fix_availability is FixAvailability.ALWAYS:
        unfixed = [e.code for e in rule.invalid if e.fixed is None]
        assert not unfixed, f"declared ALWAYS, but these examples have no fix: {unfixed}"


@pytest.mark.parametrize("code", sorted(RULES))
def test_applicability_matches_the_examples(code: str):
    rule = RULES[code]
    declared = set(rule.fix_applicability)
    assert len(declared) == len(rule.fix_applicability), "listed twice"
    if rule.fix_availability is FixAvailability.NONE:
        return
    assert declared, "a rule with a fix declares how far it can be trusted"
    shown = _shown(rule)
    # Every fix an example shows is one the rule declares: a rule declared safe has no
    # example that needs --unsafe-fixes.
    assert shown <= declared, f"examples show {sorted(shown)}, declared {sorted(declared)}"
    # The least trusted kind declared is shown. (A safe fix may depend on what the file alone
    # cannot tell, such as the project's library versions: FAL701's fix is safe only then.)
    if Applicability.UNSAFE in declared:
        assert Applicability.UNSAFE in shown, "declared unsafe fixes, but no example shows one"
    if declared == {Applicability.SAFE}:
        assert shown == {Applicability.SAFE}


@pytest.mark.parametrize("code", sorted(RULES))
def test_the_fix_safety_section_agrees(code: str):
    """The hand-written "Fix safety" section explains the declared kinds of fix."""
    rule = RULES[code]
    text = section(rule, "Fix safety")
    assert text, "every rule documents its fix safety"
    if rule.fix_availability is FixAvailability.NONE:
        assert text.startswith("No fix"), text[:80]
        return
    assert not text.startswith("No fix"), text[:80]
    for applicability in rule.fix_applicability:
        word = {"safe": r"\bsafe\b", "unsafe": r"\bunsafe\b", "display-only": "display-only"}
        assert re.search(word[applicability], text, re.IGNORECASE), (
            f"the section never says which fixes are {applicability}"
        )


def test_no_rule_keeps_the_free_text_field():
    """`fix_safety = "safe"` was replaced by the typed fields; a rule still setting it would
    have its declaration ignored."""
    stale = [
        code
        for code, rule in RULES.items()
        if any("fix_safety" in vars(cls) for cls in rule.__mro__)
    ]
    assert not stale


def test_the_labels_follow_the_declaration():
    """The docs' Fix line and table cell, and the one-word label of listings and SARIF."""
    by_code = {
        code: (rule.fix_label(), fix_cell(rule), fix_text(rule)) for code, rule in RULES.items()
    }
    assert by_code["FAL000"] == ("none", "-", "none")
    assert by_code["FAL102"] == (
        "unsafe",
        "unsafe",
        "always available; unsafe (applied by `--fix --unsafe-fixes`)",
    )
    assert by_code["FAL108"] == (
        "safe",
        "safe/unsafe (sometimes)",
        "sometimes available; safe (applied by `--fix`) or unsafe (applied by "
        "`--fix --unsafe-fixes`)",
    )
    assert by_code["FAL301"][:2] == ("safe", "safe (sometimes)")
