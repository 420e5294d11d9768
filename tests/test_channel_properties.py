"""Property test of SPEC §9 "Applying" (hypothesis), on the in-memory FakeUnitOfWork.

Three sites sell two rooms (Airbnb and Booking.com room 101, Vrbo room 102) while the desk
books, checks in, checks out and cancels. Each step the clock moves on by some hours, every
site edits its listing (stays added, moved, removed, re-added, cancelled on the site, re-issued
under a new UID once begun, desk bookings echoed back, a UID repeated), and each fetch is
good, good but empty (a site's mistake), or failed (then `apply_feed` is not called). After
each channel's good fetch is applied:

- no two active bookings of a room overlap, and every room's status is the one §2 derives;
- a booking the feed cancelled was a reservation (never a stay begun), and either the site
  listed it as cancelled or it was missing, arriving after today, for the channel's whole
  grace time; no booking from the desk or another channel changed;
- applying the same feed again changes nothing (the one exception SPEC asks for: with a grace
  time of `0s`, the second fetch that misses a stay cancels it).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from fakes import FakeUnitOfWork, overlapping_pairs, run_command
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_channel_rules import nothing_marked

from roomsync.domain.channels import Channel, bookings_by_channel, key_of, read_stamp
from roomsync.domain.feed import Feed, Stay
from roomsync.domain.model import BookingStatus, Room, RoomStatus
from roomsync.domain.reconcile import reconcile
from roomsync.operations import front_desk as desk
from roomsync.operations.channels import (
    ChannelReport,
    apply_feed,
    cancelled_on_site,
    no_longer_listed,
)
from roomsync.operations.front_desk import Clock

START = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
GRACE_TIMES = [timedelta(0), timedelta(hours=1), timedelta(hours=12)]


@dataclass
class Site:
    """A booking site's own listing for one room, which it edits between fetches."""

    channel: Channel
    airbnb: bool
    summaries: list[str]
    stays: dict[str, Stay] = field(default_factory=dict)
    removed: dict[str, Stay] = field(default_factory=dict)
    repeats: list[Stay] = field(default_factory=list)
    """Events repeating a listed UID (a site's bug): the first event of a UID counts."""
    issued: int = 0

    def new_uid(self) -> str:
        self.issued += 1
        return f"{self.channel.name}-{self.issued}"

    def feed(self, empty: bool) -> Feed:
        stays = () if empty else (*self.stays.values(), *(r for r in self.repeats if r.uid in self.stays))
        return Feed(len(stays), stays, (), frozenset(s.uid for s in stays), self.airbnb)


def clock_at(now: datetime) -> Clock:
    return Clock(now.date(), now.strftime("%Y-%m-%dT%H:%M:%SZ"))


def edit_listing(data: st.DataObject, site: Site, uow: FakeUnitOfWork, today: date) -> None:
    """One change a site makes to its listing between two fetches."""
    kind = data.draw(st.sampled_from(["keep", "add", "add", "move", "remove", "re-add", "cancel", "reissue", "echo",
                                      "repeat"]),
                     label=f"{site.channel.name} edit")
    listed = sorted(site.stays)
    if kind == "add" or (kind in ("move", "remove", "cancel") and not listed):
        arrive = data.draw(st.integers(-2, 20), label="arrive")
        nights = data.draw(st.integers(1, 5), label="nights")
        uid = site.new_uid()
        site.stays[uid] = Stay(uid, None, today + timedelta(days=arrive), today + timedelta(days=arrive + nights),
                               data.draw(st.sampled_from(site.summaries), label="summary"), False, False)
    elif kind == "move":
        uid = data.draw(st.sampled_from(listed), label="uid")
        arrive = data.draw(st.integers(-1, 20), label="arrive")
        nights = data.draw(st.integers(1, 5), label="nights")
        old = site.stays[uid]
        site.stays[uid] = Stay(uid, None, today + timedelta(days=arrive), today + timedelta(days=arrive + nights),
                               old.summary, False, False)
    elif kind == "remove":
        uid = data.draw(st.sampled_from(listed), label="uid")
        site.removed[uid] = site.stays.pop(uid)
    elif kind == "re-add" and site.removed:
        uid = data.draw(st.sampled_from(sorted(site.removed)), label="uid")
        site.stays[uid] = site.removed.pop(uid)
    elif kind == "cancel":
        uid = data.draw(st.sampled_from(listed), label="uid")
        old = site.stays[uid]
        site.stays[uid] = Stay(uid, None, old.arrival, old.departure, old.summary, True, False)
    elif kind == "reissue":
        # Booking.com: a stay in progress comes back under a new UID, its arrival rewritten to today.
        begun = [uid for uid in listed if site.stays[uid].arrival <= today < site.stays[uid].departure]
        if begun:
            old = site.stays.pop(data.draw(st.sampled_from(begun), label="uid"))
            uid = site.new_uid()
            site.stays[uid] = Stay(uid, None, today, old.departure, old.summary, old.cancelled, False)
    elif kind == "repeat" and listed:
        uid = data.draw(st.sampled_from(listed), label="uid")
        arrive = data.draw(st.integers(-1, 20), label="arrive")
        site.repeats.append(Stay(uid, None, today + timedelta(days=arrive), today + timedelta(days=arrive + 2),
                                 site.stays[uid].summary, data.draw(st.booleans(), label="cancelled"), False))
    elif kind == "echo":
        # The site imported roomsync's feed: a desk or other-channel booking comes back as a block.
        others = [b for b in uow.bookings.active_in(site.channel.room)
                  if b.field("channel") != site.channel.name and b.departure > today]
        if others:
            echoed = data.draw(st.sampled_from(others), label="echoed")
            uid = site.new_uid()
            site.stays[uid] = Stay(uid, None, echoed.arrival, echoed.departure, "CLOSED - Not available", False, False)


