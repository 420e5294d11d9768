"""Property tests of the §2 rule and of the front desk's operations (hypothesis).

(a) `expected_status` is a fixed point once applied.
(b) Any sequence of operations keeps the hotel consistent: every room's stored status is the
    one §2 derives (reconcile has nothing to fix) and no two active bookings of one room hold
    the same night; a refused operation raises `RoomsyncError` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from fakes import FakeUnitOfWork, overlapping_pairs
from fakes import run_command as run_in_unit_of_work
from hypothesis import given, settings
from hypothesis import strategies as st

from roomsync.domain.model import Booking, BookingStatus, Room, RoomStatus
from roomsync.domain.reconcile import reconcile
from roomsync.domain.status import expected_status
from roomsync.domain.stays import is_due
from roomsync.operations import front_desk as desk
from roomsync.operations.front_desk import Clock


def run_command(uow: FakeUnitOfWork, clock: Clock, op: tuple) -> bool:
    return run_in_unit_of_work(uow, lambda: apply(uow, clock, op), op)

TODAY = date(2026, 11, 27)
NOW = "2026-11-27T09:30:00Z"
ROOMS = ("101", "102", "103")
READY_OR_CLOSED = [RoomStatus.AVAILABLE, RoomStatus.AVAILABLE, RoomStatus.CLEAN, RoomStatus.DIRTY,
                   RoomStatus.MAINTENANCE, RoomStatus.OUT_OF_SERVICE]

# ---------------------------------------------------------------------------------------
# (a) the status rule is idempotent
# ---------------------------------------------------------------------------------------

offsets = st.integers(min_value=-6, max_value=6)


@st.composite
def room_bookings(draw, number: str = "101") -> list[Booking]:
    bookings = []
    for i in range(draw(st.integers(min_value=0, max_value=4))):
        arrive = draw(offsets)
        nights = draw(st.integers(min_value=0, max_value=5))
        status = draw(st.sampled_from(list(BookingStatus)))
        bookings.append(Booking(f"B{i}", number, "Guest", TODAY + timedelta(days=arrive),
                                TODAY + timedelta(days=arrive + nights), status))
    return bookings


@settings(deadline=None, max_examples=300)
@given(stored=st.sampled_from(list(RoomStatus)), bookings=room_bookings(), shift=offsets)
def test_expected_status_applied_once_needs_no_further_change(stored, bookings, shift):
    today = TODAY + timedelta(days=shift)
    room = Room("101", stored)
    first, _ = expected_status(room, bookings, today)
    room.status = first
    assert expected_status(room, bookings, today) == (first, None)


@settings(deadline=None, max_examples=300)
@given(stored=st.sampled_from(list(RoomStatus)), bookings=room_bookings(), shift=offsets)
def test_expected_status_is_occupied_exactly_when_a_guest_is_checked_in(stored, bookings, shift):
    today = TODAY + timedelta(days=shift)
    status, _ = expected_status(Room("101", stored), bookings, today)
    guest_in = any(b.status is BookingStatus.CHECKED_IN for b in bookings)
    assert (status is RoomStatus.OCCUPIED) == guest_in
    if status is RoomStatus.RESERVED:
        assert any(is_due(b, today) for b in bookings)


@settings(deadline=None, max_examples=300)
@given(stored=st.sampled_from(list(RoomStatus)), bookings=room_bookings(), shift=offsets)
def test_expected_status_explains_every_change_and_only_changes(stored, bookings, shift):
    today = TODAY + timedelta(days=shift)
    status, reason = expected_status(Room("101", stored), bookings, today)
    assert (status is not stored) == (reason is not None)


# ---------------------------------------------------------------------------------------
# (b) random front-desk days
# ---------------------------------------------------------------------------------------

UNKNOWN_ID = "B-999999"
# weighted so that reservations exist and get checked in often enough to matter
KINDS = ["book"] * 4 + ["check_in", "check_in_booking"] * 2 + [
    "walk_in", "check_out", "check_out", "cancel", "no_show", "delete", "housekeeping", "reconcile"]
# mostly real rooms, sometimes one that does not exist
room_numbers = st.sampled_from(ROOMS + ROOMS + ("999",))
arrivals = st.sampled_from([0, 1, 2, 3, -1])  # days from today; -1 is refused
nights = st.sampled_from([1, 2, 3, 4, 0])  # 0 is refused
hotels = st.lists(st.sampled_from(READY_OR_CLOSED), min_size=len(ROOMS), max_size=len(ROOMS))


def draw_operation(data: st.DataObject, uow: FakeUnitOfWork) -> tuple:
    """One front-desk command, its arguments drawn from the hotel as it is now."""
    existing = [b.id for b in uow.bookings.all()]
    ids = st.sampled_from(existing * 4 + [UNKNOWN_ID])  # mostly a booking that exists
    maybe_id = st.one_of(st.none(), ids)
    kind = data.draw(st.sampled_from(KINDS), label="kind")
    if kind == "book":
        return kind, data.draw(room_numbers), data.draw(arrivals), data.draw(nights)
    if kind == "check_in":
        return kind, data.draw(room_numbers), data.draw(maybe_id), data.draw(st.booleans())
    if kind == "check_in_booking":  # checkin --booking ID in the room that booking names
        return kind, data.draw(ids), data.draw(st.booleans())
    if kind == "walk_in":
        return kind, data.draw(room_numbers), data.draw(st.integers(1, 3)), data.draw(st.booleans())
    if kind == "check_out":
        return kind, data.draw(room_numbers), data.draw(maybe_id)
    if kind in ("cancel", "no_show", "delete"):
        return kind, data.draw(ids)
    if kind == "housekeeping":
        return kind, data.draw(room_numbers), data.draw(st.sampled_from(list(RoomStatus))), data.draw(st.booleans())
    return (kind,)


def apply(uow: FakeUnitOfWork, clock: Clock, op: tuple) -> None:
    kind, *args = op
    if kind == "book":
        number, arrive, stay = args
        arrival = clock.today + timedelta(days=arrive)
        desk.book(uow, clock, number, "Guest", arrival, arrival + timedelta(days=stay))
    elif kind == "check_in":
        number, chosen, force = args
        desk.check_in(uow, clock, number, booking_id=chosen, force=force)
    elif kind == "check_in_booking":
        chosen, force = args
        found = uow.bookings.get(chosen)
        desk.check_in(uow, clock, found.room if found else "999", booking_id=chosen, force=force)
    elif kind == "walk_in":
        number, stay, force = args
        desk.walk_in(uow, clock, number, "Walker", stay, force=force)
    elif kind == "check_out":
        number, chosen = args
        desk.check_out(uow, clock, number, booking_id=chosen)
    elif kind in ("cancel", "no_show", "delete"):
        getattr(desk, kind)(uow, clock, args[0])
    elif kind == "housekeeping":
        number, status, force = args
        desk.housekeeping(uow, clock, number, status, force=force)
    elif kind == "reconcile":
        desk.run_reconcile(uow, clock, fix=True)
    else:  # pragma: no cover
        raise AssertionError(kind)


def guests_per_room(uow: FakeUnitOfWork) -> list[str]:
    return [b.room for b in uow.bookings.all() if b.status is BookingStatus.CHECKED_IN]


def make_hotel(statuses: list[RoomStatus]) -> FakeUnitOfWork:
    return FakeUnitOfWork([Room(number, status) for number, status in zip(ROOMS, statuses, strict=False)])


@settings(deadline=None, max_examples=150)
@given(statuses=hotels, steps=st.integers(min_value=1, max_value=40), data=st.data())
def test_operations_on_one_day_keep_statuses_derived_and_stays_apart(statuses, steps, data):
    uow = make_hotel(statuses)
    clock = Clock(TODAY, NOW)
    for _ in range(steps):
        op = draw_operation(data, uow)
        run_command(uow, clock, op)
        report = reconcile(uow.rooms.all(), uow.bookings.all(), TODAY)
        assert report.fixes == [], f"after {op}: {[f.as_json() for f in report.fixes]}"
        assert overlapping_pairs(uow, TODAY) == set(), f"after {op}"
        assert len(guests_per_room(uow)) == len(set(guests_per_room(uow))), f"after {op}: two guests in a room"
        # the only problem an operation may leave is the one housekeeping --force accepts
        assert {p.code for p in report.problems} <= {"ROOM_OUT_OF_SERVICE"}, f"after {op}"


@settings(deadline=None, max_examples=150)
@given(statuses=hotels, steps=st.integers(min_value=1, max_value=40), data=st.data())
def test_operations_over_days_with_nightly_fix_keep_statuses_derived(statuses, steps, data):
    """Days pass; after each advance `reconcile --fix` runs (as cron does).

    A guest who does not leave holds the room through tonight (§2), so time alone may make
    an overstay run into a later reservation: that is the only overlap allowed, and no
    operation ever adds one.
    """
    live_days(make_hotel(statuses), data, steps, draw_operation, run_command, advance_one_in=5)


def live_days(uow: FakeUnitOfWork, data: st.DataObject, steps: int, draw: Callable[..., tuple],
              run: Callable[[FakeUnitOfWork, Clock, tuple], bool], *, advance_one_in: int) -> None:
    """Run `steps` random operations, now and then letting days pass (then `reconcile --fix`
    runs, as cron does), and check after each: nothing to fix, no overlap added, any overlap
    due to an overstay, one guest a room, no problem but those time or `--force` may leave."""
    today = TODAY
    for _ in range(steps):
        before = overlapping_pairs(uow, today)
        if data.draw(st.integers(0, advance_one_in - 1), label="advance?") == 0:
            today += timedelta(days=data.draw(st.integers(1, 2), label="days"))
            op: tuple = ("advance", today)
            assert run(uow, Clock(today, NOW), ("reconcile",))
        else:
            op = draw(data, uow)
            run(uow, Clock(today, NOW), op)
            added = overlapping_pairs(uow, today) - before
            assert not added, f"{op} added the overlap {added}"
        report = reconcile(uow.rooms.all(), uow.bookings.all(), today)
        assert report.fixes == [], f"after {op}: {[f.as_json() for f in report.fixes]}"
        by_id = {b.id: b for b in uow.bookings.all()}
        for pair in overlapping_pairs(uow, today):
            assert any(by_id[i].status is BookingStatus.CHECKED_IN and by_id[i].departure < today for i in pair), \
                f"after {op}: {pair} overlap and neither is an overstay"
        assert len(guests_per_room(uow)) == len(set(guests_per_room(uow))), f"after {op}: two guests in a room"
        assert {p.code for p in report.problems} <= {"ROOM_OUT_OF_SERVICE", "DOUBLE_BOOKING"}, \
            f"after {op}: {[p.as_json() for p in report.problems]}"
