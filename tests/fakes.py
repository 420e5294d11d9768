"""An in-memory store for the pure-domain tests: no files, no lock, no JSON, no SQL.

Like cosmicpython's FakeUnitOfWork, but under the same store contract as the real stores
(`roomsync.storage.base`, checked by tests/storage/contract_uow.py): the repositories track
changes through the base classes, `commit()` builds the real audit entry, and a `FakeStore`
keeps what was committed as records, exactly as a store would write them. Leaving the `with`
block without `commit()` (or calling `rollback()`) puts the rooms and bookings back as they
were committed; objects are read back from the records, so key order and unknown fields
travel as they do through a file or a table.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from typing import Any, Self

from roomsync.domain.channels import Channel, parse_duration
from roomsync.domain.model import ACTIVE, Booking, Room
from roomsync.domain.stays import stays_overlap
from roomsync.errors import DataInvalid, RoomsyncError
from roomsync.storage import mapping
from roomsync.storage.base import Bookings, Channels, Rooms, UnitOfWork, booking_number

Record = dict[str, Any]


@dataclass
class FakeStore:
    """What the fake has committed: records in file order, the id mark and the audit trail."""

    rooms: list[Record] = field(default_factory=list)
    bookings: list[Record] = field(default_factory=list)
    id_mark: int = 0
    entries: list[dict[str, Any]] = field(default_factory=list)
    exists: bool = False
    channels: list[Record] = field(default_factory=list)
    fetch_state: dict[str, dict[str, Any]] = field(default_factory=dict)


def room_from_record(record: Record) -> Room:
    """A room as a store reads it (a bare integer number read as its string)."""
    return mapping.room_from_record({**copy.deepcopy(record), "number": str(record["number"])})


def booking_from_record(record: Record) -> Booking:
    return mapping.booking_from_record({**copy.deepcopy(record), "room": str(record["room"])})


def channel_from_record(record: Record) -> Channel:
    span = parse_duration(record.get("cancel_after", "12h"))
    assert span is not None
    return mapping.channel_from_record(copy.deepcopy(record), span)


class FakeChannels(Channels):
    def __init__(self, records: Iterable[Record]) -> None:
        super().__init__()
        self.as_read = {r["name"]: copy.deepcopy(r) for r in records}
        self._channels = [channel_from_record(r) for r in self.as_read.values()]

    def get(self, name: str) -> Channel | None:
        return next((channel for channel in self._channels if channel.name == name), None)

    def all(self) -> list[Channel]:
        return list(self._channels)

    def _place(self, channel: Channel) -> None:
        self._channels.append(channel)

    def _drop(self, channel: Channel) -> None:
        self._channels.remove(channel)


class FakeRooms(Rooms):
    def __init__(self, rooms: Iterable[Room], records: Iterable[Record] = ()) -> None:
        super().__init__()
        self._rooms = list(rooms)
        self.as_read = {room.number: copy.deepcopy(r) for room, r in zip(self._rooms, records, strict=False)}

    def get(self, number: str) -> Room | None:
        return next((room for room in self._rooms if room.number == number), None)

    def all(self) -> list[Room]:
        return list(self._rooms)

    def _place(self, room: Room) -> None:
        self._rooms.append(room)

    def _drop(self, room: Room) -> None:
        self._rooms.remove(room)


class FakeBookings(Bookings):
    def __init__(self, bookings: Iterable[Booking], id_mark: int = 0, records: Iterable[Record] = ()) -> None:
        super().__init__(id_mark)
        self._bookings = list(bookings)
        self.as_read = {b.id: copy.deepcopy(r) for b, r in zip(self._bookings, records, strict=False)}

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

    def highest_held(self) -> int:
        return max((booking_number(b.id) for b in self._bookings), default=0)

    def _next_free(self, mark: int) -> int:
        return max(mark, self.highest_held()) + 1

    def _place(self, booking: Booking) -> None:
        self._bookings.append(booking)

    def _update(self, booking: Booking) -> None:
        """Nothing to index: every read scans the list."""

    def _drop(self, booking: Booking) -> None:
        self._bookings.remove(booking)


class FakeUnitOfWork(UnitOfWork):
    """A unit of work on a `FakeStore`; given rooms and bookings instead, it makes a store
    holding them and works on those very objects (tests may keep references to them)."""

    def __init__(self, rooms: Iterable[Room] = (), bookings: Iterable[Booking] = (), *, exists: bool = True,
                 store: FakeStore | None = None, create: bool = False, read_only: bool = False) -> None:
        super().__init__(read_only=read_only)
        self.create = create
        self.committed = False
        if store is not None:
            self.store = store
            self.rollback()
            return
        given_rooms, given_bookings = list(rooms), list(bookings)
        self.store = FakeStore([mapping.room_record(r) for r in given_rooms],
                               [mapping.booking_record(b) for b in given_bookings], exists=exists)
        self.rooms = FakeRooms(given_rooms, self.store.rooms)  # as a store read would give them
        self.bookings = FakeBookings(given_bookings, 0, self.store.bookings)

    # -- the interface -----------------------------------------------------------------
    def __enter__(self) -> Self:
        if not self.store.exists and not self.create:
            raise DataInvalid("memory: no hotel here; create one with 'roomsync init'")
        self.committed = False
        self._committed = False
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.rollback()

    @property
    def location(self) -> str:
        return "memory"

    def exists(self) -> bool:
        return self.store.exists

    def history(self) -> list[dict[str, Any]]:
        return copy.deepcopy(self.store.entries)

    def _stored_counts(self) -> tuple[int, int]:
        return len(self.store.rooms), len(self.store.bookings)

    def _open_channels(self) -> FakeChannels:
        return FakeChannels(self.store.channels)

    def fetch_state(self) -> dict[str, dict[str, Any]]:
        return copy.deepcopy(self.store.fetch_state)

    def store_fetch_state(self, state: dict[str, dict[str, Any]]) -> None:
        if not self.read_only:
            self.store.fetch_state = copy.deepcopy(state)

    def _hold_only(self, rooms: list[Room], bookings: list[Booking]) -> None:
        self.rooms = FakeRooms(rooms)
        self.bookings = FakeBookings(bookings, self.bookings.id_mark)

    def _trail_is_empty(self) -> bool:
        return not self.store.entries

    def _write(self, entry: dict[str, Any]) -> None:
        """Every record is built before the store changes, so a failure leaves it as it was."""
        rooms = [self.rooms.stored(room) for room in self.rooms.all()]
        bookings = [self.bookings.stored(booking) for booking in self.bookings.all()]
        entries = copy.deepcopy([*self._adopted, entry])
        channels = (copy.deepcopy([self._channels.stored(c) for c in self._channels.all()])
                    if self._channels is not None else self.store.channels)
        self.store.rooms, self.store.bookings = copy.deepcopy(rooms), copy.deepcopy(bookings)
        self.store.channels = channels
        self.store.entries += entries
        self.store.id_mark = entry["booking_id_mark"]
        self.store.exists = True
        self.committed = True

    # -- test helpers ------------------------------------------------------------------
    def rollback(self) -> None:
        """Forget every change since the last commit (what leaving without commit means)."""
        self._replaced, self._adopted, self._channels = None, [], None
        self.rooms = FakeRooms([room_from_record(r) for r in self.store.rooms], self.store.rooms)
        self.bookings = FakeBookings([booking_from_record(b) for b in self.store.bookings], self.store.id_mark,
                                     self.store.bookings)

    def state(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The hotel as it would be written: every room and booking record, in order."""
        return [self.rooms.stored(r) for r in self.rooms.all()], [self.bookings.stored(b) for b in self.bookings.all()]


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


def hotel_of(rooms: list[Record], bookings: list[Record]) -> FakeUnitOfWork:
    """A read-only unit of work holding exactly these records: the `source` of a `replace_all`
    whose records keep their key order and unknown fields."""
    return FakeUnitOfWork(store=FakeStore(copy.deepcopy(rooms), copy.deepcopy(bookings), exists=True), read_only=True)


def replace_with(uow: UnitOfWork, rooms: list[Record], bookings: list[Record]) -> None:
    """`uow.replace_all` with the hotel these records describe, laid out as they are."""
    source = hotel_of(rooms, bookings)
    uow.replace_all(source.rooms.all(), source.bookings.all(), source=source)
