"""Hostile files at the store level (SPEC §1 missing files, §6 "every byte the user wrote").

A data directory, data file, audit or journal that is not what it should be (a plain file, a
FIFO, a directory, a device) is DATA_INVALID naming the path and what it is, never a hang or
an internal error; a lost bookings.json never reads as "no guests" once ids were issued; and a
hand edit's repeated key, number beyond a double or lone surrogate is named, never dropped.
Every refusal leaves every byte as it was.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from conftest import snapshot, write_hotel

from roomsync.domain.model import RoomStatus
from roomsync.errors import DataInvalid
from roomsync.storage.json_store import JsonUnitOfWork
from roomsync.storage.records import check_hand_edit, parse_bookings, parse_rooms

ROOMS: list[dict[str, Any]] = [
    {"number": "101", "status": "AVAILABLE"}, {"number": "102", "status": "CLEAN", "floor": 1},
]
BOOKINGS: list[dict[str, Any]] = [
    {"id": "B-000001", "room": "101", "guest": "Ada Lovelace", "arrival": "2026-11-27",
     "departure": "2026-11-29", "status": "Reserved"},
    {"id": "B-000002", "room": "102", "guest": "Alan Turing", "arrival": "2026-11-28",
     "departure": "2026-11-30", "status": "Reserved"},
]


class Hung(Exception):
    pass


@contextmanager
def within(seconds: int) -> Iterator[None]:
    """Fail instead of hanging: a FIFO opened for reading would block forever."""
    def alarm(signum: int, frame: FrameType | None) -> None:
        raise Hung(f"still blocked after {seconds}s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def refusal(data: Path, **options: Any) -> str:
    """The DATA_INVALID message of entering a unit of work on `data` (it must refuse)."""
    with within(5), pytest.raises(DataInvalid) as caught, JsonUnitOfWork(data, 1.0, **options):
        pass
    return str(caught.value.message)


@pytest.fixture
def hotel(tmp_path: Path) -> Path:
    data = write_hotel(tmp_path / "data", ROOMS, BOOKINGS)
    (data / "audit.jsonl").write_text(json.dumps({"commit": "x", "booking_id_mark": 2}) + "\n")
    return data


# --------------------------------------------------------------------------- what a path is


def test_data_dir_that_is_a_plain_file_is_named_a_file_not_a_directory(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.write_text("not a hotel")
    message = refusal(data)
    assert str(data) in message and "is a file, not a directory" in message
    assert refusal(data, create=True) == message, "init must not treat a file as a place for a hotel"
    assert data.read_text() == "not a hotel"


def test_data_dir_that_is_a_fifo_is_named_a_fifo(tmp_path: Path) -> None:
    data = tmp_path / "data"
    os.mkfifo(data)
    message = refusal(data)
    assert str(data) in message and "FIFO" in message and "not a directory" in message


@pytest.mark.parametrize("name", ["rooms.json", "bookings.json"])
def test_data_file_that_is_a_fifo_is_refused_at_once_without_blocking(hotel: Path, name: str) -> None:
    (hotel / name).unlink()
    os.mkfifo(hotel / name)
    before = snapshot(hotel)
    message = refusal(hotel)
    assert str(hotel / name) in message and "FIFO (named pipe), not a regular file" in message
    assert snapshot(hotel) == before
    # The lock was released: the next unit of work is not kept waiting by the refused one.
    assert "FIFO" in refusal(hotel)


@pytest.mark.parametrize("name", ["rooms.json", "bookings.json"])
def test_data_file_that_is_a_directory_is_named_a_directory(hotel: Path, name: str) -> None:
    (hotel / name).unlink()
    (hotel / name).mkdir()
    message = refusal(hotel)
    assert str(hotel / name) in message and "is a directory, not a regular file" in message


def test_data_file_that_is_a_device_is_named_a_device(hotel: Path) -> None:
    (hotel / "rooms.json").unlink()
    (hotel / "rooms.json").symlink_to("/dev/null")
    message = refusal(hotel)
    assert "rooms.json" in message and "character device" in message


@pytest.mark.parametrize("make", [os.mkdir, os.mkfifo], ids=["directory", "fifo"])
def test_audit_that_is_not_a_regular_file_is_data_invalid_for_every_unit_and_history(hotel: Path, make: Any) -> None:
    (hotel / "audit.jsonl").unlink()
    make(hotel / "audit.jsonl")
    for options in ({}, {"read_only": True}, {"create": True}):
        message = refusal(hotel, **options)
        assert str(hotel / "audit.jsonl") in message and "not a regular file" in message


def test_journal_that_is_a_fifo_is_data_invalid_not_a_hang(hotel: Path) -> None:
    os.mkfifo(hotel / ".roomsync-journal")
    message = refusal(hotel)
    assert ".roomsync-journal" in message and "FIFO" in message


def test_lock_file_that_is_a_fifo_or_a_symlink_is_refused(hotel: Path, tmp_path: Path) -> None:
    os.mkfifo(hotel / ".roomsync.lock")
    assert "FIFO" in refusal(hotel)
    (hotel / ".roomsync.lock").unlink()
    target = tmp_path / "victim"
    target.write_text("precious")
    (hotel / ".roomsync.lock").symlink_to(target)
    assert "symbolic link" in refusal(hotel)
    assert target.read_text() == "precious", "the lock followed a planted symlink"


# --------------------------------------------------------------------------- missing files (SPEC §1)


def test_missing_bookings_json_after_ids_were_issued_is_data_invalid_saying_how_to_restore(hotel: Path) -> None:
    (hotel / "bookings.json").unlink()
    before = snapshot(hotel)
    for options in ({}, {"read_only": True}):
        message = refusal(hotel, **options)
        assert "bookings.json" in message and "records 2 booking id(s)" in message
        assert "restore bookings.json" in message and "[]" in message
    assert snapshot(hotel) == before


def test_missing_bookings_json_while_no_id_was_ever_issued_is_an_empty_list(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "data", ROOMS, [])
    (data / "bookings.json").unlink()
    with JsonUnitOfWork(data, read_only=True) as uow:
        assert uow.bookings.all() == []


def test_missing_bookings_json_does_not_stop_init_force_from_replacing_the_hotel(hotel: Path) -> None:
    (hotel / "bookings.json").unlink()
    with JsonUnitOfWork(hotel, create=True) as uow:
        uow.replace_all([], [])
        uow.commit(["roomsync", "init", "--force"])
    assert json.loads((hotel / "bookings.json").read_text()) == []


def test_missing_rooms_json_suggests_init(hotel: Path) -> None:
    (hotel / "rooms.json").unlink()
    message = refusal(hotel)
    assert "rooms.json" in message and "roomsync init" in message


# --------------------------------------------------------------------------- hand edits (SPEC §6)

HAND_EDITS = [
    ("repeated-key", "bookings.json",
     b'[{"id": "B-000001", "room": "101", "guest": "Ada", "arrival": "2026-11-27",\n'
     b'  "departure": "2026-11-29", "status": "Reserved", "status": "CheckedIn"}]\n',
     ["bookings.json", "record 1 (booking B-000001)", "status", "more than once"]),
    ("repeated-nested-key", "rooms.json",
     b'[{"number": "101", "status": "CLEAN"}, {"number": "102", "status": "CLEAN", "minibar": {"cola": 1, "cola": 2}}]',
     ["rooms.json", "record 2 (room 102)", "minibar.cola", "more than once"]),
    ("huge-number", "rooms.json", b'[{"number": "101", "status": "CLEAN", "rate": 1e400}]',
     ["rooms.json", "record 1 (room 101)", "rate", "1e400", "beyond"]),
    ("huge-negative-number", "bookings.json",
     b'[{"id": "B-000001", "room": "101", "guest": "Ada", "arrival": "2026-11-27", "departure": "2026-11-29",'
     b' "status": "Reserved", "deposit": [5, -1e400]}]',
     ["bookings.json", "record 1 (booking B-000001)", "deposit[1]", "-1e400", "beyond"]),
    ("nan", "rooms.json", b'[{"number": "101", "status": "CLEAN", "rate": NaN}]',
     ["rooms.json", "record 1 (room 101)", "rate", "NaN", "JSON has no NaN"]),
    ("lone-surrogate-in-guest", "bookings.json",
     b'[{"id": "B-000001", "room": "101", "guest": "Grace\\ud800Hopper", "arrival": "2026-11-27",'
     b' "departure": "2026-11-29", "status": "Reserved"}]',
     ["bookings.json", "record 1 (booking B-000001)", "guest", "lone surrogate escape (\\ud800)"]),
]


@pytest.mark.parametrize(("name", "content", "fragments"), [case[1:] for case in HAND_EDITS],
                         ids=[case[0] for case in HAND_EDITS])
def test_hand_edit_that_would_lose_meaning_is_named_and_nothing_is_written(
        hotel: Path, name: str, content: bytes, fragments: list[str]) -> None:
    (hotel / name).write_bytes(content)
    before = snapshot(hotel)
    message = refusal(hotel)
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert "is empty" not in message
    assert snapshot(hotel) == before


def test_a_surrogate_written_as_raw_utf8_bytes_is_named_too() -> None:
    """Python's JSON reader decodes bytes with `surrogatepass`: ED A0 80 becomes a lone \\ud800."""
    with pytest.raises(DataInvalid, match=r"record 1 \(room 101\): note: .*lone surrogate escape \(\\ud800\)"):
        parse_rooms(b'[{"number": "101", "status": "CLEAN", "note": "a\xed\xa0\x80b"}]')


