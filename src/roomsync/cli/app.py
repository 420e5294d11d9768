"""The `roomsync` command: every command module registers itself on the one Typer app."""

from roomsync.cli import commands, frontdesk, history, transfer, watch  # noqa: F401  (registration)
from roomsync.cli.base import app, main, run

__all__ = ["app", "main", "run"]
