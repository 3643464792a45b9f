"""The GitHub Action (action.yml) and its step, scripts/github_action.py, run locally as the
runner runs it: real GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, the real fastapi-lint, a real
project; the SARIF it writes is validated against the SARIF schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from clitools import BAD, CLEAN
from test_output_formats import assert_valid_sarif

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "github_action.py"


def run_action(project: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    output = project / "github_output.txt"
    summary = project / "step_summary.md"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
    env.update(GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(summary))
    env.update({f"INPUT_{k.upper()}": v for k, v in inputs.items()})
    env.setdefault("INPUT_INSTALL", "false")
    done = subprocess.run(
        [sys.executable, str(SCRIPT)], cwd=project, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    outputs = dict(
        line.split("=", 1) for line in output.read_text().splitlines()
    ) if output.exists() else {}  # fmt: skip
    return done, outputs


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text(BAD)
    (tmp_path / "app" / "clean.py").write_text(CLEAN)
    return tmp_path


@pytest.mark.slow
def test_findings_annotate_fail_and_upload(project: Path):
    done, outputs = run_action(project, ARGS="check app")
    assert done.returncode == 1, done.stderr
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 2
    assert "file=app/main.py,line=11,col=5" in annotations[0]
    assert outputs == {"exit-code": "1", "sarif-file": "fastapi-lint.sarif"}
    sarif = json.loads((project / "fastapi-lint.sarif").read_text())
    assert_valid_sarif(sarif)
    assert len(sarif["runs"][0]["results"]) == 2
    summary = (project / "step_summary.md").read_text()
    assert summary.startswith("## fastapi-lint: findings\n")
    assert "app/main.py:11:5: FAL102" in summary


@pytest.mark.slow
def test_clean_project_passes(project: Path):
    done, outputs = run_action(project, ARGS="check app/clean.py", SARIF_FILE="out/r.sarif")
    assert done.returncode == 0, done.stdout + done.stderr
    assert outputs == {"exit-code": "0", "sarif-file": "out/r.sarif"}
    assert json.loads((project / "out" / "r.sarif").read_text())["runs"][0]["results"] == []
    assert "## fastapi-lint: no findings" in (project / "step_summary.md").read_text()


@pytest.mark.slow
def test_sarif_off_and_own_format(project: Path):
    done, outputs = run_action(project, ARGS="check app --output-format concise", SARIF="false")
    assert done.returncode == 1
    assert "app/main.py:11:5: FAL102" in done.stdout  # the user's format, not annotations
    assert outputs == {"exit-code": "1"}
    assert not (project / "fastapi-lint.sarif").exists()


@pytest.mark.slow
def test_a_usage_error_is_exit_2_without_sarif(project: Path):
    done, outputs = run_action(project, ARGS="check --select NOPE app")
    assert done.returncode == 2
    assert outputs == {"exit-code": "2"}
    assert "unknown rule selector" in done.stderr


@pytest.mark.slow
def test_summary_fence_survives_backticks(project: Path):
    """Messages quote code in backticks: the summary's code fence is longer than any run."""
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        from github_action import _fence, requirement
    finally:
        sys.path.pop(0)
    assert _fence("plain") == "```"
    assert _fence("a ```` b") == "`````"
    assert requirement("") == str(ROOT)
    assert requirement("0.1.0") == "fastapi-lint==0.1.0"
    assert requirement(">=0.1") == "fastapi-lint>=0.1"


@pytest.mark.slow
def test_action_yml_passes_every_input_to_the_script():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    lint, upload = action["runs"]["steps"]
    assert "scripts/github_action.py" in lint["run"]
    assert "${{" not in lint["run"]  # inputs go through env, not into the shell command
    assert set(lint["env"]) == {
        f"INPUT_{name.upper().replace('-', '_')}" for name in action["inputs"]
    }
    for name, value in lint["env"].items():
        option = name.removeprefix("INPUT_").lower().replace("_", "-")
        assert value == "${{ inputs." + option + " }}"
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "${{ steps.lint.outputs.sarif-file }}"
    text = SCRIPT.read_text()
    for name in action["inputs"]:
        assert f'_input("{name}"' in text or f'_flag("{name}"' in text, name
