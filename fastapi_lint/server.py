"""`fastapi-lint server`: the Language Server Protocol over stdio, on pygls.

The same engine and rules as the command line, with the project index resident in memory
(`resident.py`): a buffer is linted at open and at every change against the whole workspace,
so the cross-module findings (FAL106's blocking chains, FAL304 on models defined elsewhere)
show in the editor too. Each finding with a fix has a code action (safe fixes as preferred
quick fixes, unsafe ones labelled), a "fix all" source action applies every safe fix of the
file, and each finding can be suppressed with a `# noqa: CODE` action. Hovering a finding, or
a code in a `# noqa:` comment, shows the rule's documentation.

pygls is an optional dependency (the `lsp` extra), imported only by this command.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from . import __version__
from .diagnostics import Applicability, Diagnostic, Fix
from .noqa import code_at, comment_row, suppressed_codes, suppressing_row, with_codes
from .resident import Document, ResidentProject
from .settings import Settings

NAME = "fastapi-lint"
FIX_ALL_KIND = f"{lsp.CodeActionKind.SourceFixAll.value}.{NAME}"

log = logging.getLogger(__name__)


class FastapiLintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            NAME, __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental
        )
        self.project: ResidentProject | None = None
        self.root = os.getcwd()
        self.settings_error = ""
        self.loading: asyncio.Future[Any] | None = None
        # The project is changed by one lint at a time, in a worker thread, so that the event
        # loop keeps reading the editor's messages meanwhile; every handler that reads or
        # changes the project's index holds this lock.
        self.lock = asyncio.Lock()
        # The lint on its way for each buffer (by URI): changes that arrive before it takes
        # the buffer's text are linted by it; those that arrive while it runs, after it.
        self.linting: dict[str, asyncio.Future[None]] = {}


server = FastapiLintServer()


# ---------------------------------------------------------------------- lifecycle


@server.feature(lsp.INITIALIZE)
def initialize(ls: FastapiLintServer, params: lsp.InitializeParams) -> None:
    folders = params.workspace_folders or []
    uri = folders[0].uri if folders else params.root_uri
    if uri:
        ls.root = _path(uri)
    elif params.root_path:
        ls.root = params.root_path
    if os.path.isdir(ls.root):
        # Findings name files relative to the workspace, as `fastapi-lint check .` does there.
        os.chdir(ls.root)
    _use_settings(ls, *_settings(ls.root))


@server.feature(lsp.INITIALIZED)
async def initialized(ls: FastapiLintServer, params: lsp.InitializedParams) -> None:
    _watch_files(ls)
    await _load(ls)


@server.feature(lsp.SHUTDOWN)
def shutdown(ls: FastapiLintServer, params: None) -> None:
    ls.project = None


def _keep_resident() -> None:
    """The index just installed lives as long as the server: out of the garbage collector's
    way. Left to it, every other edit of a large buffer triggered a full collection that
    walked the whole index's millions of objects (half a second on the corpus, as long as
    the lint); now the collector sees what the edits allocate, and collects it less often,
    as in the command line's processes (`parallel.tune_gc`). An index this one replaces
    is unfrozen and collected first, so it does not stay behind."""
    import gc  # noqa: PLC0415 - start-up: only a loaded index needs it

    from .parallel import tune_gc  # noqa: PLC0415 - start-up: see above

    gc.unfreeze()
    gc.collect()
    tune_gc(freeze_checks=False)  # an index is built in a thread while buffers are linted


async def _load(ls: FastapiLintServer) -> None:
    """Build the resident index off the event loop; buffers opened meanwhile are linted alone."""
    project = ls.project
    if project is None:
        return
    started = time.monotonic()
    try:
        index, on_disk = await asyncio.to_thread(project.build)
    except Exception as exc:  # a workspace the index cannot be built for still gets file findings
        ls.window_log_message(
            lsp.LogMessageParams(lsp.MessageType.Error, f"{NAME}: project index not built: {exc}")
        )
        return
    async with ls.lock:
        if ls.project is not project:  # settings changed meanwhile: a newer load is on its way
            return
        project.install(index, on_disk)
        _keep_resident()
    modules = len(index) if index is not None else 0
    ls.window_log_message(
        lsp.LogMessageParams(
            lsp.MessageType.Info,
            f"{NAME}: project index loaded: {modules} modules, {len(on_disk)} files "
            f"in {time.monotonic() - started:.1f} s",
        )
    )
    for document in project.open.values():
        _publish(ls, document)


def _settings(root: str) -> tuple[Settings, str]:
    """The workspace's settings, and the configuration error that made them the defaults."""
    from .config import ConfigError, find_config, load_settings, resolve_project  # noqa: PLC0415 - start-up: only `_settings` needs it

    try:
        # With the project's environment and versions, as `fastapi-lint check` resolves them.
        return resolve_project(load_settings(find_config(root)), root), ""
    except ConfigError as exc:
        # A broken pyproject is shown, not fatal: the defaults apply until it is fixed.
        return Settings(), str(exc)


