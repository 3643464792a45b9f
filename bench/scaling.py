"""Does the time of one file grow linearly with its size? Five generated inputs, each at three
doubling sizes, checked as one file with `--no-cache`:

    python bench/scaling.py                 # every generator at its default sizes (a few minutes)
    python bench/scaling.py --only routes,on_event --scale 2    # sizes x2
    python bench/scaling.py --profile routes  # cProfile of the largest size, in this process

| generator | the file | command |
|---|---|---|
| `corpus` | real code: 1 MB of benchmark-corpus modules (packages in turn), repeated | `check` |
| `routes` | N routes with `Depends` defaults (FAL503 on each) | `check` |
| `on_event` | N `@app.on_event` handlers (FAL201 on each) | `check` |
| `blocking` | N `async def` routes calling `time.sleep` (FAL102, unsafe fixes) | `--diff --unsafe-fixes` |
| `v1_models` | N Pydantic v1 models (Config, validator, `.dict()`) | `--diff` |

Each doubling should cost at most 2.3x: the table prints the time of every size (wall and CPU
seconds, the median of `--runs`) and the ratio of each size to the one before, in CPU time, which
other work on the machine disturbs much less than wall time. The sizes are smaller than those the
scaling issue was measured at (12.5-50 MB of code, 32k routes): at those, one run of the old code
took minutes; three doublings at these sizes already show a quadratic term as a ratio near 4.
"""

from __future__ import annotations

import argparse
import ast
import cProfile
import os
import pstats
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from flbench.measure import run_once

LIMIT = 2.3  # the most one doubling may cost


def corpus_modules(root: Path) -> Iterator[str]:
    """Modules of the corpus that parse on their own, one package after another in turn, so that
    every prefix of the stream mixes the packages. `from __future__` lines are dropped: they
    are only allowed at the top of a file."""
    packages = sorted(p for p in root.iterdir() if p.is_dir())
    walks = [iter(sorted(p.rglob("*.py"))) for p in packages]
    while walks:
        for walk in list(walks):
            path = next(walk, None)
            if path is None:
                walks.remove(walk)
                continue
            try:
                text = path.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            lines = [ln for ln in text.splitlines() if not ln.startswith("from __future__")]
            module = "\n".join(lines) + "\n"
            if module.startswith("\ufeff") or "\x00" in module:
                continue
            try:
                ast.parse(module)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                continue
            yield module


BLOCK_KB = 1024  # the corpus input is this much real code, repeated


