"""`--output-format sarif|grouped`, `--statistics` and `--show-fixes`, end to end."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from clitools import BAD, CLEAN, cli

X = "\u00d7"  # the multiplication sign in "2 x FAL102", as ruff prints it
SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)


def validator() -> jsonschema.protocols.Validator:
    """The schema's own draft (draft-04), with format checks: `uri` must be absolute."""
    cls = jsonschema.validators.validator_for(SCHEMA)
    cls.check_schema(SCHEMA)
    return cls(SCHEMA, format_checker=cls.FORMAT_CHECKER)


def assert_valid_sarif(data: dict[str, Any]) -> None:
    errors = sorted(validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text(BAD)
    (tmp_path / "app" / "clean.py").write_text(CLEAN)
    return tmp_path


def sarif(project: Path, *args: str) -> dict[str, Any]:
    result = cli("check", *args, "--output-format", "sarif", cwd=project)
    assert result.returncode in (0, 1), result.stderr
    data = json.loads(result.stdout)
    assert_valid_sarif(data)
    return data


# ----------------------------------------------------------------------------------------- SARIF


def test_the_validator_checks_formats():
    """A relative `helpUri` is invalid SARIF: make sure the validation would catch it."""
    log = {
        "version": "2.1.0",
        "runs": [
            {"tool": {"driver": {"name": "x", "rules": [{"id": "A1", "helpUri": "docs/A1.md"}]}}}
        ],
    }
    assert any("uri" in e.message for e in validator().iter_errors(log))


@pytest.mark.slow
def test_sarif_is_valid_and_complete(project: Path):
    from fastapi_lint import __version__
    from fastapi_lint.registry import all_rules

    data = sarif(project, "app", "--unsafe-fixes")
    assert data["version"] == "2.1.0"
    (run,) = data["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "fastapi-lint"
    assert driver["version"] == __version__
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"
    assert run["invocations"] == [{"executionSuccessful": True}]

    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert list(rules) == ["FAL101", "FAL102"]  # the rules with findings, sorted
    sleep = rules["FAL102"]
    rule = all_rules()["FAL102"]
    assert sleep["name"] == "blocking-sleep-in-async"
    assert sleep["shortDescription"]["text"] == rule.summary()
    assert sleep["fullDescription"]["text"] == "Checks for `time.sleep()` inside `async def`."
    assert sleep["help"]["markdown"].startswith("# blocking-sleep-in-async (FAL102)\n\n## What")
    assert "## Fix safety" in sleep["help"]["markdown"]
    url = "https://fastapi-lint.readthedocs.io/en/latest/rules/FAL102/"
    assert sleep["properties"] == {"url": url, "fixSafety": "unsafe"}
    assert sleep["defaultConfiguration"] == {"enabled": True, "level": "error"}
    assert sleep["helpUri"] == url

    results = run["results"]
    assert [r["ruleId"] for r in results] == ["FAL102", "FAL101"]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == "error"
    first = results[0]
    assert first["message"]["text"].startswith("`time.sleep()` blocks the event loop")
    (location,) = first["locations"]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "app/main.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 11, "startColumn": 5, "endLine": 11, "endColumn": 18},
    }


@pytest.mark.slow
def test_sarif_regions_match_the_json_output(project: Path):
    data = sarif(project, "app", "--unsafe-fixes")
    findings = json.loads(
        cli("check", "app", "--unsafe-fixes", "--output-format", "json", cwd=project).stdout
    )
    results = data["runs"][0]["results"]
    assert len(results) == len(findings)
    for result, finding in zip(results, findings, strict=True):
        region = result["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (
            finding["location"]["row"],
            finding["location"]["column"],
        )
        assert (region["endLine"], region["endColumn"]) == (
            finding["end_location"]["row"],
            finding["end_location"]["column"],
        )
        assert (
            result["ruleId"] == finding["code"] and result["message"]["text"] == finding["message"]
        )


def apply_sarif_fix(text: str, fix: dict[str, Any]) -> str:
    """Apply a SARIF fix's replacements to `text` (1-based lines, exclusive end columns)."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1

    (change,) = fix["artifactChanges"]
    edits = []
    for replacement in change["replacements"]:
        region = replacement["deletedRegion"]
        edits.append(
            (
                offset(region["startLine"], region["startColumn"]),
                offset(region["endLine"], region["endColumn"]),
                replacement.get("insertedContent", {}).get("text", ""),
            )
        )
    for start, end, content in sorted(edits, reverse=True):
        text = text[:start] + content + text[end:]
    return text


@pytest.mark.slow
def test_sarif_fixes_apply_to_the_file(project: Path):
    data = sarif(project, "app/main.py", "--unsafe-fixes")
    sleep = data["runs"][0]["results"][0]
    assert sleep["ruleId"] == "FAL102"
    (fix,) = sleep["fixes"]
    assert fix["properties"] == {"applicability": "unsafe"}
    assert fix["description"]["text"].endswith("(unsafe fix)")
    assert fix["artifactChanges"][0]["artifactLocation"] == {
        "uri": "app/main.py",
        "uriBaseId": "%SRCROOT%",
    }
    assert len(fix["artifactChanges"][0]["replacements"]) == 2  # the call and `import asyncio`
    fixed = apply_sarif_fix(BAD, fix)
    assert "    await asyncio.sleep(1)\n" in fixed
    assert "import asyncio\n" in fixed
    ast.parse(fixed)
    # The same edit `--fix` makes on its first pass, which also drops the `import time` the
    # fix made unused (a clean-up of the fixer's, not part of the finding's fix).
    cli("check", "app/main.py", "--select", "FAL102", "--fix", "--unsafe-fixes", cwd=project)
    assert "import time\n" in fixed
    assert (project / "app" / "main.py").read_text() == fixed.replace("import time\n", "", 1)


@pytest.mark.slow
def test_sarif_without_findings_and_with_an_unparsable_file(project: Path):
    clean = sarif(project, "app/clean.py")
    assert clean["runs"][0]["results"] == []
    assert clean["runs"][0]["tool"]["driver"]["rules"] == []
    (project / "app" / "py2.py").write_text('print "hi"\n')
    broken = sarif(project, "app/py2.py")
    (result,) = broken["runs"][0]["results"]
    assert result["ruleId"] == "FAL000"
    assert broken["runs"][0]["tool"]["driver"]["rules"][0]["name"] == "unparsable-file"


@pytest.mark.slow
def test_sarif_uris_are_escaped(project: Path):
    odd = project / "my app" / "rés#umé.py"
    odd.parent.mkdir()
    odd.write_text(BAD)
    data = sarif(project, "my app")
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in data["runs"][0]["results"]
    }
    assert uris == {"my%20app/r%C3%A9s%23um%C3%A9.py"}


@pytest.mark.slow
def test_sarif_outside_the_working_directory_uses_file_uris(project: Path, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "main.py"
    elsewhere.write_text(BAD)
    data = sarif(project, str(elsewhere))
    location = data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": elsewhere.as_uri()}


@pytest.mark.slow
def test_output_format_from_pyproject(project: Path):
    (project / "pyproject.toml").write_text('[tool.fastapi-lint]\noutput-format = "sarif"\n')
    result = cli("check", "app", cwd=project)
    assert_valid_sarif(json.loads(result.stdout))


def test_config_model_knows_every_format():
    from typing import get_args

    from fastapi_lint.config import OUTPUT_FORMATS
    from fastapi_lint.config_model import OutputFormat
    from fastapi_lint.output import REPORTERS

    assert set(get_args(OutputFormat)) == set(OUTPUT_FORMATS) == set(REPORTERS)


# --------------------------------------------------------------------------------------- grouped


@pytest.mark.slow
def test_grouped_output(project: Path):
    (project / "app" / "other.py").write_text(BAD.replace("time.sleep(1)", "pass"))
    result = cli("check", "app", "--output-format", "grouped", cwd=project)
    assert result.returncode == 1
    assert result.stdout == (
        "app/main.py:\n"
        "  11:5  FAL102 `time.sleep()` blocks the event loop in async function `index`; "
        "use `await asyncio.sleep()`\n"
        "  12:12 FAL101 Blocking HTTP call `requests.get()` in async function `index`; "
        "use `httpx.AsyncClient`\n"
        "\n"
        "app/other.py:\n"
        "  12:12 FAL101 Blocking HTTP call `requests.get()` in async function `index`; "
        "use `httpx.AsyncClient`\n"
        "\n"
        "Found 3 errors.\n"
        "No fixes available (3 hidden fixes can be enabled with the `--unsafe-fixes` option).\n"
    )


@pytest.mark.slow
def test_grouped_quiet_and_clean(project: Path):
    quiet = cli("check", "app", "--output-format", "grouped", "-q", "--unsafe-fixes", cwd=project)
    assert quiet.stdout.splitlines() == [
        "app/main.py:",
        "  11:5  FAL102 [*] `time.sleep()` blocks the event loop in async function `index`; "
        "use `await asyncio.sleep()`",
        "  12:12 FAL101 [*] Blocking HTTP call `requests.get()` in async function `index`; "
        "use `httpx.AsyncClient`",
    ]
    clean = cli("check", "app/clean.py", "--output-format", "grouped", cwd=project)
    assert clean.returncode == 0 and clean.stdout == "All checks passed!\n"


# ------------------------------------------------------------------------------------ statistics


@pytest.mark.slow
def test_statistics_in_ruffs_layout(project: Path):
    (project / "app" / "more.py").write_text(BAD.replace("requests.get", "print"))
    result = cli("check", "app", "--statistics", cwd=project)
    # Nothing is fixable without --unsafe-fixes: no fix column at all, as in ruff.
    assert result.stdout.splitlines()[:2] == [
        "2\tFAL102\tblocking-sleep-in-async",
        "1\tFAL101\tblocking-http-call-in-async",
    ]
    fixable = cli("check", "app", "--statistics", "--unsafe-fixes", cwd=project)
    assert fixable.stdout.splitlines()[:2] == [
        "2\tFAL102\t[*] blocking-sleep-in-async",
        "1\tFAL101\t[*] blocking-http-call-in-async",
    ]
    assert "Found 3 errors." in fixable.stdout


def test_statistics_alignment():
    from fastapi_lint.diagnostics import Diagnostic
    from fastapi_lint.output.text import statistics_table

    many = [Diagnostic("FAL102", "m", "a.py", i, 1, i, 2) for i in range(1, 13)]
    table = statistics_table([*many, Diagnostic("FAL000", "m", "b.py", 1, 1, 1, 1)], False)
    assert table.splitlines() == [
        "12\tFAL102\tblocking-sleep-in-async",
        " 1\tFAL000\tunparsable-file",
    ]


@pytest.mark.slow
def test_statistics_as_json_and_for_other_formats(project: Path):
    result = cli("check", "app", "--statistics", "--output-format", "json", cwd=project)
    assert json.loads(result.stdout) == [
        {
            "code": "FAL101",
            "name": "blocking-http-call-in-async",
            "count": 1,
            "fixable": False,
            "fixable_count": 0,
        },
        {
            "code": "FAL102",
            "name": "blocking-sleep-in-async",
            "count": 1,
            "fixable": False,
            "fixable_count": 0,
        },
    ]
    for fmt in ("sarif", "github", "grouped"):
        other = cli("check", "app", "--statistics", "--output-format", fmt, cwd=project)
        assert other.stdout.startswith("1\tFAL101\tblocking-http-call-in-async\n"), fmt


# ------------------------------------------------------------------------------------ show-fixes


@pytest.mark.slow
def test_show_fixes_lists_available_fixes(project: Path):
    (project / "app" / "jobs.py").write_text(
        "import time\n\n\nasync def a():\n    time.sleep(1)\n\n\n"
        "async def b():\n    time.sleep(2)\n"
    )
    result = cli("check", "app", "--show-fixes", "-q", "--output-format", "concise", cwd=project)
    listing = result.stdout.split("\n\n", 1)[1]
    assert listing.splitlines() == [
        "4 fixes available:",
        "- app/jobs.py:",
        f"    2 {X} FAL102 (blocking-sleep-in-async) [unsafe: needs `--unsafe-fixes`]",
        "- app/main.py:",
        f"    1 {X} FAL101 (blocking-http-call-in-async) [unsafe: needs `--unsafe-fixes`]",
        f"    1 {X} FAL102 (blocking-sleep-in-async) [unsafe: needs `--unsafe-fixes`]",
    ]
    unsafe = cli("check", "app", "--show-fixes", "--unsafe-fixes", cwd=project)
    assert f"    2 {X} FAL102 (blocking-sleep-in-async)\n" in unsafe.stdout
    assert "[unsafe" not in unsafe.stdout
    assert unsafe.stdout.rstrip().endswith("[*] 4 fixable with the `--fix` option.")


@pytest.mark.slow
def test_show_fixes_after_fix_and_diff(project: Path):
    diff = cli("check", "app", "--diff", "--unsafe-fixes", "--show-fixes", cwd=project)
    assert f"Would fix 1 error:\n- app/main.py:\n    1 {X} FAL102 (blocking-sleep-in-async)\n" in (
        diff.stderr
    )
    assert diff.stdout.startswith("--- app/main.py\n")
    fixed = cli("check", "app", "--fix", "--unsafe-fixes", "--show-fixes", cwd=project)
    assert f"Fixed 1 error:\n- app/main.py:\n    1 {X} FAL102 (blocking-sleep-in-async)\n" in (
        fixed.stdout
    )
    assert "Found 2 errors (1 fixed, 1 remaining)." in fixed.stdout
    again = cli("check", "app", "--fix", "--show-fixes", cwd=project)
    assert "Fixed" not in again.stdout and "available" not in again.stdout


def test_sarif_reports_internal_errors_as_notifications():
    from fastapi_lint.diagnostics import InternalError
    from fastapi_lint.output.sarif import sarif_log
    from fastapi_lint.runner import FileReport, RunReport

    failing = FileReport("app/main.py", errors=[InternalError("app/main.py", "FAL102", "boom", "")])
    log = sarif_log(RunReport([failing]))
    assert_valid_sarif(log)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["message"]["text"] == "internal error in FAL102: boom"
    assert note["associatedRule"] == {"id": "FAL102"}


@pytest.mark.parametrize(
    "value",
    [
        [],
        {},
        [{}, []],
        {"message": 'é "quoted"\n\ttab \u2192 arrow \U0001f600', "row": -3, "fix": None},
        {"edits": [{"content": "", "flag": True}, {"content": "x", "flag": False}]},
        {"number": 1.5, "special": float("inf"), "nested": {"deep": [[[1]]]}},
        {1: "non-string key", None: "null key"},
        ("tuple", 1),
        "scalar",
    ],
)
def test_json_writer_matches_the_standard_library(value: Any):
    """The JSON output's own writer (faster than `json`'s indenting encoder) must produce
    exactly what `json.dumps(..., indent=2)` produced before it."""
    from fastapi_lint.output.json_format import dumps

    assert dumps(value) == json.dumps(value, indent=2)


def test_json_output_is_the_standard_librarys_text_of_the_records(tmp_path: Path):
    """The JSON output is written from a template per finding; on every fixture (findings with
    and without fixes, non-ASCII messages and fix contents) it must be character for character
    what `json.dumps(..., indent=2)` makes of `diagnostics_json`."""
    from fastapi_lint.output.json_format import diagnostics_json, render
    from fastapi_lint.output.options import ReportOptions
    from fastapi_lint.runner import run
    from fastapi_lint.settings import Settings

    fixtures = Path(__file__).parent.parent / "fixtures"
    report = run([str(fixtures)], Settings(), jobs=1, cache=False)
    assert any(d.fix is not None for d in report.diagnostics)
    assert any(not d.message.isascii() for d in report.diagnostics)
    records = diagnostics_json(report.diagnostics)
    assert any("shared_with" in (r["fix"] or {}) for r in records)  # FAL201's lifespan fix
    expected = json.dumps(records, indent=2)
    assert render(report, ReportOptions()) == expected
    clean = run([str(tmp_path)], Settings(), jobs=1, cache=False)
    assert render(clean, ReportOptions()) == json.dumps([], indent=2)


# ------------------------------------------------------------------ a fix shared by findings

EVENTS = """\
from fastapi import FastAPI

