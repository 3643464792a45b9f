"""The result cache: a hit gives exactly what linting would, and anything that could change the
findings (the file, a setting, the rules, the version) is a miss. A damaged cache is ignored."""

from __future__ import annotations

import marshal
import os
import shutil
import time
from pathlib import Path

import pytest

from fastapi_lint import cache as cache_module
from fastapi_lint import runner
from fastapi_lint.config import apply_overrides
from fastapi_lint.runner import Mode, RunReport, run
from fastapi_lint.settings import Settings

SLOW = """\
import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def index():
    time.sleep(1)
    return {"ok": True}
"""

CLEAN = """\
def add(a, b):
    return a + b
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text(SLOW)
    (tmp_path / "app" / "util.py").write_text(CLEAN)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def linted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths actually linted (not served from the cache) during a test."""
    seen: list[str] = []
    original = runner.check_file

    def spy(item, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(item.display)
        return original(item, *args, **kwargs)

    monkeypatch.setattr(runner, "check_file", spy)
    import fastapi_lint.parallel as parallel

    monkeypatch.setattr(parallel, "check_file", spy)
    return seen


def _findings(report: RunReport) -> list[tuple]:
    return [
        (d.path, d.row, d.col, d.end_row, d.end_col, d.code, d.message, d.fix, d.fix_positions)
        for d in report.diagnostics
    ]


def _run(settings: Settings | None = None) -> RunReport:
    return run(["app"], settings or Settings(), cache=True)


def test_second_run_is_served_from_the_cache(project: Path, linted: list[str]):
    first = _run()
    assert sorted(linted) == ["app/main.py", "app/util.py"]
    assert (project / ".fastapi_lint_cache" / "CACHEDIR.TAG").is_file()
    linted.clear()
    second = _run()
    assert linted == []
    assert _findings(second) == _findings(first)
    assert [d.code for d in second.diagnostics] == ["FAL102"]
    assert second.diagnostics[0].fix is not None  # fixes survive the round trip (JSON output)


def test_cached_result_equals_an_uncached_run(project: Path):
    _run()
    cached = _run()
    fresh = run(["app"], Settings(), cache=False)
    assert _findings(cached) == _findings(fresh)


def test_a_changed_file_is_linted_again(project: Path, linted: list[str]):
    _run()
    main = project / "app" / "main.py"
    info = os.stat(main)
    # Same size and the same mtime: only the content (and the ctime) differ.
    main.write_text(SLOW.replace("time.sleep(1)", "time.sleep(2)"))
    os.utime(main, ns=(info.st_atime_ns, info.st_mtime_ns))
    linted.clear()
    report = _run()
    assert linted == ["app/main.py"]
    assert "sleep" in report.diagnostics[0].message


def test_a_recently_written_file_is_verified_by_content(project: Path, linted: list[str]):
    _run()
    # Just linted: the stat cannot be trusted yet, so the content is hashed and compared.
    linted.clear()
    _run()
    assert linted == []
    main = project / "app" / "main.py"
    main.write_text(CLEAN.replace("add", "sub"))
    linted.clear()
    assert _run().diagnostics == []
    assert linted == ["app/main.py"]


def test_a_changed_setting_invalidates(project: Path, linted: list[str]):
    _run()
    linted.clear()
    report = _run(apply_overrides(Settings(), ignore=["FAL102"]))
    assert sorted(linted) == ["app/main.py", "app/util.py"]
    assert report.diagnostics == []


def test_other_enabled_rules_invalidate(project: Path, linted: list[str]):
    _run()
    linted.clear()
    _run(apply_overrides(Settings(), select=["FAL1"]))
    assert len(linted) == 2


def test_a_new_version_invalidates(project: Path, linted: list[str], monkeypatch):
    _run()
    monkeypatch.setattr(cache_module, "__version__", "999.0")
    linted.clear()
    _run()
    assert len(linted) == 2


def test_an_edited_rule_source_invalidates(project: Path, linted: list[str], monkeypatch):
    _run()
    monkeypatch.setattr(cache_module, "_code_digest", lambda: "edited")
    linted.clear()
    _run()
    assert len(linted) == 2


def test_another_working_directory_is_a_miss(project: Path, linted: list[str], monkeypatch):
    _run()
    monkeypatch.chdir(project / "app")
    linted.clear()
    report = run(["."], Settings(root=str(project)), cache=True)
    assert sorted(linted) == ["main.py", "util.py"]
    assert report.diagnostics[0].path == "main.py"


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"garbage",
        b"fastapi-lint-cache-1\n" + b"\0" * 16 + b"not marshal",
    ],
)
def test_a_damaged_shard_is_ignored(project: Path, linted: list[str], damage: bytes):
    first = _run()
    shards = list((project / ".fastapi_lint_cache").glob("*/shard-*.marshal"))
    assert shards
    for shard in shards:
        shard.write_bytes(damage)
    linted.clear()
    second = _run()
    assert sorted(linted) == ["app/main.py", "app/util.py"]
    assert _findings(second) == _findings(first)
    linted.clear()
    _run()  # and the shards were rewritten
    assert linted == []


