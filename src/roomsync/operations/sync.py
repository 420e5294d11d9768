"""`sync`: fetch every channel's feed outside the lock, then apply the good ones in one commit.

Fetching takes seconds and must not hold the hotel's lock, so a sync reads the channels and
the fetch cache in a read-only unit of work, fetches in parallel with no lock held, then
opens one writing unit of work that applies every good fetch in `channels.json` order and
commits once. A failed fetch changes nothing of its channel. The fetch cache (validators,
the last body, when and how each channel was fetched) is written after the commit, outside
the audit; a dry run writes nothing at all.
"""

from __future__ import annotations

import copy
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from roomsync.domain.calendar import Clock
from roomsync.domain.channels import Channel, bookings_by_channel, read_stamp
from roomsync.domain.feed import Feed
from roomsync.domain.reconcile import Finding
from roomsync.errors import Refused
from roomsync.operations.channels import ChannelReport, apply_feed, channel_warning
from roomsync.storage.base import UnitOfWork

STALE_AFTER = timedelta(hours=24)
"""A channel with no good fetch for this long warns CHANNEL_STALE: its room may be sold twice."""

OpenUnit = Callable[..., UnitOfWork]
"""Opens a unit of work: `read_only=`, and `channels_only=` for one that needs no room or
booking (the JSON store then skips loading the hotel)."""


@dataclass(slots=True)
class FetchOutcome:
    """One channel's fetch, read: the feed of a good one, the reason of a failed one."""

    outcome: str
    feed: Feed | None
    error: str | None
    events: int
    cache: dict[str, Any]


@dataclass(slots=True)
class SyncResult:
    channels: list[dict[str, Any]] = field(default_factory=list)
    applied: bool = False
    committed: bool = False

    @property
    def exit_code(self) -> int:
        """0 when every fetch was good and no synced channel has a conflict, else 1."""
        bad = any(c["fetch"] == "failed" or c["conflicts"] for c in self.channels)
        return 1 if bad else 0

    def as_json(self) -> dict[str, Any]:
        return {"channels": self.channels, "applied": self.applied}


