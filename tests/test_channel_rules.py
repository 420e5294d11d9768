"""Channel rules (SPEC §9 "Reading a feed" and "Applying"), one behaviour per test.

The pure rules (`domain/channels.py`) are tested on values; `apply_feed` on the in-memory
FakeUnitOfWork, exactly as `sync` calls it: one unit of work, committed after the feed is
applied. TODAY is 2026-11-27; offsets in days from it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fakes import FakeBookings, FakeRooms, FakeUnitOfWork, overlapping_pairs
from hypothesis import given
from hypothesis import strategies as st

from roomsync.domain.channels import (
    Channel,
    bookings_by_channel,
    echoed_booking,
    guest_from_summary,
    ignore_reason,
    is_block,
    is_echo,
    years_after,
)
from roomsync.domain.feed import Feed, Skipped, Stay
from roomsync.domain.model import Booking, BookingStatus, Room, RoomStatus
from roomsync.operations.channels import ChannelReport, apply_feed
from roomsync.operations.front_desk import Clock

TODAY = date(2026, 11, 27)
NOW = "2026-11-27T09:30:00Z"
CLOCK = Clock(TODAY, NOW)
B = BookingStatus


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def stay(uid: str, arrive: int, leave: int, summary: str = "Reserved", *, cancelled: bool = False,
         transparent: bool = False, recurrence: str | None = None) -> Stay:
    return Stay(uid, recurrence, day(arrive), day(leave), summary, cancelled, transparent)


def feed(*stays: Stay, airbnb: bool = False, skipped: tuple[Skipped, ...] = (), events: int | None = None) -> Feed:
    uids = {s.uid for s in stays} | {s.uid for s in skipped if s.uid is not None}
    return Feed(len(stays) if events is None else events, tuple(stays), skipped, frozenset(uids), airbnb)


def desk_booking(booking_id: str, arrive: int, leave: int, status: BookingStatus = B.RESERVED,
                 room: str = "101") -> Booking:
    return Booking(booking_id, room, f"Guest {booking_id}", day(arrive), day(leave), status)


def imported(booking_id: str, uid: str, arrive: int, leave: int, status: BookingStatus = B.RESERVED, *,
             channel: str = "booking", room: str = "101", **fields: Any) -> Booking:
    return Booking(booking_id, room, "booking reservation", day(arrive), day(leave), status,
                   {"channel": channel, "channel_uid": uid, **fields})


def hotel(*bookings: Booking, status: RoomStatus = RoomStatus.AVAILABLE) -> FakeUnitOfWork:
    return FakeUnitOfWork([Room("101", status), Room("102", RoomStatus.AVAILABLE)], bookings)


def channel(name: str = "booking", *, cancel_after: timedelta = timedelta(hours=12)) -> Channel:
    return Channel(name, "101", f"https://example.com/{name}.ics", cancel_after)


def sync(uow: FakeUnitOfWork, chan: Channel, fetched: Feed, clock: Clock = CLOCK) -> ChannelReport:
    with uow:
        report = apply_feed(uow, clock, chan, fetched)
        uow.commit(["sync"])
    return report


def status_reasons(uow: FakeUnitOfWork, kind: str) -> list[tuple[str, str | None]]:
    """The last commit's status changes of rooms (or bookings), each with its audit reason."""
    return [(c[kind], c.get("reason")) for c in uow.history()[-1]["changes"] if kind in c and c["field"] == "status"]


def later(hours: float, days: int = 0) -> Clock:
    return Clock(TODAY + timedelta(days=days), f"2026-11-{27 + days}T{9 + int(hours):02d}:30:00Z")


def nothing_marked(uow: FakeUnitOfWork) -> bool:
    """No booking added or saved and no room saved since the last commit: nothing to write."""
    bookings, rooms = uow.bookings, uow.rooms
    assert isinstance(bookings, FakeBookings) and isinstance(rooms, FakeRooms)
    return not (bookings.added or bookings.changed or bookings.removed or rooms.saved or rooms.added)


def get(uow: FakeUnitOfWork, booking_id: str) -> Booking:
    found = uow.bookings.get(booking_id)
    assert found is not None
    return found


# ---------------------------------------------------------------------------- pure rules

