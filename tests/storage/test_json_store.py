"""The store contract on the JSON store (a data directory), plus what only hand-edited
files can hold: overlapping active bookings (SPEC §8 says the database never holds them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import TODAY, run_cli

from .contract import ADA, KATHERINE, StoreContract, d


class TestJsonStore(StoreContract):
    # init --force: the kept pair (SPEC §3)
    init_keys: ClassVar[set[str]] = {"data_dir", "rooms", "bookings", "replaced"}

    @pytest.fixture
    def args(self, tmp_path: Path) -> list[str]:
        data = tmp_path / "data"
        result = run_cli("init", "--sample", "--data-dir", str(data), "--today", TODAY)
        assert result.code == 0, result.stderr
        self.data = data
        return ["--data-dir", str(data)]

    def add_by_hand(self, *records: dict) -> None:
        """Append bookings as a clerk's editor would (no lock, no audit)."""
        path = self.data / "bookings.json"
        bookings = json.loads(path.read_text())
        bookings.extend(records)
        path.write_text(json.dumps(bookings, indent=2) + "\n")

    def test_two_due_reservations_make_checkin_ambiguous_until_booking_is_given(self) -> None:
        self.add_by_hand({"id": "B-000100", "room": "101", "guest": "Twin", "arrival": d(0), "departure": d(1),
                          "status": "Reserved"})
        self.refuse("AMBIGUOUS_RESERVATION", "checkin", "101")
        report = self.read("validate", code=1)
        assert [p["code"] for p in report["problems"]] == ["DOUBLE_BOOKING"]
        assert self.change("checkin", "101", "--booking", "B-000100")["booking"]["id"] == "B-000100"

    def test_two_guests_checked_in_make_checkout_ambiguous_and_are_one_multiple_guests_problem(self) -> None:
        self.add_by_hand({"id": "B-000100", "room": "301", "guest": "Stowaway", "arrival": d(-1), "departure": d(1),
                          "status": "CheckedIn"})
        self.refuse("AMBIGUOUS_RESERVATION", "checkout", "301")
        report = self.read("validate", code=1)
        assert [(p["code"], sorted(p["bookings"])) for p in report["problems"]] == [
            ("MULTIPLE_GUESTS", sorted([ADA, "B-000100"]))]
        assert self.change("checkout", "301", "--booking", "B-000100")["booking"]["status"] == "CheckedOut"

    def test_an_active_booking_of_an_unknown_room_is_a_problem_not_invalid_data(self) -> None:
        self.add_by_hand({"id": "B-000100", "room": "999", "guest": "Lost", "arrival": d(1), "departure": d(2),
                          "status": "Reserved"})
        report = self.read("validate", code=1)
        assert [(p["code"], p["bookings"]) for p in report["problems"]] == [("UNKNOWN_ROOM", ["B-000100"])]
        assert self.read("arrivals", "--on", d(1))[-1]["readiness"] == "unknown_room"
        assert KATHERINE in self.bookings()

    def test_a_rewrite_keeps_integers_beyond_64_bits_in_unknown_fields(self) -> None:
        # SPEC §1: unknown fields are kept verbatim (a number may only be respelled, never changed).
        path = self.data / "rooms.json"
        text = path.read_text().replace('"floor": 1\n', '"floor": 1,\n    "big": 1000000000000000000000000000000,\n'
                                        '    "small": -9223372036854775809\n', 1)
        path.write_text(text)
        self.change("housekeeping", "304", "CLEAN")  # rooms.json is rewritten
        rewritten = json.loads(path.read_text())
        assert (rewritten[0]["big"], rewritten[0]["small"]) == (10 ** 30, -(2 ** 63) - 1)
        assert '"big": 1000000000000000000000000000000,' in path.read_text()
