"""Keycloak bearer tokens, validated with python-keycloak against the realm's JWKS.

A token is accepted when it is a compact JWS signed with RS256 by a key of the
realm's JWKS (fetched once, cached, fetched again when a token names a key id the
cache does not know, at most once every ``min_refetch`` seconds), names the expected
issuer and audience, has not expired and is already valid. Anything else is
refused with a ``TokenError`` whose ``reason`` says what was wrong; the token
itself is never logged.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from jwcrypto import jwk, jws, jwt  # type: ignore[import-untyped]
from jwcrypto.common import JWException  # type: ignore[import-untyped]
from keycloak import KeycloakOpenID
from keycloak.exceptions import KeycloakError

from mo.auth.errors import IdentityProviderUnavailable, TokenError
from mo.auth.permissions import grant
from mo.auth.principal import Principal

log = logging.getLogger(__name__)

ALGORITHM = "RS256"


class TokenValidator:
    """Validates a realm's access tokens; one per process (it caches the keys)."""

    def __init__(
        self,
        server_url: str,
        realm: str,
        audience: str,
        *,
        issuer: str | None = None,
        leeway: int = 30,
        min_refetch: float = 10.0,
    ) -> None:
        self.openid = KeycloakOpenID(server_url=server_url.rstrip("/") + "/", realm_name=realm, client_id=audience)
        self.audience = audience
        self.issuer = issuer
        self.leeway = leeway
        self.min_refetch = min_refetch
        self.keys: dict[str, jwk.JWK] = {}
        self.fetches = 0
        self._fetched_at: float | None = None
        self._refetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def close(self) -> None:
        await self.openid.connection.aclose()

    async def _discover(self) -> None:
        if self.issuer is None:
            try:
                well_known = await self.openid.a_well_known()
            except (KeycloakError, TypeError, ValueError) as error:
                raise IdentityProviderUnavailable(f"the realm's discovery document: {error}") from None
            self.issuer = str(well_known["issuer"])

    async def _refetch(self) -> None:
        try:
            certs = await self.openid.a_certs()
        except (KeycloakError, TypeError, ValueError) as error:
            raise IdentityProviderUnavailable(f"the realm's keys: {error}") from None
        keys = {}
        for entry in certs.get("keys", []):
            if entry.get("kid") and entry.get("kty") == "RSA" and entry.get("use", "sig") == "sig":
                keys[str(entry["kid"])] = jwk.JWK(**entry)
        self.keys = keys
        self.fetches += 1
        self._fetched_at = time.monotonic()
        log.info("fetched the realm's signing keys: %s", ", ".join(sorted(keys)) or "none")

    async def key(self, kid: str) -> jwk.JWK:
        """The realm's key ``kid``: from the cache, or fetched again once if unknown."""
        found = self.keys.get(kid)
        if found is not None:
            return found
        async with self._lock:
            found = self.keys.get(kid)
            first = self._fetched_at is None
            recently = self._refetched_at is not None and time.monotonic() - self._refetched_at < self.min_refetch
            if found is None and (first or not recently):
                if not first:
                    self._refetched_at = time.monotonic()
                await self._refetch()
                found = self.keys.get(kid)
        if found is None:
            raise TokenError(f"the token is signed with key {kid!r}, which the realm does not have")
        return found

    async def validate(self, token: str) -> dict[str, Any]:
        """The token's claims, if it is valid; else ``TokenError``."""
        header = _header(token)
        alg = header.get("alg")
        if alg != ALGORITHM:
            raise TokenError(f"the token's algorithm is {alg!r}; only {ALGORITHM} is accepted")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise TokenError("the token names no key id (kid)")
        if self.issuer is None:
            async with self._lock:
                await self._discover()
        key = await self.key(kid)
        try:
            claims = await self.openid.a_decode_token(
                token,
                validate=True,
                key=key,
                algs=[ALGORITHM],
                expected_type="JWS",
                check_claims={"iss": self.issuer, "aud": self.audience, "exp": None},
                leeway=self.leeway,
            )
        except jwt.JWTExpired:
            raise TokenError("the token has expired") from None
        except jwt.JWTMissingClaim as error:
            raise TokenError(f"the token lacks a claim: {error}") from None
        except jwt.JWTInvalidClaimValue as error:
            claim = "issuer" if "'iss'" in str(error) else "audience" if "'aud'" in str(error) else "claim"
            wanted = self.issuer if claim == "issuer" else self.audience
            raise TokenError(f"wrong {claim}: the token is not for {wanted!r}") from None
        except jws.InvalidJWSSignature:
            raise TokenError("bad signature") from None
        except (JWException, ValueError, TypeError) as error:
            raise TokenError(f"malformed token: {type(error).__name__}") from None
        if not isinstance(claims, dict):
            raise TokenError("malformed token: the claims are not an object")
        now = time.time()
        nbf = claims.get("nbf")
        if isinstance(nbf, (int, float)) and nbf > now + self.leeway:
            raise TokenError("the token is not valid yet (nbf)")
        iat = claims.get("iat")
        if isinstance(iat, (int, float)) and iat > now + self.leeway:
            raise TokenError("the token is not valid yet (issued in the future)")
        if claims.get("typ", "Bearer") != "Bearer":
            raise TokenError(f"not an access token (typ {claims.get('typ')!r})")
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise TokenError("the token has no subject (sub)")
        return claims

    async def principal(self, token: str) -> Principal:
        return principal_of(await self.validate(token), self.issuer or "")


def _header(token: str) -> dict[str, Any]:
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenError("malformed token: not a compact JWS (three dot-separated parts)")
    try:
        padded = parts[0] + "=" * (-len(parts[0]) % 4)
        header = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError):
        raise TokenError("malformed token: the header is not base64url JSON") from None
    if not isinstance(header, dict):
        raise TokenError("malformed token: the header is not a JSON object")
    return header


def as_uuid(value: str, issuer: str) -> UUID:
    """A subject as a uuid: Keycloak's are uuids; others get a stable uuid5."""
    try:
        return UUID(value)
    except ValueError:
        return uuid5(NAMESPACE_URL, f"{issuer}#{value}")


def principal_of(claims: dict[str, Any], issuer: str) -> Principal:
    """The caller a validated token names: actor = subject, roles = realm roles."""
    realm_access = claims.get("realm_access")
    raw_roles = realm_access.get("roles", []) if isinstance(realm_access, dict) else []
    roles = frozenset(r for r in raw_roles if isinstance(r, str))
    permissions, scoped = grant(roles)
    actor = as_uuid(claims["sub"], issuer)
    person = None
    if isinstance(claims.get("uuid"), str):
        try:
            person = UUID(claims["uuid"])
        except ValueError:
            person = None
    return Principal(
        actor=actor,
        roles=roles,
        permissions=permissions,
        scoped_models=scoped,
        person=person,
        username=claims.get("preferred_username") if isinstance(claims.get("preferred_username"), str) else None,
        email=claims.get("email") if isinstance(claims.get("email"), str) else None,
        client=claims.get("azp") if isinstance(claims.get("azp"), str) else None,
    )
