"""The commands of SPEC §3: parse arguments, run one operation in one unit of work, render."""

from __future__ import annotations

from datetime import date
from collections.abc import Callable
from typing import Annotated, Any, Optional

import typer

from roomsync import __version__
from roomsync.cli.base import Desk, app, desk_command, parse_day, parse_name, parse_positive
from roomsync.cli.render import emit_json, report_lines, say, stored, table
from roomsync.domain.calendar import stay_departure
from roomsync.domain.model import Booking, booking_status_named, room_status_named
from roomsync.domain.reconcile import active_by_room
from roomsync.domain.stays import due_reservations, expected_status, guests_in, holds_night
from roomsync.errors import UsageError
from roomsync.operations import desk as ops

Room_ = Annotated[str, typer.Argument(help="Room number, e.g. 102.")]
BookingId = Annotated[str, typer.Argument(help="Booking id, e.g. B-000042.")]
Day = Annotated[Optional[date], typer.Option(parser=parse_day, metavar="YYYY-MM-DD")]
Nights = Annotated[Optional[int], typer.Option("--nights", parser=parse_positive, help="Number of nights.")]
Guest = Annotated[Optional[str], typer.Option("--guest", parser=parse_name, help="The guest's name.")]


def _version(value: bool) -> None:
    if value:
        say(f"roomsync {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                               help="Print the version and exit.")] = False) -> None:
    """Keep a hotel's room statuses consistent with its bookings."""


def show_change(desk: Desk, change: ops.BookingChange, summary: str) -> None:
    if desk.json:
        document = {"booking": stored(change.booking), "room": stored(change.room)}
        if change.moved:
            document["from_room"] = stored(change.from_room)
        emit_json(document)
        return
    origin = f", from room {change.from_room.number} (now {change.from_room.status.value})" \
        if change.moved and change.from_room else ""
    room = f"; room {change.room.number} is now {change.room.status.value}" if change.room else ""
    say(f"{summary}{origin}{room}.")


def change_stay(desk: Desk, operation: Callable[..., ops.BookingChange], *args: Any,
                summary: Callable[[Booking], str], **kwargs: Any) -> None:
    """Run one booking operation in one unit of work, commit it, and show the result."""
    with desk.unit_of_work() as uow:
        change = operation(uow, desk.clock, *args, **kwargs)
        uow.commit(desk.command_line)
    show_change(desk, change, summary(change.booking))


def departure_or_nights(departure: date | None, nights: int | None) -> None:
    if departure is not None and nights is not None:
        raise UsageError("give either --departure or --nights, not both")
    if departure is None and nights is None:
        raise UsageError("give --departure YYYY-MM-DD or --nights N")


def departure_from(arrival: date, departure: date | None, nights: int | None) -> date:
    departure_or_nights(departure, nights)
    return departure if departure is not None else stay_departure(arrival, nights or 0, "The stay")


@desk_command()
def init(desk: Desk,
         sample: Annotated[bool, typer.Option("--sample", help="Fill it with a demo hotel dated around today.")] = False,
         force: Annotated[bool, typer.Option("--force", help="Replace the hotel that is there.")] = False) -> None:
    """Create the data directory with empty files (or a demo hotel)."""
    with desk.unit_of_work(create=True) as uow:
        rooms, bookings = ops.init(uow, desk.clock, sample=sample, force=force)
        uow.commit(desk.command_line)
    if desk.json:
        emit_json({**desk.where, "rooms": rooms, "bookings": bookings})
    else:
        where = desk.data_dir if desk.store is None else f"hotel {desk.where['hotel']} of {desk.where['store']}"
        say(f"Created a hotel in {where} with {rooms} room(s) and {bookings} booking(s).")


@desk_command()
def rooms(desk: Desk) -> None:
    """List rooms: status, guest in house, due arrival, and drift from the status rule."""
    with desk.unit_of_work(read_only=True) as uow:
        all_rooms = uow.rooms.all()
        grouped = active_by_room(uow.bookings.active())
        rows = []
        for room in all_rooms:
            own = grouped.get(room.number, [])
            expected, _ = expected_status(room, own, desk.today)
            guests = guests_in(own)
            due = due_reservations(own, desk.today)
            drift = "" if expected is room.status else f"→ {expected.value}"
            rows.append([room.number, room.type or "", room.status.value, drift,
                         ", ".join(f"{b.guest} ({b.id})" for b in guests),
                         ", ".join(f"{b.guest} ({b.id})" for b in due)])
    if desk.json:
        emit_json([room.as_record() for room in all_rooms])
        return
    table(["Room", "Type", "Status", "Drift", "In house", "Due today"], rows,
          styles=["yellow" if row[3] else None for row in rows])


@desk_command()
def bookings(desk: Desk,
             room: Annotated[Optional[str], typer.Option("--room", help="Only this room's bookings.")] = None,
             status: Annotated[Optional[str], typer.Option("--status", help="Only bookings with this status.")] = None,
             on: Day = None) -> None:
    """List bookings (--on: those holding that night)."""
    wanted = None
    if status is not None:
        try:
            wanted = booking_status_named(status)
        except KeyError:
            raise typer.BadParameter(f"{status!r} is not a booking status", param_hint="--status") from None
    with desk.unit_of_work(read_only=True) as uow:
        found = uow.bookings.for_room(room) if room is not None else uow.bookings.all()
        found = [b for b in found
                 if (wanted is None or b.status is wanted)
                 and (on is None or holds_night(b, on, desk.today))]
    if desk.json:
        emit_json([b.as_record() for b in found])
        return
    table(["Booking", "Room", "Guest", "Arrival", "Departure", "Status"], [booking_row(b) for b in found])


def booking_row(b: Booking) -> list[str]:
    return [b.id, b.room, b.guest, b.arrival.isoformat(), b.departure.isoformat(), b.status.value]


@desk_command()
def show(desk: Desk, room: Room_) -> None:
    """One room with its bookings."""
    with desk.unit_of_work(read_only=True) as uow:
        found = ops.room_or_refuse(uow, room)
        own = uow.bookings.for_room(room)
        expected, reason = expected_status(found, own, desk.today)
    if desk.json:
        emit_json({"room": found.as_record(), "expected_status": expected.value,
                   "bookings": [b.as_record() for b in own]})
        return
    kind = f" ({found.type})" if found.type else ""
    say(f"Room {found.number}{kind}: {found.status.value}")
    if expected is not found.status:
        say(f"  should be {expected.value} ({reason}); 'roomsync reconcile --fix' repairs it")
    table(["Booking", "Room", "Guest", "Arrival", "Departure", "Status"], [booking_row(b) for b in own])


@desk_command()
def book(desk: Desk, room: Annotated[Optional[str], typer.Argument(help="Room number (or use --type).")] = None,
         guest: Guest = None,
         arrival: Day = None,
         departure: Day = None,
         nights: Nights = None,
         room_type: Annotated[Optional[str], typer.Option("--type", help="Any room of this type.")] = None) -> None:
    """Book a room (or, with --type, the first free room of that type)."""
    if guest is None or arrival is None:
        raise UsageError("book needs --guest NAME and --arrival YYYY-MM-DD")
    if (room is None) == (room_type is None):
        raise UsageError("give either a ROOM or --type, not both" if room else "give a ROOM or --type TYPE")
    departure_or_nights(departure, nights)
    from roomsync.operations.stays import book_by_type

    operation, where = (book_by_type, room_type) if room_type is not None else (ops.book, room)
    change_stay(desk, operation, where, guest, arrival, departure, nights=nights,
                summary=lambda b: f"Booked room {b.room} for {b.guest} ({b.id}), {b.arrival} to {b.departure}")


@desk_command()
def checkin(desk: Desk, room: Room_,
            booking: Annotated[Optional[str], typer.Option("--booking", help="Which due reservation.")] = None,
            force: Annotated[bool, typer.Option("--force", help="Check in to a DIRTY room.")] = False,
            walk_in: Annotated[bool, typer.Option("--walk-in", help="Create the booking and check in.")] = False,
            guest: Guest = None,
            nights: Nights = None) -> None:
    """Check in the room's due reservation (or a walk-in guest)."""
    if walk_in and (guest is None or nights is None):
        raise UsageError("--walk-in needs --guest NAME and --nights N")
    if not walk_in and (guest is not None or nights is not None):
        raise UsageError("--guest and --nights go with --walk-in")
    if walk_in and booking is not None:
        raise UsageError("--booking does not go with --walk-in")
    summary = lambda b: f"Checked in {b.guest} ({b.id})"  # noqa: E731
    if walk_in:
        change_stay(desk, ops.walk_in, room, guest or "", nights or 0, force=force, summary=summary)
    else:
        change_stay(desk, ops.check_in, room, booking_id=booking, force=force, summary=summary)


@desk_command()
def checkout(desk: Desk, room: Room_,
             booking: Annotated[Optional[str], typer.Option("--booking", help="Which guest.")] = None) -> None:
    """Check out the room's guest; the room becomes DIRTY."""
    change_stay(desk, ops.check_out, room, booking_id=booking, summary=lambda b: f"Checked out {b.guest} ({b.id})")


@desk_command()
def cancel(desk: Desk, booking: BookingId) -> None:
    """Cancel a reservation."""
    change_stay(desk, ops.cancel, booking, summary=lambda b: f"Cancelled {b.id} ({b.guest})")


@desk_command()
def noshow(desk: Desk, booking: BookingId) -> None:
    """Mark a reservation whose guest did not come."""
    change_stay(desk, ops.no_show, booking, summary=lambda b: f"Marked {b.id} ({b.guest}) a no-show")


@desk_command()
def delete(desk: Desk, booking: BookingId) -> None:
    """Remove a booking that is not checked in."""
    change_stay(desk, ops.delete, booking, summary=lambda b: f"Deleted {b.id} ({b.guest})")


@desk_command()
def housekeeping(desk: Desk, room: Room_,
                 status: Annotated[str, typer.Argument(metavar="STATUS",
                                                       help="AVAILABLE, CLEAN, DIRTY, MAINTENANCE or OUT_OF_SERVICE.")],
                 force: Annotated[bool, typer.Option("--force", help="Close a room with a reservation due.")] = False
                 ) -> None:
    """Set a room's housekeeping status; bookings still decide RESERVED and OCCUPIED."""
    try:
        wanted = room_status_named(status)
    except KeyError:
        raise typer.BadParameter(f"{status!r} is not a room status", param_hint="STATUS") from None
    with desk.unit_of_work() as uow:
        found = ops.housekeeping(uow, desk.clock, room, wanted, force=force)
        uow.commit(desk.command_line)
    if desk.json:
        emit_json({"room": found.as_record()})
    else:
        shown = "" if found.status is wanted else f" (shown {found.status.value}: a reservation is due)"
        say(f"Room {found.number} is now {wanted.value}{shown}.")


def _reconcile(desk: Desk, fix: bool) -> int:
    with desk.unit_of_work(read_only=not fix) as uow:
        report = ops.run_reconcile(uow, desk.clock, fix=fix)
        if fix:
            uow.commit(desk.command_line)
    if desk.json:
        emit_json(report.as_json())
    else:
        for line in report_lines(report):
            say(line)
    return 0 if report.clean else 1


@desk_command()
def reconcile(desk: Desk, fix: Annotated[bool, typer.Option("--fix", help="Repair the statuses.")] = False) -> int:
    """Report (and with --fix repair) every room whose status breaks the rule."""
    return _reconcile(desk, fix)


@desk_command()
def validate(desk: Desk) -> int:
    """Report drift, problems and warnings; never changes data."""
    return _reconcile(desk, False)

