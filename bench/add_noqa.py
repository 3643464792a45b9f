"""`--add-noqa` on a corpus: adopting the tool on a large codebase in one step.

Copies a tree of Python code (by default the benchmark corpus) to a temporary directory -- the
corpus itself is never touched -- and runs the installed CLI over the copy:

    fastapi-lint check --no-cache --add-noqa[=REASON] <copy>

then checks the three properties adoption needs:

* a `check` of the copy afterwards reports nothing (exit 0), also with FAL001 (`--preview`:
  every comment written is in use);
* a second `--add-noqa` adds nothing and changes no file;
* every file that was changed still compiles (`compile()`), when it compiled before.

and prints the findings before, the files changed, the comments added, and the wall time of
each step. Exit status 1 when a property does not hold.

    python bench/add_noqa.py                                   # the corpus at /tmp/fl-bench/corpus
    python bench/add_noqa.py /tmp/fl-bench/corpus/fastapi-0.95.2 --reason "adopted 2026-12"
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

DEFAULT_CORPUS = Path("/tmp/fl-bench/corpus")
DEFAULT_CLI = Path(sys.executable).parent / "fastapi-lint"
_ADDED = re.compile(r"Added (\d+) noqa directives?\.")


def _digests(root: Path) -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*.py"))}


def _compiles(data: bytes, name: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(data, name, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _run(cli: Path, cwd: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.perf_counter()
    result = subprocess.run([str(cli), *args], cwd=cwd, capture_output=True, text=True)
    return result, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--cli", type=Path, default=DEFAULT_CLI)
    parser.add_argument("--reason", default=None, help="passed as --add-noqa=REASON")
    args = parser.parse_args()
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="fl-add-noqa-") as temporary:
        work = Path(temporary)
        copy = work / args.corpus.name
        shutil.copytree(args.corpus, copy, symlinks=True)
        before = _digests(copy)
        flag = "--add-noqa" if args.reason is None else f"--add-noqa={args.reason}"
        findings, took = _run(args.cli, work, "check", "--no-cache", "--exit-zero", "-q", copy.name)
        counts = Counter(
            line.split()[1] for line in findings.stdout.splitlines() if ": FAL" in line
        )
        print(f"files: {len(before)}; findings before: {sum(counts.values())} ({took:.1f} s)")
        for code, count in counts.most_common():
            print(f"  {count:6d} {code}")
        first, took = _run(args.cli, work, "check", "--no-cache", flag, copy.name)
        added = _ADDED.search(first.stderr)
        print(
            f"{flag}: {first.stderr.strip().splitlines()[-1]} (exit {first.returncode}, {took:.1f} s)"
        )
        if first.returncode != 0 or added is None:
            failures.append(f"--add-noqa failed: {first.stderr.strip()}")
        after = _digests(copy)
        changed = [p for p in after if after[p] != before.get(p)]
        broken = [
            p
            for p in changed
            if not _compiles(p.read_bytes(), str(p))
            and _compiles(_original(args.corpus, copy, p), str(p))
        ]
        print(f"files changed: {len(changed)}; no longer compiling: {len(broken)}")
        failures.extend(f"broken: {p}" for p in broken)
        for extra in ([], ["--preview"]):
            check, took = _run(args.cli, work, "check", "--no-cache", *extra, copy.name)
            name = " ".join(["check", *extra])
            print(
                f"{name} afterwards: exit {check.returncode}, {check.stdout.strip().splitlines()[-1]} ({took:.1f} s)"
            )
            if check.returncode != 0:
                failures.append(f"{name} still reports: {check.stdout.strip()[:2000]}")
        second, took = _run(args.cli, work, "check", "--no-cache", flag, copy.name)
        print(f"second {flag}: {second.stderr.strip().splitlines()[-1]} ({took:.1f} s)")
        again = _digests(copy)
        moved = [p for p in again if again[p] != after.get(p)]
        print(f"files changed by the second run: {len(moved)}")
        if moved or "Added 0 " not in second.stderr:
            failures.append(f"the second run changed {len(moved)} files")
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


def _original(corpus: Path, copy: Path, path: Path) -> bytes:
    return (corpus / path.relative_to(copy)).read_bytes()


if __name__ == "__main__":
    sys.exit(main())
