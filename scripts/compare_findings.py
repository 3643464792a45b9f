"""Compare the findings (with fixes) of this working tree against another git revision.

    python scripts/compare_findings.py --base REV PATH... [--select CODES] [--jobs N]

Used to show that a change meant to make the linter faster changes nothing it reports: both
versions run `fastapi-lint check --output-format json --unsafe-fixes --no-cache` over the same
paths (the base from a `git archive` export, with this interpreter), and the sorted findings must
be identical. Only codes that exist in both versions are compared unless --select is given;
--jobs is passed to this working tree's version only (older ones may not have the option).
Exit status 0: identical; 1: different (a summary of the differences is printed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def export(rev: str, target: Path) -> None:
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", rev, "fastapi_lint"],
        check=True,
        capture_output=True,
    ).stdout
    with tempfile.TemporaryFile() as handle:
        handle.write(archive)
        handle.seek(0)
        with tarfile.open(fileobj=handle) as tar:
            tar.extractall(target, filter="data")


def rule_codes(pythonpath: Path) -> set[str]:
    output = run_cli(pythonpath, ["rules"])
    return {line.split()[0] for line in output.splitlines()[1:] if line.strip()}


def run_cli(pythonpath: Path, args: list[str]) -> str:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    result = subprocess.run(
        [sys.executable, "-m", "fastapi_lint", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(pythonpath),
    )
    if result.returncode not in (0, 1):
        sys.exit(f"fastapi-lint {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def findings(pythonpath: Path, paths: list[str], select: str, extra: list[str]) -> list[str]:
    args = ["check", *paths, "--select", select, "--output-format", "json", "--exit-zero"]
    args += ["--unsafe-fixes", *extra]
    started = time.perf_counter()
    output = run_cli(pythonpath, args)
    print(f"  {pythonpath}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return sorted(json.dumps(item, sort_keys=True) for item in json.loads(output))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="git revision to compare against")
    parser.add_argument("--select", help="codes to compare (default: those in both versions)")
    parser.add_argument("--jobs", help="--jobs for this working tree's run")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    extra = ["--jobs", args.jobs] if args.jobs else []
    paths = [os.path.abspath(p) for p in args.paths]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        export(args.base, base)
        select = args.select or ",".join(sorted(rule_codes(base) & rule_codes(REPO)))
        base_cli_has_no_cache = "--no-cache" in run_cli(base, ["check", "--help"])
        base_extra = ["--no-cache"] if base_cli_has_no_cache else []
        print(f"comparing {select} on {len(paths)} path(s)", file=sys.stderr)
        before = findings(base, paths, select, base_extra)
        after = findings(REPO, paths, select, [*extra, "--no-cache"])
    if before == after:
        print(f"identical: {len(after)} findings")
        return 0
    gone = sorted(set(before) - set(after))
    new = sorted(set(after) - set(before))
    print(f"DIFFERENT: {len(before)} before, {len(after)} after")
    for label, items in (("only before", gone), ("only after", new)):
        for item in items[:20]:
            print(f"{label}: {item}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
