"""Benchmark fastapi-lint against ruff, flake8-async, bump-pydantic and the `ast` parse floor.

    python bench/run.py [--runs 3] [--quick] [--only GROUPS] [--flake8-sample 0.1] ...

Builds the pinned corpus if needed, sets up the peers' venvs, measures every row in the same run,
prints a Markdown table of medians and ratios to the goals, and writes
bench/results/<date>-<host>.{json,md}. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

from flbench import corpus, envs, measure, report, suite
from flbench.rows import Result, Settings, execute

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DEFAULT_ONE_FILE = "lnbits-0.12.12/lnbits/core/views/payment_api.py"
DEFAULT_BUMP = ["sqlmodel-0.0.8", "fastapi-users-10.4.2", "lnbits-0.12.12"]
QUICK_BUMP = ["sqlmodel-0.0.8"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3, help="timed runs per row (median) [3]")
    p.add_argument("--slow-runs", type=int, default=1, help="runs for flake8 and bump-pydantic [1]")
    p.add_argument(
        "--quick",
        action="store_true",
        help="1 run, flake8 on 1/20, bump-pydantic on sqlmodel only, scales 1,2",
    )
    p.add_argument(
        "--jobs", type=int, default=2, help="processes for the tool, the floor and flake8 [2]"
    )
    p.add_argument(
        "--shared", type=Path, default=REPO.parent / "shared", help="shared dir [REPO/../shared]"
    )
    p.add_argument(
        "--root",
        type=Path,
        default=Path(os.environ.get("FL_BENCH_ROOT", "/tmp/fl-bench")),
        help="corpus, venvs and scratch [$FL_BENCH_ROOT or /tmp/fl-bench]",
    )
    p.add_argument(
        "--tool",
        default="auto",
        help='fastapi-lint command, e.g. "fastapi-lint"; auto = venv with `pip install -e REPO`',
    )
    p.add_argument("--only", help=f"comma-separated groups: {','.join(suite.GROUPS)}")
    p.add_argument("--skip", help="comma-separated groups to leave out")
    p.add_argument(
        "--flake8-sample",
        type=float,
        default=1.0,
        help="fraction of legacy files for flake8 (every k-th file); <1 adds an extrapolated row",
    )
    p.add_argument(
        "--bump-packages", help=f"comma-separated corpus dirs [{','.join(DEFAULT_BUMP)}]"
    )
    p.add_argument(
        "--scales", default="1,2,4", help="corpus multiples for the scaling rows [1,2,4]"
    )
    p.add_argument(
        "--one-file", default=DEFAULT_ONE_FILE, help="corpus-relative file for one-file latency"
    )
    p.add_argument(
        "--no-hyperfine",
        action="store_true",
        help="use the built-in timer even if hyperfine is installed",
    )
    p.add_argument("--no-save", action="store_true", help="print only, do not write bench/results/")
    p.add_argument("--results-dir", type=Path, default=BENCH / "results")
    p.add_argument(
        "--render",
        type=Path,
        metavar="JSON",
        help="measure nothing: recompute goals and rewrite the .md of a saved results file",
    )
    args = p.parse_args(argv)
    if args.quick:
        args.runs = 1
        args.flake8_sample = min(args.flake8_sample, 0.05)
        args.scales = "1,2" if args.scales == "1,2,4" else args.scales
        args.bump_packages = args.bump_packages or ",".join(QUICK_BUMP)
    return args


def _csv(value: str | None) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()] if value else []


def selected_groups(args: argparse.Namespace) -> set[str]:
    groups = set(_csv(args.only)) or set(suite.GROUPS)
    groups -= set(_csv(args.skip))
    unknown = groups - set(suite.GROUPS)
    if unknown:
        raise SystemExit(f"unknown group(s) {sorted(unknown)}; known: {', '.join(suite.GROUPS)}")
    return groups


# setup ----------------------------------------------------------------------------------------


def setup_peers(root: Path, groups: set[str]) -> tuple[dict[str, Path], dict[str, str]]:
    """Venvs for the peers the selected groups use: {name: bin dir}, {name: problem}."""
    wanted = {"ruff": {"ruff", "onefile"}, "flake8": {"flake8"}, "bump-pydantic": {"bump"}}
    specs = envs.read_requirements(BENCH / "requirements.txt")
    bins, problems = {}, {}
    for name, needed_by in wanted.items():
        if not groups & needed_by:
            continue
        try:
            bins[name] = envs.ensure_venv(root / "venvs", name, specs[name]) / "bin"
        except (RuntimeError, KeyError, OSError) as exc:
            problems[name] = f"{name} venv: {exc}"
    return bins, problems


def setup_tool(args: argparse.Namespace) -> envs.Tool:
    if args.tool != "auto":
        cmd = shlex.split(args.tool)
        # The rows run from the corpus, not from here: a relative path such as
        # `.venv/bin/fastapi-lint` is made absolute; a bare name is left to the PATH.
        if cmd and os.sep in cmd[0]:
            cmd[0] = os.path.abspath(cmd[0])
        return envs.detect_tool(cmd)
    venv, why = envs.ensure_tool_venv(args.root / "venvs", REPO)
    if venv is None:
        return envs.detect_tool(None, why)
    exe = venv / "bin" / "fastapi-lint"
    if not exe.exists():
        return envs.detect_tool(None, "the package installs no fastapi-lint script")
    return envs.detect_tool([str(exe)])


def file_sets(args: argparse.Namespace) -> tuple[corpus.FileSet, corpus.FileSet, corpus.FileSet]:
    packages = corpus.read_manifest(args.shared / "bench" / "corpus.manifest")
    root = args.root / "corpus"
    whole = corpus.dir_set("whole corpus", root, [p.ident for p in packages])
    legacy = corpus.dir_set("legacy part", root, [p.ident for p in packages if p.group == "legacy"])
    return whole, legacy, corpus.sample_set(legacy, args.flake8_sample)


def _version(cmd: list[str]) -> str | None:
    """`X.Y.Z` from `cmd --version`; flake8's line also names the flake8-async it loaded."""
    line = envs.version_of(cmd) or ""
    number = re.search(r"\d+(?:\.\d+)+", line)
    plugin = re.search(r"flake8-async: ([\d.]+)", line)
    if not number:
        return None
    return number[0] + (f" (flake8-async {plugin[1]})" if plugin else "")


