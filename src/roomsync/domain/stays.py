"""Stays: the nights a booking holds, due reservations, overlaps (SPEC §2 "Stays and overlaps").

Every function here is pure: it takes rooms, bookings and a day, and returns an answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from roomsync.domain.calendar import add_days
from roomsync.domain.model import (
    ACTIVE,
    Booking,
    BookingStatus,
)


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
