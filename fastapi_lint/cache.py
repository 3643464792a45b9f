"""The result cache: a file whose content, settings and rules are unchanged is not linted again.

An entry is keyed by what determines a file's findings:

- the namespace: the cache format, the tool version, a digest of the installed rule and engine
  sources (so an edited rule in a development checkout never serves stale results), the Python
  version (the parser), `Settings.fingerprint()` and the enabled rule codes — all in the name of
  the directory the entries live in, so a change of any of them starts an empty namespace;
- the file: its path relative to the project root (so a project checked out elsewhere, as on
  CI, still hits), its displayed path and module name (per-file-ignores, relative imports and
  qualified names depend on them), and the SHA-256 of its bytes.

Reading and hashing every file would cost most of a warm run, so an entry also records the
file's `stat` (size, mtime, ctime, inode) taken before it was read, and the time it was read.
A file whose `stat` is unchanged is not read again — unless its ctime is not clearly older than
that read (a write in the same clock tick as the read would keep the `stat`: git's "racy clean"
problem); then, as for any changed `stat`, the file is hashed and compared with the entry.

Entries live in a few shard files (marshal: fast to load, no code execution; each entry a
plain tuple marshalled on its own, so loading a shard makes one bytes object per file and an
entry is unpacked only when its file is looked up), written atomically (temporary file +
`os.replace`), so a crash or a concurrent run never leaves a half-written shard; a shard that
cannot be read is ignored, never an error. A run killed between creating a temporary file and
renaming it leaves that file; a later save removes it once it is an hour old (`_sweep`).
Concurrent runs may overwrite each other's new entries: the cache is an accelerator, not a
record.

Only check mode uses the cache (never --fix or --diff), and only the main process touches it.

The cache owns only what it can prove is its own (`cache-dir` may be a shared folder): the
namespace directories, named by 20 hex digits and holding a `CACHEDIR.TAG` it wrote, and in
them the files it names (`shard-NN.marshal`, `summaries-NN.marshal`, `project.marshal`,
`depends.marshal`, its temporary files). Pruning and `clean` remove those files and then the directory if it is empty,
never a tree. `cache-dir` itself gets a `CACHEDIR.TAG` and a `.gitignore` only when the cache
created it (or found it empty). A `cache-dir` that is, or contains, the project root or a
checked path is a configuration error (`check_location`).

Cache files are untrusted input: only regular files up to `MAX_CACHE_FILE` bytes are read, a
checksum is verified before unmarshalling, the types of what comes out are checked, and
anything else is a miss.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import marshal
import os
import re
import sys
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from . import __version__
from .config import ConfigError
from .diagnostics import Diagnostic
from .semantic.modules import module_name, module_name_in
from .semantic.records import ModuleSummary, fix_from_plain, fix_to_plain, from_plain, to_plain
from .writing import open_regular, read_regular

FORMAT = 6
_PROJECT_FORMAT = "project-4"
SHARDS = 16
# Summaries are most of the cache's bytes (about 5 kB a file against 0.4 kB of entry), and a
# shard that gains one is written again whole: more, smaller shards keep that write small
# when one file changed (a shard is opened only when one of its summaries is needed).
SUMMARY_SHARDS = 64
KEEP_NAMESPACES = 8
_MAGIC = b"fastapi-lint-cache-2\n"
# A file changed less than this before it was read is re-hashed on the next run (see above).
RACY_NS = 2_000_000_000
_MARKER = "CACHEDIR.TAG"
_CHECK_BYTES = 4  # see `_check`
# A cache file larger than this is not read (a miss): far above what a large project writes.
MAX_CACHE_FILE = 256 * 1024 * 1024
# The flags `tempfile.mkstemp` adds where the system has them.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_NAMESPACE = re.compile(r"[0-9a-f]{20}\Z")
_OWN_FILE = re.compile(
    r"(?:shard-\d\d\.marshal|summaries-\d\d\.marshal|(?:project|depends)(?:-[0-9a-f]{12})?\.marshal"
    r"|\.tmp-[A-Za-z0-9_]+"
    r"|CACHEDIR\.TAG|\.gitignore)\Z"
)
# A temporary file as `Cache._write` names them, and how old one must be before a save takes
# it for what a killed run left between creating and renaming it (see `Cache._sweep`).
_TEMPORARY = re.compile(r"\.tmp-[0-9a-f]{16}\Z")
_STALE_TEMPORARY_NS = 3600 * 1_000_000_000
_GITIGNORE = b"# Created by fastapi-lint.\n*\n"
_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This directory is a cache created by fastapi-lint; `fastapi-lint clean` removes it.\n"
)

# (size, mtime_ns, ctime_ns, inode): what `stat` says about a file.
StatKey = tuple[int, int, int, int]


@dataclass(frozen=True)
class Content:
    """What a worker read: the file's `stat` before reading, when it read, and the digest."""

    stat: StatKey
    read_at: int
    digest: bytes


