"""End-to-end tests of roomsync's output contract: SPEC §4 reports and exit statuses, §5 JSON and
exit codes, usage errors, the global options and their environment variables, and the
shipped data (the seed's Room 102/202/203 story)."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, SEED_HOTEL, TODAY, B, R, rs, run_cli, run_process, shipped_data, snapshot, write_hotel
from filelock import FileLock

import roomsync

SEED_FIX_LINES = [
    "  - Room 102: OCCUPIED → AVAILABLE (No checked-in guest found)",
    "  - Room 202: OCCUPIED → AVAILABLE (No checked-in guest found)",
    "  - Room 203: RESERVED → AVAILABLE (No active reservations found)",
]
SEED_DETAILS = [
    {"roomNumber": "102", "from": "OCCUPIED", "to": "AVAILABLE", "reason": "No checked-in guest found"},
    {"roomNumber": "202", "from": "OCCUPIED", "to": "AVAILABLE", "reason": "No checked-in guest found"},
    {"roomNumber": "203", "from": "RESERVED", "to": "AVAILABLE", "reason": "No active reservations found"},
]
REPORT_KEYS = {"fixed", "applied", "checked", "details", "problems", "warnings"}
FINDING_KEYS = {"code", "message", "room", "bookings"}


def report(data: Path, *args: str, today: str = TODAY) -> tuple[int, dict[str, Any]]:
    """Run a reconcile/validate with --json: its exit status and its one §4 object."""
    result = rs(data, *args, today=today, as_json=True)
    document = json.loads(result.stdout)
    assert set(document) == REPORT_KEYS, document
    for finding in document["problems"] + document["warnings"]:
        assert set(finding) == FINDING_KEYS, finding
        assert isinstance(finding["message"], str) and finding["message"]
        assert isinstance(finding["bookings"], list)
    return result.code, document


def rooms_by_number(data: Path) -> dict[str, dict[str, Any]]:
    return {r["number"]: r for r in json.loads((data / "rooms.json").read_text(encoding="utf-8"))}


def set_room_status_by_hand(data: Path, number: str, status: str) -> None:
    """A clerk's editor: read, change one field, write a new file and rename it over the old."""
    rooms = json.loads((data / "rooms.json").read_text(encoding="utf-8"))
    for record in rooms:
        if record["number"] == number:
            record["status"] = status
    temp = data / "rooms.json.edit"
    temp.write_text(json.dumps(rooms, indent=2) + "\n", encoding="utf-8")
    os.replace(temp, data / "rooms.json")


# --------------------------------------------------------------------------- shipped data, seed story

def test_reconcile_dry_run_on_shipped_data_prints_would_fix_header_exits_1_and_writes_nothing(
        tmp_path: Path) -> None:
    data = shipped_data(tmp_path)
    before = snapshot(data)
    result = rs(data, "reconcile")
    assert result.code == 1
    assert result.stdout.splitlines() == ["[SYNC] Would fix 3 room(s) with incorrect status:", *SEED_FIX_LINES]
    assert snapshot(data) == before


