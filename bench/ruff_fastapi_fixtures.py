"""ruff's FAST001-FAST003 test fixtures as a yardstick for FAL502-FAL504.

ruff's FastAPI rules have a fixture file per rule under
`crates/ruff_linter/resources/test/fixtures/fastapi/` and, under
`crates/ruff_linter/src/rules/fastapi/snapshots/`, a snapshot of every finding ruff expects
on them. This script reads both from a local git clone of ruff (the newest commit, or --rev),
runs fastapi-lint on the fixtures with the matching rule selected, and compares lines:

    FAST001 (fast-api-redundant-response-model)  ->  FAL502
    FAST002 (fast-api-non-annotated-dependency)  ->  FAL503
    FAST003 (fast-api-unused-path-parameter)     ->  FAL504

A finding counts by (file, line). ruff reports FAST003 on the `{name}` inside the path, we on
the path argument, which for these fixtures is the same line. Some snapshots are diffs between
two Python target versions (`deferred_annotations_diff_*`: 3.13 against 3.14); the lines they
list as removed are findings ruff makes up to 3.13 and are counted as expected too, since we
do not model Python 3.14's deferred annotations.

    python bench/ruff_fastapi_fixtures.py /work/.mirror/astral-sh+ruff/repo
    python bench/ruff_fastapi_fixtures.py RUFF_GIT_DIR --json result.json

Exit status 1 when a finding ruff expects is missing from ours. Without a clone the script
says so and exits 0 (it is optional: nothing in the test suite needs ruff's sources).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

CLI = Path(sys.executable).parent / "fastapi-lint"
FIXTURES = "crates/ruff_linter/resources/test/fixtures/fastapi"
SNAPSHOTS = "crates/ruff_linter/src/rules/fastapi/snapshots"
CODES = {"FAST001": "FAL502", "FAST002": "FAL503", "FAST003": "FAL504"}
# `  --> FAST003.py:9:19` (current snapshots) or `FAST003.py:9:19: FAST003 ...` (older ones).
_LOCATION = re.compile(r"^\s*(?:-->\s*)?(?P<file>FAST\d{3}(?:_\d+)?\.py):(?P<line>\d+):\d+")


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"git {' '.join(args)}: {proc.stderr.strip()}")
    return proc.stdout


def expected(repo: Path, rev: str) -> dict[str, set[int]]:
    """Lines ruff expects a finding on, per fixture file, from every (non-py38) snapshot."""
    found: dict[str, set[int]] = defaultdict(set)
    for path in git(repo, "ls-tree", "--name-only", rev, f"{SNAPSHOTS}/").split():
        if path.endswith("_py38.snap"):
            continue  # the same findings with `typing_extensions` fixes
        for line in git(repo, "show", f"{rev}:{path}").splitlines():
            match = _LOCATION.match(line)
            if match:
                found[match["file"]].add(int(match["line"]))
    return found


def ours(cli: Path, directory: Path, files: list[str]) -> dict[str, set[int]]:
    found: dict[str, set[int]] = defaultdict(set)
    for name in files:
        code = CODES[name[:7]]
        command = [str(cli), "check", "--select", code, "--no-cache", "--exit-zero"]
        proc = subprocess.run(
            [*command, "--output-format", "json", name],
            capture_output=True,
            text=True,
            cwd=directory,
        )
        if proc.returncode != 0:
            raise SystemExit(f"fastapi-lint failed on {name}: {proc.stderr.strip()}")
        for finding in json.loads(proc.stdout):
            found[name].add(finding["location"]["row"])
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("ruff", type=Path, help="a git directory of ruff (bare or not)")
    parser.add_argument("--rev", default="HEAD")
    parser.add_argument("--cli", type=Path, default=CLI, help="the fastapi-lint executable")
    parser.add_argument("--json", type=Path, help="also write the comparison here")
    args = parser.parse_args(argv)
    if not args.ruff.exists():
        print(f"{args.ruff}: no ruff clone here; nothing compared")
        return 0
    commit = git(args.ruff, "rev-parse", args.rev).strip()
    files = sorted(
        Path(p).name
        for p in git(args.ruff, "ls-tree", "--name-only", commit, f"{FIXTURES}/").split()
        if Path(p).name[:7] in CODES and p.endswith(".py")
    )
    want = expected(args.ruff, commit)
    with tempfile.TemporaryDirectory() as tmp:
        for name in files:
            (Path(tmp) / name).write_text(git(args.ruff, "show", f"{commit}:{FIXTURES}/{name}"))
        have = ours(args.cli, Path(tmp), files)

    print(f"ruff {commit[:12]}: FastAPI fixtures against fastapi-lint")
    print("| fixture | ruff expects | ours | both | missing (ruff only) | extra (ours only) |")
    print("|---|---:|---:|---:|---|---|")
    report, missing_total = {}, 0
    for name in files:
        expect, got = want.get(name, set()), have.get(name, set())
        missing, extra = sorted(expect - got), sorted(got - expect)
        missing_total += len(missing)
        report[name] = {"expected": sorted(expect), "ours": sorted(got)}
        print(
            f"| {name} ({CODES[name[:7]]}) | {len(expect)} | {len(got)} | {len(expect & got)} "
            f"| {', '.join(map(str, missing)) or '-'} | {', '.join(map(str, extra)) or '-'} |"
        )
    if args.json:
        args.json.write_text(json.dumps({"commit": commit, "files": report}, indent=2) + "\n")
    return 1 if missing_total else 0


if __name__ == "__main__":
    sys.exit(main())
