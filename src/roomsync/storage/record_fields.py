"""The field checks of SPEC §1's records, as pydantic schemas run in its compiled core.

Kept apart from `records.py` so that pydantic's validator machinery is imported only when a
file gets the full check: a file roomsync sealed is parsed without it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired

from pydantic import (
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    StringConstraints,
    TypeAdapter,
)
from typing_extensions import TypedDict

from roomsync.domain.model import BookingStatus, RoomStatus

NonBlank = Annotated[StrictStr, StringConstraints(pattern=r"\S")]
DateText = Annotated[StrictStr, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
RoomNumber = Annotated[NonBlank | StrictInt, Field(union_mode="left_to_right")]


class RoomFields(TypedDict):
    __pydantic_config__ = ConfigDict(extra="ignore")  # type: ignore[misc]
    number: RoomNumber
    status: Literal[tuple(s.value for s in RoomStatus)]  # type: ignore[valid-type]
    type: NotRequired[StrictStr | None]


class BookingFields(TypedDict):
    __pydantic_config__ = ConfigDict(extra="ignore")  # type: ignore[misc]
    id: NonBlank
    room: RoomNumber
    guest: NonBlank
    arrival: DateText
    departure: DateText
    status: Literal[tuple(s.value for s in BookingStatus)]  # type: ignore[valid-type]


def adapters() -> dict[str, TypeAdapter[Any]]:
    """The field checks of a full check (the console script turns pydantic's plugin discovery
    off for the whole process: see `cli.app.run`)."""
    return {"rooms": TypeAdapter(list[RoomFields]), "bookings": TypeAdapter(list[BookingFields])}
