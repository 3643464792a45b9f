"""Fault injection on the file system: what the tool reads, writes, caches and walks.

Every test builds its own tree of real files and runs the real CLI (or the library, where a
test needs hundreds of rounds) in real processes: no file system call is mocked. Permission
cases run without root's override of file modes (`unprivileged.py`).

Data loss must be impossible: the cache touches only what it can prove is its own, and --fix
leaves every file either as it was or fully fixed, never writes where it should not, never
loses a concurrent writer's edit, and never reports an unwritten fix as a success.
"""

from __future__ import annotations

import json
import marshal
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from clitools import SCRIPT, cli
from unprivileged import cli_bound

from fastapi_lint import cache as cache_module
from fastapi_lint.config import OUTPUT_FORMATS
from fastapi_lint.discovery import SourcePath
from fastapi_lint.registry import RuleSet
from fastapi_lint.runner import Mode, check_file
from fastapi_lint.settings import Settings

# One safe fix: `.dict()` → `.model_dump()`.
FIXABLE = """\
from pydantic import BaseModel


class M(BaseModel):
    x: int


def f(m: M):
    return m.dict()
"""
FIXED = FIXABLE.replace("m.dict()", "m.model_dump()")
FINDING = "FAL304"
JSON = ("--output-format", "json")
FIX_JSON = ("check", "--fix", "--no-cache", *JSON)


def _config(directory: Path, extra: str = "") -> None:
    (directory / "pyproject.toml").write_text(f"[tool.fastapi-lint]\n{extra}")


def _temporaries(directory: Path) -> list[Path]:
    return sorted(directory.rglob(".fastapi-lint-*.tmp"))


def _tree_snapshot(directory: Path) -> dict[str, bytes | None]:
    """Every path under `directory` with its content (None for directories)."""
    return {
        str(p.relative_to(directory)): None if p.is_dir() else p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if not p.is_symlink()
    }


# ------------------------------------------------------------------ the cache and its folder


@pytest.mark.parametrize(
    "cache_dir, paths",
    [(".", ["."]), ("", ["."]), ("..", ["app"]), ("app", ["app"]), ("app/sub", ["app/sub/m.py"])],
)
def test_a_cache_dir_holding_the_project_or_a_checked_path_is_a_config_error(
    tmp_path: Path, cache_dir: str, paths: list[str]
):
    project = tmp_path / "project"
    (project / "app" / "sub").mkdir(parents=True)
    (project / "app" / "sub" / "m.py").write_text(FIXABLE)
    _config(project, f"cache-dir = {cache_dir!r}\n")
    before = _tree_snapshot(tmp_path)
    result = cli("check", *paths, cwd=project)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    if cache_dir:  # (an empty one is refused by the configuration's validation already)
        assert result.stderr.startswith(f"error: cache-dir {project / cache_dir}")
        assert "is or contains" in result.stderr
    else:
        assert "cache-dir" in result.stderr
    assert _tree_snapshot(tmp_path) == before, "the run changed files"


