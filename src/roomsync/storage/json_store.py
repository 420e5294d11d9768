"""The JSON store: a data directory with rooms.json, bookings.json and audit.jsonl.

Entering a unit of work checks the data directory is one, takes `DATA_DIR/.roomsync.lock`
(`lock.py`: exclusive for a writer, shared for a read-only unit), recovers an interrupted
commit (`atomic.recover`), then loads and validates both files, remembering each file's
identity (`files.py`). `commit()` writes only the files whose records changed, through
`atomic.commit`, which refuses with CONCURRENT_EDIT when a file changed since it was read.

**What roomsync wrote is not checked again** (git's index idea). The audit line, the commit
point, also seals each data file the commit leaves validated (`seals.py`: size and digest of
its bytes). Entering a unit of work reads that line anyway (the id mark): no extra file, fsync
or read, and no state file that could disagree with the commit after a crash. A file whose
bytes match its seal is parsed only (`records.load_*(sealed=True)`); any other is checked in
full. The digest is the one every read takes for the concurrent-edit check. No timestamp is
trusted: a file roomsync has just renamed into place is always "racily clean" in git's sense,
so the digest settles every case -- an in-place edit that keeps size and mtime (os.utime)
changes it; a byte-identical copy (a backup put back, `git checkout` of the same content)
matches, harmlessly; an older copy roomsync once wrote has other bytes and is checked in full
(it passes; the audit's id mark still keeps its ids from being issued twice).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import Any

from roomsync.domain.model import ACTIVE, Booking, Room
from roomsync.errors import ConcurrentEdit, DataInvalid, WriteFailed
from roomsync.storage import atomic, files, seals
from roomsync.storage.audit import Entry, current_user
from roomsync.storage.base import (
    Bookings,
    Rooms,
    UnitOfWork,
    booking_number,
    format_booking_id,
)
from roomsync.storage.json_channels import (
    CACHE_FILE,
    CHANNELS_FILE,
    JsonChannels,
    parse_channels,
    read_cache,
    write_cache,
)
from roomsync.storage.lock import HotelLock
from roomsync.storage.mapping import Record
from roomsync.storage.records import dump, dump_records, load_bookings, load_rooms

ROOMS_FILE = "rooms.json"
BOOKINGS_FILE = "bookings.json"
AUDIT_FILE = "audit.jsonl"
LOCK_FILE = ".roomsync.lock"
AUDIT_ADVICE = "move it aside (roomsync starts a new audit trail)"


class JsonRooms(Rooms):
    def __init__(self, rooms: list[Room], records: list[Record] | None = None) -> None:
        super().__init__()
        self.list = rooms
        self._by_number = {room.number: room for room in rooms}
        if records is not None:
            self.as_read = {room.number: record for room, record in zip(rooms, records, strict=True)}

    def get(self, number: str) -> Room | None:
        return self._by_number.get(number)

    def all(self) -> list[Room]:
        return self.list

    def _place(self, room: Room) -> None:
        self.list.append(room)
        self._by_number[room.number] = room

    def _drop(self, room: Room) -> None:
        self.list.remove(room)
        del self._by_number[room.number]


class JsonBookings(Bookings):
    """The bookings as loaded; the indexes by id and by room are built on first use only."""

    def __init__(self, bookings: list[Booking], id_mark: int, records: list[Record] | None = None) -> None:
        super().__init__(id_mark)
        self.list = bookings
        if records is not None:
            self.as_read = dict(zip(map(attrgetter("id"), bookings), records, strict=True))
        self._by_id: dict[str, Booking] | None = None
        self._by_room: dict[str, list[Booking]] | None = None
        self._active_by_room: dict[str, list[Booking]] | None = None
        self._highest: int | None = None

    def _ids(self) -> dict[str, Booking]:
        if self._by_id is None:
            self._by_id = {booking.id: booking for booking in self.list}
        return self._by_id

    def _rooms(self) -> dict[str, list[Booking]]:
        if self._by_room is None:
            self._by_room = {}
            for booking in self.list:
                self._by_room.setdefault(booking.room, []).append(booking)
        return self._by_room

    def _active_rooms(self) -> dict[str, list[Booking]]:
        """Active bookings by room: one pass that keeps only the few active ones."""
        if self._active_by_room is None:
            self._active_by_room = {}
            for booking in self.list:
                if booking.status in ACTIVE:
                    self._active_by_room.setdefault(booking.room, []).append(booking)
        return self._active_by_room

    def get(self, booking_id: str) -> Booking | None:
        return self._ids().get(booking_id)

    def all(self) -> list[Booking]:
        return self.list

    def for_room(self, number: str) -> list[Booking]:
        return [b for b in self._rooms().get(number, []) if b.room == number]

    def active(self) -> list[Booking]:
        return [b for b in self.list if b.is_active]

    def active_in(self, number: str) -> list[Booking]:
        return [b for b in self._active_rooms().get(number, []) if b.room == number and b.is_active]

    def touching(self, first: date, last: date) -> list[Booking]:
        return [b for b in self.list if b.is_active or (b.arrival <= last and b.departure >= first)]

    def highest_held(self) -> int:
        """One scan of the file's ids on first use (a hand-added booking may hold any number)."""
        if self._highest is None:
            self._highest = max((booking_number(b.id) for b in self.list), default=0)
        return self._highest

    def _next_free(self, mark: int) -> int:
        return max(mark, self.highest_held()) + 1

    def _place(self, booking: Booking) -> None:
        self.list.append(booking)
        if self._highest is not None:
            self._highest = max(self._highest, booking_number(booking.id))
        if self._by_id is not None:
            self._by_id[booking.id] = booking
        for index in (self._by_room, self._active_by_room):
            if index is not None:
                index.setdefault(booking.room, []).append(booking)

    def _update(self, booking: Booking) -> None:
        for index in (self._by_room, self._active_by_room):
            if index is None:
                continue
            own = index.setdefault(booking.room, [])
            if booking not in own:  # moved to another room, or active again: keep file order
                own.append(booking)
                order = {id(b): i for i, b in enumerate(self.list)}
                own.sort(key=lambda b: order.get(id(b), len(order)))

    def _drop(self, booking: Booking) -> None:
        self.list.remove(booking)
        if self._by_id is not None:
            del self._by_id[booking.id]
        for index in (self._by_room, self._active_by_room):
            if index is not None and booking in index.get(booking.room, []):
                index[booking.room].remove(booking)


