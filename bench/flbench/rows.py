"""A benchmark row: what to run (Spec), how it is run, what came out (Result)."""

from __future__ import annotations

import shlex
import statistics
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import measure
from .envs import last_line
from .outputs import Parser


@dataclass
class Spec:
    """One row to measure. `na` set means it cannot run here, and says why."""

    key: str
    group: str
    tool: str
    scope: str
    files: int | None
    lines: int | None
    cmd: list[str] | None
    cwd: Path
    na: str | None = None
    ok_codes: tuple[int, ...] = (0, 1)
    slow: bool = False  # uses --slow-runs; the first run counts
    warm: bool = False  # the first run only primes a cache and never counts
    parse: Parser | None = None
    prepare: Callable[[], None] | None = None
    # Called before every run that counts (and the warm probe): a change to measure after,
    # such as one edited file. Such a row uses the built-in timer.
    before_each: Callable[[], None] | None = None
    note: str = ""


@dataclass
class Result:
    key: str
    group: str
    tool: str
    scope: str
    files: int | None
    lines: int | None
    status: str  # ok | n/a | error
    reason: str = ""
    command: str = ""
    cwd: str = ""
    timer: str = ""
    times: list[float] = field(default_factory=list)
    median: float | None = None
    cpu_s: float | None = None  # median user + system seconds of the tree per run
    peak_rss_mb: float | None = None  # sampled sum over the process tree, or the largest process
    max_rss_mb: float | None = None  # largest single process
    exit_codes: list[int] = field(default_factory=list)
    output: dict[str, object] = field(default_factory=dict)
    note: str = ""

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class Settings:
    runs: int
    slow_runs: int
    use_hyperfine: bool
    env: dict[str, str]


def _base(spec: Spec, status: str, reason: str = "") -> Result:
    return Result(
        spec.key,
        spec.group,
        spec.tool,
        spec.scope,
        spec.files,
        spec.lines,
        status,
        reason,
        shlex.join(spec.cmd) if spec.cmd else "",
        str(spec.cwd),
        note=spec.note,
    )


def _more_runs(spec: Spec, cfg: Settings) -> tuple[int, bool]:
    """(how many runs after the probe, does the probe count as a timed run)."""
    if spec.warm:
        return max(cfg.runs, 1), False
    runs = cfg.slow_runs if spec.slow else cfg.runs
    if runs <= 1:
        return 0, True
    if spec.slow:
        return runs - 1, True
    return runs, False


def _timed(spec: Spec, cfg: Settings, count: int) -> tuple[measure.Timings, str]:
    assert spec.cmd is not None
    if count == 0:
        return measure.Timings([], [], []), "probe"
    if spec.before_each is not None:
        return measure.loop_times(spec.cmd, spec.cwd, count, cfg.env, spec.before_each), "built-in"
    if cfg.use_hyperfine and not spec.slow:
        return measure.hyperfine_times(spec.cmd, spec.cwd, count, cfg.env), "hyperfine"
    return measure.loop_times(spec.cmd, spec.cwd, count, cfg.env), "built-in"


def execute(spec: Spec, cfg: Settings) -> Result:
    """Probe once (checks the exit code, reads the output, samples memory), then time it."""
    if spec.na or spec.cmd is None:
        return _base(spec, "n/a", spec.na or "no command")
    print(f"  {spec.key}: {spec.tool} on {spec.scope} ...", file=sys.stderr, flush=True)
    if spec.prepare:
        spec.prepare()
    probe = measure.run_once(spec.cmd, spec.cwd, cfg.env)
    if probe.exit_code not in spec.ok_codes:
        why = last_line(probe.stderr) or last_line(probe.stdout)
        return _base(spec, "error", f"exit {probe.exit_code}: {why}")
    priming = probe.seconds
    if spec.warm:
        # The probe primed the cache (a cold run): sample the memory of a warm run instead.
        if spec.before_each is not None:
            spec.before_each()
        probe = measure.run_once(spec.cmd, spec.cwd, cfg.env)
    count, probe_counts = _more_runs(spec, cfg)
    timed, timer = _timed(spec, cfg, count)
    if probe_counts:
        timed.times.insert(0, probe.seconds)
        timed.cpu.insert(0, probe.cpu_seconds)
        timed.exit_codes.insert(0, probe.exit_code)
    result = _base(spec, "ok")
    bad = sorted({c for c in timed.exit_codes if c not in spec.ok_codes})
    if bad:
        result.status, result.reason = "error", f"exit codes {bad} in timed runs"
    result.timer = timer if not probe_counts or count else "single run"
    result.times = [round(t, 4) for t in timed.times]
    result.median = round(statistics.median(timed.times), 4)
    result.cpu_s = round(statistics.median(timed.cpu), 3)
    result.exit_codes = timed.exit_codes
    result.peak_rss_mb = round(max(probe.peak_kb, timed.peak_kb) / 1024, 1)
    result.max_rss_mb = round(probe.max_rss_kb / 1024, 1)
    result.output = spec.parse(probe.stdout) if spec.parse else {}
    if spec.warm:
        result.output["first_run_s"] = round(priming, 4)
    runs = len(timed.times)
    print(
        f"    median {result.median:.3f} s, cpu {result.cpu_s:.2f} s, {runs} run(s)",
        file=sys.stderr,
    )
    return result
