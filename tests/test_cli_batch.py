"""`roomsync batch` from the command line (SPEC §10): what it adds to the loop tested in
test_batch.py — stdin, stdout, exit codes, the store's errors, and a real process killed
during a batch.

The `hotel` fixture is `init --sample` dated TODAY = 2026-11-27 (see test_cli_commands.py):
102 AVAILABLE with no bookings, 204 RESERVED with B-000007 due today, 301 OCCUPIED by
B-000005, 304 DIRTY, B-000010 Reserved in 101 from 11-30.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, audit_lines, rs, snapshot
from test_store_commit import HOOK

STAMPS = ("created_at", "updated_at", "checked_in_at", "checked_out_at")

LINES: list[tuple[dict[str, Any], list[str]]] = [
    # (a batch line, the same command on the command line)
    ({"command": "book", "room": 102, "guest": "Zoë Ng", "arrival": "2026-11-27", "nights": 2},
     ["book", "102", "--guest", "Zoë Ng", "--arrival", "2026-11-27", "--nights", "2"]),
    ({"command": "checkin", "room": "102"}, ["checkin", "102"]),
    ({"command": "checkin", "room": "204", "booking": None, "force": False}, ["checkin", "204"]),
    ({"command": "book", "type": "suite", "guest": "Kwame", "arrival": "2026-12-10", "departure": "2026-12-12"},
     ["book", "--type", "suite", "--guest", "Kwame", "--arrival", "2026-12-10", "--departure", "2026-12-12"]),
    ({"command": "checkout", "room": "301"}, ["checkout", "301"]),
    ({"command": "housekeeping", "room": "304", "status": "clean"}, ["housekeeping", "304", "clean"]),
    ({"command": "checkin", "room": "305", "walk_in": True, "guest": "Ada", "nights": 1},
     ["checkin", "305", "--walk-in", "--guest", "Ada", "--nights", "1"]),
    ({"command": "move", "booking": "B-000010", "room": "202"}, ["move", "B-000010", "202"]),
    ({"command": "amend", "booking": "b-000009", "nights": 4}, ["amend", "b-000009", "--nights", "4"]),
    ({"command": "cancel", "booking": "B-000012"}, ["cancel", "B-000012"]),
    ({"command": "reinstate", "booking": "B-000012"}, ["reinstate", "B-000012"]),
    ({"command": "undo-checkin", "booking": "B-000007"}, ["undo-checkin", "B-000007"]),
    ({"command": "room add", "number": 401, "type": "Suite", "floor": 4}, ["room", "add", "401", "--type", "Suite",
                                                                        "--floor", "4"]),
    ({"command": "room remove", "number": "401"}, ["room", "remove", "401"]),
    ({"command": "delete", "booking": "B-000011"}, ["delete", "B-000011"]),
    ({"command": "noshow", "booking": "B-000011"}, ["noshow", "B-000011"]),
    ({"command": "checkin", "room": "999"}, ["checkin", "999"]),
]


def jsonl(*lines: dict[str, Any]) -> bytes:
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()


def batch(data: Path, stdin: bytes, *args: str, today: str | None = TODAY) -> Any:
    """`roomsync batch ARGS` in this process with these bytes on stdin."""
    old = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        return rs(data, "batch", *args, today=today)
    finally:
        sys.stdin = old


def documents(stdout: str) -> list[Any]:
    return [json.loads(text) for text in stdout.splitlines()]


def masked(value: Any) -> Any:
    """A document or file with the wall-clock stamps blanked (two runs differ by seconds)."""
    if isinstance(value, list):
        return [masked(item) for item in value]
    if isinstance(value, dict):
        return {k: ("STAMP" if k in STAMPS and v is not None else masked(v)) for k, v in value.items()}
    return value


def hotel_files(data: Path) -> tuple[Any, Any]:
    return tuple(masked(json.loads((data / name).read_text(encoding="utf-8")))  # type: ignore[return-value]
                 for name in ("rooms.json", "bookings.json"))


def test_each_line_prints_what_its_command_prints_with_json_and_ends_as_they_would(
        hotel: Path, tmp_path: Path) -> None:
    one_by_one = tmp_path / "one-by-one"
    shutil.copytree(hotel, one_by_one)
    result = batch(hotel, jsonl(*(line for line, _ in LINES)))
    assert result.code == 1 and result.stderr == ""  # the last line is refused
    printed = documents(result.stdout)
    assert len(printed) == len(LINES) + 1 and printed[-1] == {"applied": True}
    for (line, argv), document in zip(LINES, printed, strict=False):
        alone = rs(one_by_one, *argv, as_json=True)
        assert masked(document) == masked(json.loads(alone.stdout)), line
    assert printed[-2]["error"]["code"] == "UNKNOWN_ROOM"
    assert hotel_files(hotel) == hotel_files(one_by_one)


def test_one_audit_line_lists_every_lines_changes_under_the_batch_command_line(hotel: Path) -> None:
    before = audit_lines(hotel)
    result = batch(hotel, jsonl({"command": "book", "room": "102", "guest": "Zoë", "arrival": "2026-11-27",
                                 "nights": 1},
                                {"command": "checkin", "room": "102"}))
    assert result.code == 0, result.stderr
    assert documents(result.stdout)[-1] == {"applied": True}
    lines = audit_lines(hotel)
    assert len(lines) == len(before) + 1
    entry = json.loads(lines[-1])
    assert entry["command"] == ["roomsync", "batch", "--data-dir", str(hotel), "--today", TODAY]
    assert [(c["line"], c.get("booking") or c.get("room"), c["field"]) for c in entry["changes"]] == [
        (1, "B-000013", None), (1, "102", "status"),
        (2, "B-000013", "status"), (2, "B-000013", "checked_in_at"), (2, "102", "status")]


def test_a_booking_made_and_deleted_in_one_batch_keeps_its_id_issued(hotel: Path) -> None:
    result = batch(hotel, jsonl({"command": "book", "room": "102", "guest": "Zoë", "arrival": "2026-12-01",
                                 "nights": 1},
                                {"command": "delete", "booking": "B-000013"}))
    assert result.code == 0 and documents(result.stdout)[-1] == {"applied": True}
    assert json.loads(audit_lines(hotel)[-1])["booking_id_mark"] == 13
    again = rs(hotel, "book", "102", "--guest", "Ada", "--arrival", "2026-12-01", "--nights", "1", as_json=True)
    assert json.loads(again.stdout)["booking"]["id"] == "B-000014"


def test_channel_lines_write_channels_json_and_audit_the_url_without_its_secret(hotel: Path) -> None:
    url = "https://ical.example.com/listing/42.ics?token=s3cret"
    result = batch(hotel, jsonl({"command": "channel add", "name": "web", "room": "102", "url": url},
                                {"command": "channel add", "name": "air", "room": 103, "url": url,
                                 "cancel_after": "0s"},
                                {"command": "channel remove", "name": "web"}))
    assert result.code == 0, result.stderr
    shown = documents(result.stdout)
    assert [d["channel"]["name"] for d in shown[:3]] == ["web", "air", "web"]
    assert shown[0]["channel"]["url"] == "https://ical.example.com/listing/42.ics" and shown[-1] == {"applied": True}
    stored = json.loads((hotel / "channels.json").read_text())
    assert [(c["name"], c["room"], c["url"], c["cancel_after"]) for c in stored] == [("air", "103", url, "0s")]
    entry = audit_lines(hotel)[-1]
    assert "s3cret" not in entry
    assert [(c["channel"], c["line"]) for c in json.loads(entry)["changes"]] == [("web", 1), ("air", 2), ("web", 3)]


def test_all_or_nothing_with_a_refused_line_changes_no_byte_and_still_reports_every_line(hotel: Path) -> None:
    before = snapshot(hotel)
    result = batch(hotel, jsonl({"command": "housekeeping", "room": "304", "status": "clean"},
                                {"command": "checkin", "room": "999"}), "--all-or-nothing")
    assert result.code == 1
    printed = documents(result.stdout)
    assert printed[0]["room"]["status"] == "CLEAN"
    assert printed[1]["error"]["code"] == "UNKNOWN_ROOM"
    assert printed[2] == {"applied": False}
    assert snapshot(hotel) == before


def test_a_malformed_line_is_a_usage_line_and_the_others_still_apply(hotel: Path) -> None:
    result = batch(hotel, (b'{"command": "housekeeping", "room": "304", "status": "clean"}\n\n\xff\xfe oops\n'
                           b'{"command": "checkin", "room": "204", "wifi": true}\n'))
    assert result.code == 1
    printed = documents(result.stdout)
    assert len(printed) == 4
    assert printed[1]["error"] == {"code": "USAGE", "message": "line 3 is not valid UTF-8; save the input as UTF-8"}
    assert printed[2]["error"]["code"] == "USAGE"
    assert "line 4 (checkin): unknown key 'wifi'" in printed[2]["error"]["message"]
    assert printed[3] == {"applied": True}
    assert json.loads((hotel / "rooms.json").read_text())[13]["status"] == "CLEAN"


def test_empty_input_applies_nothing_and_succeeds(hotel: Path) -> None:
    before = snapshot(hotel)
    for stdin in (b"", b"\n  \n"):
        result = batch(hotel, stdin)
        assert (result.code, result.stdout, result.stderr) == (0, '{"applied": false}\n', "")
    assert snapshot(hotel) == before


def test_invalid_data_prints_only_the_error_document_and_exits_3(tmp_path: Path) -> None:
    result = batch(tmp_path / "missing", jsonl({"command": "checkin", "room": "102"}))
    assert result.code == 3
    [document] = documents(result.stdout)
    assert document["error"]["code"] == "DATA_INVALID"
    assert result.stderr.count("\n") == 1 and "roomsync init" in result.stderr


def test_a_held_lock_is_exit_4_with_only_the_error_document(hotel: Path) -> None:
    hold = ("import fcntl, sys, time\nf = open(sys.argv[1], 'a')\nfcntl.flock(f, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\ntime.sleep(30)")
    holder = subprocess.Popen([sys.executable, "-c", hold, str(hotel / ".roomsync.lock")], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        before = snapshot(hotel)
        result = batch(hotel, jsonl({"command": "checkin", "room": "204"}), "--lock-timeout", "0.2")
        assert result.code == 4
        [document] = documents(result.stdout)
        assert document["error"]["code"] == "LOCK_TIMEOUT"
        assert snapshot(hotel) == before
    finally:
        holder.kill()
        holder.wait()


# --------------------------------------------------------------------------- kill -9 during a batch

KILL_LINES = jsonl({"command": "book", "room": "102", "guest": "Zoë", "arrival": "2026-11-27", "nights": 2},
                   {"command": "checkin", "room": "204"},
                   {"command": "room add", "number": "401"},
                   {"command": "housekeeping", "room": "304", "status": "clean"},
                   {"command": "cancel", "booking": "B-000010"})


def run_killed(data: Path, kill_at: int, count_file: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """The real CLI in a child that SIGKILLs itself before its N-th file-changing system call
    (the hook of test_store_commit.py; 0: never)."""
    env = {**os.environ, "RS_KILL_AT": str(kill_at)}
    if count_file is not None:
        env["RS_COUNT_FILE"] = str(count_file)
    return subprocess.run([sys.executable, "-c", HOOK, "batch", "--data-dir", str(data), "--today", TODAY],
                          input=KILL_LINES, capture_output=True, env=env, timeout=60, check=False)


@pytest.mark.slow
def test_kill_9_at_any_point_of_a_batch_leaves_all_of_it_or_none_of_it(hotel: Path, tmp_path: Path) -> None:
    old = hotel_files(hotel), len(audit_lines(hotel))
    reference, count_file = tmp_path / "reference", tmp_path / "count.txt"
    shutil.copytree(hotel, reference)
    clean = run_killed(reference, 0, count_file)
    assert clean.returncode == 0, clean.stderr
    new = hotel_files(reference), len(audit_lines(reference))
    assert new != old and new[1] == old[1] + 1
    total = int(count_file.read_text())
    seen: dict[int, str] = {}
    for n in range(1, total + 1):
        data = tmp_path / f"kill{n}"
        shutil.copytree(hotel, data)
        killed = run_killed(data, n)
        assert killed.returncode == -signal.SIGKILL, (n, killed.stderr[-300:])
        after = rs(data, "validate", as_json=True)  # completes or rolls back the commit
        assert after.code in (0, 1), after.stderr
        state = hotel_files(data), len(audit_lines(data))
        assert state in (old, new), f"kill at call {n} left a mixed state"
        seen[n] = "new" if state == new else "old"
        if killed.stdout:
            assert seen[n] == "new", f"kill at call {n}: printed results of a batch that was not kept"
    assert seen[1] == "old" and seen[total] == "new"


# --------------------------------------------------------------------------- the README's example

STAMP = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"


@pytest.mark.skipif(shutil.which("jq") is None or shutil.which("bash") is None, reason="needs jq and bash")
def test_readme_spreadsheet_example_prints_what_the_readme_shows(tmp_path: Path) -> None:
    """Every `$ ...` line of the README's batch example, run in order by bash on the shipped
    hotel, prints the lines pasted under it (clock stamps and the user's name aside)."""
    import re

    from conftest import REPO, shipped_data

    section = (REPO / "README.md").read_text(encoding="utf-8").split("## Scripts: `batch`", 1)[1].split("\n## ", 1)[0]
    steps: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```\n(.*?)```", section, flags=re.DOTALL):
        for text in block.splitlines():
            if text.startswith("$ "):
                steps.append((text[2:], []))
            elif steps:
                steps[-1][1].append(text)
    assert [command for command, _ in steps][:2] == ["cat stays.csv", steps[1][0]] and len(steps) == 6
    shutil.copytree(shipped_data(tmp_path), tmp_path / "data")
    (tmp_path / "stays.csv").write_text("\n".join(steps[0][1]) + "\n", encoding="utf-8")
    # A marker before each command's output, keeping `$?` for the README's `echo $?`.
    script = "".join(f"status=$?; echo '@@@'; (exit $status)\n{command}\n" for command, _ in steps)
    env = {**os.environ, "ROOMSYNC_DATA_DIR": "data", "ROOMSYNC_TODAY": TODAY,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    ran = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
                         check=False)
    printed = ran.stdout.split("@@@\n")[1:]
    assert len(printed) == len(steps), ran.stderr

    def plain(lines: list[str]) -> list[str]:
        return [re.sub(STAMP, "STAMP", re.sub(rf"^{STAMP}  \S+  ", "STAMP  USER  ", line)) for line in lines]

    for (command, expected), output in zip(steps, printed, strict=True):
        assert plain(output.splitlines()) == plain(expected), command
