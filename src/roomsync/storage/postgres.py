"""The PostgreSQL store: one property (`--hotel`) of a shared database (SPEC §8).

A unit of work is one transaction. A writing one locks the property's `hotels` row first
(`SELECT … FOR UPDATE` under `lock_timeout`), so writers of one property go one at a time
while other properties write in parallel; a read-only one reads a REPEATABLE READ snapshot.
Repositories query only what an operation asks for (a check-in reads its room's active
bookings) and keep an identity map, so `commit()` writes only the rows that changed, then
the audit row carrying a unique commit id. If the connection drops during COMMIT, a new
connection waits for the property lock and looks for that id: the answer is the truth.
"""

from __future__ import annotations

import contextlib
import json
import os
from datetime import date
from typing import Any, Self, cast

from roomsync.domain.model import Booking, Room
from roomsync.errors import (
    DataInvalid,
    LockTimeout,
    Refused,
    StoreUnavailable,
    WriteFailed,
)
from roomsync.storage import pg_schema
from roomsync.storage.audit import Entry, current_user
from roomsync.storage.base import (
    Bookings,
    Rooms,
    UnitOfWork,
    booking_number,
    format_booking_id,
)
from roomsync.storage.mapping import BOOKING_CORE, ROOM_CORE, Record, booking_from_record, room_from_record
from roomsync.storage.names import without_password
from roomsync.storage.pg_channels import PgChannels, read_fetch_state, write_fetch_state

ACTIVE_SQL = "status IN ('Reserved', 'CheckedIn')"
Row = tuple[Any, ...]
BOOKING_COLUMNS = "id, room, guest, arrival, departure, status, extra, key_order"
NEW_POSITION = 2 ** 62  # bookings added in this transaction sort after every stored one


