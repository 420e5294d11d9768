"""The JSON store's channel parts: `channels.json` (committed data) and the fetch cache.

`channels.json` is a JSON array beside the data files, hand-editable like them: unknown fields
and key order are kept, and it is written in the same all-or-nothing commit. It is read only
when a command first asks for `uow.channels`, so `checkin` never pays for (or fails on) it.

The fetch cache `.roomsync-channels.json` is not data: validators, the last body, when and how
each channel was last fetched. It is written atomically (temp, fsync, rename) after a sync;
anything wrong with it reads as an empty cache, which only costs a full download.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from roomsync.domain.channels import NAME, Channel, parse_duration
from roomsync.errors import DataInvalid
from roomsync.storage.channel_repo import ListedChannels
from roomsync.storage.files import replace_whole, team_of
from roomsync.storage.mapping import Record, channel_from_record
from roomsync.storage.records import check_hand_edit

CHANNELS_FILE = "channels.json"
CACHE_FILE = ".roomsync-channels.json"


class JsonChannels(ListedChannels):
    """The channels of `channels.json`, in file order."""


def _problem(name: str, position: int, record: dict[str, Any], field: str, what: str) -> DataInvalid:
    label = record.get("name")
    shown = f" (channel {label})" if isinstance(label, str) and label else ""
    return DataInvalid(f"{name}: record {position}{shown}: {field}: {what}")


def parse_channels(data: bytes, name: str = CHANNELS_FILE) -> tuple[list[Channel], list[Record]]:
    """Every channel of the file and its record, checked field by field; the first bad field
    is DataInvalid naming file, record and field (as rooms.json and bookings.json are checked)."""
    raw = check_hand_edit(name, "bookings", data)
    channels: list[Channel] = []
    seen: dict[str, int] = {}
    for position, record in enumerate(raw, start=1):
        if not isinstance(record, dict):
            raise DataInvalid(f"{name}: record {position}: must be a JSON object, not {json.dumps(record)[:60]}")
        for field in ("name", "room", "url"):
            if field not in record:
                raise _problem(name, position, record, field, "is missing: every channel needs one")
            if not isinstance(record[field], str) or not record[field].strip():
                raise _problem(name, position, record, field,
                               f"{json.dumps(record[field])[:60]} is not a non-empty string")
        channel_name = record["name"]
        if not NAME.fullmatch(channel_name):
            raise _problem(name, position, record, "name",
                           f"{channel_name!r} is not a channel name (lower-case letters, digits, '_' and '-')")
        if channel_name in seen:
            raise _problem(name, position, record, "name", f"duplicate channel name, also record {seen[channel_name]}")
        seen[channel_name] = position
        cancel_after = record.get("cancel_after", "12h")
        span = parse_duration(cancel_after) if isinstance(cancel_after, str) else None
        if span is None:
            raise _problem(name, position, record, "cancel_after",
                           f"{json.dumps(cancel_after)[:60]} is not a duration such as 12h, 30m or 0s")
        conflicts = record.get("conflicts", [])
        if not isinstance(conflicts, list) or not all(isinstance(c, dict) for c in conflicts):
            raise _problem(name, position, record, "conflicts", "must be a list of problem objects ([] for none)")
        channels.append(channel_from_record(record, span))
    return channels, raw


def read_cache(path: Path) -> dict[str, dict[str, Any]]:
    """The fetch cache by channel name; anything unreadable is an empty cache."""
    try:
        with open(path, "rb") as file:
            state = json.loads(file.read())
    except (OSError, ValueError):
        return {}
    if not isinstance(state, dict):
        return {}
    return {name: entry for name, entry in state.items() if isinstance(entry, dict)}


def write_cache(path: Path, state: dict[str, dict[str, Any]]) -> None:
    """Replace the cache atomically; a failure leaves the old one (or none), never an error.
    It takes the data files' mode and group: another clerk's sync reuses its validators."""
    with contextlib.suppress(OSError):
        team = team_of(path.parent, [path.parent / "bookings.json", path.parent / "rooms.json"])
        replace_whole(path, json.dumps(state, ensure_ascii=False, indent=1).encode("utf-8"), team)
