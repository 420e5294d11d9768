"""Seals: the data files a commit left validated, recorded in its audit line.

A seal names one data file as it stood when the commit's audit line was written, in bytes
that passed every check: its size and the digest of those bytes (`files.digest`, the one the
concurrent-edit check takes of every file read). The next command compares the seal with the
file it reads: the same size and digest mean the very bytes already validated, which need
parsing only. Anything else -- a hand edit, a restore, `git checkout`, a file roomsync never
wrote -- gets the full check.

A file is sealed only when orjson reads it back exactly (`records.Loaded.exact`): the sealed
path parses with orjson, which reads an integer beyond 64 bits as a float.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from roomsync.storage.files import Identity

KEY = "validated"


def seal(identity: Identity) -> dict[str, Any]:
    """The audit line's record of one validated file."""
    return {"size": identity.size, "sha256": identity.digest.hex()}


def seals_of(entry: Any) -> dict[str, dict[str, Any]]:
    """The seals an audit entry carries, by file name (none from a line that is not roomsync's)."""
    found = entry.get(KEY) if isinstance(entry, dict) else None
    if not isinstance(found, dict):
        return {}
    return {name: value for name, value in found.items() if isinstance(value, dict)}


def matches(sealed: dict[str, Any] | None, identity: Identity | None) -> bool:
    """Whether a file read as `identity` holds exactly the bytes `sealed` records."""
    if sealed is None or identity is None:
        return False
    return sealed.get("size") == identity.size and sealed.get("sha256") == identity.digest.hex()


def of(paths: list[Path], written: Mapping[Path, Identity], exact: Mapping[Path, bool],
       read: Mapping[Path, Identity | None], checked: Collection[Path]) -> dict[str, Any]:
    """The seals a commit records: each file it wrote (when orjson reads it back exactly),
    else each file it read and checked (`checked`) and left alone, as read."""
    found: dict[str, Any] = {}
    for path in paths:
        identity = written.get(path) if path in written else read.get(path)
        validated = exact.get(path, False) if path in written else path in checked
        if identity is not None and validated:
            found[path.name] = seal(identity)
    return found