@pytest.mark.parametrize("summary", ["Airbnb (Not available)", "Not available", "CLOSED - Not available", "Blocked",
                                     "Closed", "Unavailable", "  closed -  NOT available ", "airbnb(not available)",
                                     "BLOCKED"])
def test_a_summary_saying_the_listing_is_closed_is_a_block_whatever_its_case_and_spaces(summary: str) -> None:
    assert is_block(summary)


@pytest.mark.parametrize("summary", ["Reserved", "Reserved - Jane Doe", "Booked - Ann", "", "Closed for renovation",
                                     "Not available - Jane"])
def test_a_sold_stay_is_not_a_block(summary: str) -> None:
    assert not is_block(summary)


@pytest.mark.parametrize(("summary", "guest"), [
    ("Reserved - Jane Doe", "Jane Doe"), ("Booked - Ann Lee", "Ann Lee"), ("reserved-  Zoë   Ng ", "Zoë Ng"),
    ("BOOKED - 山田 太郎", "山田 太郎"),
    ("Reserved", "vrbo reservation"), ("Reserved - ", "vrbo reservation"),
    ("CLOSED - Not available", "vrbo reservation"),
    ("Airbnb (Not available)", "vrbo reservation"), ("Jane Doe", "vrbo reservation"),
])
def test_the_guest_is_the_name_a_site_gives_else_a_placeholder_naming_the_channel(summary: str, guest: str) -> None:
    assert guest_from_summary(summary, "vrbo") == guest


def test_a_stay_the_hotel_takes_has_no_ignore_reason() -> None:
    assert ignore_reason(stay("a", 3, 6), TODAY, False, []) is None
    assert ignore_reason(stay("a", -2, 1), TODAY, False, []) is None  # begun already: still a stay
    assert ignore_reason(stay("a", 3, 6, "CLOSED - Not available"), TODAY, False, []) is None  # not Airbnb's


@pytest.mark.parametrize(("the_stay", "words"), [
    (stay("a", 3, 6, cancelled=True), "cancelled"),
    (stay("a", 3, 6, transparent=True), "transparent"),
    (stay("a", 3, 3), "no nights"),
    (stay("a", -3, 0), "on or before today"),
    (stay("a", -9, -4), "on or before today"),
    (stay("a", 732, 735), "2 years ahead"),
    (stay("a", 1, 369), "366 nights"),
])
def test_an_ignored_stay_says_why(the_stay: Stay, words: str) -> None:
    reason = ignore_reason(the_stay, TODAY, False, [])
    assert reason is not None and words in reason


def test_two_years_ahead_counts_calendar_years_and_366_nights_is_still_a_stay() -> None:
    assert ignore_reason(stay("a", 731, 733), TODAY, False, []) is None  # 2028-11-27: exactly 2 years
    assert ignore_reason(stay("a", 732, 733), TODAY, False, []) is not None
    assert ignore_reason(stay("a", 1, 367), TODAY, False, []) is None
    assert years_after(date(2028, 2, 29), 2) == date(2030, 2, 28)
    assert years_after(date(9998, 5, 1), 2) is None


def test_a_cancelled_stay_is_reported_as_cancelled_before_any_other_reason() -> None:
    reason = ignore_reason(stay("a", -5, -2, transparent=True, cancelled=True), TODAY, False, [])
    assert reason is not None and "cancelled" in reason


def test_airbnb_blocks_are_ignored_but_its_reservations_and_other_sites_blocks_are_not() -> None:
    block = stay("a", 3, 6, "Airbnb (Not available)")
    assert ignore_reason(block, TODAY, True, []) is not None
    assert ignore_reason(stay("b", 3, 6, "Reserved"), TODAY, True, []) is None
    assert ignore_reason(block, TODAY, False, []) is None


def test_a_block_of_exactly_a_desk_bookings_nights_is_its_echo() -> None:
    desk_stay = desk_booking("B-000001", 3, 6)
    block = stay("x", 3, 6, "CLOSED - Not available")
    assert is_echo(block, [desk_stay], TODAY)
    reason = ignore_reason(block, TODAY, False, [desk_stay])
    assert reason is not None and "B-000001" in reason


