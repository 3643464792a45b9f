"""Incremental project runs: with the result cache, a run after an edit resolves again only
the cross-module facts the edit may alter (`project.py`), and must report exactly what a run
without the cache reports — findings, messages and fixes — whatever the edit: facts that
appear or disappear in files that did not change, renamed and removed modules, package
markers added or removed, another working directory."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from fastapi_lint import parallel
from fastapi_lint.cache import Cache
from fastapi_lint.config import Configs, find_config, load_settings
from fastapi_lint.runner import discover_per_config, run

ROOT = Path(__file__).resolve().parent.parent
PROJECTS = ROOT / "fixtures" / "projects"
CLI = Path(sys.executable).with_name("fastapi-lint")


def _details(report) -> list[tuple[object, ...]]:
    return [
        (d.path, d.row, d.col, d.end_row, d.end_col, d.code, d.message, d.fix, d.fix_positions)
        for d in report.diagnostics
    ]


class _Decodes:
    """Counts the summaries a run decodes from the cache (and decodes them as before)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        decode = Cache.summary

        def counting(cache: Cache, hit: object) -> object:
            self.count += 1
            return decode(cache, hit)  # type: ignore[arg-type]

        monkeypatch.setattr(Cache, "summary", counting)


def _replace(path: Path, old: str, new: str) -> Callable[[], None]:
    def edit() -> None:
        text = path.read_text()
        assert old in text, (path, old)
        path.write_text(text.replace(old, new, 1))

    return edit


def _move(source: Path, target: Path) -> Callable[[], None]:
    return lambda: source.rename(target)


def _write(path: Path, text: str) -> Callable[[], None]:
    return lambda: path.write_text(text)


def _remove(path: Path) -> Callable[[], None]:
    return path.unlink


def _shop_edits(shop: Path) -> list[tuple[str, Callable[[], None], bool]]:
    """(what, edit, is it a change that updates the stored state rather than running the
    whole pass: one that brings no new module name)."""
    mailer = shop / "app/services/mailer.py"
    services = shop / "app/services"
    return [
        (
            "a helper stops blocking: a finding in another file goes",
            _replace(mailer, 'smtplib.SMTP("mail.internal.test")', "None"),
            True,
        ),
        (
            "it blocks again",
            _replace(mailer, "return None", 'return smtplib.SMTP("mail.internal.test")'),
            True,
        ),
        (
            "another method starts blocking: a finding in another file appears",
            _replace(mailer, 'return f"hello {user_id}"', 'return open("hello").read()'),
            True,
        ),
        (
            "a base class stops being a model",
            _replace(shop / "app/schemas/base.py", "class Schema(BaseModel):", "class Schema:"),
            True,
        ),
        (
            "it is a model again",
            _replace(shop / "app/schemas/base.py", "Schema:", "Schema(BaseModel):"),
            True,
        ),
        # A module name the project did not have may be one a fact looked for and did not
        # find: the whole pass runs again (see `project._Incremental._update`).
        ("a module is renamed", _move(mailer, services / "post.py"), False),
        ("and renamed back", _move(services / "post.py", mailer), False),
        ("a package marker is removed", _remove(services / "__init__.py"), False),
        ("and added again", _write(services / "__init__.py", ""), False),
        ("a module is removed", _remove(shop / "app/schemas/base.py"), True),
        (
            "a module is added that another file imports",
            _write(
                shop / "app/schemas/base.py",
                "from pydantic import BaseModel\n\n\nclass Schema(BaseModel):\n    pass\n",
            ),
            False,
        ),
    ]


@pytest.mark.parametrize("jobs", [1, 2])
def test_incremental_runs_report_what_a_run_without_cache_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
):
    """Runs with the cache after each edit report what a run without it reports; with two
    processes, the summaries come from the workers as a large project's do (packed, with
    the cache's form of each made in the worker)."""
    shop = tmp_path / "shop"
    shutil.copytree(PROJECTS / "shop", shop)

    def setup() -> None:
        monkeypatch.chdir(shop)
        # The shop's 22 files make one process otherwise (`parallel.MIN_FILES_PER_JOB`).
        monkeypatch.setattr(parallel, "MIN_FILES_PER_JOB", 1)

    setup()
    settings = load_settings(find_config(str(shop)))
    cold = run(["."], settings, cache=True, jobs=jobs)
    assert _details(cold) == _details(run(["."], settings))
    files = len(cold.files)
    seen = {tuple(_details(cold))}
    for what, edit, small in _shop_edits(shop):
        edit()
        decodes = _Decodes(monkeypatch)
        incremental = run(["."], settings, cache=True, jobs=jobs)
        monkeypatch.undo()
        setup()
        assert _details(incremental) == _details(run(["."], settings)), what
        if small:
            assert incremental.index is None, what  # an update, not the whole pass
            assert decodes.count < files - 1, what
        seen.add(tuple(_details(incremental)))
        # The next run, with nothing changed, reports the same from the stored state.
        again = run(["."], settings, cache=True, jobs=jobs)
        assert _details(again) == _details(incremental), what
    assert len(seen) >= 5  # the edits changed what is reported