def corpus(size: int, root: Path) -> str:
    """`size` KB of real code: the first 1 MB of corpus modules (whole modules), repeated
    `size / 1024` times, so that each doubling doubles the same mix of code (a longer prefix of
    the corpus would change the mix: the first modules of each package are mostly small)."""
    parts: list[str] = []
    total = 0
    for module in corpus_modules(root):
        parts.append(module)
        total += len(module.encode())
        if total >= BLOCK_KB * 1024:
            break
    return "".join(parts) * max(1, size // BLOCK_KB)


def routes(n: int, _root: Path) -> str:
    head = (
        "from fastapi import Depends, FastAPI\n"
        "from sqlalchemy.orm import Session\n\n"
        "app = FastAPI()\n\n\n"
        "def get_db():\n    return None\n\n\n"
        "def get_user(db: Session = Depends(get_db)):\n    return db\n"
    )
    route = (
        '\n\n@app.get("/items/{i}")\n'
        "async def read_{i}(db: Session = Depends(get_db), user=Depends(get_user)):\n"
        "    return {{'i': {i}}}\n"
    )
    return head + "".join(route.format(i=i) for i in range(n))


def on_event(n: int, _root: Path) -> str:
    head = "from fastapi import FastAPI\n\napp = FastAPI()\nstate = {}\n"
    handler = '\n\n@app.on_event("{event}")\nasync def handler_{i}():\n    state[{i}] = True\n'
    return head + "".join(
        handler.format(i=i, event="startup" if i % 2 == 0 else "shutdown") for i in range(n)
    )


def blocking(n: int, _root: Path) -> str:
    head = "import time\n\nimport requests\nfrom fastapi import FastAPI\n\napp = FastAPI()\n"
    # `time.sleep` has a fix of its own (`await asyncio.sleep`); a blocking HTTP call's unsafe
    # fix turns the route into a `def` and reserves the whole function for its pass.
    sleeps = (
        '\n\n@app.get("/slow/{i}")\n'
        "async def slow_{i}():\n"
        "    time.sleep(0.1)\n"
        "    return {{'i': {i}}}\n"
    )
    fetches = (
        '\n\n@app.get("/fetch/{i}")\n'
        "async def fetch_{i}():\n"
        "    return requests.get('https://example.org/{i}').json()\n"
    )
    return head + "".join((fetches if i % 2 else sleeps).format(i=i) for i in range(n))


def v1_models(n: int, _root: Path) -> str:
    head = "from typing import Optional\n\nfrom pydantic import BaseModel, Field, validator\n"
    model = (
        "\n\nclass Model{i}(BaseModel):\n"
        "    name: str = Field(..., min_length=1, regex='^[a-z]+$')\n"
        "    note: Optional[str]\n\n"
        "    class Config:\n"
        "        orm_mode = True\n\n"
        "    @validator('name')\n"
        "    def check_name(cls, value):\n"
        "        return value\n\n\n"
        "def dump_{i}(item: Model{i}) -> dict:\n"
        "    return item.dict()\n"
    )
    return head + "".join(model.format(i=i) for i in range(n))


@dataclass(frozen=True)
class Generator:
    name: str
    make: Callable[[int, Path], str]
    sizes: tuple[int, int, int]  # each twice the one before
    unit: str
    flags: tuple[str, ...] = ()


GENERATORS = [
    Generator("corpus", corpus, (1024, 2048, 4096), "KB of code"),
    Generator("routes", routes, (2000, 4000, 8000), "routes"),
    Generator("on_event", on_event, (1000, 2000, 4000), "handlers"),
    Generator("blocking", blocking, (1000, 2000, 4000), "async defs", ("--diff", "--unsafe-fixes")),
    Generator("v1_models", v1_models, (500, 1000, 2000), "models", ("--diff",)),
]


@dataclass
class Point:
    size: int
    lines: int
    wall: float
    cpu: float
    exit_code: int


def measure(gen: Generator, scale: int, runs: int, tool: list[str], root: Path) -> list[Point]:
    points = []
    texts = {size * scale: gen.make(size * scale, root) for size in gen.sizes}
    with tempfile.TemporaryDirectory(prefix="fl-scaling-") as scratch:
        if max(len(text) for text in texts.values()) > 9 * 1024 * 1024:
            # Files above 10 MB are skipped by default (`max-file-size`): not these.
            (Path(scratch) / "pyproject.toml").write_text(
                "[tool.fastapi-lint]\nmax-file-size = 1073741824\n"
            )
        for size, text in texts.items():
            target = Path(scratch) / f"{gen.name}_{size}.py"
            target.write_text(text, encoding="utf-8")
            cmd = [*tool, "check", "--no-cache", "--exit-zero", "-q", *gen.flags, str(target)]
            timed = [run_once(cmd, Path(scratch)) for _ in range(runs)]
            bad = [t for t in timed if t.exit_code not in (0, 1)]
            if bad:
                raise SystemExit(f"{gen.name} {size}: exit {bad[0].exit_code}: {bad[0].stderr}")
            points.append(
                Point(
                    size,
                    text.count("\n"),
                    statistics.median(t.seconds for t in timed),
                    statistics.median(t.cpu_seconds for t in timed),
                    timed[0].exit_code,
                )
            )
            print(
                f"  {gen.name} {size} {gen.unit}: {points[-1].wall:.2f} s wall, "
                f"{points[-1].cpu:.2f} s CPU",
                file=sys.stderr,
                flush=True,
            )
    return points


def table(results: list[tuple[Generator, list[Point]]]) -> str:
    rows = [
        "| input | sizes | CPU s | wall s | doubling ratios (CPU) | ≤ 2.3× |",
        "|---|---|---|---|---|---|",
    ]
    for gen, points in results:
        ratios = [b.cpu / a.cpu for a, b in pairwise(points)]
        ok = "✓" if all(r <= LIMIT for r in ratios) else "✗"
        flags = f" `{' '.join(gen.flags)}`" if gen.flags else ""
        sizes = "/".join(f"{p.size:,}" for p in points)
        rows.append(
            f"| {gen.name}{flags} | {sizes} {gen.unit} | "
            + "/".join(f"{p.cpu:.2f}" for p in points)
            + " | "
            + "/".join(f"{p.wall:.2f}" for p in points)
            + " | "
            + ", ".join(f"{r:.2f}×" for r in ratios)
            + f" | {ok} |"
        )
    return "\n".join(rows)


def profile(gen: Generator, scale: int, root: Path) -> None:
    """cProfile of the largest size, in this process (the file on disk, the real CLI entry)."""
    # Only a profile runs the linter in this process; the timings run the console script.
    from click.testing import CliRunner  # noqa: PLC0415 - only --profile needs it

    from fastapi_lint.cli import main  # noqa: PLC0415 - only --profile needs it

    size = gen.sizes[-1] * scale
    with tempfile.TemporaryDirectory(prefix="fl-scaling-") as scratch:
        target = Path(scratch) / f"{gen.name}_{size}.py"
        target.write_text(gen.make(size, root), encoding="utf-8")
        args = ["check", "--no-cache", "--exit-zero", "-q", "--jobs", "1", *gen.flags, str(target)]
        profiler = cProfile.Profile()
        profiler.enable()
        CliRunner().invoke(main, args, catch_exceptions=False)
        profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def default_tool() -> list[str]:
    script = Path(sys.executable).parent / "fastapi-lint"
    if script.exists():
        return [str(script)]
    found = shutil.which("fastapi-lint")
    if found is None:
        raise SystemExit("fastapi-lint not found: install this repository or pass --tool")
    return [found]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated generator names")
    parser.add_argument("--scale", type=int, default=1, help="multiply every size by this")
    parser.add_argument("--runs", type=int, default=1, help="timed runs per size (median)")
    parser.add_argument("--tool", help="the fastapi-lint command (default: next to python)")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=Path(os.environ.get("FL_BENCH_ROOT", "/tmp/fl-bench")) / "corpus",
        help="the benchmark corpus (for the `corpus` generator)",
    )
    parser.add_argument("--profile", metavar="GENERATOR", help="profile one generator instead")
    args = parser.parse_args()
    by_name = {g.name: g for g in GENERATORS}
    if args.profile:
        profile(by_name[args.profile], args.scale, args.corpus)
        return
    chosen = [by_name[n] for n in args.only.split(",")] if args.only else GENERATORS
    if any(g.name == "corpus" for g in chosen) and not args.corpus.is_dir():
        raise SystemExit(f"{args.corpus}: no corpus (bench/run.py builds it); or --only others")
    tool = args.tool.split() if args.tool else default_tool()
    results = [(g, measure(g, args.scale, args.runs, tool, args.corpus)) for g in chosen]
    print(table(results))
    if any(b.cpu / a.cpu > LIMIT for _, pts in results for a, b in pairwise(pts)):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
