"""Project analysis: pass 1 summarises every file, the index merges them, pass 2 resolves facts.

Pass 1 is the ordinary per-file lint (`engine.lint_source`) with `summarize=True`: the one
traversal that runs the rules also collects the module's summary (`semantic/summary.py`) and
the facts rules deferred (`Context.defer`). Nothing is parsed twice: pass 2 works on the
summaries alone (`semantic/index.py`). Pass 1 runs in the process pool; the result cache keeps
each file's summary beside its findings (keyed by content hash, path and settings), so
unchanged files skip it, and when no file changed at all the cross-module findings themselves
come from the cache, with no index built.

With `--fix`/`--diff`, files that have a fixable finding go through the fix loop again with the
index; each re-lint puts the file's fresh summary into the index in place of the old one.

The cache also records which files the last run covered; the flake8 plugin, which sees one
file at a time, builds the same index from it (`load_index`).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, cast

from .diagnostics import Diagnostic
from .engine import withhold_fixes
from .semantic.external import external_for
from .semantic.index import ProjectIndex, path_aliases
from .semantic.modules import module_name
from .semantic.records import Fact, ModuleSummary, unpack_facts
from .settings import Settings

if TYPE_CHECKING:
    from .cache import Cache, Hit, ProjectState
    from .discovery import SourcePath
    from .file_check import FileReport


def project_pass(
    files: Sequence[SourcePath],
    reports: Sequence[FileReport],
    summaries: Sequence[ModuleSummary | Hit | None],
    digests: Sequence[bytes],
    store: Cache | None,
    settings: Settings,
    summarize: Callable[[SourcePath], ModuleSummary | None],
    *,
    record_reads: bool = True,
    packed: Sequence[bytes] = (),
) -> ProjectIndex | None:
    """Pass 2: add to each report the findings its deferred facts turn into.

    Without the result cache (`store`), the index is built from every summary and every
    fact resolved. With it, the last run's state (`Cache.project_state`) says what changed:
    nothing — its findings are taken as they are, and nothing is decoded or built; a few
    files — only the facts that could read them (their own, and those whose recorded module
    names include a changed module's old or new name or path alias) are resolved again,
    against an index that loads only the summaries those questions reach (`lazy_index`);
    anything else — the whole pass, as without the cache. The index is returned when every
    fact was resolved with it (None otherwise). `summarize` runs pass 1 again for a cached
    file whose summary is missing. Without the cache, `record_reads=False` makes an index
    that keeps no consulted module names (`ProjectIndex`): for a run whose index nobody
    updates afterwards. `packed` holds per file the facts of a summary that came from a
    worker without them (`records.pack_facts`; b"": they are in the summary): each file's
    are unpacked only while they are resolved.
    """
    if store is None:
        decoded = [cast("ModuleSummary | None", entry) for entry in summaries]
        index = ProjectIndex(
            (s for s in decoded if s is not None),
            external_for(settings),
            record_reads=record_reads,
        )
        for number, (report, summary) in enumerate(zip(reports, decoded, strict=True)):
            if summary is None:
                continue
            facts = _facts(summary, packed, number)
            if facts:
                new = index.diagnostics(summary, facts)
                withhold_fixes(new, settings)
                if new:
                    _add(report, new)
        return index
    return _Incremental(
        files, reports, summaries, digests, store, settings, summarize, packed
    ).run()


def _facts(summary: ModuleSummary, packed: Sequence[bytes], number: int) -> tuple[Fact, ...]:
    """File `number`'s facts: its summary's, or unpacked from what the worker that made the
    summary sent beside it (`packed`, see `project_pass`)."""
    return unpack_facts(packed[number]) if packed and packed[number] else summary.facts


class _Missing(Exception):
    """A summary the last run had is gone from the cache: resolve everything again."""


class _Incremental:
    """One project pass with the result cache (see `project_pass`)."""

    def __init__(
        self,
        files: Sequence[SourcePath],
        reports: Sequence[FileReport],
        summaries: Sequence[ModuleSummary | Hit | None],
        digests: Sequence[bytes],
        store: Cache,
        settings: Settings,
        summarize: Callable[[SourcePath], ModuleSummary | None],
        packed: Sequence[bytes] = (),
    ) -> None:
        from .cache import Hit  # noqa: PLC0415 - start-up: a run without the cache skips it

        self.files = files
        self.reports = reports
        self.entries = summaries
        self.store = store
        self.settings = settings
        self.summarize = summarize
        # A hit knows its key (a look-up made it).
        self.keys = [
            entry.key if entry.__class__ is Hit else store.key_of(item.path)
            for item, entry in zip(files, summaries, strict=True)
        ]
        # Each file's module name, displayed path and content digest: what its summary (and
        # the findings about it in other files) depends on besides settings and rules.
        # A hit's module name is the cache entry's, checked against the path by
        # `Cache.get_many`; a summary's is its own.
        self.modules = [
            entry.module if entry is not None else module_name(item.path)
            for item, entry in zip(files, summaries, strict=True)
        ]
        # A file's cache key is often its displayed path (checked from the project root):
        # then the key itself, which the stored record writes once and refers to.
        self.displays = [
            key if key == item.display else item.display
            for key, item in zip(self.keys, files, strict=True)
        ]
        self.digests = list(digests)
        self.decoded: dict[int, ModuleSummary | None] = {}
        # The module names and path aliases the stored dependencies are positions in.
        self.names: tuple[str, ...] = ()
        self.where: dict[str, int] = {}
        # The cross-module findings of each file, added to its report once the pass is done
        # (an update that has to give up leaves the reports as they were).
        self.found: dict[int, list[Diagnostic]] = {}
        self._hit = Hit
        # The facts of a summary that came from a worker without them (see `project_pass`).
        self.packed = packed

    def has_facts(self, number: int, summary: ModuleSummary) -> bool:
        """Has file `number` facts to resolve, in its summary or packed beside it?"""
        return bool(summary.facts or (self.packed and self.packed[number]))

    def summary(self, number: int) -> ModuleSummary | None:
        """File `number`'s summary: as pass 1 made it, or decoded from the cache."""
        if number not in self.decoded:
            entry = self.entries[number]
            if isinstance(entry, self._hit):
                try:
                    summary = self.store.summary(entry)
                except KeyError:  # stored without one: pass 1 for this file again
                    summary = self.summarize(self.files[number])
            else:
                summary = entry
            self.decoded[number] = summary
        return self.decoded[number]

    def run(self) -> ProjectIndex | None:
        state = self.store.project_state()
        changed = self._changed(state) if state is not None else None
        if state is not None and changed is not None:
            try:
                if not (changed[0] or changed[1]):
                    self._reuse(state, range(len(self.files)))  # nothing changed: warm
                elif self._same_summaries(state, changed):
                    # Changed files whose summaries did not: every finding stays as it was.
                    self._reuse(state, range(len(self.files)))
                    self._save_digests(state)
                else:
                    self._update(state, *changed)
            except _Missing:
                self.found.clear()
            else:
                self._finish()
                return None
        # The whole pass: the summaries this run stored are written first (see
        # `Cache.write_summaries`), and the memory their bytes held given back (when there
        # were any: a pass that found every summary in the cache stored none).
        if self.store.write_summaries():
            from .parallel import return_free_memory  # noqa: PLC0415 - start-up: see above

            return_free_memory()
        index = self._full()
        self._finish()
        return index

    def _finish(self) -> None:
        for number, found in self.found.items():
            _add(self.reports[number], found)

    def _changed(self, state: ProjectState) -> tuple[list[int], list[str]] | None:
        """The files (by number) that are new or changed since `state`, and the cache keys of
        the files it had that are gone; None when an update would cost about as much as the
        whole pass, or the files that stayed are in another order."""
        if state.order == tuple(self.keys):
            # The same files in the same order (the usual case): whole columns compared at
            # once, and file by file only where they differ.
            columns = (
                (self.digests, state.digests),
                (self.modules, state.modules),
                (self.displays, state.displays),
            )
            changed: set[int] = set()
            for now, before in columns:
                if now != list(before):
                    changed.update(
                        n for n, (a, b) in enumerate(zip(now, before, strict=True)) if a != b
                    )
            if len(changed) > max(64, len(self.files) // 10):
                return None
            return sorted(changed), []
        positions = state.positions()
        numbers = []
        same = []
        here = set()
        for number, key in enumerate(self.keys):
            here.add(key)
            old = positions.get(key)
            if old is not None and (
                state.modules[old],
                state.displays[old],
                state.digests[old],
            ) == (self.modules[number], self.displays[number], self.digests[number]):
                same.append(key)
            else:
                numbers.append(number)
        gone = [key for key in state.order if key not in here]
        if len(numbers) + len(gone) > max(64, len(self.files) // 10):
            return None
        kept = set(same)
        if [key for key in state.order if key in kept] != same:
            return None
        return numbers, gone

    def _same_summaries(self, state: ProjectState, changed: tuple[list[int], list[str]]) -> bool:
        """Are the changed files the same files as in `state`, in the same order, each under
        its module name and displayed path, with a summary equal (in value) to the one
        stored for its earlier content? The index, made of those alone, is then the same, and
        so is every cross-module finding: a comment added, or an edit that moved no line a
        summary records, costs no resolving."""
        numbers, gone = changed
        if gone or state.order != tuple(self.keys):
            return False
        for number in numbers:
            entry = self.entries[number]
            if (
                entry is None
                or entry.__class__ is self._hit
                or self.modules[number] != state.modules[number]
                or self.displays[number] != state.displays[number]
                or not self.store.summary_kept(self.keys[number], state.digests[number])
            ):
                return False
        return True

    def _save_digests(self, state: ProjectState) -> None:
        """Record `state` with this run's content digests (what the next run compares with);
        what the findings read is as stored."""
        from .cache import ProjectState  # noqa: PLC0415 - start-up: see above

        now = ProjectState(
            state.order,
            state.modules,
            state.displays,
            tuple(self.digests),
            state.present,
            state.results,
        )
        self.store.set_project_state(now, None)

    def _reuse(self, state: ProjectState, numbers: Iterable[int]) -> None:
        from .cache import unpack  # noqa: PLC0415 - start-up: see above

        for number in numbers:
            packed = state.results.get(self.keys[number])
            if packed:
                try:
                    self.found[number] = unpack(packed, self.reports[number].path)
                except ValueError as exc:  # a damaged record: resolve everything again
                    raise _Missing from exc

    def _full(self) -> ProjectIndex:
        index = ProjectIndex(
            (s for s in map(self.summary, range(len(self.files))) if s is not None),
            external_for(self.settings),
        )
        self.names = tuple(sorted(index.module_names()))
        self.where = {name: number for number, name in enumerate(self.names)}
        # What an answer consulted is stored as positions in these names (`_resolve`), and
        # the index is updated later only with modules it has (`with_module`).
        index.keep_reads_of(frozenset(self.names))
        results: dict[str, tuple] = {}
        depends: dict[str, bytes] = {}
        for number in range(len(self.files)):
            summary = self.decoded[number]
            if summary is not None and self.has_facts(number, summary):
                self._resolve(index, number, summary, results, depends)
        self._save(results, depends)
        return index

    def _update(self, state: ProjectState, changed: list[int], gone: list[str]) -> None:
        """Resolve again only the facts the changed files may alter; the rest as stored."""
        read = self.store.project_depends(state)
        if read is None:
            raise _Missing
        old_of = self._old_positions(state)
        # The names of the changed modules, old and new, with their path aliases. A name the
        # project did not have (a new module or alias) may be what a fact looked for and did
        # not find: the stored names are only those that existed, so that takes the whole pass.
        changes: set[str] = set()
        places = state.positions() if gone else {}
        before = [places[key] for key in gone]
        before.extend(at for at in (old_of[n] for n in changed) if at is not None)
        for at in before:
            module, shown = state.modules[at], state.displays[at]
            changes.update((module, *path_aliases(shown, module)))
        for number in changed:
            module, shown = self.modules[number], self.displays[number]
            changes.update((module, *path_aliases(shown, module)))
        self.names = read.names
        self.where = {name: number for number, name in enumerate(self.names)}
        if not changes <= self.where.keys():
            raise _Missing
        touched = {self.where[name] for name in changes}
        fresh = set(changed)
        # Which files have a summary (and so a place in the index): as the state says for
        # the files that did not change, as pass 1 made it for the others.
        had = state.present
        present: list[int] = []
        for number, old in enumerate(old_of):
            if number in fresh or old is None:
                if self.summary(number) is not None:
                    present.append(number)
            elif had[old]:
                present.append(number)

        def load(slot: int) -> ModuleSummary:
            summary = self.summary(present[slot])
            if summary is None:
                raise _Missing
            return summary

        heads = [(self.displays[n], self.modules[n]) for n in present]
        index = ProjectIndex.lazy(heads, load, external_for(self.settings))
        results: dict[str, tuple] = {}
        depends: dict[str, bytes] = {}
        # Only the files with facts have stored dependencies: the others have nothing to
        # resolve. Those whose facts read no changed name keep their findings as stored.
        numbers = {key: number for number, key in enumerate(self.keys)}
        again = set(changed)
        kept: list[int] = []
        # A file's positions are searched for the few touched ones as bytes (a match counts
        # at a whole position only): making each file's array of numbers to compare took
        # longer than the rest of the loop.
        code = _position_code(len(self.names))
        width = array(code).itemsize
        needles = [array(code, [at]).tobytes() for at in touched]
        for key, stored in read.files.items():
            place = numbers.get(key)
            if place is None or place in fresh:
                continue  # gone, or changed: resolved below
            if len(stored) % width:  # not a whole number of positions: not ours
                raise _Missing
            if not _reads_any(stored, needles, width):
                if key in state.results:
                    results[key] = state.results[key]
                depends[key] = stored
                kept.append(place)
            else:
                again.add(place)
        self._reuse(state, kept)
        for number in sorted(again):  # in the order of the run, as the whole pass goes
            summary = self.summary(number)
            if number in fresh:
                if summary is not None and self.has_facts(number, summary):
                    self._resolve(index, number, summary, results, depends)
                continue
            if summary is None:
                raise _Missing
            self._resolve(index, number, summary, results, depends)
        self._save(results, depends, state, old_of)

    def _old_positions(self, state: ProjectState) -> list[int | None]:
        """Each file's place in `state`'s columns (None: new)."""
        if state.order == tuple(self.keys):
            return list(range(len(self.keys)))
        positions = state.positions()
        return [positions.get(key) for key in self.keys]

    def _resolve(
        self,
        index: ProjectIndex,
        number: int,
        summary: ModuleSummary,
        results: dict[str, tuple],
        depends: dict[str, bytes],
    ) -> None:
        from .cache import pack  # noqa: PLC0415 - start-up: see above

        new, read = index.answer(summary, _facts(summary, self.packed, number))
        withhold_fixes(new, self.settings)
        key = self.keys[number]
        # Only names the project has are kept (see `_update`).
        where = self.where
        positions = sorted(where[n] for n in read if n in where)
        depends[key] = array(_position_code(len(where)), positions).tobytes()
        if new:
            self.found[number] = new
            results[key] = pack(new)

    def _save(
        self,
        results: dict[str, tuple],
        depends: dict[str, bytes],
        before: ProjectState | None = None,
        old_of: list[int | None] | None = None,
    ) -> None:
        """Record this run's state; files not decoded kept their place in the index since
        `before` (`old_of`: where each file was in it)."""
        from .cache import Depends, ProjectState  # noqa: PLC0415 - start-up: see above

        if before is None or old_of is None:
            present = bytearray(len(self.keys))
        elif before.order == tuple(self.keys):
            present = bytearray(before.present)
        else:
            had = before.present
            present = bytearray(0 if old is None else had[old] for old in old_of)
        for number, summary in self.decoded.items():
            present[number] = summary is not None
        state = ProjectState(
            tuple(self.keys),
            tuple(self.modules),
            tuple(self.displays),
            tuple(self.digests),
            bytes(present),
            results,
        )
        self.store.set_project_state(state, Depends(self.names, depends))


def _add(report: FileReport, found: list[Diagnostic]) -> None:
    report.diagnostics = sorted([*report.diagnostics, *found], key=Diagnostic.sort_key)


# ------------------------------------------------------------------ stored index


def load_index(settings: Settings, codes: Iterable[str]) -> ProjectIndex | None:
    """The index of the last `fastapi-lint check` with these settings and rules, from the
    result cache (None without one): what the flake8 plugin resolves a file's facts against."""
    from .cache import Cache  # noqa: PLC0415 - start-up: only `load_index` needs it

    store = Cache.for_run(settings.cache_dir, settings.root, settings.fingerprint(), codes)
    summaries = store.stored_project()
    return ProjectIndex(summaries, external_for(settings)) if summaries is not None else None


def _position_code(names: int) -> str:
    """The `array` type of the positions of a project with `names` module names and path
    aliases: two bytes while they fit (the record of what the findings read is then half
    the size, and read at every run with a changed file), else four."""
    return "H" if names <= 1 << 16 else "I"


def _reads_any(stored: bytes, needles: list[bytes], width: int) -> bool:
    """Does `stored` (positions of `width` bytes each) hold one of `needles` (a position's
    bytes) at a whole position?"""
    for needle in needles:
        at = stored.find(needle)
        while at != -1:
            if at % width == 0:
                return True
            at = stored.find(needle, at + 1)
    return False
