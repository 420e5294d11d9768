"""`channel add|list|remove` and what `ical` publishes: the channels as the desk manages them.

A channel's URL is the listing's secret: it is stored whole, but whatever is shown (output,
errors, the audit) names only its scheme, host and path.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from roomsync.domain.channels import NAME, Channel, is_from_channel, parse_duration
from roomsync.domain.model import Booking
from roomsync.errors import AlreadyExists, Refused, UsageError
from roomsync.operations.sync import chosen_channels
from roomsync.storage.base import UnitOfWork

URL_SCHEMES = ("https", "http", "webcal", "file")


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise UsageError(f"channel name {name!r} must be lower-case letters, digits, '_' and '-', starting with a "
                         f"letter or digit (e.g. booking, airbnb-101)")
    return name


def stored_url(url: str) -> str:
    """The URL as `channels.json` keeps it: a site's URL as given, a local path made absolute."""
    scheme = urlsplit(url).scheme.lower()
    if scheme in URL_SCHEMES:
        if scheme != "file" and not urlsplit(url).hostname:
            raise UsageError(f"--url {scheme}://… names no host; paste the feed's whole address")
        return url
    if scheme and len(scheme) > 1:
        raise UsageError(f"--url must be https://, http://, webcal://, file:// or a local path, not {scheme}://")
    if not url.strip():
        raise UsageError("--url cannot be empty")
    return os.path.abspath(url)


def add_channel(uow: UnitOfWork, name: str, room: str, url: str, cancel_after: str) -> Channel:
    """A new channel last in the list; its bookings from before (same name) are linked again.
    `cancel_after` is kept as spelled (`720m` stays `720m`)."""
    span = parse_duration(cancel_after)
    if span is None:
        raise UsageError(f"--cancel-after {cancel_after!r} is not a duration such as 12h, 30m, 2d or 0s")
    if uow.channels.get(name) is not None:  # SPEC §9 lists ALREADY_EXISTS before UNKNOWN_ROOM
        raise AlreadyExists(f"A channel named {name!r} already exists; pick another name or "
                            f"'roomsync channel remove {name}' first.")
    if uow.rooms.get(room) is None:
        raise Refused("UNKNOWN_ROOM", f"Room {room} does not exist; a channel sells one existing room "
                                      f"(see 'roomsync rooms').")
    channel = Channel(check_name(name), room, stored_url(url), span)
    uow.channels.add(channel, {"name": name, "room": room, "url": channel.url, "cancel_after": cancel_after,
                               "conflicts": []})
    return channel


def remove_channel(uow: UnitOfWork, name: str) -> Channel:
    """The channel goes; its imported bookings stay, keeping their `channel` fields."""
    channel = chosen_channels(uow, name)[0]
    uow.channels.remove(channel)
    return channel


def shown_channel(uow: UnitOfWork, channel: Channel) -> dict[str, Any]:
    """The stored object with the URL shown without its secret."""
    from roomsync.channels.urls import shown_url

    record = uow.channels.stored(channel)
    record["url"] = shown_url(channel.url)
    return record


def listed_channel(uow: UnitOfWork, channel: Channel, cached: dict[str, Any]) -> dict[str, Any]:
    """`channel list --json`'s object: the stored one with its last fetch and last good fetch."""
    from roomsync.operations.sync import url_key

    item = shown_channel(uow, channel)
    if cached.get("url") != url_key(channel.url) or not isinstance(cached.get("at"), str):
        item["last_fetch"], item["last_good_fetch"] = None, None
        return item
    item["last_fetch"] = {key: cached.get(key) for key in ("at", "outcome", "error", "events")}
    item["last_good_fetch"] = cached.get("last_good")
    return item


def published(uow: UnitOfWork, room: str, excluded: list[str], today: date) -> list[Booking]:
    """The room's active bookings to publish, without those of the excluded channels."""
    return [b for b in uow.bookings.active_in(room) if not any(is_from_channel(b, name) for name in excluded)]


def feed_file_name(room: str) -> str:
    """`ical --all`'s file of a room: a `/` in its number becomes `_`."""
    return f"{room.replace('/', '_')}.ics"
