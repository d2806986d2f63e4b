"""Errors a client can act on: a stable code, a message, the field concerned."""

from __future__ import annotations


class MOError(Exception):
    """An error caused by the request, never by the server.

    ``code`` is stable and meant for programs; ``message`` says what to fix;
    ``field`` names the input field at fault, when there is one; ``index`` the
    item of a bulk write at fault (its position in the list the caller gave).
    """

    code = "INVALID_INPUT"
    index: int | None = None
    extensions: dict[str, object] | None = None
    """More for a GraphQL error's ``extensions`` (graphql-core copies them)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(MOError):
    code = "INVALID_INPUT"


class InvalidDate(MOError):
    code = "INVALID_DATE"


class InvalidInterval(MOError):
    code = "INVALID_INTERVAL"


class InvalidCPR(MOError):
    code = "INVALID_CPR"


class NotFound(MOError):
    code = "NOT_FOUND"


class AlreadyExists(MOError):
    code = "ALREADY_EXISTS"


class CPRInUse(MOError):
    code = "CPR_IN_USE"


class RequiredField(MOError):
    code = "REQUIRED_FIELD"


class OutsideValidity(MOError):
    code = "OUTSIDE_VALIDITY"


class HasDependents(MOError):
    code = "HAS_DEPENDENTS"


class UnitCycle(MOError):
    code = "ORG_UNIT_CYCLE"
