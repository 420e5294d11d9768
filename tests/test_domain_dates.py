"""The calendar's edge (0001-01-01, 9999-12-31): every date roomsync computes from input goes
through `add_days`, so no operation or view raises anything but a `RoomsyncError`
(INVALID_DATES naming what overflowed), and a refusal changes nothing.

Unit tests pin the guard and each decision at the edge; hypothesis then runs every operation
and view that adds days on hotels dated at either edge, with stays up to 10**30 nights.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest
from fakes import FakeUnitOfWork, run_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roomsync.domain import views
from roomsync.domain.calendar import Clock, add_days, nights_within, stay_departure
from roomsync.domain.model import Booking, BookingStatus, Room, RoomStatus
from roomsync.domain.reconcile import reconcile
from roomsync.domain.sample import sample_hotel
from roomsync.domain.stays import held_nights, holds_night
from roomsync.errors import Refused, RoomsyncError
from roomsync.operations import front_desk as desk
from roomsync.operations import stay_changes as ops

FIRST, LAST = date.min, date.max
NOW = "9999-12-31T09:30:00Z"
HUGE = 10**30
B = BookingStatus


def shifted(day: date, days: int) -> date:
    """The test's own arithmetic, clamped to the calendar (for building hotels near an edge)."""
    return date.fromordinal(min(max(day.toordinal() + days, 1), LAST.toordinal()))


def refused_with_dates(action: object, *words: str) -> Refused:
    assert callable(action)
    with pytest.raises(Refused) as caught:
        action()
    assert caught.value.code == "INVALID_DATES", caught.value.message
    for word in words:
        assert word in caught.value.message
    return caught.value


# ---------------------------------------------------------------------------------------
# the guard
# ---------------------------------------------------------------------------------------

@settings(max_examples=500)
@given(day=st.dates(), days=st.integers(min_value=-HUGE, max_value=HUGE))
def test_add_days_moves_within_the_calendar_or_refuses_naming_the_subject(day: date, days: int) -> None:
    target = day.toordinal() + days
    if 1 <= target <= LAST.toordinal():
        assert add_days(day, days, "x") == date.fromordinal(target)
    else:
        refused = refused_with_dates(lambda: add_days(day, days, "Room 102: the departure"), "Room 102: the departure")
        assert str(LAST if days > 0 else FIRST) in refused.message


def test_add_days_at_both_edges() -> None:
    assert add_days(date(9999, 12, 30), 1, "x") == LAST
    assert add_days(date(1, 1, 2), -1, "x") == FIRST
    refused_with_dates(lambda: add_days(LAST, 1, "The morning after"), "The morning after", "9999-12-31", "last day")
    refused_with_dates(lambda: add_days(FIRST, -1, "The day before"), "The day before", "0001-01-01", "first day")


def test_stay_departure_names_the_stay_even_for_a_23_digit_number_of_nights() -> None:
    refused_with_dates(lambda: stay_departure(date(2026, 12, 5), 10**22, "Room 102"),
                       "Room 102", "10000000000000000000000-night stay from 2026-12-05")


@given(start=st.dates(), days=st.integers(min_value=0, max_value=HUGE))
def test_a_chart_is_clipped_at_the_calendars_last_night(start: date, days: int) -> None:
    shown = nights_within(start, days)
    assert shown == min(days, (LAST - start).days + 1)
    if start > date(9999, 1, 1):  # the columns themselves only where there are few of them
        dates = views.chart_dates(start, days)
        assert len(dates) == shown and dates[:1] in ([], [start])
        assert all((b - a).days == 1 for a, b in pairwise(dates))


def test_clock_read_keeps_the_given_day_and_stamps_utc_seconds() -> None:
    clock = Clock.read(LAST)
    assert clock.today == LAST
    assert clock.now.endswith("Z") and len(clock.now) == len("2026-12-02T10:00:00Z")
    assert Clock.read().today == date.today()


