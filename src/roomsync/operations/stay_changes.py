"""Changing stays after they are booked (SPEC §7): assign by type, move, amend, undo,
reinstate and the night audit. Same shape as `desk.py`: refusals in the SPEC's order, then
booking and rooms change together and every touched room is re-derived.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from roomsync.domain import rules
from roomsync.domain.calendar import Clock, add_days, stay_departure
from roomsync.domain.model import OUT_OF_ORDER, Booking, BookingStatus, Room, RoomStatus
from roomsync.domain.reconcile import Report, active_by_room, reconcile
from roomsync.domain.stays import held_nights
from roomsync.domain.views import occupancy
from roomsync.errors import Refused
from roomsync.operations.front_desk import (
    BookingChange,
    add_channel_findings,
    booking_or_refuse,
    make_fixes,
    new_booking,
    rederive,
    room_or_refuse,
    save_booking,
    set_by_hand,
    settle,
)
from roomsync.storage.base import UnitOfWork

FINISHED = {BookingStatus.CHECKED_OUT, BookingStatus.CANCELLED, BookingStatus.NO_SHOW}


def bookable_rooms(uow: UnitOfWork, today: date, arrival: date, departure: date,
                   room_type: str | None = None, subject: str = "The stay") -> list[Room]:
    """The rooms `book` would accept for this stay, in file order (the date rules first).

    `availability` lists them and `book --type` takes the first: one decision for both.
    """
    rules.check_stay_dates(arrival, departure, today, subject)
    grouped = active_by_room(uow.bookings.active())
    return [
        room for room in uow.rooms.all()
        if (room_type is None or room.matches_type(room_type))
        and rules.booking_refusal(room, grouped.get(room.number, []), arrival, departure, today) is None
    ]


def book_by_type(uow: UnitOfWork, clock: Clock, room_type: str, guest: str, arrival: date,
                 departure: date | None = None, *, nights: int | None = None) -> BookingChange:
    """`book --type`: the first room `availability` lists; `nights` as for `book`."""
    if departure is None:
        departure = stay_departure(arrival, nights or 0, f"A {room_type} room")
    free = bookable_rooms(uow, clock.today, arrival, departure, room_type, f"A {room_type} room")
    if not free:
        raise Refused("NO_ROOM_AVAILABLE",
                      f"No {room_type} room is free from {arrival} to {departure}; "
                      f"'roomsync availability' shows what is.")
    room = free[0]
    booking = new_booking(uow, room.number, guest, arrival, departure, clock)
    uow.bookings.add(booking)
    rederive(uow, room, clock.today)
    return BookingChange(booking, room)


def move(uow: UnitOfWork, clock: Clock, booking_id: str, number: str, *, force: bool = False) -> BookingChange:
    booking = booking_or_refuse(uow, booking_id)
    target = room_or_refuse(uow, number)
    if not booking.is_active:
        rules.require_status(booking, {BookingStatus.RESERVED, BookingStatus.CHECKED_IN}, "moved")
    if booking.room == number:
        raise Refused("INVALID_TRANSITION", f"Booking {booking.id} is already in room {number}.")
    bookings = uow.bookings.active_in(number)
    in_house = booking.status is BookingStatus.CHECKED_IN
    if in_house:
        rules.check_room_ready_for_guest(target, bookings, force)
    elif target.status in OUT_OF_ORDER and rules.includes_today(booking.arrival, booking.departure, clock.today):
        raise rules.out_of_service(target, "it cannot take a stay that includes today")
    # SPEC §7 checks the nights still to come; a guest in house also carries the nights
    # already spent into room R (a booking names one room), so their whole held stay is
    # checked, or a stale late arrival in R would become a §4 DOUBLE_BOOKING problem.
    other = rules.conflicting_booking(held_nights(booking, clock.today), bookings, clock.today, booking)
    if other is not None:
        refusal = rules.double_booking(target, other)
        if other.departure <= clock.today:
            refusal.message += f" ({other.id} never arrived: mark it with 'roomsync noshow {other.id}' first.)"
        raise refusal
    old_room = uow.rooms.get(booking.room)
    booking.room = number
    save_booking(uow, booking, clock)
    if old_room is not None:
        if in_house:
            set_by_hand(uow, old_room, RoomStatus.DIRTY, f"Guest moved to room {number} ({booking.id})", clock.today)
        else:
            rederive(uow, old_room, clock.today)
    rederive(uow, target, clock.today)
    return BookingChange(booking, target, old_room, moved=True)


def amend(uow: UnitOfWork, clock: Clock, booking_id: str, *, arrival: date | None = None,
          departure: date | None = None, nights: int | None = None, guest: str | None = None) -> BookingChange:
    booking = booking_or_refuse(uow, booking_id)
    new_arrival = arrival if arrival is not None else booking.arrival
    if nights is not None:
        departure = stay_departure(new_arrival, nights, f"Booking {booking.id}")
    new_departure = departure if departure is not None else booking.departure
    dates_change = (new_arrival, new_departure) != (booking.arrival, booking.departure)
    if dates_change and booking.status in FINISHED:
        raise Refused("INVALID_TRANSITION",
                      f"Booking {booking.id} is {booking.status.value}; the dates of a finished stay cannot change.")
    if booking.status is BookingStatus.CHECKED_IN and new_arrival != booking.arrival:
        raise Refused("INVALID_TRANSITION",
                      f"Booking {booking.id} is checked in; its arrival cannot change (only its departure).")
    room = uow.rooms.get(booking.room)
    if dates_change:
        if new_departure <= new_arrival:
            raise Refused("INVALID_DATES",
                          f"Booking {booking.id}: departure {new_departure} must be after arrival {new_arrival}.")
        if new_arrival != booking.arrival and new_arrival < clock.today:
            raise Refused("INVALID_DATES",
                          f"Booking {booking.id}: arrival {new_arrival} is before today ({clock.today}).")
        if booking.status is BookingStatus.CHECKED_IN and new_departure < clock.today:
            raise Refused("INVALID_DATES", f"Booking {booking.id}: departure {new_departure} is before today "
                                           f"({clock.today}); check the guest out instead.")
        if room is not None:
            if (booking.status is BookingStatus.RESERVED and room.status in OUT_OF_ORDER
                    and rules.includes_today(new_arrival, new_departure, clock.today)):
                raise rules.out_of_service(room, "it cannot take a stay that includes today")
            trial = Booking(booking.id, booking.room, booking.guest, new_arrival, new_departure, booking.status)
            other = rules.conflicting_booking(held_nights(trial, clock.today), uow.bookings.active_in(room.number),
                                              clock.today, booking)
            if other is not None:
                raise rules.double_booking(room, other)
    booking.arrival, booking.departure = new_arrival, new_departure
    if guest is not None:
        booking.guest = guest
    return settle(uow, booking, clock)


def undo_check_in(uow: UnitOfWork, clock: Clock, booking_id: str) -> BookingChange:
    booking = booking_or_refuse(uow, booking_id)
    rules.require_status(booking, {BookingStatus.CHECKED_IN}, "un-checked-in")
    booking.status = BookingStatus.RESERVED
    booking.stamp("checked_in_at", None)
    return settle(uow, booking, clock)


def reinstate(uow: UnitOfWork, clock: Clock, booking_id: str) -> BookingChange:
    booking = booking_or_refuse(uow, booking_id)
    rules.require_status(booking, {BookingStatus.CANCELLED, BookingStatus.NO_SHOW}, "reinstated")
    if booking.departure <= clock.today:
        raise Refused("INVALID_DATES",
                      f"Booking {booking.id} departed on {booking.departure}; only a stay with nights still "
                      f"to come can be reinstated (book a new one instead).")
    room = room_or_refuse(uow, booking.room)
    refusal = rules.booking_refusal(room, uow.bookings.active_in(room.number), booking.arrival, booking.departure,
                                    clock.today, booking)
    if refusal:
        raise refusal
    booking.status = BookingStatus.RESERVED
    return settle(uow, booking, clock)


@dataclass(slots=True)
class NightAudit:
    closed_day: date
    no_shows: list[str]
    reconcile: Report
    overstays: list[str]
    arrivals: int
    departures: int
    in_house: int
    occupancy: float

    @property
    def clean(self) -> bool:
        return self.reconcile.clean and (self.reconcile.applied or not self.no_shows)


def night_audit(uow: UnitOfWork, clock: Clock) -> NightAudit:
    """Close the day before today: late reservations become no-shows, statuses are fixed.

    Everything is decided before anything changes, so a refusal (a closed day before
    0001-01-01, a guest past departure on 9999-12-31) leaves the unit of work untouched.
    The changes are made in the unit of work and returned whatever the caller does next:
    it commits them and sets `reconcile.applied`, or (a dry run) leaves without commit.
    """
    today = clock.today
    closed_day = add_days(today, -1, f"The night audit of {today} closes the day before it, which")
    rooms = uow.rooms.all()
    active = uow.bookings.active()
    late = [b for b in active if b.status is BookingStatus.RESERVED and b.arrival < today]
    staying = [b for b in active if not (b.status is BookingStatus.RESERVED and b.arrival < today)]
    report = reconcile(rooms, staying, today)
    tonight = occupancy(rooms, staying, today, today)
    for booking in late:
        booking.status = BookingStatus.NO_SHOW
        save_booking(uow, booking, clock)
    make_fixes(uow, rooms, report)
    add_channel_findings(uow, clock, report)
    in_house = [b for b in staying if b.status is BookingStatus.CHECKED_IN]
    return NightAudit(
        closed_day=closed_day,
        no_shows=[b.id for b in late],
        reconcile=report,
        overstays=[b.id for b in in_house if b.departure < today],
        arrivals=sum(1 for b in staying if b.status is BookingStatus.RESERVED and b.arrival == today),
        departures=sum(1 for b in in_house if b.departure == today),
        in_house=len(in_house),
        occupancy=tonight,
    )
