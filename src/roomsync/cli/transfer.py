"""`import` and `export`: move a hotel between a data directory and a PostgreSQL property."""

from __future__ import annotations

from typing import Annotated

import typer

from roomsync.cli.command import CommandSettings, desk_command
from roomsync.cli.render import emit_json, say
from roomsync.errors import UsageError
from roomsync.operations import transfer


def _finish(desk: CommandSettings, verb: str, rooms: int, bookings: int) -> None:
    if desk.json:
        emit_json({**desk.where, "data_dir": str(desk.data_dir), "rooms": rooms, "bookings": bookings})
    else:
        say(f"{verb} {rooms} room(s) and {bookings} booking(s): {desk.data_dir} "
            f"{'→' if verb == 'Imported' else '←'} hotel {desk.where['hotel']} of {desk.where['store']}.")


def _need_store(desk: CommandSettings, command: str) -> None:
    if desk.store is None:
        raise UsageError(f"{command} needs --store postgresql://… (or ROOMSYNC_STORE)")


@desk_command("import", example="roomsync import --data-dir data --store postgresql://desk@db/hotel")
def import_(ctx: typer.Context,
            replace: Annotated[bool, typer.Option("--replace", help="Replace a hotel that has rooms or bookings.")]
            = False) -> None:
    """Load a data directory's hotel into a PostgreSQL property."""
    desk = CommandSettings.of(ctx)
    _need_store(desk, "import")
    with desk.files() as source, desk.unit_of_work(create=True) as target:
        rooms, bookings = transfer.import_hotel(source, target, replace=replace)
        target.commit(desk.command_line, at=desk.clock.now)
    _finish(desk, "Imported", rooms, bookings)


@desk_command(example="roomsync export --data-dir backup --store postgresql://desk@db/hotel")
def export(ctx: typer.Context,
           force: Annotated[bool, typer.Option("--force", help="Replace the files in --data-dir.")] = False) -> None:
    """Write a PostgreSQL property's hotel to a data directory."""
    desk = CommandSettings.of(ctx)
    _need_store(desk, "export")
    with desk.unit_of_work(read_only=True) as source, desk.files(create=True) as target:
        rooms, bookings = transfer.export_hotel(source, target, force=force)
        target.commit(desk.command_line, at=desk.clock.now)
    _finish(desk, "Exported", rooms, bookings)
