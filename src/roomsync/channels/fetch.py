"""Fetch booking sites' feeds: HTTP(S), webcal:// and local files, bounded in time and size.

A fetch is good only when the body is an iCalendar object; a timeout, a refused connection,
a non-2xx status, a body over the cap or an HTML page is a failed fetch with a one-line reason,
and a failed fetch must never read as "every stay cancelled". A feed URL is the listing's
secret: reasons name only `shown_url` (scheme, host and path).
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import os
import socket
import ssl
import stat
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal, Self
from urllib.parse import unquote, urljoin, urlsplit

from roomsync import __version__
from roomsync.channels.ical_scan import looks_like_calendar
from roomsync.channels.urls import shown_url

Outcome = Literal["ok", "not_modified", "failed"]
MAX_REDIRECTS = 5
MAX_BYTES = 5 * 1024 * 1024
USER_AGENT = f"roomsync/{__version__}"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
HTTP_SCHEMES = frozenset({"http", "https", "webcal", "webcals"})


@dataclass(frozen=True, slots=True)
class Fetched:
    """What one fetch gave: the body to read (for 304, the last body) and the new validators."""

    outcome: Outcome
    body: bytes | None
    etag: str | None
    last_modified: str | None
    error: str | None

    @property
    def good(self) -> bool:
        return self.outcome != "failed"


@dataclass(frozen=True, slots=True)
class FeedRequest:
    """One feed to fetch, with what the last good fetch left (validators and body)."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    last_body: bytes | None = None


class _Failed(Exception):
    """A fetch that failed, with the reason to report (never the URL's secret)."""


def fetch_all(
    requests: Mapping[str, FeedRequest], *, timeout: float = 10.0, max_bytes: int = MAX_BYTES, workers: int = 8
) -> dict[str, Fetched]:
    """Fetch every feed at once (threads: the time is spent waiting on sites), by the same keys."""
    if not requests:
        return {}
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(requests))),
                            thread_name_prefix="roomsync-fetch") as pool:
        futures = {
            key: pool.submit(
                fetch_feed, request.url, etag=request.etag, last_modified=request.last_modified,
                last_body=request.last_body, timeout=timeout, max_bytes=max_bytes,
            )
            for key, request in requests.items()
        }
        return {key: future.result() for key, future in futures.items()}


def fetch_feed(
    url: str,
    *,
    etag: str | None,
    last_modified: str | None,
    last_body: bytes | None,
    timeout: float = 10.0,
    max_bytes: int = MAX_BYTES,
) -> Fetched:
    """Fetch one feed; never raises for anything the network or the file system does."""
    scheme = urlsplit(url).scheme.lower()
    try:
        if scheme in HTTP_SCHEMES:
            if last_body is None:  # nothing to fall back on for a 304: ask for the whole body
                etag = last_modified = None
            return _fetch_http(url, etag, last_modified, last_body, timeout, max_bytes)
        if scheme == "file" or not scheme or len(scheme) == 1:
            body = _read_file(_local_path(url), max_bytes)
            return Fetched("ok", _calendar(body), None, None, None)
        raise _Failed(f"unsupported URL scheme {scheme!r} (use https://, http://, webcal://, file:// or a path)")
    except _Failed as failed:
        return Fetched("failed", None, None, None, str(failed))


def _calendar(body: bytes) -> bytes:
    if looks_like_calendar(body):
        return body
    start = body.lstrip()[:200].lower()
    if start.startswith((b"<!doctype html", b"<html")) or b"<html" in start:
        raise _Failed("the site sent an HTML page, not an iCalendar feed (login or error page?)")
    raise _Failed("the body is not an iCalendar feed (no BEGIN:VCALENDAR … END:VCALENDAR)")