# ---------------------------------------------------------------------------------------
# each decision at the edge
# ---------------------------------------------------------------------------------------

def overstay(arrival: date, departure: date) -> Booking:
    return Booking("B-000001", "101", "Stays On", arrival, departure, B.CHECKED_IN)


def test_an_overstay_on_the_calendars_last_day_is_refused_naming_the_booking() -> None:
    guest = overstay(date(9999, 12, 20), date(9999, 12, 25))
    refused_with_dates(lambda: held_nights(guest, LAST), "Booking B-000001 in room 101", "through tonight")
    # the day before, tonight still has a morning after
    assert held_nights(guest, date(9999, 12, 30)) == (date(9999, 12, 20), LAST)
    assert holds_night(guest, date(9999, 12, 30), date(9999, 12, 30))


def test_views_and_reconcile_refuse_rather_than_guess_an_overstays_last_night() -> None:
    rooms = [Room("101", RoomStatus.OCCUPIED), Room("102", RoomStatus.AVAILABLE)]
    bookings = [overstay(date(9999, 12, 20), date(9999, 12, 25))]
    for view in (lambda: reconcile(rooms, bookings, LAST),
                 lambda: views.occupancy(rooms, bookings, LAST, LAST),
                 lambda: views.chart(rooms, bookings, date(9999, 12, 25), 14, LAST)):
        refused_with_dates(view, "B-000001")
    # without a guest past departure the last day is an ordinary day
    assert reconcile(rooms[1:], [], LAST).fixes == []


def test_the_chart_near_the_last_day_shows_the_nights_that_exist() -> None:
    rooms = [Room("101", RoomStatus.AVAILABLE)]
    stay = Booking("B-000001", "101", "Last Guest", date(9999, 12, 29), LAST, B.RESERVED)
    tape = views.chart(rooms, [stay], date(9999, 12, 25), 14, date(9999, 12, 1))
    assert tape.dates == [date(9999, 12, d) for d in range(25, 32)]
    assert [b.id if b else None for b in tape.nights[0]] == [None] * 4 + ["B-000001", "B-000001", None]
    assert tape.occupancy == [0.0] * 4 + [1.0, 1.0, 0.0]
    assert len(views.chart(rooms, [], LAST, HUGE, LAST).dates) == 1


def hotel(*bookings: Booking) -> FakeUnitOfWork:
    return FakeUnitOfWork([Room("101", RoomStatus.AVAILABLE), Room("102", RoomStatus.AVAILABLE)], bookings)


def test_book_names_an_unknown_room_before_a_stay_past_the_calendar() -> None:
    uow = hotel()
    with pytest.raises(Refused) as caught:
        desk.book(uow, Clock(LAST, NOW), "999", "A", LAST, nights=1)
    assert caught.value.code == "UNKNOWN_ROOM"
    refused_with_dates(lambda: desk.book(uow, Clock(LAST, NOW), "102", "A", LAST, nights=1), "Room 102")
    refused_with_dates(lambda: ops.book_by_type(uow, Clock(LAST, NOW), "Double", "A", LAST, nights=1), "Double")


def test_night_audit_on_the_first_day_has_no_day_to_close() -> None:
    uow = hotel(Booking("B-000001", "101", "Early", FIRST, date(1, 1, 3), B.RESERVED))
    before = uow.state()
    refused_with_dates(lambda: ops.night_audit(uow, Clock(FIRST, NOW)), "night audit of 0001-01-01")
    assert uow.state() == before


def test_night_audit_refuses_before_marking_any_no_show_when_tonight_has_no_end() -> None:
    late = Booking("B-000002", "102", "Late", date(9999, 12, 29), LAST, B.RESERVED)
    uow = hotel(overstay(date(9999, 12, 20), date(9999, 12, 25)), late)
    before = uow.state()
    refused_with_dates(lambda: ops.night_audit(uow, Clock(LAST, NOW)), "B-000001")
    assert uow.state() == before and late.status is B.RESERVED