def desk_day(data: st.DataObject, uow: FakeUnitOfWork, clock: Clock) -> None:
    """The desk's part: the nightly fix, guests due out leave, and one random front-desk change."""
    run_command(uow, lambda: desk.run_reconcile(uow, clock, fix=True), "reconcile")
    for guest in [b for b in uow.bookings.all() if b.status is BookingStatus.CHECKED_IN
                  and b.departure <= clock.today]:
        run_command(uow, partial(desk.check_out, uow, clock, guest.room, booking_id=guest.id), "checkout")
    kind = data.draw(st.sampled_from(["none", "checkin", "checkin", "book", "cancel"]), label="desk")
    due = [b for b in uow.bookings.all() if b.status is BookingStatus.RESERVED
           and b.arrival <= clock.today < b.departure]
    reserved = [b for b in uow.bookings.all() if b.status is BookingStatus.RESERVED]
    if kind == "checkin" and due:
        chosen = data.draw(st.sampled_from(due), label="check in")
        run_command(uow, lambda: desk.check_in(uow, clock, chosen.room, booking_id=chosen.id, force=True), "checkin")
    elif kind == "book":
        number = data.draw(st.sampled_from(["101", "102"]), label="room")
        arrival = clock.today + timedelta(days=data.draw(st.integers(0, 15), label="arrive"))
        nights = data.draw(st.integers(1, 4), label="nights")
        run_command(uow, lambda: desk.book(uow, clock, number, "CommandSettings Guest", arrival,
                                           arrival + timedelta(days=nights)), "book")
    elif kind == "cancel" and reserved:
        chosen = data.draw(st.sampled_from(reserved), label="cancel")
        run_command(uow, lambda: desk.cancel(uow, clock, chosen.id), "cancel")


def records(uow: FakeUnitOfWork) -> dict[str, dict[str, Any]]:
    return {b.id: copy.deepcopy(uow.bookings.stored(b)) for b in uow.bookings.all()}


def check_cancellations(before: dict[str, dict[str, Any]], uow: FakeUnitOfWork, site: Site, fetched: Feed,
                        report: ChannelReport, clock: Clock) -> None:
    """Only the channel's reservations are cancelled, and only as the site or the grace time says."""
    now = read_stamp(clock.now)
    assert now is not None
    listed = {stay.key for stay in fetched.stays}
    cancelled_keys = {stay.key for stay in fetched.stays if stay.cancelled}
    for booking in uow.bookings.all():
        old = before.get(booking.id)
        if old is None:
            continue
        if old.get("channel") != site.channel.name:
            assert uow.bookings.stored(booking) == old, f"{booking.id} is not {site.channel.name}'s, yet it changed"
            continue
        if old["status"] == booking.status.value or booking.status is not BookingStatus.CANCELLED:
            continue
        assert old["status"] == "Reserved", f"{booking.id} was {old['status']}: a stay begun is never cancelled"
        assert booking.id in report.cancelled
        key = key_of(booking)
        if report.reasons[booking.id] == cancelled_on_site(site.channel):
            assert key in cancelled_keys
        else:
            assert report.reasons[booking.id] == no_longer_listed(site.channel)
            assert key not in listed and booking.arrival > clock.today
            since = read_stamp(old.get("channel_missing_since"))
            assert since is not None, f"{booking.id} cancelled at the first fetch that missed it"
            assert now - since >= site.channel.cancel_after, f"{booking.id} cancelled before its grace time"