def test_only_an_exact_block_of_an_active_booking_is_an_echo() -> None:
    desk_stay = desk_booking("B-000001", 3, 6)
    assert not is_echo(stay("x", 3, 7, "Blocked"), [desk_stay], TODAY)  # since amended at the desk: overlaps
    assert not is_echo(stay("x", 4, 6, "Blocked"), [desk_stay], TODAY)
    assert not is_echo(stay("x", 3, 6, "Reserved"), [desk_stay], TODAY)  # a sale, not an echo
    assert not is_echo(stay("x", 3, 6, "Blocked"), [desk_booking("B-000001", 3, 6, B.CANCELLED)], TODAY)


def test_an_overstaying_guest_is_echoed_with_tonight_as_ical_publishes_them() -> None:
    overstay = desk_booking("B-000001", -5, -1, B.CHECKED_IN)
    assert echoed_booking(stay("x", -5, 1, "Not available"), [overstay], TODAY) is overstay
    assert not is_echo(stay("x", -5, -1, "Not available"), [overstay], TODAY)


@given(today=st.dates(), arrival=st.dates(), departure=st.dates(), summary=st.sampled_from(["Reserved", "Blocked"]),
       airbnb=st.booleans(), guest_arrival=st.dates(), guest_departure=st.dates(),
       status=st.sampled_from([B.RESERVED, B.CHECKED_IN]))
def test_the_rules_never_leave_the_calendar(today: date, arrival: date, departure: date, summary: str, airbnb: bool,
                                            guest_arrival: date, guest_departure: date,
                                            status: BookingStatus) -> None:
    """Any dates, 0001-01-01 and 9999-12-31 included: a verdict, never an OverflowError."""
    other = Booking("B-000001", "101", "G", guest_arrival, guest_departure, status)
    the_stay = Stay("u", None, arrival, departure, summary, False, False)
    reason = ignore_reason(the_stay, today, airbnb, [other])
    if departure <= today or departure <= arrival:
        assert reason is not None


@pytest.mark.parametrize("today", [date.min, date.max])
def test_the_rules_at_the_calendars_edge(today: date) -> None:
    overstay = Booking("B-000001", "101", "G", date.min, date.min + timedelta(days=1), B.CHECKED_IN)
    at_edge = Stay("u", None, date.min, date.max, "Blocked", False, False)
    assert ignore_reason(at_edge, today, False, [overstay]) is not None
    assert not is_echo(at_edge, [overstay], today)


def test_a_sync_groups_every_channels_bookings_in_one_pass_in_file_order() -> None:
    hotel_bookings = [imported("B-000001", "a", 3, 5, channel="airbnb"), desk_booking("B-000002", 1, 2),
                      imported("B-000003", "b", 6, 8), imported("B-000004", "c", 8, 9, channel="airbnb")]
    grouped = bookings_by_channel(hotel_bookings)
    assert {name: [b.id for b in own] for name, own in grouped.items()} == {
        "airbnb": ["B-000001", "B-000004"], "booking": ["B-000003"]}


# ---------------------------------------------------------------------------- new stays

def test_a_new_stay_becomes_a_reserved_booking_of_the_channels_room_carrying_its_key() -> None:
    uow = hotel()
    report = sync(uow, channel("vrbo"), feed(stay("uid-1", 3, 6, "Reserved - Jane Doe", recurrence="20261130")))
    assert len(report.created) == 1
    record = uow.bookings.stored(get(uow, report.created[0]))
    assert {k: record[k] for k in ("room", "guest", "arrival", "departure", "status", "channel", "channel_uid",
                                   "channel_recurrence")} == {
        "room": "101", "guest": "Jane Doe", "arrival": "2026-11-30", "departure": "2026-12-03", "status": "Reserved",
        "channel": "vrbo", "channel_uid": "uid-1", "channel_recurrence": "20261130"}
    assert record["created_at"] == record["updated_at"] == NOW
    assert report.conflicts == [] and report.updated == [] and report.cancelled == []


def test_a_single_event_stores_no_recurrence_and_a_nameless_one_gets_the_placeholder() -> None:
    uow = hotel()
    report = sync(uow, channel(), feed(stay("uid-1", 3, 6)))
    record = uow.bookings.stored(get(uow, report.created[0]))
    assert "channel_recurrence" not in record
    assert record["guest"] == "booking reservation"


