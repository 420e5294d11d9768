"""The calendar roomsync can count in, and the one clock a command reads.

Python's dates run from 0001-01-01 to 9999-12-31. Every date roomsync computes from what a
person typed (a departure from `--nights`, tonight's end for a guest past departure, the
night audit's closed day, the calendar's columns, the demo hotel's stays) goes through
`add_days`, so a stay or a day beyond that range is the refusal `INVALID_DATES` naming what
overflowed, never an `OverflowError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from roomsync.errors import Refused

FIRST_DAY = date.min
LAST_DAY = date.max


def add_days(day: date, days: int, subject: str, *, advice: str | None = None) -> date:
    """`day` moved by `days` (back when negative), or INVALID_DATES naming `subject`.

    `subject` says what is being computed ("Room 102: the departure of a 5-night stay from
    2026-12-01"), `advice` what to do instead; any whole number is accepted, however large.
    """
    ordinal = day.toordinal() + days
    if ordinal > LAST_DAY.toordinal():
        raise Refused("INVALID_DATES", f"{subject} would fall after {LAST_DAY}, the last day of the calendar; "
                                       f"{advice or 'choose an earlier date or fewer nights'}.")
    if ordinal < FIRST_DAY.toordinal():
        raise Refused("INVALID_DATES", f"{subject} would fall before {FIRST_DAY}, the first day of the calendar; "
                                       f"{advice or 'choose a later date'}.")
    return date.fromordinal(ordinal)


def stay_departure(arrival: date, nights: int, subject: str) -> date:
    """The departure of a stay of `nights` nights (`--nights`), INVALID_DATES past the calendar."""
    return add_days(arrival, nights, f"{subject}: the departure of a {nights}-night stay from {arrival}")


def nights_within(start: date, nights: int) -> int:
    """How many of `nights` consecutive nights from `start` the calendar holds.

    A chart asked to run past 9999-12-31 is clipped at that night: the nights it can show
    are shown, and none is invented (a view never refuses for its last columns).
    """
    return max(0, min(nights, LAST_DAY.toordinal() - start.toordinal() + 1))


@dataclass(frozen=True, slots=True)
class Clock:
    """One command's time, read once: `today` decides the rules, `now` stamps every record
    the command writes (and is the `at` its audit line should carry), so they all say the
    same instant."""

    today: date
    now: str

    @classmethod
    def read(cls, today: date | None = None) -> Clock:
        """The wall clock now, with `today` given by `--today` or else the local date."""
        stamp = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        return cls(today if today is not None else date.today(), stamp)