def describe_target(url: str) -> str:
    """Host (or socket / service) and database, for STORE_UNAVAILABLE's one sentence."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    try:
        info = conninfo_to_dict(url)
    except psycopg.Error:
        return without_password(url)
    host = info.get("host") or os.environ.get("PGHOST") or "the local socket"
    if info.get("service") or os.environ.get("PGSERVICE"):
        host = f"service {info.get('service') or os.environ.get('PGSERVICE')}"
    port = info.get("port") or os.environ.get("PGPORT")
    database = info.get("dbname") or os.environ.get("PGDATABASE") or info.get("user") or current_user()
    return f"{host}{':' + str(port) if port else ''}, database {database}"


def _record(key_order: list[str], core: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """The record a row holds: `key_order` is its layout, `extra` its other fields."""
    return {key: core[key] if key in core else extra.get(key) for key in key_order}


def room_from_row(row: Row) -> tuple[Room, Record]:
    number, status, room_type, extra, key_order = row
    record = _record(key_order, {"number": number, "status": status, "type": room_type}, extra)
    return room_from_record(record), record


def booking_from_row(row: Row) -> tuple[Booking, Record]:
    booking_id, room, guest, arrival, departure, status, extra, key_order = row
    core = {"id": booking_id, "room": room, "guest": guest, "arrival": arrival.isoformat(),
            "departure": departure.isoformat(), "status": status}
    record = _record(key_order, core, extra)
    return booking_from_record(record, arrival, departure), record


def room_params(room: Room, record: Record) -> Row:
    extra = {k: v for k, v in record.items() if k not in ROOM_CORE}
    return room.status.value, room.type, json.dumps(extra, ensure_ascii=False), list(record)


def booking_params(booking: Booking, record: Record) -> Row:
    extra = {k: v for k, v in record.items() if k not in BOOKING_CORE}
    return (booking.room, booking.guest, booking.arrival, booking.departure, booking.status.value,
            json.dumps(extra, ensure_ascii=False), list(record))


class PgRooms(Rooms):
    """Rooms read on demand; after `replace_all`, the new rooms held in memory (`listed`)."""

    def __init__(self, uow: PgUnitOfWork, listed: list[Room] | None = None) -> None:
        super().__init__()
        self.uow = uow
        self.listed = listed
        self.known: dict[str, Room] = {room.number: room for room in listed or []}

    def _adopt(self, read: tuple[Room, Record]) -> Room:
        room, record = read
        if room.number not in self.known:
            self.known[room.number] = room
            self.as_read[room.number] = record
        return self.known[room.number]

    def get(self, number: str) -> Room | None:
        if number in self.known or number in self.removed or self.listed is not None:
            return self.known.get(number)
        row = self.uow.query_one("SELECT number, status, type, extra, key_order FROM rooms "
                                 "WHERE hotel_id = %s AND number = %s", [number])
        return self._adopt(room_from_row(row)) if row else None

    def all(self) -> list[Room]:
        if self.listed is None:
            rows = self.uow.query("SELECT number, status, type, extra, key_order FROM rooms "
                                  "WHERE hotel_id = %s ORDER BY pos")
            self.listed = [self._adopt(room_from_row(row)) for row in rows if row[0] not in self.removed]
            self.listed += self.added.values()
        return self.listed

    def _place(self, room: Room) -> None:
        self.known[room.number] = room
        if self.listed is not None:
            self.listed.append(room)

    def _drop(self, room: Room) -> None:
        self.known.pop(room.number, None)
        if self.listed is not None:
            self.listed.remove(room)


class PgBookings(Bookings):
    """Bookings read by query and kept in an identity map, each with its file position so that
    changed and new ones are listed in file order; after `replace_all`, the new bookings held
    in memory (`local`), the stored ones no longer read."""

    def __init__(self, uow: PgUnitOfWork, id_mark: int, local: list[Booking] | None = None) -> None:
        super().__init__(id_mark)
        self.uow = uow
        self.local = local
        self.known: dict[str, Booking] = {b.id: b for b in local or []}
        self.pos: dict[str, int] = {}
        self._new_pos = NEW_POSITION
        self._read: dict[tuple[Any, ...], list[Booking]] = {}

    def _select(self, where: str, params: list[Any] | None = None) -> list[Booking]:
        """Rows matching `where` as stored, plus this transaction's changed and new bookings
        (callers filter again in Python: a booking changed here may no longer match)."""
        if self.local is not None:
            return list(self.local)
        key = (where, tuple(params or ()))
        if key not in self._read:  # the property is locked (or a snapshot): rows read stay true
            rows = self.uow.query(f"SELECT {BOOKING_COLUMNS}, pos FROM bookings WHERE hotel_id = %s AND {where} "
                                  f"ORDER BY pos", params)
            found = []
            for row in rows:
                booking = self.known.get(row[0])
                if booking is None:
                    booking, self.as_read[row[0]] = booking_from_row(row[:-1])
                    self.known[row[0]] = booking
                self.pos.setdefault(booking.id, row[-1])
                found.append(booking)
            self._read[key] = found
        seen = {id(b) for b in self._read[key]}
        extra = [b for b in [*self.changed.values(), *self.added.values()] if id(b) not in seen]
        chosen = [b for b in self._read[key] + extra if b.id not in self.removed]
        return sorted(chosen, key=lambda b: self.pos[b.id]) if extra else chosen

    def get(self, booking_id: str) -> Booking | None:
        if booking_id in self.removed:
            return None
        if booking_id in self.known or self.local is not None:
            return self.known.get(booking_id)
        found = [b for b in self._select("id = %s", [booking_id]) if b.id == booking_id]
        return found[0] if found else None

    def all(self) -> list[Booking]:
        return self._select("true")

    def for_room(self, number: str) -> list[Booking]:
        return [b for b in self._select("room = %s", [number]) if b.room == number]

    def active(self) -> list[Booking]:
        return [b for b in self._select(ACTIVE_SQL) if b.is_active]

    def active_in(self, number: str) -> list[Booking]:
        return [b for b in self._select(f"room = %s AND {ACTIVE_SQL}", [number]) if b.room == number and b.is_active]

    def touching(self, first: date, last: date) -> list[Booking]:
        return [b for b in self._select(f"({ACTIVE_SQL} OR (arrival <= %s AND departure >= %s))", [last, first])
                if b.is_active or (b.arrival <= last and b.departure >= first)]

    def highest_held(self) -> int:
        if self.local is not None:
            return max((booking_number(b.id) for b in self.local), default=0)
        row = self.uow.query_one("SELECT max(substring(id from '^B-([0-9]+)$')::numeric) FROM bookings "
                                 "WHERE hotel_id = %s")
        stored = int(row[0]) if row and row[0] is not None else 0
        return max(stored, *(booking_number(b) for b in self.added), 0)

    def _next_free(self, mark: int) -> int:
        while True:
            mark += 1
            candidate = format_booking_id(mark)
            if candidate in self.known:
                continue
            if self.uow.query_one("SELECT 1 FROM bookings WHERE hotel_id = %s AND id = %s", [candidate]) is None:
                return mark

    def _place(self, booking: Booking) -> None:
        self.known[booking.id] = booking
        self.pos[booking.id] = self._new_pos
        self._new_pos += 1
        if self.local is not None:
            self.local.append(booking)

    def _update(self, booking: Booking) -> None:
        """Nothing to do: the identity map holds the object, `changed` (the base) the fact."""

    def _drop(self, booking: Booking) -> None:
        self.known.pop(booking.id, None)
        if self.local is not None:
            self.local.remove(booking)


class PgUnitOfWork(UnitOfWork):
    """One command's transaction on one property of a PostgreSQL database."""

    rooms: PgRooms
    bookings: PgBookings

    def __init__(self, url: str, hotel: str, lock_timeout: float = 10.0, *, create: bool = False,
                 read_only: bool = False) -> None:
        super().__init__(read_only=read_only)
        self.url, self.hotel, self.lock_timeout = url, hotel, lock_timeout
        self.create = create
        self.conn: Any = None
        self.mark_read = 0
        self._exists = False

    @property
    def location(self) -> str:
        return f"{without_password(self.url)} (hotel {self.hotel})"

    def query(self, sql: str, params: list[Any] | None = None) -> list[Row]:
        return cast(list[Row], self._run(sql, params).fetchall())

    def query_one(self, sql: str, params: list[Any] | None = None) -> Row | None:
        return cast(Row | None, self._run(sql, params).fetchone())

    def _run(self, sql: str, params: list[Any] | None) -> Any:
        import psycopg

        try:
            return self.conn.execute(sql, [self.hotel, *(params or [])])
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(f"lost the connection to PostgreSQL at {describe_target(self.url)}: "
                                   f"{str(exc).strip()}; nothing was changed") from None

    def __enter__(self) -> Self:
        import psycopg

        kwargs: dict[str, Any] = {"application_name": "roomsync"}
        if "connect_timeout" not in self.url:
            kwargs["connect_timeout"] = 5
        try:
            self.conn = psycopg.connect(self.url, **kwargs)
        except psycopg.Error as exc:
            reason = " ".join(line.strip() for line in str(exc).splitlines() if line.strip()) or type(exc).__name__
            raise StoreUnavailable(f"cannot connect to PostgreSQL at {describe_target(self.url)}: {reason}") from None
        try:
            self._begin(psycopg)
        except BaseException:
            self._close()
            raise
        self.rooms = PgRooms(self)
        self.bookings = PgBookings(self, self.mark_read)
        return self

    def _begin(self, psycopg: Any) -> None:
        try:
            self._upgrade_older_schema()
            if self.read_only:
                self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            if self.create:
                pg_schema.migrate(self.conn, self.location, self.hotel)
                created = self.conn.execute("INSERT INTO hotels (id) VALUES (%s) ON CONFLICT DO NOTHING RETURNING id",
                                            [self.hotel]).fetchone()
                self._exists = created is None
            else:
                pg_schema.check_version(pg_schema.schema_version(self.conn), self.location, self.hotel)
            lock = "" if self.read_only else " FOR UPDATE"
            self.conn.execute("SELECT set_config('lock_timeout', %s, true)", [f"{self.lock_timeout * 1000:.0f}ms"])
            row = self.conn.execute(f"SELECT last_booking_no FROM hotels WHERE id = %s{lock}", [self.hotel]).fetchone()
        except psycopg.errors.LockNotAvailable:
            raise LockTimeout(f"{self.location}: another roomsync command is writing to this hotel; try again, "
                              f"or wait longer with --lock-timeout") from None
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(f"lost the connection to PostgreSQL at {describe_target(self.url)}: "
                                   f"{str(exc).strip()}") from None
        if row is None:
            raise DataInvalid(f"{self.location}: no hotel {self.hotel!r} in this database; create it with "
                              f"'roomsync init --store URL --hotel {self.hotel}'")
        if not self.create:
            self._exists = True  # the property's row is there
        self.mark_read = row[0]

    def _upgrade_older_schema(self) -> None:
        """A database of an older roomsync is brought up to date in a transaction of its own
        (any command may be the first after an upgrade, a read-only one included)."""
        version = pg_schema.schema_version(self.conn)
        if version is not None and 0 < version < pg_schema.SCHEMA_VERSION:
            pg_schema.migrate(self.conn, self.location, self.hotel)
            self.conn.commit()
        else:
            self.conn.rollback()

    def __exit__(self, *exc_info: object) -> None:
        self._close()

    def _close(self) -> None:
        if self.conn is not None:
            import psycopg

            with contextlib.suppress(psycopg.Error):  # a dropped connection has nothing to roll back
                self.conn.rollback()
                self.conn.close()
            self.conn = None

    def exists(self) -> bool:
        return self._exists

    def _open_channels(self) -> PgChannels:
        return PgChannels.read(self)

    def fetch_state(self) -> dict[str, dict[str, Any]]:
        return read_fetch_state(self)

    def store_fetch_state(self, state: dict[str, dict[str, Any]]) -> None:
        if not self.read_only:
            write_fetch_state(self, state)

    def _stored_counts(self) -> tuple[int, int]:
        row = self.query_one("SELECT (SELECT count(*) FROM rooms WHERE hotel_id = %s), "
                             "(SELECT count(*) FROM bookings WHERE hotel_id = %s)", [self.hotel])
        assert row is not None
        return row[0], row[1]

    def _hold_only(self, rooms: list[Room], bookings: list[Booking]) -> None:
        self.rooms = PgRooms(self, rooms)
        self.bookings = PgBookings(self, self.bookings.id_mark, bookings)

    def _trail_is_empty(self) -> bool:
        return self.query_one("SELECT 1 FROM audit WHERE hotel_id = %s LIMIT 1") is None

    def history(self) -> list[Entry]:
        return [row[0] for row in self.query("SELECT entry FROM audit WHERE hotel_id = %s ORDER BY seq")]

    def _write(self, entry: Entry) -> None:
        """Flush and COMMIT; the constraints' refusals become `Refused`, a lost COMMIT is
        looked up by the entry's commit id."""
        import psycopg

        commit_id = entry["commit"]
        try:
            self._flush(entry, commit_id)
        except psycopg.errors.ExclusionViolation:
            raise Refused("DOUBLE_BOOKING", "The database refused the change: it would double-book a room "
                                            "(constraint no_double_booking); run 'roomsync validate'.") from None
        except psycopg.errors.CheckViolation as exc:
            name = getattr(exc.diag, "constraint_name", None) or "a check"
            raise Refused("INVALID_DATES", f"The database refused the change ({name}): an active stay needs "
                                           f"at least one night.") from None
        except psycopg.OperationalError as exc:
            raise WriteFailed(f"lost the connection to PostgreSQL before the commit ({str(exc).strip()}); "
                              f"nothing was changed") from None
        try:
            self.conn.commit()
        except psycopg.OperationalError:
            if not self._was_committed(commit_id):
                raise WriteFailed("the connection to PostgreSQL was lost during the commit, and the change "
                                  "is not in the database; nothing was changed") from None
            return
        if self._replaced is not None:
            self._refresh_statistics()

    def _refresh_statistics(self) -> None:
        """After a bulk load (`init --force`, `import`): until the planner's statistics know the
        new rows it may scan a property's whole history for a lookup by id (measured: 0.3 s at a
        million bookings, against 0.1 ms). Autovacuum would catch up within a minute. The commit
        has happened: a failure here only leaves that to autovacuum."""
        import psycopg

        try:
            self.conn.execute("ANALYZE rooms, bookings")
            self.conn.commit()
        except psycopg.Error:
            with contextlib.suppress(psycopg.Error):
                self.conn.rollback()

    def _was_committed(self, commit_id: str) -> bool:
        """After a lost COMMIT: wait for the property lock, then look for the audit row."""
        with PgUnitOfWork(self.url, self.hotel, max(self.lock_timeout, 30.0)) as check:
            return check.query_one("SELECT 1 FROM audit WHERE hotel_id = %s AND commit_id = %s",
                                   [commit_id]) is not None

    def _flush(self, entry: Entry, commit_id: str) -> None:
        cur = self.conn.cursor()
        h = self.hotel
        if self._replaced is not None:
            cur.execute("DELETE FROM bookings WHERE hotel_id = %s", [h])
            cur.execute("DELETE FROM rooms WHERE hotel_id = %s", [h])
            with cur.copy("COPY rooms (hotel_id, number, pos, status, type, extra, key_order) FROM STDIN") as copy:
                for pos, room in enumerate(self.rooms.all(), start=1):
                    copy.write_row((h, room.number, pos, *room_params(room, self.rooms.stored(room))))
            self._copy_bookings(cur, self.bookings.all(), start=0)
        else:
            cur.executemany("DELETE FROM rooms WHERE hotel_id = %s AND number = %s",
                            [(h, number) for number in self.rooms.removed])
            cur.executemany("UPDATE rooms SET status = %s, type = %s, extra = %s, key_order = %s "
                            "WHERE hotel_id = %s AND number = %s",
                            [(*room_params(r, self.rooms.stored(r)), h, r.number) for r, _ in self.rooms.saved.values()
                             if r.number not in self.rooms.added])
            if self.rooms.added:
                last = cur.execute("SELECT coalesce(max(pos), 0) FROM rooms WHERE hotel_id = %s", [h]).fetchone()
                cur.executemany("INSERT INTO rooms (hotel_id, number, pos, status, type, extra, key_order) "
                                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                                [(h, r.number, pos, *room_params(r, self.rooms.stored(r)))
                                 for pos, r in enumerate(self.rooms.added.values(), start=(last or [0])[0] + 1)])
            cur.executemany("DELETE FROM bookings WHERE hotel_id = %s AND id = %s",
                            [(h, b) for b in self.bookings.removed])
            cur.executemany("UPDATE bookings SET room = %s, guest = %s, arrival = %s, departure = %s, status = %s, "
                            "extra = %s, key_order = %s WHERE hotel_id = %s AND id = %s",
                            [(*booking_params(b, self.bookings.stored(b)), h, b.id)
                             for b in self.bookings.changed.values()])
            if self.bookings.added:
                start = cur.execute("SELECT coalesce(max(pos), 0) FROM bookings WHERE hotel_id = %s", [h]).fetchone()[0]
                self._copy_bookings(cur, list(self.bookings.added.values()), start)
        if self._channels is not None:
            cast(PgChannels, self._channels).flush(cur, h)
        for old in self._adopted:
            cur.execute("INSERT INTO audit (hotel_id, entry) VALUES (%s, %s)", [h, json.dumps(old, ensure_ascii=False)])
        if self.bookings.id_mark != self.mark_read:
            cur.execute("UPDATE hotels SET last_booking_no = greatest(last_booking_no, %s) WHERE id = %s",
                        [self.bookings.id_mark, h])
        cur.execute("INSERT INTO audit (hotel_id, commit_id, entry) VALUES (%s, %s, %s)",
                    [h, commit_id, json.dumps(entry, ensure_ascii=False)])

    def _copy_bookings(self, cur: Any, bookings: list[Booking], start: int) -> None:
        """Append bookings after position `start`, in their order (COPY: fast for a whole hotel)."""
        with cur.copy("COPY bookings (hotel_id, id, pos, room, guest, arrival, departure, status, extra, key_order)"
                      " FROM STDIN") as copy:
            for pos, booking in enumerate(bookings, start=start + 1):
                copy.write_row((self.hotel, booking.id, pos, *booking_params(booking, self.bookings.stored(booking))))
