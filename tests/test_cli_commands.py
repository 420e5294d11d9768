"""What the CLI adds to the SPEC §3 commands: argument parsing and usage errors, exit codes,
the `--json` shapes of SPEC §5 (booking operations print `{"booking", "room"}` with the
objects exactly as stored), human output, and the files as written.

The rules (every refusal and its order, the rooms re-derived) are tested on the in-memory
fake in tests/operations/test_ops_desk.py; here a few refusals per command check what the
CLI does with one: exit 1, one JSON error document with `--json`, one line on stderr naming
the room or booking, and no byte of any data file changed.

The `hotel` fixture is `init --sample` dated TODAY = 2026-11-27:

    101 RESERVED   B-000001 CheckedOut (history), B-000006 Reserved due 11-27..11-30,
                   B-000010 Reserved 11-30..12-02
    102 AVAILABLE  (no bookings)          103 AVAILABLE  B-000009 Reserved 11-29..12-02
    104 AVAILABLE  B-000003 Cancelled     105 MAINTENANCE
    201 AVAILABLE  B-000002 CheckedOut, B-000008 Reserved 11-28..12-01
    202, 203 AVAILABLE                    204 RESERVED   B-000007 Reserved due 11-27..11-28
    205 AVAILABLE  B-000012 Reserved 12-02..12-06
    301 OCCUPIED   B-000005 CheckedIn 11-25..11-29 (Ada Lovelace)
    302 AVAILABLE  B-000004 NoShow        303 AVAILABLE  B-000011 Reserved 12-04..12-07
    304 DIRTY                             305 AVAILABLE
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    TODAY,
    R,
    audit_lines,
    booking,
    bookings_file,
    room,
    rooms_file,
    rs,
    snapshot,
    write_hotel,
)

TIMESTAMP_FIELDS = ("created_at", "checked_in_at", "checked_out_at", "updated_at")


# --------------------------------------------------------------------------- helpers

def ok_json(data: Path, *args: str, today: str | None = TODAY) -> Any:
    """Run with --json, assert success, exactly one JSON document on stdout, nothing on stderr."""
    result = rs(data, *args, today=today, as_json=True)
    assert result.code == 0, (result.stdout, result.stderr)
    assert result.stderr == ""
    return json.loads(result.stdout)  # json.loads refuses trailing documents


def refused(data: Path, code: str, *args: str, names: tuple[str, ...] = (), today: str | None = TODAY,
            exit_code: int = 1) -> str:
    """Assert the command is refused with `code`, both with --json and without, writing nothing."""
    before = snapshot(data)
    as_json = rs(data, *args, today=today, as_json=True)
    assert as_json.code == exit_code, (as_json.stdout, as_json.stderr)
    document = json.loads(as_json.stdout)  # exactly one JSON document
    assert set(document) == {"error"}
    assert set(document["error"]) == {"code", "message"}
    assert document["error"]["code"] == code, document
    message = document["error"]["message"]
    assert isinstance(message, str) and message.strip()
    assert len(as_json.stderr.strip().splitlines()) == 1, as_json.stderr

    human = rs(data, *args, today=today)
    assert human.code == exit_code, (human.stdout, human.stderr)
    assert human.stdout == ""
    lines = human.stderr.strip().splitlines()
    assert len(lines) == 1, human.stderr
    for name in names:
        assert name in lines[0], f"{name!r} not named in {lines[0]!r}"
        assert name in message, f"{name!r} not named in {message!r}"
    assert snapshot(data) == before, "a refused command changed a data file"
    return message


def no_temp_files(data: Path) -> None:
    expected = {"rooms.json", "bookings.json", "audit.jsonl", ".roomsync.lock"}
    leftovers = {p.name for p in data.iterdir()} - expected
    assert not leftovers, f"files left behind: {leftovers}"


def is_wall_clock_stamp(value: Any) -> bool:
    """An ISO 8601 UTC timestamp within a day of the real clock (never from --today)."""
    assert isinstance(value, str)
    stamp = datetime.fromisoformat(value)  # Python 3.11 reads the "Z"
    if stamp.tzinfo is None:
        return False
    return abs(stamp - datetime.now(UTC)) < timedelta(days=1)


# --------------------------------------------------------------------------- init

def test_init_creates_empty_pretty_printed_files_and_prints_counts(tmp_path: Path) -> None:
    data = tmp_path / "new" / "hotel"
    document = ok_json(data, "init", today=None)
    assert set(document) == {"data_dir", "rooms", "bookings"}
    assert Path(document["data_dir"]).resolve() == data.resolve()
    assert document["rooms"] == 0 and document["bookings"] == 0
    for name in ("rooms.json", "bookings.json"):
        text = (data / name).read_text(encoding="utf-8")
        assert json.loads(text) == []
        assert text.endswith("\n")
    no_temp_files(data)


def test_init_sample_counts_match_the_files_and_its_day_is_consistent(tmp_path: Path) -> None:
    data = tmp_path / "data"
    document = ok_json(data, "init", "--sample")
    assert document["rooms"] == len(rooms_file(data)) == 15
    assert document["bookings"] == len(bookings_file(data)) == 12
    statuses = {b["status"] for b in bookings_file(data)}
    assert {"CheckedIn", "Reserved", "CheckedOut"} <= statuses  # guest in house, arrivals, history
    assert rs(data, "validate").code == 0
    rooms_text = (data / "rooms.json").read_text(encoding="utf-8")
    assert rooms_text.startswith("[\n  {\n    \"number\"")  # 2-space indent
    no_temp_files(data)


def test_init_human_output_names_the_directory(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = rs(data, "init", "--sample")
    assert result.code == 0
    assert str(data) in result.stdout and "15" in result.stdout


@pytest.mark.parametrize("args", [("init",), ("init", "--sample")])
def test_init_over_an_existing_hotel_is_refused_already_exists(hotel: Path, args: tuple[str, ...]) -> None:
    refused(hotel, "ALREADY_EXISTS", *args, names=(str(hotel),))


def test_init_force_replaces_both_files(hotel: Path) -> None:
    document = ok_json(hotel, "init", "--force")
    assert document["rooms"] == 0 and document["bookings"] == 0
    assert rooms_file(hotel) == [] and bookings_file(hotel) == []
    document = ok_json(hotel, "init", "--force", "--sample")
    assert (document["rooms"], document["bookings"]) == (15, 12)
    assert len(rooms_file(hotel)) == 15 and len(bookings_file(hotel)) == 12
    kept = {p.name for p in hotel.iterdir() if ".replaced-" in p.name}
    assert len(kept) == 4, kept  # each replacement kept the pair it replaced (SPEC §3)
    for name in kept:
        (hotel / name).unlink()
    no_temp_files(hotel)


# --------------------------------------------------------------------------- rooms

def test_rooms_json_is_the_array_of_stored_room_objects(hotel: Path) -> None:
    assert ok_json(hotel, "rooms") == rooms_file(hotel)


def test_rooms_json_keeps_unknown_fields_of_a_hand_edited_file(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "h", [R("101", "AVAILABLE", floor=1, view="sea", minibar={"beer": 2})], [])
    assert ok_json(data, "rooms") == [{"number": "101", "status": "AVAILABLE", "floor": 1, "view": "sea",
                                       "minibar": {"beer": 2}}]


def test_rooms_table_shows_guest_in_house_due_arrival_and_drift_marker(hotel: Path) -> None:
    (hotel / "rooms.json").write_text(
        (hotel / "rooms.json").read_text().replace('"number": "102",\n    "status": "AVAILABLE"',
                                                   '"number": "102",\n    "status": "OCCUPIED"'))
    assert room(hotel, "102")["status"] == "OCCUPIED"
    result = rs(hotel, "rooms")
    assert result.code == 0 and result.stderr == ""
    lines = {line.split()[0]: line for line in result.stdout.splitlines()[1:] if line.strip()}
    assert "OCCUPIED" in lines["102"] and "AVAILABLE" in lines["102"]  # drift marker → AVAILABLE
    assert "Ada Lovelace" in lines["301"]
    assert "Katherine Johnson" in lines["101"] and "Donald Knuth" in lines["204"]
    assert "→" not in lines["101"] and "→" not in lines["301"]


# --------------------------------------------------------------------------- bookings

def test_bookings_json_is_the_array_of_stored_records_in_file_order(hotel: Path) -> None:
    assert ok_json(hotel, "bookings") == bookings_file(hotel)


@pytest.mark.parametrize("options, expected", [
    (("--room", "101"), ["B-000001", "B-000006", "B-000010"]),
    (("--status", "reserved"), ["B-000006", "B-000007", "B-000008", "B-000009", "B-000010", "B-000011",
                                "B-000012"]),
    (("--status", "CHECKEDIN"), ["B-000005"]),
    (("--room", "101", "--status", "Reserved"), ["B-000006", "B-000010"]),
    (("--on", "2026-11-28"), ["B-000005", "B-000006", "B-000008"]),  # B-000007 leaves that morning
])
def test_bookings_filters_by_room_status_case_insensitively_and_night(hotel: Path, options: tuple[str, ...],
                                                                      expected: list[str]) -> None:
    document = ok_json(hotel, "bookings", *options)
    assert [b["id"] for b in document] == expected
    stored = {b["id"]: b for b in bookings_file(hotel)}
    assert all(b == stored[b["id"]] for b in document)


def test_bookings_table_lists_ids_guests_and_statuses(hotel: Path) -> None:
    result = rs(hotel, "bookings", "--room", "301")
    assert result.code == 0
    assert "B-000005" in result.stdout and "Ada Lovelace" in result.stdout and "CheckedIn" in result.stdout
    assert "B-000006" not in result.stdout


def test_bookings_unknown_status_name_is_a_usage_error(hotel: Path) -> None:
    before = snapshot(hotel)
    result = rs(hotel, "bookings", "--status", "Sleeping")
    assert result.code == 2 and result.stdout == ""
    assert snapshot(hotel) == before


# --------------------------------------------------------------------------- show

def test_show_json_has_room_expected_status_and_its_bookings(hotel: Path) -> None:
    document = ok_json(hotel, "show", "101")
    assert set(document) == {"room", "expected_status", "bookings"}
    assert document["room"] == room(hotel, "101")
    assert document["expected_status"] == "RESERVED"
    assert [b["id"] for b in document["bookings"]] == ["B-000001", "B-000006", "B-000010"]
    assert document["bookings"] == [booking(hotel, i) for i in ("B-000001", "B-000006", "B-000010")]


def test_show_reveals_a_stale_occupied_status_as_drift(hotel: Path) -> None:
    text = (hotel / "rooms.json").read_text()
    (hotel / "rooms.json").write_text(text.replace('"number": "102",\n    "status": "AVAILABLE"',
                                                   '"number": "102",\n    "status": "OCCUPIED"'))
    document = ok_json(hotel, "show", "102")
    assert document["room"]["status"] == "OCCUPIED"
    assert document["expected_status"] == "AVAILABLE"
    assert document["bookings"] == []
    human = rs(hotel, "show", "102")
    assert human.code == 0 and "102" in human.stdout and "AVAILABLE" in human.stdout


def test_show_unknown_room_is_refused(hotel: Path) -> None:
    refused(hotel, "UNKNOWN_ROOM", "show", "999", names=("999",))


def test_bookings_of_an_unknown_room_is_refused_not_an_empty_list(hotel: Path) -> None:
    refused(hotel, "UNKNOWN_ROOM", "bookings", "--room", "999", names=("999",))


# --------------------------------------------------------------------------- book

def test_book_due_today_with_nights_appends_reserved_booking_and_room_becomes_reserved(hotel: Path) -> None:
    before_ids = [b["id"] for b in bookings_file(hotel)]
    audit_before = audit_lines(hotel)
    document = ok_json(hotel, "book", "102", "--guest", "Linus Torvalds", "--arrival", TODAY, "--nights", "2")
    assert set(document) == {"booking", "room"}
    stored = bookings_file(hotel)
    assert [b["id"] for b in stored[:-1]] == before_ids  # appended at the end
    new = stored[-1]
    assert document["booking"] == new
    assert document["room"] == room(hotel, "102")
    assert new["id"] == "B-000013" and new["id"] not in before_ids
    assert (new["room"], new["guest"], new["arrival"], new["departure"], new["status"]) == \
           ("102", "Linus Torvalds", "2026-11-27", "2026-11-29", "Reserved")
    assert room(hotel, "102")["status"] == "RESERVED"
    assert len(audit_lines(hotel)) == len(audit_before) + 1
    assert rs(hotel, "validate").code == 0
    no_temp_files(hotel)


def test_book_future_stay_with_departure_keeps_room_available(hotel: Path) -> None:
    document = ok_json(hotel, "book", "305", "--guest", "Guido", "--arrival", "2026-12-10",
                       "--departure", "2026-12-12")
    assert document["booking"]["departure"] == "2026-12-12" and document["booking"]["status"] == "Reserved"
    assert document["room"] == room(hotel, "305") and document["room"]["status"] == "AVAILABLE"
    assert document["booking"] == booking(hotel, document["booking"]["id"])


def test_book_human_output_names_booking_and_room(hotel: Path) -> None:
    result = rs(hotel, "book", "102", "--guest", "Linus", "--arrival", TODAY, "--nights", "1")
    assert result.code == 0 and result.stderr == ""
    assert "B-000013" in result.stdout and "102" in result.stdout and "RESERVED" in result.stdout


def test_book_stamps_created_at_from_the_wall_clock_not_from_today(hotel: Path) -> None:
    document = ok_json(hotel, "book", "102", "--guest", "Future", "--arrival", "2031-06-01", "--nights", "1",
                       today="2031-06-01")
    assert is_wall_clock_stamp(document["booking"]["created_at"])


@pytest.mark.parametrize("args, code, names", [
    (("book", "999", "--guest", "X", "--arrival", TODAY, "--nights", "1"), "UNKNOWN_ROOM", ("999",)),
    (("book", "101", "--guest", "X", "--arrival", "2026-11-28", "--nights", "1"), "DOUBLE_BOOKING",
     ("101", "B-000006")),
], ids=["unknown_room", "overlaps_due_reservation"])
def test_book_refusals_in_order(hotel: Path, args: tuple[str, ...], code: str, names: tuple[str, ...]) -> None:
    refused(hotel, code, *args, names=names)


@pytest.mark.parametrize("args", [
    ("book", "102", "--guest", "X", "--arrival", "2026-12-01", "--nights", "0"),
    ("book", "102", "--guest", "X", "--arrival", "2026-12-01", "--nights", "-2"),
    ("book", "102", "--guest", "X", "--arrival", "2026-12-01", "--nights", "two"),
    ("book", "102", "--guest", "X", "--arrival", "2026-12-32", "--nights", "1"),
    ("book", "102", "--guest", "X", "--arrival", "01/12/2026", "--nights", "1"),
    ("book", "102", "--guest", "X", "--arrival", "2026-12-01", "--departure", "tomorrow"),
    ("book", "102", "--guest", "X", "--arrival", "2026-12-01", "--departure", "2026-12-03", "--nights", "2"),
], ids=[
    "nights_zero", "nights_negative", "nights_not_a_number", "arrival_day_32", "arrival_not_iso",
    "departure_not_a_date", "departure_and_nights_both",
])
def test_book_unparseable_values_are_usage_errors_exit_2(hotel: Path, args: tuple[str, ...]) -> None:
    before = snapshot(hotel)
    result = rs(hotel, *args)
    assert result.code == 2, (result.stdout, result.stderr)
    assert result.stderr.strip()
    assert snapshot(hotel) == before


# --------------------------------------------------------------------------- checkin

def test_checkin_due_reservation_marks_it_checked_in_and_room_occupied(hotel: Path) -> None:
    audit_before = audit_lines(hotel)
    document = ok_json(hotel, "checkin", "101")
    assert set(document) == {"booking", "room"}
    assert document["booking"] == booking(hotel, "B-000006")
    assert document["room"] == room(hotel, "101")
    assert booking(hotel, "B-000006")["status"] == "CheckedIn"
    assert is_wall_clock_stamp(booking(hotel, "B-000006")["checked_in_at"])
    assert room(hotel, "101")["status"] == "OCCUPIED"
    assert booking(hotel, "B-000010")["status"] == "Reserved"
    assert len(audit_lines(hotel)) == len(audit_before) + 1
    assert rs(hotel, "validate").code == 0
    no_temp_files(hotel)


def test_checkin_human_output_names_guest_and_booking(hotel: Path) -> None:
    result = rs(hotel, "checkin", "204")
    assert result.code == 0 and result.stderr == ""
    assert "Donald Knuth" in result.stdout and "B-000007" in result.stdout and "OCCUPIED" in result.stdout


def test_checkin_force_checks_in_to_a_dirty_room(hotel: Path) -> None:
    ok_json(hotel, "book", "304", "--guest", "Dusty", "--arrival", TODAY, "--nights", "1")
    refused(hotel, "ROOM_NOT_READY", "checkin", "304", names=("304",))
    document = ok_json(hotel, "checkin", "304", "--force")
    assert document["booking"]["status"] == "CheckedIn"
    assert room(hotel, "304")["status"] == "OCCUPIED"


@pytest.mark.parametrize("args, code, names", [
    (("checkin", "301"), "ROOM_OCCUPIED", ("301",)),  # occupied AND nothing due: occupied wins
    (("checkin", "101", "--booking", "B-999999"), "NO_DUE_RESERVATION", ("B-999999",)),
], ids=["occupied_before_no_due_reservation", "booking_unknown"])
def test_checkin_refusals_in_order(hotel: Path, args: tuple[str, ...], code: str, names: tuple[str, ...]) -> None:
    refused(hotel, code, *args, names=names)


# --------------------------------------------------------------------------- checkin --walk-in

def test_walk_in_creates_and_checks_in_a_booking_in_one_commit(hotel: Path) -> None:
    audit_before = audit_lines(hotel)
    document = ok_json(hotel, "checkin", "102", "--walk-in", "--guest", "Walk In", "--nights", "2")
    assert set(document) == {"booking", "room"}
    new = bookings_file(hotel)[-1]
    assert document["booking"] == new
    assert document["room"] == room(hotel, "102")
    assert (new["room"], new["guest"], new["arrival"], new["departure"], new["status"]) == \
           ("102", "Walk In", "2026-11-27", "2026-11-29", "CheckedIn")
    assert new["id"] == "B-000013"
    assert is_wall_clock_stamp(new["checked_in_at"])
    assert room(hotel, "102")["status"] == "OCCUPIED"
    assert len(audit_lines(hotel)) == len(audit_before) + 1
    assert rs(hotel, "validate").code == 0


def test_walk_in_force_into_a_dirty_room(hotel: Path) -> None:
    document = ok_json(hotel, "checkin", "304", "--walk-in", "--guest", "Brave", "--nights", "1", "--force")
    assert document["room"]["status"] == "OCCUPIED"


@pytest.mark.parametrize("args, code, names", [
    (("checkin", "201", "--walk-in", "--guest", "W", "--nights", "2"), "DOUBLE_BOOKING", ("201", "B-000008")),
], ids=["overlaps_tomorrows_arrival"])
def test_walk_in_refusals(hotel: Path, args: tuple[str, ...], code: str, names: tuple[str, ...]) -> None:
    refused(hotel, code, *args, names=names)


@pytest.mark.parametrize("args", [
    ("checkin", "102", "--walk-in", "--guest", "W", "--nights", "0"),
    ("checkin", "102", "--walk-in", "--guest", "W"),
    ("checkin", "102", "--walk-in", "--nights", "1"),
    ("checkin", "102", "--walk-in", "--guest", "", "--nights", "1"),
], ids=[
    "nights_zero", "nights_missing", "guest_missing", "guest_empty",
])
def test_walk_in_bad_or_missing_values_are_usage_errors_exit_2(hotel: Path, args: tuple[str, ...]) -> None:
    before = snapshot(hotel)
    result = rs(hotel, *args)
    assert result.code == 2, (result.stdout, result.stderr)
    assert result.stderr.strip()
    assert snapshot(hotel) == before


# --------------------------------------------------------------------------- checkout

def test_checkout_marks_booking_checked_out_and_room_dirty(hotel: Path) -> None:
    document = ok_json(hotel, "checkout", "301")
    assert set(document) == {"booking", "room"}
    assert document["booking"] == booking(hotel, "B-000005")
    assert document["room"] == room(hotel, "301")
    assert booking(hotel, "B-000005")["status"] == "CheckedOut"
    assert is_wall_clock_stamp(booking(hotel, "B-000005")["checked_out_at"])
    assert room(hotel, "301")["status"] == "DIRTY"
    assert rs(hotel, "validate").code == 0
    no_temp_files(hotel)


def test_checkout_human_output_names_guest(hotel: Path) -> None:
    result = rs(hotel, "checkout", "301")
    assert result.code == 0 and "Ada Lovelace" in result.stdout and "DIRTY" in result.stdout


@pytest.mark.parametrize("args, code, names", [
    (("checkout", "102"), "NOT_CHECKED_IN", ("102",)),
    (("checkout", "301", "--booking", "B-000006"), "NOT_CHECKED_IN", ("B-000006",)),
], ids=["no_guest", "booking_not_checked_in"])
def test_checkout_refusals_in_order(hotel: Path, args: tuple[str, ...], code: str, names: tuple[str, ...]) -> None:
    refused(hotel, code, *args, names=names)


# --------------------------------------------------------------------------- cancel / noshow / delete

def test_cancel_due_reservation_frees_the_room(hotel: Path) -> None:
    document = ok_json(hotel, "cancel", "B-000006")
    assert set(document) == {"booking", "room"}
    assert document["booking"] == booking(hotel, "B-000006")
    assert document["booking"]["status"] == "Cancelled"
    assert document["room"] == room(hotel, "101") and document["room"]["status"] == "AVAILABLE"
    assert rs(hotel, "validate").code == 0


def test_cancel_human_output_names_booking(hotel: Path) -> None:
    result = rs(hotel, "cancel", "B-000007")
    assert result.code == 0 and "B-000007" in result.stdout


@pytest.mark.parametrize("booking_id, code", [
    ("B-999999", "UNKNOWN_BOOKING"),
    ("B-000005", "INVALID_TRANSITION"),  # CheckedIn
], ids=["unknown", "checked_in"])
def test_cancel_refusals(hotel: Path, booking_id: str, code: str) -> None:
    refused(hotel, code, "cancel", booking_id, names=(booking_id,))


def test_noshow_due_reservation_frees_the_room(hotel: Path) -> None:
    document = ok_json(hotel, "noshow", "B-000007")
    assert set(document) == {"booking", "room"}
    assert document["booking"] == booking(hotel, "B-000007") and document["booking"]["status"] == "NoShow"
    assert document["room"] == room(hotel, "204") and document["room"]["status"] == "AVAILABLE"


@pytest.mark.parametrize("booking_id, code", [
    ("B-000008", "INVALID_TRANSITION"),  # arrives tomorrow: cannot be a no-show yet
], ids=["arrival_after_today"])
def test_noshow_refusals(hotel: Path, booking_id: str, code: str) -> None:
    refused(hotel, code, "noshow", booking_id, names=(booking_id,))


def test_delete_removes_booking_prints_it_and_rederives_room(hotel: Path) -> None:
    removed = booking(hotel, "B-000007")
    document = ok_json(hotel, "delete", "B-000007")
    assert set(document) == {"booking", "room"}
    assert document["booking"] == removed
    assert "B-000007" not in {b["id"] for b in bookings_file(hotel)}
    assert len(bookings_file(hotel)) == 11
    assert document["room"] == room(hotel, "204") and document["room"]["status"] == "AVAILABLE"
    assert rs(hotel, "validate").code == 0


@pytest.mark.parametrize("booking_id, code", [
    ("B-000005", "INVALID_TRANSITION"),  # checked in: check out first
], ids=["checked_in"])
def test_delete_refusals(hotel: Path, booking_id: str, code: str) -> None:
    refused(hotel, code, "delete", booking_id, names=(booking_id,))


# --------------------------------------------------------------------------- housekeeping

@pytest.mark.parametrize("number, given, stored", [
    ("304", "clean", "CLEAN"),
    ("102", "out_of_service", "OUT_OF_SERVICE"),
    ("105", "Available", "AVAILABLE"),
])
def test_housekeeping_sets_status_case_insensitively(hotel: Path, number: str, given: str, stored: str) -> None:
    document = ok_json(hotel, "housekeeping", number, given)
    assert document == {"room": room(hotel, number)}
    assert room(hotel, number)["status"] == stored
    assert rs(hotel, "validate").code == 0


def test_housekeeping_clean_with_due_reservation_shows_reserved(hotel: Path) -> None:
    ok_json(hotel, "book", "304", "--guest", "D", "--arrival", TODAY, "--nights", "1")
    assert room(hotel, "304")["status"] == "DIRTY"
    document = ok_json(hotel, "housekeeping", "304", "CLEAN")
    assert document["room"]["status"] == "RESERVED"
    assert room(hotel, "304")["status"] == "RESERVED"
    human = rs(hotel, "housekeeping", "304", "DIRTY")
    assert human.code == 0 and "304" in human.stdout


@pytest.mark.parametrize("args, code, names", [
    (("housekeeping", "102", "reserved"), "DERIVED_STATUS", ("102",)),
    (("housekeeping", "204", "out_of_service"), "ROOM_RESERVED", ("204",)),
], ids=["reserved_is_derived_case_insensitive", "out_of_service_with_due_reservation"])
def test_housekeeping_refusals_in_order(hotel: Path, args: tuple[str, ...], code: str,
                                        names: tuple[str, ...]) -> None:
    refused(hotel, code, *args, names=names)


def test_housekeeping_unknown_status_name_is_a_usage_error(hotel: Path) -> None:
    before = snapshot(hotel)
    result = rs(hotel, "housekeeping", "102", "sparkling")
    assert result.code == 2 and result.stdout == "" and result.stderr.strip()
    assert snapshot(hotel) == before


# --------------------------------------------------------------------------- history

def test_history_lists_commits_newest_first_and_filters_by_room_or_booking(hotel: Path) -> None:
    ok_json(hotel, "checkin", "101")
    ok_json(hotel, "housekeeping", "102", "DIRTY")
    entries = ok_json(hotel, "history")
    assert len(entries) == len(audit_lines(hotel)) == 3
    assert "housekeeping" in entries[0]["command"] and "checkin" in entries[1]["command"]
    assert "init" in entries[2]["command"]
    for_room = ok_json(hotel, "history", "101")
    assert "checkin" in for_room[0]["command"]
    assert all("housekeeping" not in e["command"] for e in for_room)
    for_booking = ok_json(hotel, "history", "B-000006")
    assert any("checkin" in e["command"] for e in for_booking)
    assert all("housekeeping" not in e["command"] for e in for_booking)
    human = rs(hotel, "history", "102")
    assert human.code == 0 and "housekeeping" in human.stdout


def test_refusals_and_read_only_commands_append_no_audit_line(hotel: Path) -> None:
    before = audit_lines(hotel)
    for args in (("rooms",), ("bookings",), ("show", "101"), ("validate",), ("reconcile",), ("history",),
                 ("checkin", "301"), ("cancel", "B-000005")):
        rs(hotel, *args)
    assert audit_lines(hotel) == before


# --------------------------------------------------------------------------- seed scenario 3

def test_checkin_racing_manual_status_changes_ends_checked_in_occupied_and_consistent(hotel: Path) -> None:
    """Seed scenario 3: concurrent processes; no lost update, booking and room change together."""
    base = ["--data-dir", str(hotel), "--today", TODAY, "--json", "--lock-timeout", "30"]
    commands = [
        ["checkin", "101", "--force"],
        ["housekeeping", "101", "DIRTY"],
        ["housekeeping", "101", "clean"],
        ["housekeeping", "101", "AVAILABLE"],
        ["checkin", "204"],
        ["housekeeping", "102", "DIRTY"],
        ["housekeeping", "304", "CLEAN"],
        ["housekeeping", "102", "CLEAN"],
        ["housekeeping", "101", "DIRTY"],
    ]
    processes = [subprocess.Popen([sys.executable, "-m", "roomsync", *cmd, *base], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for cmd in commands]
    outcomes = []
    for cmd, process in zip(commands, processes, strict=True):
        out, err = process.communicate(timeout=60)
        assert "Traceback" not in err, err
        outcomes.append((cmd, process.returncode, json.loads(out)))
    for cmd, code, document in outcomes:
        if cmd[0] == "checkin":
            assert code == 0, (cmd, document)
        elif cmd[1] == "101":
            # before the check-in it succeeds; after it, the guest is in the room
            assert code == 0 or (code == 1 and document["error"]["code"] == "ROOM_OCCUPIED"), (cmd, document)
        else:
            assert code == 0, (cmd, document)
    assert booking(hotel, "B-000006")["status"] == "CheckedIn"
    assert booking(hotel, "B-000007")["status"] == "CheckedIn"
    assert room(hotel, "101")["status"] == "OCCUPIED"
    assert room(hotel, "204")["status"] == "OCCUPIED"
    assert room(hotel, "304")["status"] == "CLEAN"
    assert room(hotel, "102")["status"] in {"DIRTY", "CLEAN"}
    # no more than one audit line per successful command, and one for each check-in
    successes = sum(1 for _, code, _ in outcomes if code == 0)
    assert 1 + 2 <= len(audit_lines(hotel)) <= 1 + successes
    report = rs(hotel, "validate", as_json=True)
    assert report.code == 0, report.stdout
    document = json.loads(report.stdout)
    assert document["details"] == [] and document["problems"] == []
    no_temp_files(hotel)


def test_bare_integer_room_numbers_in_hand_edited_files_are_read_and_written_as_strings(tmp_path: Path) -> None:
    data = tmp_path / "h"
    data.mkdir()
    (data / "rooms.json").write_text('[{"number": 102, "status": "AVAILABLE"}]\n')
    (data / "bookings.json").write_text(json.dumps([
        {"id": "B-000001", "room": 102, "guest": "Int", "arrival": TODAY, "departure": "2026-11-28",
         "status": "Reserved"}]) + "\n")
    document = ok_json(data, "checkin", "102")
    assert document["booking"]["room"] == "102" and document["room"]["number"] == "102"
    assert rooms_file(data) == [{"number": "102", "status": "OCCUPIED"}]
    assert booking(data, "B-000001")["room"] == "102"
