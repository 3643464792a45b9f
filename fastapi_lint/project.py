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
from .semantic.records import ModuleSummary, unpack_facts
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
    updates afterwards. Also without the cache, `packed` holds per file the facts of a
    summary that came from a worker without them (`records.pack_facts`; b"": they are in the
    summary): each file's are unpacked only while they are resolved.
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
            facts = unpack_facts(packed[number]) if packed and packed[number] else summary.facts
            if facts:
                new = index.diagnostics(summary, facts)
                withhold_fixes(new, settings)
                if new:
                    _add(report, new)
        return index
    return _Incremental(files, reports, summaries, digests, store, settings, summarize).run()


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
    ) -> None:
        from .cache import Hit  # noqa: PLC0415 - start-up: a run without the cache skips it

        self.files = files
        self.reports = reports
        self.entries = summaries
        self.store = store
        self.settings = settings
        self.summarize = summarize
        self.keys = [store.key_of(item.path) for item in files]
        # Each file's module name, displayed path and content digest: what its summary (and
        # the findings about it in other files) depends on besides settings and rules.
        self.rows: list[tuple[str, str, bytes]] = []
        for item, entry, digest in zip(files, summaries, digests, strict=True):
            # A hit's module name is the cache entry's, checked against the path by `Cache.get_many`.
            module = entry.module if entry is not None else module_name(item.path)
            self.rows.append((module, item.display, digest))
        self.decoded: dict[int, ModuleSummary | None] = {}
        # The module names and path aliases the stored dependencies are positions in.
        self.names: tuple[str, ...] = ()
        self.where: dict[str, int] = {}
        # The cross-module findings of each file, added to its report once the pass is done
        # (an update that has to give up leaves the reports as they were).
        self.found: dict[int, list[Diagnostic]] = {}
        self._hit = Hit

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
                if changed[0] or changed[1]:
                    self._update(state, *changed)
                else:
                    self._reuse(state, range(len(self.files)))  # nothing changed: warm
            except _Missing:
                self.found.clear()
            else:
                self._finish()
                return None
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
        changed = []
        same = []
        here = set()
        for number, (key, row) in enumerate(zip(self.keys, self.rows, strict=True)):
            here.add(key)
            old = state.rows.get(key)
            if old is not None and old[:3] == row:
                same.append(key)
            else:
                changed.append(number)
        gone = [key for key in state.rows if key not in here]
        if len(changed) + len(gone) > max(64, len(self.files) // 10):
            return None
        kept = set(same)
        if [key for key in state.order if key in kept] != same:
            return None
        return changed, gone

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
        results: dict[str, tuple] = {}
        depends: dict[str, bytes] = {}
        for number in range(len(self.files)):
            summary = self.decoded[number]
            if summary is not None and summary.facts:
                self._resolve(index, number, summary, results, depends)
        self._save(results, depends)
        return index

    def _update(self, state: ProjectState, changed: list[int], gone: list[str]) -> None:
        """Resolve again only the facts the changed files may alter; the rest as stored."""
        read = self.store.project_depends(state)
        if read is None:
            raise _Missing
        # The names of the changed modules, old and new, with their path aliases. A name the
        # project did not have (a new module or alias) may be what a fact looked for and did
        # not find: the stored names are only those that existed, so that takes the whole pass.
        changes: set[str] = set()
        for key in gone:
            module, shown, _, _ = state.rows[key]
            changes.update((module, *path_aliases(shown, module)))
        for number in changed:
            old = state.rows.get(self.keys[number])
            if old is not None:
                changes.update((old[0], *path_aliases(old[1], old[0])))
            module, shown, _ = self.rows[number]
            changes.update((module, *path_aliases(shown, module)))
        self.names = read.names
        self.where = {name: number for number, name in enumerate(self.names)}
        if not changes <= self.where.keys():
            raise _Missing
        touched = {self.where[name] for name in changes}
        fresh = set(changed)
        # Which files have a summary (and so a place in the index): as the state says for
        # the files that did not change, as pass 1 made it for the others.
        present: list[int] = []
        for number, key in enumerate(self.keys):
            if number in fresh:
                if self.summary(number) is not None:
                    present.append(number)
            elif state.rows[key][3]:
                present.append(number)

        def load(slot: int) -> ModuleSummary:
            summary = self.summary(present[slot])
            if summary is None:
                raise _Missing
            return summary

        heads = [(self.rows[n][1], self.rows[n][0]) for n in present]
        index = ProjectIndex.lazy(heads, load, external_for(self.settings))
        results: dict[str, tuple] = {}
        depends: dict[str, bytes] = {}
        for number, key in enumerate(self.keys):
            if number in fresh:
                summary = self.summary(number)
                if summary is not None and summary.facts:
                    self._resolve(index, number, summary, results, depends)
                continue
            stored = read.files.get(key)
            if stored is None:
                continue  # no facts: nothing to resolve
            positions = array("I")
            positions.frombytes(stored)
            if touched.isdisjoint(positions):
                if key in state.results:
                    results[key] = state.results[key]
                depends[key] = stored
                self._reuse(state, (number,))
                continue
            summary = self.summary(number)
            if summary is None:
                raise _Missing
            self._resolve(index, number, summary, results, depends)
        self._save(results, depends, state)

    def _resolve(
        self,
        index: ProjectIndex,
        number: int,
        summary: ModuleSummary,
        results: dict[str, tuple],
        depends: dict[str, bytes],
    ) -> None:
        from .cache import pack  # noqa: PLC0415 - start-up: see above

        new, read = index.answer(summary)
        withhold_fixes(new, self.settings)
        key = self.keys[number]
        # Only names the project has are kept (see `_update`).
        where = self.where
        depends[key] = array("I", sorted(where[n] for n in read if n in where)).tobytes()
        if new:
            self.found[number] = new
            results[key] = pack(new)

    def _save(
        self,
        results: dict[str, tuple],
        depends: dict[str, bytes],
        before: ProjectState | None = None,
    ) -> None:
        """Record this run's state; files not decoded kept their rows since `before`."""
        from .cache import Depends, ProjectState  # noqa: PLC0415 - start-up: see above

        rows = {}
        for number, (key, row) in enumerate(zip(self.keys, self.rows, strict=True)):
            if number in self.decoded:
                present = self.decoded[number] is not None
            else:
                assert before is not None
                present = before.rows[key][3]
            rows[key] = (*row, present)
        state = ProjectState(tuple(self.keys), rows, results)
        self.store.set_project_state(
            (item.path for item in self.files), state, Depends(self.names, depends)
        )


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
