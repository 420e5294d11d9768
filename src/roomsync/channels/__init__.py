"""Adapters between roomsync and booking sites: fetch a feed, read it, write a room's feed.

Nothing here decides what a stay means for the hotel (that is the channel rules' job); the
modules are imported only by the channel commands, so other commands do not load iCalendar.
"""
