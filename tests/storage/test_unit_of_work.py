"""The store contract (contract_uow.py) on each store: the JSON store in a temp directory,
PostgreSQL on the throwaway server (one fresh property per test), and the in-memory fake."""

from __future__ import annotations

import copy
import errno
import json
from pathlib import Path
from typing import Any

import pytest
from fakes import FakeStore, FakeUnitOfWork

from roomsync.errors import WriteFailed
from roomsync.storage import atomic
from roomsync.storage.json_store import JsonUnitOfWork
from roomsync.storage.records import dump_records

from .conftest import connect
from .contract_channels import ChannelContract
from .contract_uow import Opener, UnitOfWorkContract


class TestJsonUnitOfWork(UnitOfWorkContract, ChannelContract):
    @pytest.fixture
    def opener(self, tmp_path: Path) -> Opener:
        self.data = tmp_path / "data"

        def open_(*, create: bool = False, read_only: bool = False) -> JsonUnitOfWork:
            return JsonUnitOfWork(self.data, create=create, read_only=read_only)
        return open_

    def add_by_hand(self, record: dict[str, Any]) -> None:
        path = self.data / "bookings.json"
        path.write_bytes(dump_records([*json.loads(path.read_bytes()), record]))

    def break_the_next_write(self) -> None:
        """Both data files are replaced, then the audit line (the commit point) cannot be written."""
        def disk_full(*args: Any) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.monkeypatch.setattr(atomic, "_append_audit", disk_full)


class TestPostgresUnitOfWork(UnitOfWorkContract, ChannelContract):
    guards_overlaps = True

    @pytest.fixture
    def opener(self, pg_url: str, hotel_code: str) -> Opener:
        from roomsync.storage.postgres import PgUnitOfWork

        self.url, self.code = pg_url, hotel_code

        def open_(*, create: bool = False, read_only: bool = False) -> PgUnitOfWork:
            return PgUnitOfWork(pg_url, hotel_code, create=create, read_only=read_only)
        return open_

    def add_by_hand(self, record: dict[str, Any]) -> None:
        """As a clerk would in psql (taking the property's lock first)."""
        with connect(self.url, autocommit=False) as conn:
            conn.execute("SELECT 1 FROM hotels WHERE id = %s FOR UPDATE", [self.code])
            conn.execute("INSERT INTO bookings (hotel_id, id, pos, room, guest, arrival, departure, status, extra, "
                         "key_order) SELECT %s, %s, coalesce(max(pos), 0) + 1, %s, %s, %s, %s, %s, '{}', %s "
                         "FROM bookings WHERE hotel_id = %s",
                         [self.code, record["id"], record["room"], record["guest"], record["arrival"],
                          record["departure"], record["status"], list(record), self.code])
            conn.commit()

    def break_the_next_write(self) -> None:
        """Every row is written inside the transaction, then the connection fails before COMMIT."""
        import psycopg

        from roomsync.storage.postgres import PgUnitOfWork

        flush = PgUnitOfWork._flush

        def flush_then_fail(uow: PgUnitOfWork, *args: Any) -> None:
            flush(uow, *args)
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        self.monkeypatch.setattr(PgUnitOfWork, "_flush", flush_then_fail)


class TestFakeUnitOfWork(UnitOfWorkContract, ChannelContract):
    @pytest.fixture
    def opener(self) -> Opener:
        self.store = FakeStore()

        def open_(*, create: bool = False, read_only: bool = False) -> FakeUnitOfWork:
            return FakeUnitOfWork(store=self.store, create=create, read_only=read_only)
        return open_

    def add_by_hand(self, record: dict[str, Any]) -> None:
        self.store.bookings.append(copy.deepcopy(record))

    def break_the_next_write(self) -> None:
        """The fake builds every record before it changes its store: fail just after that
        (its first copy), then copy as usual (leaving the unit of work copies again)."""
        deepcopy, calls = copy.deepcopy, []

        def fail_once(*args: Any, **kwargs: Any) -> Any:
            if not calls:
                calls.append(1)
                raise WriteFailed("memory: cannot write; nothing was changed")
            return deepcopy(*args, **kwargs)
        self.monkeypatch.setattr(copy, "deepcopy", fail_once)
