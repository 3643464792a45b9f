"""Fix safety on a corpus: every fix applied, nothing broken, nothing left to do the second time.

Copies a tree of Python code (by default the benchmark corpus, ~10.5k files) to a temporary
directory -- the corpus itself is never touched -- and runs the installed CLI over the copy:

    fastapi-lint check --fix --unsafe-fixes --exit-zero -q --output-format concise \
        --show-fixes --no-cache <copy>

then checks that

* every file the fixer changed still compiles with `compile()` (not only `ast.parse`, which
  accepts `await` outside `async def`) -- files that did not compile before the run are counted
  apart, since the fixer holds them to the parser's standard only;
* a second identical run changes no file and applies no fix (fixes converge);

and prints: files, files changed, fixes applied per code, fixes dropped by the fixer's own guard,
FAL000 findings per reason, internal errors, files broken (must be 0), and the wall time of each
step. Exit status 1 when a file broke, the second run changed something, or the CLI failed.

    python bench/fix_safety.py                       # the corpus at /tmp/fl-bench/corpus
    python bench/fix_safety.py fixtures/ --json out.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

DEFAULT_CORPUS = Path("/tmp/fl-bench/corpus")
DEFAULT_CLI = Path(sys.executable).parent / "fastapi-lint"

_FINDING = re.compile(r"^(?P<path>.+?):(?P<row>\d+):(?P<col>\d+): (?P<code>FAL\d{3}) (?P<msg>.*)$")
_FIXED_LINE = re.compile(r"^\s+(?P<count>\d+) × (?P<code>FAL\d{3}) ")
_DROPPED = re.compile(r"^(?P<path>.+?): warning: (?P<reason>.*)$")
_INTERNAL = re.compile(r"^error: internal error in (?P<rule>\S+) on ")


@dataclass
class Result:
    root: str
    files: int = 0
    files_changed: int = 0
    fixes: dict[str, int] = field(default_factory=dict)
    dropped: int = 0
    fal000: dict[str, int] = field(default_factory=dict)
    internal_errors: dict[str, int] = field(default_factory=dict)
    broken: list[str] = field(default_factory=list)  # changed files that no longer compile
    changed_not_compiling_before: list[str] = field(default_factory=list)
    second_run_changed: list[str] = field(default_factory=list)
    second_run_fixes: int = 0
    cli_exit: list[int] = field(default_factory=list)
    seconds_copy: float = 0.0
    seconds_first: float = 0.0
    seconds_second: float = 0.0

    @property
    def ok(self) -> bool:
        return (
            not self.broken
            and not self.second_run_changed
            and not self.second_run_fixes
            and all(code == 0 for code in self.cli_exit)
        )


def compiles(data: bytes, path: str) -> bool:
    """Does the file compile (bytes in, so the encoding cookie and BOM decide the decoding)?"""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like
            compile(data, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError, UnicodeDecodeError):
        return False
    return True


def snapshot(root: Path) -> dict[str, str]:
    """Relative path → content hash of every `*.py` file under root."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        if path.is_file() and not path.is_symlink():
            out[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def fal000_reason(message: str) -> str:
    """A FAL000 message reduced to its kind: `syntax error: invalid syntax (Python 2 code?)`."""
    reason = message.removeprefix("Cannot check this file: ")
    reason = re.sub(r"\(.*?line \d+\)", "", reason)  # "... (detected at line 12)"
    reason = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", reason)  # quoted names and literals
    reason = re.sub(r"\d+", "N", reason)
    return reason.strip()


def run_cli(cli: Path, root: Path) -> tuple[int, str, str, float]:
    command = [
        str(cli),
        "check",
        "--fix",
        "--unsafe-fixes",
        "--exit-zero",
        "-q",
        "--output-format",
        "concise",
        "--show-fixes",
        "--no-cache",
        str(root),
    ]
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, cwd=root)
    return proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - start


def parse_output(stdout: str, stderr: str) -> tuple[Counter, int, Counter, Counter]:
    """(fixes per code, dropped fixes, FAL000 per reason, internal errors per rule)."""
    fixes: Counter[str] = Counter()
    fal000: Counter[str] = Counter()
    internal: Counter[str] = Counter()
    dropped = 0
    listing = False
    for line in stdout.splitlines():
        if line.startswith("Fixed ") and line.endswith(":"):
            listing = True
            continue
        if listing:
            fixed = _FIXED_LINE.match(line)
            if fixed:
                fixes[fixed["code"]] += int(fixed["count"])
            continue
        finding = _FINDING.match(line)
        if finding and finding["code"] == "FAL000":
            fal000[fal000_reason(finding["msg"])] += 1
        elif _DROPPED.match(line) and " warning: FAL" in line:
            dropped += 1
    for line in stderr.splitlines():
        error = _INTERNAL.match(line)
        if error:
            internal[error["rule"]] += 1
    return fixes, dropped, fal000, internal


