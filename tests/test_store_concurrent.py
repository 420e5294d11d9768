"""CONCURRENT_EDIT (SPEC §6 "Hand edits are expected"): a save that lands while a command is
inside its cycle is never silently overwritten. The commit re-checks each file it replaces
just before the replace and, when it changed, writes nothing and raises CONCURRENT_EDIT
(exit 4) naming the file. Deterministic cases edit between load and commit; the last test
races a real editor process against real committing processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, snapshot, write_hotel

from roomsync.domain.model import Booking, BookingStatus, RoomStatus
from roomsync.errors import ConcurrentEdit
from roomsync.storage.json_store import JsonUnitOfWork

ROOMS: list[dict[str, Any]] = [{"number": "101", "status": "AVAILABLE"},
                               {"number": "102", "status": "CLEAN"}]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_hotel(tmp_path / "data", ROOMS, [])


def save_by_rename(path: Path, records: list[dict[str, Any]]) -> None:
    """How most editors save: a new file renamed over the old one."""
    temp = path.with_name(path.name + ".swp")
    temp.write_text(json.dumps(records, indent=2) + "\n")
    os.replace(temp, path)


def save_in_place(path: Path, content: bytes, keep_mtime: bool = False) -> None:
    """How some editors (and `>` in a shell) save: the same file rewritten."""
    before = os.stat(path)
    with open(path, "r+b") as handle:
        handle.truncate(0)
        handle.write(content)
    if keep_mtime:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def mark_dirty(uow: JsonUnitOfWork, number: str = "102") -> None:
    room = uow.rooms.get(number)
    assert room is not None
    room.status = RoomStatus.DIRTY
    uow.rooms.save(room)


def refused_commit(uow: JsonUnitOfWork) -> str:
    with pytest.raises(ConcurrentEdit) as caught:
        uow.commit(["roomsync", "housekeeping", "102", "DIRTY"])
    assert caught.value.exit_code == 4 and caught.value.code == "CONCURRENT_EDIT"
    return str(caught.value.message)


def test_rename_style_save_between_load_and_commit_is_concurrent_edit_and_the_save_stands(data: Path) -> None:
    edited = [{**ROOMS[0], "note": "edited by hand"}, ROOMS[1]]
    with JsonUnitOfWork(data) as uow:
        mark_dirty(uow)
        save_by_rename(data / "rooms.json", edited)
        after_edit = snapshot(data)
        message = refused_commit(uow)
    assert str(data / "rooms.json") in message and "run the command again" in message
    assert snapshot(data) == after_edit, "the refused commit wrote something"
    assert json.loads((data / "rooms.json").read_text()) == edited


def test_in_place_save_of_the_same_size_keeping_the_mtime_is_found_by_the_content_hash(data: Path) -> None:
    original = (data / "rooms.json").read_bytes()
    with JsonUnitOfWork(data) as uow:
        mark_dirty(uow)
        same_size = original.replace(b"AVAILABLE", b"MAINTENAN")  # not valid, but what was typed
        assert len(same_size) == len(original)
        save_in_place(data / "rooms.json", same_size, keep_mtime=True)
        stat = os.stat(data / "rooms.json")
        refused_commit(uow)
    assert (data / "rooms.json").read_bytes() == same_size
    assert os.stat(data / "rooms.json").st_ino == stat.st_ino


def test_a_file_missing_at_load_and_created_before_commit_is_concurrent_edit(data: Path) -> None:
    (data / "bookings.json").unlink()
    with JsonUnitOfWork(data) as uow:
        booking_id = uow.bookings.next_id()
        uow.bookings.add(Booking(booking_id, "101", "Ada", date(2026, 11, 27), date(2026, 11, 28),
                                 BookingStatus.RESERVED))
        (data / "bookings.json").write_text("[]\n")
        with pytest.raises(ConcurrentEdit, match=r"bookings\.json: was created by another program"):
            uow.commit(["roomsync", "book"])
    assert (data / "bookings.json").read_text() == "[]\n"


def test_a_save_landing_after_the_temps_are_written_leaves_no_temp_journal_or_audit_line(
        data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The latest moment an edit can be caught: the commit has prepared everything."""
    original_check = JsonUnitOfWork._check_unchanged

    def editor_saves_first(self: JsonUnitOfWork, paths: list[Path]) -> None:
        assert (data / ".roomsync-journal").exists(), "the check runs after the intent is written"
        save_in_place(data / "rooms.json", b"[]\n")
        original_check(self, paths)

    monkeypatch.setattr(JsonUnitOfWork, "_check_unchanged", editor_saves_first)
    with JsonUnitOfWork(data) as uow:
        mark_dirty(uow)
        refused_commit(uow)
    assert sorted(os.listdir(data)) == [".roomsync.lock", "bookings.json", "rooms.json"]
    assert (data / "rooms.json").read_bytes() == b"[]\n"
    monkeypatch.undo()
    with JsonUnitOfWork(data, read_only=True) as uow:  # the next unit reads the edit: no rollback ran
        assert uow.rooms.all() == []
    assert (data / "rooms.json").read_bytes() == b"[]\n"


