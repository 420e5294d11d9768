"""The commands of SPEC §3: parse arguments, run one operation or query in one unit of work,
render. Rules live in `operations/`; what a listing contains in `operations/queries.py`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

import typer

from roomsync.cli import render
from roomsync.cli.command import CommandSettings, desk_command
from roomsync.cli.options import (
    MAX_LIMIT,
    BookingArg,
    BookingStatusOption,
    Departure,
    Nights,
    RoomArg,
    RoomStatusArg,
    complete_room,
    complete_room_or_booking,
    day_option,
    guest_option,
    nights_option,
)
from roomsync.cli.render import (
    booking_rows,
    emit_json,
    reconcile_json,
    report_lines,
    room_document,
    say,
    stored,
)
from roomsync.domain.calendar import Clock, stay_departure
from roomsync.domain.model import Booking, RoomStatus
from roomsync.errors import UsageError
from roomsync.operations import front_desk as ops
from roomsync.operations import queries
from roomsync.storage.base import UnitOfWork

BOOKING_HEADERS = ["Booking", "Room", "Guest", "Arrival", "Departure", "Status"]
TERMINAL_LIMIT = 100
"""Bookings a terminal shows by default: the latest, since a long history would scroll away."""


def change_document(uow: UnitOfWork, change: ops.BookingChange) -> dict[str, Any]:
    """What a booking operation's `--json` prints (and `batch` prints for its line): the
    booking and its room as stored, and for a move the room left behind."""
    document = {"booking": stored(uow, change.booking), "room": stored(uow, change.room)}
    if change.moved:
        document["from_room"] = stored(uow, change.from_room)
    return document


def show_change(desk: CommandSettings, document: dict[str, Any], change: ops.BookingChange, summary: str) -> None:
    if desk.json:
        emit_json(document)
        return
    origin = f", from room {change.from_room.number} (now {change.from_room.status.value})" \
        if change.moved and change.from_room else ""
    room = f"; room {change.room.number} is now {change.room.status.value}" if change.room else ""
    say(f"{summary}{origin}{room}.")


def change_stay(desk: CommandSettings, operation: Callable[..., ops.BookingChange], *args: Any,
                summary: Callable[[Booking], str], **kwargs: Any) -> None:
    """Run one booking operation in one unit of work, commit it, and show the result."""
    with desk.unit_of_work() as uow:
        change = operation(uow, desk.clock, *args, **kwargs)
        uow.commit(desk.command_line, at=desk.clock.now)
        document = change_document(uow, change)
    show_change(desk, document, change, summary(change.booking))


def departure_or_nights(departure: date | None, nights: int | None) -> None:
    """Exactly one of --departure and --nights (a usage rule, checked before any store is opened)."""
    if departure is not None and nights is not None:
        raise UsageError("give either --departure or --nights, not both")
    if departure is None and nights is None:
        raise UsageError("give --departure YYYY-MM-DD or --nights N")


def departure_from(arrival: date, departure: date | None, nights: int | None) -> date:
    departure_or_nights(departure, nights)
    return departure if departure is not None else stay_departure(arrival, nights or 0, "The stay")


def book_usage(room: str | None, room_type: str | None, departure: date | None, nights: int | None) -> None:
    """`book` names a room or a type, and a departure or a number of nights (usage rules,
    checked before any store is opened, for the command line and for a `batch` line)."""
    if (room is None) == (room_type is None):
        raise UsageError("give either a ROOM or --type, not both" if room else "give a ROOM or --type TYPE")
    departure_or_nights(departure, nights)


def book_stay(uow: UnitOfWork, clock: Clock, room: str | None, room_type: str | None, guest: str,
              arrival: date, departure: date | None, nights: int | None) -> ops.BookingChange:
    """`book R`, or with a type `book --type T` (the first room `availability` lists)."""
    if room_type is not None:
        from roomsync.operations.stay_changes import book_by_type

        return book_by_type(uow, clock, room_type, guest, arrival, departure, nights=nights)
    return ops.book(uow, clock, room or "", guest, arrival, departure, nights=nights)


def checkin_usage(walk_in: bool, guest: str | None, nights: int | None, booking: str | None) -> None:
    """A walk-in brings its guest and nights; a reservation's check-in takes neither."""
    if walk_in and (guest is None or nights is None):
        raise UsageError("--walk-in needs --guest NAME and --nights N")
    if not walk_in and (guest is not None or nights is not None):
        raise UsageError("--guest and --nights go with --walk-in")
    if walk_in and booking is not None:
        raise UsageError("--booking does not go with --walk-in")


