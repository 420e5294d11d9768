"""The one rule for a room's status (SPEC §2): what it must be, given its stored status, its
bookings and the day. Pure: reconcile, every operation and the views apply this one function.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from roomsync.domain.model import OUT_OF_ORDER, Booking, BookingStatus, Room, RoomStatus
from roomsync.domain.stays import is_due

NO_GUEST = "No checked-in guest found"
NO_RESERVATION = "No active reservations found"
GUEST_IN_HOUSE = "Guest checked in"
RESERVATION_DUE = "Reservation due today"


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
