"""End-to-end tests of SPEC §7's stay changes: `book --type`, `move`, `amend`, `undo-checkin`,
`reinstate` and `night-audit [--dry-run]`.

Each success test checks both data files, that the rooms were re-derived in the same commit
(exactly one new audit line carrying the booking's and the rooms' changes) and the `--json`
shape of §5/§7. Each refusal test checks the code, exit 1, exactly one JSON error document
with `--json`, one line on stderr, and that no byte of any data file changed.

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
    TODAY, B, R, audit_lines, booking, bookings_file, room, rooms_file, rs, snapshot, write_hotel,
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


def changes_of(entry: dict[str, Any]) -> set[tuple[str, str, str | None, Any]]:
    """(kind, key, field, new) for each change of an audit entry."""
    found = set()
    for change in entry["changes"]:
        kind = "room" if "room" in change and "booking" not in change else "booking"
        found.add((kind, change[kind], change.get("field"), json.dumps(change.get("new"))))
    return found


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
    if as_json.stdout.strip():
        assert json.loads(as_json.stdout)["error"]["code"] == "USAGE"
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


@pytest.mark.parametrize("given", ["SUITE", "suite", "Suite"])
def test_book_type_matches_case_insensitively(hotel: Path, given: str) -> None:
    document, _ = changed(hotel, "book", "--type", given, "--guest", "G", "--arrival", "2026-12-01",
                          "--departure", "2026-12-03")
    # 205 is held from 12-02, so the first free Suite is 301 (its guest leaves 11-29)
    assert document["booking"]["room"] == "301"
    assert room(hotel, "301")["status"] == "OCCUPIED"


def test_book_type_picks_a_maintenance_room_for_a_wholly_future_stay_as_availability_lists_it(hotel: Path) -> None:
    free = json.loads(rs(hotel, "availability", "--type", "Single", "--arrival", "2026-11-28", "--nights", "2",
                         as_json=True).stdout)
    document, entry = changed(hotel, "book", "--type", "Single", "--guest", "G", "--arrival", "2026-11-28",
                              "--nights", "2")
    assert document["booking"]["room"] == free[0]["number"] == "105"
    assert room(hotel, "105")["status"] == "MAINTENANCE"
    assert room_status_changes(entry) == {}


def test_book_type_human_output_names_the_room_chosen(hotel: Path) -> None:
    result = rs(hotel, "book", "--type", "Twin", "--guest", "Tina Twin", "--arrival", TODAY, "--nights", "1")
    assert result.code == 0 and "104" in result.stdout and "Tina Twin" in result.stdout


@pytest.mark.parametrize("args", [
    ("--type", "Single", "--arrival", TODAY, "--nights", "1"),           # 101/204 held, 105 closed today
    ("--type", "Penthouse", "--arrival", "2026-12-01", "--nights", "1"),  # a type no room has
    ("--type", "Suite", "--arrival", "2026-12-02", "--nights", "3"),     # 205 held, 301 and 305 taken below
])
def test_book_type_no_room_available(hotel: Path, args: tuple[str, ...]) -> None:
    if "Suite" in args:
        # take the other two Suites first so that none is left for 12-02..12-05
        for _ in range(2):
            assert rs(hotel, "book", "--type", "Suite", "--guest", "Filler", "--arrival", "2026-12-02",
                      "--nights", "3").code == 0
    refused(hotel, "NO_ROOM_AVAILABLE", "book", "--guest", "G", *args)


def test_book_type_room_without_type_never_matches(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "d", [R("101", "AVAILABLE"), R("102", "AVAILABLE", type="Twin")], [])
    refused(data, "NO_ROOM_AVAILABLE", "book", "--type", "Double", "--guest", "G", "--arrival", TODAY,
            "--nights", "1")
    document, _ = changed(data, "book", "--type", "twin", "--guest", "G", "--arrival", TODAY, "--nights", "1")
    assert document["booking"]["room"] == "102"


@pytest.mark.parametrize("args", [
    ("--type", "Double", "--arrival", "2026-11-26", "--nights", "2"),                  # arrival before today
    ("--type", "Double", "--arrival", "2026-11-28", "--departure", "2026-11-28"),      # no night
    ("--type", "Penthouse", "--arrival", "2026-11-26", "--nights", "2"),               # dates before type
    ("--type", "Single", "--arrival", TODAY, "--departure", "2026-11-26"),             # dates before no room
])
def test_book_type_date_refusals_come_first(hotel: Path, args: tuple[str, ...]) -> None:
    refused(hotel, "INVALID_DATES", "book", "--guest", "G", *args)


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


def test_move_future_reservation_leaves_both_rooms_as_they_were(hotel: Path) -> None:
    document, entry = changed(hotel, "move", "B-000008", "202")
    assert booking(hotel, "B-000008")["room"] == "202"
    assert (room(hotel, "201")["status"], room(hotel, "202")["status"]) == ("AVAILABLE", "AVAILABLE")
    assert document["from_room"]["number"] == "201" and document["room"]["number"] == "202"
    assert room_status_changes(entry) == {}


def test_move_guest_in_house_sets_old_room_dirty_and_new_room_occupied(hotel: Path) -> None:
    before = booking(hotel, "B-000005")
    document, entry = changed(hotel, "move", "B-000005", "305")
    after = booking(hotel, "B-000005")
    assert (after["room"], after["status"], after["arrival"], after["departure"]) == \
        ("305", "CheckedIn", before["arrival"], before["departure"])
    assert room(hotel, "301")["status"] == "DIRTY"
    assert room(hotel, "305")["status"] == "OCCUPIED"
    assert set(document) == {"booking", "room", "from_room"}
    assert document["room"] == room(hotel, "305") and document["from_room"] == room(hotel, "301")
    assert room_status_changes(entry) == {"301": "DIRTY", "305": "OCCUPIED"}
    validate_clean(hotel)


def test_move_guest_in_house_into_dirty_room_with_force(hotel: Path) -> None:
    changed(hotel, "move", "B-000005", "304", "--force")
    assert (room(hotel, "304")["status"], room(hotel, "301")["status"]) == ("OCCUPIED", "DIRTY")


def test_move_guest_in_house_into_stale_occupied_room_works(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "d", [R("101", "OCCUPIED"), R("102", "OCCUPIED")], [
        B("B-1", "101", "2026-11-26", "2026-11-29", "CheckedIn")])
    document, _ = changed(data, "move", "B-1", "102")
    assert document["room"]["status"] == "OCCUPIED" and document["from_room"]["status"] == "DIRTY"
    assert booking(data, "B-1")["room"] == "102"


def test_move_reservation_into_stale_occupied_room_rederives_it(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "d", [R("101", "RESERVED"), R("102", "OCCUPIED")], [
        B("B-1", "101", TODAY, "2026-11-29", "Reserved")])
    changed(data, "move", "B-1", "102")
    assert (room(data, "101")["status"], room(data, "102")["status"]) == ("AVAILABLE", "RESERVED")
    validate_clean(data)


def test_checkin_into_a_room_hand_edited_to_a_stale_occupied_works(hotel: Path) -> None:
    rooms = rooms_file(hotel)
    next(r for r in rooms if r["number"] == "101")["status"] = "OCCUPIED"   # a clerk's stale edit
    (hotel / "rooms.json").write_text(json.dumps(rooms, indent=2) + "\n")
    document, _ = changed(hotel, "checkin", "101")
    assert document["booking"]["id"] == "B-000006" and document["booking"]["status"] == "CheckedIn"
    assert room(hotel, "101")["status"] == "OCCUPIED"
    validate_clean(hotel)


def test_move_guest_into_a_room_hand_edited_to_a_stale_occupied_works(hotel: Path) -> None:
    rooms = rooms_file(hotel)
    next(r for r in rooms if r["number"] == "305")["status"] = "OCCUPIED"   # a clerk's stale edit
    (hotel / "rooms.json").write_text(json.dumps(rooms, indent=2) + "\n")
    changed(hotel, "move", "B-000005", "305")
    assert (room(hotel, "301")["status"], room(hotel, "305")["status"]) == ("DIRTY", "OCCUPIED")
    validate_clean(hotel)


def test_move_reservation_into_a_maintenance_room_for_a_wholly_future_stay(hotel: Path) -> None:
    changed(hotel, "move", "B-000008", "105")
    assert booking(hotel, "B-000008")["room"] == "105"
    assert room(hotel, "105")["status"] == "MAINTENANCE"


def test_move_reservation_into_a_dirty_room_is_allowed_and_keeps_it_dirty(hotel: Path) -> None:
    changed(hotel, "move", "B-000006", "304")
    assert (room(hotel, "304")["status"], room(hotel, "101")["status"]) == ("DIRTY", "AVAILABLE")


def test_move_reservation_arriving_the_day_the_guest_in_the_room_leaves_is_allowed(tmp_path: Path) -> None:
    data = stay_hotel(tmp_path)
    changed(data, "move", "B-3", "102")   # B-2 in 102 leaves 11-28, B-3 arrives 11-28
    assert booking(data, "B-3")["room"] == "102" and room(data, "102")["status"] == "OCCUPIED"
    assert room(data, "104")["status"] == "DIRTY"


def test_move_reservation_after_the_guest_in_the_room_leaves_is_allowed(hotel: Path) -> None:
    # 301 is OCCUPIED now, but its guest leaves 11-29; B-000010 arrives 11-30
    changed(hotel, "move", "B-000010", "301")
    assert booking(hotel, "B-000010")["room"] == "301" and room(hotel, "301")["status"] == "OCCUPIED"


def test_move_guest_in_house_needs_only_the_nights_still_to_come(hotel: Path) -> None:
    # B-000009 arrives in 103 on 11-29, the day Ada leaves: back to back
    changed(hotel, "move", "B-000005", "103")
    assert room(hotel, "103")["status"] == "OCCUPIED"


def test_move_overstaying_guest_needs_only_tonight(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "d", [R("101", "OCCUPIED"), R("102", "AVAILABLE")], [
        B("B-1", "101", "2026-11-20", "2026-11-25", "CheckedIn"),
        B("B-2", "102", "2026-11-28", "2026-11-30", "Reserved"),
    ])
    changed(data, "move", "B-1", "102")
    assert (room(data, "101")["status"], room(data, "102")["status"]) == ("DIRTY", "OCCUPIED")


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


def stay_hotel(tmp_path: Path) -> Path:
    """A hand-made hotel for the refusals that need rooms the sample does not have."""
    return write_hotel(tmp_path / "d", [
        R("101", "OCCUPIED"), R("102", "OCCUPIED"), R("103", "MAINTENANCE"), R("104", "DIRTY"),
        R("105", "RESERVED"), R("106", "OUT_OF_SERVICE"), R("107", "OCCUPIED"),
    ], [
        B("B-1", "101", "2026-11-25", "2026-11-29", "CheckedIn"),
        B("B-2", "102", "2026-11-26", "2026-11-28", "CheckedIn"),
        B("B-3", "104", "2026-11-28", "2026-11-30", "Reserved"),
        B("B-4", "105", TODAY, "2026-11-28", "Reserved"),
        B("B-5", "103", "2026-11-28", "2026-11-29", "Reserved"),
        B("B-6", "101", "2026-11-20", "2026-11-24", "CheckedOut"),
        B("B-7", "107", "2026-11-20", "2026-11-23", "CheckedIn"),     # an overstay
        B("B-8", "105", "2026-11-29", "2026-12-01", "Reserved"),
    ])


@pytest.mark.parametrize("args, code", [
    (("move", "B-999999", "102"), "UNKNOWN_BOOKING"),
    (("move", "B-999999", "999"), "UNKNOWN_BOOKING"),            # booking before room
    (("move", "B-000006", "999"), "UNKNOWN_ROOM"),
    (("move", "B-000001", "999"), "UNKNOWN_ROOM"),               # room before status
    (("move", "B-000001", "102"), "INVALID_TRANSITION"),         # CheckedOut
    (("move", "B-000003", "102"), "INVALID_TRANSITION"),         # Cancelled
    (("move", "B-000004", "102"), "INVALID_TRANSITION"),         # NoShow
    (("move", "B-000006", "101"), "INVALID_TRANSITION"),         # already in 101
    (("move", "B-000005", "301"), "INVALID_TRANSITION"),         # a guest already in 301
    (("move", "B-000001", "101"), "INVALID_TRANSITION"),         # finished and already there
    (("move", "B-000005", "105"), "ROOM_OUT_OF_SERVICE"),        # guest into MAINTENANCE
    (("move", "B-000005", "304"), "ROOM_NOT_READY"),             # guest into DIRTY without --force
    (("move", "B-000005", "201"), "DOUBLE_BOOKING"),             # B-000008 arrives 11-28
    (("move", "B-000005", "101"), "DOUBLE_BOOKING"),             # B-000006 due today
    (("move", "B-000006", "105"), "ROOM_OUT_OF_SERVICE"),        # reservation due today into MAINTENANCE
    (("move", "B-000006", "103"), "DOUBLE_BOOKING"),             # B-000009 from 11-29
    (("move", "B-000006", "301"), "DOUBLE_BOOKING"),             # reservation vs guest in house: overlap
    (("move", "B-000008", "101"), "DOUBLE_BOOKING"),
])
def test_move_refusals_on_the_sample(hotel: Path, args: tuple[str, ...], code: str) -> None:
    refused(hotel, code, *args)


@pytest.mark.parametrize("args, code", [
    (("move", "B-1", "102"), "ROOM_OCCUPIED"),                   # a guest is in 102
    (("move", "B-1", "106"), "ROOM_OUT_OF_SERVICE"),             # OUT_OF_SERVICE
    (("move", "B-1", "104"), "ROOM_NOT_READY"),                  # dirty AND overlapping B-3: not ready first
    (("move", "B-1", "104", "--force"), "DOUBLE_BOOKING"),       # then the overlap
    (("move", "B-1", "103"), "ROOM_OUT_OF_SERVICE"),             # MAINTENANCE AND overlapping B-5
    (("move", "B-1", "105"), "DOUBLE_BOOKING"),                  # B-4 due today
    (("move", "B-2", "107"), "ROOM_OCCUPIED"),                   # an overstaying guest is in 107
    (("move", "B-7", "105"), "DOUBLE_BOOKING"),                  # overstay needs tonight: B-4 holds it
    (("move", "B-4", "103"), "ROOM_OUT_OF_SERVICE"),             # reservation due today into MAINTENANCE
    (("move", "B-4", "106"), "ROOM_OUT_OF_SERVICE"),
    (("move", "B-3", "101"), "DOUBLE_BOOKING"),                  # reservation over a guest's stay: not occupied
    (("move", "B-3", "103"), "DOUBLE_BOOKING"),                  # wholly future into MAINTENANCE: overlap only
])
def test_move_refusals_in_order_on_a_hand_made_hotel(tmp_path: Path, args: tuple[str, ...], code: str) -> None:
    refused(stay_hotel(tmp_path), code, *args)


def test_move_of_a_guest_in_house_never_leaves_a_double_booking_behind(tmp_path: Path) -> None:
    """A move is checked over the nights still to come, but the guest then holds the whole
    stay in the new room (§2): a stale late arrival there (never made a no-show) overlaps it.
    Either the move is refused (DOUBLE_BOOKING, nothing written) or validate finds no
    DOUBLE_BOOKING afterwards: an accepted move must not make the nightly reconcile fail."""
    data = write_hotel(tmp_path / "d", [R("101", "OCCUPIED"), R("102", "AVAILABLE")], [
        B("B-1", "101", "2026-11-25", "2026-11-29", "CheckedIn"),
        B("B-2", "102", "2026-11-25", TODAY, "Reserved"),        # late arrival, departs today: LATE_ARRIVAL only
    ])
    assert rs(data, "validate").code == 0
    before = snapshot(data)
    result = rs(data, "move", "B-1", "102", as_json=True)
    if result.code == 1:
        assert json.loads(result.stdout)["error"]["code"] == "DOUBLE_BOOKING"
        assert snapshot(data) == before
        return
    assert result.code == 0
    report = json.loads(rs(data, "validate", as_json=True).stdout)
    assert [p["code"] for p in report["problems"]] == [], report["problems"]


def test_move_guest_into_an_occupied_room_under_maintenance_is_room_occupied_first(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "d", [R("101", "OCCUPIED"), R("102", "MAINTENANCE")], [
        B("B-1", "101", "2026-11-26", "2026-11-29", "CheckedIn"),
        B("B-2", "102", "2026-11-26", "2026-11-29", "CheckedIn"),
    ])
    refused(data, "ROOM_OCCUPIED", "move", "B-1", "102")


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


def test_amend_nights_alone_counts_from_the_current_arrival(hotel: Path) -> None:
    changed(hotel, "amend", "B-000008", "--nights", "1")
    assert (booking(hotel, "B-000008")["arrival"], booking(hotel, "B-000008")["departure"]) == \
        ("2026-11-28", "2026-11-29")


def test_amend_departure_alone_keeps_the_arrival(hotel: Path) -> None:
    changed(hotel, "amend", "B-000011", "--departure", "2026-12-10")
    assert (booking(hotel, "B-000011")["arrival"], booking(hotel, "B-000011")["departure"]) == \
        ("2026-12-04", "2026-12-10")


def test_amend_reservation_no_longer_due_today_frees_the_room_in_the_same_commit(hotel: Path) -> None:
    _, entry = changed(hotel, "amend", "B-000007", "--arrival", "2026-11-28", "--departure", "2026-11-29")
    assert room(hotel, "204")["status"] == "AVAILABLE"
    assert room_status_changes(entry) == {"204": "AVAILABLE"}
    validate_clean(hotel)


def test_amend_reservation_moved_to_today_makes_the_room_reserved(hotel: Path) -> None:
    _, entry = changed(hotel, "amend", "B-000008", "--arrival", TODAY)
    assert room(hotel, "201")["status"] == "RESERVED"
    assert room_status_changes(entry) == {"201": "RESERVED"}
    validate_clean(hotel)


def test_amend_a_booking_never_overlaps_itself(hotel: Path) -> None:
    changed(hotel, "amend", "B-000006", "--departure", "2026-11-29")   # shorter, still in 101
    changed(hotel, "amend", "B-000010", "--arrival", "2026-11-29")     # now back to back with B-000006
    assert booking(hotel, "B-000010")["arrival"] == "2026-11-29"


def test_amend_checked_in_guest_extends_the_stay(hotel: Path) -> None:
    document, _ = changed(hotel, "amend", "B-000005", "--departure", "2026-12-03")
    assert booking(hotel, "B-000005")["departure"] == "2026-12-03"
    assert booking(hotel, "B-000005")["status"] == "CheckedIn"
    assert_booking_op_shape(document, hotel, "B-000005", "301")
    assert room(hotel, "301")["status"] == "OCCUPIED"


def test_amend_checked_in_guest_leaves_early_today_or_extends_an_overstay(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "d", [R("101", "OCCUPIED"), R("102", "OCCUPIED")], [
        B("B-1", "101", "2026-11-25", "2026-11-30", "CheckedIn"),
        B("B-2", "102", "2026-11-20", "2026-11-25", "CheckedIn"),
    ])
    changed(data, "amend", "B-1", "--departure", TODAY)
    assert booking(data, "B-1")["departure"] == TODAY and room(data, "101")["status"] == "OCCUPIED"
    changed(data, "amend", "B-2", "--departure", "2026-11-28")
    assert booking(data, "B-2")["departure"] == "2026-11-28"
    warnings = json.loads(rs(data, "validate", as_json=True).stdout)["warnings"]
    assert [w["code"] for w in warnings] == []  # the overstay is over


def test_amend_guest_name_of_any_booking_history_included(hotel: Path) -> None:
    for booking_id in ("B-000001", "B-000003", "B-000004", "B-000005", "B-000006"):
        before = booking(hotel, booking_id)
        document, entry = changed(hotel, "amend", booking_id, "--guest", f"Corrected {booking_id}")
        after = booking(hotel, booking_id)
        assert after["guest"] == f"Corrected {booking_id}"
        assert (after["arrival"], after["departure"], after["status"]) == \
            (before["arrival"], before["departure"], before["status"])
        assert document["booking"] == after
        assert booking_fields_changed(entry, booking_id)["guest"] == f"Corrected {booking_id}"


def test_amend_finished_booking_with_its_own_dates_restated_is_allowed(hotel: Path) -> None:
    changed(hotel, "amend", "B-000001", "--arrival", "2026-11-17", "--guest", "Grace B. Hopper")
    assert booking(hotel, "B-000001")["guest"] == "Grace B. Hopper"


def test_amend_late_arrival_keeps_its_past_arrival_when_only_departure_changes(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "d", [R("101", "RESERVED")], [B("B-1", "101", "2026-11-26", "2026-11-28", "Reserved")])
    changed(data, "amend", "B-1", "--departure", "2026-11-30")
    assert (booking(data, "B-1")["arrival"], booking(data, "B-1")["departure"]) == ("2026-11-26", "2026-11-30")
    assert room(data, "101")["status"] == "RESERVED"


def test_amend_reservation_in_maintenance_room_wholly_in_the_future_is_allowed(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "d", [R("101", "MAINTENANCE")],
                       [B("B-1", "101", "2026-11-29", "2026-11-30", "Reserved")])
    changed(data, "amend", "B-1", "--arrival", "2026-11-28", "--nights", "3")
    assert booking(data, "B-1")["departure"] == "2026-12-01"


def amend_hotel(tmp_path: Path) -> Path:
    return write_hotel(tmp_path / "d", [R("101", "MAINTENANCE"), R("102", "OCCUPIED"), R("103", "AVAILABLE")], [
        B("B-1", "101", "2026-11-28", "2026-11-30", "Reserved"),
        B("B-2", "101", "2026-11-30", "2026-12-02", "Reserved"),
        B("B-3", "102", "2026-11-25", "2026-11-29", "CheckedIn"),
        B("B-4", "102", "2026-11-29", "2026-12-01", "Reserved"),
        B("B-5", "999", "2026-11-28", "2026-11-30", "Reserved"),
    ])


@pytest.mark.parametrize("args, code", [
    (("amend", "B-999999", "--guest", "X"), "UNKNOWN_BOOKING"),
    (("amend", "B-999999", "--arrival", "2020-01-01"), "UNKNOWN_BOOKING"),
    (("amend", "B-000001", "--departure", "2026-11-21"), "INVALID_TRANSITION"),     # CheckedOut
    (("amend", "B-000003", "--nights", "1"), "INVALID_TRANSITION"),                 # Cancelled
    (("amend", "B-000004", "--arrival", "2026-12-01"), "INVALID_TRANSITION"),       # NoShow
    (("amend", "B-000001", "--departure", "2026-11-10"), "INVALID_TRANSITION"),     # finished before dates
    (("amend", "B-000005", "--arrival", "2026-11-26"), "INVALID_TRANSITION"),       # guest in house: arrival
    (("amend", "B-000005", "--arrival", "2026-11-28", "--departure", "2026-11-20"), "INVALID_TRANSITION"),
    (("amend", "B-000008", "--departure", "2026-11-28"), "INVALID_DATES"),          # no night
    (("amend", "B-000008", "--departure", "2026-11-27"), "INVALID_DATES"),          # departure before arrival
    (("amend", "B-000008", "--arrival", "2026-11-26"), "INVALID_DATES"),            # changed arrival in the past
    (("amend", "B-000005", "--departure", "2026-11-26"), "INVALID_DATES"),          # guest's departure in past
    (("amend", "B-000005", "--departure", "2026-11-25"), "INVALID_DATES"),          # and not after arrival
    (("amend", "B-000010", "--arrival", "2026-11-29"), "DOUBLE_BOOKING"),           # into B-000006
    (("amend", "B-000006", "--departure", "2026-12-01"), "DOUBLE_BOOKING"),         # into B-000010
])
def test_amend_refusals_on_the_sample(hotel: Path, args: tuple[str, ...], code: str) -> None:
    refused(hotel, code, *args)


def test_amend_extending_into_a_back_to_back_booking_is_double_booking(hotel: Path) -> None:
    changed(hotel, "book", "103", "--guest", "Next Guest", "--arrival", "2026-12-02", "--nights", "2")
    refused(hotel, "DOUBLE_BOOKING", "amend", "B-000009", "--departure", "2026-12-03")
    refused(hotel, "DOUBLE_BOOKING", "amend", "B-000013", "--arrival", "2026-12-01")


@pytest.mark.parametrize("args, code", [
    (("amend", "B-1", "--arrival", TODAY), "ROOM_OUT_OF_SERVICE"),                    # MAINTENANCE, now today
    (("amend", "B-1", "--arrival", TODAY, "--nights", "5"), "ROOM_OUT_OF_SERVICE"),   # and overlapping B-2
    (("amend", "B-1", "--arrival", "2026-11-26"), "INVALID_DATES"),                    # dates before service
    (("amend", "B-1", "--departure", "2026-12-01"), "DOUBLE_BOOKING"),                # wholly future: overlap
    (("amend", "B-3", "--departure", "2026-11-30"), "DOUBLE_BOOKING"),                # guest runs into B-4
    (("amend", "B-4", "--arrival", "2026-11-28"), "DOUBLE_BOOKING"),                  # reservation into guest
])
def test_amend_refusals_in_order_on_a_hand_made_hotel(tmp_path: Path, args: tuple[str, ...], code: str) -> None:
    refused(amend_hotel(tmp_path), code, *args)


def test_amend_reservation_of_unknown_room_can_change_dates(tmp_path: Path) -> None:
    data = amend_hotel(tmp_path)
    changed(data, "amend", "B-5", "--nights", "1")
    assert booking(data, "B-5")["departure"] == "2026-11-29"


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


def test_undo_checkin_of_an_earlier_day_leaves_a_due_reservation(hotel: Path) -> None:
    # Ada arrived 11-25 and stays to 11-29: undone, her reservation is due today
    changed(hotel, "undo-checkin", "B-000005")
    assert booking(hotel, "B-000005")["status"] == "Reserved"
    assert room(hotel, "301")["status"] == "RESERVED"
    validate_clean(hotel)


def test_undo_checkin_of_an_overstay_frees_the_room(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "d", [R("101", "OCCUPIED")], [
        B("B-1", "101", "2026-11-20", "2026-11-25", "CheckedIn", checked_in_at="2026-11-20T14:00:00Z")])
    document, _ = changed(data, "undo-checkin", "B-1")
    assert document["booking"]["status"] == "Reserved" and "checked_in_at" not in document["booking"]
    assert room(data, "101")["status"] == "AVAILABLE"


def test_undo_checkin_human_output_names_the_booking(hotel: Path) -> None:
    result = rs(hotel, "undo-checkin", "B-000005")
    assert result.code == 0 and "B-000005" in result.stdout


@pytest.mark.parametrize("booking_id, code", [
    ("B-999999", "UNKNOWN_BOOKING"),
    ("B-000006", "INVALID_TRANSITION"),   # Reserved
    ("B-000001", "INVALID_TRANSITION"),   # CheckedOut
    ("B-000003", "INVALID_TRANSITION"),   # Cancelled
    ("B-000004", "INVALID_TRANSITION"),   # NoShow
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


def test_reinstate_future_no_show_into_maintenance_room_wholly_in_the_future(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "d", [R("101", "MAINTENANCE")],
                       [B("B-1", "101", "2026-11-28", "2026-11-30", "Cancelled")])
    changed(data, "reinstate", "B-1")
    assert booking(data, "B-1")["status"] == "Reserved" and room(data, "101")["status"] == "MAINTENANCE"


def test_reinstated_late_arrival_is_due_then_made_no_show_again_by_night_audit(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "d", [R("101", "AVAILABLE")],
                       [B("B-1", "101", "2026-11-26", "2026-11-29", "NoShow")])
    changed(data, "reinstate", "B-1")
    assert booking(data, "B-1")["status"] == "Reserved" and room(data, "101")["status"] == "RESERVED"
    document, _ = changed(data, "night-audit")
    assert document["no_shows"] == ["B-1"]
    assert booking(data, "B-1")["status"] == "NoShow" and room(data, "101")["status"] == "AVAILABLE"


def test_reinstated_late_arrival_checked_in_is_not_made_no_show(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "d", [R("101", "AVAILABLE")],
                       [B("B-1", "101", "2026-11-26", "2026-11-29", "NoShow")])
    changed(data, "reinstate", "B-1")
    changed(data, "checkin", "101")
    result = rs(data, "night-audit", as_json=True)
    assert result.code == 0 and json.loads(result.stdout)["no_shows"] == []
    assert booking(data, "B-1")["status"] == "CheckedIn"


def reinstate_hotel(tmp_path: Path) -> Path:
    return write_hotel(tmp_path / "d", [R("101", "MAINTENANCE"), R("102", "RESERVED"), R("103", "OCCUPIED")], [
        B("B-1", "101", TODAY, "2026-11-29", "Cancelled"),           # closed room, stay includes today
        B("B-2", "101", "2026-11-26", TODAY, "NoShow"),              # departs today, closed room
        B("B-3", "102", TODAY, "2026-11-29", "Reserved"),
        B("B-4", "102", "2026-11-28", "2026-11-30", "Cancelled"),    # overlaps B-3
        B("B-5", "101", TODAY, "2026-11-29", "NoShow"),              # closed AND overlapping B-6
        B("B-6", "101", "2026-11-28", "2026-11-30", "Reserved"),
        B("B-7", "103", "2026-11-20", "2026-11-22", "Cancelled"),
        B("B-8", "103", "2026-11-25", "2026-11-30", "CheckedIn"),
    ])


@pytest.mark.parametrize("booking_id, code", [
    ("B-999999", "UNKNOWN_BOOKING"),
    ("B-3", "INVALID_TRANSITION"),      # Reserved
    ("B-8", "INVALID_TRANSITION"),      # CheckedIn
    ("B-2", "INVALID_DATES"),           # departs today (and the room is closed: dates first)
    ("B-7", "INVALID_DATES"),           # long gone
    ("B-1", "ROOM_OUT_OF_SERVICE"),
    ("B-5", "ROOM_OUT_OF_SERVICE"),     # closed before the overlap
    ("B-4", "DOUBLE_BOOKING"),
])
def test_reinstate_refusals_in_order(tmp_path: Path, booking_id: str, code: str) -> None:
    refused(reinstate_hotel(tmp_path), code, "reinstate", booking_id)


@pytest.mark.parametrize("booking_id, code", [
    ("B-000001", "INVALID_TRANSITION"),   # CheckedOut
    ("B-000005", "INVALID_TRANSITION"),   # CheckedIn
    ("B-000006", "INVALID_TRANSITION"),   # Reserved
    ("B-000003", "INVALID_DATES"),        # Cancelled, departed 11-26
    ("B-000004", "INVALID_DATES"),        # NoShow, departed 11-24
])
def test_reinstate_refusals_on_the_sample(hotel: Path, booking_id: str, code: str) -> None:
    refused(hotel, code, "reinstate", booking_id)


def test_reinstate_overlapping_a_new_booking_is_double_booking(hotel: Path) -> None:
    changed(hotel, "cancel", "B-000008")
    changed(hotel, "book", "201", "--guest", "Taker", "--arrival", "2026-11-30", "--nights", "1")
    refused(hotel, "DOUBLE_BOOKING", "reinstate", "B-000008")


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


def test_night_audit_reports_overstays_and_never_checks_them_out(hotel: Path) -> None:
    document, _ = changed(hotel, "night-audit", today="2026-12-01")
    assert document["overstays"] == ["B-000005"]
    assert booking(hotel, "B-000005")["status"] == "CheckedIn"
    assert room(hotel, "301")["status"] == "OCCUPIED"
    assert [w["code"] for w in document["reconcile"]["warnings"]] == ["OVERSTAY"]
    assert document["no_shows"] == ["B-000006", "B-000007", "B-000008", "B-000009", "B-000010"]
    assert document["in_house"] == 1
    # a second run the same day has nothing left to do, still reports the overstay, exits 0
    again = rs(hotel, "night-audit", today="2026-12-01", as_json=True)
    assert again.code == 0
    assert json.loads(again.stdout)["overstays"] == ["B-000005"]
    assert json.loads(again.stdout)["no_shows"] == []


def test_night_audit_counts_departures_due_today(hotel: Path) -> None:
    result = rs(hotel, "night-audit", today="2026-11-29", as_json=True)
    document = json.loads(result.stdout)
    assert result.code == 0
    assert document["departures"] == 1      # Ada, due out 11-29
    assert document["arrivals"] == 1        # B-000009
    assert document["overstays"] == []


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


def test_night_audit_dry_run_with_only_a_status_fix_pending_exits_1(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "d", [R("101", "OCCUPIED")], [])
    before = snapshot(data)
    result = rs(data, "night-audit", "--dry-run", as_json=True)
    assert result.code == 1
    assert json.loads(result.stdout)["reconcile"]["details"][0]["roomNumber"] == "101"
    assert snapshot(data) == before


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


def test_night_audit_dry_run_then_real_run_agree(hotel: Path) -> None:
    dry = json.loads(rs(hotel, "night-audit", "--dry-run", today="2026-11-30", as_json=True).stdout)
    real, _ = changed(hotel, "night-audit", today="2026-11-30")
    assert dry["no_shows"] == real["no_shows"]
    assert dry["reconcile"]["details"] == real["reconcile"]["details"]
    assert (dry["overstays"], dry["arrivals"], dry["departures"], dry["in_house"], dry["occupancy"]) == \
        (real["overstays"], real["arrivals"], real["departures"], real["in_house"], real["occupancy"])
