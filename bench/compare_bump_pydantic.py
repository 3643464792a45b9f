"""bump-pydantic against `fastapi-lint --select FAL3 --fix` on the corpus's Pydantic v1 packages.

For each package, two fresh copies of it are made (the corpus is never touched): bump-pydantic
rewrites one, fastapi-lint the other:

    bump-pydantic <package>                    (cwd: the copy's parent, as it requires)
    fastapi-lint check --fix --unsafe-fixes --select FAL3 --exit-zero -q --no-cache <package>

and for each result it records the files changed, the files that parsed before and no longer
parse (or compile), the v1 constructs left -- counted by one yardstick for all three trees,
fastapi-lint's own detection:

    fastapi-lint check --select FAL3 --exit-zero --statistics --no-cache <tree>

-- the `# TODO[pydantic]` notes bump-pydantic leaves for what it did not convert, and the wall
time of each tool. The yardstick is ours, so it counts the constructs *we* detect; what
bump-pydantic converts that we do not detect is not counted either way (see
docs/bump-pydantic.md).

Each package's result is written to `<work>/<package>.json` as soon as it is done, so a long run
can be resumed (`--resume`) and the table rebuilt from the saved results (`--report-only`).

    python bench/compare_bump_pydantic.py --subset --work /tmp/fl-bench/work/compare
    python bench/compare_bump_pydantic.py --work /tmp/fl-bench/work/compare --resume
    python bench/compare_bump_pydantic.py --work /tmp/fl-bench/work/compare --report-only
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

CORPUS = Path("/tmp/fl-bench/corpus")
BUMP = Path("/tmp/fl-bench/venvs/bump-pydantic/bin/bump-pydantic")
CLI = Path(sys.executable).parent / "fastapi-lint"

# The corpus's Pydantic-v1-era packages (fastapi-0.95.2 is FastAPI itself at its last v1 release).
LEGACY = (
    "sqlmodel-0.0.8",
    "fastapi-users-10.4.2",
    "lnbits-0.12.12",
    "argilla-1.10.0",
    "prefect-2.10.21",
    "langchain-0.0.200",
    "fastapi-0.95.2",
)
# The smaller set used when the whole legacy part is too slow for bump-pydantic.
SUBSET = ("sqlmodel-0.0.8", "fastapi-users-10.4.2", "lnbits-0.12.12", "argilla-1.10.0")

_STAT = re.compile(r"^\s*(?P<count>\d+)\t(?P<code>FAL\d{3})\b")
TODO = "# TODO[pydantic]"


def read_tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*.py"))
        if p.is_file() and not p.is_symlink()
    }


def status(data: bytes) -> str:
    """ "ok", "parses" (ast.parse accepts it, compile() does not) or "broken"."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(data, "<file>", "exec", dont_inherit=True)
            return "ok"
        except (SyntaxError, ValueError, RecursionError, MemoryError, UnicodeDecodeError):
            pass
        try:
            ast.parse(data)
            return "parses"
        except (SyntaxError, ValueError, RecursionError, MemoryError, UnicodeDecodeError):
            return "broken"


def v1_constructs(cli: Path, tree: Path) -> dict[str, int]:
    command = [str(cli), "check", "--select", "FAL3", "--exit-zero", "--statistics"]
    proc = subprocess.run([*command, "--no-cache", str(tree)], capture_output=True, text=True)
    counts = {}
    for line in proc.stdout.splitlines():
        match = _STAT.match(line)
        if match:
            counts[match["code"]] = int(match["count"])
    return dict(sorted(counts.items()))


def compare_tree(before: dict[str, bytes], after_root: Path) -> dict[str, Any]:
    after = read_tree(after_root)
    changed = [rel for rel, data in after.items() if before.get(rel) != data]
    unparsable, not_compiling = [], []
    for rel in changed:
        was, now = status(before.get(rel, b"")), status(after[rel])
        if now == "broken" and was != "broken":
            unparsable.append(rel)
        elif now == "parses" and was == "ok":
            not_compiling.append(rel)
    todos = sum(
        after[rel].count(TODO.encode()) - before.get(rel, b"").count(TODO.encode())
        for rel in changed
    )
    return {
        "files_changed": len(changed),
        "unparsable": unparsable,
        "not_compiling": not_compiling,
        "todo_notes": todos,
    }


def run_package(name: str, corpus: Path, work: Path, bump: Path, cli: Path) -> dict[str, Any]:
    source = corpus / name
    base = work / name
    if base.exists():
        shutil.rmtree(base)
    for side in ("bump", "fal"):
        shutil.copytree(source, base / side / name, symlinks=True)
    before = read_tree(source)
    result: dict[str, Any] = {
        "package": name,
        "files": len(before),
        "lines": sum(data.count(b"\n") for data in before.values()),
        "v1_before": v1_constructs(cli, source),
    }

    start = time.perf_counter()
    proc = subprocess.run(
        # Options first: after the path, typer reads them as a sub-command.
        [str(bump), "--log-file", str(base / "bump-pydantic.log"), name],
        cwd=base / "bump",
        capture_output=True,
        text=True,
    )
    bump_seconds = time.perf_counter() - start
    result["bump_pydantic"] = {
        "seconds": round(bump_seconds, 1),
        "exit": proc.returncode,
        "output_tail": (proc.stdout + proc.stderr)[-2000:],
        "errors_logged": _count_errors(base / "bump-pydantic.log"),
        **compare_tree(before, base / "bump" / name),
        "v1_left": v1_constructs(cli, base / "bump" / name),
    }

    command = [str(cli), "check", "--fix", "--unsafe-fixes", "--select", "FAL3", "--exit-zero"]
    start = time.perf_counter()
    proc = subprocess.run(
        [*command, "-q", "--output-format", "concise", "--no-cache", str(base / "fal" / name)],
        capture_output=True,
        text=True,
    )
    fal_seconds = time.perf_counter() - start
    result["fastapi_lint"] = {
        "seconds": round(fal_seconds, 1),
        "exit": proc.returncode,
        "internal_errors": proc.stderr.count("internal error"),
        **compare_tree(before, base / "fal" / name),
        "v1_left": v1_constructs(cli, base / "fal" / name),
    }
    return result


