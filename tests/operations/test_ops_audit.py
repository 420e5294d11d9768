"""`reconcile` and the SPEC §7 night audit on the sample hotel, called on the in-memory fake:
what they find, that a dry run changes nothing, and that the audit's no-shows and its room
fixes are one commit."""

from __future__ import annotations

import pytest

from roomsync.domain.model import BookingStatus, RoomStatus
from roomsync.operations import front_desk as desk
from roomsync.operations import stay_changes as ops

from .hotel import (
    ADA,
    DONALD,
    FRANCES,
    JOHN,
    KATHERINE,
    KEN,
    MARGARET,
    RADIA,
    booking_changes,
    booking_record,
    change,
    clock,
    d,
    hand_made,
    reasons,
    refuse,
    room_status_changes,
    rooms,
    sample,
    status,
    stay,
)

RS, BS = RoomStatus, BookingStatus

# --------------------------------------------------------------------------- reconcile


def test_reconcile_on_a_later_day_reports_fixes_and_late_arrivals_and_changes_nothing() -> None:
    uow = sample()
    before = uow.state()
    with uow:
        report = desk.run_reconcile(uow, clock(1), fix=False)
        assert uow.state() == before
    assert (report.checked, report.applied, report.clean) == (15, False, False)
    assert {(f.room, f.before.value, f.after.value) for f in report.fixes} == {
        ("201", "AVAILABLE", "RESERVED"), ("204", "RESERVED", "AVAILABLE")}
    assert report.problems == []
    assert {(w.code, tuple(w.bookings)) for w in report.warnings} == {
        ("LATE_ARRIVAL", (KATHERINE,)), ("LATE_ARRIVAL", (DONALD,))}


def test_reconcile_fix_repairs_every_room_in_one_commit_with_its_reason() -> None:
    uow = sample()
    report, entry = change(uow, desk.run_reconcile, fix=True, today=1)
    assert report.applied and len(report.fixes) == 2
    assert room_status_changes(entry) == {"201": "RESERVED", "204": "AVAILABLE"}
    assert reasons(entry)["204"] == "No active reservations found" and reasons(entry)["201"]
    with uow:
        again = desk.run_reconcile(uow, clock(1), fix=False)
    assert again.fixes == [] and again.problems == [] and len(again.warnings) == 2


def test_an_overstay_is_a_warning_and_meeting_a_later_reservation_a_double_booking_problem() -> None:
    uow = sample()
    made, _ = change(uow, desk.book, "301", "Next Guest", d(2), nights=3)
    with uow:
        report = desk.run_reconcile(uow, clock(3), fix=False)
    assert ("OVERSTAY", (ADA,)) in {(w.code, tuple(w.bookings)) for w in report.warnings}
    assert [(p.code, p.room, sorted(p.bookings)) for p in report.problems] == [
        ("DOUBLE_BOOKING", "301", sorted([ADA, made.booking.id]))]
    refuse(uow, "ROOM_OCCUPIED", desk.check_in, "301", today=3)


# --------------------------------------------------------------------------- night audit


def test_night_audit_on_a_clean_day_closes_yesterday_and_changes_nothing() -> None:
    uow = sample()
    before = uow.state()
    with uow:
        audit = ops.night_audit(uow, clock())
        assert uow.state() == before
    assert audit.closed_day == d(-1) and audit.no_shows == [] and audit.overstays == []
    assert audit.reconcile.fixes == [] and audit.reconcile.checked == 15 and audit.clean
    assert (audit.arrivals, audit.departures, audit.in_house) == (2, 0, 1)
    assert audit.occupancy == pytest.approx(3 / 14)


