"""What only the JSON store adds to channels: `channels.json` as a hand-editable file (checked
field by field, read only when asked for, in the commit's concurrent-edit check) and the
fetch cache file that may be lost or damaged at no cost but a full download."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fakes import replace_with

from roomsync.domain.channels import Channel
from roomsync.errors import ConcurrentEdit, DataInvalid
from roomsync.storage.json_store import JsonUnitOfWork

from .contract_uow import BOOKINGS, ROOMS

GOOD = {"name": "booking", "room": "101", "url": "https://x.example/a.ics", "cancel_after": "12h", "conflicts": []}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    with JsonUnitOfWork(tmp_path, create=True) as uow:
        replace_with(uow, ROOMS, BOOKINGS)
        uow.commit(["roomsync", "seed"])
    return tmp_path


def write_channels(data: Path, records: Any) -> None:
    (data / "channels.json").write_text(json.dumps(records, indent=2))


@pytest.mark.parametrize(("records", "where"), [
    ([{**GOOD, "name": "Booking.com"}], "record 1 (channel Booking.com): name"),
    ([GOOD, dict(GOOD)], "record 2 (channel booking): name: duplicate"),
    ([{k: v for k, v in GOOD.items() if k != "room"}], "record 1 (channel booking): room: is missing"),
    ([{**GOOD, "url": 7}], "record 1 (channel booking): url"),
    ([{**GOOD, "cancel_after": "12 hours"}], "record 1 (channel booking): cancel_after"),
    ([{**GOOD, "cancel_after": 3600}], "record 1 (channel booking): cancel_after"),
    ([{**GOOD, "conflicts": {}}], "record 1 (channel booking): conflicts"),
    (["booking"], "record 1: must be a JSON object"),
    ({"booking": GOOD}, "top level must be a JSON array"),
])
def test_a_malformed_channels_file_is_invalid_data_naming_file_record_and_field(
        data: Path, records: Any, where: str) -> None:
    write_channels(data, records)
    with JsonUnitOfWork(data, read_only=True) as uow, pytest.raises(DataInvalid) as raised:
        uow.channels.all()
    assert raised.value.message.startswith("channels.json: ")
    assert where in raised.value.message


def test_channels_json_is_read_only_when_channels_are_asked_for(data: Path) -> None:
    (data / "channels.json").write_text("[{not json")
    with JsonUnitOfWork(data) as uow:
        room = uow.rooms.get("101")
        assert room is not None
        uow.rooms.save(room, "by hand")
        booking = uow.bookings.get("B-000005")
        assert booking is not None
        booking.guest = "Ada L."
        uow.bookings.save(booking)
        assert uow.commit(["roomsync", "amend"]) is not None
    assert (data / "channels.json").read_text() == "[{not json"


def test_a_missing_channels_file_is_no_channel_and_the_first_add_creates_it_pretty(data: Path) -> None:
    with JsonUnitOfWork(data) as uow:
        assert uow.channels.all() == []
        uow.channels.add(Channel("booking", "101", "https://x.example/a.ics"))
        uow.commit(["roomsync", "channel", "add"])
    text = (data / "channels.json").read_text()
    assert json.loads(text) == [GOOD]
    assert text.startswith('[\n  {\n    "name": "booking",') and text.endswith("]\n")


def test_hand_edited_spelling_and_unknown_fields_are_kept_on_rewrite(data: Path) -> None:
    write_channels(data, [{"note": "listing 42", **GOOD, "cancel_after": "720m"}, {**GOOD, "name": "vrbo"}])
    with JsonUnitOfWork(data) as uow:
        channel = uow.channels.get("vrbo")
        assert channel is not None
        channel.conflicts = [{"code": "CHANNEL_CONFLICT"}]
        uow.channels.save(channel)
        uow.commit(["roomsync", "sync"])
    first = json.loads((data / "channels.json").read_text())[0]
    assert list(first) == ["note", "name", "room", "url", "cancel_after", "conflicts"]
    assert first["cancel_after"] == "720m"


def test_channels_edited_by_hand_during_a_command_refuse_the_commit(data: Path) -> None:
    write_channels(data, [GOOD])
    with JsonUnitOfWork(data) as uow:
        channel = uow.channels.get("booking")
        assert channel is not None
        channel.conflicts = [{"code": "CHANNEL_CONFLICT"}]
        uow.channels.save(channel)
        write_channels(data, [GOOD, {**GOOD, "name": "vrbo"}])
        with pytest.raises(ConcurrentEdit):
            uow.commit(["roomsync", "sync"])
    assert [c["name"] for c in json.loads((data / "channels.json").read_text())] == ["booking", "vrbo"]


@pytest.mark.parametrize("content", [b"", b"{broken", b"[1, 2]", b"\xff\xfe"])
def test_a_lost_or_damaged_fetch_cache_reads_as_empty(data: Path, content: bytes) -> None:
    (data / ".roomsync-channels.json").write_bytes(content)
    with JsonUnitOfWork(data, read_only=True) as uow:
        assert uow.fetch_state() == {}


def test_the_fetch_cache_is_written_whole_without_leftovers(data: Path) -> None:
    with JsonUnitOfWork(data) as uow:
        uow.store_fetch_state({"booking": {"etag": "v1", "body": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"}})
    assert json.loads((data / ".roomsync-channels.json").read_text())["booking"]["etag"] == "v1"
    assert [p.name for p in data.iterdir() if "roomsync-tmp" in p.name] == []


def test_the_fetch_cache_takes_the_mode_of_the_data_files_so_the_team_shares_it(data: Path) -> None:
    for name in ("rooms.json", "bookings.json"):
        (data / name).chmod(0o660)
    with JsonUnitOfWork(data) as uow:
        uow.store_fetch_state({"booking": {"etag": "v1"}})
    assert (data / ".roomsync-channels.json").stat().st_mode & 0o777 == 0o660
