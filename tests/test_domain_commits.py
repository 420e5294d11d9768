"""One owner for commits: no operation commits; the caller's one unit of work does (or, for
a dry run, leaves without commit and nothing is written). Checked on the in-memory fake."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from fakes import FakeUnitOfWork

from roomsync.domain.calendar import Clock
from roomsync.domain.model import Booking, BookingStatus, Room, RoomStatus
from roomsync.operations import front_desk as desk
from roomsync.operations import stay_changes as ops
from roomsync.operations import transfer

TODAY = date(2026, 11, 27)
CLOCK = Clock(TODAY, "2026-11-27T09:30:00Z")
B = BookingStatus


def small_hotel() -> FakeUnitOfWork:
    rooms = [Room("101", RoomStatus.AVAILABLE, "Double"), Room("102", RoomStatus.OCCUPIED, "Double"),
             Room("103", RoomStatus.CLEAN)]
    bookings = [Booking("B-000001", "101", "Due", TODAY, date(2026, 11, 29), B.RESERVED),
                Booking("B-000002", "102", "Late", date(2026, 11, 25), date(2026, 11, 30), B.RESERVED),
                Booking("B-000003", "103", "Back", date(2026, 12, 20), date(2026, 12, 22), B.CANCELLED)]
    return FakeUnitOfWork(rooms, bookings)


OPERATIONS: dict[str, Callable[[FakeUnitOfWork], object]] = {
    "book": lambda uow: desk.book(uow, CLOCK, "101", "G", date(2026, 12, 5), nights=2),
    "book --type": lambda uow: ops.book_by_type(uow, CLOCK, "double", "G", date(2026, 12, 5), nights=2),
    "checkin": lambda uow: desk.check_in(uow, CLOCK, "101"),
    "walk-in": lambda uow: desk.walk_in(uow, CLOCK, "103", "W", 1),
    "cancel": lambda uow: desk.cancel(uow, CLOCK, "B-000001"),
    "housekeeping": lambda uow: desk.housekeeping(uow, CLOCK, "101", RoomStatus.DIRTY),
    "reconcile --fix": lambda uow: desk.run_reconcile(uow, CLOCK, fix=True),
    "amend": lambda uow: ops.amend(uow, CLOCK, "B-000001", nights=1),
    "move": lambda uow: ops.move(uow, CLOCK, "B-000001", "103"),
    "reinstate": lambda uow: ops.reinstate(uow, CLOCK, "B-000003"),
    "night-audit": lambda uow: ops.night_audit(uow, CLOCK),
    "init": lambda uow: desk.init(uow, CLOCK, sample=True, force=True),
    "import": lambda uow: transfer.import_hotel(FakeUnitOfWork([Room("301", RoomStatus.CLEAN)]), uow, replace=True),
    "export": lambda uow: transfer.export_hotel(FakeUnitOfWork([Room("301", RoomStatus.CLEAN)]), uow, force=True),
}


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_no_operation_commits_and_leaving_without_commit_writes_nothing(name: str) -> None:
    uow = small_hotel()
    before = uow.state()
    with uow:
        OPERATIONS[name](uow)
        assert not uow.committed, f"{name} committed by itself"
        assert uow.history() == []
        changed = uow.state() != before
    assert changed, f"{name} changed nothing to commit"
    assert uow.state() == before  # the caller left without commit: nothing written


def test_import_is_committed_once_by_its_caller_with_the_source_history() -> None:
    source, target = small_hotel(), FakeUnitOfWork(exists=False, create=True)
    with source:
        ops.amend(source, CLOCK, "B-000001", guest="Renamed")
        source.commit(["roomsync", "amend"])
    with source, target:
        assert transfer.import_hotel(source, target, replace=False) == (3, 3)
        target.commit(["roomsync", "import"])
    assert [entry["command"] for entry in target.history()] == [["roomsync", "amend"], ["roomsync", "import"]]
    assert target.state() == source.state()
