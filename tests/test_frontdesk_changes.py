"""What the CLI adds to SPEC §7's stay changes (`book --type`, `move`, `amend`,
`undo-checkin`, `reinstate`, `night-audit [--dry-run]`): the `--json` shapes of §5/§7, the
files and the one audit line a success writes, human output, usage errors, exit codes, and
for a few refusals: exit 1, one JSON error document, one line on stderr, no byte changed.

The rules (every refusal and its order, the rooms re-derived, the audit's findings) are
tested on the in-memory fake in tests/operations/.

The `hotel` fixture is `init --sample` dated TODAY = 2026-11-27:

    101 Single RESERVED    B-000001 CheckedOut 11-17..11-20, B-000006 Reserved 11-27..11-30 (due),
                           B-000010 Reserved 11-30..12-02
    102 Double AVAILABLE   103 Double AVAILABLE  B-000009 Reserved 11-29..12-02
    104 Twin   AVAILABLE   B-000003 Cancelled 11-24..11-26
    105 Single MAINTENANCE
    201 Double AVAILABLE   B-000002 CheckedOut 11-22..11-25, B-000008 Reserved 11-28..12-01
    202 Double, 203 Twin AVAILABLE
    204 Single RESERVED    B-000007 Reserved 11-27..11-28 (due)
    205 Suite  AVAILABLE   B-000012 Reserved 12-02..12-06
    301 Suite  OCCUPIED    B-000005 CheckedIn 11-25..11-29 (Ada Lovelace)
    302 Double AVAILABLE   B-000004 NoShow 11-23..11-24
    303 Double AVAILABLE   B-000011 Reserved 12-04..12-07
    304 Twin   DIRTY       305 Suite AVAILABLE
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    TODAY,
    B,
    R,
    audit_lines,
    booking,
    bookings_file,
    room,
    rs,
    snapshot,
    write_hotel,
)

# --------------------------------------------------------------------------- helpers


def changed(data: Path, *args: str, today: str = TODAY) -> tuple[Any, dict[str, Any]]:
    """Run a change with --json: exit 0, one JSON document, nothing on stderr, one new audit line.

    Returns the document and the commit's audit entry.
    """
    before = audit_lines(data)
    result = rs(data, *args, today=today, as_json=True)
    assert result.code == 0, (result.stdout, result.stderr)
    assert result.stderr == ""
    document = json.loads(result.stdout)
    after = audit_lines(data)
    assert after[:len(before)] == before and len(after) == len(before) + 1, "one commit, one audit line"
    return document, json.loads(after[-1])


def room_status_changes(entry: dict[str, Any]) -> dict[str, str]:
    return {c["room"]: c["new"] for c in entry["changes"]
            if "room" in c and "booking" not in c and c.get("field") == "status"}


def booking_fields_changed(entry: dict[str, Any], booking_id: str) -> dict[str, Any]:
    return {c["field"]: c["new"] for c in entry["changes"] if c.get("booking") == booking_id}


def assert_booking_op_shape(document: Any, data: Path, booking_id: str, number: str | None) -> None:
    assert set(document) == {"booking", "room"}
    assert document["booking"] == booking(data, booking_id)
    assert document["room"] == (room(data, number) if number is not None else None)


def refused(data: Path, code: str, *args: str, today: str = TODAY, names: tuple[str, ...] = ()) -> str:
    """The command is refused with `code` (exit 1), with --json and without, writing nothing."""
    before = snapshot(data)
    as_json = rs(data, *args, today=today, as_json=True)
    assert as_json.code == 1, (as_json.stdout, as_json.stderr)
    document = json.loads(as_json.stdout)  # exactly one JSON document
    assert set(document) == {"error"}
    assert set(document["error"]) == {"code", "message"}
    assert document["error"]["code"] == code, document
    message = document["error"]["message"]
    assert isinstance(message, str) and message.strip()
    human = rs(data, *args, today=today)
    assert human.code == 1, (human.stdout, human.stderr)
    assert human.stdout == ""
    lines = human.stderr.strip().splitlines()
    assert len(lines) == 1, human.stderr
    for name in names:
        assert name in lines[0] and name in message, (name, lines[0])
    assert snapshot(data) == before, "a refused command changed a data file"
    return message


def usage_error(data: Path, *args: str) -> None:
    before = snapshot(data)
    result = rs(data, *args)
    assert result.code == 2, (result.stdout, result.stderr)
    as_json = rs(data, *args, as_json=True)
    assert as_json.code == 2
    error = json.loads(as_json.stdout)["error"]  # with --json, always exactly one USAGE document
    assert error["code"] == "USAGE" and error["message"], error
    assert snapshot(data) == before


def validate_clean(data: Path, today: str = TODAY) -> None:
    result = rs(data, "validate", today=today, as_json=True)
    report = json.loads(result.stdout)
    assert result.code == 0 and report["details"] == [] and report["problems"] == [], report


# =========================================================================== book --type

def test_book_type_takes_the_first_free_room_of_that_type_in_file_order(hotel: Path) -> None:
    ids_before = [b["id"] for b in bookings_file(hotel)]
    document, entry = changed(hotel, "book", "--type", "double", "--guest", "Linus Torvalds",
                              "--arrival", TODAY, "--nights", "2")
    new = bookings_file(hotel)[-1]
    assert [b["id"] for b in bookings_file(hotel)[:-1]] == ids_before  # appended
    assert (new["room"], new["guest"], new["arrival"], new["departure"], new["status"]) == \
        ("102", "Linus Torvalds", TODAY, "2026-11-29", "Reserved")
    assert new["id"] == "B-000013"
    assert_booking_op_shape(document, hotel, "B-000013", "102")
    assert room(hotel, "102")["status"] == "RESERVED"  # due today: re-derived in the same commit
    assert room_status_changes(entry) == {"102": "RESERVED"}
    validate_clean(hotel)


def test_book_type_human_output_names_the_room_chosen(hotel: Path) -> None:
    result = rs(hotel, "book", "--type", "Twin", "--guest", "Tina Twin", "--arrival", TODAY, "--nights", "1")
    assert result.code == 0 and "104" in result.stdout and "Tina Twin" in result.stdout


def test_book_type_no_room_available_names_the_type(hotel: Path) -> None:
    refused(hotel, "NO_ROOM_AVAILABLE", "book", "--guest", "G", "--type", "Penthouse", "--arrival", "2026-12-01",
            "--nights", "1", names=("Penthouse",))


def test_book_room_and_type_together_is_a_usage_error(hotel: Path) -> None:
    usage_error(hotel, "book", "102", "--type", "Double", "--guest", "G", "--arrival", TODAY, "--nights", "1")


# =========================================================================== move

def test_move_reservation_names_the_new_room_and_rederives_both_in_one_commit(hotel: Path) -> None:
    before = booking(hotel, "B-000006")
    document, entry = changed(hotel, "move", "B-000006", "102")
    after = booking(hotel, "B-000006")
    assert after["room"] == "102"
    assert {k: v for k, v in after.items() if k not in ("room", "updated_at")} == \
        {k: v for k, v in before.items() if k not in ("room", "updated_at")}  # dates, status unchanged
    assert room(hotel, "101")["status"] == "AVAILABLE"  # B-000010 is not due today
    assert room(hotel, "102")["status"] == "RESERVED"
    assert set(document) == {"booking", "room", "from_room"}
    assert document["booking"] == after
    assert document["room"] == room(hotel, "102")
    assert document["from_room"] == room(hotel, "101")
    assert room_status_changes(entry) == {"101": "AVAILABLE", "102": "RESERVED"}
    assert booking_fields_changed(entry, "B-000006")["room"] == "102"
    validate_clean(hotel)


def test_move_human_output_names_guest_and_room(hotel: Path) -> None:
    result = rs(hotel, "move", "B-000008", "202")
    assert result.code == 0 and "Margaret Hamilton" in result.stdout and "202" in result.stdout


def test_move_of_a_booking_naming_an_unknown_room_prints_null_from_room(tmp_path: Path) -> None:
    # reconcile's UNKNOWN_ROOM problem tells the clerk to `roomsync move` such a booking
    data = write_hotel(tmp_path / "d", [R("101", "AVAILABLE")], [B("B-1", "999", TODAY, "2026-11-29", "Reserved")])
    document, _ = changed(data, "move", "B-1", "101")
    assert set(document) == {"booking", "room", "from_room"}
    assert document["from_room"] is None
    assert room(data, "101")["status"] == "RESERVED"
    validate_clean(data)


def test_move_refusal_messages_name_the_booking_or_room(hotel: Path) -> None:
    refused(hotel, "UNKNOWN_BOOKING", "move", "B-999999", "102", names=("B-999999",))
    refused(hotel, "UNKNOWN_ROOM", "move", "B-000006", "999", names=("999",))
    refused(hotel, "ROOM_NOT_READY", "move", "B-000005", "304", names=("304",))


# =========================================================================== amend

def test_amend_reservation_dates_nights_count_from_the_new_arrival(hotel: Path) -> None:
    document, entry = changed(hotel, "amend", "B-000008", "--arrival", "2026-11-29", "--nights", "3")
    stored = booking(hotel, "B-000008")
    assert (stored["arrival"], stored["departure"], stored["status"], stored["room"]) == \
        ("2026-11-29", "2026-12-02", "Reserved", "201")
    assert_booking_op_shape(document, hotel, "B-000008", "201")
    assert {"arrival", "departure"} <= set(booking_fields_changed(entry, "B-000008"))


def test_amend_checked_in_guest_extends_the_stay(hotel: Path) -> None:
    document, _ = changed(hotel, "amend", "B-000005", "--departure", "2026-12-03")
    assert booking(hotel, "B-000005")["departure"] == "2026-12-03"
    assert booking(hotel, "B-000005")["status"] == "CheckedIn"
    assert_booking_op_shape(document, hotel, "B-000005", "301")
    assert room(hotel, "301")["status"] == "OCCUPIED"


@pytest.mark.parametrize("args, code", [
    (("amend", "B-000005", "--arrival", "2026-11-26"), "INVALID_TRANSITION"),       # guest in house: arrival
])
def test_amend_refusals_on_the_sample(hotel: Path, args: tuple[str, ...], code: str) -> None:
    refused(hotel, code, *args)


@pytest.mark.parametrize("args", [
    ("amend", "B-000008"),                                                       # nothing to amend
    ("amend", "B-000008", "--departure", "2026-11-30", "--nights", "2"),         # both
    ("amend", "B-000008", "--nights", "0"),
    ("amend", "B-000008", "--arrival", "2026-13-01"),
    ("amend", "B-000008", "--guest", ""),
])
def test_amend_bad_or_missing_options_are_usage_errors(hotel: Path, args: tuple[str, ...]) -> None:
    usage_error(hotel, *args)


# =========================================================================== undo-checkin

def test_undo_checkin_makes_the_booking_reserved_and_the_room_reserved_again(hotel: Path) -> None:
    changed(hotel, "checkin", "101")
    assert "checked_in_at" in booking(hotel, "B-000006")
    document, entry = changed(hotel, "undo-checkin", "B-000006")
    stored = booking(hotel, "B-000006")
    assert stored["status"] == "Reserved"
    assert "checked_in_at" not in stored
    assert room(hotel, "101")["status"] == "RESERVED"
    assert_booking_op_shape(document, hotel, "B-000006", "101")
    assert room_status_changes(entry) == {"101": "RESERVED"}
    assert booking_fields_changed(entry, "B-000006")["status"] == "Reserved"
    validate_clean(hotel)


def test_undo_checkin_human_output_names_the_booking(hotel: Path) -> None:
    result = rs(hotel, "undo-checkin", "B-000005")
    assert result.code == 0 and "B-000005" in result.stdout


@pytest.mark.parametrize("booking_id, code", [
    ("B-000006", "INVALID_TRANSITION"),   # Reserved
])
def test_undo_checkin_refusals(hotel: Path, booking_id: str, code: str) -> None:
    refused(hotel, code, "undo-checkin", booking_id, names=(booking_id,))


# =========================================================================== reinstate

def test_reinstate_cancelled_due_reservation_makes_the_room_reserved_again(hotel: Path) -> None:
    changed(hotel, "cancel", "B-000007")
    assert room(hotel, "204")["status"] == "AVAILABLE"
    document, entry = changed(hotel, "reinstate", "B-000007")
    assert booking(hotel, "B-000007")["status"] == "Reserved"
    assert room(hotel, "204")["status"] == "RESERVED"
    assert_booking_op_shape(document, hotel, "B-000007", "204")
    assert room_status_changes(entry) == {"204": "RESERVED"}
    validate_clean(hotel)


@pytest.mark.parametrize("booking_id, code", [
    ("B-000003", "INVALID_DATES"),        # Cancelled, departed 11-26
])
def test_reinstate_refusals_on_the_sample(hotel: Path, booking_id: str, code: str) -> None:
    refused(hotel, code, "reinstate", booking_id)


# =========================================================================== night-audit

AUDIT_KEYS = {"date", "no_shows", "reconcile", "overstays", "arrivals", "departures", "in_house", "occupancy"}
REPORT_KEYS = {"fixed", "applied", "checked", "details", "problems", "warnings"}


def test_night_audit_on_a_clean_day_exits_0_and_changes_nothing(hotel: Path) -> None:
    rooms_before, bookings_before = (hotel / "rooms.json").read_bytes(), (hotel / "bookings.json").read_bytes()
    result = rs(hotel, "night-audit", as_json=True)
    assert result.code == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) == AUDIT_KEYS
    assert set(document["reconcile"]) == REPORT_KEYS
    assert document["date"] == "2026-11-26"
    assert document["no_shows"] == [] and document["overstays"] == []
    assert document["reconcile"]["details"] == [] and document["reconcile"]["problems"] == []
    assert document["reconcile"]["checked"] == 15
    assert (document["arrivals"], document["departures"], document["in_house"]) == (2, 0, 1)
    assert document["occupancy"] == pytest.approx(3 / 14)
    assert (hotel / "rooms.json").read_bytes() == rooms_before
    assert (hotel / "bookings.json").read_bytes() == bookings_before


def test_night_audit_next_day_marks_late_reservations_no_show_and_fixes_rooms_in_one_commit(hotel: Path) -> None:
    document, entry = changed(hotel, "night-audit", today="2026-11-28")
    assert set(document) == AUDIT_KEYS
    assert document["date"] == "2026-11-27"
    assert document["no_shows"] == ["B-000006", "B-000007"]
    assert [booking(hotel, i)["status"] for i in ("B-000006", "B-000007")] == ["NoShow", "NoShow"]
    report = document["reconcile"]
    assert set(report) == REPORT_KEYS
    assert (report["fixed"], report["applied"], report["checked"]) == (3, True, 15)
    assert [(f["roomNumber"], f["from"], f["to"]) for f in report["details"]] == [
        ("101", "RESERVED", "AVAILABLE"), ("201", "AVAILABLE", "RESERVED"), ("204", "RESERVED", "AVAILABLE")]
    assert report["problems"] == [] and report["warnings"] == []
    assert document["overstays"] == []
    assert (document["arrivals"], document["departures"], document["in_house"]) == (1, 0, 1)
    assert document["occupancy"] == pytest.approx(2 / 14)
    assert [room(hotel, n)["status"] for n in ("101", "201", "204")] == ["AVAILABLE", "RESERVED", "AVAILABLE"]
    # the audit line carries the no-shows and the room fixes together
    assert room_status_changes(entry) == {"101": "AVAILABLE", "201": "RESERVED", "204": "AVAILABLE"}
    assert booking_fields_changed(entry, "B-000006")["status"] == "NoShow"
    assert booking_fields_changed(entry, "B-000007")["status"] == "NoShow"
    assert any("night-audit" in part for part in entry["command"])
    validate_clean(hotel, today="2026-11-28")


def test_night_audit_human_output_prints_each_part(hotel: Path) -> None:
    result = rs(hotel, "night-audit", today="2026-12-01")
    assert result.code == 0, result.stderr
    out = result.stdout
    assert "2026-11-30" in out                                         # the day closed
    for booking_id in ("B-000006", "B-000007", "B-000008", "B-000009", "B-000010"):
        assert booking_id in out                                       # no-shows marked
    assert "[SYNC] Fixed" in out                                       # rooms fixed
    overstay_line = next(line for line in out.splitlines() if "B-000005" in line and "OVERSTAY" not in line)
    assert "overstay" in overstay_line.lower()
    assert "%" in out                                                  # occupancy


def test_night_audit_with_a_problem_applies_the_audit_and_exits_1(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "d", [R("101", "MAINTENANCE"), R("102", "RESERVED")], [
        B("B-1", "101", TODAY, "2026-11-29", "Reserved"),     # due in a closed room: a problem
        B("B-2", "102", "2026-11-25", "2026-11-28", "Reserved"),
    ])
    before = audit_lines(data)
    result = rs(data, "night-audit", as_json=True)
    assert result.code == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["no_shows"] == ["B-2"]
    assert [p["code"] for p in document["reconcile"]["problems"]] == ["ROOM_OUT_OF_SERVICE"]
    assert document["reconcile"]["applied"] is True
    assert booking(data, "B-2")["status"] == "NoShow" and room(data, "102")["status"] == "AVAILABLE"
    assert len(audit_lines(data)) == len(before) + 1


def test_night_audit_dry_run_with_late_reservations_exits_1_and_writes_nothing(hotel: Path) -> None:
    before = snapshot(hotel)
    result = rs(hotel, "night-audit", "--dry-run", today="2026-11-28", as_json=True)
    assert result.code == 1
    document = json.loads(result.stdout)
    assert set(document) == AUDIT_KEYS
    assert document["no_shows"] == ["B-000006", "B-000007"]
    report = document["reconcile"]
    assert (report["fixed"], report["applied"]) == (0, False)
    assert [d["roomNumber"] for d in report["details"]] == ["101", "201", "204"]
    assert document["occupancy"] == pytest.approx(2 / 14)  # as it would be after the audit
    assert snapshot(hotel) == before
    human = rs(hotel, "night-audit", "--dry-run", today="2026-11-28")
    assert human.code == 1
    assert "Would" in human.stdout and "[SYNC] Would fix 3 room(s)" in human.stdout
    assert snapshot(hotel) == before


def test_night_audit_dry_run_with_only_a_late_reservation_exits_1(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "d", [R("101", "AVAILABLE")],
                       [B("B-1", "101", "2026-11-20", "2026-11-22", "Reserved")])  # no status would change
    before = snapshot(data)
    result = rs(data, "night-audit", "--dry-run", as_json=True)
    assert result.code == 1
    document = json.loads(result.stdout)
    assert document["no_shows"] == ["B-1"] and document["reconcile"]["details"] == []
    assert snapshot(data) == before


def test_night_audit_dry_run_on_a_clean_day_exits_0_and_writes_nothing(hotel: Path) -> None:
    before = snapshot(hotel)
    result = rs(hotel, "night-audit", "--dry-run", as_json=True)
    assert result.code == 0
    assert json.loads(result.stdout)["no_shows"] == []
    assert snapshot(hotel) == before

