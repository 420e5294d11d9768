"""End-to-end tests of `roomsync watch` (SPEC §4): startup log, periodic repair of hand edits
(the seed's scenario 2), JSON Lines, invalid data survived, clean exit on SIGTERM/SIGINT.

Each test runs the real command as a subprocess with `--every 1s` (or a long interval it
never reaches) and bounded waits, and stops it with a signal.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, run_cli, shipped_data, snapshot

STARTUP = "[STARTUP] Running room-booking synchronization check..."
ALLOWED_FILES = {"rooms.json", "bookings.json", "audit.jsonl", ".roomsync.lock"}


class Watch:
    """A running `roomsync watch` whose stdout and stderr lines are collected as they come."""

    def __init__(self, data: Path, *args: str, today: str | None = TODAY) -> None:
        command = [sys.executable, "-m", "roomsync", "watch", "--data-dir", str(data), *args]
        if today is not None:
            command += ["--today", today]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, encoding="utf-8", errors="replace")
        self.out: list[str] = []
        self.err: list[str] = []
        self._readers = [threading.Thread(target=self._read, args=(self.process.stdout, self.out), daemon=True),
                         threading.Thread(target=self._read, args=(self.process.stderr, self.err), daemon=True)]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream: Any, lines: list[str]) -> None:
        for line in stream:
            lines.append(line.rstrip("\n"))

    def wait_for(self, condition: Callable[[], bool], timeout: float = 10, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if self.process.poll() is not None:
                time.sleep(0.1)  # let the readers drain
                if condition():
                    return
                break
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}\nstdout: {self.out}\nstderr: {self.err}")

    def wait_for_line(self, text: str, stream: str = "out", timeout: float = 10) -> None:
        lines = self.out if stream == "out" else self.err
        self.wait_for(lambda: any(text in line for line in lines), timeout, repr(text))

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 10) -> int:
        self.process.send_signal(signum)
        code = self.process.wait(timeout=timeout)
        for reader in self._readers:
            reader.join(timeout=5)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@contextmanager
def watching(data: Path, *args: str, today: str | None = TODAY) -> Iterator[Watch]:
    watch = Watch(data, *args, today=today)
    try:
        yield watch
    finally:
        watch.kill()


def json_lines(lines: list[str]) -> list[Any]:
    return [json.loads(line) for line in lines]


def edit_by_hand(path: Path, change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> None:
    """An editor's save: read, change, write a new file beside it, rename it over the old one."""
    records = change(json.loads(path.read_text(encoding="utf-8")))
    temp = path.with_name(path.name + ".swp")
    temp.write_text(json.dumps(records, indent=2) + "\n", encoding="utf-8")
    os.replace(temp, path)


