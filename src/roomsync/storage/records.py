"""Reading and writing the two record lists of SPEC §1, with pydantic doing the checking.

Parsing keeps every record as read (key order, unknown fields) next to the typed object;
an invalid file becomes one `DataInvalid` naming the file, the record and the field.

Speed matters here (a hotel's history is tens of thousands of bookings, read and written by
every command): the field checks are pydantic constraints run in its compiled core, never
Python callbacks, and files are pretty-printed by orjson (the standard library's `indent`
mode falls back to a pure-Python encoder, ~30x slower). orjson cannot write integers beyond
64 bits; a file that has one is written by the standard library instead. Parsing is the
full check of a hand-edited file (`check_hand_edit`, the standard library's parser with
hooks, about twice the time of pydantic's parser): pydantic's and orjson's parsers keep the
last of a repeated key and read `1e400` as infinity, silently.

A file whose bytes roomsync validated before (the store knows them by their digest, see
json_store) is only parsed: orjson, then the objects built straight from the records, no
pydantic and no full check (`load_rooms`/`load_bookings` with `sealed=True`). orjson reads an
integer beyond its 64-bit range as a float, so that path is taken only for files known to hold
none (`Loaded.exact`); the pydantic adapters are built on first use, since the sealed path of
an everyday command never needs them (they cost ~20 ms of start-up).
"""

from __future__ import annotations

import json
import math
import re
from datetime import date
from functools import cache
from typing import Any, Generic, Literal, TypeVar

import orjson

from roomsync.domain.model import Booking, BookingStatus, Room, RoomStatus
from roomsync.errors import DataInvalid
from roomsync.storage.mapping import room_from_record

Kind = Literal["rooms", "bookings"]


@cache
def _adapters() -> dict[str, Any]:
    """The field checks, built on first use (the sealed path never needs pydantic)."""
    from roomsync.storage.record_fields import adapters
    return adapters()


# What each field must be, for "<value> is not <this>" messages.
_EXPECTED = {
    "number": 'a room number (a string such as "102")',
    "room": 'a room number (a string such as "102")',
    "id": 'a booking id (a string such as "B-000042")',
    "guest": "a name (a string)",
    "arrival": "a date (YYYY-MM-DD)",
    "departure": "a date (YYYY-MM-DD)",
    "type": "a room type (a string)",
}
_STATUSES = {
    "rooms": "a room status (" + ", ".join(s.value for s in RoomStatus) + ")",
    "bookings": "a booking status (" + ", ".join(s.value for s in BookingStatus) + ")",
}


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str) else json.dumps(value)[:60]


def _field_message(kind: Kind, field: str, value: Any, missing: bool) -> str:
    if missing:
        return "is missing: every record needs one"
    if field == "guest" and isinstance(value, str):
        return "is empty: every booking needs the guest's name"
    if field in ("number", "room", "id") and isinstance(value, str) and not value.strip():
        return "is empty"
    expected = _STATUSES[kind] if field == "status" else _EXPECTED.get(field, "valid")
    return f"{_shown(value)} is not {expected}"


class _NotANumber(float):
    """NaN, Infinity or a number beyond a double, kept only long enough to name its record."""

    text: str

    def __new__(cls, text: str) -> _NotANumber:
        value = super().__new__(cls, "nan")
        value.text = text
        return value


class _Repeated(dict[str, Any]):
    """An object in which a key appeared more than once (the parser would keep only the last)."""

    key: str


# A surrogate escape (\ud800-\udfff), or an 0xED byte that may start a UTF-8-encoded
# surrogate: only then can a string hold a lone surrogate, so only then is the document walked
# for one. (A regex alternation is ten times slower than these two scans.)
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


# The integers orjson writes and reads back as integers; beyond them it reads a float.
_ORJSON_INTS = range(-(1 << 63), 1 << 64)


