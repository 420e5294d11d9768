"""The front desk's read-only views of SPEC §7, each one pass over the bookings.

Arrivals, departures, guests in house, the tape chart and occupancy: pure functions of rooms,
bookings and days, sorted and filtered here so the CLI only draws them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from roomsync.domain.calendar import add_days, nights_within
from roomsync.domain.model import OUT_OF_ORDER, Booking, BookingStatus, Room, RoomStatus
from roomsync.domain.stays import held_nights, holds_night

# The widest tape chart `calendar --days` draws: ten years of nights, a view a person reads.
CHART_NIGHTS_AT_MOST = 3660

# Readiness of an arriving guest's room, most urgent first (the order of SPEC §7).
READINESS = ("unknown_room", "checked_in", "occupied", "out_of_service", "dirty", "ready")


@dataclass(slots=True)
class Arrival:
    booking: Booking
    room: Room | None
    readiness: str


@dataclass(slots=True)
class Departure:
    booking: Booking
    room: Room | None
    state: str


@dataclass(slots=True)
class Guest:
    booking: Booking
    room: Room | None
    nights: int
    overstay: bool


@dataclass(slots=True)
class Chart:
    start: date
    dates: list[date]
    rooms: list[Room]
    nights: list[list[Booking | None]]
    occupancy: list[float]


def rooms_with_guests(bookings: Iterable[Booking]) -> set[str]:
    return {b.room for b in bookings if b.status is BookingStatus.CHECKED_IN}


def readiness(booking: Booking, room: Room | None, occupied: set[str]) -> str:
    if room is None:
        return "unknown_room"
    if booking.status is BookingStatus.CHECKED_IN:
        return "checked_in"
    if room.number in occupied:
        return "occupied"
    if room.status in OUT_OF_ORDER:
        return "out_of_service"
    if room.status is RoomStatus.DIRTY:
        return "dirty"
    return "ready"


def arrivals(rooms: dict[str, Room], bookings: list[Booking], day: date) -> list[Arrival]:
    """Bookings arriving on `day` (Reserved or already in), with their room's readiness now."""
    occupied = rooms_with_guests(bookings)
    found = []
    for booking in bookings:
        if booking.arrival == day and booking.status in (BookingStatus.RESERVED, BookingStatus.CHECKED_IN):
            room = rooms.get(booking.room)
            found.append(Arrival(booking, room, readiness(booking, room, occupied)))
    return found


def departures(rooms: dict[str, Room], bookings: list[Booking], day: date, today: date) -> list[Departure]:
    """Due out or gone on `day`; on today also every guest past their departure."""
    found = []
    for booking in bookings:
        if booking.status is BookingStatus.CHECKED_OUT and booking.departure == day:
            found.append(Departure(booking, rooms.get(booking.room), "checked_out"))
        elif booking.status is BookingStatus.CHECKED_IN and (
                booking.departure == day or (day == today and booking.departure < today)):
            state = "overstay" if booking.departure < today else "due_out"
            found.append(Departure(booking, rooms.get(booking.room), state))
    return found


def in_house(rooms: dict[str, Room], bookings: list[Booking], today: date) -> list[Guest]:
    return [
        Guest(b, rooms.get(b.room), (today - b.arrival).days, b.departure < today)
        for b in bookings if b.status is BookingStatus.CHECKED_IN
    ]


def occupancy(rooms: list[Room], bookings: Iterable[Booking], night: date, today: date) -> float:
    """Rooms held `night` by an active booking over rooms in service (0.0 when none are)."""
    open_rooms = {room.number for room in rooms if room.status not in OUT_OF_ORDER}
    if not open_rooms:
        return 0.0
    held = {b.room for b in bookings if b.is_active and b.room in open_rooms and holds_night(b, night, today)}
    return len(held) / len(open_rooms)


def chart_dates(start: date, days: int) -> list[date]:
    """The chart's columns: `days` nights from `start`, clipped at the calendar's last night
    (a chart from 9999-12-25 shows its 7 nights; asking for more is not an error)."""
    return [add_days(start, i, "The calendar's column") for i in range(nights_within(start, days))]


def chart(rooms: list[Room], bookings: list[Booking], start: date, days: int, today: date) -> Chart:
    """The tape chart: for each room and night, the booking holding it (first in file order).

    Its columns are `chart_dates(start, days)`: clipped at 9999-12-31, never refused.
    """
    dates = chart_dates(start, days)
    days = len(dates)
    first_column = start.toordinal()
    row_of = {room.number: index for index, room in enumerate(rooms)}
    nights: list[list[Booking | None]] = [[None] * days for _ in rooms]
    active_held = [[False] * days for _ in rooms]
    for booking in bookings:
        row = row_of.get(booking.room)
        if row is None or booking.status in (BookingStatus.CANCELLED, BookingStatus.NO_SHOW):
            continue
        first, last = held_nights(booking, today)
        for index in range(max(0, first.toordinal() - first_column), min(days, last.toordinal() - first_column)):
            if holds_night(booking, dates[index], today):
                if nights[row][index] is None:
                    nights[row][index] = booking
                if booking.is_active:
                    active_held[row][index] = True
    in_service = [i for i, room in enumerate(rooms) if room.status not in OUT_OF_ORDER]
    rates = [
        (sum(active_held[i][d] for i in in_service) / len(in_service)) if in_service else 0.0
        for d in range(days)
    ]
    return Chart(start, dates, rooms, nights, rates)
