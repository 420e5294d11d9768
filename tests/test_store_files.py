"""The data files as a user meets them (SPEC §1 data files, §6 "Nothing lost", audit, leftovers).

Invalid files are refused with exit 3 `DATA_INVALID`, a message naming file, record and
field, and not one byte written; missing files are handled as §1 says; rewrites keep
permissions, unknown fields and their order, write integer room numbers back as strings and
go through symlinks; the audit records who changed what; ids are never reissued; and the
data directory holds nothing but the two files, audit.jsonl and the lock file.
"""

from __future__ import annotations

import getpass
import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, run_cli, snapshot, write_hotel

EXPECTED_NAMES = {"rooms.json", "bookings.json", "audit.jsonl", ".roomsync.lock"}

ROOMS: list[dict[str, Any]] = [
    {"number": "101", "status": "AVAILABLE", "type": "Single", "floor": 1},
    {"number": "102", "status": "OCCUPIED", "type": "Double", "floor": 1},  # stale: reconcile would fix it
    {"number": "103", "status": "CLEAN", "type": "Double", "floor": 1},
]
BOOKINGS: list[dict[str, Any]] = [
    {"id": "B-000001", "room": "101", "guest": "Ada Lovelace", "arrival": "2026-11-27",
     "departure": "2026-11-29", "status": "Reserved"},
    {"id": "B-000002", "room": "103", "guest": "Alan Turing", "arrival": "2026-11-28",
     "departure": "2026-11-30", "status": "Reserved"},
]


def dumps(records: Any) -> bytes:
    return (json.dumps(records, indent=2) + "\n").encode()


def with_record(records: list[dict[str, Any]], position: int, **fields: Any) -> list[Any]:
    """A copy with record `position` (from 1) changed; a field set to ... is removed."""
    copy = [dict(r) for r in records]
    for key, value in fields.items():
        if value is ...:
            del copy[position - 1][key]
        else:
            copy[position - 1][key] = value
    return copy


# (name, file, content, fragments the message must contain: file, record, id, field, what)
BAD: list[tuple[str, str, bytes, list[str]]] = [
    ("truncated-json", "bookings.json", dumps(BOOKINGS)[:140], ["bookings.json", "JSON", "line"]),
    ("empty-file", "rooms.json", b"", ["rooms.json", "empty"]),
    ("empty-bookings-file", "bookings.json", b"\n", ["bookings.json", "empty"]),
    ("top-level-object", "rooms.json", dumps({"rooms": ROOMS}), ["rooms.json", "array"]),
    ("record-not-an-object", "bookings.json", dumps([*BOOKINGS, "B-000003"]), ["bookings.json", "record 3", "object"]),
    ("missing-field", "bookings.json", dumps(with_record(BOOKINGS, 2, guest=...)),
     ["bookings.json", "record 2", "booking B-000002", "guest", "missing"]),
    ("missing-room-number", "rooms.json", dumps(with_record(ROOMS, 3, number=...)),
     ["rooms.json", "record 3", "number", "missing"]),
    ("unknown-room-status", "rooms.json", dumps(with_record(ROOMS, 2, status="SPARKLING")),
     ["rooms.json", "record 2", "room 102", "status", "SPARKLING"]),
    ("unknown-booking-status", "bookings.json", dumps(with_record(BOOKINGS, 1, status="Arrived")),
     ["bookings.json", "record 1", "booking B-000001", "status", "Arrived"]),
    ("bad-date", "bookings.json", dumps(with_record(BOOKINGS, 2, arrival="2026-13-01")),
     ["bookings.json", "record 2", "booking B-000002", "arrival", "2026-13-01", "YYYY-MM-DD"]),
    ("impossible-date", "bookings.json", dumps(with_record(BOOKINGS, 1, departure="2026-02-30")),
     ["bookings.json", "record 1", "booking B-000001", "departure", "2026-02-30"]),
    ("duplicate-room-number", "rooms.json", dumps([*ROOMS, {"number": "101", "status": "CLEAN"}]),
     ["rooms.json", "record 4", "room 101", "number", "duplicate"]),
    ("duplicate-integer-room-number", "rooms.json", dumps([*ROOMS, {"number": 102, "status": "CLEAN"}]),
     ["rooms.json", "record 4", "room 102", "number", "duplicate"]),
    ("duplicate-booking-id", "bookings.json", dumps([*BOOKINGS, {**BOOKINGS[0], "room": "103",
                                                                  "arrival": "2026-12-10", "departure": "2026-12-11"}]),
     ["bookings.json", "record 3", "booking B-000001", "id", "duplicate"]),
    ("guest-is-a-number", "bookings.json", dumps(with_record(BOOKINGS, 2, guest=42)),
     ["bookings.json", "record 2", "booking B-000002", "guest", "42"]),
    ("empty-guest", "bookings.json", dumps(with_record(BOOKINGS, 1, guest="  ")),
     ["bookings.json", "record 1", "booking B-000001", "guest", "empty"]),
    ("room-field-wrong-type", "bookings.json", dumps(with_record(BOOKINGS, 2, room=["103"])),
     ["bookings.json", "record 2", "booking B-000002", "room"]),
    ("nan", "bookings.json",
     dumps(with_record(BOOKINGS, 2, rate="@NAN@")).replace(b'"@NAN@"', b"NaN"),
     ["bookings.json", "record 2", "booking B-000002", "rate", "NaN"]),
    ("infinity-in-a-room", "rooms.json",
     dumps(with_record(ROOMS, 3, floor="@INF@")).replace(b'"@INF@"', b"Infinity"),
     ["rooms.json", "record 3", "room 103", "floor", "Infinity"]),
]


