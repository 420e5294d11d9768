"""The unit-of-work interface every store implements, and the terms it uses.

Terms:
- A **store** holds one hotel's rooms and bookings: the JSON store a data directory
  (`json_store.py`), the PostgreSQL store one property of a database.
- A **unit of work** is one command's view of the store. Entering it takes the store's
  write lock and completes or rolls back an interrupted commit (SPEC §6), so read-only
  commands see a consistent hotel too. Leaving it without `commit()` writes nothing.
- **Repositories** (`uow.rooms`, `uow.bookings`) hand out domain objects in file order.
  Operations change those objects, then `save()` / `add()` / `remove()` them; the unit of
  work remembers what changed.
- `commit(command)` writes every changed record and one audit entry, all or nothing, and
  returns the entry (empty changes: nothing is written and `None` is returned).

Operations and the CLI see only this interface: they never touch files, JSON or SQL.
"""

from __future__ import annotations

import getpass
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from datetime import date, datetime, timezone
from typing import Any

from roomsync.domain.model import Booking, Room

BOOKING_ID = re.compile(r"B-(\d+)")


def booking_number(booking_id: str) -> int:
    """The number inside an id roomsync issued (`B-000042` -> 42), else 0."""
    match = BOOKING_ID.fullmatch(booking_id)
    return int(match.group(1)) if match else 0


def format_booking_id(number: int) -> str:
    return f"B-{number:06d}"


def utc_now() -> str:
    """Wall-clock time for stamps and the audit (never `--today`)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def record_changes(kind: str, key: str, before: dict[str, Any] | None, after: dict[str, Any] | None,
                   reason: str | None = None) -> list[dict[str, Any]]:
    """The audit's field-by-field description of one record's change."""
    if before is None or after is None:
        return [{kind: key, "field": None, "old": before, "new": after}]
    changes = []
    for field in list(before) + [k for k in after if k not in before]:
        old, new = before.get(field), after.get(field)
        if old != new or type(old) is not type(new):
            change = {kind: key, "field": field, "old": old, "new": new}
            if reason and field == "status":
                change["reason"] = reason
            changes.append(change)
    return changes


def replaced_hotel(old_rooms: int, old_bookings: int, rooms: int, bookings: int) -> list[dict[str, Any]]:
    """The audit's change for `init --force`/`import`: counts, not every record of a large hotel."""
    return [{"hotel": "replaced", "field": None, "old": {"rooms": old_rooms, "bookings": old_bookings},
             "new": {"rooms": rooms, "bookings": bookings}}]


class Rooms(ABC):
    @abstractmethod
    def get(self, number: str) -> Room | None: ...

    @abstractmethod
    def all(self) -> list[Room]: ...

    @abstractmethod
    def save(self, room: Room, reason: str | None = None) -> None:
        """Mark a room changed; `reason` explains a status change in the audit."""

    @abstractmethod
    def add(self, room: Room) -> None:
        """A new room, last in file order (the caller checked its number is free)."""

    @abstractmethod
    def remove(self, room: Room) -> None:
        """Take a room out; bookings naming it are left as they are."""


class Bookings(ABC):
    @abstractmethod
    def get(self, booking_id: str) -> Booking | None: ...

    @abstractmethod
    def all(self) -> list[Booking]: ...

    @abstractmethod
    def for_room(self, number: str) -> list[Booking]:
        """Every booking naming the room, history included, in file order."""

    @abstractmethod
    def active(self) -> list[Booking]:
        """Every Reserved or CheckedIn booking, in file order (what the rules look at)."""

    @abstractmethod
    def active_in(self, number: str) -> list[Booking]:
        """The room's Reserved and CheckedIn bookings: all a check-in or a booking needs."""

    @abstractmethod
    def touching(self, first: date, last: date) -> list[Booking]:
        """Active bookings, and any other whose stay meets the days first..last (inclusive)."""

    @abstractmethod
    def add(self, booking: Booking) -> None: ...

    @abstractmethod
    def save(self, booking: Booking) -> None: ...

    @abstractmethod
    def remove(self, booking: Booking) -> None: ...

    @abstractmethod
    def next_id(self) -> str:
        """A new id, higher than any ever issued by this store (deleted bookings included)."""


class UnitOfWork(ABC):
    rooms: Rooms
    bookings: Bookings

    @abstractmethod
    def __enter__(self) -> UnitOfWork: ...

    @abstractmethod
    def __exit__(self, *exc_info: object) -> None: ...

    @abstractmethod
    def exists(self) -> bool:
        """Whether the hotel has been created (`init`)."""

    @abstractmethod
    def replace_all(self, rooms: Iterable[Room], bookings: Iterable[Booking]) -> None:
        """`init`/`import`: the hotel becomes exactly these rooms and bookings at the next commit."""

    @abstractmethod
    def adopt_history(self, entries: list[dict[str, Any]], id_mark: int) -> None:
        """`import`/`export`: carry another store's audit trail (where this one has none)
        and raise the booking-id mark to at least `id_mark`, at the next commit."""

    @abstractmethod
    def id_mark(self) -> int:
        """The highest booking number this store has issued or holds."""

    @abstractmethod
    def commit(self, command: list[str]) -> dict[str, Any] | None:
        """Write all changes and one audit entry, all or nothing; return the entry."""

    @abstractmethod
    def history(self) -> list[dict[str, Any]]:
        """Audit entries, oldest first."""

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the hotel lives, for messages (a directory, or a URL without password)."""
