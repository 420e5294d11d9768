"""Write a room's iCalendar feed for the booking sites to import (SPEC §9 "Publishing").

Sites fetch the feed every few hours and compare it with what they hold, so the same data on
the same day gives the same bytes: UIDs from booking ids, stamps from the bookings (never the
clock), events in (arrival, id) order. Without `details` it names no guest and no channel.
The nights are `domain.stays.held_nights` (an overstay holds tonight), the same nights the
echo rule compares a site's block with.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from roomsync.domain.model import ACTIVE, Booking
from roomsync.domain.stays import held_nights

PRODID = "-//roomsync//roomsync room feed//EN"
NOT_AVAILABLE = "Not available"
LINE_OCTETS = 75


def published_nights(booking: Booking, today: date) -> tuple[date, date] | None:
    """The nights the feed shows for a booking, or None when it is not published.

    Active bookings whose held nights are not over; this is `held_nights`, so an overstaying
    guest holds tonight (DTEND = today + 1).
    """
    if booking.status not in ACTIVE:
        return None
    start, end = held_nights(booking, today)
    return (start, end) if end > today else None


def room_feed(room_number: str, bookings: Iterable[Booking], *, today: date, details: bool = False) -> bytes:
    """The room's feed: one all-day event per published booking of the room.

    Leaving out a channel's own bookings (no echo to the site they came from) is the caller's
    filter: pass only the bookings to publish.
    """
    published = [
        (nights, booking)
        for booking in bookings
        if booking.room == room_number and (nights := published_nights(booking, today)) is not None
    ]
    published.sort(key=lambda item: (item[1].arrival, item[1].id))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_text(f'Room {room_number}')}",
    ]
    for (start, end), booking in published:
        stamp = _stamp(booking)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_text(booking.id)}@roomsync",
            f"DTSTAMP:{stamp}",
            f"LAST-MODIFIED:{stamp}",
            f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{end:%Y%m%d}",
            f"SUMMARY:{_text(_summary(booking, details))}",
        ]
        channel = booking.field("channel")
        if details and channel:
            lines.append(f"DESCRIPTION:{_text(f'From channel {channel}')}")
        lines += ["TRANSP:OPAQUE", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) for line in lines).encode("utf-8")


def _summary(booking: Booking, details: bool) -> str:
    """With details, `Reserved - GUEST`: the form a site (and roomsync's reader) takes a name from."""
    return f"Reserved - {booking.guest}" if details else NOT_AVAILABLE


def _stamp(booking: Booking) -> str:
    """When the booking last changed (updated_at, else created_at, else its arrival at 00:00 UTC)."""
    for name in ("updated_at", "created_at"):
        value = booking.field(name)
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                continue
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{booking.arrival:%Y%m%d}T000000Z"


def _text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and line breaks."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _fold(line: str) -> str:
    """The line with CRLF, folded so that no line exceeds 75 octets (never inside a character)."""
    encoded = line.encode("utf-8")
    if len(encoded) <= LINE_OCTETS:
        return line + "\r\n"
    parts: list[str] = []
    current: list[str] = []
    size = 0
    limit = LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts) + "\r\n"
