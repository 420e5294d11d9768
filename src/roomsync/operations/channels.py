"""Apply one channel's good fetch to the hotel, inside the caller's unit of work.

What the site says becomes bookings of the channel's room under the desk's own rules: a new
stay is booked only where the room is free, a known one moves only as `amend` allows, a
cancelled one is cancelled, and one the site stopped listing is cancelled only after the
channel's grace time and never once begun. Whatever cannot be applied is a CHANNEL_CONFLICT
for a person; no other booking is ever changed to make room. Applying the same feed twice
changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from roomsync.domain.calendar import Clock
from roomsync.domain.channels import (
    BY_CHANNEL,
    CANCELLED_BY,
    CHANNEL,
    CHANNEL_RECURRENCE,
    CHANNEL_UID,
    MISSING_SINCE,
    Channel,
    duration_text,
    grace_over,
    guest_from_summary,
    ignore_reason,
    is_from_channel,
    key_of,
    read_stamp,
)
from roomsync.domain.feed import Feed, Stay
from roomsync.domain.model import Booking, BookingStatus, Room
from roomsync.domain.status import expected_status
from roomsync.domain.stays import held_nights, ranges_overlap
from roomsync.errors import Refused
from roomsync.operations.front_desk import new_booking, rederive, save_booking
from roomsync.operations.stay_changes import amend, reinstate
from roomsync.storage.base import UnitOfWork

Key = tuple[str, str | None]


@dataclass(slots=True)
class ChannelReport:
    """What one good fetch did: the channel's part of `sync --json`.

    `reasons` maps a booking id to the audit reason of its status change (a cancellation by
    the feed); rooms freed by it already carry that reason through `uow.rooms.save`.
    """

    name: str
    events: int
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    skipped: list[dict[str, str | None]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)
    conflicts_changed: bool = False
    """The channel's stored conflicts differ from before: `channels.json` must be written."""

    def as_json(self, fetch: str = "ok") -> dict[str, Any]:
        return {
            "name": self.name, "fetch": fetch, "error": None, "events": self.events,
            "created": self.created, "updated": self.updated, "cancelled": self.cancelled,
            "missing": self.missing, "skipped": self.skipped, "conflicts": self.conflicts,
            "warnings": self.warnings,
        }

    def mark_updated(self, booking: Booking) -> None:
        if booking.id not in self.updated:
            self.updated.append(booking.id)


def channel_warning(code: str, channel: Channel, message: str, bookings: list[str] | None = None) -> dict[str, Any]:
    """A §4 warning object naming its channel (CHANNEL_FETCH_FAILED, _FEED_EMPTY, _STALE)."""
    return {"code": code, "message": message, "room": channel.room, "bookings": bookings or [],
            "channel": channel.name}


def cancelled_on_site(channel: Channel) -> str:
    return f"channel {channel.name}: stay cancelled on the site"


def no_longer_listed(channel: Channel) -> str:
    return f"channel {channel.name}: stay no longer listed"


def apply_feed(uow: UnitOfWork, clock: Clock, channel: Channel, feed: Feed, *,
               own: list[Booking] | None = None, retry: bool = False) -> ChannelReport:
    """Apply what one good fetch of `channel` says; the caller commits (or not, for a dry run).

    `own`: the channel's bookings in file order, when the caller grouped every channel's in
    one pass (`bookings_by_channel`) rather than have each channel scan the whole hotel.
    The channel's `conflicts` become this fetch's (`report.conflicts_changed` says whether
    `channels.json` must be written).
    Cancellations come first, so that nights they free are taken the same way on every
    application; stays that could not be applied are retried while others still change, so
    a second application of the same feed finds nothing left to do.

    `retry`: a second application in the same sync, after later channels freed nights; it
    only takes stays (cancellations and missing stays were judged by the first, and a stay
    judged missing twice in one sync would skip its grace time).
    """
    if own is None:
        own = [b for b in uow.bookings.all() if is_from_channel(b, channel.name)]
    return _FeedSync(uow, clock, channel, feed, own).run(judge=not retry)


