"""Rule documentation generated from the rule classes: `docs/rules/<CODE>.md`, the index, and the
rule table in the README between `<!-- rules-table:start -->` and `<!-- rules-table:end -->`.

The rule's docstring is the single source; these files are derived and checked by a test, so
they cannot drift. Regenerate them with:

    python -m fastapi_lint.docs            # write
    python -m fastapi_lint.docs --check    # exit 1 and name the stale files
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from .diagnostics import Applicability
from .registry import all_rules
from .rule import FixAvailability, Rule

REGENERATE = "python -m fastapi_lint.docs"
TABLE_START = "<!-- rules-table:start -->"
TABLE_END = "<!-- rules-table:end -->"
RULES_DIR = Path("docs/rules")
CONFIG_REFERENCE = Path("docs/configuration-reference.md")
_GENERATED = f"<!-- Generated from the rule's source by `{REGENERATE}`; do not edit. -->"
_RULE_PAGE = re.compile(r"^[A-Z]+\d+\.md$")
# The README links to the pages in the repository, which render where the README does.
README_LINK = "docs/rules/{code}.md"

_APPLIED = {
    Applicability.SAFE: "safe (applied by `--fix`)",
    Applicability.UNSAFE: "unsafe (applied by `--fix --unsafe-fixes`)",
    Applicability.DISPLAY_ONLY: "display-only (suggested, never applied)",
}


def section(rule: type[Rule], title: str) -> str:
    """The text of one `## title` section of the rule's docs ("" when it has none)."""
    lines = rule.docs().splitlines()
    out: list[str] = []
    inside = False
    for line in lines:
        if line.startswith("## "):
            if inside:
                break
            inside = line[3:].strip() == title
            continue
        if inside:
            out.append(line)
    return "\n".join(out).strip()


def title(rule: type[Rule]) -> str:
    return f"{rule.name} ({rule.code})"


def fix_text(rule: type[Rule]) -> str:
    """The rule page's "Fix" line, from the rule's typed fix metadata."""
    if rule.fix_availability is FixAvailability.NONE:
        return "none"
    kinds = " or ".join(_APPLIED[a] for a in rule.fix_applicability)
    return f"{rule.fix_availability} available; {kinds}"


def fix_cell(rule: type[Rule]) -> str:
    """The rule tables' Fix column: `safe`, `unsafe (sometimes)`, `safe/unsafe (sometimes)`, -."""
    if rule.fix_availability is FixAvailability.NONE:
        return "-"
    kinds = "/".join(str(a) for a in rule.fix_applicability)
    return kinds if rule.fix_availability is FixAvailability.ALWAYS else f"{kinds} (sometimes)"


def default_text(rule: type[Rule]) -> str:
    if rule.preview:
        return (
            "preview: runs only with `--preview` (or `preview = true`), until reviewed on real code"
        )
    if rule.default_enabled:
        return "on"
    return f"off: enable it with `--extend-select {rule.code}`"


def family(rule: type[Rule]) -> str:
    """The rule's family from its package: `rules/async_correctness/` → "Async correctness"."""
    parts = rule.__module__.split(".")
    if len(parts) < 4:  # a rule directly under rules/ (FAL000)
        return "General"
    return parts[-2].replace("_", " ").capitalize()


def rule_page(rule: type[Rule]) -> str:
    """docs/rules/CODE.md: the rule's help under a note that the file is generated."""
    return f"{_GENERATED}\n\n{rule_help(rule)}"


