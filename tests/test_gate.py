"""The pre-parse gate must be sound: it may let through files a rule ignores, never the reverse."""

from __future__ import annotations

import pytest

from fastapi_lint.catalogues import types
from fastapi_lint.catalogues.blocking import TABLES
from fastapi_lint.gate import gate_passes
from fastapi_lint.registry import all_rules
from fastapi_lint.rule import Rule
from fastapi_lint.settings import Settings

# Where the semantic model gives a type without a table entry (model.SemanticModel.type_of).
_HARD_CODED_SOURCES = {"io.IOBase": {"fastapi.UploadFile"}}


def _covered(rule: Rule, qualname: str) -> bool:
    """Would a file that resolves `qualname` pass the rule's triggers?

    Every part of a qualified name resolved through imports appears in the file as a whole
    identifier (in the import statement or the attribute chain), so one part that is a trigger
    word, or contains a trigger substring, is enough.
    """
    parts = qualname.removeprefix("builtins.").split(".")
    return any(part in rule.trigger_words for part in parts) or any(
        trigger in qualname for trigger in rule.triggers
    )


def _sources(type_name: str, seen: frozenset[str] = frozenset()) -> set[str]:
    """Every name whose presence can make a value of `type_name` known."""
    if type_name in seen:
        return set()
    seen = seen | {type_name}
    found = {type_name} | _HARD_CODED_SOURCES.get(type_name, set())
    found |= {alias for alias, target in types.CANONICAL.items() if target == type_name}
    found |= {factory for factory, result in types.RESULT_TYPES.items() if result == type_name}
    for maker, result in types.INSTANCE_CALL_TYPES.items():
        if result == type_name:
            found |= _sources(maker, seen)
    for (receiver, _method), result in types.METHOD_RESULT_TYPES.items():
        if result == type_name:
            found |= _sources(receiver, seen)
    return found


@pytest.mark.parametrize("code", sorted(TABLES))
def test_blocking_triggers_cover_the_table(code: str):
    rule = all_rules()[code](Settings())
    table = TABLES[code]
    missing = sorted(name for name in table.calls if not _covered(rule, name))
    for type_name in table.methods:
        # A method is reported once its receiver's type is known; any source can make it known.
        missing += sorted(s for s in _sources(type_name) if not _covered(rule, s))
    assert not missing, f"{code}: add trigger words for {missing}"


def _rule(**attributes: object) -> Rule:
    cls = type("Gated", (Rule,), {"code": "FAL999", "name": "gated", "message": "", **attributes})
    return cls(Settings())


def test_trigger_words_are_whole_identifiers():
    rule = _rule(trigger_words=("open", "wait"))
    assert gate_passes(rule, "with open(p) as f: pass")
    assert gate_passes(rule, "from io import open")
    assert gate_passes(rule, "os.wait()")
    assert not gate_passes(rule, "app = FastAPI(openapi_url=None)\nawait reopen()")
    assert not gate_passes(rule, "await x")


def test_requires_and_triggers_combine():
    rule = _rule(triggers=("sleep",), requires=("async",))
    assert gate_passes(rule, "import time\nasync def f():\n    time.sleep(1)")
    assert not gate_passes(rule, "import time\ndef f():\n    time.sleep(1)")
    assert not gate_passes(rule, "async def f():\n    pass")
    assert gate_passes(_rule(), "anything")


def test_extended_blocking_calls_extend_the_gate():
    settings = Settings(extend_blocking_calls=(("FAL102", ("mylib.pause",)),))
    rule = all_rules()["FAL102"](settings)
    assert gate_passes(rule, "import mylib\nasync def f():\n    mylib.pause()")


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_every_invalid_example_passes_the_gate(code: str):
    rule = all_rules()[code](Settings())
    for example in rule.invalid:
        assert gate_passes(rule, example.code), example.code


@pytest.mark.parametrize(
    ("code", "text", "passes"),
    [
        ("FAL503", "from fastapi import Depends\n", True),
        ("FAL503", "import fastapi\nfastapi.Query\n", True),
        # Inside the fastapi package itself the import is relative.
        ("FAL503", "from .params import Depends\n", True),
        # The trigger alone, without anything it could be imported from.
        ("FAL503", "Depends = object\n", False),
        ("FAL305", "from pydantic import constr\n", True),
        ("FAL305", "from sqlmodel import constr\n", True),
        ("FAL305", "def constr():\n    pass\n", False),
        ("FAL308", "from pydantic.tools import parse_obj_as\n", True),
        ("FAL308", "parse_obj_as = None\n", False),
    ],
)
def test_requires_any(code: str, text: str, passes: bool):
    rule = all_rules()[code](Settings())
    assert gate_passes(rule, text) is passes


def _all_example_texts() -> list[str]:
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    files = sorted((root / "fixtures").rglob("*.py"))
    texts = [p.read_bytes().decode("utf-8", "replace") for p in files]
    for rule in all_rules().values():
        texts.extend(str(getattr(e, "code", e)) for e in (*rule.valid, *rule.invalid))
    # Overlapping and nested strings: one pass must find every one, as `in` does.
    texts.append("app.add_event_handler('startup', on_event)  # asyncio.sleep async")
    return texts


def test_one_pass_finds_what_a_scan_per_string_finds():
    """`presence` (the automaton) says of each gate string what `string in text` says, so the
    gate decides the same either way."""
    from fastapi_lint.gate import presence

    rules = [kind(Settings()) for kind in all_rules().values()]
    for text in _all_example_texts():
        seen = presence(text, rules)
        assert seen, "the automaton is not in use"
        assert {s: s in text for s in seen} == seen
        with_scans: dict[str, bool] = {}
        assert [gate_passes(r, text, dict(seen)) for r in rules] == [
            gate_passes(r, text, with_scans) for r in rules
        ]
