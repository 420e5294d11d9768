"""The store contract of `roomsync.storage.base`, checked by calling units of work and
repositories directly (no CLI), once for every store.

`UnitOfWorkContract` is inherited by one class per store (pimutils/vdirsyncer's shape):
the JSON store in a temp directory, PostgreSQL on a throwaway server, and the in-memory
fake of tests/fakes.py. A subclass provides `opener` (a fixture returning a function that
makes a unit of work on one fresh, empty store: `open(create=..., read_only=...)`),
`add_by_hand` (a booking written around roomsync, as a clerk's editor or psql would),
`break_the_next_write` (the next commit fails after it began writing) and `guards_overlaps`
(whether the store has a second line of defence that refuses overlapping active stays).

The seeded hotel is in a deliberately unsorted file order, with unknown fields placed
among the known ones, so that "file order" and "kept verbatim" cannot pass by accident.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from conftest import mark_dirty
from fakes import booking_from_record, replace_with, room_from_record

from roomsync.domain.model import Booking, BookingStatus, RoomStatus
from roomsync.errors import DataInvalid, Refused, WriteFailed
from roomsync.storage.base import CommitNotAllowed, UnitOfWork

T = date(2026, 11, 27)
Opener = Callable[..., UnitOfWork]


def d(offset: int) -> str:
    return (T + timedelta(days=offset)).isoformat()


ROOMS: list[dict[str, Any]] = [
    {"number": "102", "floor": 1, "status": "AVAILABLE", "type": "Double", "view": {"sea": True, "deck": [1, 2]}},
    {"number": "101", "status": "DIRTY"},
    {"status": "CLEAN", "number": "201", "type": "Suite", "note": "corner, ünïcode"},
]
BOOKINGS: list[dict[str, Any]] = [
    {"source": "phone", "id": "B-000005", "room": "101", "guest": "Ada", "arrival": d(1), "departure": d(3),
     "status": "Reserved"},
    {"id": "B-000002", "room": "102", "guest": "Grace", "arrival": d(-5), "departure": d(-2), "status": "CheckedOut"},
    {"id": "B-000007", "room": "101", "guest": "Alan", "arrival": d(-1), "departure": d(1), "status": "CheckedIn",
     "checked_in_at": "2026-11-26T15:00:00Z"},
    {"id": "B-000003", "room": "201", "guest": "Edsger", "arrival": d(0), "departure": d(2), "status": "Cancelled"},
    {"id": "B-000004", "room": "102", "guest": "Barbara", "arrival": d(5), "departure": d(7), "status": "Reserved",
     "notes": "late arrival", "rate": 1.5, "big": 10 ** 30},
]
ENTRY_KEYS = ["at", "user", "command", "changes", "booking_id_mark", "commit"]


def ids(bookings: list[Booking]) -> list[str]:
    return [b.id for b in bookings]


class UnitOfWorkContract:
    guards_overlaps = False

    @pytest.fixture
    def opener(self) -> Opener:  # pragma: no cover - every store's class provides it
        raise NotImplementedError

    @pytest.fixture(autouse=True)
    def _store(self, opener: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
        self.open = opener
        self.monkeypatch = monkeypatch

    def add_by_hand(self, record: dict[str, Any]) -> None:  # pragma: no cover
        raise NotImplementedError

    def break_the_next_write(self) -> None:  # pragma: no cover
        raise NotImplementedError

    # ------------------------------------------------------------------ helpers

    def seed(self) -> dict[str, Any]:
        with self.open(create=True) as uow:
            replace_with(uow, ROOMS, BOOKINGS)
            entry = uow.commit(["roomsync", "seed"])
        assert entry is not None
        return entry

    def snapshot(self) -> tuple[Any, ...]:
        """Everything a store holds, read through a fresh read-only unit of work."""
        with self.open(read_only=True) as uow:
            return ([(uow.rooms.stored(r), list(uow.rooms.stored(r))) for r in uow.rooms.all()],
                    [(uow.bookings.stored(b), list(uow.bookings.stored(b))) for b in uow.bookings.all()],
                    uow.history(), uow.id_mark())

    def next_id_of_a_fresh_unit_of_work(self) -> str:
        with self.open() as uow:
            return uow.bookings.next_id()

    # ------------------------------------------------------------------ exists, create

    def test_exists_is_false_until_a_hotel_is_committed_then_true_however_opened(self) -> None:
        with self.open(create=True) as uow:
            assert not uow.exists()
        with pytest.raises(DataInvalid):
            self.open().__enter__()
        self.seed()
        for options in ({}, {"create": True}, {"read_only": True}):
            with self.open(**options) as uow:
                assert uow.exists(), options

    # ------------------------------------------------------------------ reads, in file order

    def test_reads_give_every_record_in_file_order(self) -> None:
        self.seed()
        with self.open(read_only=True) as uow:
            assert [r.number for r in uow.rooms.all()] == ["102", "101", "201"]
            assert uow.rooms.get("201").type == "Suite" and uow.rooms.get("999") is None  # type: ignore[union-attr]
            assert ids(uow.bookings.all()) == ["B-000005", "B-000002", "B-000007", "B-000003", "B-000004"]
            assert uow.bookings.get("B-000002").guest == "Grace"  # type: ignore[union-attr]
            assert uow.bookings.get("B-999999") is None
            assert ids(uow.bookings.for_room("101")) == ["B-000005", "B-000007"]
            assert ids(uow.bookings.for_room("102")) == ["B-000002", "B-000004"]
            assert ids(uow.bookings.active()) == ["B-000005", "B-000007", "B-000004"]
            assert ids(uow.bookings.active_in("101")) == ["B-000005", "B-000007"]
            assert uow.bookings.active_in("201") == []
            assert ids(uow.bookings.touching(T, T)) == ["B-000005", "B-000007", "B-000003", "B-000004"]
            assert ids(uow.bookings.touching(T - timedelta(3), T - timedelta(3))) == [
                "B-000005", "B-000002", "B-000007", "B-000004"]

    def test_a_unit_of_work_hands_out_one_object_per_record(self) -> None:
        self.seed()
        with self.open() as uow:
            first = uow.bookings.get("B-000005")
            assert first is not None
            assert first in uow.bookings.for_room("101") and first in uow.bookings.active()
            assert uow.bookings.all()[0] is first
            assert uow.rooms.get("101") is uow.rooms.all()[1]

    def test_add_save_and_remove_are_seen_by_later_reads_in_file_order(self) -> None:
        self.seed()
        with self.open() as uow:
            # read first, so that whatever a store caches must follow the changes
            assert ids(uow.bookings.for_room("102")) == ["B-000002", "B-000004"]
            assert ids(uow.bookings.active_in("102")) == ["B-000004"]
            assert len(uow.bookings.all()) == 5 and len(uow.bookings.active()) == 3
            new = Booking(uow.bookings.next_id(), "201", "Walk In", T + timedelta(3), T + timedelta(4),
                          BookingStatus.RESERVED)
            uow.bookings.add(new)
            moved = uow.bookings.get("B-000005")
            assert moved is not None
            moved.room = "102"
            uow.bookings.save(moved)
            left = uow.bookings.get("B-000007")
            assert left is not None
            left.status = BookingStatus.CHECKED_OUT
            uow.bookings.save(left)
            reinstated = uow.bookings.get("B-000003")
            assert reinstated is not None
            reinstated.status = BookingStatus.RESERVED
            uow.bookings.save(reinstated)
            gone = uow.bookings.get("B-000002")
            assert gone is not None
            uow.bookings.remove(gone)
            room = uow.rooms.get("101")
            assert room is not None
            room.status = RoomStatus.CLEAN
            uow.rooms.save(room)

            def check(uow: UnitOfWork) -> None:
                assert ids(uow.bookings.all()) == ["B-000005", "B-000007", "B-000003", "B-000004", "B-000008"]
                assert ids(uow.bookings.for_room("102")) == ["B-000005", "B-000004"]
                assert ids(uow.bookings.for_room("101")) == ["B-000007"]
                assert ids(uow.bookings.for_room("201")) == ["B-000003", "B-000008"]
                assert ids(uow.bookings.active()) == ["B-000005", "B-000003", "B-000004", "B-000008"]
                assert ids(uow.bookings.active_in("102")) == ["B-000005", "B-000004"]
                assert uow.bookings.active_in("101") == []
                assert ids(uow.bookings.active_in("201")) == ["B-000003", "B-000008"]
                assert ids(uow.bookings.touching(T - timedelta(5), T - timedelta(5))) == [
                    "B-000005", "B-000003", "B-000004", "B-000008"]
                assert uow.bookings.get("B-000002") is None
                assert uow.bookings.get("B-000008").guest == "Walk In"  # type: ignore[union-attr]
                assert uow.rooms.get("101").status is RoomStatus.CLEAN  # type: ignore[union-attr]

            check(uow)
            assert uow.commit(["roomsync", "changes"]) is not None
        with self.open(read_only=True) as again:
            check(again)

    def test_rooms_added_and_removed_are_seen_in_file_order_and_audited(self) -> None:
        self.seed()
        with self.open() as uow:
            assert [r.number for r in uow.rooms.all()] == ["102", "101", "201"]  # read first: caches must follow
            uow.rooms.add(room_from_record({"number": "301", "status": "AVAILABLE", "floor": 3}))
            gone = uow.rooms.get("201")
            assert gone is not None
            uow.rooms.remove(gone)
            assert [r.number for r in uow.rooms.all()] == ["102", "101", "301"]
            assert uow.rooms.get("201") is None and uow.rooms.get("301") is not None
            entry = uow.commit(["roomsync", "room"])
        assert entry is not None
        assert [(c["room"], c["old"] is None, c["new"] is None) for c in entry["changes"]] == [
            ("201", False, True), ("301", True, False)]
        with self.open(read_only=True) as again:
            assert [again.rooms.stored(r) for r in again.rooms.all()][1:] == [
                {"number": "101", "status": "DIRTY"}, {"number": "301", "status": "AVAILABLE", "floor": 3}]
            assert ids(again.bookings.for_room("201")) == ["B-000003"]  # history keeps the number

    # ------------------------------------------------------------------ commit

    def test_leaving_without_commit_writes_nothing(self) -> None:
        self.seed()
        before = self.snapshot()
        with self.open() as uow:
            room = uow.rooms.get("102")
            assert room is not None
            room.status = RoomStatus.MAINTENANCE
            uow.rooms.save(room, "broken tap")
            uow.bookings.add(Booking(uow.bookings.next_id(), "102", "Never", T, T + timedelta(1),
                                     BookingStatus.RESERVED))
            uow.bookings.remove(uow.bookings.all()[0])
        assert self.snapshot() == before
        assert self.next_id_of_a_fresh_unit_of_work() == "B-000008", "an abandoned next_id raised the mark"
        with self.open(create=True) as uow:
            uow.replace_all([], [])
        assert self.snapshot() == before

    def test_a_commit_that_fails_after_it_began_writing_leaves_everything_as_it_was(self) -> None:
        self.seed()
        before = self.snapshot()
        with self.open() as uow:
            room = uow.rooms.get("101")
            assert room is not None
            room.status = RoomStatus.CLEAN
            uow.rooms.save(room)
            uow.bookings.remove(uow.bookings.get("B-000002"))  # type: ignore[arg-type]
            uow.bookings.add(Booking(uow.bookings.next_id(), "201", "Lost", T, T + timedelta(1),
                                     BookingStatus.RESERVED))
            self.break_the_next_write()
            with pytest.raises(WriteFailed):
                uow.commit(["roomsync", "doomed"])
        self.monkeypatch.undo()
        assert self.snapshot() == before

    def test_commit_returns_the_one_entry_it_wrote_with_every_change_old_to_new(self) -> None:
        self.seed()
        with self.open() as uow:
            room = uow.rooms.get("101")
            assert room is not None
            room.status = RoomStatus.CLEAN
            uow.rooms.save(room, "housekeeping")
            uow.rooms.save(room)  # a later save without a reason keeps the reason
            renamed = uow.bookings.get("B-000004")
            assert renamed is not None
            renamed.guest = "Barbara L."
            uow.bookings.save(renamed)
            uow.bookings.remove(uow.bookings.get("B-000003"))  # type: ignore[arg-type]
            new = Booking(uow.bookings.next_id(), "201", "Walk In", T, T + timedelta(1), BookingStatus.RESERVED)
            uow.bookings.add(new)
            entry = uow.commit(["roomsync", "several"], at="2026-11-27T10:00:00Z")
        assert entry is not None
        assert list(entry) == ENTRY_KEYS
        assert (entry["at"], entry["command"], entry["booking_id_mark"]) == (
            "2026-11-27T10:00:00Z", ["roomsync", "several"], 8)
        assert entry["user"] and re.fullmatch(r"[0-9a-f]{32}", entry["commit"])
        assert entry["changes"] == [
            {"room": "101", "field": "status", "old": "DIRTY", "new": "CLEAN", "reason": "housekeeping"},
            {"booking": "B-000003", "field": None, "old": BOOKINGS[3], "new": None},
            {"booking": "B-000004", "field": "guest", "old": "Barbara", "new": "Barbara L."},
            {"booking": "B-000008", "field": None, "old": None,
             "new": {"id": "B-000008", "room": "201", "guest": "Walk In", "arrival": d(0), "departure": d(1),
                     "status": "Reserved"}},
        ]
        with self.open(read_only=True) as uow:
            history = uow.history()
        assert len(history) == 2 and history[-1] == entry

    def test_commit_is_stamped_with_the_wall_clock_when_no_time_is_given(self) -> None:
        entry = self.seed()
        stamped = datetime.strptime(entry["at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        assert abs((datetime.now(UTC) - stamped).total_seconds()) < 60

    def test_commit_with_nothing_changed_returns_none_and_writes_no_entry(self) -> None:
        self.seed()
        before = self.snapshot()
        with self.open() as uow:
            room = uow.rooms.get("101")
            assert room is not None
            uow.rooms.save(room, "looked at it")  # saved, but nothing differs
            uow.bookings.all()
            assert uow.commit(["roomsync", "nothing"]) is None
        assert self.snapshot() == before

    def test_commit_with_the_callers_change_list_audits_that_list_and_writes_every_record(self) -> None:
        """`batch` lists every line's changes: a booking added and removed again in one unit
        of work changes no record, yet the commit happens and its id stays issued."""
        self.seed()
        with self.open() as uow:
            made = Booking(uow.bookings.next_id(), "201", "Zoë", T, T + timedelta(1), BookingStatus.RESERVED)
            uow.bookings.add(made)
            uow.bookings.remove(made)
            room = uow.rooms.get("101")
            assert room is not None
            room.status = RoomStatus.CLEAN
            uow.rooms.save(room, "Housekeeping")
            listed = [{"booking": made.id, "field": None, "old": None, "new": uow.bookings.stored(made), "line": 1},
                      {"booking": made.id, "field": None, "old": uow.bookings.stored(made), "new": None, "line": 2},
                      {"room": "101", "field": "status", "old": "DIRTY", "new": "CLEAN", "line": 3}]
            entry = uow.commit(["roomsync", "batch"], changes=listed)
        assert entry is not None and entry["changes"] == listed and entry["booking_id_mark"] == 8
        rooms, bookings, history, mark = self.snapshot()
        assert history[-1]["changes"] == listed and mark == 8
        assert next(r for r, _ in rooms if r["number"] == "101")["status"] == "CLEAN"
        assert "B-000008" not in [b["id"] for b, _ in bookings]
        assert self.next_id_of_a_fresh_unit_of_work() == "B-000009"

    def test_one_unit_of_work_commits_once(self) -> None:
        self.seed()
        with self.open() as uow:
            room = uow.rooms.get("101")
            assert room is not None
            room.status = RoomStatus.CLEAN
            uow.rooms.save(room)
            assert uow.commit(["roomsync", "first"]) is not None
            assert uow.commit(["roomsync", "again"]) is None
            room.status = RoomStatus.DIRTY
            uow.rooms.save(room)
            with pytest.raises(CommitNotAllowed):
                uow.commit(["roomsync", "second"])
        assert [e["command"][1] for e in self.snapshot()[2]] == ["seed", "first"]

    def test_a_read_only_unit_of_work_reads_but_never_commits_a_change(self) -> None:
        self.seed()
        before = self.snapshot()
        with self.open(read_only=True) as uow:
            assert len(uow.bookings.all()) == 5
            assert uow.commit(["roomsync", "rooms"]) is None
            mark_dirty(uow)
            with pytest.raises(CommitNotAllowed):
                uow.commit(["roomsync", "housekeeping"])
        assert self.snapshot() == before

    def test_history_is_every_entry_oldest_first(self) -> None:
        self.seed()
        for name in ("first", "second"):
            with self.open() as uow:
                booking = uow.bookings.get("B-000004")
                assert booking is not None
                booking.guest = name
                uow.bookings.save(booking)
                uow.commit(["roomsync", name])
        with self.open(read_only=True) as uow:
            assert [e["command"][1] for e in uow.history()] == ["seed", "first", "second"]

    def test_the_store_holds_an_overlap_it_is_given_or_refuses_the_whole_commit(self) -> None:
        self.seed()
        before = self.snapshot()
        with self.open() as uow:
            room = uow.rooms.get("101")
            assert room is not None
            room.status = RoomStatus.RESERVED
            uow.rooms.save(room)
            clash = Booking(uow.bookings.next_id(), "101", "Twin", T + timedelta(2), T + timedelta(4),
                            BookingStatus.RESERVED)
            uow.bookings.add(clash)
            if self.guards_overlaps:
                with pytest.raises(Refused) as refused:
                    uow.commit(["roomsync", "clash"])
                assert refused.value.code == "DOUBLE_BOOKING"
            else:
                assert uow.commit(["roomsync", "clash"]) is not None
        if self.guards_overlaps:
            assert self.snapshot() == before
        else:
            with self.open(read_only=True) as uow:
                assert ids(uow.bookings.active_in("101")) == ["B-000005", "B-000007", "B-000008"]

    # ------------------------------------------------------------------ booking ids

    def test_next_id_never_reissues_a_deleted_bookings_id(self) -> None:
        self.seed()
        with self.open() as uow:
            uow.bookings.remove(uow.bookings.get("B-000007"))  # type: ignore[arg-type]
            uow.commit(["roomsync", "delete"])
        assert self.next_id_of_a_fresh_unit_of_work() == "B-000008"

    def test_a_hand_added_higher_id_counts_and_stays_counted_after_roomsync_removes_it(self) -> None:
        self.seed()
        self.add_by_hand({"id": "B-000100", "room": "201", "guest": "By Hand", "arrival": d(-30),
                          "departure": d(-28), "status": "CheckedOut"})
        with self.open() as uow:
            assert uow.id_mark() == 100
            issued = uow.bookings.next_id()
            assert issued != "B-000100" and int(issued[2:]) > 7
        with self.open() as uow:
            uow.bookings.remove(uow.bookings.get("B-000100"))  # type: ignore[arg-type]
            entry = uow.commit(["roomsync", "delete"])
        assert entry is not None and entry["booking_id_mark"] == 100
        assert self.next_id_of_a_fresh_unit_of_work() == "B-000101"

    def test_id_mark_is_the_highest_number_issued_and_moves_only_with_a_commit(self) -> None:
        self.seed()
        with self.open() as uow:
            assert uow.id_mark() == 7
            uow.bookings.add(Booking(uow.bookings.next_id(), "201", "New", T, T + timedelta(1),
                                     BookingStatus.RESERVED))
            assert uow.id_mark() == 8
        with self.open() as uow:
            assert uow.id_mark() == 7
            uow.bookings.add(Booking(uow.bookings.next_id(), "201", "New", T, T + timedelta(1),
                                     BookingStatus.RESERVED))
            uow.commit(["roomsync", "book"])
        with self.open(read_only=True) as uow:
            assert uow.id_mark() == 8

    # ------------------------------------------------------------------ replace_all, adopt_history

    def test_replace_all_holds_exactly_the_new_hotel_keeps_the_trail_and_the_mark(self) -> None:
        self.seed()
        with self.open(create=True) as uow:
            uow.bookings.all()
            uow.rooms.all()
            uow.replace_all([room_from_record({"number": "301", "status": "AVAILABLE"})],
                            [booking_from_record({"id": "B-000002", "room": "301", "guest": "Back",
                                                  "arrival": d(1), "departure": d(2), "status": "Reserved"})])
            assert [r.number for r in uow.rooms.all()] == ["301"] and uow.rooms.get("101") is None
            assert ids(uow.bookings.all()) == ["B-000002"] and uow.bookings.get("B-000005") is None
            assert uow.bookings.for_room("101") == [] and ids(uow.bookings.active_in("301")) == ["B-000002"]
            entry = uow.commit(["roomsync", "init", "--force"])
        assert entry is not None
        assert entry["changes"] == [{"hotel": "replaced", "field": None, "old": {"rooms": 3, "bookings": 5},
                                     "new": {"rooms": 1, "bookings": 1}}]
        with self.open(read_only=True) as uow:
            assert [r.number for r in uow.rooms.all()] == ["301"]
            assert ids(uow.bookings.all()) == ["B-000002"]
            assert [e["command"][1:] for e in uow.history()] == [["seed"], ["init", "--force"]]
        assert self.next_id_of_a_fresh_unit_of_work() == "B-000008", "replace_all lowered the id mark"

    def test_adopting_a_trail_twice_leaves_one_copy_and_raises_the_mark(self) -> None:
        trail = [{"at": "2026-01-01T00:00:00Z", "user": "ann", "command": ["roomsync", "book"], "changes": [],
                  "booking_id_mark": 40, "commit": "0" * 32}]
        for _ in range(2):
            with self.open(create=True) as uow:
                replace_with(uow, ROOMS, BOOKINGS)
                uow.adopt_history(trail, 40)
                uow.commit(["roomsync", "import"])
        with self.open(read_only=True) as uow:
            assert [e["command"][1] for e in uow.history()] == ["book", "import", "import"]
            assert uow.history()[0] == trail[0]
            assert uow.id_mark() == 40
        assert self.next_id_of_a_fresh_unit_of_work() == "B-000041"

    def test_a_trail_is_adopted_only_into_an_empty_one(self) -> None:
        self.seed()
        with self.open(create=True) as uow:
            uow.replace_all([], [])
            uow.adopt_history([{"command": ["roomsync", "elsewhere"], "changes": []}], 3)
            uow.commit(["roomsync", "import", "--replace"])
        with self.open(read_only=True) as uow:
            assert [e["command"][1] for e in uow.history()] == ["seed", "import"]
            assert uow.id_mark() == 7, "the mark never decreases"

    # ------------------------------------------------------------------ records kept verbatim

    def test_unknown_fields_and_key_order_survive_a_round_trip(self) -> None:
        self.seed()
        with self.open(read_only=True) as uow:
            assert [(uow.rooms.stored(r), list(uow.rooms.stored(r))) for r in uow.rooms.all()] == [
                (r, list(r)) for r in ROOMS]
            assert [(uow.bookings.stored(b), list(uow.bookings.stored(b))) for b in uow.bookings.all()] == [
                (b, list(b)) for b in BOOKINGS]
        with self.open() as uow:
            room = uow.rooms.get("201")
            booking = uow.bookings.get("B-000004")
            assert room is not None and booking is not None
            room.status = RoomStatus.DIRTY
            uow.rooms.save(room)
            booking.stamp("updated_at", "2026-11-27T10:00:00Z")
            booking.guest = "Barbara L."
            uow.bookings.save(booking)
            uow.commit(["roomsync", "stamp"])
        with self.open(read_only=True) as uow:
            rooms = [uow.rooms.stored(r) for r in uow.rooms.all()]
            bookings = [uow.bookings.stored(b) for b in uow.bookings.all()]
        assert rooms[:2] == ROOMS[:2] and list(rooms[2]) == list(ROOMS[2])
        assert rooms[2] == {**ROOMS[2], "status": "DIRTY"}
        assert bookings[:4] == BOOKINGS[:4]
        assert list(bookings[4]) == [*BOOKINGS[4], "updated_at"]
        assert bookings[4] == {**BOOKINGS[4], "guest": "Barbara L.", "updated_at": "2026-11-27T10:00:00Z"}
        assert isinstance(bookings[4]["rate"], float) and bookings[4]["big"] == 10 ** 30
