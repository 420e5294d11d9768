"""`channel add|list|remove`, `sync` and `ical`: selling rooms on booking sites (SPEC §9).

Only these commands (and `watch --sync-every`) import the iCalendar libraries: the other
commands start without paying for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from roomsync.cli.command import CommandSettings, desk_command
from roomsync.cli.render import emit_json, say
from roomsync.domain.channels import DEFAULT_CANCEL_AFTER, duration_text, parse_duration
from roomsync.errors import Refused, UsageError, WriteFailed
from roomsync.operations import channel_admin as admin
from roomsync.operations.sync import SyncResult, chosen_channels, sync
from roomsync.storage.files import replace_whole

NameArg = Annotated[str, typer.Argument(metavar="NAME", help="The channel's name, e.g. booking or airbnb-101.")]
MAX_TIMEOUT = 600.0


def _cancel_after(value: str) -> str:
    if parse_duration(value) is None:
        raise typer.BadParameter(f"{value!r} is not a duration such as 12h, 30m, 2d or 0s")
    return value


@desk_command("add", group="channel",
              example="roomsync channel add booking --room 101 --url 'https://admin.booking.com/…/ical.ics?t=…'")
def add(ctx: typer.Context, name: NameArg,
        room: Annotated[str, typer.Option("--room", metavar="ROOM", help="The room this listing sells.")],
        url: Annotated[str, typer.Option("--url", metavar="URL", help="The site's export (iCalendar) URL, or a file.")],
        cancel_after: Annotated[str, typer.Option(
            "--cancel-after", metavar="DURATION", callback=_cancel_after,
            help="How long a stay may be missing from the feed before it is cancelled.")]
        = duration_text(DEFAULT_CANCEL_AFTER)) -> None:
    """Add a booking site's feed for one room."""
    desk = CommandSettings.of(ctx)
    admin.check_name(name)
    admin.stored_url(url)
    with desk.unit_of_work() as uow:
        channel = admin.add_channel(uow, name, room, url, cancel_after)
        uow.commit(desk.command_line, at=desk.clock.now)
        shown = admin.shown_channel(uow, channel)
    if desk.json:
        emit_json({"channel": shown})
    else:
        say(f"Added channel {channel.name}: room {channel.room}, {shown['url']} "
            f"(cancel after {shown['cancel_after']}). Run 'roomsync sync' to import its stays.")


@desk_command("list", group="channel", example="roomsync channel list --json")
def list_(ctx: typer.Context) -> None:
    """List the channels, each with its last fetch and last good fetch."""
    desk = CommandSettings.of(ctx)
    with desk.unit_of_work(read_only=True) as uow:
        state = uow.fetch_state()
        items = [admin.listed_channel(uow, c, state.get(c.name, {})) for c in uow.channels.all()]
    if desk.json:
        emit_json(items)
        return
    if not items:
        say("No channel yet; add one with 'roomsync channel add NAME --room R --url URL'.")
    for item in items:
        last = item["last_fetch"]
        fetched = "never fetched" if last is None else (
            f"last fetch {last['at']}: {last['outcome']}" + (f" ({last['error']})" if last["error"] else "")
            + (f", {last['events']} event(s)" if last["events"] is not None else ""))
        good = f", last good {item['last_good_fetch']}" if item["last_good_fetch"] else ""
        conflicts = f", {len(item['conflicts'])} conflict(s)" if item["conflicts"] else ""
        say(f"{item['name']}: room {item['room']}, {item['url']}, cancel after {item['cancel_after']}; "
            f"{fetched}{good}{conflicts}")


@desk_command("remove", group="channel", example="roomsync channel remove booking")
def remove(ctx: typer.Context, name: NameArg) -> None:
    """Remove a channel; the bookings it imported stay (and keep their channel fields)."""
    desk = CommandSettings.of(ctx)
    with desk.unit_of_work() as uow:
        channel = admin.remove_channel(uow, name)
        uow.commit(desk.command_line, at=desk.clock.now)
        shown = admin.shown_channel(uow, channel)
    if desk.json:
        emit_json({"channel": shown})
    else:
        say(f"Removed channel {channel.name}; its bookings stay in room {channel.room}.")


def sync_lines(result: SyncResult, changes_only: bool = False) -> list[str]:
    """One line per channel (with `changes_only`, only channels whose fetch changed something
    or failed), then its conflicts and warnings."""
    lines = []
    for entry in result.channels:
        counts = [f"{len(entry[k])} {k}" for k in ("created", "updated", "cancelled", "missing") if entry[k]]
        if changes_only and not counts and entry["fetch"] != "failed" and not entry["conflicts"]:
            continue
        if entry["fetch"] == "failed":
            head = f"[SYNC] {entry['name']}: fetch failed ({entry['error']}); nothing changed"
        else:
            head = (f"[SYNC] {entry['name']}: {entry['fetch']}, {entry['events']} event(s); "
                    f"{', '.join(counts) or 'no change'}"
                    + (f"; {len(entry['skipped'])} skipped" if entry["skipped"] else ""))
        lines.append(head)
        lines += [f"[PROBLEM] {c['code']}: {c['message']}" for c in entry["conflicts"]]
        lines += [f"[WARNING] {w['code']}: {w['message']}" for w in entry["warnings"]
                  if w["code"] != "CHANNEL_FETCH_FAILED"]
    if not changes_only and not result.applied:
        lines.append("[SYNC] Dry run: nothing was written.")
    return lines


