"""A bug never reaches the user as a traceback: one line, exit 70, and nothing half-written."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TODAY, run_cli, snapshot

from roomsync.operations import front_desk as desk


def explode(*args: object, **kwargs: object) -> None:
    raise ValueError("boom")


def test_an_unexpected_exception_is_one_line_exit_70_and_changes_nothing(
        hotel: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(hotel)
    monkeypatch.setattr(desk, "check_in", explode)
    result = run_cli("checkin", "101", "--data-dir", str(hotel), "--today", TODAY, "--json")
    assert result.code == 70
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "ValueError: boom" in result.stderr
    assert result.json()["error"]["code"] == "INTERNAL_ERROR"
    assert snapshot(hotel) == before


def test_roomsync_debug_shows_the_exception_itself(hotel: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(desk, "check_in", explode)
    with pytest.raises(ValueError, match="boom"):
        run_cli("checkin", "101", "--data-dir", str(hotel), "--today", TODAY, env={"ROOMSYNC_DEBUG": "1"})
