"""SPEC §7 `book --type` and `move` on the in-memory fake: the room chosen, both rooms
re-derived in the booking's own commit, and every refusal in the listed order."""

from __future__ import annotations

from typing import Any

import pytest

from roomsync.domain.model import BookingStatus, Room, RoomStatus
from roomsync.operations import front_desk as desk
from roomsync.operations import stay_changes as ops

from .hotel import (
    ADA,
    BARBARA,
    EDSGER,
    FRANCES,
    GRACE,
    KATHERINE,
    MARGARET,
    booking_changes,
    booking_record,
    change,
    d,
    hand_made,
    refuse,
    room_status_changes,
    rooms,
    sample,
    status,
    stay,
)

RS, BS = RoomStatus, BookingStatus

# --------------------------------------------------------------------------- book --type


def test_book_by_type_takes_the_first_free_room_of_that_type_in_the_same_commit() -> None:
    uow = sample()
    made, entry = change(uow, ops.book_by_type, "double", "Linus Torvalds", d(0), nights=2)
    record = uow.bookings.stored(made.booking)
    assert (record["id"], record["room"], record["departure"], record["status"]) == (
        "B-000013", "102", d(2).isoformat(), "Reserved")
    assert uow.bookings.stored(uow.bookings.all()[-1]) == record  # appended
    assert room_status_changes(entry) == {"102": "RESERVED"}


@pytest.mark.parametrize("given", ["SUITE", "suite", "Suite"])
def test_book_by_type_matches_case_insensitively(given: str) -> None:
    # 205 is held from T+5, so the first free Suite is 301 (its guest leaves T+2)
    uow = sample()
    made, _ = change(uow, ops.book_by_type, given, "G", d(4), d(6))
    assert made.booking.room == "301" and status(uow, "301") is RS.OCCUPIED


def test_book_by_type_takes_what_availability_lists_first_a_closed_room_for_a_future_stay() -> None:
    uow = sample()
    with uow:
        free = ops.bookable_rooms(uow, d(0), d(1), d(3), "Single")
    made, entry = change(uow, ops.book_by_type, "Single", "G", d(1), nights=2)
    assert made.booking.room == free[0].number == "105"
    assert status(uow, "105") is RS.MAINTENANCE and room_status_changes(entry) == {}


@pytest.mark.parametrize(("room_type", "arrive", "nights", "fillers"), [
    ("Single", 0, 1, 0),        # 101 and 204 are held tonight, 105 is closed
    ("Penthouse", 4, 1, 0),     # a type no room has
    ("Suite", 5, 3, 2),         # 205 is held; the two other Suites are taken first
])
def test_book_by_type_with_no_room_left_is_no_room_available(room_type: str, arrive: int, nights: int,
                                                             fillers: int) -> None:
    uow = sample()
    for _ in range(fillers):
        change(uow, ops.book_by_type, room_type, "Filler", d(arrive), nights=nights)
    refuse(uow, "NO_ROOM_AVAILABLE", ops.book_by_type, room_type, "G", d(arrive), nights=nights,
           names=(room_type,))


def test_book_by_type_never_matches_a_room_without_type() -> None:
    uow = hand_made([Room("101", RS.AVAILABLE), Room("102", RS.AVAILABLE, "Twin")], [])
    refuse(uow, "NO_ROOM_AVAILABLE", ops.book_by_type, "Double", "G", d(0), nights=1)
    made, _ = change(uow, ops.book_by_type, "twin", "G", d(0), nights=1)
    assert made.booking.room == "102"


@pytest.mark.parametrize(("room_type", "arrive", "leave"), [
    ("Double", -1, 1),        # arrival before today
    ("Double", 1, 1),         # no night
    ("Penthouse", -1, 1),     # dates before the type
    ("Single", 0, -1),        # dates before "no room"
])
def test_book_by_type_date_refusals_come_first(room_type: str, arrive: int, leave: int) -> None:
    refuse(sample(), "INVALID_DATES", ops.book_by_type, room_type, "G", d(arrive), d(leave))


# --------------------------------------------------------------------------- move


def test_move_a_reservation_rederives_both_rooms_in_one_commit() -> None:
    uow = sample()
    before = booking_record(uow, KATHERINE)
    made, entry = change(uow, ops.move, KATHERINE, "102")
    after = uow.bookings.stored(made.booking)
    assert after["room"] == "102"
    assert {k: v for k, v in after.items() if k not in ("room", "updated_at")} == \
        {k: v for k, v in before.items() if k not in ("room", "updated_at")}  # dates, status kept
    assert made.room.number == "102" and made.from_room.number == "101" and made.moved
    assert room_status_changes(entry) == {"101": "AVAILABLE", "102": "RESERVED"}
    assert booking_changes(entry, KATHERINE)["room"] == "102"