def note_outcomes(report: ChannelReport, before: dict[str, dict[str, Any]], uow: FakeUnitOfWork) -> None:
    """Hypothesis statistics (`--hypothesis-show-statistics`): the rules this run reached."""
    for booking in uow.bookings.all():
        old = before.get(booking.id)
        if old is None:
            continue
        if old.get("channel_uid") != booking.field("channel_uid"):
            event("re-issued UID")
        if old["status"] == "Cancelled" and booking.status is BookingStatus.RESERVED:
            event("reinstated")
        if old["status"] == "CheckedIn" and old["departure"] != booking.departure.isoformat():
            event("guest in house: new departure")
    for reason in set(report.reasons.values()):
        event(reason.split(": ", 1)[1])
    for what, happened in [("created", report.created), ("updated", report.updated), ("missing", report.missing),
                           ("conflict", report.conflicts), ("empty feed warned", report.warnings),
                           ("echo skipped", [s for s in report.skipped if "echo" in (s["reason"] or "")])]:
        if happened:
            event(what)


def check_hotel(uow: FakeUnitOfWork, today: date, label: str) -> None:
    assert overlapping_pairs(uow, today) == set(), label
    fixes = reconcile(uow.rooms.all(), uow.bookings.all(), today).fixes
    assert fixes == [], f"{label}: {[f.as_json() for f in fixes]}"


def changed_records(before: tuple[list[dict[str, Any]], list[dict[str, Any]]],
                    after: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> list[Any]:
    """The records that differ between two states of the hotel, old and new side by side."""
    old = {str(r.get("id", r.get("number"))): r for r in before[0] + before[1]}
    return [(old.get(str(r.get("id", r.get("number")))), r) for r in after[0] + after[1]
            if old.get(str(r.get("id", r.get("number")))) != r]


def check_reapplied(uow: FakeUnitOfWork, site: Site, fetched: Feed, report: ChannelReport, clock: Clock) -> None:
    """The same feed again, in a unit of work left without commit: it must change nothing."""
    if site.channel.cancel_after == timedelta(0) and report.missing:
        return  # `0s`: the second fetch that misses a stay cancels it, as SPEC asks
    state = uow.state()
    conflicts = copy.deepcopy(site.channel.conflicts)
    with uow:
        again = apply_feed(uow, clock, site.channel, fetched)
        assert uow.state() == state, (f"{site.channel.name}: the same feed changed the hotel again: "
                                      f"{changed_records(state, uow.state())} (first: {report}; again: {again})")
        assert nothing_marked(uow)
        assert again.created == again.updated == again.cancelled == []
        assert again.conflicts == conflicts and not again.conflicts_changed


@settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.integers(1, 14), grace=st.lists(st.sampled_from(GRACE_TIMES), min_size=3, max_size=3),
       data=st.data())
def test_random_feed_histories_keep_rooms_apart_and_cancel_only_what_the_sites_gave_up(
        steps: int, grace: list[timedelta], data: st.DataObject) -> None:
    uow = FakeUnitOfWork([Room("101", RoomStatus.AVAILABLE), Room("102", RoomStatus.CLEAN)])
    sites = [
        Site(Channel("airbnb", "101", "https://www.airbnb.com/calendar/ical/1.ics", grace[0]), True,
             ["Reserved", "Airbnb (Not available)"]),
        Site(Channel("booking", "101", "https://admin.booking.com/ical/2.ics", grace[1]), False,
             ["CLOSED - Not available"]),
        Site(Channel("vrbo", "102", "http://www.vrbo.com/icalendar/3.ics", grace[2]), False,
             ["Reserved - Jane Doe", "Blocked"]),
    ]
    now = START
    for step in range(steps):
        now += timedelta(hours=data.draw(st.integers(0, 30), label="hours pass"))
        clock = clock_at(now)
        desk_day(data, uow, clock)
        for site in sites:
            edit_listing(data, site, uow, clock.today)
        for site in sites:
            fetch = data.draw(st.sampled_from(["ok", "ok", "ok", "empty", "failed"]),
                              label=f"{site.channel.name} fetch")
            if fetch == "failed":
                continue  # a failed fetch is never applied: nothing of that channel can change
            fetched = site.feed(empty=fetch == "empty")
            before = records(uow)
            with uow:
                # as `sync` does: every channel's bookings grouped in one pass over the hotel
                own = bookings_by_channel(uow.bookings.all()).get(site.channel.name, [])
                report = apply_feed(uow, clock, site.channel, fetched, own=own)
                uow.commit(["sync"])
            note_outcomes(report, before, uow)
            label = f"step {step}, {site.channel.name} ({fetch})"
            check_hotel(uow, clock.today, label)
            check_cancellations(before, uow, site, fetched, report, clock)
            check_reapplied(uow, site, fetched, report, clock)
