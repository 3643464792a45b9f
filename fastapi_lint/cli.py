"""The command line: flags in, exit code out. Everything else lives in the library.

Exit codes: 0 no findings (or --exit-zero), 1 findings remain (or --diff would change files),
2 usage, configuration or internal error — always with a one-line message, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

import click

from . import __version__
from .config import (
    CACHE_DIR_ENV,
    EMPTY_SELECTOR,
    OUTPUT_FORMATS,
    ConfigError,
    Configs,
    apply_overrides,
    find_config,
    parse_override,
    resolve_project,
)
from .file_check import add_noqa
from .registry import UnknownSelector, all_rules, rule_by_code_or_name, selected_codes
from .runner import Mode, RunReport, check_stdin, discover_per_config, run
from .settings import Settings
from .writing import allowed_roots

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


class _Check(click.Command):
    """`check`, reading `--add-noqa=REASON` as ruff does: the reason only after `=`, so that
    `--add-noqa src/` keeps `src/` a path."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rewritten: list[str] = []
        for arg in args:
            if arg == "--":
                rewritten.extend(args[len(rewritten) :])
                break
            if arg.startswith("--add-noqa="):
                rewritten.extend(["--add-noqa-reason", arg.split("=", 1)[1]])
            else:
                rewritten.append(arg)
        return super().parse_args(ctx, rewritten)