def _use_settings(ls: FastapiLintServer, settings: Settings, error: str) -> None:
    ls.settings_error = error
    if error:
        ls.window_show_message(lsp.ShowMessageParams(lsp.MessageType.Error, f"{NAME}: {error}"))
    old = ls.project
    ls.project = ResidentProject(ls.root, settings)
    if old is None:
        return
    for path in old.open:
        uri = _uri(path)
        document = ls.workspace.get_text_document(uri)
        _publish(ls, ls.project.update(path, document.source), document.version)


async def _reload_settings(ls: FastapiLintServer) -> None:
    found = await asyncio.to_thread(_settings, ls.root)
    async with ls.lock:
        _use_settings(ls, *found)
    await _load(ls)


def _watch_files(ls: FastapiLintServer) -> None:
    """Ask the client to tell us about files changed outside the editor (saves of other tools,
    `git checkout`), when it can register watchers dynamically."""
    capabilities = ls.client_capabilities.workspace
    watched = capabilities.did_change_watched_files if capabilities else None
    if not (watched and watched.dynamic_registration):
        return
    options = lsp.DidChangeWatchedFilesRegistrationOptions(
        watchers=[
            lsp.FileSystemWatcher(glob_pattern="**/*.py"),
            lsp.FileSystemWatcher(glob_pattern="**/pyproject.toml"),
        ]
    )
    registration = lsp.Registration(
        id=f"{NAME}-watch", method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
    )
    ls.client_register_capability(lsp.RegistrationParams(registrations=[registration]))


# ---------------------------------------------------------------------- documents


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: FastapiLintServer, params: lsp.DidOpenTextDocumentParams) -> None:
    _schedule(ls, params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: FastapiLintServer, params: lsp.DidChangeTextDocumentParams) -> None:
    _schedule(ls, params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: FastapiLintServer, params: lsp.DidSaveTextDocumentParams) -> None:
    if os.path.basename(_path(params.text_document.uri)) == "pyproject.toml":
        await _reload_settings(ls)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
