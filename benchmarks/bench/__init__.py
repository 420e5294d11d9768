"""roomsync's benchmark as a package: the hotels it generates (`hotel`), the floor any
check-in must pay (`floor`), running whole processes (`processes`), what is measured
(`scenarios`), the PostgreSQL store (`postgres`), the printed tables (`report`), the start-up
budget (`startup`) and the command line (`main`). Standard library only, plus orjson when
importable and psycopg for `--postgres`."""
