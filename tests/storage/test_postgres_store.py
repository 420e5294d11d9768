"""The store contract on the PostgreSQL store: one fresh property per test in the shared
database (SPEC §8 "Same product")."""

from __future__ import annotations

from typing import ClassVar

import pytest
from conftest import TODAY, run_cli

from .contract import StoreContract


class TestPostgresStore(StoreContract):
    init_keys: ClassVar[set[str]] = {"store", "hotel", "rooms", "bookings"}

    @pytest.fixture
    def args(self, pg_url: str, hotel_code: str) -> list[str]:
        selected = ["--store", pg_url, "--hotel", hotel_code]
        result = run_cli("init", "--sample", *selected, "--today", TODAY)
        assert result.code == 0, result.stderr
        return selected
