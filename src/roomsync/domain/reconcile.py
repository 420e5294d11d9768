"""Reconcile: which rooms drift from SPEC §2, and which problems and warnings need a person.

One pass groups the active bookings by room; each room is then judged on its own bookings
only, so the cost grows with rooms + bookings, never rooms x bookings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from roomsync.domain.model import OUT_OF_ORDER, Booking, BookingStatus, Room, RoomStatus
from roomsync.domain.status import expected_status
from roomsync.domain.stays import held_nights, is_due, ranges_overlap


@dataclass(slots=True)
class Fix:
    room: str
    before: RoomStatus
    after: RoomStatus
    reason: str


@dataclass(slots=True)
class Finding:
    """A problem (no status change can repair it) or a warning (a person should look)."""

    code: str
    message: str
    room: str | None = None
    bookings: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    """Fields a kind of finding adds to its JSON object (a channel's: `channel`, `uid`...)."""


@dataclass(slots=True)
class Report:
    fixes: list[Fix]
    problems: list[Finding]
    warnings: list[Finding]
    checked: int
    applied: bool = False

    @property
    def clean(self) -> bool:
        """Nothing pending and nothing broken: the exit-0 condition of SPEC §4."""
        return not self.problems and (self.applied or not self.fixes)


def active_by_room(bookings: Iterable[Booking]) -> dict[str, list[Booking]]:
    """Active bookings grouped by the room they name, each list in file order."""
    grouped: dict[str, list[Booking]] = defaultdict(list)
    for booking in bookings:
        if booking.is_active:
            grouped[booking.room].append(booking)
    return grouped


def reconcile(rooms: list[Room], bookings: list[Booking], today: date) -> Report:
    """Judge every room and active booking; change nothing (the caller applies the fixes)."""
    grouped = active_by_room(bookings)
    known_rooms = {room.number for room in rooms}
    problems: list[Finding] = []
    warnings: list[Finding] = []

    for booking in bookings:
        if not booking.is_active:
            continue
        if booking.room not in known_rooms:
            problems.append(Finding(
                "UNKNOWN_ROOM",
                f"Booking {booking.id} ({booking.guest}) names room {booking.room}, which does not exist: "
                f"move it with 'roomsync move {booking.id} ROOM' or cancel it.",
                booking.room, [booking.id]))
        if booking.departure <= booking.arrival:
            problems.append(Finding(
                "INVALID_DATES",
                f"Booking {booking.id} ({booking.guest}) departs {booking.departure} but arrives {booking.arrival}: "
                f"correct its dates with 'roomsync amend {booking.id}'.",
                booking.room, [booking.id]))
        if booking.status is BookingStatus.RESERVED and booking.arrival < today:
            warnings.append(Finding(
                "LATE_ARRIVAL",
                f"Booking {booking.id} ({booking.guest}) was due to arrive in room {booking.room} "
                f"on {booking.arrival}: "
                f"check the guest in, or mark a no-show with 'roomsync noshow {booking.id}'.",
                booking.room, [booking.id]))
        if booking.status is BookingStatus.CHECKED_IN and booking.departure < today:
            warnings.append(Finding(
                "OVERSTAY",
                f"Booking {booking.id} ({booking.guest}) in room {booking.room} was due out on {booking.departure}: "
                f"check the guest out or extend the stay.",
                booking.room, [booking.id]))

    fixes: list[Fix] = []
    for room in rooms:
        own = grouped.get(room.number, [])
        problems.extend(room_problems(room, own, today))
        status, reason = expected_status(room, own, today)
        if status is not room.status:
            fixes.append(Fix(room.number, room.status, status, reason or "Status rule"))
    return Report(fixes, problems, warnings, checked=len(rooms))


def room_problems(room: Room, active: list[Booking], today: date) -> list[Finding]:
    """Problems of one room: several guests, overlapping stays, a due guest in a closed room."""
    found: list[Finding] = []
    guests = [b for b in active if b.status is BookingStatus.CHECKED_IN]
    if len(guests) > 1:
        names = ", ".join(f"{b.id} ({b.guest})" for b in guests)
        found.append(Finding(
            "MULTIPLE_GUESTS",
            f"Room {room.number} has {len(guests)} guests checked in: {names}; check out or move all but one.",
            room.number, [b.id for b in guests]))
    stays = sorted(
        ((held_nights(b, today), b) for b in active if b.departure > b.arrival),
        key=lambda item: item[0][0])
    open_stays: list[tuple[tuple[date, date], Booking]] = []
    for nights, booking in stays:
        open_stays = [(n, b) for n, b in open_stays if n[1] > nights[0]]
        for other_nights, other in open_stays:
            both_in_house = (booking.status is BookingStatus.CHECKED_IN
                             and other.status is BookingStatus.CHECKED_IN)
            if both_in_house or not ranges_overlap(nights, other_nights):
                continue
            first, second = sorted((other, booking), key=lambda b: active.index(b))
            found.append(Finding(
                "DOUBLE_BOOKING",
                f"Room {room.number} is double-booked: {first.id} ({first.guest}) and {second.id} ({second.guest}) "
                f"overlap; move or cancel one of them.",
                room.number, [first.id, second.id]))
        open_stays.append((nights, booking))
    if room.status in OUT_OF_ORDER:
        due = [b for b in active if is_due(b, today)]
        if due:
            found.append(Finding(
                "ROOM_OUT_OF_SERVICE",
                f"Room {room.number} is {room.status.value} but {', '.join(b.id for b in due)} "
                f"is due today: move the guest with 'roomsync move {due[0].id} ROOM'.",
                room.number, [b.id for b in due]))
    return found