def test_an_edit_that_leaves_every_summary_as_it_was_resolves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A comment added at the end changes the file but not its summary: the stored findings
    stand, no summary is decoded, and the runs after it (an edit that changes what another
    file is told, one that moves every line) still report what a run without cache does."""
    shop = tmp_path / "shop"
    shutil.copytree(PROJECTS / "shop", shop)
    monkeypatch.chdir(shop)
    settings = load_settings(find_config(str(shop)))
    run(["."], settings, cache=True)
    mailer = shop / "app/services/mailer.py"
    edits = [
        ("a comment at the end", lambda text: text + "\n# checked\n", True),
        (
            "then a helper stops blocking",
            lambda text: text.replace('smtplib.SMTP("mail.internal.test")', "None", 1),
            False,
        ),
        ("then a line above everything", lambda text: "# moved\n" + text, False),
        ("then another comment at the end", lambda text: text + "# again\n", True),
    ]
    for what, change, kept in edits:
        mailer.write_text(change(mailer.read_text()))
        decodes = _Decodes(monkeypatch)
        incremental = run(["."], settings, cache=True)
        monkeypatch.undo()
        monkeypatch.chdir(shop)
        assert _details(incremental) == _details(run(["."], settings)), what
        assert incremental.index is None, what
        if kept:
            assert decodes.count == 0, what
        assert _details(run(["."], settings, cache=True)) == _details(incremental), what


@pytest.mark.slow
def test_a_summary_made_in_a_worker_and_the_same_made_again_count_as_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Summaries made in the process pool cross packed, sharing strings, and marshal apart
    from the same summary made in the main process: they are compared by value, so the first
    run after a pooled one still finds a comment-only edit unchanged."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "helpers.py").write_text("import time\n\n\ndef pause():\n    time.sleep(1)\n")
    for n in range(40):
        (app / f"route{n}.py").write_text(
            "from fastapi import APIRouter\n\nfrom app.helpers import pause\n\n"
            "router = APIRouter()\n\n\n"
            f'@router.get("/{n}")\nasync def handler{n}():\n    pause()\n'
        )
    monkeypatch.chdir(tmp_path)
    settings = load_settings(None)
    cold = run(["app"], settings, cache=True, jobs=2)
    assert any(d.code == "FAL106" for d in cold.diagnostics)
    route = app / "route7.py"
    route.write_text(route.read_text() + "# reviewed\n")
    decodes = _Decodes(monkeypatch)
    after = run(["app"], settings, cache=True, jobs=2)
    assert decodes.count == 0  # nothing resolved: the summary is the one stored
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    assert _details(after) == _details(cold) == _details(run(["app"], settings))


def test_a_package_marker_above_and_another_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """An `__init__.py` added above the checked files renames every module; a run from
    another directory shows other paths: both change what the stored state holds."""
    layered = tmp_path / "layered"
    shutil.copytree(PROJECTS / "layered", layered)
    monkeypatch.chdir(layered)
    settings = load_settings(find_config(str(layered)))
    run(["."], settings, cache=True)
    (layered / "shared" / "__init__.py").write_text("")
    assert _details(run(["."], settings, cache=True)) == _details(run(["."], settings))
    (layered / "app" / "__init__.py").unlink()
    assert _details(run(["."], settings, cache=True)) == _details(run(["."], settings))
    monkeypatch.chdir(tmp_path)
    assert _details(run(["layered"], settings, cache=True)) == _details(run(["layered"], settings))


def test_the_cli_after_an_edit_prints_the_bytes_of_a_run_without_cache(tmp_path: Path):
    shop = tmp_path / "shop"
    shutil.copytree(PROJECTS / "shop", shop)
    command = [str(CLI), "check", ".", "--output-format", "json", "--exit-zero"]

    def check(*extra: str) -> bytes:
        done = subprocess.run([*command, *extra], cwd=shop, capture_output=True, check=True)
        return done.stdout

    first = check()
    assert first == check("--no-cache")
    mailer = shop / "app/services/mailer.py"
    mailer.write_text(
        mailer.read_text().replace('return f"hello {user_id}"', "return open('x').read()")
    )
    after = check()
    assert after != first
    assert after == check("--no-cache")
    assert check() == after  # and warm


def test_two_projects_in_one_run_each_keep_their_stored_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A run over two projects (a `requirements.txt` each: two groups with the same settings,
    one cache namespace) keeps one project record per group: after an edit in one project,
    neither group runs the whole pass again, and the output is that of a run without cache."""
    for name in ("shop", "helpers"):
        shutil.copytree(PROJECTS / name, tmp_path / name)
        (tmp_path / name / "requirements.txt").write_text("fastapi\n")
    monkeypatch.chdir(tmp_path)
    configs = Configs(project=lambda settings, project: settings)
    assert len(discover_per_config(["."], configs)) == 2
    cold = run(["."], configs, cache=True)
    assert _details(cold) == _details(run(["."], configs))
    space = next(p for p in (tmp_path / ".fastapi_lint_cache").iterdir() if p.is_dir())
    assert len(list(space.glob("project-*.marshal"))) == 2
    files = len(cold.files)
    decodes = _Decodes(monkeypatch)
    assert _details(run(["."], configs, cache=True)) == _details(cold)
    assert decodes.count == 0  # warm: every group's findings as stored
    _replace(
        tmp_path / "shop/app/services/mailer.py",
        'return f"hello {user_id}"',
        'return open("hello").read()',
    )()
    edited = run(["."], configs, cache=True)
    assert decodes.count < files // 2  # only what the edit can reach, in one group
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    assert _details(edited) == _details(run(["."], configs))
    assert _details(edited) != _details(cold)


