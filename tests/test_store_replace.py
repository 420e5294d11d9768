"""`init --force` at the store level (SPEC §3): the replaced pair is kept in the data directory
as `rooms.json.replaced-STAMP` / `bookings.json.replaced-STAMP` (STAMP the commit's UTC time,
`-2`, `-3` within one second), as part of the commit: a crash leaves either no kept copy and
the old files, or the kept copy and the new files. The kept names are exposed (`uow.kept`)
and written in the audit entry.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import Crash, mark_dirty, snapshot, write_hotel

from roomsync.domain.model import Room, RoomStatus
from roomsync.storage import atomic
from roomsync.storage.json_store import JsonUnitOfWork

ROOMS: list[dict[str, Any]] = [
    {"number": "101", "status": "AVAILABLE", "floor": 1}, {"number": "102", "status": "CLEAN"},
]
BOOKINGS: list[dict[str, Any]] = [{"id": "B-000001", "room": "101", "guest": "Ada Lovelace",
                                   "arrival": "2026-11-27", "departure": "2026-11-29", "status": "Reserved"}]
AT = "2026-12-02T10:46:25Z"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_hotel(tmp_path / "data", ROOMS, BOOKINGS)


def replace(data: Path) -> JsonUnitOfWork:
    with JsonUnitOfWork(data, create=True) as uow:
        uow.replace_all([Room("201", RoomStatus.AVAILABLE)], [])
        uow.commit(["roomsync", "init", "--force"], at=AT)
    return uow


def test_the_replaced_pair_is_kept_byte_for_byte_and_named_in_the_audit(data: Path) -> None:
    old = snapshot(data)
    uow = replace(data)
    assert uow.kept == ["rooms.json.replaced-20261202T104625Z", "bookings.json.replaced-20261202T104625Z"]
    assert (data / uow.kept[0]).read_bytes() == old["rooms.json"]
    assert (data / uow.kept[1]).read_bytes() == old["bookings.json"]
    assert json.loads((data / "rooms.json").read_text()) == [{"number": "201", "status": "AVAILABLE"}]
    entry = json.loads((data / "audit.jsonl").read_text().splitlines()[-1])
    assert entry["replaced"] == uow.kept


def test_a_second_replacement_within_the_same_second_adds_2_then_3(data: Path) -> None:
    names = [replace(data).kept for _ in range(3)]
    assert [n[0] for n in names] == ["rooms.json.replaced-20261202T104625Z",
                                     "rooms.json.replaced-20261202T104625Z-2",
                                     "rooms.json.replaced-20261202T104625Z-3"]
    # The second kept copy is the hotel the first replacement made, not the original.
    assert json.loads((data / names[1][0]).read_text()) == [{"number": "201", "status": "AVAILABLE"}]


def test_only_the_files_that_exist_are_kept(data: Path) -> None:
    (data / "bookings.json").unlink()
    assert replace(data).kept == ["rooms.json.replaced-20261202T104625Z"]


def test_a_hotel_whose_files_no_longer_load_is_kept_too(data: Path) -> None:
    (data / "rooms.json").write_bytes(b'[{"number": "101", "status": "SPARKLING"}')
    uow = replace(data)
    assert (data / uow.kept[0]).read_bytes() == b'[{"number": "101", "status": "SPARKLING"}'


def test_a_plain_commit_keeps_nothing(data: Path) -> None:
    with JsonUnitOfWork(data) as uow:
        mark_dirty(uow)
        entry = uow.commit(["roomsync", "housekeeping", "102", "DIRTY"])
    assert uow.kept == [] and entry is not None and "replaced" not in entry
    assert not [p for p in data.iterdir() if ".replaced-" in p.name]


@pytest.mark.parametrize(("dies_in", "stands"), [("_append_audit", False), ("_finish", True)],
                         ids=["before-commit-point", "after-commit-point"])
def test_a_crash_leaves_no_kept_copy_and_the_old_pair_or_the_kept_copy_and_the_new_pair(
        data: Path, monkeypatch: pytest.MonkeyPatch, dies_in: str, stands: bool) -> None:
    old = snapshot(data)
    real = getattr(atomic, dies_in)

    def die(*args: object) -> None:  # before the audit line is appended, or just after it
        raise Crash()

    monkeypatch.setattr(atomic, dies_in, die)
    with pytest.raises(Crash):
        replace(data)
    monkeypatch.setattr(atomic, dies_in, real)
    with JsonUnitOfWork(data, read_only=True) as reader:  # recovery runs first
        numbers = [r.number for r in reader.rooms.all()]
    kept = sorted(p.name for p in data.iterdir() if ".replaced-" in p.name)
    after = snapshot(data)
    if stands:
        assert numbers == ["201"]
        assert kept == ["bookings.json.replaced-20261202T104625Z", "rooms.json.replaced-20261202T104625Z"]
        assert after[kept[1]] == old["rooms.json"] and after[kept[0]] == old["bookings.json"]
    else:
        assert numbers == ["101", "102"] and kept == []
        assert after == old
    assert not [name for name in after if name.startswith(".")], "temps or journal left behind"