def test_a_new_stay_arriving_today_makes_the_room_reserved_in_the_same_commit() -> None:
    uow = hotel()
    sync(uow, channel(), feed(stay("uid-1", 0, 2)))
    assert uow.rooms.get("101").status is RoomStatus.RESERVED  # type: ignore[union-attr]
    assert ("101", "Reservation due today") in status_reasons(uow, "room")


def test_a_new_stay_that_has_already_begun_is_imported_as_a_late_arrival() -> None:
    uow = hotel()
    report = sync(uow, channel(), feed(stay("uid-1", -2, 3)))
    assert get(uow, report.created[0]).arrival == day(-2)


def test_a_new_stay_overlapping_a_desk_booking_is_a_conflict_and_the_desk_booking_stands() -> None:
    uow = hotel(desk_booking("B-000001", 2, 5))
    chan = channel()
    before = uow.state()
    report = sync(uow, chan, feed(stay("uid-1", 4, 7)))
    assert report.created == [] and uow.state() == before
    assert report.conflicts == [{
        "code": "CHANNEL_CONFLICT", "message": report.conflicts[0]["message"], "room": "101",
        "bookings": ["B-000001"], "channel": "booking", "uid": "uid-1", "arrival": "2026-12-01",
        "departure": "2026-12-04"}]
    assert "B-000001" in report.conflicts[0]["message"] and "not imported" in report.conflicts[0]["message"]
    assert chan.conflicts == report.conflicts and report.conflicts_changed


def test_a_conflict_names_every_booking_in_the_way_and_is_kept_until_a_sync_no_longer_finds_it() -> None:
    uow = hotel(desk_booking("B-000001", 2, 4), desk_booking("B-000002", 4, 6), desk_booking("B-000003", 6, 9))
    chan = channel()
    first = sync(uow, chan, feed(stay("uid-1", 3, 5)))
    assert first.conflicts[0]["bookings"] == ["B-000001", "B-000002"]
    again = sync(uow, chan, feed(stay("uid-1", 3, 5)))
    assert again.conflicts == first.conflicts and not again.conflicts_changed
    gone = sync(uow, chan, feed())
    assert gone.conflicts == [] and chan.conflicts == [] and gone.conflicts_changed


def test_a_back_to_back_stay_is_no_conflict() -> None:
    uow = hotel(desk_booking("B-000001", 2, 4))
    report = sync(uow, channel(), feed(stay("uid-1", 4, 6)))
    assert len(report.created) == 1 and report.conflicts == []


def test_a_stay_for_a_room_under_maintenance_is_imported_and_left_to_reconcile() -> None:
    uow = hotel(status=RoomStatus.MAINTENANCE)
    report = sync(uow, channel(), feed(stay("uid-1", 0, 2)))
    assert len(report.created) == 1 and uow.rooms.get("101").status is RoomStatus.MAINTENANCE  # type: ignore[union-attr]


def test_a_channel_whose_room_is_gone_imports_nothing_and_says_so() -> None:
    uow = hotel()
    chan = Channel("booking", "999", "https://example.com/x.ics")
    report = sync(uow, chan, feed(stay("uid-1", 3, 5)))
    assert report.created == [] and uow.bookings.all() == []
    assert report.conflicts[0]["room"] == "999" and "does not exist" in report.conflicts[0]["message"]


def test_a_uid_repeated_in_one_feed_counts_once() -> None:
    uow = hotel()
    report = sync(uow, channel(), feed(stay("uid-1", 3, 5), stay("uid-1", 8, 9)))
    assert [(b.arrival, b.departure) for b in uow.bookings.all()] == [(day(3), day(5))]
    assert any("repeats" in (s["reason"] or "") for s in report.skipped)


def test_a_cancelled_repeat_of_a_uid_does_not_cancel_the_stay_its_first_event_lists() -> None:
    uow = hotel(imported("B-000001", "uid-1", 3, 5))
    fetched = feed(stay("uid-1", 3, 5), stay("uid-1", 3, 5, cancelled=True))
    report = sync(uow, channel(), fetched)
    assert report.cancelled == [] and get(uow, "B-000001").status is B.RESERVED
    assert sync(uow, channel(), fetched).updated == []


