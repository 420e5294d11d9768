"""The store contract: what every store promises, identically, and the code that keeps it.

Terms
- A **store** holds one hotel's rooms, bookings and audit trail: the JSON store a data
  directory (`json_store.py`), the PostgreSQL store one property of a database
  (`postgres.py`), the tests' fake a few lists in memory (`tests/fakes.py`).
- A **unit of work** is one command's view of a store, opened with `with`. Entering it takes
  the store's lock (the JSON store also completes or rolls back an interrupted commit), so
  every command sees one consistent hotel. Leaving it without `commit()` writes nothing.
  Its constructor takes `create` (`init`/`import`/`export` only: a missing hotel reads as
  empty instead of being invalid data) and `read_only`.
- A **read-only unit of work** (`read_only=True`, for views, dry runs and the source of a
  move) never writes a byte. Calling `commit()` on it with changes is a bug in the caller,
  not a user's mistake: it raises `CommitNotAllowed` and writes nothing.
- **Repositories** (`uow.rooms`, `uow.bookings`) hand out domain objects in file order (the
  order of the data files; PostgreSQL keeps it in a `pos` column). An operation changes an
  object, then `save()`s it (`add()`/`remove()` for a new or deleted one): the repository
  remembers which rooms were saved with which reason, added or removed, and which bookings
  were added, changed or removed (`saved`, `added`, `changed`, `removed`, kept here once for
  every store). Every
  later read in the same unit of work sees the change; nothing is written yet.
- **Records** are the store's business, not the domain's (`mapping.py` turns one into the
  other). Each repository keeps, by key, the record as read (`as_read`: the audit's "before",
  written back verbatim while its object is untouched) and gives `stored(obj)`, the record
  as the next commit would write it: the one read, key order and unknown fields kept, with
  the object's facts in place. JSON output of the CLI is built from `stored()` too.
- A **commit** writes every remembered change and one audit entry, all or nothing, and ends
  the unit of work's changes: a second `commit()` returns None when nothing changed since,
  and raises `CommitNotAllowed` when something did (one command, one commit).
- An **audit entry** (built in `audit.py`) records one commit: time, user, command line,
  each change (field old → new, the reason of a room's status change), the id mark and a
  unique commit id. History is the store's entries, oldest first.
- The **id mark** is the highest booking number the store has issued or held (`B-000042` →
  42). It never decreases: `next_id()` gives a number above it that no booking holds, so an
  id is never issued twice, not after its booking was deleted, not after a clerk added a
  higher one by hand (that one counts once the store has seen it, and stays counted when
  roomsync later removes it).

What each method promises, on every store
- `rooms.get/all`, `bookings.get/all/for_room/active/active_in/touching`: the objects as the
  unit of work holds them (changes included), in file order; a booking added in this unit of
  work comes after every stored one, a removed one is gone.
- `exists()`: whether the hotel has been created (by `init` or `import`), whatever `create`
  was.
- `replace_all(rooms, bookings)`: from now on the unit of work holds exactly these; the
  commit replaces the stored hotel and its entry gives the counts replaced. The audit trail
  stays, the id mark is kept (and raised to the new bookings' numbers).
- `adopt_history(entries, id_mark)`: `import`/`export` carry the source's audit trail, which
  is written before this commit's entry only when the store's trail is empty (so importing
  the same pair twice leaves one copy); the id mark is raised to at least `id_mark`. Both
  travel with the commit of a `replace_all`; alone they write nothing.
- `id_mark()`: the id mark as the next commit would record it.
- `commit(command, at=None, changes=None)`: returns the entry written, or None (and writes nothing, no
  audit entry) when nothing changed. `at` is the command's clock — the same `now` that
  stamped the records — and defaults to the wall clock. It raises `WriteFailed` when the
  store could not write (nothing changed), and `Refused` only from a store's own second line
  of defence: PostgreSQL's constraints refuse overlapping active stays of one room
  (`DOUBLE_BOOKING`) and active stays without nights (`INVALID_DATES`). The JSON store and
  the fake have no such line: they store what they are given, and `validate` reports it.
  The operations' rules in front of every store are the first line, so a refusal from the
  store means a hand edit or a race the rules could not see.
- `history()`: every audit entry, oldest first.
- `location`: where the hotel lives, for messages (a directory, or a URL without password).
- `channels.get/all/add/save/remove`: the booking sites' feeds (SPEC §9), committed data like
  rooms, in file order, audited as `{"channel": NAME, "field", "old", "new"}` with the feed's
  URL shown without its secret. They are read on first use only (`checkin` never reads them);
  a store holding none gives an empty list. `replace_all(..., channels=[...])` replaces them too.
- `fetch_state()` / `store_fetch_state(state)`: the channels' fetch cache (validators, last
  body, when, outcome), outside the audit and the commit: `store_fetch_state` writes at once,
  after the sync's commit. Losing it only costs a full download, so a cache that cannot be
  read is an empty one, never an error.

Operations and the CLI see only this interface: they never touch files, JSON or SQL.
"""

