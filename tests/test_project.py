"""Project analysis: summaries, the index, and the cross-module findings on fixture projects.

`fixtures/projects/<name>/` are small multi-package applications. Every line that must draw a
cross-module finding says so with `# expect: CODE ...`; every other line must draw none of
these codes (the look-alikes: a sync helper without I/O, a function run through
`asyncio.to_thread`, a project class's `get`, a same-named function in another module, a
generator, a model defining its own `dict`). The full messages (FAL106 chains) are snapshots.
"""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import expected_codes

from fastapi_lint.config import apply_overrides, find_config, load_settings, resolve_project
from fastapi_lint.engine import lint_source
from fastapi_lint.project import load_index
from fastapi_lint.registry import RuleSet
from fastapi_lint.runner import Mode, run
from fastapi_lint.semantic.index import ProjectIndex
from fastapi_lint.semantic.modules import module_name
from fastapi_lint.settings import Settings
from fastapi_lint.source import Source

ROOT = Path(__file__).resolve().parent.parent
PROJECTS = ROOT / "fixtures" / "projects"
SNAPSHOTS = Path(__file__).parent / "snapshots" / "projects"
CODES = (
    "FAL101",
    "FAL105",
    "FAL106",
    "FAL107",
    "FAL201",
    "FAL202",
    "FAL203",
    "FAL204",
    "FAL301",
    "FAL302",
    "FAL303",
    "FAL304",
    "FAL310",
    "FAL312",
    "FAL313",
    "FAL401",
    "FAL402",
    "FAL403",
    "FAL501",
    "FAL504",
    "FAL901",
)
ALONE = "found alone too"  # a finding on such a line needs no other module


def _settings(project: Path, **overrides: object) -> Settings:
    settings = load_settings(find_config(str(project)))
    return apply_overrides(settings, select=list(CODES), **overrides)


def _expected(project: Path, alone: bool = False) -> set[tuple[str, int, str]]:
    found = set()
    for path in project.rglob("*.py"):
        for row, line in enumerate(path.read_text().splitlines(), 1):
            if ALONE in line or not alone:
                for code in expected_codes(line):
                    if code in CODES:  # a project may also say what other rules find
                        found.add((path.relative_to(project).as_posix(), row, code))
    return found


@pytest.mark.parametrize("name", sorted(p.name for p in PROJECTS.iterdir() if p.is_dir()))
def test_project_findings(name: str, snapshot, monkeypatch):
    project = PROJECTS / name
    monkeypatch.chdir(project)
    report = run(["."], _settings(project))
    assert not report.errors, report.errors
    found = {(d.path, d.row, d.code) for d in report.diagnostics}
    assert found == _expected(project)
    snapshot.snapshot_dir = SNAPSHOTS
    lines = [f"{d.path}:{d.row}:{d.col}: {d.code} {d.message}" for d in report.diagnostics]
    snapshot.assert_match("\n".join(lines) + "\n", f"{name}.txt")


@pytest.mark.parametrize("name", sorted(p.name for p in PROJECTS.iterdir() if p.is_dir()))
def test_each_file_alone_sees_no_cross_module_finding(name: str, monkeypatch):
    """Without the project pass (one file at a time), only the findings marked as reachable
    alone appear: the others need another module."""
    project = PROJECTS / name
    monkeypatch.chdir(project)
    settings = _settings(project)
    found = set()
    for path in project.rglob("*.py"):
        report = run([str(path.relative_to(project))], settings, project=False)
        found |= {(d.path, d.row, d.code) for d in report.diagnostics}
    assert found == _expected(project, alone=True)


