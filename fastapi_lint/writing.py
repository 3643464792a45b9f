"""Reading and writing the user's files safely: what --fix may overwrite, and how.

Reading (`read_regular`): only regular files are read, and no more than a size limit. A FIFO
would block `open` or `read` forever, a symlink to `/dev/zero` would never end, so a file is
opened without blocking, checked with `fstat`, then read to at most `limit + 1` bytes.

Writing (`write_fixed`) replaces the file by a temporary file renamed over it: a crash, a
`kill -9` or a full disk at any moment leaves either the original or the whole fixed file,
never a mix. Renaming only needs the directory to be writable, so before anything is written
the tool decides like a careful person would, and refuses (the finding stays, with the reason):

- a symlink whose target lies outside the project and the checked paths: not written through;
- anything that is not a regular file;
- a file with more than one hard link: replacing it would split it from its other names
  (writing in place would keep them, but could leave a half-written file on a crash);
- a read-only file (no write permission for us, or no write bit at all — root included):
  the user made it so;
- a file owned by another user or group that cannot be given back to them (`fchown` of the
  temporary file fails): replacing it would change its owner.

The owner, group and mode of the file are copied to the temporary file before the rename.

A concurrent writer (an editor, a script appending) must never lose an edit. The rename itself
cannot be made conditional, and a writer that opened the file just before it would write into
the replaced file after it, where the edit is lost. Where the platform has file leases (Linux),
the tool therefore takes a write lease on the original first: the kernel grants it only while
no other process has the file open, and holds back any other `open` of it until the lease is
released, telling the holder. Under the lease the content is compared with what was read, the
original gets a second name (a hard link), the fixed file is renamed over it, and the lease is
asked whether anybody tried to open the file meanwhile: if so the original goes back in place
under its own name (same inode, so the waiting writer's edit lands in the file at the path) and
the fix is not applied. A file that stays open elsewhere for a moment is waited for briefly.

Without leases (another platform, a file system that refuses them, a file we do not own) the
content is compared through a descriptor kept open on the original, immediately before the
rename, and the old file (still open) is read once more after it: an edit that landed in the
instant between the check and the rename is found there, and the file is put back as the other
writer left it, with the fix not applied. That path narrows the window; only the lease closes it.

Temporary files are named `.fastapi-lint-<pid>-<random>.tmp`; one whose process no longer runs
(a killed run) is removed by the next run that sees it (`remove_stale`).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
import time

if sys.platform != "win32":
    import fcntl
    import signal

# Files larger than this are not read (a FAL000 says so); `max-file-size` in the config.
DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024

_TEMP_PREFIX = ".fastapi-lint-"
_TEMP_SUFFIX = ".tmp"
# Ours: `.fastapi-lint-<pid>-<random>.tmp`; older versions wrote `.fastapi-lint-<random>.tmp`.
_TEMP_NAME = re.compile(r"\.fastapi-lint-(?:(\d+)-)?[A-Za-z0-9_]+\.tmp\Z")
# A temporary file without a process id, or whose process id may have been reused, is only
# removed when it is clearly older than any run still writing it.
_STALE_AFTER_S = 3600


class NotRegular(OSError):
    """The path names something that is not a regular file (FIFO, device, directory)."""


class TooLarge(OSError):
    """The file is larger than the limit (`size`: at least this many bytes)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"{size} bytes, more than the limit of {limit}")
        self.size = size


def read_regular(path: str, limit: int | None = DEFAULT_MAX_FILE_SIZE) -> bytes:
    """The bytes of a regular file; `NotRegular`, `TooLarge` or another `OSError` otherwise.

    Never blocks on a FIFO (opened with O_NONBLOCK, then refused) and never reads more than
    `limit + 1` bytes, whatever `stat` said (a file may grow while it is read).
    """
    fd, _ = open_regular(path, limit)
    try:
        return _read_all(fd, limit)
    finally:
        os.close(fd)


