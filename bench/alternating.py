"""Ruff's cold run and fastapi-lint's one-file runs side by side, alternating.

    python bench/alternating.py [--tool CMD] [--pairs 8] [--edit comment|move]
    python bench/alternating.py [--tool CMD] --first-run [--pairs 3]

`bench/run.py` times ruff's cold run first and the one-file rows minutes later; on a VM whose
speed drifts, their ratio moves with the drift (two back-to-back runs of one commit differed
by 20 % in those rows while ruff moved 3 %). Here each pair is one run of ruff (`--select
FAST,ASYNC --no-cache` on the whole corpus) and, after the edit, one run of fastapi-lint with
its cache on the same hard-linked copy, so both see the machine as it is at that moment. The
edit is `bench/run.py`'s: a comment line at the end of `--one-file` (`comment`: its summary
stays as it was), or one or two comment lines above everything in turn (`move`: every row
moves, its summary changes at each run). Prints the medians and their ratio.

`--first-run` pairs the `fl-cold` run (`--no-cache`) with the `fl-coldcache` one (the default
run, which writes the cache, after emptying it) instead: `bench/run.py` times that row once,
minutes after the cold row, so its ratio there is mostly the drift.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from flbench import corpus, envs

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--tool",
        default="auto",
        help="fastapi-lint command; auto = this repository installed as bench/run.py installs it",
    )
    p.add_argument("--pairs", type=int, default=8, help="alternating pairs [8]")
    p.add_argument("--edit", choices=("comment", "move"), default="comment")
    p.add_argument(
        "--first-run",
        action="store_true",
        help="pair a --no-cache run with a first run that writes the cache, instead",
    )
    p.add_argument("--one-file", default="lnbits-0.12.12/lnbits/core/views/payment_api.py")
    p.add_argument(
        "--root", type=Path, default=Path(os.environ.get("FL_BENCH_ROOT", "/tmp/fl-bench"))
    )
    p.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = p.parse_args()

    packages = corpus.read_manifest(args.shared / "bench" / "corpus.manifest")
    source = args.root / "corpus"
    copy = args.root / "work" / "alternating"
    for package in packages:
        if not (copy / package.ident).exists():
            corpus.link_tree(source / package.ident, copy / package.ident)
    if args.tool == "auto":
        venv, why = envs.ensure_tool_venv(args.root / "venvs", REPO)
        if venv is None:
            sys.exit(f"cannot install fastapi-lint: {why}")
        tool = [str(venv / "bin" / "fastapi-lint")]
    else:
        tool = shlex.split(args.tool)
        if tool and os.sep in tool[0]:
            tool[0] = os.path.abspath(tool[0])
    cache = args.root / "work" / "alternating-cache"
    shutil.rmtree(cache, ignore_errors=True)
    paths = [str(copy / package.ident) for package in packages]
    tool_cmd = [*tool, "check", "--exit-zero", "--quiet", "--output-format", "json"]
    tool_cmd += ["--jobs", "2", "--cache-dir", str(cache), *paths]
    original = (source / args.one_file).read_bytes()
    target = copy / args.one_file

    def edit(number: int) -> None:
        fresh = target.with_name(f".{target.name}.bench-edit")
        if args.edit == "move":
            above = f"# benchmark edit {number}\n" + "#\n" * (number % 2)
            fresh.write_bytes(above.encode() + original)
        else:
            fresh.write_bytes(original + f"\n# benchmark edit {number}\n".encode())
        os.replace(fresh, target)

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    scratch = args.root / "work"

    def timed(cmd: list[str]) -> float:
        start = time.perf_counter()
        subprocess.run(cmd, cwd=scratch, env=env, stdout=subprocess.DEVNULL, check=True)
        return time.perf_counter() - start

    if args.first_run:
        cold_cmd = [*tool, "check", "--exit-zero", "--quiet", "--output-format", "json"]
        cold_cmd += ["--jobs", "2", "--no-cache", *paths]
        cold_times, first_times = [], []
        for _ in range(args.pairs):
            cold_times.append(timed(cold_cmd))
            shutil.rmtree(cache, ignore_errors=True)
            first_times.append(timed(tool_cmd))
        shutil.rmtree(cache, ignore_errors=True)
        c, f = statistics.median(cold_times), statistics.median(first_times)
        print(f"fastapi-lint --no-cache, median of {args.pairs}: {c:.3f} s")
        print(f"fastapi-lint, a first run (writes the cache), median of {args.pairs}: {f:.3f} s")
        print(f"ratio: {f / c:.2f}x (no goal)")
        sys.stdout.flush()
        return

    specs = envs.read_requirements(BENCH / "requirements.txt")  # ruff only for these pairs
    ruff = envs.ensure_venv(args.root / "venvs", "ruff", specs["ruff"]) / "bin" / "ruff"
    ruff_cmd = [str(ruff), "check", "--select", "FAST,ASYNC", "--no-cache", "--exit-zero", "-q"]
    ruff_cmd += paths
    edit(0)
    timed(tool_cmd)  # fills the cache
    ruff_times, tool_times = [], []
    for number in range(1, args.pairs + 1):
        ruff_times.append(timed(ruff_cmd))
        edit(number)
        tool_times.append(timed(tool_cmd))
    shutil.copyfile(source / args.one_file, target.with_name(f".{target.name}.bench-edit"))
    os.replace(target.with_name(f".{target.name}.bench-edit"), target)
    r, t = statistics.median(ruff_times), statistics.median(tool_times)
    print(f"ruff cold, median of {args.pairs}: {r:.3f} s")
    print(f"fastapi-lint, one file changed ({args.edit}), median of {args.pairs}: {t:.3f} s")
    print(f"ratio: {t / r:.2f}x (goal <= 0.5x)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
