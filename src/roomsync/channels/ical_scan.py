"""The structure of an iCalendar body: content lines and BEGIN/END nesting, read strictly.

A feed whose structure cannot be read is a failed fetch, never "no stays", so this scan is
strict where `icalendar` would guess. It is also quick: a booking site's feed is mostly
one-line events, and splitting those here lets the reader hand `icalendar` only values
(and the rare repeating series) instead of every line of a large feed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class FeedUnreadable(Exception):
    """The body is not an iCalendar object whose structure can be read; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_FOLD = re.compile(r"\r?\n[ \t]")
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
_PARAM_TEXT = r'(?:"[^"]*"|[^";:,]*)'
_PARAM = re.compile(rf";([A-Za-z0-9-]+)=({_PARAM_TEXT}(?:,{_PARAM_TEXT})*)")
_LINE = re.compile(rf"([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+={_PARAM_TEXT}(?:,{_PARAM_TEXT})*)*):(.*)", re.DOTALL)
_ESCAPE = re.compile(r"\\([\\;,nN])")


@dataclass(slots=True)
class Line:
    """One unfolded content line: NAME;PARAM=VALUE:value."""

    name: str
    raw_params: str
    """The ';PARAM=VALUE' part as written, read only when a parameter is asked for."""
    value: str
    text: str

    def param(self, name: str) -> str | None:
        for match in _PARAM.finditer(self.raw_params):
            if match.group(1).upper() == name:
                return match.group(2).strip('"')
        return None


@dataclass(slots=True)
class Block:
    """One component (BEGIN:NAME … END:NAME) with its own lines and its subcomponents."""

    name: str
    number: int
    """Position among its parent's blocks of the same name, from 1 (for messages)."""
    lines: list[Line] = field(default_factory=list)
    children: list[Block] = field(default_factory=list)

    def first(self, name: str) -> Line | None:
        for line in self.lines:
            if line.name == name:
                return line
        return None

    def has(self, *names: str) -> bool:
        return any(line.name in names for line in self.lines)

    def text(self, name: str) -> str:
        """A TEXT property's value, unescaped; empty when absent."""
        line = self.first(name)
        return "" if line is None else unescape(line.value)

    def ical(self) -> str:
        """The component written back as content lines, for `icalendar` to parse."""
        parts = [f"BEGIN:{self.name}\r\n"]
        parts.extend(line.text + "\r\n" for line in self.lines)
        parts.extend(child.ical() for child in self.children)
        parts.append(f"END:{self.name}\r\n")
        return "".join(parts)


def unescape(value: str) -> str:
    """A TEXT value as written by a person (\\n, \\, \\; and \\\\ undone)."""
    if "\\" not in value:
        return value
    return _ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def decode(body: bytes) -> str:
    """Feeds are UTF-8 (some with a byte-order mark); a few old exporters write Latin-1."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return body.decode("latin-1")


def looks_like_calendar(body: bytes) -> bool:
    """The body starts with BEGIN:VCALENDAR and ends with END:VCALENDAR (HTML pages do not)."""
    text = body.lstrip(b"\xef\xbb\xbf \t\r\n").rstrip().upper()
    return text.startswith(b"BEGIN:VCALENDAR") and text.endswith(b"END:VCALENDAR")


def _parse(text: str, number: int) -> Line:
    match = _LINE.fullmatch(text)
    if match is None:
        if ":" not in text:
            raise FeedUnreadable(f"content line {number} has no ':' ({_excerpt(text)})")
        raise FeedUnreadable(f"content line {number} is not 'NAME;PARAM=VALUE:value' ({_excerpt(text)})")
    name, params, value = match.groups()
    return Line(name.upper(), params, value, text)


def _excerpt(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "…")


def scan_calendar(body: bytes) -> Block:
    """The body's one VCALENDAR, or FeedUnreadable naming the first thing that cannot be read."""
    text = _FOLD.sub("", decode(body))
    stack: list[Block] = []
    counts: list[dict[str, int]] = [{}]
    calendar: Block | None = None
    for number, raw in enumerate(_LINE_BREAK.split(text), start=1):
        if not raw.strip():
            continue
        if calendar is not None:
            raise FeedUnreadable(f"content line {number} comes after END:VCALENDAR")
        line = _parse(raw, number)
        if line.name == "BEGIN":
            name = line.value.strip().upper()
            if not stack and name != "VCALENDAR":
                raise FeedUnreadable(f"not an iCalendar object: it begins with BEGIN:{name}")
            seen = counts[-1]
            seen[name] = seen.get(name, 0) + 1
            block = Block(name, seen[name])
            if stack:
                stack[-1].children.append(block)
            stack.append(block)
            counts.append({})
        elif line.name == "END":
            name = line.value.strip().upper()
            if not stack or stack[-1].name != name:
                opened = f"BEGIN:{stack[-1].name}" if stack else "no BEGIN"
                raise FeedUnreadable(f"END:{name} at content line {number} closes {opened}")
            done = stack.pop()
            counts.pop()
            if not stack:
                calendar = done
        elif not stack:
            raise FeedUnreadable("not an iCalendar object: it does not begin with BEGIN:VCALENDAR")
        else:
            stack[-1].lines.append(line)
    if calendar is None:
        if stack:
            raise FeedUnreadable(f"the feed ends inside BEGIN:{stack[-1].name} (truncated?)")
        raise FeedUnreadable("the feed is empty")
    return calendar