@pytest.mark.parametrize("command", [("reconcile", "--fix"), ("checkin", "101"), ("rooms",)],
                         ids=["reconcile-fix", "checkin", "rooms"])
@pytest.mark.parametrize("name, filename, content, fragments", BAD, ids=[case[0] for case in BAD])
def test_invalid_file_is_data_invalid_naming_file_record_field_and_nothing_changes(
        tmp_path: Path, name: str, filename: str, content: bytes, fragments: list[str],
        command: tuple[str, ...]) -> None:
    data = write_hotel(tmp_path / "data", ROOMS, BOOKINGS)
    (data / filename).write_bytes(content)
    before = snapshot(data)
    result = run_cli(*command, "--data-dir", str(data), "--today", TODAY, "--json")
    assert result.code == 3, (result.code, result.stdout, result.stderr)
    error = result.json()["error"]
    assert error["code"] == "DATA_INVALID"
    assert "Traceback" not in result.stderr
    missing = [f for f in fragments if f not in result.stderr]
    assert not missing, f"stderr {result.stderr.strip()!r} does not name {missing}"
    assert all(f in error["message"] for f in fragments)
    assert snapshot(data) == before, "an invalid hotel was written to"
    assert set(os.listdir(data)) <= {"rooms.json", "bookings.json", ".roomsync.lock"}


def test_invalid_file_is_never_overwritten_by_init_without_force(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "data", ROOMS, BOOKINGS)
    (data / "bookings.json").write_bytes(dumps(BOOKINGS)[:100])
    before = snapshot(data)
    result = run_cli("init", "--sample", "--data-dir", str(data), "--today", TODAY, "--json")
    assert result.code != 0
    assert snapshot(data) == before


# --------------------------------------------------------------------------- missing files


@pytest.mark.parametrize("command", [("rooms",), ("validate",), ("book", "101", "--guest", "X", "--arrival",
                                                                  TODAY, "--nights", "1")],
                         ids=["rooms", "validate", "book"])
def test_missing_rooms_json_is_data_invalid_suggesting_init(tmp_path: Path, command: tuple[str, ...]) -> None:
    data = write_hotel(tmp_path / "data", ROOMS, BOOKINGS)
    (data / "rooms.json").unlink()
    before = snapshot(data)
    result = run_cli(*command, "--data-dir", str(data), "--today", TODAY, "--json")
    assert result.code == 3
    assert result.json()["error"]["code"] == "DATA_INVALID"
    assert "roomsync init" in result.stderr and "rooms.json" in result.stderr
    assert snapshot(data) == before


@pytest.mark.parametrize("command", [("rooms",), ("history",), ("checkin", "101")], ids=["rooms", "history", "checkin"])
def test_missing_data_dir_is_data_invalid_suggesting_init_and_is_not_created(
        tmp_path: Path, command: tuple[str, ...]) -> None:
    data = tmp_path / "nowhere"
    result = run_cli(*command, "--data-dir", str(data), "--today", TODAY, "--json")
    assert result.code == 3
    assert result.json()["error"]["code"] == "DATA_INVALID"
    assert "roomsync init" in result.stderr
    assert not data.exists(), "a command other than init created the data directory"