def set_status(number: str, status: str) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    def change(rooms: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for record in rooms:
            if record["number"] == number:
                record["status"] = status
        return rooms
    return change


def room_status(data: Path, number: str) -> str:
    return next(r["status"] for r in json.loads((data / "rooms.json").read_text()) if r["number"] == number)


def assert_nothing_left_behind(data: Path) -> None:
    leftovers = {p.name for p in data.iterdir()} - ALLOWED_FILES
    assert not leftovers, f"files left behind: {leftovers}"


# --------------------------------------------------------------------------- startup and signals

def test_watch_startup_fixes_shipped_data_logs_seed_lines_default_5_minutes_and_exits_0_on_sigterm(
        tmp_path: Path) -> None:
    data = shipped_data(tmp_path)
    with watching(data) as watch:
        watch.wait_for_line("[STARTUP] Periodic sync enabled")
        assert watch.stop(signal.SIGTERM) == 0
    assert watch.out == [
        STARTUP,
        "[SYNC] Fixed 3 room(s) with incorrect status:",
        "  - Room 102: OCCUPIED → AVAILABLE (No checked-in guest found)",
        "  - Room 202: OCCUPIED → AVAILABLE (No checked-in guest found)",
        "  - Room 203: RESERVED → AVAILABLE (No active reservations found)",
        "[STARTUP] Periodic sync enabled (every 5 minutes)",
    ]
    assert "Traceback" not in "\n".join(watch.err)
    assert [room_status(data, n) for n in ("102", "202", "203")] == ["AVAILABLE"] * 3
    assert_nothing_left_behind(data)


def test_watch_every_30s_announces_30_seconds_and_exits_0_on_sigint(hotel: Path) -> None:
    with watching(hotel, "--every", "30s") as watch:
        watch.wait_for_line("[STARTUP] Periodic sync enabled")
        assert watch.stop(signal.SIGINT) == 0
    assert watch.out == [STARTUP, "[SYNC] All rooms correctly synchronized",
                         "[STARTUP] Periodic sync enabled (every 30 seconds)"]
    assert "Traceback" not in "\n".join(watch.err)


# --------------------------------------------------------------------------- JSON Lines

def test_watch_json_prints_one_report_per_reporting_cycle_on_stdout_and_startup_on_stderr(tmp_path: Path) -> None:
    data = shipped_data(tmp_path)
    with watching(data, "--every", "1s", "--json") as watch:
        watch.wait_for_line("[STARTUP] Periodic sync enabled (every 1 second)", stream="err")
        time.sleep(2.3)  # two quiet cycles: nothing fixed, nothing new to say
        assert len(watch.out) == 1, watch.out
        first = json.loads(watch.out[0])
        assert first["fixed"] == 3 and first["applied"] is True and first["checked"] == 15
        assert [d["roomNumber"] for d in first["details"]] == ["102", "202", "203"]
        assert set(first) == {"fixed", "applied", "checked", "details", "problems", "warnings"}

        # the lock is held only while a cycle runs: a front-desk command gets through meanwhile
        checkin = run_cli("checkin", "101", "--data-dir", str(data), "--today", TODAY, "--lock-timeout", "5")
        assert checkin.code == 0, checkin.stderr

        edit_by_hand(data / "rooms.json", set_status("102", "OCCUPIED"))
        watch.wait_for(lambda: len(watch.out) >= 2, timeout=10, what="a second report")
        second = json.loads(watch.out[1])
        assert second["fixed"] == 1 and second["details"] == [
            {"roomNumber": "102", "from": "OCCUPIED", "to": "AVAILABLE", "reason": "No checked-in guest found"}]
        assert watch.stop() == 0
    assert all(isinstance(document, dict) for document in json_lines(watch.out))
    assert watch.err[0] == STARTUP
    assert all(line.startswith("[STARTUP]") for line in watch.err), watch.err
    assert room_status(data, "102") == "AVAILABLE" and room_status(data, "101") == "OCCUPIED"
    assert_nothing_left_behind(data)


# --------------------------------------------------------------------------- seed scenario 2

def test_booking_deleted_by_hand_is_repaired_by_a_periodic_watch_cycle(hotel: Path) -> None:
    """Seed scenario 2: a booking removed from bookings.json; the next cycle frees its room."""
    assert room_status(hotel, "204") == "RESERVED"
    with watching(hotel, "--every", "1s") as watch:
        watch.wait_for_line("[STARTUP] Periodic sync enabled (every 1 second)")
        assert watch.out[1] == "[SYNC] All rooms correctly synchronized"
        edit_by_hand(hotel / "bookings.json", lambda records: [b for b in records if b["id"] != "B-000007"])
        watch.wait_for_line("  - Room 204: RESERVED → AVAILABLE (No active reservations found)", timeout=10)
        assert "[SYNC] Fixed 1 room(s) with incorrect status:" in watch.out
        assert watch.stop(signal.SIGTERM) == 0
    assert room_status(hotel, "204") == "AVAILABLE"
    assert "B-000007" not in (hotel / "bookings.json").read_text()
    assert_nothing_left_behind(hotel)
    validate = run_cli("validate", "--data-dir", str(hotel), "--today", TODAY)
    assert validate.code == 0 and validate.stdout.splitlines() == ["[SYNC] All rooms correctly synchronized"]


# --------------------------------------------------------------------------- invalid data

def test_watch_over_broken_rooms_file_reports_once_keeps_running_writes_nothing_and_recovers(
        hotel: Path) -> None:
    good = (hotel / "rooms.json").read_text(encoding="utf-8")
    (hotel / "rooms.json").write_text('[{"number": "101", "status": ', encoding="utf-8")
    before = snapshot(hotel)
    with watching(hotel, "--every", "1s", "--json") as watch:
        watch.wait_for(lambda: len(watch.out) >= 1, timeout=10, what="the error line")
        time.sleep(2.3)  # two more failing cycles: the same error is not repeated
        assert watch.process.poll() is None, "watch stopped on invalid data"
        assert len(watch.out) == 1, watch.out
        error = json.loads(watch.out[0])
        assert set(error) == {"error"} and error["error"]["code"] == "DATA_INVALID"
        assert "rooms.json" in error["error"]["message"]
        assert snapshot(hotel) == before, "watch wrote over invalid data"

        (hotel / "rooms.json").write_text(good.replace('"number": "102",\n    "status": "AVAILABLE"',
                                                       '"number": "102",\n    "status": "OCCUPIED"'),
                                          encoding="utf-8")
        watch.wait_for(lambda: len(watch.out) >= 2, timeout=10, what="recovery")
        recovered = json.loads(watch.out[1])
        assert recovered["applied"] is True
        assert recovered["details"] == [{"roomNumber": "102", "from": "OCCUPIED", "to": "AVAILABLE",
                                         "reason": "No checked-in guest found"}]
        assert watch.stop() == 0
    assert room_status(hotel, "102") == "AVAILABLE"
    assert "Traceback" not in "\n".join(watch.err)
    assert_nothing_left_behind(hotel)


def test_watch_human_log_names_the_invalid_file_once(hotel: Path) -> None:
    (hotel / "bookings.json").write_text("not json at all\n", encoding="utf-8")
    before = snapshot(hotel)
    with watching(hotel, "--every", "1s") as watch:
        watch.wait_for_line("[STARTUP] Periodic sync enabled (every 1 second)")
        time.sleep(1.3)
        errors = [line for line in watch.out if "DATA_INVALID" in line]
        assert len(errors) == 1 and "bookings.json" in errors[0], watch.out
        assert watch.stop(signal.SIGINT) == 0
    assert snapshot(hotel) == before


@pytest.mark.parametrize("every", ["0s", "abc", "5 minutes"])
def test_watch_with_bad_interval_is_a_usage_error_and_does_not_start(hotel: Path, every: str) -> None:
    before = snapshot(hotel)
    result = run_cli("watch", "--every", every, "--data-dir", str(hotel), "--today", TODAY)
    assert result.code == 2
    assert STARTUP not in result.stdout
    assert snapshot(hotel) == before


# --------------------------------------------------------------------------- channels


def test_watch_syncs_channels_within_its_cycles_logging_only_what_changed(hotel: Path, tmp_path: Path) -> None:
    feed = tmp_path / "feed.ics"
    feed.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//site//EN\r\nEND:VCALENDAR\r\n")
    added = run_cli("channel", "add", "site", "--room", "104", "--url", str(feed), "--data-dir", str(hotel))
    assert added.code == 0, added.stderr
    with watching(hotel, "--every", "1s", "--sync-every", "1s", "--json") as watch:
        watch.wait_for_line("[STARTUP] Periodic sync enabled", stream="err")
        feed.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//site//EN\r\nBEGIN:VEVENT\r\nUID:a@site\r\n"
                         b"DTSTART;VALUE=DATE:20261203\r\nDTEND;VALUE=DATE:20261206\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
        watch.wait_for(lambda: any('"channels"' in line for line in watch.out), what="a sync line")
        time.sleep(2.5)  # two more cycles: nothing changed, nothing logged
        assert watch.stop() == 0
    syncs = [doc for doc in json_lines(watch.out) if "channels" in doc]
    assert len(syncs) == 1, watch.out
    assert len(syncs[0]["channels"][0]["created"]) == 1 and syncs[0]["applied"] is True
    bookings = json.loads((hotel / "bookings.json").read_text())
    assert [b["arrival"] for b in bookings if b.get("channel") == "site"] == ["2026-12-03"]


def test_watch_sync_every_0_never_syncs(hotel: Path, tmp_path: Path) -> None:
    feed = tmp_path / "feed.ics"
    feed.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a@site\r\nDTSTART;VALUE=DATE:20261203\r\n"
                     b"DTEND;VALUE=DATE:20261206\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    assert run_cli("channel", "add", "site", "--room", "104", "--url", str(feed), "--data-dir", str(hotel)).code == 0
    with watching(hotel, "--every", "1s", "--sync-every", "0") as watch:
        watch.wait_for_line("[STARTUP] Periodic sync enabled")
        time.sleep(1.5)
        assert watch.stop() == 0
    assert "site" not in (hotel / "bookings.json").read_text()
    assert not (hotel / ".roomsync-channels.json").exists()
