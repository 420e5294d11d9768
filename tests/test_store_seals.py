"""Seals: a data file whose bytes roomsync validated at its last commit is parsed only; any other
file (hand edit, restore, older copy, a file roomsync never wrote) gets the full check."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import snapshot, write_hotel

from roomsync.domain.model import RoomStatus
from roomsync.errors import DataInvalid
from roomsync.storage import records
from roomsync.storage.json_store import JsonUnitOfWork

ROOMS: list[dict[str, Any]] = [{"number": "101", "status": "AVAILABLE"}, {"number": "102", "status": "CLEAN"}]
BOOKINGS: list[dict[str, Any]] = [
    {"id": "B-000001", "room": "101", "guest": "Ada Lovelace", "arrival": "2026-11-27",
     "departure": "2026-11-29", "status": "Reserved"},
    {"id": "B-000002", "room": "102", "guest": "Alan Turing", "arrival": "2026-11-28",
     "departure": "2026-11-30", "status": "Reserved"},
]


@pytest.fixture
def full_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files that went through the full check, in order."""
    checked: list[str] = []
    original: Callable[..., list[Any]] = records.check_hand_edit

    def spy(name: str, *args: Any) -> list[Any]:
        checked.append(name)
        return original(name, *args)

    monkeypatch.setattr(records, "check_hand_edit", spy)
    return checked


def set_room(data: Path, number: str, status: RoomStatus) -> None:
    """One roomsync commit that writes rooms.json only."""
    with JsonUnitOfWork(data) as uow:
        room = uow.rooms.get(number)
        assert room is not None
        room.status = status
        uow.rooms.save(room)
        uow.commit(["roomsync", "test"])


def rename_guest(data: Path, booking_id: str, guest: str) -> None:
    """One roomsync commit that writes bookings.json only."""
    with JsonUnitOfWork(data) as uow:
        booking = uow.bookings.get(booking_id)
        assert booking is not None
        booking.guest = guest
        uow.bookings.save(booking)
        uow.commit(["roomsync", "test"])


def load(data: Path) -> None:
    with JsonUnitOfWork(data, read_only=True):
        pass


def last_audit(data: Path) -> dict[str, Any]:
    entry: dict[str, Any] = json.loads((data / "audit.jsonl").read_text().splitlines()[-1])
    return entry


@pytest.fixture
def hotel(tmp_path: Path) -> Path:
    """A hand-made pair (never written by roomsync), then one commit that writes rooms.json."""
    data = write_hotel(tmp_path / "data", ROOMS, BOOKINGS)
    set_room(data, "101", RoomStatus.DIRTY)
    return data


def test_files_a_commit_wrote_or_checked_are_parsed_only_by_the_next_command(
        hotel: Path, full_checks: list[str]) -> None:
    load(hotel)
    assert full_checks == []


def test_a_hand_made_pair_is_checked_in_full_until_roomsync_commits(tmp_path: Path, full_checks: list[str]) -> None:
    data = write_hotel(tmp_path / "data", ROOMS, BOOKINGS)
    load(data)
    assert full_checks == ["rooms.json", "bookings.json"]


def test_the_audit_line_seals_the_written_file_and_the_checked_one_it_left_alone(hotel: Path) -> None:
    sealed = last_audit(hotel)["validated"]
    for name in ("rooms.json", "bookings.json"):
        content = (hotel / name).read_bytes()
        assert sealed[name]["size"] == len(content)
        assert sealed[name]["sha256"] == hashlib.sha256(content).hexdigest()


def test_history_does_not_show_the_seals(hotel: Path) -> None:
    with JsonUnitOfWork(hotel, read_only=True) as uow:
        (entry,) = uow.history()
    assert "validated" not in entry and entry["changes"]


def in_place_same_size_and_mtime(path: Path, old: bytes, new: bytes) -> None:
    """Overwrite bytes inside the file (same inode, same size) and put its times back."""
    assert len(old) == len(new)
    info = os.stat(path)
    content = path.read_bytes()
    assert content.count(old) == 1
    with open(path, "r+b") as handle:
        handle.seek(content.index(old))
        handle.write(new)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    after = os.stat(path)
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (info.st_ino, info.st_size, info.st_mtime_ns)


def test_an_in_place_edit_keeping_size_and_mtime_is_still_checked_in_full(hotel: Path) -> None:
    """A duplicate id is what only the full check finds (the sealed path checks nothing)."""
    in_place_same_size_and_mtime(hotel / "bookings.json", b'"B-000002"', b'"B-000001"')
    before = snapshot(hotel)
    with pytest.raises(DataInvalid, match=r"bookings.json: record 2 \(booking B-000001\): id: duplicate booking id"):
        load(hotel)
    assert snapshot(hotel) == before