def rule_help(rule: type[Rule]) -> str:
    """The rule's documentation as a reader sees it (an editor's hover shows it as Markdown, and
    not every editor hides an HTML comment)."""
    return (
        f"# {title(rule)}\n\n"
        f"- Code: `{rule.code}`\n"
        f"- Name: `{rule.name}`\n"
        f"- Fix: {fix_text(rule)}\n"
        f"- Default: {default_text(rule)}\n\n"
        f"{rule.docs()}\n"
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _row(rule: type[Rule], link: str) -> str:
    fix = fix_cell(rule)
    default = "preview" if rule.preview else "on" if rule.default_enabled else "off"
    return (
        f"| [{rule.code}]({link}) | `{rule.name}` | {fix} | {default} | {_cell(rule.summary())} |"
    )


_HEADER = "| Code | Name | Fix | Default | What it checks |\n| --- | --- | --- | --- | --- |"


def rules_table(rules: Iterable[type[Rule]], link: str = README_LINK) -> str:
    """A Markdown table of the rules; `link` is formatted with `code` for each row's link."""
    rows = [_row(rule, link.format(code=rule.code)) for rule in rules]
    return "\n".join([_HEADER, *rows])


def index_page(rules: Iterable[type[Rule]]) -> str:
    by_family: dict[str, list[type[Rule]]] = {}
    for rule in rules:
        by_family.setdefault(family(rule), []).append(rule)
    parts = [
        _GENERATED,
        "",
        "# Rules",
        "",
        "Fix: `safe` fixes are applied by `--fix`; `unsafe` ones also need `--unsafe-fixes`;",
        "`display-only` ones are shown and never applied; `safe/unsafe`: which one depends on",
        "the case (the rule's page says when). `(sometimes)`: some findings come without a fix,",
        "and their message says why. Rules that are off by default are enabled by naming their",
        "full code, e.g. `--extend-select FAL123`.",
    ]
    for name, members in by_family.items():
        parts.extend(["", f"## {name}", "", rules_table(members, link="{code}.md")])
    return "\n".join(parts) + "\n"


def update_readme(text: str, rules: Iterable[type[Rule]]) -> str:
    """`text` with the rule table between the markers replaced; ValueError without the markers."""
    start = text.find(TABLE_START)
    end = text.find(TABLE_END)
    if start < 0 or end < 0 or end < start:
        raise ValueError(f"the README needs the markers {TABLE_START} and {TABLE_END}, in order")
    head = text[: start + len(TABLE_START)]
    return f"{head}\n{rules_table(rules)}\n{text[end:]}"


# What each `[tool.fastapi-lint]` option does, for the generated configuration reference: the
# option list, types and constraints come from the model (`config_model.FileConfig`) and the
# defaults from `settings.Settings`; `tests/test_docs.py` fails when an option has no entry here.
OPTION_DOCS: dict[str, str] = {
    "extend": "A pyproject.toml (relative to this one) whose `[tool.fastapi-lint]` this one "
    "builds on: the base is read first, then this table on top ([configuration and "
    "adoption](configuration.md)). A cycle or a missing base is a configuration error.",
    "select": "Codes or prefixes of the rules to run; replaces the default selection (every "
    "rule that is on by default). `--select` on the command line replaces it in turn.",
    "extend-select": "Codes or prefixes added to the selection. A rule that is off by default "
    "is enabled by its full code.",
    "ignore": "Codes or prefixes to leave out of the selection.",
    "per-file-ignores": "Codes or prefixes ignored in the files matching each glob "
    '(`{ "tests/*" = ["FAL1"] }`).',
    "exclude": "Patterns of files and directories skipped when walking directories; replaces "
    "the default list. Files named on the command line are still checked unless "
    "`--force-exclude`.",
    "extend-exclude": "Patterns added to `exclude`.",
    "extend-per-file-ignores": "Globs and codes added to `per-file-ignores` (for a "
    "configuration that `extend`s another).",
    "fixable": "Codes or prefixes of the rules whose fixes may be applied (`ALL` by default). "
    "`--fixable` on the command line replaces it.",
    "unfixable": "Codes or prefixes of the rules whose fixes are never applied; their findings "
    "are reported without a fix. Wins over `fixable`.",
    "preview": "Also run the rules in preview (new, not yet reviewed on real code); "
    "`--preview` / `--no-preview` on the command line.",
    "unsafe-fixes": "Apply (with `--fix`) and show the fixes that may change behaviour.",
    "output-format": "How `check` prints its report: `full`, `concise`, `grouped`, `json`, "
    "`json-lines`, `sarif`, `github`, `gitlab`, `junit`, `rdjson`, `pylint` or `azure` "
    "([output formats](output-formats.md)); `text` is the former name of `concise`.",
    "cache-dir": "Where the result cache lives, relative to this pyproject.toml: a folder of its "
    "own, neither the project nor a checked path.",
    "respect-gitignore": "Skip what `.gitignore` files (and `.git/info/exclude`) ignore when "
    "walking directories.",
    "max-file-size": "Files larger than this many bytes are not read; each is reported as FAL000.",
    "extend-blocking-calls": "Functions the blocking-call rules FAL101-FAL105 should also "
    "report, by rule code: qualified names as imported, or `Type.method` for methods of a "
    "receiver whose type is known.",
    "python": "The project's interpreter or virtual environment (relative to this "
    "pyproject.toml), where installed library versions are read; found like pyright and mypy "
    "find it when not given.",
    "target-versions": 'The versions the project targets, by library (`{ pydantic = "2" }`): '
    "they take precedence over installed and declared versions, e.g. on a migration branch.",
    "extend-model-bases": "Qualified names of third-party classes that are Pydantic models, so "
    "that the Pydantic rules treat their subclasses as models.",
}


def _type_text(annotation: Any) -> str:
    """A field's type as a reader of TOML thinks of it."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, UnionType):
        return " or ".join(_type_text(a) for a in args if a is not type(None))
    if origin is Literal:
        return "one of " + ", ".join(f'`"{a}"`' for a in args)
    if origin is list:
        return f"list of {_type_text(args[0])}s"
    if origin is dict:
        return f"table of {_type_text(args[1])} by {_type_text(args[0])}"
    return {str: "string", bool: "boolean", int: "integer"}.get(annotation, str(annotation))


def configuration_page() -> str:
    """The reference of every `[tool.fastapi-lint]` option, from the configuration model."""
    from dataclasses import fields  # noqa: PLC0415 - only the generator needs these

    from .config_model import FileConfig  # noqa: PLC0415 - pydantic: only the generator
    from .settings import Settings  # noqa: PLC0415 - only the generator needs it

    defaults = {f.name: f.default for f in fields(Settings)}
    parts = [
        _GENERATED.replace("rule's source", "configuration model"),
        "",
        "# Configuration reference",
        "",
        "Every option of the `[tool.fastapi-lint]` table of `pyproject.toml`, as the",
        "configuration model (`fastapi_lint/config_model.py`) accepts it. An unknown option or a",
        "value of the wrong type stops the run with exit code 2 and a line naming the option.",
    ]
    for name, field in FileConfig.model_fields.items():
        option = field.alias or name
        default = defaults.get(name)
        if isinstance(default, tuple):
            table = get_origin(field.annotation) in (Union, UnionType) and any(
                get_origin(a) is dict for a in get_args(field.annotation)
            )
            default = {} if table else list(default)
        default_text = f"`{_toml(default)}`" if default is not None else "none"
        parts.extend(
            [
                "",
                f"## `{option}`",
                "",
                OPTION_DOCS.get(option, ""),
                "",
                f"- Type: {_type_text(field.annotation)}",
                f"- Default: {default_text}",
            ]
        )
    return "\n".join(parts) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{}"
    return str(value)


def expected_files(root: Path) -> dict[Path, str]:
    """Every generated file under `root` and its expected content."""
    rules = list(all_rules().values())
    files = {root / RULES_DIR / f"{rule.code}.md": rule_page(rule) for rule in rules}
    files[root / RULES_DIR / "index.md"] = index_page(rules)
    files[root / CONFIG_REFERENCE] = configuration_page()
    readme = root / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8")
        if TABLE_START in text:
            files[readme] = update_readme(text, rules)
    return files


def stale_files(root: Path) -> list[Path]:
    """Generated files that are missing or out of date, and rule pages with no rule."""
    expected = expected_files(root)
    stale = [
        path
        for path, content in expected.items()
        if not path.is_file() or path.read_text(encoding="utf-8") != content
    ]
    directory = root / RULES_DIR
    if directory.is_dir():
        stale.extend(
            path
            for path in sorted(directory.iterdir())
            if _RULE_PAGE.match(path.name) and path not in expected
        )
    return stale


def write(root: Path) -> list[Path]:
    """Bring the generated files up to date; return the paths written or removed."""
    changed = stale_files(root)
    expected = expected_files(root)
    for path in changed:
        if path in expected:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(expected[path], encoding="utf-8")
        else:
            path.unlink()
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=REGENERATE, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale files; exit 1")
    parser.add_argument("--root", type=Path, default=Path("."), help="the repository root")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files(args.root)
        for path in stale:
            print(f"stale: {path}")
        if stale:
            print(f"run `{REGENERATE}` to regenerate the docs")
        return 1 if stale else 0
    for path in write(args.root):
        print(f"{'wrote' if path.exists() else 'removed'} {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
