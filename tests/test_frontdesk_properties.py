"""Property tests of SPEC §7's front-desk operations (hypothesis), on the in-memory FakeUnitOfWork.

(a) `availability` and `book` are one decision: for any small hotel, any bookings and any
    stay, the rooms `bookable_rooms` lists are exactly those where `desk.book` succeeds (each
    tried on a fresh copy), in file order, the date refusals come first for both, and
    `book --type` takes the first room listed or refuses with `NO_ROOM_AVAILABLE`.
(b) Random front-desk days mixing every operation of §3 and §7 (book, book by type, check-in,
    walk-in, check-out, cancel, no-show, housekeeping, move, amend, undo-checkin, reinstate,
    night audit) with day advances followed by `reconcile --fix` keep every room's status
    the one §2 derives (reconcile has nothing to fix), never add an overlapping pair of
    active bookings (only time may make an overstaying guest run into a reservation), and a
    refused operation changes nothing.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta

from fakes import FakeUnitOfWork, overlapping_pairs
from fakes import run_command as run_in_unit_of_work
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_domain_properties import apply as apply_core
from test_domain_properties import live_days

from roomsync.domain.model import Booking, BookingStatus, Room, RoomStatus
from roomsync.domain.reconcile import reconcile
from roomsync.errors import Refused
from roomsync.operations import front_desk as desk
from roomsync.operations import stay_changes as ops
from roomsync.operations.front_desk import Clock


def run_command(uow: FakeUnitOfWork, clock: Clock, op: tuple) -> bool:
    return run_in_unit_of_work(uow, lambda: apply(uow, clock, op), op)

TODAY = date(2026, 11, 27)
NOW = "2026-11-27T09:30:00Z"
ROOMS = ("101", "102", "103", "104")
TYPES = [None, "Double", "double", "Suite"]
ASKED_TYPES = ["double", "DOUBLE", "Suite", "Twin"]


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


# ---------------------------------------------------------------------------------------
# (a) availability and book agree
# ---------------------------------------------------------------------------------------

@st.composite
def small_hotels(draw) -> tuple[list[Room], list[Booking]]:
    count = draw(st.integers(min_value=1, max_value=len(ROOMS)))
    rooms = [Room(number, draw(st.sampled_from(list(RoomStatus))), draw(st.sampled_from(TYPES)))
             for number in ROOMS[:count]]
    bookings = []
    for i in range(draw(st.integers(min_value=0, max_value=7))):
        number = draw(st.sampled_from([r.number for r in rooms] * 3 + ["999"]))
        arrive = draw(st.integers(min_value=-5, max_value=6))
        nights = draw(st.integers(min_value=0, max_value=4))  # 0: an active stay without nights (a problem)
        status = draw(st.sampled_from(list(BookingStatus)))
        bookings.append(Booking(f"B-{i + 1:06d}", number, f"Guest {i}", day(arrive), day(arrive + nights), status))
    return rooms, bookings


def fresh(rooms: list[Room], bookings: list[Booking]) -> FakeUnitOfWork:
    return FakeUnitOfWork(copy.deepcopy(rooms), copy.deepcopy(bookings))


def refusal_code(action) -> str | None:
    try:
        action()
    except Refused as refused:
        return refused.code
    return None


@settings(deadline=None, max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(hotel=small_hotels(), arrive=st.integers(min_value=-2, max_value=6),
       nights=st.integers(min_value=-1, max_value=4),
       room_type=st.sampled_from([None, *ASKED_TYPES]))
def test_availability_lists_exactly_the_rooms_book_accepts(hotel, arrive, nights, room_type):
    rooms, bookings = hotel
    clock = Clock(TODAY, NOW)
    arrival, departure = day(arrive), day(arrive + nights)

    def listed() -> list[Room]:
        return ops.bookable_rooms(fresh(rooms, bookings), TODAY, arrival, departure, room_type)

    def book(number: str):
        return lambda: desk.book(fresh(rooms, bookings), clock, number, "New Guest", arrival, departure)

    date_code = refusal_code(listed)
    if date_code is not None:
        # the date refusals of book apply first, for availability, book R and book --type alike
        assert date_code == "INVALID_DATES"
        assert departure <= arrival or arrival < TODAY
        for room in rooms:
            assert refusal_code(book(room.number)) == "INVALID_DATES", room.number
        if room_type is not None:
            assert refusal_code(lambda: ops.book_by_type(fresh(rooms, bookings), clock, room_type, "G",
                                                         arrival, departure)) == "INVALID_DATES"
        return

    offered = [room.number for room in listed()]
    wanted = [room.number for room in rooms
              if room_type is None or (room.type is not None and room.type.casefold() == room_type.casefold())]
    accepted = []
    for number in wanted:
        code = refusal_code(book(number))
        assert code in (None, "ROOM_OUT_OF_SERVICE", "DOUBLE_BOOKING"), (number, code)
        if code is None:
            accepted.append(number)
    assert offered == accepted  # same rooms, in file order
    # a room under maintenance now is offered exactly when the stay is wholly in the future
    for number in offered:
        status = next(r.status for r in rooms if r.number == number)
        if status in (RoomStatus.MAINTENANCE, RoomStatus.OUT_OF_SERVICE):
            assert arrival > TODAY

    if room_type is not None:
        uow = fresh(rooms, bookings)
        code = refusal_code(lambda: ops.book_by_type(uow, clock, room_type, "G", arrival, departure))
        if offered:
            assert code is None
            new = uow.bookings.all()[-1]
            assert (new.room, new.arrival, new.departure, new.status) == \
                (offered[0], arrival, departure, BookingStatus.RESERVED)
        else:
            assert code == "NO_ROOM_AVAILABLE"
            assert len(uow.bookings.all()) == len(bookings)


# ---------------------------------------------------------------------------------------
# (b) random front-desk days with every operation
# ---------------------------------------------------------------------------------------

UNKNOWN_ID = "B-999999"
KINDS = (["book"] * 4 + ["book_by_type"] * 2 + ["check_in", "check_in_booking"] * 2
         + ["walk_in", "check_out", "check_out", "cancel", "no_show", "housekeeping"]
         + ["move"] * 3 + ["amend"] * 3 + ["undo_check_in"] * 2 + ["reinstate"] * 2 + ["night_audit"])
CLOSED_OR_NOT = [RoomStatus.AVAILABLE, RoomStatus.AVAILABLE, RoomStatus.CLEAN, RoomStatus.DIRTY,
                 RoomStatus.MAINTENANCE, RoomStatus.OUT_OF_SERVICE]
room_numbers = st.sampled_from(ROOMS[:3] * 2 + ("999",))
arrive_offsets = st.sampled_from([0, 0, 1, 2, 3, -1])     # -1 is refused by book
stay_nights = st.sampled_from([1, 2, 3, 4, 0])            # 0 is refused by book


def draw_operation(data: st.DataObject, uow: FakeUnitOfWork) -> tuple:
    existing = [b.id for b in uow.bookings.all()]
    ids = st.sampled_from(existing * 4 + [UNKNOWN_ID])
    maybe_id = st.one_of(st.none(), ids)
    kind = data.draw(st.sampled_from(KINDS), label="kind")
    if kind == "book":
        return kind, data.draw(room_numbers), data.draw(arrive_offsets), data.draw(stay_nights)
    if kind == "book_by_type":
        return kind, data.draw(st.sampled_from(ASKED_TYPES)), data.draw(arrive_offsets), data.draw(stay_nights)
    if kind == "check_in":
        return kind, data.draw(room_numbers), data.draw(maybe_id), data.draw(st.booleans())
    if kind == "check_in_booking":
        return kind, data.draw(ids), data.draw(st.booleans())
    if kind == "walk_in":
        return kind, data.draw(room_numbers), data.draw(st.integers(1, 3)), data.draw(st.booleans())
    if kind == "check_out":
        return kind, data.draw(room_numbers), data.draw(maybe_id)
    if kind in ("cancel", "no_show", "undo_check_in", "reinstate"):
        return kind, data.draw(ids)
    if kind == "housekeeping":
        return kind, data.draw(room_numbers), data.draw(st.sampled_from(list(RoomStatus))), data.draw(st.booleans())
    if kind == "move":
        return kind, data.draw(ids), data.draw(room_numbers), data.draw(st.booleans())
    if kind == "amend":
        arrival = data.draw(st.one_of(st.none(), st.integers(-2, 4)), label="arrival")
        leave = data.draw(st.one_of(st.none(), st.tuples(st.sampled_from(["departure", "nights"]),
                                                          st.integers(-1, 5))), label="leave")
        guest = data.draw(st.sampled_from([None, None, "Renamed"]), label="guest")
        return kind, data.draw(ids), arrival, leave, guest
    return (kind,)


def apply(uow: FakeUnitOfWork, clock: Clock, op: tuple) -> None:
    """The §7 operations; the §3 ones run as the core property test runs them."""
    kind, *args = op
    today = clock.today
    if kind == "book_by_type":
        room_type, arrive, stay = args
        arrival = today + timedelta(days=arrive)
        ops.book_by_type(uow, clock, room_type, "Typed Guest", arrival, arrival + timedelta(days=stay))
    elif kind in ("undo_check_in", "reinstate"):
        getattr(ops, kind)(uow, clock, args[0])
    elif kind == "move":
        booking_id, number, force = args
        ops.move(uow, clock, booking_id, number, force=force)
    elif kind == "amend":
        booking_id, arrive, leave, guest = args
        arrival = None if arrive is None else today + timedelta(days=arrive)
        departure = nights = None
        if leave is not None and leave[0] == "departure":
            departure = today + timedelta(days=leave[1])
        elif leave is not None:
            nights = leave[1] if leave[1] > 0 else 1  # the CLI refuses a non-positive --nights (exit 2)
        ops.amend(uow, clock, booking_id, arrival=arrival, departure=departure, nights=nights, guest=guest)
    elif kind == "night_audit":
        ops.night_audit(uow, clock)
    else:
        apply_core(uow, clock, op)


@settings(deadline=None, max_examples=120, suppress_health_check=[HealthCheck.too_slow])
@given(statuses=st.lists(st.sampled_from(CLOSED_OR_NOT), min_size=3, max_size=3),
       types=st.lists(st.sampled_from(TYPES), min_size=3, max_size=3),
       steps=st.integers(min_value=1, max_value=40), data=st.data())
def test_front_desk_days_keep_statuses_derived_and_never_add_overlaps(statuses, types, steps, data):
    uow = FakeUnitOfWork([Room(n, s, t) for n, s, t in zip(ROOMS, statuses, types, strict=False)])
    live_days(uow, data, steps, draw_operation, run_command, advance_one_in=6)


def test_moving_a_departing_guest_next_to_a_stale_reservation_adds_no_overlap():
    """The shortest day hypothesis finds for (b): two one-night stays booked today, one
    checked in; the next day (cron's reconcile ran, no night audit) the departing guest is
    moved into the room of the reservation that never arrived."""
    uow = FakeUnitOfWork([Room(n, RoomStatus.AVAILABLE) for n in ROOMS[:3]])
    clock = Clock(TODAY, NOW)
    assert run_command(uow, clock, ("book", "102", 0, 1))              # B-000001
    assert run_command(uow, clock, ("book", "101", 0, 1))              # B-000002
    assert run_command(uow, clock, ("check_in_booking", "B-000001", False))
    tomorrow = Clock(TODAY + timedelta(days=1), NOW)
    assert run_command(uow, tomorrow, ("reconcile",))
    before = overlapping_pairs(uow, tomorrow.today)
    run_command(uow, tomorrow, ("move", "B-000001", "101", False))
    assert overlapping_pairs(uow, tomorrow.today) <= before
    report = reconcile(uow.rooms.all(), uow.bookings.all(), tomorrow.today)
    assert report.fixes == [] and [p.code for p in report.problems] == []
