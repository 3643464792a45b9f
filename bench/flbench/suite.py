"""Which rows the benchmark measures, each built from the corpus, the peers and the tool."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import corpus as corpus_mod
from . import outputs
from .corpus import FileSet
from .envs import Tool
from .rows import Result, Spec

HERE = Path(__file__).resolve().parent.parent
FLOOR_SCRIPT = HERE / "parse_floor.py"
SERVER_SCRIPT = HERE / "server_latency.py"
GROUPS = ("onefile", "floor", "ruff", "tool", "server", "flake8", "bump", "scale")


@dataclass
class Context:
    corpus: Path
    work: Path  # scratch private to this run
    scale_dir: Path  # kept between runs: the hard-linked corpus copies
    whole: FileSet
    legacy: FileSet
    flake8_scope: FileSet
    tool: Tool
    peers: dict[str, Path]  # venv name -> bin dir
    peer_problems: dict[str, str]
    jobs: int
    one_file: str
    bump_packages: list[str]
    scales: list[int]
    groups: set[str] = field(default_factory=lambda: set(GROUPS))

    @property
    def cache_dir(self) -> Path:
        return self.work / "fl-cache"

    @property
    def run_dir(self) -> Path:
        path = self.work / "run"
        path.mkdir(parents=True, exist_ok=True)
        return path


def _abs(fs: FileSet) -> list[str]:
    return [str(fs.cwd / p) for p in fs.paths]


def _peer(ctx: Context, venv: str, exe: str) -> tuple[list[str] | None, str | None]:
    if venv not in ctx.peers:
        return None, ctx.peer_problems.get(venv, f"no {venv} venv")
    return [str(ctx.peers[venv] / exe)], None


def _spec(key: str, group: str, tool: str, fs: FileSet, cmd: list[str] | None, **kw: Any) -> Spec:
    """A Spec over `fs`; keyword arguments are Spec's (cwd defaults to the file set's)."""
    kw.setdefault("cwd", fs.cwd)
    return Spec(key, group, tool, fs.label, fs.files, fs.lines, cmd, **kw)


# fastapi-lint ---------------------------------------------------------------------------------


def lint_cmd(
    ctx: Context, paths: list[str], *, cache: bool = False, fix: bool = False
) -> tuple[list[str] | None, str | None]:
    """The tool's command for `paths`, or why the tool cannot run it."""
    tool = ctx.tool
    required = ["--fix", "--diff", "--unsafe-fixes"] if fix else []
    if not cache and not fix:
        required.append("--no-cache")
    why = tool.missing(*required)
    if why or tool.cmd is None:
        return None, why
    cmd = [*tool.cmd, "check", *required]
    if fix:
        cmd += tool.optional("--no-cache")
    else:
        cmd += tool.optional("--exit-zero") + tool.optional("--quiet")
        cmd += tool.optional("--output-format", "json")
    cmd += tool.optional("--jobs", str(ctx.jobs))
    if cache:
        cmd += tool.optional("--cache-dir", str(ctx.cache_dir))
    return [*cmd, *paths], None


def _lint_parser(ctx: Context) -> outputs.Parser | None:
    return outputs.json_findings if "--output-format" in ctx.tool.flags else None


def _lint_spec(
    ctx: Context, key: str, group: str, label: str, fs: FileSet, *, cache: bool = False, **kw: Any
) -> Spec:
    cmd, why = lint_cmd(ctx, _abs(fs), cache=cache)
    parse = _lint_parser(ctx)
    return _spec(key, group, label, fs, cmd, cwd=ctx.run_dir, na=why, parse=parse, **kw)


def _clear_cache(ctx: Context) -> None:
    shutil.rmtree(ctx.cache_dir, ignore_errors=True)
    shutil.rmtree(ctx.run_dir / ".fastapi_lint_cache", ignore_errors=True)


def _edited_copy(ctx: Context, moving: bool = False) -> tuple[FileSet, Callable[[], None]]:
    """A copy of the corpus (hard links, in this run's scratch), and an edit of one of its
    files — `ctx.one_file`, a comment line added at the end — made before each timed run.
    The edit writes a new file and renames it into place, so the corpus itself, which the
    copy's other files are links to, is never touched.

    `moving`: the comment goes above everything instead, one or two lines of it in turn, so
    that every line of the file moves at each run: the module's summary (what other files are
    told of it, with its rows) changes each time and the project pass has facts to resolve
    again, where a comment at the end leaves the summary as it was."""
    root = ctx.work / "edited"
    if not root.exists():
        for path in ctx.whole.paths:
            corpus_mod.link_tree(ctx.whole.cwd / path, root / path)
    fs = FileSet(
        "whole corpus (a copy), one file changed before each run",
        root,
        list(ctx.whole.paths),
        ctx.whole.files,
        ctx.whole.lines,
        ctx.whole.size,
    )
    original = (ctx.corpus / ctx.one_file).read_bytes()
    target = root / ctx.one_file
    edits = [0]

    def edit() -> None:
        edits[0] += 1
        fresh = target.with_name(f".{target.name}.bench-edit")
        if moving:
            above = f"# benchmark edit {edits[0]}\n" + "#\n" * (edits[0] % 2)
            fresh.write_bytes(above.encode() + original)
        else:
            fresh.write_bytes(original + f"\n# benchmark edit {edits[0]}\n".encode())
        os.replace(fresh, target)

    return fs, edit