def test_fixes_across_modules(tmp_path: Path, monkeypatch):
    copy = tmp_path / "shop"
    shutil.copytree(PROJECTS / "shop", copy)
    monkeypatch.chdir(copy)
    settings = _settings(copy, unsafe_fixes=True)
    first = run(["."], settings, Mode(fix=True, unsafe=True))
    assert not first.errors
    orders = (copy / "app/api/orders.py").read_text()
    assert "data = order.model_dump()" in orders
    assert "    await send_receipt(data" in orders
    assert "changes = order.model_dump(exclude_unset=True)" in orders
    assert "schemas.OrderCreate.model_json_schema()" in orders
    users = (copy / "app/api/users.py").read_text()
    assert "patch.dict(exclude_unset=True)" in users  # its own `dict`: left alone
    assert "    await service.queue(user_id)  # expect" in users
    left = {d.code for d in first.diagnostics}
    # No fix: a design decision (FAL106, FAL403), or no parameter that could be the misnamed
    # path parameter (FAL504 offers only the rename).
    assert left == {"FAL106", "FAL403", "FAL504"}
    before = {p: p.read_bytes() for p in copy.rglob("*.py")}
    second = run(["."], settings, Mode(fix=True, unsafe=True))
    assert not second.fixed
    assert {p: p.read_bytes() for p in copy.rglob("*.py")} == before


def test_fixes_of_models_with_a_base_in_another_module(tmp_path: Path, monkeypatch):
    """`--fix` in a project run applies the fixes of findings the index confirmed: the
    `class Config` of a model whose base lives in another module, the settings kind taken from
    that base, the fields v1 defaulted to None, and attributes v1 made fields without an
    annotation."""
    copy = tmp_path / "layered"
    shutil.copytree(PROJECTS / "layered", copy)
    monkeypatch.chdir(copy)
    settings = _settings(copy, unsafe_fixes=True)
    first = run(["."], settings, Mode(fix=True, unsafe=True))
    assert not first.errors
    # A `__root__` model is reported, never rewritten (its dumps change shape in v2).
    assert [(d.path, d.row, d.code) for d in first.diagnostics] == [
        ("app/catalogue.py", 12, "FAL313")
    ]
    assert (
        "    is_sale: bool = False  # expect: FAL312\n" in (copy / "app/catalogue.py").read_text()
    )
    items = (copy / "app/items.py").read_text()
    assert "from pydantic import ConfigDict\n" in items
    assert "    note: Optional[str] = None  # expect: FAL310\n" in items
    assert "    model_config = ConfigDict(\n" in items
    assert "        populate_by_name=True,\n" in items
    assert "    tags: Optional[list] = None  # expect: FAL310\n" in items
    # The look-alikes (a project base that is no model, a plain class) keep their `Config`.
    assert items.count("class Config:") == 2
    settings_module = (copy / "app/settings.py").read_text()
    assert "from pydantic_settings import SettingsConfigDict" in settings_module
    assert "    model_config = SettingsConfigDict(\n" in settings_module
    assert '        env_file=".env",\n' in settings_module
    events = (copy / "app/events.py").read_text()
    assert "    model_config = ConfigDict(\n" in events
    assert '        extra="forbid",\n' in events
    before = {p: p.read_bytes() for p in copy.rglob("*.py")}
    second = run(["."], settings, Mode(fix=True, unsafe=True))
    assert not second.fixed
    assert {p: p.read_bytes() for p in copy.rglob("*.py")} == before


@pytest.mark.parametrize(("pin", "found"), [("pydantic<2", True), ("pydantic>=2", False)])
def test_declared_pydantic_decides_fields_of_models_based_elsewhere(
    tmp_path: Path, monkeypatch, pin: str, found: bool
):
    """A module with no hint of its own (no pydantic import, no `Config`) is v1 code when the
    project pins Pydantic 1: the fields of its models based in another module are reported."""
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "p"\nversion = "0"\ndependencies = ["{pin}"]\n'
    )
    (tmp_path / "app").mkdir()
    (tmp_path / "app/__init__.py").write_text("")
    (tmp_path / "app/base.py").write_text(
        "from pydantic import BaseModel\n\n\nclass AppBase(BaseModel):\n    pass\n"
    )
    (tmp_path / "app/items.py").write_text(
        "from typing import Optional\n\nfrom app.base import AppBase\n\n\n"
        "class Item(AppBase):\n    note: Optional[str]\n"
    )
    monkeypatch.chdir(tmp_path)
    report = run(["."], resolve_project(_settings(tmp_path), str(tmp_path)))
    assert not report.errors
    expected = [("app/items.py", 7, "FAL310")] if found else []
    assert [(d.path, d.row, d.code) for d in report.diagnostics] == expected


# ---------------------------------------------------------------- module names


