"""What the command line itself adds: global options before or after the command name, usage
errors (exit 2, USAGE JSON) for values Click checks, help examples, completion, start-up that
builds only the command run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY, bookings_file, rs, run_cli, snapshot

from roomsync.cli.app import COMMANDS


def usage_error(result_stdout: str, code: int) -> str:
    assert code == 2
    document = json.loads(result_stdout)
    assert document["error"]["code"] == "USAGE"
    return str(document["error"]["message"])


def test_global_options_before_the_command_name_act_as_after_it(hotel: Path) -> None:
    before = run_cli("--data-dir", str(hotel), "--today", TODAY, "--json", "rooms")
    after = run_cli("rooms", "--data-dir", str(hotel), "--today", TODAY, "--json")
    assert before.code == after.code == 0
    assert json.loads(before.stdout) == json.loads(after.stdout)


def test_an_option_after_the_command_name_wins_over_one_before(hotel: Path, tmp_path: Path) -> None:
    result = run_cli("--data-dir", str(tmp_path / "nowhere"), "bookings", "--data-dir", str(hotel), "--json")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout) == bookings_file(hotel)


def test_an_option_before_the_command_wins_over_the_environment(hotel: Path, tmp_path: Path) -> None:
    result = run_cli("--data-dir", str(hotel), "rooms", "--json", env={"ROOMSYNC_DATA_DIR": str(tmp_path / "x")})
    assert result.code == 0, result.stderr


@pytest.mark.parametrize("args", [
    ("book", "101", "--guest", "X", "--arrival", TODAY, "--nights", "12345678901234567890123"),
    ("book", "101", "--guest", "X", "--arrival", TODAY, "--nights", "0"),
    ("bookings", "--limit", "-1"),
    ("calendar", "--days", "99999999999999999999"),
    ("rooms", "--lock-timeout", "-1"),
    ("rooms", "--lock-timeout", "nan"),
    ("bookings", "--status", "Arrived"),
    ("housekeeping", "101", "SPARKLING"),
    ("watch", "--every", "5"),
    ("bookings", "--guest", "Ada\udcff"),
    ("room", "add", "120", "--status", "OCCUPIED"),
])
def test_values_click_checks_are_usage_errors_with_a_usage_document(hotel: Path, args: tuple[str, ...]) -> None:
    before = snapshot(hotel)
    result = rs(hotel, *args, as_json=True)
    message = usage_error(result.stdout, result.code)
    assert message and result.stderr.strip()
    assert snapshot(hotel) == before


def test_a_non_utf8_argument_is_named_in_the_usage_error(hotel: Path) -> None:
    result = rs(hotel, "bookings", "--guest", "Ada\udcff")
    assert result.code == 2 and "Ada\\xff" in result.stderr and "UTF-8" in result.stderr


@pytest.mark.parametrize("args, status", [
    (("bookings", "--status", "checkedin"), "CheckedIn"),
    (("bookings", "--status", "RESERVED"), "Reserved"),
])
def test_status_names_are_case_insensitive(hotel: Path, args: tuple[str, ...], status: str) -> None:
    result = rs(hotel, *args, as_json=True)
    assert result.code == 0 and {b["status"] for b in json.loads(result.stdout)} == {status}


def test_booking_ids_as_arguments_are_case_insensitive_and_the_file_keeps_the_canonical_id(hotel: Path) -> None:
    result = rs(hotel, "cancel", "b-000007", as_json=True)
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["booking"]["id"] == "B-000007"
    assert next(b for b in bookings_file(hotel) if b["id"] == "B-000007")["status"] == "Cancelled"


@pytest.mark.parametrize("name", [*COMMANDS, "room add", "room remove"])
def test_every_commands_help_shows_an_example(name: str) -> None:
    result = run_cli(*name.split(), "--help")
    assert result.code == 0, result.stderr
    assert "Example:" in result.stdout and "roomsync " in result.stdout.split("Example:")[1]


def test_help_marks_required_options() -> None:
    shown = run_cli("book", "--help").stdout
    assert "--guest" in shown and "[required]" in shown


def test_root_help_lists_every_command() -> None:
    shown = run_cli("--help").stdout
    assert all(f"  {name} " in shown for name in COMMANDS)


def run_python(code: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60, check=False,
                          env={**os.environ, **(env or {})})


def test_checkin_builds_and_imports_nothing_for_other_commands(hotel: Path) -> None:
    code = ("import sys\nfrom roomsync.cli.app import main\nsys.argv = ['roomsync', *sys.argv[1:]]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith(('roomsync.cli.', 'rich', 'psycopg'))))")
    result = run_python(code, "checkin", "104", "--data-dir", str(hotel), "--today", TODAY)
    loaded = set(eval(result.stdout.strip().splitlines()[-1]))  # a printed list of names
    assert "roomsync.cli.commands" in loaded
    for other in ("day", "watch", "history", "transfer", "rooms"):
        assert f"roomsync.cli.{other}" not in loaded
    assert not any(m.startswith(("rich", "psycopg")) for m in loaded)


def test_completion_offers_room_numbers_from_the_data_directory(hotel: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "roomsync"], capture_output=True, text=True, timeout=60, check=False,
                            env={**os.environ, "_ROOMSYNC_COMPLETE": "complete_bash",
                                 "COMP_WORDS": f"roomsync checkin --data-dir {hotel} 10", "COMP_CWORD": "4"})
    assert result.stdout.split() == ["101", "102", "103", "104", "105"]


def test_completion_offers_booking_ids_and_statuses(hotel: Path) -> None:
    env = {**os.environ, "_ROOMSYNC_COMPLETE": "complete_bash", "ROOMSYNC_DATA_DIR": str(hotel)}
    ids = subprocess.run([sys.executable, "-m", "roomsync"], capture_output=True, text=True, timeout=60, check=False,
                         env={**env, "COMP_WORDS": "roomsync cancel B-00001", "COMP_CWORD": "2"})
    assert ids.stdout.split() == ["B-000010", "B-000011", "B-000012"]
    statuses = subprocess.run([sys.executable, "-m", "roomsync"], capture_output=True, text=True, timeout=60,
                              check=False,
                              env={**env, "COMP_WORDS": "roomsync housekeeping 101 MA", "COMP_CWORD": "3"})
    assert statuses.stdout.split() == ["MAINTENANCE"]
