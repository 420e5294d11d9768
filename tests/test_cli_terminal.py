"""What a clerk at a terminal (or a pipe) sees: the last bookings only, aligned wide
characters, status letters without colour, a question before replacing a hotel, a quiet end
when the reader closes the pipe, history without Python's `None`, and the JSON shapes of
`show ID` and `room add/remove`."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import B, R, bookings_file, rooms_file, rs, snapshot, write_hotel
from rich.cells import cell_len
from test_cli_commands import ok_json, refused

from roomsync.cli import render
from roomsync.cli.app import PIPE_CLOSED


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """stdout (and stdin) look like a terminal; output stays plain text for the assertions."""
    monkeypatch.setattr(render, "on_terminal", lambda *, input_too=False: True)
    monkeypatch.setattr(render, "table", render.plain_table)


def many_bookings(tmp_path: Path, count: int) -> Path:
    bookings = [B(f"B-{n:06d}", "101", "2026-01-01", "2026-01-02", "CheckedOut") for n in range(1, count + 1)]
    return write_hotel(tmp_path / "many", [R("101", "AVAILABLE")], bookings)


def test_a_terminal_shows_the_last_100_bookings_and_says_how_many_are_hidden(tmp_path: Path, terminal: None
                                                                            ) -> None:
    data = many_bookings(tmp_path, 130)
    lines = rs(data, "bookings").stdout.splitlines()
    assert lines[0].startswith("30 earlier match(es) not shown")
    assert lines[2].startswith("B-000031") and lines[-1].startswith("B-000130") and len(lines) == 102


def test_limit_zero_shows_all_and_a_pipe_shows_all_unless_limited(tmp_path: Path, terminal: None) -> None:
    data = many_bookings(tmp_path, 130)
    assert len(rs(data, "bookings", "--limit", "0").stdout.splitlines()) == 131
    assert len(ok_json(data, "bookings")) == 130
    assert [b["id"] for b in ok_json(data, "bookings", "--limit", "2")] == ["B-000129", "B-000130"]


def test_piped_bookings_show_every_match(tmp_path: Path) -> None:
    data = many_bookings(tmp_path, 130)
    assert len(rs(data, "bookings").stdout.splitlines()) == 131


def test_plain_table_columns_stay_aligned_for_wide_characters(tmp_path: Path) -> None:
    data = write_hotel(tmp_path / "d", [R("101", "AVAILABLE")], [
        B("B-000001", "101", "2026-11-20", "2026-11-22", "CheckedOut", guest="山田太郎"),
        B("B-000002", "101", "2026-11-22", "2026-11-24", "CheckedOut", guest="Ada"),
    ])
    lines = rs(data, "bookings").stdout.splitlines()
    starts = {cell_len(line[:line.index(marker)]) for line, marker in
              zip(lines, ["Arrival", "2026-11-20", "2026-11-22"], strict=True)}
    assert len(starts) == 1


def test_without_colour_the_tape_chart_keeps_its_status_letters(hotel: Path, terminal: None,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    for variable, value in (("NO_COLOR", "1"), ("TERM", "dumb")):
        with monkeypatch.context() as patch:
            patch.setenv(variable, value)
            shown = rs(hotel, "calendar").stdout
        assert "I:" in shown and "R:" in shown and "R reserved" in shown


def test_history_shows_no_python_none_and_quotes_the_command_line(hotel: Path) -> None:
    assert rs(hotel, "book", "104", "--guest", "Ada King", "--arrival", "2026-12-10", "--nights", "1").code == 0
    shown = rs(hotel, "history").stdout
    assert "None" not in shown
    assert "--guest 'Ada King'" in shown


def answer_question(monkeypatch: pytest.MonkeyPatch, typed: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed))


@pytest.mark.parametrize("typed", ["n\n", ""])
def test_init_force_on_a_terminal_asks_and_no_or_end_of_input_writes_nothing(
        hotel: Path, terminal: None, monkeypatch: pytest.MonkeyPatch, typed: str) -> None:
    before = snapshot(hotel)
    answer_question(monkeypatch, typed)
    result = rs(hotel, "init", "--force")
    assert result.code == 1
    assert "15 room(s), 12 booking(s)" in result.stderr
    assert snapshot(hotel) == before


def test_init_force_yes_skips_the_question(hotel: Path, terminal: None, monkeypatch: pytest.MonkeyPatch) -> None:
    answer_question(monkeypatch, "")
    assert rs(hotel, "init", "--force", "--yes").code == 0
    assert rooms_file(hotel) == []


def test_init_force_answered_yes_replaces(hotel: Path, terminal: None, monkeypatch: pytest.MonkeyPatch) -> None:
    answer_question(monkeypatch, "y\n")
    assert rs(hotel, "init", "--force").code == 0
    assert bookings_file(hotel) == []


def test_a_closed_pipe_ends_quietly_with_141(hotel: Path) -> None:
    for args in (["bookings"], ["rooms", "--json"], ["calendar"]):
        process = subprocess.Popen([sys.executable, "-m", "roomsync", *args, "--data-dir", str(hotel)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # the reader is gone before roomsync writes
        error = process.stderr.read()
        assert process.wait(timeout=60) == PIPE_CLOSED, args
        assert error == b"", args


def test_show_a_booking_id_prints_booking_and_room(hotel: Path) -> None:
    document = ok_json(hotel, "show", "b-000006")
    assert set(document) == {"booking", "room"}
    assert document["booking"]["id"] == "B-000006" and document["room"]["number"] == document["booking"]["room"]


def test_show_neither_room_nor_booking(hotel: Path) -> None:
    message = refused(hotel, "UNKNOWN_ROOM", "show", "Z-1", names=("Z-1",))
    assert "booking" in message


def test_room_add_prints_the_room_and_appends_it(empty_hotel: Path) -> None:
    document = ok_json(empty_hotel, "room", "add", "101", "--type", "Double", "--floor", "1", "--status", "clean")
    assert document == {"room": {"number": "101", "status": "CLEAN", "type": "Double", "floor": 1}}
    assert rooms_file(empty_hotel) == [document["room"]]
    assert ok_json(empty_hotel, "room", "add", "102")["room"] == {"number": "102", "status": "AVAILABLE"}
    assert [r["number"] for r in rooms_file(empty_hotel)] == ["101", "102"]


def test_room_add_and_remove_refusals(hotel: Path) -> None:
    refused(hotel, "ALREADY_EXISTS", "room", "add", "101", names=("101",))
    refused(hotel, "UNKNOWN_ROOM", "room", "remove", "999", names=("999",))
    refused(hotel, "ROOM_IN_USE", "room", "remove", "101", names=("101",))


def test_room_remove_prints_the_removed_room(empty_hotel: Path) -> None:
    ok_json(empty_hotel, "room", "add", "101")
    assert ok_json(empty_hotel, "room", "remove", "101") == {"room": {"number": "101", "status": "AVAILABLE"}}
    assert rooms_file(empty_hotel) == []
    audit = json.loads((empty_hotel / "audit.jsonl").read_text().splitlines()[-1])
    assert audit["changes"][0]["room"] == "101" and audit["changes"][0]["new"] is None
