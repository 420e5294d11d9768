"""`history [ROOM|BOOKING]`: the audit trail, newest first."""

from __future__ import annotations

from typing import Annotated, Any, Optional

import typer

from roomsync.cli.base import Desk, desk_command
from roomsync.cli.render import emit_json, say


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
        return (f"hotel replaced: {old.get('rooms')} room(s), {old.get('bookings')} booking(s) → "
                f"{new.get('rooms')} room(s), {new.get('bookings')} booking(s)")
    subject = f"room {change['room']}" if "room" in change else f"booking {change.get('booking')}"
    if change.get("field") is None:
        verb = "created" if change.get("old") is None else "removed"
        return f"{subject} {verb}"
    reason = f" ({change['reason']})" if change.get("reason") else ""
    return f"{subject} {change['field']}: {change.get('old')} → {change.get('new')}{reason}"


@desk_command()
def history(desk: Desk,
            key: Annotated[Optional[str], typer.Argument(metavar="[ROOM|BOOKING]",
                                                         help="Only changes of this room or booking.")] = None
            ) -> None:
    """Show the audit trail, newest first."""
    with desk.unit_of_work(read_only=True) as uow:
        entries = uow.history()
    entries = [e for e in reversed(entries) if key is None or concerns(e, key)]
    if desk.json:
        emit_json(entries)
        return
    for entry in entries:
        command = " ".join(entry.get("command", []))
        say(f"{entry.get('at')}  {entry.get('user')}  {command}")
        for change in entry.get("changes", []):
            if key is None or concerns({"changes": [change]}, key):
                say(f"    {describe(change)}")
