"""The read side: what the listings and views show, as plain functions over a unit of work.

The CLI renders these; another front end (an HTTP API) calls the same functions and gets
the same rows, so no rule of what a listing contains lives in a command.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from roomsync.domain import rules, views
from roomsync.domain.model import Booking, BookingStatus, Room, RoomStatus
from roomsync.domain.reconcile import active_by_room
from roomsync.domain.status import expected_status
from roomsync.domain.stays import due_reservations, guests_in, holds_night
from roomsync.errors import Refused
from roomsync.storage.base import UnitOfWork


@dataclass(slots=True)
class RoomRow:
    """One line of `rooms`: the room, what the status rule says it should be, who is there."""

    room: Room
    expected: RoomStatus
    in_house: list[Booking]
    due_today: list[Booking]

    @property
    def drifts(self) -> bool:
        return self.expected is not self.room.status


@dataclass(slots=True)
class RoomDetail:
    """`show R`: a room, its expected status (and why), and every booking naming it."""

    room: Room
    expected: RoomStatus
    reason: str | None
    bookings: list[Booking]


@dataclass(slots=True)
class BookingDetail:
    """`show ID`: a booking and the room it names (None when that room does not exist)."""

    booking: Booking
    room: Room | None


def room_rows(uow: UnitOfWork, today: date) -> list[RoomRow]:
    grouped = active_by_room(uow.bookings.active())
    rows = []
    for room in uow.rooms.all():
        own = grouped.get(room.number, [])
        expected, _ = expected_status(room, own, today)
        rows.append(RoomRow(room, expected, guests_in(own), due_reservations(own, today)))
    return rows


def folded(text: str) -> str:
    """Text for a search a clerk types: case and accents ignored (`Zoë` matches `zoe`)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def find_bookings(uow: UnitOfWork, today: date, *, room: str | None = None, status: BookingStatus | None = None,
                  on: date | None = None, guest: str | None = None) -> list[Booking]:
    """Bookings in file order matching every filter given; an unknown `room` is refused
    (an empty list would read as "no bookings" for a typo)."""
    found = uow.bookings.for_room(room_or_refuse(uow, room).number) if room is not None else uow.bookings.all()
    wanted = folded(guest) if guest is not None else None
    return [b for b in found
            if (status is None or b.status is status)
            and (on is None or holds_night(b, on, today))
            and (wanted is None or wanted in folded(b.guest))]


def room_or_refuse(uow: UnitOfWork, number: str) -> Room:
    room = uow.rooms.get(number)
    if room is None:
        raise rules.unknown_room(number)
    return room


def booking_named(uow: UnitOfWork, booking_id: str) -> Booking | None:
    """A booking by id as typed, or in upper or lower case (`b-000042` finds `B-000042`): three
    lookups by key, never a scan of the history. The file keeps the canonical spelling."""
    for spelling in dict.fromkeys((booking_id, booking_id.upper(), booking_id.lower())):
        found = uow.bookings.get(spelling)
        if found is not None:
            return found
    return None


def room_or_booking(uow: UnitOfWork, key: str, today: date) -> RoomDetail | BookingDetail:
    """`show KEY`: a room number wins over an equal booking id; neither is UNKNOWN_ROOM."""
    room = uow.rooms.get(key)
    if room is not None:
        own = uow.bookings.for_room(room.number)
        expected, reason = expected_status(room, own, today)
        return RoomDetail(room, expected, reason, own)
    booking = booking_named(uow, key)
    if booking is None:
        raise Refused("UNKNOWN_ROOM", f"{key} is neither a room nor a booking id; "
                                            f"'roomsync rooms' and 'roomsync bookings' list them.")
    return BookingDetail(booking, uow.rooms.get(booking.room))


def rooms_by_number(uow: UnitOfWork) -> dict[str, Room]:
    return {room.number: room for room in uow.rooms.all()}


def arrivals(uow: UnitOfWork, day: date) -> list[views.Arrival]:
    return views.arrivals(rooms_by_number(uow), uow.bookings.active(), day)


def departures(uow: UnitOfWork, day: date, today: date) -> list[views.Departure]:
    return views.departures(rooms_by_number(uow), uow.bookings.touching(day, day), day, today)


def in_house(uow: UnitOfWork, today: date) -> list[views.Guest]:
    return views.in_house(rooms_by_number(uow), uow.bookings.active(), today)


def tape_chart(uow: UnitOfWork, start: date, days: int, today: date, room_type: str | None = None) -> views.Chart:
    rooms = [r for r in uow.rooms.all() if room_type is None or r.matches_type(room_type)]
    return views.chart(rooms, uow.bookings.touching(start, views.chart_dates(start, days)[-1]), start, days, today)
