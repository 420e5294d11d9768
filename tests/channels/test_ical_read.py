"""Reading booking sites' feeds: nights, time zones, repeats, skipped events and unreadable bodies."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roomsync.channels.ical_read import FeedUnreadable, read_feed
from roomsync.domain.feed import Feed

FEEDS = Path(__file__).parent / "feeds"
TODAY = date(2026, 12, 2)
BERLIN = ZoneInfo("Europe/Berlin")


def read(name: str, zone: ZoneInfo = BERLIN) -> Feed:
    return read_feed((FEEDS / name).read_bytes(), today=TODAY, zone=zone)


def calendar(*events: str, head: str = "PRODID:-//test//EN") -> bytes:
    body = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + head + "\r\n"
    for event in events:
        body += "BEGIN:VEVENT\r\n" + event.strip().replace("\n", "\r\n") + "\r\nEND:VEVENT\r\n"
    return (body + "END:VCALENDAR\r\n").encode()


def nights(feed: Feed) -> list[tuple[str, str | None, date, date]]:
    return [(s.uid, s.recurrence, s.arrival, s.departure) for s in feed.stays]


def test_airbnb_reservations_and_blocks_are_read_with_exclusive_date_ends() -> None:
    feed = read("airbnb.ics")
    assert feed.from_airbnb and feed.events == 3 and feed.skipped == ()
    assert [(s.summary, s.arrival, s.departure) for s in feed.stays] == [
        ("Reserved", date(2026, 12, 4), date(2026, 12, 7)),
        ("Airbnb (Not available)", date(2026, 12, 10), date(2026, 12, 12)),
        ("Airbnb (Not available)", date(2027, 6, 1), date(2028, 1, 1)),
    ]


def test_booking_com_crlf_feed_lists_every_event_as_closed() -> None:
    feed = read("booking.ics")
    assert not feed.from_airbnb
    assert {s.summary for s in feed.stays} == {"CLOSED - Not available"}
    assert nights(feed) == [
        ("8f2ad4c6b1e3a5f7@booking.com", None, date(2026, 12, 5), date(2026, 12, 8)),
        ("1c3e5a7b9d2f4a6c@booking.com", None, date(2026, 12, 20), date(2026, 12, 21)),
    ]


def test_vrbo_summary_keeps_the_guest_name_and_cancelled_status() -> None:
    feed = read("vrbo.ics")  # written with bare LF line ends
    assert [(s.summary, s.cancelled) for s in feed.stays] == [
        ("Reserved - Jane Doe", False),
        ("Reserved - Carlos Pérez, family", True),
    ]
    assert feed.listed_uids == {"3a4b5c6d-vrbo-reservation-1", "3a4b5c6d-vrbo-reservation-2"}


def test_google_repeats_are_expanded_with_exdate_and_an_overridden_occurrence() -> None:
    feed = read("google.ics")
    assert feed.events == 3
    assert nights(feed)[:3] == [
        ("weekly-owner@google.com", "2026-12-05T20:00:00Z", date(2026, 12, 5), date(2026, 12, 6)),
        ("weekly-owner@google.com", "2026-12-19T20:00:00Z", date(2026, 12, 20), date(2026, 12, 22)),
        ("weekly-owner@google.com", "2026-12-26T20:00:00Z", date(2026, 12, 26), date(2026, 12, 27)),
    ]
    assert feed.stays[1].summary == "Owner weekend (longer)"


def test_floating_times_belong_to_the_calendars_x_wr_timezone() -> None:
    late = read("google.ics").stays[3]
    # 23:00 in New York on the 30th is 05:00 in Berlin on the 31st; it ends 16:00 Berlin time.
    assert (late.uid, late.arrival, late.departure, late.transparent) == (
        "floating-night@google.com", date(2026, 12, 31), date(2026, 12, 31), True,
    )
    without_zone = (FEEDS / "google.ics").read_bytes().replace(b"X-WR-TIMEZONE:America/New_York\r\n", b"")
    local = read_feed(without_zone, today=TODAY, zone=BERLIN).stays[3]
    assert (local.arrival, local.departure) == (date(2026, 12, 30), date(2026, 12, 31))


def test_tzid_date_times_count_by_their_date_in_the_hotels_zone() -> None:
    assert nights(read("tzid.ics")) == [
        ("pms-501", None, date(2026, 12, 5), date(2026, 12, 7)),  # 20:00 EST is 02:00 in Berlin
        ("pms-502", None, date(2026, 12, 10), date(2026, 12, 13)),  # DURATION when no DTEND
        ("pms-503", None, date(2026, 12, 15), date(2026, 12, 16)),  # neither: one night
    ]
    assert nights(read("tzid.ics", ZoneInfo("America/New_York")))[0][2:] == (date(2026, 12, 4), date(2026, 12, 7))


def test_an_empty_calendar_is_a_good_feed_with_no_stays() -> None:
    feed = read_feed(calendar(), today=TODAY, zone=BERLIN)
    assert (feed.events, feed.stays, feed.skipped, feed.listed_uids) == (0, (), (), frozenset())


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ("UID:no-start\nDTEND;VALUE=DATE:20261205", "no DTSTART"),
        ("UID:bad-date\nDTSTART;VALUE=DATE:20261340\nDTEND;VALUE=DATE:20261341", "bad DTSTART '20261340'"),
        ("UID:backwards\nDTSTART;VALUE=DATE:20261210\nDTEND;VALUE=DATE:20261205", "it ends before it starts"),
        ("UID:bad-rule\nDTSTART;VALUE=DATE:20261210\nRRULE:FREQ=SOMETIMES", "bad RRULE 'FREQ=SOMETIMES'"),
        ("UID:hourly\nDTSTART:20261210T100000Z\nRRULE:FREQ=HOURLY", "RRULE repeats hourly: more often than once a day"),
        ("UID:zero\nDTSTART;VALUE=DATE:20261210\nRRULE:FREQ=DAILY;INTERVAL=0", "RRULE has INTERVAL=0"),
    ],
)
def test_an_unreadable_event_is_skipped_with_its_reason_and_its_uid_still_listed(event: str, reason: str) -> None:
    good = "UID:good\nDTSTART;VALUE=DATE:20261204\nDTEND;VALUE=DATE:20261206"
    feed = read_feed(calendar(event, good), today=TODAY, zone=BERLIN)
    uid = event.split("\n")[0].removeprefix("UID:")
    assert [(s.uid, s.reason) for s in feed.skipped] == [(uid, reason)]
    assert nights(feed) == [("good", None, date(2026, 12, 4), date(2026, 12, 6))]
    assert feed.listed_uids == {uid, "good"}


def test_an_event_without_uid_is_skipped_and_named_by_its_place() -> None:
    feed = read_feed(calendar("DTSTART;VALUE=DATE:20261204"), today=TODAY, zone=BERLIN)
    assert [(s.uid, s.reason) for s in feed.skipped] == [(None, "event 1 has no UID")]


def test_a_second_single_event_with_the_same_uid_is_skipped_and_the_first_read() -> None:
    first = "UID:twice\nDTSTART;VALUE=DATE:20261204\nDTEND;VALUE=DATE:20261206"
    second = "UID:twice\nDTSTART;VALUE=DATE:20261210\nDTEND;VALUE=DATE:20261212"
    feed = read_feed(calendar(first, second), today=TODAY, zone=BERLIN)
    assert nights(feed) == [("twice", None, date(2026, 12, 4), date(2026, 12, 6))]
    assert [(s.uid, s.reason) for s in feed.skipped] == [
        ("twice", "event 2 repeats the UID of an earlier event; the first is read")]


def test_an_end_equal_to_the_start_is_a_stay_with_no_nights() -> None:
    feed = read_feed(calendar("UID:z\nDTSTART;VALUE=DATE:20261204\nDTEND;VALUE=DATE:20261204"),
                     today=TODAY, zone=BERLIN)
    assert nights(feed) == [("z", None, date(2026, 12, 4), date(2026, 12, 4))]


def test_an_endless_rule_is_expanded_only_within_two_years() -> None:
    feed = read_feed(calendar("UID:every-month\nDTSTART;VALUE=DATE:20200101\nRRULE:FREQ=MONTHLY"),
                     today=TODAY, zone=BERLIN)
    arrivals = [s.arrival for s in feed.stays]
    assert arrivals[0] >= date(2025, 12, 1) and arrivals[-1] <= date(2028, 12, 3)
    assert len(arrivals) == len(set(arrivals)) >= 35


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<!DOCTYPE html><html><body>Please log in</body></html>", "has no ':'"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261204\r\n", "ends inside BEGIN:VEVENT"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nEND:VCALENDAR\r\n",
         "END:VCALENDAR at content line 4 closes BEGIN:VEVENT"),
        (b"BEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\n", "not an iCalendar object"),
        (b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "after END:VCALENDAR"),
        (b"BEGIN:VCALENDAR\r\nthis is not a content line\r\nEND:VCALENDAR\r\n", "content line 2 has no ':'"),
        (b"", "the feed is empty"),
    ],
)
def test_a_body_whose_structure_cannot_be_read_raises_feed_unreadable(body: bytes, reason: str) -> None:
    with pytest.raises(FeedUnreadable) as caught:
        read_feed(body, today=TODAY, zone=BERLIN)
    assert reason in caught.value.reason


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300) | st.text(alphabet="BEGIN:VCALENDAREVT;=\r\n \"x", max_size=300).map(str.encode))
def test_any_bytes_either_read_or_raise_feed_unreadable(body: bytes) -> None:
    try:
        feed = read_feed(body, today=TODAY, zone=BERLIN)
    except FeedUnreadable as unreadable:
        assert unreadable.reason
    else:
        assert feed.events == len(feed.stays) + len(feed.skipped)


def test_ten_thousand_events_read_in_well_under_two_seconds() -> None:
    events = [
        f"UID:e{i}@example\nDTSTAMP:20261201T000000Z\nDTSTART;VALUE=DATE:2027{i % 12 + 1:02d}{i % 27 + 1:02d}\n"
        f"DTEND;VALUE=DATE:2027{i % 12 + 1:02d}{i % 27 + 2:02d}\nSUMMARY:CLOSED - Not available"
        for i in range(10_000)
    ]
    body = calendar(*events)
    started = time.perf_counter()
    feed = read_feed(body, today=TODAY, zone=BERLIN)
    elapsed = time.perf_counter() - started
    assert feed.events == len(feed.stays) == 10_000
    assert elapsed < 2.0, f"10,000 events took {elapsed:.2f} s"


EDGE_FEED = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//edge//EN\r\n"
             b"BEGIN:VEVENT\r\nUID:last-day\r\nDTSTART;VALUE=DATE:99991231\r\nSUMMARY:Reserved\r\nEND:VEVENT\r\n"
             b"BEGIN:VEVENT\r\nUID:long\r\nDTSTART;VALUE=DATE:99991230\r\nDURATION:P5D\r\nEND:VEVENT\r\n"
             b"BEGIN:VEVENT\r\nUID:daily\r\nDTSTART;VALUE=DATE:20261201\r\nDTEND;VALUE=DATE:20261202\r\n"
             b"RRULE:FREQ=DAILY;COUNT=2\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


@pytest.mark.parametrize("today", [date(2026, 12, 1), date(9999, 12, 30), date(1, 1, 2)])
def test_stays_past_the_calendars_edge_are_skipped_with_a_reason_never_an_overflow(today: date) -> None:
    feed = read_feed(EDGE_FEED, today=today, zone=BERLIN)
    reasons = {skip.uid: skip.reason for skip in feed.skipped}
    assert "outside the calendar" in reasons["last-day"] and "outside the calendar" in reasons["long"]
    assert feed.listed_uids == {"last-day", "long", "daily"}
    if today.year == 2026:
        assert [(s.uid, s.arrival) for s in feed.stays] == [("daily", date(2026, 12, 1)), ("daily", date(2026, 12, 2))]
