"""Who a request acts as."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from uuid import UUID


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller: recorded as ``actor`` on writes, allowed ``permissions``.

    ``scoped_models``: object types the caller may write only where it owns the
    unit or person concerned (the ``owner`` role); ``person`` is whose ownership
    counts (the token's ``uuid`` claim, else its subject).
    """

    actor: UUID
    roles: frozenset[str]
    permissions: frozenset[str]
    scoped_models: frozenset[str] = field(default_factory=frozenset)
    person: UUID | None = None
    username: str | None = None
    email: str | None = None
    client: str | None = None
    local: bool = False

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def owner(self) -> UUID:
        return self.person or self.actor


@lru_cache(maxsize=64)
def local_admin(actor: UUID | None = None) -> Principal:
    """Local mode's identity, and in-process callers': every permission (one per
    actor: a principal cannot change)."""
    from mo.auth.permissions import all_permissions
    from mo.config import LOCAL_ADMIN

    return Principal(
        actor=actor or LOCAL_ADMIN,
        roles=frozenset({"admin"}),
        permissions=all_permissions(),
        username="local-admin",
        local=True,
    )
