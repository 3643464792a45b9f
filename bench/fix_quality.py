"""Fix quality on a corpus: would a reviewer accept the fixed files as they are?

bench/fix_safety.py proves that fixes compile and converge. This script asks the next question,
on the same copy of a tree (the corpus itself is never touched) and the same run:

    fastapi-lint check --fix --unsafe-fixes --exit-zero -q --output-format concise \
        --show-fixes --no-cache <copy>

For every file the run changed, it compares the file before and after the fix with ruff, the way
a reviewer's tooling would:

* **lint**: `ruff check --preview --select F401,F841,I001,E1,E9` (unused imports and variables,
  import order, indentation, syntax; `--preview` because ruff's E11x indentation rules are
  preview rules) must report no more findings after the fix than before, per file;
* **format**: for every hunk of the fix (a hunk of its unified diff, as `--diff` shows it:
  changes less than seven lines apart are one hunk), the changed lines `ruff format` would
  change must be no more after the fix than before -- fixes keep the file's formatting, so
  code the formatter leaves alone stays so after it was rewritten. The same count per run of
  changed lines (a finer cut, which splits a rewritten block wherever a line such as `    ),`
  happens to match) is printed too.

A file whose own strings do not follow the configured quote style (the formatter would change
quotes in it before any fix) is judged with `quote-style = "preserve"`, before and after alike:
fixes write the file's quotes, and a split line then carries them onto more lines, which the
formatter's quote rewrite would count against the fix.

ruff runs with each file's own configuration (line length, isort sections, per-file ignores),
from the directory of the copied package, so "before" and "after" are judged alike.

Prints the totals, the lint findings per code before and after, the files and hunks that got
worse with the fix codes applied to them, and exits 1 when any did.

    python bench/fix_quality.py                       # the corpus at /tmp/fl-bench/corpus
    python bench/fix_quality.py fixtures/ --json out.json
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CLI = Path(sys.executable).parent / "fastapi-lint"
DEFAULT_RUFF = Path(sys.executable).parent / "ruff"
LINT_SELECT = "F401,F841,I001,E1,E9"

_FILE_HEADER = re.compile(r"^- (?P<path>.+):$")
_FIXED_LINE = re.compile(r"^\s+(?P<count>\d+) × (?P<code>FAL\d{3}) ")


def _fix_safety():
    """bench/fix_safety.py, which runs the CLI and checks compilation (loaded by path: bench/
    is a directory of scripts, not a package)."""
    name = "fix_safety"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / "fix_safety.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@dataclass
class Hunk:
    path: str
    line: int  # 1-based, in the fixed file
    codes: list[str]  # the fix codes applied to the file
    format_before: int
    format_after: int


@dataclass
class FileLint:
    path: str
    codes: list[str]
    before: dict[str, int]
    after: dict[str, int]


@dataclass
class Result:
    root: str
    files: int = 0
    files_changed: int = 0
    files_judged: int = 0  # changed, and ruff could read them before and after
    fixes: dict[str, int] = field(default_factory=dict)
    lint_before: dict[str, int] = field(default_factory=dict)
    lint_after: dict[str, int] = field(default_factory=dict)
    lint_worse: list[FileLint] = field(default_factory=list)
    hunks: int = 0
    format_lines_before: int = 0
    format_lines_after: int = 0
    format_worse: list[Hunk] = field(default_factory=list)
    runs: int = 0  # runs of changed lines, the finer cut
    format_worse_runs: list[Hunk] = field(default_factory=list)
    quotes_preserved: int = 0  # files judged with quote-style = "preserve"
    unreadable: list[str] = field(default_factory=list)  # ruff could not read before or after
    cli_exit: int = 0
    seconds_fix: float = 0.0
    seconds_ruff: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.lint_worse and not self.format_worse and self.cli_exit == 0


def fixes_per_file(stdout: str) -> dict[str, list[str]]:
    """The `--show-fixes` listing: relative path → the codes fixed in it."""
    out: dict[str, list[str]] = {}
    current = None
    listing = False
    for line in stdout.splitlines():
        if line.startswith("Fixed ") and line.endswith(":"):
            listing = True
            continue
        if not listing:
            continue
        header = _FILE_HEADER.match(line)
        if header:
            current = out.setdefault(header["path"], [])
            continue
        fixed = _FIXED_LINE.match(line)
        if fixed and current is not None:
            current.append(fixed["code"])
    return out


def ruff_lint(ruff: Path, root: Path, paths: list[str]) -> dict[str, Counter[str]] | None:
    """Findings per file and code (`syntax` for a file ruff cannot parse)."""
    out: dict[str, Counter[str]] = {path: Counter() for path in paths}
    for start in range(0, len(paths), 500):
        chunk = paths[start : start + 500]
        proc = subprocess.run(
            [
                str(ruff),
                "check",
                "--preview",
                "--select",
                LINT_SELECT,
                "--no-cache",
                "--output-format",
                "json",
                "--exit-zero",
                "--no-fix",
                "--",
                *chunk,
            ],
            capture_output=True,
            text=True,
            cwd=root,
        )
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return None
        for item in json.loads(proc.stdout or "[]"):
            rel = Path(item["filename"]).resolve().relative_to(root.resolve()).as_posix()
            out.setdefault(rel, Counter())[item["code"] or "syntax"] += 1
    return out


PRESERVE_QUOTES = ("--config", 'format.quote-style = "preserve"')


def ruff_formatted(
    ruff: Path, root: Path, rel: str, data: bytes, options: tuple[str, ...] = ()
) -> list[str] | None:
    """The file as `ruff format` would write it, as lines (None when ruff cannot read it)."""
    proc = subprocess.run(
        [str(ruff), "format", "--no-cache", *options, "--stdin-filename", rel, "-"],
        input=data,
        capture_output=True,
        cwd=root,
    )
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8", "surrogateescape").splitlines()


def lines_of(data: bytes) -> list[str]:
    return data.decode("utf-8", "surrogateescape").splitlines()


def touched(source: list[str], formatted: list[str]) -> set[int]:
    """0-based lines of `source` that the formatter changes, or inserts lines before."""
    out: set[int] = set()
    matcher = difflib.SequenceMatcher(None, source, formatted, autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i1 == i2:  # an insertion: charge it to the line it goes before
            out.add(min(i1, max(len(source) - 1, 0)))
        else:
            out.update(range(i1, i2))
    return out


def fix_hunks(before: list[str], after: list[str]) -> list[tuple[int, int, int, int]]:
    """The runs of changed lines: (i1, i2, j1, j2), lines i1..i2 of `before` became j1..j2."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [op[1:] for op in matcher.get_opcodes() if op[0] != "equal"]


