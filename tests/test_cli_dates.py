"""The issue's commands at the calendar's edge, as a user types them: each is refused with
one line (INVALID_DATES, exit 1) and writes nothing, never an internal error (exit 70).

What the domain decides is tested in test_domain_dates.py; here only what the CLI adds:
the exit code, the one-line message, the JSON error and the untouched files.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli, snapshot

TOO_MANY_NIGHTS = [
    ("book", "102", "--guest", "A", "--arrival", "2026-12-01", "--nights", "100000000"),
    ("book", "102", "--guest", "A", "--arrival", "2026-12-01", "--nights", "1" * 23),
    ("book", "--type", "Double", "--guest", "A", "--arrival", "2026-12-01", "--nights", "100000000"),
    ("availability", "--arrival", "2026-12-01", "--nights", "100000000"),
    ("checkin", "103", "--walk-in", "--guest", "W", "--nights", "100000000"),
    ("amend", "B-000008", "--nights", "100000000"),
]
REFUSED = [
    ("book", "102", "--guest", "A", "--arrival", "9999-12-31", "--nights", "1"),
    ("book", "--type", "Double", "--guest", "A", "--arrival", "9999-12-30", "--nights", "3"),
    ("availability", "--arrival", "9999-12-31", "--nights", "1"),
    ("amend", "B-000008", "--arrival", "9999-12-31", "--nights", "1"),
    ("reconcile", "--today", "9999-12-31"),
    ("validate", "--today", "9999-12-31"),
    ("calendar", "--today", "9999-12-31"),
    ("night-audit", "--today", "9999-12-31"),
    ("night-audit", "--today", "0001-01-01"),
    ("init", "--sample", "--force", "--today", "9999-12-31"),
]


@pytest.mark.parametrize("args", REFUSED, ids=[" ".join(a)[:60] for a in REFUSED])
def test_a_date_past_the_calendar_is_refused_in_one_line_and_writes_nothing(hotel: Path, args: tuple[str, ...]) -> None:
    before = snapshot(hotel)
    result = run_cli(*args, "--data-dir", str(hotel), *([] if "--today" in args else ["--today", "2026-11-27"]))
    assert result.code == 1, result.stderr
    assert result.stderr.count("\n") == 1 and "calendar" in result.stderr and "internal" not in result.stderr
    assert snapshot(hotel) == before


@pytest.mark.parametrize("args", TOO_MANY_NIGHTS, ids=[" ".join(a)[:60] for a in TOO_MANY_NIGHTS])
def test_more_nights_than_ten_years_is_a_usage_error_naming_nights(hotel: Path, args: tuple[str, ...]) -> None:
    before = snapshot(hotel)
    result = run_cli(*args, "--data-dir", str(hotel), "--today", "2026-11-27")
    assert result.code == 2 and "--nights" in result.stderr and "internal" not in result.stderr
    assert snapshot(hotel) == before


def test_the_refusal_names_the_stay_and_the_edge_in_json_too(hotel: Path) -> None:
    result = run_cli("book", "102", "--guest", "A", "--arrival", "9999-12-31", "--nights", "1", "--json",
                     "--data-dir", str(hotel), "--today", "2026-11-27")
    assert result.code == 1
    error = result.json()["error"]
    assert error["code"] == "INVALID_DATES"
    assert "Room 102" in error["message"] and "9999-12-31" in error["message"]


def test_an_unknown_room_is_named_before_a_stay_past_the_calendar(hotel: Path) -> None:
    result = run_cli("book", "999", "--guest", "A", "--arrival", "9999-12-31", "--nights", "1", "--json",
                     "--data-dir", str(hotel), "--today", "2026-11-27")
    assert (result.code, result.json()["error"]["code"]) == (1, "UNKNOWN_ROOM")


def test_a_calendar_wider_than_ten_years_is_a_usage_error(hotel: Path) -> None:
    before = snapshot(hotel)
    result = run_cli("calendar", "--days", "100000000", "--data-dir", str(hotel))
    assert result.code == 2 and "--days" in result.stderr
    assert snapshot(hotel) == before


def test_views_that_can_answer_at_the_edge_answer(hotel: Path) -> None:
    assert run_cli("rooms", "--today", "9999-12-31", "--data-dir", str(hotel)).code == 0
    result = run_cli("calendar", "--from", "9999-12-25", "--json", "--data-dir", str(hotel), "--today", "2026-11-27")
    assert result.code == 0, result.stderr
    assert result.json()["dates"][-1] == "9999-12-31" and len(result.json()["dates"]) == 7
