"""A project kept in memory between edits: what the language server lints buffers against.

The command line builds the project index once per run (`project.py`). An editor asks again at
every keystroke, so here the index stays resident: it is built once from every file of the
workspace (pass 1 comes from the result cache when the files are unchanged), and each edit of
a buffer replaces that one module's summary in it, in place (`ProjectIndex.with_module`), so an edited
buffer is linted against the whole project without summarising any other file again.

A buffer's findings are its own (`lint_source` on the buffer's text) plus the cross-module
findings its deferred facts turn into against the index. An edit in one module can change
what another module's facts resolve to (a helper that starts or stops blocking, a class that
becomes a model), so after every edit the facts of the other open buffers are resolved again;
that needs no parse, only the index, and costs little.

Nothing here knows the Language Server Protocol; `server.py` speaks it, and `bench/` times
this module directly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .diagnostics import Diagnostic
from .engine import lint_source
from .parallel import collector_paused
from .registry import RuleSet
from .runner import Mode, read_source, run
from .semantic.index import ProjectIndex
from .semantic.modules import module_name
from .semantic.records import ModuleSummary
from .settings import Settings
from .source import Source


@dataclass
class Document:
    """One file as the editor has it (or as it is on disk, for a file that is not open)."""

    path: str  # absolute
    display: str  # as findings name it: relative to the workspace root
    source: Source
    local: list[Diagnostic] = field(default_factory=list)  # the file's own findings
    summary: ModuleSummary | None = None  # its pass-1 summary, with its deferred facts
    findings: list[Diagnostic] = field(default_factory=list)  # local + cross-module, sorted


class ResidentProject:
    """The workspace's settings, rules and project index, updated one module at a time."""

    def __init__(self, root: str, settings: Settings, *, jobs: int | None = None) -> None:
        self.root = os.path.abspath(root)
        self.settings = settings
        self.ruleset = RuleSet(settings)
        self.jobs = jobs
        self.index: ProjectIndex | None = None
        self.open: dict[str, Document] = {}
        # Findings of the last whole-project pass, per display path: what a file that is not
        # open showed when the index was built.
        self.on_disk: dict[str, list[Diagnostic]] = {}

    # ----------------------------------------------------------------- loading

    def build(
        self, *, cache: bool = True
    ) -> tuple[ProjectIndex | None, dict[str, list[Diagnostic]]]:
        """Pass 1 over every file of the workspace, and the index built from it.

        With the result cache, unchanged files are not parsed again: their summaries come from
        the cache, as for `fastapi-lint check`. Display paths are relative to the working
        directory, which the server sets to the workspace root. Changes nothing here, so that
        it can run in a thread while the editor's buffers are linted alone.
        """
        report = run([self.root], self.settings, Mode(), jobs=self.jobs, cache=cache)
        on_disk = {f.path: f.diagnostics for f in report.files}
        if not self.ruleset.defers:
            return None, on_disk
        index = report.index
        if index is None and cache:
            # The cross-module findings came from the cache, so no index was built: the
            # summaries the cache keeps beside each file's findings make it.
            from .project import load_index  # noqa: PLC0415 - start-up: only `build` needs it

            # Ten thousand summaries decoded into records that last as long as the index: the
            # collector, left on, scanned them again and again to free nothing (2.97 → 1.11 s
            # on the corpus with it off).
            with collector_paused():
                index = load_index(self.settings, self.ruleset.codes)
        return index, on_disk

    def install(self, index: ProjectIndex | None, on_disk: dict[str, list[Diagnostic]]) -> None:
        """Use a built index; the open buffers, newer than the files, replace their modules."""
        self.index = index
        self.on_disk = on_disk
        for document in self.open.values():
            self._lint(document)

    def load(self, *, cache: bool = True) -> None:
        self.install(*self.build(cache=cache))

    # ----------------------------------------------------------------- edits

    def display(self, path: str) -> str:
        relative = os.path.relpath(path, self.root)
        return path if relative.startswith("..") else relative

    def update(self, path: str, text: str) -> Document:
        """The editor's text of `path` (opened or changed): lint it against the project."""
        path = os.path.abspath(path)
        document = self.open.get(path)
        source = Source(text)
        if document is None:
            document = Document(path, self.display(path), source)
            self.open[path] = document
        else:
            document.source = source
        self._lint(document)
        return document

    def close(self, path: str) -> None:
        """The editor closed `path`: the index goes back to the file as it is on disk."""
        path = os.path.abspath(path)
        self.open.pop(path, None)
        self.reload_from_disk(path)

    def reload_from_disk(self, path: str) -> None:
        """`path` changed on disk (saved, checked out, deleted): summarise it again.

        An open buffer stays what the editor shows; its saved text is the same or newer.
        """
        path = os.path.abspath(path)
        if path in self.open or self.index is None:
            return
        display = self.display(path)
        loaded = read_source(path, display) if os.path.isfile(path) else None
        if loaded is None or isinstance(loaded, Diagnostic):
            # Gone or unreadable: the module leaves the index.
            kept = [s for s in self.index.summaries if s.path != display]
            if len(kept) != len(self.index.summaries):
                self.index = ProjectIndex(kept, self.index.external)
            self.on_disk.pop(display, None)
            return
        document = Document(path, display, loaded[0])
        self._lint(document)
        self.on_disk[display] = document.findings

    def fix_all(self, path: str, *, unsafe: bool = False) -> str | None:
        """The buffer with every safe (or also unsafe) fix applied, as `--fix` would write it;
        None when nothing changes. The resident index is left as it is."""
        from .fixes import fix_text  # noqa: PLC0415 - start-up: only `fix_all` needs it

        document = self.open.get(os.path.abspath(path))
        if document is None:
            return None
        source = document.source
        module = module_name(document.path)
        is_package = os.path.basename(document.path) == "__init__.py"

        def lint(text: str) -> list[Diagnostic]:
            current = source if text == source.text else source.rewritten(text)
            return lint_source(
                current,
                document.display,
                self.ruleset,
                module=module,
                is_package=is_package,
                summarize=self.index is not None,
                index=self.index,
            ).diagnostics

        outcome, _ = fix_text(
            source.text, lint, unsafe=unsafe, line_length=self.settings.line_length
        )
        return outcome.text if outcome.text != source.text else None

    def dependants(self, changed: str) -> list[Document]:
        """The open documents other than `changed` (just linted by `update`) whose findings
        changed with the index."""
        return self._moved(skip=os.path.abspath(changed))

    def refreshed(self) -> list[Document]:
        """Every open document whose findings changed with the index: after files changed on
        disk (`reload_from_disk`), where no open buffer has been linted yet."""
        return self._moved(skip=None)

    def _moved(self, skip: str | None) -> list[Document]:
        """Resolve the facts of each open document but `skip` again; those whose findings moved."""
        moved = []
        for document in self.open.values():
            if document.path == skip:
                continue
            before = document.findings
            document.findings = self._resolve(document)
            if _positions(before) != _positions(document.findings):
                moved.append(document)
        return moved

    # ----------------------------------------------------------------- internals

    def _lint(self, document: Document) -> None:
        with collector_paused():
            result = lint_source(
                document.source,
                document.display,
                self.ruleset,
                module=module_name(document.path),
                is_package=os.path.basename(document.path) == "__init__.py",
                summarize=self.index is not None,
                index=self.index,
                resolve_facts=self.index is None,
            )
        document.local = result.diagnostics
        document.summary = result.summary
        if self.index is not None and result.summary is not None:
            # One index for the workspace, updated in place: nothing else holds it.
            self.index = self.index.with_module(result.summary, in_place=True)
        document.findings = self._resolve(document)

    def _resolve(self, document: Document) -> list[Diagnostic]:
        if self.index is None or document.summary is None or not document.summary.facts:
            return document.local
        found = self.index.diagnostics(document.summary)
        return sorted([*document.local, *found], key=Diagnostic.sort_key)


def _positions(found: list[Diagnostic]) -> list[tuple[str, int, int, str]]:
    return [(d.code, d.row, d.col, d.message) for d in found]
