"""What only the PostgreSQL store has (SPEC §8): selecting it, its failures, its database-level
guarantees (exclusion constraint, per-property row lock, snapshots, changed rows only, the
commit id that settles a lost COMMIT), and moving a hotel to and from a data directory.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, Result, run_cli, shipped_data

from roomsync.storage.records import dump_records

from .conftest import (
    SESSION_PREFIX,
    Cluster,
    closed_port,
    connect,
    conninfo,
    make_url,
    shown,
    urlparts,
    with_password,
    with_port,
)
from .contract import (
    ADA,
    DONALD,
    KATHERINE,
    MARGARET,
    SAMPLE_IDS,
    by_key,
    d,
    overlapping_active,
)

SECRET = "Zz-s3cret-pw-9f2"


# ---------------------------------------------------------------------------- helpers


class Hotel:
    """One property of a PostgreSQL database, driven through the CLI and inspected in SQL."""

    def __init__(self, url: str, code: str) -> None:
        self.url, self.code = url, code

    @property
    def args(self) -> list[str]:
        return ["--store", self.url, "--hotel", self.code]

    def rs(self, *argv: str, today: str = TODAY, env: dict[str, str] | None = None) -> Result:
        return run_cli(*argv, *self.args, "--today", today, "--json", env=env)

    def ok(self, *argv: str, today: str = TODAY) -> Any:
        result = self.rs(*argv, today=today)
        assert result.code == 0, (argv, result.stdout, result.stderr)
        return result.json()

    def init(self, *options: str) -> Any:
        return self.ok("init", *options)

    def state(self) -> tuple[str, str, str]:
        return tuple(self.rs(c).stdout for c in ("rooms", "bookings", "history"))  # type: ignore[return-value]

    def bookings(self) -> dict[str, dict[str, Any]]:
        return by_key(self.ok("bookings"), "id")

    def history(self) -> list[dict[str, Any]]:
        return self.ok("history")

    def sql(self, query: str, params: list[Any] | None = None) -> list[tuple]:
        with connect(self.url) as conn:
            cur = conn.execute(query, params or [])
            return cur.fetchall() if cur.description else []

    def audit_rows(self) -> int:
        return self.sql("SELECT count(*) FROM audit WHERE hotel_id = %s", [self.code])[0][0]

    def insert_booking(self, booking_id: str, room: str, arrival: str, departure: str, status: str,
                       guest: str = "Typed In Psql") -> None:
        """A booking typed in by hand in psql (taking the property's lock first)."""
        with connect(self.url, autocommit=False) as conn:
            conn.execute("SELECT 1 FROM hotels WHERE id = %s FOR UPDATE", [self.code])
            pos = conn.execute("SELECT coalesce(max(pos), 0) + 1 FROM bookings WHERE hotel_id = %s",
                               [self.code]).fetchone()[0]
            conn.execute("INSERT INTO bookings (hotel_id, id, pos, room, guest, arrival, departure, status, extra, "
                         "key_order) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, '{}', "
                         "ARRAY['id','room','guest','arrival','departure','status'])",
                         [self.code, booking_id, pos, room, guest, arrival, departure, status])
            conn.commit()


@pytest.fixture
def hotel(pg_url: str, hotel_code: str) -> Hotel:
    """A fresh sample property (init --sample --today 2026-11-27) in the shared database."""
    made = Hotel(pg_url, hotel_code)
    made.init("--sample")
    return made


def new_code() -> str:
    return f"{SESSION_PREFIX}{uuid.uuid4().hex[:10]}"


def error_of(result: Result) -> dict[str, str]:
    return result.json()["error"]


def process_env() -> dict[str, str]:
    """The environment for a roomsync subprocess: no store, hotel, day or data dir inherited."""
    environment = dict(os.environ)
    for name in ("ROOMSYNC_TODAY", "ROOMSYNC_DATA_DIR", "ROOMSYNC_STORE", "ROOMSYNC_HOTEL"):
        environment.pop(name, None)
    return environment


# ---------------------------------------------------------------------------- selecting the store


def test_hotel_without_a_postgresql_store_is_a_usage_error(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run_cli("init", "--data-dir", str(data)).code == 0
    result = run_cli("rooms", "--data-dir", str(data), "--hotel", "east", "--json")
    assert result.code == 2
    assert error_of(result)["code"] == "USAGE"
    result = run_cli("rooms", "--data-dir", str(data), "--json", env={"ROOMSYNC_HOTEL": "east"})
    assert result.code == 2


@pytest.mark.parametrize("store", ["sqlite:///tmp/hotel.db", "mysql://root@localhost/hotel", "/tmp/data",
                                   "postgresqlx://host/db"])
def test_a_store_that_is_not_a_postgresql_url_is_a_usage_error(store: str, tmp_path: Path) -> None:
    result = run_cli("rooms", "--store", store, "--data-dir", str(tmp_path), "--json")
    assert result.code == 2
    assert error_of(result)["code"] == "USAGE"
    assert not any(tmp_path.iterdir()), "nothing was created"


def test_roomsync_store_and_hotel_variables_select_the_property(hotel: Hotel) -> None:
    result = run_cli("rooms", "--json", env={"ROOMSYNC_STORE": hotel.url, "ROOMSYNC_HOTEL": hotel.code})
    assert result.code == 0, result.stderr
    assert len(result.json()) == 15
    result = run_cli("rooms", "--json", "--store", hotel.url.replace("postgresql://", "postgres://", 1),
                     "--hotel", hotel.code)
    assert result.code == 0, result.stderr


def test_init_json_is_store_without_password_hotel_and_counts(pg_url: str, hotel_code: str) -> None:
    result = run_cli("init", "--sample", "--store", pg_url, "--hotel", hotel_code, "--today", TODAY, "--json")
    assert result.code == 0, result.stderr
    assert result.json() == {"store": shown(pg_url), "hotel": hotel_code, "rooms": 15, "bookings": 12}


def test_init_creates_the_versioned_schema_and_properties_share_it(scratch_db: str) -> None:
    east, west = Hotel(scratch_db, "east"), Hotel(scratch_db, "west")
    assert east.init("--sample")["rooms"] == 15
    assert east.sql("SELECT value FROM roomsync_meta WHERE key = 'schema_version'") == [("2",)]
    assert west.init()["rooms"] == 0
    assert west.ok("rooms") == []
    east.ok("checkin", "101")
    assert east.bookings()[KATHERINE]["status"] == "CheckedIn"
    assert west.ok("bookings") == [] and len(west.history()) == 1


# ---------------------------------------------------------------------------- missing, newer, unreachable


@pytest.mark.parametrize("argv", [("rooms",), ("validate",), ("checkin", "101"),
                                  ("book", "102", "--guest", "X", "--arrival", TODAY, "--nights", "1")])
def test_a_database_without_the_schema_is_data_invalid_suggesting_init(scratch_db: str, argv: tuple[str, ...]) -> None:
    result = Hotel(scratch_db, "east").rs(*argv)
    assert result.code == 3, result.stderr
    error = error_of(result)
    assert error["code"] == "DATA_INVALID"
    assert "roomsync init --store URL --hotel east" in error["message"]
    with connect(scratch_db) as conn:
        assert conn.execute("SELECT to_regclass('hotels')").fetchone()[0] is None, "no schema was created"


@pytest.mark.parametrize("argv", [("rooms",), ("history",), ("cancel", KATHERINE), ("reconcile", "--fix")])
def test_a_missing_property_is_data_invalid_suggesting_init(pg_url: str, hotel: Hotel,
                                                            argv: tuple[str, ...]) -> None:
    # `hotel` makes sure the schema exists: only the property is missing
    missing = Hotel(pg_url, new_code())
    result = missing.rs(*argv)
    assert result.code == 3
    error = error_of(result)
    assert error["code"] == "DATA_INVALID"
    assert f"roomsync init --store URL --hotel {missing.code}" in error["message"]
    assert missing.sql("SELECT count(*) FROM hotels WHERE id = %s", [missing.code]) == [(0,)]


def test_a_newer_schema_version_is_refused_with_data_invalid(scratch_db: str) -> None:
    east = Hotel(scratch_db, "east")
    east.init("--sample")
    east.sql("UPDATE roomsync_meta SET value = '99' WHERE key = 'schema_version'")
    for argv in [("rooms",), ("checkin", "101"), ("init", "--force")]:
        result = east.rs(*argv)
        assert result.code == 3, (argv, result.stderr)
        assert error_of(result)["code"] == "DATA_INVALID"
        assert "99" in error_of(result)["message"]
    result = Hotel(scratch_db, "west").rs("init")
    assert (result.code, error_of(result)["code"]) == (3, "DATA_INVALID")
    assert east.sql("SELECT status FROM bookings WHERE hotel_id = 'east' AND id = %s", [KATHERINE]) == [("Reserved",)]
    assert east.sql("SELECT count(*) FROM hotels") == [(1,)]


def test_a_version_1_schema_is_migrated_by_the_first_command_even_a_read_only_one(scratch_db: str) -> None:
    east = Hotel(scratch_db, "east")
    east.init("--sample")
    east.sql("DROP TABLE channel_fetches, channels")  # as roomsync before channels left it
    east.sql("UPDATE roomsync_meta SET value = '1' WHERE key = 'schema_version'")
    assert len(east.ok("rooms")) == 15
    assert east.sql("SELECT value FROM roomsync_meta WHERE key = 'schema_version'") == [("2",)]
    assert east.sql("SELECT count(*) FROM channels") == [(0,)]
    assert east.bookings()[KATHERINE]["status"] == "Reserved"


@pytest.mark.parametrize("argv", [("rooms",), ("checkin", "101"), ("init", "--sample"),
                                  ("reconcile", "--fix")])
def test_an_unreachable_server_is_store_unavailable_naming_host_and_database(pg_url: str,
                                                                              argv: tuple[str, ...]) -> None:
    url = with_port(pg_url, closed_port())
    started = time.monotonic()
    result = Hotel(url, "east").rs(*argv)
    assert time.monotonic() - started < 10
    assert result.code == 3, result.stderr
    error = error_of(result)
    assert error["code"] == "STORE_UNAVAILABLE"
    host, database = urlparts(url)
    assert host in error["message"] and database in error["message"]
    assert "\n" not in error["message"].strip(), "one sentence"


def test_a_refused_login_is_store_unavailable(pg_url: str) -> None:
    info = conninfo(pg_url)
    info.pop("password", None)
    url = make_url({**info, "user": "no_such_role_roomsync"})
    result = Hotel(url, "east").rs("rooms")
    assert result.code == 3
    assert error_of(result)["code"] == "STORE_UNAVAILABLE"
    assert urlparts(url)[1] in error_of(result)["message"]


# ---------------------------------------------------------------------------- passwords


def test_a_password_in_the_url_never_appears_in_output_errors_or_the_audit(pg_url: str, hotel_code: str) -> None:
    secret = conninfo(pg_url).get("password") or SECRET
    url = with_password(pg_url, secret)
    assert secret in url
    selected = Hotel(url, hotel_code)
    outputs: list[Result] = []
    result = selected.rs("init", "--sample")
    assert result.code == 0, result.stderr
    assert result.json()["hotel"] == hotel_code and result.json()["store"].startswith("postgresql://")
    outputs.append(result)
    outputs.append(selected.rs("init"))  # ALREADY_EXISTS
    outputs.append(selected.rs("book", "102", "--guest", "Pw", "--arrival", TODAY, "--nights", "1"))
    outputs.append(run_cli("checkin", "101", f"--store={url}", "--hotel", hotel_code, "--today", TODAY, "--json"))
    outputs.append(selected.rs("checkin", "102", "--booking", "B-999999"))  # refused
    outputs.append(run_cli("history", *selected.args, "--today", TODAY))  # human output
    outputs.append(Hotel(url, new_code()).rs("rooms"))  # DATA_INVALID names the location
    outputs.append(Hotel(with_port(url, closed_port()), hotel_code).rs("rooms"))  # STORE_UNAVAILABLE
    query_url = f"{pg_url}{'&' if '?' in pg_url else '?'}password={secret}"
    outputs.append(Hotel(query_url, hotel_code).rs("cancel", DONALD))
    assert [r.code for r in outputs] == [0, 1, 0, 0, 1, 0, 3, 3, 0], [(r.code, r.stderr) for r in outputs]
    for result in outputs:
        assert secret not in result.stdout and secret not in result.stderr
    history = selected.rs("history")
    assert history.code == 0 and len(history.json()) == 4
    assert secret not in history.stdout
    audit = Hotel(pg_url, hotel_code).sql("SELECT entry::text FROM audit WHERE hotel_id = %s", [hotel_code])
    assert len(audit) == 4 and not any(secret in row[0] for row in audit)


# ---------------------------------------------------------------------------- the database's own guard


def test_the_exclusion_constraint_rejects_an_overlapping_active_insert_made_in_sql(hotel: Hotel) -> None:
    import psycopg

    with pytest.raises(psycopg.errors.ExclusionViolation):
        hotel.insert_booking("B-000900", "101", d(1), d(2), "Reserved")
    with pytest.raises(psycopg.errors.ExclusionViolation):
        hotel.insert_booking("B-000901", "301", d(0), d(1), "CheckedIn")
    with pytest.raises(psycopg.errors.CheckViolation):
        hotel.insert_booking("B-000902", "102", d(1), d(1), "Reserved")
    hotel.insert_booking("B-000903", "101", d(1), d(2), "Cancelled")  # history may overlap
    hotel.insert_booking("B-000904", "101", d(3), d(0), "NoShow")  # format-valid history
    hotel.insert_booking("B-000905", "204", d(1), d(2), "Reserved")  # back to back with Donald
    assert hotel.bookings()["B-000905"]["status"] == "Reserved"
    with pytest.raises(psycopg.errors.ExclusionViolation):
        hotel.sql("UPDATE bookings SET status = 'Reserved' WHERE hotel_id = %s AND id = 'B-000903'", [hotel.code])


def test_reconcile_and_validate_still_run_after_psql_edits_and_report_an_unknown_room(hotel: Hotel) -> None:
    hotel.insert_booking("B-000900", "999", d(0), d(2), "Reserved", guest="Lost Guest")
    hotel.sql("UPDATE rooms SET status = 'OCCUPIED' WHERE hotel_id = %s AND number = '102'", [hotel.code])
    report = hotel.rs("validate")
    assert report.code == 1
    problems = report.json()["problems"]
    assert [(p["code"], p["bookings"]) for p in problems] == [("UNKNOWN_ROOM", ["B-000900"])]
    fixed = hotel.rs("reconcile", "--fix")
    assert fixed.code == 1, "a problem remains after the fix"
    assert fixed.json()["details"] == [{"roomNumber": "102", "from": "OCCUPIED", "to": "AVAILABLE",
                                        "reason": "No checked-in guest found"}]
    assert by_key(hotel.ok("rooms"), "number")["102"]["status"] == "AVAILABLE"
    arrivals = hotel.ok("arrivals")
    assert {a["booking"]["id"]: a["readiness"] for a in arrivals}["B-000900"] == "unknown_room"


def test_the_overstay_rule_is_enforced_by_roomsync_where_the_constraint_cannot_see_it(hotel: Hotel) -> None:
    # On T+3 Ada (departure T+2) overstays: she holds tonight, which the constraint cannot know.
    result = hotel.rs("book", "301", "--guest", "Tonight", "--arrival", d(3), "--nights", "1", today=d(3))
    assert (result.code, error_of(result)["code"]) == (1, "DOUBLE_BOOKING")
    hotel.insert_booking("B-000900", "301", d(3), d(4), "Reserved")  # the database lets psql do it
    report = hotel.rs("validate", today=d(3)).json()
    assert ("DOUBLE_BOOKING", sorted([ADA, "B-000900"])) in [(p["code"], sorted(p["bookings"]))
                                                            for p in report["problems"]]


# ---------------------------------------------------------------------------- locks and snapshots


def hold_hotel_lock(url: str, code: str) -> Any:
    conn = connect(url, autocommit=False)
    conn.execute("SELECT id FROM hotels WHERE id = %s FOR UPDATE", [code])
    return conn


def test_a_held_property_lock_past_lock_timeout_is_exit_4_and_writes_nothing(hotel: Hotel) -> None:
    before = hotel.state()
    holder = hold_hotel_lock(hotel.url, hotel.code)
    try:
        started = time.monotonic()
        result = run_cli("checkin", "101", *hotel.args, "--today", TODAY, "--json", "--lock-timeout", "0.5")
        waited = time.monotonic() - started
        assert result.code == 4, result.stderr
        assert error_of(result)["code"] == "LOCK_TIMEOUT"
        assert 0.4 <= waited < 5
        assert hotel.state() == before, "readers are not blocked by the writer's lock and see no change"
    finally:
        holder.rollback()
        holder.close()
    assert hotel.state() == before
    assert hotel.ok("checkin", "101")["booking"]["status"] == "CheckedIn"


def test_properties_lock_separately_a_busy_one_never_blocks_another(pg_url: str, hotel: Hotel) -> None:
    other = Hotel(pg_url, new_code())
    other.init("--sample")
    holder = hold_hotel_lock(hotel.url, hotel.code)
    try:
        result = run_cli("checkin", "101", *other.args, "--today", TODAY, "--json", "--lock-timeout", "0.5")
        assert result.code == 0, result.stderr
        result = run_cli("checkin", "101", *hotel.args, "--today", TODAY, "--json", "--lock-timeout", "0.5")
        assert result.code == 4
    finally:
        holder.rollback()
        holder.close()


def test_two_properties_writing_in_parallel_both_succeed(pg_url: str) -> None:
    hotels = [Hotel(pg_url, new_code()) for _ in range(2)]
    for each in hotels:
        each.init("--sample")
    steps = [("checkin", "101"), ("book", "102", "--guest", "Par", "--arrival", TODAY, "--nights", "2"),
             ("checkin", "102"), ("checkout", "301"), ("cancel", DONALD)]
    codes: dict[str, list[int]] = {h.code: [] for h in hotels}

    def desk(each: Hotel) -> None:
        for step in steps:
            done = subprocess.run([sys.executable, "-m", "roomsync", *step, *each.args, "--today", TODAY,
                                   "--lock-timeout", "30"], capture_output=True, text=True, env=process_env(),
                                  timeout=60)
            codes[each.code].append(done.returncode)

    threads = [threading.Thread(target=desk, args=(each,)) for each in hotels]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert list(codes.values()) == [[0] * len(steps)] * 2
    for each in hotels:
        assert len(each.history()) == 1 + len(steps)
        bookings = each.bookings()
        assert (bookings[KATHERINE]["status"], bookings["B-000013"]["status"], bookings[ADA]["status"]) == (
            "CheckedIn", "CheckedIn", "CheckedOut")


def test_a_reader_sees_one_committed_snapshot_while_a_writer_is_mid_transaction(hotel: Hotel) -> None:
    before = hotel.state()
    writer = hold_hotel_lock(hotel.url, hotel.code)
    try:
        writer.execute("UPDATE bookings SET status = 'CheckedIn' WHERE hotel_id = %s AND id = %s",
                       [hotel.code, KATHERINE])
        writer.execute("UPDATE rooms SET status = 'OCCUPIED' WHERE hotel_id = %s AND number = '101'", [hotel.code])
        started = time.monotonic()
        assert hotel.state() == before
        assert hotel.rs("validate").code == 0
        assert time.monotonic() - started < 5
    finally:
        writer.rollback()
        writer.close()


# ---------------------------------------------------------------------------- the 8-process race

# (args, what may come of it): overlapping stays in 102 and 202, check-ins and a walk-in.
RACE: list[tuple[tuple[str, ...], set[str]]] = [
    (("book", "102", "--guest", "Race A", "--arrival", d(0), "--departure", d(2)), {"ok", "DOUBLE_BOOKING"}),
    (("book", "102", "--guest", "Race B", "--arrival", d(1), "--departure", d(3)), {"ok", "DOUBLE_BOOKING"}),
    (("book", "102", "--guest", "Race C", "--arrival", d(0), "--departure", d(1)), {"ok", "DOUBLE_BOOKING"}),
    (("book", "202", "--guest", "Race E", "--arrival", d(4), "--departure", d(6)), {"ok", "DOUBLE_BOOKING"}),
    (("book", "202", "--guest", "Race F", "--arrival", d(5), "--departure", d(7)), {"ok", "DOUBLE_BOOKING"}),
    (("checkin", "101"), {"ok"}),
    (("checkin", "204"), {"ok"}),
    (("checkin", "203", "--walk-in", "--guest", "Race W", "--nights", "1"), {"ok"}),
]

# Every process imports roomsync (and psycopg) first, then waits for the same instant.
GATED = r"""
import os, runpy, sys, time
import psycopg, roomsync.cli.app, roomsync.storage.postgres  # noqa: F401  (import before the gate)
time.sleep(max(0.0, float(os.environ["RS_GO"]) - time.time()))
sys.argv = ["roomsync", *sys.argv[1:]]
runpy.run_module("roomsync", run_name="__main__", alter_sys=True)
"""


@pytest.mark.slow
def test_eight_processes_racing_on_one_property_store_each_success_once_and_never_overlap(hotel: Hotel) -> None:
    environment = process_env()
    environment["RS_GO"] = str(time.time() + 3.0)
    common = [*hotel.args, "--today", TODAY, "--json", "--lock-timeout", "60"]
    processes = [subprocess.Popen([sys.executable, "-c", GATED, *args, *common], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=environment) for args, _ in RACE]
    outcomes = []
    for process, (args, allowed) in zip(processes, RACE, strict=False):
        out, err = process.communicate(timeout=120)
        document = json.loads(out)
        outcome = "ok" if process.returncode == 0 else document["error"]["code"]
        assert outcome in allowed, (args, process.returncode, out, err)
        assert process.returncode == (0 if outcome == "ok" else 1)
        outcomes.append((args, outcome, document))

    bookings = hotel.ok("bookings")
    stored = by_key(bookings, "id")
    assert len(stored) == len(bookings), "a booking id was issued twice"
    for args, outcome, document in outcomes:
        if args[0] == "book":
            guest = args[3]
            matching = [b for b in bookings if b["guest"] == guest]
            if outcome == "ok":
                assert matching == [document["booking"]], f"{guest}: reported made, stored {len(matching)} times"
            else:
                assert matching == [], f"{guest}: refused but stored"
    assert overlapping_active(bookings) == []
    made_102 = {args[3] for args, outcome, _ in outcomes if args[:2] == ("book", "102") and outcome == "ok"}
    assert made_102 in ({"Race A"}, {"Race B", "Race C"})
    assert len([1 for args, outcome, _ in outcomes if args[:2] == ("book", "202") and outcome == "ok"]) == 1
    assert (stored[KATHERINE]["status"], stored[DONALD]["status"]) == ("CheckedIn", "CheckedIn")

    report = hotel.rs("validate").json()
    assert report["problems"] == [] and report["details"] == []

    successes = [args for args, outcome, _ in outcomes if outcome == "ok"]
    entries = hotel.history()[:-1]  # all but init
    assert sorted(tuple(e["command"]) for e in entries) == sorted(("roomsync", *a, *common) for a in successes), \
        "one audit row per successful command (its command line), none for a refusal"
    assert hotel.audit_rows() == 1 + len(successes)


# Four claims on room 102 for the night of T+3, when Ada (departure T+2) overstays in 301: her
# move holds 102 tonight by the overstay rule, which the exclusion constraint cannot see, so
# only the property lock keeps a second claim out.
OVERSTAY_RACE: list[tuple[str, ...]] = [
    ("move", ADA, "102"),
    ("book", "102", "--guest", "Race X", "--arrival", d(3), "--nights", "1"),
    ("checkin", "102", "--walk-in", "--guest", "Race Z", "--nights", "1"),
    ("move", MARGARET, "102"),
]


@pytest.mark.slow
def test_racing_claims_on_tonight_that_only_the_overstay_rule_sees_let_exactly_one_win(hotel: Hotel) -> None:
    environment = process_env()
    environment["RS_GO"] = str(time.time() + 2.5)
    common = [*hotel.args, "--today", d(3), "--json", "--lock-timeout", "60"]
    processes = [subprocess.Popen([sys.executable, "-c", GATED, *args, *common], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=environment) for args in OVERSTAY_RACE]
    outcomes = []
    for process in processes:
        out, _err = process.communicate(timeout=120)
        outcomes.append("ok" if process.returncode == 0 else json.loads(out)["error"]["code"])
    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) - {"ok"} <= {"DOUBLE_BOOKING", "ROOM_OCCUPIED"}, outcomes  # a guest in 102 is occupied
    report = hotel.rs("validate", today=d(3)).json()
    assert [p for p in report["problems"] if p.get("room") == "102"] == []
    assert len(hotel.history()) == 2


# ---------------------------------------------------------------------------- failures mid-run


def test_a_server_stopped_while_a_command_waits_for_the_lock_is_store_unavailable(
        own_cluster: Cluster | None, pg_url: str) -> None:
    if own_cluster is None:  # no server of our own to stop: a closed port stands in for it
        result = Hotel(with_port(pg_url, closed_port()), "east").rs("checkin", "101")
        assert (result.code, error_of(result)["code"]) == (3, "STORE_UNAVAILABLE")
        return
    cluster = own_cluster
    east = Hotel(cluster.url, "east")
    east.init("--sample")
    holder = hold_hotel_lock(cluster.url, "east")
    process = subprocess.Popen([sys.executable, "-m", "roomsync", "checkin", "101", *east.args, "--today", TODAY,
                                "--json", "--lock-timeout", "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=process_env())
    try:
        deadline = time.monotonic() + 20
        with connect(cluster.url) as watcher:
            while not watcher.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'roomsync' "
                                      "AND wait_event_type = 'Lock'").fetchone()[0]:
                assert time.monotonic() < deadline and process.poll() is None, "the command never waited"
                time.sleep(0.05)
        cluster.stop("fast")
        out, err = process.communicate(timeout=30)
    finally:
        holder.close()
        if process.poll() is None:
            process.kill()
    assert process.returncode == 3, err
    error = json.loads(out)["error"]
    assert error["code"] == "STORE_UNAVAILABLE"
    assert "127.0.0.1" in error["message"] and "postgres" in error["message"]
    cluster.start()
    assert east.bookings()[KATHERINE]["status"] == "Reserved"
    assert len(east.history()) == 1


def test_a_server_stopped_before_commit_reports_store_unavailable_and_nothing_is_half_written(
        own_cluster: Cluster | None, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if own_cluster is None:
        result = Hotel(with_port(pg_url, closed_port()), "east").rs("book", "102", "--guest", "X", "--arrival",
                                                                    TODAY, "--nights", "1")
        assert (result.code, error_of(result)["code"]) == (3, "STORE_UNAVAILABLE")
        return
    from roomsync.storage.postgres import PgUnitOfWork

    cluster = own_cluster
    east = Hotel(cluster.url, "east")
    east.init("--sample")
    flush = PgUnitOfWork._flush

    def flush_then_crash(self: PgUnitOfWork, *args: Any) -> None:
        flush(self, *args)  # every row written inside the transaction, then the server goes away
        cluster.stop("immediate")

    monkeypatch.setattr(PgUnitOfWork, "_flush", flush_then_crash)
    result = east.rs("checkin", "102", "--walk-in", "--guest", "Half Written", "--nights", "2")
    monkeypatch.undo()
    assert result.code == 3, result.stderr
    error = error_of(result)
    assert error["code"] == "STORE_UNAVAILABLE", "the outcome cannot be known while the server is down"
    assert "127.0.0.1" in error["message"]
    cluster.start()
    assert "B-000013" not in east.bookings()
    assert by_key(east.ok("rooms"), "number")["102"]["status"] == "AVAILABLE"
    assert len(east.history()) == 1
    assert east.ok("checkin", "102", "--walk-in", "--guest", "Retry", "--nights", "2")["booking"]["id"] == "B-000013"


def lose_commit(monkeypatch: pytest.MonkeyPatch, *, really_commit: bool) -> list[int]:
    """The next COMMIT loses its connection: it commits first (or not), then raises."""
    import psycopg

    original = psycopg.Connection.commit
    calls: list[int] = []

    def commit(self: Any) -> None:
        if calls:
            return original(self)
        calls.append(1)
        if really_commit:
            original(self)
        self.close()  # the server sees the client go; an uncommitted transaction is rolled back
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(psycopg.Connection, "commit", commit)
    return calls


def test_a_lost_commit_that_did_commit_is_reported_as_success(hotel: Hotel, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = lose_commit(monkeypatch, really_commit=True)
    result = hotel.rs("checkin", "101")
    monkeypatch.undo()
    assert calls == [1]
    assert result.code == 0, result.stderr
    assert result.json()["booking"]["status"] == "CheckedIn"
    assert hotel.bookings()[KATHERINE]["status"] == "CheckedIn"
    assert hotel.audit_rows() == 2


def test_a_lost_commit_that_did_not_commit_is_write_failed_and_nothing_is_stored(
        hotel: Hotel, monkeypatch: pytest.MonkeyPatch) -> None:
    before = hotel.state()
    calls = lose_commit(monkeypatch, really_commit=False)
    result = hotel.rs("book", "102", "--guest", "Lost Commit", "--arrival", TODAY, "--nights", "1")
    monkeypatch.undo()
    assert calls == [1]
    assert result.code == 3, result.stderr
    assert error_of(result)["code"] == "WRITE_FAILED"
    time.sleep(0.2)
    assert hotel.state() == before, "WRITE_FAILED means no change, now or later"
    assert hotel.audit_rows() == 1
    assert hotel.ok("book", "102", "--guest", "Retry", "--arrival", TODAY, "--nights", "1")["booking"]["id"] == \
        "B-000013"


# ---------------------------------------------------------------------------- cost: rows written and read


def row_versions(hotel: Hotel) -> tuple[dict[str, str], dict[str, str]]:
    rooms = dict(hotel.sql("SELECT number, xmin::text FROM rooms WHERE hotel_id = %s", [hotel.code]))
    bookings = dict(hotel.sql("SELECT id, xmin::text FROM bookings WHERE hotel_id = %s", [hotel.code]))
    return rooms, bookings


def changed_rows(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


def test_a_checkin_writes_only_the_rows_that_change(pg_url: str, hotel: Hotel) -> None:
    neighbour = Hotel(pg_url, new_code())
    neighbour.init("--sample")
    rooms, bookings = row_versions(hotel)
    other_rooms, other_bookings = row_versions(neighbour)
    hotel.ok("checkin", "101")
    after_rooms, after_bookings = row_versions(hotel)
    assert changed_rows(rooms, after_rooms) == {"101"}
    assert changed_rows(bookings, after_bookings) == {KATHERINE}
    assert row_versions(neighbour) == (other_rooms, other_bookings)
    hotel.ok("reconcile", "--fix", today=d(1))
    assert changed_rows(after_rooms, row_versions(hotel)[0]) == {"201", "204"}
    assert changed_rows(after_bookings, row_versions(hotel)[1]) == set()


def test_a_checkin_reads_only_its_rooms_active_bookings(hotel: Hotel, monkeypatch: pytest.MonkeyPatch) -> None:
    with connect(hotel.url) as conn:
        conn.execute(
            "INSERT INTO bookings (hotel_id, id, pos, room, guest, arrival, departure, status, extra, key_order) "
            "SELECT %s, 'H-' || n, 1000 + n, CASE WHEN n %% 2 = 0 THEN '101' ELSE '202' END, 'Old Guest ' || n, "
            "DATE '2020-01-01' + n, DATE '2020-01-02' + n, 'CheckedOut', '{}', "
            "ARRAY['id','room','guest','arrival','departure','status'] FROM generate_series(1, 400) AS n",
            [hotel.code])
    from roomsync.storage.postgres import PgUnitOfWork

    fetched: list[tuple[str, int]] = []
    query, query_one = PgUnitOfWork.query, PgUnitOfWork.query_one

    def counting_query(self: PgUnitOfWork, sql: str, params: Any = None) -> list[tuple]:
        rows = query(self, sql, params)
        fetched.append((sql, len(rows)))
        return rows

    def counting_query_one(self: PgUnitOfWork, sql: str, params: Any = None) -> Any:
        row = query_one(self, sql, params)
        fetched.append((sql, int(row is not None)))
        return row

    monkeypatch.setattr(PgUnitOfWork, "query", counting_query)
    monkeypatch.setattr(PgUnitOfWork, "query_one", counting_query_one)
    result = hotel.rs("checkin", "101")
    monkeypatch.undo()
    assert result.code == 0, result.stderr
    booking_reads = [n for sql, n in fetched if "FROM bookings" in sql]
    # room 101 holds 2 active bookings and 200 of the 400 old stays: none of those may be read
    assert booking_reads and max(booking_reads) <= 2, f"a check-in read old stays: {fetched}"
    assert sum(booking_reads) <= 6, fetched


# ---------------------------------------------------------------------------- import / export


def transfer(verb: str, data: Path, hotel: Hotel, *options: str) -> Result:
    return run_cli(verb, "--data-dir", str(data), *hotel.args, "--today", TODAY, "--json", *options)


def pair(data: Path) -> tuple[bytes, bytes]:
    return (data / "rooms.json").read_bytes(), (data / "bookings.json").read_bytes()


def audit_lines(data: Path) -> list[dict[str, Any]]:
    """The trail as it travels: without the JSON store's seals ("validated"), which describe
    the files of the directory that line was written in, not the hotel."""
    lines = [json.loads(line) for line in (data / "audit.jsonl").read_text().splitlines()]
    for line in lines:
        line.pop("validated", None)
    return lines


def test_export_after_import_reproduces_the_shipped_pair_byte_for_byte(tmp_path: Path, pg_url: str,
                                                                       hotel_code: str) -> None:
    source = shipped_data(tmp_path)
    assert run_cli("reconcile", "--fix", "--data-dir", str(source), "--today", TODAY).code == 0
    property_ = Hotel(pg_url, hotel_code)
    imported = transfer("import", source, property_)
    assert imported.code == 0, imported.stderr
    assert imported.json() == {"store": shown(pg_url), "hotel": hotel_code, "data_dir": str(source), "rooms": 15,
                               "bookings": 12}
    target = tmp_path / "exported" / "nested"
    exported = transfer("export", target, property_)
    assert exported.code == 0, exported.stderr
    assert exported.json() == {"store": shown(pg_url), "hotel": hotel_code, "data_dir": str(target), "rooms": 15,
                               "bookings": 12}
    assert pair(target) == pair(source)
    source_audit = audit_lines(source)
    target_audit = audit_lines(target)
    assert target_audit[:len(source_audit)] == source_audit, "the audit trail travels with the hotel"
    assert [e["command"][1] for e in target_audit[len(source_audit):]] == ["import", "export"]
    assert run_cli("validate", "--data-dir", str(target), "--today", TODAY).code == 0


def test_channels_travel_with_import_and_export_byte_for_byte(tmp_path: Path, pg_url: str, hotel_code: str) -> None:
    source = shipped_data(tmp_path)
    channels = [{"name": "booking", "note": "listing 7", "room": "101", "url": "https://x.example/a.ics?t=SECRET42",
                 "cancel_after": "720m", "conflicts": [{"code": "CHANNEL_CONFLICT", "room": "101", "z": 1, "a": 2}]},
                {"name": "vrbo", "room": "102", "url": "/srv/vrbo.ics", "cancel_after": "0s", "conflicts": []}]
    (source / "channels.json").write_bytes(dump_records(channels))
    property_ = Hotel(pg_url, hotel_code)
    assert transfer("import", source, property_).code == 0
    assert property_.sql("SELECT name FROM channels WHERE hotel_id = %s ORDER BY pos", [hotel_code]) == [
        ("booking",), ("vrbo",)]
    target = tmp_path / "exported"
    assert transfer("export", target, property_).code == 0
    assert (target / "channels.json").read_bytes() == (source / "channels.json").read_bytes()
    assert "SECRET42" not in json.dumps([c for e in audit_lines(target) for c in e["changes"] if "channel" in c])


def test_the_booking_id_mark_travels_both_ways(tmp_path: Path, pg_url: str, hotel_code: str) -> None:
    source = tmp_path / "source"
    assert run_cli("init", "--sample", "--data-dir", str(source), "--today", TODAY).code == 0
    made = run_cli("book", "102", "--guest", "Gone", "--arrival", TODAY, "--nights", "1", "--data-dir", str(source),
                   "--today", TODAY, "--json").json()["booking"]["id"]
    assert made == "B-000013"
    assert run_cli("delete", made, "--data-dir", str(source), "--today", TODAY).code == 0
    property_ = Hotel(pg_url, hotel_code)
    assert transfer("import", source, property_).code == 0
    in_pg = property_.ok("book", "102", "--guest", "In PG", "--arrival", TODAY, "--nights", "1")["booking"]["id"]
    assert in_pg == "B-000014", "a deleted booking's id is not reissued after import"
    property_.ok("delete", in_pg)
    target = tmp_path / "target"
    assert transfer("export", target, property_).code == 0
    again = run_cli("book", "102", "--guest", "Back Home", "--arrival", TODAY, "--nights", "1", "--data-dir",
                    str(target), "--today", TODAY, "--json")
    assert again.code == 0, again.stderr
    assert again.json()["booking"]["id"] == "B-000015", "the mark came back with the export"


def test_import_into_a_non_empty_property_needs_replace_which_keeps_the_old_audit_rows(
        tmp_path: Path, hotel: Hotel) -> None:
    source = tmp_path / "source"
    assert run_cli("init", "--sample", "--data-dir", str(source), "--today", TODAY).code == 0
    hotel.ok("book", "102", "--guest", "Only In PG", "--arrival", TODAY, "--nights", "1")
    before = hotel.state()
    old_history = hotel.history()
    refused = transfer("import", source, hotel)
    assert refused.code == 1
    assert error_of(refused)["code"] == "ALREADY_EXISTS"
    assert hotel.state() == before
    replaced = transfer("import", source, hotel, "--replace")
    assert replaced.code == 0, replaced.stderr
    history = hotel.history()
    assert history[-len(old_history):] == old_history, "--replace keeps the old audit rows"
    assert history[0]["command"][1] == "import"
    assert list(hotel.bookings()) == SAMPLE_IDS
    made = hotel.ok("book", "102", "--guest", "After Replace", "--arrival", TODAY, "--nights", "1")
    assert made["booking"]["id"] == "B-000014", "the id mark never decreases"


def write_pair(data: Path, rooms: list[dict[str, Any]], bookings: list[dict[str, Any]]) -> Path:
    data.mkdir(parents=True, exist_ok=True)
    (data / "rooms.json").write_bytes(dump_records(rooms))
    (data / "bookings.json").write_bytes(dump_records(bookings))
    return data


def small_rooms() -> list[dict[str, Any]]:
    return [{"number": n, "status": "AVAILABLE"} for n in ("101", "102")]


@pytest.mark.parametrize(("bookings", "code", "exit_code", "named"), [
    ([{"id": "B-1", "room": "101", "guest": "A", "arrival": d(1), "departure": d(3), "status": "Reserved"},
      {"id": "B-2", "room": "102", "guest": "B", "arrival": d(1), "departure": d(3), "status": "Reserved"},
      {"id": "B-3", "room": "101", "guest": "C", "arrival": d(2), "departure": d(4), "status": "CheckedIn"}],
     "DOUBLE_BOOKING", 1, ["B-1", "B-3"]),
    ([{"id": "B-1", "room": "101", "guest": "A", "arrival": d(1), "departure": d(1), "status": "Reserved"}],
     "INVALID_DATES", 1, ["B-1"]),
    ([{"id": "B-1", "room": "101", "guest": "Nul\u0000Name", "arrival": d(1), "departure": d(2),
       "status": "CheckedOut"}], "DATA_INVALID", 3, ["B-1", "guest"]),
])
def test_import_refuses_what_the_database_cannot_hold_naming_the_records(
        tmp_path: Path, pg_url: str, hotel_code: str, bookings: list[dict[str, Any]], code: str, exit_code: int,
        named: list[str]) -> None:
    source = write_pair(tmp_path / "source", small_rooms(), bookings)
    files = pair(source)
    property_ = Hotel(pg_url, hotel_code)
    result = transfer("import", source, property_)
    assert result.code == exit_code, result.stderr
    error = error_of(result)
    assert error["code"] == code
    assert all(name in error["message"] for name in named), error["message"]
    assert pair(source) == files
    missing = property_.rs("rooms")
    assert (missing.code, error_of(missing)["code"]) == (3, "DATA_INVALID"), "the refused import created nothing"


def test_import_refuses_nan_in_an_unknown_field(tmp_path: Path, pg_url: str, hotel_code: str) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "rooms.json").write_text('[{"number": "101", "status": "AVAILABLE", "rate": NaN}]\n')
    (source / "bookings.json").write_text("[]\n")
    result = transfer("import", source, Hotel(pg_url, hotel_code))
    assert (result.code, error_of(result)["code"]) == (3, "DATA_INVALID")


def test_export_to_an_existing_hotel_needs_force_and_import_export_need_a_store(tmp_path: Path,
                                                                               hotel: Hotel) -> None:
    target = tmp_path / "target"
    assert run_cli("init", "--data-dir", str(target)).code == 0
    files = pair(target)
    refused = transfer("export", target, hotel)
    assert (refused.code, error_of(refused)["code"]) == (1, "ALREADY_EXISTS")
    assert pair(target) == files
    forced = transfer("export", target, hotel, "--force")
    assert forced.code == 0 and forced.json()["bookings"] == 12
    for verb in ("import", "export"):
        result = run_cli(verb, "--data-dir", str(target), "--json")
        assert result.code == 2


# ---------------------------------------------------------------------------- round-trip property

try:
    from hypothesis import HealthCheck, Phase, example, given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - hypothesis is a test extra
    given = None

if given is not None:
    TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
    KNOWN = {"number", "status", "type", "id", "room", "guest", "arrival", "departure"}
    KEY = TEXT.filter(lambda k: k not in KNOWN)
    BIG = int(os.environ.get("RS_TEST_BIG", str(10 ** 30)))  # RS_TEST_BIG=9223372036854775807: 64-bit only
    SCALAR = (st.none() | st.booleans() | st.integers(min_value=-BIG, max_value=BIG)
              | st.floats(allow_nan=False, allow_infinity=False) | TEXT)
    VALUE = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEY, inner, max_size=3),
                         max_leaves=6)
    EXTRA = st.dictionaries(KEY, VALUE, max_size=3)
    NAME = TEXT.filter(lambda s: s.strip() != "")
    HISTORY = st.sampled_from(["CheckedOut", "Cancelled", "NoShow"])
    ROOM_STATUS = st.sampled_from(["AVAILABLE", "CLEAN", "RESERVED", "OCCUPIED", "DIRTY", "MAINTENANCE",
                                   "OUT_OF_SERVICE"])

    def shuffled(draw: Any, core: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
        """The record with its keys in a drawn order (unknown fields before, between, after)."""
        items = list(core.items()) + list(extra.items())
        order = draw(st.permutations(range(len(items))))
        return dict(items[i] for i in order)

    @st.composite
    def hotel_pairs(draw: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        numbers = draw(st.lists(NAME, min_size=1, max_size=4, unique=True))
        rooms = []
        for number in numbers:
            core: dict[str, Any] = {"number": number, "status": draw(ROOM_STATUS)}
            if draw(st.booleans()):
                core["type"] = draw(st.none() | TEXT)
            rooms.append(shuffled(draw, core, draw(EXTRA)))
        bookings = []
        next_day = {number: draw(st.integers(-30, 30)) for number in numbers}
        for index in range(draw(st.integers(0, 6))):
            active = draw(st.booleans())
            room = draw(st.sampled_from(numbers)) if active or draw(st.booleans()) else draw(NAME)
            if active and room in next_day:  # active stays of a room never overlap
                start = next_day[room] + draw(st.integers(0, 3))
                nights = draw(st.integers(1, 4))
                next_day[room] = start + nights
                status = draw(st.sampled_from(["Reserved", "CheckedIn"]))
            else:
                start, nights = draw(st.integers(-400, 400)), draw(st.integers(-3, 9))
                status = draw(HISTORY)
            booking_id = draw(st.sampled_from([f"B-{index + 1:06d}", f"X{index}-{draw(TEXT)}"]))
            core = {"id": booking_id, "room": room, "guest": draw(NAME), "arrival": d(start),
                    "departure": d(start + nights), "status": status}
            bookings.append(shuffled(draw, core, draw(EXTRA)))
        return rooms, bookings

    BIG_NUMBERS_PAIR = (
        [{"floor": 1, "number": "101", "big": 10 ** 30, "status": "AVAILABLE", "small": -(2 ** 63) - 1}],
        [{"id": "B-000001", "notes": {"é": [1.5, 1e16, -0.0, None]}, "room": "101", "guest": "Zoë Ñandú",
          "arrival": d(0), "departure": d(2), "status": "Reserved", "nr": 2 ** 64}],
    )

    @pytest.mark.slow
    @settings(max_examples=50, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate],  # no shrinking: the suite stays within minutes
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(generated=hotel_pairs())
    @example(generated=BIG_NUMBERS_PAIR)
    def test_export_after_import_reproduces_any_pair_as_roomsync_writes_it(
            generated: tuple[list[dict[str, Any]], list[dict[str, Any]]], pg_url: str, tmp_path: Path) -> None:
        rooms, bookings = generated
        run = tmp_path / uuid.uuid4().hex[:8]
        source = write_pair(run / "source", rooms, bookings)
        property_ = Hotel(pg_url, new_code())
        imported = transfer("import", source, property_)
        assert imported.code == 0, imported.stderr
        target = run / "target"
        exported = transfer("export", target, property_)
        assert exported.code == 0, exported.stderr
        assert pair(target) == pair(source)
        # and back: PostgreSQL -> JSON -> PostgreSQL gives equal rows
        again = Hotel(pg_url, new_code())
        assert transfer("import", target, again).code == 0
        columns = ("SELECT number, pos, status, type, extra::text, key_order FROM rooms WHERE hotel_id = %s "
                   "ORDER BY pos", "SELECT id, pos, room, guest, arrival, departure, status, extra::text, key_order "
                   "FROM bookings WHERE hotel_id = %s ORDER BY pos")
        for query in columns:
            assert property_.sql(query, [property_.code]) == again.sql(query, [again.code])
        shutil.rmtree(run)


# ---------------------------------------------------------------------------- channels


def test_sync_on_postgresql_imports_once_caches_the_fetch_and_keeps_conflicts(hotel: Hotel, tmp_path: Path) -> None:
    feed = tmp_path / "feed.ics"
    feed.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
                     b"BEGIN:VEVENT\r\nUID:a@t\r\nDTSTART;VALUE=DATE:20261203\r\nDTEND;VALUE=DATE:20261206\r\nEND:VEVENT\r\n"
                     b"BEGIN:VEVENT\r\nUID:k@t\r\nDTSTART;VALUE=DATE:20261128\r\nDTEND;VALUE=DATE:20261129\r\nEND:VEVENT\r\n"
                     b"END:VCALENDAR\r\n")
    hotel.ok("channel", "add", "site", "--room", "101", "--url", str(feed))
    first = hotel.rs("sync")
    assert first.code == 1, first.stderr  # k@t overlaps Katherine's stay in 101
    entry = first.json()["channels"][0]
    assert len(entry["created"]) == 1 and [c["uid"] for c in entry["conflicts"]] == ["k@t"]
    rows = hotel.audit_rows()
    again = hotel.rs("sync")
    assert again.code == 1 and again.json()["channels"][0]["created"] == []
    assert hotel.audit_rows() == rows, "a sync that changes nothing writes no audit row"
    assert hotel.rs("validate").json()["problems"][0]["code"] == "CHANNEL_CONFLICT"
    listed = hotel.ok("channel", "list")[0]
    assert listed["last_fetch"]["outcome"] == "ok" and listed["last_fetch"]["events"] == 2
    assert hotel.sql("SELECT count(*) FROM channel_fetches WHERE hotel_id = %s", [hotel.code]) == [(1,)]
