"""Stays, due reservations and the one rule for a room's status (SPEC §2).

Every function here is pure: it takes rooms, bookings and a day, and returns an answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from roomsync.domain.calendar import add_days
from roomsync.domain.model import (
    ACTIVE,
    OUT_OF_ORDER,
    Booking,
    BookingStatus,
    Room,
    RoomStatus,
)

NO_GUEST = "No checked-in guest found"
NO_RESERVATION = "No active reservations found"
GUEST_IN_HOUSE = "Guest checked in"
RESERVATION_DUE = "Reservation due today"


def is_due(booking: Booking, day: date) -> bool:
    """A reservation is due on `day` when it is Reserved and the day is one of its nights."""
    return booking.status is BookingStatus.RESERVED and booking.arrival <= day < booking.departure


def held_nights(booking: Booking, today: date) -> tuple[date, date]:
    """The half-open range of nights an active booking holds.

    A guest still in house after their departure day holds the room up to and including
    tonight; on the departure day itself they hold only their booked nights. On the
    calendar's last day (9999-12-31) tonight has no morning after, so such a guest's stay
    cannot be written down: INVALID_DATES naming the booking (every view and rule that asks
    refuses alike, rather than guess which night the guest holds).
    """
    if booking.status is BookingStatus.CHECKED_IN and booking.departure < today:
        return booking.arrival, add_days(today, 1, f"Booking {booking.id} in room {booking.room} is past its "
                                                   f"departure and holds the room through tonight: the morning "
                                                   f"after {today}",
                                                  advice="choose an earlier today, or check the guest out")
    return booking.arrival, booking.departure


def ranges_overlap(a: tuple[date, date], b: tuple[date, date]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def stays_overlap(a: Booking, b: Booking, today: date) -> bool:
    return ranges_overlap(held_nights(a, today), held_nights(b, today))


def holds_night(booking: Booking, night: date, today: date) -> bool:
    """Whether a booking fills `night` on a listing or chart (history included for past nights)."""
    if booking.status in ACTIVE:
        start, end = held_nights(booking, today)
        return start <= night < end
    if booking.status is BookingStatus.CHECKED_OUT and night < today:
        return booking.arrival <= night < booking.departure
    return False


def guests_in(bookings: Iterable[Booking]) -> list[Booking]:
    return [b for b in bookings if b.status is BookingStatus.CHECKED_IN]


def due_reservations(bookings: Iterable[Booking], day: date) -> list[Booking]:
    return [b for b in bookings if is_due(b, day)]


def expected_status(room: Room, bookings: Iterable[Booking], today: date) -> tuple[RoomStatus, str | None]:
    """What the room's status must be (SPEC §2), with the reason when it differs from stored.

    `bookings` are the bookings naming this room; others are ignored.
    """
    checked_in = False
    due = False
    for booking in bookings:
        if booking.room != room.number:
            continue
        if booking.status is BookingStatus.CHECKED_IN:
            checked_in = True
        elif is_due(booking, today):
            due = True
    stored = room.status
    if checked_in:
        return RoomStatus.OCCUPIED, None if stored is RoomStatus.OCCUPIED else GUEST_IN_HOUSE
    if stored in OUT_OF_ORDER or stored is RoomStatus.DIRTY:
        return stored, None
    if due:
        return RoomStatus.RESERVED, None if stored is RoomStatus.RESERVED else RESERVATION_DUE
    if stored is RoomStatus.OCCUPIED:
        return RoomStatus.AVAILABLE, NO_GUEST
    if stored is RoomStatus.RESERVED:
        return RoomStatus.AVAILABLE, NO_RESERVATION
    return stored, None
