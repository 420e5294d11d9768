"""The front desk's use cases of SPEC §3: one function each, run inside a unit of work.

Each function checks the refusals in the SPEC's order, changes bookings and rooms, and
re-derives every room it touched with the §2 rule, so booking and room change together in
the caller's one commit. No operation commits: the caller owns the unit of work and commits
it once (or, for a dry run, leaves it without committing, which writes nothing). Every
stamp an operation writes is its `Clock`'s `now`, read once per command.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from roomsync.domain import rules
from roomsync.domain.calendar import Clock, stay_departure
from roomsync.domain.model import Booking, BookingStatus, Room, RoomStatus
from roomsync.domain.reconcile import Report, reconcile
from roomsync.domain.sample import sample_hotel
from roomsync.domain.status import expected_status
from roomsync.errors import AlreadyExists, Refused
from roomsync.operations import queries
from roomsync.storage.base import UnitOfWork


@dataclass(slots=True)
class BookingChange:
    booking: Booking
    room: Room | None
    from_room: Room | None = None
    moved: bool = False
    """A move: the JSON document carries `from_room` (null when the old room does not exist)."""


def room_or_refuse(uow: UnitOfWork, number: str) -> Room:
    room = uow.rooms.get(number)
    if room is None:
        raise rules.unknown_room(number)
    return room


def booking_or_refuse(uow: UnitOfWork, booking_id: str) -> Booking:
    booking = queries.booking_named(uow, booking_id)
    if booking is None:
        raise rules.unknown_booking(booking_id)
    return booking


def rederive(uow: UnitOfWork, room: Room | None, today: date) -> None:
    """Apply the §2 rule to one room, recording the change and its reason."""
    if room is None:
        return
    status, reason = expected_status(room, uow.bookings.active_in(room.number), today)
    if status is not room.status:
        room.status = status
        uow.rooms.save(room, reason)


def save_booking(uow: UnitOfWork, booking: Booking, clock: Clock) -> None:
    """Mark a changed booking for the commit, stamped with the wall clock."""
    booking.stamp("updated_at", clock.now)
    uow.bookings.save(booking)


def settle(uow: UnitOfWork, booking: Booking, clock: Clock) -> BookingChange:
    """Save a changed booking and re-derive its room, in the same commit."""
    save_booking(uow, booking, clock)
    room = uow.rooms.get(booking.room)
    rederive(uow, room, clock.today)
    return BookingChange(booking, room)


def set_by_hand(uow: UnitOfWork, room: Room, status: RoomStatus, reason: str, today: date) -> None:
    """The few statuses SPEC lets a person set (housekeeping, a guest leaving), then §2."""
    if room.status is not status:
        room.status = status
        uow.rooms.save(room, reason)
    rederive(uow, room, today)


def init(uow: UnitOfWork, clock: Clock, *, sample: bool, force: bool) -> tuple[int, int]:
    if uow.exists() and not force:
        raise AlreadyExists(f"{uow.location} already holds a hotel; pass --force to replace it.")
    rooms, bookings = sample_hotel(clock.today, clock.now) if sample else ([], [])
    for booking in bookings:
        booking.id = uow.bookings.next_id()
    uow.replace_all(rooms, bookings)
    return len(rooms), len(bookings)


def new_booking(uow: UnitOfWork, room: str, guest: str, arrival: date, departure: date, clock: Clock) -> Booking:
    booking_id = uow.bookings.next_id()
    booking = Booking(booking_id, room, guest, arrival, departure, BookingStatus.RESERVED)
    booking.stamp("created_at", clock.now)
    booking.stamp("updated_at", clock.now)
    return booking


def book(uow: UnitOfWork, clock: Clock, number: str, guest: str, arrival: date, departure: date | None = None,
         *, nights: int | None = None) -> BookingChange:
    """A new reservation; `nights` (instead of `departure`) is counted after the room is
    known, so an unknown room is named before a stay that runs past the calendar."""
    room = room_or_refuse(uow, number)
    if departure is None:
        departure = stay_departure(arrival, nights or 0, f"Room {number}")
    rules.check_stay_dates(arrival, departure, clock.today, f"Room {number}")
    refusal = rules.booking_refusal(room, uow.bookings.active_in(number), arrival, departure, clock.today)
    if refusal:
        raise refusal
    booking = new_booking(uow, number, guest, arrival, departure, clock)
    uow.bookings.add(booking)
    rederive(uow, room, clock.today)
    return BookingChange(booking, room)


def check_in(uow: UnitOfWork, clock: Clock, number: str, *, booking_id: str | None = None,
             force: bool = False) -> BookingChange:
    room = room_or_refuse(uow, number)
    bookings = uow.bookings.active_in(number)
    rules.check_room_ready_for_guest(room, bookings, force)
    booking = rules.reservation_to_check_in(room, bookings, clock.today, booking_id)
    _mark_checked_in(uow, booking, clock)
    rederive(uow, room, clock.today)
    return BookingChange(booking, room)


def walk_in(uow: UnitOfWork, clock: Clock, number: str, guest: str, nights: int, *,
            force: bool = False) -> BookingChange:
    room = room_or_refuse(uow, number)
    bookings = uow.bookings.active_in(number)
    rules.check_room_ready_for_guest(room, bookings, force)
    arrival, departure = clock.today, stay_departure(clock.today, nights, f"Room {number}")
    rules.check_stay_dates(arrival, departure, clock.today, f"Room {number}")
    other = rules.conflicting_booking((arrival, departure), bookings, clock.today)
    if other is not None:
        raise rules.double_booking(room, other)
    booking = new_booking(uow, number, guest, arrival, departure, clock)
    uow.bookings.add(booking)
    _mark_checked_in(uow, booking, clock)
    rederive(uow, room, clock.today)
    return BookingChange(booking, room)


def _mark_checked_in(uow: UnitOfWork, booking: Booking, clock: Clock) -> None:
    booking.status = BookingStatus.CHECKED_IN
    booking.stamp("checked_in_at", clock.now)
    save_booking(uow, booking, clock)


def check_out(uow: UnitOfWork, clock: Clock, number: str, *, booking_id: str | None = None) -> BookingChange:
    room = room_or_refuse(uow, number)
    booking = rules.guest_to_check_out(room, uow.bookings.active_in(number), booking_id)
    booking.status = BookingStatus.CHECKED_OUT
    booking.stamp("checked_out_at", clock.now)
    save_booking(uow, booking, clock)
    set_by_hand(uow, room, RoomStatus.DIRTY, f"Guest checked out ({booking.id})", clock.today)
    return BookingChange(booking, room)


def _finish_reservation(uow: UnitOfWork, clock: Clock, booking_id: str, status: BookingStatus,
                        action: str) -> BookingChange:
    booking = booking_or_refuse(uow, booking_id)
    rules.require_status(booking, {BookingStatus.RESERVED}, action)
    if status is BookingStatus.NO_SHOW and booking.arrival > clock.today:
        raise Refused("INVALID_TRANSITION",
                            f"Booking {booking.id} arrives on {booking.arrival}; it cannot be a no-show before then.")
    booking.status = status
    return settle(uow, booking, clock)


def cancel(uow: UnitOfWork, clock: Clock, booking_id: str) -> BookingChange:
    return _finish_reservation(uow, clock, booking_id, BookingStatus.CANCELLED, "cancelled")


def no_show(uow: UnitOfWork, clock: Clock, booking_id: str) -> BookingChange:
    return _finish_reservation(uow, clock, booking_id, BookingStatus.NO_SHOW, "marked a no-show")


def delete(uow: UnitOfWork, clock: Clock, booking_id: str) -> BookingChange:
    booking = booking_or_refuse(uow, booking_id)
    if booking.status is BookingStatus.CHECKED_IN:
        raise Refused("INVALID_TRANSITION",
                            f"Booking {booking.id} is checked in; check the guest out before deleting it.")
    uow.bookings.remove(booking)
    room = uow.rooms.get(booking.room)
    rederive(uow, room, clock.today)
    return BookingChange(booking, room)


def housekeeping(uow: UnitOfWork, clock: Clock, number: str, status: RoomStatus, *, force: bool = False) -> Room:
    room = room_or_refuse(uow, number)
    bookings = uow.bookings.active_in(number)
    rules.check_housekeeping(room, bookings, status, clock.today, force)
    set_by_hand(uow, room, status, "Housekeeping", clock.today)
    return room


def run_reconcile(uow: UnitOfWork, clock: Clock, *, fix: bool) -> Report:
    """Judge every room; with `fix`, make reconcile's fixes in the unit of work (`applied`)."""
    rooms = uow.rooms.all()
    report = reconcile(rooms, uow.bookings.active(), clock.today)
    if fix:
        make_fixes(uow, rooms, report)
        report.applied = True
    add_channel_findings(uow, clock, report)
    return report


def add_channel_findings(uow: UnitOfWork, clock: Clock, report: Report) -> None:
    """Stored channel conflicts are problems, stale feeds warnings (SPEC §9)."""
    from roomsync.operations.sync import channel_findings

    problems, warnings = channel_findings(uow, clock)
    report.problems += problems
    report.warnings += warnings


def make_fixes(uow: UnitOfWork, rooms: list[Room], report: Report) -> None:
    """Set each room reconcile found drifting to the status §2 derives, with its reason."""
    by_number = {room.number: room for room in rooms}
    for change in report.fixes:
        room = by_number[change.room]
        room.status = change.after
        uow.rooms.save(room, change.reason)