def test_ignored_and_unreadable_events_are_listed_in_skipped() -> None:
    uow = hotel()
    report = sync(uow, channel("airbnb"), feed(stay("a", 3, 5, "Airbnb (Not available)"), stay("b", -4, -1),
                                                skipped=(Skipped(None, "no UID"), Skipped("c", "bad DTSTART")),
                                                airbnb=True))
    assert uow.bookings.all() == []
    assert [s["uid"] for s in report.skipped] == [None, "c", "a", "b"]
    assert report.skipped[0]["reason"] == "no UID"


def test_an_echo_of_a_desk_booking_is_not_imported_but_a_block_on_other_nights_is() -> None:
    uow = hotel(desk_booking("B-000001", 3, 6))
    report = sync(uow, channel(), feed(stay("echo", 3, 6, "CLOSED - Not available"),
                                       stay("closure", 8, 10, "CLOSED - Not available")))
    assert report.conflicts == [] and len(report.created) == 1
    assert get(uow, report.created[0]).arrival == day(8)


def test_a_booking_from_another_channel_is_echoed_but_a_channels_own_booking_is_not() -> None:
    uow = hotel(imported("B-000001", "air-1", 3, 6, channel="airbnb"), imported("B-000002", "bk-1", 8, 10))
    report = sync(uow, channel(), feed(stay("bk-1", 8, 10, "CLOSED - Not available"),
                                       stay("echo-of-airbnb", 3, 6, "CLOSED - Not available")))
    assert report.created == [] and report.conflicts == [] and report.updated == []
    assert [s["uid"] for s in report.skipped] == ["echo-of-airbnb"]


# ---------------------------------------------------------------------------- known stays

def test_new_dates_of_a_future_stay_apply_under_amends_rules() -> None:
    uow = hotel(imported("B-000001", "uid-1", 3, 5))
    report = sync(uow, channel(), feed(stay("uid-1", 4, 8)))
    assert report.updated == ["B-000001"] and report.created == []
    booking = get(uow, "B-000001")
    assert (booking.arrival, booking.departure) == (day(4), day(8))
    assert booking.field("updated_at") == NOW


def test_a_refused_date_change_is_a_conflict_carrying_the_code_and_the_booking_keeps_its_dates() -> None:
    uow = hotel(imported("B-000001", "uid-1", 3, 5), desk_booking("B-000002", 6, 9))
    before = uow.state()
    report = sync(uow, channel(), feed(stay("uid-1", 3, 7)))
    assert uow.state() == before and report.updated == []
    conflict = report.conflicts[0]
    assert conflict["bookings"] == ["B-000001", "B-000002"]
    assert "DOUBLE_BOOKING" in conflict["message"]
    assert (conflict["arrival"], conflict["departure"]) == ("2026-11-30", "2026-12-04")


def test_a_new_arrival_in_the_past_is_refused_like_amend_refuses_it() -> None:
    uow = hotel(imported("B-000001", "uid-1", 3, 5))
    report = sync(uow, channel(), feed(stay("uid-1", -1, 5)))
    assert "INVALID_DATES" in report.conflicts[0]["message"] and report.conflicts[0]["bookings"] == ["B-000001"]
    assert get(uow, "B-000001").arrival == day(3)


def test_a_stay_moved_to_another_room_at_the_desk_keeps_that_room_when_the_site_changes_its_dates() -> None:
    uow = hotel(imported("B-000001", "uid-1", 3, 5, room="102"), desk_booking("B-000002", 5, 7))
    report = sync(uow, channel(), feed(stay("uid-1", 3, 6)))
    booking = get(uow, "B-000001")
    assert report.updated == ["B-000001"] and booking.room == "102" and booking.departure == day(6)


def test_only_the_departure_of_a_stay_in_progress_changes() -> None:
    uow = hotel(imported("B-000001", "uid-1", -2, 2, B.CHECKED_IN), imported("B-000002", "uid-2", 0, 2, room="102"))
    report = sync(uow, channel(), feed(stay("uid-1", 0, 4), stay("uid-2", 0, 1)))
    assert report.updated == ["B-000001", "B-000002"]
    assert (get(uow, "B-000001").arrival, get(uow, "B-000001").departure) == (day(-2), day(4))
    assert (get(uow, "B-000002").arrival, get(uow, "B-000002").departure) == (day(0), day(1))