def open_regular(
    path: str, limit: int | None = DEFAULT_MAX_FILE_SIZE
) -> tuple[int, os.stat_result]:
    """A descriptor open for reading on a regular file of at most `limit` bytes, and its
    `fstat`; the caller closes it. Raises as `read_regular` does, for the same reasons."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(21, "Is a directory", path)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(f"{path} is not a regular file ({_kind(info.st_mode)})")
        if limit is not None and info.st_size > limit:
            raise TooLarge(info.st_size, limit)
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def _read_all(fd: int, limit: int | None) -> bytes:
    most = None if limit is None else limit + 1
    chunks: list[bytes] = []
    total = 0
    while True:
        want = 1 << 20 if most is None else min(1 << 20, most - total)
        if want <= 0:
            break
        chunk = os.read(fd, want)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    data = b"".join(chunks)
    if limit is not None and len(data) > limit:
        raise TooLarge(len(data), limit)
    return data


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def kind_of(path: str) -> str:
    """What a non-regular path is, for messages ("a FIFO", "a device", ...)."""
    try:
        return _kind(os.stat(path).st_mode)
    except OSError:
        return "not a regular file"


# ---------------------------------------------------------------------------------- writing


class Refused(Exception):
    """Why a fix is not written; the message is shown to the user as is."""


def inside(path: str, directories: tuple[str, ...]) -> bool:
    """Is the (real) `path` one of `directories` or below one of them?"""
    return any(
        path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)
        for directory in directories
    )


def allowed_roots(root: str, given: str) -> tuple[str, ...]:
    """Where a fix may be written through a symlink: the project root and the checked path
    (a directory, or a named file's directory), both resolved."""
    top = given if os.path.isdir(given) else os.path.dirname(given) or "."
    return tuple(dict.fromkeys(os.path.realpath(p) for p in (root or os.getcwd(), top)))


def write_fixed(path: str, data: bytes, original: bytes, roots: tuple[str, ...] = ()) -> str:
    """Replace the file at `path`, read as `original`, by `data`; "" or why it was not.

    `roots`: the directories a symlink may point into (empty: any).
    """
    try:
        _write(path, data, original, roots)
    except Refused as exc:
        return str(exc)
    except OSError as exc:
        return f"cannot write the fix: {exc.strerror or exc}; file left unchanged"
    return ""


# The original is read through a descriptor that never follows a symlink and never waits.
_OPEN_ORIGINAL = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_BINARY", 0)
)
_CHANGED = "the file changed on disk while it was being fixed; left unchanged"


def _write(path: str, data: bytes, original: bytes, roots: tuple[str, ...]) -> None:
    target = path
    if os.path.islink(path):
        target = os.path.realpath(path)
        if roots and not inside(target, roots):
            raise Refused(
                f"it is a symlink to {target}, outside the project; not written through it"
            )
    flags = _OPEN_ORIGINAL
    fd = os.open(target, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(f"it is {_kind(info.st_mode)}, not a regular file; not written")
        if info.st_nlink > 1:
            raise Refused(
                f"it has {info.st_nlink} hard links, which replacing it would break; left unchanged"
            )
        if not info.st_mode & 0o222:
            raise Refused("it is read-only; left unchanged")
        if not os.access(target, os.W_OK):
            raise Refused("no permission to write it; left unchanged")
        if _pread_all(fd) != original:
            raise Refused(_CHANGED)
        _remove_stale_once(os.path.dirname(target) or ".")
        if _take_lease(fd):
            _swap_leased(target, fd, original, data, info)
            return
        late = _swap(target, fd, original, data, info)
        if late != original:
            # An edit landed on the old file between the last look and the rename.
            _put_back(target, data, late, info)
            raise Refused(_CHANGED)
    finally:
        # Closing the descriptor also releases a lease, letting a held-back `open` go on.
        os.close(fd)


_OPENED = "another process opened the file while it was being fixed; left unchanged"
# How long a file that another process has open is waited for before the lease-less path.
_LEASE_WAIT_S = 0.2


def _take_lease(fd: int) -> bool:
    """Take a write lease on the file open on `fd`; False where leases are not to be had.

    The kernel tells the holder of a broken lease by a signal, SIGIO unless another is set,
    and SIGIO's default action ends the process: the signal is first set to SIGURG, which is
    ignored by default, and the lease is then told to signal nobody at all.
    """
    if sys.platform == "win32" or not hasattr(fcntl, "F_SETLEASE"):
        return False
    waited = 0.0
    try:
        fcntl.fcntl(fd, fcntl.F_SETSIG, signal.SIGURG)
        while True:
            try:
                fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_WRLCK)
                break
            except BlockingIOError:
                # Open elsewhere right now (a writer between its open and close).
                if waited >= _LEASE_WAIT_S:
                    return False
                time.sleep(0.005)
                waited += 0.005
        fcntl.fcntl(fd, fcntl.F_SETOWN, 0)
    except OSError:
        return False  # not our file (EACCES), a file system without leases (EINVAL), ...
    return True


