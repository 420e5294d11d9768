"""Many roomsync processes on one data directory (SPEC §6 "One writer at a time", §5 exit 4).

Twelve processes book overlapping stays in the same rooms and check guests in at once.
Whatever order the lock hands them out in: every booking reported made (exit 0) is stored
exactly once, no refused one is stored, no two active bookings of a room overlap, the
hotel validates without problems, and the audit holds exactly one line per successful
change (its command lines are exactly the successful ones). The lock file is never
deleted; a lock holder killed with SIGKILL never blocks the next command; a lock held
elsewhere past `--lock-timeout` is exit 4 `LOCK_TIMEOUT` with nothing written.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, run_cli, run_process, snapshot

pytestmark = pytest.mark.slow

ACTIVE = {"Reserved", "CheckedIn"}


def book(room: str, guest: str, arrival: str, departure: str) -> tuple[str, ...]:
    return ("book", room, "--guest", guest, "--arrival", arrival, "--departure", departure)


# (args, what may come of it): room 102 and 202 get overlapping stays, 103 one that always
# collides with B-000009 (11-29..12-02), plus check-ins of today's arrivals and a walk-in.
MADE_OR_OVERLAP = {"ok", "DOUBLE_BOOKING"}
RACE: list[tuple[tuple[str, ...], set[str]]] = [
    (book("102", "Race A", "2026-11-27", "2026-11-29"), MADE_OR_OVERLAP),
    (book("102", "Race B", "2026-11-28", "2026-11-30"), MADE_OR_OVERLAP),
    (book("102", "Race C", "2026-11-27", "2026-11-28"), MADE_OR_OVERLAP),
    (book("102", "Race D", "2026-11-29", "2026-12-01"), MADE_OR_OVERLAP),
    (book("202", "Race E", "2026-12-01", "2026-12-03"), MADE_OR_OVERLAP),
    (book("202", "Race F", "2026-12-02", "2026-12-04"), MADE_OR_OVERLAP),
    (book("202", "Race G", "2026-11-30", "2026-12-02"), MADE_OR_OVERLAP),
    (book("103", "Race H", "2026-11-28", "2026-11-30"), {"DOUBLE_BOOKING"}),
    (("checkin", "101"), {"ok"}),
    (("checkin", "204"), {"ok"}),
    (("checkin", "102"), {"ok", "NO_DUE_RESERVATION"}),
    (("checkin", "202", "--walk-in", "--guest", "Race W", "--nights", "1"), {"ok"}),
]

# Every process imports roomsync first, then waits for the same instant to run the CLI as
# `python -m roomsync` does, so that the locked read-decide-write cycles really collide.
GATED = r"""
import os, runpy, sys, time
import roomsync.cli.app  # noqa: F401  (import before the gate)
time.sleep(max(0.0, float(os.environ["RS_GO"]) - time.time()))
sys.argv = ["roomsync", *sys.argv[1:]]
runpy.run_module("roomsync", run_name="__main__", alter_sys=True)
"""


def common(data: Path) -> list[str]:
    return ["--data-dir", str(data), "--today", TODAY, "--json", "--lock-timeout", "60"]


def env() -> dict[str, str]:
    full = dict(os.environ)
    full.pop("ROOMSYNC_TODAY", None)
    full.pop("ROOMSYNC_DATA_DIR", None)
    return full


def start_all(data: Path, gated: bool) -> list[subprocess.Popen[str]]:
    environment = env()
    environment["RS_GO"] = str(time.time() + 1.5)
    processes = []
    for args, _ in RACE:
        head = [sys.executable, "-c", GATED] if gated else [sys.executable, "-m", "roomsync"]
        processes.append(subprocess.Popen([*head, *args, *common(data)], stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True, env=environment))
    return processes


def held_nights(booking: dict[str, Any]) -> set[date]:
    start, end = date.fromisoformat(booking["arrival"]), date.fromisoformat(booking["departure"])
    return {date.fromordinal(d) for d in range(start.toordinal(), end.toordinal())}


@pytest.mark.parametrize("gated", [False, True], ids=["python-m-roomsync", "start-gate"])
def test_concurrent_bookings_and_checkins_store_each_success_once_and_never_overlap(
        hotel: Path, gated: bool) -> None:
    lock = hotel / ".roomsync.lock"
    lock_inode = lock.stat().st_ino
    audit_before = (hotel / "audit.jsonl").read_bytes().splitlines()
    processes = start_all(hotel, gated)
    outcomes = []
    for (args, allowed), process in zip(RACE, processes, strict=False):
        out, err = process.communicate(timeout=120)
        document = json.loads(out)
        if process.returncode == 0:
            outcomes.append((args, "ok", document))
        else:
            assert process.returncode == 1, f"{args}: exit {process.returncode}: {err}"
            outcomes.append((args, document["error"]["code"], document))
        assert outcomes[-1][1] in allowed, f"{args}: {outcomes[-1][1]} ({err.strip()})"

    bookings = json.loads((hotel / "bookings.json").read_text())
    rooms = {room["number"]: room for room in json.loads((hotel / "rooms.json").read_text())}
    ids = Counter(b["id"] for b in bookings)
    assert all(count == 1 for count in ids.values()), f"duplicate ids: {ids}"
    by_guest = Counter(b["guest"] for b in bookings)

    made = []
    for args, result, document in outcomes:
        guest = args[args.index("--guest") + 1] if "--guest" in args else None
        if result == "ok" and guest:
            made.append(document["booking"]["id"])
            stored = [b for b in bookings if b["id"] == document["booking"]["id"]]
            assert len(stored) == 1 and stored[0]["guest"] == guest, f"{args}: reported made, stored {stored}"
            assert by_guest[guest] == 1
            stay = ("id", "room", "guest", "arrival", "departure")
            assert {k: stored[0][k] for k in stay} == {k: document["booking"][k] for k in stay}
        elif guest:
            assert by_guest[guest] == 0, f"{args}: refused ({result}) but stored"
        if result == "ok" and args[0] == "checkin":
            assert rooms[args[1]]["status"] == "OCCUPIED"
            assert document["booking"] in bookings and document["booking"]["status"] == "CheckedIn"
    assert len(set(made)) == len(made), "a booking id was issued twice"
    assert all(int(i.split("-")[1]) > 12 for i in made), "a new id reused the sample's"
    # Each room receives a first booking, which nothing can refuse.
    for room in ("102", "202"):
        assert any(b["room"] == room and b["guest"].startswith("Race") for b in bookings)

    active: dict[str, list[dict[str, Any]]] = {}
    for booking in bookings:
        if booking["status"] in ACTIVE:
            active.setdefault(booking["room"], []).append(booking)
    for room, own in active.items():
        for i, first in enumerate(own):
            for second in own[i + 1:]:
                assert not held_nights(first) & held_nights(second), f"room {room}: {first['id']} / {second['id']}"
        assert sum(b["status"] == "CheckedIn" for b in own) <= 1, f"room {room}: two guests in"

    report = run_process("validate", *common(hotel))
    assert report.returncode == 0, report.stdout + report.stderr
    assert json.loads(report.stdout)["problems"] == []

    audit = (hotel / "audit.jsonl").read_bytes().splitlines()
    assert audit[:len(audit_before)] == audit_before
    new_lines = [json.loads(line) for line in audit[len(audit_before):]]
    successes = Counter(args for args, result, _ in outcomes if result == "ok")
    assert Counter(_args_of(entry) for entry in new_lines) == successes, "audit lines vs successful commands"
    assert len(new_lines) == sum(successes.values()), "one audit line per successful change"

    assert lock.exists() and lock.stat().st_ino == lock_inode, "the lock file was deleted or replaced"
    assert set(os.listdir(hotel)) == {"rooms.json", "bookings.json", "audit.jsonl", ".roomsync.lock"}


def _args_of(entry: dict[str, Any]) -> tuple[str, ...]:
    """The command's own arguments, without the common options appended by the test."""
    command = entry["command"][1:]
    return tuple(command[:command.index("--data-dir")])


