"""The README's front-desk walk-through is real output: replay it and compare, line by line.

Each `$ roomsync ...` line of the "A day at the front desk" section runs, in order, on a copy
of the shipped hotel dated 2026-11-27 (as the README says), and must print exactly the lines
pasted under it.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from conftest import REPO, run_cli, shipped_data

README = REPO / "README.md"


def walk_through() -> list[tuple[list[str], list[str]]]:
    """(arguments, expected output lines) for each command of the walk-through, in order."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## A day at the front desk", 1)[1].split("\n## ", 1)[0]
    steps: list[tuple[list[str], list[str]]] = []
    for block in re.findall(r"```\n(.*?)```", section, flags=re.DOTALL):
        for line in block.splitlines():
            if line.startswith("$ roomsync "):
                steps.append((shlex.split(line[len("$ roomsync "):]), []))
            elif steps:
                steps[-1][1].append(line)
    return steps


def test_readme_day_at_the_front_desk_prints_what_the_readme_shows(tmp_path: Path) -> None:
    data = shipped_data(tmp_path)
    steps = walk_through()
    assert len(steps) >= 10, "the walk-through was not found in the README"
    for arguments, expected in steps:
        result = run_cli(*arguments, env={"ROOMSYNC_DATA_DIR": str(data), "ROOMSYNC_TODAY": "2026-11-27"})
        assert result.code == 0, (arguments, result.stderr)
        shown = [line.rstrip() for line in result.stdout.splitlines()]
        wanted = [line.rstrip() for line in expected]
        while wanted and not wanted[-1]:
            wanted.pop()
        assert shown == wanted, f"roomsync {' '.join(arguments)}"


def test_readme_quick_start_output_is_the_shipped_hotels_first_reconcile(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    pasted = re.findall(r"```\n(\[SYNC\].*?)```", quick, flags=re.DOTALL)[0].rstrip("\n").splitlines()
    result = run_cli("reconcile", "--fix", "--data-dir", str(shipped_data(tmp_path)), "--today", "2026-11-27")
    assert result.code == 0
    assert result.stdout.splitlines() == pasted


def test_readme_new_hotel_prints_what_the_readme_shows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The "A new hotel" block: each command's output (stdout, or stderr for the refusal)."""
    text = README.read_text(encoding="utf-8")
    block = re.findall(r"```\n(.*?)```", text.split("## A new hotel", 1)[1].split("\n## ", 1)[0], flags=re.DOTALL)[0]
    steps: list[tuple[list[str], list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ roomsync "):
            steps.append((shlex.split(line[len("$ roomsync "):]), []))
        else:
            steps[-1][1].append(line)
    monkeypatch.chdir(tmp_path)
    assert len(steps) == 5
    for arguments, expected in steps:
        result = run_cli(*arguments, env={"ROOMSYNC_TODAY": "2026-11-27"})
        assert (result.stdout or result.stderr).splitlines() == expected, arguments
        assert result.code == (1 if result.stderr else 0), arguments
