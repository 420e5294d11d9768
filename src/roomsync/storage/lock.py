"""The data directory's lock: `DATA_DIR/.roomsync.lock`, taken with `flock(2)`, never deleted.

Writers take it exclusive for their whole read-decide-write cycle; read-only commands take it
shared, so they run side by side and never see a half-applied commit.

Why `flock` for both modes rather than filelock for the exclusive one: filelock's `FileLock`
has no shared mode (its `ReadWriteLock` is SQLite-based, a second mechanism that would not
exclude a `flock` holder), it always opens the lock file read-write (a clerk who may only read
could not even take a shared lock beside it), creates it with its own mode (0644 by default,
which locked the other clerks of a team out), and its handling of the lock file has changed
between releases (3.20.4 deleted lock files and broke mutual exclusion). One `os.open` +
`fcntl.flock` serves both modes on one file, with our own mode, group and content (the
holder's command, user and pid). The lock dies with its process (`kill -9` leaves no stale
lock), and `O_NOFOLLOW` refuses a symlink planted at the lock path (the filelock
CVE-2025-68146 trap). A peer using filelock's `FileLock` on the same path (flock on Unix)
still excludes and is excluded. Like filelock, no guarantee on NFS or SMB.

A reader opens the lock file read-only, so read-only commands work in a directory they may
only read; when the file is missing and cannot be created there, no writer ever ran there
and the reader goes on without it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shlex
import stat
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from roomsync.errors import DataInvalid, LockTimeout, WriteFailed
from roomsync.storage.files import Team, describe, share

TELL_AFTER = 1.0  # seconds of waiting before `on_wait` hears who holds the lock
POLL = 0.05
NO_WRITE_ACCESS = (errno.EACCES, errno.EPERM, errno.EROFS)


class HotelLock:
    """One command's hold on the lock file; `acquire()` exclusive or shared, then `release()`."""

    def __init__(self, path: Path, team: Callable[[], Team], *, shared: bool, timeout: float,
                 command: Sequence[str] = (), user: str = "unknown",
                 on_wait: Callable[[str], None] | None = None) -> None:
        self.path = path
        self.team = team
        self.shared = shared
        self.timeout = timeout
        self.command = command
        self.user = user
        self.on_wait = on_wait
        self.fd: int | None = None
        self.writable = False
        self._wrote = False

    def acquire(self) -> None:
        """Open the lock file and take the lock (a reader may find no lock file to take)."""
        self.fd = self._open()
        if self.fd is not None:
            self._take(fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX)
            if not self.shared:
                self._write_holder()

    def exclusive(self) -> None:
        """A reader's upgrade, to complete an interrupted commit before it reads."""
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            self._take(fcntl.LOCK_EX)

    def downgrade(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_SH)

    def release(self) -> None:
        if self.fd is None:
            return
        try:
            if self._wrote:  # the file names its holder only while it is held
                os.ftruncate(self.fd, 0)
        except OSError:
            pass
        finally:
            os.close(self.fd)  # closing the last descriptor releases the flock
            self.fd = None
            self._wrote = False

    def holder(self) -> str:
        """Who holds the lock, as its holder wrote it: "`roomsync checkin 102` (user ann, pid 42)"."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            return "another roomsync command"
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return "another roomsync command"
            raw = os.pread(fd, 4096, 0)
        finally:
            os.close(fd)
        try:
            info = json.loads(raw)
            return f"`{info['command']}` (user {info['user']}, pid {int(info['pid'])})"
        except (ValueError, KeyError, TypeError):
            return "another roomsync command"

    def _open(self) -> int | None:
        flags = os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NOCTTY
        try:
            fd = os.open(self.path, flags | (os.O_RDONLY if self.shared else os.O_RDWR))
            self.writable = not self.shared
        except FileNotFoundError:
            return self._create(flags)
        except OSError as exc:
            raise self._refusal(exc) from None
        return self._regular(fd)

    def _regular(self, fd: int) -> int:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            os.close(fd)
            raise DataInvalid(f"{self.path}: is {describe(mode)}, not a regular file; remove it "
                              f"(roomsync creates the lock file again)")
        return fd

    def _create(self, flags: int) -> int | None:
        try:
            fd = os.open(self.path, flags | os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return self._open()  # another command created it first
        except OSError as exc:
            if self.shared and exc.errno in NO_WRITE_ACCESS:
                return None  # a directory this reader cannot write, where no writer ever ran
            raise self._refusal(exc) from None
        # an unshared lock file still locks; the next clerk's error names it
        with contextlib.suppress(OSError):
            share(fd, self.team())
        self.writable = True
        return self._regular(fd)

    def _refusal(self, exc: OSError) -> DataInvalid | WriteFailed:
        if exc.errno == errno.ELOOP:
            return DataInvalid(f"{self.path}: is a symbolic link; remove it (roomsync creates the lock "
                               f"file again, and never follows a link there)")
        advice = ("; every clerk's account needs write access to the data directory's files "
                  "(give them one group: see the README's team set-up)" if exc.errno in NO_WRITE_ACCESS else "")
        if self.shared:
            return DataInvalid(f"{self.path}: cannot be opened: {exc.strerror}{advice}")
        return WriteFailed(f"{self.path}: cannot take the lock: {exc.strerror}{advice}")

    def _take(self, operation: int) -> None:
        assert self.fd is not None
        started = time.monotonic()
        told = False
        while True:
            try:
                fcntl.flock(self.fd, operation | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                pass
            except OSError as exc:
                raise WriteFailed(f"{self.path}: cannot take the lock: {exc.strerror}") from None
            waited = time.monotonic() - started
            if 0 <= self.timeout <= waited:
                raise LockTimeout(
                    f"{self.path.parent}: {self.holder()} holds the lock; try again, or wait longer "
                    f"with --lock-timeout")
            if not told and waited >= TELL_AFTER and self.on_wait is not None:
                told = True
                self.on_wait(self.holder())
            left = POLL if self.timeout < 0 else min(POLL, self.timeout - waited)
            time.sleep(max(left, 0.001))

    def _write_holder(self) -> None:
        if not self.writable or self.fd is None:
            return
        text = shlex.join(self.command) if self.command else "roomsync"
        line = json.dumps({"command": text, "user": self.user, "pid": os.getpid()}, ensure_ascii=False)
        try:
            os.ftruncate(self.fd, 0)
            os.pwrite(self.fd, (line + "\n").encode("utf-8", "replace"), 0)
            self._wrote = True
        except OSError:
            pass  # a full disk: the lock holds all the same, waiters just cannot name us