class _FeedSync:
    """One application of one feed: the indexes it needs, built once, and the report it fills."""

    def __init__(self, uow: UnitOfWork, clock: Clock, channel: Channel, feed: Feed, own: list[Booking]) -> None:
        self.uow, self.clock, self.channel, self.feed = uow, clock, channel, feed
        self.today = clock.today
        self.report = ChannelReport(channel.name, feed.events)
        self.own = list(own)
        self.by_key: dict[Key, Booking] = {}
        for booking in self.own:
            key = key_of(booking)
            if key is not None:
                self.by_key.setdefault(key, booking)
        self.listed_keys: set[Key] = {stay.key for stay in feed.stays}
        # An event that could not be read names its UID but not its nights or occurrences:
        # none of that UID's bookings is missing.
        self.unread_uids = feed.listed_uids - {stay.uid for stay in feed.stays}

    def run(self, judge: bool = True) -> ChannelReport:
        report = self.report
        report.skipped = [{"uid": s.uid, "reason": s.reason} for s in self.feed.skipped]
        wanted, cancelled = self._sort_stays()
        wanted = [stay for stay in wanted if not self._reissued(stay)]
        if judge:
            for stay in cancelled:
                self._cancel_listed(stay)
            for booking in self.own:
                self._judge_presence(booking)
        conflicts = self._take_stays(wanted)
        if self.feed.events == 0 and judge:
            self._warn_empty()
        report.conflicts = conflicts
        report.conflicts_changed = conflicts != self.channel.conflicts
        self.channel.conflicts = conflicts
        return report

    # -- reading the feed ------------------------------------------------------------------
    def _sort_stays(self) -> tuple[list[Stay], list[Stay]]:
        """The stays to take as reservations and those cancelled on the site, in feed order;
        every other stay is listed in `skipped` with the reason."""
        others = [b for b in self.uow.bookings.active_in(self.channel.room)
                  if not is_from_channel(b, self.channel.name)]
        seen: set[Key] = set()
        wanted: list[Stay] = []
        cancelled: list[Stay] = []
        for stay in self.feed.stays:
            repeat = stay.key in seen
            if repeat:
                reason: str | None = "repeats the UID of an earlier event; the first one counts"
            else:
                seen.add(stay.key)
                reason = ignore_reason(stay, self.today, self.feed.from_airbnb, others)
            if reason is None:
                wanted.append(stay)
                continue
            if stay.recurrence is not None:
                reason = f"occurrence {stay.recurrence}: {reason}"
            self.report.skipped.append({"uid": stay.uid, "reason": reason})
            if stay.cancelled and not repeat:
                cancelled.append(stay)
        return wanted, cancelled

    def _is_listed(self, booking: Booking) -> bool:
        key = key_of(booking)
        return key is None or key in self.listed_keys or key[0] in self.unread_uids

    # -- a stay in progress under a new UID ------------------------------------------------
    def _reissued(self, stay: Stay) -> bool:
        """Some sites re-issue the UID of a stay in progress with its arrival rewritten to
        today: a new key ending the same day as an unlisted active booking of this channel
        that holds the stay's first night is that booking. It takes the new key, keeps its
        dates, and nothing is created.

        Only a booking whose stay has begun is matched so: a known stay begun takes only its
        departure from the site, so the kept dates stand at the next fetch too. A future
        booking would take the re-issued stay's dates at the next fetch; a site re-dating a
        future stay under a new UID is a new stay and a missing one, the safe side.
        """
        if stay.key in self.by_key:
            return False
        for booking in self.own:
            if (not booking.is_active or booking.arrival > self.today or self._is_listed(booking)
                    or booking.departure != stay.departure):
                continue
            first, end = held_nights(booking, self.today)
            if first <= stay.arrival < end:
                booking.stamp(CHANNEL_UID, stay.uid)
                booking.stamp(CHANNEL_RECURRENCE, stay.recurrence)
                booking.stamp(MISSING_SINCE, None)
                save_booking(self.uow, booking, self.clock)
                self.by_key[stay.key] = booking
                self.listed_keys.add(stay.key)
                self.report.mark_updated(booking)
                return True
        return False

    # -- gone: cancelled on the site, or no longer listed ----------------------------------
    def _cancel_listed(self, stay: Stay) -> None:
        booking = self.by_key.get(stay.key)
        if booking is not None and booking.status is BookingStatus.RESERVED:
            self._cancel(booking, cancelled_on_site(self.channel))

    def _judge_presence(self, booking: Booking) -> None:
        """Listed again: no longer missing. Not listed: missing, then cancelled after the
        grace time, but only a reservation still to come (a stay begun is never cancelled)."""
        if booking.status is not BookingStatus.RESERVED and booking.status is not BookingStatus.CHECKED_IN:
            return
        if self._is_listed(booking):
            if booking.field(MISSING_SINCE) is not None:
                booking.stamp(MISSING_SINCE, None)
                save_booking(self.uow, booking, self.clock)
                self.report.mark_updated(booking)
            return
        if booking.status is not BookingStatus.RESERVED or booking.arrival <= self.today:
            return
        since = read_stamp(booking.field(MISSING_SINCE))
        now = read_stamp(self.clock.now)
        if since is None:
            # First fetch that misses it (or a stamp no one can read): the grace time starts now.
            booking.stamp(MISSING_SINCE, self.clock.now)
            save_booking(self.uow, booking, self.clock)
        elif now is not None and grace_over(since, now, self.channel.cancel_after):
            self._cancel(booking, no_longer_listed(self.channel))
            return
        self.report.missing.append(booking.id)

    def _cancel(self, booking: Booking, reason: str) -> None:
        booking.status = BookingStatus.CANCELLED
        booking.stamp(CANCELLED_BY, BY_CHANNEL)
        booking.stamp(MISSING_SINCE, None)
        booking.stamp("updated_at", self.clock.now)
        self.uow.bookings.save(booking, reason)  # the audit says why no person's command did it
        self._rederive(self.uow.rooms.get(booking.room), reason)
        self.report.cancelled.append(booking.id)
        self.report.reasons[booking.id] = reason

    def _rederive(self, room: Room | None, reason: str) -> None:
        """The §2 rule for a room a feed's cancellation freed, with the feed's reason in the audit."""
        if room is None:
            return
        status, _ = expected_status(room, self.uow.bookings.active_in(room.number), self.today)
        if status is not room.status:
            room.status = status
            self.uow.rooms.save(room, reason)

    # -- stays to take: new, known, listed again -------------------------------------------
    def _take_stays(self, stays: list[Stay]) -> list[dict[str, Any]]:
        """Take every stay in feed order; retry those refused while a pass still changes
        something (a stay moved away may free the nights another one needs)."""
        conflicts: dict[int, dict[str, Any]] = {}
        pending = list(enumerate(stays))
        while pending:
            progress = False
            refused = []
            for index, stay in pending:
                changed, conflict = self._take(stay)
                progress = progress or changed
                if conflict is None:
                    conflicts.pop(index, None)
                else:
                    conflicts[index] = conflict
                    refused.append((index, stay))
            if not progress:
                break
            pending = refused
        return [conflicts[index] for index in sorted(conflicts)]

    def _take(self, stay: Stay) -> tuple[bool, dict[str, Any] | None]:
        """Apply one stay; returns whether the hotel changed and the conflict, if any."""
        booking = self.by_key.get(stay.key)
        if booking is None:
            return self._create(stay)
        changed = False
        if booking.status is BookingStatus.CANCELLED and booking.field(CANCELLED_BY) == BY_CHANNEL:
            try:
                reinstate(self.uow, self.clock, booking.id)
            except Refused as refusal:
                return False, self._refused(stay, booking, refusal, (booking.arrival, booking.departure))
            booking.stamp(CANCELLED_BY, None)
            booking.stamp(MISSING_SINCE, None)
            save_booking(self.uow, booking, self.clock)
            self.report.mark_updated(booking)
            changed = True
        if booking.status is BookingStatus.RESERVED and booking.arrival > self.today:
            nights = (stay.arrival, stay.departure)
        elif booking.is_active:
            # Sites rewrite the start of a stay in progress: only its end is theirs to change.
            nights = (booking.arrival, stay.departure)
        else:
            return changed, None  # finished at the desk: history is never changed by a feed
        if nights == (booking.arrival, booking.departure):
            return changed, None
        try:
            amend(self.uow, self.clock, booking.id, arrival=nights[0], departure=nights[1])
        except Refused as refusal:
            return changed, self._refused(stay, booking, refusal, nights)
        self.report.mark_updated(booking)
        return True, None

    def _create(self, stay: Stay) -> tuple[bool, dict[str, Any] | None]:
        """A new stay is booked where `book` would book it, though it may have begun already."""
        channel = self.channel
        room = self.uow.rooms.get(channel.room)
        if room is None:
            return False, self._conflict(
                stay, channel.room, [],
                f"Channel {channel.name}: room {channel.room} does not exist, so stay {stay.uid} "
                f"({stay.arrival} to {stay.departure}) was not imported; give the channel an existing room.")
        in_way = self._in_the_way(room.number, (stay.arrival, stay.departure), None)
        if in_way:
            names = ", ".join(f"{b.id} ({b.guest}, {b.arrival} to {b.departure})" for b in in_way)
            return False, self._conflict(
                stay, room.number, [b.id for b in in_way],
                f"Channel {channel.name}: stay {stay.uid} ({stay.arrival} to {stay.departure}) overlaps {names} "
                f"in room {room.number} and was not imported; move or cancel one of them, at the desk or on the site.")
        booking = new_booking(self.uow, room.number, guest_from_summary(stay.summary, channel.name),
                              stay.arrival, stay.departure, self.clock)
        booking.stamp(CHANNEL, channel.name)
        booking.stamp(CHANNEL_UID, stay.uid)
        booking.stamp(CHANNEL_RECURRENCE, stay.recurrence)
        self.uow.bookings.add(booking)
        rederive(self.uow, room, self.today)
        self.own.append(booking)
        self.by_key[stay.key] = booking
        self.report.created.append(booking.id)
        return True, None

    def _in_the_way(self, number: str, nights: tuple[date, date], itself: Booking | None) -> list[Booking]:
        """Every active booking of the room holding one of `nights` (`book`'s overlap rule)."""
        return [b for b in self.uow.bookings.active_in(number)
                if b is not itself and b.departure > b.arrival
                and ranges_overlap(nights, held_nights(b, self.today))]

    def _refused(self, stay: Stay, booking: Booking, refusal: Refused,
                 nights: tuple[date, date]) -> dict[str, Any]:
        """A change the desk's rules refuse: the booking keeps its dates and its room."""
        ids = [booking.id]
        if refusal.code == "DOUBLE_BOOKING":
            ids += [b.id for b in self._in_the_way(booking.room, nights, booking)]
        return self._conflict(
            stay, booking.room, ids,
            f"Channel {self.channel.name}: stay {stay.uid} ({stay.arrival} to {stay.departure}) could not be "
            f"applied to booking {booking.id}: {refusal.code}: {refusal.message}")

    def _conflict(self, stay: Stay, room: str, bookings: list[str], message: str) -> dict[str, Any]:
        return {"code": "CHANNEL_CONFLICT", "message": message, "room": room, "bookings": bookings,
                "channel": self.channel.name, "uid": stay.uid,
                "arrival": stay.arrival.isoformat(), "departure": stay.departure.isoformat()}

    def _warn_empty(self) -> None:
        """A site serving an empty feed by mistake must not go unnoticed while the grace time runs."""
        coming = [b.id for b in self.own if b.is_active and b.departure > self.today]
        if not coming:
            return
        channel = self.channel
        self.report.warnings.append(channel_warning(
            "CHANNEL_FEED_EMPTY", channel,
            f"Channel {channel.name}: the site's feed lists no stay at all, yet {len(coming)} booking(s) from it "
            f"are still to come ({', '.join(coming)}); check the listing on the site before the grace time "
            f"({duration_text(channel.cancel_after)}) cancels them.", coming))
