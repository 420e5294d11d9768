"""Records ↔ domain objects: the one place that knows how a room, a booking or a channel is
laid out as a record.

Reading a record gives the object and its layout (the record's key order). Writing puts the
keys back in that order, so a hand-edited file keeps its order and every unknown field
(SPEC §1: unknown fields are kept verbatim): the typed facts come from the object's
attributes, the rest from its `details`; a detail the object no longer holds is dropped, and
keys the layout lacks are appended, the typed ones in their usual order, then new details in
the order they were set. A detail removed and set again in the same command counts as new.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from roomsync.domain.channels import Channel, duration_text, parse_duration
from roomsync.domain.model import Booking, BookingStatus, Room, RoomStatus

Record = dict[str, Any]

ROOM_CORE = ("number", "status", "type")
BOOKING_CORE = ("id", "room", "guest", "arrival", "departure", "status")
CHANNEL_CORE = ("name", "room", "url", "cancel_after", "conflicts")


def room_core(room: Room) -> Record:
    """A room's typed facts as record fields (no `type` key for a room without a type)."""
    core: Record = {"number": room.number, "status": room.status.value}
    if room.type is not None:
        core["type"] = room.type
    return core


def booking_core(booking: Booking) -> Record:
    return {"id": booking.id, "room": booking.room, "guest": booking.guest,
            "arrival": booking.arrival.isoformat(), "departure": booking.departure.isoformat(),
            "status": booking.status.value}


def channel_core(channel: Channel, spelled: Any) -> Record:
    """A channel's typed facts; a hand-written `cancel_after` (`spelled`, such as `720m`) is
    kept while it still says the same span."""
    written = spelled
    same = isinstance(written, str) and parse_duration(written) == channel.cancel_after
    return {"name": channel.name, "room": channel.room, "url": channel.url,
            "cancel_after": written if same else duration_text(channel.cancel_after),
            "conflicts": channel.conflicts}


def details_of(record: Record, core: Record) -> Record:
    """The record's fields other than the typed ones, in their order."""
    return {key: value for key, value in record.items() if key not in core}


def room_from_record(record: Record) -> Room:
    """The room of a checked record (its number already a string)."""
    room = Room(record["number"], RoomStatus(record["status"]), record.get("type"))
    room.details = details_of(record, room_core(room))
    return room


def booking_from_record(record: Record, arrival: date | None = None, departure: date | None = None) -> Booking:
    """The booking of a checked record; `arrival`/`departure` when the caller parsed them."""
    booking = Booking(record["id"], record["room"], record["guest"],
                      date.fromisoformat(record["arrival"]) if arrival is None else arrival,
                      date.fromisoformat(record["departure"]) if departure is None else departure,
                      BookingStatus(record["status"]))
    booking.details = {key: value for key, value in record.items() if key not in BOOKING_CORE}
    return booking


def written(core: Record, details: Record, layout: Record | list[str] | None) -> Record:
    """The record to store: `layout`'s keys in their order, typed facts from `core`, the rest
    from `details`; then missing typed keys, then new details.

    A detail keeps its place only while it is still the next one `details` holds in the
    layout's order: one removed and set again sits at the end, as it was set last.
    """
    record: Record = {}
    order = list(details)
    at = 0
    for key in layout or ():
        if key in core:
            record[key] = core[key]
        elif at < len(order) and order[at] == key:
            record[key] = details[key]
            at += 1
    for key, value in core.items():
        if key not in record:
            record[key] = value
    for key in order[at:]:
        record[key] = details[key]
    return record


def room_record(room: Room, layout: Record | list[str] | None = None) -> Record:
    return written(room_core(room), room.details, layout)


def booking_record(booking: Booking, layout: Record | list[str] | None = None) -> Record:
    return written(booking_core(booking), booking.details, layout)


def channel_record(channel: Channel, as_read: Record | None = None, spelled: Any = None) -> Record:
    """A channel's record: as read with the typed facts updated in place and new ones
    appended; unknown fields are never dropped. `spelled` is the `cancel_after` as the desk
    wrote it on `channel add` (else the one read)."""
    record = dict(as_read or {})
    record.update(channel_core(channel, spelled if as_read is None else as_read.get("cancel_after")))
    for key, value in channel.details.items():
        record[key] = value
    return record


def channel_from_record(record: Record, span: Any) -> Channel:
    """The channel of a checked record; `span` is its parsed `cancel_after`."""
    channel = Channel(record["name"], record["room"], record["url"], span, list(record.get("conflicts", [])))
    channel.details = {key: value for key, value in record.items() if key not in CHANNEL_CORE}
    return channel