def check_in_guest(uow: UnitOfWork, clock: Clock, room: str, *, booking: str | None = None, force: bool = False,
                   walk_in: bool = False, guest: str | None = None, nights: int | None = None) -> ops.BookingChange:
    """`checkin R` (the due reservation, or `--booking`), or with `walk_in` a new stay checked in."""
    if walk_in:
        return ops.walk_in(uow, clock, room, guest or "", nights or 0, force=force)
    return ops.check_in(uow, clock, room, booking_id=booking, force=force)


def confirm_replacing(desk: CommandSettings) -> None:
    """On a terminal, `init --force` first names what it replaces; "no" or end of input writes nothing."""
    with desk.unit_of_work(read_only=True) as uow:
        if not uow.exists():
            return
        rooms, bookings = len(uow.rooms.all()), len(uow.bookings.all())
    question = f"Replace the hotel in {desk.data_dir if desk.store is None else desk.where['hotel']} " \
               f"({rooms} room(s), {bookings} booking(s))?"
    try:
        agreed = typer.confirm(question, default=False, err=True)
    except typer.Abort:
        agreed = False
    if not agreed:
        say("Nothing was changed.")
        raise typer.Exit(1)


def kept_files(entry: dict[str, Any] | None) -> list[str]:
    """The replaced pair's kept copies, as the store names them in the commit's audit entry."""
    return list((entry or {}).get("replaced", []))


@desk_command(example="roomsync init --sample --data-dir data")
def init(ctx: typer.Context,
         sample: Annotated[bool,
                           typer.Option("--sample", help="Fill it with a demo hotel dated around today.")] = False,
         force: Annotated[bool, typer.Option("--force", help="Replace the hotel that is there.")] = False,
         yes: Annotated[bool, typer.Option("--yes", help="With --force: do not ask first.")] = False) -> None:
    """Create the data directory with empty files (or a demo hotel)."""
    desk = CommandSettings.of(ctx)
    if force and not yes and render.on_terminal(input_too=True):
        confirm_replacing(desk)
    with desk.unit_of_work(create=True) as uow:
        rooms, bookings = ops.init(uow, desk.clock, sample=sample, force=force)
        entry = uow.commit(desk.command_line, at=desk.clock.now)
    kept = kept_files(entry)
    if desk.json:
        emit_json({**desk.where, "rooms": rooms, "bookings": bookings, **({"replaced": kept} if kept else {})})
    else:
        where = desk.data_dir if desk.store is None else f"hotel {desk.where['hotel']} of {desk.where['store']}"
        say(f"Created a hotel in {where} with {rooms} room(s) and {bookings} booking(s).")
        if kept:
            say(f"The replaced files are kept as {', '.join(kept)}.")


@desk_command(example="roomsync rooms")
def rooms(ctx: typer.Context) -> None:
    """List rooms: status, guest in house, due arrival, and drift from the status rule."""
    desk = CommandSettings.of(ctx)
    with desk.unit_of_work(read_only=True) as uow:
        rows = queries.room_rows(uow, desk.today)
        listed = [uow.rooms.stored(row.room) for row in rows]
    if desk.json:
        emit_json(listed)
        return
    render.table(["Room", "Type", "Status", "Drift", "In house", "Due today"],
          [[row.room.number, row.room.type or "", row.room.status.value,
            f"→ {row.expected.value}" if row.drifts else "",
            ", ".join(f"{b.guest} ({b.id})" for b in row.in_house),
            ", ".join(f"{b.guest} ({b.id})" for b in row.due_today)] for row in rows],
          styles=["yellow" if row.drifts else None for row in rows])


