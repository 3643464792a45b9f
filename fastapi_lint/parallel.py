"""Checking files in a pool of processes: one file's work never depends on another's.

Files go to the workers in chunks (a few dozen paths per message, not one message per file)
and come back as `FileReport`s, in the order of the input whatever order they finish in. The
workers only read and compute: in --fix mode a worker hands the fixed text back and the main
process writes it, as it alone writes the cache, so no two processes ever write the same file.

A handful of files is checked serially: starting workers costs more than it saves.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
import sys
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from .discovery import SourcePath
from .file_check import FileReport, Mode, check_file, finish_write
from .registry import RuleSet
from .semantic.records import pack_facts, pack_summaries, to_plain
from .settings import Settings

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from .semantic.index import ProjectIndex

# Fewer files than this per worker: not worth a worker.
MIN_FILES_PER_JOB = 12
# Files per message: at most MAX_CHUNK, shrinking towards MIN_CHUNK as the work runs out
# ("guided" scheduling), so that no worker is left with a long last chunk while others idle.
MAX_CHUNK = 48
MIN_CHUNK = 2
CHUNKS_PER_JOB = 4


def tune_gc(*, freeze_checks: bool = True) -> None:
    """Make the cyclic garbage collector cheap for a linting process.

    Parsing allocates hundreds of thousands of objects per file, and with the default
    thresholds the collector runs every 700 allocations and regularly rescans everything
    imported at startup, although the engine frees each file's tree by reference counting
    (it creates no reference cycles). Freezing the startup objects and collecting less often
    saves about a quarter of the CPU time of a run; garbage cycles are still collected.
    Only for processes the linter owns (the CLI and its workers), never for library callers.
    Each file's check then runs with the collector off (`_check`, `collector_paused`);
    `freeze_checks`: and what it keeps is frozen after it — not in a process that lints in
    another thread meanwhile (the language server), since the collector is the process's.
    """
    global _gc_tuned, _freeze_checks
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    _gc_tuned = True
    _freeze_checks = freeze_checks


# Set by `tune_gc`: this process's collector is the linter's to manage (`long_lived`). Not
# read from `gc.get_freeze_count()`: Python 3.12 starts with objects frozen already.
_gc_tuned = False
_freeze_checks = False


@contextlib.contextmanager
def collector_paused(*, freeze: bool = False) -> Iterator[None]:
    """The cyclic collector off in the block, in a process whose collector `tune_gc` set up
    (a library caller's, never tuned by us, is left as it is); with `freeze`, what exists at
    the block's end is frozen, so that no later collection scans it either. For one file's
    check (`_check`; the language server's edits), whose young tree a collection would scan
    to free nothing, and for objects that last the run (`long_lived`)."""
    paused = _gc_tuned and gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            if freeze:
                gc.freeze()
            gc.enable()


def release_frozen() -> None:
    """Collect what `tune_gc`, `long_lived` and `_check` froze and is garbage by now: before a
    process that lints again and again (`check --watch`) starts over."""
    gc.unfreeze()
    gc.collect()


def long_lived() -> contextlib.AbstractContextManager[None]:
    """Build, in the block, objects that last until the end of the run (the findings and
    reports the result cache gives back, for ten thousand files), without the cyclic
    collector scanning them: in a process whose collector `tune_gc` set up (it froze the
    start-up objects: the CLI and its workers), it is off in the block and what exists at its
    end is frozen too. They hold no cycles; each young-generation collection scanned them
    again (three of them, about 15 ms of a one-file run on the benchmark corpus)."""
    return collector_paused(freeze=True)


def return_free_memory() -> None:
    """Give the memory the C allocator holds free back to the system (glibc's `malloc_trim`).

    Freed blocks in the middle of its heap stay part of the process otherwise: after the
    packed summaries of a large run are unpacked and their bytes freed, 25 MB of the main
    process's memory on the corpus (see `runner._run_files`). A no-op elsewhere."""
    if sys.platform != "linux":
        return
    import ctypes  # noqa: PLC0415 - start-up: only large runs need it

    with contextlib.suppress(OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        ctypes.CDLL(None).malloc_trim(0)


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def effective_jobs(jobs: int | None, files: int) -> int:
    """How many processes to use: `jobs` (None or 0: every core), fewer for few files."""
    wanted = jobs if jobs and jobs > 0 else available_cores()
    return max(1, min(wanted, files // MIN_FILES_PER_JOB))


def check_files(
    items: Sequence[SourcePath],
    ruleset: RuleSet,
    mode: Mode,
    *,
    jobs: int | None = None,
    with_content: bool = False,
    summarize: bool = False,
    index: ProjectIndex | None = None,
) -> list[FileReport]:
    """One report per item, in order; identical to checking them one by one (`check_file`
    says what the keyword arguments do)."""
    options = _Options(mode, with_content, summarize, index)
    workers = effective_jobs(jobs, len(items))
    if workers <= 1:
        return [_check(item, ruleset, options, write=True) for item in items]
    return _in_pool(items, ruleset, options, workers)


class _Options(NamedTuple):
    mode: Mode
    with_content: bool
    summarize: bool
    project_index: ProjectIndex | None  # (`index` would shadow tuple.index)


def _check(item: SourcePath, ruleset: RuleSet, options: _Options, *, write: bool) -> FileReport:
    # The cyclic collector stays out of a file's check in the linter's own processes: the
    # file's tree is young and alive until the check ends, so every collection there scanned
    # tens of thousands of nodes to free nothing (on litellm and open-webui, one process:
    # 93 collections, 5 % of the CPU, about 2,000 objects found in cycles in all). The tree is
    # freed by reference counting when the check returns. What the check keeps (its report,
    # the module's summary) lasts until the end of the run, or until its chunk is sent: it is
    # frozen, where `tune_gc` says so, with the few objects the check left in cycles (a
    # process that goes on linting lets go of them with `release_frozen`).
    with collector_paused(freeze=_freeze_checks):
        return check_file(
            item,
            ruleset,
            options.mode,
            write=write,
            with_content=options.with_content,
            summarize=options.summarize,
            index=options.project_index,
        )


# ------------------------------------------------------------------------------------ the pool

_worker_state: tuple[RuleSet, _Options] | None = None


def _initialise(settings: Settings, options: _Options, parent: int) -> None:
    global _worker_state
    exit_with_parent(parent)
    tune_gc()
    _worker_state = (RuleSet(settings), options)


# How often a worker without a death signal looks whether its parent is still there.
WATCH_INTERVAL = 0.2


def exit_with_parent(parent: int) -> None:
    """End this worker as soon as the process `parent` (the one that started it) is gone.

    A worker busy with a chunk of large files otherwise went on for seconds after the main
    process was killed (`kill -9`, the OOM killer, a CI job cancelled), reading files for a
    run nobody will see. On Linux the kernel sends SIGKILL when the parent dies
    (PR_SET_PDEATHSIG); elsewhere, and as a second line, a daemon thread sees the worker
    re-parented (`getppid` changes) within `WATCH_INTERVAL` and exits.
    """
    if os.getpid() == parent:  # run in the main process itself (a pool stand-in): no parent
        return
    if sys.platform == "linux":
        try:
            import ctypes  # noqa: PLC0415 - start-up: only pool workers need it
            import signal  # noqa: PLC0415 - start-up: only pool workers need it

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass  # no libc to ask: the thread below is enough
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)
    import threading  # noqa: PLC0415 - start-up: only pool workers need it

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_INTERVAL)
        os._exit(1)

    threading.Thread(target=watch, name="fastapi-lint-parent-watch", daemon=True).start()


def _check_chunk(chunk: tuple[int, list[SourcePath]]) -> tuple[int, list[FileReport]]:
    assert _worker_state is not None, "worker not initialised"
    ruleset, options = _worker_state
    start, items = chunk
    done = [_check(item, ruleset, options, write=False) for item in items]
    if options.summarize:
        packed = pack_summaries([report.summary for report in done])
        for report, shelf in zip(done, packed, strict=True):
            summary = report.summary
            if summary is not None:
                report.packed_summary = shelf
                report.packed_facts = pack_facts(summary.facts) if summary.facts else b""
                if options.with_content:  # the cache stores it: in its form, made here
                    report.plain_summary = marshal.dumps(to_plain(summary))
                report.summary = None
    return start, done


def _context() -> BaseContext:
    import multiprocessing  # noqa: PLC0415 - start-up: only `_context` needs it
    import threading  # noqa: PLC0415 - start-up: only `_context` needs it

    # fork starts a worker in milliseconds with everything already imported; it is only safe
    # in a process without other threads, and only the default on Linux.
    if sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _in_pool(
    items: Sequence[SourcePath], ruleset: RuleSet, options: _Options, workers: int
) -> list[FileReport]:
    chunks: list[tuple[int, list[SourcePath]]] = []
    start = 0
    while start < len(items):
        left = len(items) - start
        size = max(MIN_CHUNK, min(MAX_CHUNK, left // (workers * CHUNKS_PER_JOB)))
        chunks.append((start, list(items[start : start + size])))
        start += size
    reports: list[FileReport | None] = [None] * len(items)
    pool = _context().Pool(
        workers, initializer=_initialise, initargs=(ruleset.settings, options, os.getpid())
    )
    try:
        for start, done in pool.imap_unordered(_check_chunk, chunks):
            for offset, report in enumerate(done):
                if report.pending_write is not None:
                    finish_write(report)  # the main process alone writes
                reports[start + offset] = report
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
    done = [report for report in reports if report is not None]
    assert len(done) == len(items)
    return done
