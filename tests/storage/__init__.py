"""Store-contract and PostgreSQL tests (a package, so this directory's conftest.py does not
shadow `tests/conftest.py`, which the test modules import as `conftest`)."""