@desk_command(name="sync", example="roomsync sync --json")
def sync_command(
        ctx: typer.Context,
        channel: Annotated[str | None,
                           typer.Option("--channel", metavar="NAME", help="Sync this channel only.")] = None,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Fetch and report; write nothing.")] = False,
        timeout: Annotated[float, typer.Option("--timeout", min=0.1, max=MAX_TIMEOUT, metavar="SECONDS",
                                               help="Bound on each feed's whole exchange.")] = 10.0) -> int:
    """Import the booking sites' feeds: new stays, changed dates, cancellations, conflicts."""
    desk = CommandSettings.of(ctx)
    result = sync(desk.unit_of_work, desk.clock, desk.command_line, only=channel, dry_run=dry_run, timeout=timeout)
    if desk.json:
        emit_json(result.as_json())
    else:
        lines = sync_lines(result)
        for line in lines or ["[SYNC] No channel yet; add one with 'roomsync channel add'."]:
            say(line)
    return result.exit_code


def write_atomically(path: Path, data: bytes) -> bool:
    """Temp file beside it, fsync, rename: a web server never serves half a feed. A feed
    whose bytes are already there is left alone (its mtime too, so the sites polling it get
    `304 Not Modified` from the web server); returns whether it wrote."""
    try:
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass  # unreadable: write it anew
    try:
        replace_whole(path, data)
    except OSError as exc:
        raise WriteFailed(f"{path}: cannot write the feed: {exc.strerror}; nothing was changed") from None
    return True


@desk_command(name="ical", example="roomsync ical 101 --exclude-channel airbnb --out /var/www/ical/101.ics")
def ical(ctx: typer.Context,
         room: Annotated[str | None, typer.Argument(metavar="ROOM", help="The room whose feed to publish.")] = None,
         exclude: Annotated[list[str] | None, typer.Option(
             "--exclude-channel", metavar="NAME", help="Leave out the bookings that came from this channel.")] = None,
         details: Annotated[bool, typer.Option("--details", help="Include guest names and channels.")] = False,
         out: Annotated[Path | None, typer.Option("--out", metavar="FILE", help="Write the feed to FILE.")] = None,
         all_rooms: Annotated[bool, typer.Option("--all", help="Every room's and channel's feed (with --out-dir).")]
         = False,
         out_dir: Annotated[Path | None, typer.Option("--out-dir", metavar="DIR", help="Where --all writes.")] = None,
         ) -> None:
    """Publish roomsync's own nights as an iCalendar feed for the booking sites to import."""
    from roomsync.channels.ical_write import room_feed

    desk = CommandSettings.of(ctx)
    if all_rooms:
        if room is not None or out is not None or exclude:
            raise UsageError("ical --all takes --out-dir DIR only (no ROOM, --out or --exclude-channel)")
        if out_dir is None:
            raise UsageError("ical --all needs --out-dir DIR")
        _ical_all(desk, out_dir, details)
        return
    if room is None or out_dir is not None:
        raise UsageError("give a ROOM (or --all --out-dir DIR)")
    today = desk.clock.today
    with desk.unit_of_work(read_only=True) as uow:
        if uow.rooms.get(room) is None:
            raise Refused("UNKNOWN_ROOM", f"Room {room} does not exist (see 'roomsync rooms').")
        uow.channels.all()  # a malformed channels.json is invalid data for every channel command
        excluded = list(exclude or [])
        for name in excluded:
            chosen_channels(uow, name)
        bookings = admin.published(uow, room, excluded, today)
    data = room_feed(room, bookings, today=today, details=details)
    events = data.count(b"BEGIN:VEVENT")
    if out is not None:
        write_atomically(out, data)
        if desk.json:
            emit_json({"room": room, "events": events, "out": str(out)})
        else:
            say(f"Wrote {out}: room {room}, {events} event(s).")
        return
    if desk.json:
        emit_json({"room": room, "events": events, "ical": data.decode("utf-8")})
    else:
        typer.echo(data.decode("utf-8"), nl=False)


def _ical_all(desk: CommandSettings, out_dir: Path, details: bool) -> None:
    from roomsync.channels.ical_write import room_feed
    from roomsync.domain.channels import bookings_by_channel

    today = desk.clock.today
    with desk.unit_of_work(read_only=True) as uow:
        rooms = [r.number for r in uow.rooms.all()]
        active: dict[str, list[Any]] = {}
        for booking in uow.bookings.active():
            active.setdefault(booking.room, []).append(booking)
        channels = [(c.name, c.room) for c in uow.channels.all()]
    own = {name: {id(b) for b in bs} for name, bs in bookings_by_channel(
        b for bs in active.values() for b in bs).items()}
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteFailed(f"{out_dir}: cannot create the directory: {exc.strerror}") from None
    written_rooms, written_channels = [], []
    unchanged = 0
    for number in rooms:
        data = room_feed(number, active.get(number, []), today=today, details=details)
        path = out_dir / admin.feed_file_name(number)
        unchanged += not write_atomically(path, data)
        written_rooms.append({"room": number, "events": data.count(b"BEGIN:VEVENT"), "out": str(path)})
    for name, number in channels:
        mine = own.get(name, set())
        data = room_feed(number, [b for b in active.get(number, []) if id(b) not in mine], today=today,
                         details=details)
        path = out_dir / f"channel-{name}.ics"
        unchanged += not write_atomically(path, data)
        written_channels.append({"channel": name, "events": data.count(b"BEGIN:VEVENT"), "out": str(path)})
    if desk.json:
        emit_json({"out_dir": str(out_dir), "rooms": written_rooms, "channels": written_channels})
    else:
        kept = f" ({unchanged} already up to date, left as they were)" if unchanged else ""
        say(f"Wrote {len(written_rooms)} room feed(s) and {len(written_channels)} channel feed(s) to {out_dir}{kept}.")
