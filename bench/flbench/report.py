"""Goals, machine facts, and the Markdown and JSON reports."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import socket
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from .rows import Result

MB_LIMIT = 300.0


@dataclass
class Goal:
    """A measured ratio (or value) against its limit; `value` None means n/a."""

    row: str  # the row whose "ratio to goal" cell shows it
    text: str  # e.g. "cold ≤ 2.5x parse floor (2 processes)"
    unit: str  # what value measures, e.g. "x floor"
    limit: float
    at_most: bool
    value: float | None
    cpu_value: float | None = None  # the same ratio in CPU seconds: steadier on a busy machine
    detail: str = ""

    @property
    def passed(self) -> bool | None:
        if self.value is None:
            return None
        return self.value <= self.limit if self.at_most else self.value >= self.limit

    def cell(self) -> str:
        if self.value is None:
            return f"n/a ({self.text})"
        mark = "✓" if self.passed else "✗"
        op = "≤" if self.at_most else "≥"
        cpu = f"; CPU {self.cpu_value:.2f}{self.unit}" if self.cpu_value is not None else ""
        return f"{self.value:.2f}{self.unit} (goal {op} {self.limit:g}) {mark}{cpu}"


def _median(results: dict[str, Result], key: str) -> float | None:
    r = results.get(key)
    return r.median if r and r.status == "ok" else None


def _cpu(results: dict[str, Result], key: str) -> float | None:
    r = results.get(key)
    return r.cpu_s if r and r.status == "ok" else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _ratios(results: dict[str, Result], a: str, b: str) -> tuple[float | None, float | None]:
    """(wall-time ratio a/b, CPU-time ratio a/b)."""
    wall = _ratio(_median(results, a), _median(results, b))
    return wall, _ratio(_cpu(results, a), _cpu(results, b))


def goals(results: dict[str, Result], jobs: int, bump_packages: list[str]) -> list[Goal]:
    """Every goal of the benchmark, evaluated on this run's rows only."""
    cold = _median(results, "fl-cold")
    fl_peak = results["fl-cold"].peak_rss_mb if cold is not None else None
    sample = results.get("flake8")
    sample_note = "on the flake8 sample" if sample and "sample" in sample.scope else ""
    floor = f"cold ≤ 2.5x parse floor ({jobs} processes)"
    one_file = (_median(results, "fl-onefile"), _cpu(results, "fl-onefile"))
    every = [
        Goal(
            "fl-cold", floor, "x floor", 2.5, True, *_ratios(results, "fl-cold", f"floor-{jobs}p")
        ),
        Goal(
            "fl-cold",
            "cold ≤ 12x ruff",
            "x ruff",
            12,
            True,
            *_ratios(results, "fl-cold", "ruff-cold"),
        ),
        Goal(
            "fl-warm",
            "warm ≤ 0.7x ruff cold",
            "x ruff",
            0.7,
            True,
            *_ratios(results, "fl-warm", "ruff-cold"),
        ),
        Goal(
            "fl-onechange",
            "one file changed ≤ 0.5x ruff cold",
            "x ruff",
            0.5,
            True,
            *_ratios(results, "fl-onechange", "ruff-cold"),
        ),
        Goal(
            "fl-onemove",
            "one file changed, every line moved ≤ 0.5x ruff cold",
            "x ruff",
            0.5,
            True,
            *_ratios(results, "fl-onemove", "ruff-cold"),
        ),
        Goal("fl-onefile", "one file ≤ 0.25 s", " s", 0.25, True, *one_file),
        Goal(
            "fl-legacy",
            "≥ 20x faster than flake8-async (legacy)",
            "x faster",
            20,
            False,
            *_ratios(results, "flake8", "fl-legacy"),
            detail=sample_note,
        ),
        Goal(
            "fl-diff",
            "--diff --unsafe-fixes ≥ 5x faster than bump-pydantic",
            "x faster",
            5,
            False,
            *_bump_ratios(results, bump_packages),
            detail=", ".join(bump_packages),
        ),
        Goal("fl-cold", "peak memory ≤ 300 MB", " MB", MB_LIMIT, True, fl_peak),
        Goal(
            "fl-server",
            "server: diagnostics ≤ 100 ms after an edit (median)",
            " ms",
            100,
            True,
            _server_latency(results),
        ),
    ]
    return [g for g in every if any(key.startswith(g.row) for key in results)]  # groups run


def _server_latency(results: dict[str, Result]) -> float | None:
    row = results.get("fl-server")
    if row is None or row.status != "ok":
        return None
    value = row.output.get("median_ms")
    return float(value) if isinstance(value, int | float) else None


def _bump_ratios(
    results: dict[str, Result], packages: list[str]
) -> tuple[float | None, float | None]:
    """Σ bump-pydantic / Σ fastapi-lint over the packages where both ran (wall, CPU)."""
    sums = [0.0, 0.0, 0.0, 0.0]
    for p in packages:
        b, f = f"bump-{p}", f"fl-diff-{p}"
        values = (_median(results, b), _median(results, f), _cpu(results, b), _cpu(results, f))
        if values[0] is None or values[1] is None:
            continue
        sums = [total + (v or 0.0) for total, v in zip(sums, values, strict=True)]
    return _ratio(sums[0], sums[1] or None), _ratio(sums[2], sums[3] or None)


def scaling(results: dict[str, Result], scales: list[int]) -> dict[int, float | None]:
    """t(kx) / (k x t(1x)): 1.0 is perfectly linear."""
    base = _median(results, "fl-scale-1")
    return {
        k: _ratio(_median(results, f"fl-scale-{k}"), k * base if base else None) for k in scales
    }


# machine ---------------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_total_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    return proc.stdout.strip() if proc.returncode == 0 else ""


