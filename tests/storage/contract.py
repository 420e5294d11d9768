"""The store contract: what every store must do, checked only through the CLI (SPEC §1–§7, §8
"Same product").

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
from typing import Any

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

    init_keys: set[str] = set()

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
        self.refuse("ALREADY_EXISTS", "init")
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

    def test_init_force_keeps_the_audit_trail_and_never_reissues_booking_ids(self) -> None:
        made = self.change("book", "102", "--guest", "Before Force", "--arrival", d(1), "--nights", "1")
        assert made["booking"]["id"] == "B-000013"
        old_history = self.history()
        self.change("init", "--force", "--sample")
        assert self.history()[1:] == old_history
        new_ids = set(self.bookings())
        assert len(new_ids) == 12
        assert not new_ids & {*SAMPLE_IDS, "B-000013"}, "init --force reissued a booking id"
        made = self.change("book", "102", "--guest", "After Force", "--arrival", d(1), "--nights", "1")
        assert made["booking"]["id"] not in {*SAMPLE_IDS, "B-000013", *new_ids}

    # ------------------------------------------------------------------ read-only views

    def test_rooms_json_is_the_stored_rooms_in_file_order_with_unknown_fields(self) -> None:
        rooms = self.read("rooms")
        assert [r["number"] for r in rooms] == ROOM_NUMBERS
        assert rooms[0] == {"number": "101", "status": "RESERVED", "type": "Single", "floor": 1}
        statuses = {r["number"]: r["status"] for r in rooms}
        assert (statuses["301"], statuses["105"], statuses["304"], statuses["204"]) == (
            "OCCUPIED", "MAINTENANCE", "DIRTY", "RESERVED")

    def test_rooms_human_output_names_the_guest_in_house_and_the_due_arrival(self) -> None:
        result = self.rs("rooms", as_json=False)
        assert result.code == 0
        assert "Ada Lovelace" in result.stdout and "Katherine Johnson" in result.stdout

    def test_bookings_json_lists_stored_bookings_in_file_order(self) -> None:
        bookings = self.read("bookings")
        assert [b["id"] for b in bookings] == SAMPLE_IDS
        first = bookings[0]
        assert list(first)[:6] == ["id", "room", "guest", "arrival", "departure", "status"]
        assert first["guest"] == "Grace Hopper" and first["status"] == "CheckedOut"

    @pytest.mark.parametrize(("options", "expected"), [
        (("--room", "101"), [GRACE, KATHERINE, FRANCES]),
        (("--status", "reserved"), [KATHERINE, DONALD, MARGARET, KEN, FRANCES, JOHN, RADIA]),
        (("--status", "CHECKEDIN"), [ADA]),
        (("--on", d(1)), [ADA, KATHERINE, MARGARET]),
        (("--on", d(-4)), [ALAN]),  # a past night: CheckedOut history holds it, NoShow never does
        (("--room", "101", "--status", "Reserved", "--on", d(3)), [FRANCES]),
    ])
    def test_bookings_filters_by_room_status_and_night(self, options: tuple[str, ...], expected: list[str]) -> None:
        assert [b["id"] for b in self.read("bookings", *options)] == expected

    def test_show_gives_the_room_its_expected_status_and_its_bookings(self) -> None:
        shown = self.read("show", "101")
        assert shown["room"]["number"] == "101"
        assert shown["expected_status"] == "RESERVED"
        assert [b["id"] for b in shown["bookings"]] == [GRACE, KATHERINE, FRANCES]
        shown = self.read("show", "102", today=d(1))
        assert (shown["expected_status"], shown["bookings"]) == ("AVAILABLE", [])

    def test_show_of_an_unknown_room_is_unknown_room(self) -> None:
        assert "999" in self.refuse("UNKNOWN_ROOM", "show", "999")

    def test_arrivals_list_todays_bookings_with_the_readiness_of_their_room(self) -> None:
        arrivals = self.read("arrivals")
        assert [(a["booking"]["id"], a["room"]["number"], a["readiness"]) for a in arrivals] == [
            (KATHERINE, "101", "ready"), (DONALD, "204", "ready")]
        self.change("checkin", "101")
        self.change("book", "304", "--guest", "Dusty", "--arrival", d(0), "--nights", "1")
        readiness = {a["booking"]["id"]: a["readiness"] for a in self.read("arrivals")}
        assert readiness[KATHERINE] == "checked_in"
        assert readiness["B-000013"] == "dirty"

    def test_arrivals_on_a_later_day_flag_occupied_and_out_of_service_rooms(self) -> None:
        self.change("book", "301", "--guest", "Next In 301", "--arrival", d(2), "--nights", "1")
        self.change("book", "105", "--guest", "Next In 105", "--arrival", d(2), "--nights", "1")
        arrivals = self.read("arrivals", "--on", d(2))
        assert [(a["booking"]["id"], a["readiness"]) for a in arrivals] == [
            (KEN, "ready"), ("B-000013", "occupied"), ("B-000014", "out_of_service")]
        assert self.read("arrivals", "--on", d(-1)) == []

    def test_departures_show_due_out_checked_out_and_overstay(self) -> None:
        departures = self.read("departures", "--on", d(2))
        assert [(x["booking"]["id"], x["room"]["number"], x["state"]) for x in departures] == [
            (ADA, "301", "due_out")]
        assert [(x["booking"]["id"], x["state"]) for x in self.read("departures", "--on", d(-2))] == [
            (ALAN, "checked_out")]
        assert [(x["booking"]["id"], x["state"]) for x in self.read("departures", today=d(3))] == [
            (ADA, "overstay")]

    def test_inhouse_counts_nights_so_far_and_flags_an_overstay(self) -> None:
        guests = self.read("inhouse")
        assert [(g["booking"]["id"], g["room"]["number"], g["nights"], g["overstay"]) for g in guests] == [
            (ADA, "301", 2, False)]
        guests = self.read("inhouse", today=d(3))
        assert [(g["nights"], g["overstay"]) for g in guests] == [(5, True)]

    def test_availability_lists_the_rooms_book_would_accept_in_file_order(self) -> None:
        free = [r["number"] for r in self.read("availability", "--arrival", d(0), "--nights", "1")]
        assert free == ["102", "103", "104", "201", "202", "203", "205", "302", "303", "304", "305"]
        doubles = [r["number"] for r in self.read("availability", "--arrival", d(0), "--departure", d(1),
                                                  "--type", "double")]
        assert doubles == ["102", "103", "201", "202", "302", "303"]
        later = [r["number"] for r in self.read("availability", "--arrival", d(20), "--nights", "2")]
        assert later == ROOM_NUMBERS, "a room under maintenance now is offered for a stay wholly in the future"

    def test_availability_with_a_past_arrival_is_invalid_dates(self) -> None:
        self.refuse("INVALID_DATES", "availability", "--arrival", d(-1), "--nights", "2")
        self.refuse("INVALID_DATES", "availability", "--arrival", d(2), "--departure", d(2))

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

    def test_calendar_shows_checked_out_history_on_past_nights_and_filters_by_type(self) -> None:
        chart = self.read("calendar", "--from", d(-5), "--days", "3")
        rows = {row["number"]: row["nights"] for row in chart["rooms"]}
        assert rows["201"] == [ALAN, ALAN, ALAN]
        assert rows["302"] == [None, None, None], "a NoShow never holds a night"
        suites = self.read("calendar", "--type", "SUITE", "--days", "1")
        assert [row["number"] for row in suites["rooms"]] == ["205", "301", "305"]

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

    def test_book_in_the_future_leaves_the_room_available_and_back_to_back_is_allowed(self) -> None:
        made = self.change("book", "202", "--guest", "Later", "--arrival", d(3), "--departure", d(5))
        assert made["room"]["status"] == "AVAILABLE"
        made = self.change("book", "204", "--guest", "Back To Back", "--arrival", d(1), "--nights", "1")
        assert made["booking"]["arrival"] == d(1)
        assert self.rooms()["204"]["status"] == "RESERVED"

    def test_book_a_future_stay_in_a_room_under_maintenance(self) -> None:
        made = self.change("book", "105", "--guest", "After Repairs", "--arrival", d(1), "--nights", "2")
        assert made["room"]["status"] == "MAINTENANCE"

    @pytest.mark.parametrize(("argv", "code"), [
        (("book", "999", "--guest", "X", "--arrival", d(-3), "--departure", d(-4)), "UNKNOWN_ROOM"),
        (("book", "101", "--guest", "X", "--arrival", d(2), "--departure", d(2)), "INVALID_DATES"),
        (("book", "101", "--guest", "X", "--arrival", d(-1), "--departure", d(1)), "INVALID_DATES"),
        (("book", "105", "--guest", "X", "--arrival", d(-1), "--departure", d(1)), "INVALID_DATES"),
        (("book", "105", "--guest", "X", "--arrival", d(0), "--nights", "1"), "ROOM_OUT_OF_SERVICE"),
        (("book", "101", "--guest", "X", "--arrival", d(1), "--nights", "1"), "DOUBLE_BOOKING"),
        (("book", "301", "--guest", "X", "--arrival", d(0), "--nights", "1"), "DOUBLE_BOOKING"),
    ])
    def test_book_refusals_in_spec_order_change_nothing(self, argv: tuple[str, ...], code: str) -> None:
        self.refuse(code, *argv)

    def test_book_out_of_service_is_checked_before_the_overlap(self) -> None:
        self.change("book", "102", "--guest", "Future", "--arrival", d(1), "--nights", "2")
        self.change("housekeeping", "102", "MAINTENANCE")
        self.refuse("ROOM_OUT_OF_SERVICE", "book", "102", "--guest", "X", "--arrival", d(0), "--nights", "3")

    def test_double_booking_message_names_the_booking_in_the_way(self) -> None:
        message = self.refuse("DOUBLE_BOOKING", "book", "101", "--guest", "X", "--arrival", d(1), "--nights", "1")
        assert KATHERINE in message and "101" in message

    def test_book_by_type_takes_the_first_acceptable_room_of_that_type(self) -> None:
        suite = self.read("availability", "--arrival", d(0), "--nights", "1", "--type", "Suite")[0]["number"]
        made = self.change("book", "--type", "suite", "--guest", "Typed", "--arrival", d(0), "--nights", "1")
        assert made["booking"]["room"] == suite == "205"
        self.refuse("NO_ROOM_AVAILABLE", "book", "--type", "Single", "--guest", "X", "--arrival", d(0),
                    "--nights", "1")  # 101 and 204 are taken tonight, 105 is under maintenance

    def test_book_by_type_refusals(self) -> None:
        self.refuse("NO_ROOM_AVAILABLE", "book", "--type", "Penthouse", "--guest", "X", "--arrival", d(0),
                    "--nights", "1")
        self.refuse("INVALID_DATES", "book", "--type", "Penthouse", "--guest", "X", "--arrival", d(-1),
                    "--nights", "1")
        for _ in range(3):  # the three Suites
            self.change("book", "--type", "Suite", "--guest", "Filler", "--arrival", d(10), "--nights", "1")
        self.refuse("NO_ROOM_AVAILABLE", "book", "--type", "Suite", "--guest", "X", "--arrival", d(10),
                    "--nights", "1")

    @pytest.mark.parametrize("argv", [
        ("book", "102", "--type", "Double", "--guest", "X", "--arrival", d(0), "--nights", "1"),
        ("book", "102", "--guest", "X", "--arrival", "2026-13-01", "--nights", "1"),
        ("book", "102", "--guest", "X", "--arrival", d(0), "--nights", "0"),
        ("book", "102", "--guest", "X", "--arrival", d(0), "--nights", "-2"),
        ("housekeeping", "102", "SPARKLING"),
        ("bookings", "--status", "Lost"),
        ("checkin", "102", "--walk-in", "--guest", "X"),
        ("checkin", "102", "--walk-in", "--guest", "X", "--nights", "0"),
        ("amend", KATHERINE, "--nights", "0"),
        ("availability", "--arrival", "27/11/2026", "--nights", "1"),
    ])
    def test_unparseable_arguments_are_usage_errors_that_change_nothing(self, argv: tuple[str, ...]) -> None:
        before = self.state()
        result = self.rs(*argv)
        assert result.code == 2, (argv, result.stdout, result.stderr)
        assert self.state() == before

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

    def test_checkin_with_booking_picks_that_reservation(self) -> None:
        made = self.change("checkin", "204", "--booking", DONALD)
        assert made["booking"]["id"] == DONALD

    @pytest.mark.parametrize(("argv", "code"), [
        (("checkin", "999", "--booking", "B-999999"), "UNKNOWN_ROOM"),
        (("checkin", "301"), "ROOM_OCCUPIED"),  # occupied wins over "no due reservation"
        (("checkin", "105"), "ROOM_OUT_OF_SERVICE"),
        (("checkin", "304"), "ROOM_NOT_READY"),
        (("checkin", "304", "--force"), "NO_DUE_RESERVATION"),
        (("checkin", "102"), "NO_DUE_RESERVATION"),
        (("checkin", "101", "--booking", FRANCES), "NO_DUE_RESERVATION"),  # not due today
        (("checkin", "101", "--booking", DONALD), "NO_DUE_RESERVATION"),  # another room's
        (("checkin", "101", "--booking", "B-999999"), "NO_DUE_RESERVATION"),
    ])
    def test_checkin_refusals_in_spec_order_change_nothing(self, argv: tuple[str, ...], code: str) -> None:
        self.refuse(code, *argv)

    def test_checkin_to_a_dirty_room_needs_force(self) -> None:
        self.change("book", "304", "--guest", "Dusty", "--arrival", d(0), "--nights", "2")
        assert self.rooms()["304"]["status"] == "DIRTY", "a dirty room is not handed to an arriving guest"
        self.refuse("ROOM_NOT_READY", "checkin", "304")
        made = self.change("checkin", "304", "--force")
        assert made["room"]["status"] == "OCCUPIED"

    def test_checkin_of_a_late_arrival_on_a_later_day(self) -> None:
        made = self.change("checkin", "101", today=d(1))
        assert made["booking"]["id"] == KATHERINE and made["room"]["status"] == "OCCUPIED"

    def test_walk_in_creates_and_checks_in_a_booking_in_one_commit(self) -> None:
        made = self.change("checkin", "102", "--walk-in", "--guest", "Walk In", "--nights", "2")
        booking = made["booking"]
        assert (booking["id"], booking["room"], booking["guest"], booking["status"]) == (
            "B-000013", "102", "Walk In", "CheckedIn")
        assert (booking["arrival"], booking["departure"]) == (d(0), d(2))
        assert made["room"]["status"] == "OCCUPIED"
        assert self.bookings()["B-000013"]["status"] == "CheckedIn"

    @pytest.mark.parametrize(("argv", "code"), [
        (("checkin", "999", "--walk-in", "--guest", "W", "--nights", "1"), "UNKNOWN_ROOM"),
        (("checkin", "301", "--walk-in", "--guest", "W", "--nights", "1"), "ROOM_OCCUPIED"),
        (("checkin", "105", "--walk-in", "--guest", "W", "--nights", "1"), "ROOM_OUT_OF_SERVICE"),
        (("checkin", "304", "--walk-in", "--guest", "W", "--nights", "1"), "ROOM_NOT_READY"),
        (("checkin", "101", "--walk-in", "--guest", "W", "--nights", "1"), "DOUBLE_BOOKING"),
        (("checkin", "201", "--walk-in", "--guest", "W", "--nights", "2"), "DOUBLE_BOOKING"),
    ])
    def test_walk_in_refusals_room_first_then_book_rules(self, argv: tuple[str, ...], code: str) -> None:
        self.refuse(code, *argv)

    def test_walk_in_to_a_dirty_room_with_force(self) -> None:
        made = self.change("checkin", "304", "--walk-in", "--guest", "W", "--nights", "1", "--force")
        assert made["room"]["status"] == "OCCUPIED"

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

    def test_checkout_with_booking(self) -> None:
        assert self.change("checkout", "301", "--booking", ADA)["booking"]["status"] == "CheckedOut"

    @pytest.mark.parametrize(("argv", "code"), [
        (("checkout", "999"), "UNKNOWN_ROOM"),
        (("checkout", "102"), "NOT_CHECKED_IN"),
        (("checkout", "101"), "NOT_CHECKED_IN"),
        (("checkout", "301", "--booking", KATHERINE), "NOT_CHECKED_IN"),
        (("checkout", "101", "--booking", ADA), "NOT_CHECKED_IN"),
    ])
    def test_checkout_refusals_change_nothing(self, argv: tuple[str, ...], code: str) -> None:
        self.refuse(code, *argv)

    def test_a_whole_stay_book_checkin_checkout_housekeeping(self) -> None:
        booking = self.change("book", "203", "--guest", "Whole Stay", "--arrival", d(0), "--nights", "1")["booking"]
        self.change("checkin", "203")
        self.change("checkout", "203", today=d(1))
        assert self.change("housekeeping", "203", "clean", today=d(1))["room"]["status"] == "CLEAN"
        assert self.bookings()[booking["id"]]["status"] == "CheckedOut"
        assert self.rs("validate", today=d(1)).json()["problems"] == []

    # ------------------------------------------------------------------ cancel / noshow / delete

    def test_cancel_frees_the_room(self) -> None:
        made = self.change("cancel", KATHERINE)
        assert made["booking"]["status"] == "Cancelled"
        assert made["room"]["status"] == "AVAILABLE"
        room_change = next(c for c in self.last_changes() if c.get("room") == "101")
        assert room_change["reason"] == "No active reservations found"

    @pytest.mark.parametrize(("argv", "code"), [
        (("cancel", "B-999999"), "UNKNOWN_BOOKING"),
        (("cancel", ADA), "INVALID_TRANSITION"),
        (("cancel", GRACE), "INVALID_TRANSITION"),
        (("cancel", EDSGER), "INVALID_TRANSITION"),
        (("noshow", "B-999999"), "UNKNOWN_BOOKING"),
        (("noshow", ADA), "INVALID_TRANSITION"),
        (("noshow", BARBARA), "INVALID_TRANSITION"),
        (("noshow", MARGARET), "INVALID_TRANSITION"),  # arrives tomorrow
        (("delete", "B-999999"), "UNKNOWN_BOOKING"),
        (("delete", ADA), "INVALID_TRANSITION"),
    ])
    def test_cancel_noshow_delete_refusals_change_nothing(self, argv: tuple[str, ...], code: str) -> None:
        self.refuse(code, *argv)

    def test_noshow_on_the_arrival_day_frees_the_room(self) -> None:
        made = self.change("noshow", DONALD)
        assert made["booking"]["status"] == "NoShow" and made["room"]["status"] == "AVAILABLE"

    def test_noshow_of_a_late_arrival(self) -> None:
        made = self.change("noshow", MARGARET, today=d(2))
        assert made["booking"]["status"] == "NoShow"

    def test_delete_removes_the_booking_and_rederives_the_room(self) -> None:
        made = self.change("delete", DONALD)
        assert made["booking"]["id"] == DONALD and made["room"]["status"] == "AVAILABLE"
        assert DONALD not in self.bookings()
        assert self.change("delete", GRACE)["booking"]["status"] == "CheckedOut"

    def test_booking_ids_are_never_reissued_after_delete(self) -> None:
        self.change("delete", RADIA)
        first = self.change("book", "102", "--guest", "One", "--arrival", d(1), "--nights", "1")["booking"]["id"]
        assert first == "B-000013"
        self.change("delete", first)
        second = self.change("book", "102", "--guest", "Two", "--arrival", d(1), "--nights", "1")["booking"]["id"]
        assert second == "B-000014"
        self.change("delete", second)
        third = self.change("checkin", "102", "--walk-in", "--guest", "Three", "--nights", "1")["booking"]["id"]
        assert third == "B-000015"

    # ------------------------------------------------------------------ housekeeping

    def test_housekeeping_sets_a_status_case_insensitively(self) -> None:
        assert set(self.change("housekeeping", "304", "clean")) == {"room"}
        assert self.rooms()["304"]["status"] == "CLEAN"
        assert self.change("housekeeping", "102", "Out_Of_Service")["room"]["status"] == "OUT_OF_SERVICE"
        assert self.change("housekeeping", "102", "AVAILABLE")["room"]["status"] == "AVAILABLE"
        change = next(c for c in self.last_changes() if c.get("room") == "102")
        assert (change["old"], change["new"]) == ("OUT_OF_SERVICE", "AVAILABLE")

    def test_housekeeping_clean_with_a_due_reservation_shows_reserved(self) -> None:
        self.change("book", "304", "--guest", "Dusty", "--arrival", d(0), "--nights", "1")
        assert self.change("housekeeping", "304", "CLEAN")["room"]["status"] == "RESERVED"

    @pytest.mark.parametrize(("argv", "code"), [
        (("housekeeping", "999", "OCCUPIED"), "UNKNOWN_ROOM"),
        (("housekeeping", "102", "OCCUPIED"), "DERIVED_STATUS"),
        (("housekeeping", "102", "reserved"), "DERIVED_STATUS"),
        (("housekeeping", "301", "OCCUPIED"), "DERIVED_STATUS"),  # derived is checked before occupied
        (("housekeeping", "301", "CLEAN"), "ROOM_OCCUPIED"),
        (("housekeeping", "301", "MAINTENANCE", "--force"), "ROOM_OCCUPIED"),
        (("housekeeping", "101", "MAINTENANCE"), "ROOM_RESERVED"),
        (("housekeeping", "204", "OUT_OF_SERVICE"), "ROOM_RESERVED"),
    ])
    def test_housekeeping_refusals_in_spec_order_change_nothing(self, argv: tuple[str, ...], code: str) -> None:
        self.refuse(code, *argv)

    def test_housekeeping_force_closes_a_reserved_room_and_validate_reports_the_problem(self) -> None:
        made = self.change("housekeeping", "101", "MAINTENANCE", "--force")
        assert made["room"]["status"] == "MAINTENANCE"
        report = self.read("validate", code=1)
        assert [(p["code"], p["room"], p["bookings"]) for p in report["problems"]] == [
            ("ROOM_OUT_OF_SERVICE", "101", [KATHERINE])]

    # ------------------------------------------------------------------ reconcile / validate / night-audit

    def test_validate_on_a_later_day_reports_pending_fixes_and_warnings_without_writing(self) -> None:
        before = self.state()
        report = self.read("validate", today=d(1), code=1)
        assert (report["fixed"], report["applied"], report["checked"]) == (0, False, 15)
        assert {(x["roomNumber"], x["from"], x["to"]) for x in report["details"]} == {
            ("201", "AVAILABLE", "RESERVED"), ("204", "RESERVED", "AVAILABLE")}
        assert report["problems"] == []
        assert {(w["code"], tuple(w["bookings"])) for w in report["warnings"]} == {
            ("LATE_ARRIVAL", (KATHERINE,)), ("LATE_ARRIVAL", (DONALD,))}
        assert self.read("reconcile", today=d(1), code=1) == report
        assert self.state() == before

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

    def test_human_reconcile_output_follows_the_seed_log_format(self) -> None:
        result = self.rs("reconcile", today=d(1), as_json=False)
        assert result.code == 1
        assert "[SYNC] Would fix 2 room(s) with incorrect status:" in result.stdout
        assert "  - Room 204: RESERVED → AVAILABLE (No active reservations found)" in result.stdout
        result = self.rs("validate", as_json=False)
        assert result.code == 0 and "[SYNC] All rooms correctly synchronized" in result.stdout

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

    def test_night_audit_reports_overstays_and_never_checks_them_out(self) -> None:
        audit = self.change("night-audit", today=d(3))
        assert audit["overstays"] == [ADA]
        assert self.bookings()[ADA]["status"] == "CheckedIn"

    # ------------------------------------------------------------------ move

    def test_move_a_reservation_rederives_both_rooms(self) -> None:
        made = self.change("move", KATHERINE, "102")
        assert set(made) == {"booking", "room", "from_room"}
        assert made["booking"]["room"] == "102"
        assert (made["room"]["number"], made["room"]["status"]) == ("102", "RESERVED")
        assert (made["from_room"]["number"], made["from_room"]["status"]) == ("101", "AVAILABLE")
        assert (made["booking"]["arrival"], made["booking"]["departure"]) == (d(0), d(3))

    def test_move_a_future_reservation_into_a_room_under_maintenance(self) -> None:
        assert self.change("move", MARGARET, "105")["room"]["status"] == "MAINTENANCE"

    def test_move_a_guest_in_house_leaves_the_old_room_dirty(self) -> None:
        made = self.change("move", ADA, "102")
        assert (made["booking"]["room"], made["booking"]["status"]) == ("102", "CheckedIn")
        assert (made["room"]["status"], made["from_room"]["status"]) == ("OCCUPIED", "DIRTY")
        rooms = self.rooms()
        assert (rooms["102"]["status"], rooms["301"]["status"]) == ("OCCUPIED", "DIRTY")

    def test_move_a_guest_in_house_to_a_dirty_room_needs_force(self) -> None:
        self.refuse("ROOM_NOT_READY", "move", ADA, "304")
        assert self.change("move", ADA, "304", "--force")["room"]["status"] == "OCCUPIED"

    @pytest.mark.parametrize(("argv", "code"), [
        (("move", "B-999999", "999"), "UNKNOWN_BOOKING"),
        (("move", KATHERINE, "999"), "UNKNOWN_ROOM"),
        (("move", GRACE, "102"), "INVALID_TRANSITION"),
        (("move", BARBARA, "999"), "UNKNOWN_ROOM"),
        (("move", KATHERINE, "101"), "INVALID_TRANSITION"),
        (("move", ADA, "301"), "INVALID_TRANSITION"),
        (("move", ADA, "105"), "ROOM_OUT_OF_SERVICE"),
        (("move", ADA, "304"), "ROOM_NOT_READY"),
        (("move", ADA, "201"), "DOUBLE_BOOKING"),
        (("move", KATHERINE, "105"), "ROOM_OUT_OF_SERVICE"),
        (("move", KATHERINE, "201"), "DOUBLE_BOOKING"),
        (("move", MARGARET, "101"), "DOUBLE_BOOKING"),
    ])
    def test_move_refusals_in_spec_order_change_nothing(self, argv: tuple[str, ...], code: str) -> None:
        self.refuse(code, *argv)

    def test_move_a_guest_into_an_occupied_room_is_room_occupied(self) -> None:
        self.change("checkin", "101")
        self.refuse("ROOM_OCCUPIED", "move", ADA, "101")

    def test_move_an_overstaying_guest_needs_only_tonight_free(self) -> None:
        # Ada (departure T+2) overstays on T+3; 102 is booked from T+4: tonight is free.
        self.change("book", "102", "--guest", "Later", "--arrival", d(4), "--nights", "1")
        made = self.change("move", ADA, "102", today=d(3))
        assert made["room"]["status"] == "OCCUPIED"
        self.change("book", "202", "--guest", "Tonight", "--arrival", d(3), "--nights", "1", today=d(3))
        self.refuse("DOUBLE_BOOKING", "move", ADA, "202", today=d(3))

    # ------------------------------------------------------------------ amend

    def test_amend_a_reservations_dates_and_a_guests_name(self) -> None:
        made = self.change("amend", MARGARET, "--nights", "5")
        assert (made["booking"]["arrival"], made["booking"]["departure"]) == (d(1), d(6))
        made = self.change("amend", KATHERINE, "--guest", "Katherine G. Johnson")
        assert made["booking"]["guest"] == "Katherine G. Johnson"
        made = self.change("amend", MARGARET, "--arrival", d(0), "--departure", d(1))
        assert made["room"]["status"] == "RESERVED", "a stay moved to today makes the room RESERVED"

    def test_amend_corrects_a_name_in_history_and_extends_or_shortens_a_stay_in_house(self) -> None:
        assert self.change("amend", GRACE, "--guest", "Grace B. Hopper")["booking"]["guest"] == "Grace B. Hopper"
        assert self.change("amend", ADA, "--departure", d(4))["booking"]["departure"] == d(4)
        assert self.change("amend", ADA, "--departure", d(0))["booking"]["departure"] == d(0)

    @pytest.mark.parametrize(("argv", "code"), [
        (("amend", "B-999999", "--nights", "1"), "UNKNOWN_BOOKING"),
        (("amend", GRACE, "--nights", "1"), "INVALID_TRANSITION"),
        (("amend", BARBARA, "--arrival", d(5)), "INVALID_TRANSITION"),
        (("amend", ADA, "--arrival", d(0)), "INVALID_TRANSITION"),
        (("amend", MARGARET, "--departure", d(1)), "INVALID_DATES"),
        (("amend", MARGARET, "--arrival", d(-1)), "INVALID_DATES"),
        (("amend", ADA, "--departure", d(-1)), "INVALID_DATES"),
        (("amend", KATHERINE, "--departure", d(4)), "DOUBLE_BOOKING"),
        (("amend", FRANCES, "--arrival", d(2)), "DOUBLE_BOOKING"),
        (("amend", DONALD, "--departure", d(0)), "INVALID_DATES"),
    ])
    def test_amend_refusals_in_spec_order_change_nothing(self, argv: tuple[str, ...], code: str) -> None:
        self.refuse(code, *argv)

    def test_amend_into_today_in_a_closed_room_is_room_out_of_service(self) -> None:
        self.change("housekeeping", "201", "MAINTENANCE")
        self.refuse("ROOM_OUT_OF_SERVICE", "amend", MARGARET, "--arrival", d(0))
        assert self.change("amend", MARGARET, "--nights", "2")["booking"]["departure"] == d(3)

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

    @pytest.mark.parametrize(("argv", "code"), [
        (("undo-checkin", "B-999999"), "UNKNOWN_BOOKING"),
        (("undo-checkin", KATHERINE), "INVALID_TRANSITION"),
        (("undo-checkin", GRACE), "INVALID_TRANSITION"),
        (("reinstate", "B-999999"), "UNKNOWN_BOOKING"),
        (("reinstate", KATHERINE), "INVALID_TRANSITION"),
        (("reinstate", GRACE), "INVALID_TRANSITION"),  # CheckedOut and in the past: status first
        (("reinstate", EDSGER), "INVALID_DATES"),
        (("reinstate", BARBARA), "INVALID_DATES"),
    ])
    def test_undo_checkin_and_reinstate_refusals_change_nothing(self, argv: tuple[str, ...], code: str) -> None:
        self.refuse(code, *argv)

    def test_reinstate_a_cancelled_reservation(self) -> None:
        self.change("cancel", KATHERINE)
        made = self.change("reinstate", KATHERINE)
        assert made["booking"]["status"] == "Reserved" and made["room"]["status"] == "RESERVED"

    def test_reinstate_a_no_show_whose_arrival_has_passed(self) -> None:
        self.change("noshow", KATHERINE)
        made = self.change("reinstate", KATHERINE, today=d(1))
        assert made["booking"]["status"] == "Reserved"

    def test_reinstate_into_a_taken_or_closed_room_is_refused(self) -> None:
        self.change("cancel", KATHERINE)
        self.change("housekeeping", "101", "MAINTENANCE")
        self.refuse("ROOM_OUT_OF_SERVICE", "reinstate", KATHERINE)
        self.change("housekeeping", "101", "AVAILABLE")
        self.change("book", "101", "--guest", "Took It", "--arrival", d(1), "--nights", "1")
        self.refuse("DOUBLE_BOOKING", "reinstate", KATHERINE)