def test_a_stay_in_progress_whose_start_the_site_rewrote_is_left_alone() -> None:
    uow = hotel(imported("B-000001", "uid-1", -2, 2, B.CHECKED_IN))
    before = uow.state()
    report = sync(uow, channel(), feed(stay("uid-1", 0, 2)))
    assert report.updated == [] and uow.state() == before and uow.history() == []


def test_a_stay_cancelled_by_the_feed_and_listed_again_is_reinstated() -> None:
    uow = hotel(imported("B-000001", "uid-1", 3, 5, B.CANCELLED, cancelled_by="channel",
                         channel_missing_since="2026-11-25T08:00:00Z"))
    report = sync(uow, channel(), feed(stay("uid-1", 3, 5)))
    record = uow.bookings.stored(get(uow, "B-000001"))
    assert report.updated == ["B-000001"] and record["status"] == "Reserved"
    assert "cancelled_by" not in record and "channel_missing_since" not in record


def test_a_reinstated_stay_also_takes_its_new_dates() -> None:
    uow = hotel(imported("B-000001", "uid-1", 3, 5, B.CANCELLED, cancelled_by="channel"))
    report = sync(uow, channel(), feed(stay("uid-1", 4, 7)))
    booking = get(uow, "B-000001")
    assert report.updated == ["B-000001"] and (booking.arrival, booking.departure) == (day(4), day(7))


def test_a_refused_reinstatement_is_a_conflict() -> None:
    uow = hotel(imported("B-000001", "uid-1", 3, 5, B.CANCELLED, cancelled_by="channel"),
                desk_booking("B-000002", 4, 6))
    report = sync(uow, channel(), feed(stay("uid-1", 3, 5)))
    assert get(uow, "B-000001").status is B.CANCELLED
    assert report.conflicts[0]["bookings"] == ["B-000001", "B-000002"]
    assert "DOUBLE_BOOKING" in report.conflicts[0]["message"]


@pytest.mark.parametrize("finished", [
    imported("B-000001", "uid-1", 3, 5, B.CANCELLED),  # cancelled at the desk
    imported("B-000001", "uid-1", -5, -2, B.CHECKED_OUT),
    imported("B-000001", "uid-1", -1, 3, B.NO_SHOW),
])
def test_a_stay_finished_at_the_desk_never_changes_from_a_feed(finished: Booking) -> None:
    uow = hotel(finished)
    before = uow.state()
    report = sync(uow, channel(), feed(stay("uid-1", 4, 8)))
    assert uow.state() == before and report.created == report.updated == [] and report.conflicts == []


def test_bookings_of_another_channel_never_change() -> None:
    uow = hotel(imported("B-000001", "uid-1", 3, 5, channel="airbnb"))
    before = uow.state()
    report = sync(uow, channel(), feed(stay("uid-1", 3, 5, cancelled=True)))
    report = sync(uow, channel(), feed())
    assert uow.state() == before and report.missing == [] and report.cancelled == []


def test_a_stay_moved_away_frees_the_nights_another_stay_of_the_same_feed_needs() -> None:
    uow = hotel(imported("B-000001", "uid-1", 3, 5), imported("B-000002", "uid-2", 5, 7))
    report = sync(uow, channel(), feed(stay("uid-1", 3, 6), stay("uid-2", 6, 8)))
    assert report.conflicts == [] and report.updated == ["B-000002", "B-000001"]
    assert overlapping_pairs(uow, TODAY) == set()


# ---------------------------------------------------------------------------- re-issued UIDs

def test_a_stay_in_progress_under_a_new_uid_is_the_same_booking() -> None:
    uow = hotel(imported("B-000001", "old-uid", -2, 3, B.CHECKED_IN))
    report = sync(uow, channel(), feed(stay("new-uid", 0, 3, "CLOSED - Not available")))
    booking = get(uow, "B-000001")
    assert report.created == [] and report.conflicts == [] and report.updated == ["B-000001"]
    assert booking.field("channel_uid") == "new-uid" and (booking.arrival, booking.departure) == (day(-2), day(3))
    assert len(uow.bookings.all()) == 1


