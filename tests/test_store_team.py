"""A hotel shared by a team (SPEC §6 "Shared by a team", read-only commands), with real accounts.

Clerks run as their own uids in one group (`setpriv`, numeric ids: no account database is
touched), with umask 022 as most accounts have. Files roomsync creates take the mode and
group of the data files beside them (or of the directory for a new hotel), so every clerk of
the group can read and write; a clerk who may only read still reads, without a lock file if
none was ever made there; an interrupted commit stops such a reader with DATA_INVALID naming
the journal.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, crash_at_commit_point, write_hotel

from roomsync.storage import atomic
from roomsync.storage.json_store import JsonUnitOfWork

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None,
                                reason="switching to other accounts needs root and setpriv")

GROUP, ANN, BOB, OUTSIDER = 47100, 47101, 47102, 47103
ROOMS: list[dict[str, Any]] = [{"number": "101", "status": "AVAILABLE"},
                               {"number": "102", "status": "CLEAN"}]
PYTHON = "/usr/bin/python3.11" if os.access("/usr/bin/python3.11", os.X_OK) else "/usr/bin/python3"

CLERK = r"""
import json, os, sys
os.umask(0o022)
from roomsync.domain.model import RoomStatus
from roomsync.errors import RoomsyncError
from roomsync.storage.json_store import JsonUnitOfWork
data, action = sys.argv[1], sys.argv[2]
try:
    if action == "read":
        with JsonUnitOfWork(data, 2.0, read_only=True) as uow:
            print(json.dumps({"rooms": [r.number for r in uow.rooms.all()]}))
    else:
        with JsonUnitOfWork(data, 2.0, create=action == "init", command=["roomsync", action]) as uow:
            if action == "init":
                from roomsync.domain.model import Room
                uow.replace_all([Room(n, RoomStatus.AVAILABLE) for n in ("101", "102")], [])
            else:
                room = uow.rooms.get("102")
                room.status = RoomStatus.DIRTY if room.status != RoomStatus.DIRTY else RoomStatus.CLEAN
                uow.rooms.save(room)
            uow.commit(["roomsync", action])
        print(json.dumps({"ok": True}))
except RoomsyncError as error:
    print(json.dumps({"code": error.code, "message": error.message}))
