"""The sync as a whole on the fake store, with file feeds: every good fetch in one commit, a
second pass for stays a later channel freed (that never judges a missing stay twice), the
fetch cache, and a failed fetch changing nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fakes import FakeStore, FakeUnitOfWork, booking_from_record

from roomsync.domain.calendar import Clock
from roomsync.domain.channels import Channel
from roomsync.operations.sync import stale_warnings, sync, url_key
from roomsync.storage import mapping

TODAY = date(2026, 11, 27)
CLOCK = Clock(TODAY, "2026-11-27T09:30:00Z")


def calendar(*events: tuple[str, str, str]) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART;VALUE=DATE:{start}\r\nDTEND;VALUE=DATE:{end}\r\n"
                   f"SUMMARY:Reserved\r\nEND:VEVENT\r\n" for uid, start, end in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{body}END:VCALENDAR\r\n".encode()


def hotel(tmp_path: Path, *channels: tuple[str, bytes, str], bookings: list[dict[str, Any]] | None = None) -> FakeStore:
    """A fake store with room 101 and one channel per (name, feed body, cancel_after)."""
    store = FakeStore(rooms=[{"number": "101", "status": "AVAILABLE"}], bookings=bookings or [], exists=True)
    for name, body, cancel_after in channels:
        path = tmp_path / f"{name}.ics"
        path.write_bytes(body)
        store.channels.append(mapping.channel_record(Channel(name, "101", str(path))) | {"cancel_after": cancel_after})
    return store


def opener(store: FakeStore) -> Any:
    def open_(*, read_only: bool = False, channels_only: bool = False) -> FakeUnitOfWork:
        return FakeUnitOfWork(store=store, read_only=read_only or channels_only)
    return open_


def imported(booking_id: str, channel: str, uid: str, start: str, end: str) -> dict[str, Any]:
    record = mapping.booking_record(booking_from_record({"id": booking_id, "room": "101", "guest": "x",
                                                         "arrival": start, "departure": end, "status": "Reserved"}))
    return {**record, "channel": channel, "channel_uid": uid}


def test_a_stay_freed_by_a_later_channel_is_taken_in_the_same_sync(tmp_path: Path) -> None:
    # vrbo's feed drops its stay (cancelled at once: 0s grace, second fetch) and airbnb wants those nights
    store = hotel(tmp_path, ("airbnb", calendar(("a@airbnb", "20261203", "20261205")), "12h"),
                  ("vrbo", calendar(), "0s"),
                  bookings=[imported("B-000001", "vrbo", "v@vrbo", "2026-12-03", "2026-12-05")
                            | {"channel_missing_since": "2026-11-26T09:00:00Z"}])
    result = sync(opener(store), CLOCK, ["roomsync", "sync"])
    airbnb, vrbo = result.channels
    assert vrbo["cancelled"] == ["B-000001"]
    assert len(airbnb["created"]) == 1 and airbnb["conflicts"] == []
    assert result.exit_code == 0 and len(store.entries) == 1
    assert store.channels[0]["conflicts"] == []


def test_the_second_pass_does_not_judge_a_missing_stay_twice(tmp_path: Path) -> None:
    # airbnb's own missing stay (grace 0s) is only marked missing, though airbnb is applied twice
    store = hotel(tmp_path, ("airbnb", calendar(("a@airbnb", "20261203", "20261205")), "0s"),
                  ("vrbo", calendar(), "0s"),
                  bookings=[imported("B-000001", "vrbo", "v@vrbo", "2026-12-03", "2026-12-05")
                            | {"channel_missing_since": "2026-11-26T09:00:00Z"},
                            imported("B-000002", "airbnb", "gone@airbnb", "2026-12-10", "2026-12-12")])
    result = sync(opener(store), CLOCK, ["roomsync", "sync"])
    airbnb = result.channels[0]
    assert airbnb["missing"] == ["B-000002"] and airbnb["cancelled"] == []
    assert next(b for b in store.bookings if b["id"] == "B-000002")["status"] == "Reserved"


def test_a_failed_fetch_changes_nothing_and_keeps_the_last_good_body_in_the_cache(tmp_path: Path) -> None:
    store = hotel(tmp_path, ("site", calendar(("a@site", "20261203", "20261205")), "0s"))
    assert sync(opener(store), CLOCK, ["sync"]).exit_code == 0
    good = store.fetch_state["site"]
    (tmp_path / "site.ics").write_bytes(b"<html>login</html>")
    before = (list(store.bookings), len(store.entries))
    result = sync(opener(store), Clock(TODAY, "2026-11-27T10:30:00Z"), ["sync"])
    assert result.exit_code == 1 and result.channels[0]["fetch"] == "failed"
    assert (store.bookings, len(store.entries)) == before
    cached = store.fetch_state["site"]
    assert cached["outcome"] == "failed" and cached["last_good"] == good["at"] and cached["body"] == good["body"]


def test_a_dry_run_writes_neither_data_nor_cache(tmp_path: Path) -> None:
    store = hotel(tmp_path, ("site", calendar(("a@site", "20261203", "20261205")), "12h"))
    result = sync(opener(store), CLOCK, ["sync"], dry_run=True)
    assert len(result.channels[0]["created"]) == 1 and result.applied is False
    assert store.bookings == [] and store.entries == [] and store.fetch_state == {}


def test_stale_means_no_good_fetch_in_24_hours_or_never_or_from_another_url() -> None:
    channel = Channel("site", "101", "https://x.example/a.ics")
    fresh = {"url": url_key(channel.url), "last_good": "2026-11-26T10:00:00Z"}
    assert stale_warnings([channel], {"site": fresh}, CLOCK) == []
    old = {**fresh, "last_good": "2026-11-26T09:30:00Z"}
    moved = {**fresh, "url": url_key("https://x.example/b.ics")}
    for state in ({"site": old}, {}, {"site": moved}):
        warnings = stale_warnings([channel], state, CLOCK)
        assert [(w["code"], w["channel"], w["room"]) for w in warnings] == [("CHANNEL_STALE", "site", "101")]