def test_night_audit_marks_late_reservations_no_shows_and_fixes_rooms_in_one_commit() -> None:
    uow = sample()
    audit, entry = change(uow, ops.night_audit, today=1)
    assert audit.closed_day == d(0) and audit.no_shows == [KATHERINE, DONALD]
    assert [(f.room, f.before.value, f.after.value) for f in audit.reconcile.fixes] == [
        ("101", "RESERVED", "AVAILABLE"), ("201", "AVAILABLE", "RESERVED"), ("204", "RESERVED", "AVAILABLE")]
    assert audit.reconcile.problems == [] and audit.reconcile.warnings == [] and audit.overstays == []
    assert (audit.arrivals, audit.departures, audit.in_house) == (1, 0, 1)
    assert audit.occupancy == pytest.approx(2 / 14)
    assert room_status_changes(entry) == {"101": "AVAILABLE", "201": "RESERVED", "204": "AVAILABLE"}
    assert booking_changes(entry, KATHERINE)["status"] == booking_changes(entry, DONALD)["status"] == "NoShow"
    with uow:
        assert ops.night_audit(uow, clock(1)).no_shows == []
        assert desk.run_reconcile(uow, clock(1), fix=False).clean


def test_night_audit_reports_overstays_and_never_checks_them_out() -> None:
    uow = sample()
    audit, _ = change(uow, ops.night_audit, today=4)
    assert audit.overstays == [ADA] and audit.in_house == 1
    assert audit.no_shows == [KATHERINE, DONALD, MARGARET, KEN, FRANCES]
    assert [w.code for w in audit.reconcile.warnings] == ["OVERSTAY"]
    assert booking_record(uow, ADA)["status"] == "CheckedIn" and status(uow, "301") is RS.OCCUPIED
    with uow:
        again = ops.night_audit(uow, clock(4))
    assert (again.overstays, again.no_shows, again.clean) == ([ADA], [], True)


def test_night_audit_counts_the_departures_and_arrivals_of_today() -> None:
    with (uow := sample()):
        audit = ops.night_audit(uow, clock(2))
    assert (audit.departures, audit.arrivals, audit.overstays) == (1, 1, [])   # ADA leaves, KEN arrives


def test_night_audit_with_a_problem_still_applies_and_is_not_clean() -> None:
    uow = hand_made(rooms(("101", RS.MAINTENANCE), ("102", RS.RESERVED)), [
        stay("B-1", "101", 0, 2), stay("B-2", "102", -2, 1)])       # B-1 due in a closed room: a problem
    audit, entry = change(uow, ops.night_audit)
    assert audit.no_shows == ["B-2"] and [p.code for p in audit.reconcile.problems] == ["ROOM_OUT_OF_SERVICE"]
    assert not audit.clean and room_status_changes(entry) == {"102": "AVAILABLE"}


@pytest.mark.parametrize(("hotel_rooms", "bookings", "no_shows", "fixed"), [
    ([("101", RS.OCCUPIED)], [], [], ["101"]),                                 # only a status to fix
    ([("101", RS.AVAILABLE)], [stay("B-1", "101", -7, -5)], ["B-1"], []),      # only a late reservation
])
def test_night_audit_with_anything_to_do_is_not_clean_until_applied(
        hotel_rooms: list[tuple[str, RoomStatus]], bookings: list[object], no_shows: list[str],
        fixed: list[str]) -> None:
    uow = hand_made(rooms(*hotel_rooms), bookings)  # type: ignore[arg-type]
    with uow:
        audit = ops.night_audit(uow, clock())
    assert audit.no_shows == no_shows and [f.room for f in audit.reconcile.fixes] == fixed
    assert not audit.clean
    audit.reconcile.applied = True
    assert audit.clean


def test_a_dry_run_and_the_real_night_audit_agree() -> None:
    uow = sample()
    with uow:
        dry = ops.night_audit(uow, clock(3))
    real, _ = change(uow, ops.night_audit, today=3)
    assert dry.no_shows == real.no_shows == [KATHERINE, DONALD, MARGARET, KEN]
    assert [(f.room, f.after) for f in dry.reconcile.fixes] == [(f.room, f.after) for f in real.reconcile.fixes]
    assert (dry.overstays, dry.arrivals, dry.departures, dry.in_house, dry.occupancy) == (
        real.overstays, real.arrivals, real.departures, real.in_house, real.occupancy)
    assert JOHN not in real.no_shows and RADIA not in real.no_shows
