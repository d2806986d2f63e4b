"""The Keycloak realm in the repo (keycloak/realm-mo.json) matches the roles the code knows."""

from __future__ import annotations

import json
from pathlib import Path

from authkit import ACCOUNTS

from mo.auth.permissions import ROLES

ROOT = Path(__file__).resolve().parents[2]
REALM = json.loads((ROOT / "keycloak" / "realm-mo.json").read_text(encoding="utf-8"))


def test_the_realm_has_exactly_the_roles_the_code_grants() -> None:
    realm_roles = {r["name"] for r in REALM["roles"]["realm"]} - {"default-roles-mo", "offline_access", "uma_authorization"}
    assert realm_roles == set(ROLES)
    assert {role for a in ACCOUNTS.values() for role in a.roles} - {"offline_access", "uma_authorization"} <= set(ROLES)


def test_every_client_that_gets_tokens_puts_mo_in_the_audience() -> None:
    clients = {c["clientId"]: c for c in REALM["clients"]}
    assert clients["mo-ui"]["publicClient"] and clients["mo-ui"]["standardFlowEnabled"]
    for name in ("mo-ui", "ad", "fk-org", "role-catalogue", "prometheus"):
        mappers = [m for m in clients[name].get("protocolMappers", []) if m["protocolMapper"] == "oidc-audience-mapper"]
        assert [m["config"]["included.custom.audience"] for m in mappers] == ["mo"], name
    service_accounts = {u["serviceAccountClientId"]: u["realmRoles"] for u in REALM["users"] if "serviceAccountClientId" in u}
    for name, role in (("ad", "service-ad"), ("fk-org", "service-fk-org"), ("role-catalogue", "service-role-catalogue")):
        assert clients[name]["serviceAccountsEnabled"] and not clients[name]["publicClient"]
        assert role in service_accounts[name]


def test_compose_runs_keycloak_with_the_realm_and_points_mo_at_it() -> None:
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "quay.io/keycloak/keycloak" in compose and "--import-realm" in compose
    assert "./keycloak/realm-mo.json:/opt/keycloak/data/import/realm-mo.json" in compose
    assert "MO_KEYCLOAK_URL: http://keycloak:8080" in compose