async def did_close(ls: FastapiLintServer, params: lsp.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    async with ls.lock:
        if ls.project is not None and _is_python(uri):
            ls.project.close(_path(uri))
            _publish_dependants(ls, _path(uri))
    # A closed file's findings are those of the last `check`, not the editor's: clear them.
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
async def did_change_watched_files(
    ls: FastapiLintServer, params: lsp.DidChangeWatchedFilesParams
) -> None:
    if ls.project is None:
        return
    if any(os.path.basename(_path(c.uri)) == "pyproject.toml" for c in params.changes):
        await _reload_settings(ls)
        return
    async with ls.lock:
        project = ls.project
        if project is None:
            return
        for change in params.changes:
            if _is_python(change.uri):
                project.reload_from_disk(_path(change.uri))
        for document in project.refreshed():
            _publish(ls, document)


@server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(
    ls: FastapiLintServer, params: lsp.DidChangeConfigurationParams
) -> None:
    await _reload_settings(ls)


def _schedule(ls: FastapiLintServer, uri: str) -> None:
    """Lint the buffer `uri` soon: an editor sends a change per keystroke, and only the newest
    text's findings matter, so changes that arrive while a lint runs are linted together, once,
    after it (the versions in between are never published)."""
    if ls.project is None or not _is_python(uri) or uri in ls.linting:
        return
    ls.linting[uri] = asyncio.ensure_future(_lint_newest(ls, uri))


async def _lint_newest(ls: FastapiLintServer, uri: str) -> None:
    path = _path(uri)
    try:
        async with ls.lock:
            while True:
                project = ls.project
                if project is None or not _is_open(ls, uri):
                    return  # closed meanwhile, or the settings changed (they re-lint)
                document = ls.workspace.get_text_document(uri)
                version = document.version
                # Off the event loop: the editor's next changes are read meanwhile.
                linted, moved = await asyncio.to_thread(_lint, project, path, document.source)
                if ls.workspace.get_text_document(uri).version == version:
                    # No change since the text was taken (nothing awaited since the check):
                    # the next change schedules a lint of its own.
                    ls.linting.pop(uri, None)
                    break
            if project is not ls.project:
                return
            _publish(ls, linted, version)
            for other in moved:
                _publish(ls, other)
    finally:
        if ls.linting.get(uri) is asyncio.current_task():
            ls.linting.pop(uri, None)


def _lint(project: ResidentProject, path: str, text: str) -> tuple[Document, list[Document]]:
    """The buffer linted against the project, and the other open buffers whose findings moved."""
    return project.update(path, text), project.dependants(path)


def _publish_dependants(ls: FastapiLintServer, path: str) -> None:
    if ls.project is None:
        return
    for other in ls.project.dependants(path):
        _publish(ls, other)


def _publish(ls: FastapiLintServer, document: Document, version: int | None = None) -> None:
    lines = document.source.lines() or [""]
    found = [_diagnostic(ls, lines, d) for d in document.findings]
    ls.text_document_publish_diagnostics(
        lsp.PublishDiagnosticsParams(uri=_uri(document.path), diagnostics=found, version=version)
    )


def _diagnostic(ls: FastapiLintServer, lines: Sequence[str], found: Diagnostic) -> lsp.Diagnostic:
    codec = ls.workspace.position_codec
    start = codec.position_to_client_units(lines, lsp.Position(found.row - 1, found.col - 1))
    end = codec.position_to_client_units(lines, lsp.Position(found.end_row - 1, found.end_col - 1))
    url = found.url
    return lsp.Diagnostic(
        range=lsp.Range(start, end),
        message=found.message,
        severity=lsp.DiagnosticSeverity.Error
        if found.code == "FAL000"
        else lsp.DiagnosticSeverity.Warning,
        code=found.code,
        code_description=lsp.CodeDescription(href=url) if "://" in url else None,
        source=NAME,
        data={"fixable": found.fix is not None},
    )


# ---------------------------------------------------------------------- code actions


@server.feature(
    lsp.TEXT_DOCUMENT_CODE_ACTION,
    lsp.CodeActionOptions(
        code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL_KIND],
        resolve_provider=False,
    ),
)
async def code_action(ls: FastapiLintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    async with ls.lock:  # the fixes are linted against the index
        return _code_actions(ls, params)


def _code_actions(ls: FastapiLintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    project = ls.project
    uri = params.text_document.uri
    if project is None or not _is_python(uri):
        return []
    document = project.open.get(os.path.abspath(_path(uri)))
    if document is None:
        return []
    version = ls.workspace.get_text_document(uri).version
    lines = document.source.lines() or [""]
    codec = ls.workspace.position_codec
    wanted = codec.range_from_client_units(lines, params.range)
    first = (wanted.start.line + 1, wanted.start.character + 1)
    last = (wanted.end.line + 1, wanted.end.character + 1)
    only = params.context.only
    actions: list[lsp.CodeAction] = []
    if not only or any(k.startswith(lsp.CodeActionKind.QuickFix) for k in only):
        for found in document.findings:
            if (found.end_row, found.end_col) < first or (found.row, found.col) > last:
                continue
            if found.fix is not None and found.fix.applicability is not Applicability.DISPLAY_ONLY:
                actions.append(_fix_action(ls, document, version, found, found.fix))
            noqa = _noqa_action(ls, document, version, found)
            if noqa is not None:
                actions.append(noqa)
    if not only or any(FIX_ALL_KIND.startswith(k) or k == lsp.CodeActionKind.Source for k in only):
        fixed = project.fix_all(document.path)
        if fixed is not None:
            actions.append(
                lsp.CodeAction(
                    title=f"{NAME}: fix all safe fixes",
                    kind=FIX_ALL_KIND,
                    edit=_whole_document_edit(ls, document, version, fixed),
                )
            )
    return actions


def _fix_action(
    ls: FastapiLintServer, document: Document, version: int | None, found: Diagnostic, fix: Fix
) -> lsp.CodeAction:
    safe = fix.applicability is Applicability.SAFE
    what = fix.message or f"Fix {found.code}"
    title = f"{NAME} ({found.code}): {what}" + ("" if safe else " (unsafe fix)")
    lines = document.source.lines() or [""]
    codec = ls.workspace.position_codec
    edits = []
    for edit in fix.edits:
        start = _position(document, edit.start)
        end = _position(document, edit.end)
        edits.append(
            lsp.TextEdit(
                range=lsp.Range(
                    codec.position_to_client_units(lines, start),
                    codec.position_to_client_units(lines, end),
                ),
                new_text=edit.content,
            )
        )
    return lsp.CodeAction(
        title=title,
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[_diagnostic(ls, lines, found)],
        is_preferred=safe,
        edit=_edit(document, version, edits),
    )


def _noqa_action(
    ls: FastapiLintServer, document: Document, version: int | None, found: Diagnostic
) -> lsp.CodeAction | None:

    source = document.source
    # Where `--add-noqa` puts it: the finding's line, or the end of the multi-line string or
    # continued line it is part of; merged into a noqa comment already there.
    row = comment_row(source, found.row)
    line = source.line(row)
    if suppressed_codes(line) == frozenset():
        return None  # a blanket noqa comment already suppresses everything on the line
    new_line = with_codes(line, [found.code])
    start = source.line_starts[row - 1]
    text = source.text[:start] + new_line + source.text[start + len(line) :]
    # The comment must count for the finding and break nothing.
    if not _compiles(text):
        return None
    if suppressing_row(source.rewritten(text), found.code, found.row) is None:
        return None
    lines = source.lines() or [""]
    codec = ls.workspace.position_codec
    begin = lsp.Position(row - 1, 0)
    stop = codec.position_to_client_units(lines, lsp.Position(row - 1, len(line)))
    return lsp.CodeAction(
        title=f"{NAME} ({found.code}): add `# noqa: {found.code}`",
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[_diagnostic(ls, lines, found)],
        edit=_edit(document, version, [lsp.TextEdit(lsp.Range(begin, stop), new_line)]),
    )


def _whole_document_edit(
    ls: FastapiLintServer, document: Document, version: int | None, text: str
) -> lsp.WorkspaceEdit:
    lines = document.source.lines() or [""]
    end = ls.workspace.position_codec.position_to_client_units(lines, lsp.Position(len(lines), 0))
    return _edit(document, version, [lsp.TextEdit(lsp.Range(lsp.Position(0, 0), end), text)])


def _edit(
    document: Document, version: int | None, edits: Sequence[lsp.TextEdit]
) -> lsp.WorkspaceEdit:
    identifier = lsp.OptionalVersionedTextDocumentIdentifier(
        uri=_uri(document.path), version=version
    )
    return lsp.WorkspaceEdit(
        document_changes=[lsp.TextDocumentEdit(text_document=identifier, edits=list(edits))]
    )


def _position(document: Document, offset: int) -> lsp.Position:
    row, col = document.source.position(offset)
    return lsp.Position(row - 1, col - 1)


def _compiles(text: str) -> bool:

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(text, "<noqa>", "exec", dont_inherit=True, flags=0x400)  # PyCF_ONLY_AST
        except (SyntaxError, ValueError):
            return False
    return True


# ---------------------------------------------------------------------- hover


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: FastapiLintServer, params: lsp.HoverParams) -> lsp.Hover | None:
    project = ls.project
    uri = params.text_document.uri
    if project is None or not _is_python(uri):
        return None
    document = project.open.get(os.path.abspath(_path(uri)))
    if document is None:
        return None
    lines = document.source.lines() or [""]
    at = ls.workspace.position_codec.position_from_client_units(lines, params.position)
    row, col = at.line + 1, at.character + 1
    source = document.source
    code = None
    if 1 <= row <= len(source.line_starts) and col - 1 <= len(source.line(row)):
        code = code_at(source, source.line_starts[row - 1] + col - 1)
    if code is None:
        for found in document.findings:
            if (found.row, found.col) <= (row, col) <= (found.end_row, found.end_col):
                code = found.code
                break
    if code is None:
        return None
    page = _rule_doc(code)
    if page is None:
        return None
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=page))


