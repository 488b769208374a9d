"""The log on disk: private file modes, read-only opening, and what a failed write means.

The log holds unmasked caller data and operators' password hashes, so it is
created ``0600`` in a ``0700`` folder; SQLite gives its ``-wal`` and ``-shm``
files the mode of the database file.  A write that fails because the disk is
full or the file system is read-only becomes a :class:`~dispatch.errors.LogFull`
or :class:`~dispatch.errors.LogReadOnly` with one readable line: the caller keeps
what it meant to write and the log recovers by itself when space comes back.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from pathlib import Path
from urllib.parse import quote

from dispatch.errors import LogBusy, LogFull, LogReadOnly, LogUnwritable, TimelineError

#: Modes of what the log creates: only its owner reads caller data and hashes.
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700

_FULL = ("SQLITE_FULL",)
_READ_ONLY = ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")
_BUSY = ("SQLITE_BUSY", "SQLITE_LOCKED")


def private_folder(folder: Path) -> None:
    """Create ``folder`` (and missing parents) with mode ``0700``; leave an existing one."""
    if folder.is_dir():
        return
    missing = []
    here = folder
    while not here.exists():
        missing.append(here)
        here = here.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            continue
        # mkdir's mode passes through the umask; say exactly what we mean.
        os.chmod(path, PRIVATE_DIR)


def private_file(path: Path) -> bool:
    """Create an empty ``path`` with mode ``0600`` unless it exists; return whether it did.

    SQLite then opens the existing (empty) file and gives its journal files
    the same mode.
    """
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def wide_permissions(path: Path) -> str | None:
    """A one-line warning when an existing log can be read by others, else ``None``."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None
    if mode & 0o077:
        return (f"{path}: the log is readable by other users (mode {mode:04o}; it holds caller "
                f"data and password hashes): chmod 600 {path}")
    return None


def folder_writable(path: Path) -> bool:
    """Whether new files (the log's ``-wal`` and ``-shm``) can be made beside ``path``."""
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    try:
        return not bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return True


def unwritable_folder(path: Path) -> LogReadOnly:
    """The error for a log whose folder cannot be written (the log itself is fine)."""
    return LogReadOnly(
        f"{path}: the folder {path.parent} is not writable (permissions or a read-only file "
        "system), so the log cannot be opened for writing; reading commands (export, report, "
        "timeline, operators list) still work")


def write_error(exc: sqlite3.Error | OSError, path: Path) -> TimelineError:
    """Turn a failed write into the package's error with one readable line.

    Args:
        exc: What SQLite (or the file system) raised.
        path: The log file, named in the message.
    """
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return LogFull(f"{path}: log full: no space left on the file system; "
                           "nothing was recorded")
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return LogReadOnly(f"{path}: log read-only ({exc.strerror}); nothing was recorded")
        return LogUnwritable(f"{path}: the log cannot be written ({exc}); nothing was recorded")
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if name.startswith(_FULL) or "disk is full" in text:
        return LogFull(f"{path}: log full: no space left on the file system; "
                       "nothing was recorded (it resumes by itself when space is freed)")
    if name.startswith(_READ_ONLY) or "readonly" in text or "unable to open" in text:
        return LogReadOnly(f"{path}: log read-only ({text}); nothing was recorded")
    if name.startswith(_BUSY) or "locked" in text:
        return LogBusy(f"{path}: the log stayed locked by another writer ({text}); "
                       "nothing was recorded")
    if name.startswith("SQLITE_IOERR"):
        return LogUnwritable(f"{path}: the log cannot be written ({text}); nothing was recorded")
    return TimelineError(f"{path}: write refused ({text})")


def read_only_uri(path: Path, *, immutable: bool = False) -> str:
    """The SQLite URI that opens ``path`` for reading only."""
    flag = "immutable=1" if immutable else "mode=ro"
    return f"file:{quote(str(path.resolve()))}?{flag}"


def open_read_only(path: Path) -> sqlite3.Connection:
    """Open an existing log for reading, even in a folder this process cannot write.

    ``mode=ro`` reads a WAL log whose ``-shm`` can be made or exists; a log
    cleanly closed in a read-only folder has neither, and is then opened
    ``immutable`` (nobody can be writing it: nobody can make its journal).
    """
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True, isolation_level=None,
                               check_same_thread=False)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        if folder_writable(path) or Path(f"{path}-wal").exists():
            raise
    conn = sqlite3.connect(read_only_uri(path, immutable=True), uri=True,
                           isolation_level=None, check_same_thread=False)
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn
