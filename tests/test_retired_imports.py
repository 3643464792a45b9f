"""Imports the fixes made unused are dropped, and only those (`fixes.drop_retired_imports`)."""

from __future__ import annotations

import pytest

from fastapi_lint.diagnostics import Applicability, Edit, Fix
from fastapi_lint.fixes import drop_retired_imports
from fastapi_lint.semantic.records import fix_from_plain, fix_to_plain

RETIRED = {
    "pydantic.validator",
    "pydantic.class_validators.validator",
    "pydantic.root_validator",
}


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # The only name: the whole line goes.
        ("import os\nfrom pydantic import validator\nx = 1\n", "import os\nx = 1\n"),
        # First, middle and last of several.
        ("from pydantic import validator, BaseModel\n", "from pydantic import BaseModel\n"),
        ("from pydantic import A, validator, B\n", "from pydantic import A, B\n"),
        ("from pydantic import BaseModel, validator\n", "from pydantic import BaseModel\n"),
        # Several of one statement: adjacent, at the end, at both ends.
        (
            "from pydantic import BaseModel, Field, root_validator, validator\n",
            "from pydantic import BaseModel, Field\n",
        ),
        ("from pydantic import root_validator, validator, A\n", "from pydantic import A\n"),
        ("from pydantic import validator, A, root_validator\n", "from pydantic import A\n"),
        ("from pydantic import root_validator, validator\n", ""),
        # Parenthesised over several lines, with a trailing comma.
        (
            "from pydantic import (\n    BaseModel,\n    validator,\n)\n",
            "from pydantic import (\n    BaseModel,\n)\n",
        ),
        (
            "from pydantic import (\n    validator,\n    BaseModel,\n)\n",
            "from pydantic import (\n    BaseModel,\n)\n",
        ),
        # Under another name, from the module it is defined in.
        (
            "from pydantic.class_validators import validator as check\nfrom pydantic import A\n",
            "from pydantic import A\n",
        ),
        # A word in a string or a comment elsewhere is no use (as ruff's F401 judges).
        ("from pydantic import validator\nDOC = 'use validator'\n", "DOC = 'use validator'\n"),
        ("from pydantic import validator\n# v1 validator\nx = 1\n", "# v1 validator\nx = 1\n"),
        # CRLF line endings are kept.
        ("from pydantic import validator\r\nx = 1\r\n", "x = 1\r\n"),
    ],
)
def test_unused_retired_names_are_dropped(before: str, after: str):
    assert drop_retired_imports(before, RETIRED) == after


@pytest.mark.parametrize(
    "text",
    [
        # Still used.
        "from pydantic import validator\n\n@validator('a')\ndef f(cls, v):\n    return v\n",
        # Named by `__all__`, or a comment on the import: a person decides.
        "from pydantic import validator\n\n__all__ = ['validator']\n",
        "from pydantic import validator  # re-exported for plugins\nx = 1\n",
        # Shares its line with other code.
        "from pydantic import validator; x = 1\n",
        # Not a name the fixes retired.
        "from pydantic import Field\n",
        "from attr import validator\n",
        # Relative imports and imports inside functions are not touched.
        "from .pydantic import validator\n",
        "def f():\n    from pydantic import validator\n",
    ],
)
def test_anything_else_is_left_alone(text: str):
    assert drop_retired_imports(text, RETIRED) == text


def test_retires_survive_the_plain_form():
    fix = Fix((Edit(0, 1, "x"),), Applicability.SAFE, "m", None, ("pydantic.validator",))
    assert fix_from_plain(fix_to_plain(fix)) == fix
    older = fix_to_plain(fix)[:4]  # written before fixes had `retires`
    assert fix_from_plain(older).retires == ()


SLEEP = {"time.sleep"}


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # `import time` once `time.sleep` was its last use (a comment naming it is no use).
        (
            "import asyncio\nimport time\n\n# time flies\nx = 1\n",
            "import asyncio\n\n# time flies\nx = 1\n",
        ),
        ("import time as t\nx = 1\n", "x = 1\n"),
        # One name of several.
        ("import os, time\nos.getcwd()\n", "import os\nos.getcwd()\n"),
        ("import time, os\nos.getcwd()\n", "import os\nos.getcwd()\n"),
    ],
)
def test_unused_retired_modules_are_dropped(before: str, after: str):
    assert drop_retired_imports(before, SLEEP) == after


@pytest.mark.parametrize(
    "text",
    [
        # Still used, as a name, by `global`, or through `__all__`.
        "import time\nstart = time.monotonic()\n",
        "import time\n\ndef f():\n    global time\n",
        "import time\n__all__ = ['time']\n",
        # Shares its line with other code.
        "import time; x = 1\n",
        # A dotted import binds its first part, which other modules may use.
        "import os.path\n",
        # Not the module of a retired name.
        "import datetime\n",
    ],
)
def test_used_or_other_modules_are_left_alone(text: str):
    assert drop_retired_imports(text, SLEEP | {"os.path.join"}) == text