def stat_key(result: os.stat_result) -> StatKey:
    return (result.st_size, result.st_mtime_ns, result.st_ctime_ns, result.st_ino)


def digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()[:16]


def cache_root(settings_cache_dir: str, root: str) -> str:
    """`cache-dir` relative to the project root (the config's directory, else the cwd)."""
    return os.path.join(root or os.getcwd(), settings_cache_dir)


def check_location(directory: str, root: str, paths: Iterable[str] = ()) -> None:
    """ConfigError when the cache directory is, or contains, the project root or a checked
    path: pruning or cleaning it would put the user's files at stake."""
    cache = os.path.realpath(directory)
    for what, path in [("the project root", root or os.getcwd())] + [
        (f"the checked path {p}", p) for p in paths
    ]:
        real = os.path.realpath(path)
        if real == cache or real.startswith(cache.rstrip(os.sep) + os.sep):
            raise ConfigError(
                f"cache-dir {directory} is or contains {what}; choose a directory of its own "
                "(the default is .fastapi_lint_cache)"
            )


def _is_marker(path: str) -> bool:
    """Is `path` a CACHEDIR.TAG this tool wrote?"""
    try:
        return read_regular(path, 4096) == _TAG.encode()
    except OSError:
        return False


def _owned(directory: str) -> bool:
    return _is_marker(os.path.join(directory, _MARKER))


def _remove_namespace(path: str, top_owned: bool) -> bool:
    """Remove one namespace directory if it is provably ours: its own files, then the directory
    itself when nothing else is left in it. True when it is gone."""
    name = os.path.basename(path)
    if not _NAMESPACE.match(name) or os.path.islink(path) or not os.path.isdir(path):
        return False
    if not (top_owned or _owned(path)):
        return False
    try:
        for entry in os.scandir(path):
            if _OWN_FILE.match(entry.name) and not entry.is_dir(follow_symlinks=False):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
        os.rmdir(path)
    except OSError:
        return False
    return True


def clean(directory: str) -> bool:
    """Remove what the cache wrote in `directory` (its namespaces, and its marker and
    .gitignore), then the directory if that leaves it empty; nothing else is touched.
    False when there was nothing of ours; ValueError for a directory with nothing of ours."""
    if not os.path.isdir(directory):
        return False
    top_owned = _owned(directory)
    removed = False
    for entry in os.scandir(directory):
        if _NAMESPACE.match(entry.name):
            removed = _remove_namespace(entry.path, top_owned) or removed
    if top_owned:
        gitignore = os.path.join(directory, ".gitignore")
        with contextlib.suppress(OSError):
            if _read_small(gitignore) == _GITIGNORE:
                os.unlink(gitignore)
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(directory, _MARKER))
        with contextlib.suppress(OSError):
            os.rmdir(directory)
        return True
    if not removed:
        raise ValueError(f"{directory} does not look like a fastapi-lint cache; not removed")
    return True


def _read_small(path: str) -> bytes:
    return read_regular(path, 4096)


def _code_digest() -> str:
    """Size and mtime of every source file of the package: a rule edited in place is noticed."""
    package = os.path.dirname(os.path.abspath(__file__))
    parts: list[str] = []
    for directory, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                parts.append(f"{os.path.relpath(path, package)}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def namespace(fingerprint: str, codes: Iterable[str]) -> str:
    key = "\0".join(
        (
            str(FORMAT),
            __version__,
            _code_digest(),
            f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}",
            fingerprint,
            ",".join(sorted(codes)),
        )
    )
    return hashlib.sha256(key.encode()).hexdigest()[:20]


def _check(data: bytes) -> bytes:
    """The checksum of a cache file's payload: CRC-32, which finds damage (a torn or
    truncated write, a flipped bit) at a third of SHA-256's cost on the megabytes a run reads
    and writes. It is no defence against forgery, and none is needed: whoever can write a
    cache file can write its checksum too."""
    return zlib.crc32(data).to_bytes(_CHECK_BYTES, "little")


def _sealed(data: Any) -> bytes:  # what marshal can write: marshal checks it
    payload = marshal.dumps(data)
    return _MAGIC + _check(payload) + payload


# ---------------------------------------------------------------- diagnostics as plain tuples


def pack(diagnostics: list[Diagnostic]) -> tuple:
    return tuple(
        (
            d.code,
            d.message,
            d.row,
            d.col,
            d.end_row,
            d.end_col,
            d.rule_name,
            d.start_offset,
            d.fix_positions,
            None if d.fix is None else fix_to_plain(d.fix),
        )
        for d in diagnostics
    )


