"""The audit entry every store writes with a commit, built in this one place.

An entry is a JSON object with, in this order: `at` (UTC time of the command, ISO 8601 with
`Z`), `user`, `command` (the command line as given), `changes`, `booking_id_mark` (the
highest booking number issued so far, so that no id is issued twice) and `commit` (a unique
id: the JSON store's crash recovery and PostgreSQL's lost-commit check look for it).

Each change names one record and one field, old → new: `{"room": "101", "field": "status",
"old": "DIRTY", "new": "CLEAN", "reason": ...}` (a reason only on a room's status, when the
operation gave one), or a whole record added (`field` None, `old` None) or removed (`new`
None). Replacing a whole hotel (`init --force`, `import`, `export`) records counts instead of
every record of a large hotel.
"""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from typing import Any, Protocol

from roomsync.domain.model import Booking, Room

Change = dict[str, Any]
Entry = dict[str, Any]


def utc_now() -> str:
    """Wall-clock time for stamps and the audit (never `--today`), to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def current_user() -> str:
    """Who ran the command, as the audit names them ("unknown" when the system cannot say)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def record_changes(kind: str, key: str, before: dict[str, Any] | None, after: dict[str, Any] | None,
                   reason: str | None = None) -> list[Change]:
    """One record's change, field by field in the record's own key order.

    A value that only changed type (`1` → `1.0`, `true` → `1`) is a change too: the file
    would show it.
    """
    if before is None or after is None:
        return [{kind: key, "field": None, "old": before, "new": after}]
    changes = []
    for field in list(before) + [k for k in after if k not in before]:
        old, new = before.get(field), after.get(field)
        if old != new or type(old) is not type(new):
            change = {kind: key, "field": field, "old": old, "new": new}
            if reason and field == "status":
                change["reason"] = reason
            changes.append(change)
    return changes


def replaced_hotel(old_rooms: int, old_bookings: int, rooms: int, bookings: int) -> list[Change]:
    """The change of `init --force`/`import`/`export`: counts, not every record of a large hotel."""
    return [{"hotel": "replaced", "field": None, "old": {"rooms": old_rooms, "bookings": old_bookings},
             "new": {"rooms": rooms, "bookings": bookings}}]


class RoomChanges(Protocol):
    saved: dict[str, tuple[Room, str | None]]
    added: dict[str, Room]
    removed: dict[str, Room]
    as_read: dict[str, dict[str, Any]]

    def stored(self, room: Room) -> dict[str, Any]: ...


class BookingChanges(Protocol):
    added: dict[str, Booking]
    changed: dict[str, Booking]
    removed: dict[str, Booking]
    reasons: dict[str, str]
    as_read: dict[str, dict[str, Any]]

    def stored(self, booking: Booking) -> dict[str, Any]: ...


def hotel_changes(rooms: RoomChanges, bookings: BookingChanges) -> list[Change]:
    """Every change of one commit: rooms removed, changed and added, then bookings removed,
    changed and added.

    "Before" is the record as the store read it (`as_read`), so a booking changed twice in
    one command shows one change per field, from the stored value to the final one.
    """
    changes = [c for number in rooms.removed for c in record_changes("room", number, rooms.as_read.get(number), None)]
    changes += [c for room, reason in rooms.saved.values() if room.number not in rooms.added
                for c in record_changes("room", room.number, rooms.as_read.get(room.number), rooms.stored(room),
                                        reason)]
    changes += [c for room in rooms.added.values()
                for c in record_changes("room", room.number, None, rooms.stored(room))]
    changes += [c for booking_id in bookings.removed
                for c in record_changes("booking", booking_id, bookings.as_read.get(booking_id), None)]
    changes += [c for b in bookings.changed.values() if b.id in bookings.as_read
                for c in record_changes("booking", b.id, bookings.as_read[b.id], bookings.stored(b),
                                        bookings.reasons.get(b.id))]
    changes += [c for b in bookings.added.values() for c in record_changes("booking", b.id, None, bookings.stored(b))]
    return changes


def audit_entry(command: list[str], changes: list[Change], booking_id_mark: int, commit_id: str,
                at: str | None = None) -> Entry:
    """The entry of one commit; `at` is the command's clock (its `now`), else the wall clock."""
    return {"at": at or utc_now(), "user": current_user(), "command": list(command), "changes": changes,
            "booking_id_mark": booking_id_mark, "commit": commit_id}
