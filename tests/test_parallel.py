"""Checking in a process pool gives exactly what checking serially gives, fixes included."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run_in_own_process

from fastapi_lint import parallel
from fastapi_lint.runner import Mode, RunReport, run
from fastapi_lint.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Enough files for a pool: the fixtures, three times over, plus unreadable ones."""
    for copy in range(3):
        shutil.copytree(ROOT / "fixtures", tmp_path / f"copy{copy}")
    (tmp_path / "broken.py").write_bytes(b"\xff\xfe not utf-8 \x00")
    (tmp_path / "dir.py").mkdir()
    return tmp_path


def _summary(report: RunReport) -> list[tuple]:
    return [
        (
            f.path,
            [(d.code, d.row, d.col, d.end_row, d.end_col, d.message, d.fix) for d in f.diagnostics],
            [(e.rule, e.message) for e in f.errors],
            dict(f.fixed),
            f.dropped,
            f.diff,
            f.write_error,
        )
        for f in report.files
    ]


def test_pool_is_used_for_many_files():
    assert parallel.effective_jobs(None, 5) == 1
    assert parallel.effective_jobs(1, 1000) == 1
    assert parallel.effective_jobs(2, 1000) == 2
    assert parallel.effective_jobs(8, 30) == 2


@pytest.mark.slow  # a real process pool
@pytest.mark.parametrize("mode", [Mode(), Mode(diff=True, unsafe=True)])
def test_parallel_equals_serial(tree: Path, mode: Mode):
    files = len(list(tree.rglob("*.py")))
    assert parallel.effective_jobs(2, files) == 2
    serial = run([str(tree)], Settings(), mode, jobs=1)
    pooled = run([str(tree)], Settings(), mode, jobs=2)
    assert _summary(pooled) == _summary(serial)
    assert any(f.diagnostics for f in serial.files)


@pytest.mark.slow  # a real process pool
def test_summaries_cross_packed(tree: Path):
    """A worker's summary comes back packed with the others of its chunk, without its facts,
    which come packed beside it (the main process unpacks the summaries once the pool is
    gone, and each module's facts only to resolve them): unpacked, they are the serial ones."""
    from fastapi_lint.discovery import discover
    from fastapi_lint.registry import RuleSet
    from fastapi_lint.semantic.records import Unpacker, unpack_facts

    settings = Settings()
    files = discover([str(tree)], settings)
    ruleset = RuleSet(settings)
    serial = parallel.check_files(files, ruleset, Mode(), jobs=1, summarize=True)
    pooled = parallel.check_files(files, ruleset, Mode(), jobs=2, summarize=True)
    unpack = Unpacker()
    with_facts = without_summary = 0
    for alone, crossed in zip(serial, pooled, strict=True):
        assert alone.packed_summary is None and alone.packed_facts == b""
        assert crossed.summary is None
        if alone.summary is None:
            without_summary += 1
            assert crossed.packed_summary is None and crossed.packed_facts == b""
            continue
        assert crossed.packed_summary is not None
        assert unpack(crossed.packed_summary) == alone.summary.without_facts()
        assert unpack(crossed.packed_summary, crossed.packed_facts) == alone.summary
        if alone.summary.facts:
            with_facts += 1
            assert unpack_facts(crossed.packed_facts) == alone.summary.facts
        else:
            assert crossed.packed_facts == b""
    assert with_facts > 5
    assert without_summary > 0  # the unreadable files
    chunks = {id(r.packed_summary.summaries) for r in pooled if r.packed_summary is not None}
    assert 1 < len(chunks) < with_facts  # one bytes object per chunk, shared by its files


@pytest.mark.slow  # a real process pool
def test_parallel_fix_writes_the_same_files(tree: Path, tmp_path_factory):
    other = tmp_path_factory.mktemp("other")
    shutil.copytree(tree, other / "tree", symlinks=True)
    mode = Mode(fix=True, unsafe=True)
    serial = run([str(tree)], Settings(), mode, jobs=1)
    pooled = run([str(other / "tree")], Settings(), mode, jobs=2)
    assert sum(serial.fixed.values()) > 0
    assert serial.fixed == pooled.fixed
    for path in tree.rglob("*.py"):
        if path.is_file():
            twin = other / "tree" / path.relative_to(tree)
            assert twin.read_bytes() == path.read_bytes(), path


@pytest.mark.slow  # a real process pool
def test_workers_never_write(tree: Path, monkeypatch):
    """In a worker `check_file` leaves the fix pending; only the main process writes it."""
    from fastapi_lint import file_check

    monkeypatch.setattr(parallel, "_context", lambda: _Inline())
    monkeypatch.setattr(parallel, "tune_gc", lambda: None)
    written: list[str] = []
    original = file_check.write_atomic

    def spy(path, *args):  # type: ignore[no-untyped-def]
        assert parallel._worker_state is None or _Inline.in_main, "a worker wrote a file"
        written.append(path)
        return original(path, *args)

    monkeypatch.setattr(file_check, "write_atomic", spy)
    run([str(tree)], Settings(), Mode(fix=True, unsafe=True), jobs=2)
    assert written