def _count_errors(log: Path) -> int:
    if not log.exists():
        return 0
    return log.read_text(encoding="utf-8", errors="replace").count("Traceback")


def table(results: list[dict[str, Any]]) -> str:
    head = (
        "| package | files | v1 before | tool | files changed | unparsable | not compiling "
        "| v1 left | TODO notes | wall time |\n"
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|"
    )
    rows = [head]
    totals: dict[str, dict[str, float]] = {}
    for result in results:
        before = sum(result["v1_before"].values())
        for tool, key in (("bump-pydantic", "bump_pydantic"), ("fastapi-lint", "fastapi_lint")):
            side = result[key]
            left = sum(side["v1_left"].values())
            rows.append(
                f"| {result['package']} | {result['files']} | {before} | {tool} "
                f"| {side['files_changed']} | {len(side['unparsable'])} "
                f"| {len(side['not_compiling'])} | {left} | {side['todo_notes']} "
                f"| {side['seconds']:.1f} s |"
            )
            total = totals.setdefault(tool, dict.fromkeys(("files", "before", "changed",
                "unparsable", "not_compiling", "left", "todo", "seconds"), 0.0))  # fmt: skip
            total["files"] += result["files"]
            total["before"] += before
            total["changed"] += side["files_changed"]
            total["unparsable"] += len(side["unparsable"])
            total["not_compiling"] += len(side["not_compiling"])
            total["left"] += left
            total["todo"] += side["todo_notes"]
            total["seconds"] += side["seconds"]
    for tool, t in totals.items():
        rows.append(
            f"| **total** | {t['files']:.0f} | {t['before']:.0f} | {tool} | {t['changed']:.0f} "
            f"| {t['unparsable']:.0f} | {t['not_compiling']:.0f} | {t['left']:.0f} "
            f"| {t['todo']:.0f} | {t['seconds']:.1f} s |"
        )
    return "\n".join(rows)


def per_code(results: list[dict[str, Any]]) -> str:
    """v1 constructs per code: before, left by bump-pydantic, left by fastapi-lint."""
    codes = sorted(
        {c for r in results for c in (*r["v1_before"], *r["bump_pydantic"]["v1_left"],
                                      *r["fastapi_lint"]["v1_left"])}
    )  # fmt: skip
    rows = [
        "| code | before | left by bump-pydantic | left by fastapi-lint |",
        "|---|---:|---:|---:|",
    ]
    for code in codes:
        before = sum(r["v1_before"].get(code, 0) for r in results)
        bump = sum(r["bump_pydantic"]["v1_left"].get(code, 0) for r in results)
        ours = sum(r["fastapi_lint"]["v1_left"].get(code, 0) for r in results)
        rows.append(f"| {code} | {before} | {bump} | {ours} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("packages", nargs="*", help=f"default: {', '.join(LEGACY)}")
    parser.add_argument("--subset", action="store_true", help=f"only {', '.join(SUBSET)}")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--work", type=Path, default=Path("/tmp/fl-bench/work/compare"))
    parser.add_argument("--bump", type=Path, default=BUMP, help="the bump-pydantic executable")
    parser.add_argument("--cli", type=Path, default=CLI, help="the fastapi-lint executable")
    parser.add_argument("--resume", action="store_true", help="skip packages already done")
    parser.add_argument("--report-only", action="store_true", help="tabulate saved results")
    args = parser.parse_args(argv)
    packages = args.packages or list(SUBSET if args.subset else LEGACY)
    args.work.mkdir(parents=True, exist_ok=True)

    results = []
    for name in packages:
        saved = args.work / f"{name}.json"
        if (args.resume or args.report_only) and saved.exists():
            results.append(json.loads(saved.read_text()))
            continue
        if args.report_only:
            print(f"{name}: no saved result", file=sys.stderr)
            continue
        print(f"{name}: running ...", file=sys.stderr, flush=True)
        result = run_package(name, args.corpus, args.work, args.bump, args.cli)
        if result["bump_pydantic"]["exit"] != 0:
            print(result["bump_pydantic"]["output_tail"], file=sys.stderr)
            raise SystemExit(f"{name}: bump-pydantic failed; nothing saved")
        saved.write_text(json.dumps(result, indent=2) + "\n")
        results.append(result)
        print(
            f"{name}: bump-pydantic {result['bump_pydantic']['seconds']} s, "
            f"fastapi-lint {result['fastapi_lint']['seconds']} s",
            file=sys.stderr,
            flush=True,
        )
    if results:
        print(table(results))
        print()
        print(per_code(results))
    broken = sum(len(r["fastapi_lint"]["unparsable"]) for r in results)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