def test_module_names_of_layouts(tmp_path: Path):
    (tmp_path / "src/app/api").mkdir(parents=True)
    (tmp_path / "src/app/__init__.py").write_text("")
    (tmp_path / "src/app/api/__init__.py").write_text("")
    (tmp_path / "src/app/api/users.py").write_text("")
    assert module_name(str(tmp_path / "src/app/api/users.py")) == "app.api.users"
    assert module_name(str(tmp_path / "src/app/api/__init__.py")) == "app.api"
    assert module_name(str(tmp_path / "src/app/__init__.py")) == "app"
    # Namespace-less directories: the file's own name (the index adds path aliases).
    (tmp_path / "plain/routers").mkdir(parents=True)
    (tmp_path / "plain/routers/users.py").write_text("")
    assert module_name(str(tmp_path / "plain/routers/users.py")) == "users"


def _summary(text: str, path: str, module: str, is_package: bool = False):
    result = lint_source(
        Source(text),
        path,
        RuleSet(Settings()),
        module=module,
        is_package=is_package,
        summarize=True,
        resolve_facts=False,
    )
    assert not result.errors, result.errors
    assert result.summary is not None
    return result.summary


def test_namespace_packages_resolve_by_path(tmp_path: Path):
    """`app/` and `app/routers/` without `__init__.py`: `from app.services.io import fetch`
    still reaches `app/services/io.py`, whose module name is plain `io`."""
    service = _summary(
        "import requests\n\ndef fetch(u):\n    return requests.get(u)\n",
        "app/services/io.py",
        "io",
    )
    route = _summary(
        "from app.services.io import fetch\n\nasync def handler(u):\n    return fetch(u)\n",
        "app/routers/users.py",
        "users",
    )
    index = ProjectIndex([service, route])
    assert index.resolve("app.services.io.fetch") == ("function", "io.fetch")
    assert index.resolve("services.io.fetch") == ("function", "io.fetch")
    [finding] = index.diagnostics(route)
    assert finding.code == "FAL106"
    assert "handler → fetch → requests.get (app/services/io.py:4)" in finding.message


def test_an_answer_keeps_only_the_names_asked_about(tmp_path: Path):
    """What an answer consulted is kept for the names a caller can ask about (the project's,
    with `keep_reads_of`): the chain through `app.services.io` reads `requests` and the
    like too, which no later question is about; and a change of the module it went through
    still makes the answer stale (`with_module`)."""
    service = _summary(
        "import requests\n\ndef fetch(u):\n    return requests.get(u)\n",
        "app/services/io.py",
        "app.services.io",
    )
    route = _summary(
        "from app.services.io import fetch\n\nasync def handler(u):\n    return fetch(u)\n",
        "app/routes.py",
        "app.routes",
    )
    every = set(ProjectIndex([service, route]).answer(route)[1])
    narrowed = ProjectIndex([service, route])
    project = frozenset(narrowed.module_names())
    narrowed.keep_reads_of(project)
    found, reads = narrowed.answer(route)
    read = set(reads)
    assert len(read) == len(reads)  # each name once
    assert [d.code for d in found] == ["FAL106"]
    assert {"app.routes", "app.services.io"} <= read == every & project < every
    quiet = _summary("def fetch(u):\n    return u\n", "app/services/io.py", "app.services.io")
    assert narrowed.with_module(quiet, in_place=True).diagnostics(route) == []


def test_same_module_name_twice_is_ambiguous():
    one = _summary("import time\n\ndef work():\n    time.sleep(1)\n", "a/jobs.py", "jobs")
    two = _summary("def work():\n    return 1\n", "b/jobs.py", "jobs")
    caller = _summary(
        "from jobs import work\n\nasync def handler():\n    work()\n", "main.py", "main"
    )
    index = ProjectIndex([one, two, caller])
    assert index.resolve("jobs.work") is None
    assert index.diagnostics(caller) == []
    # Each module still resolves its own names.
    own = _summary(
        "import time\n\ndef work():\n    time.sleep(1)\n\nasync def h():\n    work()\n",
        "a/jobs.py",
        "jobs",
    )
    assert [d.code for d in index.with_module(own).diagnostics(own)] == ["FAL106"]


