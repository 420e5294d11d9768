"""Rooms and bookings as the front desk sees them: typed, pure, no I/O.

Besides its typed facts, each object carries `details`: the other facts the hotel keeps on
it (floor, notes, stamps such as `checked_in_at`, channel links, fields roomsync does not
know), in their order. How they are laid out in a file is the store's business.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class RoomStatus(StrEnum):
    AVAILABLE = "AVAILABLE"
    CLEAN = "CLEAN"
    RESERVED = "RESERVED"
    OCCUPIED = "OCCUPIED"
    DIRTY = "DIRTY"
    MAINTENANCE = "MAINTENANCE"
    OUT_OF_SERVICE = "OUT_OF_SERVICE"


class BookingStatus(StrEnum):
    RESERVED = "Reserved"
    CHECKED_IN = "CheckedIn"
    CHECKED_OUT = "CheckedOut"
    CANCELLED = "Cancelled"
    NO_SHOW = "NoShow"


ACTIVE = frozenset({BookingStatus.RESERVED, BookingStatus.CHECKED_IN})
OUT_OF_ORDER = frozenset({RoomStatus.MAINTENANCE, RoomStatus.OUT_OF_SERVICE})
DERIVED = frozenset({RoomStatus.RESERVED, RoomStatus.OCCUPIED})

_BY_NAME_ROOM = {s.value.casefold(): s for s in RoomStatus}
_BY_NAME_BOOKING = {s.value.casefold(): s for s in BookingStatus}


def room_status_named(name: str) -> RoomStatus:
    """Read a room status given on the command line, case-insensitively."""
    return _BY_NAME_ROOM[name.strip().casefold().replace("-", "_")]


def booking_status_named(name: str) -> BookingStatus:
    """Read a booking status given on the command line, case-insensitively."""
    return _BY_NAME_BOOKING[name.strip().casefold().replace("-", "").replace("_", "")]


@dataclass(slots=True, eq=False)
class Room:
    number: str
    status: RoomStatus
    type: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def matches_type(self, room_type: str) -> bool:
        return self.type is not None and self.type.casefold() == room_type.casefold()


@dataclass(slots=True, eq=False)
class Booking:
    id: str
    room: str
    guest: str
    arrival: date
    departure: date
    status: BookingStatus
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    def stamp(self, name: str, value: str | None) -> None:
        """Set (or with None remove) an optional fact such as `checked_in_at`."""
        if value is None:
            self.details.pop(name, None)
        else:
            self.details[name] = value

    def field(self, name: str) -> Any:
        return self.details.get(name)
