"""JUnit XML, as CI servers read test reports (Jenkins, GitLab, Azure, CircleCI...):
one `<testsuite>` per file with findings, one failing `<testcase>` per finding.

- Test names are `CODE at line R, column C`; the class name is the file's dotted module
  path (`app/main.py` → `app.main`), which is how the servers group tests into packages.
- The failure's `type` is the code, its `message` the message, its text the `concise` line.
- A run without findings is one passing test ("No errors found") rather than an empty
  report, which some servers treat as a failed upload.
- Internal errors are `<error>` test cases.
- Control characters in a message or file name (which XML 1.0 cannot hold anyway) are written
  as backslash escapes, as in the line formats. The output is checked against the XSD of Jenkins' JUnit reader.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import groupby

from ..diagnostics import Diagnostic
from ..runner import RunReport
from ._text import printable
from .options import ReportOptions

NAME = "fastapi-lint"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(value: str) -> str:
    # `printable` escapes controls (and a file name's undecodable bytes) as in the line formats;
    # what XML 1.0 still cannot hold (U+FFFE, U+FFFF) is escaped the same way.
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", printable(value))


def _classname(path: str) -> str:
    stem = path[:-3] if path.endswith(".py") else path
    return ".".join(part for part in re.split(r"[\\/]", stem) if part not in ("", "."))


def _suite(root: ET.Element, name: str, tests: int, failures: int, errors: int) -> ET.Element:
    return ET.SubElement(
        root,
        "testsuite",
        {
            "name": _xml_text(name),
            "tests": str(tests),
            "failures": str(failures),
            "errors": str(errors),
            "skipped": "0",
        },
    )


def render(report: RunReport, options: ReportOptions) -> str:
    diagnostics = report.diagnostics
    errors = report.errors
    root = ET.Element(
        "testsuites",
        {
            "name": NAME,
            "tests": str(max(1, len(diagnostics) + len(errors))),
            "failures": str(len(diagnostics)),
            "errors": str(len(errors)),
        },
    )
    for path, group in groupby(diagnostics, key=lambda d: d.path):
        found: list[Diagnostic] = list(group)
        suite = _suite(root, path, len(found), len(found), 0)
        for d in found:
            case = ET.SubElement(
                suite,
                "testcase",
                {
                    "name": f"{d.code} at line {d.row}, column {d.col}",
                    "classname": _xml_text(_classname(d.path)),
                },
            )
            failure = ET.SubElement(
                case, "failure", {"type": d.code, "message": _xml_text(d.message)}
            )
            failure.text = _xml_text(f"{d.path}:{d.row}:{d.col}: {d.code} {d.message}")
    if errors:
        suite = _suite(root, f"{NAME} internal errors", len(errors), 0, len(errors))
        for error in errors:
            case = ET.SubElement(
                suite,
                "testcase",
                {"name": f"{error.rule} on {_xml_text(error.path)}", "classname": NAME},
            )
            element = ET.SubElement(
                case, "error", {"type": "internal-error", "message": _xml_text(error.message)}
            )
            element.text = _xml_text(error.message)
    if not diagnostics and not errors:
        suite = _suite(root, NAME, 1, 0, 0)
        ET.SubElement(suite, "testcase", {"name": "No errors found", "classname": NAME})
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}'
