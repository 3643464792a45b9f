"""Azure Pipelines logging commands: each finding becomes an error on the build's summary.

    ##vso[task.logissue type=error;sourcepath=app/main.py;linenumber=11;columnnumber=5;code=FAL102;]message

Escaping follows the agent's parser: in property values `;`, `]`, CR and LF are written as
`%3B`, `%5D`, `%0D`, `%0A`, in the message CR and LF, and `%` as `%AZP25` in both, so that a
file name or message can neither end the command early nor start another one on a new line. Before that,
file names and messages are made inert as in the other line formats (see `_text`): a control
character in them is a backslash escape, so the escapes above are a second line of defence.
"""

from __future__ import annotations

from ..runner import RunReport
from ._text import display_path, printable
from .options import ReportOptions

_PROPERTY = {"%": "%AZP25", ";": "%3B", "]": "%5D", "\r": "%0D", "\n": "%0A"}
_MESSAGE = {"%": "%AZP25", "\r": "%0D", "\n": "%0A"}


def _escape(value: str, table: dict[str, str]) -> str:
    return "".join(table.get(char, char) for char in value)


def render(report: RunReport, options: ReportOptions) -> str:
    lines = []
    for d in report.diagnostics:
        properties = {
            "type": "error",
            "sourcepath": display_path(d.path),
            "linenumber": str(d.row),
            "columnnumber": str(d.col),
            "code": d.code,
        }
        props = "".join(f"{key}={_escape(value, _PROPERTY)};" for key, value in properties.items())
        lines.append(f"##vso[task.logissue {props}]{_escape(printable(d.message), _MESSAGE)}")
    return "\n".join(lines)
