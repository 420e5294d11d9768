"""The front-desk day of SPEC §7: the views (arrivals, departures, in house, availability,
the tape chart) and the stay changes (move, amend, undo-checkin, reinstate, night-audit)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from roomsync.cli import render
from roomsync.cli.command import CommandSettings, desk_command
from roomsync.cli.commands import change_stay, departure_from
from roomsync.cli.options import (
    MAX_DAYS,
    BookingArg,
    Departure,
    Guest,
    Nights,
    OnDay,
    RoomArg,
    RoomType,
    day_option,
)
from roomsync.cli.render import (
    emit_json,
    night_audit_json,
    report_lines,
    say,
    stored,
)
from roomsync.cli.tape_chart import draw_chart
from roomsync.domain import views
from roomsync.domain.model import OUT_OF_ORDER
from roomsync.errors import UsageError
from roomsync.operations import queries
from roomsync.operations import stay_changes as ops


@desk_command(example="roomsync arrivals --on 2026-12-01")
def arrivals(ctx: typer.Context, on: OnDay = None) -> None:
    """Who arrives on a day (default today), and is their room ready."""
    desk = CommandSettings.of(ctx)
    day = on or desk.today
    with desk.unit_of_work(read_only=True) as uow:
        found = queries.arrivals(uow, day)
        listed = [{"booking": stored(uow, a.booking), "room": stored(uow, a.room), "readiness": a.readiness}
                  for a in found]
    if desk.json:
        emit_json(listed)
        return
    urgent = sorted(found, key=lambda a: views.READINESS.index(a.readiness))
    render.table(["Booking", "Room", "Guest", "Nights", "Readiness"],
          [[a.booking.id, a.booking.room, a.booking.guest, str((a.booking.departure - a.booking.arrival).days),
            a.readiness.replace("_", " ")] for a in urgent],
          title=f"Arrivals on {day}: {len(found)}",
          styles=[None if a.readiness in ("ready", "checked_in") else "bold red" for a in urgent])


@desk_command(example="roomsync departures")
def departures(ctx: typer.Context, on: OnDay = None) -> None:
    """Who leaves on a day (default today): due out, gone, and overstays."""
    desk = CommandSettings.of(ctx)
    day = on or desk.today
    with desk.unit_of_work(read_only=True) as uow:
        found = queries.departures(uow, day, desk.today)
        listed = [{"booking": stored(uow, d.booking), "room": stored(uow, d.room), "state": d.state} for d in found]
    if desk.json:
        emit_json(listed)
        return
    render.table(["Booking", "Room", "Guest", "Departure", "State"],
          [[d.booking.id, d.booking.room, d.booking.guest, d.booking.departure.isoformat(),
            d.state.replace("_", " ")] for d in found],
          title=f"Departures on {day}: {len(found)}")


@desk_command(example="roomsync inhouse --json")
def inhouse(ctx: typer.Context) -> None:
    """Guests checked in now, with nights so far and overstays flagged."""
    desk = CommandSettings.of(ctx)
    with desk.unit_of_work(read_only=True) as uow:
        found = queries.in_house(uow, desk.today)
        listed = [{"booking": stored(uow, g.booking), "room": stored(uow, g.room), "nights": g.nights,
                   "overstay": g.overstay} for g in found]
    if desk.json:
        emit_json(listed)
        return
    render.table(["Booking", "Room", "Guest", "Arrived", "Due out", "Nights", "Overstay"],
          [[g.booking.id, g.booking.room, g.booking.guest, g.booking.arrival.isoformat(),
            g.booking.departure.isoformat(), str(g.nights), "yes" if g.overstay else ""] for g in found],
          title=f"In house: {len(found)}")


@desk_command(example="roomsync availability --arrival 2026-12-01 --nights 2 --type double")
def availability(ctx: typer.Context, *, arrival: Annotated[date, day_option("--arrival", "First night.")],
                 departure: Departure = None, nights: Nights = None, room_type: RoomType = None) -> None:
    """The rooms `book` would accept for a stay."""
    desk = CommandSettings.of(ctx)
    leave = departure_from(arrival, departure, nights)
    with desk.unit_of_work(read_only=True) as uow:
        free = ops.bookable_rooms(uow, desk.today, arrival, leave, room_type)
        listed = [uow.rooms.stored(room) for room in free]
    if desk.json:
        emit_json(listed)
        return
    render.table(["Room", "Type", "Status now", "Note"],
          [[r.number, r.type or "", r.status.value,
            "closed now; free for these dates" if r.status in OUT_OF_ORDER else ""] for r in free],
          title=f"Free from {arrival} to {leave}: {len(free)} room(s)")


@desk_command(example="roomsync calendar --from 2026-12-01 --days 7")
def calendar(ctx: typer.Context,
             start: Annotated[date | None, day_option("--from", "First night [default: today].")] = None,
             days: Annotated[int,
                             typer.Option("--days", min=1, max=MAX_DAYS, metavar="N", help="Nights to show.")] = 14,
             room_type: RoomType = None) -> None:
    """The tape chart: rooms down, nights across, occupancy at the bottom."""
    desk = CommandSettings.of(ctx)
    with desk.unit_of_work(read_only=True) as uow:
        tape = queries.tape_chart(uow, start or desk.today, days, desk.today, room_type)
    if desk.json:
        emit_json({"from": tape.start.isoformat(), "dates": [d.isoformat() for d in tape.dates],
                   "rooms": [{"number": r.number, "status": r.status.value,
                              "nights": [b.id if b else None for b in row]}
                             for r, row in zip(tape.rooms, tape.nights, strict=True)],
                   "occupancy": tape.occupancy})
        return
    draw_chart(tape)


@desk_command(example="roomsync move B-000042 104")
def move(ctx: typer.Context, booking: BookingArg, room: RoomArg,
         force: Annotated[bool, typer.Option("--force", help="Move a guest into a DIRTY room.")] = False) -> None:
    """Move a reservation to another room, or a guest in house now."""
    change_stay(CommandSettings.of(ctx), ops.move, booking, room, force=force,
                summary=lambda b: f"Moved {b.guest} ({b.id}) to room {room}")


def amend_usage(arrival: date | None, departure: date | None, nights: int | None, guest: str | None) -> None:
    """`amend` changes something, and takes a departure or a number of nights, not both (usage
    rules, for the command line and for a `batch` line)."""
    if departure is not None and nights is not None:
        raise UsageError("give either --departure or --nights, not both")
    if arrival is None and departure is None and nights is None and guest is None:
        raise UsageError("nothing to amend: give --arrival, --departure, --nights or --guest")


@desk_command(example="roomsync amend B-000042 --nights 3")
def amend(ctx: typer.Context, booking: BookingArg,
          arrival: Annotated[date | None, day_option("--arrival", "New first night.")] = None,
          departure: Departure = None, nights: Nights = None, guest: Guest = None) -> None:
    """Change a booking's dates or the guest's name."""
    desk = CommandSettings.of(ctx)
    amend_usage(arrival, departure, nights, guest)
    change_stay(desk, ops.amend, booking, arrival=arrival, departure=departure, nights=nights, guest=guest,
                summary=lambda b: f"Amended {b.id}: {b.guest}, {b.arrival} to {b.departure}")


@desk_command("undo-checkin", example="roomsync undo-checkin B-000042")
def undo_checkin(ctx: typer.Context, booking: BookingArg) -> None:
    """Undo a check-in made by mistake (the booking is Reserved again)."""
    change_stay(CommandSettings.of(ctx), ops.undo_check_in, booking,
                summary=lambda b: f"Undid the check-in of {b.guest} ({b.id})")


@desk_command(example="roomsync reinstate B-000042")
def reinstate(ctx: typer.Context, booking: BookingArg) -> None:
    """Bring back a cancelled or no-show reservation."""
    change_stay(CommandSettings.of(ctx), ops.reinstate, booking, summary=lambda b: f"Reinstated {b.id} ({b.guest})")


@desk_command("night-audit", example="roomsync night-audit --dry-run")
def night_audit(ctx: typer.Context,
                dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what it would do; write nothing.")]
                = False) -> int:
    """Close yesterday: mark no-shows, fix statuses, report overstays, summarise the day."""
    desk = CommandSettings.of(ctx)
    with desk.unit_of_work(read_only=dry_run) as uow:
        audit = ops.night_audit(uow, desk.clock)
        if not dry_run:
            uow.commit(desk.command_line, at=desk.clock.now)
            audit.reconcile.applied = True
    if desk.json:
        emit_json(night_audit_json(audit))
    else:
        verb = "Would mark" if dry_run else "Marked"
        say(f"[AUDIT] Night audit for {audit.closed_day}")
        listed = ": " + ", ".join(audit.no_shows) if audit.no_shows else ""
        say(f"[AUDIT] {verb} {len(audit.no_shows)} no-show(s){listed}")
        for line in report_lines(audit.reconcile):
            say(line)
        if audit.overstays:
            say(f"[AUDIT] Overstays (not checked out): {', '.join(audit.overstays)}")
        say(f"[AUDIT] Today: {audit.arrivals} arrival(s), {audit.departures} departure(s), "
            f"{audit.in_house} guest(s) in house, occupancy tonight {audit.occupancy:.0%}")
    return 0 if audit.clean else 1
