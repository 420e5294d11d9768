"""`roomsync batch [--all-or-nothing]`: many change commands from a script, one load, one commit.

JSON Lines on stdin, one change command per line (see `cli/batch_lines.py` for their shape),
are applied in order in one unit of work, each seeing the lines before it. A refused line
changes nothing and the next goes on; `--all-or-nothing` writes nothing when any line is
refused or malformed. One commit follows the last line, with one audit line listing every
line's changes in order. Only then is anything printed: one JSON line per input line (the
document the command's `--json` prints, or its error), then `{"applied": ...}` — so a crash
or `kill -9` during a batch leaves all of it or none of it, and says nothing it did not do.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

import typer

from roomsync.cli.batch_lines import Done, Line, parse_line
from roomsync.cli.command import CommandSettings, desk_command, error_document
from roomsync.cli.render import error_line
from roomsync.domain.calendar import Clock
from roomsync.domain.channels import Channel
from roomsync.domain.model import Booking, Room
from roomsync.errors import InternalError, RoomsyncError, UsageError
from roomsync.storage.audit import Change, record_changes
from roomsync.storage.base import UnitOfWork
from roomsync.storage.channel_repo import audited

BOM = b"\xef\xbb\xbf"

Parsed = tuple[int, Line | UsageError]
"""An input line's number (counted from 1, blank lines included) and its checked command, or
the USAGE error that makes it malformed."""


def read_lines(data: bytes) -> list[Parsed]:
    """Every non-blank line of the input, checked (a spreadsheet's byte-order mark is skipped)."""
    parsed: list[Parsed] = []
    for number, raw in enumerate(data.removeprefix(BOM).split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            parsed.append((number, parse_line(number, raw)))
        except UsageError as usage:
            parsed.append((number, usage))
    return parsed


@dataclass
class Outcome:
    """What the lines did in the unit of work, before any commit."""

    results: list[str] = field(default_factory=list)
    """Each line's JSON document, on one line, made right after the line ran (a later line
    may change the same booking or room)."""
    failed: int = 0
    changes: list[Change] = field(default_factory=list)
    """Every succeeding line's changes, in order, each with its `line` number."""


class ChangeLog:
    """Each line's changes, record by record, from what the record was after the line before.

    The unit of work knows only the net change of each record; the audit of a batch lists
    what every line did (a booking checked in by line 2 and out by line 5 shows both).
    """

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.last: dict[tuple[str, str], dict[str, Any] | None] = {}

    def changes(self, number: int, done: Done) -> list[Change]:
        found: list[Change] = []
        for index, item in enumerate(done.touched):
            if item is None:
                continue
            kind, key, before, after, reason = self._states(item, gone=done.removed and index == 0)
            self.last[(kind, key)] = after
            found += [{**audited(change), "line": number}
                      for change in record_changes(kind, key, before, after, reason)]
        return found

    def _states(self, item: Room | Booking | Channel, *, gone: bool) -> tuple[str, str, Any, Any, str | None]:
        """(kind, key, record after the lines before, record now, reason of a status change)."""
        uow = self.uow
        reason = None
        if isinstance(item, Channel):
            kind, key, new = "channel", item.name, item.name in uow.channels.added
            now, as_read = uow.channels.stored(item), uow.channels.as_read
        elif isinstance(item, Booking):
            kind, key, new = "booking", item.id, item.id in uow.bookings.added
            now, as_read = uow.bookings.stored(item), uow.bookings.as_read
        else:
            kind, key, new = "room", item.number, item.number in uow.rooms.added
            now, as_read = uow.rooms.stored(item), uow.rooms.as_read
            saved = uow.rooms.saved.get(item.number)
            reason = saved[1] if saved else None
        before = self.last.get((kind, key), None if new else as_read.get(key))
        return kind, key, before, None if gone else now, reason


def pending(uow: UnitOfWork, line: Line) -> tuple[int, ...]:
    """How much the unit of work holds to write: a refused line must leave it as it was."""
    rooms, bookings = uow.rooms, uow.bookings
    held = (len(rooms.saved), len(rooms.added), len(rooms.removed), len(bookings.added),
            len(bookings.changed), len(bookings.removed), bookings.id_mark)
    if not line.touches_channels:
        return held
    channels = uow.channels
    return (*held, len(channels.saved), len(channels.added), len(channels.removed))


def apply_lines(uow: UnitOfWork, clock: Clock, lines: Sequence[Parsed]) -> Outcome:
    """Run every line in order in this unit of work; commit nothing.

    Every operation checks its refusals before it changes anything. Should one ever refuse
    after a change, the whole batch stops with an internal error (nothing is committed)
    rather than commit half a refused line.
    """
    outcome, log = Outcome(), ChangeLog(uow)
    for number, line in lines:
        if isinstance(line, UsageError):
            outcome.results.append(_dumps(error_document(line)))
            outcome.failed += 1
            continue
        before = pending(uow, line)
        try:
            done: Done = line.run(uow, clock)
        except RoomsyncError as refusal:
            if pending(uow, line) != before:
                raise InternalError(f"line {number} was refused ({refusal.code}) after changing the hotel; "
                                    f"nothing was written. Please report it.") from None
            outcome.results.append(_dumps(error_document(refusal)))
            outcome.failed += 1
            continue
        outcome.results.append(_dumps(done.document))
        outcome.changes += log.changes(number, done)
    return outcome


def run_batch(uow: UnitOfWork, clock: Clock, lines: Sequence[Parsed], command: list[str], *,
              all_or_nothing: bool) -> tuple[Outcome, bool]:
    """Apply the lines in one unit of work and commit them once; returns the outcome and
    whether anything was written. With `all_or_nothing`, one failed line writes nothing."""
    with uow:
        outcome = apply_lines(uow, clock, lines)
        if all_or_nothing and outcome.failed:
            return outcome, False
        entry = uow.commit(command, at=clock.now, changes=outcome.changes)
    return outcome, entry is not None


def _dumps(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False)


@desk_command(example="jq -c '{command: \"book\", room, guest, arrival, nights}' stays.json | "
                      "roomsync batch --all-or-nothing")
def batch(ctx: typer.Context,
          all_or_nothing: Annotated[bool, typer.Option(
              "--all-or-nothing", help="Write nothing if any line is refused or malformed.")] = False) -> int:
    """Apply change commands read as JSON Lines on stdin, in one commit.

    Each line is one command as on the command line, e.g.
    {"command": "book", "room": "102", "guest": "Ada", "arrival": "2026-12-01", "nights": 2}.
    After the commit, one JSON line per input line (what the command's --json prints),
    then {"applied": true|false}. Exit 1 when any line was refused or malformed.
    """
    desk = CommandSettings.of(ctx)
    try:
        data = sys.stdin.buffer.read()
    except (AttributeError, OSError, ValueError):  # stdin closed (`<&-`) or not a byte stream
        raise UsageError("batch reads its commands from stdin, and none is open; pipe JSON Lines into it") from None
    lines = read_lines(data)
    if not lines:
        sys.stdout.write(_dumps({"applied": False}) + "\n")
        return 0
    try:
        outcome, applied = run_batch(desk.unit_of_work(), desk.clock, lines, desk.command_line,
                                     all_or_nothing=all_or_nothing)
    except RoomsyncError as error:  # the store's (invalid data, lock, write failed): no line's result
        sys.stdout.write(_dumps(error_document(error)) + "\n")
        sys.stderr.write(error_line(error.message) + "\n")
        return error.exit_code
    sys.stdout.write("".join(text + "\n" for text in outcome.results) + _dumps({"applied": applied}) + "\n")
    sys.stdout.flush()
    return 1 if outcome.failed else 0
