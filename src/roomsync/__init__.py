"""roomsync: keep a hotel's room statuses consistent with its bookings."""

__version__ = "0.1.0"