def test_night_audit_leaves_committing_and_applied_to_its_caller() -> None:
    late = Booking("B-000002", "102", "Late", date(2026, 11, 30), date(2026, 12, 3), B.RESERVED)
    uow = hotel(late)
    with uow:
        audit = ops.night_audit(uow, Clock(date(2026, 12, 1), NOW))
        assert not uow.committed
        assert audit.no_shows == ["B-000002"] and late.status is B.NO_SHOW
        assert audit.closed_day == date(2026, 11, 30)
        assert not audit.reconcile.applied and not audit.clean  # a dry run: would change
        audit.reconcile.applied = True  # what the caller sets once it has committed
        assert audit.clean
    assert uow.bookings.get("B-000002").status is B.RESERVED  # left without commit: nothing written


def test_every_stamp_an_operation_writes_is_its_clocks_now() -> None:
    uow = hotel()
    clock = Clock(date(2026, 12, 1), "2026-12-01T08:00:00Z")
    change = desk.walk_in(uow, clock, "101", "Walker", 2)
    stamps = {key: value for key, value in uow.bookings.stored(change.booking).items() if key.endswith("_at")}
    assert stamps and set(stamps.values()) == {clock.now}


def test_the_demo_hotel_cannot_be_dated_at_the_calendars_edge() -> None:
    refused_with_dates(lambda: sample_hotel(LAST, NOW), "demo hotel dated 9999-12-31")
    refused_with_dates(lambda: sample_hotel(FIRST, NOW), "demo hotel dated 0001-01-01")
    refused_with_dates(lambda: desk.init(FakeUnitOfWork(exists=False), Clock(LAST, NOW), sample=True, force=False))
    rooms, bookings = sample_hotel(date(9999, 12, 21), NOW)  # its last stay leaves 10 days later
    assert max(b.departure for b in bookings) == LAST and len(rooms) == 15


# ---------------------------------------------------------------------------------------
# every operation and view, at either edge
# ---------------------------------------------------------------------------------------

ROOMS = ("101", "102", "103")
from_edge = st.sampled_from([0, 0, 0, 1, 2, 3, 6, 12])  # days from the edge, the edge itself most often
near_first = from_edge.map(lambda k: date.fromordinal(1 + k))
near_last = from_edge.map(lambda k: date.fromordinal(LAST.toordinal() - k))
edge_days = st.one_of(near_first, near_last)
# active stays most often: late reservations and guests past departure are what the edge tests
statuses = st.sampled_from([B.RESERVED, B.RESERVED, B.CHECKED_IN, B.CHECKED_IN, B.CHECKED_OUT, B.CANCELLED, B.NO_SHOW])
offsets = st.integers(-6, 6)
# mostly a few nights, often one the calendar cannot hold (up to 10**30)
nights = st.one_of(st.integers(1, 5), st.integers(1, HUGE), st.sampled_from([10**8, 10**22]))


@st.composite
def edge_hotels(draw: st.DrawFn) -> tuple[date, FakeUnitOfWork]:
    """A small hotel whose stays lie around a day at one edge of the calendar."""
    today = draw(edge_days)
    rooms = [Room(n, draw(st.sampled_from(list(RoomStatus))), "Double") for n in ROOMS]
    bookings = []
    for i in range(draw(st.integers(0, 8))):
        arrival = shifted(today, draw(offsets))
        departure = shifted(arrival, draw(st.integers(0, 4)))
        bookings.append(Booking(f"B-{i + 1:06d}", draw(st.sampled_from(ROOMS)), f"Guest {i}", arrival, departure,
                                draw(statuses)))
    return today, FakeUnitOfWork(rooms, bookings)


