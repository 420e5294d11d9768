"""The `roomsync` entry point: a lazy command group, argument errors, a closed pipe.

Start-up builds only the command that runs (Click's lazy-loading group pattern): the group
knows every command's name and module, imports that one module when the command is asked
for and builds that one command from its registration. `--help` and shell completion still
list every command, since `list_commands` names them all.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from functools import cache
from typing import Annotated, Any

import typer

# Typer vendors Click; its exception base is reachable only under this private name.
from typer._click.exceptions import ClickException
from typer.core import TyperGroup

from roomsync import __version__
from roomsync.cli.command import (
    DataDir,
    Hotel,
    JsonFlag,
    LockTimeout,
    PipeClosed,
    Store,
    Today,
    build_command,
    redact,
    report_error,
)
from roomsync.cli.params import direct
from roomsync.cli.render import emit_json
from roomsync.errors import RoomsyncError, UsageError

COMMANDS: dict[str, str] = {
    "init": "commands", "rooms": "commands", "room": "rooms", "bookings": "commands", "show": "commands",
    "book": "commands", "checkin": "commands", "checkout": "commands", "cancel": "commands",
    "noshow": "commands", "delete": "commands", "housekeeping": "commands", "reconcile": "commands",
    "validate": "commands", "watch": "watch", "history": "history",
    "arrivals": "day", "departures": "day", "inhouse": "day", "availability": "day",
    "calendar": "day", "move": "day", "amend": "day", "undo-checkin": "day",
    "reinstate": "day", "night-audit": "day", "import": "transfer", "export": "transfer",
    "batch": "batch", "channel": "channels", "sync": "channels", "ical": "channels",
}
"""Every command and the module of `roomsync.cli` that registers it, in the order help lists them."""

PIPE_CLOSED = 141
"""Exit status when the reader closed stdout early (`roomsync bookings | head`): 128 + SIGPIPE,
what `cat` or `grep` report in the same place, so `set -o pipefail` scripts see the usual."""


class LazyGroup(TyperGroup):
    """Imports and builds a command only when it is run (or help lists it)."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(f"roomsync.cli.{COMMANDS[cmd_name]}")
            self.commands[cmd_name] = build_command(cmd_name)
        return self.commands.get(cmd_name)


app = typer.Typer(name="roomsync", cls=LazyGroup, no_args_is_help=True, add_completion=True,
                  pretty_exceptions_enable=False, rich_markup_mode=None,
                  help="Keep a hotel's room statuses consistent with its bookings.",
                  epilog="Example: roomsync --data-dir data rooms")


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"roomsync {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def root(
    data_dir: DataDir = None, today: Today = None, store: Store = None, hotel: Hotel = None,
    json_output: JsonFlag = False, lock_timeout: LockTimeout = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Keep a hotel's room statuses consistent with its bookings.

    The options below may also follow the command name (roomsync rooms --data-dir d).
    """


@cache
def root_command() -> Any:
    """The root group, built once per process; it builds each command once, when asked for."""
    return direct(typer.main.get_command(app))


def command_line(argv: list[str]) -> list[str]:
    """The command as the audit records it (passwords removed), built once per run."""
    return ["roomsync", *(redact(arg) for arg in argv)]


def main(argv: list[str] | None = None) -> None:
    """Run one command; argument errors exit 2 (with a USAGE document under --json)."""
    args = sys.argv[1:] if argv is None else argv
    as_json = "--json" in args
    for arg in args:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            report_error(UsageError(f"argument \"{shown}\" is not valid UTF-8; retype it"), as_json)
            sys.exit(UsageError.exit_code)
    command = root_command()
    try:
        result = command.main(args=args, prog_name="roomsync", standalone_mode=False, obj=command_line(args))
    except PipeClosed:
        quiet_stdout()
        sys.exit(PIPE_CLOSED)
    except typer.Abort:
        sys.stderr.write("roomsync: aborted\n")
        sys.exit(1)
    except RoomsyncError as error:  # raised by a callback outside a command
        report_error(error, as_json)
        sys.exit(error.exit_code)
    except ClickException as exc:  # a usage error Click found
        exc.show()
        if as_json:
            emit_json({"error": {"code": UsageError.code, "message": exc.format_message()}})
        sys.exit(exc.exit_code)
    sys.exit(result if isinstance(result, int) else 0)


def quiet_stdout() -> None:
    """Point stdout at /dev/null, so that flushing what is left at exit says nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout is no file (a test's buffer)
        pass


def run() -> None:
    """The console script: `main()`, a quiet end when the reader closed the pipe, then leave.

    Output is flushed and every file and lock was closed by the command itself; `os._exit`
    skips freeing a large hotel's objects one by one (a tenth of a second at 100,000
    bookings), which the operating system does all at once.
    """
    # roomsync uses no pydantic plugin; without this, building a command's parameters (Typer
    # makes a pydantic adapter per parameter) scans every installed package's entry points.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")
    # A command is one short process whose hotel holds no reference cycles: the cyclic
    # collector would only re-scan the growing heap while the records are built (a third of
    # the load time at a million bookings). `watch`, the one long-lived command, collects
    # after each cycle itself.
    gc.disable()
    try:
        main()
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BrokenPipeError:  # outside a command (help text, version)
        code = PIPE_CLOSED
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = PIPE_CLOSED
    except (OSError, ValueError):
        code = code or 1
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        code = code or 1
    os._exit(code)