def diff_hunks(before: list[str], after: list[str]) -> list[list[tuple[int, int, int, int]]]:
    """The hunks of the unified diff (3 lines of context, as `--diff` prints it), each as
    its runs of changed lines."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [
        [op[1:] for op in group if op[0] != "equal"] for group in matcher.get_grouped_opcodes(3)
    ]


def judge(
    result: Result,
    ruff: Path,
    root: Path,
    originals: dict[str, bytes],
    fixed: dict[str, bytes],
    codes: dict[str, list[str]],
) -> None:
    fix_safety = _fix_safety()
    paths = sorted(rel for rel in fixed if fix_safety.compiles(originals[rel], rel))
    start = time.perf_counter()
    after = ruff_lint(ruff, root, paths)
    for rel in paths:  # put the originals back for the "before" run, then the fixed files again
        (root / rel).write_bytes(originals[rel])
    before = ruff_lint(ruff, root, paths)
    for rel in paths:
        (root / rel).write_bytes(fixed[rel])
    if before is None or after is None:
        raise SystemExit("ruff check failed")
    lint_before: Counter[str] = Counter()
    lint_after: Counter[str] = Counter()
    for rel in paths:
        b, a = before.get(rel, Counter()), after.get(rel, Counter())
        if b["syntax"] or a["syntax"]:
            result.unreadable.append(rel)
            continue
        old, new = lines_of(originals[rel]), lines_of(fixed[rel])
        formatted_old = ruff_formatted(ruff, root, rel, originals[rel])
        options: tuple[str, ...] = ()
        if formatted_old is not None:
            preserved = ruff_formatted(ruff, root, rel, originals[rel], PRESERVE_QUOTES)
            if preserved is not None and preserved != formatted_old:
                options = PRESERVE_QUOTES  # the file's quotes are its own style
                formatted_old = preserved
                result.quotes_preserved += 1
        formatted_new = ruff_formatted(ruff, root, rel, fixed[rel], options)
        if formatted_old is None or formatted_new is None:
            result.unreadable.append(rel)
            continue
        result.files_judged += 1
        lint_before.update(b)
        lint_after.update(a)
        if a.total() > b.total():
            result.lint_worse.append(
                FileLint(rel, codes.get(rel, []), dict(sorted(b.items())), dict(sorted(a.items())))
            )
        touched_old = touched(old, formatted_old)
        touched_new = touched(new, formatted_new)
        for runs in diff_hunks(old, new):
            result.hunks += 1
            hunk_old = hunk_new = 0
            for i1, i2, j1, j2 in runs:
                result.runs += 1
                count_old = sum(1 for i in range(i1, i2) if i in touched_old)
                count_new = sum(1 for j in range(j1, j2) if j in touched_new)
                hunk_old += count_old
                hunk_new += count_new
                if count_new > count_old:
                    result.format_worse_runs.append(
                        Hunk(rel, j1 + 1, codes.get(rel, []), count_old, count_new)
                    )
            result.format_lines_before += hunk_old
            result.format_lines_after += hunk_new
            if hunk_new > hunk_old:
                line = runs[0][2] + 1
                result.format_worse.append(Hunk(rel, line, codes.get(rel, []), hunk_old, hunk_new))
    result.lint_before = dict(sorted(lint_before.items()))
    result.lint_after = dict(sorted(lint_after.items()))
    result.seconds_ruff = time.perf_counter() - start


def check_tree(
    source: Path, cli: Path = DEFAULT_CLI, ruff: Path = DEFAULT_RUFF, work: Path | None = None
) -> Result:
    """Copy `source`, fix the copy once, judge the changed files (the copy is deleted unless
    `work`)."""

    def check(root: Path) -> Result:
        return _check_copy(source, cli, ruff, root)

    return _fix_safety().on_a_copy(source, work, "fal-fix-quality-", check)


def _check_copy(source: Path, cli: Path, ruff: Path, root: Path) -> Result:
    fix_safety = _fix_safety()
    result = Result(root=str(source))
    shutil.copytree(source, root, symlinks=True)
    originals = {rel: (root / rel).read_bytes() for rel in fix_safety.snapshot(root)}
    result.files = len(originals)
    code, stdout, stderr, seconds = fix_safety.run_cli(cli, root)
    result.cli_exit = code
    result.seconds_fix = seconds
    fixes, _, _, _ = fix_safety.parse_output(stdout, stderr)
    result.fixes = dict(sorted(fixes.items()))
    fixed = {}
    for rel, data in originals.items():
        now = (root / rel).read_bytes()
        if now != data:
            fixed[rel] = now
    result.files_changed = len(fixed)
    judge(result, ruff, root, originals, fixed, fixes_per_file(stdout))
    return result


def _codes(codes: list[str]) -> str:
    return ",".join(sorted(set(codes))) or "?"


def render(result: Result, limit: int = 40) -> str:
    lines = [
        f"tree:                 {result.root}",
        f"files:                {result.files}",
        f"files changed:        {result.files_changed}",
        f"files judged:         {result.files_judged}",
        f"fixes applied:        {sum(result.fixes.values())}",
        f"ruff check --preview --select {LINT_SELECT}, findings in the changed files:",
        f"  before fix:         {sum(result.lint_before.values())}  {result.lint_before}",
        f"  after fix:          {sum(result.lint_after.values())}  {result.lint_after}",
        f"  files with more findings after the fix: {len(result.lint_worse)}",
    ]
    by_codes: Counter[str] = Counter(_codes(item.codes) for item in result.lint_worse)
    lines += [f"    {count:>4}  fixed {codes}" for codes, count in by_codes.most_common()]
    for item in result.lint_worse[:limit]:
        lines.append(f"    {item.path} [{_codes(item.codes)}]: {item.before} -> {item.after}")
    lines += [
        f"ruff format, changed lines it would change ({result.hunks} hunks, {result.runs} runs;"
        f" quote-style preserve in {result.quotes_preserved} files):",
        f"  before fix:         {result.format_lines_before}",
        f"  after fix:          {result.format_lines_after}",
        f"  runs with more after the fix: {len(result.format_worse_runs)}",
        f"  hunks with more after the fix: {len(result.format_worse)}",
    ]
    by_codes = Counter(_codes(hunk.codes) for hunk in result.format_worse)
    lines += [f"    {count:>4}  fixed {codes}" for codes, count in by_codes.most_common()]
    for hunk in result.format_worse[:limit]:
        lines.append(
            f"    {hunk.path}:{hunk.line} [{_codes(hunk.codes)}]: "
            f"{hunk.format_before} -> {hunk.format_after}"
        )
    if result.format_worse_runs:
        lines.append("  runs with more after the fix:")
    for hunk in result.format_worse_runs[:limit]:
        lines.append(
            f"    {hunk.path}:{hunk.line} [{_codes(hunk.codes)}]: "
            f"{hunk.format_before} -> {hunk.format_after}"
        )
    if result.unreadable:
        lines.append(f"changed files ruff could not read: {len(result.unreadable)}")
    lines.append(
        f"wall time:            fix {result.seconds_fix:.1f} s, ruff {result.seconds_ruff:.1f} s"
    )
    lines.append("result:               " + ("OK" if result.ok else "FAILED"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    fix_safety = _fix_safety()
    parser = fix_safety.arguments(__doc__)
    parser.add_argument("--ruff", type=Path, default=DEFAULT_RUFF, help="the ruff to judge with")
    parser.add_argument("--limit", type=int, default=40, help="files and hunks listed")
    args = fix_safety.parse(parser, argv)
    result = check_tree(args.tree.resolve(), args.cli, args.ruff, args.work)
    return fix_safety.finish(result, render(result, args.limit), args.json)


if __name__ == "__main__":
    sys.exit(main())
