"""Rooms and bookings as the front desk sees them: typed, pure, no I/O.

Each object remembers the record it was read from (`record`), so that unknown fields keep
their values and their place among the keys when it is written back (SPEC §1 "kept verbatim").
"""

from __future__ import annotations

from dataclasses import dataclass
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


def _merge(base: dict[str, Any], core: dict[str, Any]) -> dict[str, Any]:
    """The record with its core fields updated in place and missing ones appended."""
    merged: dict[str, Any] = {}
    for key, value in base.items():
        merged[key] = core.pop(key) if key in core else value
    merged.update(core)
    return merged


@dataclass(slots=True, eq=False)
class Room:
    number: str
    status: RoomStatus
    type: str | None = None
    record: dict[str, Any] | None = None

    def as_record(self) -> dict[str, Any]:
        core: dict[str, Any] = {"number": self.number, "status": self.status.value}
        if self.type is not None:
            core["type"] = self.type
        return _merge(self.record or {}, core)

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
    record: dict[str, Any] | None = None
    extra: dict[str, Any] | None = None
    """Copy of `record` made on the first stamp, so the loaded record stays as read."""

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    def stamp(self, field: str, value: str | None) -> None:
        """Set (or with None remove) an optional field such as `checked_in_at`."""
        if self.extra is None:
            self.extra = dict(self.record or {})
        if value is None:
            self.extra.pop(field, None)
        else:
            self.extra[field] = value

    def field(self, name: str) -> Any:
        source = self.extra if self.extra is not None else (self.record or {})
        return source.get(name)

    def as_record(self) -> dict[str, Any]:
        core = {
            "id": self.id,
            "room": self.room,
            "guest": self.guest,
            "arrival": self.arrival.isoformat(),
            "departure": self.departure.isoformat(),
            "status": self.status.value,
        }
        base = self.extra if self.extra is not None else (self.record or {})
        return _merge(base, core)
