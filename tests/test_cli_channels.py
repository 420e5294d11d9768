"""What the CLI adds to channels: `channel`, `sync` and `ical` shapes, exit codes, refusals that
leave every byte as it was, and sync end to end against a real HTTP server and local files.
(The rules of applying a feed are tested on the fake store in test_channel_rules.py.)"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from conftest import TODAY, run_cli, snapshot

SECRET = "t=SECRET123"


def event(uid: str, start: str, end: str, summary: str = "CLOSED - Not available", extra: str = "") -> str:
    return (f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART;VALUE=DATE:{start}\r\nDTEND;VALUE=DATE:{end}\r\n"
            f"SUMMARY:{summary}\r\n{extra}END:VEVENT\r\n")


def calendar(*events: str, prodid: str = "-//Booking.com//EN") -> bytes:
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{prodid}\r\n{''.join(events)}END:VCALENDAR\r\n".encode()


class Site(BaseHTTPRequestHandler):
    """A booking site serving one feed with an ETag (304 when it is sent back), or failing."""

    body: ClassVar[bytes] = calendar()
    status: ClassVar[int] = 200
    requests: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        Site.requests.append(self.path)
        etag = f'"{hash(Site.body) & 0xffff}"'
        if Site.status != 200:
            self.send_response(Site.status)
            self.end_headers()
            return
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("Content-Length", str(len(Site.body)))
        self.end_headers()
        self.wfile.write(Site.body)


@pytest.fixture
def site() -> Iterator[str]:
    Site.body, Site.status, Site.requests = calendar(), 200, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://user:pw@127.0.0.1:{server.server_address[1]}/ical/104.ics?{SECRET}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def rs(data: Path, *args: str) -> Any:
    return run_cli(*args, "--data-dir", str(data), "--today", TODAY)


def ok(data: Path, *args: str) -> Any:
    result = rs(data, *args, "--json")
    assert result.code == 0, result.stderr
    return result.json()


def audit_lines(data: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (data / "audit.jsonl").read_text().splitlines()]


# ----------------------------------------------------------------------------- channel add | list | remove


def test_channel_add_list_remove_show_the_stored_object_without_the_urls_secret(hotel: Path, site: str) -> None:
    added = ok(hotel, "channel", "add", "booking", "--room", "104", "--url", site, "--cancel-after", "720m")
    shown_url = site.split("?")[0].replace("user:pw@", "")
    assert added == {"channel": {"name": "booking", "room": "104", "url": shown_url, "cancel_after": "720m",
                                 "conflicts": []}}
    stored = json.loads((hotel / "channels.json").read_text())
    assert stored[0]["url"] == site, "channels.json keeps the URL whole"
    listed = ok(hotel, "channel", "list")
    assert listed == [{**added["channel"], "last_fetch": None, "last_good_fetch": None}]
    removed = ok(hotel, "channel", "remove", "booking")
    assert removed == added
    assert json.loads((hotel / "channels.json").read_text()) == []
    everything = (hotel / "audit.jsonl").read_text()
    assert SECRET not in everything and "pw@" not in everything


@pytest.mark.parametrize(("args", "code", "error"), [
    (("channel", "add", "booking", "--room", "999", "--url", "/x.ics"), 1, "UNKNOWN_ROOM"),
    (("channel", "add", "Booking.com", "--room", "104", "--url", "/x.ics"), 2, "USAGE"),
    (("channel", "add", "vrbo", "--room", "104", "--url", "ftp://x/y.ics"), 2, "USAGE"),
    (("channel", "add", "vrbo", "--room", "104", "--url", "/x.ics", "--cancel-after", "12 hours"), 2, "USAGE"),
    (("channel", "add", "airbnb", "--room", "104", "--url", "/y.ics"), 1, "ALREADY_EXISTS"),
    (("channel", "add", "airbnb", "--room", "999", "--url", "/y.ics"), 1, "ALREADY_EXISTS"),  # listed first
    (("channel", "remove", "vrbo"), 1, "UNKNOWN_CHANNEL"),
    (("sync", "--channel", "vrbo"), 1, "UNKNOWN_CHANNEL"),
    (("ical", "999"), 1, "UNKNOWN_ROOM"),
    (("ical", "104", "--exclude-channel", "vrbo"), 1, "UNKNOWN_CHANNEL"),
])
def test_refusals_and_usage_errors_say_why_and_change_no_byte(hotel: Path, args: tuple[str, ...], code: int,
                                                              error: str) -> None:
    ok(hotel, "channel", "add", "airbnb", "--room", "104", "--url", str(hotel / "airbnb.ics"))
    before = snapshot(hotel)
    result = rs(hotel, *args, "--json")
    assert result.code == code, result.stderr
    assert json.loads(result.stdout)["error"]["code"] == error
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout)["error"]["message"] in result.stderr.strip().splitlines()[-1]
    assert snapshot(hotel) == before


def test_a_malformed_channels_file_is_exit_3_for_channel_commands_only(hotel: Path) -> None:
    (hotel / "channels.json").write_text('[{"name": "booking", "room": "104"}]')
    before = snapshot(hotel)
    for args in (("sync",), ("channel", "list"), ("validate",), ("ical", "104")):
        result = rs(hotel, *args, "--json")
        assert result.code == 3, (args, result.stderr)
        assert "channels.json: record 1 (channel booking): url" in json.loads(result.stdout)["error"]["message"]
    assert snapshot(hotel) == before
    assert rs(hotel, "checkin", "204").code == 0, "checkin never reads channels.json"


# ----------------------------------------------------------------------------- sync end to end


def test_sync_over_http_imports_then_a_304_changes_nothing_and_writes_no_audit_line(hotel: Path, site: str) -> None:
    Site.body = calendar(event("a@booking", "20261203", "20261206"), event("b@booking", "20261210", "20261212"))
    ok(hotel, "channel", "add", "booking", "--room", "104", "--url", site)
    first = rs(hotel, "sync", "--json")
    assert first.code == 0, first.stderr
    entry = first.json()["channels"][0]
    assert (entry["fetch"], entry["events"], len(entry["created"])) == ("ok", 2, 2)
    assert first.json()["applied"] is True
    lines = len(audit_lines(hotel))
    data_files = {k: v for k, v in snapshot(hotel).items() if k != ".roomsync-channels.json"}
    again = rs(hotel, "sync", "--json")
    assert again.code == 0
    assert again.json()["channels"][0] == {**entry, "fetch": "not_modified", "created": []}
    assert len(audit_lines(hotel)) == lines, "a sync that changes nothing appends no audit line"
    assert {k: v for k, v in snapshot(hotel).items() if k != ".roomsync-channels.json"} == data_files
    assert SECRET not in first.stdout + again.stdout + (hotel / "audit.jsonl").read_text()
    listed = ok(hotel, "channel", "list")[0]
    assert listed["last_fetch"]["outcome"] == "not_modified" and listed["last_good_fetch"] is not None


def test_a_failed_fetch_changes_nothing_and_exits_1(hotel: Path, site: str) -> None:
    Site.body = calendar(event("a@booking", "20261203", "20261206"))
    ok(hotel, "channel", "add", "booking", "--room", "104", "--url", site, "--cancel-after", "0s")
    ok(hotel, "sync")
    Site.status = 500
    before = {k: v for k, v in snapshot(hotel).items() if k != ".roomsync-channels.json"}
    result = rs(hotel, "sync", "--json")
    assert result.code == 1
    entry = result.json()["channels"][0]
    assert entry["fetch"] == "failed" and "500" in entry["error"] and entry["cancelled"] == []
    assert [w["code"] for w in entry["warnings"]] == ["CHANNEL_FETCH_FAILED"]
    assert entry["warnings"][0]["channel"] == "booking"
    assert {k: v for k, v in snapshot(hotel).items() if k != ".roomsync-channels.json"} == before
    assert ok(hotel, "channel", "list")[0]["last_fetch"]["outcome"] == "failed"


def test_a_conflict_is_stored_listed_by_validate_and_cleared_by_a_later_sync(hotel: Path, tmp_path: Path) -> None:
    feed = tmp_path / "feed.ics"
    feed.write_bytes(calendar(event("k@site", "20261128", "20261129")))  # room 101 is Katherine's then
    ok(hotel, "channel", "add", "site", "--room", "101", "--url", feed.as_uri())
    result = rs(hotel, "sync", "--json")
    assert result.code == 1
    conflict = result.json()["channels"][0]["conflicts"][0]
    assert (conflict["code"], conflict["channel"], conflict["uid"], conflict["bookings"]) == (
        "CHANNEL_CONFLICT", "site", "k@site", ["B-000006"])
    lines = len(audit_lines(hotel))
    assert rs(hotel, "sync").code == 1
    assert len(audit_lines(hotel)) == lines, "an unchanged conflict changes nothing"
    validated = rs(hotel, "validate", "--json")
    assert validated.code == 1
    assert [p["code"] for p in validated.json()["problems"]] == ["CHANNEL_CONFLICT"]
    assert validated.json()["problems"][0]["uid"] == "k@site"
    feed.write_bytes(calendar(event("k@site", "20261203", "20261204")))
    assert rs(hotel, "sync").code == 0
    assert rs(hotel, "validate").code == 0
    assert json.loads((hotel / "channels.json").read_text())[0]["conflicts"] == []


def test_sync_dry_run_reports_but_writes_nothing_not_even_the_cache(hotel: Path, tmp_path: Path) -> None:
    feed = tmp_path / "feed.ics"
    feed.write_bytes(calendar(event("a@site", "20261203", "20261206")))
    ok(hotel, "channel", "add", "site", "--room", "104", "--url", str(feed))
    before = snapshot(hotel)
    result = rs(hotel, "sync", "--dry-run", "--json")
    assert result.code == 0
    assert result.json()["applied"] is False and len(result.json()["channels"][0]["created"]) == 1
    assert snapshot(hotel) == before


def test_a_channel_never_fetched_warns_stale_in_validate(hotel: Path) -> None:
    ok(hotel, "channel", "add", "site", "--room", "104", "--url", "/nowhere.ics")
    warnings = ok(hotel, "validate")["warnings"]
    assert [(w["code"], w["channel"]) for w in warnings] == [("CHANNEL_STALE", "site")]


# ----------------------------------------------------------------------------- ical


def test_ical_prints_writes_and_excludes_a_channels_own_bookings(hotel: Path, tmp_path: Path) -> None:
    feed = tmp_path / "feed.ics"
    feed.write_bytes(calendar(event("a@site", "20261203", "20261206")))
    ok(hotel, "channel", "add", "site", "--room", "104", "--url", str(feed))
    ok(hotel, "sync")
    printed = ok(hotel, "ical", "104")
    assert printed["room"] == "104" and printed["events"] == 1 and "DTSTART;VALUE=DATE:20261203" in printed["ical"]
    assert "site" not in printed["ical"] and "reservation" not in printed["ical"], "no guest or channel"
    assert ok(hotel, "ical", "104", "--exclude-channel", "site")["events"] == 0
    out = tmp_path / "104.ics"
    assert ok(hotel, "ical", "104", "--out", str(out)) == {"room": "104", "events": 1, "out": str(out)}
    assert out.read_bytes() == printed["ical"].encode()
    plain = rs(hotel, "ical", "104")
    assert plain.stdout == printed["ical"]


def test_ical_all_writes_every_room_and_every_channels_feed(hotel: Path, tmp_path: Path) -> None:
    feed = tmp_path / "feed.ics"
    feed.write_bytes(calendar(event("a@site", "20261203", "20261206")))
    ok(hotel, "channel", "add", "site", "--room", "104", "--url", str(feed))
    ok(hotel, "sync")
    out = tmp_path / "www"
    written = ok(hotel, "ical", "--all", "--out-dir", str(out))
    assert written["out_dir"] == str(out) and len(written["rooms"]) == 15
    assert {"room": "104", "events": 1, "out": str(out / "104.ics")} in written["rooms"]
    assert written["channels"] == [{"channel": "site", "events": 0, "out": str(out / "channel-site.ics")}]
    assert sorted(p.name for p in out.iterdir())[:2] == ["101.ics", "102.ics"]
    assert (out / "104.ics").read_bytes() == ok(hotel, "ical", "104")["ical"].encode()


def test_ical_all_leaves_feeds_that_did_not_change_untouched(hotel: Path, tmp_path: Path) -> None:
    """Sites poll the published files every few hours: an unchanged feed keeps its bytes and
    its mtime (the web server answers 304), and only the room whose nights changed is rewritten."""
    out = tmp_path / "www"
    ok(hotel, "ical", "--all", "--out-dir", str(out))
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    for path in out.iterdir():  # set every mtime back, so a rewrite cannot hide in the same tick
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    ok(hotel, "book", "102", "--guest", "Zoë", "--arrival", "2026-12-01", "--nights", "2")
    again = ok(hotel, "ical", "--all", "--out-dir", str(out))
    assert len(again["rooms"]) == len(before)
    rewritten = sorted(p.name for p in out.iterdir() if p.stat().st_mtime_ns != 1_000_000_000)
    assert rewritten == ["102.ics"]
    assert b"DTSTART;VALUE=DATE:20261201" in (out / "102.ics").read_bytes()
