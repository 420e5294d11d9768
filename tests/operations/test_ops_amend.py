"""SPEC §7 `amend`, `undo-checkin` and `reinstate` on the in-memory fake: what changes,
the room re-derived in the booking's own commit, and every refusal in the listed order."""

from __future__ import annotations

from typing import Any

import pytest

from roomsync.domain.model import BookingStatus, RoomStatus
from roomsync.operations import front_desk as desk
from roomsync.operations import stay_changes as ops

from .hotel import (
    ADA,
    BARBARA,
    DONALD,
    EDSGER,
    FRANCES,
    GRACE,
    JOHN,
    KATHERINE,
    KEN,
    MARGARET,
    booking_changes,
    booking_record,
    change,
    clock,
    d,
    hand_made,
    refuse,
    room_status_changes,
    rooms,
    sample,
    status,
    stay,
)

RS, BS = RoomStatus, BookingStatus

# --------------------------------------------------------------------------- amend


@pytest.mark.parametrize(("booking_id", "options", "dates"), [
    (MARGARET, {"arrival": d(2), "nights": 3}, (2, 5)),     # --nights counts from the new arrival
    (MARGARET, {"nights": 1}, (1, 2)),                      # ... or from the arrival it has
    (MARGARET, {"nights": 5}, (1, 6)),
    (JOHN, {"departure": d(13)}, (7, 13)),                  # a departure alone keeps the arrival
    (KATHERINE, {"departure": d(2)}, (0, 2)),               # shorter; a booking never overlaps itself
    (ADA, {"departure": d(6)}, (-2, 6)),                    # a guest in house stays longer
    (ADA, {"departure": d(4)}, (-2, 4)),
    (ADA, {"departure": d(0)}, (-2, 0)),                    # ... or leaves today
])
def test_amend_changes_the_dates_it_is_given(booking_id: str, options: dict[str, Any],
                                             dates: tuple[int, int]) -> None:
    uow = sample()
    before = booking_record(uow, booking_id)
    made, entry = change(uow, ops.amend, booking_id, **options)
    assert (made.booking.arrival, made.booking.departure) == (d(dates[0]), d(dates[1]))
    assert (made.booking.status.value, made.booking.room) == (before["status"], before["room"])
    changed = booking_changes(entry, booking_id)
    assert {"departure"} <= set(changed) and ("arrival" in changed) == (before["arrival"] != d(dates[0]).isoformat())


@pytest.mark.parametrize(("booking_id", "options", "number", "after"), [
    (DONALD, {"arrival": d(1), "departure": d(2)}, "204", "AVAILABLE"),    # no longer due today
    (MARGARET, {"arrival": d(0)}, "201", "RESERVED"),                      # due today now
    (MARGARET, {"arrival": d(0), "departure": d(1)}, "201", "RESERVED"),
])
def test_amend_rederives_the_room_in_the_same_commit(booking_id: str, options: dict[str, Any], number: str,
                                                     after: str) -> None:
    _, entry = change(sample(), ops.amend, booking_id, **options)
    assert room_status_changes(entry) == {number: after}


def test_amend_back_to_back_with_the_same_rooms_next_stay() -> None:
    uow = sample()
    change(uow, ops.amend, KATHERINE, departure=d(2))
    made, _ = change(uow, ops.amend, FRANCES, arrival=d(2))
    assert made.booking.arrival == d(2)


@pytest.mark.parametrize("booking_id", [GRACE, EDSGER, BARBARA, ADA, KATHERINE])
def test_amend_corrects_the_guest_name_of_any_booking_history_included(booking_id: str) -> None:
    uow = sample()
    before = booking_record(uow, booking_id)
    made, entry = change(uow, ops.amend, booking_id, guest=f"Corrected {booking_id}")
    after = uow.bookings.stored(made.booking)
    assert after["guest"] == f"Corrected {booking_id}"
    assert {k: after[k] for k in ("arrival", "departure", "status")} == \
        {k: before[k] for k in ("arrival", "departure", "status")}
    assert booking_changes(entry, booking_id)["guest"] == f"Corrected {booking_id}"


def test_amend_a_finished_booking_restating_its_own_dates_is_allowed() -> None:
    made, _ = change(sample(), ops.amend, GRACE, arrival=d(-10), guest="Grace B. Hopper")
    assert made.booking.guest == "Grace B. Hopper"


