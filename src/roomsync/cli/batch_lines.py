"""The lines `roomsync batch` reads: one change command per JSON object, in the shape of its
command line (SPEC §10).

A line's keys are the command's arguments and options by name (`--walk-in` is `walk_in`),
with the option's JSON type: numbers for counts, `true`/`false` for flags, strings otherwise
(a room number may be a number, as in the files); `null` means not given. Each line is
checked like its command line, with the same limits and the same usage rules, before any
store is opened: anything else is a `USAGE` error naming the line.

Adding a command to `batch` is one entry in `LINES`: a `Line` model of its keys whose `run`
calls the same operation as the command and returns the same `--json` document.
"""

from __future__ import annotations

import json
from abc import abstractmethod
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, ClassVar

import typer
from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError

from roomsync.cli.commands import (
    book_stay,
    book_usage,
    change_document,
    check_in_guest,
    checkin_usage,
)
from roomsync.cli.day import amend_usage
from roomsync.cli.options import MAX_NIGHTS, parse_day, parse_name
from roomsync.cli.render import room_document
from roomsync.cli.rooms import NewRoomStatus
from roomsync.domain.calendar import Clock
from roomsync.domain.channels import Channel
from roomsync.domain.model import Booking, Room, RoomStatus
from roomsync.errors import UsageError
from roomsync.operations import front_desk as ops
from roomsync.operations import rooms as room_ops
from roomsync.operations import stay_changes as stay_ops
from roomsync.operations.front_desk import BookingChange
from roomsync.storage.base import UnitOfWork

# --------------------------------------------------------------------------- values


