"""`room add` and `room remove`: the rooms of a hotel made with `init`, and changes to them."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from roomsync.cli.command import CommandSettings, desk_command
from roomsync.cli.options import RoomArg
from roomsync.cli.render import emit_json, room_document, say
from roomsync.domain.model import RoomStatus
from roomsync.operations import rooms as ops


class NewRoomStatus(StrEnum):
    """The statuses a new room may start in (RESERVED and OCCUPIED come from bookings)."""

    AVAILABLE = "AVAILABLE"
    CLEAN = "CLEAN"
    DIRTY = "DIRTY"
    MAINTENANCE = "MAINTENANCE"
    OUT_OF_SERVICE = "OUT_OF_SERVICE"


def answer(desk: CommandSettings, document: dict[str, Any], line: str) -> None:
    if desk.json:
        emit_json(document)
    else:
        say(line)


@desk_command("add", group="room", example="roomsync room add 101 --type Double --floor 1")
def add(ctx: typer.Context,
        number: Annotated[str, typer.Argument(metavar="NUMBER", help="The new room's number, e.g. 101.")],
        room_type: Annotated[str | None, typer.Option("--type", metavar="TYPE", help="Room type, e.g. Double.")] = None,
        floor: Annotated[int | None,
                         typer.Option("--floor", min=-99, max=999, metavar="N", help="Floor number.")] = None,
        status: Annotated[NewRoomStatus, typer.Option("--status", case_sensitive=False,
                                                      help="Starting status.")] = NewRoomStatus.AVAILABLE) -> None:
    """Add a room at the end of the list."""
    desk = CommandSettings.of(ctx)
    with desk.unit_of_work() as uow:
        room = ops.add_room(uow, desk.clock, number, room_type=room_type, floor=floor,
                            status=RoomStatus(status.value))
        uow.commit(desk.command_line, at=desk.clock.now)
        document = room_document(uow, room)
    answer(desk, document, f"Added room {room.number}{f' ({room.type})' if room.type else ''}: {room.status.value}.")


@desk_command("remove", group="room", example="roomsync room remove 101")
def remove(ctx: typer.Context, number: RoomArg) -> None:
    """Remove a room no active booking names (finished bookings keep its number)."""
    desk = CommandSettings.of(ctx)
    with desk.unit_of_work() as uow:
        room = ops.remove_room(uow, number)
        uow.commit(desk.command_line, at=desk.clock.now)
        document = room_document(uow, room)
    answer(desk, document, f"Removed room {room.number}.")
