"""Shared fixtures: a demo hotel in a temp directory and an in-process `roomsync` runner.

`run_cli` goes through `roomsync.cli.app.main` exactly as the console script does
(argument errors included), capturing stdout and stderr separately.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from roomsync.cli.app import main
from roomsync.domain.model import RoomStatus
from roomsync.storage import atomic
from roomsync.storage.base import UnitOfWork
from roomsync.storage.json_store import JsonUnitOfWork

TODAY = "2026-11-27"
REPO = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run `roomsync ARGS` in this process; env entries are set for the call only."""
    out, err = io.StringIO(), io.StringIO()
    old_argv, old_env = sys.argv, dict(os.environ)
    sys.argv = ["roomsync", *args]
    os.environ.pop("ROOMSYNC_TODAY", None)
    os.environ.pop("ROOMSYNC_DATA_DIR", None)
    os.environ.update(env or {})
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    finally:
        sys.argv = old_argv
        os.environ.clear()
        os.environ.update(old_env)
    return Result(code, out.getvalue(), err.getvalue())


def run_process(*args: str, env: dict[str, str] | None = None, timeout: float = 60,
                cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed `roomsync` (via `python -m roomsync`) as a separate process."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "roomsync", *args], capture_output=True, text=True,
                          env=full_env, timeout=timeout, cwd=cwd)


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file's bytes (the lock file excluded), to assert 'no byte changed'."""
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())
            if p.is_file() and p.name != ".roomsync.lock"}


@pytest.fixture
def hotel(tmp_path: Path) -> Path:
    """A demo hotel (init --sample) dated TODAY; returns the data directory."""
    data = tmp_path / "data"
    result = run_cli("init", "--sample", "--data-dir", str(data), "--today", TODAY)
    assert result.code == 0, result.stderr
    return data


@pytest.fixture
def empty_hotel(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    assert run_cli("init", "--data-dir", str(data)).code == 0
    return data


def write_hotel(data: Path, rooms: list[dict[str, Any]], bookings: list[dict[str, Any]]) -> Path:
    """Write a hand-made pair (as a clerk's editor would) into `data`."""
    data.mkdir(parents=True, exist_ok=True)
    (data / "rooms.json").write_text(json.dumps(rooms, indent=2) + "\n")
    (data / "bookings.json").write_text(json.dumps(bookings, indent=2) + "\n")
    return data


SEED_HOTEL = Path(__file__).resolve().parent / "seed_hotel"


def shipped_data(tmp_path: Path) -> Path:
    """A copy of the shipped demo hotel as it was committed, drift and all.

    It comes from `tests/seed_hotel/`, not from `data/`: the README's quick start runs
    `roomsync reconcile --fix` on `data/` itself, and the tests must pass after it too.
    `test_repository_data_is_the_seed_hotel_or_its_repair` keeps the two the same hotel.
    """
    target = tmp_path / "shipped"
    shutil.copytree(SEED_HOTEL, target)
    return target


# --------------------------------------------------------------------------- CLI test helpers


def rs(data: Path, *args: str, today: str | None = TODAY, as_json: bool = False,
       env: dict[str, str] | None = None):
    """Run `roomsync ARGS --data-dir DATA [--today T] [--json]` in-process; never a traceback."""
    extra = ["--data-dir", str(data)]
    if today is not None:
        extra += ["--today", today]
    if as_json:
        extra.append("--json")
    result = run_cli(*args, *extra, env=env)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def rooms_file(data: Path) -> list[dict[str, Any]]:
    return json.loads((data / "rooms.json").read_text(encoding="utf-8"))


def bookings_file(data: Path) -> list[dict[str, Any]]:
    return json.loads((data / "bookings.json").read_text(encoding="utf-8"))


def room(data: Path, number: str) -> dict[str, Any]:
    return next(r for r in rooms_file(data) if r["number"] == number)


def booking(data: Path, booking_id: str) -> dict[str, Any]:
    return next(b for b in bookings_file(data) if b["id"] == booking_id)


def audit_lines(data: Path) -> list[str]:
    path = data / "audit.jsonl"
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def R(number: str, status: str, **extra: Any) -> dict[str, Any]:
    return {"number": number, "status": status, **extra}


def B(booking_id: str, room_number: str, arrival: str, departure: str, status: str,
      guest: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"id": booking_id, "room": room_number, "guest": guest or f"Guest {booking_id}",
            "arrival": arrival, "departure": departure, "status": status, **extra}


class Crash(BaseException):
    """A process dying: no except clause of roomsync runs."""


def mark_dirty(uow: UnitOfWork, number: str = "102") -> None:
    """Set one room DIRTY in an open unit of work (saved, not committed)."""
    room = uow.rooms.get(number)
    assert room is not None
    room.status = RoomStatus.DIRTY
    uow.rooms.save(room)


def crash_at_commit_point(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commit room 102 DIRTY in `data` and die just before the audit line is appended (the
    commit point): the journal stays and rooms.json is replaced, but nothing is committed."""
    def die(*args: object) -> None:
        raise Crash()

    monkeypatch.setattr(atomic, "_append_audit", die)
    with pytest.raises(Crash), JsonUnitOfWork(data) as uow:
        mark_dirty(uow)
        uow.commit(["roomsync", "housekeeping"])
    monkeypatch.undo()