@main.command(
    cls=_Check,
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
""",
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
    envvar="FASTAPI_LINT_OUTPUT_FORMAT",
    help="How findings are printed: `full` (with the source), `concise` (one line each), "
    "`grouped`, or for other tools `json`, `json-lines`, `sarif`, `github`, `gitlab`, `junit`, "
    "`rdjson`, `pylint`, `azure`. [default: full; env: FASTAPI_LINT_OUTPUT_FORMAT]",
)
@click.option(
    "-o",
    "--output-file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    envvar="FASTAPI_LINT_OUTPUT_FILE",
    help="Write the report to this file instead of the terminal (created with its directories). "
    "[env: FASTAPI_LINT_OUTPUT_FILE]",
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
    "config_options",
    multiple=True,
    metavar="PATH | 'KEY = VALUE'",
    help="A pyproject.toml to use for every file instead of the nearest one, or a TOML "
    "`KEY = VALUE` pair overriding one setting of [tool.fastapi-lint] for every file, e.g. "
    "--config 'extend-select = [\"FAL406\"]'. Repeatable.",
)
@click.option(
    "--preview/--no-preview",
    default=None,
    help="Also run the rules in preview (new, not yet reviewed on real code).",
)
@click.option(
    "--fixable", multiple=True, metavar="CODES", help="Only these codes' fixes are applied."
)
@click.option(
    "--unfixable", multiple=True, metavar="CODES", help="These codes' fixes are never applied."
)
@click.option(
    "--fix-only",
    is_flag=True,
    help="Apply fixes (implies --fix), but do not report, or exit non-zero for, what is left.",
)
@click.option(
    "--exit-non-zero-on-fix",
    is_flag=True,
    help="Exit 1 when a fix changed a file, even if no findings remain.",
)
@click.option(
    "--add-noqa",
    "add_noqa",
    is_flag=True,
    help="Add `# noqa: CODES` to every line with findings (--add-noqa=REASON appends a reason).",
)
@click.option("--add-noqa-reason", "add_noqa_reason", default=None, hidden=True)
@click.option(
    "--show-settings", is_flag=True, help="Print the settings used for the first file, then exit."
)
@click.option(
    "--show-files", is_flag=True, help="Print the files that would be checked, then exit."
)
@click.option(
    "--cache-dir",
    envvar=CACHE_DIR_ENV,
    show_envvar=True,
    metavar="PATH",
    help="Where the result cache lives, for every configuration (relative to the current "
    "directory).",
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
@click.option(
    "-s",
    "--silent",
    is_flag=True,
    help="Print no findings, diff or summary (errors still go to stderr); the exit code and "
    "--output-file are unchanged.",
)
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
    config_options: tuple[str, ...],
    python: str | None,
    target_versions: tuple[str, ...],
    preview: bool | None,
    fixable: tuple[str, ...],
    unfixable: tuple[str, ...],
    fix_only: bool,
    exit_non_zero_on_fix: bool,
    add_noqa: bool,
    add_noqa_reason: str | None,
    show_settings: bool,
    show_files: bool,
    cache_dir: str | None,
    no_cache: bool,
    jobs: int,
    force_exclude: bool,
    respect_gitignore: bool | None,
    quiet: bool,
    silent: bool,
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
    add_noqa = add_noqa or add_noqa_reason is not None
    if add_noqa and (fix or fix_only or diff or watch or stdin):
        fail("--add-noqa cannot be combined with --fix, --fix-only, --diff, --watch or stdin")
    if (show_settings or show_files) and (fix or fix_only or diff or watch or add_noqa):
        fail("--show-settings and --show-files only print: they take no --fix, --diff, --watch")
    if add_noqa_reason is not None and "\n" in add_noqa_reason:
        fail("--add-noqa: the reason must be one line")
    fix = fix or fix_only
    targets = list(paths) or ["."]
    # Where the configuration is looked for: the (maybe unsaved) file stdin stands for.
    config_start = (stdin_filename or ".") if stdin else targets[0]
    flags = Flags(
        statistics,
        quiet,
        exit_zero,
        show_traceback,
        show_fixes,
        output_file,
        fix_only,
        exit_non_zero_on_fix,
        silent,
    )
    cli = CliSettings(
        select,
        extend_select,
        ignore,
        unsafe_fixes,
        output_format,
        preview,
        fixable,
        unfixable,
        os.path.abspath(cache_dir) if cache_dir else None,
        respect_gitignore,
    )

    def once() -> int:
        def finish(settings: Settings, project: Path | None) -> Settings:
            # The environment and versions of each file's own project (the nearest directory
            # that declares one: each service of a monorepo is a project of its own, also when
            # one configuration at the top governs them all). Without one, they are looked
            # for from the path checked when this configuration governs it, else from the
            # configuration's directory.
            start = str(project) if project is not None else config_start
            if project is None and settings.root and not _within(config_start, settings.root):
                start = settings.root
            return _project(settings, start, python, target_versions)

        configs = _configs(config_options, cli, project=finish)
        settings = configs.for_path(config_start)  # need not exist (an unsaved buffer)
        mode = Mode(fix=fix and not diff, diff=diff, unsafe=settings.unsafe_fixes)
        if show_files or show_settings:
            return _show(targets, configs, force_exclude, show_files)
        _warn_preview_selection(settings)
        if stdin:
            return _check_stdin(stdin_filename, settings, mode, force_exclude, flags)
        from .parallel import tune_gc  # noqa: PLC0415 - start-up: only `once` needs it

        tune_gc()
        report = run(
            targets,
            configs,
            mode,
            force_exclude=force_exclude,
            jobs=jobs,
            cache=not no_cache,
            keep_index=False,
        )
        report.index = None  # with the summaries it holds: their memory serves the output
        if add_noqa:
            # Written as fixes are: through a symlink only into the project or a checked path.
            roots = tuple(
                dict.fromkeys(r for t in targets for r in allowed_roots(settings.root, t))
            )
            return _add_noqa(report, add_noqa_reason or "", roots)
        return _finish(report, settings, mode, flags)

    if watch:
        raise SystemExit(_watch(targets, config_options, lambda: _guarded(once, show_traceback)))
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
    fix_only: bool = False
    exit_non_zero_on_fix: bool = False
    silent: bool = False


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


def _watch(targets: list[str], config_options: tuple[str, ...], once: Callable[[], int]) -> int:
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
    # Configuration files inside the watched directories are seen there; the one above them
    # (or given with --config) is watched too.
    given = [o for o in config_options if os.path.isfile(o)]
    config = (
        Path(given[0]) if given else find_config(targets[0] if os.path.exists(targets[0]) else ".")
    )
    if config is not None:
        watched.add(str(Path(config).resolve().parent))
    if not watched:
        return error("--watch: none of the given paths exists")
    from .parallel import release_frozen  # noqa: PLC0415 - start-up: only --watch needs it

    watch_filter = watchfiles.PythonFilter(extra_extensions=(".toml",))
    click.echo("Checking in watch mode; press Ctrl+C to stop.", err=True)
    once()
    try:
        for _changes in watchfiles.watch(*sorted(watched), watch_filter=watch_filter):
            if sys.stdout.isatty():
                click.clear()
            stamp = time.strftime("%H:%M:%S")
            click.echo(f"[{stamp}] File change detected; checking again.", err=True)
            release_frozen()  # the last run's leftovers (`parallel.tune_gc`)
            once()
    except KeyboardInterrupt:
        pass
    return EXIT_CLEAN


@dataclass(frozen=True)
class CliSettings:
    """What the command line sets, applied on top of every file's configuration."""

    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    unsafe_fixes: bool | None = None
    output_format: str | None = None
    preview: bool | None = None
    fixable: tuple[str, ...] = ()
    unfixable: tuple[str, ...] = ()
    cache_dir: str | None = None  # absolute (from --cache-dir or the environment)
    respect_gitignore: bool | None = None

    def apply(self, settings: Settings) -> Settings:
        return apply_overrides(
            settings,
            select=_split_codes(self.select, "--select"),
            extend_select=[
                *settings.extend_select,
                *(_split_codes(self.extend_select, "--extend-select") or []),
            ],
            ignore=[*settings.ignore, *(_split_codes(self.ignore, "--ignore") or [])],
            unsafe_fixes=self.unsafe_fixes,
            output_format=self.output_format,
            preview=self.preview,
            fixable=_split_codes(self.fixable, "--fixable"),
            unfixable=[*settings.unfixable, *(_split_codes(self.unfixable, "--unfixable") or [])],
            cache_dir=self.cache_dir,
            respect_gitignore=self.respect_gitignore,
        )


def _configs(
    options: tuple[str, ...],
    cli: CliSettings,
    project: Callable[[Settings, Path | None], Settings] | None = None,
) -> Configs:
    """Each file's settings: `--config` values are a configuration file (at most one: every
    file uses it) or `KEY = VALUE` overrides, as in ruff."""
    fixed: Path | None = None
    overrides = []
    for option in options:
        if os.path.isfile(os.path.expanduser(option)):
            if fixed is not None:
                raise ConfigError("--config: only one configuration file can be given")
            fixed = Path(os.path.expanduser(option))
        elif "=" not in option:
            raise ConfigError(f"--config {option}: no such file")
        else:
            overrides.append(parse_override(option))
    return Configs(fixed, tuple(overrides), cli.apply, project)


def _settings(start: str, config_options: tuple[str, ...], cli: CliSettings) -> Settings:
    return _configs(config_options, cli).for_path(start if os.path.exists(start) else ".")


def _show(targets: list[str], configs: Configs, force_exclude: bool, files: bool) -> int:
    """--show-files: every file a check would read, absolute, sorted (as ruff prints them).
    --show-settings: the settings of the first of those files, and where they come from."""
    groups = discover_per_config(targets, configs, force_exclude)
    found = sorted(os.path.abspath(item.path) for items in groups.values() for item in items)
    if files:
        for path in found:
            click.echo(path)
        return EXIT_CLEAN
    first = found[0] if found else os.path.abspath(targets[0])
    click.echo(settings_listing(first, configs.for_path(first)))
    return EXIT_CLEAN


def settings_listing(path: str, settings: Settings) -> str:
    """The resolved settings as TOML-like `key = value` lines, with the rules they enable."""
    from .cache import cache_root  # noqa: PLC0415 - start-up: only --show-settings needs it

    tables = ("per_file_ignores", "extend_blocking_calls", "target_versions")

    def value(item: object, table: bool = False) -> str:
        if table and isinstance(item, tuple):
            pairs = ", ".join(f"{json.dumps(k)} = {value(v)}" for k, v in item)
            return f"{{ {pairs} }}" if pairs else "{}"
        if isinstance(item, tuple):
            return json.dumps(list(item))
        return json.dumps(item)

    source = json.dumps(settings.config_path) if settings.config_path else "(none: defaults)"
    lines = [f'Resolved settings for: "{path}"', f"Settings path: {source}", ""]
    for spec in fields(settings):
        if spec.name in ("root", "config_path", "environment", "versions"):
            continue
        shown = getattr(settings, spec.name)
        if spec.name == "cache_dir":
            shown = cache_root(settings.cache_dir, settings.root)
        lines.append(f"{spec.name.replace('_', '-')} = {value(shown, spec.name in tables)}")
    # What the project was resolved to (`config.resolve_project`), when it was.
    if settings.environment is not None:
        environment = settings.environment
        lines.append(f"environment = {json.dumps(f'{environment.prefix} ({environment.source})')}")
    targets = [settings.versions.python, *settings.versions.libraries]
    known = [(t.name, _range(t)) for t in targets if t.known]
    lines.append(f"resolved-versions = {value(tuple(known), table=True)}")
    lines.append(f"enabled-rules = {value(tuple(selected_codes(settings)))}")
    return "\n".join(lines)


def _within(path: str, directory: str) -> bool:
    absolute, top = os.path.abspath(path), os.path.abspath(directory)
    return absolute == top or absolute.startswith(top.rstrip(os.sep) + os.sep)


def _range(target: object) -> str:
    low, high = getattr(target, "low", None), getattr(target, "high", None)
    parts = []
    if low is not None:
        parts.append(">=" + ".".join(map(str, low)))
    if high is not None:
        parts.append("<" + ".".join(map(str, high)))
    source = getattr(target, "source", "")
    return ",".join(parts) + (f" ({source})" if source else "")


def _add_noqa(report: RunReport, reason: str, roots: tuple[str, ...]) -> int:
    """Write a `# noqa` for every finding left, one comment per line (see `noqa.add_noqa`)."""
    by_file: dict[str, list[tuple[int, str]]] = {}
    for diagnostic in report.diagnostics:
        if diagnostic.code != "FAL000":  # a file that cannot be parsed takes no comment
            by_file.setdefault(diagnostic.path, []).append((diagnostic.row, diagnostic.code))
    added = 0
    failed = False
    for path, findings in by_file.items():
        count, problem = add_noqa(path, findings, reason, roots)
        added += count
        if problem:
            click.echo(f"error: {path}: {problem}", err=True)
            failed = True
    click.echo(f"Added {added} noqa directive{'s' if added != 1 else ''}.", err=True)
    return EXIT_ERROR if failed or report.errors else EXIT_CLEAN


def _warn_preview_selection(settings: Settings) -> None:
    """A rule in preview named by its code while preview is off does not run: say so, as
    ruff does, rather than leave the user wondering why it finds nothing."""
    if settings.preview:
        return
    rules = all_rules()
    for code in dict.fromkeys([*settings.select, *settings.extend_select]):
        rule = rules.get(code)
        if rule is not None and rule.preview:
            click.echo(
                f"warning: selection `{code}` has no effect because preview is not enabled "
                "(--preview, or preview = true)",
                err=True,
            )


def use_color(stream: object) -> bool:
    """Colour on a terminal, unless NO_COLOR is set; FORCE_COLOR (non-empty) forces it on,
    also through a pipe (CI logs that render colours), and wins over NO_COLOR as in ruff."""
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and "NO_COLOR" not in os.environ


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
    from .output import (  # noqa: PLC0415 - start-up: only `_finish` needs it
        TEXT_FORMATS,
        ReportOptions,
        render,
    )
    from .output.text import fixes_listing  # noqa: PLC0415 - start-up: only `_finish` needs it

    stream = sys.stderr if report_to_stderr else sys.stdout
    to_file = flags.output_file is not None
    color = not to_file and use_color(stream)
    options = ReportOptions(
        color=color,
        quiet=flags.quiet,
        statistics=flags.statistics,
        fixing=mode.fixing,
        show_fixes=flags.show_fixes,
        stdin_sources=stdin_sources,
    )
    if mode.diff:
        diffs = "".join(f.diff for f in report.files)
        if diffs and not flags.silent:
            click.echo(diffs, nl=False)
        if flags.show_fixes and not flags.silent:
            listing = fixes_listing(report, options, would=True)
            if listing:
                click.echo(listing, err=True)
        would = sum(report.fixed.values())
        if not flags.quiet and not flags.silent:
            click.echo(f"Would fix {would} error{'s' if would != 1 else ''}.", err=True)
        exit_code = EXIT_FINDINGS if diffs and not flags.exit_zero else EXIT_CLEAN
    elif flags.fix_only:
        # As ruff: only what was fixed; what is left is neither reported nor an exit code.
        fixed = sum(report.fixed.values())
        if flags.show_fixes:
            listing = fixes_listing(report, options)
            if listing:
                click.echo(listing, err=report_to_stderr, color=color)
        if fixed and not flags.quiet and not flags.silent:
            click.echo(f"Fixed {fixed} error{'s' if fixed != 1 else ''}.", err=report_to_stderr)
        exit_code = EXIT_CLEAN
    else:
        output = render(settings.output_format, report, options)
        if flags.output_file is not None:
            _write_report(flags.output_file, output)
        elif output and not flags.silent:
            click.echo(output, err=report_to_stderr, color=color)
        found = any(file.diagnostics for file in report.files)  # not the list of them all
        exit_code = EXIT_FINDINGS if found and not flags.exit_zero else EXIT_CLEAN
    if flags.exit_non_zero_on_fix and mode.fix and report.fixed:
        exit_code = EXIT_FINDINGS
    unwritten = [f for f in report.files if f.write_error]
    if settings.output_format not in TEXT_FORMATS or flags.output_file:
        # The text formats list them with the findings; the others keep stdout parseable.
        for file in unwritten:
            click.echo(f"error: {file.path}: {file.write_error}", err=True)
    for notice in report.notices:
        click.echo(f"warning: {notice}", err=True)
    if report.notices and not flags.exit_zero:
        exit_code = max(exit_code, EXIT_FINDINGS)  # files went unchecked
    internals = report.errors
    for internal in internals:
        error(f"internal error in {internal.rule} on {internal.path}: {internal.message}")
        if flags.show_traceback:
            click.echo(internal.traceback, err=True)
    if internals:
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
    "config_options",
    multiple=True,
    metavar="PATH | 'KEY = VALUE'",
    help="A pyproject.toml to use instead of the nearest one, or a `KEY = VALUE` override.",
)
@click.option(
    "--cache-dir",
    envvar=CACHE_DIR_ENV,
    show_envvar=True,
    metavar="PATH",
    help="The cache directory to remove, instead of the configured one.",
)
def clean_command(config_options: tuple[str, ...], cache_dir: str | None) -> None:
    """Remove the result cache (`cache-dir`, by default .fastapi_lint_cache in the project root)."""
    from .cache import (  # noqa: PLC0415 - start-up: only `clean_command` needs it
        cache_root,
        check_location,
        clean,
    )

    try:
        absolute = None if cache_dir is None else os.path.abspath(cache_dir)
        settings = _settings(".", config_options, CliSettings(cache_dir=absolute))
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
    if rule.preview:
        status.append("In preview: it runs only with `--preview` (or `preview = true`).")
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
        name = rule.name + (
            " (preview)" if rule.preview else "" if rule.default_enabled else " (off)"
        )
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