def _rule_doc(code: str) -> str | None:
    from .docs import rule_help  # noqa: PLC0415 - start-up: only `_rule_doc` needs it
    from .registry import rule_by_code_or_name  # noqa: PLC0415 - start-up: only `_rule_doc` needs it

    rule = rule_by_code_or_name(code)
    return rule_help(rule) if rule is not None else None


# ---------------------------------------------------------------------- helpers


def _path(uri: str) -> str:
    parsed = urlparse(uri)
    return unquote(parsed.path) if parsed.scheme == "file" else uri


def _uri(path: str) -> str:

    return Path(os.path.abspath(path)).as_uri()


def _is_open(ls: FastapiLintServer, uri: str) -> bool:
    documents = ls.workspace.text_documents
    return uri in documents or unquote(uri) in documents


def _is_python(uri: str) -> bool:
    return uri.startswith("file:") and _path(uri).endswith((".py", ".pyi"))


def main() -> None:
    from .parallel import tune_gc  # noqa: PLC0415 - start-up: only the server needs it

    # The collector set up as in the command line's processes from the start, so that the
    # first index, built in a thread, is built with it (`long_lived`, `collector_paused`); an
    # installed index is then kept out of its way (`_keep_resident`).
    tune_gc(freeze_checks=False)
    server.start_io()