def _one_changed(
    ctx: Context, key: str, label: str, fs: FileSet, edit: Callable[[], None], note: str
) -> Spec:
    """A warm run of the whole corpus after `edit` changed one file, before each timed run."""
    return _lint_spec(
        ctx,
        key,
        "tool",
        label,
        fs,
        cache=True,
        warm=True,
        prepare=lambda: _clear_cache(ctx),
        before_each=edit,
        note=note.rstrip("; "),
    )


def tool_rows(ctx: Context) -> list[Spec]:
    note = "" if "--cache-dir" in ctx.tool.flags else "cache in the tool's default place"
    edited, edit = _edited_copy(ctx)
    moved, move = _edited_copy(ctx, moving=True)
    return [
        _lint_spec(ctx, "fl-cold", "tool", "fastapi-lint check --no-cache", ctx.whole),
        # What a project's first run costs (CI on a fresh clone, a first pre-commit run): the
        # default run, which writes the cache. One run (`--slow-runs`), the cache cleared first.
        _lint_spec(
            ctx,
            "fl-coldcache",
            "tool",
            "fastapi-lint check (no cache yet: a first run, which writes it)",
            ctx.whole,
            cache=True,
            slow=True,
            prepare=lambda: _clear_cache(ctx),
            before_each=lambda: _clear_cache(ctx),
            note=note,
        ),
        _lint_spec(
            ctx,
            "fl-warm",
            "tool",
            "fastapi-lint check (warm cache)",
            ctx.whole,
            cache=True,
            warm=True,
            prepare=lambda: _clear_cache(ctx),
            note=note,
        ),
        _one_changed(
            ctx,
            "fl-onechange",
            "fastapi-lint check (warm cache, one file changed)",
            edited,
            edit,
            f"{ctx.one_file} changed (a comment added) before each run; {note}",
        ),
        _one_changed(
            ctx,
            "fl-onemove",
            "fastapi-lint check (warm cache, one file changed, every line moved)",
            moved,
            move,
            f"{ctx.one_file}: one or two comment lines above everything, in turn, before each "
            f"run (its summary changes each time); {note}",
        ),
    ]


def server_rows(ctx: Context) -> list[Spec]:
    """The language server on the whole corpus: index load, then edits of open buffers; the
    row's time is the whole session, its output the per-edit latencies (see the script)."""
    tool = ctx.tool
    cmd = None
    if tool.cmd is not None:
        cmd = [sys.executable, str(SERVER_SCRIPT), "--workspace", str(ctx.corpus)]
        cmd += ["--server", *tool.cmd]
    return [
        _spec(
            "fl-server",
            "server",
            "fastapi-lint server: diagnostics after an edit",
            ctx.whole,
            cmd,
            na=tool.missing(),
            ok_codes=(0,),
            slow=True,
            parse=outputs.last_json_line,
        )
    ]


# reference points -----------------------------------------------------------------------------


def onefile_rows(ctx: Context) -> list[Spec]:
    fs = corpus_mod.dir_set(f"one file: {ctx.one_file}", ctx.corpus, [ctx.one_file])
    ruff, why = _peer(ctx, "ruff", "ruff")
    ruff_cmd = ruff and [
        *ruff,
        "check",
        "--select",
        "FAST,ASYNC",
        "--no-cache",
        "--isolated",
        ctx.one_file,
    ]
    start = FileSet("interpreter start only", ctx.corpus, [], 0, 0, 0)
    return [
        _spec(
            "python-start",
            "onefile",
            "python -c pass",
            start,
            [sys.executable, "-c", "pass"],
            ok_codes=(0,),
        ),
        _lint_spec(ctx, "fl-onefile", "onefile", "fastapi-lint check --no-cache FILE", fs),
        _spec(
            "ruff-onefile", "onefile", "ruff check --select FAST,ASYNC FILE", fs, ruff_cmd, na=why
        ),
    ]


def floor_rows(ctx: Context) -> list[Spec]:
    specs = []
    for jobs in sorted({1, ctx.jobs}):
        cmd = [sys.executable, str(FLOOR_SCRIPT), "--jobs", str(jobs), *ctx.whole.paths]
        label = f"read + ast.parse, {jobs} process{'es' if jobs > 1 else ''}"
        specs.append(
            _spec(
                f"floor-{jobs}p",
                "floor",
                label,
                ctx.whole,
                cmd,
                ok_codes=(0,),
                parse=outputs.last_json_line,
            )
        )
    return specs


