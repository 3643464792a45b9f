"""Interleaved timing of commands: median wall time, CPU time and peak memory per command.

    python scripts/measure_speed.py --runs 3 --out results.json \
        'reference=python scripts/parse_reference.py /tmp/fl-bench/corpus' \
        'check=fastapi-lint check /tmp/fl-bench/corpus -q --exit-zero --no-cache'

Each round runs every command once, in turn, so that a change in machine load hits all of them
alike (the shared 2-core machine this was written on was rarely idle). CPU time is user + system
of the command and all its child processes; peak memory is the largest sum of the resident
sizes of the command's process tree, sampled every 20 ms. A command named `NAME@prepare` runs
before each run of NAME, untimed (e.g. to empty or fill a cache).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import statistics
import subprocess
import sys
import threading
import time


def _tree_rss(root: int) -> int:
    """Resident bytes of `root` and its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        total += rss.get(pid, 0)
        pending.extend(children.get(pid, []))
    return total


def run_once(command: str) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(
        shlex.split(command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    process.wait()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("commands", nargs="+", help="NAME=COMMAND")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out")
    args = parser.parse_args()
    commands = dict(item.split("=", 1) for item in args.commands)
    timed = [name for name in commands if "@" not in name]
    results: dict[str, list[tuple[float, float, int]]] = {name: [] for name in timed}
    for round_number in range(args.runs):
        for name in timed:
            prepare = commands.get(f"{name}@prepare")
            if prepare:
                subprocess.run(shlex.split(prepare), stdout=subprocess.DEVNULL, check=False)
            results[name].append(run_once(commands[name]))
            wall, cpu, peak = results[name][-1]
            print(
                f"round {round_number + 1} {name}: {wall:.2f} s wall, {cpu:.2f} s CPU, "
                f"{peak / 2**20:.0f} MB, load {os.getloadavg()[0]:.1f}",
                file=sys.stderr,
            )
    summary = {
        name: {
            "command": commands[name],
            "wall_median": statistics.median(r[0] for r in runs),
            "cpu_median": statistics.median(r[1] for r in runs),
            "peak_mb_max": max(r[2] for r in runs) / 2**20,
            "runs": runs,
        }
        for name, runs in results.items()
    }
    for name, row in summary.items():
        print(
            f"{name:>14}: wall {row['wall_median']:7.2f} s  CPU {row['cpu_median']:7.2f} s  "
            f"peak {row['peak_mb_max']:5.0f} MB   {row['command']}"
        )
    if args.out:
        with open(args.out, "w") as handle:
            json.dump(summary, handle, indent=2)


if __name__ == "__main__":
    main()
