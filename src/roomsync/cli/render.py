"""How results look: JSON documents for scripts, tables and log lines for people.

rich is imported only inside the functions that draw on a terminal (it costs 100+ ms to
import), and its Console is built per call so the terminal width is read when drawing.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from roomsync.domain.model import Booking, Room
from roomsync.domain.reconcile import Finding, Fix, Report

if TYPE_CHECKING:
    from roomsync.operations.stay_changes import NightAudit
    from roomsync.storage.base import UnitOfWork


def emit_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def emit_json_line(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def on_terminal(*, input_too: bool = False) -> bool:
    """Whether a person is looking (stdout, and with `input_too` stdin, is a terminal)."""
    try:
        return sys.stdout.isatty() and (not input_too or sys.stdin.isatty())
    except (AttributeError, ValueError):
        return False


def colour_shown() -> bool:
    """Colour only on a terminal that wants it: `NO_COLOR` set or `TERM=dumb` means none."""
    return on_terminal() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def stored(uow: UnitOfWork, obj: Room | Booking | None) -> dict[str, Any] | None:
    """A room or booking as its store holds it (as the next commit writes it)."""
    if obj is None:
        return None
    return uow.rooms.stored(obj) if isinstance(obj, Room) else uow.bookings.stored(obj)


def room_document(uow: UnitOfWork, room: Room) -> dict[str, Any]:
    """What `housekeeping`, `room add` and `room remove` print with `--json` (and in `batch`)."""
    return {"room": uow.rooms.stored(room)}


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], title: str | None = None,
          styles: Sequence[str | None] | None = None) -> None:
    """A rich table on a terminal; aligned plain text (stable for grep and diff) when piped."""
    if on_terminal():
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        grid = Table(title=title, header_style="bold", title_justify="left")
        for header in headers:
            grid.add_column(header)
        for index, row in enumerate(rows):
            style = styles[index] if styles else None
            grid.add_row(*(Text(cell) for cell in row), style=style)
        Console(no_color="NO_COLOR" in os.environ).print(grid)
        return
    plain_table(headers, rows, title)


def plain_table(headers: Sequence[str], rows: Sequence[Sequence[str]], title: str | None = None,
                styles: Sequence[str | None] | None = None) -> None:
    """Columns padded by terminal cells (a CJK character takes two), stable for grep and diff."""
    from rich.cells import cell_len

    if title:
        say(title)
    widths = [cell_len(h) for h in headers]
    for row in rows:
        widths = [max(w, cell_len(cell)) for w, cell in zip(widths, row, strict=True)]
    for row in [list(headers), *rows]:
        say("  ".join(cell + " " * (width - cell_len(cell)) for cell, width in zip(row, widths, strict=True)).rstrip())


def booking_rows(bookings: Sequence[Booking]) -> list[list[str]]:
    return [[b.id, b.room, b.guest, b.arrival.isoformat(), b.departure.isoformat(), b.status.value]
            for b in bookings]


def fix_json(fix: Fix) -> dict[str, Any]:
    return {"roomNumber": fix.room, "from": fix.before.value, "to": fix.after.value, "reason": fix.reason}


def finding_json(finding: Finding) -> dict[str, Any]:
    return {"code": finding.code, "message": finding.message, "room": finding.room, "bookings": finding.bookings,
            **finding.extra}


def reconcile_json(report: Report) -> dict[str, Any]:
    """The reconcile/validate/watch document: fixes made (or due), problems, warnings."""
    return {
        "fixed": len(report.fixes) if report.applied else 0,
        "applied": report.applied,
        "checked": report.checked,
        "details": [fix_json(f) for f in report.fixes],
        "problems": [finding_json(p) for p in report.problems],
        "warnings": [finding_json(w) for w in report.warnings],
    }


def report_lines(report: Report) -> list[str]:
    """The seed's log format for a reconcile report."""
    lines = []
    if report.fixes:
        verb = "Fixed" if report.applied else "Would fix"
        lines.append(f"[SYNC] {verb} {len(report.fixes)} room(s) with incorrect status:")
        lines += [f"  - Room {f.room}: {f.before.value} → {f.after.value} ({f.reason})" for f in report.fixes]
    else:
        lines.append("[SYNC] All rooms correctly synchronized")
    lines += [finding_line("PROBLEM", p) for p in report.problems]
    lines += [finding_line("WARNING", w) for w in report.warnings]
    return lines


def finding_line(kind: str, finding: Finding) -> str:
    return f"[{kind}] {finding.code}: {finding.message}"


def error_line(message: str) -> str:
    return f"roomsync: {message}"


def night_audit_json(audit: NightAudit) -> dict[str, Any]:
    return {"date": audit.closed_day.isoformat(), "no_shows": audit.no_shows,
            "reconcile": reconcile_json(audit.reconcile),
            "overstays": audit.overstays, "arrivals": audit.arrivals, "departures": audit.departures,
            "in_house": audit.in_house, "occupancy": audit.occupancy}
