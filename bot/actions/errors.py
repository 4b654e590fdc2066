"""The one error a use case raises for a request it cannot carry out as asked."""

from __future__ import annotations


class ActionError(Exception):
    """A request that cannot be done as asked. ``field`` names what to change (a door shows it
    in its own words, e.g. ``--open-for``); ``str()`` says why and the fix, in plain words.
    ``unknown`` means it names something that does not exist, so a door can say where to look."""

    def __init__(self, field: str, message: str, *, unknown: bool = False) -> None:
        super().__init__(message)
        self.field = field
        self.unknown = unknown
