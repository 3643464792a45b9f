"""The output formats for people (`full`, `concise`) and for CI servers and review tools
(`json-lines`, `gitlab`, `junit`, `rdjson`, `pylint`, `azure`), and `-o/--output-file`, end to
end through the installed console script. Each machine-readable format is checked against its
consumer's schema (tests/data/README.md says where each comes from) or, where the consumer
publishes no schema, against a reader written from its documented format.

Update the snapshots after an intended change with
`pytest tests/test_report_formats.py --snapshot-update`.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from clitools import BAD, CLEAN, cli

DATA = Path(__file__).parent / "data"
SNAPSHOTS = Path(__file__).parent / "snapshots" / "formats"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text(BAD)
    (tmp_path / "app" / "clean.py").write_text(CLEAN)
    return tmp_path


def run(project: Path, fmt: str, *args: str, env: dict[str, str] | None = None) -> str:
    result = cli("check", *args, "--output-format", fmt, cwd=project, env=env)
    assert result.returncode in (0, 1), result.stderr
    assert not result.stderr, result.stderr
    return result.stdout


def json_validator(schema_file: str) -> jsonschema.protocols.Validator:
    schema = json.loads((DATA / schema_file).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def assert_valid(validator: jsonschema.protocols.Validator, data: Any) -> None:
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


# ------------------------------------------------------------------------------ full / concise


@pytest.mark.slow
def test_full_is_the_default_and_shows_the_source(project: Path, snapshot):
    result = cli("check", "app", cwd=project)
    assert result.returncode == 1
    assert result.stdout == cli("check", "app", "--output-format", "full", cwd=project).stdout
    snapshot.snapshot_dir = SNAPSHOTS
    snapshot.assert_match(result.stdout, "full.txt")


@pytest.mark.slow
def test_full_keeps_the_concise_line_first(project: Path):
    """Problem matchers and grep read `path:row:col: CODE message`: every concise line is
    in the full output, in the same order."""
    full = run(project, "full", "app", "-q").splitlines()
    concise = run(project, "concise", "app", "-q").splitlines()
    assert len(concise) == 2
    assert [line for line in full if line in concise] == concise


@pytest.mark.slow
def test_text_is_the_old_name_of_concise(project: Path):
    assert run(project, "text", "app") == run(project, "concise", "app")


@pytest.mark.slow
def test_concise_from_the_configuration(project: Path):
    (project / "pyproject.toml").write_text('[tool.fastapi-lint]\noutput-format = "concise"\n')
    assert run(project, "concise", "app") == cli("check", "app", cwd=project).stdout


@pytest.mark.slow
def test_full_frame_with_tabs_wide_characters_and_control_characters(tmp_path: Path, snapshot):
    """Carets stay under the code when tabs and non-ASCII characters come before it, and a
    control character in the source reaches the terminal as a visible escape, not as itself."""
    (tmp_path / "tabs.py").write_text(
        "import time\n\n\nasync def f():\n\tx = 'é\x1b[31m'; time.sleep(1)\n\treturn x\n"
    )
    out = run(tmp_path, "full", "tabs.py", "-q")
    assert "\x1b" not in out
    lines = out.splitlines()
    source = next(line for line in lines if "time.sleep(1)" in line and " | " in line)
    carets = lines[lines.index(source) + 1]
    start = source.index("time.sleep")
    assert carets.index("^") == start
    assert carets[start:].startswith("^" * len("time.sleep(1)") + " FAL102")
    snapshot.snapshot_dir = SNAPSHOTS
    snapshot.assert_match(out, "full_tabs.txt")


@pytest.mark.slow
def test_full_on_stdin_quotes_the_text_read(project: Path):
    """Source from stdin is not on disk (nor the same as the file it stands for)."""
    (project / "app" / "main.py").write_text(CLEAN)
    result = cli("check", "--stdin-filename", "app/main.py", "-", "-q", cwd=project, stdin=BAD)
    assert result.returncode == 1
    assert "11 |     time.sleep(1)" in result.stdout
    assert "^^^^^^^^^^^^^ FAL102" in result.stdout


@pytest.mark.slow
def test_full_after_fix_quotes_the_fixed_file(project: Path):
    """The findings left after --fix are positions in the fixed file: the frame is read from it."""
    (project / "app" / "main.py").write_text(
        "from pydantic import BaseModel, validator\n\n\n"
        "class M(BaseModel):\n    x: int\n\n"
        "    @validator('x')\n    def check(cls, v):\n        return v\n\n\n"
        "import time\n\n\nasync def f():\n    time.sleep(1)\n"
    )
    result = cli("check", "app/main.py", "--fix", cwd=project)
    fixed = (project / "app" / "main.py").read_text().splitlines()
    header = next(line for line in result.stdout.splitlines() if ": FAL102 " in line)
    row = int(header.split(":")[1])
    assert fixed[row - 1] == "    time.sleep(1)"
    assert f"{row} |     time.sleep(1)" in result.stdout


@pytest.mark.slow
def test_full_without_the_file_falls_back_to_the_line(tmp_path: Path):
    """A file that cannot be decoded again still gets its concise line, no frame."""
    (tmp_path / "bad.py").write_bytes(b"x = '\xff'\n")
    out = run(tmp_path, "full", "bad.py", "-q")
    assert out.splitlines()[0].startswith("bad.py:1:")
    assert " | " not in out


@pytest.mark.slow
def test_statistics_in_a_report_format_prints_the_table(project: Path):
    for fmt in ("junit", "gitlab", "pylint", "azure", "rdjson"):
        assert run(project, fmt, "app", "--statistics") == run(
            project, "concise", "app", "--statistics"
        )


# -------------------------------------------------------------------------------- json-lines


@pytest.mark.slow
def test_json_lines_are_the_json_objects(project: Path):
    lines = run(project, "json-lines", "app", "--unsafe-fixes").splitlines()
    findings = json.loads(run(project, "json", "app", "--unsafe-fixes"))
    assert len(lines) == 2
    assert [json.loads(line) for line in lines] == findings


@pytest.mark.slow
def test_json_lines_without_findings_is_empty(project: Path):
    assert run(project, "json-lines", "app/clean.py") == ""


# ------------------------------------------------------------------------------------ GitLab


def gitlab(project: Path, *args: str, env: dict[str, str] | None = None) -> list[dict[str, Any]]:
    data = json.loads(run(project, "gitlab", *args, env=env))
    validator = json_validator("gitlab-codeclimate.json")
    assert isinstance(data, list)
    for issue in data:
        assert_valid(validator, issue)
        # GitLab's documented values; its report keeps one degradation per fingerprint.
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
    assert len({issue["fingerprint"] for issue in data}) == len(data)
    return data


@pytest.mark.slow
def test_gitlab_report_is_valid(project: Path):
    data = gitlab(project, "app")
    assert [issue["check_name"] for issue in data] == ["FAL102", "FAL101"]
    first = data[0]
    assert first["description"].startswith("FAL102: `time.sleep()` blocks the event loop")
    assert first["location"] == {
        "path": "app/main.py",
        "positions": {"begin": {"line": 11, "column": 5}, "end": {"line": 11, "column": 18}},
    }
    assert first["type"] == "issue" and first["categories"] == ["Performance"]


def test_gitlab_validator_rejects_a_broken_issue():
    issue = {"description": "x", "severity": "major", "location": {"path": "a.py"}}
    assert any(
        "fingerprint" in e.message
        for e in json_validator("gitlab-codeclimate.json").iter_errors(issue)
    )


@pytest.mark.slow
def test_gitlab_fingerprints_survive_moved_lines(project: Path):
    before = {i["check_name"]: i["fingerprint"] for i in gitlab(project, "app")}
    main = project / "app" / "main.py"
    main.write_text("# a comment\n# and another\n" + main.read_text())
    after = gitlab(project, "app")
    assert after[0]["location"]["positions"]["begin"]["line"] == 13  # moved...
    assert {i["check_name"]: i["fingerprint"] for i in after} == before  # ...same issues


@pytest.mark.slow
def test_gitlab_identical_findings_get_distinct_stable_fingerprints(tmp_path: Path):
    (tmp_path / "jobs.py").write_text(
        "import time\n\n\nasync def a():\n    time.sleep(1)\n    time.sleep(1)\n"
    )
    first = [i["fingerprint"] for i in gitlab(tmp_path, "jobs.py")]
    assert len(first) == 2
    assert [i["fingerprint"] for i in gitlab(tmp_path, "jobs.py")] == first


@pytest.mark.slow
def test_gitlab_paths_are_relative_to_the_project_dir(project: Path):
    """GitLab runs the job in `$CI_PROJECT_DIR`; the linter may run in a subdirectory."""
    env = {**os.environ, "CI_PROJECT_DIR": str(project.parent)}
    data = gitlab(project / "app", "main.py", env=env)
    assert data[0]["location"]["path"] == f"{project.name}/app/main.py"


# ------------------------------------------------------------------------------------- JUnit


def junit(project: Path, *args: str) -> Any:
    from lxml import etree

    out = run(project, "junit", *args)
    schema = etree.XMLSchema(etree.parse(str(DATA / "junit-10.xsd")))
    document = etree.fromstring(out.encode("utf-8"))
    assert schema.validate(document), schema.error_log
    return document


@pytest.mark.slow
def test_junit_is_valid_for_jenkins(project: Path):
    root = junit(project, "app")
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("2", "2", "0")
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "app/main.py"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [
        "FAL102 at line 11, column 5",
        "FAL101 at line 12, column 12",
    ]
    assert {c.get("classname") for c in cases} == {"app.main"}
    failure = cases[0].find("failure")
    assert failure.get("type") == "FAL102"
    assert failure.get("message").startswith("`time.sleep()` blocks the event loop")
    assert failure.text.startswith("app/main.py:11:5: FAL102 `time.sleep()`")


@pytest.mark.slow
def test_junit_without_findings_is_one_passing_test(project: Path):
    root = junit(project, "app/clean.py")
    (case,) = root.iter("testcase")
    assert case.get("name") == "No errors found"
    assert case.find("failure") is None


def test_junit_schema_rejects_what_jenkins_would():
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(DATA / "junit-10.xsd")))
    broken = b'<testsuites><testsuite name="x"><testcase name="a"/></testsuite></testsuites>'
    assert not schema.validate(etree.fromstring(broken))  # tests/failures/errors missing


@pytest.mark.slow
def test_junit_holds_names_xml_cannot(tmp_path: Path):
    """A control character in a file name is not allowed in XML 1.0: escaped, still valid."""
    (tmp_path / "odd\x01name.py").write_text(BAD)
    root = junit(tmp_path, ".")
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "odd\\x01name.py"


# ------------------------------------------------------------------------------------ rdjson


def rdjson(project: Path, *args: str) -> dict[str, Any]:
    data = json.loads(run(project, "rdjson", *args))
    assert_valid(json_validator("rdjson-DiagnosticResult.json"), data)
    return data


@pytest.mark.slow
def test_rdjson_is_valid(project: Path):
    data = rdjson(project, "app", "--unsafe-fixes")
    assert data["source"]["name"] == "fastapi-lint"
    first = data["diagnostics"][0]
    assert first["code"] == {
        "value": "FAL102",
        "url": "https://fastapi-lint.readthedocs.io/en/latest/rules/FAL102/",
    }
    assert first["location"] == {
        "path": "app/main.py",
        "range": {"start": {"line": 11, "column": 5}, "end": {"line": 11, "column": 18}},
    }
    assert first["severity"] == "ERROR"
    assert {"range", "text"} <= set(first["suggestions"][0])


def test_rdjson_validator_rejects_a_bad_severity():
    bad = {"diagnostics": [{"message": "m", "severity": "FATAL"}]}
    assert list(json_validator("rdjson-DiagnosticResult.json").iter_errors(bad))


@pytest.mark.slow
def test_rdjson_columns_are_utf8_bytes(tmp_path: Path):
    """reviewdog counts columns in UTF-8 bytes; the others count characters."""
    (tmp_path / "u.py").write_text(
        "import time\n\n\nasync def f():\n    s = '\U00010400é'; time.sleep(1)\n"
    )
    data = rdjson(tmp_path, "u.py")
    (finding,) = json.loads(run(tmp_path, "json", "u.py"))
    start = data["diagnostics"][0]["location"]["range"]["start"]
    line = (tmp_path / "u.py").read_text().splitlines()[4]
    col = finding["location"]["column"]
    assert start["column"] == len(line[: col - 1].encode()) + 1 == col + 4  # 𐐀 4 bytes, é 2
    assert line.encode()[start["column"] - 1 :].startswith(b"time.sleep(1)")


# ------------------------------------------------------------------------------------ pylint

# pylint's `parseable` layout with ruff's template, as warnings plugins match it.
PYLINT = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): \[(?P<code>[A-Z]+\d+)\] (?P<message>.+)$")


@pytest.mark.slow
def test_pylint_lines(project: Path):
    lines = run(project, "pylint", "app").splitlines()
    findings = json.loads(run(project, "json", "app"))
    parsed = [PYLINT.match(line) for line in lines]
    assert all(parsed), lines
    assert [(m["path"], int(m["line"]), m["code"], m["message"]) for m in parsed] == [
        ("app/main.py", f["location"]["row"], f["code"], f["message"]) for f in findings
    ]


# ------------------------------------------------------------------------------------- Azure


def read_azure(line: str) -> tuple[dict[str, str], str]:
    """A `##vso[...]` command read as the Azure Pipelines agent reads it: properties end at
    `;`, the command at the first `]`, then the escapes are undone (`%AZP25` last)."""
    assert line.startswith("##vso[task.logissue ")
    body = line[len("##vso[task.logissue ") :]
    end = body.index("]")
    props, message = body[:end], body[end + 1 :]

    def unescape(value: str) -> str:
        for escaped, char in (("%3B", ";"), ("%5D", "]"), ("%0D", "\r"), ("%0A", "\n")):
            value = value.replace(escaped, char)
        return value.replace("%AZP25", "%")

    properties = {}
    for item in filter(None, props.split(";")):
        key, _, value = item.partition("=")
        properties[key] = unescape(value)
    return properties, unescape(message)


@pytest.mark.slow
def test_azure_logging_commands(project: Path):
    lines = run(project, "azure", "app").splitlines()
    findings = json.loads(run(project, "json", "app"))
    assert len(lines) == len(findings) == 2
    for line, finding in zip(lines, findings, strict=True):
        properties, message = read_azure(line)
        assert properties == {
            "type": "error",
            "sourcepath": "app/main.py",
            "linenumber": str(finding["location"]["row"]),
            "columnnumber": str(finding["location"]["column"]),
            "code": finding["code"],
        }
        assert message == finding["message"]


@pytest.mark.slow
def test_azure_escapes_what_would_end_the_command(tmp_path: Path):
    name = "a;b]c%d.py"
    (tmp_path / name).write_text(BAD)
    (line, _) = run(tmp_path, "azure", ".").splitlines()
    assert ";b]" not in line
    properties, _ = read_azure(line)
    assert properties["sourcepath"] == name


# -------------------------------------------------------------------------------- --output-file


@pytest.mark.slow
def test_output_file(project: Path):
    result = cli("check", "app", "--output-format", "json", "-o", "out/report.json", cwd=project)
    assert result.returncode == 1  # the exit status does not depend on where the report goes
    assert result.stdout == ""
    written = (project / "out" / "report.json").read_text(encoding="utf-8")
    assert json.loads(written) == json.loads(run(project, "json", "app"))
    assert written.endswith("]\n")


@pytest.mark.slow
def test_output_file_is_never_coloured(project: Path):
    result = cli(
        "check",
        "app",
        "--output-file",
        "report.txt",
        cwd=project,
        env={**os.environ, "FORCE_COLOR": "1"},
    )
    assert result.returncode == 1
    text = (project / "report.txt").read_text(encoding="utf-8")
    assert "\x1b[" not in text
    assert text == run(project, "full", "app")


@pytest.mark.slow
def test_output_file_that_cannot_be_written(project: Path):
    (project / "blocker").write_text("")
    result = cli("check", "app", "-o", "blocker/report.txt", cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith("error: --output-file blocker/report.txt: ")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


@pytest.mark.slow
def test_output_file_for_stdin(project: Path):
    result = cli(
        "check", "--stdin-filename", "app/main.py", "-", "-o", "r.xml",
        "--output-format", "junit", cwd=project, stdin=BAD,
    )  # fmt: skip
    assert result.returncode == 1 and result.stdout == ""
    assert "FAL102" in (project / "r.xml").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------ documentation URL


def test_rule_urls_come_from_the_project_urls():
    from fastapi_lint.diagnostics import DOCS_FALLBACK, docs_base, rule_url

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "urls"
    ]["Documentation"]
    assert docs_base() == declared  # read from the installed metadata
    assert declared == DOCS_FALLBACK  # the copy for an uninstalled tree has not drifted
    assert rule_url("FAL102") == declared + "rules/FAL102/"


def test_rule_urls_point_at_generated_pages():
    """The site is built from docs/: `rules/FAL102/` is docs/rules/FAL102.md."""
    from fastapi_lint.diagnostics import RULE_PAGE
    from fastapi_lint.registry import all_rules

    for code in all_rules():
        page = RULE_PAGE.format(code=code).rstrip("/") + ".md"
        assert (ROOT / "docs" / page).is_file(), page


# ----------------------------------------------------------------- environment and --silent


def test_output_format_and_file_from_the_environment(project: Path):
    env = {
        **os.environ,
        "FASTAPI_LINT_OUTPUT_FORMAT": "pylint",
        "FASTAPI_LINT_OUTPUT_FILE": "lint.txt",
    }
    result = cli("check", "app", cwd=project, env=env)
    assert result.returncode == 1 and result.stdout == ""
    written = (project / "lint.txt").read_text(encoding="utf-8")
    assert written == run(project, "pylint", "app")
    # The command line wins over the environment.
    env.pop("FASTAPI_LINT_OUTPUT_FILE")
    flagged = cli("check", "app", "--output-format", "concise", cwd=project, env=env)
    assert flagged.stdout == run(project, "concise", "app")


def test_silent_prints_nothing_and_keeps_the_exit_code(project: Path):
    result = cli("check", "app", "--silent", cwd=project)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", "")
    diff = cli("check", "app", "-s", "--diff", "--unsafe-fixes", cwd=project)
    assert (diff.returncode, diff.stdout, diff.stderr) == (1, "", "")
    to_file = cli("check", "app", "-s", "-o", "r.json", "--output-format", "json", cwd=project)
    assert to_file.returncode == 1 and to_file.stdout == ""
    assert len(json.loads((project / "r.json").read_text())) == 2
    clean = cli("check", "app/clean.py", "-s", cwd=project)
    assert (clean.returncode, clean.stdout) == (0, "")