def _lease_broken(fd: int) -> bool:
    """Has another process tried to open the file since the lease was taken? (The kernel
    then reports the type the lease is to be broken to, instead of the write lease.)"""
    return bool(fcntl.fcntl(fd, fcntl.F_GETLEASE) != fcntl.F_WRLCK)


def _swap_leased(target: str, fd: int, expected: bytes, new: bytes, info: os.stat_result) -> None:
    """Rename a file holding `new` over `target` while a write lease on it is held through
    `fd`; Refused, with the original in place, when another process opened it meanwhile."""
    import tempfile  # noqa: PLC0415 - start-up: only a run that writes a fix needs it

    directory = os.path.dirname(target) or "."
    temp_fd, temporary = tempfile.mkstemp(
        prefix=f"{_TEMP_PREFIX}{os.getpid()}-", suffix=_TEMP_SUFFIX, dir=directory
    )
    keep = ""
    try:
        try:
            _fill(temp_fd, new, info)
        finally:
            os.close(temp_fd)
        if _lease_broken(fd):
            raise Refused(_OPENED)
        # Nobody can have written it since the lease was granted; compared again all the same.
        if _pread_all(fd) != expected:
            raise Refused(_CHANGED)
        keep = _second_name(target, directory)
        os.replace(temporary, target)
        temporary = ""
        if _lease_broken(fd):
            # A writer is held back on the original (it looked the name up before the
            # rename): give the name back to the original, so its edit lands there.
            if keep:
                os.replace(keep, target)
                keep = ""
                _sync_directory(directory)
                raise Refused(_OPENED)
            # No second name could be made: the old content goes back, and the held-back
            # writer's edit may land in the replaced file (the lease-less path's odds).
            _put_back(target, new, expected, info)
            raise Refused(_OPENED)
    finally:
        for name in (temporary, keep):
            if name:
                with contextlib.suppress(OSError):
                    os.unlink(name)
    _sync_directory(directory)


def _second_name(target: str, directory: str) -> str:
    """A hard link to `target` under a temporary name in `directory` ("" where the file
    system refuses one), so that the original can be put back as the very same file."""
    import secrets  # noqa: PLC0415 - start-up: only a run that writes a fix needs it

    for _ in range(8):
        name = os.path.join(
            directory, f"{_TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(6)}{_TEMP_SUFFIX}"
        )
        try:
            os.link(target, name, follow_symlinks=False)
        except FileExistsError:
            continue
        except OSError:
            return ""
        return name
    return ""