"""


SITE = Path(sysconfig.get_paths()["purelib"])


def readable_by_all(path: Path) -> bool:
    """Whether another account can read `path` (every directory above it traversable)."""
    try:
        chain = [path, *path.parents]
        return all(p.stat().st_mode & 0o001 for p in chain) and bool(path.stat().st_mode & 0o004)
    except OSError:
        return False


def as_clerk(uid: int, data: Path, action: str) -> dict[str, object]:
    """Run one unit of work as account `uid` (primary group its own, member of GROUP), on a
    copy of roomsync's code beside the data (the checkout may sit in root's home)."""
    if not readable_by_all(SITE):
        pytest.skip(f"the test's dependencies in {SITE} are not readable by other accounts "
                    f"(a virtualenv in a private directory); CI makes its venv readable")
    code = data.parent / "code"
    if not code.exists():
        shutil.copytree(REPO / "src" / "roomsync", code / "roomsync",
                        ignore=shutil.ignore_patterns("__pycache__"))
        for path in [code, *code.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{code}:{SITE}", "USER": f"clerk{uid}",
           "HOME": "/tmp", "PYTHONDONTWRITEBYTECODE": "1"}
    groups = "" if uid == OUTSIDER else f"--groups={GROUP}"
    command = ["setpriv", f"--reuid={uid}", f"--regid={uid}",
               groups or "--clear-groups", PYTHON, "-c", CLERK, str(data), action]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.fixture
def base() -> Iterator[Path]:
    """A directory every account can traverse (pytest's own temp tree is root-only)."""
    path = Path(tempfile.mkdtemp(prefix="roomsync-team-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path)


def shared_hotel(base: Path, dir_mode: int, file_mode: int = 0o660) -> Path:
    """A hotel set up for a team as the README says: group-owned directory and files."""
    data = write_hotel(base / "data", ROOMS, [])
    os.chown(data, 0, GROUP)
    data.chmod(dir_mode)
    for name in ("rooms.json", "bookings.json"):
        os.chown(data / name, 0, GROUP)
        (data / name).chmod(file_mode)
    return data


def mode_and_group(path: Path) -> tuple[int, int]:
    info = path.lstat()
    return stat.S_IMODE(info.st_mode), info.st_gid


@pytest.mark.parametrize("dir_mode", [0o2770, 0o770], ids=["setgid-dir", "plain-dir"])
def test_clerks_of_one_group_share_a_hotel_whatever_their_umask(base: Path, dir_mode: int) -> None:
    data = shared_hotel(base, dir_mode)
    assert as_clerk(ANN, data, "write") == {"ok": True}  # creates the lock and the audit
    for name in (".roomsync.lock", "audit.jsonl", "rooms.json", "bookings.json"):
        assert mode_and_group(data / name) == (0o660, GROUP), name
    assert (data / "rooms.json").stat().st_uid == ANN
    assert as_clerk(BOB, data, "read") == {"rooms": ["101", "102"]}
    assert as_clerk(BOB, data, "write") == {"ok": True}
    assert as_clerk(ANN, data, "write") == {"ok": True}
    for name in (".roomsync.lock", "audit.jsonl", "rooms.json"):
        assert mode_and_group(data / name) == (0o660, GROUP), name
    assert len((data / "audit.jsonl").read_text().splitlines()) == 3
    assert as_clerk(OUTSIDER, data, "read")["code"] == "DATA_INVALID"  # not of the group: no access


def test_a_new_hotel_takes_the_mode_and_group_of_its_directory(base: Path) -> None:
    data = base / "data"
    data.mkdir()
    os.chown(data, 0, GROUP)
    data.chmod(0o2770)
    assert as_clerk(ANN, data, "init") == {"ok": True}
    for name in (".roomsync.lock", "audit.jsonl", "rooms.json", "bookings.json"):
        assert mode_and_group(data / name) == (0o660, GROUP), name
    assert as_clerk(BOB, data, "write") == {"ok": True}


def test_a_clerk_who_may_only_read_reads_without_a_lock_file_and_cannot_write(base: Path) -> None:
    data = shared_hotel(base, 0o750, 0o640)  # the group may read, not write
    assert as_clerk(BOB, data, "read") == {"rooms": ["101", "102"]}
    assert not (data / ".roomsync.lock").exists(), "a reader without write access made a lock file"
    refused = as_clerk(BOB, data, "write")
    assert refused["code"] == "WRITE_FAILED" and ".roomsync.lock" in str(refused["message"])
    # Once a writer has made the lock file, the reader takes it shared, read-only.
    with JsonUnitOfWork(data):
        pass
    os.chown(data / ".roomsync.lock", 0, GROUP)
    (data / ".roomsync.lock").chmod(0o640)
    assert as_clerk(BOB, data, "read") == {"rooms": ["101", "102"]}


def test_a_reader_without_write_access_stops_at_an_interrupted_commit_naming_the_journal(
        base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = shared_hotel(base, 0o2770)
    crash_at_commit_point(data, monkeypatch)
    data.chmod(0o2750)
    refused = as_clerk(BOB, data, "read")
    assert refused["code"] == "DATA_INVALID"
    assert ".roomsync-journal" in str(refused["message"]) and "write access" in str(refused["message"])
    data.chmod(0o2770)
    assert as_clerk(BOB, data, "read") == {"rooms": ["101", "102"]}  # with write access it recovers
    assert not (data / atomic.JOURNAL).exists()
    assert json.loads((data / "rooms.json").read_text()) == ROOMS
