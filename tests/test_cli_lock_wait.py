"""A command waiting for the lock says so on a terminal after a second, naming the holder's
command, user and pid; piped, it stays silent (scripts read only the outcome)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_process

from roomsync.storage.json_store import JsonUnitOfWork

HOLD = """
import sys, time
from roomsync.storage.json_store import JsonUnitOfWork
with JsonUnitOfWork(sys.argv[1], command=["roomsync", "checkin", "102"]):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_lock(data: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(data), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


@pytest.mark.skipif(shutil.which("script") is None, reason="needs util-linux `script` for a terminal")
def test_a_waiting_command_names_the_holder_on_a_terminal(hotel: Path) -> None:
    holder = hold_lock(hotel, 2.5)
    try:
        command = f"{sys.executable} -m roomsync rooms --data-dir {hotel} --lock-timeout 10"
        shown = subprocess.run(["script", "-qec", command, "/dev/null"], capture_output=True, text=True, timeout=60)
    finally:
        holder.wait(timeout=30)
    assert shown.returncode == 0, shown.stdout
    assert "waiting for the lock" in shown.stdout
    assert "`roomsync checkin 102` (user " in shown.stdout and f"pid {holder.pid})" in shown.stdout


def test_a_piped_command_waits_silently(hotel: Path) -> None:
    holder = hold_lock(hotel, 1.8)
    try:
        result = run_process("rooms", "--data-dir", str(hotel), "--lock-timeout", "10")
    finally:
        holder.wait(timeout=30)
    assert result.returncode == 0 and result.stderr == ""


def test_the_unit_of_work_names_its_holder_for_others(hotel: Path) -> None:
    with JsonUnitOfWork(hotel, command=["roomsync", "checkin", "102"]):
        assert "roomsync checkin 102" in (hotel / ".roomsync.lock").read_text()
