"""`history [ROOM|BOOKING]`: the audit trail, newest first."""

from __future__ import annotations

import shlex
from typing import Annotated, Any

import typer

from roomsync.cli.command import CommandSettings, desk_command
from roomsync.cli.options import complete_room_or_booking
from roomsync.cli.render import emit_json, say


def shown(value: Any) -> str:
    """A value as a clerk reads it: an absent value is "(none)", never Python's `None`."""
    if value is None:
        return "(none)"
    return value if isinstance(value, str) else str(value)


def concerns(entry: dict[str, Any], key: str) -> bool:
    """Whether an audit entry changed this room or booking (a booking's record naming the room counts)."""
    for change in entry.get("changes", []):
        if change.get("room") == key or change.get("booking") == key:
            return True
        for record in (change.get("old"), change.get("new")):
            if isinstance(record, dict) and record.get("room") == key:
                return True
    return False


def describe(change: dict[str, Any]) -> str:
    if "hotel" in change:
        old, new = change.get("old") or {}, change.get("new") or {}
        return (f"hotel replaced: {shown(old.get('rooms'))} room(s), {shown(old.get('bookings'))} booking(s) → "
                f"{shown(new.get('rooms'))} room(s), {shown(new.get('bookings'))} booking(s)")
    subject = f"room {change['room']}" if "room" in change else f"booking {change.get('booking')}"
    if change.get("field") is None:
        verb = "created" if change.get("old") is None else "removed"
        return f"{subject} {verb}"
    reason = f" ({change['reason']})" if change.get("reason") else ""
    return f"{subject} {change['field']}: {shown(change.get('old'))} → {shown(change.get('new'))}{reason}"


@desk_command(example="roomsync history 102")
def history(ctx: typer.Context,
            key: Annotated[str | None, typer.Argument(metavar="[ROOM|BOOKING]",
                                                      help="Only changes of this room or booking.",
                                                      autocompletion=complete_room_or_booking)] = None
            ) -> None:
    """Show the audit trail, newest first."""
    desk = CommandSettings.of(ctx)
    with desk.unit_of_work(read_only=True) as uow:
        entries = uow.history()
    entries = [e for e in reversed(entries) if key is None or concerns(e, key)]
    if desk.json:
        emit_json(entries)
        return
    for entry in entries:
        words = entry.get("command")
        command = shlex.join(str(w) for w in words) if isinstance(words, list) else shown(words)
        say(f"{shown(entry.get('at'))}  {shown(entry.get('user'))}  {command}")
        for change in entry.get("changes", []):
            if key is None or concerns({"changes": [change]}, key):
                say(f"    {describe(change)}")