def unpack(packed: tuple, path: str) -> list[Diagnostic]:
    """The findings `pack` stored; ValueError for anything that is not exactly that.

    A warm run unpacks every file's entry, so the checks are written out (exact classes, as
    marshal makes them) rather than as generators: most entries are empty, and the others
    are a handful of flat tuples."""
    if packed.__class__ is not tuple:
        raise ValueError("malformed cache entry")
    out = []
    for item in packed:
        if item.__class__ is not tuple or len(item) != 10:
            raise ValueError("malformed cache entry")
        code, message, row, col, end_row, end_col, rule_name, start, positions, fix = item
        if not (
            code.__class__ is str
            and message.__class__ is str
            and rule_name.__class__ is str
            and row.__class__ is int
            and col.__class__ is int
            and end_row.__class__ is int
            and end_col.__class__ is int
            and start.__class__ is int
            and positions.__class__ is tuple
        ):
            raise ValueError("malformed cache entry")
        for p in positions:
            if not (
                p.__class__ is tuple
                and len(p) == 4
                and p[0].__class__ is int
                and p[1].__class__ is int
                and p[2].__class__ is int
                and p[3].__class__ is int
            ):
                raise ValueError("malformed cache entry")
        try:
            fixed = None if fix is None else fix_from_plain(fix)
        except (TypeError, ValueError, AttributeError) as exc:
            raise ValueError("malformed cache entry") from exc
        diagnostic = Diagnostic(
            code,
            message,
            path,
            row,
            col,
            end_row,
            end_col,
            fixed,
            rule_name,
            positions,  # a tuple of 4-tuples of ints, as checked: immutable as it is
            start,
        )
        out.append(diagnostic)
    return out


# ------------------------------------------------------------------------------------ the cache


class Hit(NamedTuple):
    """A file served from the cache: its findings; its summary is fetched with
    `Cache.summary` when needed."""

    diagnostics: list[Diagnostic]
    digest: bytes
    key: str
    module: str


@dataclass
class ProjectState:
    """The last project run (`project.py`): enough to tell which files changed since, and
    which cross-module findings those changes may alter.

    `order`: the files (by cache key) in the order of the run (the index's order decides
    between equal chains); then per file, in that order, its module name, displayed path,
    content digest and whether it has a summary (it parses: a byte, 1 or 0, in `present`);
    `results`: the cross-module findings of each file, packed. Columns rather than a tuple
    per file: a run compares a whole column with its own at once, and loading ten
    thousand rows was most of what a warm run spent on the record.
    """

    order: tuple[str, ...]
    modules: tuple[str, ...]
    displays: tuple[str, ...]
    digests: tuple[bytes, ...]
    present: bytes
    results: dict[str, tuple]

    def positions(self) -> dict[str, int]:
        """Each file's place in the columns, by cache key."""
        return {key: number for number, key in enumerate(self.order)}


@dataclass
class Depends:
    """What the cross-module findings of the last project run read, kept apart from its
    state (`depends.marshal`) because only a run in which something changed needs it:
    `names`, the module names and path aliases the project had; `files`, for each file with
    deferred facts, the positions in `names` of those its findings consulted, as unsigned
    32-bit integers in the machine's byte order (`array("I")`)."""

    names: tuple[str, ...]
    files: dict[str, bytes]


# An entry: (display path, module name, stat key, read_at, digest, packed diagnostics), stored
# in its shard marshalled (`Stored`): a warm run's ten thousand entries then cost the garbage
# collector nothing until they are unpacked, and unpacked they are let go at once.
Entry = tuple[str, str, StatKey, int, bytes, tuple]
Stored = bytes
# The module summaries of project analysis live in shards of their own, loaded only when the
# project index must be built: (digest of the content summarised, the marshalled plain form of
# the summary, or None for a file that does not parse).
SummaryEntry = tuple[bytes, bytes | None]
_SUMMARIES_MAGIC = b"fastapi-lint-summaries-3\n"
_LENGTH_BYTES = 8


