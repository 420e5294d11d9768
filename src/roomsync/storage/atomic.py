"""All-or-nothing commit of several files plus one audit line, with recovery.

`os.replace` is atomic for one file, not for two. A commit therefore has one commit point,
the audit line: the commit happened exactly when `audit.jsonl` holds its line (which
carries the commit id). The protocol, run under the data directory's lock:

1. **Prepare.** For each changed file (symlinks resolved to their target), write the new
   content to `.NAME.<commit>.roomsync-tmp` beside the target (O_EXCL, the old file's mode)
   and fsync it; hard-link the old file to `.NAME.<commit>.roomsync-bak`; fsync the
   directories.
2. **Intent.** Write the journal `DATA_DIR/.roomsync-journal` (each target, its temp, its
   backup, the audit line and the audit file's size before): temp name, fsync, rename, fsync.
3. **Apply.** Replace each target by its temp; fsync the directories.
4. **Commit point.** Append the audit line to `audit.jsonl` and fsync it. The caller may
   give the line as a function, called here, after the replace: the line can then record the
   files as they now stand (the JSON store seals them, `seals.py`).
5. **Clean.** Remove the backups and the journal; fsync. A failure here changes nothing:
   the commit is done, and the next command's recovery finishes the cleaning.

Two additions ride on the same protocol. A **kept copy** (`init --force` keeps the replaced
pair as `rooms.json.replaced-STAMP`) is prepared as a hard link (or copy) of the old file under
a temp name and renamed into place in step 3, like a new file: a crash leaves either no kept
copy and the old files, or the kept copy and the new files. The **concurrent-edit check**
(the caller's `check`) runs after step 2, just before the first replace: a file changed by an
editor since the command read it makes the commit write nothing (the journal is removed first,
so no recovery touches the changed file). The window left is the renames themselves
(microseconds), as with vim's and git's own checks.

Files the commit creates (temps, journal, audit, new data files) take the mode and group of
the data files beside them (`files.team_of`); a temp replacing a file takes that file's own
mode, group and (when run as root) owner, so a rewrite changes no permission.

A failure in steps 1-2 removes what was made: nothing changed (`WRITE_FAILED`). A failure in
steps 3-4 is undone at once: the audit file is cut back to its old size first (so the commit
point is not there), then the backups are put back and the temps removed. A crash, or a
failure of the undo itself, leaves the journal for recovery, which decides the same way.
That is what lets `WRITE_FAILED` promise "no change, now or later".

**Recovery**, run by every command before it reads: with a journal, if the audit file holds
the commit's complete line the commit is rolled forward (any temp still pending is renamed
into place, then step 5); otherwise it is rolled back (backups renamed over their targets,
new files removed, temps removed, the audit cut back, then step 5). Both are idempotent, so a
crash during recovery is recovered by the next command. Without a journal, stray temp and
backup files are removed. Every fsync error is final for the command (PITFALLS: fsyncgate).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from roomsync.errors import CommitPending, ConcurrentEdit, DataInvalid, RoomsyncError, WriteFailed
from roomsync.storage.files import Team, open_regular, read_all, share, team_of, write_new

JOURNAL = ".roomsync-journal"
TEMP_SUFFIX = ".roomsync-tmp"
BACKUP_SUFFIX = ".roomsync-bak"


class Change(NamedTuple):
    """One data file's new content. (NamedTuples, not dataclasses, here and in `files.py`:
    a frozen slotted dataclass costs ~1 ms of every command's start-up to define.)"""

    path: Path  # the data file as the user names it (may be a symlink)
    content: bytes


class Keep(NamedTuple):
    """A copy of `source` as it was before the commit, kept at `path` when the commit stands."""

    source: Path
    path: Path


def kept_copies(paths: list[Path], at: str) -> list[Keep]:
    """Kept copies of the files of `paths` that exist, `NAME.replaced-STAMP`: STAMP is the
    commit's UTC time `at` as YYYYMMDDTHHMMSSZ, with `-2`, `-3`... when a pair of that second
    is already there (names are chosen under the lock, so no other commit takes them)."""
    present = [path for path in paths if os.path.lexists(path)]
    stamp = at.replace("-", "").replace(":", "")
    suffix, n = stamp, 1
    while any(os.path.lexists(f"{path}.replaced-{suffix}") for path in present):
        n += 1
        suffix = f"{stamp}-{n}"
    return [Keep(path, path.with_name(f"{path.name}.replaced-{suffix}")) for path in present]


