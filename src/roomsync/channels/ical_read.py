"""Read a booking site's iCalendar feed into a `Feed` of stays (SPEC §9 "Reading a feed").

Nights are the dates [DTSTART, DTEND): a DATE end is exclusive, a date-time counts by its date
in the hotel's zone. One bad event is skipped with its reason and the rest of the feed counts;
only a body whose structure cannot be read raises `FeedUnreadable` (a failed fetch).

Single events, nearly all of a booking site's feed, are read from the scanned lines with
`icalendar`'s value parsers; repeating series (RRULE, RDATE, RECURRENCE-ID) are parsed whole by
`icalendar` and expanded by `recurring-ical-events` over a window around today.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo

import icalendar
import recurring_ical_events  # type: ignore[import-untyped]
from icalendar.prop import vDDDTypes, vDuration, vRecur
from icalendar.timezone import tzp

from roomsync.channels.ical_scan import Block, FeedUnreadable, Line, scan_calendar
from roomsync.domain.feed import Feed, Skipped, Stay

__all__ = ["FeedUnreadable", "read_feed"]

WINDOW_BEFORE = timedelta(days=366)
WINDOW_AFTER = timedelta(days=2 * 366 + 1)
"""Occurrences are expanded from a year back to two years ahead: past stays and far-future
ones are ignored by the channel rules anyway, and an endless rule must end somewhere."""
EXPANSION_SECONDS = 3.0
"""Some impossible rules (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) make the rule engine search up
to year 9999; a feed's repeating series get this long in all, the rest are skipped."""
DAILY_OR_SLOWER = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
SERIES_MARKS = ("RRULE", "RDATE", "RECURRENCE-ID")

_parse_when: Callable[..., object] = vDDDTypes.from_ical
_parse_duration: Callable[[str], timedelta] = vDuration.from_ical

When = date | datetime


class _Unreadable(Exception):
    """One event (or series) that cannot be read: it becomes a `Skipped` with this reason."""


def _window(today: date) -> tuple[date, date]:
    """Where repeating events are expanded, cut at the calendar's ends."""
    first = max(today.toordinal() - WINDOW_BEFORE.days, date.min.toordinal())
    last = min(today.toordinal() + WINDOW_AFTER.days, date.max.toordinal())
    return date.fromordinal(first), date.fromordinal(last)


def read_feed(body: bytes, *, today: date, zone: tzinfo) -> Feed:
    """The feed's stays, skipped events and listed UIDs; FeedUnreadable if its structure is bad."""
    calendar = scan_calendar(body)
    floating = _calendar_zone(calendar.text("X-WR-TIMEZONE"))
    timezones = [child for child in calendar.children if child.name == "VTIMEZONE"]
    _learn_timezones(timezones)
    events = [child for child in calendar.children if child.name == "VEVENT"]

    listed: set[str] = set()
    series: dict[str, list[Block]] = {}
    order: list[str | Stay | Skipped] = []
    """Feed order: a stay, a skipped event, or the UID of a series whose occurrences go there."""
    series_uids = {ev.text("UID").strip() for ev in events if ev.has(*SERIES_MARKS)}
    single_uids: set[str] = set()
    """A stay's key is its UID: a second single event with the same UID cannot be told apart."""
    for event in events:
        uid = event.text("UID").strip()
        if not uid:
            order.append(Skipped(None, f"event {event.number} has no UID"))
            continue
        listed.add(uid)
        if uid in series_uids:
            if uid not in series:
                series[uid] = []
                order.append(uid)
            series[uid].append(event)
            continue
        if uid in single_uids:
            order.append(Skipped(uid, f"event {event.number} repeats the UID of an earlier event; the first is read"))
            continue
        single_uids.add(uid)
        try:
            order.append(_single(event, uid, zone, floating))
        except _Unreadable as unreadable:
            order.append(Skipped(uid, str(unreadable)))

    expanded: dict[str, list[Stay | Skipped]] = {}
    if series:
        header = _series_header(calendar, floating, timezones)
        window = _window(today)
        expanded = _expand_within_budget(series, lambda uid, blocks: _series(uid, blocks, header, window, zone))

    stays: list[Stay] = []
    skipped: list[Skipped] = []
    for item in order:
        for entry in expanded[item] if isinstance(item, str) else [item]:
            (stays if isinstance(entry, Stay) else skipped).append(entry)  # type: ignore[arg-type]
    prodid = calendar.text("PRODID")
    return Feed(
        events=len(events),
        stays=tuple(stays),
        skipped=tuple(skipped),
        listed_uids=frozenset(listed),
        from_airbnb="airbnb" in prodid.casefold(),
    )