# --------------------------------------------------------------------------- killed lock holder

STALL_IN_COMMIT = r"""
import os, sys, time
original = os.replace
def stalled(*args, **kwargs):
    result = original(*args, **kwargs)  # the journal (intent) is in place; the audit line is not
    print("stalled", flush=True)
    time.sleep(120)
    return result
os.replace = stalled
sys.argv = ["roomsync", *sys.argv[1:]]
from roomsync.cli.app import main
main()
"""


def test_sigkill_of_a_command_holding_the_lock_never_blocks_the_next_command(hotel: Path) -> None:
    lock = hotel / ".roomsync.lock"
    lock_inode = lock.stat().st_ino
    audit_before = (hotel / "audit.jsonl").read_bytes().splitlines()
    holder = subprocess.Popen([sys.executable, "-c", STALL_IN_COMMIT, "checkin", "101", *common(hotel)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env())
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "stalled", holder.stderr.read() if holder.stderr else ""
        # While it stalls inside its commit, it holds the lock.
        waiting = run_process("rooms", "--data-dir", str(hotel), "--lock-timeout", "0.3", "--json")
        assert waiting.returncode == 4
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    assert holder.returncode == -signal.SIGKILL

    started = time.monotonic()
    after = run_process("validate", "--data-dir", str(hotel), "--today", TODAY, "--json", "--lock-timeout", "5")
    assert after.returncode == 0, after.stderr
    assert time.monotonic() - started < 5, "the dead process's lock delayed the next command"
    # The next command also undid the interrupted commit: it died before its audit line (the
    # commit point), so the old pair stands, with no audit line for it.
    bookings = {b["id"]: b for b in json.loads((hotel / "bookings.json").read_text())}
    rooms = {r["number"]: r for r in json.loads((hotel / "rooms.json").read_text())}
    assert bookings["B-000006"]["status"] == "Reserved" and rooms["101"]["status"] == "RESERVED"
    assert len((hotel / "audit.jsonl").read_bytes().splitlines()) == len(audit_before)
    nxt = run_process("checkin", "204", *common(hotel))
    assert nxt.returncode == 0, nxt.stderr
    assert lock.exists() and lock.stat().st_ino == lock_inode
    assert set(os.listdir(hotel)) == {"rooms.json", "bookings.json", "audit.jsonl", ".roomsync.lock"}


# --------------------------------------------------------------------------- lock timeout

HOLD_LOCK = r"""
import sys, time
from filelock import FileLock
lock = FileLock(sys.argv[1])
lock.acquire()
print("held", flush=True)
time.sleep(120)
"""


def test_lock_held_elsewhere_past_lock_timeout_is_exit_4_lock_timeout_and_writes_nothing(hotel: Path) -> None:
    lock = hotel / ".roomsync.lock"
    lock_inode = lock.stat().st_ino
    before = snapshot(hotel)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(lock)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        result = run_process("checkin", "101", "--data-dir", str(hotel), "--today", TODAY, "--json",
                             "--lock-timeout", "0.5")
        elapsed = time.monotonic() - started
        assert result.returncode == 4, result.stdout + result.stderr
        assert json.loads(result.stdout)["error"]["code"] == "LOCK_TIMEOUT"
        assert "lock" in result.stderr.lower()
        assert 0.5 <= elapsed < 5, f"waited {elapsed:.2f}s for a 0.5s timeout"
        # Read-only commands take the lock too; the environment variable sets the timeout.
        viewed = run_process("validate", "--data-dir", str(hotel), "--today", TODAY, "--json",
                             env={"ROOMSYNC_LOCK_TIMEOUT": "0.5"})
        assert viewed.returncode == 4
        assert json.loads(viewed.stdout)["error"]["code"] == "LOCK_TIMEOUT"
        assert snapshot(hotel) == before
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    # The holder died with the lock: the next command runs at once.
    result = run_cli("checkin", "101", "--data-dir", str(hotel), "--today", TODAY, "--lock-timeout", "5")
    assert result.code == 0, result.stderr
    assert lock.exists() and lock.stat().st_ino == lock_inode, "the lock file was deleted or replaced"