class JsonUnitOfWork(UnitOfWork):
    """One command's locked view of a data directory.

    `read_only` units take the lock shared (readers run side by side) and never commit.
    A `channels_only` unit is a read-only one that reads no room or booking (its repositories
    are empty): `sync` reads its channels and the fetch cache so before fetching.
    `command` names the holder in the lock file for others who wait; `on_wait(holder)` is
    called once after about a second of waiting, so a terminal can say who holds the lock.
    After a commit of `replace_all`, `kept` names the copies kept of the replaced pair (the
    audit entry's `replaced`).
    """

    rooms: JsonRooms
    bookings: JsonBookings

    def __init__(self, data_dir: Path | str, lock_timeout: float = 10.0, *, create: bool = False,
                 read_only: bool = False, command: Sequence[str] = (),
                 on_wait: Callable[[str], None] | None = None, channels_only: bool = False) -> None:
        super().__init__(read_only=read_only or channels_only)
        self.channels_only = channels_only
        self.data_dir = Path(data_dir)
        self.lock_timeout = lock_timeout
        self.create = create
        self.command = command
        self.on_wait = on_wait
        self._lock: HotelLock | None = None
        self._exists = False
        self._seen: dict[Path, files.Identity | None] = {}  # each data file as read (None: missing)
        self._checked: set[Path] = set()  # data files validated in this unit whose seal may be written
        self._last: dict[str, Any] = {}  # the last audit entry: id mark and seals
        self.kept: list[str] = []

    @property
    def location(self) -> str:
        return str(self.data_dir)

    @property
    def rooms_path(self) -> Path:
        return self.data_dir / ROOMS_FILE

    @property
    def bookings_path(self) -> Path:
        return self.data_dir / BOOKINGS_FILE

    @property
    def audit_path(self) -> Path:
        return self.data_dir / AUDIT_FILE

    @property
    def channels_path(self) -> Path:
        return self.data_dir / CHANNELS_FILE

    def __enter__(self) -> JsonUnitOfWork:
        if not files.check_directory(self.data_dir):
            if not self.create:
                raise DataInvalid(
                    f"{self.data_dir}: no such data directory; create a hotel with 'roomsync init' "
                    f"(or point --data-dir / ROOMSYNC_DATA_DIR at one)")
            try:
                self.data_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise WriteFailed(f"{self.data_dir}: cannot create the data directory: {exc.strerror}") from None
        self._lock = HotelLock(
            self.data_dir / LOCK_FILE, lambda: files.team_of(self.data_dir, [self.rooms_path, self.bookings_path]),
            shared=self.read_only, timeout=self.lock_timeout, command=self.command, user=current_user(),
            on_wait=self.on_wait)
        try:
            self._lock.acquire()
            self._recover()
            self._load()
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def _recover(self) -> None:
        """Complete or undo an interrupted commit; a reader takes the lock exclusive for that,
        and one that may not write stops (it cannot, and must not read half a commit)."""
        data_files = [self.rooms_path, self.bookings_path, self.channels_path]
        if not self.read_only or not atomic.pending(self.data_dir):
            atomic.recover(self.data_dir, data_files)
            return
        journal = self.data_dir / atomic.JOURNAL
        cannot = DataInvalid(
            f"{journal}: an interrupted commit must be completed first, and this account cannot write "
            f"in {self.data_dir}; run a command with write access there (e.g. 'roomsync validate')")
        assert self._lock is not None
        if self._lock.fd is None or not os.access(self.data_dir, os.W_OK):
            raise cannot
        self._lock.exclusive()
        try:
            atomic.recover(self.data_dir, data_files)
        except WriteFailed:
            raise cannot from None
        self._lock.downgrade()

    def _read(self, path: Path) -> bytes | None:
        """A data file's bytes (None: missing), its identity remembered for the commit's check."""
        found = files.read_regular(path, "move it aside and put the hotel's file back")
        if found is None:
            self._seen[path] = None
            return None
        data, self._seen[path] = found
        return data

    def _load(self) -> None:
        self._last = self._last_entry()
        if self.channels_only:  # `sync`'s first look: channels and the fetch cache, not the hotel
            self.rooms, self.bookings = JsonRooms([]), JsonBookings([], 0)
            self._exists = os.path.lexists(self.rooms_path)
            if not self._exists:
                raise DataInvalid(f"{ROOMS_FILE}: missing in {self.data_dir}; create a hotel with 'roomsync init'")
            return
        self.rooms, self.bookings = JsonRooms([]), JsonBookings([], self._id_mark())
        rooms_data = self._read(self.rooms_path)
        bookings_data = self._read(self.bookings_path)
        self._exists = rooms_data is not None or bookings_data is not None
        if rooms_data is None and not self.create:
            raise DataInvalid(
                f"{ROOMS_FILE}: missing in {self.data_dir}; create a hotel with 'roomsync init'")
        mark = self.bookings.id_mark
        if bookings_data is None and mark > 0 and not self.create:
            raise DataInvalid(
                f"{BOOKINGS_FILE}: missing in {self.data_dir}, but {AUDIT_FILE} records {mark} booking id(s) "
                f"issued (up to {format_booking_id(mark)}): restore {BOOKINGS_FILE} from a backup, or create "
                f"it holding [] to start over with no bookings")
        sealed = seals.seals_of(self._last)
        try:
            rooms = bookings = None
            if rooms_data is not None:
                rooms = load_rooms(rooms_data, ROOMS_FILE, sealed=self._sealed(sealed, self.rooms_path))
            if bookings_data is not None:
                bookings = load_bookings(bookings_data, BOOKINGS_FILE,
                                         sealed=self._sealed(sealed, self.bookings_path))
        except DataInvalid:
            if not self.create:
                raise
            return  # `init --force` may replace a hotel whose files no longer load
        for path, loaded in ((self.rooms_path, rooms), (self.bookings_path, bookings)):
            if loaded is not None and loaded.exact:
                self._checked.add(path)
        self.rooms = JsonRooms(rooms.items, rooms.records) if rooms is not None else JsonRooms([])
        self.bookings = (JsonBookings(bookings.items, self.bookings.id_mark, bookings.records) if bookings is not None
                         else JsonBookings([], self.bookings.id_mark))

    def _sealed(self, sealed: dict[str, dict[str, Any]], path: Path) -> bool:
        """Whether the file was read as exactly the bytes the last commit sealed."""
        return seals.matches(sealed.get(path.name), self._seen.get(path))

    def exists(self) -> bool:
        return self._exists

    def _open_channels(self) -> JsonChannels:
        """`channels.json` as committed, read (and checked) on first use; missing: no channel."""
        data = self._read(self.channels_path)
        if data is None:
            return JsonChannels([])
        try:
            return JsonChannels(*parse_channels(data, CHANNELS_FILE))
        except DataInvalid:
            if not self.create:
                raise
            return JsonChannels([])  # `init --force` / `import` may replace a file that no longer loads

    def fetch_state(self) -> dict[str, dict[str, Any]]:
        return read_cache(self.data_dir / CACHE_FILE)

    def store_fetch_state(self, state: dict[str, dict[str, Any]]) -> None:
        if self.read_only:
            return
        write_cache(self.data_dir / CACHE_FILE, state)

    def _stored_counts(self) -> tuple[int, int]:
        return len(self.rooms.list), len(self.bookings.list)

    def _hold_only(self, rooms: list[Room], bookings: list[Booking]) -> None:
        self.rooms = JsonRooms(rooms)
        self.bookings = JsonBookings(bookings, self.bookings.id_mark)

    def _trail_is_empty(self) -> bool:
        return not self.audit_path.exists() or self.audit_path.stat().st_size == 0

    def _write(self, entry: Entry) -> None:
        """Rewrite only the files whose records changed (both for a replaced hotel, whose old
        pair is kept as `*.replaced-STAMP`), then append the adopted trail and the entry,
        through `atomic.commit`'s one commit point; refuse (CONCURRENT_EDIT) when a data file
        was changed by someone else since this unit of work read it."""
        replaced = self._replaced is not None
        rooms_changed = replaced or any("room" in change for change in entry["changes"])
        bookings_changed = replaced or any("booking" in change for change in entry["changes"])
        changes = []
        exact: dict[Path, bool] = {}
        if rooms_changed:
            touched_rooms = self.rooms.saved.keys() | self.rooms.added.keys()
            records = [self.rooms.stored(room) if replaced or room.number in touched_rooms
                       else self.rooms.as_read[room.number] for room in self.rooms.list]
            content, exact[self.rooms_path] = dump(records)
            changes.append(atomic.Change(self.rooms_path, content))
        if bookings_changed:
            touched = self.bookings.changed.keys() | self.bookings.added.keys()
            records = [self.bookings.stored(b) if replaced or b.id in touched else self.bookings.as_read[b.id]
                       for b in self.bookings.list]
            content, exact[self.bookings_path] = dump(records)
            changes.append(atomic.Change(self.bookings_path, content))
        if self._channels is not None and any("channel" in change for change in entry["changes"]):
            records = [self._channels.stored(channel) for channel in self._channels.all()]
            changes.append(atomic.Change(self.channels_path, dump_records(records)))
        keep = self._keep(entry)
        adopted = [json.dumps(e, ensure_ascii=False) for e in self._adopted]
        paths = [change.path for change in changes]
        written: dict[Path, files.Identity] = {}

        def audit_lines() -> str:
            """The adopted trail and the entry, sealed with the files as they now stand (called
            once the new files are in place, just before the audit line is appended)."""
            for change in changes:
                written[change.path] = files.written(change.path, change.content)
            return "\n".join([*adopted, json.dumps({**entry, seals.KEY: self._seals(written, exact)},
                                                   ensure_ascii=False)])

        atomic.commit(self.data_dir, changes, self.audit_path, audit_lines, entry["commit"], keep=keep,
                      check=lambda: self._check_unchanged(paths))
        self.kept = [k.path.name for k in keep]
        self._seen.update(written)
        self._checked = {path for path in self._checked if path not in exact} | {p for p, e in exact.items() if e}

    def _seals(self, written: dict[Path, files.Identity], exact: dict[Path, bool]) -> dict[str, Any]:
        """Seals of the files written (those orjson reads back exactly) and of those read,
        checked and left alone."""
        return seals.of([self.rooms_path, self.bookings_path], written, exact, self._seen, self._checked)

    def _check_unchanged(self, paths: list[Path]) -> None:
        for path in paths:
            if not files.unchanged(path, self._seen.get(path)):
                state = "was created" if self._seen.get(path) is None else "was changed"
                raise ConcurrentEdit(
                    f"{path}: {state} by another program (an editor?) while this command ran; nothing "
                    f"was written: run the command again")

    def _keep(self, entry: Entry) -> list[atomic.Keep]:
        """For `replace_all`: copies of the replaced data files, kept as `NAME.replaced-STAMP`
        (STAMP the commit's UTC time, YYYYMMDDTHHMMSSZ; `-2`, `-3`... within one second) and
        named in the audit entry's `replaced`, so `init --force` never loses a hotel."""
        if self._replaced is None:
            return []
        keep = atomic.kept_copies([self.rooms_path, self.bookings_path], str(entry["at"]))
        if keep:
            entry["replaced"] = [k.path.name for k in keep]
        return keep

    def history(self) -> list[dict[str, Any]]:
        fd = files.open_regular(self.audit_path, AUDIT_ADVICE)
        if fd is None:
            return []
        try:
            lines = files.read_all(fd).decode("utf-8", errors="replace").splitlines()
        except OSError as exc:
            raise DataInvalid(f"{AUDIT_FILE}: cannot be read: {exc.strerror}") from None
        finally:
            os.close(fd)
        entries = []
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict):
                entry.pop(seals.KEY, None)  # the store's own bookkeeping, not part of the trail
                entries.append(entry)
        return entries

    def _last_entry(self) -> dict[str, Any]:
        """The last audit line (empty when there is none, or it is no JSON object)."""
        last = files.last_line(self.audit_path, AUDIT_ADVICE)
        try:
            entry = json.loads(last) if last else {}
        except ValueError:
            return {}
        return entry if isinstance(entry, dict) else {}

    def _id_mark(self) -> int:
        """The highest booking number ever issued, from the last audit line (SPEC §1)."""
        mark = self._last.get("booking_id_mark", 0)
        return mark if isinstance(mark, int) else 0
