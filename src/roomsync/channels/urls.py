"""A feed URL as roomsync shows it. The URL is the listing's secret (anyone holding it reads
the property's bookings): output, errors and the audit name only scheme, host and path.
Kept apart from fetch.py so that the audit can redact a command line without loading HTTP."""

from __future__ import annotations

from urllib.parse import urlsplit

FEED_SCHEMES = ("https://", "http://", "webcal://", "webcals://")


def shown_url(url: str) -> str:
    """The URL without its secret: scheme, host (and port) and path; no user, password or query."""
    parts = urlsplit(url)
    if not parts.scheme or len(parts.scheme) == 1:  # a local path (or a Windows drive letter)
        return url.split("?", 1)[0]
    host = parts.hostname or ""
    try:
        port = parts.port
    except ValueError:  # not a number: shown as no port rather than failing a message
        port = None
    if port is not None:
        host = f"{host}:{port}"
    return f"{parts.scheme}://{host}{parts.path}"


def redacted(arg: str) -> str:
    """A command-line argument holding a feed URL, as the audit keeps it (`--url=…` included)."""
    lowered = arg.lower()
    for scheme in FEED_SCHEMES:
        at = lowered.find(scheme)
        if at >= 0:
            return arg[:at] + shown_url(arg[at:])
    return arg
