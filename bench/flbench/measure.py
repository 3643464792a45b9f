"""Running a command: wall time, exit code, peak memory of its process tree; repeated runs."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass
class Run:
    """One run of a command."""

    seconds: float
    cpu_seconds: float  # user + system of the process and its reaped descendants
    exit_code: int
    max_rss_kb: int  # largest single process of the tree (wait4 rusage)
    tree_peak_kb: int  # largest sampled sum of PSS (RSS where unreadable) over the whole tree
    stdout: str
    stderr: str

    @property
    def peak_kb(self) -> int:
        return max(self.max_rss_kb, self.tree_peak_kb)


def _parent_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def _rss_kb(pid: int) -> int:
    """The process's proportional set size: its private pages plus its share of the pages it
    shares. Worker processes forked from the main one share the interpreter and the imported
    modules copy-on-write; summing their RSS would count those pages once per process, summing
    PSS counts them once. RSS where smaps_rollup is unreadable (older kernels)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss_kb(root: int) -> int:
    """The memory `root` and all its descendants hold right now: the sum of their PSS."""
    children = _parent_map()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _rss_kb(pid)
        todo.extend(children.get(pid, ()))
    return total


class TreeSampler(threading.Thread):
    """Samples the tree's total memory (`tree_rss_kb`): every 20 ms for the first 2 s, then every 100 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        start = time.monotonic()
        while not self._stop_event.is_set():
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid))
            interval = 0.02 if time.monotonic() - start < 2 else 0.1
            self._stop_event.wait(interval)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak_kb


def run_once(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run `cmd` once, timing it and sampling the memory of its process tree."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        tree_peak = sampler.stop()
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, cpu, proc.returncode, usage.ru_maxrss, tree_peak, stdout, stderr)


def have_hyperfine() -> bool:
    return shutil.which("hyperfine") is not None


@dataclass
class Timings:
    """Repeated runs: wall times, CPU seconds per run, exit codes, peak tree memory (0: unknown)."""

    times: list[float]
    cpu: list[float]
    exit_codes: list[int]
    peak_kb: int = 0


def hyperfine_times(
    cmd: list[str], cwd: Path, runs: int, env: dict[str, str] | None = None
) -> Timings:
    """`runs` runs under hyperfine (no shell, failures recorded, not fatal)."""
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp, "h.json")
        args = ["hyperfine", "-N", "-i", "--style", "none", "--runs", str(runs)]
        args += ["--export-json", str(export), shlex.join(cmd)]
        proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
        if proc.returncode != 0 or not export.exists():
            raise RuntimeError(f"hyperfine failed: {proc.stderr.strip()[-500:]}")
        result = json.loads(export.read_text())["results"][0]
    cpu = result["user"] + result["system"]  # hyperfine exports means only
    return Timings(list(result["times"]), [cpu] * runs, list(result["exit_codes"]))


def loop_times(
    cmd: list[str],
    cwd: Path,
    runs: int,
    env: dict[str, str] | None = None,
    before_each: Callable[[], None] | None = None,
) -> Timings:
    """`runs` runs with the built-in timer (`before_each` called, untimed, before each)."""
    results = []
    for _ in range(runs):
        if before_each is not None:
            before_each()
        results.append(run_once(cmd, cwd, env))
    return Timings(
        [r.seconds for r in results],
        [r.cpu_seconds for r in results],
        [r.exit_code for r in results],
        max((r.peak_kb for r in results), default=0),
    )