def _calendar_zone(name: str) -> tzinfo | None:
    """X-WR-TIMEZONE (Google's calendar zone) applies to floating times; an unknown one is ignored."""
    name = name.strip()
    if not name:
        return None
    try:
        return tzp.timezone(name)
    except Exception:
        return None


def _learn_timezones(timezones: list[Block]) -> None:
    """Let icalendar resolve the feed's own VTIMEZONE ids (parsing them caches them in `tzp`)."""
    for block in timezones:
        try:
            icalendar.Calendar.from_ical(f"BEGIN:VCALENDAR\r\n{block.ical()}END:VCALENDAR\r\n")
        except ValueError:
            continue  # a TZID left unknown reads as floating time, which the hotel's zone then dates


def _when(line: Line | None, what: str) -> When | None:
    if line is None:
        return None
    try:
        value = _parse_when(line.value.strip(), timezone=line.param("TZID"))
    except Exception as error:  # icalendar raises ValueError, TypeError, KeyError on odd values
        raise _Unreadable(f"bad {what} {line.value.strip()!r}") from error
    if not isinstance(value, date):
        raise _Unreadable(f"bad {what} {line.value.strip()!r} (not a date or date-time)")
    return value


def _single(event: Block, uid: str, zone: tzinfo, floating: tzinfo | None) -> Stay:
    start = _when(event.first("DTSTART"), "DTSTART")
    if start is None:
        raise _Unreadable("no DTSTART")
    end = _when(event.first("DTEND"), "DTEND")
    length: timedelta | None = None
    duration = event.first("DURATION")
    if end is None and duration is not None:
        try:
            length = _parse_duration(duration.value.strip())
        except Exception as error:
            raise _Unreadable(f"bad DURATION {duration.value.strip()!r}") from error
    return _stay(
        uid, None, start, end, length, event.text("SUMMARY"), event.text("STATUS"), event.text("TRANSP"),
        zone=zone, floating=floating,
    )


def _stay(
    uid: str, recurrence: str | None, start: When, end: When | None, length: timedelta | None,
    summary: str, status: str, transp: str, *, zone: tzinfo, floating: tzinfo | None,
) -> Stay:
    """The nights of one event: [DTSTART, DTEND), else DTSTART + DURATION, else one night."""
    try:
        return _nights_of(uid, recurrence, start, end, length, summary, status, transp, zone=zone, floating=floating)
    except OverflowError:
        raise _Unreadable("its dates fall outside the calendar (0001-01-01 to 9999-12-31)") from None


def _nights_of(
    uid: str, recurrence: str | None, start: When, end: When | None, length: timedelta | None,
    summary: str, status: str, transp: str, *, zone: tzinfo, floating: tzinfo | None,
) -> Stay:
    start = _placed(start, floating)
    if end is None and length is not None:
        if length < timedelta(0):
            raise _Unreadable("its DURATION is negative")
        end = start + length
    if end is not None:
        end = _placed(end, floating)
    arrival = _night(start, zone)
    departure = arrival + timedelta(days=1) if end is None else _night(end, zone)
    if departure < arrival or (
        isinstance(start, datetime) and isinstance(end, datetime)
        and (start.tzinfo is None) == (end.tzinfo is None) and end < start
    ):
        raise _Unreadable("it ends before it starts")
    return Stay(
        uid=uid, recurrence=recurrence, arrival=arrival, departure=departure, summary=summary.strip(),
        cancelled=status.strip().upper() == "CANCELLED", transparent=transp.strip().upper() == "TRANSPARENT",
    )


def _placed(value: When, floating: tzinfo | None) -> When:
    """A floating time belongs to the calendar's X-WR-TIMEZONE when it has one."""
    if isinstance(value, datetime) and value.tzinfo is None and floating is not None:
        return value.replace(tzinfo=floating)
    return value


def _night(value: When, zone: tzinfo) -> date:
    """A date-time counts by its date in the hotel's zone; a floating one is taken as local."""
    if isinstance(value, datetime):
        return (value if value.tzinfo is None else value.astimezone(zone)).date()
    return value


