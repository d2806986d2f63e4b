"""The token matrix: every bad token is refused with 401 and a reason, and nothing is written.

Tokens come from the stand-in issuer (real RSA keys, Keycloak's endpoints); the
service validates them through python-keycloak against the JWKS it fetches over
HTTP, exactly as it would Keycloak's.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from authkit import ACCOUNTS, MO
from issuer import Issuer, rsa_key
from sqlalchemy.ext.asyncio import AsyncEngine

from mo.app import create_app
from mo.config import Settings

FACET = 'mutation { facet_create(input: {user_key: "leaked", validity: {}}) { uuid } }'
READ = "query { org_units { objects { uuid } } }"

NOW = int(time.time())

Mint = Callable[[Issuer], str | None]


def signed(**overrides: Any) -> Mint:
    return lambda issuer: issuer.mint(issuer.claims(ACCOUNTS["admin"], **overrides))


def other_key_same_kid(issuer: Issuer) -> str:
    forger = rsa_key(issuer.signing_key["kid"])
    return issuer.mint(issuer.claims(ACCOUNTS["admin"]), key=forger)


def unknown_kid(issuer: Issuer) -> str:
    return issuer.mint(issuer.claims(ACCOUNTS["admin"]), key=rsa_key("ghost"))


#: case -> (how to make the token (None: no header), what the reason says)
BAD: dict[str, tuple[Mint, str]] = {
    "expired": (signed(iat=NOW - 7200, exp=NOW - 3600), "expired"),
    "not yet valid": (signed(nbf=NOW + 3600), "not valid yet"),
    "issued in the future": (signed(iat=NOW + 3600, exp=NOW + 7200), "not valid yet"),
    "wrong issuer": (signed(iss="http://127.0.0.1:1/realms/mo"), "wrong issuer"),
    "wrong audience": (signed(aud=["account", "someone-else"]), "wrong audience"),
    "no audience": (signed(aud=None), "lacks a claim"),
    "no expiry": (signed(exp=None), "lacks a claim"),
    "bad signature": (other_key_same_kid, "bad signature"),
    "alg none": (lambda issuer: issuer.unsigned(issuer.claims(ACCOUNTS["admin"])), "algorithm is 'none'"),
    "HS256 with the public key": (
        lambda issuer: issuer.hs256_with_public_key(issuer.claims(ACCOUNTS["admin"])),
        "algorithm is 'HS256'",
    ),
    "an ID token": (signed(typ="ID"), "not an access token"),
    "no subject": (signed(sub=None), "no subject"),
    "unknown key id": (unknown_kid, "key 'ghost', which the realm does not have"),
    "garbage": (lambda issuer: "not-a-token", "malformed"),
    "missing token": (lambda issuer: None, "missing token"),
}


@pytest.mark.parametrize("case", list(BAD))
async def test_a_bad_token_gets_401_with_a_reason_and_writes_nothing(mo: MO, case: str) -> None:
    make, reason = BAD[case]
    token = make(mo.issuer)
    for document in (FACET, READ):
        response = await mo.post(document, token=token)
        assert response.status_code == 401, response.text
        body = response.json()
        assert body["error"] == "unauthorized"
        assert reason in body["reason"], body
        assert response.headers["www-authenticate"].startswith('Bearer realm="mo"')
        assert "data" not in body
    assert await mo.count("registration") == 0
    assert await mo.count("facet") == 0


async def test_the_same_claims_properly_signed_are_accepted(mo: MO) -> None:
    response = await mo.post(FACET, token=mo.issuer.mint(mo.issuer.claims(ACCOUNTS["admin"])))
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    assert await mo.count("facet") == 1


async def test_other_schemes_and_empty_bearer_are_refused(mo: MO) -> None:
    for header in ("Basic YWRtaW46YWRtaW4=", "Bearer ", "Bearer"):
        response = await mo.client.post("/graphql", json={"query": READ}, headers={"Authorization": header})
        assert response.status_code == 401
        assert "Bearer" in response.json()["reason"]


async def test_the_jwks_is_cached_and_fetched_again_for_a_new_key(mo: MO) -> None:
    await mo.ok("reader", READ)
    fetches = mo.issuer.cert_fetches
    for _ in range(3):
        await mo.ok("reader", READ)
    assert mo.issuer.cert_fetches == fetches, "the keys are cached between requests"

    kid = mo.issuer.rotate()  # Keycloak rotated its key: tokens now carry a kid the cache lacks
    try:
        token = mo.issuer.mint(mo.issuer.claims(ACCOUNTS["reader"]))
        response = await mo.post(READ, token=token)
        assert response.status_code == 200, response.text
        assert mo.issuer.cert_fetches == fetches + 1
        assert kid in mo.validator.keys

        # Unknown key ids do not make the service hammer Keycloak: one refetch per interval.
        for _ in range(3):
            response = await mo.post(READ, token=unknown_kid(mo.issuer))
            assert response.status_code == 401
        assert mo.issuer.cert_fetches == fetches + 1
    finally:
        mo.issuer.keys.pop()


async def test_graphiql_and_liveness_stay_public_metrics_do_not(mo: MO) -> None:
    assert (await mo.client.get("/graphql")).status_code == 200
    assert (await mo.client.get("/health/live")).status_code == 200
    assert (await mo.client.get("/metrics")).status_code == 401
    reader = await mo.client.get("/metrics", headers={"Authorization": f"Bearer {mo.tokens['reader']}"})
    assert reader.status_code == 403 and "read_metrics" in reader.json()["reason"]
    for who in ("monitoring", "admin"):
        allowed = await mo.client.get("/metrics", headers={"Authorization": f"Bearer {mo.tokens[who]}"})
        assert allowed.status_code == 200 and "mo_outbox_unsent" in allowed.text


async def test_the_actor_of_a_write_is_the_token_subject(mo: MO) -> None:
    for who in ("admin", "ad"):  # a user through mo-ui, an integration's service account
        await mo.ok(
            who,
            'mutation ($k: String!) { employee_create(input: {given_name: $k, surname: "X"}) { uuid } }',
            {"k": who},
        )
    data = await mo.ok(
        "admin",
        "query { persons { objects { current { given_name } registrations { actor actor_object { uuid } } } } }",
    )
    actors = {
        p["current"]["given_name"]: {r["actor"] for r in p["registrations"]}
        | {r["actor_object"]["uuid"] for r in p["registrations"]}
        for p in data["persons"]["objects"]
    }
    assert actors == {"admin": {str(ACCOUNTS["admin"].sub)}, "ad": {str(ACCOUNTS["ad"].sub)}}
    log = await mo.ok("admin", 'query { registrations(filter: {models: ["person"]}) { objects { actor } } }')
    assert {r["actor"] for r in log["registrations"]["objects"]} == {
        str(ACCOUNTS["admin"].sub),
        str(ACCOUNTS["ad"].sub),
    }
    me = await mo.ok("ad", "query { me { actor { uuid } username roles } }")
    assert me["me"] == {"actor": {"uuid": str(ACCOUNTS["ad"].sub)}, "username": "ad", "roles": ["service-ad"]}


async def test_an_unreachable_identity_provider_is_503_not_a_pass(sqlite_engine: AsyncEngine) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    app = create_app(Settings(database_url=sqlite_engine.url.render_as_string(hide_password=False), keycloak_url=dead))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mo") as client:
            stranger = Issuer()
            token = stranger.mint(stranger.claims(ACCOUNTS["admin"]))
            response = await client.post("/graphql", json={"query": READ}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503 and response.json()["reason"] == "the identity provider is unavailable"