def new_commit_id() -> str:
    return uuid.uuid4().hex


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def commit(data_dir: Path, changes: list[Change], audit_path: Path, audit_line: str | Callable[[], str],
           commit_id: str,
           *, keep: Sequence[Keep] = (), check: Callable[[], None] | None = None) -> None:
    """Write every change, the kept copies and the audit line, all or nothing (see the module
    docstring). `check` may refuse (raise) after the temps are ready: then nothing is written."""
    entries: list[dict[str, str | None]] = []
    directories: set[Path] = {data_dir}
    journal_temp = data_dir / f"{JOURNAL}.{commit_id}{TEMP_SUFFIX}"
    journal_path = data_dir / JOURNAL
    try:
        team = team_of(data_dir, [c.path for c in changes])
        for change in changes:
            target = Path(os.path.realpath(change.path))
            temp = target.with_name(f".{target.name}.{commit_id}{TEMP_SUFFIX}")
            backup: Path | None = target.with_name(f".{target.name}.{commit_id}{BACKUP_SUFFIX}")
            owner, own = -1, team
            try:
                info = os.stat(target)
                owner, own = info.st_uid, Team(info.st_mode & 0o7777, info.st_gid)
            except FileNotFoundError:
                backup = None
            entries.append({"target": str(target), "temp": str(temp), "backup": str(backup) if backup else None})
            write_new(temp, change.content, own, owner)
            if backup is not None:
                _keep_backup(target, backup)
            directories.add(target.parent)
        for kept in keep:
            temp = kept.path.with_name(f".{kept.path.name}.{commit_id}{TEMP_SUFFIX}")
            entries.append({"target": str(kept.path), "temp": str(temp), "backup": None})
            _keep_backup(Path(os.path.realpath(kept.source)), temp)
            directories.add(kept.path.parent)
        for directory in directories:
            fsync_dir(directory)
        audit_size = audit_path.stat().st_size if audit_path.exists() else 0
        journal = {"commit": commit_id, "files": entries, "audit": str(audit_path), "audit_size": audit_size}
        write_new(journal_temp, json.dumps(journal).encode(), team)
        os.replace(journal_temp, journal_path)
        fsync_dir(data_dir)
    except OSError as exc:
        _discard(entries, [journal_temp, journal_path])
        raise WriteFailed(f"could not write the data files: {_reason(exc)}; nothing was changed") from None
    if check is not None:
        try:
            looked = _looks(entries)
            check()  # may re-read and hash: a save during it shows in the stat data below
            changed = [target for target, before in _looks(entries).items() if before != looked[target]]
            if changed:
                raise ConcurrentEdit(f"{changed[0]}: was changed by another program (an editor?) while this "
                                     f"command ran; nothing was written: run the command again")
        except RoomsyncError:
            _abandon(entries, journal_path, data_dir)
            raise
        except OSError as exc:
            _abandon(entries, journal_path, data_dir)
            raise WriteFailed(f"could not check the data files: {_reason(exc)}; nothing was changed") from None
    try:
        for entry in entries:
            os.replace(entry["temp"], entry["target"])  # type: ignore[arg-type]
        for directory in directories:
            fsync_dir(directory)
        line = audit_line() if callable(audit_line) else audit_line
        _append_audit(audit_path, line, audit_size, team)
    except OSError as exc:
        _undo(journal, data_dir, exc)
    # committed: the next command's recovery removes what is left
    with contextlib.suppress(OSError):
        _finish(journal, directories)


def _looks(entries: list[dict[str, str | None]]) -> dict[str, tuple[int, ...] | None]:
    """The stat data of each target the commit replaces (None: missing), to compare cheaply
    just before the replace: the window a save can still slip through is this far from it."""
    looks: dict[str, tuple[int, ...] | None] = {}
    for entry in entries:
        target = str(entry["target"])
        if ".replaced-" in Path(target).name and entry["backup"] is None:
            continue  # a kept copy roomsync names itself
        try:
            info = os.stat(target)
        except FileNotFoundError:
            looks[target] = None
            continue
        looks[target] = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    return looks


def _abandon(entries: list[dict[str, str | None]], journal_path: Path, data_dir: Path) -> None:
    """Drop a commit the check refused before anything was replaced. The journal goes first:
    a rollback would put the backups over (or remove) the files the check found changed,
    while temps and backups left without a journal are mere strays that recovery removes."""
    # a disk that cannot remove a file it just wrote: recovery decides from the journal
    with contextlib.suppress(OSError):
        _unlink(journal_path)
        fsync_dir(data_dir)
    _discard(entries, [])


def _undo(journal: dict[str, Any], data_dir: Path, cause: OSError) -> None:
    """Undo a failed commit in place; raise WRITE_FAILED once the commit point is ruled out."""
    try:
        _cut_audit(journal)
    except OSError as second:
        raise CommitPending(
            f"could not write the data files ({_reason(cause)}), and the audit line could not be "
            f"removed either ({_reason(second)}): the next roomsync command will decide, from that "
            f"line, whether this change stands") from None
    # the commit point is gone: the next command's recovery finishes the undo
    with contextlib.suppress(OSError):
        _roll_back(journal, data_dir)
    raise WriteFailed(f"could not write the data files: {_reason(cause)}; nothing was changed")


def _reason(exc: OSError) -> str:
    where = f" ({exc.filename})" if exc.filename else ""
    return f"{exc.strerror or exc}{where}"