@desk_command(example="roomsync bookings --guest ada --status reserved")
def bookings(ctx: typer.Context,
             room: Annotated[str | None, typer.Option("--room", metavar="ROOM", help="Only this room's bookings.",
                                                      autocompletion=complete_room)] = None,
             status: BookingStatusOption = None,
             on: Annotated[date | None, day_option("--on", "Only those holding that night.")] = None,
             guest: Annotated[str | None, typer.Option(
                 "--guest", metavar="TEXT", help="Only guests whose name contains TEXT (any case or accents).")]
             = None,
             limit: Annotated[int | None, typer.Option(
                 "--limit", min=0, max=MAX_LIMIT, metavar="N",
                 help="Show only the last N matches (0: all) [default: 100 on a terminal, else all].")] = None
             ) -> None:
    """List bookings in file order, optionally narrowed."""
    desk = CommandSettings.of(ctx)
    with desk.unit_of_work(read_only=True) as uow:
        found = queries.find_bookings(uow, desk.today, room=room, status=status, on=on, guest=guest)
        if limit is None and not desk.json and render.on_terminal():
            limit = TERMINAL_LIMIT
        hidden = max(0, len(found) - limit) if limit else 0
        shown = found[hidden:]
        listed = [uow.bookings.stored(b) for b in shown]
    if desk.json:
        emit_json(listed)
        return
    if hidden:
        say(f"{hidden} earlier match(es) not shown; --limit 0 shows all.")
    render.table(BOOKING_HEADERS, booking_rows(shown))


@desk_command(example="roomsync show 102   (or: roomsync show B-000042)")
def show(ctx: typer.Context,
         key: Annotated[str, typer.Argument(metavar="ROOM|BOOKING", help="A room number or a booking id.",
                                            autocompletion=complete_room_or_booking)]) -> None:
    """One room with its bookings, or one booking with its room."""
    desk = CommandSettings.of(ctx)
    with desk.unit_of_work(read_only=True) as uow:
        found = queries.room_or_booking(uow, key, desk.today)
        if isinstance(found, queries.BookingDetail):
            document: dict[str, Any] = {"booking": uow.bookings.stored(found.booking),
                                        "room": stored(uow, found.room)}
        else:
            document = {"room": uow.rooms.stored(found.room), "expected_status": found.expected.value,
                        "bookings": [uow.bookings.stored(b) for b in found.bookings]}
    if isinstance(found, queries.BookingDetail):
        if desk.json:
            emit_json(document)
            return
        b, room = found.booking, found.room
        where = f"room {b.room} ({room.status.value})" if room else f"room {b.room} (no such room)"
        say(f"Booking {b.id}: {b.guest}, {where}, {b.arrival} to {b.departure}, {b.status.value}")
        return
    if desk.json:
        emit_json(document)
        return
    kind = f" ({found.room.type})" if found.room.type else ""
    say(f"Room {found.room.number}{kind}: {found.room.status.value}")
    if found.expected is not found.room.status:
        say(f"  should be {found.expected.value} ({found.reason}); 'roomsync reconcile --fix' repairs it")
    render.table(BOOKING_HEADERS, booking_rows(found.bookings))


@desk_command(example="roomsync book 102 --guest 'Ada Lovelace' --arrival 2026-12-01 --nights 2")
def book(ctx: typer.Context,
         room: Annotated[str | None, typer.Argument(metavar="ROOM", help="Room number (or use --type).",
                                                    autocompletion=complete_room)] = None,
         *,
         guest: Annotated[str, guest_option()],
         arrival: Annotated[date, day_option("--arrival", "First night.")],
         departure: Departure = None,
         nights: Nights = None,
         room_type: Annotated[str | None,
                              typer.Option("--type", metavar="TYPE", help="Any room of this type.")] = None) -> None:
    """Book a room (or, with --type, the first free room of that type)."""
    desk = CommandSettings.of(ctx)
    book_usage(room, room_type, departure, nights)
    change_stay(desk, book_stay, room, room_type, guest, arrival, departure, nights,
                summary=lambda b: f"Booked room {b.room} for {b.guest} ({b.id}), {b.arrival} to {b.departure}")