def test_a_summary_whose_bytes_changed_is_dropped_not_copied(tmp_path: Path):
    """A summary shard is read piecewise: its table is checked when read, each summary when it
    is used, so damage to one summary's bytes loses that summary alone, and a rewrite of the
    shard leaves it out rather than carrying it along."""
    path = tmp_path / "summaries-00.marshal"
    shard = cache_module._SummaryShard(str(path))  # no file yet: empty
    assert shard.get("a.py") is None
    shard.put("a.py", b"digest-a", b"first summary")
    shard.put("b.py", b"digest-b", b"second summary")
    shard.put("c.py", b"digest-c", None)  # a file that does not parse
    path.write_bytes(b"".join(shard.sealed()))
    path.write_bytes(path.read_bytes().replace(b"first summary", b"first SUMMARY"))
    again = cache_module._SummaryShard(str(path))
    assert again.get("a.py") is None
    assert again.get("b.py") == (b"digest-b", b"second summary")
    assert again.get("c.py") == (b"digest-c", None)
    rewritten = b"".join(again.sealed())
    again.close()
    path.write_bytes(rewritten)
    third = cache_module._SummaryShard(str(path))
    assert sorted(third.stored) == ["b.py", "c.py"]
    assert third.get("b.py") == (b"digest-b", b"second summary")
    third.close()
    # A table whose checksum does not match is no table at all.
    data = bytearray(path.read_bytes())
    data[len(cache_module._SUMMARIES_MAGIC) + 8 + 20] ^= 0xFF
    path.write_bytes(bytes(data))
    assert cache_module._SummaryShard(str(path)).stored == {}


def test_a_whole_project_pass_writes_the_summaries_before_it_resolves(
    project: Path, linted: list[str], monkeypatch: pytest.MonkeyPatch
):
    """A project pass that resolves every fact writes this run's summaries first (their bytes
    are not held through the pass), and reads a cached file's summary back from the shards
    just written."""
    from fastapi_lint import project as project_module

    seen: list[tuple[set[int], object]] = []
    whole = project_module._Incremental._full

    def spy(self):  # type: ignore[no-untyped-def]
        store = self.store
        key = store.key_of(os.path.join("app", "main.py"))
        shard = cache_module._SummaryShard(store._summary_path(store._summaries_of(key)))
        seen.append((set(store._dirty_summaries), shard.get(key)))
        shard.close()
        return whole(self)

    monkeypatch.setattr(project_module._Incremental, "_full", spy)
    (project / "app" / "io.py").write_text("import time\n\ndef slow():\n    time.sleep(1)\n")
    route = "from fastapi import FastAPI\nfrom app.io import slow\n\napp = FastAPI()\n\n"
    route += '@app.get("/")\nasync def index():\n    slow()\n'
    (project / "app" / "main.py").write_text(route)
    first = [(d.path, d.code) for d in _run().diagnostics]
    assert ("app/main.py", "FAL106") in first
    # The project record lost and main.py edited: a whole pass, with io.py from the cache.
    for record in project.glob(".fastapi_lint_cache/*/project.marshal"):
        record.unlink()
    (project / "app" / "main.py").write_text(route + "# edited\n")
    linted.clear()
    second = [(d.path, d.code) for d in _run().diagnostics]
    assert linted == ["app/main.py"]
    assert second == first
    # Each pass found main.py's summary on disk, under the digest of the content it checked.
    (pending, written), (pending_again, rewritten) = seen
    assert pending == pending_again == set()
    assert isinstance(written, tuple) and isinstance(rewritten, tuple)
    assert written[1] is not None and rewritten[1] is not None
    assert written[0] != rewritten[0]


def test_a_malformed_entry_is_ignored(project: Path, linted: list[str]):
    first = _run()
    store = cache_module.Cache.for_run(
        ".fastapi_lint_cache",
        str(project),
        Settings().fingerprint(),
        runner.RuleSet(Settings()).codes,
    )
    shard = store._shard(store._shard_of(store._key("app/main.py")))
    entry = ("app/main.py", "main", "not a stat", 0, b"", ((1, 2),))
    shard[store._key("app/main.py")] = marshal.dumps(entry)
    store._dirty.add(store._shard_of(store._key("app/main.py")))
    store.save()
    linted.clear()
    second = _run()
    assert linted == ["app/main.py"]
    assert _findings(second) == _findings(first)