def _project_record_damages(record: tuple) -> list[tuple[str, tuple]]:  # type: ignore[type-arg]
    """One damage at a time to a project record (checksum right, content not)."""
    tag, files, order, modules, displays, digests, present, found = record
    return [
        ("a column shorter than the others", (*record[:4], displays[:-1], *record[5:])),
        ("a module name that is not text", (*record[:3], (*modules[:-1], 7), *record[4:])),
        ("a digest that is not bytes", (*record[:5], (*digests[:-1], "x"), *record[6:])),
        ("a presence flag neither 0 nor 1", (*record[:6], b"\x02" * len(present), found)),
        ("a file twice", (tag, files, (*order[:-1], order[0]), *record[3:])),
        ("the layout of format project-2", (tag, files, order, {}, found)),
        ("another version's tag", ("project-0", *record[1:])),
    ]


def test_a_damaged_project_record_is_no_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Each damage to the columns of the stored project state makes it unreadable (the whole
    pass runs again, as without a record), never an error or a wrong answer."""
    from fastapi_lint import cache as cache_module

    shop = tmp_path / "shop"
    shutil.copytree(PROJECTS / "shop", shop)
    monkeypatch.chdir(shop)
    settings = load_settings(find_config(str(shop)))
    # FAL106 here follows calls into other modules: what the record is for.
    assert any(d[5] == "FAL106" for d in _details(run(["."], settings)))
    run(["."], settings, cache=True)
    (record_path,) = (shop / ".fastapi_lint_cache").glob("*/project.marshal")
    good = cache_module.Cache._read(str(record_path))
    assert isinstance(good, tuple)
    store = Cache(str(record_path.parent.parent), record_path.parent.name, str(shop))
    assert store.project_state() is not None
    mailer = shop / "app/services/mailer.py"
    for what, damaged in _project_record_damages(good):
        record_path.write_bytes(cache_module._sealed(damaged))
        assert Cache(store.base, record_path.parent.name, str(shop)).project_state() is None, what
        # An edit on top: the run cannot update the record, so it resolves everything.
        mailer.write_text(mailer.read_text() + "\n# edited\n")
        assert _details(run(["."], settings, cache=True)) == _details(run(["."], settings)), what


def test_a_damaged_dependencies_record_means_the_whole_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """What the findings read (`depends.marshal`) is needed only when a file changed: if its
    positions are not whole numbers of positions, or it belongs to another run, the update
    gives way to the whole pass, never an error."""
    from fastapi_lint import cache as cache_module

    shop = tmp_path / "shop"
    shutil.copytree(PROJECTS / "shop", shop)
    monkeypatch.chdir(shop)
    settings = load_settings(find_config(str(shop)))
    run(["."], settings, cache=True)
    (depends_path,) = (shop / ".fastapi_lint_cache").glob("*/depends.marshal")
    tag, order, names, files = cache_module.Cache._read(str(depends_path))  # type: ignore[misc]
    damages = {
        "positions cut short": (tag, order, names, {k: v[:-1] for k, v in files.items()}),
        "another run's order": (tag, order[::-1], names, files),
    }
    mailer = shop / "app/services/mailer.py"
    for what, damaged in damages.items():
        run(["."], settings, cache=True)
        depends_path.write_bytes(cache_module._sealed(damaged))
        # A line above everything: the summary changes (an appended comment would leave it
        # as it was, and nothing would be resolved or read).
        mailer.write_text("# edited\n" + mailer.read_text())
        incremental = run(["."], settings, cache=True)
        assert incremental.index is not None, what  # the whole pass ran
        assert _details(incremental) == _details(run(["."], settings)), what
