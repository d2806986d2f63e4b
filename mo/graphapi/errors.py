"""How errors leave the API: a code, a message, the field; never a stack trace."""

from __future__ import annotations

import logging
import re
from typing import Any

from graphql import GraphQLError

from mo.service.errors import MOError

log = logging.getLogger(__name__)
_FOUND = re.compile(r"; found: .*$", re.DOTALL)


def cause(error: GraphQLError) -> BaseException | None:
    """The innermost original error behind a GraphQL error."""
    found: BaseException | None = error.original_error
    while isinstance(found, GraphQLError) and found.original_error is not None:
        found = found.original_error
    return found


def format_error(error: GraphQLError) -> dict[str, Any]:
    formatted: dict[str, Any] = dict(error.formatted)
    original = cause(error)
    if isinstance(original, MOError):
        # graphql-core repeats a rejected variable's value ("; found: ..."); values
        # may be personal data (CPR numbers), so that part is left out.
        formatted["message"] = _FOUND.sub("", formatted["message"])
        extensions = {"code": original.code}
        if original.field is not None:
            extensions["field"] = original.field
        formatted["extensions"] = {**formatted.get("extensions", {}), **extensions}
    elif original is not None and not isinstance(original, GraphQLError):
        log.error("internal error while answering a GraphQL request", exc_info=original)
        formatted["message"] = "Internal error; it has been logged."
        formatted["extensions"] = {"code": "INTERNAL_ERROR"}
    else:
        formatted["extensions"] = {"code": "GRAPHQL_VALIDATION_FAILED", **formatted.get("extensions", {})}
    return formatted
