"""Pure-domain tests: the §2 status rule, stays, reconcile's findings (§4) and each
operation's refusals in the §3 order, run against the in-memory FakeUnitOfWork."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fakes import FakeUnitOfWork

from roomsync.domain.model import Booking, BookingStatus, Room, RoomStatus
from roomsync.domain.reconcile import reconcile
from roomsync.domain.status import expected_status
from roomsync.domain.stays import held_nights, holds_night, is_due, stays_overlap
from roomsync.errors import Refused
from roomsync.operations import front_desk as desk
from roomsync.operations.front_desk import Clock

TODAY = date(2026, 11, 27)
NOW = "2026-11-27T09:30:00Z"
CLOCK = Clock(TODAY, NOW)

R = RoomStatus
B = BookingStatus
NO_GUEST = "No checked-in guest found"
NO_RESERVATION = "No active reservations found"


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def room(number: str = "101", status: RoomStatus = R.AVAILABLE, room_type: str | None = None) -> Room:
    return Room(number, status, room_type)


def booking(booking_id: str, number: str, arrive: int, leave: int, status: BookingStatus = B.RESERVED,
            guest: str | None = None) -> Booking:
    """A booking arriving `arrive` days from TODAY and departing `leave` days from TODAY."""
    return Booking(booking_id, number, guest or f"Guest {booking_id}", day(arrive), day(leave), status)


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def refused(code: str, uow: FakeUnitOfWork, operation, *args, **kwargs) -> Refused:
    """Run an operation that must be refused with `code`, and check it changed nothing."""
    before = uow.state()
    with pytest.raises(Refused) as caught:
        operation(uow, CLOCK, *args, **kwargs)
    assert caught.value.code == code, caught.value.message
    assert uow.state() == before
    return caught.value


def status_of(uow: FakeUnitOfWork, number: str) -> RoomStatus:
    found = uow.rooms.get(number)
    assert found is not None
    return found.status


def booking_status(uow: FakeUnitOfWork, booking_id: str) -> BookingStatus:
    found = uow.bookings.get(booking_id)
    assert found is not None
    return found.status


# ---------------------------------------------------------------------------------------
# §2 the status rule
# ---------------------------------------------------------------------------------------

class TestStatusRule:
    @pytest.mark.parametrize("stored", list(RoomStatus))
    def test_checked_in_guest_makes_any_room_occupied(self, stored):
        status, _ = expected_status(room(status=stored), [booking("B1", "101", -1, 2, B.CHECKED_IN)], TODAY)
        assert status is R.OCCUPIED

    def test_checked_in_guest_wins_over_maintenance_even_with_due_reservation(self):
        bookings = [booking("B1", "101", -1, 2, B.CHECKED_IN), booking("B2", "101", 0, 1)]
        status, reason = expected_status(room(status=R.MAINTENANCE), bookings, TODAY)
        assert status is R.OCCUPIED
        assert reason  # a change is explained

    def test_occupied_room_with_its_guest_needs_no_change(self):
        status, reason = expected_status(room(status=R.OCCUPIED), [booking("B1", "101", -1, 2, B.CHECKED_IN)],
                                         TODAY)
        assert (status, reason) == (R.OCCUPIED, None)

    @pytest.mark.parametrize("stored", [R.MAINTENANCE, R.OUT_OF_SERVICE])
    def test_out_of_order_room_is_unchanged_even_with_due_reservation(self, stored):
        status, reason = expected_status(room(status=stored), [booking("B1", "101", 0, 2)], TODAY)
        assert (status, reason) == (stored, None)

    def test_dirty_room_is_unchanged_even_with_due_reservation(self):
        status, reason = expected_status(room(status=R.DIRTY), [booking("B1", "101", 0, 2)], TODAY)
        assert (status, reason) == (R.DIRTY, None)

    @pytest.mark.parametrize("stored", [R.AVAILABLE, R.CLEAN])
    def test_ready_room_with_due_reservation_becomes_reserved(self, stored):
        status, reason = expected_status(room(status=stored), [booking("B1", "101", 0, 2)], TODAY)
        assert status is R.RESERVED
        assert reason

    def test_stale_occupied_with_due_reservation_becomes_reserved_not_available(self):
        # rule 4 (due reservation) comes before rule 5 (stale OCCUPIED)
        status, _ = expected_status(room(status=R.OCCUPIED), [booking("B1", "101", 0, 2)], TODAY)
        assert status is R.RESERVED

    def test_reserved_room_with_its_due_reservation_needs_no_change(self):
        status, reason = expected_status(room(status=R.RESERVED), [booking("B1", "101", -1, 2)], TODAY)
        assert (status, reason) == (R.RESERVED, None)

    def test_stale_occupied_without_guest_becomes_available_with_reason(self):
        status, reason = expected_status(room(status=R.OCCUPIED), [], TODAY)
        assert (status, reason) == (R.AVAILABLE, NO_GUEST)

    def test_stale_occupied_with_only_checked_out_guest_becomes_available(self):
        bookings = [booking("B1", "101", -2, 1, B.CHECKED_OUT)]
        status, reason = expected_status(room(status=R.OCCUPIED), bookings, TODAY)
        assert (status, reason) == (R.AVAILABLE, NO_GUEST)

    def test_reserved_with_nothing_due_becomes_available_with_reason(self):
        status, reason = expected_status(room(status=R.RESERVED), [], TODAY)
        assert (status, reason) == (R.AVAILABLE, NO_RESERVATION)

    def test_reserved_with_only_future_reservation_becomes_available(self):
        status, reason = expected_status(room(status=R.RESERVED), [booking("B1", "101", 1, 3)], TODAY)
        assert (status, reason) == (R.AVAILABLE, NO_RESERVATION)

    def test_reservation_departing_today_is_not_due(self):
        status, reason = expected_status(room(status=R.RESERVED), [booking("B1", "101", -2, 0)], TODAY)
        assert (status, reason) == (R.AVAILABLE, NO_RESERVATION)

    @pytest.mark.parametrize("finished", [B.CHECKED_OUT, B.CANCELLED, B.NO_SHOW])
    def test_finished_booking_covering_today_does_not_reserve_room(self, finished):
        status, _ = expected_status(room(status=R.RESERVED), [booking("B1", "101", -1, 2, finished)], TODAY)
        assert status is R.AVAILABLE

    @pytest.mark.parametrize("stored", [R.AVAILABLE, R.CLEAN])
    def test_ready_room_without_bookings_is_unchanged(self, stored):
        assert expected_status(room(status=stored), [], TODAY) == (stored, None)

    def test_bookings_of_other_rooms_are_ignored(self):
        bookings = [booking("B1", "102", -1, 2, B.CHECKED_IN), booking("B2", "102", 0, 2)]
        assert expected_status(room("101", R.AVAILABLE), bookings, TODAY) == (R.AVAILABLE, None)


class TestStays:
    def test_reservation_is_due_from_arrival_day_until_the_night_before_departure(self):
        stay = booking("B1", "101", 0, 2)
        assert [is_due(stay, day(n)) for n in (-1, 0, 1, 2)] == [False, True, True, False]

    @pytest.mark.parametrize("status", [B.CHECKED_IN, B.CHECKED_OUT, B.CANCELLED, B.NO_SHOW])
    def test_only_reserved_bookings_are_due(self, status):
        assert not is_due(booking("B1", "101", 0, 2, status), TODAY)

    def test_booking_holds_half_open_arrival_to_departure(self):
        assert held_nights(booking("B1", "101", 1, 4), TODAY) == (day(1), day(4))

    def test_back_to_back_stays_do_not_overlap(self):
        assert not stays_overlap(booking("B1", "101", 0, 2), booking("B2", "101", 2, 4), TODAY)
        assert not stays_overlap(booking("B2", "101", 2, 4), booking("B1", "101", 0, 2), TODAY)

    def test_stays_sharing_one_night_overlap(self):
        assert stays_overlap(booking("B1", "101", 0, 3), booking("B2", "101", 2, 4), TODAY)

    def test_stay_inside_another_overlaps(self):
        assert stays_overlap(booking("B1", "101", 0, 5), booking("B2", "101", 2, 3), TODAY)

    def test_overstaying_guest_holds_room_through_tonight(self):
        guest = booking("B1", "101", -4, -2, B.CHECKED_IN)
        assert held_nights(guest, TODAY) == (day(-4), day(1))

    def test_overstaying_guest_blocks_arrival_tonight_but_not_tomorrow(self):
        guest = booking("B1", "101", -4, -2, B.CHECKED_IN)
        assert stays_overlap(guest, booking("B2", "101", 0, 2), TODAY)
        assert not stays_overlap(guest, booking("B3", "101", 1, 2), TODAY)

    def test_guest_on_departure_day_holds_only_booked_nights(self):
        guest = booking("B1", "101", -3, 0, B.CHECKED_IN)
        assert held_nights(guest, TODAY) == (day(-3), day(0))
        assert not stays_overlap(guest, booking("B2", "101", 0, 2), TODAY)

    def test_late_reservation_is_not_extended_like_an_overstay(self):
        late = booking("B1", "101", -4, -2)
        assert held_nights(late, TODAY) == (day(-4), day(-2))

    def test_checked_out_booking_holds_past_nights_only_for_listings(self):
        past = booking("B1", "101", -3, 2, B.CHECKED_OUT)
        assert holds_night(past, day(-1), TODAY)
        assert not holds_night(past, day(0), TODAY)

    @pytest.mark.parametrize("status", [B.CANCELLED, B.NO_SHOW])
    def test_cancelled_and_no_show_never_hold_a_night(self, status):
        gone = booking("B1", "101", -3, 2, status)
        assert not any(holds_night(gone, day(n), TODAY) for n in range(-3, 2))


# ---------------------------------------------------------------------------------------
# §4 reconcile: fixes, problems and warnings
# ---------------------------------------------------------------------------------------

class TestReconcile:
    def test_stale_statuses_are_listed_as_fixes_with_reasons(self):
        rooms = [room("101", R.OCCUPIED), room("102", R.RESERVED), room("103", R.AVAILABLE)]
        report = reconcile(rooms, [], TODAY)
        assert [(f.room, f.before, f.after, f.reason) for f in report.fixes] == [
            ("101", R.OCCUPIED, R.AVAILABLE, NO_GUEST),
            ("102", R.RESERVED, R.AVAILABLE, NO_RESERVATION),
        ]
        assert report.checked == 3

    def test_reconcile_changes_no_room_itself(self):
        rooms = [room("101", R.OCCUPIED)]
        reconcile(rooms, [], TODAY)
        assert rooms[0].status is R.OCCUPIED

    def test_active_booking_naming_missing_room_is_unknown_room(self):
        report = reconcile([room("101")], [booking("B1", "999", 1, 2)], TODAY)
        assert [(p.code, p.room, p.bookings) for p in report.problems] == [("UNKNOWN_ROOM", "999", ["B1"])]

    def test_active_booking_without_nights_is_invalid_dates(self):
        report = reconcile([room("101")], [booking("B1", "101", 2, 2)], TODAY)
        assert [(p.code, p.bookings) for p in report.problems] == [("INVALID_DATES", ["B1"])]

    def test_overlapping_reservations_are_one_double_booking(self):
        rooms = [room("101")]
        report = reconcile(rooms, [booking("B1", "101", 1, 4), booking("B2", "101", 3, 5)], TODAY)
        assert [(p.code, p.room, sorted(p.bookings)) for p in report.problems] == [
            ("DOUBLE_BOOKING", "101", ["B1", "B2"])]

    def test_back_to_back_reservations_are_no_problem(self):
        report = reconcile([room("101")], [booking("B1", "101", 1, 3), booking("B2", "101", 3, 5)], TODAY)
        assert report.problems == []

    def test_guest_and_overlapping_reservation_are_double_booking(self):
        bookings = [booking("B1", "101", -1, 2, B.CHECKED_IN), booking("B2", "101", 1, 3)]
        report = reconcile([room("101", R.OCCUPIED)], bookings, TODAY)
        assert codes(report.problems) == ["DOUBLE_BOOKING"]

    def test_overstaying_guest_and_reservation_arriving_today_are_double_booking(self):
        bookings = [booking("B1", "101", -3, -1, B.CHECKED_IN), booking("B2", "101", 0, 2)]
        report = reconcile([room("101", R.OCCUPIED)], bookings, TODAY)
        assert "DOUBLE_BOOKING" in codes(report.problems)

    def test_guest_due_out_today_and_arrival_today_are_no_problem(self):
        bookings = [booking("B1", "101", -3, 0, B.CHECKED_IN), booking("B2", "101", 0, 2)]
        report = reconcile([room("101", R.OCCUPIED)], bookings, TODAY)
        assert report.problems == []

    def test_two_guests_in_one_room_are_multiple_guests_once_and_not_double_booking(self):
        bookings = [booking("B1", "101", -1, 2, B.CHECKED_IN), booking("B2", "101", -2, 3, B.CHECKED_IN)]
        report = reconcile([room("101", R.OCCUPIED)], bookings, TODAY)
        assert [(p.code, sorted(p.bookings)) for p in report.problems] == [("MULTIPLE_GUESTS", ["B1", "B2"])]

    def test_three_guests_in_one_room_are_one_multiple_guests_problem(self):
        bookings = [booking(f"B{i}", "101", -1, 2, B.CHECKED_IN) for i in (1, 2, 3)]
        report = reconcile([room("101", R.OCCUPIED)], bookings, TODAY)
        assert [(p.code, sorted(p.bookings)) for p in report.problems] == [
            ("MULTIPLE_GUESTS", ["B1", "B2", "B3"])]

    @pytest.mark.parametrize("stored", [R.MAINTENANCE, R.OUT_OF_SERVICE])
    def test_due_reservation_in_closed_room_is_room_out_of_service(self, stored):
        report = reconcile([room("101", stored)], [booking("B1", "101", 0, 2)], TODAY)
        assert [(p.code, p.room, p.bookings) for p in report.problems] == [("ROOM_OUT_OF_SERVICE", "101", ["B1"])]
        assert report.fixes == []  # never silently resolved

    def test_future_reservation_in_closed_room_is_no_problem(self):
        report = reconcile([room("101", R.MAINTENANCE)], [booking("B1", "101", 1, 3)], TODAY)
        assert report.problems == []

    def test_reservation_whose_arrival_passed_is_late_arrival_warning_not_problem(self):
        report = reconcile([room("101", R.RESERVED)], [booking("B1", "101", -1, 2)], TODAY)
        assert [(w.code, w.bookings) for w in report.warnings] == [("LATE_ARRIVAL", ["B1"])]
        assert report.problems == []
        assert report.clean  # warnings alone do not fail

    def test_reservation_arriving_today_is_not_late(self):
        report = reconcile([room("101", R.RESERVED)], [booking("B1", "101", 0, 2)], TODAY)
        assert report.warnings == []

    def test_guest_past_departure_is_overstay_warning(self):
        report = reconcile([room("101", R.OCCUPIED)], [booking("B1", "101", -3, -1, B.CHECKED_IN)], TODAY)
        assert [(w.code, w.bookings) for w in report.warnings] == [("OVERSTAY", ["B1"])]
        assert report.problems == []

    def test_guest_on_departure_day_is_not_overstay(self):
        report = reconcile([room("101", R.OCCUPIED)], [booking("B1", "101", -3, 0, B.CHECKED_IN)], TODAY)
        assert report.warnings == []

    @pytest.mark.parametrize("finished", [B.CHECKED_OUT, B.CANCELLED, B.NO_SHOW])
    def test_finished_bookings_are_never_reported(self, finished):
        bookings = [
            booking("B1", "999", -5, -3, finished),          # unknown room
            booking("B2", "101", -2, -2, finished),          # no nights
            booking("B3", "101", -4, 1, finished),           # overlaps B4, B5
            booking("B4", "101", -4, 1, finished),
            booking("B5", "102", 0, 2, finished),            # "due" in a closed room
        ]
        report = reconcile([room("101"), room("102", R.MAINTENANCE)], bookings, TODAY)
        assert (report.fixes, report.problems, report.warnings) == ([], [], [])

    def test_finished_booking_overlapping_an_active_one_is_no_double_booking(self):
        bookings = [booking("B1", "101", 1, 3, B.CANCELLED), booking("B2", "101", 1, 3)]
        assert reconcile([room("101")], bookings, TODAY).problems == []

    def test_consistent_hotel_is_clean(self):
        rooms = [room("101", R.OCCUPIED), room("102", R.RESERVED), room("103", R.DIRTY)]
        bookings = [booking("B1", "101", -1, 2, B.CHECKED_IN), booking("B2", "102", 0, 1),
                    booking("B3", "103", 0, 2)]
        report = reconcile(rooms, bookings, TODAY)
        assert (report.fixes, report.problems, report.warnings) == ([], [], [])
        assert report.clean


# ---------------------------------------------------------------------------------------
# §3 operations: refusals in the listed order, and what each changes
# ---------------------------------------------------------------------------------------

class TestBook:
    def test_unknown_room_is_refused_before_date_rules(self):
        uow = FakeUnitOfWork([room("101")])
        refused("UNKNOWN_ROOM", uow, desk.book, "999", "Ann", day(2), day(1))

    def test_departure_not_after_arrival_is_invalid_dates(self):
        uow = FakeUnitOfWork([room("101")])
        refused("INVALID_DATES", uow, desk.book, "101", "Ann", day(2), day(2))

    def test_arrival_before_today_is_invalid_dates(self):
        uow = FakeUnitOfWork([room("101")])
        refused("INVALID_DATES", uow, desk.book, "101", "Ann", day(-1), day(2))

    def test_date_rules_come_before_out_of_service(self):
        uow = FakeUnitOfWork([room("101", R.MAINTENANCE)])
        refused("INVALID_DATES", uow, desk.book, "101", "Ann", day(-1), day(2))

    @pytest.mark.parametrize("stored", [R.MAINTENANCE, R.OUT_OF_SERVICE])
    def test_closed_room_refuses_stay_including_today(self, stored):
        uow = FakeUnitOfWork([room("101", stored)])
        refused("ROOM_OUT_OF_SERVICE", uow, desk.book, "101", "Ann", day(0), day(2))

    def test_out_of_service_comes_before_double_booking(self):
        uow = FakeUnitOfWork([room("101", R.MAINTENANCE)], [booking("B1", "101", 0, 2)])
        refused("ROOM_OUT_OF_SERVICE", uow, desk.book, "101", "Ann", day(0), day(2))

    def test_closed_room_accepts_stay_wholly_in_the_future_and_stays_closed(self):
        uow = FakeUnitOfWork([room("101", R.MAINTENANCE)])
        change = desk.book(uow, CLOCK, "101", "Ann", day(1), day(3))
        assert change.booking.status is B.RESERVED
        assert status_of(uow, "101") is R.MAINTENANCE

    def test_overlap_with_active_booking_is_double_booking(self):
        uow = FakeUnitOfWork([room("101")], [booking("B1", "101", 1, 4)])
        refused("DOUBLE_BOOKING", uow, desk.book, "101", "Ann", day(3), day(5))

    def test_overlap_with_guest_in_house_is_double_booking(self):
        uow = FakeUnitOfWork([room("101", R.OCCUPIED)], [booking("B1", "101", -1, 2, B.CHECKED_IN)])
        refused("DOUBLE_BOOKING", uow, desk.book, "101", "Ann", day(1), day(3))

    def test_overstaying_guest_blocks_booking_tonight(self):
        uow = FakeUnitOfWork([room("101", R.OCCUPIED)], [booking("B1", "101", -4, -1, B.CHECKED_IN)])
        refused("DOUBLE_BOOKING", uow, desk.book, "101", "Ann", day(0), day(1))

    def test_overstaying_guest_does_not_block_booking_from_tomorrow(self):
        uow = FakeUnitOfWork([room("101", R.OCCUPIED)], [booking("B1", "101", -4, -1, B.CHECKED_IN)])
        desk.book(uow, CLOCK, "101", "Ann", day(1), day(2))
        assert len(uow.bookings.all()) == 2

    def test_arrival_on_guests_departure_day_is_allowed(self):
        uow = FakeUnitOfWork([room("101", R.OCCUPIED)], [booking("B1", "101", -2, 0, B.CHECKED_IN)])
        desk.book(uow, CLOCK, "101", "Ann", day(0), day(2))
        assert status_of(uow, "101") is R.OCCUPIED  # the guest is still in until checkout

    def test_back_to_back_booking_is_allowed(self):
        uow = FakeUnitOfWork([room("101")], [booking("B1", "101", 1, 3)])
        change = desk.book(uow, CLOCK, "101", "Ann", day(3), day(5))
        assert [b.id for b in uow.bookings.for_room("101")] == ["B1", change.booking.id]

    @pytest.mark.parametrize("finished", [B.CANCELLED, B.NO_SHOW, B.CHECKED_OUT])
    def test_finished_booking_does_not_block_the_nights(self, finished):
        uow = FakeUnitOfWork([room("101")], [booking("B1", "101", 1, 3, finished)])
        desk.book(uow, CLOCK, "101", "Ann", day(1), day(3))
        assert len(uow.bookings.all()) == 2

    def test_booking_due_today_makes_room_reserved(self):
        uow = FakeUnitOfWork([room("101", R.CLEAN)])
        change = desk.book(uow, CLOCK, "101", "Ann", day(0), day(2))
        assert status_of(uow, "101") is R.RESERVED
        assert change.booking.status is B.RESERVED
        assert (change.booking.arrival, change.booking.departure) == (day(0), day(2))
        assert change.booking.field("created_at") == NOW

    def test_future_booking_leaves_room_available(self):
        uow = FakeUnitOfWork([room("101")])
        desk.book(uow, CLOCK, "101", "Ann", day(1), day(2))
        assert status_of(uow, "101") is R.AVAILABLE

    def test_booking_due_today_in_dirty_room_keeps_it_dirty(self):
        uow = FakeUnitOfWork([room("101", R.DIRTY)])
        desk.book(uow, CLOCK, "101", "Ann", day(0), day(2))
        assert status_of(uow, "101") is R.DIRTY

    def test_new_booking_is_stored_under_a_fresh_id(self):
        uow = FakeUnitOfWork([room("101")], [booking("B-000007", "101", 1, 2)])
        change = desk.book(uow, CLOCK, "101", "Ann", day(3), day(4))
        assert change.booking.id not in {"B-000007", ""}
        assert uow.bookings.get(change.booking.id) is change.booking


class TestCheckIn:
    def test_unknown_room_is_refused(self):
        refused("UNKNOWN_ROOM", FakeUnitOfWork([room("101")]), desk.check_in, "999")

    def test_occupied_room_without_due_reservation_is_room_occupied_not_no_due(self):
        uow = FakeUnitOfWork([room("101", R.OCCUPIED)], [booking("B1", "101", -1, 2, B.CHECKED_IN)])
        refused("ROOM_OCCUPIED", uow, desk.check_in, "101")

    def test_occupied_room_with_due_reservation_is_room_occupied(self):
        uow = FakeUnitOfWork([room("101", R.OCCUPIED)],
                             [booking("B1", "101", -1, 0, B.CHECKED_IN), booking("B2", "101", 0, 2)])
        refused("ROOM_OCCUPIED", uow, desk.check_in, "101")

    def test_guest_in_house_counts_as_occupied_whatever_the_stored_status(self):
        uow = FakeUnitOfWork([room("101", R.AVAILABLE)],
                             [booking("B1", "101", -1, 2, B.CHECKED_IN), booking("B2", "101", 0, 1)])
        refused("ROOM_OCCUPIED", uow, desk.check_in, "101")

    def test_stale_occupied_status_without_guest_does_not_block_check_in(self):
        uow = FakeUnitOfWork([room("102", R.OCCUPIED)], [booking("B1", "102", 0, 2)])
        change = desk.check_in(uow, CLOCK, "102")
        assert change.booking.id == "B1"
        assert booking_status(uow, "B1") is B.CHECKED_IN
        assert status_of(uow, "102") is R.OCCUPIED

    @pytest.mark.parametrize("stored", [R.MAINTENANCE, R.OUT_OF_SERVICE])
    def test_closed_room_is_out_of_service_before_no_due_reservation(self, stored):
        refused("ROOM_OUT_OF_SERVICE", FakeUnitOfWork([room("101", stored)]), desk.check_in, "101")

    def test_closed_room_with_due_reservation_is_out_of_service(self):
        uow = FakeUnitOfWork([room("101", R.MAINTENANCE)], [booking("B1", "101", 0, 2)])
        refused("ROOM_OUT_OF_SERVICE", uow, desk.check_in, "101")

    def test_dirty_room_is_not_ready_without_force(self):
        uow = FakeUnitOfWork([room("101", R.DIRTY)], [booking("B1", "101", 0, 2)])
        refused("ROOM_NOT_READY", uow, desk.check_in, "101")

    def test_dirty_room_is_not_ready_before_no_due_reservation(self):
        refused("ROOM_NOT_READY", FakeUnitOfWork([room("101", R.DIRTY)]), desk.check_in, "101")

    def test_dirty_room_with_force_checks_the_guest_in(self):
        uow = FakeUnitOfWork([room("101", R.DIRTY)], [booking("B1", "101", 0, 2)])
        desk.check_in(uow, CLOCK, "101", force=True)
        assert booking_status(uow, "B1") is B.CHECKED_IN
        assert status_of(uow, "101") is R.OCCUPIED

    def test_room_without_due_reservation_is_no_due_reservation(self):
        uow = FakeUnitOfWork([room("101")], [booking("B1", "101", 1, 3)])
        refused("NO_DUE_RESERVATION", uow, desk.check_in, "101")

    def test_cancelled_booking_today_is_no_due_reservation(self):
        uow = FakeUnitOfWork([room("101")], [booking("B1", "101", 0, 3, B.CANCELLED)])
        refused("NO_DUE_RESERVATION", uow, desk.check_in, "101")

    def test_unknown_booking_option_is_no_due_reservation(self):
        uow = FakeUnitOfWork([room("101", R.RESERVED)], [booking("B1", "101", 0, 2)])
        refused("NO_DUE_RESERVATION", uow, desk.check_in, "101", booking_id="B9")

    def test_booking_option_for_another_room_is_no_due_reservation(self):
        uow = FakeUnitOfWork([room("101", R.RESERVED), room("102", R.RESERVED)],
                             [booking("B1", "101", 0, 2), booking("B2", "102", 0, 2)])
        refused("NO_DUE_RESERVATION", uow, desk.check_in, "101", booking_id="B2")

    def test_booking_option_not_due_is_no_due_reservation(self):
        uow = FakeUnitOfWork([room("101", R.RESERVED)], [booking("B1", "101", 0, 2), booking("B2", "101", 2, 3)])
        refused("NO_DUE_RESERVATION", uow, desk.check_in, "101", booking_id="B2")

    def test_two_due_reservations_without_booking_option_are_ambiguous(self):
        uow = FakeUnitOfWork([room("101", R.RESERVED)], [booking("B1", "101", 0, 2), booking("B2", "101", -1, 1)])
        refused("AMBIGUOUS_RESERVATION", uow, desk.check_in, "101")

    def test_booking_option_picks_one_of_two_due_reservations(self):
        uow = FakeUnitOfWork([room("101", R.RESERVED)], [booking("B1", "101", 0, 2), booking("B2", "101", -1, 1)])
        desk.check_in(uow, CLOCK, "101", booking_id="B2")
        assert (booking_status(uow, "B1"), booking_status(uow, "B2")) == (B.RESERVED, B.CHECKED_IN)

    def test_late_arrival_still_due_can_check_in(self):
        uow = FakeUnitOfWork([room("101", R.RESERVED)], [booking("B1", "101", -1, 2)])
        desk.check_in(uow, CLOCK, "101")
        assert booking_status(uow, "B1") is B.CHECKED_IN

    def test_check_in_marks_booking_checked_in_and_room_occupied(self):
        uow = FakeUnitOfWork([room("101", R.RESERVED)], [booking("B1", "101", 0, 2)])
        change = desk.check_in(uow, CLOCK, "101")
        assert change.booking.status is B.CHECKED_IN
        assert change.booking.field("checked_in_at") == NOW
        assert change.room is uow.rooms.get("101")
        assert status_of(uow, "101") is R.OCCUPIED


class TestWalkIn:
    def test_unknown_room_is_refused(self):
        refused("UNKNOWN_ROOM", FakeUnitOfWork([room("101")]), desk.walk_in, "999", "Ann", 1)

    def test_occupied_room_is_room_occupied(self):
        uow = FakeUnitOfWork([room("101", R.OCCUPIED)], [booking("B1", "101", -1, 2, B.CHECKED_IN)])
        refused("ROOM_OCCUPIED", uow, desk.walk_in, "101", "Ann", 1)

    @pytest.mark.parametrize("stored", [R.MAINTENANCE, R.OUT_OF_SERVICE])
    def test_closed_room_is_out_of_service(self, stored):
        refused("ROOM_OUT_OF_SERVICE", FakeUnitOfWork([room("101", stored)]), desk.walk_in, "101", "Ann", 1)

    def test_dirty_room_is_not_ready_before_overlap(self):
        uow = FakeUnitOfWork([room("101", R.DIRTY)], [booking("B1", "101", 0, 2)])
        refused("ROOM_NOT_READY", uow, desk.walk_in, "101", "Ann", 1)

    def test_walk_in_over_todays_reservation_is_double_booking(self):
        uow = FakeUnitOfWork([room("101", R.RESERVED)], [booking("B1", "101", 0, 2)])
        refused("DOUBLE_BOOKING", uow, desk.walk_in, "101", "Ann", 1)

    def test_walk_in_running_into_a_later_reservation_is_double_booking(self):
        uow = FakeUnitOfWork([room("101")], [booking("B1", "101", 1, 3)])
        refused("DOUBLE_BOOKING", uow, desk.walk_in, "101", "Ann", 2)

    def test_walk_in_up_to_a_later_reservation_is_allowed(self):
        uow = FakeUnitOfWork([room("101")], [booking("B1", "101", 1, 3)])
        change = desk.walk_in(uow, CLOCK, "101", "Ann", 1)
        assert (change.booking.arrival, change.booking.departure) == (day(0), day(1))

    def test_walk_in_without_nights_is_invalid_dates(self):
        refused("INVALID_DATES", FakeUnitOfWork([room("101")]), desk.walk_in, "101", "Ann", 0)

    def test_walk_in_creates_checked_in_booking_and_occupies_room(self):
        uow = FakeUnitOfWork([room("101", R.DIRTY)])
        change = desk.walk_in(uow, CLOCK, "101", "Ann", 3, force=True)
        assert change.booking.status is B.CHECKED_IN
        assert (change.booking.guest, change.booking.arrival, change.booking.departure) == ("Ann", day(0), day(3))
        assert change.booking.field("checked_in_at") == NOW
        assert uow.bookings.get(change.booking.id) is change.booking
        assert status_of(uow, "101") is R.OCCUPIED


class TestCheckOut:
    def test_unknown_room_is_refused(self):
        refused("UNKNOWN_ROOM", FakeUnitOfWork([room("101")]), desk.check_out, "999")

    def test_room_without_guest_is_not_checked_in(self):
        uow = FakeUnitOfWork([room("101", R.OCCUPIED)], [booking("B1", "101", 0, 2)])
        refused("NOT_CHECKED_IN", uow, desk.check_out, "101")

    def test_booking_option_not_checked_in_is_not_checked_in(self):
        uow = FakeUnitOfWork([room("101", R.OCCUPIED)],
                             [booking("B1", "101", -1, 2, B.CHECKED_IN), booking("B2", "101", 2, 3)])
        refused("NOT_CHECKED_IN", uow, desk.check_out, "101", booking_id="B2")

    def test_booking_option_checked_in_elsewhere_is_not_checked_in(self):
        uow = FakeUnitOfWork([room("101", R.OCCUPIED), room("102", R.OCCUPIED)],
                             [booking("B1", "101", -1, 2, B.CHECKED_IN), booking("B2", "102", -1, 2, B.CHECKED_IN)])
        refused("NOT_CHECKED_IN", uow, desk.check_out, "101", booking_id="B2")

    def test_two_guests_without_booking_option_are_ambiguous(self):
        uow = FakeUnitOfWork([room("101", R.OCCUPIED)],
                             [booking("B1", "101", -1, 2, B.CHECKED_IN), booking("B2", "101", -1, 2, B.CHECKED_IN)])
        refused("AMBIGUOUS_RESERVATION", uow, desk.check_out, "101")

    def test_checking_out_one_of_two_guests_keeps_room_occupied(self):
        uow = FakeUnitOfWork([room("101", R.OCCUPIED)],
                             [booking("B1", "101", -1, 2, B.CHECKED_IN), booking("B2", "101", -1, 2, B.CHECKED_IN)])
        desk.check_out(uow, CLOCK, "101", booking_id="B1")
        assert (booking_status(uow, "B1"), booking_status(uow, "B2")) == (B.CHECKED_OUT, B.CHECKED_IN)
        assert status_of(uow, "101") is R.OCCUPIED

    def test_check_out_marks_booking_checked_out_and_room_dirty(self):
        uow = FakeUnitOfWork([room("101", R.OCCUPIED)], [booking("B1", "101", -2, 0, B.CHECKED_IN)])
        change = desk.check_out(uow, CLOCK, "101")
        assert change.booking.status is B.CHECKED_OUT
        assert change.booking.field("checked_out_at") == NOW
        assert status_of(uow, "101") is R.DIRTY

    def test_room_left_dirty_stays_dirty_despite_arrival_today(self):
        uow = FakeUnitOfWork([room("101", R.OCCUPIED)],
                             [booking("B1", "101", -2, 0, B.CHECKED_IN), booking("B2", "101", 0, 2)])
        desk.check_out(uow, CLOCK, "101")
        assert status_of(uow, "101") is R.DIRTY

    def test_overstaying_guest_can_check_out(self):
        uow = FakeUnitOfWork([room("101", R.OCCUPIED)], [booking("B1", "101", -4, -2, B.CHECKED_IN)])
        desk.check_out(uow, CLOCK, "101")
        assert booking_status(uow, "B1") is B.CHECKED_OUT


class TestCancelNoShowDelete:
    @pytest.mark.parametrize("operation", [desk.cancel, desk.no_show, desk.delete])
    def test_unknown_booking_is_refused(self, operation):
        refused("UNKNOWN_BOOKING", FakeUnitOfWork([room("101")]), operation, "B9")

    @pytest.mark.parametrize("status", [B.CHECKED_IN, B.CHECKED_OUT, B.CANCELLED, B.NO_SHOW])
    def test_cancel_of_non_reserved_booking_is_invalid_transition(self, status):
        uow = FakeUnitOfWork([room("101")], [booking("B1", "101", -1, 2, status)])
        refused("INVALID_TRANSITION", uow, desk.cancel, "B1")

    def test_cancel_of_due_reservation_frees_the_room(self):
        uow = FakeUnitOfWork([room("101", R.RESERVED)], [booking("B1", "101", 0, 2)])
        change = desk.cancel(uow, CLOCK, "B1")
        assert change.booking.status is B.CANCELLED
        assert status_of(uow, "101") is R.AVAILABLE

    def test_cancel_keeps_room_reserved_while_another_reservation_is_due(self):
        uow = FakeUnitOfWork([room("101", R.RESERVED)], [booking("B1", "101", 0, 2), booking("B2", "101", -1, 1)])
        desk.cancel(uow, CLOCK, "B1")
        assert status_of(uow, "101") is R.RESERVED

    def test_cancel_of_booking_naming_a_missing_room_works(self):
        uow = FakeUnitOfWork([room("101")], [booking("B1", "999", 1, 2)])
        change = desk.cancel(uow, CLOCK, "B1")
        assert change.room is None
        assert booking_status(uow, "B1") is B.CANCELLED

    @pytest.mark.parametrize("status", [B.CHECKED_IN, B.CHECKED_OUT, B.CANCELLED, B.NO_SHOW])
    def test_no_show_of_non_reserved_booking_is_invalid_transition(self, status):
        uow = FakeUnitOfWork([room("101")], [booking("B1", "101", -1, 2, status)])
        refused("INVALID_TRANSITION", uow, desk.no_show, "B1")

    def test_no_show_before_arrival_is_invalid_transition(self):
        uow = FakeUnitOfWork([room("101")], [booking("B1", "101", 1, 2)])
        refused("INVALID_TRANSITION", uow, desk.no_show, "B1")

    @pytest.mark.parametrize("arrive", [0, -1])
    def test_no_show_on_or_after_arrival_frees_the_room(self, arrive):
        uow = FakeUnitOfWork([room("101", R.RESERVED)], [booking("B1", "101", arrive, 2)])
        desk.no_show(uow, CLOCK, "B1")
        assert booking_status(uow, "B1") is B.NO_SHOW
        assert status_of(uow, "101") is R.AVAILABLE

    def test_delete_of_checked_in_booking_is_invalid_transition(self):
        uow = FakeUnitOfWork([room("101", R.OCCUPIED)], [booking("B1", "101", -1, 2, B.CHECKED_IN)])
        refused("INVALID_TRANSITION", uow, desk.delete, "B1")

    def test_delete_of_due_reservation_removes_it_and_frees_the_room(self):
        uow = FakeUnitOfWork([room("101", R.RESERVED)], [booking("B1", "101", 0, 2)])
        change = desk.delete(uow, CLOCK, "B1")
        assert change.booking.id == "B1"
        assert uow.bookings.get("B1") is None
        assert status_of(uow, "101") is R.AVAILABLE

    @pytest.mark.parametrize("status", [B.CHECKED_OUT, B.CANCELLED, B.NO_SHOW])
    def test_finished_booking_can_be_deleted(self, status):
        uow = FakeUnitOfWork([room("101")], [booking("B1", "101", -3, -1, status)])
        desk.delete(uow, CLOCK, "B1")
        assert uow.bookings.all() == []


class TestHousekeeping:
    def test_unknown_room_is_refused_before_derived_status(self):
        refused("UNKNOWN_ROOM", FakeUnitOfWork([room("101")]), desk.housekeeping, "999", R.RESERVED)

    @pytest.mark.parametrize("wanted", [R.OCCUPIED, R.RESERVED])
    def test_derived_status_is_refused_even_in_occupied_room(self, wanted):
        uow = FakeUnitOfWork([room("101", R.OCCUPIED)], [booking("B1", "101", -1, 2, B.CHECKED_IN)])
        refused("DERIVED_STATUS", uow, desk.housekeeping, "101", wanted)

    @pytest.mark.parametrize("wanted", [R.AVAILABLE, R.CLEAN, R.DIRTY, R.MAINTENANCE, R.OUT_OF_SERVICE])
    def test_room_with_guest_is_room_occupied(self, wanted):
        uow = FakeUnitOfWork([room("101", R.OCCUPIED)], [booking("B1", "101", -1, 2, B.CHECKED_IN)])
        refused("ROOM_OCCUPIED", uow, desk.housekeeping, "101", wanted, force=True)

    @pytest.mark.parametrize("wanted", [R.MAINTENANCE, R.OUT_OF_SERVICE])
    def test_closing_room_with_due_reservation_without_force_is_room_reserved(self, wanted):
        uow = FakeUnitOfWork([room("101", R.RESERVED)], [booking("B1", "101", 0, 2)])
        refused("ROOM_RESERVED", uow, desk.housekeeping, "101", wanted)

    def test_closing_room_with_due_reservation_with_force_leaves_a_problem(self):
        uow = FakeUnitOfWork([room("101", R.RESERVED)], [booking("B1", "101", 0, 2)])
        desk.housekeeping(uow, CLOCK, "101", R.MAINTENANCE, force=True)
        assert status_of(uow, "101") is R.MAINTENANCE
        report = reconcile(uow.rooms.all(), uow.bookings.all(), TODAY)
        assert codes(report.problems) == ["ROOM_OUT_OF_SERVICE"]
        assert report.fixes == []

    def test_closing_room_with_only_future_reservation_needs_no_force(self):
        uow = FakeUnitOfWork([room("101")], [booking("B1", "101", 1, 2)])
        desk.housekeeping(uow, CLOCK, "101", R.MAINTENANCE)
        assert status_of(uow, "101") is R.MAINTENANCE

    def test_clean_with_due_reservation_shows_reserved(self):
        uow = FakeUnitOfWork([room("101", R.DIRTY)], [booking("B1", "101", 0, 2)])
        desk.housekeeping(uow, CLOCK, "101", R.CLEAN)
        assert status_of(uow, "101") is R.RESERVED

    def test_clean_without_due_reservation_stays_clean(self):
        uow = FakeUnitOfWork([room("101", R.DIRTY)], [booking("B1", "101", 1, 2)])
        desk.housekeeping(uow, CLOCK, "101", R.CLEAN)
        assert status_of(uow, "101") is R.CLEAN

    def test_dirty_with_due_reservation_stays_dirty(self):
        uow = FakeUnitOfWork([room("101", R.RESERVED)], [booking("B1", "101", 0, 2)])
        desk.housekeeping(uow, CLOCK, "101", R.DIRTY)
        assert status_of(uow, "101") is R.DIRTY


class TestRunReconcile:
    def hotel(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(
            [room("101", R.OCCUPIED), room("102", R.AVAILABLE), room("103", R.RESERVED)],
            [booking("B1", "102", 0, 2)])

    def test_dry_run_reports_fixes_and_changes_nothing(self):
        uow = self.hotel()
        before = uow.state()
        report = desk.run_reconcile(uow, CLOCK, fix=False)
        assert [(f.room, f.after) for f in report.fixes] == [
            ("101", R.AVAILABLE), ("102", R.RESERVED), ("103", R.AVAILABLE)]
        assert not report.applied and not report.clean
        assert uow.state() == before

    def test_fix_applies_every_fix_and_leaves_nothing_to_fix(self):
        uow = self.hotel()
        report = desk.run_reconcile(uow, CLOCK, fix=True)
        assert report.applied and report.clean
        assert [status_of(uow, n) for n in ("101", "102", "103")] == [R.AVAILABLE, R.RESERVED, R.AVAILABLE]
        assert desk.run_reconcile(uow, CLOCK, fix=False).fixes == []


class TestFakeUnitOfWork:
    """The fake must behave like a store: uncommitted changes are discarded."""

    def test_leaving_without_commit_discards_changes(self):
        uow = FakeUnitOfWork([room("101")])
        with uow:
            desk.book(uow, CLOCK, "101", "Ann", day(0), day(1))
        assert uow.bookings.all() == []
        assert status_of(uow, "101") is R.AVAILABLE
        assert not uow.committed

    def test_committed_changes_survive_leaving(self):
        uow = FakeUnitOfWork([room("101")])
        with uow:
            desk.book(uow, CLOCK, "101", "Ann", day(0), day(1))
            uow.commit(["book"])
        assert len(uow.bookings.all()) == 1
        assert status_of(uow, "101") is R.RESERVED
        assert uow.committed and uow.history()[-1]["command"] == ["book"]
