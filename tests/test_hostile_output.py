"""Output that cannot be turned against its reader: file names and quoted source text chosen by
whoever wrote the code being checked stay inert in every format, end to end."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from clitools import BAD, SCRIPT
from test_output_formats import assert_valid_sarif

from fastapi_lint.output._text import display_path, printable, well_formed

# File names with newlines and undecodable bytes, and terminals, are POSIX things.
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names and terminals")

ESC = "\x1b"
# A payload for a CI log and a terminal: workflow commands on lines of their own, an OSC 8
# hyperlink, an OSC 52 clipboard write, a CSI that clears the screen, a bidi override.
PAYLOAD = (
    "\n::add-mask::hunter2\r\n::warning file=x.py::pwned "
    f"{ESC}]8;;https://evil.example/{ESC}\\click{ESC}]8;;{ESC}\\ "
    f"{ESC}]52;c;ZXZpbA=={ESC}\\{ESC}[2J\u202etxt.exe\x07"
)
# FAL502 quotes the response model as written: a triple-quoted string in it carries the payload
# (raw control characters inside a string literal are valid Python).
FAL502 = f'''\
from typing import Annotated

from fastapi import FastAPI

app = FastAPI()


@app.get("/me", response_model=Annotated[int, """{PAYLOAD}"""])
def me() -> Annotated[int, """{PAYLOAD}"""]:
    return 1
'''
# File names: an escape sequence and a newline, a leading workflow command, undecodable bytes.
NAMES = [
    os.fsencode(f"{ESC}]0;owned{ESC}\\x\n::add-mask::secret.py"),
    b"::warning file=a.py::pwned.py",
    b"  ::error::indented.py",
    b"latin1-caf\xe9.py",
]
HUMAN = ["full", "concise", "text", "grouped", "github", "pylint", "azure"]
MACHINE = ["json", "sarif"]


def run(*args: str, cwd: Path, tty: bool = False) -> tuple[int, bytes, bytes]:
    """The console script with byte-exact output; with `tty`, stdout is a terminal (colours on)."""
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    if not tty:
        done = subprocess.run([SCRIPT, *args], cwd=cwd, capture_output=True, env=env, timeout=120)
        return done.returncode, done.stdout, done.stderr
    import pty  # POSIX only, like the rest of this module

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [SCRIPT, *args], cwd=cwd, stdout=follower, stderr=subprocess.PIPE, env=env
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    stderr = process.stderr.read() if process.stderr else b""
    return process.wait(timeout=120), b"".join(chunks), stderr


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    (tmp_path / "routes.py").write_text(FAL502, encoding="utf-8")
    for name in NAMES:
        (Path(os.fsdecode(tmp_path)) / os.fsdecode(name)).write_text(BAD)
    return tmp_path


def assert_inert(out: bytes, fmt: str, *, colour: bool = False) -> None:
    text = out.decode("utf-8")  # strict: nothing undecodable reaches the reader
    if colour:  # a terminal: our own colours are the only escape sequences allowed
        text = re.sub(r"\x1b\[[0-9;]*m", "", text).replace("\r\n", "\n")
    assert ESC not in text
    assert "\u202e" not in text
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", text), text
    lines = text.split("\n")
    for line in lines:
        if fmt == "github" and line:
            assert line.startswith("::error title=fastapi-lint ("), line
        else:
            assert not line.lstrip().startswith("::"), line


@pytest.mark.slow
@pytest.mark.parametrize("fmt", HUMAN)
def test_human_readable_output_is_inert(hostile: Path, fmt: str):
    code, out, err = run("check", ".", "--no-cache", "--output-format", fmt, cwd=hostile)
    assert code == 1, err
    assert_inert(out, fmt)
    text = out.decode()
    # One line per finding: FAL502 once, FAL102 and FAL101 for each of the four files.
    findings = [line for line in text.splitlines() if re.search(r"FAL\d{3}", line)]
    if fmt == "full":  # the underline under the quoted source names the code again
        findings = [line for line in findings if not line.startswith(" ")]
    if fmt == "grouped":
        assert len(findings) == 1 + 2 * len(NAMES)
    else:
        assert len(findings) == 1 + 2 * len(NAMES), text
    # Nothing is lost: the payload is there, escaped.
    assert "\\n::add-mask::hunter2\\r\\n::warning file=x.py::pwned \\x1b]8;;" in text
    assert "\\u202etxt.exe\\x07" in text
    assert "caf\\xe9.py" in text


@pytest.mark.slow
def test_github_annotations_escape_the_runner_separators(hostile: Path):
    _, out, _ = run("check", ".", "--no-cache", "--output-format", "github", cwd=hostile)
    lines = out.decode().splitlines()
    fal502 = next(line for line in lines if "FAL502" in line)
    message = fal502.split("::", 2)[2]
    assert "%0A" not in message  # no line break left to escape: it is a visible `\n`
    assert "\\n::add-mask::hunter2" in message
    odd = next(line for line in lines if "pwned.py" in line)
    # The file property escapes `:` and `,`; a name starting `::` is shown as ./::...
    assert "file=./%3A%3Awarning file=a.py%3A%3Apwned.py," in odd


@pytest.mark.slow
def test_text_on_a_terminal_has_only_our_colours(hostile: Path):
    code, out, err = run("check", ".", "--no-cache", cwd=hostile, tty=True)
    assert code == 1, err
    assert b"\x1b[1m" in out  # colours are on
    assert_inert(out, "text", colour=True)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", HUMAN)
def test_stderr_lines_are_inert(hostile: Path, fmt: str):
    """A configuration error quotes what was configured; it is escaped too."""
    (hostile / "pyproject.toml").write_text(
        '[tool.fastapi-lint]\nselect = ["\\u001b]0;owned\\u0007\\n::add-mask::x"]\n'
    )
    code, out, err = run("check", ".", "--output-format", fmt, cwd=hostile)
    assert code == 2
    assert out == b""
    text = err.decode()
    assert text.count("\n") == 1 and text.startswith("error: unknown rule selector")
    assert ESC not in text and "\x07" not in text
    assert "\\x1b]0;OWNED\\x07\\n::ADD-MASK::X" in text  # codes are upper-cased


@pytest.mark.slow
@pytest.mark.parametrize("fmt", MACHINE)
def test_machine_readable_output_stays_valid_and_faithful(hostile: Path, fmt: str):
    code, out, err = run("check", ".", "--no-cache", "--output-format", fmt, cwd=hostile)
    assert code == 1, err
    data = json.loads(out.decode("utf-8"))  # strict UTF-8, no lone surrogates
    if fmt == "json":
        messages = {d["message"] for d in data if d["code"] == "FAL502"}
        names = {Path(d["filename"]).name for d in data}
    else:
        assert_valid_sarif(data)
        results = data["runs"][0]["results"]
        messages = {r["message"]["text"] for r in results if r["ruleId"] == "FAL502"}
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
        # URIs carry the exact bytes of every name.
        assert "latin1-caf%E9.py" in uris
        assert "%1B%5D0%3Bowned%1B%5Cx%0A%3A%3Aadd-mask%3A%3Asecret.py" in uris
        names = set()
    # The message quotes the source exactly: JSON escapes the control characters itself.
    assert messages == {
        f'`response_model=Annotated[int, """{PAYLOAD}"""]` repeats the return annotation '
        "of `me`; drop it"
    }
    if fmt == "json":
        assert "latin1-caf\ufffd.py" in names  # the undecodable byte, as ruff shows it


@pytest.mark.parametrize("fmt", ["json-lines", "gitlab", "rdjson", "junit"])
def test_report_formats_stay_valid_and_faithful(hostile: Path, fmt: str):
    """The formats for CI servers and review tools: strict UTF-8 that their readers parse,
    the message exact where the format can carry it (JSON), escaped where it cannot (XML)."""
    code, out, err = run("check", ".", "--no-cache", "--output-format", fmt, cwd=hostile)
    assert code == 1, err
    text = out.decode("utf-8")  # strict: no lone surrogates
    message = (
        f'`response_model=Annotated[int, """{PAYLOAD}"""]` repeats the return annotation '
        "of `me`; drop it"
    )
    if fmt == "junit":
        from lxml import etree

        root = etree.fromstring(out)  # XML 1.0 has no room for control characters
        failures = [f.get("message") for f in root.iter("failure") if f.get("type") == "FAL502"]
        assert failures == [message.replace("\n", "\\n").replace("\r", "\\r")
                            .replace(ESC, "\\x1b").replace("\u202e", "\\u202e")
                            .replace("\x07", "\\x07")]  # fmt: skip
        return
    if fmt == "json-lines":
        items = [json.loads(line) for line in text.splitlines()]
        messages = {i["message"] for i in items if i["code"] == "FAL502"}
    elif fmt == "gitlab":
        messages = {
            i["description"].removeprefix("FAL502: ")
            for i in json.loads(text)
            if i["check_name"] == "FAL502"
        }
    else:
        messages = {
            d["message"] for d in json.loads(text)["diagnostics"] if d["code"]["value"] == "FAL502"
        }
    assert messages == {message}


@pytest.mark.slow
def test_diff_headers_quote_odd_names_as_git_does(tmp_path: Path):
    name = f"{ESC}[2J\n+++ evil.py"
    (tmp_path / name).write_text(BAD)
    (tmp_path / "latin1-caf\udce9.py").write_text(BAD)
    code, out, err = run("check", ".", "--no-cache", "--diff", "--unsafe-fixes", cwd=tmp_path)
    assert code == 1, err
    text = out.decode("utf-8")
    assert ESC not in text
    headers = [line for line in text.splitlines() if line.startswith(("--- ", "+++ "))]
    assert '--- "\\033[2J\\n+++ evil.py"' in headers
    assert '+++ "latin1-caf\\351.py"' in headers
    assert len(headers) == 4
    # `git apply` reads the quoted names back: the diff applies to the files it names.
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    check = subprocess.run(
        ["git", "apply", "--check", "-p0", "-"],
        input=out,
        cwd=tmp_path,
        capture_output=True,
    )
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("app/main.py", "app/main.py"),
        ("résumé.py", "résumé.py"),
        ("a\nb", "a\\nb"),
        ("tab\there", "tab\\there"),
        (f"{ESC}[31m", "\\x1b[31m"),
        ("\x9b2J", "\\x9b2J"),  # the one-byte CSI of C1
        ("\u2028\u202e\u2066", "\\u2028\\u202e\\u2066"),
        ("caf\udce9.py", "caf\\xe9.py"),
    ],
)
def test_printable(raw: str, shown: str):
    assert printable(raw) == shown
    assert printable(shown) == shown  # what is shown is stable


def test_display_path_never_starts_a_line_with_a_command():
    assert display_path("::warning::x.py") == "./::warning::x.py"
    assert display_path(" ::x.py") == "./ ::x.py"
    assert display_path("/abs/::x.py") == "/abs/::x.py"
    assert display_path("app/x.py") == "app/x.py"


def test_well_formed():
    assert well_formed("caf\udce9.py") == "caf\ufffd.py"
    assert well_formed("é\n\x1b") == "é\n\x1b"  # JSON escapes these itself
    assert well_formed("caf\udce9.py").encode("utf-8")
