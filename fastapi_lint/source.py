"""Bytes → text and back, byte-faithfully, plus the line index the engine reports positions with.

A file is decoded the way Python itself decodes it (BOM, then the PEP 263 encoding cookie, else UTF-8)
and kept with its original line endings, so that writing the text back with the same encoding and BOM
reproduces the original bytes exactly.
"""

from __future__ import annotations

import codecs
import io
import re
import tokenize
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

T = TypeVar("T")

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z|\Z")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_WIDE = re.compile(r"[^\x00-\x7f]+")


class SourceError(Exception):
    """The file cannot be turned into text. `reason` is shown to the user as a FAL000 message."""

    def __init__(self, reason: str, row: int = 1, col: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.row = row
        self.col = col


@dataclass
class Source:
    """One file's text with what is needed to write it back unchanged."""

    text: str
    encoding: str = "utf-8"
    bom: bool = False
    _line_starts: list[int] | None = field(default=None, repr=False)
    # For the text of a `--fix` pass after the first: the file as it was written. Questions
    # about what its author wrote (which Pydantic the module targets) are answered from there:
    # the fixes rewrite the very evidence (see `as_written`).
    written: Source | None = field(default=None, repr=False, compare=False)
    _answers: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_bytes(cls, data: bytes) -> Source:
        bom = data.startswith(codecs.BOM_UTF8)
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        except SyntaxError as exc:
            raise SourceError(f"cannot determine the encoding: {exc.msg}") from None
        body = data[len(codecs.BOM_UTF8) :] if bom else data
        if encoding == "utf-8-sig":
            encoding = "utf-8"
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError as exc:
            row = body.count(b"\n", 0, exc.start) + 1
            raise SourceError(
                f"cannot decode as {encoding}: byte 0x{body[exc.start]:02x} at offset {exc.start}",
                row=row,
            ) from None
        except LookupError:
            raise SourceError(f"unknown encoding {encoding!r} in the coding cookie") from None
        return cls(text=text, encoding=encoding, bom=bom)

    def as_written(self, key: str, compute: Callable[[], T]) -> T:
        """`compute()` for this text, unless this is a fix pass over a file whose first pass
        already answered `key`: then that answer, about the code as written.

        A safe fix that turns `class Config` into `model_config` makes a v1 module look like
        v2 code; FAL310, which only speaks about v1 code, must keep reporting the fields v2
        makes required until its own (unsafe) fix is applied.
        """
        if self.written is not None and key in self.written._answers:
            return self.written._answers[key]  # type: ignore[no-any-return]  # one dict, answers of every type
        if key not in self._answers:
            self._answers[key] = compute()
        return self._answers[key]  # type: ignore[no-any-return]  # one dict, answers of every type

    def computed(self, key: str, compute: Callable[[], T]) -> T:
        """`compute()` for this very text, computed once (unlike `as_written`, a fix pass's
        text never answers from the text as written)."""
        key = "text:" + key
        if key not in self._answers:
            self._answers[key] = compute()
        return self._answers[key]  # type: ignore[no-any-return]

    def known(self, key: str) -> Any:
        """What `computed(key, ...)` computed for this text, or None when nothing asked yet."""
        return self._answers.get("text:" + key)

    def rewritten(self, text: str) -> Source:
        """The text of a later fix pass over this file."""
        return Source(text, self.encoding, self.bom, written=self.written or self)

    def to_bytes(self, text: str | None = None) -> bytes:
        data = (self.text if text is None else text).encode(self.encoding)
        return codecs.BOM_UTF8 + data if self.bom else data

    @cached_property
    def newline(self) -> str:
        """The file's dominant line ending, used for lines that fixes insert."""
        match = _NEWLINE.search(self.text)
        return match.group() if match else "\n"

    @cached_property
    def is_ascii(self) -> bool:
        return self.text.isascii()

    @cached_property
    def _wide_rows(self) -> frozenset[int]:
        """The rows (1-based) whose line holds a character outside ASCII. A file with one
        (a docstring's accent, an emoji in a log message) would otherwise cut out the line of
        every position asked of it to find out; a run of such characters never crosses a
        line break, which is ASCII."""
        starts = self.line_starts
        return frozenset(bisect_right(starts, m.start()) for m in _WIDE.finditer(self.text))

    @cached_property
    def mentions_noqa(self) -> bool:
        """Could any line carry a `# noqa` comment? Most files have none, and then no line
        needs to be looked at for one (nor the line index built)."""
        return "noqa" in self.text.lower()

    @property
    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            starts = [0]
            starts.extend(m.end() for m in _NEWLINE.finditer(self.text))
            self._line_starts = starts
        return self._line_starts

    def lines(self) -> list[str]:
        """The lines as Python counts them, with their endings (see `split_lines`)."""
        return split_lines(self.text)

    def line(self, row: int) -> str:
        """Line `row` (1-based) without its line ending."""
        starts = self.line_starts
        if row < 1 or row > len(starts):
            return ""
        start = starts[row - 1]
        end = starts[row] if row < len(starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def span(self, node: Any) -> tuple[int, int]:
        """Character offsets of an `ast` node in the text."""
        if self.is_ascii:
            # Most files, and asked of every finding and deferred fact: `offset` written out
            # (a byte column is a character column).
            starts = self.line_starts
            count = len(starts)
            row = node.lineno
            start = starts[min(max(row, 1), count) - 1] + node.col_offset
            end_col = getattr(node, "end_col_offset", None)
            if end_col is None:
                return start, start
            end_row = getattr(node, "end_lineno", None) or row
            return start, starts[min(max(end_row, 1), count) - 1] + end_col
        start = self.offset(node.lineno, node.col_offset)
        end_row = getattr(node, "end_lineno", None) or node.lineno
        end_col = getattr(node, "end_col_offset", None)
        end = self.offset(end_row, end_col) if end_col is not None else start
        return start, end

    def offset(self, row: int, byte_col: int) -> int:
        """Character offset into the text of an `ast` position (1-based row, UTF-8 byte column)."""
        starts = self.line_starts
        row = min(max(row, 1), len(starts))
        start = starts[row - 1]
        return start + self.char_col(row, byte_col)

    def char_col(self, row: int, byte_col: int) -> int:
        """`ast` columns count UTF-8 bytes; users and editors count characters."""
        if self.is_ascii:
            return byte_col  # most files: every line is, and none need be cut out to check
        if row not in self._wide_rows:
            return byte_col  # an all-ASCII line of a file with a few others
        line = self.line(row)
        return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))

    def position(self, offset: int) -> tuple[int, int]:
        """(1-based row, 1-based character column) of a character offset."""
        starts = self.line_starts
        row = bisect_right(starts, offset) or 1  # offsets before 0 belong to the first line
        return row, offset - starts[row - 1] + 1


def split_lines(text: str) -> list[str]:
    """`text` cut into lines with their endings, at the line breaks Python knows (`\\n`,
    `\\r\\n`, `\\r`) and only there. `str.splitlines` also cuts at form feeds, vertical tabs
    and Unicode separators, which Python source may hold inside a line: every row after one
    would be off (and so would LSP positions, which count the same three breaks)."""
    lines = _LINE.findall(text)
    if lines and not lines[-1]:
        lines.pop()  # the empty match at the very end
    return lines