def test_reconcile_fix_on_shipped_data_prints_the_seed_lines_and_exits_0(tmp_path: Path) -> None:
    data = shipped_data(tmp_path)
    rooms_before = rooms_by_number(data)
    bookings_before = (data / "bookings.json").read_bytes()
    result = rs(data, "reconcile", "--fix")
    assert result.code == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == ["[SYNC] Fixed 3 room(s) with incorrect status:", *SEED_FIX_LINES]
    rooms_after = rooms_by_number(data)
    for number in ("102", "202", "203"):
        assert rooms_after[number] == {**rooms_before[number], "status": "AVAILABLE"}
    assert {n: r for n, r in rooms_after.items() if n not in {"102", "202", "203"}} == \
           {n: r for n, r in rooms_before.items() if n not in {"102", "202", "203"}}
    assert list(rooms_after) == list(rooms_before)  # file order kept
    assert (data / "bookings.json").read_bytes() == bookings_before
    audit = (data / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(audit) == 1 and "No checked-in guest found" in audit[0]
    again = rs(data, "reconcile", "--fix")
    assert again.code == 0
    assert again.stdout.splitlines() == ["[SYNC] All rooms correctly synchronized"]


def test_reconcile_fix_json_on_shipped_data_reports_fixed_3_applied(tmp_path: Path) -> None:
    data = shipped_data(tmp_path)
    code, document = report(data, "reconcile", "--fix")
    assert code == 0
    assert document == {"fixed": 3, "applied": True, "checked": 15, "details": SEED_DETAILS,
                        "problems": [], "warnings": []}


def test_reconcile_dry_run_json_counts_nothing_fixed_but_lists_details(tmp_path: Path) -> None:
    data = shipped_data(tmp_path)
    code, document = report(data, "reconcile")
    assert code == 1
    assert document == {"fixed": 0, "applied": False, "checked": 15, "details": SEED_DETAILS,
                        "problems": [], "warnings": []}


def test_validate_on_shipped_data_exits_1_and_never_writes(tmp_path: Path) -> None:
    data = shipped_data(tmp_path)
    before = snapshot(data)
    human = rs(data, "validate")
    assert human.code == 1
    assert human.stdout.splitlines()[0] == "[SYNC] Would fix 3 room(s) with incorrect status:"
    code, document = report(data, "validate")
    assert code == 1
    assert document["fixed"] == 0 and document["applied"] is False and document["details"] == SEED_DETAILS
    assert snapshot(data) == before
    assert not (data / "audit.jsonl").exists()


def test_shipped_data_reconcile_fix_years_later_exits_0_with_warnings_only(tmp_path: Path) -> None:
    data = shipped_data(tmp_path)
    code, document = report(data, "reconcile", "--fix", today="2031-06-01")
    assert code == 0, document
    assert document["applied"] is True
    assert document["problems"] == []
    assert document["warnings"], "an overstay and late arrivals are expected years later"
    assert {w["code"] for w in document["warnings"]} <= {"LATE_ARRIVAL", "OVERSTAY"}
    code, document = report(data, "validate", today="2031-06-01")
    assert code == 0 and document["details"] == [] and document["problems"] == []


def test_shipped_data_reconcile_fix_on_its_day_then_validate_is_clean(tmp_path: Path) -> None:
    data = shipped_data(tmp_path)
    assert rs(data, "reconcile", "--fix").code == 0
    code, document = report(data, "validate")
    assert code == 0
    assert document == {"fixed": 0, "applied": False, "checked": 15, "details": [], "problems": [],
                        "warnings": []}


def test_seed_scenario_room_102_set_occupied_by_hand_is_fixed_by_reconcile(hotel: Path) -> None:
    """Seed scenario 1: a stale OCCUPIED with no guest is detected, then repaired by reconcile --fix."""
    set_room_status_by_hand(hotel, "102", "OCCUPIED")
    code, document = report(hotel, "validate")
    assert code == 1
    assert document["details"] == [{"roomNumber": "102", "from": "OCCUPIED", "to": "AVAILABLE",
                                    "reason": "No checked-in guest found"}]
    assert rooms_by_number(hotel)["102"]["status"] == "OCCUPIED"  # validate changed nothing
    result = rs(hotel, "reconcile", "--fix")
    assert result.code == 0
    assert result.stdout.splitlines() == ["[SYNC] Fixed 1 room(s) with incorrect status:",
                                          "  - Room 102: OCCUPIED → AVAILABLE (No checked-in guest found)"]
    assert rooms_by_number(hotel)["102"]["status"] == "AVAILABLE"
    last_audit = json.loads((hotel / "audit.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert "reconcile" in last_audit["command"]
    assert "No checked-in guest found" in json.dumps(last_audit, ensure_ascii=False)
    assert rs(hotel, "validate").stdout.splitlines() == ["[SYNC] All rooms correctly synchronized"]


# --------------------------------------------------------------------------- the demo hotel

def test_init_sample_passes_validate_on_its_day(hotel: Path) -> None:
    code, document = report(hotel, "validate")
    assert code == 0
    assert document == {"fixed": 0, "applied": False, "checked": 15, "details": [], "problems": [],
                        "warnings": []}
    result = rs(hotel, "validate")
    assert result.code == 0 and result.stdout.splitlines() == ["[SYNC] All rooms correctly synchronized"]


@pytest.mark.parametrize("later", ["2026-12-15", "2031-06-01", "2046-11-27"])
def test_init_sample_has_no_problems_years_later(hotel: Path, later: str) -> None:
    code, document = report(hotel, "validate", today=later)
    assert document["problems"] == []
    assert {w["code"] for w in document["warnings"]} <= {"LATE_ARRIVAL", "OVERSTAY"}
    assert code == (1 if document["details"] else 0)
    code, document = report(hotel, "reconcile", "--fix", today=later)
    assert code == 0 and document["problems"] == []


# --------------------------------------------------------------------------- problems and warnings

def problem_hotel(data: Path) -> Path:
    return write_hotel(data, [
        R("101", "AVAILABLE"), R("102", "AVAILABLE"), R("103", "MAINTENANCE"), R("104", "OCCUPIED"),
        R("105", "OCCUPIED"),
    ], [
        B("B-000001", "999", "2026-11-28", "2026-11-30", "Reserved"),     # UNKNOWN_ROOM
        B("B-000002", "101", "2026-11-29", "2026-11-29", "Reserved"),     # INVALID_DATES
        B("B-000003", "102", "2026-11-28", "2026-11-30", "Reserved"),     # DOUBLE_BOOKING with B-000004
        B("B-000004", "102", "2026-11-29", "2026-12-01", "Reserved"),
        B("B-000005", "104", "2026-11-26", "2026-11-29", "CheckedIn"),    # MULTIPLE_GUESTS (only)
        B("B-000006", "104", "2026-11-25", "2026-11-28", "CheckedIn"),
        B("B-000007", "103", "2026-11-27", "2026-11-28", "Reserved"),     # ROOM_OUT_OF_SERVICE
        B("B-000008", "101", "2026-11-25", "2026-11-28", "Reserved"),     # LATE_ARRIVAL (and due)
        B("B-000009", "105", "2026-11-20", "2026-11-25", "CheckedIn"),    # OVERSTAY
        B("B-000010", "888", "2026-11-20", "2026-11-18", "CheckedOut"),   # history: never a problem
        B("B-000011", "102", "2026-11-28", "2026-11-30", "Cancelled"),    # history: no overlap
    ])


def test_validate_lists_every_problem_code_with_room_and_bookings_and_exits_1(tmp_path: Path) -> None:
    data = problem_hotel(tmp_path / "h")
    before = snapshot(data)
    code, document = report(data, "validate")
    assert code == 1
    problems = sorted((p["code"], p["room"], sorted(p["bookings"])) for p in document["problems"])
    assert problems == sorted([
        ("UNKNOWN_ROOM", "999", ["B-000001"]),
        ("INVALID_DATES", "101", ["B-000002"]),
        ("DOUBLE_BOOKING", "102", ["B-000003", "B-000004"]),
        ("MULTIPLE_GUESTS", "104", ["B-000005", "B-000006"]),
        ("ROOM_OUT_OF_SERVICE", "103", ["B-000007"]),
    ])
    warnings = sorted((w["code"], w["room"], w["bookings"]) for w in document["warnings"])
    assert warnings == [("LATE_ARRIVAL", "101", ["B-000008"]), ("OVERSTAY", "105", ["B-000009"])]
    assert document["details"] == [{"roomNumber": "101", "from": "AVAILABLE", "to": "RESERVED",
                                    "reason": document["details"][0]["reason"]}]
    assert snapshot(data) == before


def test_reconcile_fix_applies_fixes_but_exits_1_while_problems_remain(tmp_path: Path) -> None:
    data = problem_hotel(tmp_path / "h")
    code, document = report(data, "reconcile", "--fix")
    assert code == 1
    assert document["applied"] is True and document["fixed"] == 1
    assert rooms_by_number(data)["101"]["status"] == "RESERVED"
    assert len(document["problems"]) == 5


def test_human_report_prints_one_line_per_problem_and_warning(tmp_path: Path) -> None:
    data = problem_hotel(tmp_path / "h")
    result = rs(data, "validate")
    assert result.code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "[SYNC] Would fix 1 room(s) with incorrect status:"
    rest = lines[2:]
    assert len(rest) == 7
    for code in ("UNKNOWN_ROOM", "INVALID_DATES", "DOUBLE_BOOKING", "MULTIPLE_GUESTS", "ROOM_OUT_OF_SERVICE",
                 "LATE_ARRIVAL", "OVERSTAY"):
        assert sum(code in line for line in rest) == 1, code


def test_warnings_alone_do_not_fail_validate_or_reconcile(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "h", [R("101", "RESERVED"), R("102", "OCCUPIED")], [
        B("B-000001", "101", "2026-11-25", "2026-11-29", "Reserved"),
        B("B-000002", "102", "2026-11-20", "2026-11-25", "CheckedIn"),
    ])
    code, document = report(data, "validate")
    assert code == 0
    assert document["details"] == [] and document["problems"] == []
    assert sorted(w["code"] for w in document["warnings"]) == ["LATE_ARRIVAL", "OVERSTAY"]
    human = rs(data, "reconcile")
    assert human.code == 0
    assert human.stdout.splitlines()[0] == "[SYNC] All rooms correctly synchronized"
    assert len(human.stdout.splitlines()) == 3


# --------------------------------------------------------------------------- usage errors

@pytest.mark.parametrize("args", [
    ("rooms", "--today", "2026-02-30"),
    ("rooms", "--today", "27/11/2026"),
    ("bookings", "--on", "tomorrow", "--today", TODAY),
    ("book", "102", "--guest", "X", "--arrival", "2026-1-5", "--nights", "1", "--today", TODAY),
    ("bookings", "--status", "Sleeping", "--today", TODAY),
    ("housekeeping", "102", "SPARKLING", "--today", TODAY),
    ("housekeeping", "102", "", "--today", TODAY),
    ("watch", "--every", "0s", "--today", TODAY),
    ("watch", "--every", "5x", "--today", TODAY),
    ("watch", "--every", "-5m", "--today", TODAY),
    ("watch", "--every", "often", "--today", TODAY),
    ("checkin", "102", "--walk-in", "--guest", "W", "--nights", "0", "--today", TODAY),
    ("book", "102", "--guest", "X", "--arrival", "2026-12-01", "--nights", "0", "--today", TODAY),
    ("rooms", "--lock-timeout", "soon"),
    ("frobnicate",),
], ids=[
    "today_feb_30", "today_not_iso", "on_not_a_date", "arrival_not_zero_padded", "unknown_booking_status",
    "unknown_room_status", "empty_room_status", "interval_zero", "interval_bad_unit", "interval_negative",
    "interval_word", "walk_in_nights_zero", "book_nights_zero", "lock_timeout_not_a_number",
    "unknown_command",
])
def test_unparseable_values_are_usage_errors_exit_2(hotel: Path, args: tuple[str, ...]) -> None:
    before = snapshot(hotel)
    result = run_cli(*args, "--data-dir", str(hotel)) if args != ("frobnicate",) else run_cli(*args)
    assert result.code == 2, (result.stdout, result.stderr)
    assert result.stderr.strip(), "a usage error explains itself on stderr"
    assert "Traceback" not in result.stderr
    assert snapshot(hotel) == before


@pytest.mark.parametrize("args", [
    ("rooms", "--today", "2026-13-01"),
    ("housekeeping", "102", "SPARKLING"),
    ("watch", "--every", "0s"),
    ("book", "102", "--guest", "X", "--arrival", "2026-12-01", "--nights", "0"),
], ids=[
    "bad_date", "bad_status", "bad_interval", "nights_zero",
])
def test_usage_error_with_json_prints_one_usage_document(hotel: Path, args: tuple[str, ...]) -> None:
    result = run_cli(*args, "--data-dir", str(hotel), "--json")
    assert result.code == 2
    document = json.loads(result.stdout)  # exactly one document, never an empty stdout
    assert document["error"]["code"] == "USAGE" and document["error"]["message"]


def test_status_names_are_case_insensitive_and_files_hold_the_canonical_spelling(hotel: Path) -> None:
    for given in ("clean", "Dirty", "out_of_service", "AvAiLaBlE"):
        result = rs(hotel, "housekeeping", "102", given)
        assert result.code == 0, result.stderr
        assert rooms_by_number(hotel)["102"]["status"] == given.upper()
    result = rs(hotel, "bookings", "--status", "checkedin", as_json=True)
    assert [b["id"] for b in json.loads(result.stdout)] == ["B-000005"]
    assert '"status": "AVAILABLE"' in (hotel / "rooms.json").read_text()


# --------------------------------------------------------------------------- global options and environment

def test_today_option_and_roomsync_today_env_decide_what_is_due(hotel: Path) -> None:
    # B-000008 arrives in 201 on 2026-11-28
    by_option = rs(hotel, "show", "201", today="2026-11-28", as_json=True)
    assert json.loads(by_option.stdout)["expected_status"] == "RESERVED"
    by_env = run_cli("show", "201", "--json", "--data-dir", str(hotel), env={"ROOMSYNC_TODAY": "2026-11-28"})
    assert by_env.code == 0 and json.loads(by_env.stdout)["expected_status"] == "RESERVED"
    option_wins = run_cli("show", "201", "--json", "--data-dir", str(hotel), "--today", TODAY,
                          env={"ROOMSYNC_TODAY": "2026-11-28"})
    assert json.loads(option_wins.stdout)["expected_status"] == "AVAILABLE"
    bad_env = run_cli("rooms", "--data-dir", str(hotel), env={"ROOMSYNC_TODAY": "someday"})
    assert bad_env.code == 2


def test_checkin_uses_roomsync_today_env(hotel: Path) -> None:
    result = run_cli("checkin", "201", "--data-dir", str(hotel), "--json", env={"ROOMSYNC_TODAY": "2026-11-28"})
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["booking"]["id"] == "B-000008"


def test_data_dir_from_env_and_default_dot_data(hotel: Path) -> None:
    by_env = run_cli("rooms", "--json", env={"ROOMSYNC_DATA_DIR": str(hotel)})
    assert by_env.code == 0 and len(json.loads(by_env.stdout)) == 15
    # the hotel fixture lives in <tmp>/data: run from <tmp> with no option at all
    default = run_process("rooms", "--json", cwd=hotel.parent)
    assert default.returncode == 0, default.stderr
    assert len(json.loads(default.stdout)) == 15
    option_wins = run_cli("rooms", "--json", "--data-dir", str(hotel),
                          env={"ROOMSYNC_DATA_DIR": str(hotel.parent / "nowhere")})
    assert option_wins.code == 0


def test_lock_timeout_option_and_env_give_up_with_exit_4_and_write_nothing(hotel: Path) -> None:
    before = snapshot(hotel)
    lock = FileLock(str(hotel / ".roomsync.lock"))
    with lock.acquire(timeout=5):
        started = time.monotonic()
        result = run_cli("checkin", "101", "--data-dir", str(hotel), "--today", TODAY, "--json",
                         "--lock-timeout", "0.3")
        assert result.code == 4, (result.stdout, result.stderr)
        assert json.loads(result.stdout)["error"]["code"] == "LOCK_TIMEOUT"
        assert len(result.stderr.strip().splitlines()) == 1
        by_env = run_cli("rooms", "--data-dir", str(hotel), "--json", env={"ROOMSYNC_LOCK_TIMEOUT": "0.3"})
        assert by_env.code == 4
        assert json.loads(by_env.stdout) == {"error": {"code": "LOCK_TIMEOUT",
                                                       "message": json.loads(by_env.stdout)["error"]["message"]}}
        assert time.monotonic() - started < 5, "the default 10 s timeout was used instead"
    assert snapshot(hotel) == before
    assert run_cli("checkin", "101", "--data-dir", str(hotel), "--today", TODAY, "--lock-timeout", "0").code == 0


def test_version_prints_the_package_version() -> None:
    result = run_cli("--version")
    assert result.code == 0
    assert result.stdout.strip() == f"roomsync {roomsync.__version__}"
    process = run_process("--version")
    assert process.returncode == 0 and roomsync.__version__ in process.stdout


# --------------------------------------------------------------------------- invalid data, no traceback

def test_missing_data_directory_is_data_invalid_suggesting_init(tmp_path: Path) -> None:
    result = rs(tmp_path / "nowhere", "rooms", as_json=True)
    assert result.code == 3
    document = json.loads(result.stdout)
    assert document["error"]["code"] == "DATA_INVALID"
    assert "roomsync init" in document["error"]["message"]
    assert not (tmp_path / "nowhere").exists()


def test_missing_rooms_file_is_data_invalid_suggesting_init(tmp_path: Path) -> None:
    data = tmp_path / "d"
    data.mkdir()
    (data / "bookings.json").write_text("[]\n")
    result = rs(data, "validate")
    assert result.code == 3 and result.stdout == ""
    assert "roomsync init" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_missing_bookings_file_next_to_rooms_is_an_empty_list(tmp_path: Path) -> None:
    data = tmp_path / "d"
    data.mkdir()
    (data / "rooms.json").write_text(json.dumps([R("101", "AVAILABLE")]))
    result = rs(data, "bookings", as_json=True)
    assert result.code == 0 and json.loads(result.stdout) == []


@pytest.mark.parametrize("args", [("rooms",), ("validate",), ("reconcile", "--fix"), ("checkin", "101"),
                                  ("housekeeping", "102", "DIRTY")])
def test_invalid_bookings_file_is_refused_by_every_command_exit_3_writing_nothing(
        hotel: Path, args: tuple[str, ...]) -> None:
    (hotel / "bookings.json").write_text('[{"id": "B-000001",', encoding="utf-8")
    before = snapshot(hotel)
    result = rs(hotel, *args, as_json=True)
    assert result.code == 3
    document = json.loads(result.stdout)
    assert document["error"]["code"] == "DATA_INVALID"
    assert "bookings.json" in document["error"]["message"]
    assert snapshot(hotel) == before


def test_invalid_record_message_names_file_record_and_field(hotel: Path) -> None:
    records = json.loads((hotel / "bookings.json").read_text())
    records[6]["arrival"] = "2026-13-01"
    (hotel / "bookings.json").write_text(json.dumps(records, indent=2) + "\n")
    result = rs(hotel, "rooms")
    assert result.code == 3
    message = result.stderr
    assert len(message.strip().splitlines()) == 1
    assert "bookings.json" in message and "record 7" in message and "B-000007" in message
    assert "arrival" in message and "2026-13-01" in message


@pytest.mark.parametrize("args, code", [
    (("rooms", "--data-dir", "{missing}"), 3),
    (("validate", "--data-dir", "{broken}"), 3),
    (("reconcile", "--fix", "--data-dir", "{broken}", "--json"), 3),
    (("checkin", "999", "--data-dir", "{hotel}", "--today", TODAY), 1),
    (("checkin", "102", "--walk-in", "--guest", "W", "--nights", "0", "--data-dir", "{hotel}"), 2),
    (("book", "102", "--guest", "X", "--arrival", "2026-02-30", "--nights", "1", "--data-dir", "{hotel}"), 2),
    (("watch", "--every", "nope", "--data-dir", "{hotel}"), 2),
    (("nosuchcommand",), 2),
], ids=[
    "missing_dir_3", "broken_rooms_3", "broken_rooms_json_3", "refusal_1", "nights_zero_2", "bad_date_2",
    "bad_interval_2", "unknown_command_2",
])
def test_real_process_exit_codes_and_never_a_traceback(tmp_path: Path, hotel: Path, args: tuple[str, ...],
                                                       code: int) -> None:
    broken = write_hotel(tmp_path / "broken", [R("101", "AVAILABLE")], [])
    (broken / "rooms.json").write_text("{not json")
    places = {"missing": str(tmp_path / "missing"), "broken": str(broken), "hotel": str(hotel)}
    process = run_process(*(a.format(**places) for a in args))
    assert process.returncode == code, (process.stdout, process.stderr)
    assert "Traceback" not in process.stderr and "Traceback" not in process.stdout
    assert process.stderr.strip()


def test_piped_human_output_has_no_colour_codes(hotel: Path) -> None:
    for args in (("rooms",), ("show", "301")):
        process = run_process(*args, "--data-dir", str(hotel), "--today", TODAY)
        assert process.returncode == 0, process.stderr
        assert "\x1b[" not in process.stdout
        assert process.stdout.strip()


def test_json_output_of_a_success_is_exactly_one_document_and_nothing_on_stderr(hotel: Path) -> None:
    for args in (("rooms",), ("bookings",), ("show", "101"), ("validate",), ("history",),
                 ("housekeeping", "304", "CLEAN"), ("reconcile", "--fix")):
        result = rs(hotel, *args, as_json=True)
        assert result.code == 0, (args, result.stderr)
        json.loads(result.stdout)
        assert result.stderr == "", (args, result.stderr)
    process = run_process("checkin", "101", "--data-dir", str(hotel), "--today", TODAY, "--json")
    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout)["booking"]["status"] == "CheckedIn"
    assert process.stderr == ""


def test_repository_data_is_the_seed_hotel_or_its_repair(tmp_path: Path) -> None:
    """data/ is the committed demo hotel, or that hotel after the quick start's `reconcile --fix`
    on any day: repairing both on one day gives the same files."""
    repaired = []
    for name, source in (("repo", REPO / "data"), ("seed", SEED_HOTEL)):
        copy = tmp_path / name
        copy.mkdir()
        for file in ("rooms.json", "bookings.json"):
            shutil.copy(source / file, copy / file)
        assert run_cli("reconcile", "--fix", "--data-dir", str(copy), "--today", TODAY).code == 0
        repaired.append({file: (copy / file).read_bytes() for file in ("rooms.json", "bookings.json")})
    assert repaired[0] == repaired[1]
    assert (REPO / "data" / "bookings.json").read_bytes() == (SEED_HOTEL / "bookings.json").read_bytes()