class _Integers:
    """Whether a document holds an integer orjson could not read back exactly. (Plain
    classes here: defining a slotted dataclass costs ~1 ms of every command's start-up.)"""

    __slots__ = ("beyond_orjson",)

    def __init__(self) -> None:
        self.beyond_orjson = False

    def parse(self, text: str) -> int:
        value = int(text)
        if len(text) > 18 and value not in _ORJSON_INTS:
            self.beyond_orjson = True
        return value


def check_hand_edit(name: str, kind: Kind, data: bytes, integers: _Integers | None = None) -> list[Any]:
    """Parse a file as a person may have left it, refusing what would silently change meaning.

    Every byte must mean what it meant: a key repeated in one object (a parser keeps the last
    and a rewrite drops the other), a number no double can hold (`1e400` would come back as
    `null`), NaN or Infinity (not JSON), and a lone surrogate escape (no character: it cannot
    be written back as UTF-8) are invalid data naming file, record and key. This full check is
    the standard library's parser with hooks; a file roomsync wrote itself needs none of it.
    """
    if not data or data.isspace():
        raise DataInvalid(f"{name}: the file is empty; it must hold a JSON array ([] for none)")
    flagged = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal flagged
        record = dict(items)
        if len(record) == len(items):
            return record
        flagged = True
        repeated = _Repeated(record)
        seen: set[str] = set()
        repeated.key = next(k for k, _ in items if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        return repeated

    def beyond(text: str) -> Any:
        nonlocal flagged
        value = float(text)
        if math.isinf(value):
            flagged = True
            return _NotANumber(text)
        return value

    def constant(text: str) -> Any:
        nonlocal flagged
        flagged = True
        return _NotANumber(text)

    try:
        raw = json.loads(data, object_pairs_hook=pairs, parse_float=beyond, parse_constant=constant,
                         parse_int=integers.parse if integers is not None else None)
    except UnicodeDecodeError as exc:
        raise DataInvalid(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise DataInvalid(f"{name}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise DataInvalid(f"{name}: not valid JSON: {exc}") from None
    except RecursionError:
        raise DataInvalid(f"{name}: not valid JSON: nested too deeply") from None
    if not isinstance(raw, list):
        raise DataInvalid(f"{name}: the top level must be a JSON array of records, not {type(raw).__name__}")
    if flagged or b"\xed" in data or _SURROGATE_ESCAPE.search(data):
        _name_the_change(name, kind, raw)
    return raw


def _lone_surrogate(text: str) -> str | None:
    """The first lone surrogate of a string, written as its escape, if any."""
    for char in text:
        if "\ud800" <= char <= "\udfff":
            return f"\\u{ord(char):04x}"
    return None


def _trouble(value: Any) -> str | None:
    """What would change meaning in one value (a number or a string), if anything."""
    if isinstance(value, _NotANumber):
        if value.text.lstrip("-") in ("NaN", "Infinity"):
            return f"{value.text} is not a JSON number (JSON has no NaN or Infinity)"
        return (f"{value.text} is beyond the largest number roomsync can keep (about 1.8e308); "
                f"write it as a string, or a smaller number")
    if isinstance(value, str):
        escape = _lone_surrogate(value)
        if escape is not None:
            shown = value.encode("utf-8", "backslashreplace").decode()[:60]
            return (f'"{shown}" holds a lone surrogate escape ({escape}), which is half of a character '
                    f"and no text; write the character itself")
    return None


def _find(value: Any, path: str) -> tuple[str, str] | None:
    """The first place inside a value whose meaning would change: (key path, what is wrong)."""
    if isinstance(value, dict):
        if isinstance(value, _Repeated):
            key = f"{path}.{value.key}" if path else value.key
            return key, "this key appears more than once in one object; keep only one of them"
        for key, child in value.items():
            inner = f"{path}.{key}" if path else key
            bad_key = _lone_surrogate(key)
            if bad_key is not None:
                return inner.encode("utf-8", "backslashreplace").decode(), (
                    f"the key holds a lone surrogate escape ({bad_key}), which is no text")
            found = _find(child, inner)
            if found is not None:
                return found
        return None
    if isinstance(value, list):
        for index, child in enumerate(value):
            found = _find(child, f"{path}[{index}]")
            if found is not None:
                return found
        return None
    trouble = _trouble(value)
    return (path, trouble) if trouble is not None else None


def _name_the_change(name: str, kind: Kind, raw: list[Any]) -> None:
    """Raise for the first record holding a repeated key, a lost number or a lone surrogate."""
    for position, record in enumerate(raw, start=1):
        found = _find(record, "")
        if found is not None:
            key, what = found
            where = f"{name}: record {position}{_label(kind, record)}"
            raise DataInvalid(f"{where}: {key}: {what}" if key else f"{where}: {what}")


def _label(kind: Kind, record: Any) -> str:
    if not isinstance(record, dict):
        return ""
    if kind == "rooms":
        number = record.get("number")
        if isinstance(number, (str, int)) and not isinstance(number, bool) and str(number).strip():
            return f" (room {number})"
        return ""
    booking_id = record.get("id")
    return f" (booking {booking_id})" if isinstance(booking_id, str) and booking_id.strip() else ""


def _where(name: str, kind: Kind, raw: list[Any], position: int, field: str) -> str:
    return f"{name}: record {position}{_label(kind, raw[position - 1])}: {field}"


def _validated(name: str, kind: Kind, raw: list[Any]) -> None:
    """The field checks of every record (pydantic's compiled core), or the first failure named."""
    from pydantic import ValidationError

    try:
        _adapters()[kind].validate_python(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = first["loc"]
        position = int(loc[0]) + 1
        if len(loc) == 1:  # the record itself is not an object
            raise DataInvalid(f"{name}: record {position}: must be a JSON object, "
                              f"not {_shown(raw[position - 1])}") from None
        field = str(loc[1])
        value = raw[position - 1].get(field)
        message = _field_message(kind, field, value, first["type"] == "missing")
        raise DataInvalid(f"{_where(name, kind, raw, position, field)}: {message}") from None


def _check_unique(name: str, kind: Kind, raw: list[Any], keys: list[str]) -> None:
    if len(set(keys)) == len(keys):
        return
    seen: dict[str, int] = {}
    field = "number" if kind == "rooms" else "id"
    for position, key in enumerate(keys, start=1):
        if key in seen:
            what = "room number" if kind == "rooms" else "booking id"
            raise DataInvalid(f"{_where(name, kind, raw, position, field)}: duplicate {what}, "
                              f"also record {seen[key]}")
        seen[key] = position


T = TypeVar("T", Room, Booking)


class Loaded(Generic[T]):
    """A data file's objects, and whether orjson reads its bytes exactly (no integer beyond
    64 bits), which the sealed path needs."""

    __slots__ = ("exact", "items", "records")
    items: list[T]
    records: list[dict[str, Any]]
    exact: bool

    def __init__(self, items: list[T], records: list[dict[str, Any]], exact: bool) -> None:
        self.items = items
        self.records = records
        self.exact = exact


def _room(r: dict[str, Any]) -> Room:
    number = r["number"]
    if type(number) is not str:  # a bare integer: read, and written back, as its string form
        number = r["number"] = str(number)
    return room_from_record(r)


def _rooms_from(raw: list[dict[str, Any]]) -> list[Room]:
    return [_room(r) for r in raw]


def _bookings_from(raw: list[dict[str, Any]]) -> list[Booking]:
    """Bookings from records that passed the field checks (dates already `YYYY-MM-DD`)."""
    statuses = {s.value: s for s in BookingStatus}
    fromisoformat = date.fromisoformat
    days: dict[str, date] = {}  # a hotel's bookings share a few thousand days: parse each once
    bookings = []
    for r in raw:
        room = r["room"]
        if type(room) is not str:  # a bare integer: read, and written back, as its string form
            room = r["room"] = str(room)
        text = r["arrival"]
        arrival = days.get(text)
        if arrival is None:
            arrival = days[text] = fromisoformat(text)
        text = r["departure"]
        departure = days.get(text)
        if departure is None:
            departure = days[text] = fromisoformat(text)
        booking = Booking(r["id"], room, r["guest"], arrival, departure, statuses[r["status"]])
        details = r.copy()  # the record less its typed keys (all present: the record passed the checks);
        del details["id"], details["room"], details["guest"]  # a copy and six deletions cost a
        del details["arrival"], details["departure"], details["status"]  # third of a filtering loop
        booking.details = details
        bookings.append(booking)
    return bookings


def _sealed(data: bytes, build: Any) -> Any:
    """Objects and records from bytes validated before: parse and build, nothing checked.
    None when that fails after all (bytes that never passed the checks): the caller then
    checks in full."""
    try:
        raw = orjson.loads(data)
        return (build(raw), raw) if isinstance(raw, list) else None
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        return None


def load_rooms(data: bytes, name: str = "rooms.json", *, sealed: bool = False) -> Loaded[Room]:
    """rooms.json's rooms: parsed only when `sealed` (bytes roomsync validated before), else
    the full check of a hand edit, then the field checks."""
    if sealed:
        read = _sealed(data, _rooms_from)
        if read is not None:
            return Loaded(read[0], read[1], True)
    integers = _Integers()
    raw = check_hand_edit(name, "rooms", data, integers)
    _validated(name, "rooms", raw)
    rooms = _rooms_from(raw)
    _check_unique(name, "rooms", raw, [room.number for room in rooms])
    return Loaded(rooms, raw, not integers.beyond_orjson)


def load_bookings(data: bytes, name: str = "bookings.json", *, sealed: bool = False) -> Loaded[Booking]:
    """bookings.json's bookings, as `load_rooms` reads rooms."""
    if sealed:
        read = _sealed(data, _bookings_from)
        if read is not None:
            return Loaded(read[0], read[1], True)
    integers = _Integers()
    raw = check_hand_edit(name, "bookings", data, integers)
    _validated(name, "bookings", raw)
    try:
        bookings = _bookings_from(raw)
    except ValueError:  # shaped YYYY-MM-DD, but no such day
        raise _no_such_day(name, raw) from None
    _check_unique(name, "bookings", raw, [booking.id for booking in bookings])
    return Loaded(bookings, raw, not integers.beyond_orjson)


def parse_rooms(data: bytes, name: str = "rooms.json") -> list[Room]:
    """The full check and field checks of a rooms.json."""
    return load_rooms(data, name).items


def parse_bookings(data: bytes, name: str = "bookings.json") -> list[Booking]:
    """The full check and field checks of a bookings.json."""
    return load_bookings(data, name).items


def _no_such_day(name: str, raw: list[dict[str, Any]]) -> DataInvalid:
    """The first arrival or departure that names no day of the calendar."""
    for position, r in enumerate(raw, start=1):
        for field in ("arrival", "departure"):
            try:
                date.fromisoformat(r[field])
            except ValueError:
                return DataInvalid(f"{_where(name, 'bookings', raw, position, field)}: "
                                   f"{_shown(r[field])} is not a date (YYYY-MM-DD)")
    return DataInvalid(f"{name}: a date is not valid")


def dump(records: list[dict[str, Any]]) -> tuple[bytes, bool]:
    """Pretty-printed JSON, 2-space indent, UTF-8, trailing newline (SPEC §1), and whether
    orjson wrote it (then orjson reads it back exactly)."""
    try:
        return orjson.dumps(records, option=orjson.OPT_INDENT_2) + b"\n", True
    except TypeError:  # an integer beyond 64 bits
        return (json.dumps(records, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), False


def dump_records(records: list[dict[str, Any]]) -> bytes:
    """The bytes `dump` writes."""
    return dump(records)[0]