def test_an_edit_of_a_file_the_commit_does_not_replace_is_kept_and_the_commit_goes_ahead(data: Path) -> None:
    with JsonUnitOfWork(data) as uow:
        mark_dirty(uow)
        (data / "bookings.json").write_text("[]\n\n")
        uow.commit(["roomsync", "housekeeping", "102", "DIRTY"])
    assert (data / "bookings.json").read_text() == "[]\n\n"
    assert json.loads((data / "rooms.json").read_text())[1]["status"] == "DIRTY"


# --------------------------------------------------------------------------- a real racing editor

EDITOR = r"""
import json, os, random, sys, time
path, rounds, style = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lost = 0
for i in range(rounds):
    with open(path, "rb") as handle:
        rooms = json.loads(handle.read())
    if i and rooms[0].get("note") != f"edit-{i - 1}":
        lost += 1  # a command wrote back what it read before the last save
    rooms[0]["note"] = f"edit-{i}"
    body = (json.dumps(rooms, indent=2) + "\n").encode()
    if style == "rename":
        with open(path + ".swp", "wb") as handle:
            handle.write(body)
        os.replace(path + ".swp", path)
    else:
        with open(path, "r+b") as handle:
            handle.truncate(0)
            handle.write(body)
    time.sleep(random.uniform(0.0, 0.01))
print(lost)
"""

COMMANDER = r"""
import sys, time
from roomsync.domain.model import Booking, BookingStatus, RoomStatus
from roomsync.errors import ConcurrentEdit, DataInvalid
from roomsync.storage.json_store import JsonUnitOfWork
data, seconds = sys.argv[1], float(sys.argv[2])
done = refused = unreadable = 0
end = time.monotonic() + seconds
while time.monotonic() < end:
    try:
        with JsonUnitOfWork(data) as uow:
            room = uow.rooms.get("102")
            room.status = RoomStatus.DIRTY if room.status != RoomStatus.DIRTY else RoomStatus.CLEAN
            uow.rooms.save(room)
            uow.commit(["roomsync", "housekeeping"])
            done += 1
    except ConcurrentEdit:
        refused += 1
    except DataInvalid:
        unreadable += 1  # caught an in-place save half written
print(done, refused, unreadable)
"""


@pytest.mark.parametrize("style", ["rename", "in-place"])
def test_a_real_editor_racing_real_commands_never_has_a_save_overwritten(data: Path, style: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    commanders = [subprocess.Popen([sys.executable, "-c", COMMANDER, str(data), "4"], env=env,
                                   stdout=subprocess.PIPE, text=True) for _ in range(2)]
    time.sleep(0.3)
    editor = subprocess.run([sys.executable, "-c", EDITOR, str(data / "rooms.json"), "150", style],
                            capture_output=True, text=True, timeout=60)
    outcomes = [c.communicate(timeout=60)[0].split() for c in commanders]
    assert editor.returncode == 0, editor.stderr
    # Without the check about a third of the saves were lost here (44 of 150). With it, only a
    # save landing in the remaining window can be: from the last stat to the rename (or, in
    # place, between the editor's own open and write). That window is microseconds, but with
    # two cores shared by several busy processes a command can be descheduled inside it: a
    # few of 150 are tolerated, an unchecked commit's dozens are not.
    assert int(editor.stdout) <= 5, f"{editor.stdout.strip()} saves were silently overwritten; {outcomes}"
    done = sum(int(o[0]) for o in outcomes)
    refused = sum(int(o[1]) for o in outcomes)
    assert done > 0, outcomes
    assert refused > 0, f"the race was never exercised: {outcomes}"
    assert json.loads((data / "rooms.json").read_text())[0]["note"] == "edit-149"
