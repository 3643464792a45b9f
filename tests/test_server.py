"""The language server end to end: a real LSP client (pytest-lsp) drives `fastapi-lint server`
over stdio, as an editor does — initialize, open, change, code actions, applying their edits,
hover, shutdown."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

import pytest
import pytest_asyncio

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from clitools import SCRIPT  # noqa: E402
from editor_workspace import HELPERS, QUIET_HELPERS, ROUTES, write_workspace  # noqa: E402
from lsprotocol import types as lsp  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

pytestmark = pytest.mark.slow


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[SCRIPT, "server"]))
async def client(lsp_client: LanguageClient, tmp_path: Path):
    root = await asyncio.to_thread(write_workspace, tmp_path)
    registered: list[lsp.Registration] = []

    @lsp_client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(params: lsp.RegistrationParams) -> None:
        registered.extend(params.registrations)

    lsp_client.registered = registered  # type: ignore[attr-defined]
    capabilities = pytest_lsp.client_capabilities("visual-studio-code")
    params = lsp.InitializeParams(
        capabilities=capabilities,
        root_uri=root.as_uri(),
        workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name="app")],
    )
    await lsp_client.initialize_session(params)
    lsp_client.root = root  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


@pytest_asyncio.fixture
async def routes(client: LanguageClient) -> tuple[str, list[lsp.Diagnostic]]:
    """The workspace's app/routes.py open in the editor, once its first findings are in."""
    root: Path = client.root  # type: ignore[attr-defined]
    uri = _open(client, root / "app" / "routes.py", ROUTES)
    return uri, await _diagnostics(client, uri, {"FAL106", "FAL108"})


async def _diagnostics(client: LanguageClient, uri: str, want: set[str], timeout: float = 60):
    """Wait until the published diagnostics of `uri` have exactly the codes `want`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        found = client.diagnostics.get(uri, [])
        if {d.code for d in found} == want:
            return found
        if loop.time() > deadline:
            raise AssertionError(f"diagnostics of {uri}: {[d.code for d in found]}, want {want}")
        await asyncio.sleep(0.05)


def _open(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    """Open `path` in the client with the editor's `text` (as written by the test)."""
    uri = path.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "python", version, text))
    )
    return uri


async def _open_new(client: LanguageClient, name: str, text: str) -> str:
    """Write app/`name` with `text` and open it in the client."""
    path = client.root / "app" / name  # type: ignore[attr-defined]
    await asyncio.to_thread(path.write_text, text)
    return _open(client, path, text)


async def _actions(
    client: LanguageClient, uri: str, diagnostic: lsp.Diagnostic
) -> list[lsp.Command | lsp.CodeAction]:
    """The code actions the server offers on `diagnostic`, as an editor asks for them."""
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri),
            range=diagnostic.range,
            context=lsp.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    assert actions is not None
    return actions


def _apply(text: str, edit: lsp.WorkspaceEdit) -> str:
    """Apply a workspace edit's text edits to `text`, as a client does (ASCII test texts)."""
    assert edit.document_changes
    (change,) = edit.document_changes
    assert isinstance(change, lsp.TextDocumentEdit)
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: lsp.Position) -> int:
        if position.line >= len(lines):
            return len(text)
        return starts[position.line] + position.character

    for item in sorted(change.edits, key=lambda e: offset(e.range.start), reverse=True):
        assert isinstance(item, lsp.TextEdit)
        text = text[: offset(item.range.start)] + item.new_text + text[offset(item.range.end) :]
    return text


@pytest.mark.asyncio
async def test_open_shows_own_and_cross_module_findings(routes):
    _, found = routes
    chain = next(d for d in found if d.code == "FAL106")
    # The finding names the helper in another module: only the project index knows it.
    assert "describe → fetch_profile → requests.get" in chain.message
    assert chain.range.start == lsp.Position(line=12, character=11)
    assert chain.source == "fastapi-lint"
    # The code links to the rule's page on the documentation site ([project.urls]).
    from fastapi_lint.diagnostics import docs_base

    assert chain.code_description is not None
    assert chain.code_description.href == docs_base() + "rules/FAL106/"


@pytest.mark.asyncio
async def test_change_relints_the_buffer(client: LanguageClient, routes):
    uri, _ = routes
    # Delete the line with get_event_loop(): FAL108 goes, FAL106 stays.
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            [
                lsp.TextDocumentContentChangePartial(
                    range=lsp.Range(lsp.Position(11, 0), lsp.Position(12, 0)), text=""
                )
            ],
        )
    )
    found = await _diagnostics(client, uri, {"FAL106"})
    assert found[0].range.start.line == 11


@pytest.mark.asyncio
async def test_editing_a_helper_updates_its_callers(client: LanguageClient, routes):
    """A keystroke in one module re-resolves the cross-module findings of the other open one."""
    uri, _ = routes
    helpers = _open(client, client.root / "app" / "helpers.py", HELPERS)  # type: ignore[attr-defined]
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=helpers, version=2),
            [lsp.TextDocumentContentChangeWholeDocument(text=QUIET_HELPERS)],
        )
    )
    await _diagnostics(client, uri, {"FAL108"})


