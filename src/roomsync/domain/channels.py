"""What a booking site's stay means for the hotel: pure rules, no fetching, no store.

A channel is one site's feed for one room. Its stays come in as `feed.Stay` values; the rules
here decide which of them the hotel ignores (and why), what guest name an imported stay gets,
and which block is only a site sending back a booking the hotel already holds (an echo).
`operations/channels.py` applies the verdicts inside a unit of work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from roomsync.domain.feed import Stay
from roomsync.domain.model import Booking
from roomsync.domain.stays import held_nights

DEFAULT_CANCEL_AFTER = timedelta(hours=12)
"""How long a stay may be missing from a site's feed before it is cancelled: sites serve
empty or partial feeds by mistake for hours, and the grace time keeps those stays."""

YEARS_AHEAD = 2
"""Sites list their whole booking window as closed; stays beyond this are not real sales."""

LONGEST_STAY = 366
"""More nights than this is a closure of the listing, not a guest's stay."""

# Field names roomsync writes on a booking that came from a channel (and on its conflicts).
CHANNEL = "channel"
CHANNEL_UID = "channel_uid"
CHANNEL_RECURRENCE = "channel_recurrence"
CANCELLED_BY = "cancelled_by"
MISSING_SINCE = "channel_missing_since"
BY_CHANNEL = "channel"
"""The value of `cancelled_by` on a booking a feed cancelled: only those may a feed reinstate."""

_BLOCKS = frozenset({
    "airbnb(notavailable)", "notavailable", "closed-notavailable", "blocked", "closed", "unavailable",
})
_GUEST_SUMMARY = re.compile(r"\s*(?:reserved|booked)\s*-\s*(?P<guest>.*)", re.IGNORECASE | re.DOTALL)


NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
"""A channel's name: it becomes a file name (`ical --all`'s channel-NAME.ics) and a CLI word."""
_DURATION = re.compile(r"(\d{1,9})([smhd])")
_UNIT_SECONDS = {"d": 86_400, "h": 3600, "m": 60, "s": 1}


def parse_duration(text: str) -> timedelta | None:
    """`12h`, `30m`, `2d`, `0s` (as `watch --every` spells them, zero allowed); None if not one."""
    match = _DURATION.fullmatch(text.strip().lower())
    if match is None:
        return None
    return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


def duration_text(span: timedelta) -> str:
    """The shortest exact spelling of a duration in one unit (`12h`, `90m`, `0s`)."""
    seconds = int(span.total_seconds())
    for unit, size in _UNIT_SECONDS.items():
        if seconds % size == 0 and (seconds or unit == "s"):
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


@dataclass(slots=True)
class Channel:
    """One feed for one room, as `channels.json` holds it (SPEC's field names).

    `conflicts` are the CHANNEL_CONFLICT problems the last good fetch found, kept until a
    later good fetch no longer finds them, so the nightly `validate` keeps failing on them.
    `details` are the other facts kept on it (fields roomsync does not know), in their order.
    """

    name: str
    room: str
    url: str
    cancel_after: timedelta = DEFAULT_CANCEL_AFTER
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


def _squeezed(text: str) -> str:
    return "".join(text.split()).casefold()


def is_block(summary: str) -> bool:
    """Whether a SUMMARY says the listing is closed rather than sold (case and spaces aside)."""
    return _squeezed(summary) in _BLOCKS


def guest_from_summary(summary: str, channel_name: str) -> str:
    """The guest name a site gives (`Reserved - X`, `Booked - X`: Vrbo does), else a placeholder.

    Most sites publish no name at all; the placeholder says where the booking came from so
    the desk can find it on the site.
    """
    match = _GUEST_SUMMARY.fullmatch(summary)
    if match:
        guest = " ".join(match.group("guest").split())
        if guest:
            return guest
    return f"{channel_name} reservation"


def years_after(day: date, years: int) -> date | None:
    """The same calendar day `years` later (28 February for 29 February); None past date.max."""
    year = day.year + years
    if year > date.max.year:
        return None
    if day.month == 2 and day.day == 29:
        return date(year, 2, 28)
    return day.replace(year=year)


def is_from_channel(booking: Booking, channel_name: str) -> bool:
    return bool(booking.field(CHANNEL) == channel_name)


def bookings_by_channel(bookings: Iterable[Booking]) -> dict[str, list[Booking]]:
    """Every channel's bookings, in file order: one pass over the hotel for a whole sync."""
    grouped: dict[str, list[Booking]] = {}
    for booking in bookings:
        name = booking.field(CHANNEL)
        if isinstance(name, str):
            grouped.setdefault(name, []).append(booking)
    return grouped


def echoed_booking(stay: Stay, others: Iterable[Booking], today: date) -> Booking | None:
    """The booking a block merely sends back, if any.

    A site that imports roomsync's feed for the room publishes each booking it read there as a
    block of exactly the nights `ical` published (`held_nights`). `others` are the room's
    active bookings that did not come from this channel; a channel's own bookings are never
    echoed back to it (its feed excludes them). A stay already over echoes nothing: `ical`
    publishes only nights still to come.
    """
    if not is_block(stay.summary) or stay.departure <= today:
        return None
    for booking in others:
        if not booking.is_active or booking.departure <= booking.arrival:
            continue
        if held_nights(booking, today) == (stay.arrival, stay.departure):
            return booking
    return None


def is_echo(stay: Stay, others: Iterable[Booking], today: date) -> bool:
    """Whether a block is a booking of the same room from elsewhere, sent back by the site."""
    return echoed_booking(stay, others, today) is not None


def ignore_reason(stay: Stay, today: date, from_airbnb: bool, echoes: Iterable[Booking]) -> str | None:
    """Why the hotel does not take this stay as a reservation, or None when it does.

    Ignored stays are still listed: their key is not missing. A cancelled one is reported
    here and cancels its booking elsewhere. `echoes`: the room's active bookings that did not
    come from this channel.
    """
    if stay.cancelled:
        return "cancelled on the site"
    if stay.transparent:
        return "transparent: does not hold the nights"
    if stay.departure <= stay.arrival:
        return "no nights"
    if stay.departure <= today:
        return f"over: departs {stay.departure}, on or before today"
    limit = years_after(today, YEARS_AHEAD)
    if limit is not None and stay.arrival > limit:
        return f"arrives {stay.arrival}, more than {YEARS_AHEAD} years ahead"
    if (stay.departure - stay.arrival).days > LONGEST_STAY:
        return f"more than {LONGEST_STAY} nights"
    if from_airbnb and is_block(stay.summary):
        return "Airbnb block: the listing is closed, not sold"
    echoed = echoed_booking(stay, echoes, today)
    if echoed is not None:
        return f"echo of booking {echoed.id}, which roomsync publishes"
    return None


def key_of(booking: Booking) -> tuple[str, str | None] | None:
    """A channel booking's stay key (UID, RECURRENCE-ID); None when it has no readable UID."""
    uid = booking.field(CHANNEL_UID)
    recurrence = booking.field(CHANNEL_RECURRENCE)
    if not isinstance(uid, str):
        return None
    return uid, recurrence if isinstance(recurrence, str) else None


def read_stamp(text: object) -> datetime | None:
    """An ISO 8601 stamp as roomsync writes it (`2026-11-27T09:30:00Z`); naive means UTC."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def grace_over(missing_since: datetime, now: datetime, cancel_after: timedelta) -> bool:
    """Whether a stay missing since then has been missing for the channel's whole grace time.

    Subtracting two moments cannot leave the calendar, so any grace time is safe.
    """
    return now - missing_since >= cancel_after