def test_missing_bookings_json_alone_is_an_empty_list(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "data", ROOMS, [])
    (data / "bookings.json").unlink()
    listed = run_cli("bookings", "--data-dir", str(data), "--today", TODAY, "--json")
    assert listed.code == 0, listed.stderr
    assert listed.json() == []
    assert not (data / "bookings.json").exists(), "a read-only command wrote a file"
    made = run_cli("book", "103", "--guest", "Grace Hopper", "--arrival", "2026-11-28", "--nights", "2",
                   "--data-dir", str(data), "--today", TODAY, "--json")
    assert made.code == 0, made.stderr
    stored = json.loads((data / "bookings.json").read_text())
    assert [b["id"] for b in stored] == [made.json()["booking"]["id"]]


# --------------------------------------------------------------------------- rewrites keep what they should


def test_file_permissions_survive_rewrites(hotel: Path) -> None:
    for name in ("rooms.json", "bookings.json"):
        os.chmod(hotel / name, 0o640)
    before = snapshot(hotel)
    result = run_cli("checkin", "101", "--data-dir", str(hotel), "--today", TODAY)
    assert result.code == 0, result.stderr
    for name in ("rooms.json", "bookings.json"):
        assert (hotel / name).read_bytes() != before[name], f"{name} was not rewritten"
        assert stat.S_IMODE((hotel / name).stat().st_mode) == 0o640, f"{name} lost its permissions"


def test_unknown_fields_keep_their_values_and_key_order(tmp_path: Path) -> None:
    rooms = [
        {"floor": 1, "number": "101", "minibar": {"stocked": True, "items": ["water", "nuts"]},
         "status": "AVAILABLE", "type": "Single", "note": None},
        {"view": "sea", "number": "102", "status": "AVAILABLE", "rate": 1.5},
    ]
    bookings = [
        {"rate": 120.5, "id": "B-000001", "tags": ["vip", "late"], "room": "101", "guest": "Ada Lovelace",
         "arrival": "2026-11-27", "departure": "2026-11-29", "channel": {"name": "web", "ref": 7},
         "status": "Reserved", "notes": "quiet room"},
        {"id": "B-000002", "room": "102", "guest": "Alan Turing", "arrival": "2026-12-01",
         "departure": "2026-12-03", "status": "Reserved", "x-legacy": [1, {"a": None}]},
    ]
    data = write_hotel(tmp_path / "data", rooms, bookings)
    result = run_cli("checkin", "101", "--data-dir", str(data), "--today", TODAY)
    assert result.code == 0, result.stderr

    stored_rooms = json.loads((data / "rooms.json").read_text())
    assert list(stored_rooms[0]) == list(rooms[0]), "room keys reordered"
    assert stored_rooms[0] == {**rooms[0], "status": "OCCUPIED"}
    assert stored_rooms[1] == rooms[1]
    # A file already in roomsync's form shows only the changed record in a diff.
    assert (data / "rooms.json").read_bytes() == dumps([{**rooms[0], "status": "OCCUPIED"}, rooms[1]])

    stored = json.loads((data / "bookings.json").read_text())
    first = stored[0]
    assert list(first)[:len(bookings[0])] == list(bookings[0]), "booking keys reordered (new stamps go last)"
    kept = [k for k in bookings[0] if k != "status"]
    assert {k: first[k] for k in kept} == {k: bookings[0][k] for k in kept}
    assert first["status"] == "CheckedIn" and "checked_in_at" in first
    assert stored[1] == bookings[1]
    assert list(stored[1]) == list(bookings[1])


