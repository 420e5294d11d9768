"""The SPEC §3 desk operations on the sample hotel (tests/operations/hotel.py), called on the
in-memory fake: each success re-derives its rooms in the booking's own commit, and each
refusal comes in the listed order, names the room or booking, and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from roomsync.domain.model import BookingStatus, RoomStatus
from roomsync.operations import front_desk as desk

from .hotel import (
    ADA,
    BARBARA,
    DONALD,
    EDSGER,
    FRANCES,
    GRACE,
    KATHERINE,
    MARGARET,
    NOW,
    RADIA,
    ROOM_NUMBERS,
    booking_changes,
    booking_record,
    change,
    clock,
    d,
    hand_made,
    reasons,
    refuse,
    room_status_changes,
    rooms,
    sample,
    status,
    stay,
)

RS, BS = RoomStatus, BookingStatus

# --------------------------------------------------------------------------- init


@pytest.mark.parametrize("with_sample", [False, True])
def test_init_over_a_hotel_is_already_exists(with_sample: bool) -> None:
    refuse(sample(), "ALREADY_EXISTS", desk.init, sample=with_sample, force=False, names=("memory",))


def test_init_force_replaces_the_hotel_keeps_the_trail_and_never_reissues_an_id() -> None:
    uow = sample()
    change(uow, desk.book, "102", "Before Force", d(1), nights=1)
    counts, entry = change(uow, desk.init, sample=False, force=True)
    assert counts == (0, 0) and uow.rooms.all() == [] and uow.bookings.all() == []
    assert entry["changes"][0]["old"] == {"rooms": 15, "bookings": 13}
    counts, _ = change(uow, desk.init, sample=True, force=True)
    assert counts == (15, 12)
    assert [r.number for r in uow.rooms.all()] == ROOM_NUMBERS
    assert [b.id for b in uow.bookings.all()] == [f"B-{n:06d}" for n in range(14, 26)], "an id was reissued"
    assert [e["command"][1] for e in uow.history()] == ["init", "book", "init", "init"]


# --------------------------------------------------------------------------- book


def test_book_due_today_adds_a_stamped_reservation_and_reserves_the_room_in_one_commit() -> None:
    uow = sample()
    made, entry = change(uow, desk.book, "102", "Jean Sammet", d(0), nights=2)
    record = uow.bookings.stored(made.booking)
    assert record["id"] == "B-000013" and uow.bookings.stored(uow.bookings.all()[-1]) == record  # appended
    assert (record["room"], record["guest"], record["arrival"], record["departure"], record["status"]) == (
        "102", "Jean Sammet", d(0).isoformat(), d(2).isoformat(), "Reserved")
    assert record["created_at"] == record["updated_at"] == NOW
    assert status(uow, "102") is RS.RESERVED
    assert room_status_changes(entry) == {"102": "RESERVED"}
    assert booking_changes(entry, "B-000013")[None] == record


@pytest.mark.parametrize(("number", "arrive", "nights", "after"), [
    ("202", 3, 2, RS.AVAILABLE),       # wholly in the future
    ("204", 1, 1, RS.RESERVED),        # arrives the day DONALD leaves: back to back, DONALD still due
    ("105", 1, 2, RS.MAINTENANCE),     # a closed room takes a stay wholly in the future
    ("304", 0, 1, RS.DIRTY),           # a dirty room is not handed over, even when due
])
def test_book_leaves_the_room_as_the_status_rule_says(number: str, arrive: int, nights: int, after: RoomStatus) -> None:
    uow = sample()
    made, _ = change(uow, desk.book, number, "G", d(arrive), nights=nights)
    assert made.booking.status is BS.RESERVED and status(uow, number) is after


@pytest.mark.parametrize(("number", "arrive", "leave", "code", "names"), [
    ("999", -3, -4, "UNKNOWN_ROOM", ("999",)),                   # unknown room before bad dates
    ("101", 2, 2, "INVALID_DATES", ("101",)),
    ("102", 3, 2, "INVALID_DATES", ("102",)),
    ("101", -1, 1, "INVALID_DATES", ("101",)),                   # arrival before today
    ("105", -1, 2, "INVALID_DATES", ("105",)),                   # dates before out of service
    ("105", 0, 1, "ROOM_OUT_OF_SERVICE", ("105",)),
    ("101", 1, 2, "DOUBLE_BOOKING", ("101", KATHERINE)),
    ("201", 3, 8, "DOUBLE_BOOKING", ("201", MARGARET)),
    ("301", 1, 2, "DOUBLE_BOOKING", ("301", ADA)),                # the guest in house holds the room
    ("301", 0, 1, "DOUBLE_BOOKING", ("301", ADA)),
])
def test_book_refusals_in_order(number: str, arrive: int, leave: int, code: str, names: tuple[str, ...]) -> None:
    refuse(sample(), code, desk.book, number, "X", d(arrive), d(leave), names=names)


def test_book_out_of_service_is_checked_before_the_overlap() -> None:
    uow = sample()
    change(uow, desk.book, "102", "Future", d(1), nights=2)
    change(uow, desk.housekeeping, "102", RS.MAINTENANCE)
    refuse(uow, "ROOM_OUT_OF_SERVICE", desk.book, "102", "X", d(0), nights=3, names=("102",))
    closed = hand_made(rooms(("105", RS.OUT_OF_SERVICE)), [stay("B-000001", "105", 0, 3)])
    refuse(closed, "ROOM_OUT_OF_SERVICE", desk.book, "105", "X", d(0), nights=1)


def test_book_over_an_overstaying_guest_is_refused_tonight_but_free_from_tomorrow() -> None:
    uow = hand_made(rooms(("101", RS.OCCUPIED)), [stay("B-000001", "101", -7, -2, BS.CHECKED_IN)])
    refuse(uow, "DOUBLE_BOOKING", desk.book, "101", "X", d(0), nights=1, names=("101", "B-000001"))
    made, _ = change(uow, desk.book, "101", "X", d(1), nights=1)
    assert made.room is not None and made.room.status is RS.OCCUPIED


def test_booking_ids_are_never_reissued_after_delete() -> None:
    uow = sample()
    change(uow, desk.delete, RADIA)
    issued = []
    for _ in range(2):
        made, _ = change(uow, desk.book, "102", "Again", d(1), nights=1)
        issued.append(made.booking.id)
        change(uow, desk.delete, made.booking.id)
    walk_in, _ = change(uow, desk.walk_in, "102", "Three", 1)
    assert [*issued, walk_in.booking.id] == ["B-000013", "B-000014", "B-000015"]


# --------------------------------------------------------------------------- checkin, walk-in


def test_checkin_of_the_due_reservation_occupies_the_room_in_the_same_commit() -> None:
    uow = sample()
    made, entry = change(uow, desk.check_in, "101")
    assert made.booking.id == KATHERINE and made.booking.status is BS.CHECKED_IN
    assert uow.bookings.stored(made.booking)["checked_in_at"] == NOW
    assert status(uow, "101") is RS.OCCUPIED
    assert uow.bookings.get(FRANCES).status is BS.RESERVED  # type: ignore[union-attr]
    assert room_status_changes(entry) == {"101": "OCCUPIED"}
    assert booking_changes(entry, KATHERINE)["status"] == "CheckedIn"


@pytest.mark.parametrize(("number", "booking_id"), [("204", DONALD), ("101", KATHERINE)])
def test_checkin_with_booking_takes_that_due_reservation(number: str, booking_id: str) -> None:
    made, _ = change(sample(), desk.check_in, number, booking_id=booking_id)
    assert made.booking.id == booking_id and made.booking.status is BS.CHECKED_IN


@pytest.mark.parametrize(("number", "options", "code", "names"), [
    ("999", {}, "UNKNOWN_ROOM", ("999",)),
    ("999", {"booking_id": "B-999999"}, "UNKNOWN_ROOM", ("999",)),
    ("301", {}, "ROOM_OCCUPIED", ("301",)),                      # occupied wins over nothing due
    ("301", {"booking_id": KATHERINE}, "ROOM_OCCUPIED", ("301",)),
    ("105", {}, "ROOM_OUT_OF_SERVICE", ("105",)),
    ("304", {}, "ROOM_NOT_READY", ("304",)),                     # dirty wins over nothing due
    ("304", {"force": True}, "NO_DUE_RESERVATION", ("304",)),
    ("102", {}, "NO_DUE_RESERVATION", ("102",)),
    ("103", {}, "NO_DUE_RESERVATION", ("103",)),                 # arrives in two days
    ("101", {"booking_id": "B-999999"}, "NO_DUE_RESERVATION", ("B-999999",)),
    ("101", {"booking_id": FRANCES}, "NO_DUE_RESERVATION", (FRANCES,)),    # not due
    ("101", {"booking_id": DONALD}, "NO_DUE_RESERVATION", (DONALD,)),      # another room's
    ("101", {"booking_id": GRACE}, "NO_DUE_RESERVATION", (GRACE,)),        # history
])
def test_checkin_refusals_in_order(number: str, options: dict[str, Any], code: str, names: tuple[str, ...]) -> None:
    refuse(sample(), code, desk.check_in, number, names=names, **options)


def test_checkin_to_a_dirty_room_needs_force() -> None:
    uow = sample()
    change(uow, desk.book, "304", "Dusty", d(0), nights=2)
    assert status(uow, "304") is RS.DIRTY
    refuse(uow, "ROOM_NOT_READY", desk.check_in, "304")
    made, _ = change(uow, desk.check_in, "304", force=True)
    assert made.room is not None and made.room.status is RS.OCCUPIED


def test_checkin_of_a_late_arrival_on_a_later_day() -> None:
    made, _ = change(sample(), desk.check_in, "101", today=1)
    assert made.booking.id == KATHERINE and made.room is not None and made.room.status is RS.OCCUPIED


@pytest.mark.parametrize(("hotel_rooms", "bookings", "options", "code"), [
    ([("101", RS.MAINTENANCE)], [("B-1", 0, 1, BS.RESERVED), ("B-2", -1, 2, BS.CHECKED_IN)], {}, "ROOM_OCCUPIED"),
    ([("101", RS.OUT_OF_SERVICE)], [("B-1", 0, 1, BS.RESERVED)], {}, "ROOM_OUT_OF_SERVICE"),
    ([("101", RS.OCCUPIED)], [], {}, "NO_DUE_RESERVATION"),                 # a stale OCCUPIED, nobody due
    ([("101", RS.RESERVED)], [("B-1", 0, 2, BS.RESERVED), ("B-2", 0, 1, BS.RESERVED)],
     {"booking_id": "B-3"}, "NO_DUE_RESERVATION"),                          # B-3 is another room's
])
def test_checkin_refusals_on_hand_made_rooms(hotel_rooms: list[tuple[str, RoomStatus]], bookings: list[Any],
                                             options: dict[str, Any], code: str) -> None:
    held = [stay(i, "101", a, b, s) for i, a, b, s in bookings] + [stay("B-3", "102", 0, 1)]
    uow = hand_made(rooms(*hotel_rooms, ("102", RS.AVAILABLE)), held)
    refuse(uow, code, desk.check_in, "101", names=("101",) if "booking_id" not in options else ("B-3",), **options)


def test_walk_in_creates_and_checks_in_a_booking_in_one_commit() -> None:
    uow = sample()
    made, entry = change(uow, desk.walk_in, "102", "Walk In", 2)
    record = uow.bookings.stored(made.booking)
    assert (record["id"], record["room"], record["guest"], record["status"]) == (
        "B-000013", "102", "Walk In", "CheckedIn")
    assert (made.booking.arrival, made.booking.departure) == (d(0), d(2))
    assert record["checked_in_at"] == record["created_at"] == NOW
    assert room_status_changes(entry) == {"102": "OCCUPIED"}
    assert booking_changes(entry, "B-000013")[None]["status"] == "CheckedIn"


@pytest.mark.parametrize(("number", "nights", "options"), [
    ("201", 1, {}),                 # leaves the day MARGARET arrives
    ("304", 1, {"force": True}),    # a dirty room, forced
])
def test_walk_in_that_fits_occupies_the_room(number: str, nights: int, options: dict[str, Any]) -> None:
    uow = sample()
    change(uow, desk.walk_in, number, "W", nights, **options)
    assert status(uow, number) is RS.OCCUPIED


@pytest.mark.parametrize(("number", "nights", "code", "names"), [
    ("999", 1, "UNKNOWN_ROOM", ("999",)),
    ("301", 5, "ROOM_OCCUPIED", ("301",)),
    ("105", 1, "ROOM_OUT_OF_SERVICE", ("105",)),
    ("304", 1, "ROOM_NOT_READY", ("304",)),
    ("201", 2, "DOUBLE_BOOKING", ("201", MARGARET)),
    ("101", 1, "DOUBLE_BOOKING", ("101", KATHERINE)),
])
def test_walk_in_refusals_room_first_then_book_rules(number: str, nights: int, code: str,
                                                      names: tuple[str, ...]) -> None:
    refuse(sample(), code, desk.walk_in, number, "W", nights, names=names)


def test_walk_in_to_a_dirty_room_with_a_later_booking_is_not_ready_before_the_overlap() -> None:
    uow = sample()
    change(uow, desk.book, "304", "Tomorrow", d(1), nights=2)
    refuse(uow, "ROOM_NOT_READY", desk.walk_in, "304", "W", 3, names=("304",))
    refuse(uow, "DOUBLE_BOOKING", desk.walk_in, "304", "W", 3, force=True, names=("304",))


# --------------------------------------------------------------------------- checkout


@pytest.mark.parametrize("options", [{}, {"booking_id": ADA}])
def test_checkout_finishes_the_stay_and_leaves_the_room_dirty(options: dict[str, Any]) -> None:
    uow = sample()
    made, entry = change(uow, desk.check_out, "301", **options)
    assert made.booking.id == ADA and made.booking.status is BS.CHECKED_OUT
    assert uow.bookings.stored(made.booking)["checked_out_at"] == NOW
    assert room_status_changes(entry) == {"301": "DIRTY"}
    assert reasons(entry)["301"] == f"Guest checked out ({ADA})"


@pytest.mark.parametrize(("number", "options", "code", "names"), [
    ("999", {}, "UNKNOWN_ROOM", ("999",)),
    ("999", {"booking_id": ADA}, "UNKNOWN_ROOM", ("999",)),
    ("102", {}, "NOT_CHECKED_IN", ("102",)),
    ("101", {}, "NOT_CHECKED_IN", ("101",)),                      # reserved, not checked in
    ("301", {"booking_id": KATHERINE}, "NOT_CHECKED_IN", (KATHERINE,)),
    ("101", {"booking_id": ADA}, "NOT_CHECKED_IN", (ADA,)),        # in another room
    ("301", {"booking_id": "B-999999"}, "NOT_CHECKED_IN", ("B-999999",)),
])
def test_checkout_refusals_in_order(number: str, options: dict[str, Any], code: str, names: tuple[str, ...]) -> None:
    refuse(sample(), code, desk.check_out, number, names=names, **options)


def test_checkout_of_a_stale_occupied_room_is_not_checked_in() -> None:
    refuse(hand_made(rooms(("102", RS.OCCUPIED)), []), "NOT_CHECKED_IN", desk.check_out, "102", names=("102",))


def test_a_whole_stay_book_checkin_checkout_housekeeping_leaves_no_problem() -> None:
    uow = sample()
    made, _ = change(uow, desk.book, "203", "Whole Stay", d(0), nights=1)
    change(uow, desk.check_in, "203")
    change(uow, desk.check_out, "203", today=1)
    room, _ = change(uow, desk.housekeeping, "203", RS.CLEAN, today=1)
    assert room.status is RS.CLEAN and booking_record(uow, made.booking.id)["status"] == "CheckedOut"
    with uow:
        assert desk.run_reconcile(uow, clock(1), fix=False).problems == []


# --------------------------------------------------------------------------- cancel, noshow, delete


def test_cancel_frees_the_room_with_the_rules_reason() -> None:
    uow = sample()
    made, entry = change(uow, desk.cancel, KATHERINE)
    assert made.booking.status is BS.CANCELLED and uow.bookings.stored(made.booking)["updated_at"] == NOW
    assert room_status_changes(entry) == {"101": "AVAILABLE"}
    assert reasons(entry)["101"] == "No active reservations found"


@pytest.mark.parametrize(("setup", "booking_id", "after"), [
    (None, MARGARET, RS.AVAILABLE),          # not due: its room had nothing to change
    ("dirty", "B-000013", RS.DIRTY),         # a dirty room stays dirty
])
def test_cancel_leaves_a_room_the_rule_keeps(setup: str | None, booking_id: str, after: RoomStatus) -> None:
    uow = sample()
    if setup:
        change(uow, desk.book, "304", "D", d(0), nights=1)
    made, entry = change(uow, desk.cancel, booking_id)
    assert made.room is not None and made.room.status is after
    assert room_status_changes(entry) == {}


@pytest.mark.parametrize(("operation", "booking_id", "code"), [
    (desk.cancel, "B-999999", "UNKNOWN_BOOKING"),
    (desk.cancel, ADA, "INVALID_TRANSITION"),
    (desk.cancel, GRACE, "INVALID_TRANSITION"),
    (desk.cancel, EDSGER, "INVALID_TRANSITION"),
    (desk.cancel, BARBARA, "INVALID_TRANSITION"),
    (desk.no_show, "B-999999", "UNKNOWN_BOOKING"),
    (desk.no_show, ADA, "INVALID_TRANSITION"),
    (desk.no_show, EDSGER, "INVALID_TRANSITION"),
    (desk.no_show, BARBARA, "INVALID_TRANSITION"),
    (desk.no_show, MARGARET, "INVALID_TRANSITION"),     # arrives tomorrow
    (desk.delete, "B-999999", "UNKNOWN_BOOKING"),
    (desk.delete, ADA, "INVALID_TRANSITION"),           # check the guest out first
])
def test_cancel_noshow_delete_refusals_name_the_booking(operation: Any, booking_id: str, code: str) -> None:
    refuse(sample(), code, operation, booking_id, names=(booking_id,))


@pytest.mark.parametrize(("booking_id", "today", "number", "after"), [
    (DONALD, 0, "204", "AVAILABLE"),        # on the arrival day
    (MARGARET, 2, "201", "AVAILABLE"),      # a late arrival
])
def test_noshow_frees_the_room(booking_id: str, today: int, number: str, after: str) -> None:
    uow = sample()
    made, entry = change(uow, desk.no_show, booking_id, today=today)
    assert made.booking.status is BS.NO_SHOW and made.room is not None
    assert made.room.status.value == after
    assert room_status_changes(entry).get(number, after) == after


def test_delete_removes_the_booking_and_rederives_its_room_in_one_commit() -> None:
    uow = sample()
    removed = booking_record(uow, DONALD)
    made, entry = change(uow, desk.delete, DONALD)
    assert uow.bookings.stored(made.booking) == removed and uow.bookings.get(DONALD) is None
    assert len(uow.bookings.all()) == 11
    assert room_status_changes(entry) == {"204": "AVAILABLE"}
    assert booking_changes(entry, DONALD) == {None: None}


def test_delete_of_history_keeps_the_room_as_it_was() -> None:
    uow = sample()
    made, entry = change(uow, desk.delete, GRACE)
    assert made.booking.status is BS.CHECKED_OUT and status(uow, "101") is RS.RESERVED
    assert room_status_changes(entry) == {}


# --------------------------------------------------------------------------- housekeeping


@pytest.mark.parametrize(("number", "wanted"), [
    ("304", RS.CLEAN), ("304", RS.AVAILABLE), ("102", RS.DIRTY), ("102", RS.MAINTENANCE),
    ("102", RS.OUT_OF_SERVICE), ("105", RS.CLEAN),
])
def test_housekeeping_sets_the_status_with_its_reason(number: str, wanted: RoomStatus) -> None:
    uow = sample()
    old = status(uow, number)
    room, entry = change(uow, desk.housekeeping, number, wanted)
    assert room.status is wanted
    assert [(c["room"], c["old"], c["new"], c["reason"]) for c in entry["changes"]] == [
        (number, old.value, wanted.value, "Housekeeping")]


def test_housekeeping_clean_with_a_due_reservation_shows_reserved_in_the_same_commit() -> None:
    uow = sample()
    change(uow, desk.book, "304", "Dusty", d(0), nights=1)
    room, entry = change(uow, desk.housekeeping, "304", RS.CLEAN)
    assert room.status is RS.RESERVED and room_status_changes(entry) == {"304": "RESERVED"}


def test_housekeeping_force_closes_a_reserved_room_and_reconcile_reports_the_problem() -> None:
    uow = sample()
    room, _ = change(uow, desk.housekeeping, "101", RS.MAINTENANCE, force=True)
    assert room.status is RS.MAINTENANCE
    with uow:
        report = desk.run_reconcile(uow, clock(), fix=False)
    assert [(p.code, p.room, p.bookings) for p in report.problems] == [("ROOM_OUT_OF_SERVICE", "101", [KATHERINE])]


@pytest.mark.parametrize(("number", "wanted", "force", "code"), [
    ("999", RS.CLEAN, False, "UNKNOWN_ROOM"),
    ("999", RS.OCCUPIED, False, "UNKNOWN_ROOM"),          # unknown before derived
    ("102", RS.OCCUPIED, False, "DERIVED_STATUS"),
    ("102", RS.RESERVED, False, "DERIVED_STATUS"),
    ("301", RS.OCCUPIED, False, "DERIVED_STATUS"),        # derived before occupied
    ("301", RS.DIRTY, False, "ROOM_OCCUPIED"),
    ("301", RS.CLEAN, False, "ROOM_OCCUPIED"),
    ("301", RS.MAINTENANCE, True, "ROOM_OCCUPIED"),       # even forced
    ("101", RS.MAINTENANCE, False, "ROOM_RESERVED"),
    ("204", RS.OUT_OF_SERVICE, False, "ROOM_RESERVED"),
])
def test_housekeeping_refusals_in_order(number: str, wanted: RoomStatus, force: bool, code: str) -> None:
    refuse(sample(), code, desk.housekeeping, number, wanted, force=force, names=(number,))


def test_housekeeping_of_an_occupied_room_with_a_due_reservation_is_room_occupied_first() -> None:
    uow = hand_made(rooms(("101", RS.OCCUPIED)), [stay("B-1", "101", -1, 1, BS.CHECKED_IN), stay("B-2", "101", 0, 2)])
    refuse(uow, "ROOM_OCCUPIED", desk.housekeeping, "101", RS.MAINTENANCE, names=("101",))


def test_stale_occupied_rooms_of_the_shipped_data_never_block_checkin_or_housekeeping() -> None:
    uow = hand_made(rooms(("102", RS.OCCUPIED), ("202", RS.OCCUPIED)), [])
    refuse(uow, "NO_DUE_RESERVATION", desk.check_in, "102", names=("102",))
    refuse(uow, "NOT_CHECKED_IN", desk.check_out, "202", names=("202",))
    change(uow, desk.book, "102", "Arriving", d(0), nights=1)
    made, _ = change(uow, desk.check_in, "102")
    assert made.booking.status is BS.CHECKED_IN and status(uow, "102") is RS.OCCUPIED
    room, _ = change(uow, desk.housekeeping, "202", RS.CLEAN)
    assert room.status is RS.CLEAN