def operation(data: st.DataObject, uow: FakeUnitOfWork, clock: Clock) -> tuple[str, object]:
    """One operation that may add days, its arguments drawn near the clock's day."""
    today = clock.today
    number = data.draw(st.sampled_from((*ROOMS, "999")), label="room")
    booking_id = data.draw(st.sampled_from([b.id for b in uow.bookings.all()] + ["B-999999"]), label="booking")
    arrival = shifted(today, data.draw(offsets, label="arrive"))
    stay = data.draw(nights, label="nights")
    kind = data.draw(st.sampled_from(
        ["book", "book_by_type", "availability", "walk_in", "amend_nights", "amend_arrival", "check_in",
         "check_out", "move", "reinstate", "undo_check_in", "no_show"] + ["night_audit", "reconcile"] * 3),
        label="kind")
    actions = {
        "book": lambda: desk.book(uow, clock, number, "G", arrival, nights=stay),
        "book_by_type": lambda: ops.book_by_type(uow, clock, "double", "G", arrival, nights=stay),
        "availability": lambda: ops.bookable_rooms(uow, today, arrival, stay_departure(arrival, stay, "The stay")),
        "walk_in": lambda: desk.walk_in(uow, clock, number, "W", stay, force=True),
        "amend_nights": lambda: ops.amend(uow, clock, booking_id, nights=stay),
        "amend_arrival": lambda: ops.amend(uow, clock, booking_id, arrival=arrival, nights=stay),
        "check_in": lambda: desk.check_in(uow, clock, number, force=True),
        "check_out": lambda: desk.check_out(uow, clock, number),
        "move": lambda: ops.move(uow, clock, booking_id, number, force=True),
        "reinstate": lambda: ops.reinstate(uow, clock, booking_id),
        "undo_check_in": lambda: ops.undo_check_in(uow, clock, booking_id),
        "no_show": lambda: desk.no_show(uow, clock, booking_id),
        "night_audit": lambda: ops.night_audit(uow, clock),
        "reconcile": lambda: desk.run_reconcile(uow, clock, fix=True),
    }
    return f"{kind} {number} {booking_id} {arrival} {stay}", actions[kind]


def look(uow: FakeUnitOfWork, today: date, night: date, start: date, days: int) -> None:
    """Every view that adds days; each may refuse (INVALID_DATES), none may raise anything else."""
    rooms, bookings = uow.rooms.all(), uow.bookings.all()
    by_number = {room.number: room for room in rooms}
    for view in (lambda: reconcile(rooms, bookings, today),
                 lambda: views.chart(rooms, bookings, start, days, today),
                 lambda: views.occupancy(rooms, bookings, night, today),
                 lambda: [holds_night(b, night, today) for b in bookings],
                 lambda: views.arrivals(by_number, bookings, night),
                 lambda: views.departures(by_number, bookings, night, today),
                 lambda: views.in_house(by_number, bookings, today)):
        try:
            view()
        except Refused as refused:
            assert refused.code == "INVALID_DATES", refused.message


@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(start=edge_hotels(), steps=st.integers(1, 12), data=st.data())
def test_at_the_calendars_edge_nothing_raises_but_a_refusal_and_a_refusal_changes_nothing(
        start: tuple[date, FakeUnitOfWork], steps: int, data: st.DataObject) -> None:
    today, uow = start
    for _ in range(steps):
        if data.draw(st.integers(0, 4), label="next day?") == 0:
            today = shifted(today, data.draw(st.sampled_from([-1, 1]), label="which"))
        clock = Clock(today, NOW)
        label, action = operation(data, uow, clock)
        try:
            run_command(uow, action, label)  # a refusal must leave the hotel as it was
        except RoomsyncError as error:  # pragma: no cover - run_command catches them
            raise AssertionError(f"{label}: {error.message}") from error
        night = shifted(today, data.draw(offsets, label="night"))
        chart_start = data.draw(st.sampled_from([night, FIRST, LAST]), label="chart from")
        # a chart far from the last day is as wide as asked; keep those narrow (the CLI caps --days)
        days = data.draw(nights if chart_start > date(9999, 1, 1) else st.integers(1, 60), label="days")
        look(uow, today, night, chart_start, days)
