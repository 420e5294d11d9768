"""Reading and writing the two record lists of SPEC §1, with pydantic doing the checking.

Parsing keeps every record as read (key order, unknown fields) next to the typed object;
an invalid file becomes one `DataInvalid` naming the file, the record and the field.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Annotated, Any, Literal

from typing_extensions import NotRequired, TypedDict

from pydantic import BeforeValidator, ConfigDict, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from roomsync.domain.model import Booking, BookingStatus, Room, RoomStatus
from roomsync.errors import DataInvalid

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ROOM_STATUSES = ", ".join(s.value for s in RoomStatus)
_BOOKING_STATUSES = ", ".join(s.value for s in BookingStatus)


def _room_number(value: Any) -> Any:
    """A bare integer in a hand-edited file is read as its string form."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        if not value.strip():
            raise PydanticCustomError("room_number", "is empty")
        return value
    raise PydanticCustomError("room_number", "{value} is not a room number (a string such as \"102\")",
                              {"value": json.dumps(value)})


def _booking_id(value: Any) -> Any:
    if isinstance(value, str) and value.strip():
        return value
    raise PydanticCustomError("booking_id", "{value} is not a booking id (a non-empty string such as \"B-000042\")",
                              {"value": json.dumps(value)})


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def _a_date(value: Any) -> date:
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    shown = repr(value) if isinstance(value, str) else json.dumps(value)
    raise PydanticCustomError("date", "{value} is not a date (YYYY-MM-DD)", {"value": shown})


def _guest(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("guest", "{value} is not a name (a string)", {"value": json.dumps(value)})
    if not value.strip():
        raise PydanticCustomError("guest", "is empty: every booking needs the guest's name")
    return value


def _one_of(kind: str, enum: type, listing: str):
    def check(value: Any) -> Any:
        try:
            return enum(value)
        except ValueError:
            shown = repr(value) if isinstance(value, str) else json.dumps(value)
            raise PydanticCustomError(
                "status", "{value} is not a {kind} status ({listing})",
                {"value": shown, "kind": kind, "listing": listing}) from None
    return check


def _optional_text(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    raise PydanticCustomError("text", "{value} is not a string", {"value": json.dumps(value)})


RoomNumber = Annotated[str, BeforeValidator(_room_number)]


class RoomFields(TypedDict):
    __pydantic_config__ = ConfigDict(extra="ignore")  # type: ignore[misc]
    number: RoomNumber
    status: Annotated[RoomStatus, BeforeValidator(_one_of("room", RoomStatus, _ROOM_STATUSES))]
    type: NotRequired[Annotated[str | None, BeforeValidator(_optional_text)]]


class BookingFields(TypedDict):
    __pydantic_config__ = ConfigDict(extra="ignore")  # type: ignore[misc]
    id: Annotated[str, BeforeValidator(_booking_id)]
    room: RoomNumber
    guest: Annotated[str, BeforeValidator(_guest)]
    arrival: Annotated[date, BeforeValidator(_a_date)]
    departure: Annotated[date, BeforeValidator(_a_date)]
    status: Annotated[BookingStatus, BeforeValidator(_one_of("booking", BookingStatus, _BOOKING_STATUSES))]


_ROOMS = TypeAdapter(list[RoomFields])
_BOOKINGS = TypeAdapter(list[BookingFields])
Kind = Literal["rooms", "bookings"]


def _raw_list(name: str, data: bytes) -> list[Any]:
    if not data.strip():
        raise DataInvalid(f"{name}: the file is empty; it must hold a JSON array ([] for none)")
    try:
        raw = json.loads(data, parse_constant=_no_constants)
    except UnicodeDecodeError as exc:
        raise DataInvalid(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise DataInvalid(f"{name}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except ValueError as exc:
        raise DataInvalid(f"{name}: not valid JSON: {exc}") from None
    except RecursionError:
        raise DataInvalid(f"{name}: not valid JSON: nested too deeply") from None
    if not isinstance(raw, list):
        raise DataInvalid(f"{name}: the top level must be a JSON array of records, not {type(raw).__name__}")
    for position, record in enumerate(raw, start=1):
        if not isinstance(record, dict):
            raise DataInvalid(f"{name}: record {position}: must be a JSON object, not {json.dumps(record)[:40]}")
    return raw


def _label(kind: Kind, record: dict[str, Any]) -> str:
    if kind == "rooms":
        number = record.get("number")
        if isinstance(number, (str, int)) and not isinstance(number, bool) and str(number).strip():
            return f" (room {number})"
        return ""
    booking_id = record.get("id")
    return f" (booking {booking_id})" if isinstance(booking_id, str) and booking_id.strip() else ""


def _invalid(name: str, kind: Kind, raw: list[Any], error: ValidationError) -> DataInvalid:
    first = error.errors(include_url=False)[0]
    loc = first["loc"]
    position = int(loc[0]) + 1
    fieldname = str(loc[1]) if len(loc) > 1 else "?"
    message = "is missing: every record needs one" if first["type"] == "missing" else first["msg"]
    return DataInvalid(f"{name}: record {position}{_label(kind, raw[position - 1])}: {fieldname}: {message}")


def _duplicate(name: str, kind: Kind, raw: list[Any], keys: list[str]) -> None:
    seen: dict[str, int] = {}
    for position, key in enumerate(keys, start=1):
        if key in seen:
            what = "room number" if kind == "rooms" else "booking id"
            raise DataInvalid(
                f"{name}: record {position}{_label(kind, raw[position - 1])}: "
                f"{'number' if kind == 'rooms' else 'id'}: duplicate {what}, also record {seen[key]}")
        seen[key] = position


def parse_rooms(data: bytes, name: str = "rooms.json") -> list[Room]:
    raw = _raw_list(name, data)
    try:
        fields = _ROOMS.validate_python(raw)
    except ValidationError as exc:
        raise _invalid(name, "rooms", raw, exc) from None
    rooms = [Room(f["number"], f["status"], f.get("type"), r) for f, r in zip(fields, raw)]
    _duplicate(name, "rooms", raw, [room.number for room in rooms])
    return rooms


def parse_bookings(data: bytes, name: str = "bookings.json") -> list[Booking]:
    raw = _raw_list(name, data)
    try:
        fields = _BOOKINGS.validate_python(raw)
    except ValidationError as exc:
        raise _invalid(name, "bookings", raw, exc) from None
    bookings = [
        Booking(f["id"], f["room"], f["guest"], f["arrival"], f["departure"], f["status"], r)
        for f, r in zip(fields, raw)
    ]
    _duplicate(name, "bookings", raw, [booking.id for booking in bookings])
    return bookings


def is_canonical(room_or_booking: Room | Booking) -> bool:
    """Whether the record as read already spells the core fields as roomsync writes them."""
    record = room_or_booking.record or {}
    if isinstance(room_or_booking, Room):
        return isinstance(record.get("number"), str)
    return isinstance(record.get("room"), str) and isinstance(record.get("id"), str)


def dump_records(records: list[dict[str, Any]]) -> bytes:
    """Pretty-printed JSON, 2-space indent, UTF-8, trailing newline (SPEC §1)."""
    return (json.dumps(records, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