def machine(repo: Path) -> dict[str, object]:
    return {
        "host": socket.gethostname(),
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)),
        "cpu": _cpu_model(),
        "memory_gb": _mem_total_gb(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        "commit": _git(repo, "rev-parse", "--short", "HEAD"),
        "dirty": bool(_git(repo, "status", "--porcelain", "--untracked-files=no")),
    }


# rendering ------------------------------------------------------------------------------------


def _fmt_int(n: int | None) -> str:
    return f"{n:,}" if n else "-"


def row_cells(
    results: list[Result], goal_list: list[Goal], scales: list[int], packages: list[str]
) -> dict[str, list[str]]:
    """What each row's "ratio to goal" cell says: its goals, per-package and scaling ratios."""
    by_key = {r.key: r for r in results}
    cells: dict[str, list[str]] = {}
    for g in goal_list:
        cells.setdefault(g.row, []).append(g.cell())
    for p in packages:
        ratio = _ratio(_median(by_key, f"bump-{p}"), _median(by_key, f"fl-diff-{p}"))
        if ratio is not None:
            cells.setdefault(f"fl-diff-{p}", []).append(f"{ratio:.2f}x faster than bump-pydantic")
    first = [
        f"{ratio:.2f}x {what}"
        for key, what in (("fl-cold", "the run without the cache"), ("ruff-cold", "ruff"))
        if (ratio := _ratio(_median(by_key, "fl-coldcache"), _median(by_key, key))) is not None
    ]
    if first:
        cells.setdefault("fl-coldcache", []).append("; ".join(first) + " (no goal)")
    server = by_key.get("fl-server")
    if server is not None and server.status == "ok" and server.output:
        out = server.output
        cells.setdefault("fl-server", []).append(
            f"median {out.get('median_ms')} ms, p90 {out.get('p90_ms')} ms, "
            f"p95 {out.get('p95_ms')} ms, max {out.get('max_ms')} ms over {out.get('edits')} edits; "
            f"index loaded in {out.get('index_load_s')} s (median s = the whole session)"
        )
    for k, value in scaling(by_key, scales).items():
        if value is not None:
            cells.setdefault(f"fl-scale-{k}", []).append(f"{value:.2f}x linear (1.00 = linear)")
    return cells


def _cell(r: Result, cells: dict[str, list[str]]) -> str:
    if r.status != "ok":
        return f"{r.status}: {r.reason}"
    parts = [*cells.get(r.key, []), r.note]
    return "; ".join(p for p in parts if p) or "reference"


def table(results: list[Result], cells: dict[str, list[str]]) -> str:
    lines = [
        "| tool | scope | files | median s | CPU s | peak MB | ratio to goal |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for r in results:
        median = f"{r.median:.3f}" if r.median is not None else "n/a"
        peak = f"{r.peak_rss_mb:.0f}" if r.peak_rss_mb is not None else "-"
        cpu = f"{r.cpu_s:.2f}" if r.cpu_s is not None else "-"
        cols = [r.tool, r.scope, _fmt_int(r.files), median, cpu, peak, _cell(r, cells)]
        lines.append("| " + " | ".join(cols) + " |")
    return "\n".join(lines)


def goals_table(goal_list: list[Goal]) -> str:
    lines = ["| goal | measured (wall) | result | same ratio in CPU time |", "|---|---:|---|---:|"]
    for g in goal_list:
        value = f"{g.value:.2f}{g.unit}" if g.value is not None else "n/a"
        cpu = f"{g.cpu_value:.2f}{g.unit}" if g.cpu_value is not None else "-"
        verdict = {True: "pass", False: "FAIL", None: "n/a"}[g.passed]
        detail = f" ({g.detail})" if g.detail else ""
        lines.append(f"| {g.text}{detail} | {value} | {verdict} | {cpu} |")
    return "\n".join(lines)


def markdown(report: dict[str, object], table_text: str, goals_text: str) -> str:
    mach = report["machine"]
    versions = report["versions"]
    notes = report["notes"]
    assert isinstance(mach, dict) and isinstance(versions, dict) and isinstance(notes, list)
    dirty = " (dirty)" if mach["dirty"] else ""
    lines = [
        f"# fastapi-lint benchmark — {report['date']}",
        "",
        f"Machine: {mach['cpu']}, {mach['nproc']} CPUs, {mach['memory_gb']} GB RAM, "
        f"Python {mach['python']}; load average {mach['loadavg_start']} at start, "
        f"{mach.get('loadavg_end')} at end. Commit {mach['commit']}{dirty}.",
        "",
        f"Versions: {', '.join(f'{k} {v}' for k, v in versions.items())}.",
        "",
        f"Settings: {report['settings_text']}.",
        "",
        table_text,
        "",
        goals_text,
        "",
    ]
    if notes:
        lines += ["Notes:", "", *(f"- {n}" for n in notes), ""]
    return "\n".join(lines)


def result_paths(results_dir: Path, host: str) -> tuple[Path, Path]:
    """bench/results/<date>-<host>.{json,md}, with -2, -3 ... if that name is taken today."""
    stem = f"{dt.date.today().isoformat()}-{host}"
    candidate, n = stem, 1
    while (results_dir / f"{candidate}.json").exists():
        n += 1
        candidate = f"{stem}-{n}"
    return results_dir / f"{candidate}.json", results_dir / f"{candidate}.md"


def save(results_dir: Path, report: dict[str, object], text: str) -> tuple[Path, Path]:
    results_dir.mkdir(parents=True, exist_ok=True)
    mach = report["machine"]
    assert isinstance(mach, dict)
    json_path, md_path = result_paths(results_dir, str(mach["host"]))
    json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    md_path.write_text(text)
    return json_path, md_path


def goal_json(g: Goal) -> dict[str, object]:
    return {**asdict(g), "passed": g.passed}