def test_a_new_uid_is_no_reissue_while_the_old_uid_is_still_listed() -> None:
    uow = hotel(imported("B-000001", "old-uid", -2, 3, B.CHECKED_IN))
    report = sync(uow, channel(), feed(stay("old-uid", -2, 3), stay("new-uid", 0, 3)))
    assert get(uow, "B-000001").field("channel_uid") == "old-uid"
    assert report.conflicts[0]["uid"] == "new-uid"


def test_a_new_uid_ending_another_day_is_a_new_stay() -> None:
    uow = hotel(imported("B-000001", "old-uid", -2, 3, B.CHECKED_IN))
    report = sync(uow, channel(), feed(stay("new-uid", 0, 4)))
    assert get(uow, "B-000001").field("channel_uid") == "old-uid"
    assert report.conflicts[0]["bookings"] == ["B-000001"]


def test_a_future_stay_under_a_new_uid_is_a_new_stay_and_the_old_one_goes_missing() -> None:
    uow = hotel(imported("B-000001", "old-uid", 3, 7))
    report = sync(uow, channel(), feed(stay("new-uid", 5, 7)))
    assert get(uow, "B-000001").field("channel_uid") == "old-uid"
    assert report.missing == ["B-000001"] and report.conflicts[0]["uid"] == "new-uid"


# ---------------------------------------------------------------------------- gone

def test_a_stay_cancelled_on_the_site_is_cancelled_at_once_with_its_reason() -> None:
    uow = hotel(imported("B-000001", "uid-1", 3, 5))
    report = sync(uow, channel(), feed(stay("uid-1", 3, 5, cancelled=True)))
    record = uow.bookings.stored(get(uow, "B-000001"))
    assert report.cancelled == ["B-000001"] and record["status"] == "Cancelled" and record["cancelled_by"] == "channel"
    assert report.reasons == {"B-000001": "channel booking: stay cancelled on the site"}
    assert report.skipped == [{"uid": "uid-1", "reason": "cancelled on the site"}]


def test_a_late_arrival_cancelled_on_the_site_is_cancelled_and_frees_its_room_with_the_reason() -> None:
    uow = hotel(imported("B-000001", "uid-1", -1, 2), status=RoomStatus.RESERVED)
    report = sync(uow, channel(), feed(stay("uid-1", -1, 2, cancelled=True)))
    assert report.cancelled == ["B-000001"]
    assert uow.rooms.get("101").status is RoomStatus.AVAILABLE  # type: ignore[union-attr]
    assert status_reasons(uow, "room") == [("101", "channel booking: stay cancelled on the site")]
    assert status_reasons(uow, "booking") == [("B-000001", "channel booking: stay cancelled on the site")]


def test_a_guest_in_house_is_never_cancelled_by_the_site() -> None:
    uow = hotel(imported("B-000001", "uid-1", -1, 2, B.CHECKED_IN))
    before = uow.state()
    sync(uow, channel(), feed(stay("uid-1", -1, 2, cancelled=True)))
    sync(uow, channel(cancel_after=timedelta(0)), feed(), later(1))
    sync(uow, channel(cancel_after=timedelta(0)), feed(), later(2))
    assert uow.state() == before


def test_a_stay_no_longer_listed_is_missing_first_and_cancelled_only_after_the_grace_time() -> None:
    uow = hotel(imported("B-000001", "uid-1", 3, 5))
    chan = channel(cancel_after=timedelta(hours=12))
    first = sync(uow, chan, feed(stay("other", 8, 9)))
    assert first.missing == ["B-000001"] and first.cancelled == []
    assert get(uow, "B-000001").field("channel_missing_since") == NOW
    commits = len(uow.history())
    still = sync(uow, chan, feed(stay("other", 8, 9)), later(11))
    assert still.missing == ["B-000001"] and still.cancelled == [] and len(uow.history()) == commits
    assert get(uow, "B-000001").field("channel_missing_since") == NOW
    gone = sync(uow, chan, feed(stay("other", 8, 9)), later(12))
    record = uow.bookings.stored(get(uow, "B-000001"))
    assert gone.cancelled == ["B-000001"] and gone.missing == []
    assert record["status"] == "Cancelled" and record["cancelled_by"] == "channel"
    assert "channel_missing_since" not in record
    assert gone.reasons == {"B-000001": "channel booking: stay no longer listed"}


