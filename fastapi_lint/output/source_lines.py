"""The lines of the files that findings point into, for formats that quote the source
(`full`'s frames) or count columns in bytes (`rdjson`).

Reporters run after the check, so the file on disk is what the positions refer to: after
`--fix` it holds the fixed text, and the findings left are reported against it. Source read
from stdin is handed over by the command line (`ReportOptions.stdin_sources`).
A file that cannot be read or decoded, or is no regular file (a FIFO reported as FAL000),
gives no lines, and the format falls back.
"""

from __future__ import annotations

from ..source import Source, SourceError
from ..writing import read_regular


class SourceLines:
    def __init__(self, stdin_sources: tuple[tuple[str, bytes], ...] = ()) -> None:
        self._given = dict(stdin_sources)
        self._cache: dict[str, list[str] | None] = {}

    def lines(self, path: str) -> list[str] | None:
        """The file's lines without their line endings (None when it cannot be had)."""
        if path not in self._cache:
            self._cache[path] = self._read(path)
        return self._cache[path]

    def line(self, path: str, row: int) -> str | None:
        lines = self.lines(path)
        if lines is None or not 1 <= row <= len(lines) + 1:
            return None
        return lines[row - 1] if row <= len(lines) else ""

    def _read(self, path: str) -> list[str] | None:
        data = self._given.get(path)
        if data is None:
            try:
                # Regular files only, and bounded: a FIFO or /dev/zero named by a FAL000
                # finding must not hang the report or exhaust memory (see `writing.py`).
                data = read_regular(path)
            except OSError:
                return None
        try:
            text = Source.from_bytes(data).text
        except SourceError:
            return None
        # Only the line breaks Python knows: `str.splitlines` also splits at form feeds and
        # other separators, which would shift every row after them.
        return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def utf8_column(line: str | None, col: int) -> int:
    """The 1-based column `col` (in characters) as a 1-based column in UTF-8 bytes."""
    if line is None:
        return col
    return len(line[: col - 1].encode("utf-8", "surrogatepass")) + 1