@pytest.mark.asyncio
async def test_quick_fix_and_fix_all(client: LanguageClient, routes):
    uri, found = routes
    fal108 = next(d for d in found if d.code == "FAL108")
    actions = await _actions(client, uri, fal108)
    titles = [a.title for a in actions if isinstance(a, lsp.CodeAction)]
    fix = next(
        a
        for a in actions
        if isinstance(a, lsp.CodeAction) and "(FAL108)" in a.title and "noqa" not in a.title
    )
    assert fix.kind == lsp.CodeActionKind.QuickFix and fix.is_preferred
    assert fix.edit is not None
    fixed = _apply(ROUTES, fix.edit)
    assert "asyncio.get_running_loop()" in fixed and "get_event_loop" not in fixed
    # Every finding can be suppressed from the editor.
    noqa = next(a for a in actions if isinstance(a, lsp.CodeAction) and "noqa: FAL108" in a.title)
    assert noqa.edit is not None
    assert "loop = asyncio.get_event_loop()  # noqa: FAL108\n" in _apply(ROUTES, noqa.edit)
    assert any("fix all" in t for t in titles)

    # Apply the quick fix as the client would, and the finding goes away.
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            [lsp.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    await _diagnostics(client, uri, {"FAL106"})


@pytest.mark.asyncio
async def test_fix_all_source_action(client: LanguageClient, routes):
    uri, _ = routes
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri),
            range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)),
            context=lsp.CodeActionContext(diagnostics=[], only=[lsp.CodeActionKind.SourceFixAll]),
        )
    )
    assert actions is not None and len(actions) == 1
    (action,) = actions
    assert isinstance(action, lsp.CodeAction) and action.edit is not None
    assert action.kind == "source.fixAll.fastapi-lint"
    fixed = _apply(ROUTES, action.edit)
    assert fixed == ROUTES.replace("get_event_loop", "get_running_loop")


@pytest.mark.asyncio
async def test_unsafe_fix_is_labelled(client: LanguageClient):
    text = textwrap.dedent(
        """\
        import time


        async def wait():
            time.sleep(1)
        """
    )
    uri = await _open_new(client, "jobs.py", text)
    (found,) = await _diagnostics(client, uri, {"FAL102"})
    actions = await _actions(client, uri, found)
    fix = next(a for a in actions if isinstance(a, lsp.CodeAction) and "noqa" not in a.title)
    assert fix.title.endswith("(unsafe fix)") and not fix.is_preferred


@pytest.mark.asyncio
async def test_hover_shows_rule_docs(client: LanguageClient):
    root: Path = client.root  # type: ignore[attr-defined]
    text = ROUTES.replace("fetch_profile(user_id)\n", "fetch_profile(user_id)  # noqa: FAL106\n")
    uri = _open(client, root / "app" / "routes.py", text)
    await _diagnostics(client, uri, {"FAL108"})
    line = text.splitlines()[12]
    on_code = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(12, line.index("FAL106") + 2))
    )
    assert on_code is not None and isinstance(on_code.contents, lsp.MarkupContent)
    assert on_code.contents.value.startswith("# transitive-blocking-call-in-async (FAL106)\n")
    on_finding = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(11, 20))
    )
    assert on_finding is not None and isinstance(on_finding.contents, lsp.MarkupContent)
    assert "event-loop-misuse" in on_finding.contents.value
    nothing = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(0, 0))
    )
    assert nothing is None


@pytest.mark.asyncio
async def test_settings_come_from_the_workspace_pyproject(client: LanguageClient, routes):
    """FAL106 is selected by the workspace's pyproject; a changed pyproject is read again."""
    root: Path = client.root  # type: ignore[attr-defined]
    uri, _ = routes
    config = '[tool.fastapi-lint]\nignore = ["FAL108"]\n'
    await asyncio.to_thread((root / "pyproject.toml").write_text, config)
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(
            [lsp.FileEvent((root / "pyproject.toml").as_uri(), lsp.FileChangeType.Changed)]
        )
    )
    await _diagnostics(client, uri, {"FAL106"})


@pytest.mark.asyncio
async def test_noqa_action_goes_where_the_statement_ends(client: LanguageClient):
    """On a line that opens a multi-line string the comment goes after the string, where
    `--add-noqa` puts it and where it is read."""
    text = 'import time\n\n\nasync def wait():\n    time.sleep(1); note = """a\n    b"""\n'
    uri = await _open_new(client, "notes.py", text)
    (found,) = await _diagnostics(client, uri, {"FAL102"})
    actions = await _actions(client, uri, found)
    noqa = next(a for a in actions if isinstance(a, lsp.CodeAction) and "noqa" in a.title)
    assert noqa.edit is not None
    assert _apply(text, noqa.edit).endswith('    b"""  # noqa: FAL102\n')


@pytest.mark.asyncio
async def test_a_burst_of_changes_ends_with_the_findings_of_the_last(client: LanguageClient):
    """An editor sends a change per keystroke; the server may skip versions that are already
    superseded, but the last diagnostics published are those of the newest text, for its
    version, and no older version's come after them."""
    root: Path = client.root  # type: ignore[attr-defined]
    published: list[tuple[int | None, set[str]]] = []
    features = client.protocol.fm.features
    default = features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def record(params: lsp.PublishDiagnosticsParams) -> None:
        if params.uri == uri:
            published.append((params.version, {str(d.code) for d in params.diagnostics}))
        default(params)

    features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record
    uri = _open(client, root / "app" / "routes.py", ROUTES)
    await _diagnostics(client, uri, {"FAL106", "FAL108"})
    text = ROUTES
    last = 41
    for version in range(2, last + 1):
        # Type a comment line at the end, a character at a time; the last change removes
        # the get_event_loop() line (FAL108 goes).
        text = (
            text.replace("    loop = asyncio.get_event_loop()\n", "") if version == last else text
        )
        text += "#" if version < last else ""
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [lsp.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
    await _diagnostics(client, uri, {"FAL106"})
    await asyncio.sleep(0.5)  # anything published late would come now
    assert published[-1] == (last, {"FAL106"})
    versions = [v for v, _ in published if v is not None]
    assert versions == sorted(versions)  # never an older version after a newer one