def on_a_copy(source: Path, work: Path | None, prefix: str, check: Callable[[Path], T]) -> T:
    """`check(root)`, `root` the place of a copy of `source` (`work/<name>`, or in a temporary
    directory deleted afterwards when there is no `work`): a fix bench never touches the tree."""
    temp = None
    if work is None:
        temp = tempfile.TemporaryDirectory(prefix=prefix)
        work = Path(temp.name)
    try:
        return check(work / source.name)
    finally:
        if temp is not None:
            temp.cleanup()


def check_tree(source: Path, cli: Path = DEFAULT_CLI, work: Path | None = None) -> Result:
    """Copy `source`, fix the copy twice, and report (the copy is deleted unless `work`)."""
    return on_a_copy(source, work, "fal-fix-safety-", lambda root: _check_copy(source, cli, root))


def _check_copy(source: Path, cli: Path, root: Path) -> Result:
    result = Result(root=str(source))
    start = time.perf_counter()
    shutil.copytree(source, root, symlinks=True)
    result.seconds_copy = time.perf_counter() - start

    before = {rel: (root / rel).read_bytes() for rel in snapshot(root)}
    result.files = len(before)

    code, stdout, stderr, seconds = run_cli(cli, root)
    result.cli_exit.append(code)
    result.seconds_first = seconds
    fixes, dropped, fal000, internal = parse_output(stdout, stderr)
    result.fixes = dict(sorted(fixes.items()))
    result.dropped = dropped
    result.fal000 = dict(fal000.most_common())
    result.internal_errors = dict(sorted(internal.items()))

    after_first = snapshot(root)
    for rel, original in before.items():
        now = root / rel
        data = now.read_bytes()
        if data == original:
            continue
        result.files_changed += 1
        if compiles(data, rel):
            continue
        if compiles(original, rel):
            result.broken.append(rel)
        else:
            result.changed_not_compiling_before.append(rel)

    code, stdout, _, seconds = run_cli(cli, root)
    result.cli_exit.append(code)
    result.seconds_second = seconds
    again, _, _, _ = parse_output(stdout, "")
    result.second_run_fixes = sum(again.values())
    after_second = snapshot(root)
    result.second_run_changed = sorted(
        rel for rel in after_second if after_second[rel] != after_first.get(rel)
    )
    return result


def render(result: Result) -> str:
    lines = [
        f"tree:                {result.root}",
        f"files:               {result.files}",
        f"files changed:       {result.files_changed}",
        f"fixes applied:       {sum(result.fixes.values())}",
    ]
    lines += [f"  {code}: {count}" for code, count in result.fixes.items()]
    lines.append(f"fixes dropped by the compile guard: {result.dropped}")
    lines.append(f"FAL000 findings:     {sum(result.fal000.values())}")
    lines += [f"  {count:>5}  {reason}" for reason, count in result.fal000.items()]
    if result.internal_errors:
        lines.append(f"internal errors:     {result.internal_errors}")
    lines.append(f"files broken:        {len(result.broken)}")
    lines += [f"  {rel}" for rel in result.broken]
    if result.changed_not_compiling_before:
        lines.append(
            f"changed, did not compile before either: {len(result.changed_not_compiling_before)}"
        )
        lines += [f"  {rel}" for rel in result.changed_not_compiling_before]
    lines.append(
        f"second run:          {len(result.second_run_changed)} files changed, "
        f"{result.second_run_fixes} fixes"
    )
    lines += [f"  {rel}" for rel in result.second_run_changed]
    lines.append(f"CLI exit codes:      {result.cli_exit}")
    lines.append(
        f"wall time:           copy {result.seconds_copy:.1f} s, first fix "
        f"{result.seconds_first:.1f} s, second fix {result.seconds_second:.1f} s"
    )
    lines.append("result:              " + ("OK" if result.ok else "FAILED"))
    return "\n".join(lines)


def arguments(doc: str) -> argparse.ArgumentParser:
    """The options of a fix bench: the tree, the CLI, where to keep the copy, JSON output."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("tree", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--cli", type=Path, default=DEFAULT_CLI, help="the fastapi-lint to run")
    parser.add_argument("--work", type=Path, help="copy here and keep the copy")
    parser.add_argument("--json", type=Path, help="also write the result as JSON")
    return parser


def parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    args = parser.parse_args(argv)
    if not args.tree.is_dir():
        parser.error(f"not a directory: {args.tree}")
    return args


def finish(result: Any, text: str, json_path: Path | None) -> int:
    """Print `text`, write the result (a dataclass with `ok`) as JSON if asked; the exit code."""
    print(text)
    if json_path:
        json_path.write_text(json.dumps(asdict(result), indent=2) + "\n")
    return 0 if result.ok else 1


def main(argv: list[str] | None = None) -> int:
    args = parse(arguments(__doc__), argv)
    result = check_tree(args.tree.resolve(), args.cli, args.work)
    return finish(result, render(result), args.json)


if __name__ == "__main__":
    sys.exit(main())
