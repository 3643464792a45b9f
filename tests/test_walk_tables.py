"""The traversal's walk tables (`traversal._walk_table`) against a plain construction of them.

The tables are made for every list of rules the gate lets through (thousands on a large
project), so they are built from a shared table of no rules with only the classes a list asks
for; this holds them equal, entry for entry, to a table made the obvious way: for every node
class, its rules, whether they all look only inside `async def`, the traversal's handler and the
fields it visits, and for calls and attributes the rules picked by name.
"""

from __future__ import annotations

import ast
import random

import pytest

from fastapi_lint.registry import RuleSet
from fastapi_lint.semantic import traversal
from fastapi_lint.settings import Settings


def _rules_by_name(rules: tuple, declared: str) -> tuple[tuple, tuple, dict[str, tuple]]:
    """(every rule, the rules that name nothing, the rules for each name), as `_ByName` keeps
    them, made by asking each name of each rule."""

    def names(rule: object) -> frozenset[str] | None:
        return getattr(rule, declared, None)

    every_name = {name for rule in rules for name in names(rule) or ()}
    named = {
        name: tuple(r for r in rules if names(r) is None or name in names(r)) for name in every_name
    }
    return rules, tuple(r for r in rules if names(r) is None), named


def _expected(dispatch: dict[type[ast.AST], list]) -> dict[type, object]:
    wants_markers = any(issubclass(cls, traversal._MARKER_BASES) for cls in dispatch)
    table: dict[type, object] = {}
    for cls in traversal._NODE_CLASSES:
        scalar = traversal._SCALAR_FIELDS.get(cls.__name__, ())
        fields = tuple(
            name
            for name in reversed(cls._fields)
            if name not in scalar and (wants_markers or name not in traversal._MARKER_FIELDS)
        )
        rules = tuple(dispatch.get(cls, ()))
        only_in_async = bool(rules) and all(rule.only_in_async for rule in rules)
        handler = traversal._HANDLERS.get(cls)
        declared = traversal._DECLARED.get(cls)
        if declared and any(getattr(rule, declared, None) is not None for rule in rules):
            table[cls] = (
                "by name",
                _rules_by_name(rules, declared),
                only_in_async,
                handler,
                fields,
            )
        elif fields or rules or handler is not None:
            is_function = cls in (ast.FunctionDef, ast.AsyncFunctionDef)
            table[cls] = (is_function, rules, only_in_async, handler, fields)
        else:
            table[cls] = ()
    return table


def _plain(table: dict[type, tuple]) -> dict[type, object]:
    """A walk table with its pickers written out as `_rules_by_name` writes them."""
    plain: dict[type, object] = {}
    for cls, entry in table.items():
        if entry and isinstance(entry[1], traversal._ByName):
            picker = entry[1]
            for found in (picker.every, picker.unnamed, *picker.named.values()):
                assert found[1] == (bool(found[0]) and all(r.only_in_async for r in found[0]))
            by_name = (
                picker.every[0],
                picker.unnamed[0],
                {name: rules for name, (rules, _) in picker.named.items()},
            )
            plain[cls] = ("by name", by_name, *entry[2:])
        else:
            plain[cls] = entry
    return plain


def _dispatch(walkers: list) -> dict[type[ast.AST], list]:
    dispatch: dict[type[ast.AST], list] = {}
    for walker in walkers:
        for node_type in walker.nodes:
            dispatch.setdefault(node_type, []).append(walker)
    return dispatch


@pytest.mark.parametrize("seed", range(12))
def test_walk_table_of_a_list_of_rules_is_the_plain_one(seed: int) -> None:
    ruleset = RuleSet(Settings(select=["FAL"]))
    walkers = [*ruleset.rules, ruleset.collector()]
    picked = random.Random(seed).sample(walkers, k=random.Random(seed).randint(0, len(walkers)))
    # The rules' own order, as the engine hands them over (a list the gate let through).
    picked.sort(key=walkers.index)
    dispatch = _dispatch(picked)
    assert _plain(traversal._walk_table(dispatch)) == _expected(dispatch)


def test_walk_table_of_every_rule_and_of_none_is_the_plain_one() -> None:
    ruleset = RuleSet(Settings(select=["FAL"]))
    for walkers in ([*ruleset.rules, ruleset.collector()], [ruleset.collector()], []):
        dispatch = _dispatch(walkers)
        assert _plain(traversal._walk_table(dispatch)) == _expected(dispatch)
