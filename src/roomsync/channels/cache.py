"""A feed body as the fetch cache keeps it (JSON text): the last good body is what a later
`304 Not Modified` stands for, so it must come back byte for byte."""

from __future__ import annotations

import base64
import binascii
from typing import Any


def body_to_cache(body: bytes | None) -> dict[str, str]:
    """As text when it is UTF-8 (readable in the cache file), else as base64."""
    if body is None:
        return {}
    try:
        return {"body": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(body).decode("ascii")}


def body_from_cache(entry: dict[str, Any]) -> bytes | None:
    """The body kept, or None (no body, or a damaged entry: the next fetch downloads it whole)."""
    text = entry.get("body")
    if isinstance(text, str):
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:
            return None
    packed = entry.get("body_base64")
    if isinstance(packed, str):
        try:
            return base64.b64decode(packed, validate=True)
        except (binascii.Error, ValueError):
            return None
    return None
