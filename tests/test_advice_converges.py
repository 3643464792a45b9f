"""Advice one rule gives that another rule would flag: following a message must be the end of
it, not the start of a second finding."""

from __future__ import annotations

import re

from helpers import lint

MODEL = """\
from pydantic import BaseModel


class User(BaseModel):
    name: str

    def names(self):
        return list(self.__fields__)
"""


def test_fal304_on_an_instance_advises_what_fal901_accepts():
    (found,) = lint(MODEL, "FAL304", "FAL901")
    assert found.code == "FAL304"
    advised = re.search(r"use `([^`]+)`", found.message)
    assert advised is not None
    # The literal rename is what FAL901 reports (read from an instance since Pydantic 2.11) ...
    renamed = MODEL.replace("self.__fields__", "self.model_fields")
    assert [d.code for d in lint(renamed, "FAL304", "FAL901")] == ["FAL901"]
    # ... and the advised form is clean under both rules.
    # As a person follows it: a bare name replaces the attribute, an expression the whole read.
    advice = advised.group(1)
    old = "__fields__" if advice.isidentifier() else "self.__fields__"
    followed = MODEL.replace(old, advice)
    assert followed != MODEL
    assert lint(followed, "FAL304", "FAL901") == []