def test_an_unwritable_cache_is_not_an_error(project: Path, linted: list[str]):
    (project / ".fastapi_lint_cache").write_text("a file where the directory should be")
    report = _run()
    assert [d.code for d in report.diagnostics] == ["FAL102"]


def test_fix_and_diff_never_use_the_cache(project: Path, monkeypatch):
    _run()

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the cache must not be used when fixing")

    monkeypatch.setattr(cache_module.Cache, "get_many", refuse)
    monkeypatch.setattr(cache_module.Cache, "put", refuse)
    run(["app"], Settings(), Mode(diff=True, unsafe=True), cache=True)
    run(["app"], Settings(), Mode(fix=True, unsafe=True), cache=True)


def test_internal_errors_are_not_cached(project: Path, linted: list[str], monkeypatch):
    from fastapi_lint.rules.async_correctness.fal102_blocking_sleep import BlockingSleepInAsync

    def broken(self, node, ctx):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(BlockingSleepInAsync, "check", broken)
    assert _run().errors
    linted.clear()
    assert _run().errors  # linted again, so the error is reported again
    assert "app/main.py" in linted


def test_a_project_checked_out_elsewhere_still_hits(
    project: Path, linted: list[str], tmp_path_factory, monkeypatch
):
    """As on CI: a fresh clone (new path, new mtimes) with the cache restored."""
    first = _run()
    clone = tmp_path_factory.mktemp("clone") / "project"
    shutil.copytree(project, clone)
    monkeypatch.chdir(clone)
    linted.clear()
    second = _run()
    assert linted == []
    assert _findings(second) == _findings(first)


def test_a_file_in_a_new_package_is_a_miss(project: Path, linted: list[str]):
    """Its module name changed (relative imports and qualified names depend on it)."""
    _run()
    (project / "app" / "__init__.py").write_text("")
    from fastapi_lint.semantic import modules

    modules.forget_packages()  # memoised per process; a new run starts afresh
    linted.clear()
    _run()
    assert "app/main.py" in linted


def _cli(*args: str):  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from fastapi_lint.cli import main

    return CliRunner().invoke(main, list(args))


def test_cli_no_cache_writes_nothing_and_clean_removes_the_cache(project: Path, monkeypatch):
    monkeypatch.setattr("fastapi_lint.parallel.tune_gc", lambda: None)
    assert _cli("check", "app", "--no-cache", "-j1").exit_code == 1
    assert not (project / ".fastapi_lint_cache").exists()
    assert _cli("check", "app", "--jobs", "0").exit_code == 1
    assert (project / ".fastapi_lint_cache").is_dir()
    result = _cli("clean")
    assert result.exit_code == 0, result.output
    assert "Removed" in result.output
    assert not (project / ".fastapi_lint_cache").exists()
    assert "No cache" in _cli("clean").output


def test_clean_refuses_a_directory_that_is_not_a_cache(project: Path):
    (project / ".fastapi_lint_cache").mkdir()
    (project / ".fastapi_lint_cache" / "precious.txt").write_text("keep me")
    result = _cli("clean")
    assert result.exit_code == 2
    assert "does not look like a fastapi-lint cache" in result.output
    assert (project / ".fastapi_lint_cache" / "precious.txt").exists()


def test_a_save_removes_the_temporary_files_a_killed_run_left(project: Path):
    """A run killed between creating a temporary file and renaming it leaves the file in the
    namespace; a later save removes it once it is an hour old, and nothing else: a recent one
    (a concurrent run may be writing it), one of another name, a directory of that name."""
    _run()
    (namespace,) = [p for p in (project / ".fastapi_lint_cache").iterdir() if p.is_dir()]
    hour = 3600 * 1_000_000_000
    old = time.time_ns() - hour - 60 * 1_000_000_000

    def left(name: str, age: int) -> Path:
        path = namespace / name
        path.write_bytes(b"half a shard")
        os.utime(path, ns=(age, age))
        return path

    stale = left(".tmp-0123456789abcdef", old)
    recent = left(".tmp-fedcba9876543210", time.time_ns())
    other = left(".tmp-notours", old)
    folder = namespace / ".tmp-00112233445566aa"
    folder.mkdir()
    os.utime(folder, ns=(old, old))
    (project / "app" / "util.py").write_text(CLEAN + "\n# changed\n")  # so that the run saves
    _run()
    assert not stale.exists()
    assert recent.exists() and other.exists() and folder.is_dir()