@desk_command(example="roomsync checkin 102   (walk-in: roomsync checkin 103 --walk-in --guest Ada --nights 1)")
def checkin(ctx: typer.Context, room: RoomArg,
            booking: Annotated[str | None,
                               typer.Option("--booking", metavar="ID", help="Which due reservation.")] = None,
            force: Annotated[bool, typer.Option("--force", help="Check in to a DIRTY room.")] = False,
            walk_in: Annotated[bool, typer.Option("--walk-in", help="Create the booking and check in.")] = False,
            guest: Annotated[str | None, guest_option("The guest's name (required with --walk-in).")] = None,
            nights: Annotated[int | None, nights_option("Number of nights (required with --walk-in).")] = None
            ) -> None:
    """Check in the room's due reservation (or a walk-in guest)."""
    desk = CommandSettings.of(ctx)
    checkin_usage(walk_in, guest, nights, booking)
    change_stay(desk, check_in_guest, room, booking=booking, force=force, walk_in=walk_in, guest=guest,
                nights=nights, summary=lambda b: f"Checked in {b.guest} ({b.id})")


@desk_command(example="roomsync checkout 102")
def checkout(ctx: typer.Context, room: RoomArg,
             booking: Annotated[str | None,
                                typer.Option("--booking", metavar="ID", help="Which guest.")] = None) -> None:
    """Check out the room's guest; the room becomes DIRTY."""
    change_stay(CommandSettings.of(ctx), ops.check_out, room, booking_id=booking,
                summary=lambda b: f"Checked out {b.guest} ({b.id})")


@desk_command(example="roomsync cancel B-000042")
def cancel(ctx: typer.Context, booking: BookingArg) -> None:
    """Cancel a reservation."""
    change_stay(CommandSettings.of(ctx), ops.cancel, booking, summary=lambda b: f"Cancelled {b.id} ({b.guest})")


@desk_command(example="roomsync noshow B-000042")
def noshow(ctx: typer.Context, booking: BookingArg) -> None:
    """Mark a reservation whose guest did not come."""
    change_stay(CommandSettings.of(ctx), ops.no_show, booking, summary=lambda b: f"Marked {b.id} ({b.guest}) a no-show")


@desk_command(example="roomsync delete B-000042")
def delete(ctx: typer.Context, booking: BookingArg) -> None:
    """Remove a booking that is not checked in."""
    change_stay(CommandSettings.of(ctx), ops.delete, booking, summary=lambda b: f"Deleted {b.id} ({b.guest})")


@desk_command(example="roomsync housekeeping 102 clean")
def housekeeping(ctx: typer.Context, room: RoomArg, status: RoomStatusArg,
                 force: Annotated[bool, typer.Option("--force", help="Close a room with a reservation due.")] = False
                 ) -> None:
    """Set a room's housekeeping status; bookings still decide RESERVED and OCCUPIED."""
    desk = CommandSettings.of(ctx)
    wanted = RoomStatus(status)
    with desk.unit_of_work() as uow:
        found = ops.housekeeping(uow, desk.clock, room, wanted, force=force)
        uow.commit(desk.command_line, at=desk.clock.now)
        document = room_document(uow, found)
    if desk.json:
        emit_json(document)
    else:
        shown = "" if found.status is wanted else f" (shown {found.status.value}: a reservation is due)"
        say(f"Room {found.number} is now {wanted.value}{shown}.")


def _reconcile(desk: CommandSettings, fix: bool) -> int:
    with desk.unit_of_work(read_only=not fix) as uow:
        report = ops.run_reconcile(uow, desk.clock, fix=fix)
        if fix:
            uow.commit(desk.command_line, at=desk.clock.now)
    if desk.json:
        emit_json(reconcile_json(report))
    else:
        for line in report_lines(report):
            say(line)
    return 0 if report.clean else 1


@desk_command(example="roomsync reconcile --fix")
def reconcile(ctx: typer.Context,
              fix: Annotated[bool, typer.Option("--fix", help="Repair the statuses.")] = False) -> int:
    """Report (and with --fix repair) every room whose status breaks the rule."""
    return _reconcile(CommandSettings.of(ctx), fix)


@desk_command(example="roomsync validate --json")
def validate(ctx: typer.Context) -> int:
    """Report drift, problems and warnings; never changes data."""
    return _reconcile(CommandSettings.of(ctx), False)
