"""The data directory's files as the operating system sees them: what they are, who shares them,
and whether one is still the file a command read.

- **What a path is.** A data file, the audit or the journal is read only when it is a regular
  file: the path is stat'ed first, opened with `O_NONBLOCK` (opening a FIFO must never wait for
  a writer) and fstat'ed again (it may have been swapped in between). Anything else — a FIFO, a
  device, a directory where a file belongs — is invalid data naming the path and what it is.
- **Team sharing.** Files roomsync creates take the permission bits and group of the data files
  beside them, or of the directory for a new hotel, so clerks with their own accounts in one
  group can all work in one data directory (a setgid directory's group wins, as the kernel
  already gives it).
- **File identity.** A command remembers each data file it read (device, inode, size, mtime and
  a SHA-256 digest of the bytes read). Just before it replaces the file it checks the file is
  still that one, so an editor's save that landed meanwhile is never silently overwritten.
  The digest is compared again only when the stat data cannot tell: a file modified within two
  seconds of the read (timestamp granularity), as git does for "racily clean" files.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from roomsync.errors import DataInvalid

# mtimes closer than this to the read may hide a same-size rewrite (coarse file timestamps).
RACY_NS = 2_000_000_000


# Each kind of file that is not a regular one, in words a clerk can act on.
NOT_REGULAR: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISLNK, "a symbolic link"),
)


def describe(mode: int) -> str:
    """What a non-regular file is, in words a clerk can act on."""
    return next((words for kind, words in NOT_REGULAR if kind(mode)), "not a regular file")


def not_a_file(path: Path, mode: int, advice: str) -> DataInvalid:
    return DataInvalid(f"{path}: is {describe(mode)}, not a regular file; {advice}")


def check_directory(path: Path) -> bool:
    """Whether the data directory exists; a path that is something else is invalid data."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return False
    except NotADirectoryError:
        raise DataInvalid(f"{path}: a part of this path is a file, not a directory; "
                          f"point --data-dir / ROOMSYNC_DATA_DIR at the hotel's data directory") from None
    except OSError as exc:
        raise DataInvalid(f"{path}: cannot be read: {exc.strerror}") from None
    if not stat.S_ISDIR(mode):
        what = "a file" if stat.S_ISREG(mode) else describe(mode)
        raise DataInvalid(f"{path}: is {what}, not a directory; point --data-dir / ROOMSYNC_DATA_DIR "
                          f"at the hotel's data directory")
    return True


def open_regular(path: Path, advice: str) -> int | None:
    """A read-only descriptor of `path` if it is a regular file, None if it does not exist."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DataInvalid(f"{path}: cannot be read: {exc.strerror}") from None
    if not stat.S_ISREG(mode):
        raise not_a_file(path, mode, advice)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DataInvalid(f"{path}: cannot be read: {exc.strerror}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):  # swapped for something else between the stat and the open
        os.close(fd)
        raise not_a_file(path, mode, advice)
    return fd


def read_all(fd: int) -> bytes:
    size = os.fstat(fd).st_size
    chunks: list[bytes] = []
    while True:
        chunk = os.read(fd, max(size, 1 << 16))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def last_line(path: Path, advice: str) -> bytes:
    """The last complete line of a regular file, read from the end (the audit can be long)."""
    fd = open_regular(path, advice)
    if fd is None:
        return b""
    try:
        size = os.fstat(fd).st_size
        window = 4096
        while True:
            start = max(0, size - window)
            os.lseek(fd, start, os.SEEK_SET)
            chunk = os.read(fd, size - start)
            body = chunk.rstrip(b"\n")
            cut = body.rfind(b"\n")
            if cut >= 0 or start == 0:
                return body[cut + 1:]
            window *= 4
    finally:
        os.close(fd)


class Identity(NamedTuple):
    """A data file as a command read it: which file, how it looked, and what it held."""

    dev: int
    ino: int
    size: int
    mtime_ns: int
    digest: bytes
    read_ns: int  # wall clock just before the read


def digest(data: bytes) -> bytes:
    """SHA-256: with the CPU's SHA instructions (x86 since ~2017, ARMv8), which OpenSSL uses,
    about twice as fast as blake2b; a check-in hashes its largest file up to three times."""
    return hashlib.sha256(data).digest()


def read_regular(path: Path, advice: str) -> tuple[bytes, Identity] | None:
    """The bytes of a regular file and its identity; None when it does not exist."""
    read_ns = time.time_ns()
    fd = open_regular(path, advice)
    if fd is None:
        return None
    try:
        info = os.fstat(fd)
        data = read_all(fd)
    except OSError as exc:
        raise DataInvalid(f"{path}: cannot be read: {exc.strerror}") from None
    finally:
        os.close(fd)
    return data, Identity(info.st_dev, info.st_ino, len(data), info.st_mtime_ns, digest(data), read_ns)


def written(path: Path, data: bytes) -> Identity:
    """The identity of a file roomsync has just written with `data`."""
    info = os.stat(path)
    return Identity(info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, digest(data), time.time_ns())


def unchanged(path: Path, seen: Identity | None) -> bool:
    """Whether `path` is still the file read as `seen` (None: it was missing, and still is)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return seen is None
    if seen is None:
        return False
    if (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns) != (seen.dev, seen.ino, seen.size, seen.mtime_ns):
        return False
    if info.st_mtime_ns < seen.read_ns - RACY_NS:
        return True  # not modified since well before the read: the stat data can be trusted
    again = read_regular(path, "")
    return again is not None and again[1].digest == seen.digest


class Team(NamedTuple):
    """Permission bits and group that new files of a data directory take."""

    mode: int
    gid: int


def team_of(data_dir: Path, beside: list[Path]) -> Team:
    """Mode and group of the first existing regular file in `beside`, else of the directory
    (rwx becomes rw). A setgid directory's group is kept whatever the files beside say."""
    directory = os.stat(data_dir)
    for path in beside:
        try:
            info = os.stat(path)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            gid = directory.st_gid if directory.st_mode & stat.S_ISGID else info.st_gid
            return Team(info.st_mode & 0o666, gid)
    return Team(directory.st_mode & 0o666, directory.st_gid)


def share(fd: int, team: Team) -> None:
    """Give a file roomsync just created the team's mode and group (the group only when this
    account may: it must belong to it, or be root)."""
    os.fchmod(fd, team.mode)
    if os.fstat(fd).st_gid != team.gid:
        try:
            os.fchown(fd, -1, team.gid)
        except PermissionError:
            pass
        else:
            os.fchmod(fd, team.mode)  # chown may clear bits on some systems


def write_new(path: Path, data: bytes, team: Team | None = None, owner: int = -1) -> None:
    """Create `path` exclusively (no symlink followed: a planted one cannot redirect it), write,
    fsync. With a team it takes the team's mode and group (and, written by root, stays
    `owner`'s); without, the umask decides its mode, as for any file a user writes."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                 0o666 if team is None else 0o600)
    try:
        if team is not None:
            share(fd, team)
            if owner >= 0 and os.geteuid() == 0 and os.fstat(fd).st_uid != owner:
                os.fchown(fd, owner, -1)  # root rewriting a clerk's file leaves it the clerk's
                os.fchmod(fd, team.mode)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_whole(path: Path, data: bytes, team: Team | None = None) -> None:
    """Replace one file outside a commit (the fetch cache, a published feed): a new temp file
    beside it, renamed over it, so a reader sees the old bytes or the new, never half. Raises
    OSError, having removed its temp file."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.roomsync-tmp")
    try:
        write_new(temp, data, team)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
