from roomsync.cli.app import main

main()
