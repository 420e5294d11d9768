"""How results look: JSON documents for scripts, tables and log lines for people.

rich is imported only inside the functions that draw on a terminal (it costs 100+ ms to
import), and its Console is built per call so the terminal width is read when drawing.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from roomsync.domain.model import Booking, Room
from roomsync.domain.reconcile import Finding, Report


def emit_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def emit_json_line(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def on_terminal() -> bool:
    return sys.stdout.isatty()


def stored(obj: Room | Booking | None) -> dict[str, Any] | None:
    return obj.as_record() if obj is not None else None


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
    if title:
        say(title)
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row)]
    for row in [list(headers), *rows]:
        say("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


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
