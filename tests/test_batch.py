"""`batch` below the CLI (SPEC §10): line parsing, and the apply loop on the in-memory fake.

- A line is checked like its command line: every command's keys by name, JSON types, `null`
  as not given, the command's usage rules; anything else is a USAGE error naming the line.
- Lines run in order in one unit of work, each seeing the ones before; a refused line changes
  nothing (checked for every command); one commit with every line's changes, in order.
- Hypothesis: a batch ends in exactly the hotel, documents and per-line changes of the same
  commands run one by one, and `--all-or-nothing` writes nothing when any line fails.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest
from fakes import FakeUnitOfWork
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_frontdesk_properties import day

from roomsync.cli.batch import apply_lines, pending, read_lines, run_batch
from roomsync.cli.batch_lines import LINES, Done, Line, parse_line
from roomsync.cli.command import error_document
from roomsync.domain.calendar import Clock
from roomsync.domain.model import Booking, BookingStatus, Room, RoomStatus
from roomsync.errors import InternalError, Refused, RoomsyncError, UsageError

TODAY = date(2026, 11, 27)
CLOCK = Clock(TODAY, "2026-11-27T09:30:00Z")
COMMAND = ["roomsync", "batch"]


def line(**keys: Any) -> bytes:
    return json.dumps(keys).encode()


def usage_message(raw: bytes, number: int = 4) -> str:
    with pytest.raises(UsageError) as raised:
        parse_line(number, raw)
    return raised.value.message


def hotel() -> FakeUnitOfWork:
    rooms = [Room("101", RoomStatus.AVAILABLE, "Double"), Room("102", RoomStatus.CLEAN, "Suite"),
             Room("103", RoomStatus.DIRTY)]
    bookings = [Booking("B-000001", "101", "Ada", TODAY, day(2), BookingStatus.RESERVED),
                Booking("B-000002", "103", "Grace", day(-2), day(1), BookingStatus.CHECKED_IN),
                Booking("B-000003", "102", "Alan", day(3), day(5), BookingStatus.CANCELLED)]
    return FakeUnitOfWork(rooms, bookings)


def parsed(*lines: dict[str, Any]) -> list[tuple[int, Line | UsageError]]:
    return read_lines(b"\n".join(json.dumps(keys).encode() for keys in lines))


# --------------------------------------------------------------------------- parsing

def test_a_line_takes_the_commands_keys_with_their_json_types() -> None:
    book = parse_line(1, line(command="book", room=102, guest="Ada", arrival="2026-12-01", nights=2))
    assert book.model_dump() == {"room": "102", "guest": "Ada", "arrival": date(2026, 12, 1), "departure": None,
                                 "nights": 2, "room_type": None}
    walk_in = parse_line(1, line(command="checkin", room="103", walk_in=True, guest="Zoë", nights=1, force=None))
    assert walk_in.model_dump()["walk_in"] is True and walk_in.model_dump()["force"] is False
    by_type = parse_line(1, line(command="book", type="double", guest="Ada", arrival="2026-12-01",
                                 departure="2026-12-03", room=None))
    assert by_type.model_dump()["room_type"] == "double"
    kept = parse_line(1, line(command="housekeeping", room="101", status="out_of_service"))
    assert kept.model_dump()["status"] == "OUT_OF_SERVICE"
    added = parse_line(1, line(command="room add", number=401, type="Suite", floor=4, status="clean"))
    assert added.model_dump() == {"number": "401", "room_type": "Suite", "floor": 4, "status": "CLEAN"}


@pytest.mark.parametrize(("raw", "says"), [
    (b"nope", "line 4 is not JSON"),
    (b"[1, 2]", "line 4 is not a JSON object"),
    (b"\xff\xfe{}", "line 4 is not valid UTF-8"),
    (line(command="bogus"), 'command "bogus" is not a change command batch takes'),
    (line(room="101"), 'no "command" is not a change command'),
    (line(command="rooms"), 'command "rooms" is not a change command'),
    (line(command="book", room="1", guest="A", arrival="2026-12-01", nights=1, gust="x"),
     "line 4 (book): unknown key 'gust' (it takes room, guest, arrival, departure, nights, type)"),
    (line(command="book", room="1", guest="A", arrival="2026-12-01", nights="2"), "nights: must be a whole number"),
    (line(command="book", room="1", guest="A", arrival="2026-12-01", nights=0), "nights: must be a whole number"),
    (line(command="book", room="1", guest="A", arrival="2026-12-01", nights=1.0), "nights: must be a whole number"),
    (line(command="book", room="1", guest="A", arrival="2026-12-01", nights=3661), "from 1 to 3660"),
    (line(command="book", room="1", guest="A", arrival="01/12/2026", nights=1), "arrival: '01/12/2026' is not a date"),
    (line(command="book", room="1", guest="A", arrival=20261201, nights=1), "arrival: must be a date"),
    (line(command="book", room="1", guest=" ", arrival="2026-12-01", nights=1), "guest: the guest's name cannot be"),
    (line(command="book", room="1", guest=None, arrival="2026-12-01", nights=1), "key 'guest' is required"),
    (line(command="book", room="1", arrival="2026-12-01", nights=1), "key 'guest' is required"),
    (line(command="book", room="1", type="Suite", guest="A", arrival="2026-12-01", nights=1), "ROOM or --type"),
    (line(command="book", room="1", guest="A", arrival="2026-12-01", nights=1, departure="2026-12-02"),
     "either --departure or --nights"),
    (line(command="checkin", room="1", force="yes"), "force: must be true or false"),
    (line(command="checkin", room=True), "room: must be a room number"),
    (line(command="checkin", room="1", walk_in=True, guest="A"), "--walk-in needs --guest NAME and --nights N"),
    (line(command="checkin", room="1", guest="A"), "--guest and --nights go with --walk-in"),
    (line(command="cancel", booking=42), "booking: must be a string"),
    (line(command="housekeeping", room="1", status="sparkling"), "status: must be one of AVAILABLE"),
    (line(command="room add", number="9", status="RESERVED"), "status: must be one of AVAILABLE, CLEAN"),
    (line(command="room add", number="9", floor=1000), "floor: must be a whole number from -99 to 999"),
    (line(command="amend", booking="B-000001"), "nothing to amend"),
    (b'{"command": "cancel", "booking": "B-1", "booking": "B-2"}', "key 'booking' is given twice"),
    (b'{"command": "book", "room": "1", "guest": "A", "arrival": "2026-12-01", "nights": NaN}', "not JSON"),
])
def test_a_malformed_line_is_a_usage_error_naming_the_line_and_the_fault(raw: bytes, says: str) -> None:
    assert says in usage_message(raw)


def test_blank_lines_are_skipped_and_numbers_count_every_input_line() -> None:
    lines = read_lines(b'\xef\xbb\xbf\n  \r\n{"command": "cancel", "booking": "B-000001"}\r\n\nnope\n')
    assert [number for number, _ in lines] == [3, 5]
    assert isinstance(lines[0][1], Line)
    assert isinstance(lines[1][1], UsageError) and lines[1][1].message.startswith("line 5 ")
    assert read_lines(b"") == [] and read_lines(b"\n \n") == []


# --------------------------------------------------------------------------- the apply loop

def test_lines_see_the_lines_before_them_and_are_committed_once() -> None:
    uow = hotel()
    lines = parsed({"command": "book", "room": "102", "guest": "Zoë", "arrival": "2026-11-27", "nights": 1},
                   {"command": "checkin", "room": 102},
                   {"command": "checkin", "room": "102"},
                   {"command": "checkout", "room": "102"})
    outcome, applied = run_batch(uow, CLOCK, lines, COMMAND, all_or_nothing=False)
    documents = [json.loads(text) for text in outcome.results]
    assert documents[0]["booking"]["status"] == "Reserved" and documents[0]["room"]["status"] == "RESERVED"
    assert documents[1]["booking"]["status"] == "CheckedIn" and documents[1]["room"]["status"] == "OCCUPIED"
    assert documents[2]["error"]["code"] == "ROOM_OCCUPIED"
    assert documents[3]["booking"]["status"] == "CheckedOut" and documents[3]["room"]["status"] == "DIRTY"
    assert applied and outcome.failed == 1
    assert len(uow.store.entries) == 1
    entry = uow.store.entries[0]
    assert entry["command"] == COMMAND and entry["at"] == CLOCK.now
    assert [(c["line"], c.get("booking") or c.get("room"), c["field"]) for c in entry["changes"]] == [
        (1, "B-000004", None), (1, "102", "status"),
        (2, "B-000004", "status"), (2, "B-000004", "checked_in_at"), (2, "102", "status"),
        (4, "B-000004", "status"), (4, "B-000004", "checked_out_at"), (4, "102", "status")]
    assert [c["new"] for c in entry["changes"] if c.get("room") == "102"] == ["RESERVED", "OCCUPIED", "DIRTY"]


def test_an_id_issued_by_a_line_stays_issued_after_a_later_line_deletes_its_booking() -> None:
    uow = hotel()
    lines = parsed({"command": "book", "room": "102", "guest": "Zoë", "arrival": "2026-12-01", "nights": 1},
                   {"command": "delete", "booking": "b-000004"})
    outcome, applied = run_batch(uow, CLOCK, lines, COMMAND, all_or_nothing=False)
    assert applied and outcome.failed == 0
    entry = uow.store.entries[-1]
    assert entry["booking_id_mark"] == 4
    assert [(c["line"], c["old"] is None, c["new"] is None) for c in entry["changes"]] == [
        (1, True, False), (2, False, True)]
    with uow:
        assert uow.bookings.next_id() == "B-000005"


def test_all_or_nothing_writes_nothing_when_a_line_is_refused_but_reports_every_line() -> None:
    uow = hotel()
    before = copy.deepcopy(uow.store)
    lines = parsed({"command": "cancel", "booking": "B-000001"}, {"command": "cancel", "booking": "B-000003"})
    outcome, applied = run_batch(uow, CLOCK, lines, COMMAND, all_or_nothing=True)
    assert not applied and uow.store == before
    assert json.loads(outcome.results[0])["booking"]["status"] == "Cancelled"
    assert json.loads(outcome.results[1])["error"]["code"] == "INVALID_TRANSITION"


def test_a_batch_whose_lines_change_nothing_commits_nothing() -> None:
    uow = hotel()
    before = copy.deepcopy(uow.store)
    outcome, applied = run_batch(uow, CLOCK, parsed({"command": "housekeeping", "room": "102", "status": "clean"}),
                                 COMMAND, all_or_nothing=False)
    assert json.loads(outcome.results[0]) == {"room": {"number": "102", "status": "CLEAN", "type": "Suite"}}
    assert not applied and uow.store == before


class ChangesThenRefuses(Line):
    """An operation that breaks the rule every real one keeps: it changes, then refuses."""

    room: str

    def run(self, uow: Any, clock: Clock) -> Done:
        found = uow.rooms.get(self.room)
        found.status = RoomStatus.DIRTY
        uow.rooms.save(found, "spilled")
        raise Refused("ROOM_NOT_READY", "too late")


def test_a_line_refused_after_changing_something_stops_the_batch_with_nothing_written() -> None:
    uow = hotel()
    before = copy.deepcopy(uow.store)
    lines = [*parsed({"command": "cancel", "booking": "B-000001"}), (2, ChangesThenRefuses(room="102"))]
    with pytest.raises(InternalError, match="line 2 was refused"):
        run_batch(uow, CLOCK, lines, COMMAND, all_or_nothing=False)
    assert uow.store == before


# --------------------------------------------------------------------------- every command refuses cleanly

REFUSED: dict[str, dict[str, Any]] = {
    "book": {"room": "999", "guest": "A", "arrival": "2026-12-01", "nights": 1},
    "checkin": {"room": "103"},
    "checkout": {"room": "101"},
    "cancel": {"booking": "B-000003"},
    "noshow": {"booking": "B-000002"},
    "delete": {"booking": "B-000002"},
    "housekeeping": {"room": "103", "status": "OCCUPIED"},
    "move": {"booking": "B-000001", "room": "101"},
    "amend": {"booking": "B-000002", "arrival": "2026-11-28"},
    "undo-checkin": {"booking": "B-000001"},
    "reinstate": {"booking": "B-000001"},
    "room add": {"number": "101"},
    "room remove": {"number": "101"},
    "channel add": {"name": "web", "room": "999", "url": "https://example.invalid/feed.ics"},
    "channel remove": {"name": "nowhere"},
}


def test_every_command_batch_takes_has_a_refusal_case() -> None:
    assert set(REFUSED) == set(LINES)


@pytest.mark.parametrize("name", sorted(LINES))
def test_a_refused_line_of_every_command_leaves_the_unit_of_work_as_it_was(name: str) -> None:
    uow = hotel()
    with uow:
        parsed_line = parse_line(1, line(command=name, **REFUSED[name]))
        assert isinstance(parsed_line, Line)
        state, waiting = uow.state(), pending(uow, parsed_line)
        outcome = apply_lines(uow, CLOCK, [(1, parsed_line)])
        assert outcome.failed == 1 and outcome.changes == []
        assert "error" in json.loads(outcome.results[0])
        assert uow.state() == state and pending(uow, parsed_line) == waiting


# --------------------------------------------------------------------------- properties

ROOM_KEYS = st.sampled_from(["101", "102", "103", "104", 101, 102, "999"])
BOOKING_IDS = st.sampled_from([f"B-{i:06d}" for i in range(1, 9)] + ["b-000002", "B-999999"])
DAYS = st.integers(min_value=-3, max_value=8).map(lambda offset: day(offset).isoformat())
NIGHTS = st.integers(min_value=1, max_value=4)
GUESTS = st.sampled_from(["Ada", "Zoë"])
FLAGS = st.booleans()
TYPES = st.sampled_from(["double", "Suite", "Twin"])
STATUSES = st.sampled_from([s.value.lower() for s in RoomStatus])

LIKELY = [BookingStatus.RESERVED, BookingStatus.RESERVED, BookingStatus.CHECKED_IN, BookingStatus.CANCELLED,
          BookingStatus.NO_SHOW, BookingStatus.CHECKED_OUT]


@st.composite
def small_hotels(draw: Any) -> tuple[list[Room], list[Booking]]:
    """Up to four rooms and six bookings around today, most of them active (so that most
    generated lines find something to act on)."""
    count = draw(st.integers(min_value=1, max_value=4))
    rooms = [Room(number, draw(st.sampled_from(list(RoomStatus))), draw(st.sampled_from([None, "Double", "Suite"])))
             for number in ("101", "102", "103", "104")[:count]]
    bookings = []
    for i in range(draw(st.integers(min_value=0, max_value=6))):
        arrive, nights = draw(st.integers(min_value=-3, max_value=5)), draw(st.integers(min_value=1, max_value=4))
        bookings.append(Booking(f"B-{i + 1:06d}", draw(st.sampled_from([r.number for r in rooms])), f"Guest {i}",
                                day(arrive), day(arrive + nights), draw(st.sampled_from(LIKELY))))
    return rooms, bookings


def keys(name: str, required: dict[str, Any], optional: dict[str, Any] | None = None) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({"command": st.just(name), **required}, optional=optional or {})


STAY = {"guest": GUESTS, "arrival": DAYS}
KEYS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "book": st.one_of(keys("book", {**STAY, "room": ROOM_KEYS, "nights": NIGHTS}),
                      keys("book", {**STAY, "type": TYPES, "departure": DAYS}),
                      keys("book", STAY, {"room": ROOM_KEYS, "type": TYPES, "departure": DAYS, "nights": NIGHTS})),
    "checkin": st.one_of(keys("checkin", {"room": ROOM_KEYS}, {"booking": BOOKING_IDS, "force": FLAGS}),
                         keys("checkin", {"room": ROOM_KEYS, "walk_in": st.just(True), "guest": GUESTS,
                                          "nights": NIGHTS}, {"force": FLAGS})),
    "checkout": keys("checkout", {"room": ROOM_KEYS}, {"booking": BOOKING_IDS}),
    "cancel": keys("cancel", {"booking": BOOKING_IDS}),
    "noshow": keys("noshow", {"booking": BOOKING_IDS}),
    "delete": keys("delete", {"booking": BOOKING_IDS}),
    "housekeeping": keys("housekeeping", {"room": ROOM_KEYS, "status": STATUSES}, {"force": FLAGS}),
    "move": keys("move", {"booking": BOOKING_IDS, "room": ROOM_KEYS}, {"force": FLAGS}),
    "amend": st.one_of(keys("amend", {"booking": BOOKING_IDS, "nights": NIGHTS}, {"arrival": DAYS, "guest": GUESTS}),
                       keys("amend", {"booking": BOOKING_IDS, "departure": DAYS}, {"arrival": DAYS}),
                       keys("amend", {"booking": BOOKING_IDS},
                            {"arrival": DAYS, "departure": DAYS, "nights": NIGHTS, "guest": GUESTS})),
    "undo-checkin": keys("undo-checkin", {"booking": BOOKING_IDS}),
    "reinstate": keys("reinstate", {"booking": BOOKING_IDS}),
    "room add": keys("room add", {"number": ROOM_KEYS}, {"type": TYPES, "status": STATUSES}),
    "room remove": keys("room remove", {"number": ROOM_KEYS}),
    "channel add": keys("channel add", {"name": st.sampled_from(["web", "air"]), "room": ROOM_KEYS,
                                        "url": st.just("https://example.invalid/feed.ics")},
                        {"cancel_after": st.sampled_from(["12h", "0s"])}),
    "channel remove": keys("channel remove", {"name": st.sampled_from(["web", "air"])}),
}


def command_lines(name: str) -> st.SearchStrategy[dict[str, Any]]:
    return KEYS[name]


ANY_LINE = st.one_of(*(command_lines(name) for name in sorted(LINES)))
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_the_property_strategies_cover_every_command() -> None:
    assert set(KEYS) == set(LINES)


def fresh(hotel_: tuple[list[Room], list[Booking]]) -> FakeUnitOfWork:
    rooms, bookings = copy.deepcopy(hotel_)
    return FakeUnitOfWork(rooms, bookings)


def one_by_one(uow: FakeUnitOfWork, lines: list[tuple[int, Line | UsageError]]) -> tuple[list[str], dict[int, list]]:
    """Each line as its own command: its own unit of work and commit, as the CLI runs it."""
    results: list[str] = []
    changes: dict[int, list] = {}
    for number, each in lines:
        if isinstance(each, UsageError):
            results.append(json.dumps(error_document(each), ensure_ascii=False))
            continue
        with uow:
            try:
                done = each.run(uow, CLOCK)
            except RoomsyncError as refusal:
                results.append(json.dumps(error_document(refusal), ensure_ascii=False))
                continue
            entry = uow.commit([f"line {number}"], at=CLOCK.now)
        results.append(json.dumps(done.document, ensure_ascii=False))
        changes[number] = entry["changes"] if entry else []
    return results, changes


def by_line(changes: list[dict[str, Any]]) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = {}
    for change in changes:
        rest = {k: v for k, v in change.items() if k != "line"}
        grouped.setdefault(change["line"], []).append(json.dumps(rest, sort_keys=True))
    return {number: sorted(found) for number, found in grouped.items()}


@SETTINGS
@given(small_hotels(), st.lists(ANY_LINE, max_size=8))
def test_a_batch_is_the_same_commands_run_one_by_one(hotel_: Any, keys: list[dict[str, Any]]) -> None:
    lines = parsed(*keys)
    together, separate = fresh(hotel_), fresh(hotel_)
    outcome, applied = run_batch(together, CLOCK, lines, COMMAND, all_or_nothing=False)
    results, changes = one_by_one(separate, lines)
    assert outcome.results == results
    assert (together.store.rooms, together.store.bookings) == (separate.store.rooms, separate.store.bookings)
    assert applied == any(changes.values())
    if applied:
        assert together.store.id_mark == separate.store.id_mark
        assert len(together.store.entries) == 1
        expected = {number: sorted(json.dumps(c, sort_keys=True) for c in found)
                    for number, found in changes.items() if found}
        assert by_line(together.store.entries[0]["changes"]) == expected


@SETTINGS
@given(small_hotels(), st.lists(ANY_LINE, min_size=1, max_size=8))
def test_all_or_nothing_writes_nothing_when_any_line_fails(hotel_: Any, keys: list[dict[str, Any]]) -> None:
    uow = fresh(hotel_)
    before = copy.deepcopy(uow.store)
    outcome, applied = run_batch(uow, CLOCK, parsed(*keys), COMMAND, all_or_nothing=True)
    assert len(outcome.results) == len(keys)
    if outcome.failed:
        assert not applied and uow.store == before
    else:
        assert applied == bool(outcome.changes)


@SETTINGS
@pytest.mark.parametrize("name", sorted(LINES))
@given(hotel_=small_hotels(), data=st.data())
def test_no_refused_line_of_any_command_changes_the_unit_of_work(name: str, hotel_: Any, data: st.DataObject) -> None:
    uow = fresh(hotel_)
    with uow:
        before_lines = data.draw(st.lists(ANY_LINE, max_size=3), label="lines before")
        apply_lines(uow, CLOCK, parsed(*before_lines))
        for keys in data.draw(st.lists(command_lines(name), min_size=1, max_size=4), label=name):
            [(number, each)] = parsed(keys)
            if isinstance(each, UsageError):
                continue
            state, waiting = uow.state(), pending(uow, each)
            outcome = apply_lines(uow, CLOCK, [(number, each)])
            if outcome.failed:
                assert uow.state() == state and pending(uow, each) == waiting, keys
