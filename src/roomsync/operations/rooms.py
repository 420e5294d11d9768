"""Adding and removing rooms: how a hotel made with `init` gets its rooms, and how one leaves.

A new room goes at the end, in file order; it is re-derived at once, since an active booking
may already name its number (a problem until now). A removed room's finished bookings keep
its number as history.
"""

from __future__ import annotations

from roomsync.domain import rules
from roomsync.domain.calendar import Clock
from roomsync.domain.model import Room, RoomStatus
from roomsync.errors import AlreadyExists, UsageError
from roomsync.operations.front_desk import rederive, room_or_refuse
from roomsync.storage.base import UnitOfWork


def add_room(uow: UnitOfWork, clock: Clock, number: str, *, room_type: str | None = None,
             floor: int | None = None, status: RoomStatus = RoomStatus.AVAILABLE) -> Room:
    """A new room, appended; refused with ALREADY_EXISTS when the number is taken."""
    if not number.strip() or number != number.strip():
        raise UsageError(f"room number {number!r} must be non-empty with no surrounding spaces")
    if uow.rooms.get(number) is not None:
        raise AlreadyExists(f"Room {number} already exists; 'roomsync show {number}' shows it.")
    room = Room(number, status, room_type, {} if floor is None else {"floor": floor})
    uow.rooms.add(room)
    rederive(uow, room, clock.today)
    return room


def remove_room(uow: UnitOfWork, number: str) -> Room:
    """Remove a room no active booking names (ROOM_IN_USE otherwise)."""
    room = room_or_refuse(uow, number)
    rules.check_room_removable(room, uow.bookings.active_in(number))
    uow.rooms.remove(room)
    return room
