"""The channels' repository, tracked like rooms until the commit (see the contract in base.py)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from roomsync.domain.channels import Channel
from roomsync.storage.audit import record_changes
from roomsync.storage.mapping import Record, channel_record


class Channels(ABC):
    """The booking sites' feeds, one per room each; tracked like rooms until the commit."""

    def __init__(self) -> None:
        self.saved: dict[str, Channel] = {}
        self.added: dict[str, Channel] = {}
        self.removed: dict[str, Channel] = {}
        self.as_read: dict[str, Record] = {}
        """Each channel's record as the store holds it (by name): the audit's "before", and
        the layout (and `cancel_after` spelling) its record keeps when written back."""
        self.laid_out: dict[str, Record] = {}
        """For an added channel, the record it is laid out as (`channel add`'s spelling of
        `cancel_after`, a moved hotel's key order)."""

    def stored(self, channel: Channel) -> Record:
        """The channel's record as it would be written now."""
        if channel.name in self.added:
            return channel_record(channel, self.laid_out.get(channel.name))
        return channel_record(channel, self.as_read.get(channel.name))

    @abstractmethod
    def get(self, name: str) -> Channel | None: ...

    @abstractmethod
    def all(self) -> list[Channel]: ...

    @abstractmethod
    def _place(self, channel: Channel) -> None:
        """Hold a new channel after every other."""

    @abstractmethod
    def _drop(self, channel: Channel) -> None:
        """Stop holding a channel."""

    def add(self, channel: Channel, laid_out: Record | None = None) -> None:
        """`channel add`: last in file order (the caller checked the name is free); its
        record keeps `laid_out`'s key order and `cancel_after` spelling."""
        self.added[channel.name] = channel
        if laid_out is not None:
            self.laid_out[channel.name] = laid_out
        self._place(channel)

    def save(self, channel: Channel) -> None:
        if channel.name not in self.added:
            self.saved[channel.name] = channel

    def remove(self, channel: Channel) -> None:
        """`channel remove`: its bookings stay, with their `channel` fields."""
        self._drop(channel)
        if self.added.pop(channel.name, None) is None:
            self.removed[channel.name] = channel
        self.saved.pop(channel.name, None)

    def changes(self) -> list[dict[str, Any]]:
        """The audit's changes: removed, changed, added, the URL never with its secret."""
        removed = [c for ch in self.removed.values()
                   for c in record_changes("channel", ch.name, self.as_read.get(ch.name), None)]
        changed = [c for ch in self.saved.values()
                   for c in record_changes("channel", ch.name, self.as_read.get(ch.name), self.stored(ch))]
        added = [c for ch in self.added.values() for c in record_changes("channel", ch.name, None, self.stored(ch))]
        return [audited(c) for c in [*removed, *changed, *added]]

    def forget_changes(self) -> None:
        self.as_read.update({ch.name: self.stored(ch) for ch in [*self.saved.values(), *self.added.values()]})
        self.saved, self.added, self.removed, self.laid_out = {}, {}, {}, {}


class ListedChannels(Channels):
    """Channels all read at once into one list, in file (or table) order: a hotel has a few
    dozen at most. Both stores' channels are this list; they differ in how it is read and written."""

    def __init__(self, channels: list[Channel], records: list[Record] | None = None) -> None:
        super().__init__()
        self.list = channels
        self.as_read = {channel.name: record for channel, record in zip(channels, records or [], strict=False)}

    def get(self, name: str) -> Channel | None:
        return next((channel for channel in self.list if channel.name == name), None)

    def all(self) -> list[Channel]:
        return self.list

    def _place(self, channel: Channel) -> None:
        self.list.append(channel)

    def _drop(self, channel: Channel) -> None:
        self.list.remove(channel)


def audited(change: dict[str, Any]) -> dict[str, Any]:
    """A change as the audit keeps it: a channel's feed URL shows scheme, host and path only
    (other changes pass unchanged)."""
    if "channel" not in change:
        return change
    from roomsync.channels.urls import shown_url

    def shown(value: Any) -> Any:
        if isinstance(value, dict) and isinstance(value.get("url"), str):
            return {**value, "url": shown_url(value["url"])}
        return value

    if change["field"] == "url":
        return {**change, "old": shown_url(change["old"]) if isinstance(change["old"], str) else change["old"],
                "new": shown_url(change["new"]) if isinstance(change["new"], str) else change["new"]}
    if change["field"] is None:
        return {**change, "old": shown(change["old"]), "new": shown(change["new"])}
    return change
