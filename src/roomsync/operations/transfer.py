"""Moving a hotel between stores (SPEC §8): `import` from a data directory into a
PostgreSQL property, `export` back. Both go through the stores' own units of work, so the
JSON side recovers and validates as every command does. Neither commits: the caller
commits the target's unit of work once (the source is only read).
"""

from __future__ import annotations

import copy
from collections import defaultdict
from itertools import pairwise
from typing import Any

from roomsync.domain.channels import Channel
from roomsync.domain.model import Booking, Room
from roomsync.domain.stays import ranges_overlap
from roomsync.errors import AlreadyExists, DataInvalid, Refused
from roomsync.storage.base import UnitOfWork


def check_storable(source: UnitOfWork, rooms: list[Room], bookings: list[Booking]) -> None:
    """Refuse, naming the records, what the database's constraints cannot hold."""
    for position, room in enumerate(rooms, start=1):
        _no_nul("rooms.json", position, f"room {room.number}", source.rooms.stored(room))
    for position, booking in enumerate(bookings, start=1):
        _no_nul("bookings.json", position, f"booking {booking.id}", source.bookings.stored(booking))
    stays: dict[str, list[Booking]] = defaultdict(list)
    for booking in bookings:
        if not booking.is_active:
            continue
        if booking.departure <= booking.arrival:
            raise Refused("INVALID_DATES",
                          f"bookings.json: booking {booking.id} departs {booking.departure}, not after its arrival "
                          f"{booking.arrival}; the database cannot hold an active stay without nights: fix it "
                          f"first ('roomsync validate' lists it).")
        stays[booking.room].append(booking)
    for number, own in stays.items():
        own.sort(key=lambda b: b.arrival)
        for earlier, later in pairwise(own):
            if ranges_overlap((earlier.arrival, earlier.departure), (later.arrival, later.departure)):
                raise Refused("DOUBLE_BOOKING",
                              f"bookings.json: bookings {earlier.id} and {later.id} overlap in room {number}; the "
                              f"database cannot hold a double booking: fix it first ('roomsync validate' lists it).")


def _no_nul(name: str, position: int, label: str, record: dict[str, Any]) -> None:
    for key, value in record.items():
        if "\x00" in key or (isinstance(value, str) and "\x00" in value):
            raise DataInvalid(f"{name}: record {position} ({label}): {key.replace(chr(0), '?')}: contains a NUL "
                              f"character, which PostgreSQL text cannot hold; remove it first")


def carried_channels(source: UnitOfWork) -> list[Channel]:
    """The source's channels as new objects of the target: `channels.json` travels with the
    hotel (its conflicts and unknown fields included), as tables do on PostgreSQL."""
    return [Channel(c.name, c.room, c.url, c.cancel_after, copy.deepcopy(c.conflicts), copy.deepcopy(c.details))
            for c in source.channels.all()]


def import_hotel(source: UnitOfWork, target: UnitOfWork, *, replace: bool) -> tuple[int, int]:
    rooms, bookings = source.rooms.all(), source.bookings.all()
    check_storable(source, rooms, bookings)
    if not replace and (target.rooms.all() or target.bookings.all()):
        raise AlreadyExists(f"{target.location} already holds rooms or bookings; pass --replace to replace them "
                            f"(its audit trail is kept).")
    target.replace_all(rooms, bookings, carried_channels(source), source=source)
    target.adopt_history(source.history(), source.id_mark())
    return len(rooms), len(bookings)


def export_hotel(source: UnitOfWork, target: UnitOfWork, *, force: bool) -> tuple[int, int]:
    if target.exists() and not force:
        raise AlreadyExists(f"{target.location} already holds a hotel; pass --force to replace it.")
    rooms, bookings = source.rooms.all(), source.bookings.all()
    target.replace_all(rooms, bookings, carried_channels(source), source=source)
    target.adopt_history(source.history(), source.id_mark())
    return len(rooms), len(bookings)
