"""The sample hotel on the in-memory fake, and how a test runs an operation as the CLI does.

`sample()` is what `init --sample --today 2026-11-27` writes (the same `desk.init`), held by
a `FakeUnitOfWork`, so an operation test reads like a CLI test without a file or a process:

    101 Single RESERVED     GRACE CheckedOut T-10..T-7, KATHERINE Reserved T..T+3 (due),
                            FRANCES Reserved T+3..T+5
    102 Double AVAILABLE    103 Double AVAILABLE  KEN Reserved T+2..T+5
    104 Twin   AVAILABLE    EDSGER Cancelled T-3..T-1
    105 Single MAINTENANCE
    201 Double AVAILABLE    ALAN CheckedOut T-5..T-2, MARGARET Reserved T+1..T+4
    202 Double, 203 Twin AVAILABLE
    204 Single RESERVED     DONALD Reserved T..T+1 (due)
    205 Suite  AVAILABLE    RADIA Reserved T+5..T+9
    301 Suite  OCCUPIED     ADA CheckedIn T-2..T+2 (Ada Lovelace)
    302 Double AVAILABLE    BARBARA NoShow T-4..T-3
    303 Double AVAILABLE    JOHN Reserved T+7..T+10
    304 Twin   DIRTY        305 Suite AVAILABLE

`change()` runs one operation in one unit of work and commits it (exactly what the CLI's
`change_stay` does), returning the result and the commit's audit entry, so a test can check
that the rooms were re-derived in the same commit as the booking. `refuse()` checks a
refusal's code, that its message names what it must, that the operation touched nothing
before refusing, and that nothing was committed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from fakes import FakeStore, FakeUnitOfWork

from roomsync.domain.calendar import Clock
from roomsync.domain.model import Booking, BookingStatus, Room, RoomStatus
from roomsync.errors import RoomsyncError
from roomsync.operations import front_desk as desk

T = date(2026, 11, 27)
NOW = "2026-11-27T09:30:00Z"

GRACE, ALAN, EDSGER, BARBARA, ADA = "B-000001", "B-000002", "B-000003", "B-000004", "B-000005"
KATHERINE, DONALD, MARGARET, KEN, FRANCES = "B-000006", "B-000007", "B-000008", "B-000009", "B-000010"
JOHN, RADIA = "B-000011", "B-000012"
ROOM_NUMBERS = ["101", "102", "103", "104", "105", "201", "202", "203", "204", "205",
                "301", "302", "303", "304", "305"]

Entry = dict[str, Any]


def d(offset: int) -> date:
    """The day `offset` days after the sample's today."""
    return T + timedelta(days=offset)


def clock(offset: int = 0) -> Clock:
    """The clock of a command run `offset` days after T (its stamps are always NOW)."""
    return Clock(d(offset), NOW)


def sample() -> FakeUnitOfWork:
    """The demo hotel of `init --sample` dated T, committed on a fresh fake store."""
    uow = FakeUnitOfWork(store=FakeStore(), create=True)
    with uow:
        desk.init(uow, clock(), sample=True, force=False)
        uow.commit(["roomsync", "init", "--sample"], at=NOW)
    return uow


def hand_made(rooms: list[Room], bookings: list[Booking]) -> FakeUnitOfWork:
    """A hotel as a clerk's editor might leave it (overlaps, stale statuses and all)."""
    return FakeUnitOfWork(rooms, bookings)


def stay(booking_id: str, number: str, arrive: int, leave: int, status: BookingStatus = BookingStatus.RESERVED,
         **extra: Any) -> Booking:
    """A booking of room `number` from T+arrive to T+leave."""
    booking = Booking(booking_id, number, f"Guest {booking_id}", d(arrive), d(leave), status)
    booking.details = dict(extra)
    return booking


def rooms(*specs: tuple[str, RoomStatus]) -> list[Room]:
    return [Room(number, status) for number, status in specs]


def change(uow: FakeUnitOfWork, operation: Callable[..., Any], *args: Any, today: int = 0,
           **kwargs: Any) -> tuple[Any, Entry]:
    """Run `operation` and commit it as the CLI does: one unit of work, one audit entry."""
    before = len(uow.history())
    with uow:
        result = operation(uow, clock(today), *args, **kwargs)
        entry = uow.commit(["roomsync", operation.__name__], at=NOW)
    assert entry is not None, f"{operation.__name__} changed nothing"
    assert len(uow.history()) == before + 1
    return result, entry


def refuse(uow: FakeUnitOfWork, code: str, operation: Callable[..., Any], *args: Any, today: int = 0,
           names: tuple[str, ...] = (), **kwargs: Any) -> str:
    """The operation is refused with `code`, naming `names`, before it changed anything
    (what it holds is as before, checked before the unit of work rolls back) and with
    nothing committed."""
    before, committed = uow.state(), copy.deepcopy((uow.store.rooms, uow.store.bookings, uow.store.entries))
    with uow:
        with pytest.raises(RoomsyncError) as caught:
            operation(uow, clock(today), *args, **kwargs)
        held = uow.state()
    assert caught.value.code == code, caught.value.message
    assert held == before, f"refused {operation.__name__} changed the hotel before refusing"
    assert (uow.store.rooms, uow.store.bookings, uow.store.entries) == committed
    message = caught.value.message
    for name in names:
        assert name in message, f"{name!r} not named in {message!r}"
    return message


def status(uow: FakeUnitOfWork, number: str) -> RoomStatus:
    found = uow.rooms.get(number)
    assert found is not None, number
    return found.status


def booking_record(uow: FakeUnitOfWork, booking_id: str) -> dict[str, Any]:
    found = uow.bookings.get(booking_id)
    assert found is not None, booking_id
    return uow.bookings.stored(found)


def room_status_changes(entry: Entry) -> dict[str, str]:
    """Room number → new status, for every room status change the commit recorded."""
    return {c["room"]: c["new"] for c in entry["changes"] if "room" in c and c.get("field") == "status"}


def booking_changes(entry: Entry, booking_id: str) -> dict[str | None, Any]:
    """Field → new value for one booking's changes in the commit (None: added or removed)."""
    return {c["field"]: c["new"] for c in entry["changes"] if c.get("booking") == booking_id}


def reasons(entry: Entry) -> dict[str, str | None]:
    return {c["room"]: c.get("reason") for c in entry["changes"] if "room" in c}
