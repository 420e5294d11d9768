"""The CLI on a real store behind it, the same cases on the JSON store and on PostgreSQL
(SPEC §8 "Same product"): per command family one success that must land as one commit and
one refusal that must change nothing, plus what only a store can get wrong behind the CLI
(a back-to-back stay beside the database's overlap guard, a field removed from a record,
a problem the database can hold, read-only commands writing nothing).

The rules themselves (every refusal, its order, the rooms re-derived) are tested once on the
in-memory fake in tests/operations/, and what each store promises its callers in
contract_uow.py, which runs on all three stores; this file keeps only the joins between them.

`StoreContract` is inherited by one test class per store (pimutils/vdirsyncer style). Its
subclass provides the `args` fixture: the CLI arguments selecting a fresh hotel made with
`init --sample --today 2026-11-27` (`--data-dir DIR` for the JSON store, `--store URL --hotel
CODE` for PostgreSQL), and `init_keys`, the keys of that store's `init --json` document.

Every check is store-agnostic: "a refusal changes nothing" means `rooms --json`,
`bookings --json` and `history --json` print the same before and after; "one audit entry
per commit" means `history --json` grows by exactly one entry recording the command line.

The sample hotel on 2026-11-27 (T): 101 Katherine due today (B-000006, T..T+3) and Frances
later (B-000010, T+3..T+5); 102 nothing; 103 Ken (B-000009, T+2..T+5); 105 MAINTENANCE;
201 Margaret (B-000008, T+1..T+4); 204 Donald due today (B-000007, T..T+1); 205 Radia
(B-000012); 301 Ada checked in (B-000005, T-2..T+2); 303 John (B-000011); 304 DIRTY; history
B-000001..B-000004 (CheckedOut, CheckedOut, Cancelled, NoShow).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any, ClassVar

import pytest
from conftest import TODAY, Result, run_cli

T0 = date.fromisoformat(TODAY)

GRACE, ALAN, EDSGER, BARBARA, ADA = "B-000001", "B-000002", "B-000003", "B-000004", "B-000005"
KATHERINE, DONALD, MARGARET, KEN, FRANCES = "B-000006", "B-000007", "B-000008", "B-000009", "B-000010"
JOHN, RADIA = "B-000011", "B-000012"
SAMPLE_IDS = [f"B-{n:06d}" for n in range(1, 13)]
ROOM_NUMBERS = ["101", "102", "103", "104", "105", "201", "202", "203", "204", "205",
                "301", "302", "303", "304", "305"]
ACTIVE = {"Reserved", "CheckedIn"}


def d(offset: int) -> str:
    """The day `offset` days after the sample's today, as YYYY-MM-DD."""
    return (T0 + timedelta(days=offset)).isoformat()


