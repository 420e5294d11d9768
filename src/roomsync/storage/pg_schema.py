"""The PostgreSQL schema, versioned: each migration takes the schema one version up.

The exclusion constraint forbids overlapping active stays of one room and the check
constraint active stays without nights (SPEC §8's second line of defence). Unknown fields
live in `json` columns (not `jsonb`, which reorders keys and respells numbers) beside
`key_order`, so a record comes back exactly as it was written.
"""

from __future__ import annotations

from typing import Any

from roomsync.errors import DataInvalid

SCHEMA_VERSION = 2

MIGRATIONS: dict[int, str] = {
    1: """
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE roomsync_meta (
  key   text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE hotels (
  id              text   PRIMARY KEY,
  last_booking_no bigint NOT NULL DEFAULT 0
);

CREATE TABLE rooms (
  hotel_id  text    NOT NULL REFERENCES hotels(id),
  number    text    NOT NULL,
  pos       integer NOT NULL,
  status    text    NOT NULL CHECK (status IN ('AVAILABLE','CLEAN','RESERVED','OCCUPIED',
                                               'DIRTY','MAINTENANCE','OUT_OF_SERVICE')),
  type      text,
  extra     json    NOT NULL DEFAULT '{}',
  key_order text[]  NOT NULL,
  PRIMARY KEY (hotel_id, number),
  UNIQUE (hotel_id, pos) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE bookings (
  hotel_id  text   NOT NULL REFERENCES hotels(id),
  id        text   NOT NULL,
  pos       bigint NOT NULL,
  room      text   NOT NULL,
  guest     text   NOT NULL CHECK (guest <> ''),
  arrival   date   NOT NULL,
  departure date   NOT NULL,
  status    text   NOT NULL CHECK (status IN ('Reserved','CheckedIn','CheckedOut','Cancelled','NoShow')),
  extra     json   NOT NULL DEFAULT '{}',
  key_order text[] NOT NULL,
  PRIMARY KEY (hotel_id, id),
  UNIQUE (hotel_id, pos) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT active_stay_has_nights
    CHECK (status NOT IN ('Reserved','CheckedIn') OR departure > arrival),
  CONSTRAINT no_double_booking EXCLUDE USING gist (
    hotel_id WITH =, room WITH =, daterange(arrival, departure, '[)') WITH &&
  ) WHERE (status IN ('Reserved','CheckedIn'))
);
CREATE INDEX bookings_active_room ON bookings (hotel_id, room) WHERE status IN ('Reserved','CheckedIn');
CREATE INDEX bookings_room ON bookings (hotel_id, room);
CREATE INDEX bookings_departure ON bookings (hotel_id, departure);

CREATE TABLE audit (
  seq       bigserial   PRIMARY KEY,
  hotel_id  text        NOT NULL REFERENCES hotels(id),
  commit_id text        UNIQUE,
  at        timestamptz NOT NULL DEFAULT now(),
  entry     json        NOT NULL
);
CREATE INDEX audit_hotel ON audit (hotel_id, seq);
""",
    # Channels (SPEC §9): committed like rooms, in file order; their fetch cache beside them,
    # outside the audit. `conflicts` and `extra` are `json` for the reason given above.
    2: """
CREATE TABLE channels (
  hotel_id     text    NOT NULL REFERENCES hotels(id),
  name         text    NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9_-]*$'),
  pos          integer NOT NULL,
  room         text    NOT NULL,
  url          text    NOT NULL,
  cancel_after text    NOT NULL,
  conflicts    json    NOT NULL DEFAULT '[]',
  extra        json    NOT NULL DEFAULT '{}',
  key_order    text[]  NOT NULL,
  PRIMARY KEY (hotel_id, name),
  UNIQUE (hotel_id, pos) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE channel_fetches (
  hotel_id text NOT NULL REFERENCES hotels(id),
  name     text NOT NULL,
  state    json NOT NULL,
  PRIMARY KEY (hotel_id, name)
);
""",
}


def schema_version(conn: Any) -> int | None:
    """The schema's version, or None when this database has no roomsync schema."""
    if conn.execute("SELECT to_regclass('roomsync_meta')").fetchone()[0] is None:
        return None
    row = conn.execute("SELECT value FROM roomsync_meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def check_version(version: int | None, where: str, hotel: str) -> None:
    if version is None:
        raise DataInvalid(f"{where}: no roomsync schema in this database; create it with "
                          f"'roomsync init --store URL --hotel {hotel}'")
    if version > SCHEMA_VERSION:
        raise DataInvalid(f"{where}: the schema is version {version}, newer than this roomsync understands "
                          f"({SCHEMA_VERSION}); upgrade roomsync")


def migrate(conn: Any, where: str, hotel: str) -> None:
    """Create the schema when absent or bring an older one up to date (inside the transaction)."""
    conn.execute("SELECT pg_advisory_xact_lock(hashtext('roomsync schema'))")
    version = schema_version(conn)
    if version is not None and version > SCHEMA_VERSION:
        check_version(version, where, hotel)
    for step in range((version or 0) + 1, SCHEMA_VERSION + 1):
        conn.execute(MIGRATIONS[step])
        conn.execute("INSERT INTO roomsync_meta (key, value) VALUES ('schema_version', %s) "
                     "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", [str(step)])
