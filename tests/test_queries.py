"""The read side (operations/queries.py) and room add/remove (operations/rooms.py), called on
the in-memory unit of work: what a listing contains is decided here, not by the CLI."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fakes import FakeUnitOfWork, run_command
from hypothesis import given
from hypothesis import strategies as st

from roomsync.domain.model import Booking, BookingStatus, Room, RoomStatus
from roomsync.errors import AlreadyExists, Refused
from roomsync.operations import queries
from roomsync.operations.front_desk import Clock
from roomsync.operations.rooms import add_room, remove_room

TODAY = date(2026, 11, 27)
CLOCK = Clock(TODAY, "2026-11-27T10:00:00Z")


def stay(booking_id: str, number: str, arrive: int, leave: int, status: BookingStatus = BookingStatus.RESERVED,
         guest: str = "Guest") -> Booking:
    return Booking(booking_id, number, guest, TODAY + timedelta(days=arrive), TODAY + timedelta(days=leave), status)


def hotel() -> FakeUnitOfWork:
    rooms = [Room("101", RoomStatus.OCCUPIED, "Double"), Room("102", RoomStatus.AVAILABLE), Room("B-000003",
             RoomStatus.CLEAN)]
    bookings = [
        stay("B-000001", "101", -5, -2, BookingStatus.CHECKED_OUT, "Zoë Ångström"),
        stay("B-000002", "102", 0, 2, guest="Ada Lovelace"),
        stay("B-000003", "101", 1, 3, guest="Grace Hopper"),
        stay("B-000004", "102", 3, 4, BookingStatus.CANCELLED, "Zoe Smith"),
    ]
    return FakeUnitOfWork(rooms, bookings)


def ids(bookings: list[Booking]) -> list[str]:
    return [b.id for b in bookings]


def test_room_rows_show_drift_guests_and_due_arrivals() -> None:
    rows = {row.room.number: row for row in queries.room_rows(hotel(), TODAY)}
    assert rows["101"].drifts and rows["101"].expected is RoomStatus.AVAILABLE  # stale OCCUPIED, nobody in
    assert rows["102"].expected is RoomStatus.RESERVED and ids(rows["102"].due_today) == ["B-000002"]
    assert not rows["B-000003"].drifts and rows["B-000003"].in_house == []


def test_find_bookings_matches_guest_ignoring_case_and_accents_in_file_order() -> None:
    found = queries.find_bookings(hotel(), TODAY, guest="ZOE")
    assert ids(found) == ["B-000001", "B-000004"]
    assert ids(queries.find_bookings(hotel(), TODAY, guest="ångst")) == ["B-000001"]


def test_find_bookings_combines_room_status_and_night() -> None:
    uow = hotel()
    assert ids(queries.find_bookings(uow, TODAY, room="102", status=BookingStatus.RESERVED)) == ["B-000002"]
    assert ids(queries.find_bookings(uow, TODAY, on=TODAY + timedelta(days=1))) == ["B-000002", "B-000003"]


def test_find_bookings_of_an_unknown_room_is_refused_rather_than_empty() -> None:
    with pytest.raises(Refused) as refusal:
        queries.find_bookings(hotel(), TODAY, room="999")
    assert refusal.value.code == "UNKNOWN_ROOM" and "999" in refusal.value.message


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèüöåñç ", max_size=12))
def test_a_search_ignores_case_and_accents(text: str) -> None:
    plain = text.replace("é", "e").replace("è", "e").replace("ü", "u").replace("ö", "o").replace("å", "a") \
        .replace("ñ", "n").replace("ç", "c")
    assert queries.folded(text.upper()) == queries.folded(text) == plain


def test_show_finds_a_booking_by_id_in_any_case_with_its_room() -> None:
    found = queries.room_or_booking(hotel(), "b-000002", TODAY)
    assert isinstance(found, queries.BookingDetail)
    assert found.booking.id == "B-000002" and found.room is not None and found.room.number == "102"


def test_show_a_room_number_wins_over_an_equal_booking_id() -> None:
    found = queries.room_or_booking(hotel(), "B-000003", TODAY)
    assert isinstance(found, queries.RoomDetail) and found.room.number == "B-000003"


def test_show_neither_room_nor_booking_is_unknown_room_saying_so() -> None:
    with pytest.raises(Refused) as refusal:
        queries.room_or_booking(hotel(), "X9", TODAY)
    assert refusal.value.code == "UNKNOWN_ROOM" and "neither a room nor a booking" in refusal.value.message


def test_booking_named_keeps_the_canonical_spelling() -> None:
    found = queries.booking_named(hotel(), "b-000003")
    assert found is not None and found.id == "B-000003"
    assert queries.booking_named(hotel(), "b-999999") is None


def test_add_room_appends_it_with_type_floor_and_status() -> None:
    uow = hotel()
    assert run_command(uow, lambda: add_room(uow, CLOCK, "103", room_type="Suite", floor=1,
                                             status=RoomStatus.DIRTY), "room add")
    rooms, _ = uow.state()
    assert rooms[-1] == {"number": "103", "status": "DIRTY", "type": "Suite", "floor": 1}
    assert [c["room"] for c in uow.history()[-1]["changes"] if c["field"] is None and c["old"] is None] == ["103"]


def test_add_room_rederives_it_when_a_booking_already_names_it() -> None:
    uow = FakeUnitOfWork([], [stay("B-000001", "201", 0, 1)])
    with uow:
        room = add_room(uow, CLOCK, "201")
        uow.commit(["room add"])
    assert room.status is RoomStatus.RESERVED


def test_add_room_refuses_a_taken_number_writing_nothing() -> None:
    uow = hotel()
    with pytest.raises(AlreadyExists):
        add_room(uow, CLOCK, "101")
    assert not run_command(uow, lambda: add_room(uow, CLOCK, "101"), "room add")


def test_remove_room_keeps_finished_bookings_as_history() -> None:
    uow = FakeUnitOfWork([Room("101", RoomStatus.AVAILABLE), Room("102", RoomStatus.AVAILABLE)],
                         [stay("B-000001", "101", -3, -1, BookingStatus.CHECKED_OUT)])
    assert run_command(uow, lambda: remove_room(uow, "101"), "room remove")
    rooms, bookings = uow.state()
    assert [r["number"] for r in rooms] == ["102"] and bookings[0]["room"] == "101"


@pytest.mark.parametrize("status", [BookingStatus.RESERVED, BookingStatus.CHECKED_IN])
def test_remove_room_is_refused_while_an_active_booking_names_it(status: BookingStatus) -> None:
    uow = FakeUnitOfWork([Room("101", RoomStatus.AVAILABLE)], [stay("B-000007", "101", 2, 4, status)])
    with pytest.raises(Refused) as refusal:
        remove_room(uow, "101")
    assert refusal.value.code == "ROOM_IN_USE" and "B-000007" in refusal.value.message
    assert not run_command(uow, lambda: remove_room(uow, "101"), "room remove")


def test_remove_unknown_room_is_unknown_room() -> None:
    uow = hotel()
    with pytest.raises(Refused) as refusal:
        remove_room(uow, "999")
    assert refusal.value.code == "UNKNOWN_ROOM"
