"""Where a `# noqa` about a line goes (the end of its multi-line string or backslash
continuation): before Python 3.12 `noqa` finds it with one regular expression instead of the
pure-Python `tokenize`; the two must agree on every file, valid or not."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from fastapi_lint.noqa import (
    _joined_rows,
    _scanned_rows,
    comment_row,
    joined_rows,
    line_codes,
    note_statements,
)
from fastapi_lint.source import Source

ROOT = Path(__file__).parent.parent
FILES = sorted(
    p for d in ("fixtures", "examples", "fastapi_lint") for p in (ROOT / d).rglob("*.py")
)

# Texts a buffer in an editor may hold: unfinished strings, bad dedents, CRLF, tabs, form feeds,
# backslashes at the start of a line and inside strings.
TEXTS = [
    "x = 1 + \\\n  2\n",
    "\\\nx = 1\n",
    "if x:\n    y = 1\n  z = '''a\nb'''\n",
    "s = '''abc\n",
    "s = 'abc\\\ndef'\nt = '''x\ny'''\n",
    "x = 1\r\ny = '''a\r\nb'''\r\nz = 1 + \\\r\n 2\r\n",
    "if a:\n\tb = 1\n        c = '''x\ny'''\n",
    "def f():\n    x = (1,\n2)\n    return '''\n'''\n",
    "x = [\n  1, # c '''\n]\ny = '''\n'''\n",
    "a = 'unterminated\nb = '''x\ny'''\n",
    "if a:\n  x\n\\\n  y = '''\n'''\n",
    "x = f'''{a}\n{b}'''\n",
    "\x0cif a:\n  \x0c  b = '''\n'''\n",
    's = """a\\"""\nb"""\nc = 1 + \\\n 2\n',
    "x = ('''a\nb''' # noqa\n     '''c\nd''')\n",
    "def f():\n  pass\n # c\n  x = '''\n'''\n",
]


# From 3.12 `tokenize` is the C tokenizer (f-strings are tokens of their own there) and is
# asked directly: the scan stands in for the `tokenize` of older versions.
before_312 = pytest.mark.skipif(sys.version_info >= (3, 12), reason="the scan is for < 3.12")


@before_312
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_scan_agrees_with_tokenize_on_every_file(path: Path):
    text = path.read_text(encoding="utf-8", errors="replace")
    assert _scanned_rows(text) == _joined_rows(text)


@before_312
@pytest.mark.parametrize("text", TEXTS)
def test_the_scan_agrees_with_tokenize_on_unfinished_text(text: str):
    assert _scanned_rows(text) == _joined_rows(text)


def test_rows_of_a_string_and_a_continuation():
    text = "x = '''a\nb\nc''' + \\\n  d\ny = 1\n"
    # Rows 1-3 are the string, continued on row 4: a comment about any of them goes on row 4.
    assert joined_rows(text) == {1: 4, 2: 4, 3: 4}


def _statement_by_statement_agrees(text: str) -> None:
    """With the top-level statements noted, `comment_row` tokenizes only the statements
    around a row: every row must get what the whole text's rows give it."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return  # no tree, no statements: the whole text is tokenized, as before
    whole = joined_rows(text)
    source = Source(text)
    note_statements(source, tree)
    for row in range(1, text.count("\n") + 2):
        assert comment_row(source, row) == whole.get(row, row), row


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_rows_found_statement_by_statement_agree_on_every_file(path: Path):
    _statement_by_statement_agrees(path.read_text(encoding="utf-8", errors="replace"))


ODD_TEXTS = [
    "a = '''x\ny'''; b = '''z\nw'''\nc = 1\n",
    "@dec(\n  '''a\nb''')\ndef f():\n    return '''\n'''\n",
    "x = 1 \\\n  + 2\n\n\ny = '''a\n\nb'''  # noqa\n",
    "if a: b = '''x\ny'''\nelse: c = 1 + \\\n  2\n",
    "class A:\n    '''doc\n    string'''\n\n    x = 1 + \\\n        2\n# c\ny = 1\n",
]


@pytest.mark.parametrize("text", [*TEXTS, *ODD_TEXTS])
def test_rows_found_statement_by_statement_agree_on_odd_texts(text: str):
    _statement_by_statement_agrees(text)


def test_the_codes_of_a_line_are_read_only_where_it_mentions_noqa():
    """`line_codes` looks only at the rows that mention `noqa` in any case, found once per
    text; every other row has none, whatever the rest of the file says."""
    text = (
        "import time  # NOQA: FAL102\n"
        "x = 'noqa'\n"
        "y = 1\n"
        "z = 2  # NoQa\r\n"
        "w = 3  # noqa:FAL101,FAL106\r"
        "v = 4\n"
    )
    source = Source(text)
    assert [line_codes(source, row) for row in range(0, 8)] == [
        None,
        frozenset({"FAL102"}),
        None,  # `noqa` in a string, not a comment of the form
        None,
        frozenset(),
        frozenset({"FAL101", "FAL106"}),
        None,
        None,
    ]