def versions(bins: dict[str, Path], tool: envs.Tool) -> dict[str, str]:
    peers = {"ruff": "ruff", "flake8": "flake8", "bump-pydantic": "bump-pydantic"}
    found = {"fastapi-lint": tool.version or "n/a"}
    for venv, exe in peers.items():
        version = _version([str(bins[venv] / exe)]) if venv in bins else None
        if version:
            found[venv] = version
    if measure.have_hyperfine():
        found["hyperfine"] = _version(["hyperfine"]) or "?"
    return found


# run ------------------------------------------------------------------------------------------


def notes(args: argparse.Namespace, cfg: Settings, tool: envs.Tool) -> list[str]:
    out = [
        "Timings share the machine with whatever else runs on it; compare ratios from one run, not "
        "absolute times across runs.",
        f"Timer: {'hyperfine' if cfg.use_hyperfine else 'built-in'}; flake8 and bump-pydantic "
        f"rows use {cfg.slow_runs} run(s) with the built-in timer. Peak MB is the largest sampled "
        "sum of PSS over the process tree (or the largest single process's RSS, whichever is "
        "larger), from the first run.",
    ]
    if tool.cmd is None:
        out.append(f"fastapi-lint rows are n/a: {tool.problem}.")
    if args.flake8_sample < 1:
        out.append(
            "flake8 ran on a sample of the legacy files; the EXTRAPOLATED row scales its time per "
            "line and is an estimate, and the ≥ 20x goal compares both tools on the same sample."
        )
    return out


def make_context(args: argparse.Namespace, groups: set[str], work: Path) -> suite.Context:
    """Corpus file sets, peer venvs and the tool, for the selected groups."""
    whole, legacy, sample = file_sets(args)
    bins, problems = setup_peers(args.root, groups)
    return suite.Context(
        corpus=args.root / "corpus",
        work=work,
        scale_dir=args.root / "work",
        whole=whole,
        legacy=legacy,
        flake8_scope=sample,
        tool=setup_tool(args),
        peers=bins,
        peer_problems=problems,
        jobs=args.jobs,
        one_file=args.one_file,
        bump_packages=_csv(args.bump_packages) or DEFAULT_BUMP,
        scales=[int(s) for s in _csv(args.scales)],
        groups=groups,
    )


