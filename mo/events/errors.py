"""Errors of the event API a client can act on (see mo.service.errors.MOError)."""

from __future__ import annotations

from mo.service.errors import MOError


class NotOwner(MOError):
    """The caller is not the owner of the namespace or listener it acts on."""

    code = "NOT_OWNER"


class InvalidToken(MOError):
    """An event token that ``event_fetch`` did not hand out."""

    code = "INVALID_EVENT_TOKEN"


class Conflict(MOError):
    """A declaration that contradicts an existing one (other owner, other routing key)."""

    code = "ALREADY_EXISTS"
