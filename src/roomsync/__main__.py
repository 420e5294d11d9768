from roomsync.cli.app import run

run()
