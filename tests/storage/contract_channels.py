"""The channel part of the store contract (`uow.channels`, the fetch cache), mixed into every
store's contract class in test_unit_of_work.py beside `UnitOfWorkContract`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fakes import replace_with

from roomsync.domain.channels import Channel
from roomsync.domain.model import BookingStatus

from .contract_uow import BOOKINGS, ROOMS, Opener

SECRET_URL = "https://user:pw@admin.booking.com/hotel/ical/101.ics?t=SECRET"
CONFLICT = {"code": "CHANNEL_CONFLICT", "message": "m", "room": "101", "bookings": ["B-000005"],
            "channel": "booking", "uid": "x@booking", "arrival": "2026-12-01", "departure": "2026-12-03"}


class ChannelContract:
    open: Opener

    def seed_channels(self) -> None:
        with self.open(create=True) as uow:
            replace_with(uow, ROOMS, BOOKINGS)
            uow.channels.add(Channel("booking", "101", SECRET_URL))
            uow.channels.add(Channel("airbnb", "102", "/srv/feeds/airbnb.ics", timedelta(0)))
            assert uow.commit(["roomsync", "seed"]) is not None

    def test_a_store_without_channels_has_none(self) -> None:
        with self.open(create=True) as uow:
            replace_with(uow, ROOMS, [])
            uow.commit(["roomsync", "seed"])
        with self.open(read_only=True) as uow:
            assert uow.channels.all() == [] and uow.channels.get("booking") is None

    def test_channels_are_committed_in_file_order_and_read_back_whole(self) -> None:
        self.seed_channels()
        with self.open(read_only=True) as uow:
            assert [c.name for c in uow.channels.all()] == ["booking", "airbnb"]
            booking = uow.channels.get("booking")
            assert booking is not None
            assert (booking.room, booking.url, booking.cancel_after, booking.conflicts) == (
                "101", SECRET_URL, timedelta(hours=12), [])
            airbnb = uow.channels.get("airbnb")
            assert airbnb is not None and airbnb.cancel_after == timedelta(0)
            assert uow.channels.stored(airbnb) == {"name": "airbnb", "room": "102", "url": "/srv/feeds/airbnb.ics",
                                          "cancel_after": "0s", "conflicts": []}

    def test_channel_changes_are_audited_without_the_urls_secret(self) -> None:
        self.seed_channels()
        history = self.history()
        added = [c for c in history[-1]["changes"] if "channel" in c]
        assert [c["channel"] for c in added] == ["booking", "airbnb"]
        assert added[0]["new"]["url"] == "https://admin.booking.com/hotel/ical/101.ics"
        assert "SECRET" not in str(history) and "pw" not in str(added)
        with self.open() as uow:
            channel = uow.channels.get("booking")
            assert channel is not None
            channel.url = SECRET_URL.replace("101", "103")
            channel.conflicts = [dict(CONFLICT)]
            uow.channels.save(channel)
            gone = uow.channels.get("airbnb")
            assert gone is not None
            uow.channels.remove(gone)
            assert [c.name for c in uow.channels.all()] == ["booking"]
            entry = uow.commit(["roomsync", "sync"])
        assert entry is not None
        assert [(c["channel"], c["field"]) for c in entry["changes"]] == [
            ("airbnb", None), ("booking", "url"), ("booking", "conflicts")]
        assert entry["changes"][1]["new"] == "https://admin.booking.com/hotel/ical/103.ics"
        assert "SECRET" not in str(entry)
        with self.open(read_only=True) as uow:
            assert [c.name for c in uow.channels.all()] == ["booking"]
            stored = uow.channels.get("booking")
            assert stored is not None and stored.url.endswith("103.ics?t=SECRET")  # stored whole
            assert stored.conflicts == [CONFLICT]

    def test_an_unchanged_channel_saved_again_commits_nothing(self) -> None:
        self.seed_channels()
        before = len(self.history())
        with self.open() as uow:
            channel = uow.channels.get("booking")
            assert channel is not None
            channel.conflicts = []
            uow.channels.save(channel)
            assert uow.commit(["roomsync", "sync"]) is None
        assert len(self.history()) == before

    def test_channel_changes_not_committed_are_not_stored(self) -> None:
        self.seed_channels()
        with self.open() as uow:
            uow.channels.add(Channel("vrbo", "201", "https://www.vrbo.com/icalendar/1.ics"))
        with self.open(read_only=True) as uow:
            assert [c.name for c in uow.channels.all()] == ["booking", "airbnb"]

    def test_a_channel_and_bookings_commit_together_with_a_booking_reason(self) -> None:
        self.seed_channels()
        with self.open() as uow:
            booking = uow.bookings.get("B-000005")
            assert booking is not None
            booking.status = BookingStatus.CANCELLED
            uow.bookings.save(booking, "channel booking: stay no longer listed")
            channel = uow.channels.get("booking")
            assert channel is not None
            channel.conflicts = [dict(CONFLICT)]
            uow.channels.save(channel)
            entry = uow.commit(["roomsync", "sync"])
        assert entry is not None
        status = next(c for c in entry["changes"] if c.get("booking") == "B-000005")
        assert status["reason"] == "channel booking: stay no longer listed"
        assert any(c.get("channel") == "booking" for c in entry["changes"])

    def test_unknown_channel_fields_and_key_order_survive_a_save(self) -> None:
        self.seed_channels()
        with self.open() as uow:
            channel = uow.channels.get("airbnb")
            assert channel is not None
            read = uow.channels.as_read["airbnb"]  # as if a clerk had edited the stored record
            uow.channels.as_read["airbnb"] = {"note": {"z": 1, "a": [2]}, **read, "site_id": 7}
            channel.conflicts = [dict(CONFLICT)]
            uow.channels.save(channel)
            uow.commit(["roomsync", "sync"])
        with self.open(read_only=True) as uow:
            stored = uow.channels.get("airbnb")
            assert stored is not None
            record = uow.channels.stored(stored)
            assert list(record) == ["note", "name", "room", "url", "cancel_after", "conflicts", "site_id"]
            assert record["note"] == {"z": 1, "a": [2]} and list(record["note"]) == ["z", "a"]

    def test_the_fetch_cache_is_kept_outside_the_audit_and_read_only_units_never_write_it(self) -> None:
        self.seed_channels()
        before = len(self.history())
        state: dict[str, dict[str, Any]] = {"booking": {"etag": '"v1"', "at": "2026-11-27T09:00:00Z",
                                                        "outcome": "ok", "body": "BEGIN:VCALENDAR\r\n"}}
        with self.open(read_only=True) as uow:
            assert uow.fetch_state() == {}
            uow.store_fetch_state(state)
        with self.open() as uow:
            assert uow.fetch_state() == {}
            uow.store_fetch_state(state)
        with self.open(read_only=True) as uow:
            assert uow.fetch_state() == state
        assert len(self.history()) == before

    def history(self) -> list[dict[str, Any]]:
        with self.open(read_only=True) as uow:
            return uow.history()