def test_integer_room_number_is_written_back_as_a_string(tmp_path: Path) -> None:
    rooms = [{"number": 101, "status": "AVAILABLE"}, {"number": "102", "status": "OCCUPIED"}]
    bookings = [{"id": "B-000001", "room": 101, "guest": "Ada Lovelace", "arrival": "2026-11-20",
                 "departure": "2026-11-22", "status": "CheckedOut"}]
    data = write_hotel(tmp_path / "data", rooms, bookings)
    fixed = run_cli("reconcile", "--fix", "--data-dir", str(data), "--today", TODAY)  # rewrites rooms.json (102)
    assert fixed.code == 0, fixed.stdout + fixed.stderr
    assert json.loads((data / "rooms.json").read_text())[0]["number"] == "101"
    made = run_cli("book", "101", "--guest", "Grace Hopper", "--arrival", "2026-11-28", "--nights", "1",
                   "--data-dir", str(data), "--today", TODAY)  # rewrites bookings.json
    assert made.code == 0, made.stderr
    stored = json.loads((data / "bookings.json").read_text())
    assert stored[0]["room"] == "101"
    assert stored[1]["room"] == "101"
    assert b": 101" not in (data / "rooms.json").read_bytes() + (data / "bookings.json").read_bytes()


def test_symlinked_rooms_json_is_written_through_to_its_target(hotel: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    target = store / "rooms-real.json"
    (hotel / "rooms.json").rename(target)
    os.chmod(target, 0o640)
    link_text = os.path.join("..", "store", "rooms-real.json")
    (hotel / "rooms.json").symlink_to(link_text)
    result = run_cli("checkin", "101", "--data-dir", str(hotel), "--today", TODAY)
    assert result.code == 0, result.stderr
    assert (hotel / "rooms.json").is_symlink(), "the link was replaced by a file"
    assert os.readlink(hotel / "rooms.json") == link_text
    rooms = {r["number"]: r for r in json.loads(target.read_text())}
    assert rooms["101"]["status"] == "OCCUPIED"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert os.listdir(store) == ["rooms-real.json"], "temp or backup files left next to the target"
    assert set(os.listdir(hotel)) == EXPECTED_NAMES


# --------------------------------------------------------------------------- the audit


def audit(data: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (data / "audit.jsonl").read_text().splitlines()]


def test_audit_line_has_time_user_command_and_field_changes(hotel: Path) -> None:
    before = len(audit(hotel))
    args = ("checkin", "101", "--data-dir", str(hotel), "--today", TODAY)
    assert run_cli(*args).code == 0
    entries = audit(hotel)
    assert len(entries) == before + 1
    entry = entries[-1]
    at = datetime.fromisoformat(entry["at"].replace("Z", "+00:00"))
    assert at.utcoffset() == timedelta(0), "audit time is not UTC"
    assert abs(datetime.now(UTC) - at) < timedelta(minutes=5), "audit time is not the wall clock"
    assert entry["user"] == getpass.getuser()
    assert entry["command"] == ["roomsync", *args]
    changes = entry["changes"]
    assert {"room": "101", "field": "status", "old": "RESERVED", "new": "OCCUPIED"}.items() <= next(
        c for c in changes if c.get("room") == "101" and c.get("field") == "status").items()
    assert {"booking": "B-000006", "field": "status", "old": "Reserved", "new": "CheckedIn"}.items() <= next(
        c for c in changes if c.get("booking") == "B-000006" and c.get("field") == "status").items()
    # Only what changed is listed.
    assert {c.get("room") or c.get("booking") for c in changes} == {"101", "B-000006"}


def test_audit_line_of_reconcile_fix_gives_the_reason_of_each_fix(tmp_path: Path) -> None:
    rooms = [{"number": "102", "status": "OCCUPIED"}, {"number": "203", "status": "RESERVED"},
             {"number": "301", "status": "CLEAN"}]
    data = write_hotel(tmp_path / "data", rooms, [])
    result = run_cli("reconcile", "--fix", "--data-dir", str(data), "--today", TODAY)
    assert result.code == 0, result.stdout + result.stderr
    [entry] = audit(data)
    assert entry["changes"] == [
        {"room": "102", "field": "status", "old": "OCCUPIED", "new": "AVAILABLE",
         "reason": "No checked-in guest found"},
        {"room": "203", "field": "status", "old": "RESERVED", "new": "AVAILABLE",
         "reason": "No active reservations found"},
    ]


def test_refusals_and_read_only_commands_append_no_audit_line_and_change_no_byte(hotel: Path) -> None:
    before = snapshot(hotel)
    for args in [("checkin", "301"), ("checkin", "999"), ("cancel", "B-000001"), ("rooms",), ("bookings",),
                 ("validate",), ("reconcile",), ("show", "101"), ("history",)]:
        result = run_cli(*args, "--data-dir", str(hotel), "--today", TODAY)
        assert result.code in (0, 1), (args, result.stderr)
        assert snapshot(hotel) == before, f"{args} changed the data directory"


def test_booking_ids_are_never_reissued_after_delete(hotel: Path) -> None:
    def book(guest: str) -> str:
        result = run_cli("book", "102", "--guest", guest, "--arrival", "2026-12-10", "--nights", "1",
                         "--data-dir", str(hotel), "--today", TODAY, "--json")
        assert result.code == 0, result.stderr
        return result.json()["booking"]["id"]

    def delete(booking_id: str) -> None:
        assert run_cli("delete", booking_id, "--data-dir", str(hotel), "--today", TODAY).code == 0

    first = book("Guest One")
    assert first == "B-000013"  # the sample holds B-000001 .. B-000012
    delete(first)
    second = book("Guest Two")
    assert second == "B-000014", "a deleted booking's id was issued again"
    delete(second)
    delete("B-000012")  # the highest sample id too
    # Read-only commands and refusals in between do not lose the mark.
    run_cli("validate", "--data-dir", str(hotel), "--today", TODAY)
    run_cli("checkin", "301", "--data-dir", str(hotel), "--today", TODAY)
    assert book("Guest Three") == "B-000015"
    # The mark is in the audit, not in bookings.json: a hand edit removing bookings keeps it.
    bookings = json.loads((hotel / "bookings.json").read_text())
    (hotel / "bookings.json").write_text(json.dumps([b for b in bookings if b["id"] != "B-000015"], indent=2) + "\n")
    assert book("Guest Four") == "B-000016"
    assert audit(hotel)[-1]["booking_id_mark"] >= 16


def test_history_lists_newest_first(hotel: Path) -> None:
    assert run_cli("checkin", "101", "--data-dir", str(hotel), "--today", TODAY).code == 0
    assert run_cli("checkout", "301", "--data-dir", str(hotel), "--today", TODAY).code == 0
    result = run_cli("history", "--data-dir", str(hotel), "--today", TODAY, "--json")
    assert result.code == 0, result.stderr
    commands = [entry["command"][1] for entry in result.json()]
    assert commands == ["checkout", "checkin", "init"]
    human = run_cli("history", "--data-dir", str(hotel), "--today", TODAY)
    lines = [line for line in human.stdout.splitlines() if not line.startswith(" ")]
    assert "checkout" in lines[0] and "checkin" in lines[1] and "init" in lines[2]
    assert "room 101 status: RESERVED → OCCUPIED" in human.stdout


# --------------------------------------------------------------------------- nothing left behind


def test_data_dir_holds_only_the_two_files_audit_and_lock_after_commands(tmp_path: Path) -> None:
    data = tmp_path / "data"
    base = ("--data-dir", str(data), "--today", TODAY)
    commands = [
        ("init", "--sample"),
        ("book", "102", "--guest", "Grace Hopper", "--arrival", TODAY, "--nights", "2"),
        ("checkin", "102"),
        ("checkin", "101"),
        ("checkout", "301"),
        ("cancel", "B-000008"),
        ("noshow", "B-000007"),
        ("delete", "B-000012"),
        ("housekeeping", "301", "CLEAN"),
        ("reconcile", "--fix"),
        ("validate",),
        ("rooms",),
        ("history",),
        ("init", "--sample", "--force"),
    ]
    kept: set[str] = set()
    for args in commands:
        result = run_cli(*args, *base)
        assert result.code == 0, (args, result.stdout, result.stderr)
        if "--force" in args:  # the replaced pair is kept beside the new one, as SPEC §3 asks
            kept = {name for name in os.listdir(data) if ".replaced-" in name}
            assert {name.split(".replaced-")[0] for name in kept} == {"rooms.json", "bookings.json"}
        assert set(os.listdir(data)) == EXPECTED_NAMES | kept, (args, sorted(os.listdir(data)))
    # Whatever the user put there stays.
    (data / "notes.txt").write_text("keys are at the desk\n")
    (data / ".editor-backup~").write_text("x")
    assert run_cli("checkin", "101", *base).code == 0
    assert set(os.listdir(data)) == EXPECTED_NAMES | kept | {"notes.txt", ".editor-backup~"}
    assert (data / "notes.txt").read_text() == "keys are at the desk\n"
