"""Drawing the tape chart: each stay a bar with the guest's name across its nights.

Five columns a night, so 14 nights fit an 80-column terminal; names are shortened (by
terminal cells, so a CJK name takes its real width), never the columns. Where colour is
shown the status is a colour; wherever it is not (piped, `NO_COLOR`, `TERM=dumb`) it is the
bar's first letter (R reserved, I in house, O checked out): nothing is said by colour alone.
Rooms closed for maintenance are marked `#`.
"""

from __future__ import annotations

from roomsync.cli.render import colour_shown, say
from roomsync.domain.model import OUT_OF_ORDER, Booking, BookingStatus
from roomsync.domain.views import Chart

CELL = 5
LETTER = {BookingStatus.RESERVED: "R", BookingStatus.CHECKED_IN: "I", BookingStatus.CHECKED_OUT: "O"}
STYLE = {BookingStatus.RESERVED: "black on cyan", BookingStatus.CHECKED_IN: "black on green",
         BookingStatus.CHECKED_OUT: "white on grey35"}


def segments(row: list[Booking | None], closed: bool, colour: bool) -> list[tuple[str, str | None]]:
    """The row as (text, style) pieces: one bar per run of nights held by one booking."""
    from rich.cells import set_cell_size

    pieces: list[tuple[str, str | None]] = []
    index = 0
    while index < len(row):
        booking = row[index]
        run = 1
        while index + run < len(row) and booking is not None and row[index + run] is booking:
            run += 1
        width = run * CELL - 1
        if booking is None:
            pieces.append((("  #  " if closed else "  .  ")[:CELL - 1] + " ", None))
        else:
            label = booking.guest if colour else f"{LETTER.get(booking.status, '?')}:{booking.guest}"
            fitted = set_cell_size(label, width).rstrip(" ")
            fill = " " if colour else "="
            pieces.append((set_cell_size(fitted + fill * width, width) + " ", STYLE.get(booking.status)))
        index += run
    return pieces


def draw_chart(tape: Chart) -> None:
    colour = colour_shown()
    label = max([5, *(len(r.number) + 2 for r in tape.rooms)])
    header = "Room".ljust(label) + "".join(f"{d.day:>2}{'MTWTFSS'[d.weekday()]}".ljust(CELL) for d in tape.dates)
    lines: list[list[tuple[str, str | None]]] = [[(header.rstrip(), "bold")]]
    for room, row in zip(tape.rooms, tape.nights, strict=False):
        closed = room.status in OUT_OF_ORDER
        name = (room.number + (" #" if closed else "")).ljust(label)
        lines.append([(name, None), *segments(row, closed, colour)])
    lines.append([("Occ%".ljust(label), "bold"),
                  *((f"{round(rate * 100):>3}%".ljust(CELL), None) for rate in tape.occupancy)])
    if not colour:
        for pieces in lines:
            say("".join(text for text, _ in pieces).rstrip())
        say(f"R reserved  I in house  O checked out  # closed  (from {tape.start})")
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    for pieces in lines:
        text = Text()
        for piece, style in pieces:
            text.append(piece, style=style)
        console.print(text, overflow="crop", no_wrap=True)
    console.print(Text("reserved", style=STYLE[BookingStatus.RESERVED]),
                  Text("in house", style=STYLE[BookingStatus.CHECKED_IN]),
                  Text("checked out", style=STYLE[BookingStatus.CHECKED_OUT]), "# closed")