class _Inline:
    """A stand-in pool that runs chunks in this process, flagging when the main side runs."""

    in_main = True

    def Pool(self, workers, initializer, initargs):
        initializer(*initargs)
        return self

    def imap_unordered(self, function, chunks):  # type: ignore[no-untyped-def]
        for chunk in chunks:
            _Inline.in_main = False
            result = function(chunk)
            _Inline.in_main = True
            yield result

    def close(self) -> None:
        parallel._worker_state = None

    def terminate(self) -> None:
        parallel._worker_state = None

    def join(self) -> None:
        pass


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _running(pid: int) -> bool:
    """Alive and not a zombie (a killed worker waits to be reaped by whoever adopted it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
def test_workers_exit_when_the_main_process_is_killed(tmp_path: Path):
    """`kill -9` of the main process: its workers stop within 2 s instead of finishing the
    chunk they were given (seconds of work on large files, for a run nobody will see)."""
    import signal
    import time

    sys.path.insert(0, str(ROOT / "bench"))
    import scaling

    big = scaling.routes(20_000, tmp_path)
    small = scaling.routes(5, tmp_path)
    # 24 files make 2 workers and chunks of 3: each worker starts with one big file.
    for n in range(24):
        (tmp_path / f"m{n:02}.py").write_text(big if n in (0, 3) else small)
    script = Path(sys.executable).parent / "fastapi-lint"
    main = subprocess.Popen(
        [str(script), "check", ".", "--no-cache", "--jobs", "2", "-q"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline:
            workers = _children(main.pid)
            time.sleep(0.05)
        assert len(workers) == 2, "no pool started"
        time.sleep(1.0)  # busy with the big files now
        assert all(_running(pid) for pid in workers)
        main.send_signal(signal.SIGKILL)
        main.wait()
        killed = time.monotonic()
        while any(_running(pid) for pid in workers) and time.monotonic() - killed < 10:
            time.sleep(0.05)
        lingered = time.monotonic() - killed
        assert lingered < 2.0, f"workers still running {lingered:.1f} s after the kill"
    finally:
        main.kill()
        for pid in workers:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def test_long_lived_objects_are_frozen_only_where_the_collector_was_tuned():
    """`parallel.long_lived`, in a process of its own: a library caller's collector is left as
    it was; in a process that `tune_gc` set up (the CLI), the collector is off inside the block
    and what exists at its end is frozen, and it is on again afterwards."""
    script = """
import gc
from fastapi_lint.parallel import long_lived, tune_gc

start = gc.get_freeze_count()  # not 0 on Python 3.12: it starts with objects frozen
with long_lived():
    assert gc.isenabled()
    plain = [[n] for n in range(1000)]
assert gc.get_freeze_count() == start and gc.isenabled()
tune_gc()
before = gc.get_freeze_count()
with long_lived():
    assert not gc.isenabled()
    kept = [[n] for n in range(100_000)]
assert gc.isenabled()
assert gc.get_freeze_count() >= before + 100_000
print("ok")
"""
    run_in_own_process(script)


def test_checks_run_without_the_collector_only_where_it_was_tuned(tmp_path: Path):
    """`parallel._check` (every file of a run, in the pool or not), in a process of its own:
    in a process `tune_gc` set up, the collector is off during the check and what the check
    keeps is frozen after it (the language server's, `freeze_checks=False`, lints in two
    threads: off during the check, nothing frozen); a library caller's collector is left as
    it is."""
    source = tmp_path / "app.py"
    source.write_text("import time\n\nasync def handler():\n    time.sleep(1)\n")
    script = f"""
import gc
from fastapi_lint import file_check, parallel
from fastapi_lint.discovery import SourcePath
from fastapi_lint.registry import RuleSet
from fastapi_lint.settings import Settings

seen = []
original = file_check.check_file
def check_file(*args, **kwargs):
    seen.append(gc.isenabled())
    return original(*args, **kwargs)
parallel.check_file = check_file
item = SourcePath({str(source)!r}, "app.py")
ruleset = RuleSet(Settings())
options = parallel._Options(file_check.Mode(), False, True, None)

def check():
    on = gc.isenabled()
    report = parallel._check(item, ruleset, options, write=False)
    assert [d.code for d in report.diagnostics] == ["FAL102"], report.diagnostics
    assert gc.isenabled() == on
    return report

check()
assert seen == [True], seen
parallel.tune_gc(freeze_checks=False)
before = gc.get_freeze_count()
report = check()
assert seen == [True, False], seen
assert gc.get_freeze_count() <= before  # frozen objects only died
assert any(o is report for o in gc.get_objects())
parallel.tune_gc()
report = check()
assert seen == [True, False, False], seen
assert not any(o is report for o in gc.get_objects())  # frozen: no generation holds it
gc.disable()  # a caller that turned it off keeps it off
check()
assert not gc.isenabled() and seen[-1] is False
print("ok")
"""
    run_in_own_process(script)
