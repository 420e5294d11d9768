"""The read side (`roomsync.operations.queries`) on the sample hotel, called on the in-memory
fake: which bookings and rooms each listing and view holds, in file order. The CLI tests
check only how these are printed."""

from __future__ import annotations

from typing import Any

import pytest

from roomsync.domain.model import BookingStatus, RoomStatus
from roomsync.operations import front_desk as desk
from roomsync.operations import queries
from roomsync.operations import stay_changes as ops

from .hotel import (
    ADA,
    ALAN,
    BARBARA,
    DONALD,
    FRANCES,
    GRACE,
    JOHN,
    KATHERINE,
    KEN,
    MARGARET,
    RADIA,
    ROOM_NUMBERS,
    change,
    d,
    refuse,
    sample,
)

RS, BS = RoomStatus, BookingStatus
RESERVED = [KATHERINE, DONALD, MARGARET, KEN, FRANCES, JOHN, RADIA]


@pytest.mark.parametrize(("filters", "expected"), [
    ({"room": "101"}, [GRACE, KATHERINE, FRANCES]),
    ({"status": BS.RESERVED}, RESERVED),
    ({"status": BS.CHECKED_IN}, [ADA]),
    ({"status": BS.NO_SHOW}, [BARBARA]),
    ({"room": "101", "status": BS.RESERVED}, [KATHERINE, FRANCES]),
    ({"on": d(1)}, [ADA, KATHERINE, MARGARET]),        # DONALD leaves that morning
    ({"on": d(-9)}, [GRACE]),                          # a past night: checked-out history holds it
    ({"on": d(-4)}, [ALAN]),                           # ... a NoShow never does
    ({"on": d(-2)}, [ADA]),                            # a Cancelled stay never holds a night
    ({"room": "101", "status": BS.RESERVED, "on": d(3)}, [FRANCES]),
])
def test_bookings_filter_by_room_status_and_night(filters: dict[str, Any], expected: list[str]) -> None:
    with (uow := sample()):
        assert [b.id for b in queries.find_bookings(uow, d(0), **filters)] == expected


def test_bookings_of_an_unknown_room_are_refused_not_an_empty_list() -> None:
    refuse(sample(), "UNKNOWN_ROOM", lambda uow, clock: queries.find_bookings(uow, clock.today, room="999"),
           names=("999",))


def test_show_gives_the_room_its_expected_status_and_all_its_bookings() -> None:
    with (uow := sample()):
        shown = queries.room_or_booking(uow, "101", d(0))
        later = queries.room_or_booking(uow, "102", d(1))
    assert isinstance(shown, queries.RoomDetail) and isinstance(later, queries.RoomDetail)
    assert (shown.expected, [b.id for b in shown.bookings]) == (RS.RESERVED, [GRACE, KATHERINE, FRANCES])
    assert (later.expected, later.bookings) == (RS.AVAILABLE, [])


def test_show_reveals_a_stale_occupied_status_as_drift() -> None:
    uow = sample()
    with uow:
        room = uow.rooms.get("102")
        assert room is not None
        room.status = RS.OCCUPIED     # as a clerk's hand edit would leave it
        shown = queries.room_or_booking(uow, "102", d(0))
    assert isinstance(shown, queries.RoomDetail) and shown.expected is RS.AVAILABLE


# --------------------------------------------------------------------------- arrivals, departures, in house


@pytest.mark.parametrize(("day", "expected"), [
    (0, [(KATHERINE, "101", "ready"), (DONALD, "204", "ready")]),
    (1, [(MARGARET, "201", "ready")]),
    (-2, [(ADA, "301", "checked_in")]),           # arrived and still in
    (-5, []), (-3, []), (-4, []),                 # CheckedOut, Cancelled, NoShow are no arrivals
    (5, [(RADIA, "205", "ready")]),
    (-1, []),
])
def test_arrivals_on_a_day_with_the_readiness_of_their_room(day: int, expected: list[tuple[str, str, str]]) -> None:
    with (uow := sample()):
        found = queries.arrivals(uow, d(day))
    assert [(a.booking.id, a.room.number if a.room else None, a.readiness) for a in found] == expected


def test_arrivals_readiness_is_that_of_now() -> None:
    uow = sample()
    change(uow, desk.check_in, "101")
    made, _ = change(uow, desk.book, "304", "Dusty", d(0), nights=1)
    change(uow, desk.book, "301", "Next In 301", d(2), nights=1)
    change(uow, desk.book, "105", "Next In 105", d(2), nights=1)
    change(uow, desk.book, "304", "Tomorrow", d(1), nights=1)
    with uow:
        today = {a.booking.id: a.readiness for a in queries.arrivals(uow, d(0))}
        later = [(a.booking.room, a.readiness) for a in queries.arrivals(uow, d(2))]
        tomorrow = [(a.booking.room, a.readiness) for a in queries.arrivals(uow, d(1))]
    assert today[KATHERINE] == "checked_in" and today[made.booking.id] == "dirty"
    assert later == [("103", "ready"), ("301", "occupied"), ("105", "out_of_service")]
    assert tomorrow == [("201", "ready"), ("304", "dirty")]


@pytest.mark.parametrize(("day", "today", "expected"), [
    (0, 0, []),
    (2, 0, [(ADA, "301", "due_out")]),
    (-2, 0, [(ALAN, "201", "checked_out")]),
    (-7, 0, [(GRACE, "101", "checked_out")]),
    (-1, 0, []), (-3, 0, []), (3, 0, []),          # Cancelled, NoShow and Reserved never depart
    (3, 3, [(ADA, "301", "overstay")]),            # today: every overstay is listed
    (4, 3, []),
])
def test_departures_on_a_day(day: int, today: int, expected: list[tuple[str, str, str]]) -> None:
    with (uow := sample()):
        found = queries.departures(uow, d(day), d(today))
    assert [(x.booking.id, x.room.number if x.room else None, x.state) for x in found] == expected


