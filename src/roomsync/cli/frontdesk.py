"""The front-desk day of SPEC §7: the views (arrivals, departures, in house, availability,
the tape chart) and the stay changes (move, amend, undo-checkin, reinstate, night-audit)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Optional

import typer

from roomsync.cli.base import Desk, desk_command, parse_day
from roomsync.cli.commands import BookingId, Day, Guest, Nights, Room_, change_stay, departure_from
from roomsync.cli.render import emit_json, report_lines, say, stored, table
from roomsync.cli.tape_chart import draw_chart
from roomsync.domain import views
from roomsync.domain.model import OUT_OF_ORDER
from roomsync.errors import UsageError
from roomsync.operations import stays as ops

RoomType = Annotated[Optional[str], typer.Option("--type", help="Only rooms of this type.")]


def _index(uow) -> dict:
    return {room.number: room for room in uow.rooms.all()}


@desk_command()
def arrivals(desk: Desk, on: Day = None) -> None:
    """Who arrives on a day (default today), and is their room ready."""
    day = on or desk.today
    with desk.unit_of_work(read_only=True) as uow:
        found = views.arrivals(_index(uow), uow.bookings.active(), day)
    if desk.json:
        emit_json([{"booking": stored(a.booking), "room": stored(a.room), "readiness": a.readiness} for a in found])
        return
    urgent = sorted(found, key=lambda a: views.READINESS.index(a.readiness))
    table(["Booking", "Room", "Guest", "Nights", "Readiness"],
          [[a.booking.id, a.booking.room, a.booking.guest, str((a.booking.departure - a.booking.arrival).days),
            a.readiness.replace("_", " ")] for a in urgent],
          title=f"Arrivals on {day}: {len(found)}",
          styles=[None if a.readiness in ("ready", "checked_in") else "bold red" for a in urgent])


@desk_command()
def departures(desk: Desk, on: Day = None) -> None:
    """Who leaves on a day (default today): due out, gone, and overstays."""
    day = on or desk.today
    with desk.unit_of_work(read_only=True) as uow:
        found = views.departures(_index(uow), uow.bookings.touching(day, day), day, desk.today)
    if desk.json:
        emit_json([{"booking": stored(d.booking), "room": stored(d.room), "state": d.state} for d in found])
        return
    table(["Booking", "Room", "Guest", "Departure", "State"],
          [[d.booking.id, d.booking.room, d.booking.guest, d.booking.departure.isoformat(),
            d.state.replace("_", " ")] for d in found],
          title=f"Departures on {day}: {len(found)}")


@desk_command()
def inhouse(desk: Desk) -> None:
    """Guests checked in now, with nights so far and overstays flagged."""
    with desk.unit_of_work(read_only=True) as uow:
        found = views.in_house(_index(uow), uow.bookings.active(), desk.today)
    if desk.json:
        emit_json([{"booking": stored(g.booking), "room": stored(g.room), "nights": g.nights,
                    "overstay": g.overstay} for g in found])
        return
    table(["Booking", "Room", "Guest", "Arrived", "Due out", "Nights", "Overstay"],
          [[g.booking.id, g.booking.room, g.booking.guest, g.booking.arrival.isoformat(),
            g.booking.departure.isoformat(), str(g.nights), "yes" if g.overstay else ""] for g in found],
          title=f"In house: {len(found)}")


@desk_command()
def availability(desk: Desk, arrival: Day = None, departure: Day = None, nights: Nights = None,
                 room_type: RoomType = None) -> None:
    """The rooms `book` would accept for a stay."""
    if arrival is None:
        raise UsageError("availability needs --arrival YYYY-MM-DD")
    leave = departure_from(arrival, departure, nights)
    with desk.unit_of_work(read_only=True) as uow:
        free = ops.bookable_rooms(uow, desk.today, arrival, leave, room_type)
    if desk.json:
        emit_json([room.as_record() for room in free])
        return
    table(["Room", "Type", "Status now", "Note"],
          [[r.number, r.type or "", r.status.value,
            "closed now; free for these dates" if r.status in OUT_OF_ORDER else ""] for r in free],
          title=f"Free from {arrival} to {leave}: {len(free)} room(s)")


@desk_command()
def calendar(desk: Desk,
             start: Annotated[Optional[date], typer.Option("--from", parser=parse_day,
                                                           metavar="YYYY-MM-DD", help="First night.")] = None,
             days: Annotated[int, typer.Option("--days", min=1, max=views.CHART_NIGHTS_AT_MOST, help="Nights to show.")] = 14,
             room_type: RoomType = None) -> None:
    """The tape chart: rooms down, nights across, occupancy at the bottom."""
    with desk.unit_of_work(read_only=True) as uow:
        rooms = [r for r in uow.rooms.all() if room_type is None or r.matches_type(room_type)]
        first = start or desk.today
        tape = views.chart(rooms, uow.bookings.touching(first, views.chart_dates(first, days)[-1]), first, days, desk.today)
    if desk.json:
        emit_json({"from": tape.start.isoformat(), "dates": [d.isoformat() for d in tape.dates],
                   "rooms": [{"number": r.number, "status": r.status.value, "nights": [b.id if b else None for b in row]}
                             for r, row in zip(tape.rooms, tape.nights)],
                   "occupancy": tape.occupancy})
        return
    draw_chart(tape)


@desk_command()
def move(desk: Desk, booking: BookingId, room: Room_,
         force: Annotated[bool, typer.Option("--force", help="Move a guest into a DIRTY room.")] = False) -> None:
    """Move a reservation to another room, or a guest in house now."""
    change_stay(desk, ops.move, booking, room, force=force, summary=lambda b: f"Moved {b.guest} ({b.id}) to room {room}")


@desk_command()
def amend(desk: Desk, booking: BookingId, arrival: Day = None, departure: Day = None, nights: Nights = None,
          guest: Guest = None) -> None:
    """Change a booking's dates or the guest's name."""
    if departure is not None and nights is not None:
        raise UsageError("give either --departure or --nights, not both")
    if arrival is None and departure is None and nights is None and guest is None:
        raise UsageError("nothing to amend: give --arrival, --departure, --nights or --guest")
    change_stay(desk, ops.amend, booking, arrival=arrival, departure=departure, nights=nights, guest=guest,
                summary=lambda b: f"Amended {b.id}: {b.guest}, {b.arrival} to {b.departure}")


@desk_command("undo-checkin")
def undo_checkin(desk: Desk, booking: BookingId) -> None:
    """Undo a check-in made by mistake (the booking is Reserved again)."""
    change_stay(desk, ops.undo_check_in, booking, summary=lambda b: f"Undid the check-in of {b.guest} ({b.id})")


@desk_command()
def reinstate(desk: Desk, booking: BookingId) -> None:
    """Bring back a cancelled or no-show reservation."""
    change_stay(desk, ops.reinstate, booking, summary=lambda b: f"Reinstated {b.id} ({b.guest})")


@desk_command("night-audit")
def night_audit(desk: Desk,
                dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what it would do; write nothing.")]
                = False) -> int:
    """Close yesterday: mark no-shows, fix statuses, report overstays, summarise the day."""
    with desk.unit_of_work(read_only=dry_run) as uow:
        audit = ops.night_audit(uow, desk.clock)
        if not dry_run:
            uow.commit(desk.command_line)
            audit.reconcile.applied = True
    if desk.json:
        emit_json(audit.as_json())
    else:
        verb = "Would mark" if dry_run else "Marked"
        say(f"[AUDIT] Night audit for {audit.closed_day}")
        say(f"[AUDIT] {verb} {len(audit.no_shows)} no-show(s){': ' + ', '.join(audit.no_shows) if audit.no_shows else ''}")
        for line in report_lines(audit.reconcile):
            say(line)
        if audit.overstays:
            say(f"[AUDIT] Overstays (not checked out): {', '.join(audit.overstays)}")
        say(f"[AUDIT] Today: {audit.arrivals} arrival(s), {audit.departures} departure(s), "
            f"{audit.in_house} guest(s) in house, occupancy tonight {audit.occupancy:.0%}")
    return 0 if audit.clean else 1
