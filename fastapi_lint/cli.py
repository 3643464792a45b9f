"""The command line: flags in, exit code out. Everything else lives in the library.

Exit codes: 0 no findings (or --exit-zero), 1 findings remain (or --diff would change files),
2 usage, configuration or internal error — always with a one-line message, never a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .config import OUTPUT_FORMATS, ConfigError, apply_overrides, find_config, load_settings
from .registry import UnknownSelector, all_rules, rule_by_code_or_name
from .runner import Mode, RunReport, run
from .settings import Settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _split_codes(values: tuple[str, ...]) -> list[str] | None:
    if not values:
        return None
    return [code for value in values for code in value.replace(" ", ",").split(",") if code]


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(EXIT_ERROR)


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Run `fastapi-lint COMMAND --help` for a command's options, "
    "`fastapi-lint rules` for the rule list.",
)
@click.version_option(__version__, "-V", "--version", prog_name="fastapi-lint")
def main() -> None:
    """A linter and autofixer for FastAPI and Pydantic code.

    Finds blocking calls in async routes, deprecated lifecycle events, Pydantic v1 APIs,
    insecure CORS and JWT handling, and more; fixes what can be fixed safely.
    """


@main.command(
    epilog="""\b
Examples:
  fastapi-lint check                      check the current directory
  fastapi-lint check app/ --select FAL1   only the async rules
  fastapi-lint check --fix app/           apply safe fixes
  fastapi-lint check --diff --unsafe-fixes app/   preview every fix, write nothing
  fastapi-lint check --output-format json . > findings.json

