"""Why a request does not authenticate (kept apart from python-keycloak's import)."""

from __future__ import annotations


class TokenError(Exception):
    """A token that does not authenticate anyone; ``reason`` is for the client."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class IdentityProviderUnavailable(Exception):
    """The realm's discovery document or keys could not be fetched."""
