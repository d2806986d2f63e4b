"""The HTTP side of authentication: who a request is, or a 401 saying why not.

With ``MO_KEYCLOAK_URL`` set, every data endpoint needs ``Authorization: Bearer
<token>``. Without it the service is in *local mode*: every request acts as the
local administrator, the server listens on loopback only (``mo serve`` refuses
anything else), and requests from elsewhere are refused here as well.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse

from mo.auth.errors import IdentityProviderUnavailable, TokenError
from mo.auth.principal import Principal, local_admin
from mo.config import Settings

if TYPE_CHECKING:
    from mo.auth.tokens import TokenValidator

log = logging.getLogger(__name__)
MISSING = "missing token"


def is_loopback(host: str | None) -> bool:
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind_refusal(settings: Settings, host: str) -> str | None:
    """Why ``mo serve`` must not listen on ``host``, or None: local mode is loopback only."""
    if settings.keycloak_url or is_loopback(host):
        return None
    return (
        f"refusing to listen on {host}: local mode (no identity provider) serves loopback only; "
        "set MO_KEYCLOAK_URL to require tokens, or listen on 127.0.0.1"
    )


class Unauthorized(Exception):
    def __init__(self, reason: str, status: int = 401) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class Authenticator:
    """Turns a request into a Principal, or raises ``Unauthorized``."""

    def __init__(self, settings: Settings) -> None:
        self.realm = settings.keycloak_realm
        self.validator: TokenValidator | None = None
        if settings.keycloak_url:
            from mo.auth.tokens import TokenValidator

            self.validator = TokenValidator(
                settings.keycloak_url,
                settings.keycloak_realm,
                settings.keycloak_audience,
                issuer=settings.keycloak_issuer,
            )

    @property
    def local(self) -> bool:
        return self.validator is None

    async def close(self) -> None:
        if self.validator is not None:
            await self.validator.close()

    async def authenticate(self, request: Request) -> Principal:
        if self.validator is None:
            client = request.client.host if request.client else None
            if not is_loopback(client):
                raise Unauthorized("local mode (no identity provider) serves loopback clients only", 403)
            return local_admin()
        header = request.headers.get("authorization")
        if not header:
            raise Unauthorized(f"{MISSING}: send Authorization: Bearer <access token>")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("the Authorization header is not 'Bearer <access token>'")
        try:
            return await self.validator.principal(token.strip())
        except TokenError as error:
            raise Unauthorized(error.reason) from None
        except IdentityProviderUnavailable as error:
            log.error("cannot validate tokens: %s", error)
            raise Unauthorized("the identity provider is unavailable", 503) from None

    def refusal(self, error: Unauthorized) -> JSONResponse:
        """401 (or 403/503) with the reason, in the body and in WWW-Authenticate."""
        log.info("request refused (%s): %s", error.status, error.reason)
        headers = {}
        if error.status == 401 and error.reason.startswith(MISSING):
            headers["WWW-Authenticate"] = f'Bearer realm="{self.realm}"'
        elif error.status == 401:
            reason = error.reason.replace('"', "'").replace("\\", "/")
            headers["WWW-Authenticate"] = (
                f'Bearer realm="{self.realm}", error="invalid_token", error_description="{reason}"'
            )
        kind = {401: "unauthorized", 403: "forbidden", 503: "unavailable"}.get(error.status, "unauthorized")
        return JSONResponse({"error": kind, "reason": error.reason}, error.status, headers=headers)
