"""The command line: flags in, exit code out. Everything else lives in the library.

Exit codes: 0 no findings (or --exit-zero), 1 findings remain (or --diff would change files),
2 usage, configuration or internal error — always with a one-line message, never a traceback.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from . import __version__
from .config import (
    EMPTY_SELECTOR,
    OUTPUT_FORMATS,
    ConfigError,
    apply_overrides,
    find_config,
    load_settings,
    resolve_project,
)
from .registry import UnknownSelector, all_rules, rule_by_code_or_name
from .runner import Mode, RunReport, check_stdin, run
from .settings import Settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _split_codes(values: tuple[str, ...], option: str) -> list[str] | None:
    """`--select FAL1,FAL2 --select "FAL3, FAL4"` -> the codes; None when the option is absent.

    An empty selector (`--select=`, `--select FAL1,`) is an error: the empty string is a
    prefix of every code, and a stray comma must not switch every rule on or off.
    """
    if not values:
        return None
    codes = []
    for value in values:
        for part in value.split(","):
            words = part.split()
            if not words:
                raise ConfigError(f"{option} {value!r}: {EMPTY_SELECTOR}")
            codes.extend(words)
    return codes


def fail(message: str) -> None:
    raise SystemExit(error(message))


def error(message: str) -> int:
    from .output._text import printable  # noqa: PLC0415 - start-up: messages quote config values and file names

    click.echo(f"error: {printable(message)}", err=True)
    return EXIT_ERROR


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
  fastapi-lint check --output-format sarif -o fastapi-lint.sarif .
  fastapi-lint check --output-format concise .   one line per finding
  fastapi-lint check --fix --stdin-filename app/main.py - < app/main.py
  fastapi-lint check --watch app/       re-check whenever a file changes

\b
Exit status: 0 no findings, 1 findings remain, 2 usage/config/internal error.
"""
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=str, readable=False))
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
    "--extend-select",
    multiple=True,
    metavar="CODES",
    help="Add codes or prefixes to the selection.",
)
@click.option("--ignore", multiple=True, metavar="CODES", help="Codes or prefixes to leave out.")
@click.option(
    "--output-format",
    type=click.Choice(OUTPUT_FORMATS),
    default=None,
    help="How findings are printed: `full` (with the source), `concise` (one line each), "
    "`grouped`, or for other tools `json`, `json-lines`, `sarif`, `github`, `gitlab`, `junit`, "
    "`rdjson`, `pylint`, `azure`. [default: full]",
)
@click.option(
    "-o",
    "--output-file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the report to this file instead of the terminal (created with its directories).",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain.")
@click.option("--statistics", is_flag=True, help="Print a count per code instead of each finding.")
@click.option(
    "--show-fixes",
    is_flag=True,
    help="After the findings, list per file and code the fixes applied (with --fix) or available.",
)
@click.option(
    "--stdin-filename",
    metavar="PATH",
    help="Read the source from stdin (also with `-` as the path) and treat it as the file PATH: "
    "for the configuration, per-file-ignores and messages. With --fix, the fixed source goes to "
    "stdout and the findings to stderr.",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Check again whenever a file changes (needs `pip install 'fastapi-lint[watch]'`).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="Use this pyproject.toml instead of the nearest one.",
)
@click.option(
    "--python",
    "python",
    metavar="PATH",
    help="The project's interpreter or virtual environment, for its installed packages and "
    "versions. [default: VIRTUAL_ENV, else a .venv/venv beside pyproject.toml, else this "
    "interpreter]",
)
@click.option(
    "--target-version",
    "target_versions",
    multiple=True,
    metavar="LIB=VERSION",
    help="The version of a library (or python) the project targets, over what is installed "
    "or declared, e.g. pydantic=2 on a migration branch.",
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
@click.option(
    "--respect-gitignore/--no-respect-gitignore",
    default=None,
    help="Skip what .gitignore files ignore when walking directories. [default: respect]",
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
    output_file: Path | None,
    exit_zero: bool,
    statistics: bool,
    show_fixes: bool,
    stdin_filename: str | None,
    watch: bool,
    config_path: Path | None,
    python: str | None,
    target_versions: tuple[str, ...],
    no_cache: bool,
    jobs: int,
    force_exclude: bool,
    respect_gitignore: bool | None,
    quiet: bool,
    show_traceback: bool,
) -> None:
    """Check PATHS (files or directories; default: the current directory; `-`: stdin)."""
    stdin = paths == ("-",) or (not paths and stdin_filename is not None)
    if "-" in paths and not stdin:
        fail("`-` (stdin) cannot be combined with other paths")
    if stdin_filename is not None and not stdin:
        fail("--stdin-filename is for source read from stdin: pass `-` instead of paths")
    if watch and (stdin or diff):
        fail("--watch cannot be combined with " + ("stdin" if stdin else "--diff"))
    targets = list(paths) or ["."]
    # Where the configuration is looked for: the (maybe unsaved) file stdin stands for.
    config_start = (stdin_filename or ".") if stdin else targets[0]
    flags = Flags(statistics, quiet, exit_zero, show_traceback, show_fixes, output_file)

    def once() -> int:
        settings = _settings(config_start, config_path, select, extend_select, ignore, unsafe_fixes)
        settings = _project(settings, config_start, python, target_versions)
        settings = apply_overrides(
            settings, output_format=output_format, respect_gitignore=respect_gitignore
        )
        mode = Mode(fix=fix and not diff, diff=diff, unsafe=settings.unsafe_fixes)
        if stdin:
            return _check_stdin(stdin_filename, settings, mode, force_exclude, flags)
        from .parallel import tune_gc  # noqa: PLC0415 - start-up: only `once` needs it

        tune_gc()
        report = run(
            targets, settings, mode, force_exclude=force_exclude, jobs=jobs, cache=not no_cache
        )
        return _finish(report, settings, mode, flags)

    if watch:
        raise SystemExit(_watch(targets, config_path, lambda: _guarded(once, show_traceback)))
    raise SystemExit(_guarded(once, show_traceback))


@dataclass(frozen=True)
class Flags:
    """The output flags of `check`, passed along as one value."""

    statistics: bool = False
    quiet: bool = False
    exit_zero: bool = False
    show_traceback: bool = False
    show_fixes: bool = False
    output_file: Path | None = None


def _guarded(action: Callable[[], int], show_traceback: bool) -> int:
    """Run one check; turn every expected failure into a one-line message and exit code 2."""
    try:
        return action()
    except ConfigError as exc:
        return error(str(exc))
    except UnknownSelector as exc:
        return error(f"unknown rule selector '{exc}'; run `fastapi-lint rules` for the list")
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as exc:  # a bug: one line, and the traceback only on request
        if show_traceback:
            import traceback  # noqa: PLC0415 - start-up: only `_guarded` needs it

            traceback.print_exc()
        return error(f"internal error: {type(exc).__name__}: {exc} (rerun with --show-traceback)")


def _check_stdin(
    filename: str | None, settings: Settings, mode: Mode, force_exclude: bool, flags: Flags
) -> int:
    """Source from stdin. With --fix the (fixed) source is written to stdout, always, so that
    an editor can replace its buffer with it, and the report goes to stderr."""
    data = sys.stdin.buffer.read()
    result = check_stdin(data, filename, settings, mode, force_exclude=force_exclude)
    report = RunReport([result.report], unsafe=mode.unsafe)
    if mode.fix:
        sys.stdout.buffer.write(result.output)
        sys.stdout.buffer.flush()
    source = result.output if mode.fix else data
    return _finish(
        report,
        settings,
        mode,
        flags,
        report_to_stderr=mode.fix,
        stdin_sources=((result.report.path, source),),
    )


def _watch(targets: list[str], config_path: Path | None, once: Callable[[], int]) -> int:
    """Check, then check again after every change to a Python file or a pyproject.toml."""
    try:
        import watchfiles  # noqa: PLC0415 - optional dependency: only --watch needs it
    except ImportError:
        return error("--watch needs the watchfiles package: pip install 'fastapi-lint[watch]'")
    # Directories rather than files: editors save by replacing a file, which ends a file watch.
    watched = {
        os.path.abspath(t if os.path.isdir(t) else os.path.dirname(t) or ".")
        for t in targets
        if os.path.exists(t)
    }
    config = config_path or find_config(targets[0] if os.path.exists(targets[0]) else ".")
    if config is not None:
        watched.add(str(Path(config).resolve().parent))
    if not watched:
        return error("--watch: none of the given paths exists")
    watch_filter = watchfiles.PythonFilter(extra_extensions=(".toml",))
    click.echo("Checking in watch mode; press Ctrl+C to stop.", err=True)
    once()
    try:
        for _changes in watchfiles.watch(*sorted(watched), watch_filter=watch_filter):
            if sys.stdout.isatty():
                click.clear()
            stamp = time.strftime("%H:%M:%S")
            click.echo(f"[{stamp}] File change detected; checking again.", err=True)
            once()
    except KeyboardInterrupt:
        pass
    return EXIT_CLEAN


def _settings(
    start: str,
    config_path: Path | None,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    unsafe_fixes: bool | None,
) -> Settings:
    if config_path is not None and not config_path.is_file():
        raise ConfigError(f"--config {config_path}: no such file")
    found = config_path or find_config(
        start if os.path.exists(start) or start.endswith(".py") else "."
    )
    settings = load_settings(found)
    extra_ignore = _split_codes(ignore, "--ignore") or []
    return apply_overrides(
        settings,
        select=_split_codes(select, "--select"),
        extend_select=[
            *settings.extend_select,
            *(_split_codes(extend_select, "--extend-select") or []),
        ],
        ignore=[*settings.ignore, *extra_ignore],
        unsafe_fixes=unsafe_fixes,
    )


def _project(
    settings: Settings, start: str, python: str | None, target_versions: tuple[str, ...]
) -> Settings:
    """The project's environment and target versions, with `--python` and `--target-version`
    over the configuration's `python` and `target-versions`."""
    if python:
        settings = apply_overrides(settings, python=python)
    if target_versions:
        own = dict(apply_overrides(settings, target_versions=list(target_versions)).target_versions)
        settings = apply_overrides(
            settings, target_versions={**dict(settings.target_versions), **own}
        )
    return resolve_project(settings, start)


def _finish(
    report: RunReport,
    settings: Settings,
    mode: Mode,
    flags: Flags,
    *,
    report_to_stderr: bool = False,
    stdin_sources: tuple[tuple[str, bytes], ...] = (),
) -> int:
    from .output import ReportOptions, render  # noqa: PLC0415 - start-up: only `_finish` needs it
    from .output.text import fixes_listing  # noqa: PLC0415 - start-up: only `_finish` needs it

    stream = sys.stderr if report_to_stderr else sys.stdout
    to_file = flags.output_file is not None
    options = ReportOptions(
        color=not to_file and stream.isatty() and "NO_COLOR" not in os.environ,
        quiet=flags.quiet,
        statistics=flags.statistics,
        fixing=mode.fixing,
        show_fixes=flags.show_fixes,
        stdin_sources=stdin_sources,
    )
    if mode.diff:
        diffs = "".join(f.diff for f in report.files)
        if diffs:
            click.echo(diffs, nl=False)
        if flags.show_fixes:
            listing = fixes_listing(report, options, would=True)
            if listing:
                click.echo(listing, err=True)
        would = sum(report.fixed.values())
        if not flags.quiet:
            click.echo(f"Would fix {would} error{'s' if would != 1 else ''}.", err=True)
        exit_code = EXIT_FINDINGS if diffs and not flags.exit_zero else EXIT_CLEAN
    else:
        output = render(settings.output_format, report, options)
        if flags.output_file is not None:
            _write_report(flags.output_file, output)
        elif output:
            click.echo(output, err=report_to_stderr)
        exit_code = EXIT_FINDINGS if report.diagnostics and not flags.exit_zero else EXIT_CLEAN
    unwritten = [f for f in report.files if f.write_error]
    if settings.output_format not in ("full", "concise", "text", "grouped") or flags.output_file:
        # The text formats list them with the findings; the others keep stdout parseable.
        for file in unwritten:
            click.echo(f"error: {file.path}: {file.write_error}", err=True)
    for notice in report.notices:
        click.echo(f"warning: {notice}", err=True)
    if report.notices and not flags.exit_zero:
        exit_code = max(exit_code, EXIT_FINDINGS)  # files went unchecked
    for internal in report.errors:
        error(f"internal error in {internal.rule} on {internal.path}: {internal.message}")
        if flags.show_traceback:
            click.echo(internal.traceback, err=True)
    if report.errors:
        if not flags.show_traceback:
            click.echo("(rerun with --show-traceback to see where)", err=True)
        return EXIT_ERROR
    if unwritten:
        # A fix that could not be written is a failure, whatever --exit-zero says.
        return EXIT_ERROR
    return exit_code


def _write_report(path: Path, output: str) -> None:
    """`--output-file`: the report, with a final newline, in UTF-8 whatever the locale."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(output + "\n" if output else "", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"--output-file {path}: {exc.strerror or exc}") from None


@main.command("clean")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="Use this pyproject.toml instead of the nearest one.",
)
def clean_command(config_path: Path | None) -> None:
    """Remove the result cache (`cache-dir`, by default .fastapi_lint_cache in the project root)."""
    from .cache import (  # noqa: PLC0415 - start-up: only `clean_command` needs it
        cache_root,
        check_location,
        clean,
    )

    try:
        settings = _settings(".", config_path, (), (), (), None)
        directory = cache_root(settings.cache_dir, settings.root)
        check_location(directory, settings.root)
        removed = clean(directory)
    except ConfigError as exc:
        fail(str(exc))
        return
    except (OSError, ValueError) as exc:
        fail(str(exc))
        return
    from .output._text import printable  # noqa: PLC0415 - start-up: only `clean_command` needs it

    shown = printable(directory)
    click.echo(f"Removed {shown}" if removed else f"No cache at {shown}")


@main.command("rule")
@click.argument("code")
def rule_command(code: str) -> None:
    """Print the documentation of rule CODE (e.g. FAL102 or blocking-sleep-in-async)."""
    rule = rule_by_code_or_name(code)
    if rule is None:
        fail(f"unknown rule '{code}'; run `fastapi-lint rules` for the list")
        return
    header = f"# {rule.name} ({rule.code})"
    status = [f"Fix: {rule.fix_label()}."]
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
        fix = rule.fix_label() if rule.fix_label() != "none" else "-"
        name = rule.name + ("" if rule.default_enabled else " (off)")
        click.echo(f"{code:<7} {name:<{width}}  {fix:<7} {rule.summary()}")


if __name__ == "__main__":  # pragma: no cover
    main()


@main.command("server")
def server_command() -> None:
    """Run the language server (LSP over stdio) for editors; needs the `lsp` extra."""
    try:
        # Only this command needs pygls: it is an optional dependency.
        from .server import main as serve  # noqa: PLC0415 - start-up: only `server_command` needs it
    except ImportError as exc:
        fail(
            f"the language server needs pygls ({exc}); install it with: pip install 'fastapi-lint[lsp]'"
        )
        return
    serve()