def test_an_older_copy_roomsync_once_wrote_is_checked_in_full_and_read_as_it_is(
        hotel: Path, full_checks: list[str]) -> None:
    older = hotel.parent / "rooms.older"
    shutil.copy2(hotel / "rooms.json", older)
    set_room(hotel, "102", RoomStatus.DIRTY)
    shutil.copy2(older, hotel / "rooms.json")
    full_checks.clear()
    with JsonUnitOfWork(hotel, read_only=True) as uow:
        statuses = {room.number: room.status for room in uow.rooms.all()}
    assert full_checks == ["rooms.json"]
    assert statuses == {"101": RoomStatus.DIRTY, "102": RoomStatus.CLEAN}


def test_a_byte_identical_copy_keeps_the_seal(hotel: Path, full_checks: list[str]) -> None:
    """A backup put back unchanged (new inode, new times) holds the validated bytes: harmless."""
    content = (hotel / "bookings.json").read_bytes()
    (hotel / "bookings.json").unlink()
    (hotel / "bookings.json").write_bytes(content)
    load(hotel)
    assert full_checks == []


@pytest.mark.parametrize(("name", "content", "fragment"), [
    ("bookings.json", b'[{"id": "B-000001", "room": "101", "guest": "Ada", "arrival": "2026-11-27",'
                      b' "departure": "2026-11-29", "status": "Reserved", "status": "CheckedIn"}]',
     "status: this key appears more than once"),
    ("rooms.json", b'[{"number": "101", "status": "CLEAN", "rate": 1e400}]', "1e400 is beyond"),
    ("rooms.json", b'[{"number": "101", "status": "CLEAN"}, {"number": "101", "status": "CLEAN"}]',
     "duplicate room number"),
])
def test_a_hand_edit_after_a_commit_is_checked_in_full(hotel: Path, name: str, content: bytes,
                                                       fragment: str) -> None:
    (hotel / name).write_bytes(content)
    before = snapshot(hotel)
    with pytest.raises(DataInvalid, match=fragment):
        load(hotel)
    assert snapshot(hotel) == before


def test_each_commit_seals_what_it_leaves_so_the_next_reads_parse_only(hotel: Path, full_checks: list[str]) -> None:
    rename_guest(hotel, "B-000001", "Ada King")
    set_room(hotel, "102", RoomStatus.DIRTY)
    load(hotel)
    assert full_checks == []
    assert set(last_audit(hotel)["validated"]) == {"rooms.json", "bookings.json"}


def test_a_file_with_an_integer_beyond_64_bits_is_never_sealed_and_keeps_its_value(
        tmp_path: Path, full_checks: list[str]) -> None:
    """orjson, the sealed path's parser, would read 2**70 as a float."""
    rooms = [{"number": "101", "status": "AVAILABLE", "code": 2**70}, {"number": "102", "status": "CLEAN"}]
    data = write_hotel(tmp_path / "data", rooms, BOOKINGS)
    set_room(data, "102", RoomStatus.DIRTY)
    assert set(last_audit(data)["validated"]) == {"bookings.json"}
    full_checks.clear()
    with JsonUnitOfWork(data, read_only=True) as uow:
        room = uow.rooms.get("101")
        assert room is not None
        record = uow.rooms.as_read["101"]
        assert record["code"] == 2**70 and type(record["code"]) is int
        assert room.details["code"] == 2**70 and type(room.details["code"]) is int
    assert full_checks == ["rooms.json"]


def test_sealed_bytes_that_do_not_build_fall_back_to_the_full_check() -> None:
    with pytest.raises(DataInvalid, match=r"record 1 \(room 101\): status: 'SPARKLING' is not a room status"):
        records.load_rooms(b'[{"number": "101", "status": "SPARKLING"}]', sealed=True)


def test_the_sealed_path_reads_what_the_full_check_reads() -> None:
    content = json.dumps([{**BOOKINGS[0], "room": 101, "note": "é", "n": 1.5}, BOOKINGS[1]], indent=2).encode()
    full = records.load_bookings(content)
    sealed = records.load_bookings(content, sealed=True)
    assert full.exact and sealed.exact
    assert [(b.id, b.room, b.guest, b.arrival, b.departure, b.status, b.details) for b in sealed.items] == \
           [(b.id, b.room, b.guest, b.arrival, b.departure, b.status, b.details) for b in full.items]
    assert sealed.records == full.records
    assert sealed.items[0].room == "101"