def _keep_backup(target: Path, backup: Path) -> None:
    """Hard-link the old file (free and instant); copy it where links are not supported."""
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)
        fd = os.open(backup, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _discard(entries: list[dict[str, str | None]], others: list[Path]) -> None:
    """Best-effort removal of what a failed prepare step made; recovery removes any rest."""
    paths = [Path(e[key]) for e in entries for key in ("temp", "backup") if e[key]] + others  # type: ignore[arg-type]
    for path in paths:
        with contextlib.suppress(OSError):
            _unlink(path)


def _append_audit(audit: Path, line: str, size_before: int, team: Team) -> None:
    """Step 4, the commit point: the audit line, appended and fsynced."""
    try:
        fd = os.open(audit, os.O_RDWR)
    except FileNotFoundError:
        fd = os.open(audit, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            share(fd, team)
        except BaseException:
            os.close(fd)
            raise
    try:
        data = (line + "\n").encode("utf-8")
        if size_before:
            os.lseek(fd, size_before - 1, os.SEEK_SET)
            if os.read(fd, 1) != b"\n":  # a hand edit left no newline at the end
                data = b"\n" + data
        os.lseek(fd, size_before, os.SEEK_SET)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    if size_before == 0:
        fsync_dir(audit.parent)


def _audit_has(journal: dict[str, Any]) -> bool:
    """Whether the commit point was reached: the audit holds the commit's complete line."""
    try:
        with open(journal["audit"], "rb") as handle:
            handle.seek(journal["audit_size"])
            tail = handle.read()
    except FileNotFoundError:
        return False
    return tail.endswith(b"\n") and f'"commit": "{journal["commit"]}"'.encode() in tail


def _cut_audit(journal: dict[str, Any]) -> None:
    """Remove the commit's audit line. The shortening itself decides (every later command
    reads the file as shortened); its fsync is attempted, and a failure of it tolerated,
    since the line it removes was never durably written either."""
    audit = Path(journal["audit"])
    if audit.exists() and audit.stat().st_size > journal["audit_size"]:
        fd = os.open(audit, os.O_WRONLY)
        try:
            os.ftruncate(fd, journal["audit_size"])
            with contextlib.suppress(OSError):
                os.fsync(fd)
        finally:
            os.close(fd)


def _finish(journal: dict[str, Any], directories: set[Path]) -> None:
    for entry in journal["files"]:
        if entry["backup"]:
            _unlink(Path(entry["backup"]))
    journal_path = Path(journal["audit"]).parent / JOURNAL
    _unlink(journal_path)
    for directory in directories | {journal_path.parent}:
        fsync_dir(directory)


def _roll_forward(journal: dict[str, Any], data_dir: Path) -> None:
    directories = {data_dir}
    for entry in journal["files"]:
        temp = Path(entry["temp"])
        if temp.exists():
            os.replace(temp, entry["target"])
        directories.add(temp.parent)
    for directory in directories:
        fsync_dir(directory)
    _finish(journal, directories)


def _roll_back(journal: dict[str, Any], data_dir: Path) -> None:
    """Put every target back as it was before the commit (idempotent)."""
    _cut_audit(journal)
    directories = {data_dir}
    for entry in journal["files"]:
        target, temp = Path(entry["target"]), Path(entry["temp"])
        directories.add(target.parent)
        _unlink(temp)
        if entry["backup"] is None:
            _unlink(target)  # the commit created it
        elif Path(entry["backup"]).exists():
            os.replace(entry["backup"], target)
    for directory in directories:
        fsync_dir(directory)
    _finish(journal, directories)


def pending(data_dir: Path) -> bool:
    """Whether an interrupted commit waits for recovery (its journal is there)."""
    return os.path.lexists(data_dir / JOURNAL)


def recover(data_dir: Path, data_files: list[Path]) -> None:
    """Complete or undo an interrupted commit, then remove stray temp and backup files."""
    journal_path = data_dir / JOURNAL
    fd = open_regular(journal_path, "it cannot be a commit journal: move it aside and run 'roomsync validate'")
    if fd is not None:
        try:
            raw = read_all(fd)
        except OSError as exc:
            raise DataInvalid(f"{journal_path}: cannot be read: {exc.strerror}") from None
        finally:
            os.close(fd)
        try:
            journal = json.loads(raw)
            journal["files"], journal["commit"], journal["audit"], journal["audit_size"]
        except (ValueError, KeyError, TypeError):
            raise DataInvalid(
                f"{journal_path}: the commit journal is damaged; move it aside and run 'roomsync validate'") from None
        try:
            if _audit_has(journal):
                _roll_forward(journal, data_dir)
            else:
                _roll_back(journal, data_dir)
        except OSError as exc:
            raise WriteFailed(f"could not finish an interrupted commit: {_reason(exc)}") from None
    _remove_strays(data_dir, data_files)


def _remove_strays(data_dir: Path, data_files: list[Path]) -> None:
    directories = {data_dir} | {Path(os.path.realpath(p)).parent for p in data_files}
    for directory in directories:
        try:
            names = os.listdir(directory)
        except OSError:
            continue
        for name in names:
            if name.endswith((TEMP_SUFFIX, BACKUP_SUFFIX)) and name.startswith("."):
                with contextlib.suppress(OSError):
                    _unlink(directory / name)
