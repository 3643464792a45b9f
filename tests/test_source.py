"""Byte-faithful round trips: encodings, BOM, line endings survive a fix untouched outside edits."""

from __future__ import annotations

import ast
import codecs
from pathlib import Path

import pytest
from helpers import ruleset

from fastapi_lint.discovery import SourcePath
from fastapi_lint.runner import Mode, check_file
from fastapi_lint.source import Source, SourceError

ASYNC_SLEEP = "import time\n\nasync def wait():\n    time.sleep(1)  # keep this comment\n"


@pytest.mark.parametrize(
    ("data", "expected_encoding"),
    [
        (b"x = 1\n", "utf-8"),
        (codecs.BOM_UTF8 + b"x = 1\n", "utf-8"),
        (b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n", "iso-8859-1"),
        (b"x = 1\r\ny = 2\r\n", "utf-8"),
    ],
)
def test_source_round_trips_bytes(data: bytes, expected_encoding: str):
    source = Source.from_bytes(data)
    assert source.encoding == expected_encoding
    assert source.to_bytes() == data


@pytest.mark.parametrize(
    "data",
    [b"x = '\xff'\n", b"# coding: klingon\nx = 1\n"],
)
def test_undecodable_sources_raise_source_error(data: bytes):
    with pytest.raises(SourceError):
        Source.from_bytes(data)


def test_columns_count_characters_not_bytes(tmp_path: Path):
    path = tmp_path / "m.py"
    path.write_text("import time\n\nasync def f():\n    é = 1; time.sleep(1)\n", encoding="utf-8")
    report = check_file(SourcePath(str(path), "m.py"), ruleset("FAL102"), Mode())
    assert [(d.row, d.col) for d in report.diagnostics] == [(4, 12)]


@pytest.mark.parametrize(
    "text",
    [
        "x = 1\ny = 'é'; z = 2\nw = 3\n",  # one wide line among ASCII ones
        "a = '日本'\r\nb = len(a) + 1\rc = f'{b}🙂' + str(b)\n",  # every line break Python knows
        's = """\nnaïve\n""" + "x"\nt = s\n',  # a wide line inside a multi-line string
        "x = 1\ny = 2\n",  # all ASCII
    ],
)
def test_spans_count_characters_on_every_line(text: str):
    """Every node's span, as the engine computes it (wide rows found once per file), equals
    its byte columns turned into characters on its own line."""
    source = Source(text)
    starts = [0]
    for row_text in text.splitlines(keepends=True)[:-1]:
        starts.append(starts[-1] + len(row_text))
    lines = text.splitlines()

    def offset(row: int, byte_col: int) -> int:
        return starts[row - 1] + len(lines[row - 1].encode()[:byte_col].decode())

    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.expr, ast.stmt)):
            expected = (
                offset(node.lineno, node.col_offset),
                offset(node.end_lineno or node.lineno, node.end_col_offset or 0),
            )
            assert source.span(node) == expected, ast.dump(node)


@pytest.mark.parametrize(
    ("prefix", "newline", "encoding"),
    [
        (b"", "\r\n", "utf-8"),
        (codecs.BOM_UTF8, "\n", "utf-8"),
        (b"# -*- coding: latin-1 -*-\n", "\n", "latin-1"),
    ],
)
def test_fix_keeps_bom_newlines_encoding_and_comments(
    tmp_path: Path, prefix: bytes, newline: str, encoding: str
):
    body = ("# caf\u00e9\n" + ASYNC_SLEEP).replace("\n", newline)
    original = prefix + body.encode(encoding)
    path = tmp_path / "m.py"
    path.write_bytes(original)
    path.chmod(0o640)
    report = check_file(
        SourcePath(str(path), "m.py"), ruleset("FAL102"), Mode(fix=True, unsafe=True)
    )
    assert report.fixed["FAL102"] == 1
    fixed = path.read_bytes()
    assert fixed.startswith(prefix)
    expected = (
        # `import time` goes: the fix made it unused.
        "# caf\u00e9\nimport asyncio\n\nasync def wait():\n"
        "    await asyncio.sleep(1)  # keep this comment\n"
    ).replace("\n", newline)
    assert fixed == prefix + expected.encode(encoding)
    assert path.stat().st_mode & 0o777 == 0o640


def test_file_without_findings_is_untouched(tmp_path: Path):
    path = tmp_path / "m.py"
    data = b"x = 1\r\ny = 2"  # CRLF and no final newline
    path.write_bytes(data)
    before = path.stat().st_mtime_ns
    check_file(SourcePath(str(path), "m.py"), ruleset(), Mode(fix=True, unsafe=True))
    assert path.read_bytes() == data and path.stat().st_mtime_ns == before


def test_import_added_to_file_without_final_newline(tmp_path: Path):
    path = tmp_path / "m.py"
    path.write_text("import time\nasync def f(): time.sleep(1)")
    check_file(SourcePath(str(path), "m.py"), ruleset("FAL102"), Mode(fix=True, unsafe=True))
    assert path.read_text() == "import asyncio\nasync def f(): await asyncio.sleep(1)"