def test_a_grace_time_of_zero_cancels_at_the_second_good_fetch_that_misses_the_stay() -> None:
    uow = hotel(imported("B-000001", "uid-1", 3, 5))
    chan = channel(cancel_after=timedelta(0))
    assert sync(uow, chan, feed()).cancelled == []
    assert sync(uow, chan, feed()).cancelled == ["B-000001"]


def test_a_missing_stay_listed_again_is_no_longer_missing() -> None:
    uow = hotel(imported("B-000001", "uid-1", 3, 5, channel_missing_since="2026-11-27T01:00:00Z"))
    report = sync(uow, channel(), feed(stay("uid-1", 3, 5)))
    assert report.missing == [] and report.updated == ["B-000001"]
    assert get(uow, "B-000001").field("channel_missing_since") is None


def test_a_stay_begun_or_arriving_today_is_never_missing() -> None:
    uow = hotel(imported("B-000001", "uid-1", 0, 2), imported("B-000002", "uid-2", -3, 1, B.CHECKED_IN, room="102"),
                imported("B-000003", "uid-3", -1, 3, room="102", channel_missing_since="2026-11-01T00:00:00Z"))
    before = uow.state()
    report = sync(uow, channel(cancel_after=timedelta(0)), feed())
    assert report.missing == [] and report.cancelled == [] and uow.state() == before


def test_an_unreadable_event_keeps_its_uids_stays_listed() -> None:
    uow = hotel(imported("B-000001", "uid-1", 3, 5))
    report = sync(uow, channel(cancel_after=timedelta(0)), feed(skipped=(Skipped("uid-1", "bad RRULE"),)))
    assert report.missing == [] and get(uow, "B-000001").field("channel_missing_since") is None


def test_an_unreadable_missing_since_restarts_the_grace_time() -> None:
    uow = hotel(imported("B-000001", "uid-1", 3, 5, channel_missing_since="yesterday"))
    report = sync(uow, channel(cancel_after=timedelta(0)), feed())
    assert report.cancelled == [] and report.missing == ["B-000001"]
    assert get(uow, "B-000001").field("channel_missing_since") == NOW


def test_an_empty_feed_warns_while_the_channel_has_stays_to_come() -> None:
    uow = hotel(imported("B-000001", "uid-1", 3, 5))
    report = sync(uow, channel(), feed())
    assert [w["code"] for w in report.warnings] == ["CHANNEL_FEED_EMPTY"]
    assert report.warnings[0]["channel"] == "booking" and report.warnings[0]["bookings"] == ["B-000001"]
    assert sync(hotel(), channel(), feed()).warnings == []
    assert sync(uow, channel(), feed(events=1)).warnings == []  # a feed with events is not empty


# ---------------------------------------------------------------------------- the report and re-application

def test_the_report_has_the_sync_json_shape() -> None:
    report = sync(hotel(), channel(), feed(stay("uid-1", 3, 5)))
    document = report.as_json()
    assert list(document) == ["name", "fetch", "error", "events", "created", "updated", "cancelled", "missing",
                              "skipped", "conflicts", "warnings"]
    assert (document["name"], document["fetch"], document["error"], document["events"]) == ("booking", "ok", None, 1)


def test_applying_the_same_feed_again_changes_nothing() -> None:
    uow = hotel(imported("B-000001", "uid-1", 3, 5), imported("B-000002", "gone", 9, 12),
                imported("B-000003", "bye", 14, 15), desk_booking("B-000004", 20, 22))
    chan = channel()
    fetched = feed(stay("uid-1", 4, 6), stay("uid-2", 6, 8, "Reserved - Ann"), stay("bye", 14, 15, cancelled=True),
                   stay("clash", 21, 23))
    sync(uow, chan, fetched)
    state = uow.state()
    with uow:
        report = apply_feed(uow, CLOCK, chan, fetched)
        assert uow.state() == state
        assert nothing_marked(uow)
    assert report.missing == ["B-000002"] and len(report.conflicts) == 1 and not report.conflicts_changed
