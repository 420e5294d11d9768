"""A booking site's feed as the domain sees it: plain stay values, no iCalendar.

The iCalendar reader (an adapter beside the stores) turns a feed's bytes into a `Feed`; the
channel rules decide what each stay means for the hotel. Nothing here parses or fetches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Stay:
    """One event of a feed (one occurrence of a repeating one): the nights a site sold or closed."""

    uid: str
    recurrence: str | None
    """The occurrence's RECURRENCE-ID (ISO date or date-time text); None for a single event."""
    arrival: date
    departure: date
    """Exclusive, like DTEND;VALUE=DATE: the stay holds the nights [arrival, departure)."""
    summary: str
    cancelled: bool
    """STATUS:CANCELLED: the site says the stay is gone."""
    transparent: bool
    """TRANSP:TRANSPARENT: the event does not hold the nights."""

    @property
    def key(self) -> tuple[str, str | None]:
        """What identifies the stay across fetches: (UID, RECURRENCE-ID)."""
        return self.uid, self.recurrence


@dataclass(frozen=True, slots=True)
class Skipped:
    """An event that could not be read, or was read and ignored, with the reason."""

    uid: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Feed:
    """What one good fetch says."""

    events: int
    """VEVENTs in the body, as written (before expansion)."""
    stays: tuple[Stay, ...]
    """Readable stays in feed order, repeating events expanded."""
    skipped: tuple[Skipped, ...]
    """Events that could not be read (no UID, bad DTSTART, end not after start, bad rule)."""
    listed_uids: frozenset[str]
    """Every UID the feed names, skipped events included: a listed UID is not missing."""
    from_airbnb: bool
    """PRODID names Airbnb: its blocks are never imported."""
