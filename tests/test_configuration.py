"""Configuration per directory, through the installed console script, flake8 and pre-commit.

`fixtures/monorepo/` is two services with different settings, both extending a shared base
(`extend = "../../pyproject.toml"`), and a `shared/` package that uses the base as it is. Every
line that must draw a finding says so with `# expect: CODE`; every other line must draw none
(FAL201 ignored by the base, FAL102 ignored by billing, FAL406 selected only by orders, FAL1
off in tests/, a generated/ directory excluded by the base).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from clitools import BAD, cli
from helpers import expected_codes

ROOT = Path(__file__).resolve().parent.parent
MONOREPO = ROOT / "fixtures" / "monorepo"
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow  # every test runs the console script (or flake8, pre-commit)


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    copy = tmp_path / "monorepo"
    shutil.copytree(MONOREPO, copy)
    return copy


def _expected(root: Path) -> set[tuple[str, int, str]]:
    found = set()
    for path in root.rglob("*.py"):
        for row, line in enumerate(path.read_text().splitlines(), 1):
            for code in expected_codes(line):
                found.add((path.relative_to(root).as_posix(), row, code))
    return found


def _findings(output: str) -> set[tuple[str, int, str]]:
    found = set()
    for line in output.splitlines():
        parts = line.split(":", 3)
        if len(parts) == 4 and parts[1].isdigit() and parts[3].strip().startswith("FAL"):
            found.add((parts[0], int(parts[1]), parts[3].split()[0]))
    return found


def test_each_file_uses_its_nearest_configuration(monorepo: Path):
    result = cli("check", ".", "--no-cache", cwd=monorepo)
    assert result.returncode == 1, result.stderr
    assert _findings(result.stdout) == _expected(monorepo)
    assert len(_expected(monorepo)) == 4  # the markers are there to be compared with


def test_checking_one_service_from_inside_it(monorepo: Path):
    service = monorepo / "services" / "billing"
    result = cli("check", "--no-cache", cwd=service)
    assert _findings(result.stdout) == {("app/main.py", 17, "FAL101")}


def test_files_named_one_by_one_use_their_own_configuration(monorepo: Path):
    # As pre-commit calls it: files of every service in one command, with --force-exclude.
    files = [
        "services/orders/app/main.py",
        "services/orders/generated/client.py",
        "services/billing/app/main.py",
        "shared/clock.py",
    ]
    result = cli("check", "--no-cache", "--force-exclude", *files, cwd=monorepo)
    assert _findings(result.stdout) == _expected(monorepo)
    assert "generated" not in result.stdout


def test_results_are_cached_per_configuration(monorepo: Path):
    first = cli("check", ".", cwd=monorepo)
    second = cli("check", ".", cwd=monorepo)
    assert first.stdout == second.stdout
    assert _findings(second.stdout) == _expected(monorepo)
    # Each configuration keeps its cache beside itself.
    for config in ("", "services/orders/", "services/billing/"):
        assert (monorepo / config / ".fastapi_lint_cache").is_dir(), config
    # A changed service configuration changes that service's findings at once.
    orders = monorepo / "services" / "orders" / "pyproject.toml"
    orders.write_text(orders.read_text() + 'ignore = ["FAL102"]\n')
    third = cli("check", ".", cwd=monorepo)
    assert _findings(third.stdout) == _expected(monorepo) - {
        ("services/orders/app/main.py", 11, "FAL102")
    }


def test_flake8_uses_the_nearest_configuration(monorepo: Path):
    # flake8 picks the files (by its own excludes, as a file named on our command line is
    # checked whatever `exclude` says); the rules each file gets come from its configuration.
    result = subprocess.run(
        [str(BIN / "flake8"), "--select", "FAL", "--extend-exclude", "generated", "."],
        cwd=monorepo,
        capture_output=True,
        text=True,
        timeout=300,
    )
    found = {(p.removeprefix("./"), row, code) for p, row, code in _findings(result.stdout)}
    assert found == _expected(monorepo), result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_precommit_uses_the_nearest_configuration(monorepo: Path, tmp_path: Path):
    from test_precommit import git

    hook = tmp_path / "hook"
    ignore = shutil.ignore_patterns(
        ".venv", ".git", "*.pyc", "__pycache__", ".behaviour-venvs", ".pytest_cache",
        ".fastapi_lint_cache", "*.egg-info",
    )  # fmt: skip
    shutil.copytree(ROOT, hook, ignore=ignore)
    identity = ["-c", "user.email=ci@example.invalid", "-c", "user.name=ci"]
    git("init", "-q", cwd=hook)
    git("add", "-A", cwd=hook)
    git(*identity, "commit", "-q", "-m", "hook under test", cwd=hook)
    rev = git("rev-parse", "HEAD", cwd=hook)
    git("init", "-q", cwd=monorepo)
    (monorepo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook}\n    rev: {rev}\n    hooks:\n      - id: fastapi-lint\n"
    )
    git("add", "-A", cwd=monorepo)
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    env["PATH"] = f"{BIN}{os.pathsep}{env['PATH']}"
    result = subprocess.run(
        [str(BIN / "pre-commit"), "run", "--all-files"],
        cwd=monorepo,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert _findings(output) == _expected(monorepo), output


# ------------------------------------------------------------------ extend and its errors


def test_extend_cycle_is_a_config_error(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.fastapi-lint]\nextend = "a/pyproject.toml"\n')
    (tmp_path / "a" / "pyproject.toml").write_text(
        '[tool.fastapi-lint]\nextend = "../pyproject.toml"\n'
    )
    (tmp_path / "a" / "app.py").write_text(BAD)
    result = cli("check", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "`extend` makes a cycle" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


def test_extend_of_a_missing_file_is_a_config_error(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.fastapi-lint]\nextend = "base.toml"\n')
    (tmp_path / "app.py").write_text(BAD)
    result = cli("check", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert "extend = 'base.toml': no such file" in result.stderr


def test_extend_of_a_file_without_the_table_is_a_config_error(tmp_path: Path):
    (tmp_path / "base.toml").write_text("[tool.ruff]\nline-length = 100\n")
    (tmp_path / "pyproject.toml").write_text('[tool.fastapi-lint]\nextend = "base.toml"\n')
    result = cli("check", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert "base.toml has no [tool.fastapi-lint] table" in result.stderr


def test_a_later_select_starts_afresh(tmp_path: Path):
    """As in ruff: an extending file's `select` drops the base's `ignore`/`extend-select`."""
    (tmp_path / "base.toml").write_text(
        '[tool.fastapi-lint]\nignore = ["FAL102"]\nextend-select = ["FAL406"]\n'
    )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.fastapi-lint]\nextend = "base.toml"\nselect = ["FAL1"]\n'
    )
    (tmp_path / "app.py").write_text("import jose\n" + BAD)
    result = cli("check", "--show-settings", "app.py", cwd=tmp_path)
    assert 'select = ["FAL1"]' in result.stdout
    assert "ignore = []" in result.stdout and "extend-select = []" in result.stdout
    found = cli("check", "--no-cache", ".", cwd=tmp_path)
    assert {code for _, _, code in _findings(found.stdout)} == {"FAL101", "FAL102"}


# ------------------------------------------------------------------ --config KEY = VALUE


def test_config_override_applies_to_every_configuration(monorepo: Path):
    result = cli("check", "--no-cache", ".", "--config", 'select = ["FAL406"]', cwd=monorepo)
    assert {(path, code) for path, _, code in _findings(result.stdout)} == {
        ("services/orders/app/main.py", "FAL406"),
        ("services/billing/app/main.py", "FAL406"),
        ("shared/clock.py", "FAL406"),
    }


def test_config_file_replaces_discovery(monorepo: Path):
    billing = "services/billing/pyproject.toml"
    result = cli("check", "--no-cache", ".", "--config", billing, cwd=monorepo)
    # billing's settings for every file: FAL102 and FAL201 ignored everywhere, no FAL406.
    assert _findings(result.stdout) == {("services/billing/app/main.py", 17, "FAL101")}


def test_config_file_and_override_together(monorepo: Path):
    result = cli(
        "check",
        "--no-cache",
        "shared",
        "--config",
        "services/orders/pyproject.toml",
        "--config",
        'ignore = ["FAL102"]',
        cwd=monorepo,
    )
    assert _findings(result.stdout) == {("shared/clock.py", 3, "FAL406")}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("select = FAL1", "is neither a configuration file nor a TOML `KEY = VALUE` pair"),
        ('select = "FAL1"', "invalid value for 'select'"),
        ("colour = true", "unknown key 'colour'"),
        ("missing.toml", "--config missing.toml: no such file"),
        ('extend = "base.toml"', "`extend` belongs in a configuration file"),
        ('select = [""]', "empty rule selector"),
    ],
)
def test_bad_config_values_are_config_errors(tmp_path: Path, value: str, message: str):
    (tmp_path / "app.py").write_text(BAD)
    result = cli("check", ".", "--config", value, cwd=tmp_path)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_two_config_files_are_refused(monorepo: Path):
    result = cli(
        "check",
        "--config",
        "pyproject.toml",
        "--config",
        "services/orders/pyproject.toml",
        cwd=monorepo,
    )
    assert result.returncode == 2
    assert "only one configuration file" in result.stderr


# ------------------------------------------------------------------ --show-files, --show-settings


def test_show_files_lists_what_would_be_checked(monorepo: Path):
    result = cli("check", "--show-files", ".", cwd=monorepo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        str(monorepo / "services/billing/app/main.py"),
        str(monorepo / "services/billing/tests/test_invoice.py"),
        str(monorepo / "services/orders/app/main.py"),
        str(monorepo / "shared/clock.py"),
    ]


def test_show_settings_names_the_configuration_and_its_values(monorepo: Path):
    result = cli("check", "--show-settings", "services/orders", cwd=monorepo)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f'Resolved settings for: "{monorepo / "services/orders/app/main.py"}"'
    assert lines[1] == f'Settings path: "{monorepo / "services/orders/pyproject.toml"}"'
    assert 'ignore = ["FAL201"]' in lines
    assert 'extend-select = ["FAL406"]' in lines
    assert 'extend-exclude = ["generated"]' in lines
    assert 'per-file-ignores = { "tests/*" = ["FAL1"] }' in lines
    assert f'cache-dir = "{monorepo / "services/orders/.fastapi_lint_cache"}"' in lines
    enabled = next(line for line in lines if line.startswith("enabled-rules = "))
    assert '"FAL406"' in enabled and '"FAL201"' not in enabled and '"FAL001"' not in enabled


def test_show_settings_without_configuration(tmp_path: Path):
    (tmp_path / "app.py").write_text(BAD)
    result = cli("check", "--show-settings", cwd=tmp_path)
    assert "Settings path: (none: defaults)" in result.stdout
    assert 'select = ["FAL"]' in result.stdout


# ------------------------------------------------------------------ the cache directory


def test_cache_dir_from_the_environment_and_the_flag(monorepo: Path, tmp_path: Path):
    env_dir = tmp_path / "from-env"
    env = dict(os.environ, FASTAPI_LINT_CACHE_DIR=str(env_dir))
    subprocess.run(
        [str(BIN / "fastapi-lint"), "check", "."], cwd=monorepo, env=env, capture_output=True
    )
    assert (env_dir / "CACHEDIR.TAG").is_file()
    assert not (monorepo / ".fastapi_lint_cache").exists()
    # The flag wins over the environment; a relative one is relative to the working directory.
    result = subprocess.run(
        [str(BIN / "fastapi-lint"), "check", ".", "--cache-dir", "flag-cache"],
        cwd=monorepo,
        env=env,
        capture_output=True,
        text=True,
    )
    assert _findings(result.stdout) == _expected(monorepo)
    assert (monorepo / "flag-cache" / "CACHEDIR.TAG").is_file()
    cleaned = subprocess.run(
        [str(BIN / "fastapi-lint"), "clean"], cwd=monorepo, env=env, capture_output=True, text=True
    )
    assert cleaned.stdout.strip() == f"Removed {env_dir}"
    assert not env_dir.exists()
