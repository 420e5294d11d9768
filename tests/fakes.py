"""An in-memory unit of work for the pure-domain tests (no files, no lock, no JSON).

Like cosmicpython's FakeUnitOfWork: the repositories are plain lists, and `commit()` only
records that it happened. To keep it honest about "nothing is written unless committed",
the unit of work remembers the last committed state: leaving the `with` block without
`commit()` (or calling `rollback()`) puts the rooms and bookings back as they were.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from itertools import combinations
from collections.abc import Iterable
from datetime import date
from typing import Any

from roomsync.domain.model import ACTIVE, Booking, Room
from roomsync.domain.stays import stays_overlap
from roomsync.errors import RoomsyncError
from roomsync.storage.base import Bookings, Rooms, UnitOfWork, booking_number, format_booking_id


class FakeRooms(Rooms):
    def __init__(self, rooms: Iterable[Room]) -> None:
        self._rooms = list(rooms)
        self.saved: list[tuple[str, str | None]] = []
        self.added: list[str] = []
        self.removed: list[str] = []

    def get(self, number: str) -> Room | None:
        return next((room for room in self._rooms if room.number == number), None)

    def all(self) -> list[Room]:
        return list(self._rooms)

    def save(self, room: Room, reason: str | None = None) -> None:
        self.saved.append((room.number, reason))

    def add(self, room: Room) -> None:
        self._rooms.append(room)
        self.added.append(room.number)

    def remove(self, room: Room) -> None:
        self._rooms.remove(room)
        self.removed.append(room.number)


class FakeBookings(Bookings):
    def __init__(self, bookings: Iterable[Booking], id_mark: int = 0) -> None:
        self._bookings = list(bookings)
        self.id_mark = id_mark
        self.added: list[str] = []
        self.saved: list[str] = []
        self.removed: list[str] = []

    def get(self, booking_id: str) -> Booking | None:
        return next((b for b in self._bookings if b.id == booking_id), None)

    def all(self) -> list[Booking]:
        return list(self._bookings)

    def for_room(self, number: str) -> list[Booking]:
        return [b for b in self._bookings if b.room == number]

    def active(self) -> list[Booking]:
        return [b for b in self._bookings if b.is_active]

    def active_in(self, number: str) -> list[Booking]:
        return [b for b in self._bookings if b.room == number and b.is_active]

    def touching(self, first: date, last: date) -> list[Booking]:
        return [b for b in self._bookings if b.is_active or (b.arrival <= last and b.departure >= first)]

    def add(self, booking: Booking) -> None:
        self._bookings.append(booking)
        self.added.append(booking.id)

    def save(self, booking: Booking) -> None:
        self.saved.append(booking.id)

    def remove(self, booking: Booking) -> None:
        self._bookings.remove(booking)
        self.removed.append(booking.id)

    def next_id(self) -> str:
        highest = max((booking_number(b.id) for b in self._bookings), default=0)
        self.id_mark = max(self.id_mark, highest) + 1
        return format_booking_id(self.id_mark)


class FakeUnitOfWork(UnitOfWork):
    def __init__(self, rooms: Iterable[Room] = (), bookings: Iterable[Booking] = (), *,
                 exists: bool = True) -> None:
        self._exists = exists
        self.rooms = FakeRooms(rooms)
        self.bookings = FakeBookings(bookings)
        self.committed = False
        self._entries: list[dict[str, Any]] = []
        self._adopted: list[dict[str, Any]] = []
        self._snapshot = self._take_snapshot()

    # -- the interface -----------------------------------------------------------------
    def __enter__(self) -> FakeUnitOfWork:
        self.committed = False
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.rollback()

    @property
    def location(self) -> str:
        return "memory"

    def exists(self) -> bool:
        return self._exists

    def replace_all(self, rooms: Iterable[Room], bookings: Iterable[Booking]) -> None:
        mark = self.bookings.id_mark
        self.rooms = FakeRooms(rooms)
        self.bookings = FakeBookings(bookings, mark)
        self.bookings.added = [b.id for b in self.bookings.all()]

    def adopt_history(self, entries: list[dict[str, Any]], id_mark: int) -> None:
        if not self._entries:
            self._adopted = list(entries)
        self.bookings.id_mark = max(self.bookings.id_mark, id_mark)

    def id_mark(self) -> int:
        highest = max((booking_number(b.id) for b in self.bookings.all()), default=0)
        return max(self.bookings.id_mark, highest)

    def commit(self, command: list[str]) -> dict[str, Any] | None:
        self.committed = True
        changes = {
            "rooms": list(self.rooms.saved),
            "rooms_added": list(self.rooms.added),
            "rooms_removed": list(self.rooms.removed),
            "added": list(self.bookings.added),
            "saved": list(self.bookings.saved),
            "removed": list(self.bookings.removed),
        }
        self._exists = True
        self._snapshot = self._take_snapshot()
        self._entries += self._adopted
        self._adopted = []
        if not any(changes.values()):
            return None
        entry = {"command": list(command), **changes}
        self._entries.append(entry)
        return entry

    def history(self) -> list[dict[str, Any]]:
        return list(self._entries)

    # -- test helpers ------------------------------------------------------------------
    def rollback(self) -> None:
        """Forget every change since the last commit (what leaving without commit means)."""
        rooms, bookings, mark = copy.deepcopy(self._snapshot)
        self._adopted = []
        self.rooms = FakeRooms(rooms)
        self.bookings = FakeBookings(bookings, mark)

    def _take_snapshot(self) -> tuple[list[Room], list[Booking], int]:
        self.rooms.saved.clear()
        self.rooms.added.clear()
        self.rooms.removed.clear()
        self.bookings.added.clear()
        self.bookings.saved.clear()
        self.bookings.removed.clear()
        return copy.deepcopy((self.rooms.all(), self.bookings.all(), self.bookings.id_mark))

    def state(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The hotel as it would be written: every room and booking record, in order."""
        return [r.as_record() for r in self.rooms.all()], [b.as_record() for b in self.bookings.all()]


def run_command(uow: FakeUnitOfWork, apply: Callable[[], object], label: object) -> bool:
    """Run one operation as the CLI does (one unit of work, commit on success).

    Returns whether it was accepted; a refusal must leave the hotel exactly as it was.
    """
    before = uow.state()
    with uow:
        try:
            apply()
        except RoomsyncError:
            assert uow.state() == before, f"refused {label} changed the hotel"
            assert not uow.committed
            return False
        uow.commit([str(label)])
    return True


def overlapping_pairs(uow: FakeUnitOfWork, today: date) -> set[tuple[str, str]]:
    """Pairs of active bookings of one room whose held nights meet (SPEC §2)."""
    active = [b for b in uow.bookings.all() if b.status in ACTIVE]
    return {
        tuple(sorted((a.id, b.id))) for a, b in combinations(active, 2)  # type: ignore[misc]
        if a.room == b.room and stays_overlap(a, b, today)
    }