def measure_rows(ctx: suite.Context, cfg: Settings) -> list[Result]:
    """Every selected row, plus the extrapolated flake8 row when flake8 ran on a sample."""
    results = [execute(spec, cfg) for spec in suite.build(ctx)]
    extra = suite.extrapolate_flake8(results, ctx.legacy)
    if extra:
        index = next(i for i, r in enumerate(results) if r.key == "flake8") + 1
        results.insert(index, extra)
    return results


def build_report(
    args: argparse.Namespace,
    ctx: suite.Context,
    cfg: Settings,
    results: list[Result],
    head: dict[str, object],
) -> tuple[dict[str, object], str]:
    """The JSON document and the Markdown text of this run."""
    by_key = {r.key: r for r in results}
    goal_list = report.goals(by_key, args.jobs, ctx.bump_packages)
    cells = report.row_cells(results, goal_list, ctx.scales, ctx.bump_packages)
    settings_text = (
        f"runs {cfg.runs}, slow runs {cfg.slow_runs}, jobs {args.jobs}, flake8 sample "
        f"{args.flake8_sample:g}, bump-pydantic on {', '.join(ctx.bump_packages)}, "
        f"groups {','.join(sorted(ctx.groups))}"
    )
    sets = (ctx.whole, ctx.legacy, ctx.flake8_scope)
    data: dict[str, object] = {
        **head,
        "versions": versions(ctx.peers, ctx.tool),
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "settings_text": settings_text,
        "tool_flags": sorted(ctx.tool.flags),
        "corpus": {fs.label: fs.summary() for fs in sets},
        "rows": [r.to_json() for r in results],
        "goals": [report.goal_json(g) for g in goal_list],
        "notes": notes(args, cfg, ctx.tool),
    }
    text = report.markdown(data, report.table(results, cells), report.goals_table(goal_list))
    return data, text + f"\nFull run took {data['duration_s']} s.\n"


def render(path: Path) -> int:
    """Re-evaluate the goals of a saved run and rewrite its JSON and Markdown."""
    data = json.loads(path.read_text())
    results = [Result(**row) for row in data["rows"]]
    settings = data["settings"]
    packages = _csv(settings["bump_packages"]) or DEFAULT_BUMP
    scales = [int(s) for s in _csv(settings["scales"])]
    goal_list = report.goals({r.key: r for r in results}, settings["jobs"], packages)
    cells = report.row_cells(results, goal_list, scales, packages)
    data["goals"] = [report.goal_json(g) for g in goal_list]
    text = report.markdown(data, report.table(results, cells), report.goals_table(goal_list))
    text += f"\nFull run took {data['duration_s']} s.\n"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    path.with_suffix(".md").write_text(text)
    print(text)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.render:
        return render(args.render)
    groups = selected_groups(args)
    started = dt.datetime.now()
    print(f"corpus: {args.root / 'corpus'} (building if needed)", file=sys.stderr)
    corpus.build_corpus(args.shared, args.root)
    (args.root / "work").mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="run-", dir=args.root / "work"))  # private to this run
    try:
        ctx = make_context(args, groups, work)
        # Every command runs with its bytecode cached, as after a normal install: pip compiles
        # what it installs, and a `--tool` from a development venv gets its `__pycache__` on
        # the untimed probe run. PYTHONDONTWRITEBYTECODE (set in some
        # containers) would otherwise have the Python tools compile their sources on every run.
        env = {**os.environ, "NO_COLOR": "1"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        cfg = Settings(
            args.runs, args.slow_runs, measure.have_hyperfine() and not args.no_hyperfine, env
        )
        mach = report.machine(REPO)
        results = measure_rows(ctx, cfg)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    mach["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    head: dict[str, object] = {
        "schema": 1,
        "date": started.isoformat(timespec="seconds"),
        "duration_s": round((dt.datetime.now() - started).total_seconds(), 1),
        "machine": mach,
    }
    data, text = build_report(args, ctx, cfg, results, head)
    print(text)
    if not args.no_save:
        json_path, md_path = report.save(args.results_dir, data, text)
        print(f"wrote {json_path} and {md_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