def _series_header(calendar: Block, floating: tzinfo | None, timezones: list[Block]) -> str:
    lines = ["VERSION:2.0", "PRODID:" + (calendar.text("PRODID") or "-//feed//EN")]
    if floating is not None:
        lines.append("X-WR-TIMEZONE:" + calendar.text("X-WR-TIMEZONE").strip())
    return "".join(line + "\r\n" for line in lines) + "".join(block.ical() for block in timezones)


def _vet_rules(blocks: list[Block]) -> None:
    """Refuse rules that cannot be nights of a room before they reach the rule engine."""
    for block in blocks:
        for line in block.lines:
            if line.name != "RRULE":
                continue
            try:
                rule = vRecur.from_ical(line.value.strip())
                frequency = str(rule["FREQ"][0]).upper()
                interval = int(rule.get("INTERVAL", [1])[0])
            except Exception as error:
                raise _Unreadable(f"bad RRULE {line.value.strip()!r}") from error
            if frequency not in DAILY_OR_SLOWER:
                raise _Unreadable(f"RRULE repeats {frequency.lower()}: more often than once a day")
            if interval < 1:
                raise _Unreadable(f"RRULE has INTERVAL={interval}")
            if any(len(rule.get(part, [])) > 1 for part in ("BYHOUR", "BYMINUTE", "BYSECOND")):
                raise _Unreadable("RRULE repeats more often than once a day")


def _series(uid: str, blocks: list[Block], header: str, window: tuple[date, date],
            zone: tzinfo) -> list[Stay | Skipped]:
    """Every occurrence of one repeating event inside the window, each a stay keyed by RECURRENCE-ID."""
    try:
        _vet_rules(blocks)
        text = "BEGIN:VCALENDAR\r\n" + header + "".join(block.ical() for block in blocks) + "END:VCALENDAR\r\n"
        occurrences = recurring_ical_events.of(icalendar.Calendar.from_ical(text)).between(*window)
    except _Unreadable as unreadable:
        return [Skipped(uid, str(unreadable))]
    except Exception as error:
        return [Skipped(uid, f"repeating event cannot be expanded: {_first_line(error)}")]
    result: list[Stay | Skipped] = []
    for occurrence in occurrences:
        try:
            start = occurrence.decoded("DTSTART")
            end = occurrence.decoded("DTEND") if "DTEND" in occurrence else None
            length = occurrence.decoded("DURATION") if end is None and "DURATION" in occurrence else None
            result.append(_stay(
                uid, _recurrence_text(occurrence.get("RECURRENCE-ID"), start), start, end, length,
                str(occurrence.get("SUMMARY", "")), str(occurrence.get("STATUS", "")),
                str(occurrence.get("TRANSP", "")), zone=zone, floating=None,
            ))
        except _Unreadable as unreadable:
            result.append(Skipped(uid, str(unreadable)))
        except Exception as error:
            result.append(Skipped(uid, f"occurrence cannot be read: {_first_line(error)}"))
    result.sort(key=lambda entry: (entry.arrival, entry.recurrence or "") if isinstance(entry, Stay)
                else (date.max, ""))
    return result


def _recurrence_text(recurrence: object, start: When) -> str:
    """The occurrence's original start as stable text: a date, or a date-time in UTC (…Z)."""
    value = getattr(recurrence, "dt", start)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.isoformat()
        return value.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"
    return value.isoformat() if isinstance(value, date) else str(value)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text if len(text) <= 120 else text[:120] + "…"


def _expand_within_budget(
    series: dict[str, list[Block]], expand: Callable[[str, list[Block]], list[Stay | Skipped]]
) -> dict[str, list[Stay | Skipped]]:
    """Expand each series in a worker thread; those not done in time are skipped.

    The rule engine cannot be interrupted, so a worker that overruns is left to finish on its
    own (a daemon thread whose results are dropped) while the feed is read without them.
    """
    done: dict[str, list[Stay | Skipped]] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def work() -> None:
        for uid, blocks in series.items():
            if stop.is_set():
                return
            result = expand(uid, blocks)
            with lock:
                if stop.is_set():
                    return
                done[uid] = result

    worker = threading.Thread(target=work, name="roomsync-ical-expand", daemon=True)
    worker.start()
    worker.join(EXPANSION_SECONDS)
    with lock:
        stop.set()
        result = dict(done)
    for uid in series:
        if uid not in result:
            result[uid] = [Skipped(uid, f"repeating event not expanded within {EXPANSION_SECONDS:g} s")]
    return result