def test_move_a_guest_in_house_leaves_the_old_room_dirty_and_occupies_the_new_one() -> None:
    uow = sample()
    made, entry = change(uow, ops.move, ADA, "305")
    assert (made.booking.room, made.booking.status, made.booking.arrival, made.booking.departure) == (
        "305", BS.CHECKED_IN, d(-2), d(2))
    assert room_status_changes(entry) == {"301": "DIRTY", "305": "OCCUPIED"}


@pytest.mark.parametrize(("booking_id", "number", "options", "after", "old_after"), [
    (MARGARET, "202", {}, RS.AVAILABLE, RS.AVAILABLE),       # a future stay changes no status
    (MARGARET, "105", {}, RS.MAINTENANCE, RS.AVAILABLE),     # wholly in the future: a closed room takes it
    (KATHERINE, "304", {}, RS.DIRTY, RS.AVAILABLE),          # a reservation may go to a dirty room
    (ADA, "304", {"force": True}, RS.OCCUPIED, RS.DIRTY),    # a guest, forced
    (ADA, "102", {}, RS.OCCUPIED, RS.DIRTY),
    (FRANCES, "301", {}, RS.OCCUPIED, RS.RESERVED),          # arrives after the guest in 301 leaves
    (ADA, "103", {}, RS.OCCUPIED, RS.DIRTY),                 # leaves the day KEN arrives in 103
])
def test_move_that_fits_rederives_both_rooms(booking_id: str, number: str, options: dict[str, Any], after: RoomStatus,
                                             old_after: RoomStatus) -> None:
    uow = sample()
    made, _ = change(uow, ops.move, booking_id, number, **options)
    assert made.booking.room == number and status(uow, number) is after
    assert status(uow, made.from_room.number) is old_after


@pytest.mark.parametrize(("booking", "after"), [
    (stay("B-1", "101", -1, 2, BS.CHECKED_IN), ("DIRTY", "OCCUPIED")),
    (stay("B-1", "101", 0, 2), ("AVAILABLE", "RESERVED")),
])
def test_move_into_a_stale_occupied_room_rederives_it(booking: Any, after: tuple[str, str]) -> None:
    uow = hand_made(rooms(("101", RS.RESERVED), ("102", RS.OCCUPIED)), [booking])
    change(uow, ops.move, "B-1", "102")
    assert (status(uow, "101").value, status(uow, "102").value) == after


def test_move_of_a_booking_naming_an_unknown_room_has_no_from_room() -> None:
    uow = hand_made(rooms(("101", RS.AVAILABLE)), [stay("B-1", "999", 0, 2)])
    made, entry = change(uow, ops.move, "B-1", "101")
    assert made.from_room is None and room_status_changes(entry) == {"101": "RESERVED"}


def test_move_an_overstaying_guest_needs_only_tonight_free() -> None:
    uow = sample()
    change(uow, desk.book, "102", "Later", d(4), nights=1)
    made, _ = change(uow, ops.move, ADA, "102", today=3)
    assert made.room is not None and made.room.status is RS.OCCUPIED
    change(uow, desk.book, "202", "Tonight", d(3), nights=1, today=3)
    refuse(uow, "DOUBLE_BOOKING", ops.move, ADA, "202", today=3, names=("202",))


def test_move_a_guest_next_to_a_late_arrival_is_refused_naming_the_no_show_to_mark() -> None:
    """The guest carries the nights already spent into the new room (a booking names one
    room), so a stale late arrival there would become a double booking: refused, saying
    which booking to mark a no-show first."""
    uow = hand_made(rooms(("101", RS.OCCUPIED), ("102", RS.AVAILABLE)), [
        stay("B-1", "101", -2, 2, BS.CHECKED_IN), stay("B-2", "102", -2, 0)])
    message = refuse(uow, "DOUBLE_BOOKING", ops.move, "B-1", "102", names=("102", "B-2"))
    assert "roomsync noshow B-2" in message


def test_move_a_guest_into_a_room_another_guest_holds_is_room_occupied() -> None:
    uow = sample()
    change(uow, desk.check_in, "101")
    refuse(uow, "ROOM_OCCUPIED", ops.move, ADA, "101", names=("101",))
    closed = hand_made(rooms(("101", RS.OCCUPIED), ("102", RS.MAINTENANCE)), [
        stay("B-1", "101", -1, 2, BS.CHECKED_IN), stay("B-2", "102", -1, 2, BS.CHECKED_IN)])
    refuse(closed, "ROOM_OCCUPIED", ops.move, "B-1", "102")   # occupied before out of service