def _room_number(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ValueError("must be a room number (a string, or a whole number)")


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    raise ValueError("must be a string")


def _day(value: object) -> date:
    if not isinstance(value, str):
        raise ValueError("must be a date as a string, YYYY-MM-DD")
    try:
        return parse_day(value)
    except typer.BadParameter as bad:
        raise ValueError(bad.message) from None


def _guest(value: object) -> str:
    name = _text(value)
    try:
        parse_name(name)
    except typer.BadParameter as bad:
        raise ValueError(bad.message) from None
    return name


def _nights(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_NIGHTS:
        return value
    raise ValueError(f"must be a whole number of nights from 1 to {MAX_NIGHTS}")


def _floor(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and -99 <= value <= 999:
        return value
    raise ValueError("must be a whole number from -99 to 999")


def _flag(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    raise ValueError("must be true or false")


def _choice(names: list[str]) -> Any:
    """A status name in any case, as the command line takes it."""
    by_name = {name.casefold(): name for name in names}

    def read(value: object) -> str:
        if isinstance(value, str) and value.casefold() in by_name:
            return by_name[value.casefold()]
        raise ValueError(f"must be one of {', '.join(names)}")
    return read


RoomNumber = Annotated[str, PlainValidator(_room_number)]
Text = Annotated[str, PlainValidator(_text)]
Day = Annotated[date, PlainValidator(_day)]
Guest = Annotated[str, PlainValidator(_guest)]
Nights = Annotated[int, PlainValidator(_nights)]
Floor = Annotated[int, PlainValidator(_floor)]
Flag = Annotated[bool, PlainValidator(_flag)]
HousekeepingStatus = Annotated[str, PlainValidator(_choice([s.value for s in RoomStatus]))]
StartingStatus = Annotated[str, PlainValidator(_choice([s.value for s in NewRoomStatus]))]


# --------------------------------------------------------------------------- lines


@dataclass(frozen=True, slots=True)
class Done:
    """A line that succeeded: its `--json` document, and the records it touched (for the
    audit's list of this line's changes)."""

    document: dict[str, Any]
    touched: tuple[Room | Booking | Channel | None, ...]
    removed: bool = False
    """The first record touched left the hotel (`delete`, `room remove`)."""


def stay_done(uow: UnitOfWork, change: BookingChange, *, removed: bool = False) -> Done:
    return Done(change_document(uow, change), (change.booking, change.from_room, change.room), removed)


def room_done(uow: UnitOfWork, room: Room, *, removed: bool = False) -> Done:
    return Done(room_document(uow, room), (room,), removed)


class Line(BaseModel):
    """One command of a batch, checked; `run` applies it in the batch's unit of work."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    touches_channels: ClassVar[bool] = False
    """Only lines that change channels read `channels.json` (a malformed one must not stop a
    batch of bookings)."""

    def usage(self) -> None:
        """The command's usage rules across its options (none by default)."""

    @abstractmethod
    def run(self, uow: UnitOfWork, clock: Clock) -> Done:
        """Apply the command, refusing (before any change) as the command does."""


class BookLine(Line):
    room: RoomNumber | None = None
    guest: Guest
    arrival: Day
    departure: Day | None = None
    nights: Nights | None = None
    room_type: Text | None = Field(None, alias="type")

    def usage(self) -> None:
        book_usage(self.room, self.room_type, self.departure, self.nights)

    def run(self, uow: UnitOfWork, clock: Clock) -> Done:
        return stay_done(uow, book_stay(uow, clock, self.room, self.room_type, self.guest, self.arrival,
                                   self.departure, self.nights))


class CheckInLine(Line):
    room: RoomNumber
    booking: Text | None = None
    force: Flag = False
    walk_in: Flag = False
    guest: Guest | None = None
    nights: Nights | None = None

    def usage(self) -> None:
        checkin_usage(self.walk_in, self.guest, self.nights, self.booking)

    def run(self, uow: UnitOfWork, clock: Clock) -> Done:
        return stay_done(uow, check_in_guest(uow, clock, self.room, booking=self.booking, force=self.force,
                                        walk_in=self.walk_in, guest=self.guest, nights=self.nights))


class CheckOutLine(Line):
    room: RoomNumber
    booking: Text | None = None

    def run(self, uow: UnitOfWork, clock: Clock) -> Done:
        return stay_done(uow, ops.check_out(uow, clock, self.room, booking_id=self.booking))


class CancelLine(Line):
    booking: Text

    def run(self, uow: UnitOfWork, clock: Clock) -> Done:
        return stay_done(uow, ops.cancel(uow, clock, self.booking))


class NoShowLine(Line):
    booking: Text

    def run(self, uow: UnitOfWork, clock: Clock) -> Done:
        return stay_done(uow, ops.no_show(uow, clock, self.booking))


class DeleteLine(Line):
    booking: Text

    def run(self, uow: UnitOfWork, clock: Clock) -> Done:
        return stay_done(uow, ops.delete(uow, clock, self.booking), removed=True)


class HousekeepingLine(Line):
    room: RoomNumber
    status: HousekeepingStatus
    force: Flag = False

    def run(self, uow: UnitOfWork, clock: Clock) -> Done:
        return room_done(uow, ops.housekeeping(uow, clock, self.room, RoomStatus(self.status), force=self.force))


class MoveLine(Line):
    booking: Text
    room: RoomNumber
    force: Flag = False

    def run(self, uow: UnitOfWork, clock: Clock) -> Done:
        return stay_done(uow, stay_ops.move(uow, clock, self.booking, self.room, force=self.force))


class AmendLine(Line):
    booking: Text
    arrival: Day | None = None
    departure: Day | None = None
    nights: Nights | None = None
    guest: Guest | None = None

    def usage(self) -> None:
        amend_usage(self.arrival, self.departure, self.nights, self.guest)

    def run(self, uow: UnitOfWork, clock: Clock) -> Done:
        return stay_done(uow, stay_ops.amend(uow, clock, self.booking, arrival=self.arrival, departure=self.departure,
                                        nights=self.nights, guest=self.guest))


class UndoCheckInLine(Line):
    booking: Text

    def run(self, uow: UnitOfWork, clock: Clock) -> Done:
        return stay_done(uow, stay_ops.undo_check_in(uow, clock, self.booking))


class ReinstateLine(Line):
    booking: Text

    def run(self, uow: UnitOfWork, clock: Clock) -> Done:
        return stay_done(uow, stay_ops.reinstate(uow, clock, self.booking))


class RoomAddLine(Line):
    number: RoomNumber
    room_type: Text | None = Field(None, alias="type")
    floor: Floor | None = None
    status: StartingStatus = NewRoomStatus.AVAILABLE.value

    def run(self, uow: UnitOfWork, clock: Clock) -> Done:
        return room_done(uow, room_ops.add_room(uow, clock, self.number, room_type=self.room_type, floor=self.floor,
                                           status=RoomStatus(self.status)))


class RoomRemoveLine(Line):
    number: RoomNumber

    def run(self, uow: UnitOfWork, clock: Clock) -> Done:
        return room_done(uow, room_ops.remove_room(uow, self.number), removed=True)


class ChannelAddLine(Line):
    touches_channels = True
    name: Text
    room: RoomNumber
    url: Text
    cancel_after: Text = "12h"

    def usage(self) -> None:
        from roomsync.domain.channels import parse_duration
        from roomsync.operations import channel_admin

        channel_admin.check_name(self.name)
        channel_admin.stored_url(self.url)
        if parse_duration(self.cancel_after) is None:
            raise UsageError(f"cancel_after {self.cancel_after!r} is not a duration such as 12h, 30m, 2d or 0s")

    def run(self, uow: UnitOfWork, clock: Clock) -> Done:
        from roomsync.operations import channel_admin

        channel = channel_admin.add_channel(uow, self.name, self.room, self.url, self.cancel_after)
        return Done({"channel": channel_admin.shown_channel(uow, channel)}, (channel,))


class ChannelRemoveLine(Line):
    touches_channels = True
    name: Text

    def run(self, uow: UnitOfWork, clock: Clock) -> Done:
        from roomsync.operations import channel_admin

        channel = channel_admin.remove_channel(uow, self.name)
        return Done({"channel": channel_admin.shown_channel(uow, channel)}, (channel,), removed=True)


LINES: dict[str, type[Line]] = {
    "book": BookLine, "checkin": CheckInLine, "checkout": CheckOutLine, "cancel": CancelLine,
    "noshow": NoShowLine, "delete": DeleteLine, "housekeeping": HousekeepingLine, "move": MoveLine,
    "amend": AmendLine, "undo-checkin": UndoCheckInLine, "reinstate": ReinstateLine,
    "room add": RoomAddLine, "room remove": RoomRemoveLine,
    "channel add": ChannelAddLine, "channel remove": ChannelRemoveLine,
}
"""Every change command `batch` takes, by its name on the command line."""


# --------------------------------------------------------------------------- parsing


class _RepeatedKey(ValueError):
    pass


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are all different (a repeated key would hide a value)."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _RepeatedKey(key)
        found[key] = value
    return found


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_line(number: int, raw: bytes) -> Line:
    """One input line as its command's checked `Line`, or a `USAGE` error naming the line."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"line {number} is not valid UTF-8; save the input as UTF-8") from None
    try:
        value = json.loads(text, object_pairs_hook=_object, parse_constant=_no_constant)
    except _RepeatedKey as repeated:
        raise UsageError(f"line {number}: key {str(repeated)!r} is given twice") from None
    except ValueError as bad:  # json.JSONDecodeError, or a number too long to read
        raise UsageError(f"line {number} is not JSON ({bad})") from None
    if not isinstance(value, dict):
        raise UsageError(f"line {number} is not a JSON object; write {{\"command\": \"book\", ...}}")
    name = value.pop("command", None)
    kind = LINES.get(name) if isinstance(name, str) else None
    if kind is None:
        shown = "no \"command\"" if name is None else f"command {json.dumps(name, ensure_ascii=False)}"
        raise UsageError(f"line {number}: {shown} is not a change command batch takes "
                         f"({', '.join(LINES)})")
    try:
        line = kind.model_validate(value)
    except ValidationError as invalid:
        raise UsageError(f"line {number} ({name}): {_first_problem(invalid, kind)}") from None
    try:
        line.usage()
    except UsageError as usage:
        raise UsageError(f"line {number} ({name}): {usage.message}") from None
    return line


def _first_problem(invalid: ValidationError, kind: type[Line]) -> str:
    """The first problem of a line, in words: an unknown key lists the keys the command takes."""
    error = invalid.errors(include_url=False)[0]
    key = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        keys = [field.alias or name for name, field in kind.model_fields.items()]
        return f"unknown key {key!r} (it takes {', '.join(keys)})"
    if error["type"] == "missing" or error.get("input", ...) is None:
        return f"key {key!r} is required (null means not given)"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{key}: {message}"
