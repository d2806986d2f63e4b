"""Pieces the object types share."""

from __future__ import annotations

from typing import Any

import strawberry

LAZY = "mo.graphapi.types."


def lazy(module: str) -> Any:
    return strawberry.lazy(LAZY + module)


TYPE_DEPRECATION = "\nUnintentionally exposed implementation detail.\nProvides no value whatsoever.\n"
UUID_DEPRECATION = "Will be removed in a future version of GraphQL.\nUse `{}` instead.\n"
RESPONSE_DEPRECATION = "Use '{}' instead. Will be removed in a future version of OS2mo."