@pytest.mark.parametrize(("today", "nights", "overstay"), [(0, 2, False), (2, 4, False), (3, 5, True), (4, 6, True)])
def test_in_house_counts_nights_so_far_and_flags_an_overstay(today: int, nights: int, overstay: bool) -> None:
    with (uow := sample()):
        guests = queries.in_house(uow, d(today))
    assert [(g.booking.id, g.room.number if g.room else None, g.nights, g.overstay) for g in guests] == [
        (ADA, "301", nights, overstay)]


# --------------------------------------------------------------------------- availability, calendar


@pytest.mark.parametrize(("arrive", "leave", "room_type", "expected"), [
    (0, 1, None, ["102", "103", "104", "201", "202", "203", "205", "302", "303", "304", "305"]),
    (0, 2, None, ["102", "103", "104", "202", "203", "205", "302", "303", "304", "305"]),
    (0, 1, "double", ["102", "103", "201", "202", "302", "303"]),
    (20, 22, None, ROOM_NUMBERS),                  # a room closed now is offered wholly in the future
    (1, 3, "sInGlE", ["105", "204"]),
    (0, 1, "single", []),                          # never a closed room for a stay including today
    (0, 1, "Penthouse", []),
])
def test_availability_lists_the_rooms_book_would_accept_in_file_order(arrive: int, leave: int,
                                                                       room_type: str | None,
                                                                       expected: list[str]) -> None:
    with (uow := sample()):
        assert [r.number for r in ops.bookable_rooms(uow, d(0), d(arrive), d(leave), room_type)] == expected


def test_availability_offers_back_to_back_stays_and_leaves_out_overlaps() -> None:
    with (uow := sample()):
        on_2 = [r.number for r in ops.bookable_rooms(uow, d(0), d(2), d(3))]
        on_5 = [r.number for r in ops.bookable_rooms(uow, d(0), d(5), d(6))]
    assert "301" in on_2 and "103" not in on_2 and "101" not in on_2
    assert "101" in on_5 and "103" in on_5 and "205" not in on_5


@pytest.mark.parametrize(("arrive", "leave", "room_type"), [
    (-1, 1, None), (1, 1, None), (1, 0, None), (-1, 1, "Penthouse"), (1, 1, "Suite")])
def test_availability_date_refusals_come_first(arrive: int, leave: int, room_type: str | None) -> None:
    refuse(sample(), "INVALID_DATES",
           lambda uow, clock: ops.bookable_rooms(uow, clock.today, d(arrive), d(leave), room_type))


def test_calendar_has_a_row_per_room_a_column_per_night_and_the_occupancy() -> None:
    with (uow := sample()):
        chart = queries.tape_chart(uow, d(0), 14, d(0))
    rows = zip(chart.rooms, chart.nights, strict=True)
    nights = {room.number: [b.id if b else None for b in row] for room, row in rows}
    assert chart.dates == [d(i) for i in range(14)] and list(nights) == ROOM_NUMBERS
    none = [None] * 14
    assert nights["101"] == [KATHERINE] * 3 + [FRANCES] * 2 + [None] * 9
    assert nights["103"] == [None, None] + [KEN] * 3 + [None] * 9
    assert nights["201"] == [None] + [MARGARET] * 3 + [None] * 10
    assert nights["204"] == [DONALD] + [None] * 13
    assert nights["205"] == [None] * 5 + [RADIA] * 4 + [None] * 5
    assert nights["301"] == [ADA] * 2 + [None] * 12
    assert nights["303"] == [None] * 7 + [JOHN] * 3 + [None] * 4
    for number in ("102", "104", "105", "202", "203", "302", "304", "305"):
        assert nights[number] == none, number
    held = [3, 3, 3, 3, 2, 1, 1, 2, 2, 1, 0, 0, 0, 0]   # over the 14 rooms in service (105 is closed)
    assert chart.occupancy == pytest.approx([n / 14 for n in held])


def test_calendar_past_nights_show_history_never_cancelled_or_no_show_and_count_only_active() -> None:
    with (uow := sample()):
        chart = queries.tape_chart(uow, d(-8), 10, d(0))
    rows = zip(chart.rooms, chart.nights, strict=True)
    nights = {room.number: [b.id if b else None for b in row] for room, row in rows}
    assert nights["101"] == [GRACE] + [None] * 7 + [KATHERINE] * 2
    assert nights["201"] == [None] * 3 + [ALAN] * 3 + [None] * 3 + [MARGARET]
    assert nights["104"] == nights["302"] == [None] * 10
    assert nights["301"] == [None] * 6 + [ADA] * 4
    assert chart.occupancy == pytest.approx([n / 14 for n in [0, 0, 0, 0, 0, 0, 1, 1, 3, 3]])


@pytest.mark.parametrize(("room_type", "numbers", "occupancy"), [
    ("suite", ["205", "301", "305"], [1 / 3, 1 / 3, 0.0]),
    ("SUITE", ["205", "301", "305"], [1 / 3, 1 / 3, 0.0]),
    ("Penthouse", [], [0.0, 0.0, 0.0]),
])
def test_calendar_by_type_shows_only_matching_rooms_and_their_occupancy(room_type: str, numbers: list[str],
                                                                         occupancy: list[float]) -> None:
    with (uow := sample()):
        chart = queries.tape_chart(uow, d(0), 3, d(0), room_type)
    assert [r.number for r in chart.rooms] == numbers and chart.occupancy == pytest.approx(occupancy)