def by_key(records: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {record[key]: record for record in records}


def overlapping_active(bookings: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Pairs of active bookings of one room whose stored stays intersect."""
    found = []
    active = [b for b in bookings if b["status"] in ACTIVE]
    for i, a in enumerate(active):
        for b in active[i + 1:]:
            if a["room"] == b["room"] and a["arrival"] < b["departure"] and b["arrival"] < a["departure"]:
                found.append((a["id"], b["id"]))
    return found


class StoreContract:
    """Every command of SPEC §3 and §7 on one store, through `roomsync.cli.app.main`."""

    init_keys: ClassVar[set[str]] = set()

    @pytest.fixture
    def args(self) -> list[str]:  # pragma: no cover - every store's class provides it
        raise NotImplementedError

    @pytest.fixture(autouse=True)
    def _select_store(self, args: list[str]) -> None:
        self.args = list(args)

    # ------------------------------------------------------------------ helpers

    def rs(self, *argv: str, today: str = TODAY, as_json: bool = True) -> Result:
        """`roomsync ARGV` on this store's hotel, with --today (and --json)."""
        extra = ["--json"] if as_json else []
        return run_cli(*argv, *self.args, "--today", today, *extra)

    def cmdline(self, *argv: str, today: str = TODAY) -> list[str]:
        return ["roomsync", *argv, *self.args, "--today", today, "--json"]

    def read(self, *argv: str, today: str = TODAY, code: int = 0) -> Any:
        result = self.rs(*argv, today=today)
        assert result.code == code, (argv, result.code, result.stdout, result.stderr)
        return result.json()

    def history(self) -> list[dict[str, Any]]:
        return self.read("history")

    def rooms(self, today: str = TODAY) -> dict[str, dict[str, Any]]:
        return by_key(self.read("rooms", today=today), "number")

    def bookings(self) -> dict[str, dict[str, Any]]:
        return by_key(self.read("bookings"), "id")

    def state(self) -> tuple[str, str, str]:
        """What a refusal must leave alone, as any store prints it."""
        outputs = []
        for command in ("rooms", "bookings", "history"):
            result = self.rs(command)
            assert result.code == 0, result.stderr
            outputs.append(result.stdout)
        return outputs[0], outputs[1], outputs[2]

    def change(self, *argv: str, today: str = TODAY) -> Any:
        """A command that must succeed as one commit: exit 0 and exactly one new audit entry
        recording its command line; returns its --json document."""
        before = self.history()
        result = self.rs(*argv, today=today)
        assert result.code == 0, (argv, result.stdout, result.stderr)
        after = self.history()
        assert len(after) == len(before) + 1, f"{argv}: {len(after) - len(before)} audit entries, expected 1"
        assert after[1:] == before, "older audit entries changed"
        assert after[0]["command"] == self.cmdline(*argv, today=today)
        assert after[0]["changes"], "an audit entry lists its changes"
        return result.json()

    def refuse(self, code: str, *argv: str, today: str = TODAY, exit_code: int = 1) -> str:
        """A refusal: its exit status, one `{"error"}` JSON document with the SPEC code, a
        sentence on stderr, and no change to rooms, bookings or the audit."""
        before = self.state()
        result = self.rs(*argv, today=today)
        assert result.code == exit_code, (argv, result.code, result.stdout, result.stderr)
        error = result.json()["error"]
        assert error["code"] == code, (argv, error)
        assert error["message"] and result.stderr.strip()
        assert self.state() == before, f"{argv} was refused but changed the hotel"
        return error["message"]

    def last_changes(self) -> list[dict[str, Any]]:
        return self.history()[0]["changes"]

    # ------------------------------------------------------------------ init

    def test_fresh_sample_hotel_validates_clean_with_fifteen_rooms_and_twelve_bookings(self) -> None:
        report = self.read("validate")
        assert (report["fixed"], report["applied"], report["checked"]) == (0, False, 15)
        assert report["details"] == [] and report["problems"] == [] and report["warnings"] == []
        assert list(self.rooms()) == ROOM_NUMBERS
        assert list(self.bookings()) == SAMPLE_IDS
        assert len(self.history()) == 1

    def test_init_on_an_existing_hotel_is_already_exists_and_changes_nothing(self) -> None:
        self.refuse("ALREADY_EXISTS", "init", "--sample")

    def test_init_force_replaces_the_hotel_in_one_commit_and_reports_the_counts(self) -> None:
        document = self.change("init", "--force")
        assert set(document) == self.init_keys
        assert (document["rooms"], document["bookings"]) == (0, 0)
        assert self.read("rooms") == [] and self.read("bookings") == []
        document = self.change("init", "--force", "--sample")
        assert set(document) == self.init_keys
        assert (document["rooms"], document["bookings"]) == (15, 12)
        assert list(self.rooms()) == ROOM_NUMBERS

    # ------------------------------------------------------------------ read-only views

    def test_rooms_json_is_the_stored_rooms_in_file_order_with_unknown_fields(self) -> None:
        rooms = self.read("rooms")
        assert [r["number"] for r in rooms] == ROOM_NUMBERS
        assert rooms[0] == {"number": "101", "status": "RESERVED", "type": "Single", "floor": 1}
        statuses = {r["number"]: r["status"] for r in rooms}
        assert (statuses["301"], statuses["105"], statuses["304"], statuses["204"]) == (
            "OCCUPIED", "MAINTENANCE", "DIRTY", "RESERVED")

    def test_bookings_json_lists_stored_bookings_in_file_order(self) -> None:
        bookings = self.read("bookings")
        assert [b["id"] for b in bookings] == SAMPLE_IDS
        first = bookings[0]
        assert list(first)[:6] == ["id", "room", "guest", "arrival", "departure", "status"]
        assert first["guest"] == "Grace Hopper" and first["status"] == "CheckedOut"

    def test_departures_show_due_out_checked_out_and_overstay(self) -> None:
        departures = self.read("departures", "--on", d(2))
        assert [(x["booking"]["id"], x["room"]["number"], x["state"]) for x in departures] == [
            (ADA, "301", "due_out")]
        assert [(x["booking"]["id"], x["state"]) for x in self.read("departures", "--on", d(-2))] == [
            (ALAN, "checked_out")]
        assert [(x["booking"]["id"], x["state"]) for x in self.read("departures", today=d(3))] == [
            (ADA, "overstay")]

    def test_calendar_json_has_a_row_per_room_a_column_per_night_and_occupancy(self) -> None:
        chart = self.read("calendar", "--days", "3")
        assert chart["from"] == d(0)
        assert chart["dates"] == [d(0), d(1), d(2)]
        rows = {row["number"]: row for row in chart["rooms"]}
        assert list(rows) == ROOM_NUMBERS
        assert rows["101"]["nights"] == [KATHERINE, KATHERINE, KATHERINE]
        assert rows["301"]["nights"] == [ADA, ADA, None]
        assert rows["204"]["nights"] == [DONALD, None, None]
        assert rows["201"]["nights"] == [None, MARGARET, MARGARET]
        assert rows["105"]["status"] == "MAINTENANCE"
        assert chart["occupancy"] == pytest.approx([3 / 14, 3 / 14, 3 / 14])

    def test_history_is_newest_first_and_filters_by_room_or_booking(self) -> None:
        self.change("checkin", "101")
        self.change("checkout", "301")
        entries = self.history()
        assert [e["command"][1] for e in entries] == ["checkout", "checkin", "init"]
        only_101 = self.read("history", "101")
        assert [e["command"][1] for e in only_101] == ["checkin"]
        only_ada = self.read("history", ADA)
        assert [e["command"][1] for e in only_ada] == ["checkout"]
        human = self.rs("history", as_json=False)
        assert human.code == 0 and "checkout" in human.stdout

    def test_read_only_commands_change_nothing_and_append_no_audit_entry(self) -> None:
        before = self.state()
        later = d(1)  # fixes and late arrivals pending: nothing may be applied by a reader
        for argv in [("rooms",), ("bookings", "--on", later), ("show", "101"), ("arrivals",), ("departures",),
                     ("inhouse",), ("availability", "--arrival", later, "--nights", "2"), ("calendar",),
                     ("history",), ("validate",), ("reconcile",), ("night-audit", "--dry-run")]:
            result = self.rs(*argv, today=later)
            assert result.code in (0, 1), (argv, result.stderr)
            json.loads(result.stdout)
        assert self.state() == before

    # ------------------------------------------------------------------ book

    def test_book_due_today_stores_a_reservation_and_reserves_the_room_in_one_commit(self) -> None:
        made = self.change("book", "102", "--guest", "Jean Sammet", "--arrival", d(0), "--nights", "2")
        assert set(made) == {"booking", "room"}
        booking = made["booking"]
        assert booking["id"] == "B-000013"
        assert (booking["room"], booking["guest"], booking["arrival"], booking["departure"], booking["status"]) == (
            "102", "Jean Sammet", d(0), d(2), "Reserved")
        assert booking["created_at"].endswith("Z")
        assert made["room"]["status"] == "RESERVED"
        assert self.bookings()["B-000013"] == booking
        assert self.rooms()["102"]["status"] == "RESERVED"
        changes = self.last_changes()
        assert {"room": "102", "field": "status", "old": "AVAILABLE", "new": "RESERVED"}.items() <= next(
            c for c in changes if c.get("room") == "102").items()
        assert any(c.get("booking") == "B-000013" and c["old"] is None for c in changes)

    def test_double_booking_message_names_the_booking_in_the_way(self) -> None:
        message = self.refuse("DOUBLE_BOOKING", "book", "101", "--guest", "X", "--arrival", d(1), "--nights", "1")
        assert KATHERINE in message and "101" in message

    # ------------------------------------------------------------------ checkin / walk-in / checkout

    def test_checkin_of_the_due_reservation_occupies_the_room_in_one_commit(self) -> None:
        made = self.change("checkin", "101")
        assert set(made) == {"booking", "room"}
        assert made["booking"]["id"] == KATHERINE and made["booking"]["status"] == "CheckedIn"
        assert made["booking"]["checked_in_at"].endswith("Z")
        assert made["room"]["status"] == "OCCUPIED"
        assert self.bookings()[KATHERINE]["status"] == "CheckedIn"
        assert self.rooms()["101"]["status"] == "OCCUPIED"
        changes = self.last_changes()
        assert any(c.get("booking") == KATHERINE and c["field"] == "status" and c["old"] == "Reserved"
                   and c["new"] == "CheckedIn" for c in changes)
        assert any(c.get("room") == "101" and c["field"] == "status" and c["new"] == "OCCUPIED" for c in changes)

    def test_walk_in_for_one_night_before_a_next_day_arrival_is_back_to_back(self) -> None:
        made = self.change("checkin", "201", "--walk-in", "--guest", "W", "--nights", "1")
        assert made["booking"]["departure"] == d(1)

    def test_checkout_finishes_the_stay_and_leaves_the_room_dirty(self) -> None:
        made = self.change("checkout", "301")
        assert made["booking"]["id"] == ADA and made["booking"]["status"] == "CheckedOut"
        assert made["booking"]["checked_out_at"].endswith("Z")
        assert made["room"]["status"] == "DIRTY"
        assert self.rooms()["301"]["status"] == "DIRTY"
        assert self.read("inhouse") == []

    # ------------------------------------------------------------------ cancel / noshow / delete

    def test_cancel_frees_the_room(self) -> None:
        made = self.change("cancel", KATHERINE)
        assert made["booking"]["status"] == "Cancelled"
        assert made["room"]["status"] == "AVAILABLE"
        room_change = next(c for c in self.last_changes() if c.get("room") == "101")
        assert room_change["reason"] == "No active reservations found"

    def test_cancel_of_a_guest_in_house_is_invalid_transition_and_changes_nothing(self) -> None:
        assert ADA in self.refuse("INVALID_TRANSITION", "cancel", ADA)

    def test_delete_removes_the_booking_and_rederives_the_room(self) -> None:
        made = self.change("delete", DONALD)
        assert made["booking"]["id"] == DONALD and made["room"]["status"] == "AVAILABLE"
        assert DONALD not in self.bookings()
        assert self.change("delete", GRACE)["booking"]["status"] == "CheckedOut"

    # ------------------------------------------------------------------ housekeeping

    def test_housekeeping_sets_a_status_case_insensitively(self) -> None:
        assert set(self.change("housekeeping", "304", "clean")) == {"room"}
        assert self.rooms()["304"]["status"] == "CLEAN"
        assert self.change("housekeeping", "102", "Out_Of_Service")["room"]["status"] == "OUT_OF_SERVICE"
        assert self.change("housekeeping", "102", "AVAILABLE")["room"]["status"] == "AVAILABLE"
        change = next(c for c in self.last_changes() if c.get("room") == "102")
        assert (change["old"], change["new"]) == ("OUT_OF_SERVICE", "AVAILABLE")

    def test_housekeeping_with_a_guest_in_the_room_is_room_occupied_and_changes_nothing(self) -> None:
        assert "301" in self.refuse("ROOM_OCCUPIED", "housekeeping", "301", "CLEAN")

    def test_housekeeping_force_closes_a_reserved_room_and_validate_reports_the_problem(self) -> None:
        made = self.change("housekeeping", "101", "MAINTENANCE", "--force")
        assert made["room"]["status"] == "MAINTENANCE"
        report = self.read("validate", code=1)
        assert [(p["code"], p["room"], p["bookings"]) for p in report["problems"]] == [
            ("ROOM_OUT_OF_SERVICE", "101", [KATHERINE])]

    # ------------------------------------------------------------------ reconcile / validate / night-audit

    def test_reconcile_fix_repairs_every_room_in_one_commit_with_reasons(self) -> None:
        report = self.change("reconcile", "--fix", today=d(1))
        assert (report["fixed"], report["applied"]) == (2, True)
        rooms = self.rooms()
        assert (rooms["201"]["status"], rooms["204"]["status"]) == ("RESERVED", "AVAILABLE")
        reasons = {c["room"]: c.get("reason") for c in self.last_changes() if "room" in c}
        assert reasons["204"] == "No active reservations found"
        assert reasons["201"]
        again = self.read("validate", today=d(1))
        assert again["details"] == [] and again["problems"] == [] and len(again["warnings"]) == 2

    def test_an_overstay_is_a_warning_and_meeting_a_later_reservation_a_double_booking_problem(self) -> None:
        self.change("book", "301", "--guest", "Next Guest", "--arrival", d(2), "--nights", "3")
        report = self.read("validate", today=d(3), code=1)
        assert ("OVERSTAY", (ADA,)) in {(w["code"], tuple(w["bookings"])) for w in report["warnings"]}
        problems = [(p["code"], p["room"], sorted(p["bookings"])) for p in report["problems"]]
        assert problems == [("DOUBLE_BOOKING", "301", sorted([ADA, "B-000013"]))]
        self.refuse("ROOM_OCCUPIED", "checkin", "301", today=d(3))

    def test_night_audit_dry_run_reports_without_writing_and_exits_1(self) -> None:
        before = self.state()
        audit = self.read("night-audit", "--dry-run", today=d(1), code=1)
        assert set(audit) == {"date", "no_shows", "reconcile", "overstays", "arrivals", "departures", "in_house",
                              "occupancy"}
        assert audit["date"] == d(0)
        assert audit["no_shows"] == [KATHERINE, DONALD]
        assert audit["reconcile"]["applied"] is False
        assert (audit["overstays"], audit["arrivals"], audit["departures"], audit["in_house"]) == ([], 1, 0, 1)
        assert audit["occupancy"] == pytest.approx(2 / 14)
        assert self.state() == before

    def test_night_audit_marks_no_shows_and_fixes_rooms_in_one_commit(self) -> None:
        audit = self.change("night-audit", today=d(1))
        assert audit["no_shows"] == [KATHERINE, DONALD] and audit["reconcile"]["applied"] is True
        bookings = self.bookings()
        assert (bookings[KATHERINE]["status"], bookings[DONALD]["status"]) == ("NoShow", "NoShow")
        rooms = self.rooms(today=d(1))
        assert (rooms["101"]["status"], rooms["201"]["status"], rooms["204"]["status"]) == (
            "AVAILABLE", "RESERVED", "AVAILABLE")
        assert self.read("night-audit", today=d(1))["no_shows"] == []

    # ------------------------------------------------------------------ move

    def test_move_a_guest_in_house_leaves_the_old_room_dirty(self) -> None:
        made = self.change("move", ADA, "102")
        assert (made["booking"]["room"], made["booking"]["status"]) == ("102", "CheckedIn")
        assert (made["room"]["status"], made["from_room"]["status"]) == ("OCCUPIED", "DIRTY")
        rooms = self.rooms()
        assert (rooms["102"]["status"], rooms["301"]["status"]) == ("OCCUPIED", "DIRTY")

    def test_move_a_guest_in_house_to_a_dirty_room_needs_force(self) -> None:
        self.refuse("ROOM_NOT_READY", "move", ADA, "304")
        assert self.change("move", ADA, "304", "--force")["room"]["status"] == "OCCUPIED"

    # ------------------------------------------------------------------ amend

    def test_amend_a_reservations_dates_and_a_guests_name(self) -> None:
        made = self.change("amend", MARGARET, "--nights", "5")
        assert (made["booking"]["arrival"], made["booking"]["departure"]) == (d(1), d(6))
        made = self.change("amend", KATHERINE, "--guest", "Katherine G. Johnson")
        assert made["booking"]["guest"] == "Katherine G. Johnson"
        made = self.change("amend", MARGARET, "--arrival", d(0), "--departure", d(1))
        assert made["room"]["status"] == "RESERVED", "a stay moved to today makes the room RESERVED"

    def test_amend_extending_an_in_house_stay_over_a_later_reservation_is_double_booking(self) -> None:
        self.change("book", "301", "--guest", "Next", "--arrival", d(3), "--nights", "1")
        self.refuse("DOUBLE_BOOKING", "amend", ADA, "--departure", d(4))

    # ------------------------------------------------------------------ undo-checkin / reinstate

    def test_undo_checkin_makes_the_booking_reserved_again_without_checked_in_at(self) -> None:
        self.change("checkin", "101")
        made = self.change("undo-checkin", KATHERINE)
        assert made["booking"]["status"] == "Reserved"
        assert "checked_in_at" not in made["booking"]
        assert made["room"]["status"] == "RESERVED"
        assert "checked_in_at" not in self.bookings()[KATHERINE]

    def test_reinstate_a_cancelled_reservation(self) -> None:
        self.change("cancel", KATHERINE)
        made = self.change("reinstate", KATHERINE)
        assert made["booking"]["status"] == "Reserved" and made["room"]["status"] == "RESERVED"

    def test_reinstate_into_a_taken_or_closed_room_is_refused(self) -> None:
        self.change("cancel", KATHERINE)
        self.change("housekeeping", "101", "MAINTENANCE")
        self.refuse("ROOM_OUT_OF_SERVICE", "reinstate", KATHERINE)
        self.change("housekeeping", "101", "AVAILABLE")
        self.change("book", "101", "--guest", "Took It", "--arrival", d(1), "--nights", "1")
        self.refuse("DOUBLE_BOOKING", "reinstate", KATHERINE)
