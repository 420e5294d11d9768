"""Fetching feeds from a real HTTP server on 127.0.0.1 and from local files."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from roomsync import __version__
from roomsync.channels.fetch import (
    FeedRequest,
    _Failed,
    _redirected,
    fetch_all,
    fetch_feed,
    shown_url,
)

FEED = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n"
FEED_V2 = FEED.replace(b"-//test//EN", b"-//test v2//EN")


class Site(BaseHTTPRequestHandler):
    """A booking site: each path is one behaviour the fetcher must handle."""

    seen: ClassVar[list[dict[str, str]]] = []

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass

    def handle(self) -> None:
        # the fetcher gave up on a slow answer, as it should
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()

    def send(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        Site.seen.append({"path": self.path, **dict(self.headers.items())})
        path = self.path.split("?")[0]
        if path == "/feed.ics":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send(304, ETag='"v1"')
            else:
                self.send(200, FEED, ETag='"v1"', Last_Modified="Tue, 01 Dec 2026 10:00:00 GMT")
        elif path == "/error":
            self.send(500)
        elif path == "/login":
            self.send(200, b"<!DOCTYPE html><html><body>Please sign in</body></html>", Content_Type="text/html")
        elif path == "/slow-headers":
            time.sleep(3)
            self.send(200, FEED)
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Length", str(len(FEED)))
            self.end_headers()
            for byte in FEED:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.1)
        elif path == "/big":
            self.send_response(200)
            self.end_headers()  # no Content-Length: the reader must stop by counting
            self.wfile.write(b"BEGIN:VCALENDAR\r\n" + b"X-PAD:" + b"x" * 10_000 + b"\r\n")
        elif path.startswith("/hop/"):
            left = int(path.removeprefix("/hop/"))
            self.send(302, Location=f"/hop/{left - 1}" if left > 1 else "/feed.ics")
        elif path == "/to-ftp":
            self.send(302, Location="ftp://127.0.0.1/feed.ics")
        elif path == "/sleep":
            time.sleep(0.8)
            self.send(200, FEED)
        else:
            self.send(404)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_good_fetch_returns_the_body_validators_and_sends_the_user_agent(site: str) -> None:
    Site.seen.clear()
    fetched = fetch_feed(f"{site}/feed.ics", etag=None, last_modified=None, last_body=None)
    assert (fetched.outcome, fetched.body, fetched.etag, fetched.error) == ("ok", FEED, '"v1"', None)
    assert fetched.last_modified == "Tue, 01 Dec 2026 10:00:00 GMT"
    assert Site.seen[-1]["User-Agent"] == f"roomsync/{__version__}"
    assert "If-None-Match" not in Site.seen[-1]


def test_an_etag_sent_back_gets_304_and_the_last_body_is_kept(site: str) -> None:
    fetched = fetch_feed(f"{site}/feed.ics", etag='"v1"', last_modified="Tue, 01 Dec 2026 10:00:00 GMT",
                         last_body=FEED_V2)
    assert (fetched.outcome, fetched.body, fetched.etag) == ("not_modified", FEED_V2, '"v1"')
    assert Site.seen[-1]["If-None-Match"] == '"v1"'
    assert Site.seen[-1]["If-Modified-Since"] == "Tue, 01 Dec 2026 10:00:00 GMT"


def test_validators_are_not_sent_without_a_last_body_to_fall_back_on(site: str) -> None:
    fetched = fetch_feed(f"{site}/feed.ics", etag='"v1"', last_modified=None, last_body=None)
    assert (fetched.outcome, fetched.body) == ("ok", FEED)
    assert "If-None-Match" not in Site.seen[-1]


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/error", "HTTP 500"),
        ("/login", "HTML page"),
        ("/missing", "HTTP 404"),
        ("/hop/6", "more than 5 redirects"),
        ("/to-ftp", "redirect to another scheme refused (ftp:)"),
    ],
)
def test_a_failed_fetch_has_no_body_and_a_one_line_reason(site: str, path: str, reason: str) -> None:
    fetched = fetch_feed(f"{site}{path}", etag=None, last_modified=None, last_body=FEED)
    assert (fetched.outcome, fetched.body) == ("failed", None)
    assert fetched.error is not None and reason in fetched.error and "\n" not in fetched.error


def test_five_redirects_http_to_http_are_followed(site: str) -> None:
    fetched = fetch_feed(f"{site}/hop/5", etag=None, last_modified=None, last_body=None)
    assert (fetched.outcome, fetched.body) == ("ok", FEED)


@pytest.mark.parametrize("path", ["/slow-headers", "/drip"])
def test_the_timeout_bounds_the_whole_exchange_even_a_slow_drip(site: str, path: str) -> None:
    started = time.monotonic()
    fetched = fetch_feed(f"{site}{path}", etag=None, last_modified=None, last_body=None, timeout=1.0)
    assert fetched.outcome == "failed" and "timeout" in (fetched.error or "")
    assert time.monotonic() - started < 2.0


def test_a_body_over_the_cap_fails_and_reading_stops(site: str) -> None:
    fetched = fetch_feed(f"{site}/big", etag=None, last_modified=None, last_body=None, max_bytes=4096)
    assert fetched.outcome == "failed" and "over the 4096 bytes cap" in (fetched.error or "")
    announced = fetch_feed(f"{site}/login", etag=None, last_modified=None, last_body=None, max_bytes=10)
    assert "announced" in (announced.error or "")


def test_a_redirect_may_go_from_http_to_https_but_never_back() -> None:
    assert _redirected("http://a.example/x.ics", "http", "https://b.example/y.ics") == (
        "https://b.example/y.ics", "https")
    assert _redirected("https://a.example/x.ics", "https", "/y.ics") == ("https://a.example/y.ics", "https")
    with pytest.raises(_Failed, match="from https to http refused"):
        _redirected("https://a.example/x.ics?s=1", "https", "http://a.example/y.ics?s=SECRET")


def test_a_refused_connection_fails() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    fetched = fetch_feed(f"http://127.0.0.1:{port}/feed.ics", etag=None, last_modified=None, last_body=None)
    assert (fetched.outcome, fetched.error) == ("failed", "connection refused")


def test_webcal_is_fetched_as_https(site: str) -> None:
    fetched = fetch_feed(site.replace("http://", "webcal://") + "/feed.ics", etag=None, last_modified=None,
                         last_body=None)
    assert fetched.outcome == "failed" and "TLS" in (fetched.error or "")  # the test site speaks plain HTTP


def test_the_urls_secret_never_appears_in_an_error_and_credentials_are_sent(site: str) -> None:
    url = site.replace("http://", "http://owner:s3cret@") + "/error?t=TOKEN123"
    fetched = fetch_feed(url, etag=None, last_modified=None, last_body=None)
    assert fetched.outcome == "failed"
    assert Site.seen[-1]["Authorization"] == "Basic b3duZXI6czNjcmV0"
    assert shown_url(url) == site + "/error"
    assert shown_url("https://u:p@www.airbnb.com/calendar/ical/1.ics?s=abc") == "https://www.airbnb.com/calendar/ical/1.ics"
    assert shown_url("/srv/feeds/room.ics?x=1") == "/srv/feeds/room.ics"


def test_fetch_all_fetches_in_parallel_and_keeps_the_keys(site: str) -> None:
    started = time.monotonic()
    results = fetch_all({f"c{i}": FeedRequest(f"{site}/sleep") for i in range(4)}
                        | {"bad": FeedRequest(f"{site}/error")})
    assert time.monotonic() - started < 2.5  # four 0.8 s answers at once, not one after another
    assert {key: r.outcome for key, r in results.items()} == {
        "c0": "ok", "c1": "ok", "c2": "ok", "c3": "ok", "bad": "failed"}


def test_file_urls_and_local_paths_are_read_from_disk(tmp_path: Path) -> None:
    feed = tmp_path / "room 12.ics"
    feed.write_bytes(FEED)
    for url in (str(feed), feed.as_uri()):
        fetched = fetch_feed(url, etag=None, last_modified=None, last_body=None)
        assert (fetched.outcome, fetched.body) == ("ok", FEED)
    (tmp_path / "page.html").write_bytes(b"<html>not a feed</html>")
    fetched = fetch_feed(str(tmp_path / "page.html"), etag=None, last_modified=None, last_body=None)
    assert "HTML" in (fetched.error or "")


def test_a_missing_file_a_directory_and_a_fifo_fail_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "feed.fifo"
    os.mkfifo(fifo)
    started = time.monotonic()
    for path, reason in ((tmp_path / "none.ics", "No such file"), (tmp_path, "not a regular file"),
                         (fifo, "not a regular file")):
        fetched = fetch_feed(str(path), etag=None, last_modified=None, last_body=None)
        assert fetched.outcome == "failed" and reason in (fetched.error or "")
    assert time.monotonic() - started < 1.0
    remote = fetch_feed("file://example.org/x.ics", etag=None, last_modified=None, last_body=None)
    assert "another host" in (remote.error or "")