app = FastAPI()


@app.on_event("startup")
async def connect():
    pass


@app.on_event("startup")
async def warm():
    pass


@app.on_event("shutdown")
async def disconnect():
    pass
"""


def _apply_json_fix(text: str, fix: dict[str, Any]) -> str:
    """Apply a JSON fix's edits (1-based rows and columns, exclusive ends), as a reader does."""
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(location: dict[str, int]) -> int:
        return starts[location["row"] - 1] + location["column"] - 1

    for edit in sorted(fix["edits"], key=lambda e: offset(e["location"]), reverse=True):
        start, end = offset(edit["location"]), offset(edit["end_location"])
        text = text[:start] + edit["content"] + text[end:]
    return text


@pytest.mark.slow
def test_a_fix_shared_by_findings_is_written_once(tmp_path: Path):
    """FAL201's lifespan fix moves all three handlers: it is written with the first handler's
    finding, and the others point to it, in JSON, JSON lines and SARIF alike (rdjson, which
    cannot point, suggests it once); applied from the JSON, it gives what `--fix` writes."""
    (tmp_path / "main.py").write_text(EVENTS)
    args = ("check", "main.py", "--select", "FAL201", "--unsafe-fixes")
    findings = json.loads(cli(*args, "--output-format", "json", cwd=tmp_path).stdout)
    assert [f["location"]["row"] for f in findings] == [6, 11, 16]
    first, *others = findings
    edits = len(first["fix"]["edits"])  # the import, the lifespan, each handler
    assert edits > 3 and sum(len(f["fix"]["edits"]) for f in findings) == edits
    for other in others:
        assert other["fix"] == {
            "applicability": "unsafe",
            "message": first["fix"]["message"],
            "edits": [],
            "shared_with": {"code": "FAL201", "location": {"row": 6, "column": 2}},
        }
    lines = cli(*args, "--output-format", "json-lines", cwd=tmp_path).stdout.splitlines()
    assert [json.loads(line) for line in lines] == findings

    data = sarif(tmp_path, *args[1:])
    results = data["runs"][0]["results"]
    assert len(results[0]["fixes"][0]["artifactChanges"][0]["replacements"]) == edits
    for result in results[1:]:
        assert "fixes" not in result
        assert result["properties"] == {"fixSharedWith": 0}
    assert apply_sarif_fix(EVENTS, results[0]["fixes"][0]) == _apply_json_fix(EVENTS, first["fix"])

    review = json.loads(cli(*args, "--output-format", "rdjson", cwd=tmp_path).stdout)
    suggested = [len(d.get("suggestions", [])) for d in review["diagnostics"]]
    assert suggested == [edits, 0, 0]

    fixed = _apply_json_fix(EVENTS, first["fix"])
    cli("check", "main.py", "--select", "FAL201", "--fix", "--unsafe-fixes", cwd=tmp_path)
    assert (tmp_path / "main.py").read_text() == fixed
    assert "lifespan" in fixed and "on_event" not in fixed
