"""Text from the linted code, made safe to show: every format that prints source text or a
file name goes through here.

Messages quote the code (FAL502 names the annotation, FAL602 the override) and every line
names a file, and both are chosen by whoever wrote the code being checked. Printed as they
are, a newline in them starts a line of the attacker's choosing — a CI log reads a line that
begins with `::add-mask::` or `::warning` as a workflow command — and an escape sequence is run
by the reader's terminal (OSC 8 links, OSC 52 clipboard writes, CSI cursor movement that hides
the lines above it). So:

- human-readable formats (text, grouped, github, and the lines on stderr) show control
  characters, line and paragraph separators, bidirectional controls and the undecodable
  bytes of a file name as backslash escapes (`\\x1b`, `\\n`, `\\u202e`, `\\xff`): nothing
  is lost, nothing is run, and each finding stays one line;
- a relative file name that would begin a line with `:` or white space is shown as `./name`;
- machine-readable formats (JSON, SARIF) keep the text as it is — JSON escapes control
  characters itself — except that an undecodable byte of a file name, which Python carries
  as a lone surrogate and which no UTF-8 encoder (nor many JSON parsers) accepts, becomes
  U+FFFD there, as in ruff; SARIF's URIs carry the file name's exact bytes, percent-encoded.
"""

from __future__ import annotations

import os
import re

# C0 and C1 controls and DEL; U+2028/U+2029 (line breaks to some readers); the bidirectional
# controls that reorder what a terminal or a web page shows (the "Trojan Source" characters);
# and the lone surrogates that stand for a file name's undecodable bytes.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the undecodable byte itself
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with nothing a terminal or a log reader would act on: one line, no escapes."""
    if text.isascii() and text.isprintable():  # the common case, without a regex
        return text
    return _UNSAFE.sub(_escape, text)


def display_path(path: str) -> str:
    """A file name as the human-readable formats print it, at the start of a line or not."""
    path = printable(path)
    if path[:1] == ":" or (path[:1].isspace()):
        # A line that begins (after white space) with `::` is a command to a CI runner.
        return "./" + path
    return path


def well_formed(text: str) -> str:
    """`text` encodable as UTF-8: a file name's undecodable bytes become U+FFFD (JSON, SARIF)."""
    if text.isascii():
        return text
    return _SURROGATE.sub("\ufffd", text)


def path_bytes(path: str) -> bytes:
    """The file name as the operating system has it (undecodable bytes restored)."""
    return os.fsencode(path)