def test_korean_text_whose_utf8_starts_with_0xed_is_not_mistaken_for_a_surrogate() -> None:
    (room,) = parse_rooms('[{"number": "101", "status": "CLEAN", "note": "한국 호텔"}]'.encode())
    assert room.details["note"] == "한국 호텔"


def test_valid_surrogate_pairs_and_big_finite_numbers_pass_the_full_check() -> None:
    data = b'[{"number": "101", "status": "CLEAN", "note": "\\ud83d\\ude00", "rate": 1.7e308, "n": 1e-400}]'
    (room,) = parse_rooms(data)
    assert room.details["note"] == "\U0001F600" and room.details["rate"] == 1.7e308


def test_check_hand_edit_returns_the_records_in_file_and_key_order() -> None:
    raw = check_hand_edit("rooms.json", "rooms", b'[{"status": "CLEAN", "number": "101", "z": 1, "a": 2}]')
    assert raw == [{"status": "CLEAN", "number": "101", "z": 1, "a": 2}]
    assert list(raw[0]) == ["status", "number", "z", "a"]


def test_json_syntax_error_says_at_only_once() -> None:
    with pytest.raises(DataInvalid) as caught:
        parse_bookings(b'[\n  {"id": "B-1",\n    "room": }\n]')
    message = caught.value.message
    assert message.count(" at ") == 1 and "at line 3, column 13" in message, message


def test_a_repeated_key_is_refused_even_where_the_values_agree() -> None:
    with pytest.raises(DataInvalid, match="number: this key appears more than once"):
        parse_rooms(b'[{"number": "101", "number": "101", "status": "CLEAN"}]')


def test_a_file_with_only_an_unknown_status_still_names_the_field_after_the_full_check(hotel: Path) -> None:
    """The full check runs first, and hands on to the field checks what it accepts."""
    (hotel / "rooms.json").write_bytes(b'[{"number": "101", "status": "SPARKLING"}]')
    assert "record 1 (room 101): status: 'SPARKLING'" in refusal(hotel)


def test_a_hand_edit_that_passes_is_written_back_keeping_unknown_fields(hotel: Path) -> None:
    (hotel / "rooms.json").write_bytes(b'[{"number": "101", "status": "AVAILABLE", "rate": 1.5e300}]')
    with JsonUnitOfWork(hotel) as uow:
        room = uow.rooms.get("101")
        assert room is not None
        room.status = RoomStatus.DIRTY
        uow.rooms.save(room)
        uow.commit(["roomsync", "test"])
    assert json.loads((hotel / "rooms.json").read_text()) == [{"number": "101", "status": "DIRTY", "rate": 1.5e300}]