from __future__ import annotations

import re
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable
from datetime import date
from typing import Any

from roomsync.domain.channels import Channel
from roomsync.domain.model import Booking, Room
from roomsync.storage.audit import (
    Entry,
    audit_entry,
    hotel_changes,
    replaced_hotel,
    utc_now,
)
from roomsync.storage.channel_repo import Channels
from roomsync.storage.mapping import Record, booking_record, room_record

__all__ = ["BOOKING_ID", "Bookings", "Channels", "CommitNotAllowed", "Rooms", "UnitOfWork", "booking_number",
           "format_booking_id", "utc_now"]  # utc_now: still imported from here by callers

BOOKING_ID = re.compile(r"B-(\d+)")


def booking_number(booking_id: str) -> int:
    """The number inside an id roomsync issued (`B-000042` -> 42), else 0."""
    match = BOOKING_ID.fullmatch(booking_id)
    return int(match.group(1)) if match else 0


def format_booking_id(number: int) -> str:
    return f"B-{number:06d}"


class CommitNotAllowed(RuntimeError):
    """A commit with changes on a read-only or already committed unit of work: a bug in the
    caller (no exit code of its own), raised before anything is written."""


class Rooms(ABC):
    """The hotel's rooms; `save`, `add` and `remove` are remembered until the commit."""

    def __init__(self) -> None:
        self.saved: dict[str, tuple[Room, str | None]] = {}
        self.added: dict[str, Room] = {}
        self.removed: dict[str, Room] = {}
        self.as_read: dict[str, Record] = {}
        """Each room's record as the store holds it (by number): the audit's "before", and
        the layout its record keeps when written back."""

    def stored(self, room: Room) -> Record:
        """The room's record as it would be written now."""
        return room_record(room, None if room.number in self.added else self.as_read.get(room.number))

    @abstractmethod
    def get(self, number: str) -> Room | None: ...

    @abstractmethod
    def all(self) -> list[Room]: ...

    def save(self, room: Room, reason: str | None = None) -> None:
        """Mark a room changed; `reason` explains a status change in the audit (a later save
        without a reason keeps the earlier one)."""
        earlier = self.saved.get(room.number)
        self.saved[room.number] = (room, reason or (earlier[1] if earlier else None))

    @abstractmethod
    def _place(self, room: Room) -> None:
        """Hold a new room after every other (the store's own list and index)."""

    @abstractmethod
    def _drop(self, room: Room) -> None:
        """Stop holding a room."""

    def add(self, room: Room) -> None:
        """`room add`: a new room, last in file order (the caller checked its number is free)."""
        self.added[room.number] = room
        self._place(room)

    def remove(self, room: Room) -> None:
        """`room remove`: the room is gone; finished bookings keep its number as history."""
        self._drop(room)
        if self.added.pop(room.number, None) is None:
            self.removed[room.number] = room
        self.saved.pop(room.number, None)

    def forget_changes(self) -> None:
        """After a commit: what is stored now is what a later change is measured from."""
        written = {room.number: self.stored(room) for room in [*(r for r, _ in self.saved.values()),
                                                              *self.added.values()]}
        self.as_read.update(written)
        self.saved, self.added, self.removed = {}, {}, {}


