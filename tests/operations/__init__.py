"""Operation tests: the rules of every SPEC §3/§7 command, called on the in-memory fake."""