\b
Exit status: 0 no findings, 1 findings remain, 2 usage/config/internal error.
"""
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--fix", is_flag=True, help="Apply safe fixes in place.")
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    default=None,
    help="Also apply (with --fix) or show (with --diff) fixes that may change behaviour.",
)
@click.option(
    "--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing. Exit 1 if any."
)
@click.option(
    "--select",
    multiple=True,
    metavar="CODES",
    help="Only these codes or prefixes (comma-separated), e.g. FAL1,FAL301. Replaces the config.",
)
@click.option(
    "--extend-select", multiple=True, metavar="CODES", help="Add codes or prefixes to the selection."
)
@click.option("--ignore", multiple=True, metavar="CODES", help="Codes or prefixes to leave out.")
@click.option(
    "--output-format",
    type=click.Choice(OUTPUT_FORMATS),
    default=None,
    help="How findings are printed. [default: text]",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain.")
@click.option("--statistics", is_flag=True, help="Print a count per code instead of each finding.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="Use this pyproject.toml instead of the nearest one.",
)
@click.option("--no-cache", is_flag=True, help="Do not read or write the result cache.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    show_default="all cores",
    help="Processes to check files with; 1 checks serially.",
)
@click.option(
    "--force-exclude",
    is_flag=True,
    help="Apply exclude patterns to files named on the command line too (for pre-commit).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")
@click.option("--show-traceback", is_flag=True, help="Show tracebacks of internal errors.")
def check(
    paths: tuple[str, ...],
    fix: bool,
    unsafe_fixes: bool | None,
    diff: bool,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    output_format: str | None,
    exit_zero: bool,
    statistics: bool,
    config_path: Path | None,
    no_cache: bool,
    jobs: int,
    force_exclude: bool,
    quiet: bool,
    show_traceback: bool,
) -> None:
    """Check PATHS (files or directories; default: the current directory)."""
    targets = list(paths) or ["."]
    try:
        settings = _settings(targets, config_path, select, extend_select, ignore, unsafe_fixes)
        if output_format:
            settings = apply_overrides(settings, output_format=output_format)
        mode = Mode(fix=fix and not diff, diff=diff, unsafe=settings.unsafe_fixes)
        from .parallel import tune_gc

        tune_gc()
        report = run(
            targets, settings, mode, force_exclude=force_exclude, jobs=jobs, cache=not no_cache
        )
    except ConfigError as exc:
        fail(str(exc))
    except UnknownSelector as exc:
        fail(f"unknown rule selector '{exc}'; run `fastapi-lint rules` for the list")
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as exc:  # a bug: one line, and the traceback only on request
        if show_traceback:
            import traceback

            traceback.print_exc()
        fail(f"internal error: {type(exc).__name__}: {exc} (rerun with --show-traceback)")
    raise SystemExit(_finish(report, settings, mode, statistics, quiet, exit_zero, show_traceback))


def _settings(
    targets: list[str],
    config_path: Path | None,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    unsafe_fixes: bool | None,
) -> Settings:
    if config_path is not None and not config_path.is_file():
        raise ConfigError(f"--config {config_path}: no such file")
    found = config_path or find_config(targets[0] if os.path.exists(targets[0]) else ".")
    settings = load_settings(found)
    extra_ignore = _split_codes(ignore) or []
    return apply_overrides(
        settings,
        select=_split_codes(select),
        extend_select=[*settings.extend_select, *(_split_codes(extend_select) or [])],
        ignore=[*settings.ignore, *extra_ignore],
        unsafe_fixes=unsafe_fixes,
    )


def _finish(
    report: RunReport,
    settings: Settings,
    mode: Mode,
    statistics: bool,
    quiet: bool,
    exit_zero: bool,
    show_traceback: bool,
) -> int:
    from .output import REPORTERS, ReportOptions

    options = ReportOptions(
        color=sys.stdout.isatty() and "NO_COLOR" not in os.environ,
        quiet=quiet,
        statistics=statistics,
        fixing=mode.fixing,
    )
    if mode.diff:
        diffs = "".join(f.diff for f in report.files)
        if diffs:
            click.echo(diffs, nl=False)
        would = sum(report.fixed.values())
        if not quiet:
            click.echo(f"Would fix {would} error{'s' if would != 1 else ''}.", err=True)
        exit_code = EXIT_FINDINGS if diffs and not exit_zero else EXIT_CLEAN
    else:
        output = REPORTERS[settings.output_format](report, options)
        if output:
            click.echo(output)
        exit_code = EXIT_FINDINGS if report.diagnostics and not exit_zero else EXIT_CLEAN
    for error in report.errors:
        click.echo(
            f"error: internal error in {error.rule} on {error.path}: {error.message}", err=True
        )
        if show_traceback:
            click.echo(error.traceback, err=True)
    if report.errors:
        if not show_traceback:
            click.echo("(rerun with --show-traceback to see where)", err=True)
        return EXIT_ERROR
    return exit_code


@main.command("clean")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="Use this pyproject.toml instead of the nearest one.",
)
def clean_command(config_path: Path | None) -> None:
    """Remove the result cache (`cache-dir`, by default .fastapi_lint_cache in the project root)."""
    from .cache import cache_root, clean

    try:
        settings = _settings(["."], config_path, (), (), (), None)
        directory = cache_root(settings.cache_dir, settings.root)
        removed = clean(directory)
    except ConfigError as exc:
        fail(str(exc))
        return
    except (OSError, ValueError) as exc:
        fail(str(exc))
        return
    click.echo(f"Removed {directory}" if removed else f"No cache at {directory}")


@main.command("rule")
@click.argument("code")
def rule_command(code: str) -> None:
    """Print the documentation of rule CODE (e.g. FAL102 or blocking-sleep-in-async)."""
    rule = rule_by_code_or_name(code)
    if rule is None:
        fail(f"unknown rule '{code}'; run `fastapi-lint rules` for the list")
        return
    header = f"# {rule.name} ({rule.code})"
    status = [f"Fix: {rule.fix_safety}."]
    if not rule.default_enabled:
        status.append(f"Off by default: enable it with `--extend-select {rule.code}`.")
    docs = rule.docs()
    click.echo(f"{header}\n\n{' '.join(status)}\n\n{docs}\n")


@main.command("rules")
def rules_command() -> None:
    """List every rule: code, name, fix availability and what it checks."""
    rules = all_rules()
    width = max(len(rule.name) for rule in rules.values())
    click.echo(f"{'code':<7} {'name':<{width}}  {'fix':<7} summary")
    for code, rule in rules.items():
        fix = rule.fix_safety if rule.fix_safety != "none" else "-"
        name = rule.name + ("" if rule.default_enabled else " (off)")
        click.echo(f"{code:<7} {name:<{width}}  {fix:<7} {rule.summary()}")


if __name__ == "__main__":  # pragma: no cover
    main()
