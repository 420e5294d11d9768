"""One clock per command: the audit line's `at` and the stamps a command writes on records
are the same instant (the CLI hands the operation's clock to the commit)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import TODAY, run_cli


def test_a_check_in_stamps_its_booking_and_its_audit_line_with_one_time(hotel: Path) -> None:
    result = run_cli("checkin", "101", "--data-dir", str(hotel), "--today", TODAY, "--json")
    assert result.code == 0, result.stderr
    booking = result.json()["booking"]
    entry = json.loads((hotel / "audit.jsonl").read_text().splitlines()[-1])
    assert booking["checked_in_at"] == booking["updated_at"] == entry["at"]