class Bookings(ABC):
    """The hotel's bookings, history included; tracks what the commit must write."""

    def __init__(self, id_mark: int = 0) -> None:
        self.id_mark = id_mark
        self.added: dict[str, Booking] = {}
        self.changed: dict[str, Booking] = {}
        self.removed: dict[str, Booking] = {}
        self.reasons: dict[str, str] = {}
        """Why a booking's status changed, when the change came from no person (a feed)."""
        self.as_read: dict[str, Record] = {}
        """Each booking's record as the store holds it (by id): the audit's "before", and the
        layout its record keeps when written back."""

    def stored(self, booking: Booking) -> Record:
        """The booking's record as it would be written now."""
        return booking_record(booking, None if booking.id in self.added else self.as_read.get(booking.id))

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
    def highest_held(self) -> int:
        """The highest booking number among the bookings the store holds (hand-added ones too)."""

    @abstractmethod
    def _next_free(self, mark: int) -> int:
        """A booking number above `mark` that no booking holds."""

    @abstractmethod
    def _place(self, booking: Booking) -> None:
        """Hold a new booking after every other (the store's own lists and indexes)."""

    @abstractmethod
    def _update(self, booking: Booking) -> None:
        """A held booking changed (its room or status may differ): keep lists and indexes true."""

    @abstractmethod
    def _drop(self, booking: Booking) -> None:
        """Stop holding a booking."""

    def add(self, booking: Booking) -> None:
        """A new booking, with an id from `next_id()`; it comes after every stored one."""
        self.added[booking.id] = booking
        self.id_mark = max(self.id_mark, booking_number(booking.id))
        self._place(booking)

    def save(self, booking: Booking, reason: str | None = None) -> None:
        """Mark a booking changed; `reason` explains its status change in the audit (a later
        save without one keeps the earlier)."""
        if booking.id not in self.added:
            self.changed[booking.id] = booking
        if reason:
            self.reasons[booking.id] = reason
        self._update(booking)

    def remove(self, booking: Booking) -> None:
        """Delete a booking; its number stays counted in the id mark."""
        self._drop(booking)
        if self.added.pop(booking.id, None) is None:
            self.removed[booking.id] = booking
        self.changed.pop(booking.id, None)
        self.id_mark = max(self.id_mark, booking_number(booking.id))

    def next_id(self) -> str:
        """A new id, above the id mark and held by no booking; it raises the mark."""
        self.id_mark = self._next_free(self.id_mark)
        return format_booking_id(self.id_mark)

    def forget_changes(self) -> None:
        """After a commit: what is stored now is what a later change is measured from."""
        written = {b.id: self.stored(b) for b in [*self.changed.values(), *self.added.values()]}
        self.as_read.update(written)
        self.added, self.changed, self.removed, self.reasons = {}, {}, {}, {}


