"""The floor: read and `ast.parse` every *.py file under the given paths, in N processes.

    python bench/parse_floor.py --jobs 2 DIR_OR_FILE...

Prints one JSON line: files, bytes, syntax errors. Nothing a linter built on `ast` does per file
can be cheaper than this; `run.py` times it as a subprocess, interpreter start included.

    python bench/parse_floor.py --walk DIR_OR_FILE...

also visits every node of every tree with `ast.walk`, doing nothing with it, and adds the CPU
seconds of the parsing and of the walking to the line: the least any traversal adds.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import sys
import time
import warnings
from collections.abc import Iterable
from multiprocessing import Pool


def collect(paths: list[str]) -> list[str]:
    files = []
    for path in paths:
        if os.path.isfile(path):
            files.append(path)
            continue
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames.sort()
            files.extend(os.path.join(dirpath, f) for f in sorted(filenames) if f.endswith(".py"))
    return files


def parse_one(path: str) -> tuple[int, int]:
    """(bytes read, 1 if the file does not parse else 0)."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        ast.parse(data, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return len(data), 1
    return len(data), 0


def parse_and_walk(path: str) -> tuple[int, int, float, float]:
    """(bytes read, 1 if the file does not parse else 0, CPU s parsing, CPU s walking)."""
    with open(path, "rb") as f:
        data = f.read()
    start = time.process_time()
    try:
        tree = ast.parse(data, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return len(data), 1, time.process_time() - start, 0.0
    parsed = time.process_time()
    for _ in ast.walk(tree):
        pass
    return len(data), 0, parsed - start, time.process_time() - parsed


def quiet() -> None:
    warnings.simplefilter("ignore")  # invalid escape sequences etc. would flood stderr


def run(files: list[str], jobs: int) -> tuple[int, int]:
    quiet()
    if jobs <= 1:
        return _total(map(parse_one, files))
    with Pool(jobs, initializer=quiet) as pool:
        return _total(pool.imap_unordered(parse_one, files, chunksize=16))


def _total(results: Iterable[tuple[int, int]]) -> tuple[int, int]:
    size = errors = 0
    for n, err in results:
        size += n
        errors += err
    return size, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--walk", action="store_true", help="also time a bare ast.walk")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    files = collect(args.paths)
    if args.walk:
        quiet()
        results = list(map(parse_and_walk, files))
        print(
            json.dumps(
                {
                    "files": len(files),
                    "bytes": sum(r[0] for r in results),
                    "syntax_errors": sum(r[1] for r in results),
                    "parse_cpu_s": round(sum(r[2] for r in results), 3),
                    "walk_cpu_s": round(sum(r[3] for r in results), 3),
                }
            )
        )
        return 0
    size, errors = run(files, args.jobs)
    print(json.dumps({"files": len(files), "bytes": size, "syntax_errors": errors}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
