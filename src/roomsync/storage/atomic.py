"""All-or-nothing commit of several files plus one audit line, with recovery.

`os.replace` is atomic for one file, not for two. A commit therefore has one commit point:
the appearance of the journal `DATA_DIR/.roomsync-journal` (written to a temp name,
fsynced, renamed, directory fsynced). The protocol, run under the data directory's lock:

1. **Prepare.** For each changed file (symlinks resolved to their target), write the new
   content to `.NAME.<commit>.roomsync-tmp` beside the target (O_EXCL, the old file's mode),
   fsync it, and hard-link the old file to `.NAME.<commit>.roomsync-bak`. fsync those
   directories. Any failure here removes what was made: nothing changed (`WRITE_FAILED`).
2. **Commit point.** Write the journal: each target, its temp, its backup, the SHA-256 of
   the new content, the audit line and the audit file's size before. Rename it into place and
   fsync the data directory.
3. **Apply.** Replace each target by its temp; fsync the directories.
4. **Audit.** Append the audit line (it carries the commit id) to `audit.jsonl`; fsync.
5. **Clean.** Remove the backups, then the journal; fsync.

**Recovery**, run by every command before it reads: with no journal, stray temp/backup
files are removed (the crash came before the commit point: the old pair stands). With a
journal, each file is *applied* (target has the new checksum) or *pending* (its temp exists
with the new checksum). If every file is one or the other, the commit is rolled forward:
pending temps renamed, the audit line appended unless it is already the last line, then
step 5. Otherwise it is rolled back: applied targets restored from their backups, temps
removed, the audit file cut back to its old size, then step 5.

A failure after the commit point is undone at once the same way; the undo's first act (removing a
pending temp, or restoring an applied target) makes roll-forward impossible, so a crash during
the undo also recovers to the old pair. That is what lets `WRITE_FAILED` promise "no change,
now or later". Every fsync error is final for the command (PITFALLS: fsyncgate).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from roomsync.errors import DataInvalid, WriteFailed

JOURNAL = ".roomsync-journal"
TEMP_SUFFIX = ".roomsync-tmp"
BACKUP_SUFFIX = ".roomsync-bak"


@dataclass(frozen=True, slots=True)
class Change:
    path: Path  # the data file as the user names it (may be a symlink)
    content: bytes


def new_commit_id() -> str:
    return uuid.uuid4().hex


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_digest(path: Path) -> str | None:
    try:
        return _digest(path.read_bytes())
    except FileNotFoundError:
        return None


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Create `path` exclusively, write, fsync: a planted symlink cannot redirect it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def commit(data_dir: Path, changes: list[Change], audit_path: Path, audit_line: str, commit_id: str) -> None:
    """Write every change and the audit line, all or nothing (see the module docstring)."""
    entries: list[dict[str, str | None]] = []
    directories: set[Path] = {data_dir}
    try:
        for change in changes:
            target = Path(os.path.realpath(change.path))
            temp = target.with_name(f".{target.name}.{commit_id}{TEMP_SUFFIX}")
            backup: Path | None = target.with_name(f".{target.name}.{commit_id}{BACKUP_SUFFIX}")
            try:
                mode = os.stat(target).st_mode & 0o7777
            except FileNotFoundError:
                mode, backup = _default_mode(), None
            entries.append({"target": str(target), "temp": str(temp),
                            "backup": str(backup) if backup else None, "sha256": _digest(change.content)})
            _write_new(temp, change.content, mode)
            if backup is not None:
                _keep_backup(target, backup)
            directories.add(target.parent)
        for directory in directories:
            fsync_dir(directory)
        audit_size = audit_path.stat().st_size if audit_path.exists() else 0
        journal = {"commit": commit_id, "files": entries, "audit": str(audit_path),
                   "audit_size": audit_size, "audit_line": audit_line}
        journal_temp = data_dir / f"{JOURNAL}.{commit_id}{TEMP_SUFFIX}"
        _write_new(journal_temp, json.dumps(journal).encode(), 0o600)
    except OSError as exc:
        _discard(entries, data_dir / f"{JOURNAL}.{commit_id}{TEMP_SUFFIX}")
        raise WriteFailed(f"could not write the data files: {_reason(exc)}; nothing was changed") from None
    try:
        os.replace(journal_temp, data_dir / JOURNAL)
        fsync_dir(data_dir)
        _apply(journal)
    except OSError as exc:
        try:
            _roll_back(journal, data_dir)
        except OSError as second:
            raise WriteFailed(
                f"could not write the data files ({_reason(exc)}) nor undo the half-done commit "
                f"({_reason(second)}); the next roomsync command will finish undoing it") from None
        raise WriteFailed(f"could not write the data files: {_reason(exc)}; nothing was changed") from None


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


def _discard(entries: list[dict[str, str | None]], journal_temp: Path) -> None:
    """Best-effort removal of what a failed prepare step made; recovery removes any rest."""
    for entry in entries:
        for key in ("temp", "backup"):
            if entry[key]:
                try:
                    _unlink(Path(entry[key]))  # type: ignore[arg-type]
                except OSError:
                    pass
    try:
        _unlink(journal_temp)
    except OSError:
        pass


def _apply(journal: dict) -> None:
    """Steps 3-5: put every temp in place, append the audit line, clean up."""
    directories = set()
    for entry in journal["files"]:
        temp = Path(entry["temp"])
        if temp.exists():
            os.replace(temp, entry["target"])
        directories.add(temp.parent)
    for directory in directories:
        fsync_dir(directory)
    _append_audit_once(Path(journal["audit"]), journal["audit_line"], journal["commit"], journal["audit_size"])
    _finish(journal, directories)


def _append_audit_once(audit: Path, line: str, commit_id: str, size_before: int) -> None:
    fd = os.open(audit, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size > size_before:
            os.lseek(fd, size_before, os.SEEK_SET)
            tail = os.read(fd, size - size_before)
            if commit_id in tail.decode("utf-8", "replace") and tail.endswith(b"\n"):
                return
        os.ftruncate(fd, size_before)
        os.lseek(fd, size_before, os.SEEK_SET)
        data = (line + "\n").encode("utf-8")
        while data:
            data = data[os.write(fd, data):]
        os.fsync(fd)
    finally:
        os.close(fd)
    if size_before == 0:
        fsync_dir(audit.parent)


def _finish(journal: dict, directories: set[Path]) -> None:
    for entry in journal["files"]:
        if entry["backup"]:
            _unlink(Path(entry["backup"]))
    journal_path = Path(journal["audit"]).parent / JOURNAL
    _unlink(journal_path)
    for directory in directories | {journal_path.parent}:
        fsync_dir(directory)


def _roll_back(journal: dict, data_dir: Path) -> None:
    """Undo a commit whose journal exists; the first act makes roll-forward impossible."""
    directories = {data_dir}
    files = journal["files"]
    pending = [e for e in files if Path(e["temp"]).exists()]
    for entry in pending:
        _unlink(Path(entry["temp"]))
    for entry in files:
        target = Path(entry["target"])
        directories.add(target.parent)
        if entry in pending or _file_digest(target) != entry["sha256"]:
            continue
        if entry["backup"]:
            os.replace(entry["backup"], target)
        else:
            _unlink(target)
    for directory in directories:
        fsync_dir(directory)
    audit = Path(journal["audit"])
    if audit.exists() and audit.stat().st_size > journal["audit_size"]:
        with open(audit, "r+b") as handle:
            handle.truncate(journal["audit_size"])
            os.fsync(handle.fileno())
    _finish(journal, directories)


def recover(data_dir: Path, data_files: list[Path]) -> None:
    """Complete or undo an interrupted commit, then remove stray temp and backup files."""
    journal_path = data_dir / JOURNAL
    if journal_path.exists():
        try:
            journal = json.loads(journal_path.read_bytes())
            files = journal["files"]
        except (ValueError, KeyError, TypeError):
            raise DataInvalid(
                f"{journal_path}: the commit journal is damaged; move it aside and run 'roomsync validate'") from None
        try:
            complete = all(
                _file_digest(Path(e["temp"])) == e["sha256"] or _file_digest(Path(e["target"])) == e["sha256"]
                for e in files)
            if complete:
                _apply(journal)
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
                try:
                    _unlink(directory / name)
                except OSError:
                    pass