class UnitOfWork(ABC):
    """One command's view of a store; see the contract at the top of this module."""

    rooms: Rooms
    bookings: Bookings

    def __init__(self, *, read_only: bool = False) -> None:
        self.read_only = read_only
        self._channels: Channels | None = None
        self._replaced: tuple[int, int] | None = None  # counts of the hotel `replace_all` replaced
        self._adopted: list[Entry] = []
        self._committed = False

    @abstractmethod
    def __enter__(self) -> UnitOfWork: ...

    @abstractmethod
    def __exit__(self, *exc_info: object) -> None: ...

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the hotel lives, for messages (a directory, or a URL without password)."""

    @abstractmethod
    def exists(self) -> bool:
        """Whether the hotel has been created (`init`, `import`), whatever `create` was."""

    @abstractmethod
    def history(self) -> list[Entry]:
        """Audit entries, oldest first."""

    @property
    def channels(self) -> Channels:
        """The channels, read on first use: commands that never look at them never read them."""
        if self._channels is None:
            self._channels = self._open_channels()
        return self._channels

    @abstractmethod
    def _open_channels(self) -> Channels:
        """The store's channels as committed (an empty repository when it holds none)."""

    @abstractmethod
    def fetch_state(self) -> dict[str, dict[str, Any]]:
        """The fetch cache by channel name; empty when missing or unreadable."""

    @abstractmethod
    def store_fetch_state(self, state: dict[str, dict[str, Any]]) -> None:
        """Replace the fetch cache at once (outside the commit and the audit)."""

    @abstractmethod
    def _stored_counts(self) -> tuple[int, int]:
        """How many rooms and bookings the store holds now (before this commit)."""

    @abstractmethod
    def _hold_only(self, rooms: list[Room], bookings: list[Booking]) -> None:
        """Fresh repositories holding exactly these rooms and bookings, for `replace_all`."""

    @abstractmethod
    def _trail_is_empty(self) -> bool:
        """Whether the store has no audit entry yet."""

    @abstractmethod
    def _write(self, entry: Entry) -> None:
        """Write every remembered change, the adopted history and `entry`, all or nothing."""

    def replace_all(self, rooms: Iterable[Room], bookings: Iterable[Booking],
                    channels: Iterable[Channel] | None = None, *, source: UnitOfWork | None = None) -> None:
        """`init`/`import`/`export`: the hotel becomes exactly these rooms and bookings (and
        channels, when given; left as they are otherwise). With `source` (the unit of work
        they come from), their records keep the layout they have there."""
        rooms, bookings = list(rooms), list(bookings)
        if self._replaced is None:
            self._replaced = self._stored_counts()
        mark = self.bookings.id_mark
        self._hold_only(rooms, bookings)
        if source is not None:
            self.rooms.as_read = {room.number: source.rooms.stored(room) for room in rooms}
            self.bookings.as_read = {booking.id: source.bookings.stored(booking) for booking in bookings}
        if channels is not None:
            wanted = list(channels)
            for channel in list(self.channels.all()):
                self.channels.remove(channel)
            for channel in wanted:
                self.channels.add(channel, None if source is None else source.channels.stored(channel))
        self.bookings.id_mark = max(mark, *(booking_number(b.id) for b in bookings), 0)

    def adopt_history(self, entries: list[Entry], id_mark: int) -> None:
        """Carry another store's audit trail (only into an empty one) and its id mark."""
        if self._trail_is_empty():
            self._adopted = list(entries)
        self.bookings.id_mark = max(self.bookings.id_mark, id_mark)

    def id_mark(self) -> int:
        """The highest booking number this store has issued or holds."""
        return max(self.bookings.id_mark, self.bookings.highest_held())

    def _changes(self) -> list[dict[str, Any]]:
        """The audit's changes of everything remembered since the unit of work began."""
        channel_changes = self._channels.changes() if self._channels is not None else []
        if self._replaced is not None:
            return [*replaced_hotel(*self._replaced, len(self.rooms.all()), len(self.bookings.all())),
                    *channel_changes]
        return [*hotel_changes(self.rooms, self.bookings),
                *channel_changes]

    def commit(self, command: list[str], at: str | None = None,
               changes: list[dict[str, Any]] | None = None) -> Entry | None:
        """Write all changes and one audit entry stamped `at` (default: the wall clock), all
        or nothing; return the entry, or None when nothing changed.

        `changes` is the audit's list when the caller kept a finer one than the net change of
        each record (`batch`: every line's changes, in order, so a booking made and deleted
        in one batch still shows, and its id stays issued); by default, the net changes."""
        changes = self._changes() if changes is None else changes
        if not changes:
            return None
        if self.read_only:
            raise CommitNotAllowed(f"{self.location}: a read-only unit of work cannot commit changes")
        if self._committed:
            raise CommitNotAllowed(f"{self.location}: this unit of work has already committed; "
                                   f"open a new one for the next command")
        entry = audit_entry(command, changes, self.bookings.id_mark, uuid.uuid4().hex, at)
        self._write(entry)
        self._committed = True
        self._replaced, self._adopted = None, []
        self.rooms.forget_changes()
        self.bookings.forget_changes()
        if self._channels is not None:
            self._channels.forget_changes()
        return entry
