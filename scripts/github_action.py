"""The GitHub Action's step (action.yml): install fastapi-lint, run it with annotations on the
pull request, write SARIF for code scanning, and a summary of the findings for the job page.

Inputs come as environment variables (`INPUT_*`, set by action.yml); results go where GitHub
reads them: `$GITHUB_OUTPUT` (exit-code, sarif-file) and `$GITHUB_STEP_SUMMARY`. Standard
library only: it runs on the runner's Python before anything is installed. The exit status is
fastapi-lint's (0 clean, 1 findings, 2 error); action.yml uploads the SARIF whatever it is.

Run it locally the way the runner does:

    GITHUB_OUTPUT=out.txt GITHUB_STEP_SUMMARY=summary.md INPUT_ARGS="check app" \
        INPUT_INSTALL=false python scripts/github_action.py
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

ACTION_DIR = Path(__file__).resolve().parents[1]
PACKAGE = "fastapi-lint"


def _input(name: str, default: str = "") -> str:
    return os.environ.get(f"INPUT_{name.upper().replace('-', '_')}", default).strip()


def _flag(name: str, default: bool) -> bool:
    value = _input(name, "true" if default else "false").lower()
    if value not in ("true", "false"):
        raise SystemExit(f"error: input `{name}` must be true or false, not {value!r}")
    return value == "true"


def requirement(version: str) -> str:
    """What pip installs: the action's own source, an exact version, or a specifier."""
    if not version:
        return str(ACTION_DIR)
    if version[0].isdigit():
        return f"{PACKAGE}=={version}"
    return f"{PACKAGE}{version}"  # `>=0.1`, `~=0.1.0`


def _append(variable: str, text: str) -> None:
    path = os.environ.get(variable)
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)


def _fence(text: str) -> str:
    """A Markdown code fence that the text cannot close (messages quote code in backticks)."""
    run, count = 0, 3
    for char in text:
        run = run + 1 if char == "`" else 0
        count = max(count, run + 1)
    return "`" * count


def main() -> int:
    args = shlex.split(_input("args", "check ."))
    if not args:
        raise SystemExit("error: input `args` is empty; give the command, e.g. `check .`")
    sarif = _flag("sarif", True)
    sarif_file = _input("sarif-file", "fastapi-lint.sarif")
    if _flag("install", True):
        spec = requirement(_input("version"))
        print(f"::group::pip install {spec}", flush=True)
        installed = subprocess.run([sys.executable, "-m", "pip", "install", "-q", spec])
        print("::endgroup::", flush=True)
        if installed.returncode != 0:
            print(f"::error title=fastapi-lint::could not install {spec}", flush=True)
            _append("GITHUB_OUTPUT", "exit-code=2\n")
            return 2
    command = [sys.executable, "-m", "fastapi_lint", *args]
    checking = args[0] == "check"
    chosen = any(a == "--output-format" or a.startswith("--output-format=") for a in args)

    # The annotations, in the log the runner reads; the exit code decides the step.
    shown = command + (["--output-format", "github"] if checking and not chosen else [])
    code = subprocess.run(shown).returncode

    if checking and code in (0, 1):
        # The findings again for the summary (the result cache makes these runs cheap).
        concise = subprocess.run(
            [*command, "--output-format", "concise", "--exit-zero"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        fence = _fence(concise)
        title = "no findings" if code == 0 else "findings"
        _append(
            "GITHUB_STEP_SUMMARY",
            f"## fastapi-lint: {title}\n\n{fence}text\n{concise}\n{fence}\n",
        )
    outputs = [f"exit-code={code}"]
    if sarif and checking and code in (0, 1):
        written = subprocess.run(
            [*command, "--output-format", "sarif", "--exit-zero", "-o", sarif_file]
        )
        if written.returncode == 0 and Path(sarif_file).is_file():
            outputs.append(f"sarif-file={sarif_file}")
    _append("GITHUB_OUTPUT", "".join(f"{line}\n" for line in outputs))
    return code


if __name__ == "__main__":
    sys.exit(main())