def _local_path(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme.lower() != "file":
        return url
    if parts.netloc not in ("", "localhost"):
        raise _Failed(f"file:// URL names another host ({parts.netloc}): only local files are read")
    return unquote(parts.path)


def _read_file(path: str, max_bytes: int) -> bytes:
    """A regular file's bytes; a directory, FIFO or device is refused without blocking on it."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise _Failed(f"cannot read {path}: {error.strerror or error}") from error
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise _Failed(f"{path} is not a regular file")
        with os.fdopen(descriptor, "rb", closefd=False) as file:
            body = file.read(max_bytes + 1)
    except OSError as error:
        raise _Failed(f"cannot read {path}: {error.strerror or error}") from error
    finally:
        os.close(descriptor)
    if len(body) > max_bytes:
        raise _Failed(f"{path} is over the {_size(max_bytes)} cap")
    return body


def _size(octets: int) -> str:
    return f"{octets / 1024 / 1024:g} MiB" if octets >= 1024 * 1024 else f"{octets} bytes"


class _Deadline:
    """The whole exchange's time limit: a timer shuts the socket when it runs out, so a slow
    drip of bytes cannot keep a read going, and each blocking call waits at most what is left."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = threading.Event()
        self._connection: http.client.HTTPConnection | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Self:
        self._timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._timer.cancel()

    def watch(self, connection: http.client.HTTPConnection | None) -> None:
        with self._lock:
            self._connection = connection
        if self.expired.is_set():
            raise _Failed(self.reason)

    def _expire(self) -> None:
        with self._lock:
            self.expired.set()
            sock = self._connection.sock if self._connection is not None else None
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    @property
    def reason(self) -> str:
        return f"no complete answer within {self.seconds:g} s (timeout)"


def _fetch_http(
    url: str, etag: str | None, last_modified: str | None, last_body: bytes | None, timeout: float, max_bytes: int
) -> Fetched:
    with _Deadline(timeout) as deadline:
        try:
            return _exchange(url, etag, last_modified, last_body, timeout, max_bytes, deadline)
        except _Failed:
            if deadline.expired.is_set():
                raise _Failed(deadline.reason) from None
            raise
        except (OSError, http.client.HTTPException) as error:
            if deadline.expired.is_set() or isinstance(error, TimeoutError):
                raise _Failed(deadline.reason) from None
            raise _Failed(_network_reason(error)) from None


def _network_reason(error: BaseException) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, socket.gaierror):
        return "host name not found"
    if isinstance(error, ssl.SSLError):
        return f"TLS error: {error.reason or error}"
    if isinstance(error, http.client.HTTPException):
        return f"bad HTTP answer ({type(error).__name__})"
    return f"network error: {getattr(error, 'strerror', None) or error}"


def _exchange(
    url: str, etag: str | None, last_modified: str | None, last_body: bytes | None,
    timeout: float, max_bytes: int, deadline: _Deadline,
) -> Fetched:
    parts = urlsplit(url)
    scheme = "https" if parts.scheme.lower() in ("https", "webcal", "webcals") else "http"
    origin = (parts.hostname, parts.port)
    authorization = _basic_auth(parts.username, parts.password)
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if not parts.hostname:
            raise _Failed(f"no host in {shown_url(url)}")
        connection_type = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        connection = connection_type(parts.hostname, parts.port, timeout=timeout)
        deadline.watch(connection)
        try:
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5", "Accept-Encoding": "identity"}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            if authorization and (parts.hostname, parts.port) == origin:
                headers["Authorization"] = authorization
            connection.request("GET", target, headers=headers)
            response = connection.getresponse()
            deadline.watch(connection)
            if response.status in REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise _Failed(f"HTTP {response.status} redirect without a Location")
                url, scheme = _redirected(url, scheme, location)
                continue
            if response.status == 304 and last_body is not None:
                return Fetched("not_modified", last_body, response.getheader("ETag") or etag,
                               response.getheader("Last-Modified") or last_modified, None)
            if not 200 <= response.status < 300:
                raise _Failed(f"HTTP {response.status} {response.reason[:80]}".strip())
            body = _read_capped(response, max_bytes, deadline)
            return Fetched("ok", _calendar(body), response.getheader("ETag"), response.getheader("Last-Modified"), None)
        finally:
            connection.close()
    raise _Failed(f"more than {MAX_REDIRECTS} redirects")


def _redirected(url: str, scheme: str, location: str) -> tuple[str, str]:
    """The next URL: http may go to https, https never back to http, nothing to another scheme."""
    target = urljoin(url, location)
    new_scheme = urlsplit(target).scheme.lower()
    if new_scheme not in ("http", "https"):
        raise _Failed(f"redirect to another scheme refused ({new_scheme or 'none'}:)")
    if scheme == "https" and new_scheme == "http":
        raise _Failed(f"redirect from https to http refused ({shown_url(target)})")
    return target, new_scheme


def _basic_auth(user: str | None, password: str | None) -> str | None:
    if user is None:
        return None
    token = f"{unquote(user)}:{unquote(password or '')}".encode()
    return "Basic " + base64.b64encode(token).decode("ascii")


def _read_capped(response: http.client.HTTPResponse, max_bytes: int, deadline: _Deadline) -> bytes:
    """Read the body, stopping as soon as it passes the cap."""
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise _Failed(f"the feed is over the {_size(max_bytes)} cap ({length} bytes announced)")
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = response.read1(65536)
        if deadline.expired.is_set():
            raise _Failed(deadline.reason)
        if not chunk:
            break
        total += len(chunk)
        if total > max_bytes:
            raise _Failed(f"the feed is over the {_size(max_bytes)} cap")
        chunks.append(chunk)
    return b"".join(chunks)
