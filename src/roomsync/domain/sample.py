"""The demo hotel of `init --sample` (and of the shipped `data/`), dated around a given day.

It is consistent on that day (statuses as §2 derives them) and stays free of problems as the
years pass: the guest in house has no later booking of their room (an overstay only warns),
no two active stays of a room ever meet, and no reservation names a closed room.
"""

from __future__ import annotations

from datetime import date

from roomsync.domain.calendar import add_days
from roomsync.domain.model import Booking, BookingStatus, Room, RoomStatus
from roomsync.domain.status import expected_status

FLOORS = {
    1: [("101", "Single"), ("102", "Double"), ("103", "Double"), ("104", "Twin"), ("105", "Single")],
    2: [("201", "Double"), ("202", "Double"), ("203", "Twin"), ("204", "Single"), ("205", "Suite")],
    3: [("301", "Suite"), ("302", "Double"), ("303", "Double"), ("304", "Twin"), ("305", "Suite")],
}

# (room, guest, arrival offset, nights, status): offsets are days from the sample's day.
STAYS = [
    ("101", "Grace Hopper", -10, 3, BookingStatus.CHECKED_OUT),
    ("201", "Alan Turing", -5, 3, BookingStatus.CHECKED_OUT),
    ("104", "Edsger Dijkstra", -3, 2, BookingStatus.CANCELLED),
    ("302", "Barbara Liskov", -4, 1, BookingStatus.NO_SHOW),
    ("301", "Ada Lovelace", -2, 4, BookingStatus.CHECKED_IN),
    ("101", "Katherine Johnson", 0, 3, BookingStatus.RESERVED),
    ("204", "Donald Knuth", 0, 1, BookingStatus.RESERVED),
    ("201", "Margaret Hamilton", 1, 3, BookingStatus.RESERVED),
    ("103", "Ken Thompson", 2, 3, BookingStatus.RESERVED),
    ("101", "Frances Allen", 3, 2, BookingStatus.RESERVED),
    ("303", "John Backus", 7, 3, BookingStatus.RESERVED),
    ("205", "Radia Perlman", 5, 4, BookingStatus.RESERVED),
]

CLOSED = {"105": RoomStatus.MAINTENANCE, "304": RoomStatus.DIRTY}


def sample_hotel(day: date, now: str) -> tuple[list[Room], list[Booking]]:
    """Rooms and bookings (ids left empty for the store to issue) consistent on `day`.

    Its stays lie from 10 days before `day` to 10 after: too near the calendar's edge
    (0001-01-01, 9999-12-31) the demo hotel cannot be dated, INVALID_DATES.
    """
    rooms = []
    for floor, numbers in FLOORS.items():
        for number, room_type in numbers:
            status = CLOSED.get(number, RoomStatus.AVAILABLE)
            rooms.append(Room(number, status, room_type, {"floor": floor}))
    bookings = []
    for number, guest, offset, nights, stay_status in STAYS:
        subject = f"The demo hotel dated {day}: the stay of {guest} in room {number}"
        arrival = add_days(day, offset, f"{subject}: its arrival")
        departure = add_days(arrival, nights, f"{subject}: its departure")
        booking = Booking("", number, guest, arrival, departure, stay_status)
        booking.stamp("created_at", now)
        bookings.append(booking)
    by_room: dict[str, list[Booking]] = {}
    for booking in bookings:
        by_room.setdefault(booking.room, []).append(booking)
    for room in rooms:
        room.status, _ = expected_status(room, by_room.get(room.number, []), day)
    return rooms, bookings