def url_key(url: str) -> str:
    """Which URL a cache entry belongs to, without keeping the secret: validators and a body
    fetched from another URL must not be sent to (or stand for) a new one."""
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def local_zone() -> tzinfo:
    """The zone a date-time in a feed is read in: `TZ`, as for today (else the system's)."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            from zoneinfo import ZoneInfo

            return ZoneInfo(name)
        except (ValueError, OSError, KeyError):
            pass
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


def chosen_channels(uow: UnitOfWork, only: str | None) -> list[Channel]:
    """Every channel, or the one named (UNKNOWN_CHANNEL when there is none of that name)."""
    channels = uow.channels.all()
    if only is None:
        return list(channels)
    found = [c for c in channels if c.name == only]
    if not found:
        known = ", ".join(c.name for c in channels) or "none yet"
        raise Refused("UNKNOWN_CHANNEL", f"No channel named {only!r} (channels: {known}); "
                                         f"see 'roomsync channel list'.")
    return found


def fetch_channels(channels: list[Channel], state: dict[str, dict[str, Any]], clock: Clock,
                   timeout: float) -> dict[str, FetchOutcome]:
    """Fetch and read every channel's feed (no lock held); never raises for a site's fault."""
    from roomsync.channels.cache import body_from_cache, body_to_cache
    from roomsync.channels.fetch import FeedRequest, fetch_all
    from roomsync.channels.ical_read import FeedUnreadable, read_feed

    requests = {}
    for channel in channels:
        cached = state.get(channel.name, {})
        if cached.get("url") != url_key(channel.url):
            cached = {}
        requests[channel.name] = FeedRequest(channel.url, _text(cached.get("etag")),
                                             _text(cached.get("last_modified")), body_from_cache(cached))
    fetched = fetch_all(requests, timeout=timeout)
    zone = local_zone()
    outcomes = {}
    for channel in channels:
        got = fetched[channel.name]
        entry: dict[str, Any] = {"url": url_key(channel.url), "at": clock.now, "outcome": got.outcome,
                                 "error": got.error, "events": None}
        previous = state.get(channel.name, {})
        feed: Feed | None = None
        error = got.error
        if got.good and got.body is not None:
            try:
                feed = read_feed(got.body, today=clock.today, zone=zone)
            except FeedUnreadable as unreadable:
                error = str(unreadable)
        if feed is None:
            error = error or "the feed could not be read"
            entry.update(outcome="failed", error=error)
            if previous.get("url") == entry["url"]:  # a later 304 still needs the last good body
                for kept in ("etag", "last_modified", "body", "body_base64", "last_good"):
                    if kept in previous:
                        entry[kept] = previous[kept]
            outcomes[channel.name] = FetchOutcome("failed", None, error, 0, entry)
            continue
        entry.update(events=feed.events, etag=got.etag, last_modified=got.last_modified, last_good=clock.now,
                     **body_to_cache(got.body))
        outcomes[channel.name] = FetchOutcome(got.outcome, feed, None, feed.events, entry)
    return outcomes


def apply_fetches(uow: UnitOfWork, clock: Clock, channels: list[Channel],
                  outcomes: dict[str, FetchOutcome]) -> list[dict[str, Any]]:
    """Apply every good fetch in `channels.json` order; then once more the channels left with
    conflicts, when a later channel freed nights they may take (taking stays only)."""
    grouped = bookings_by_channel(uow.bookings.all())
    reports: dict[str, ChannelReport] = {}
    live = [c for c in uow.channels.all() if c.name in outcomes]
    stored = {c.name: copy.deepcopy(c.conflicts) for c in live}
    for channel in live:
        outcome = outcomes[channel.name]
        if outcome.feed is not None:
            reports[channel.name] = apply_feed(uow, clock, channel, outcome.feed, own=grouped.get(channel.name, []))
    freed = [name for name, r in reports.items() if r.cancelled or r.updated]
    for index, channel in enumerate(live):
        report = reports.get(channel.name)
        later = {c.name for c in live[index + 1:]}
        if report is None or not report.conflicts or not later.intersection(freed):
            continue
        feed = outcomes[channel.name].feed
        assert feed is not None
        again = apply_feed(uow, clock, channel, feed, retry=True)
        report.created += [i for i in again.created if i not in report.created]
        for booking_id in again.updated:
            if booking_id not in report.updated:
                report.updated.append(booking_id)
        report.conflicts = again.conflicts
    entries = []
    for channel in live:
        outcome = outcomes[channel.name]
        report = reports.get(channel.name)
        if report is not None:
            if channel.conflicts != stored[channel.name]:
                uow.channels.save(channel)
            entries.append(report.as_json(outcome.outcome))
            continue
        warning = channel_warning("CHANNEL_FETCH_FAILED", channel,
                                  f"Channel {channel.name}: the feed could not be fetched ({outcome.error}); "
                                  f"nothing of this channel was changed.")
        entries.append({"name": channel.name, "fetch": "failed", "error": outcome.error, "events": 0,
                        "created": [], "updated": [], "cancelled": [], "missing": [], "skipped": [],
                        "conflicts": list(channel.conflicts), "warnings": [warning]})
    return entries


def sync(open_unit: OpenUnit, clock: Clock, command: list[str], *, only: str | None = None,
         dry_run: bool = False, timeout: float = 10.0) -> SyncResult:
    """The whole sync: read, fetch (no lock), apply and commit once, then the fetch cache."""
    with open_unit(read_only=True, channels_only=True) as reader:
        channels = chosen_channels(reader, only)
        state = reader.fetch_state()
    if not channels:
        return SyncResult(applied=not dry_run)
    outcomes = fetch_channels(channels, state, clock, timeout)
    result = SyncResult(applied=not dry_run)
    with open_unit(read_only=dry_run) as uow:
        result.channels = apply_fetches(uow, clock, channels, outcomes)
        if dry_run:
            return result
        result.committed = uow.commit(command, at=clock.now) is not None
        names = {c.name for c in uow.channels.all()}
        new_state = {name: entry for name, entry in state.items() if name in names}
        new_state.update({name: o.cache for name, o in outcomes.items() if name in names})
        uow.store_fetch_state(new_state)
    return result


def stale_warnings(channels: list[Channel], state: dict[str, dict[str, Any]], clock: Clock) -> list[dict[str, Any]]:
    """CHANNEL_STALE for every channel with no good fetch in the last 24 hours (never included)."""
    now = read_stamp(clock.now)
    warnings = []
    for channel in channels:
        cached = state.get(channel.name, {})
        good = read_stamp(cached.get("last_good")) if cached.get("url") == url_key(channel.url) else None
        if good is not None and now is not None and now - good < STALE_AFTER:
            continue
        since = f"since {cached['last_good']}" if good is not None else "ever"
        warnings.append(channel_warning(
            "CHANNEL_STALE", channel,
            f"Channel {channel.name}: no good fetch of its feed {since}; room {channel.room} may be sold twice "
            f"until 'roomsync sync' fetches it (see 'roomsync channel list')."))
    return warnings


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def channel_findings(uow: UnitOfWork, clock: Clock) -> tuple[list[Finding], list[Finding]]:
    """What `validate`, `reconcile` and `night-audit` add for channels: every stored
    CHANNEL_CONFLICT as a problem (so the nightly run fails until a sync no longer finds it)
    and CHANNEL_STALE warnings."""
    channels = uow.channels.all()
    if not channels:
        return [], []
    problems = [_finding(conflict) for channel in channels for conflict in channel.conflicts]
    warnings = [_finding(w) for w in stale_warnings(channels, uow.fetch_state(), clock)]
    return problems, warnings


def _finding(problem: dict[str, Any]) -> Finding:
    core = ("code", "message", "room", "bookings")
    bookings = problem.get("bookings")
    room = problem.get("room")
    return Finding(str(problem.get("code", "CHANNEL_CONFLICT")), str(problem.get("message", "")),
                   room if isinstance(room, str) else None,
                   [b for b in bookings if isinstance(b, str)] if isinstance(bookings, list) else [],
                   {k: v for k, v in problem.items() if k not in core})