@pytest.mark.parametrize(("hotel_rooms", "booking", "options", "dates"), [
    ([("101", RS.OCCUPIED)], stay("B-1", "101", -2, 3, BS.CHECKED_IN), {"departure": d(0)}, (-2, 0)),
    ([("101", RS.OCCUPIED)], stay("B-1", "101", -7, -2, BS.CHECKED_IN), {"departure": d(1)}, (-7, 1)),  # overstay
    ([("101", RS.RESERVED)], stay("B-1", "101", -1, 1), {"departure": d(3)}, (-1, 3)),   # a late arrival
    ([("101", RS.MAINTENANCE)], stay("B-1", "101", 2, 3), {"arrival": d(1), "nights": 3}, (1, 4)),
    ([("101", RS.AVAILABLE)], stay("B-1", "999", 1, 3), {"nights": 1}, (1, 2)),           # unknown room
])
def test_amend_on_hand_made_rooms(hotel_rooms: list[tuple[str, RoomStatus]], booking: Any, options: dict[str, Any],
                                  dates: tuple[int, int]) -> None:
    uow = hand_made(rooms(*hotel_rooms), [booking])
    made, _ = change(uow, ops.amend, "B-1", **options)
    assert (made.booking.arrival, made.booking.departure) == (d(dates[0]), d(dates[1]))
    with uow:
        report = desk.run_reconcile(uow, clock(), fix=False)
    assert [w.code for w in report.warnings if w.code == "OVERSTAY"] == []


@pytest.mark.parametrize(("booking_id", "options", "code"), [
    ("B-999999", {"guest": "X"}, "UNKNOWN_BOOKING"),
    ("B-999999", {"arrival": d(-500)}, "UNKNOWN_BOOKING"),
    (GRACE, {"departure": d(-6)}, "INVALID_TRANSITION"),              # CheckedOut
    (GRACE, {"nights": 1}, "INVALID_TRANSITION"),
    (EDSGER, {"nights": 1}, "INVALID_TRANSITION"),                    # Cancelled
    (BARBARA, {"arrival": d(4)}, "INVALID_TRANSITION"),               # NoShow
    (BARBARA, {"arrival": d(5)}, "INVALID_TRANSITION"),
    (GRACE, {"departure": d(-17)}, "INVALID_TRANSITION"),             # finished before the dates
    (ADA, {"arrival": d(-1)}, "INVALID_TRANSITION"),                  # a guest in house: arrival
    (ADA, {"arrival": d(0)}, "INVALID_TRANSITION"),
    (ADA, {"arrival": d(1), "departure": d(-7)}, "INVALID_TRANSITION"),
    (MARGARET, {"departure": d(1)}, "INVALID_DATES"),                 # no night
    (MARGARET, {"departure": d(0)}, "INVALID_DATES"),                 # departure before arrival
    (MARGARET, {"arrival": d(-1)}, "INVALID_DATES"),                  # a changed arrival in the past
    (DONALD, {"departure": d(0)}, "INVALID_DATES"),
    (ADA, {"departure": d(-1)}, "INVALID_DATES"),                     # a guest's departure in the past
    (ADA, {"departure": d(-2)}, "INVALID_DATES"),
    (FRANCES, {"arrival": d(2)}, "DOUBLE_BOOKING"),                   # into KATHERINE
    (KATHERINE, {"departure": d(4)}, "DOUBLE_BOOKING"),               # into FRANCES
])
def test_amend_refusals_on_the_sample_in_order(booking_id: str, options: dict[str, Any], code: str) -> None:
    """Each names the booking amended, or for an overlap the room and the booking in the way."""
    in_the_way = {FRANCES: KATHERINE, KATHERINE: FRANCES}
    names = ("101", in_the_way[booking_id]) if code == "DOUBLE_BOOKING" else (booking_id,)
    refuse(sample(), code, ops.amend, booking_id, names=names, **options)


def test_amend_into_a_back_to_back_booking_is_double_booking() -> None:
    uow = sample()
    made, _ = change(uow, desk.book, "103", "Next Guest", d(5), nights=2)
    refuse(uow, "DOUBLE_BOOKING", ops.amend, KEN, departure=d(6), names=("103", made.booking.id))
    refuse(uow, "DOUBLE_BOOKING", ops.amend, made.booking.id, arrival=d(4), names=("103", KEN))


