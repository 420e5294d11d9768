"""The one error hierarchy: every refusal carries a SPEC §5 code and its exit status.

The CLI maps these to exit codes in one place; nothing else decides an exit status.
"""

from __future__ import annotations


class RoomsyncError(Exception):
    """Base of every error roomsync reports to a user."""

    code = "ERROR"
    exit_code = 1

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class Refused(RoomsyncError):
    """A rule refused the command (exit 1); the code names the rule."""

    exit_code = 1

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code)


class UsageError(RoomsyncError):
    """An argument that cannot be parsed or a forbidden combination (exit 2)."""

    code = "USAGE"
    exit_code = 2


class DataInvalid(RoomsyncError):
    """The data files cannot be read or do not follow SPEC §1 (exit 3)."""

    code = "DATA_INVALID"
    exit_code = 3


class WriteFailed(RoomsyncError):
    """A commit could not be written; the data is as it was before the command (exit 3)."""

    code = "WRITE_FAILED"
    exit_code = 3


class CommitPending(RoomsyncError):
    """A failed commit whose undo also failed: the next command decides it (exit 3).

    Only a disk that fails both to write and to shorten a file gets here; roomsync says so
    rather than claim `WRITE_FAILED`, which promises no change.
    """

    code = "COMMIT_PENDING"
    exit_code = 3


class StoreUnavailable(RoomsyncError):
    """The database server cannot be reached or refused the login (exit 3)."""

    code = "STORE_UNAVAILABLE"
    exit_code = 3


class InternalError(RoomsyncError):
    """A bug: something no rule or store error describes (exit 70, EX_SOFTWARE).

    Reported in one line like every other error; `ROOMSYNC_DEBUG=1` shows the traceback.
    """

    code = "INTERNAL_ERROR"
    exit_code = 70


class LockTimeout(RoomsyncError):
    """Another roomsync command held the lock for longer than --lock-timeout (exit 4)."""

    code = "LOCK_TIMEOUT"
    exit_code = 4


class AlreadyExists(RoomsyncError):
    """`init` (or `import`) would overwrite data without --force / --replace (exit 1)."""

    code = "ALREADY_EXISTS"
    exit_code = 1


class ConcurrentEdit(RoomsyncError):
    """A data file changed on disk between this command's read and its write (exit 4).

    An editor takes no lock, so a save can land while a command runs; writing over it would
    silently lose it. Nothing was written: running the command again reads the new file.
    """

    code = "CONCURRENT_EDIT"
    exit_code = 4
