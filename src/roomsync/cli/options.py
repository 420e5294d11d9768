"""The command-line vocabulary: argument types, their limits and their shell completion.

Click checks what it can (ranges, choices, required options) so a bad value is a usage
error (exit 2) before any file is opened. Completion reads the data directory directly and
cheaply (no validation, no lock): it only suggests, the command itself still checks.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from roomsync.domain.model import BookingStatus, RoomStatus

MAX_NIGHTS = 3660
"""Ten years: longer is a typo, refused by the parser instead of overflowing a date."""
MAX_DAYS = 366
MAX_LIMIT = 10_000_000

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_INTERVAL = re.compile(r"(\d{1,9})([smh])")
_BOOKING_ID = re.compile(rb'"id"\s*:\s*"([^"\\]*)"')


def parse_day(value: str | date) -> date:
    """A date exactly as the files hold it: `YYYY-MM-DD`, nothing looser."""
    if isinstance(value, date):
        return value
    if _DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)")


def parse_interval(value: str | float) -> float:
    """`30s`, `5m`, `1h`: a bare number is refused, since its unit would be a guess."""
    if isinstance(value, float):
        return value
    match = _INTERVAL.fullmatch(value.strip().lower())
    if not match or int(match.group(1)) <= 0:
        raise typer.BadParameter(f"{value!r} is not an interval with its unit, such as 30s, 5m or 1h")
    return float(int(match.group(1)) * {"s": 1, "m": 60, "h": 3600}[match.group(2)])


def parse_name(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise typer.BadParameter("the guest's name cannot be empty")
    return value


def completion_dir(ctx: typer.Context) -> Path:
    """The data directory named so far on the command line, else the environment, else ./data."""
    node: Any = ctx
    while node is not None:
        value = node.params.get("data_dir")
        if value:
            return Path(value)
        node = node.parent
    return Path(os.environ.get("ROOMSYNC_DATA_DIR") or "data")


def complete_room(ctx: typer.Context, incomplete: str) -> list[str]:
    try:
        records = json.loads((completion_dir(ctx) / "rooms.json").read_bytes())
        numbers = [str(r.get("number")) for r in records if isinstance(r, dict)]
    except (OSError, ValueError, TypeError, AttributeError):
        return []
    return [n for n in numbers if n.casefold().startswith(incomplete.casefold())]


def complete_booking(ctx: typer.Context, incomplete: str) -> list[str]:
    """Booking ids found by a byte scan of bookings.json (no JSON parse of a large file)."""
    try:
        raw = (completion_dir(ctx) / "bookings.json").read_bytes()
    except OSError:
        return []
    wanted = incomplete.casefold()
    ids = (m.decode("utf-8", "replace") for m in _BOOKING_ID.findall(raw))
    return [i for i in ids if i.casefold().startswith(wanted)]


def complete_room_or_booking(ctx: typer.Context, incomplete: str) -> list[str]:
    return complete_room(ctx, incomplete) + complete_booking(ctx, incomplete)


RoomArg = Annotated[str, typer.Argument(metavar="ROOM", help="Room number, e.g. 102.", autocompletion=complete_room)]
BookingArg = Annotated[str, typer.Argument(metavar="BOOKING", help="Booking id, e.g. B-000042 (any case).",
                                           autocompletion=complete_booking)]


def day_option(flag: str, help: str) -> Any:
    """A `YYYY-MM-DD` option (checked by `parse_day`)."""
    return typer.Option(flag, parser=parse_day, metavar="YYYY-MM-DD", help=help)


def nights_option(help: str = "Number of nights.") -> Any:
    return typer.Option("--nights", min=1, max=MAX_NIGHTS, metavar="N", help=help)


def guest_option(help: str = "The guest's name.") -> Any:
    return typer.Option("--guest", parser=parse_name, metavar="NAME", help=help)


OnDay = Annotated[date | None, day_option("--on", "The day [default: today].")]
Departure = Annotated[date | None, day_option("--departure", "Day of leaving (or give --nights).")]
Nights = Annotated[int | None, nights_option("Number of nights (or give --departure).")]
Guest = Annotated[str | None, guest_option()]
RoomType = Annotated[str | None, typer.Option("--type", metavar="TYPE", help="Only rooms of this type (any case).")]
RoomStatusArg = Annotated[RoomStatus, typer.Argument(metavar="STATUS", case_sensitive=False,
                                                     help="AVAILABLE, CLEAN, DIRTY, MAINTENANCE or OUT_OF_SERVICE.")]
BookingStatusOption = Annotated[BookingStatus | None, typer.Option(
    "--status", case_sensitive=False, help="Only bookings with this status (any case).")]
