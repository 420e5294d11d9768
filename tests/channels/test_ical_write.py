"""Publishing a room's feed: which bookings, which nights, stable bytes, no personal data."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from roomsync.channels.ical_read import read_feed
from roomsync.channels.ical_write import published_nights, room_feed
from roomsync.domain.model import Booking, BookingStatus

TODAY = date(2026, 12, 2)


def booking(
    id: str, arrival: date, departure: date, status: BookingStatus = BookingStatus.RESERVED,
    room: str = "101", guest: str = "Jane Doe", **fields: str,
) -> Booking:
    return Booking(id, room, guest, arrival, departure, status, details=dict(fields))


def test_one_event_per_booking_with_stable_uid_date_values_and_stamp() -> None:
    stay = booking("B-7", date(2026, 12, 4), date(2026, 12, 7), updated_at="2026-11-30T09:15:00Z")
    feed = room_feed("101", [stay], today=TODAY)
    assert feed == (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//roomsync//roomsync room feed//EN\r\nCALSCALE:GREGORIAN\r\n"
        b"METHOD:PUBLISH\r\nX-WR-CALNAME:Room 101\r\n"
        b"BEGIN:VEVENT\r\nUID:B-7@roomsync\r\nDTSTAMP:20261130T091500Z\r\nLAST-MODIFIED:20261130T091500Z\r\n"
        b"DTSTART;VALUE=DATE:20261204\r\nDTEND;VALUE=DATE:20261207\r\nSUMMARY:Not available\r\n"
        b"TRANSP:OPAQUE\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def test_only_active_bookings_of_the_room_whose_nights_are_not_over_are_published() -> None:
    bookings = [
        booking("over", date(2026, 11, 28), date(2026, 12, 2), BookingStatus.CHECKED_IN),  # departs today
        booking("overstay", date(2026, 11, 25), date(2026, 11, 30), BookingStatus.CHECKED_IN),
        booking("late", date(2026, 12, 1), date(2026, 12, 3)),
        booking("cancelled", date(2026, 12, 5), date(2026, 12, 6), BookingStatus.CANCELLED),
        booking("gone", date(2026, 11, 20), date(2026, 11, 22), BookingStatus.CHECKED_OUT),
        booking("elsewhere", date(2026, 12, 5), date(2026, 12, 6), room="102"),
        booking("future", date(2027, 3, 1), date(2027, 3, 4)),
    ]
    feed = read_feed(room_feed("101", bookings, today=TODAY), today=TODAY, zone=ZoneInfo("UTC"))
    assert [(s.uid, s.arrival, s.departure) for s in feed.stays] == [
        ("overstay@roomsync", date(2026, 11, 25), date(2026, 12, 3)),  # holds tonight: DTEND = today + 1
        ("late@roomsync", date(2026, 12, 1), date(2026, 12, 3)),
        ("future@roomsync", date(2027, 3, 1), date(2027, 3, 4)),
    ]
    assert published_nights(bookings[1], TODAY) == (date(2026, 11, 25), date(2026, 12, 3))
    assert published_nights(bookings[0], TODAY) is None


def test_events_are_ordered_by_arrival_then_id_whatever_order_the_bookings_come_in() -> None:
    bookings = [
        booking("B-2", date(2026, 12, 10), date(2026, 12, 11)),
        booking("B-9", date(2026, 12, 4), date(2026, 12, 5)),
        booking("B-1", date(2026, 12, 10), date(2026, 12, 12)),
    ]
    forward = room_feed("101", bookings, today=TODAY)
    assert forward == room_feed("101", list(reversed(bookings)), today=TODAY)
    assert [line for line in forward.split(b"\r\n") if line.startswith(b"UID:")] == [
        b"UID:B-9@roomsync", b"UID:B-1@roomsync", b"UID:B-2@roomsync",
    ]


def test_no_guest_name_or_channel_unless_details_are_asked_for() -> None:
    bookings = [booking("B-3", date(2026, 12, 4), date(2026, 12, 6), guest="Zoë Ångström", channel="airbnb-101")]
    plain = room_feed("101", bookings, today=TODAY)
    assert "Zoë".encode() not in plain and b"airbnb" not in plain
    detailed = room_feed("101", bookings, today=TODAY, details=True)
    assert "SUMMARY:Reserved - Zoë Ångström".encode() in detailed
    assert b"DESCRIPTION:From channel airbnb-101" in detailed


def test_stamps_come_from_updated_at_else_created_at_else_the_arrival_never_the_clock() -> None:
    def stamp(**fields: str) -> bytes:
        stayer = Booking("B", "101", "Jane Doe", date(2026, 12, 4), date(2026, 12, 6), BookingStatus.RESERVED,
                         details=fields)
        feed = room_feed("101", [stayer], today=TODAY)
        return next(line for line in feed.split(b"\r\n") if line.startswith(b"DTSTAMP:"))

    assert stamp(updated_at="2026-11-30T10:00:00+01:00",
                 created_at="2026-11-01T00:00:00Z") == b"DTSTAMP:20261130T090000Z"
    assert stamp(created_at="2026-11-01T08:30:00Z") == b"DTSTAMP:20261101T083000Z"
    assert stamp() == b"DTSTAMP:20261204T000000Z"
    assert stamp(updated_at="not a time") == b"DTSTAMP:20261204T000000Z"


def test_long_lines_are_folded_at_75_octets_without_splitting_a_character() -> None:
    guest = "Ŝtéphanie-Émilie de la Fontaine-Saint-Éxupéry; party of six, arriving late"
    feed = room_feed("101", [booking("B", date(2026, 12, 4), date(2026, 12, 6), guest=guest)], today=TODAY,
                     details=True)
    lines = feed.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75 and any(line.startswith(b" ") for line in lines)
    for line in lines:
        line.decode("utf-8")  # every physical line is whole characters
    stay = read_feed(feed, today=TODAY, zone=ZoneInfo("UTC")).stays[0]
    assert stay.summary == f"Reserved - {guest}"


nights_strategy = st.tuples(st.integers(-10, 800), st.integers(0, 30)).map(
    lambda t: (TODAY + timedelta(days=t[0]), TODAY + timedelta(days=t[0] + t[1]))
)


@settings(max_examples=60, deadline=None)
@given(st.lists(nights_strategy, max_size=12), st.sampled_from(["UTC", "Pacific/Auckland", "America/Los_Angeles"]))
def test_round_trip_a_rooms_feed_reads_back_as_the_same_stays(spans: list[tuple[date, date]], zone: str) -> None:
    bookings = [booking(f"B-{i}", arrival, departure) for i, (arrival, departure) in enumerate(spans)]
    expected = sorted(
        (b.arrival, b.id, nights) for b in bookings if (nights := published_nights(b, TODAY)) is not None
    )
    feed = read_feed(room_feed("101", bookings, today=TODAY), today=TODAY, zone=ZoneInfo(zone))
    assert feed.skipped == () and feed.events == len(expected)
    assert [(s.uid, (s.arrival, s.departure)) for s in feed.stays] == [(f"{i}@roomsync", n) for _, i, n in expected]
