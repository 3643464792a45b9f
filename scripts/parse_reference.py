"""The floor a cold `check` is measured against: read and `ast.parse` the same files, N processes.

    python scripts/parse_reference.py /tmp/fl-bench/corpus [--jobs 2]

Files are found with fastapi-lint's own discovery (same files as `check`), split round-robin
over the processes; each process reads and parses its share. Prints the wall time.
"""

from __future__ import annotations

import argparse
import ast
import multiprocessing
import time
import warnings

from fastapi_lint.discovery import discover
from fastapi_lint.settings import Settings


def parse_all(paths: list[str]) -> int:
    warnings.simplefilter("ignore")  # SyntaxWarnings of invalid escapes in old code
    parsed = 0
    for path in paths:
        try:
            with open(path, "rb") as handle:
                ast.parse(handle.read())
            parsed += 1
        except (SyntaxError, ValueError, OSError, RecursionError, MemoryError):
            pass
    return parsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    started = time.perf_counter()
    files = [item.path for item in discover(args.paths, Settings())]
    shares = [files[i :: args.jobs] for i in range(args.jobs)]
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        parsed = sum(pool.map(parse_all, shares))
    elapsed = time.perf_counter() - started
    print(f"{parsed}/{len(files)} files parsed in {elapsed:.2f} s with {args.jobs} processes")


if __name__ == "__main__":
    main()
