"""The PostgreSQL store's channel parts: the `channels` table (committed with the rest of a
unit of work's changes) and `channel_fetches`, the fetch cache written outside the audit."""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING, Any

from roomsync.domain.channels import DEFAULT_CANCEL_AFTER, Channel, parse_duration
from roomsync.storage.channel_repo import ListedChannels
from roomsync.storage.mapping import CHANNEL_CORE, Record, channel_from_record

if TYPE_CHECKING:
    from roomsync.storage.postgres import PgUnitOfWork

COLUMNS = "name, room, url, cancel_after, conflicts, extra, key_order"


def channel_from_row(row: tuple[Any, ...]) -> tuple[Channel, Record]:
    """The channel of a row and its record (`key_order` is the record's layout)."""
    name, room, url, cancel_after, conflicts, extra, key_order = row
    core = {"name": name, "room": room, "url": url, "cancel_after": cancel_after, "conflicts": conflicts}
    record = {key: core[key] if key in core else extra.get(key) for key in key_order}
    span = parse_duration(cancel_after)
    channel = channel_from_record(record, DEFAULT_CANCEL_AFTER if span is None else span)
    return channel, record


def channel_params(record: Record) -> tuple[Any, ...]:
    """The columns of a channel's record after its name."""
    extra = {k: v for k, v in record.items() if k not in CHANNEL_CORE}
    return (record["room"], record["url"], record["cancel_after"],
            json.dumps(record["conflicts"], ensure_ascii=False), json.dumps(extra, ensure_ascii=False), list(record))


class PgChannels(ListedChannels):
    """The property's channels, all read at once (a hotel has a few dozen at most)."""

    @classmethod
    def read(cls, uow: PgUnitOfWork) -> PgChannels:
        rows = uow.query(f"SELECT {COLUMNS} FROM channels WHERE hotel_id = %s ORDER BY pos")
        read = [channel_from_row(row) for row in rows]
        return cls([channel for channel, _ in read], [record for _, record in read])

    def flush(self, cur: Any, hotel: str) -> None:
        """Write this unit of work's channel changes inside its transaction; positions are
        renumbered in file order (a few rows), so removals leave no gap to trip on."""
        if not (self.saved or self.added or self.removed):
            return
        cur.executemany("DELETE FROM channels WHERE hotel_id = %s AND name = %s",
                        [(hotel, name) for name in self.removed])
        for pos, channel in enumerate(self.list, start=1):
            cur.execute(f"INSERT INTO channels (hotel_id, pos, {COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
                        "ON CONFLICT (hotel_id, name) DO UPDATE SET pos = EXCLUDED.pos, room = EXCLUDED.room, "
                        "url = EXCLUDED.url, cancel_after = EXCLUDED.cancel_after, conflicts = EXCLUDED.conflicts, "
                        "extra = EXCLUDED.extra, key_order = EXCLUDED.key_order",
                        [hotel, pos, channel.name, *channel_params(self.stored(channel))])


def read_fetch_state(uow: PgUnitOfWork) -> dict[str, dict[str, Any]]:
    rows = uow.query("SELECT name, state FROM channel_fetches WHERE hotel_id = %s")
    return {name: state for name, state in rows if isinstance(state, dict)}


def write_fetch_state(uow: PgUnitOfWork, state: dict[str, dict[str, Any]]) -> None:
    """Replace the property's fetch cache in a transaction of its own, after the sync's commit.
    A failure only costs a full download next time, so it is never an error."""
    import psycopg

    conn = uow.conn
    try:
        conn.execute("DELETE FROM channel_fetches WHERE hotel_id = %s", [uow.hotel])
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO channel_fetches (hotel_id, name, state) VALUES (%s, %s, %s)",
                            [(uow.hotel, name, json.dumps(entry, ensure_ascii=False)) for name, entry in state.items()])
        conn.commit()
    except psycopg.Error:
        with contextlib.suppress(psycopg.Error):
            conn.rollback()