class _SummaryShard:
    """One `summaries-NN.marshal`: a sealed table — per cache key, the digest of the content
    summarised and where the summary's bytes lie, with their own checksum — followed by the
    summaries' bytes. A run that needs a few summaries (one file changed: about twenty of ten
    thousand) reads the table and those bytes; the whole shard, read, checked and
    unmarshalled, was most of the cost of such a run. The file stays open while the shard is
    in use, so a shard another run renames into place meanwhile is not mixed with this one.

    `stored`: the table as read, `(digest, offset, length, checksum)` per key, checked when an
    entry is used; `added`: what this run put, `(digest, bytes or None)` per key.
    """

    def __init__(self, path: str) -> None:
        self.stored: dict[Any, Any] = {}
        self.added: dict[str, SummaryEntry] = {}
        self._handle: Any = None
        self._base = 0
        self._size = 0
        with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
            self._open(path)

    def _open(self, path: str) -> None:
        # Only a regular file of a sane size (no FIFO, device or sparse monster).
        fd, info = open_regular(path, MAX_CACHE_FILE)
        handle = os.fdopen(fd, "rb", buffering=0)
        try:
            head = handle.read(len(_SUMMARIES_MAGIC) + _LENGTH_BYTES)
            if head[: len(_SUMMARIES_MAGIC)] != _SUMMARIES_MAGIC:
                raise ValueError("not a summary shard")
            length = int.from_bytes(head[len(_SUMMARIES_MAGIC) :], "little")
            if len(head) != len(_SUMMARIES_MAGIC) + _LENGTH_BYTES or length > info.st_size:
                raise ValueError("not a summary shard")
            sealed = handle.read(length)
            # A checksum before unmarshalling, as for every other cache file.
            check, payload = sealed[:_CHECK_BYTES], sealed[_CHECK_BYTES:]
            if len(sealed) != length or check != _check(payload):
                raise ValueError("damaged summary shard")
            table = marshal.loads(payload)
            if not isinstance(table, dict):
                raise ValueError("not a summary shard")
        except BaseException:
            handle.close()
            raise
        self._handle = handle
        self._base = len(head) + length
        self._size = info.st_size
        self.stored = table

    def get(self, key: str) -> SummaryEntry | None:
        """(content digest, the summary's bytes or None), or None when absent or damaged."""
        added = self.added.get(key)
        if added is not None:
            return added
        return self.get_stored(key)

    def get_stored(self, key: str) -> SummaryEntry | None:
        """`get` of what the file held when it was opened (not what this run put)."""
        entry = self.stored.get(key)
        if entry is None:
            return None
        try:
            digest, offset, length, check = entry
        except (TypeError, ValueError):
            return None
        if not (isinstance(digest, bytes) and isinstance(check, bytes)):
            return None
        if offset is None:
            return (digest, None)
        if not (type(offset) is int and type(length) is int and offset >= 0 and length >= 0):
            return None
        if self._handle is None or self._base + offset + length > self._size:
            return None
        try:
            self._handle.seek(self._base + offset)
            data = self._handle.read(length)
        except OSError:
            return None
        if len(data) != length or _check(data) != check:
            return None
        return (digest, data)

    def put(self, key: str, digest: bytes, plain: bytes | None) -> None:
        self.added[key] = (digest, plain)

    def remove(self, key: str) -> bool:
        """Forget `key`'s summary; True when there was one."""
        found = self.added.pop(key, None) is not None
        return self.stored.pop(key, None) is not None or found

    def sealed(self) -> list[bytes]:
        """The shard as a file, in parts written one after another: every readable summary,
        new or stored (stored ones are read and checked again here, so a damaged one is
        dropped, never copied). Parts, not one joined copy: the summaries of every shard of a
        project's first run were all held twice while the shards were written (53 MB more
        than the run's peak before, on the corpus)."""
        table: dict[str, tuple[Any, ...]] = {}
        blobs: list[bytes] = []
        position = 0
        keys = [k for k in self.stored if isinstance(k, str) and k not in self.added]
        for key in [*keys, *self.added]:
            found = self.get(key)
            if found is None:
                continue
            digest, data = found
            if data is None:
                table[key] = (digest, None, 0, b"")
                continue
            table[key] = (digest, position, len(data), _check(data))
            blobs.append(data)
            position += len(data)
        payload = marshal.dumps(table)
        sealed = _check(payload) + payload
        length = len(sealed).to_bytes(_LENGTH_BYTES, "little")
        return [_SUMMARIES_MAGIC, length, sealed, *blobs]

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _summary_from(stored: object) -> ModuleSummary | None:
    """A summary as a summary shard holds it (under the shard's checksum); raises on anything
    else."""
    if stored is None:
        return None
    if not isinstance(stored, bytes):
        raise TypeError("not a stored summary")
    return from_plain(marshal.loads(stored))


_UNREAD = object()