def test_import_forms_and_reexports():
    services = _summary(
        "from .profiles import fetch as fetch_profile\n",
        "app/services/__init__.py",
        "app.services",
        True,
    )
    profiles = _summary(
        "import requests\n\ndef fetch(u):\n    return requests.get(u)\n",
        "app/services/profiles.py",
        "app.services.profiles",
    )
    index = ProjectIndex([services, profiles])
    target = ("function", "app.services.profiles.fetch")
    assert index.resolve("app.services.fetch_profile") == target
    assert index.resolve("app.services.profiles.fetch") == target
    assert index.resolve("app.services.nothing") is None
    assert index.resolve("requests.get") is None


def test_import_cycles_and_alias_loops_terminate():
    a = _summary("from b import f\n", "a.py", "a")
    b = _summary("from a import f\n", "b.py", "b")
    index = ProjectIndex([a, b])
    assert index.resolve("a.f") is None
    assert index.blocking("a.f") is None


def test_summary_is_plain_and_round_trips():
    summary = _summary(
        "from fastapi import APIRouter\nfrom app.schemas import Item\n\nrouter = APIRouter()\n\n"
        "@router.patch('/{i}')\nasync def update(i: int, item: Item):\n    return item.dict()\n",
        "app/api.py",
        "app.api",
    )
    assert summary.facts  # FAL304 and FAL501 wait for the index
    assert pickle.loads(pickle.dumps(summary)) == summary


def test_stored_project_is_the_last_runs(tmp_path: Path, monkeypatch):
    """What the flake8 plugin loads: the summaries of the files the last cached run covered,
    for the same settings and rules only."""
    copy = tmp_path / "shop"
    shutil.copytree(PROJECTS / "shop", copy)
    monkeypatch.chdir(copy)
    settings = _settings(copy)
    codes = RuleSet(settings).codes
    assert load_index(settings, codes) is None  # no run yet
    run(["app/api"], settings, cache=True)
    partial = load_index(settings, codes)
    assert partial is not None
    assert sorted(s.path for s in partial.summaries) == sorted(
        str(p.relative_to(copy)) for p in (copy / "app/api").glob("*.py")
    )
    run(["."], settings, cache=True)
    full = load_index(settings, codes)
    assert full is not None
    assert len(full.summaries) == len(list(copy.rglob("*.py")))
    # A run over one file (pre-commit) keeps the others; a deleted file leaves the list.
    (copy / "app/services/util.py").unlink()
    run(["app/main.py"], settings, cache=True)
    after = load_index(settings, codes)
    assert after is not None
    assert len(after.summaries) == len(full.summaries) - 1
    # Other settings (another blocking table): nothing stored for them.
    other = apply_overrides(settings, extend_blocking_calls={"FAL101": ["x.get"]})
    assert load_index(other, RuleSet(other).codes) is None