def ruff_rows(ctx: Context) -> list[Spec]:
    ruff, why = _peer(ctx, "ruff", "ruff")
    base = ruff and [
        *ruff,
        "check",
        "--select",
        "FAST,ASYNC",
        "--no-cache",
        "--isolated",
        "--exit-zero",
    ]
    base = base and [*base, "--output-format", "json"]
    label = "ruff check --select FAST,ASYNC --no-cache"
    return [
        _spec(
            key,
            "ruff",
            label,
            fs,
            base and [*base, *fs.paths],
            na=why,
            ok_codes=(0,),
            parse=outputs.json_findings,
        )
        for key, fs in (("ruff-cold", ctx.whole), ("ruff-legacy", ctx.legacy))
    ]


def flake8_rows(ctx: Context) -> list[Spec]:
    fs = ctx.flake8_scope
    flake8, why = _peer(ctx, "flake8", "flake8")
    cmd = flake8 and [
        *flake8,
        "--isolated",
        "--select",
        "ASYNC",
        "--jobs",
        str(ctx.jobs),
        *fs.paths,
    ]
    return [
        _spec(
            "flake8",
            "flake8",
            "flake8 --select ASYNC (flake8-async)",
            fs,
            cmd,
            na=why,
            slow=True,
            parse=outputs.flake8_findings,
        ),
        _lint_spec(ctx, "fl-legacy", "flake8", "fastapi-lint check --no-cache", fs),
    ]


def bump_rows(ctx: Context) -> list[Spec]:
    bump, why = _peer(ctx, "bump-pydantic", "bump-pydantic")
    specs = []
    for ident in ctx.bump_packages:
        if not (ctx.corpus / ident).is_dir():
            raise SystemExit(f"--bump-packages: no corpus package {ident!r}")
        pkg_root = ctx.work / "pkg"
        fs = corpus_mod.dir_set(ident, ctx.corpus, [ident])
        log = ["--log-file", str(ctx.work / "bump-pydantic.log")]
        cmd = bump and [*bump, "--diff", *log, ident]
        copy = _copier(ctx, ident)
        specs.append(
            _spec(
                f"bump-{ident}",
                "bump",
                "bump-pydantic --diff",
                fs,
                cmd,
                cwd=pkg_root,
                na=why,
                slow=True,
                parse=outputs.diff_files,
                prepare=copy,
            )
        )
        fl_cmd, fl_why = lint_cmd(ctx, [ident], fix=True)
        specs.append(
            _spec(
                f"fl-diff-{ident}",
                "bump",
                "fastapi-lint check --fix --diff --unsafe-fixes",
                fs,
                fl_cmd,
                cwd=pkg_root,
                na=fl_why,
                parse=outputs.diff_files,
                prepare=copy,
            )
        )
    return specs


def _copier(ctx: Context, ident: str) -> Callable[[], None]:
    def copy() -> None:
        corpus_mod.fresh_copy(ctx.corpus, ident, ctx.work)

    return copy


def scale_rows(ctx: Context) -> list[Spec]:
    specs = []
    for factor in ctx.scales:
        key, label = f"fl-scale-{factor}", "fastapi-lint check --no-cache"
        if ctx.tool.missing("--no-cache"):
            fs = FileSet(
                f"{ctx.whole.label} x{factor}",
                ctx.corpus,
                [],
                ctx.whole.files * factor,
                ctx.whole.lines * factor,
                0,
            )
        else:
            fs = corpus_mod.scaled_set(ctx.whole, ctx.scale_dir, factor)
        specs.append(_lint_spec(ctx, key, "scale", label, fs))
    return specs


BUILDERS = {
    "onefile": onefile_rows,
    "floor": floor_rows,
    "ruff": ruff_rows,
    "tool": tool_rows,
    "server": server_rows,
    "flake8": flake8_rows,
    "bump": bump_rows,
    "scale": scale_rows,
}


def build(ctx: Context) -> list[Spec]:
    return [spec for group in GROUPS if group in ctx.groups for spec in BUILDERS[group](ctx)]


def extrapolate_flake8(results: list[Result], full: FileSet) -> Result | None:
    """flake8 on a sample, scaled per line to the whole legacy part (a labelled estimate)."""
    sample = next((r for r in results if r.key == "flake8" and r.status == "ok"), None)
    if sample is None or sample.median is None or not sample.lines or sample.files == full.files:
        return None
    factor = full.lines / sample.lines
    return Result(
        "flake8-extrapolated",
        "flake8",
        "flake8 --select ASYNC (flake8-async), EXTRAPOLATED",
        f"{full.label} (estimated: sample time x {factor:.1f}, per line)",
        full.files,
        full.lines,
        "ok",
        median=round(sample.median * factor, 2),
        cpu_s=round(sample.cpu_s * factor, 2) if sample.cpu_s is not None else None,
        note=f"estimate from {sample.files} files / {sample.lines} lines, not measured",
    )
