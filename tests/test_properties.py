"""Property-based tests: for any input, check never raises; for any valid program, --fix output
compiles, a second --fix changes nothing, and a file without findings is left byte-identical.

Budgets are CI-sized by default; `HYPOTHESIS_PROFILE=long pytest tests/test_properties.py`
runs the longer local profile.
"""

from __future__ import annotations

import os

import hypothesmith
from helpers import ruleset
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastapi_lint.engine import lint_source
from fastapi_lint.fixes import fix_text, parses
from fastapi_lint.source import Source

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.register_profile(
    "long", max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

RULES = ruleset("ALL")

# Fragments the rules look for, so that generated programs reach rule code, not only the gate.
FRAGMENTS = [
    "import time\n",
    "import requests\n",
    "from fastapi import FastAPI, Depends, Query\napp = FastAPI()\n",
    "from pydantic import BaseModel, validator\n",
    "async def handler(x):\n    time.sleep(1)\n    return requests.get(x)\n",
    "@app.get('/items/{item_id}')\nasync def read(item_id: int, q: str = Query(None)):\n"
    "    return open('x').read()\n",
    "class User(BaseModel):\n    name: str\n    class Config:\n        orm_mode = True\n"
    "    @validator('name')\n    def check(cls, v):\n        return v\n",
    "@app.on_event('startup')\nasync def start():\n    pass\n",
]


def lint(text: str):
    return lint_source(Source(text), "generated.py", RULES, module="generated")


@given(st.text())
def test_check_never_raises_on_arbitrary_text(text: str):
    result = lint(text)
    assert not result.errors


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=6), st.text(max_size=40))
def test_check_never_raises_on_fastapi_shaped_text(parts: list[str], noise: str):
    result = lint("".join(parts) + noise)
    assert not result.errors


def _fix(text: str) -> str:
    outcome, _ = fix_text(text, lambda t: lint(t).diagnostics, unsafe=True)
    return outcome.text


@given(st.one_of(hypothesmith.from_grammar(), st.lists(st.sampled_from(FRAGMENTS), min_size=1)))
def test_fix_output_compiles_and_is_idempotent(program: str | list[str]):
    text = program if isinstance(program, str) else "".join(program)
    if not parses(text):
        return  # the fixer holds a file to the standard it met before: nothing to prove here
    fixed = _fix(text)
    assert parses(fixed)
    assert _fix(fixed) == fixed
    if not lint(text).diagnostics:
        assert fixed == text