def test_amend_into_today_in_a_closed_room_is_room_out_of_service() -> None:
    uow = sample()
    change(uow, desk.housekeeping, "201", RS.MAINTENANCE)
    refuse(uow, "ROOM_OUT_OF_SERVICE", ops.amend, MARGARET, arrival=d(0), names=("201",))
    made, _ = change(uow, ops.amend, MARGARET, nights=2)
    assert made.booking.departure == d(3)


def test_amend_extending_a_stay_in_house_over_a_later_reservation_is_double_booking() -> None:
    uow = sample()
    change(uow, desk.book, "301", "Next", d(3), nights=1)
    refuse(uow, "DOUBLE_BOOKING", ops.amend, ADA, departure=d(4), names=("301",))


@pytest.mark.parametrize(("booking_id", "options", "code"), [
    ("B-1", {"arrival": d(0)}, "ROOM_OUT_OF_SERVICE"),                 # closed, and now today
    ("B-1", {"arrival": d(0), "nights": 5}, "ROOM_OUT_OF_SERVICE"),    # ... before the overlap with B-2
    ("B-1", {"arrival": d(-1)}, "INVALID_DATES"),                      # dates before out of service
    ("B-1", {"departure": d(4)}, "DOUBLE_BOOKING"),                    # wholly future: the overlap only
    ("B-3", {"departure": d(3)}, "DOUBLE_BOOKING"),                    # a guest runs into B-4
    ("B-4", {"arrival": d(1)}, "DOUBLE_BOOKING"),                      # a reservation into a guest's stay
])
def test_amend_refusals_on_a_hand_made_hotel_in_order(booking_id: str, options: dict[str, Any], code: str) -> None:
    uow = hand_made(rooms(("101", RS.MAINTENANCE), ("102", RS.OCCUPIED), ("103", RS.AVAILABLE)), [
        stay("B-1", "101", 1, 3), stay("B-2", "101", 3, 5), stay("B-3", "102", -2, 2, BS.CHECKED_IN),
        stay("B-4", "102", 2, 4), stay("B-5", "999", 1, 3)])
    refuse(uow, code, ops.amend, booking_id, **options)


# --------------------------------------------------------------------------- undo-checkin


def test_undo_checkin_makes_the_booking_reserved_without_checked_in_at_in_one_commit() -> None:
    uow = sample()
    change(uow, desk.check_in, "101")
    assert "checked_in_at" in booking_record(uow, KATHERINE)
    made, entry = change(uow, ops.undo_check_in, KATHERINE)
    assert made.booking.status is BS.RESERVED and "checked_in_at" not in uow.bookings.stored(made.booking)
    assert "checked_in_at" not in booking_record(uow, KATHERINE)
    assert room_status_changes(entry) == {"101": "RESERVED"}
    assert booking_changes(entry, KATHERINE)["status"] == "Reserved"


@pytest.mark.parametrize(("booking", "after"), [
    (stay(ADA, "101", -2, 2, BS.CHECKED_IN), RS.RESERVED),     # arrived earlier: due again today
    (stay("B-1", "101", -7, -2, BS.CHECKED_IN, checked_in_at="2026-11-20T14:00:00Z"), RS.AVAILABLE),  # overstay
])
def test_undo_checkin_rederives_the_room(booking: Any, after: RoomStatus) -> None:
    uow = hand_made(rooms(("101", RS.OCCUPIED)), [booking])
    made, _ = change(uow, ops.undo_check_in, booking.id)
    assert "checked_in_at" not in uow.bookings.stored(made.booking) and status(uow, "101") is after


@pytest.mark.parametrize(("booking_id", "code"), [
    ("B-999999", "UNKNOWN_BOOKING"), (KATHERINE, "INVALID_TRANSITION"), (GRACE, "INVALID_TRANSITION"),
    (EDSGER, "INVALID_TRANSITION"), (BARBARA, "INVALID_TRANSITION"),
])
def test_undo_checkin_refusals_name_the_booking(booking_id: str, code: str) -> None:
    refuse(sample(), code, ops.undo_check_in, booking_id, names=(booking_id,))


# --------------------------------------------------------------------------- reinstate


@pytest.mark.parametrize(("finish", "booking_id", "today", "number", "changes"), [
    (desk.cancel, DONALD, 0, "204", {"204": "RESERVED"}),
    (desk.cancel, KATHERINE, 0, "101", {"101": "RESERVED"}),
    (desk.no_show, KATHERINE, 1, "101", {"101": "RESERVED"}),   # a late arrival, still due on T+1
])
def test_reinstate_makes_the_booking_reserved_and_rederives_the_room(finish: Any, booking_id: str, today: int,
                                                                     number: str, changes: dict[str, str]) -> None:
    uow = sample()
    change(uow, finish, booking_id)
    made, entry = change(uow, ops.reinstate, booking_id, today=today)
    assert made.booking.status is BS.RESERVED and status(uow, number) is RS.RESERVED
    assert room_status_changes(entry) == changes


