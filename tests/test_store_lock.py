"""The lock (SPEC §6 "One writer at a time", §5 waiting message), at the store level.

Writers take `.roomsync.lock` exclusive, read-only units take it shared; while held exclusive
the file names its holder (command, user, pid) for those who wait; a waiter hears who after
about a second (`on_wait`); the lock file is never deleted; a reader finding an interrupted
commit completes it under the exclusive lock before it reads. flock locks conflict between
open files even in one process, so these tests hold and wait in one process.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import crash_at_commit_point, mark_dirty, write_hotel

from roomsync.domain.model import RoomStatus
from roomsync.errors import LockTimeout
from roomsync.storage import atomic
from roomsync.storage.audit import current_user
from roomsync.storage.base import CommitNotAllowed
from roomsync.storage.json_store import JsonUnitOfWork
from roomsync.storage.lock import TELL_AFTER

ROOMS: list[dict[str, Any]] = [{"number": "101", "status": "AVAILABLE"},
                               {"number": "102", "status": "CLEAN"}]
CHECKIN = ["roomsync", "checkin", "102"]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_hotel(tmp_path / "data", ROOMS, [])


def test_read_only_units_hold_the_lock_side_by_side(data: Path) -> None:
    with JsonUnitOfWork(data, 0.0, read_only=True) as first, JsonUnitOfWork(data, 0.0, read_only=True) as second:
        assert [r.number for r in first.rooms.all()] == [r.number for r in second.rooms.all()]


def test_a_writer_waits_for_readers_and_readers_wait_for_a_writer(data: Path) -> None:
    with JsonUnitOfWork(data, 0.0, read_only=True), pytest.raises(LockTimeout):
        JsonUnitOfWork(data, 0.2).__enter__()
    with JsonUnitOfWork(data, 0.0, command=CHECKIN), pytest.raises(LockTimeout) as caught:
        JsonUnitOfWork(data, 0.2, read_only=True).__enter__()
    assert caught.value.exit_code == 4
    assert f"`roomsync checkin 102` (user {current_user()}, pid {os.getpid()})" in caught.value.message


def test_the_lock_file_names_its_exclusive_holder_only_while_held_and_is_never_deleted(data: Path) -> None:
    lock = data / ".roomsync.lock"
    with JsonUnitOfWork(data, command=["roomsync", "book", "101", "--guest", "Ada Lovelace"]):
        holder = json.loads(lock.read_text())
        inode = lock.stat().st_ino
    assert holder["command"] == "roomsync book 101 --guest 'Ada Lovelace'"
    assert holder["pid"] == os.getpid() and holder["user"]
    assert lock.read_bytes() == b"", "a released lock still names a holder"
    with JsonUnitOfWork(data, read_only=True):
        assert lock.read_bytes() == b"", "a reader wrote into the lock file"
    assert lock.stat().st_ino == inode


def test_on_wait_hears_the_holder_once_after_about_a_second(data: Path) -> None:
    heard: list[tuple[float, str]] = []
    started = time.monotonic()
    with JsonUnitOfWork(data, command=CHECKIN), pytest.raises(LockTimeout):
        JsonUnitOfWork(data, TELL_AFTER + 0.5,
                       on_wait=lambda holder: heard.append((time.monotonic() - started, holder))).__enter__()
    assert len(heard) == 1
    waited, holder = heard[0]
    assert TELL_AFTER <= waited < TELL_AFTER + 0.5
    assert holder.startswith("`roomsync checkin 102` (user ") and holder.endswith(f", pid {os.getpid()})")


def test_on_wait_is_not_called_for_a_short_wait(data: Path) -> None:
    heard: list[str] = []
    with JsonUnitOfWork(data), pytest.raises(LockTimeout):
        JsonUnitOfWork(data, 0.3, on_wait=heard.append).__enter__()
    assert heard == []


def test_a_writer_gets_the_lock_as_soon_as_the_reader_leaves(data: Path) -> None:
    reader = JsonUnitOfWork(data, read_only=True).__enter__()
    reader.__exit__(None, None, None)
    with JsonUnitOfWork(data, 0.0) as writer:
        mark_dirty(writer)
        assert writer.commit(["roomsync", "housekeeping", "102", "DIRTY"]) is not None


def test_a_read_only_unit_cannot_commit(data: Path) -> None:
    with JsonUnitOfWork(data, read_only=True) as uow:
        mark_dirty(uow)
        with pytest.raises(CommitNotAllowed):
            uow.commit(["roomsync", "housekeeping"])
    assert json.loads((data / "rooms.json").read_text()) == ROOMS


def test_a_reader_completes_an_interrupted_commit_before_it_reads(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    crash_at_commit_point(data, monkeypatch)
    assert (data / atomic.JOURNAL).exists()
    assert json.loads((data / "rooms.json").read_text())[1]["status"] == "DIRTY"  # replaced, not committed
    with JsonUnitOfWork(data, 0.5, read_only=True) as reader:
        assert [r.status for r in reader.rooms.all()] == [RoomStatus.AVAILABLE, RoomStatus.CLEAN]
        with JsonUnitOfWork(data, 0.0, read_only=True):
            pass  # the reader went back to a shared lock after recovering
    assert not (data / atomic.JOURNAL).exists()
    assert json.loads((data / "rooms.json").read_text()) == ROOMS
