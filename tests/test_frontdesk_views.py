"""The read-only front-desk views of SPEC §7: `arrivals`, `departures`, `inhouse`,
`availability` and `calendar`.

The first half tests `roomsync.domain.views` directly (pure functions of rooms, bookings and
days); which bookings the views hold on the sample hotel is tested on the in-memory fake in
tests/operations/test_ops_views.py. The second half runs the commands on the sample hotel
(`hotel` fixture, dated TODAY = 2026-11-27, ids B-000001..B-000012 as listed in
test_cli_commands.py) and hand-made pairs for what the CLI adds: every `--json` shape to the
letter, human output, option parsing, and that a read-only view changes no byte.

    101 Single RESERVED    B-000001 CheckedOut 11-17..11-20, B-000006 Reserved 11-27..11-30,
                           B-000010 Reserved 11-30..12-02
    102 Double AVAILABLE   103 Double AVAILABLE  B-000009 Reserved 11-29..12-02
    104 Twin   AVAILABLE   B-000003 Cancelled 11-24..11-26
    105 Single MAINTENANCE
    201 Double AVAILABLE   B-000002 CheckedOut 11-22..11-25, B-000008 Reserved 11-28..12-01
    202 Double, 203 Twin AVAILABLE
    204 Single RESERVED    B-000007 Reserved 11-27..11-28
    205 Suite  AVAILABLE   B-000012 Reserved 12-02..12-06
    301 Suite  OCCUPIED    B-000005 CheckedIn 11-25..11-29 (Ada Lovelace)
    302 Double AVAILABLE   B-000004 NoShow 11-23..11-24
    303 Double AVAILABLE   B-000011 Reserved 12-04..12-07
    304 Twin   DIRTY       305 Suite AVAILABLE
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    TODAY,
    B,
    R,
    rooms_file,
    rs,
    snapshot,
    write_hotel,
)
from conftest import booking as booking_rec
from conftest import room as room_rec

from roomsync.domain import views
from roomsync.domain.model import Booking, BookingStatus, Room, RoomStatus

DAY = date(2026, 11, 27)
IN, RES, OUT = BookingStatus.CHECKED_IN, BookingStatus.RESERVED, BookingStatus.CHECKED_OUT
CANCELLED, NOSHOW = BookingStatus.CANCELLED, BookingStatus.NO_SHOW


def d(offset: int) -> date:
    return DAY + timedelta(days=offset)


def bk(booking_id: str, room: str, arrive: int, nights: int, status: BookingStatus, guest: str = "Guest") -> Booking:
    return Booking(booking_id, room, guest, d(arrive), d(arrive + nights), status)


def index(*rooms: Room) -> dict[str, Room]:
    return {room.number: room for room in rooms}


# =========================================================================== views.py (pure)

# --------------------------------------------------------------------------- arrivals / readiness

@pytest.mark.parametrize("status", [RoomStatus.AVAILABLE, RoomStatus.CLEAN, RoomStatus.RESERVED])
def test_readiness_is_ready_for_a_clean_free_room(status: RoomStatus) -> None:
    room = Room("101", status)
    found = views.arrivals(index(room), [bk("B1", "101", 0, 2, RES)], DAY)
    assert [(a.booking.id, a.room, a.readiness) for a in found] == [("B1", room, "ready")]


def test_readiness_of_a_stale_occupied_room_without_guest_is_ready() -> None:
    # §2: a stale OCCUPIED with no CheckedIn booking is not occupied
    found = views.arrivals(index(Room("102", RoomStatus.OCCUPIED)), [bk("B1", "102", 0, 1, RES)], DAY)
    assert [a.readiness for a in found] == ["ready"]


def test_readiness_dirty_room_is_dirty() -> None:
    found = views.arrivals(index(Room("101", RoomStatus.DIRTY)), [bk("B1", "101", 0, 1, RES)], DAY)
    assert [a.readiness for a in found] == ["dirty"]


@pytest.mark.parametrize("status", [RoomStatus.MAINTENANCE, RoomStatus.OUT_OF_SERVICE])
def test_readiness_closed_room_is_out_of_service(status: RoomStatus) -> None:
    found = views.arrivals(index(Room("101", status)), [bk("B1", "101", 0, 1, RES)], DAY)
    assert [a.readiness for a in found] == ["out_of_service"]


@pytest.mark.parametrize("status", list(RoomStatus))
def test_readiness_another_guest_checked_in_is_occupied_whatever_the_stored_status(status: RoomStatus) -> None:
    bookings = [bk("B0", "101", -2, 2, IN), bk("B1", "101", 0, 1, RES)]
    found = views.arrivals(index(Room("101", status)), bookings, DAY)
    assert [(a.booking.id, a.readiness) for a in found] == [("B1", "occupied")]


@pytest.mark.parametrize("status", list(RoomStatus))
def test_readiness_this_booking_checked_in_is_checked_in_whatever_the_stored_status(status: RoomStatus) -> None:
    found = views.arrivals(index(Room("101", status)), [bk("B1", "101", 0, 2, IN)], DAY)
    assert [a.readiness for a in found] == ["checked_in"]


def test_readiness_checked_in_wins_over_a_second_guest_in_the_room() -> None:
    bookings = [bk("B0", "101", -1, 3, IN), bk("B1", "101", 0, 2, IN)]
    found = views.arrivals(index(Room("101", RoomStatus.OCCUPIED)), bookings, DAY)
    assert [(a.booking.id, a.readiness) for a in found] == [("B1", "checked_in")]


def test_readiness_unknown_room_has_no_room_object() -> None:
    found = views.arrivals(index(Room("101", RoomStatus.AVAILABLE)), [bk("B1", "999", 0, 1, RES)], DAY)
    assert [(a.booking.id, a.room, a.readiness) for a in found] == [("B1", None, "unknown_room")]


def test_arrivals_lists_only_reserved_or_checked_in_arriving_that_day_in_file_order() -> None:
    rooms = index(*(Room(n, RoomStatus.AVAILABLE) for n in ("101", "102", "103", "104", "105", "106", "107")))
    bookings = [
        bk("B7", "107", 0, 1, RES),
        bk("B1", "101", 0, 2, CANCELLED),
        bk("B2", "102", 0, 2, NOSHOW),
        bk("B3", "103", 0, 1, OUT),
        bk("B4", "104", -1, 3, RES),   # a late arrival: a §4 warning, not listed
        bk("B5", "105", 1, 2, RES),    # tomorrow
        bk("B6", "106", 0, 2, IN),
    ]
    assert [a.booking.id for a in views.arrivals(rooms, bookings, DAY)] == ["B7", "B6"]
    assert [a.booking.id for a in views.arrivals(rooms, bookings, d(1))] == ["B5"]
    assert [a.booking.id for a in views.arrivals(rooms, bookings, d(-1))] == ["B4"]


# --------------------------------------------------------------------------- departures

def departures_of(bookings: list[Booking], day: date, today: date = DAY) -> list[tuple[str, str]]:
    rooms = index(*(Room(f"10{i}", RoomStatus.AVAILABLE) for i in range(1, 10)))
    return [(x.booking.id, x.state) for x in views.departures(rooms, bookings, day, today)]


MIXED_DEPARTURES = [
    bk("B1", "101", -3, 3, IN),          # due out today
    bk("B2", "102", -4, 2, IN),          # overstay: due out two days ago
    bk("B3", "103", -2, 2, OUT),         # left today
    bk("B4", "104", -2, 2, RES),         # a reservation ending today is not a departure
    bk("B5", "105", -2, 2, CANCELLED),
    bk("B6", "106", -2, 2, NOSHOW),
    bk("B7", "107", -3, 1, OUT),         # left two days ago
    bk("B8", "108", -1, 2, IN),          # due out tomorrow
    bk("B9", "109", -5, 4, IN),          # overstay: due out yesterday
]


def test_departures_today_lists_due_out_checked_out_and_every_overstay_in_file_order() -> None:
    assert departures_of(MIXED_DEPARTURES, DAY) == [
        ("B1", "due_out"), ("B2", "overstay"), ("B3", "checked_out"), ("B9", "overstay")]


def test_departures_on_another_day_leave_out_overstays_of_earlier_days() -> None:
    assert departures_of(MIXED_DEPARTURES, d(1)) == [("B8", "due_out")]
    # a past day: what left then, and a guest due out then who is still in (state of now)
    assert departures_of(MIXED_DEPARTURES, d(-1)) == [("B9", "overstay")]
    assert departures_of(MIXED_DEPARTURES, d(-2)) == [("B2", "overstay"), ("B7", "checked_out")]


def test_departures_room_is_none_for_an_unknown_room() -> None:
    found = views.departures(index(Room("101", RoomStatus.OCCUPIED)), [bk("B1", "999", -1, 1, IN)], DAY, DAY)
    assert [(x.booking.id, x.room, x.state) for x in found] == [("B1", None, "due_out")]


# --------------------------------------------------------------------------- in house

def test_in_house_counts_nights_so_far_and_flags_overstays_only() -> None:
    rooms = index(Room("101", RoomStatus.OCCUPIED), Room("102", RoomStatus.OCCUPIED), Room("103", RoomStatus.OCCUPIED))
    bookings = [
        bk("B0", "101", -1, 1, OUT),
        bk("B1", "101", 0, 2, IN),     # arrived today: 0 nights so far
        bk("B2", "102", -3, 3, IN),    # due out today: not an overstay yet
        bk("B3", "103", -5, 2, IN),    # due out 3 days ago
        bk("B4", "103", 1, 2, RES),
    ]
    found = views.in_house(rooms, bookings, DAY)
    assert [(g.booking.id, g.room.number, g.nights, g.overstay) for g in found] == [
        ("B1", "101", 0, False), ("B2", "102", 3, False), ("B3", "103", 5, True)]


# --------------------------------------------------------------------------- occupancy

def test_occupancy_counts_only_rooms_in_service_and_only_active_bookings() -> None:
    rooms = [Room("101", RoomStatus.OCCUPIED), Room("102", RoomStatus.RESERVED), Room("103", RoomStatus.DIRTY),
             Room("104", RoomStatus.AVAILABLE), Room("105", RoomStatus.MAINTENANCE),
             Room("106", RoomStatus.OUT_OF_SERVICE)]
    bookings = [
        bk("B1", "101", -1, 3, IN),
        bk("B2", "102", 0, 1, RES),
        bk("B3", "103", -1, 3, OUT),        # checked out early: not active
        bk("B4", "104", 0, 2, CANCELLED),
        bk("B5", "104", 0, 2, NOSHOW),
        bk("B6", "105", 0, 2, RES),         # a closed room counts neither above nor below
        bk("B7", "106", -1, 3, IN),
        bk("B8", "999", 0, 2, RES),         # unknown room
    ]
    assert views.occupancy(rooms, bookings, DAY, DAY) == pytest.approx(2 / 4)
    assert views.occupancy(rooms, bookings, d(1), DAY) == pytest.approx(1 / 4)
    assert views.occupancy(rooms, bookings, d(2), DAY) == 0.0


def test_occupancy_counts_a_room_once_and_overstays_tonight_only() -> None:
    rooms = [Room("101", RoomStatus.OCCUPIED), Room("102", RoomStatus.AVAILABLE)]
    bookings = [bk("B1", "101", -4, 2, IN), bk("B2", "101", 0, 1, RES)]  # overstay + a clash: one room held
    assert views.occupancy(rooms, bookings, DAY, DAY) == pytest.approx(1 / 2)
    assert views.occupancy(rooms, bookings, d(1), DAY) == 0.0


def test_occupancy_history_does_not_count_for_a_past_night() -> None:
    rooms = [Room("101", RoomStatus.DIRTY)]
    assert views.occupancy(rooms, [bk("B1", "101", -3, 2, OUT)], d(-2), DAY) == 0.0


@pytest.mark.parametrize("rooms", [[], [Room("105", RoomStatus.MAINTENANCE), Room("106", RoomStatus.OUT_OF_SERVICE)]])
def test_occupancy_is_zero_when_no_room_is_in_service(rooms: list[Room]) -> None:
    result = views.occupancy(rooms, [bk("B1", "105", 0, 2, RES)], DAY, DAY)
    assert result == 0.0 and isinstance(result, float)


# --------------------------------------------------------------------------- chart

def ids(chart: views.Chart) -> list[list[str | None]]:
    return [[b.id if b else None for b in row] for row in chart.nights]


def test_chart_dates_start_and_rows_follow_the_rooms_given() -> None:
    rooms = [Room("201", RoomStatus.AVAILABLE), Room("101", RoomStatus.AVAILABLE)]
    chart = views.chart(rooms, [], d(-2), 5, DAY)
    assert chart.start == d(-2)
    assert chart.dates == [d(i) for i in range(-2, 3)]
    assert [r.number for r in chart.rooms] == ["201", "101"]
    assert ids(chart) == [[None] * 5, [None] * 5]
    assert chart.occupancy == [0.0] * 5


def test_chart_shows_history_only_for_past_nights_and_never_cancelled_or_no_show() -> None:
    rooms = [Room("101", RoomStatus.DIRTY), Room("102", RoomStatus.AVAILABLE), Room("103", RoomStatus.AVAILABLE)]
    bookings = [
        bk("B1", "101", -2, 4, OUT),         # left early: nights from today on are not held
        bk("B2", "102", -2, 4, CANCELLED),
        bk("B3", "103", -1, 3, NOSHOW),
    ]
    chart = views.chart(rooms, bookings, d(-3), 6, DAY)
    assert ids(chart) == [
        [None, "B1", "B1", None, None, None],
        [None] * 6,
        [None] * 6,
    ]
    assert chart.occupancy == [0.0] * 6  # history is shown but never counts as occupied


def test_chart_overstay_holds_the_room_through_tonight_only() -> None:
    rooms = [Room("101", RoomStatus.OCCUPIED)]
    chart = views.chart(rooms, [bk("B1", "101", -4, 2, IN)], d(-5), 7, DAY)
    # nights -5..1: arrival -4, due out -2, still in: holds -4..0
    assert ids(chart) == [[None, "B1", "B1", "B1", "B1", "B1", None]]
    assert chart.occupancy == [0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0]


def test_chart_active_bookings_hold_their_nights_past_and_future() -> None:
    rooms = [Room("101", RoomStatus.RESERVED), Room("102", RoomStatus.AVAILABLE)]
    bookings = [bk("B1", "101", -1, 2, RES), bk("B2", "101", 1, 2, RES), bk("B3", "102", 2, 5, RES)]
    chart = views.chart(rooms, bookings, DAY, 4, DAY)
    assert ids(chart) == [["B1", "B2", "B2", None], [None, None, "B3", "B3"]]
    assert chart.occupancy == [0.5, 0.5, 1.0, 0.5]


def test_chart_cell_holds_the_first_booking_in_file_order_when_two_overlap() -> None:
    rooms = [Room("101", RoomStatus.RESERVED)]
    chart = views.chart(rooms, [bk("B1", "101", 1, 2, RES), bk("B2", "101", 0, 3, RES)], DAY, 3, DAY)
    assert ids(chart) == [["B2", "B1", "B1"]]
    assert chart.occupancy == [1.0, 1.0, 1.0]


def test_chart_occupancy_leaves_out_closed_rooms_but_still_shows_their_bookings() -> None:
    rooms = [Room("101", RoomStatus.AVAILABLE), Room("105", RoomStatus.MAINTENANCE)]
    chart = views.chart(rooms, [bk("B1", "101", 0, 1, RES), bk("B2", "105", 1, 1, RES)], DAY, 2, DAY)
    assert ids(chart) == [["B1", None], [None, "B2"]]
    assert chart.occupancy == [1.0, 0.0]
    closed = views.chart([Room("105", RoomStatus.OUT_OF_SERVICE)], [bk("B2", "105", 0, 1, RES)], DAY, 2, DAY)
    assert closed.occupancy == [0.0, 0.0]


def test_chart_ignores_bookings_of_rooms_not_shown() -> None:
    chart = views.chart([Room("101", RoomStatus.AVAILABLE)], [bk("B1", "999", 0, 2, RES)], DAY, 2, DAY)
    assert ids(chart) == [[None, None]]
    assert chart.occupancy == [0.0, 0.0]


# =========================================================================== the commands

def view_json(data: Path, *args: str, today: str = TODAY) -> Any:
    """Run a read-only view with --json: exit 0, one JSON document, nothing on stderr, no byte changed."""
    before = snapshot(data)
    result = rs(data, *args, today=today, as_json=True)
    assert result.code == 0, (result.stdout, result.stderr)
    assert result.stderr == ""
    document = json.loads(result.stdout)
    assert snapshot(data) == before, "a read-only view changed a data file"
    return document


def view_text(data: Path, *args: str, today: str = TODAY) -> str:
    before = snapshot(data)
    result = rs(data, *args, today=today)
    assert result.code == 0, (result.stdout, result.stderr)
    assert snapshot(data) == before, "a read-only view changed a data file"
    return result.stdout


def refused(data: Path, code: str, *args: str, today: str = TODAY) -> None:
    before = snapshot(data)
    result = rs(data, *args, today=today, as_json=True)
    assert result.code == 1, (result.stdout, result.stderr)
    document = json.loads(result.stdout)
    assert set(document) == {"error"} and set(document["error"]) == {"code", "message"}
    assert document["error"]["code"] == code, document
    human = rs(data, *args, today=today)
    assert human.code == 1 and human.stdout == ""
    assert len(human.stderr.strip().splitlines()) == 1, human.stderr
    assert snapshot(data) == before


# --------------------------------------------------------------------------- arrivals

def test_arrivals_json_today_lists_bookings_and_rooms_as_stored_with_readiness(hotel: Path) -> None:
    document = view_json(hotel, "arrivals")
    assert document == [
        {"booking": booking_rec(hotel, "B-000006"), "room": room_rec(hotel, "101"), "readiness": "ready"},
        {"booking": booking_rec(hotel, "B-000007"), "room": room_rec(hotel, "204"), "readiness": "ready"},
    ]


@pytest.mark.parametrize("on, expected", [
    ("2026-11-25", [("B-000005", "301", "checked_in")]),     # arrived and still in
])
def test_arrivals_on_another_day(hotel: Path, on: str, expected: list[tuple[str, str, str]]) -> None:
    document = view_json(hotel, "arrivals", "--on", on)
    assert [(a["booking"]["id"], a["room"]["number"], a["readiness"]) for a in document] == expected
    for item in document:
        assert set(item) == {"booking", "room", "readiness"}
        assert item["booking"] == booking_rec(hotel, item["booking"]["id"])
        assert item["room"] == room_rec(hotel, item["room"]["number"])


def test_arrivals_each_readiness_and_unknown_room_is_null(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "d", [
        R("101", "AVAILABLE", type="Double"), R("102", "DIRTY"), R("103", "MAINTENANCE"),
        R("104", "OCCUPIED"), R("105", "OCCUPIED"), R("106", "OUT_OF_SERVICE"),
    ], [
        B("B-1", "101", TODAY, "2026-11-29", "Reserved", note="kept"),
        B("B-2", "102", TODAY, "2026-11-29", "Reserved"),
        B("B-3", "103", TODAY, "2026-11-29", "Reserved"),
        B("B-4", "104", "2026-11-25", "2026-11-28", "CheckedIn"),
        B("B-5", "104", TODAY, "2026-11-29", "Reserved"),
        B("B-6", "105", TODAY, "2026-11-29", "CheckedIn"),
        B("B-7", "999", TODAY, "2026-11-29", "Reserved"),
        B("B-8", "106", TODAY, "2026-11-28", "Reserved"),
        B("B-9", "101", "2026-11-26", "2026-11-27", "Reserved"),  # late arrival: not listed
    ])
    document = view_json(data, "arrivals")
    assert [(a["booking"]["id"], a["readiness"]) for a in document] == [
        ("B-1", "ready"), ("B-2", "dirty"), ("B-3", "out_of_service"), ("B-5", "occupied"),
        ("B-6", "checked_in"), ("B-7", "unknown_room"), ("B-8", "out_of_service")]
    unknown = document[5]
    assert set(unknown) == {"booking", "room", "readiness"} and unknown["room"] is None
    assert document[0]["booking"] == booking_rec(data, "B-1")  # unknown fields kept
    assert document[0]["room"] == {"number": "101", "status": "AVAILABLE", "type": "Double"}


def test_arrivals_human_output_lists_every_arrival_and_its_readiness(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "d", [R("101", "AVAILABLE"), R("102", "DIRTY")], [
        B("B-1", "101", TODAY, "2026-11-29", "Reserved", guest="Ready Guest"),
        B("B-2", "102", TODAY, "2026-11-29", "Reserved", guest="Dirty Guest"),
    ])
    out = view_text(data, "arrivals")
    line_1 = next(line for line in out.splitlines() if "B-1" in line)
    line_2 = next(line for line in out.splitlines() if "B-2" in line)
    assert "Ready Guest" in line_1 and "ready" in line_1
    assert "Dirty Guest" in line_2 and "dirty" in line_2


# --------------------------------------------------------------------------- departures


@pytest.mark.parametrize("on, expected", [
    ("2026-11-29", [("B-000005", "301", "due_out")]),
])
def test_departures_on_another_day(hotel: Path, on: str, expected: list[tuple[str, str, str]]) -> None:
    document = view_json(hotel, "departures", "--on", on)
    assert [(x["booking"]["id"], x["room"]["number"], x["state"]) for x in document] == expected
    for item in document:
        assert set(item) == {"booking", "room", "state"}
        assert item["booking"] == booking_rec(hotel, item["booking"]["id"])
        assert item["room"] == room_rec(hotel, item["room"]["number"])


def departures_hotel(tmp_path: Path) -> Path:
    return write_hotel(tmp_path / "d", [R("101", "OCCUPIED"), R("102", "OCCUPIED"), R("103", "DIRTY"),
                                        R("104", "OCCUPIED")], [
        B("B-1", "101", "2026-11-24", TODAY, "CheckedIn"),
        B("B-2", "102", "2026-11-22", "2026-11-25", "CheckedIn"),
        B("B-3", "103", "2026-11-25", TODAY, "CheckedOut"),
        B("B-4", "104", "2026-11-26", "2026-11-28", "CheckedIn"),
        B("B-5", "999", "2026-11-26", TODAY, "CheckedIn"),
    ])


def test_departures_today_lists_due_out_checked_out_and_overstays(tmp_path: Path) -> None:
    data = departures_hotel(tmp_path)
    document = view_json(data, "departures")
    assert [(x["booking"]["id"], x["state"]) for x in document] == [
        ("B-1", "due_out"), ("B-2", "overstay"), ("B-3", "checked_out"), ("B-5", "due_out")]
    assert document[1]["room"] == room_rec(data, "102")
    assert document[3]["room"] is None


def test_departures_lists_overstays_of_earlier_days_only_when_the_day_is_today(tmp_path: Path) -> None:
    data = departures_hotel(tmp_path)
    assert [(x["booking"]["id"], x["state"]) for x in view_json(data, "departures", "--on", "2026-11-28")] == [
        ("B-4", "due_out")]
    # on its own departure day the overstay is listed, with the state of now
    assert [(x["booking"]["id"], x["state"]) for x in view_json(data, "departures", "--on", "2026-11-25")] == [
        ("B-2", "overstay")]
    # --on today given explicitly is today
    assert view_json(data, "departures", "--on", TODAY) == view_json(data, "departures")


def test_departures_human_output_shows_each_state(tmp_path: Path) -> None:
    out = view_text(departures_hotel(tmp_path), "departures")
    lines = out.splitlines()
    assert "overstay" in next(line for line in lines if "B-2" in line)
    assert "due out" in next(line for line in lines if "B-1" in line)
    assert "checked out" in next(line for line in lines if "B-3" in line)


# --------------------------------------------------------------------------- inhouse

def test_inhouse_json_lists_guests_with_nights_so_far_and_overstay(hotel: Path) -> None:
    assert view_json(hotel, "inhouse") == [
        {"booking": booking_rec(hotel, "B-000005"), "room": room_rec(hotel, "301"), "nights": 2, "overstay": False}]


def test_inhouse_unknown_room_is_null_and_human_output_flags_overstay(tmp_path: Path) -> None:
    data = departures_hotel(tmp_path)
    document = view_json(data, "inhouse")
    assert [(g["booking"]["id"], g["nights"], g["overstay"]) for g in document] == [
        ("B-1", 3, False), ("B-2", 5, True), ("B-4", 1, False), ("B-5", 1, False)]
    assert document[3]["room"] is None
    out = view_text(data, "inhouse")
    assert "yes" in next(line for line in out.splitlines() if "B-2" in line)
    assert "yes" not in next(line for line in out.splitlines() if "B-1" in line)


def test_inhouse_empty_hotel_is_an_empty_array(empty_hotel: Path) -> None:
    assert view_json(empty_hotel, "inhouse") == []


# --------------------------------------------------------------------------- availability

FREE_TODAY_2_NIGHTS = ["102", "103", "104", "202", "203", "205", "302", "303", "304", "305"]


def test_availability_json_lists_room_records_in_file_order(hotel: Path) -> None:
    document = view_json(hotel, "availability", "--arrival", TODAY, "--nights", "2")
    expected = [r for r in rooms_file(hotel) if r["number"] in FREE_TODAY_2_NIGHTS]
    assert document == expected
    assert [r["number"] for r in document] == FREE_TODAY_2_NIGHTS


def test_availability_departure_and_nights_give_the_same_answer(hotel: Path) -> None:
    assert view_json(hotel, "availability", "--arrival", TODAY, "--departure", "2026-11-29") == \
        view_json(hotel, "availability", "--arrival", TODAY, "--nights", "2")


@pytest.mark.parametrize("given", ["sInGlE"])
def test_availability_type_matches_case_insensitively_and_offers_maintenance_for_future_stays(
        hotel: Path, given: str) -> None:
    document = view_json(hotel, "availability", "--arrival", "2026-11-28", "--nights", "2", "--type", given)
    # 101 is held by B-000006 until 11-30; 105 is under maintenance now but the stay is wholly future
    assert document == [room_rec(hotel, "105"), room_rec(hotel, "204")]


def test_availability_human_output_flags_a_room_closed_now(hotel: Path) -> None:
    out = view_text(hotel, "availability", "--arrival", "2026-11-28", "--nights", "2", "--type", "Single")
    line_105 = next(line for line in out.splitlines() if line.split()[:1] == ["105"])
    line_204 = next(line for line in out.splitlines() if line.split()[:1] == ["204"])
    assert "MAINTENANCE" in line_105
    # the closed room carries a note after number, type and status; an open one does not
    assert len(line_105.split()) > 3
    assert line_204.split() == ["204", "Single", "RESERVED"]


def test_availability_room_without_type_never_matches_a_type(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "d", [R("101", "AVAILABLE"), R("102", "AVAILABLE", type="Double"),
                                        R("103", "AVAILABLE", type="")], [])
    assert [r["number"] for r in view_json(data, "availability", "--arrival", TODAY, "--nights", "1",
                                           "--type", "double")] == ["102"]
    assert view_json(data, "availability", "--arrival", TODAY, "--nights", "1", "--type", "None") == []
    assert [r["number"] for r in view_json(data, "availability", "--arrival", TODAY, "--nights", "1")] == [
        "101", "102", "103"]


@pytest.mark.parametrize("args", [
    ("--arrival", "2026-11-26", "--nights", "2", "--type", "Penthouse"),    # dates first, before the type
])
def test_availability_date_refusals_are_invalid_dates_exit_1(hotel: Path, args: tuple[str, ...]) -> None:
    refused(hotel, "INVALID_DATES", "availability", *args)


@pytest.mark.parametrize("args", [
    (),
    ("--arrival", TODAY),
    ("--arrival", TODAY, "--nights", "1", "--departure", "2026-11-28"),
    ("--arrival", "2026-11-31", "--nights", "1"),
    ("--arrival", TODAY, "--nights", "0"),
])
def test_availability_missing_or_unparseable_values_are_usage_errors(hotel: Path, args: tuple[str, ...]) -> None:
    before = snapshot(hotel)
    assert rs(hotel, "availability", *args).code == 2
    assert snapshot(hotel) == before


# --------------------------------------------------------------------------- calendar

def test_calendar_json_default_is_fourteen_nights_from_today_for_every_room(hotel: Path) -> None:
    document = view_json(hotel, "calendar")
    assert set(document) == {"from", "dates", "rooms", "occupancy"}
    assert document["from"] == TODAY
    assert document["dates"] == [(DAY + timedelta(days=i)).isoformat() for i in range(14)]
    assert [r["number"] for r in document["rooms"]] == [r["number"] for r in rooms_file(hotel)]
    for row, stored in zip(document["rooms"], rooms_file(hotel), strict=True):
        assert set(row) == {"number", "status", "nights"}
        assert row["status"] == stored["status"]
        assert len(row["nights"]) == 14
    nights = {row["number"]: row["nights"] for row in document["rooms"]}
    none = [None] * 14
    assert nights["101"] == ["B-000006"] * 3 + ["B-000010"] * 2 + [None] * 9
    assert nights["103"] == [None, None] + ["B-000009"] * 3 + [None] * 9
    assert nights["105"] == none
    assert nights["201"] == [None] + ["B-000008"] * 3 + [None] * 10
    assert nights["204"] == ["B-000007"] + [None] * 13
    assert nights["205"] == [None] * 5 + ["B-000012"] * 4 + [None] * 5
    assert nights["301"] == ["B-000005"] * 2 + [None] * 12
    assert nights["303"] == [None] * 7 + ["B-000011"] * 3 + [None] * 4
    for number in ("102", "104", "202", "203", "302", "304", "305"):
        assert nights[number] == none, number
    # 14 rooms in service (105 is under maintenance)
    held = [3, 3, 3, 3, 2, 1, 1, 2, 2, 1, 0, 0, 0, 0]
    assert document["occupancy"] == pytest.approx([n / 14 for n in held])


def test_calendar_overstay_holds_tonight_and_status_is_as_stored(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "d", [R("101", "OCCUPIED"), R("102", "OCCUPIED"), R("103", "OUT_OF_SERVICE")], [
        B("B-1", "101", "2026-11-22", "2026-11-25", "CheckedIn"),
        B("B-2", "101", "2026-11-28", "2026-11-30", "Reserved"),
    ])
    document = view_json(data, "calendar", "--from", "2026-11-24", "--days", "6")
    rows = {row["number"]: row for row in document["rooms"]}
    # 11-24 .. 11-29: the guest holds every night through tonight (11-27), then B-2
    assert rows["101"]["nights"] == ["B-1", "B-1", "B-1", "B-1", "B-2", "B-2"]
    assert rows["102"]["status"] == "OCCUPIED" and rows["102"]["nights"] == [None] * 6  # stale, as stored
    assert rows["103"]["status"] == "OUT_OF_SERVICE"
    assert document["occupancy"] == pytest.approx([0.5] * 6)


@pytest.mark.parametrize("given", ["SUITE"])
def test_calendar_type_shows_only_matching_rooms_and_their_occupancy(hotel: Path, given: str) -> None:
    document = view_json(hotel, "calendar", "--type", given, "--days", "3")
    assert [row["number"] for row in document["rooms"]] == ["205", "301", "305"]
    assert document["occupancy"] == pytest.approx([1 / 3, 1 / 3, 0.0])


def test_calendar_room_without_type_never_matches(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "d", [R("101", "AVAILABLE"), R("102", "AVAILABLE", type="double")], [])
    assert [row["number"] for row in view_json(data, "calendar", "--type", "Double")["rooms"]] == ["102"]
    assert [row["number"] for row in view_json(data, "calendar")["rooms"]] == ["101", "102"]


@pytest.mark.parametrize("args", [("--days", "0"), ("--days", "x"), ("--from", "2026-02-30")])
def test_calendar_unparseable_values_are_usage_errors(hotel: Path, args: tuple[str, ...]) -> None:
    assert rs(hotel, "calendar", *args).code == 2


def test_piped_calendar_of_fourteen_days_fits_80_columns(hotel: Path) -> None:
    out = view_text(hotel, "calendar", "--from", "2026-11-22")
    lines = out.splitlines()
    assert len(lines) >= 17  # header, 15 rooms, occupancy
    for line in lines:
        assert len(line) <= 80, f"{len(line)} columns: {line!r}"
    assert "\x1b[" not in out  # piped: no colour codes


def test_piped_calendar_shortens_guest_names_and_shows_status_letters(hotel: Path) -> None:
    out = view_text(hotel, "calendar", "--from", "2026-11-22")
    rows = {line.split()[0]: line for line in out.splitlines() if line.split()}
    # 11-22..12-05: Alan Turing left (O), Ada is in (I), the rest reserved (R)
    assert "O:Alan" in rows["201"] and "R:Marg" in rows["201"]
    assert "I:Ada" in rows["301"]
    assert "R:Kath" in rows["101"]
    # a one-night stay has no room for the whole name: it is shortened, never widened
    assert "R:" in rows["204"] and "Donald Knuth" not in rows["204"]
    assert "Margaret Hamilton" not in out and "Katherine Johnson" not in out
    # cancelled / no-show guests never appear
    assert "Dijkstra" not in out and "Liskov" not in out
    # the closed room is marked and the occupancy row closes the chart
    assert "#" in rows["105"]
    assert any(line.startswith("Occ") and "%" in line for line in out.splitlines())


def test_piped_calendar_occupancy_row_shows_percent_per_night(hotel: Path) -> None:
    out = view_text(hotel, "calendar", "--days", "3")
    occ = next(line for line in out.splitlines() if line.startswith("Occ"))
    assert occ.split()[1:] == ["21%", "21%", "21%"]
