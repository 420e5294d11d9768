"""The refusals of SPEC §3 and §7, one function per rule set, checked in the listed order.

Each function takes the room and the bookings it needs and either returns what the
operation should act on or raises `Refused` with the SPEC code. No I/O.
"""

from __future__ import annotations

from datetime import date

from roomsync.domain.model import DERIVED, OUT_OF_ORDER, Booking, BookingStatus, Room, RoomStatus
from roomsync.domain.stays import due_reservations, guests_in, held_nights, is_due, ranges_overlap
from roomsync.errors import Refused


def unknown_room(number: str) -> Refused:
    return Refused("UNKNOWN_ROOM", f"Room {number} does not exist; 'roomsync rooms' lists the rooms.")


def unknown_booking(booking_id: str) -> Refused:
    return Refused("UNKNOWN_BOOKING", f"Booking {booking_id} does not exist; 'roomsync bookings' lists them.")


def stay_dates_refusal(arrival: date, departure: date, today: date, subject: str) -> Refused | None:
    """`book`'s date rules: at least one night, not starting in the past."""
    if departure <= arrival:
        return Refused("INVALID_DATES", f"{subject}: departure {departure} must be after arrival {arrival}.")
    if arrival < today:
        return Refused("INVALID_DATES",
                       f"{subject}: arrival {arrival} is before today ({today}); a stay cannot start in the past.")
    return None


def check_stay_dates(arrival: date, departure: date, today: date, subject: str) -> None:
    refusal = stay_dates_refusal(arrival, departure, today, subject)
    if refusal:
        raise refusal


def includes_today(start: date, end: date, today: date) -> bool:
    return start <= today < end


def conflicting_booking(nights: tuple[date, date], bookings: list[Booking], today: date,
                        ignore: Booking | None = None) -> Booking | None:
    """The first active booking holding any of `nights` (a booking never overlaps itself)."""
    for other in bookings:
        if other is ignore or not other.is_active or other.departure <= other.arrival:
            continue
        if ranges_overlap(nights, held_nights(other, today)):
            return other
    return None


def double_booking(room: Room, other: Booking) -> Refused:
    return Refused("DOUBLE_BOOKING",
                   f"Room {room.number} is already booked by {other.id} ({other.guest}) "
                   f"from {other.arrival} to {other.departure}; choose other dates or another room.")


def out_of_service(room: Room, what: str) -> Refused:
    return Refused("ROOM_OUT_OF_SERVICE",
                   f"Room {room.number} is {room.status.value}: {what}; choose another room.")


def booking_refusal(room: Room, bookings: list[Booking], arrival: date, departure: date, today: date,
                    ignore: Booking | None = None) -> Refused | None:
    """Whether `book` (or a reservation's new stay) is refused in this room, after the date rules."""
    if room.status in OUT_OF_ORDER and includes_today(arrival, departure, today):
        return out_of_service(room, "it cannot take a stay that includes today")
    other = conflicting_booking((arrival, departure), bookings, today, ignore)
    if other is not None:
        return double_booking(room, other)
    return None


def check_room_ready_for_guest(room: Room, bookings: list[Booking], force: bool) -> None:
    """The room refusals of `checkin` (and of a guest's move): occupied, closed, dirty."""
    guests = guests_in(bookings)
    if guests:
        raise Refused("ROOM_OCCUPIED",
                      f"Room {room.number} is occupied by {guests[0].guest} ({guests[0].id}); "
                      f"check them out first or choose another room.")
    if room.status in OUT_OF_ORDER:
        raise out_of_service(room, "no guest can be checked in")
    if room.status is RoomStatus.DIRTY and not force:
        raise Refused("ROOM_NOT_READY",
                      f"Room {room.number} is DIRTY; mark it clean with 'roomsync housekeeping {room.number} CLEAN' "
                      f"or pass --force.")


def reservation_to_check_in(room: Room, bookings: list[Booking], today: date, booking_id: str | None) -> Booking:
    """Which due reservation `checkin` takes (after the room refusals)."""
    if booking_id is not None:
        chosen = next((b for b in bookings if b.id.casefold() == booking_id.casefold()), None)
        if chosen is None or not is_due(chosen, today):
            raise Refused("NO_DUE_RESERVATION",
                          f"Booking {booking_id} is not a reservation due today in room {room.number}; "
                          f"'roomsync show {room.number}' lists its bookings.")
        return chosen
    due = due_reservations(bookings, today)
    if not due:
        raise Refused("NO_DUE_RESERVATION",
                      f"Room {room.number} has no reservation due today; book one first or use --walk-in.")
    if len(due) > 1:
        raise Refused("AMBIGUOUS_RESERVATION",
                      f"Room {room.number} has {len(due)} reservations due today ({', '.join(b.id for b in due)}); "
                      f"choose one with --booking.")
    return due[0]


def guest_to_check_out(room: Room, bookings: list[Booking], booking_id: str | None) -> Booking:
    guests = guests_in(bookings)
    if booking_id is not None:
        chosen = next((b for b in guests if b.id.casefold() == booking_id.casefold()), None)
        if chosen is None:
            raise Refused("NOT_CHECKED_IN", f"Booking {booking_id} is not checked in to room {room.number}.")
        return chosen
    if not guests:
        raise Refused("NOT_CHECKED_IN", f"Room {room.number} has no guest checked in.")
    if len(guests) > 1:
        raise Refused("AMBIGUOUS_RESERVATION",
                      f"Room {room.number} has {len(guests)} guests checked in ({', '.join(b.id for b in guests)}); "
                      f"choose one with --booking.")
    return guests[0]


def require_status(booking: Booking, allowed: set[BookingStatus], action: str) -> None:
    if booking.status not in allowed:
        names = " or ".join(sorted(s.value for s in allowed))
        raise Refused("INVALID_TRANSITION",
                      f"Booking {booking.id} is {booking.status.value}; only a {names} booking can be {action}.")


def check_housekeeping(room: Room, bookings: list[Booking], status: RoomStatus, today: date, force: bool) -> None:
    if status in DERIVED:
        raise Refused("DERIVED_STATUS",
                      f"Room {room.number}: {status.value} is derived from bookings and cannot be set by hand; "
                      f"use checkin or book instead.")
    guests = guests_in(bookings)
    if guests:
        raise Refused("ROOM_OCCUPIED",
                      f"Room {room.number} is occupied by {guests[0].guest} ({guests[0].id}); "
                      f"check them out before changing its status.")
    if status in OUT_OF_ORDER and not force:
        due = due_reservations(bookings, today)
        if due:
            raise Refused("ROOM_RESERVED",
                          f"Room {room.number} has a reservation due today ({due[0].id}, {due[0].guest}); "
                          f"move the guest first, or pass --force.")


def check_room_removable(room: Room, bookings: list[Booking]) -> None:
    """A room leaves the hotel only when no active booking names it; finished bookings keep
    its number as history and are never a reason to refuse."""
    active = [b for b in bookings if b.is_active]
    if active:
        first = active[0]
        more = f" and {len(active) - 1} more" if len(active) > 1 else ""
        raise Refused("ROOM_IN_USE",
                      f"Room {room.number} has an active booking {first.id} ({first.guest}){more}; "
                      f"move or cancel it first ('roomsync move {first.id} ROOM').")