@pytest.mark.parametrize(("booking_id", "number", "code", "names"), [
    ("B-999999", "102", "UNKNOWN_BOOKING", ("B-999999",)),
    ("B-999999", "999", "UNKNOWN_BOOKING", ("B-999999",)),       # booking before room
    (KATHERINE, "999", "UNKNOWN_ROOM", ("999",)),
    (GRACE, "999", "UNKNOWN_ROOM", ("999",)),                    # room before status
    (BARBARA, "999", "UNKNOWN_ROOM", ("999",)),
    (GRACE, "102", "INVALID_TRANSITION", (GRACE,)),
    (EDSGER, "102", "INVALID_TRANSITION", (EDSGER,)),
    (BARBARA, "102", "INVALID_TRANSITION", (BARBARA,)),
    (KATHERINE, "101", "INVALID_TRANSITION", (KATHERINE,)),      # already there
    (ADA, "301", "INVALID_TRANSITION", (ADA,)),
    (GRACE, "101", "INVALID_TRANSITION", (GRACE,)),              # finished and already there
    (ADA, "105", "ROOM_OUT_OF_SERVICE", ("105",)),
    (ADA, "304", "ROOM_NOT_READY", ("304",)),
    (ADA, "201", "DOUBLE_BOOKING", ("201", MARGARET)),           # MARGARET arrives T+1
    (ADA, "101", "DOUBLE_BOOKING", ("101", KATHERINE)),
    (KATHERINE, "105", "ROOM_OUT_OF_SERVICE", ("105",)),         # a stay including today
    (KATHERINE, "103", "DOUBLE_BOOKING", ("103",)),
    (KATHERINE, "301", "DOUBLE_BOOKING", ("301", ADA)),          # a reservation over a guest's stay
    (KATHERINE, "201", "DOUBLE_BOOKING", ("201", MARGARET)),
    (MARGARET, "101", "DOUBLE_BOOKING", ("101",)),
])
def test_move_refusals_on_the_sample_in_order(booking_id: str, number: str, code: str,
                                              names: tuple[str, ...]) -> None:
    refuse(sample(), code, ops.move, booking_id, number, names=names)


def stay_hotel() -> Any:
    """Rooms the sample does not have: out of service, two guests, an overstay."""
    return hand_made(rooms(("101", RS.OCCUPIED), ("102", RS.OCCUPIED), ("103", RS.MAINTENANCE),
                           ("104", RS.DIRTY), ("105", RS.RESERVED), ("106", RS.OUT_OF_SERVICE),
                           ("107", RS.OCCUPIED)), [
        stay("B-1", "101", -2, 2, BS.CHECKED_IN), stay("B-2", "102", -1, 1, BS.CHECKED_IN),
        stay("B-3", "104", 1, 3), stay("B-4", "105", 0, 1), stay("B-5", "103", 1, 2),
        stay("B-6", "101", -7, -3, BS.CHECKED_OUT), stay("B-7", "107", -7, -4, BS.CHECKED_IN),  # an overstay
        stay("B-8", "105", 2, 4)])


@pytest.mark.parametrize(("booking_id", "number", "options", "code"), [
    ("B-1", "102", {}, "ROOM_OCCUPIED"),
    ("B-1", "106", {}, "ROOM_OUT_OF_SERVICE"),
    ("B-1", "104", {}, "ROOM_NOT_READY"),                     # dirty AND overlapping B-3: not ready first
    ("B-1", "104", {"force": True}, "DOUBLE_BOOKING"),        # then the overlap
    ("B-1", "103", {}, "ROOM_OUT_OF_SERVICE"),                # closed AND overlapping B-5
    ("B-1", "105", {}, "DOUBLE_BOOKING"),                     # B-4 due today
    ("B-2", "107", {}, "ROOM_OCCUPIED"),                      # an overstaying guest is in 107
    ("B-7", "105", {}, "DOUBLE_BOOKING"),                     # an overstay needs tonight: B-4 holds it
    ("B-4", "103", {}, "ROOM_OUT_OF_SERVICE"),
    ("B-4", "106", {}, "ROOM_OUT_OF_SERVICE"),
    ("B-3", "101", {}, "DOUBLE_BOOKING"),                     # a reservation over a guest: not "occupied"
    ("B-3", "103", {}, "DOUBLE_BOOKING"),                     # wholly future into a closed room: overlap only
])
def test_move_refusals_on_a_hand_made_hotel_in_order(booking_id: str, number: str, options: dict[str, Any],
                                                     code: str) -> None:
    refuse(stay_hotel(), code, ops.move, booking_id, number, **options)


def test_move_a_reservation_arriving_the_day_the_guest_in_the_room_leaves() -> None:
    uow = stay_hotel()
    change(uow, ops.move, "B-3", "102")
    assert (status(uow, "102"), status(uow, "104")) == (RS.OCCUPIED, RS.DIRTY)