class Cache:
    def __init__(self, directory: str, space: str, project: str = "", group: str = "") -> None:
        self.base = directory
        self.directory = os.path.join(directory, space)
        # The files checked together in one project pass, when a run checks several groups
        # (one per configuration and project) with the same settings: their entries share the
        # namespace, each group's project record is its own (`project_path`).
        self._group = group
        # Entries are keyed by path relative to the project root where possible.
        self._prefix = os.path.join(os.path.abspath(project or os.getcwd()), "")
        self._cwd = os.getcwd()
        self._keys: dict[str, tuple[str, str]] = {}
        self._shards: dict[int, dict[str, Stored]] = {}
        self._dirty: set[int] = set()
        self._project: tuple[object, ...] | None = None
        # The group's project record as `project_state` read it (`_UNREAD` before): the
        # record a run writes keeps files of the one before, which need not be read twice.
        self._recorded: object = _UNREAD
        # Likewise the dependencies record (`project_depends`): not written again unchanged.
        self._depends_read: object = _UNREAD
        self._depends: tuple[object, ...] | None = ()
        self._summaries: dict[int, _SummaryShard] = {}
        self._dirty_summaries: set[int] = set()

    @classmethod
    def for_run(
        cls, cache_dir: str, root: str, fingerprint: str, codes: Iterable[str], group: str = ""
    ) -> Cache:
        """The cache of a run; `group` names the group of files of a run over several groups
        (see `__init__`): any text, digested into the names of its project records."""
        tag = hashlib.sha256(group.encode()).hexdigest()[:12] if group else ""
        return cls(cache_root(cache_dir, root), namespace(fingerprint, codes), root, tag)

    def for_group(self, group: str) -> Cache:
        """This cache for another group of files of the same run (see `for_run`): the entries
        and summaries, loaded once, are shared; the project record is the group's own."""
        other = copy.copy(self)
        other._group = hashlib.sha256(group.encode()).hexdigest()[:12] if group else ""
        other._project = None
        other._depends = ()
        other._recorded = _UNREAD
        other._depends_read = _UNREAD
        return other

    def _key(self, path: str) -> str:
        # Asked several times per file in a run (look-up, project key, store): `abspath` asks
        # the OS for the working directory each time, so the answers are kept.
        return self._paths(path)[1]

    def _paths(self, path: str) -> tuple[str, str]:
        """(absolute path, cache key) of a path as discovery gave it."""
        known = self._keys.get(path)
        if known is None:
            absolute = os.path.normpath(os.path.join(self._cwd, path))
            known = self._keys[path] = (absolute, self._key_in(absolute))
        return known

    def _key_in(self, absolute: str) -> str:
        """The cache key of a normalised absolute path: relative to the project root when
        inside it."""
        prefix = self._prefix
        return absolute[len(prefix) :] if absolute.startswith(prefix) else absolute

    # ------------------------------------------------------------------- shards

    @staticmethod
    def _shard_of(key: str) -> int:
        return zlib.crc32(key.encode("utf-8", "surrogateescape")) % SHARDS

    @staticmethod
    def _summaries_of(key: str) -> int:
        return zlib.crc32(key.encode("utf-8", "surrogateescape")) % SUMMARY_SHARDS

    def _shard(self, index: int) -> dict[str, Stored]:
        shard = self._shards.get(index)
        if shard is None:
            shard = self._load(index)
            self._shards[index] = shard
        return shard

    def _load(self, index: int) -> dict[str, Stored]:
        data = self._read(os.path.join(self.directory, f"shard-{index:02d}.marshal"))
        return data if isinstance(data, dict) else {}

    @staticmethod
    def _read(path: str) -> object:
        try:
            raw = read_regular(path, MAX_CACHE_FILE)  # no FIFO, device or huge file
        except OSError:
            return None
        # A checksum before unmarshalling: marshal is not meant for damaged input, so only
        # bytes this module wrote are ever handed to it. Anything else is an empty shard.
        header, payload = raw[: len(_MAGIC) + _CHECK_BYTES], raw[len(_MAGIC) + _CHECK_BYTES :]
        if header != _MAGIC + _check(payload):
            return None
        try:
            return marshal.loads(payload)
        except Exception:
            return None

    # ---------------------------------------------------------------- look-ups

    def get_many(self, items: Iterable[tuple[str, str, str]]) -> list[Hit | None]:
        """For each (path, displayed path, normalised absolute path or ""), the file's cached
        findings and summary, or None when they must be computed. A warm run asks for every
        file, so the usual case (the same stat as stored) is one loop, which splits a path
        into directory and name only when the directory is not the last file's (files come
        in path order; `module_name_in` keeps each directory's package name)."""
        found: list[Hit | None] = []
        append = found.append
        shards = self._shards
        loads = marshal.loads
        sep = os.sep
        # A normalised absolute directory, and the same with a separator at its end.
        folder, here = "", ""
        for path, display, absolute in items:
            if absolute:
                key = self._key_in(absolute)
            else:
                absolute, key = self._paths(path)
            index = self._shard_of(key)
            shard = shards.get(index)
            if shard is None:
                shard = self._shard(index)
            stored = shard.get(key)
            # Under the shard's checksum: bytes this module wrote (anything else is a miss).
            if stored.__class__ is not bytes:
                append(None)
                continue
            try:
                shown, module, before, read_at, content, packed = loads(stored)
                if shown != display or content.__class__ is not bytes:
                    append(None)
                    continue
                name = absolute[len(here) :]
                if not here or not absolute.startswith(here) or sep in name:
                    folder, name = os.path.split(absolute)
                    here = os.path.join(folder, "")
                if module != module_name_in(folder, name):
                    append(None)
                    continue
                now = stat_key(os.stat(path))
                if now != before or now[2] >= read_at - RACY_NS:
                    # Changed stat, or too recent to trust: compare the content itself (the
                    # time is taken before reading it, as when the entry was made).
                    checked_at = time.time_ns()
                    if now[0] != before[0] or digest(read_regular(path, now[0])) != content:
                        append(None)
                        continue
                    entry = (shown, module, now, checked_at, content, packed)
                    shard[key] = marshal.dumps(entry)
                    self._dirty.add(index)
                append(Hit(unpack(packed, display) if packed else [], content, key, module))
            except Exception:  # a malformed entry or an unreadable file: lint it
                append(None)
        return found

    def put(
        self,
        path: str,
        display: str,
        content: Content,
        diagnostics: list[Diagnostic],
        summary: ModuleSummary | None = None,
        *,
        summarized: bool = False,
        plain: bytes | None = None,
    ) -> None:
        """Store a file's findings and, when it was `summarized` (project analysis), its
        summary (None for a file that has none: it does not parse), or `plain`, the summary
        already in the form stored (`marshal.dumps(to_plain(summary))`, made in a worker)."""
        key = self._key(path)
        index = self._shard_of(key)
        entry: Entry = (
            display,
            module_name(path),
            content.stat,
            content.read_at,
            content.digest,
            pack(diagnostics),
        )
        self._shard(index)[key] = marshal.dumps(entry)
        self._dirty.add(index)
        index = self._summaries_of(key)
        summaries = self._summary_shard(index)
        if summarized:
            # Marshalled on its own: a run that needs a few summaries (one file changed)
            # reads and unmarshals only those (see `_SummaryShard`).
            if plain is None and summary is not None:
                plain = marshal.dumps(to_plain(summary))
            summaries.put(key, content.digest, plain)
            self._dirty_summaries.add(index)
        elif summaries.remove(key):
            self._dirty_summaries.add(index)

    def summary(self, hit: Hit) -> ModuleSummary | None:
        """The summary stored with a hit's content; KeyError when there is none (an entry
        written without project analysis, or a summary shard lost)."""
        found = self._summary_shard(self._summaries_of(hit.key)).get(hit.key)
        if not isinstance(found, tuple) or len(found) != 2 or found[0] != hit.digest:
            raise KeyError(hit.key)
        try:
            return _summary_from(found[1])
        except Exception as exc:  # a malformed record: as if absent
            raise KeyError(hit.key) from exc

    def summary_kept(self, key: str, before: bytes) -> bool:
        """Did this run store for `key` the summary (equal in value) that was stored for the
        file's content `before`? Then nothing another file can learn of it changed (a
        comment, or an edit that moved no line a summary records)."""
        shard = self._summary_shard(self._summaries_of(key))
        now = shard.added.get(key)
        if now is None or now[1] is None:
            return False
        old = shard.get_stored(key)
        if old is None or old[0] != before or old[1] is None:
            return False
        # Equal values may marshal apart (marshal refers back to an object met twice, and
        # a summary unpacked from a worker shares strings a fresh one does not).
        return old[1] == now[1] or marshal.loads(old[1]) == marshal.loads(now[1])

    def _summary_shard(self, index: int) -> _SummaryShard:
        shard = self._summaries.get(index)
        if shard is None:
            shard = self._summaries[index] = _SummaryShard(self._summary_path(index))
        return shard

    def _close_summaries(self) -> None:
        """Let go of the summary shards' files (read again if asked for): before they are
        replaced, which some systems refuse for an open file, and when a run is done."""
        for shard in self._summaries.values():
            shard.close()
        self._summaries.clear()

    def _summary_path(self, index: int) -> str:
        return os.path.join(self.directory, f"summaries-{index:02d}.marshal")

    # --------------------------------------------------------- project results

    def project_state(self) -> ProjectState | None:
        """What the last project run recorded (None without one, or for anything this
        version did not write)."""
        record = self._recorded = self._read(self.project_path())
        if not isinstance(record, tuple) or len(record) != 8 or record[0] != _PROJECT_FORMAT:
            return None
        _, _, order, modules, displays, digests, present, results = record
        if not (
            all(column.__class__ is tuple for column in (order, modules, displays, digests))
            and present.__class__ is bytes
            and results.__class__ is dict
            and len(order) == len(modules) == len(displays) == len(digests) == len(present)
            # Each column's types at C speed (`set(map(type, ...))`), not a check per row.
            and set(map(type, order)) <= {str}
            and set(map(type, modules)) <= {str}
            and set(map(type, displays)) <= {str}
            and set(map(type, digests)) <= {bytes}
            and set(present) <= {0, 1}
            and len(set(order)) == len(order)
        ):
            return None
        # Findings are checked when they are unpacked (`unpack` raises on anything else).
        return ProjectState(order, modules, displays, digests, present, results)

    def project_depends(self, state: ProjectState) -> Depends | None:
        """What the findings of the run that recorded `state` read (None if missing, or
        written by another run)."""
        record = self._read(self._depends_path())
        self._depends_read = record
        if not (
            isinstance(record, tuple)
            and len(record) == 4
            and record[0] == _PROJECT_FORMAT
            and record[1] == state.order
            and isinstance(record[2], tuple)
            and isinstance(record[3], dict)
        ):
            return None
        names, files = record[2], record[3]
        # The types of all at once, at C speed (tens of thousands of names).
        if not (
            set(map(type, names)) <= {str}
            and set(map(type, files)) <= {str}
            and set(map(type, files.values())) <= {bytes}
        ):
            return None
        return Depends(names, files)

    def set_project_state(self, state: ProjectState, depends: Depends | None) -> None:
        """Record a project run: its files (`state.order`, by cache key; for
        `stored_project`), its state and what its findings read (None: what the stored
        record says, for a state with the same files in the same order)."""
        keys = list(state.order)
        # A run over some files (pre-commit passes the changed ones) keeps the other files of
        # earlier runs in the list, as long as they exist: flake8 still sees the whole project.
        previous = self._recorded
        if previous is _UNREAD:
            previous = self._read(self.project_path())
        if isinstance(previous, tuple) and len(previous) > 1 and isinstance(previous[1], tuple):
            seen = set(keys)
            for old in previous[1]:
                if isinstance(old, str) and old not in seen and os.path.exists(self._path_of(old)):
                    keys.append(old)
        self._project = (
            _PROJECT_FORMAT,
            # Usually the files of the run itself: then the same tuple, which marshal writes
            # once and refers to the second time.
            state.order if len(keys) == len(state.order) else tuple(keys),
            state.order,
            state.modules,
            state.displays,
            state.digests,
            state.present,
            state.results,
        )
        # The order of the files ties the two records together: a crash between their
        # writes leaves a pair that does not match, which is read as no record.
        self._depends = (
            None
            if depends is None
            else (_PROJECT_FORMAT, state.order, depends.names, depends.files)
        )

    def stored_project(self) -> list[ModuleSummary] | None:
        """The summaries of the files of the last project runs, paths relative to the current
        directory; None without one. For the flake8 plugin, which sees one file at a time."""
        # Every group's record: a run over several groups (see `__init__`) records each.
        keys: dict[str, None] = {}
        found_record = False
        for path in self._project_records():
            record = self._read(path)
            if isinstance(record, tuple) and len(record) == 8 and isinstance(record[1], tuple):
                found_record = True
                keys.update((key, None) for key in record[1] if isinstance(key, str))
        if not found_record:
            return None
        summaries = []
        for key in keys:
            found = self._summary_shard(self._summaries_of(key)).get(key)
            if not isinstance(found, tuple) or len(found) != 2 or found[1] is None:
                continue
            path = self._path_of(key)
            try:
                summary = _summary_from(found[1])
            except Exception:
                continue
            if summary is None:
                continue
            with contextlib.suppress(ValueError):  # another drive on Windows: keep it absolute
                path = os.path.relpath(path)
            summaries.append(summary._replace(path=path))
        for index in [i for i in self._summaries if i not in self._dirty_summaries]:
            self._summaries.pop(index).close()
        return summaries

    def key_of(self, path: str) -> str:
        return self._key(path)

    def _path_of(self, key: str) -> str:
        return key if os.path.isabs(key) else self._prefix + key

    def project_path(self) -> str:
        suffix = f"-{self._group}" if self._group else ""
        return os.path.join(self.directory, f"project{suffix}.marshal")

    def _depends_path(self) -> str:
        suffix = f"-{self._group}" if self._group else ""
        return os.path.join(self.directory, f"depends{suffix}.marshal")

    def _project_records(self) -> list[str]:
        """Every group's project record in the namespace (the untagged one first)."""
        try:
            names = sorted(
                entry.name
                for entry in os.scandir(self.directory)
                if entry.name.startswith("project") and _OWN_FILE.match(entry.name)
            )
        except OSError:
            return []
        return [os.path.join(self.directory, name) for name in names]

    def project_stamp(self) -> tuple[tuple[str, int], ...]:
        """The project records and their modification times: changes when any group's
        `fastapi-lint check` records a run (what the flake8 plugin reloads on)."""
        stamps = []
        for path in self._project_records():
            with contextlib.suppress(OSError):
                stamps.append((path, os.stat(path).st_mtime_ns))
        return tuple(stamps)

    # ------------------------------------------------------------------- saving

    def save(self) -> None:
        """Write the changed shards; a cache that cannot be written is silently skipped."""
        if not self._dirty and not self._dirty_summaries and self._project is None:
            self._close_summaries()
            return
        try:
            self._claim()
            # Summaries before entries: an entry is never newer than the summary beside it (a
            # crash in between leaves summaries whose digest no entry has: unused, rewritten).
            self._write_summaries()
            for index in sorted(self._dirty):
                self._write(
                    os.path.join(self.directory, f"shard-{index:02d}.marshal"),
                    _sealed(self._shards[index]),
                )
            if self._project is not None:
                # One file changed often leaves what the findings read as it was.
                if self._depends is not None and self._depends != self._depends_read:
                    self._write(self._depends_path(), _sealed(self._depends))
                self._write(self.project_path(), _sealed(self._project))
            self._prune()
            self._sweep()
        except OSError:
            self._drop_summaries()  # not written (an unwritable cache): the run goes on without
            return
        self._dirty.clear()  # the summaries' were cleared once they were written
        self._project = None
        self._recorded = _UNREAD
        self._depends_read = _UNREAD

    def write_summaries(self) -> bool:
        """Write the summaries put so far now, not at `save`: a whole project pass decodes
        every module's summary, and their stored bytes, held beside them through the pass,
        were 46 MB of a first run's peak on the corpus. A cache that cannot be written is
        skipped, as `save` skips it (an entry it then writes has no summary beside it: the
        next run summarises that file again). Whether there was anything to write (the bytes
        held for it are freed either way)."""
        if not self._dirty_summaries:
            return False
        try:
            self._claim()
            self._write_summaries()
        except OSError:
            self._drop_summaries()
        return True

    def _drop_summaries(self) -> None:
        """After a failed write: what the summary shards held for writing is gone with their
        files."""
        self._close_summaries()
        self._dirty_summaries.clear()

    def _write_summaries(self) -> None:
        written = {i: self._summaries[i].sealed() for i in sorted(self._dirty_summaries)}
        self._close_summaries()  # a shard is read again from its new file if asked for
        for index in sorted(written):
            self._write(self._summary_path(index), *written.pop(index))
        self._dirty_summaries.clear()

    def _claim(self) -> None:
        """Create the namespace directory, marked as ours. `cache-dir` is marked (and ignored
        by git) only when this creates it or finds it empty: a shared folder stays as it is."""
        if not os.path.isdir(self.base) or not os.listdir(self.base):
            os.makedirs(self.base, exist_ok=True)
            self._write(os.path.join(self.base, _MARKER), _TAG.encode())
            self._write(os.path.join(self.base, ".gitignore"), _GITIGNORE)
        if not os.path.isdir(self.directory):
            os.mkdir(self.directory)
        if not _owned(self.directory):
            self._write(os.path.join(self.directory, _MARKER), _TAG.encode())
            self._write(os.path.join(self.directory, ".gitignore"), _GITIGNORE)

    def _sweep(self) -> None:
        """Remove the temporary files of this namespace that a killed run left (killed between
        creating one and renaming it into place), once they are an hour old: no run takes that
        long to write one, and should one be that slow, its rename fails and it skips the
        cache as for any unwritable cache. Only regular files named as `_write` names them."""
        cutoff = time.time_ns() - _STALE_TEMPORARY_NS
        with os.scandir(self.directory) as entries:
            for entry in entries:
                if not _TEMPORARY.match(entry.name):
                    continue
                with contextlib.suppress(OSError):
                    info = entry.stat(follow_symlinks=False)
                    if entry.is_file(follow_symlinks=False) and info.st_mtime_ns < cutoff:
                        os.unlink(entry.path)

    def _prune(self) -> None:
        """Keep the most recently written namespaces; older settings or versions go — only
        directories that are provably ours (see the module docstring)."""
        top_owned = _owned(self.base)
        spaces = []
        for entry in os.scandir(self.base):
            ours = _NAMESPACE.match(entry.name) and entry.is_dir(follow_symlinks=False)
            if ours and (top_owned or _owned(entry.path)):
                spaces.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.path))
        spaces.sort(reverse=True)
        for _, path in spaces[KEEP_NAMESPACES:]:
            if os.path.abspath(path) != os.path.abspath(self.directory):
                _remove_namespace(path, top_owned)

    @staticmethod
    def _write(path: str, *data: bytes) -> None:
        # A temporary file of our own name, created exclusively, as `tempfile.mkstemp` does
        # (whose import costs a run that writes the cache 3 ms: `random` and `shutil`).
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY
        while True:
            temporary = os.path.join(os.path.dirname(path), f".tmp-{os.urandom(8).hex()}")
            try:
                fd = os.open(temporary, flags, 0o600)
            except FileExistsError:
                continue
            break
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.writelines(data)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
