"""Rule docs generated from the rules, and the flake8 output editors show."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from clitools import BIN, cli

from fastapi_lint import docs
from fastapi_lint.registry import all_rules

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"


def test_generated_docs_are_current():
    stale = docs.stale_files(ROOT)
    assert not stale, (
        "the generated rule docs are out of date: "
        + ", ".join(str(path.relative_to(ROOT)) for path in stale)
        + f"; run `{docs.REGENERATE}` and commit the result"
    )


def test_rule_page():
    rule = all_rules()["FAL102"]
    page = docs.rule_page(rule)
    assert "# blocking-sleep-in-async (FAL102)\n" in page
    assert "- Code: `FAL102`\n" in page
    assert "- Fix: always available; unsafe (applied by `--fix --unsafe-fixes`)\n" in page
    assert "- Default: on\n" in page
    assert page.endswith(rule.docs() + "\n")
    for section in ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety"):
        assert f"\n## {section}\n" in page


def test_off_by_default_rules_say_how_to_enable_them():
    rule = all_rules()["FAL102"]
    off = type("Off", (rule,), {"default_enabled": False})
    assert "- Default: off: enable it with `--extend-select FAL102`\n" in docs.rule_page(off)
    assert "| unsafe | off |" in docs.rules_table([off])


def test_index_lists_every_rule():
    index = docs.index_page(all_rules().values())
    for code, rule in all_rules().items():
        assert f"| [{code}]({code}.md) | `{rule.name}` |" in index


README = """\
# fastapi-lint

Intro.

## Rules

<!-- rules-table:start -->
(old table)
<!-- rules-table:end -->

## More
"""


def test_readme_table_between_markers():
    rules = list(all_rules().values())
    updated = docs.update_readme(README, rules)
    assert updated.startswith(
        "# fastapi-lint\n\nIntro.\n\n## Rules\n\n<!-- rules-table:start -->\n"
    )
    assert updated.endswith("<!-- rules-table:end -->\n\n## More\n")
    assert "(old table)" not in updated
    assert "| [FAL102](docs/rules/FAL102.md) | `blocking-sleep-in-async` | unsafe | on |" in updated
    assert docs.update_readme(updated, rules) == updated  # idempotent
    with pytest.raises(ValueError, match="rules-table:start"):
        docs.update_readme("# no markers\n", rules)


def test_table_cells_are_escaped():
    rule = all_rules()["FAL102"]
    piped = type("Piped", (rule,), {"__doc__": "## What it does\nChecks `a | b` usage.\n"})
    assert "Checks `a \\| b` usage |" in docs.rules_table([piped])


@pytest.mark.slow
def test_generator_command(tmp_path: Path):
    (tmp_path / "README.md").write_text(README)
    (tmp_path / "docs" / "rules").mkdir(parents=True)
    (tmp_path / "docs" / "rules" / "FAL999.md").write_text("a rule that no longer exists\n")
    command = [sys.executable, "-m", "fastapi_lint.docs", "--root", str(tmp_path)]
    check = subprocess.run([*command, "--check"], capture_output=True, text=True, timeout=60)
    assert check.returncode == 1
    assert f"run `{docs.REGENERATE}` to regenerate the docs" in check.stdout
    assert "FAL999.md" in check.stdout
    write = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert write.returncode == 0, write.stderr
    assert not (tmp_path / "docs" / "rules" / "FAL999.md").exists()
    assert (tmp_path / "docs" / "rules" / "FAL102.md").read_text() == docs.rule_page(
        all_rules()["FAL102"]
    )
    assert "| [FAL101](docs/rules/FAL101.md)" in (tmp_path / "README.md").read_text()
    again = subprocess.run([*command, "--check"], capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and again.stdout == ""


# ----------------------------------------------------------------------------------------- flake8


@pytest.mark.slow
def test_flake8_lines_match_the_cli(tmp_path: Path):
    """What the VS Code flake8 extension shows is what `fastapi-lint check` prints."""
    for fixture in sorted(FIXTURES.glob("FAL[1-9]*/*.py")):
        target = tmp_path / fixture.parent.name
        target.mkdir(exist_ok=True)
        shutil.copy(fixture, target / fixture.name)
    flake8 = subprocess.run(
        [str(BIN / "flake8"), "--select", "FAL", "--format=default", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert flake8.returncode == 1, flake8.stderr
    ours = cli("check", ".", "-q", "--output-format", "concise", cwd=tmp_path)
    assert ours.returncode == 1, ours.stderr
    # flake8 prints `./` before paths, and has no `[*]` mark for fixable findings.
    flake8_lines = sorted(line.removeprefix("./") for line in flake8.stdout.splitlines())
    cli_lines = sorted(line.replace(" [*] ", " ", 1) for line in ours.stdout.splitlines())
    assert len(cli_lines) >= 10
    assert flake8_lines == cli_lines


def test_every_configuration_option_is_described():
    """The configuration reference is generated from the model: each option needs its text."""
    from fastapi_lint.config_model import FileConfig

    options = {field.alias or name for name, field in FileConfig.model_fields.items()}
    assert options == set(docs.OPTION_DOCS), (
        "describe new options in fastapi_lint/docs.py OPTION_DOCS: "
        f"{sorted(options - set(docs.OPTION_DOCS))}; stale: {sorted(set(docs.OPTION_DOCS) - options)}"
    )
    page = docs.configuration_page()
    for option in options:
        assert f"\n## `{option}`\n\n{docs.OPTION_DOCS[option]}\n" in page
    assert '- Default: `"full"`' in page  # output-format's default, read from Settings