def test_clean_with_the_project_as_cache_dir_deletes_nothing(tmp_path: Path):
    _config(tmp_path, 'cache-dir = "."\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text(FIXABLE)
    before = _tree_snapshot(tmp_path)
    cli("check", ".", cwd=tmp_path)
    result = cli("clean", cwd=tmp_path)
    assert result.returncode == 2
    assert "is or contains the project root" in result.stderr
    assert _tree_snapshot(tmp_path) == before


@pytest.mark.slow
def test_a_shared_cache_folder_keeps_everything_that_is_not_ours(tmp_path: Path):
    _config(tmp_path, 'cache-dir = ".cache"\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text(FIXABLE)
    shared = tmp_path / ".cache"
    # Other tools' caches, older than anything this run writes, and one named like ours.
    foreign = [f"tool{n}" for n in range(12)] + ["0123456789abcdef0123"]
    for name in foreign:
        (shared / name).mkdir(parents=True)
        (shared / name / "data.bin").write_bytes(b"theirs")
        os.utime(shared / name, (1_000_000, 1_000_000))
    (shared / "README").write_text("shared\n")
    before = _tree_snapshot(shared)
    # Eleven namespaces of ours (one per selection): more than the cache keeps.
    for code in ["FAL1", "FAL2", "FAL3", "FAL4", "FAL5", "FAL30", "FAL31", "FAL10", "FAL40"]:
        assert cli("check", "app", "--select", code, cwd=tmp_path).returncode in (0, 1)
    assert cli("check", "app", cwd=tmp_path).returncode == 1
    assert cli("check", "app", "--select", "FAL304", cwd=tmp_path).returncode == 1
    after = _tree_snapshot(shared)
    assert {k: v for k, v in after.items() if k in before} == before, "a foreign entry changed"
    ours = [p for p in shared.iterdir() if p.name not in foreign and p.name != "README"]
    assert len(ours) == cache_module.KEEP_NAMESPACES
    assert all((p / "CACHEDIR.TAG").is_file() for p in ours)
    assert not (shared / ".gitignore").exists() and not (shared / "CACHEDIR.TAG").exists()
    # `clean` removes ours, and only ours.
    result = cli("clean", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _tree_snapshot(shared) == before


def test_a_cache_of_its_own_is_marked_and_cleaned_entirely(tmp_path: Path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text(FIXABLE)
    assert cli("check", "app", cwd=tmp_path).returncode == 1
    directory = tmp_path / ".fastapi_lint_cache"
    assert (directory / "CACHEDIR.TAG").is_file()
    assert (directory / ".gitignore").read_text().endswith("*\n")
    (directory / "notes.txt").write_text("mine")  # something the user put there
    assert cli("clean", cwd=tmp_path).returncode == 0
    assert sorted(p.name for p in directory.iterdir()) == ["notes.txt"]


def _hostile_cache(project: Path, damage) -> None:  # type: ignore[no-untyped-def]
    """Rewrite every file of the cache with `damage(name, data)`, sealed as the cache seals
    its own files: the checksum is right, the content is not."""
    for path in (project / ".fastapi_lint_cache").glob("*/*.marshal"):
        if path.name.startswith("summaries-"):
            # A table of contents sealed as the cache seals it, holding what `damage` makes
            # of the shard's summaries.
            shard = cache_module._SummaryShard(str(path))
            data = {key: shard.get(key) for key in shard.stored}
            shard.close()
            path.write_bytes(_summary_file(damage(path.name, data)))
            continue
        data = cache_module.Cache._read(str(path))
        path.write_bytes(cache_module._sealed(damage(path.name, data)))


def _summary_file(table: object) -> bytes:
    payload = marshal.dumps(table)
    sealed = cache_module._check(payload) + payload
    return cache_module._SUMMARIES_MAGIC + len(sealed).to_bytes(8, "little") + sealed


def _malformed(name: str, data: object) -> object:
    if name == "project.marshal":
        tag, files, order, modules, displays, digests, present, found = data  # type: ignore[misc]
        return (
            tag,
            (*files, 7, None),
            order,
            (*modules[:-1], 9),  # a module name that is not a string
            displays[:-1],  # a column shorter than the others
            digests,
            b"\x02" * len(present),  # neither 0 nor 1
            {**{k: ((1, 2, 3),) for k in found}, 9: "x"},
        )
    if name == "depends.marshal":
        tag, order, names, files = data  # type: ignore[misc]
        return (tag, order, (*names, 5), {**files, 3: "x"})
    if name.startswith("shard-"):
        # Each entry is marshalled on its own: some hold findings of the wrong shape, some
        # are cut short, some are not an entry's bytes at all (a tuple, as format 5 had).
        damaged: dict[object, object] = {}
        for number, (key, stored) in enumerate(data.items()):  # type: ignore[union-attr]
            wrong = (*marshal.loads(stored)[:5], (("FAL304", 1),))
            damaged[key] = [marshal.dumps(wrong), stored[: len(stored) // 2], wrong][number % 3]
        return damaged
    return {k: (v[0], ("not", "a", "summary")) for k, v in data.items()}  # type: ignore[union-attr]


def _wrong_types(name: str, data: object) -> object:
    if name == "project.marshal":
        *head, found = data  # type: ignore[misc]
        wrong = {k: ((1, "m", "r", 4, 5, 6, 7, 8, (), None),) for k in found}
        return (*head, wrong)
    if name == "depends.marshal":
        tag, order, names, files = data  # type: ignore[misc]
        return (tag, order, names, {k: "not bytes" for k in files})
    if name.startswith("shard-"):
        return {
            k: marshal.dumps((*marshal.loads(v)[:5], ((7, "m", 1, 2, 3, 4, "r", 0, (), None),)))
            for k, v in data.items()  # type: ignore[union-attr]
        }
    return [1, 2, 3]


def _broken_fixes(name: str, data: object) -> object:
    """Findings of the right shape whose fix is not a fix's plain form."""
    finding = ("FAL106", "m", 1, 1, 1, 1, "r", 0, (), 5)
    if name == "project.marshal":
        *head, found = data  # type: ignore[misc]
        return (*head, {k: (finding,) for k in found})
    if name.startswith("shard-"):
        return {
            k: marshal.dumps((*marshal.loads(v)[:5], (finding,)))
            for k, v in data.items()  # type: ignore[union-attr]
        }
    return data


@pytest.mark.slow
@pytest.mark.parametrize("damage", [_malformed, _wrong_types, _broken_fixes])
def test_malformed_cache_entries_are_misses(tmp_path: Path, damage):  # type: ignore[no-untyped-def]
    _project_with_a_cross_module_finding(tmp_path)
    expected = cli("check", "app", "--no-cache", cwd=tmp_path)
    assert "FAL106" in expected.stdout
    assert cli("check", "app", cwd=tmp_path).stdout == expected.stdout
    # A racy-clean entry is checked by content: make every file old enough to be trusted.
    for path in (tmp_path / "app").rglob("*.py"):
        os.utime(path, (1_000_000, 1_000_000))
    shutil.rmtree(tmp_path / ".fastapi_lint_cache")
    cli("check", "app", cwd=tmp_path)
    _hostile_cache(tmp_path, damage)
    for _ in range(2):  # and again: the bad entries never become an error
        result = cli("check", "app", cwd=tmp_path)
        assert (result.returncode, result.stdout, result.stderr) == (1, expected.stdout, "")


def _sparse(path: Path, size: int) -> None:
    with path.open("wb") as handle:
        handle.truncate(size)


def _special_shards(project: Path, make) -> None:  # type: ignore[no-untyped-def]
    for path in (project / ".fastapi_lint_cache").glob("*/*.marshal"):
        path.unlink()
        make(path)


@pytest.mark.slow
@pytest.mark.parametrize(
    "make",
    [
        pytest.param(os.mkfifo, id="fifo"),
        pytest.param(lambda p: p.symlink_to("/dev/zero"), id="dev-zero"),
        pytest.param(lambda p: _sparse(p, 3 << 30), id="3GiB-sparse"),
    ],
)
def test_special_or_huge_cache_files_are_misses(tmp_path: Path, make):  # type: ignore[no-untyped-def]
    _project_with_a_cross_module_finding(tmp_path)
    expected = cli("check", "app", "--no-cache", cwd=tmp_path)
    cli("check", "app", cwd=tmp_path)
    _special_shards(tmp_path, make)
    # Bounded memory (a read of /dev/zero or of the sparse file would exceed it) and time.
    result = subprocess.run(
        ["prlimit", "--as=2000000000", "--", SCRIPT, "check", "app", "-j1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout, result.stderr) == (1, expected.stdout, "")


# ---------------------------------------------------------- cross-module results in the cache

SERVICE = """\
import requests


def charge():
    return requests.post("https://example.org")
"""
ROUTE = """\
from app.services import charge


async def pay():
    charge()
"""


def _project_with_a_cross_module_finding(root: Path) -> None:
    _config(root)
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "services.py").write_text(SERVICE)
    (root / "app" / "api.py").write_text(ROUTE)


def test_project_result_follows_a_package_marker_outside_the_checked_files(tmp_path: Path):
    (tmp_path / "src").mkdir()
    _project_with_a_cross_module_finding(tmp_path / "src")
    _config(tmp_path)
    (tmp_path / "src" / "pyproject.toml").unlink()
    first = cli("check", "src/app", cwd=tmp_path)
    assert "FAL106" in first.stdout
    # `src/` becomes a package: `app.services` is now `src.app.services`, and the import in
    # api.py no longer names it. No checked file changed.
    (tmp_path / "src" / "__init__.py").write_text("")
    expected = cli("check", "src/app", "--no-cache", cwd=tmp_path)
    assert "FAL106" not in expected.stdout
    assert cli("check", "src/app", cwd=tmp_path).stdout == expected.stdout
    (tmp_path / "src" / "__init__.py").unlink()
    assert cli("check", "src/app", cwd=tmp_path).stdout == first.stdout


def test_project_result_follows_the_working_directory(tmp_path: Path):
    _project_with_a_cross_module_finding(tmp_path)
    assert "(app/services.py:5)" in cli("check", "app", cwd=tmp_path).stdout
    inside = cli("check", ".", cwd=tmp_path / "app")
    assert inside.stdout == cli("check", ".", "--no-cache", cwd=tmp_path / "app").stdout
    assert "(services.py:5)" in inside.stdout


def test_project_result_follows_the_settings(tmp_path: Path):
    """A setting that only the cross-module pass acts on (a blocking call reached through
    another module) changes the cached project result."""
    _config(tmp_path)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "services.py").write_text(
        "import legacy\n\n\ndef charge():\n    return legacy.fetch('x')\n"
    )
    (tmp_path / "app" / "api.py").write_text(ROUTE)
    assert cli("check", "app", cwd=tmp_path).returncode == 0
    _config(tmp_path, '[tool.fastapi-lint.extend-blocking-calls]\nFAL101 = ["legacy.fetch"]\n')
    result = cli("check", "app", cwd=tmp_path)
    assert "app/api.py:5:5: FAL106" in result.stdout
    assert result.stdout == cli("check", "app", "--no-cache", cwd=tmp_path).stdout


# ------------------------------------------------------------------- what is read, and how


def test_fifos_and_devices_are_findings_not_hangs(tmp_path: Path):
    (tmp_path / "app").mkdir()
    os.mkfifo(tmp_path / "app" / "pipe.py")
    (tmp_path / "app" / "zero.py").symlink_to("/dev/zero")
    (tmp_path / "app" / "ok.py").write_text(FIXABLE)
    os.mkfifo(tmp_path / "named.py")
    result = subprocess.run(
        ["prlimit", "--as=2000000000", "--", SCRIPT, "check", "app", "named.py", "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = result.stdout.splitlines()
    assert (
        "app/pipe.py:1:1: FAL000 Cannot check this file: it is a FIFO, not a regular file; not read"
        in lines
    )
    assert (
        "named.py:1:1: FAL000 Cannot check this file: it is a FIFO, not a regular file; not read"
        in lines
    )
    assert (
        "app/zero.py:1:1: FAL000 Cannot check this file: it is a device, not a regular file; not read"
        in lines
    )
    assert any(line.startswith(f"app/ok.py:9:12: {FINDING}") for line in lines)
    assert result.returncode == 1


def test_a_fifo_among_the_project_files_is_not_read(tmp_path: Path):
    """The project's declared versions come from its requirements files: a FIFO named like
    one is skipped, not waited on."""
    _config(tmp_path)
    (tmp_path / "a.py").write_text(FIXABLE)
    os.mkfifo(tmp_path / "requirements.txt")
    result = subprocess.run(
        [SCRIPT, "check", "--no-cache", *JSON, "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert [d["code"] for d in json.loads(result.stdout)] == [FINDING]


def test_a_file_above_the_size_limit_is_a_finding(tmp_path: Path):
    (tmp_path / "big.py").write_bytes(b"x = 1\n" * (2 * 1024 * 1024))  # 12 MiB
    (tmp_path / "small.py").write_text(FIXABLE)
    result = cli("check", ".", "--no-cache", cwd=tmp_path)
    assert (
        "big.py:1:1: FAL000 Cannot check this file: it is 12582912 bytes, more than max-file-size "
        "(10485760); not read"
    ) in result.stdout.splitlines()
    _config(tmp_path, "max-file-size = 50\n")
    result = cli("check", ".", "--no-cache", cwd=tmp_path)
    expected = f"it is {len(FIXABLE)} bytes, more than max-file-size (50); not read"
    assert f"small.py:1:1: FAL000 Cannot check this file: {expected}" in result.stdout


def test_each_file_once_however_it_is_named(tmp_path: Path):
    (tmp_path / "a.py").write_text(FIXABLE)
    result = cli("check", ".", "a.py", "./a.py", "--no-cache", *JSON, cwd=tmp_path)
    assert [d["code"] for d in json.loads(result.stdout)] == [FINDING]


# ----------------------------------------------------------------------------- deep trees


@pytest.fixture
def deep_tmp(tmp_path: Path):  # type: ignore[no-untyped-def]
    """`tmp_path`, emptied bottom-up afterwards: `shutil.rmtree` (and pytest's own cleanup)
    recurses, and fails on trees a thousand directories deep."""
    yield tmp_path
    for directory, dirnames, filenames in _walk_down(tmp_path):
        for name in filenames:
            os.unlink(os.path.join(directory, name))
        del dirnames
    for directory in reversed([d for d, _, _ in _walk_down(tmp_path)]):
        if directory != str(tmp_path):
            os.rmdir(directory)


def _walk_down(top: Path) -> list[tuple[str, list[str], list[str]]]:
    found = []
    stack = [str(top)]
    while stack:
        directory = stack.pop()
        entries = list(os.scandir(directory))
        dirnames = [e.name for e in entries if e.is_dir(follow_symlinks=False)]
        filenames = [e.name for e in entries if not e.is_dir(follow_symlinks=False)]
        found.append((directory, dirnames, filenames))
        stack.extend(os.path.join(directory, d) for d in dirnames)
    return found


def test_a_directory_tree_a_thousand_levels_deep(deep_tmp: Path):
    tmp_path = deep_tmp
    deep = tmp_path
    for _ in range(1000):  # not `mkdir(parents=True)`: it recurses
        deep = deep / "d"
        deep.mkdir()
    (deep / "m.py").write_text(FIXABLE)
    result = cli("check", ".", "--no-cache", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert f"{'d/' * 1000}m.py:9:12: {FINDING}" in result.stdout


def test_a_module_eleven_hundred_packages_deep(deep_tmp: Path):
    tmp_path = deep_tmp
    deep = tmp_path
    for _ in range(1100):
        deep = deep / "p"
        deep.mkdir()
        (deep / "__init__.py").write_text("")
    (deep / "m.py").write_text(FIXABLE)
    relative = str((deep / "m.py").relative_to(tmp_path))
    result = cli("check", relative, "--no-cache", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert f"{relative}:9:12: {FINDING}" in result.stdout


def test_a_path_too_long_for_the_os_is_reported(tmp_path: Path):
    (tmp_path / "top").mkdir()
    fd = os.open(tmp_path / "top", os.O_RDONLY)
    name = "n" * 200
    for _ in range(25):  # 5,000 characters: beyond PATH_MAX
        os.mkdir(name, dir_fd=fd)
        inner = os.open(name, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    handle = os.open("m.py", os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd)
    os.write(handle, FIXABLE.encode())
    os.close(handle)
    os.close(fd)
    result = cli("check", "top", "--no-cache", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert (
        "FAL000 Cannot check this file: cannot read this directory: file name too long"
        in result.stdout
    )


def test_an_unreadable_directory_is_reported(tmp_path: Path):
    (tmp_path / "closed").mkdir()
    (tmp_path / "closed" / "m.py").write_text(FIXABLE)
    (tmp_path / "closed").chmod(0)
    try:
        result = cli_bound("check", ".", "--no-cache", cwd=tmp_path)
    finally:
        (tmp_path / "closed").chmod(0o755)
    assert result.returncode == 1, result.stderr
    assert (
        "closed:1:1: FAL000 Cannot check this file: cannot read this directory: permission denied; "
        "its files are not checked"
    ) in result.stdout.splitlines()


# ------------------------------------------------------------------------ where --fix writes


def _fix(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return cli("check", "--fix", "--no-cache", *args, cwd=tmp_path)


def test_a_fix_is_not_written_through_a_symlink_out_of_the_tree(tmp_path: Path):
    outside = tmp_path / "outside.py"
    outside.write_text(FIXABLE)
    project = tmp_path / "project"
    project.mkdir()
    (project / "link.py").symlink_to(outside)
    result = _fix(project, ".")
    assert outside.read_text() == FIXABLE
    assert (project / "link.py").is_symlink()
    assert result.returncode == 2
    assert f"link.py: error: it is a symlink to {outside}, outside the project" in result.stdout
    assert f"link.py:9:12: {FINDING}" in result.stdout


def test_a_fix_is_written_through_a_symlink_inside_the_project(tmp_path: Path):
    _config(tmp_path)
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "models.py").write_text(FIXABLE)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "models.py").symlink_to(tmp_path / "shared" / "models.py")
    result = _fix(tmp_path, "app")
    assert result.returncode == 0, result.stdout
    assert (tmp_path / "app" / "models.py").is_symlink()
    assert (tmp_path / "shared" / "models.py").read_text() == FIXED


def test_a_fix_keeps_owner_group_and_mode(tmp_path: Path):
    if os.geteuid() != 0:
        pytest.skip("giving a file to another user needs root")
    path = tmp_path / "m.py"
    path.write_text(FIXABLE)
    os.chown(path, 65534, 65534)
    path.chmod(0o640)
    assert _fix(tmp_path, "m.py").returncode == 0
    info = path.stat()
    assert path.read_text() == FIXED
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (65534, 65534, 0o640)


def test_a_file_of_another_user_is_not_made_ours(tmp_path: Path):
    """Without the power to give a file away, a fix that would change its owner is refused,
    although renaming over it would succeed (the directory is writable)."""
    path = tmp_path / "m.py"
    path.write_text(FIXABLE)
    path.chmod(0o666)  # writable by all: only the owner would be lost
    if os.geteuid() == 0:
        os.chown(path, 65534, 65534)
    result = cli_bound("check", "--fix", "--no-cache", "m.py", cwd=tmp_path)
    if os.geteuid() != 0 and path.stat().st_uid == os.geteuid():
        pytest.skip("no file of another user can be made here")
    assert path.read_text() == FIXABLE
    assert path.stat().st_uid == 65534
    assert result.returncode == 2
    assert "m.py: error: it belongs to another user or group" in result.stdout


def test_hard_links_are_not_broken(tmp_path: Path):
    (tmp_path / "a.py").write_text(FIXABLE)
    os.link(tmp_path / "a.py", tmp_path / "b.py")
    result = _fix(tmp_path, "a.py")
    assert (tmp_path / "a.py").stat().st_ino == (tmp_path / "b.py").stat().st_ino
    assert (tmp_path / "b.py").read_text() == FIXABLE
    assert result.returncode == 2
    assert "a.py: error: it has 2 hard links, which replacing it would break" in result.stdout


def test_a_read_only_file_is_not_rewritten(tmp_path: Path):
    path = tmp_path / "m.py"
    path.write_text(FIXABLE)
    path.chmod(0o444)
    result = _fix(tmp_path, "m.py")
    assert path.read_text() == FIXABLE
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert result.returncode == 2
    assert "m.py: error: it is read-only; left unchanged" in result.stdout


@pytest.mark.parametrize("output_format", OUTPUT_FORMATS)
def test_an_unwritable_fix_keeps_its_finding_in_every_format(tmp_path: Path, output_format: str):
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro" / "m.py").write_text(FIXABLE)
    (tmp_path / "ro").chmod(0o555)
    try:
        result = cli_bound(
            "check", "--fix", "--no-cache", "--output-format", output_format, "ro", cwd=tmp_path
        )
    finally:
        (tmp_path / "ro").chmod(0o755)
    assert (tmp_path / "ro" / "m.py").read_text() == FIXABLE
    assert result.returncode == 2
    # Said once: with the findings in the formats for people, on stderr in the others.
    assert (result.stdout + result.stderr).count("cannot write the fix: Permission denied") == 1
    assert "All checks passed" not in result.stdout
    if output_format == "json":
        assert [d["code"] for d in json.loads(result.stdout)] == [FINDING]
    else:
        assert FINDING in result.stdout


def test_a_full_disk_keeps_the_file_and_the_finding(tmp_path: Path):
    path = tmp_path / "m.py"
    path.write_text(FIXABLE)
    # A file size limit below the fixed file's size: the write fails as on a full disk.
    result = subprocess.run(
        ["prlimit", f"--fsize={len(FIXABLE) - 10}", "--", SCRIPT, *FIX_JSON, "m.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert path.read_text() == FIXABLE
    assert result.returncode == 2
    assert [d["code"] for d in json.loads(result.stdout)] == [FINDING]
    assert "error: m.py: cannot write the fix: File too large; file left unchanged" in result.stderr
    assert not _temporaries(tmp_path)


def test_leftover_temporary_files_of_a_dead_run_are_removed(tmp_path: Path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "m.py").write_text(FIXABLE)
    stale = tmp_path / "app" / f".fastapi-lint-{dead.pid}-abc123.tmp"
    stale.write_text("half a file")
    running = tmp_path / "app" / f".fastapi-lint-{os.getpid()}-def456.tmp"
    running.write_text("a live run's file")
    cli("check", ".", "--no-cache", cwd=tmp_path)
    assert not stale.exists()
    assert running.exists(), "the file of a run still going was removed"


# -------------------------------------------------------------------------- kill -9 and races


@pytest.mark.slow
def test_kill_9_during_fix_leaves_each_file_original_or_fixed(tmp_path: Path):
    originals = {}
    for n in range(60):
        originals[f"pkg{n % 3}/m{n}.py"] = FIXABLE.replace("x: int", f"x{n}: int")
    reference = tmp_path / "reference"
    for name, text in originals.items():
        (reference / name).parent.mkdir(parents=True, exist_ok=True)
        (reference / name).write_text(text)
    started = time.monotonic()
    assert _fix(reference, ".").returncode == 0
    duration = time.monotonic() - started
    fixed = {name: (reference / name).read_bytes() for name in originals}
    assert all(fixed[name] != text.encode() for name, text in originals.items())
    rng = random.Random(20261206)
    outcomes = set()
    for round_number in range(12):
        tree = tmp_path / f"round{round_number}"
        for name, text in originals.items():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            (tree / name).write_text(text)
        process = subprocess.Popen(
            [SCRIPT, "check", "--fix", "--no-cache", "."],
            cwd=tree,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        # From a third of the run (however fast it is: a bound of its own could come after the
        # writes) to its end, and in every other round from three quarters of it to half as
        # long again: the writes come last, and on a busy machine a run can take longer than
        # the reference did, so that kills drawn within its length all landed before them.
        if round_number % 2 == 0:
            low, high = min(0.3, duration / 3), duration
        else:
            low, high = 0.75 * duration, 1.5 * duration
        time.sleep(rng.uniform(low, high))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        for name, text in originals.items():
            content = (tree / name).read_bytes()
            assert content in (text.encode(), fixed[name]), f"{name} is half-written"
            outcomes.add(content == fixed[name])
        cli("check", ".", "--no-cache", cwd=tree)  # the next run
        assert not _temporaries(tree), "a temporary file outlived the next run"
    assert outcomes == {True, False}, "no kill landed while files were being written"


APPENDER = """\
import random, sys, time
rng = random.Random(int(sys.argv[1]))
spread = float(sys.argv[2])
for line in sys.stdin:
    path, round_number = line.split()
    time.sleep(rng.uniform(0, spread))
    for k in range(3):
        with open(path, "a") as handle:
            handle.write(f"# edit {round_number}.{k}\\n")
        time.sleep(rng.uniform(0, spread / 4))
    print("done", flush=True)
"""


@pytest.mark.slow
def test_a_concurrent_writer_never_loses_an_edit(tmp_path: Path):
    """500 rounds: while --fix works on a file, another process appends three lines to it.
    Every appended line must survive, whether the fix was applied or left out."""
    ruleset = RuleSet(Settings(select=(FINDING,)))
    path = tmp_path / "m.py"
    item = SourcePath(str(path), "m.py", given=str(tmp_path))
    path.write_text(FIXABLE)
    started = time.perf_counter()
    for _ in range(10):
        path.write_text(FIXABLE)
        check_file(item, ruleset, Mode(fix=True))
    spread = (time.perf_counter() - started) / 10
    appender = subprocess.Popen(
        [sys.executable, "-c", APPENDER, "7", str(spread)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert appender.stdin is not None and appender.stdout is not None
    lost, applied, refused, reasons = [], 0, 0, set()
    deadline = time.monotonic() + 120
    try:
        for round_number in range(500):
            path.write_text(FIXABLE)
            appender.stdin.write(f"{path} {round_number}\n")
            appender.stdin.flush()
            report = check_file(item, ruleset, Mode(fix=True))
            assert appender.stdout.readline() == "done\n"
            text = path.read_text()
            missing = [k for k in range(3) if f"# edit {round_number}.{k}\n" not in text]
            if missing:
                lost.append((round_number, missing, report.write_error))
            if report.write_error:
                refused += 1
                reasons.add(report.write_error)
            elif report.fixed:
                applied += 1
            assert time.monotonic() < deadline, "the rounds take too long"
    finally:
        appender.stdin.close()
        appender.wait()
    assert lost == [], f"{len(lost)} of 500 rounds lost an edit"
    # Both outcomes happened: the writer really raced the fixer.
    assert applied > 0 and refused > 0, (applied, refused)
    if sys.platform == "linux":
        # The write lease did the holding back (not only the content comparisons).
        assert any("another process opened the file" in r for r in reasons), reasons
    assert not _temporaries(tmp_path)