def test_reinstate_a_future_stay_into_a_closed_room() -> None:
    uow = hand_made(rooms(("101", RS.MAINTENANCE)), [stay("B-1", "101", 1, 3, BS.CANCELLED)])
    change(uow, ops.reinstate, "B-1")
    assert status(uow, "101") is RS.MAINTENANCE


@pytest.mark.parametrize("check_in", [False, True])
def test_a_reinstated_late_arrival_is_a_no_show_again_at_the_night_audit_unless_checked_in(check_in: bool) -> None:
    uow = hand_made(rooms(("101", RS.AVAILABLE)), [stay("B-1", "101", -1, 2, BS.NO_SHOW)])
    change(uow, ops.reinstate, "B-1")
    assert status(uow, "101") is RS.RESERVED
    if check_in:
        change(uow, desk.check_in, "101")
    with uow:
        audit = ops.night_audit(uow, clock())
        uow.commit(["roomsync", "night-audit"])
    assert audit.no_shows == ([] if check_in else ["B-1"])
    assert booking_record(uow, "B-1")["status"] == ("CheckedIn" if check_in else "NoShow")
    assert status(uow, "101") is (RS.OCCUPIED if check_in else RS.AVAILABLE)


@pytest.mark.parametrize(("booking_id", "code"), [
    ("B-999999", "UNKNOWN_BOOKING"),
    ("B-3", "INVALID_TRANSITION"),      # Reserved
    ("B-8", "INVALID_TRANSITION"),      # CheckedIn
    ("B-2", "INVALID_DATES"),           # departs today (and the room is closed: dates first)
    ("B-7", "INVALID_DATES"),           # long gone
    ("B-1", "ROOM_OUT_OF_SERVICE"),
    ("B-5", "ROOM_OUT_OF_SERVICE"),     # closed before the overlap
    ("B-4", "DOUBLE_BOOKING"),
])
def test_reinstate_refusals_in_order(booking_id: str, code: str) -> None:
    uow = hand_made(rooms(("101", RS.MAINTENANCE), ("102", RS.RESERVED), ("103", RS.OCCUPIED)), [
        stay("B-1", "101", 0, 2, BS.CANCELLED), stay("B-2", "101", -1, 0, BS.NO_SHOW), stay("B-3", "102", 0, 2),
        stay("B-4", "102", 1, 3, BS.CANCELLED), stay("B-5", "101", 0, 2, BS.NO_SHOW), stay("B-6", "101", 1, 3),
        stay("B-7", "103", -7, -5, BS.CANCELLED), stay("B-8", "103", -2, 3, BS.CHECKED_IN)])
    refuse(uow, code, ops.reinstate, booking_id)


@pytest.mark.parametrize(("booking_id", "code"), [
    (GRACE, "INVALID_TRANSITION"),   # CheckedOut and in the past: the status first
    (ADA, "INVALID_TRANSITION"),
    (KATHERINE, "INVALID_TRANSITION"),
    (EDSGER, "INVALID_DATES"),       # Cancelled, departed
    (BARBARA, "INVALID_DATES"),      # NoShow, departed
])
def test_reinstate_refusals_on_the_sample(booking_id: str, code: str) -> None:
    refuse(sample(), code, ops.reinstate, booking_id, names=(booking_id,))


def test_reinstate_into_a_closed_or_taken_room_is_refused() -> None:
    uow = sample()
    change(uow, desk.cancel, KATHERINE)
    change(uow, desk.housekeeping, "101", RS.MAINTENANCE)
    refuse(uow, "ROOM_OUT_OF_SERVICE", ops.reinstate, KATHERINE, names=("101",))
    change(uow, desk.housekeeping, "101", RS.AVAILABLE)
    change(uow, desk.book, "101", "Took It", d(1), nights=1)
    refuse(uow, "DOUBLE_BOOKING", ops.reinstate, KATHERINE, names=("101",))
    change(uow, desk.cancel, MARGARET)
    change(uow, desk.book, "201", "Taker", d(3), nights=1)
    refuse(uow, "DOUBLE_BOOKING", ops.reinstate, MARGARET, names=("201",))