@pytest.mark.slow
def test_flake8_uses_the_stored_index(tmp_path: Path):
    copy = tmp_path / "shop"
    shutil.copytree(PROJECTS / "shop", copy)
    flake8 = [sys.executable, "-m", "flake8", "--select", "FAL106", "app/api/orders.py"]
    alone = subprocess.run(flake8, cwd=copy, capture_output=True, text=True)
    assert alone.returncode == 0, alone.stdout + alone.stderr  # one file: no chain to follow
    checked = subprocess.run(
        [str(Path(sys.executable).parent / "fastapi-lint"), "check", ".", "-q"],
        cwd=copy,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 1, checked.stdout + checked.stderr
    with_index = subprocess.run(flake8, cwd=copy, capture_output=True, text=True)
    assert with_index.stdout.count("FAL106") == 2, with_index.stdout + with_index.stderr


def test_summary_round_trips_through_its_plain_form():
    """The result cache stores summaries, facts and their fixes included, as plain tuples."""
    from fastapi_lint.semantic.records import from_plain, to_plain

    summary = _summary(
        "from fastapi import APIRouter\nfrom app.schemas import Item\n\nrouter = APIRouter()\n\n"
        "@router.patch('/{i}')\nasync def update(i: int, item: Item):\n    return item.dict()\n",
        "app/api.py",
        "app.api",
    )
    assert any(fact.fix is not None for fact in summary.facts)
    plain = to_plain(summary)
    import marshal

    assert from_plain(marshal.loads(marshal.dumps(plain))) == summary
    assert from_plain(json.loads(json.dumps(plain))) == summary


def _findings(report) -> list[str]:
    return [f"{d.path}:{d.row}:{d.col}: {d.code} {d.message}" for d in report.diagnostics]


def test_pool_and_cache_give_the_serial_findings(tmp_path: Path, monkeypatch):
    """Pass 1 in worker processes, or served from the result cache, changes nothing; and a
    cached file's cross-module findings follow a change in another module."""
    from fastapi_lint import parallel

    copy = tmp_path / "shop"
    shutil.copytree(PROJECTS / "shop", copy)
    monkeypatch.chdir(copy)
    settings = _settings(copy)
    serial = _findings(run(["."], settings))
    monkeypatch.setattr(parallel, "MIN_FILES_PER_JOB", 1)  # the fixture is small
    pooled = _findings(run(["."], settings, jobs=2))
    assert pooled == serial
    # Entries stored by a run without project analysis hold no summary: a project run then
    # summarises those files again rather than leaving them out of the index.
    alone = run(["."], settings, jobs=2, cache=True, project=False)
    assert len(alone.diagnostics) < len(serial)
    assert _findings(run(["."], settings, jobs=2, cache=True)) == serial
    shutil.rmtree(copy / ".fastapi_lint_cache")
    cold = _findings(run(["."], settings, jobs=2, cache=True))
    assert cold == serial
    assert (copy / ".fastapi_lint_cache").is_dir()
    # Warm: nothing is linted again (lint_source would raise), the findings are the same.
    import fastapi_lint.file_check as file_check

    def no_lint(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cached file was linted again")

    with monkeypatch.context() as patched:
        patched.setattr(file_check, "lint_source", no_lint)
        warm_report = run(["."], settings, jobs=1, cache=True)
    assert _findings(warm_report) == serial
    assert warm_report.index is None  # nothing changed: the cross-module findings were cached
    # The mailer stops blocking: users.py is unchanged (served from the cache), yet its
    # FAL106 chain through the mailer is gone.
    mailer = copy / "app/services/mailer.py"
    mailer.write_text(mailer.read_text().replace('smtplib.SMTP("mail.internal.test")', "None"))
    after = _findings(run(["."], settings, jobs=1, cache=True))
    assert [f for f in serial if "smtplib" in f]
    assert after == [f for f in serial if "smtplib" not in f]


@pytest.mark.parametrize("record_reads", [True, False], ids=["recorded", "unrecorded"])
@pytest.mark.parametrize("name", sorted(p.name for p in PROJECTS.iterdir() if p.is_dir()))
def test_with_module_equals_a_rebuilt_index(name: str, record_reads: bool, monkeypatch):
    """The fix loop swaps a file's summary into the index; the updated index must answer as
    one built from scratch — for the file itself and for every other module — whether the
    new summary keeps the chains' shape (same text) or not (lines added above everything).
    An index that recorded no consulted names (a run without the cache) must too."""
    project = PROJECTS / name
    monkeypatch.chdir(project)
    settings = _settings(project)
    ruleset = RuleSet(settings)
    paths = sorted(str(p.relative_to(project)) for p in project.rglob("*.py"))

    def summarise(path: str, text: str):
        result = lint_source(
            Source(text),
            path,
            ruleset,
            module=module_name(path),
            is_package=path.endswith("__init__.py"),
            summarize=True,
            resolve_facts=False,
        )
        assert result.summary is not None
        return result.summary

    texts = {path: Path(path).read_text() for path in paths}
    summaries = [summarise(path, texts[path]) for path in paths]
    index = ProjectIndex(summaries, record_reads=record_reads)
    # Updated in place, as the language server's.
    resident = ProjectIndex(summaries, record_reads=record_reads)
    for summary in summaries:
        index.diagnostics(summary)  # fill the caches the update may carry over
        resident.diagnostics(summary)
    for position, path in enumerate(paths):
        for text in (texts[path], "import os\nimport sys\n" + texts[path]):
            fresh = summarise(path, text)
            updated = index.with_module(fresh)
            assert resident.with_module(fresh, in_place=True) is resident
            rebuilt = ProjectIndex([*summaries[:position], *summaries[position + 1 :], fresh])
            for summary in [*summaries[:position], fresh, *summaries[position + 1 :]]:
                assert updated.diagnostics(summary) == rebuilt.diagnostics(summary), path
                assert resident.diagnostics(summary) == rebuilt.diagnostics(summary), path
        resident.with_module(summaries[position], in_place=True)  # the file as it was


def _consulted(index: ProjectIndex) -> list[frozenset[str]]:
    """The consulted module names the index keeps with its stored answers."""
    return [
        *(names for _, names in index._resolved.values()),
        *(answer[3] for answer in index._blocking.values()),
        *(names for _, names in index._edges.values()),
    ]


@pytest.mark.parametrize("name", sorted(p.name for p in PROJECTS.iterdir() if p.is_dir()))
def test_a_run_without_the_cache_keeps_no_consulted_names(name: str, monkeypatch):
    """`fastapi-lint check --no-cache` (`keep_index=False`) gives the findings of a run whose
    index records what every answer read, and keeps none of those names: nobody updates
    its index afterwards (on the corpus they were more than half of the run's memory)."""
    project = PROJECTS / name
    monkeypatch.chdir(project)
    settings = _settings(project)
    kept = run(["."], settings, jobs=1)
    alone = run(["."], settings, jobs=1, keep_index=False)
    assert _findings(alone) == _findings(kept)
    assert kept.index is not None and alone.index is not None
    assert any(_consulted(kept.index))  # the names exist where an update may need them
    assert len(_consulted(alone.index)) == len(_consulted(kept.index))  # the same answers
    assert not any(_consulted(alone.index))
    assert not alone.index.deps
    # With fixes the index is updated after every re-lint: it records.
    fixing = run(["."], settings, Mode(diff=True), jobs=1, keep_index=False)
    assert fixing.index is not None and any(_consulted(fixing.index))


def test_with_module_keeps_a_shared_module_name_incremental(tmp_path: Path, monkeypatch):
    """Two copies of a package in one workspace (an editor opens a monorepo, the corpus holds
    two fastapi-users releases): each edit of one copy updates the index in place, and the
    result answers as an index rebuilt with the new summary in the same place."""
    helpers = "import time\n\n\ndef pause():\n    time.sleep(1)\n"
    routes = (
        "import time\n\nfrom app.helpers import pause\n\n\ndef local():\n    time.sleep(1)\n\n\n"
        "async def handler():\n    local()\n    pause()\n"
    )
    for copy in ("one", "two"):
        (tmp_path / copy / "app").mkdir(parents=True)
        (tmp_path / copy / "app" / "__init__.py").write_text("")
        (tmp_path / copy / "app" / "helpers.py").write_text(helpers)
        (tmp_path / copy / "app" / "routes.py").write_text(routes)
    monkeypatch.chdir(tmp_path)
    ruleset = RuleSet(Settings())
    paths = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.py"))

    def summarise(path: str, text: str):
        result = lint_source(
            Source(text),
            path,
            ruleset,
            module=module_name(path),
            is_package=path.endswith("__init__.py"),
            summarize=True,
            resolve_facts=False,
        )
        assert result.summary is not None
        return result.summary

    summaries = [summarise(path, Path(path).read_text()) for path in paths]
    assert module_name(paths[1]) == module_name(paths[4]) == "app.helpers"
    index = ProjectIndex(summaries)
    for position, path in enumerate(paths):
        for text in (Path(path).read_text(), "import os\n\n" + Path(path).read_text()):
            fresh = summarise(path, text)
            updated = index.with_module(fresh)
            in_place = [*summaries[:position], fresh, *summaries[position + 1 :]]
            rebuilt = ProjectIndex(in_place)
            assert updated._key_of(fresh) == rebuilt._key_of(fresh)
            tables = [updated._tables_of(slot) for slot in range(len(updated))]
            assert tables == [rebuilt._tables_of(slot) for slot in range(len(rebuilt))]
            for summary in in_place:
                assert updated.diagnostics(summary) == rebuilt.diagnostics(summary), path
    # The in-file chain is found in each copy, under its private key; `pause` (from a module
    # name two files claim) is not followed.
    routes_one = summaries[paths.index("one/app/routes.py")]
    assert [d.code for d in index.diagnostics(routes_one)] == ["FAL106"]
