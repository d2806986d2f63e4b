"""A stand-in for Keycloak: the realm ``mo``'s discovery, JWKS and token endpoints.

Keycloak cannot be installed here, so the tests run this small starlette app with
uvicorn on 127.0.0.1 (a free port, a thread of its own) and point
``MO_KEYCLOAK_URL`` at it. It speaks Keycloak's URLs and shapes, with real RSA
keys (made with ``cryptography``), so the service validates tokens exactly as it
would Keycloak's, over HTTP, with python-keycloak:

- ``/realms/mo/.well-known/openid-configuration``: issuer and endpoints;
- ``/realms/mo/protocol/openid-connect/certs``: the public keys (counted);
- ``/realms/mo/protocol/openid-connect/token``: ``client_credentials`` for the
  integrations' confidential clients and ``password`` (direct grant) for users
  through ``mo-ui``; RS256 access tokens with ``realm_access.roles``.

``mint`` signs arbitrary claims and headers for the bad-token cases.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs
from uuid import UUID, uuid4

import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto import jwk, jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

REALM = "mo"
AUDIENCE = "mo"


def rsa_key(kid: str) -> jwk.JWK:
    """A fresh 2048-bit RSA signing key as a JWK."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key = jwk.JWK.from_pyca(private)
    key.update(kid=kid, use="sig", alg="RS256")  # type: ignore[no-untyped-call]
    return key


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class Account:
    """A user (password grant via mo-ui) or a service account (client_credentials)."""

    name: str
    roles: tuple[str, ...]
    sub: UUID = field(default_factory=uuid4)
    secret: str = "secret"
    extra: dict[str, Any] = field(default_factory=dict)


class Issuer:
    def __init__(self) -> None:
        self.keys: list[jwk.JWK] = [rsa_key("k1")]
        self.accounts: dict[str, Account] = {}
        self.cert_fetches = 0
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # Accounts and keys ---------------------------------------------------------

    def add(self, account: Account) -> Account:
        self.accounts[account.name] = account
        return account

    @property
    def signing_key(self) -> jwk.JWK:
        return self.keys[-1]

    def rotate(self) -> str:
        """Publish a new key and sign with it from now on; returns its kid."""
        kid = f"k{len(self.keys) + 1}-{uuid4().hex[:6]}"
        self.keys.append(rsa_key(kid))
        return kid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def issuer(self) -> str:
        return f"{self.url}/realms/{REALM}"

    def public_pem(self) -> bytes:
        return self.signing_key.get_op_key("verify").public_bytes(  # type: ignore[no-any-return]
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    # Tokens --------------------------------------------------------------------

    def claims(self, account: Account, lifetime: int = 3600, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": [AUDIENCE, "account"],
            "sub": str(account.sub),
            "azp": account.name,
            "typ": "Bearer",
            "iat": now,
            "exp": now + lifetime,
            "jti": str(uuid4()),
            "preferred_username": account.name,
            "realm_access": {"roles": list(account.roles)},
            **account.extra,
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def mint(self, claims: dict[str, Any], *, key: jwk.JWK | None = None, header: dict[str, Any] | None = None) -> str:
        """Sign ``claims`` with RS256 (by default with the current key and its kid)."""
        key = key or self.signing_key
        token = jwt.JWT(header={"alg": "RS256", "typ": "JWT", "kid": key["kid"], **(header or {})}, claims=claims)
        token.make_signed_token(key)
        return str(token.serialize())

    def unsigned(self, claims: dict[str, Any]) -> str:
        """``alg: none``: no signature at all."""
        return f"{b64(json.dumps({'alg': 'none', 'typ': 'JWT'}).encode())}.{b64(json.dumps(claims).encode())}."

    def hs256_with_public_key(self, claims: dict[str, Any]) -> str:
        """The key-confusion attack: HMAC-SHA256 keyed with the realm's public key."""
        header = {"alg": "HS256", "typ": "JWT", "kid": self.signing_key["kid"]}
        signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
        signature = hmac.new(self.public_pem(), signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{b64(signature)}"

    # HTTP ----------------------------------------------------------------------

    def app(self) -> Starlette:
        base = f"/realms/{REALM}"

        async def discovery(request: Request) -> JSONResponse:
            oidc = f"{self.issuer}/protocol/openid-connect"
            return JSONResponse(
                {
                    "issuer": self.issuer,
                    "authorization_endpoint": f"{oidc}/auth",
                    "token_endpoint": f"{oidc}/token",
                    "jwks_uri": f"{oidc}/certs",
                    "userinfo_endpoint": f"{oidc}/userinfo",
                    "grant_types_supported": ["password", "client_credentials", "authorization_code"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                }
            )

        async def certs(request: Request) -> JSONResponse:
            self.cert_fetches += 1
            return JSONResponse({"keys": [k.export_public(as_dict=True) for k in self.keys]})

        async def token(request: Request) -> JSONResponse:
            form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
            grant = form.get("grant_type")
            if grant == "client_credentials":
                account = self.accounts.get(form.get("client_id", ""))
                if account is None or form.get("client_secret") != account.secret:
                    return JSONResponse({"error": "unauthorized_client"}, 401)
            elif grant == "password" and form.get("client_id") == "mo-ui":
                account = self.accounts.get(form.get("username", ""))
                if account is None or form.get("password") != account.secret:
                    return JSONResponse({"error": "invalid_grant"}, 401)
                account = Account(
                    account.name, account.roles, account.sub, account.secret, {**account.extra, "azp": "mo-ui"}
                )
            else:
                return JSONResponse({"error": "unsupported_grant_type"}, 400)
            access = self.mint(self.claims(account, lifetime=3600))
            return JSONResponse({"access_token": access, "expires_in": 3600, "token_type": "Bearer", "scope": "openid"})

        return Starlette(
            routes=[
                Route(f"{base}/.well-known/openid-configuration", discovery),
                Route(f"{base}/protocol/openid-connect/certs", certs),
                Route(f"{base}/protocol/openid-connect/token", token, methods=["POST"]),
            ]
        )

    def start(self) -> Issuer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app(), log_level="warning", access_log=False, lifespan="off", ws="none")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test issuer did not start")
            time.sleep(0.01)
        self._socket = sock
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self._socket.close()