def _swap(target: str, fd: int, expected: bytes, new: bytes, info: os.stat_result) -> bytes:
    """Rename a file holding `new` over `target`, whose content (read through `fd`, open on
    it) must be `expected` at the last moment; Refused when it is not. Return what the
    replaced file holds after the rename: `expected`, unless an edit landed in between."""
    import tempfile  # noqa: PLC0415 - start-up: only a run that writes a fix needs it

    directory = os.path.dirname(target) or "."
    temp_fd, temporary = tempfile.mkstemp(
        prefix=f"{_TEMP_PREFIX}{os.getpid()}-", suffix=_TEMP_SUFFIX, dir=directory
    )
    try:
        try:
            _fill(temp_fd, new, info)
        finally:
            os.close(temp_fd)
        # The last look before the rename: the same file at the path, with the same content.
        now, then = os.stat(target, follow_symlinks=False), os.fstat(fd)
        if (now.st_dev, now.st_ino) != (then.st_dev, then.st_ino) or _pread_all(fd) != expected:
            raise Refused(_CHANGED)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_directory(directory)
    return _pread_all(fd)


def _put_back(target: str, ours: bytes, theirs: bytes, info: os.stat_result) -> None:
    """Undo a rename that hid a concurrent edit: `theirs` (the replaced file as the other
    writer left it) goes back in place of `ours`, with anything appended to `ours` since
    carried over. The same race can hit this rename too, so it loops; a file edited in any
    other way than appending meanwhile is left as it is."""
    expected, wanted = ours, theirs
    for _ in range(8):
        try:
            fd = os.open(target, _OPEN_ORIGINAL)
        except OSError:
            return
        try:
            current = _pread_all(fd)
            if not current.startswith(expected):
                return
            new = wanted + current[len(expected) :]
            try:
                old = _swap(target, fd, current, new, info)
            except Refused:
                continue  # changed again before the rename: look again
            except OSError:
                return
            if old == current:
                return
            if not old.startswith(current):
                return
            # Appended to during this rename as well: those bytes go after the new content.
            expected, wanted = new, new + old[len(current) :]
        finally:
            os.close(fd)


def _fill(fd: int, data: bytes, info: os.stat_result) -> None:
    """Write the fixed bytes to the temporary file and give it the original's owner and mode."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    mine = os.fstat(fd)
    if hasattr(os, "fchown") and (mine.st_uid, mine.st_gid) != (info.st_uid, info.st_gid):
        try:
            os.fchown(fd, info.st_uid, info.st_gid)
        except PermissionError:
            raise Refused(
                f"it belongs to another user or group (uid {info.st_uid}, gid {info.st_gid}), "
                "which replacing it would change; left unchanged"
            ) from None
    # After fchown, which clears set-id bits.
    if hasattr(os, "fchmod"):
        os.fchmod(fd, stat.S_IMODE(info.st_mode))
    os.fsync(fd)


def _pread_all(fd: int) -> bytes:
    """The whole content of the file open on `fd`, from its start."""
    os.lseek(fd, 0, os.SEEK_SET)
    return _read_all(fd, None)


def _sync_directory(directory: str) -> None:
    """Make the rename durable (a power cut after it must not bring the old file back)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ------------------------------------------------------------------ leftover temporary files

_swept: set[str] = set()


def _remove_stale_once(directory: str) -> None:
    if directory not in _swept:
        _swept.add(directory)
        with contextlib.suppress(OSError):
            remove_stale(directory, os.listdir(directory))


def remove_stale(directory: str, names: list[str]) -> None:
    """Remove the temporary files of runs that were killed while writing a fix in `directory`
    (`names`: the directory's entries, as a walk already listed them)."""
    for name in names:
        if not name.startswith(_TEMP_PREFIX):
            continue
        match = _TEMP_NAME.match(name)
        if match is None:
            continue
        path = os.path.join(directory, name)
        with contextlib.suppress(OSError):
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode):
                continue
            pid = None if match.group(1) is None else int(match.group(1))
            if pid == os.getpid():
                continue  # this run's own, being written
            old = time.time() - info.st_mtime > _STALE_AFTER_S
            if old or (pid is not None and not _running(pid)):
                os.unlink(path)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True
