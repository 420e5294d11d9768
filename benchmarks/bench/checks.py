"""Smoke checks: beyond exit statuses, the commands did what they say (CI's `--smoke` run).
The same checks serve the JSON store and the PostgreSQL store."""

from __future__ import annotations

import json
from pathlib import Path

from bench.hotel import Hotel
from bench.processes import Processes, fresh_copy
from bench.scenarios import FLOOR_SCRIPT, book_args

Problems = list[str]


def clean(text: str, what: str) -> str | None:
    """`validate --json` found nothing: no problems, details or warnings."""
    report = json.loads(text)
    if report.get("problems") or report.get("details") or report.get("warnings"):
        return f"{what}: not clean: {text[:500]}"
    return None


def checked_in(text: str, hotel: Hotel, what: str) -> str | None:
    """`checkin --json` checked in the due booking and made its room OCCUPIED."""
    doc = json.loads(text)
    if (doc.get("booking", {}).get("id") != hotel.checkin_booking
            or doc["booking"].get("status") != "CheckedIn" or doc.get("room", {}).get("status") != "OCCUPIED"):
        return f"{what}: unexpected document {text[:300]}"
    return None


class Checker:
    """Runs check commands and collects what went wrong, one line each."""

    def __init__(self, processes: Processes, roomsync: list[str], logs: Path, prefix: str = "") -> None:
        self.processes, self.roomsync, self.logs, self.prefix = processes, roomsync, logs, prefix
        self.problems: Problems = []

    def run(self, argv: list[str]) -> str | None:
        """The command's stdout, or None (and a problem) when it failed."""
        text, problem = self.processes.output(argv, self.logs)
        if text is None:
            # roomsync's command and its first argument, or the script (the floor) another process ran
            is_roomsync = argv[:len(self.roomsync)] == self.roomsync
            shown = argv[len(self.roomsync):][:2] if is_roomsync else [Path(argv[min(1, len(argv) - 1)]).name]
            self.problems.append(f"{self.prefix}{' '.join(shown)}: {problem}")
        return text

    def expect(self, problem: str | None) -> None:
        if problem:
            self.problems.append(self.prefix + problem)


def smoke_checks(processes: Processes, roomsync: list[str], hotel: Hotel, scratch: Path, logs: Path,
                 day: str, python: str) -> Problems:
    """The generated data validates clean; checkin, book and the floor did what they say."""
    check = Checker(processes, roomsync, logs)
    logs.mkdir(parents=True, exist_ok=True)

    def on(data_dir: Path) -> list[str]:
        return ["--data-dir", str(data_dir), "--today", day]

    text = check.run([*roomsync, "validate", "--json", *on(hotel.path)])
    if text is not None:
        check.expect(clean(text, "validate: generated data"))
    fresh_copy(hotel.path, scratch)
    text = check.run([*roomsync, "checkin", hotel.checkin_room, "--json", *on(scratch)])
    if text is not None:
        check.expect(checked_in(text, hotel, "checkin --json"))
        check.run([*roomsync, "validate", *on(scratch)])
    fresh_copy(hotel.path, scratch)
    text = check.run([*roomsync, "book", *book_args(hotel), "--json", *on(scratch)])
    if text is not None:
        doc = json.loads(text)
        if doc.get("booking", {}).get("status") != "Reserved" or doc["booking"].get("room") != hotel.book_room:
            check.expect(f"book --json: unexpected document {text[:300]}")
    fresh_copy(hotel.path, scratch)
    if check.run([python, str(FLOOR_SCRIPT), str(scratch), hotel.checkin_room, day]) is not None:
        bookings = json.loads((scratch / "bookings.json").read_text(encoding="utf-8"))
        if not any(b["id"] == hotel.checkin_booking and b["status"] == "CheckedIn" for b in bookings):
            check.expect("floor: the due booking was not checked in")
    return check.problems
