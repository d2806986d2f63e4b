"""The event operations of real OS2mo clients run, as the clients send them.

From ../shared/reference/os2mo-v29/clients: fastramqpi's queries.graphql and the
LDAP integration's events.graphql and refresh.graphql.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from eventkit import declare, pending

from mo.config import LOCAL_ADMIN
from mo.graphapi.view import execute
from tests.conftest import Client
from tests.seed import ENGAGEMENT, create, engagement_input, seed

CLIENTS = Path(__file__).resolve().parents[3] / "shared" / "reference" / "os2mo-v29" / "clients"
pytestmark = pytest.mark.skipif(not CLIENTS.is_dir(), reason="the OS2mo client reference is not beside the repository")


class Operations:
    def __init__(self, path: str) -> None:
        self.document = (CLIENTS / path).read_text(encoding="utf-8")

    async def run(self, gql: Client, name: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body, _ = await execute(gql.engine, self.document, variables, name, actor=LOCAL_ADMIN)
        assert "errors" not in body, (name, body["errors"])
        data = body["data"]
        assert isinstance(data, dict)
        return data


async def test_fastramqpi_event_loop(gql: Client) -> None:
    ops = Operations("fastramqpi/queries.graphql")
    namespace = await ops.run(gql, "DeclareEventNamespace", {"input": {"name": "fastramqpi-test", "public": False}})
    assert namespace == {"event_namespace_declare": {"name": "fastramqpi-test"}}
    listener = await ops.run(
        gql, "DeclareEventListener", {"input": {"namespace": "fastramqpi-test", "user_key": "x", "routing_key": "ping"}}
    )
    own = listener["event_listener_declare"]["uuid"]
    sent = await ops.run(
        gql,
        "_Testing_SendEvent",
        {"input": {"namespace": "fastramqpi-test", "routing_key": "ping", "subject": "hello", "priority": 7}},
    )
    assert sent == {"event_send": True}
    fetched = (await ops.run(gql, "FetchEvent", {"listener": own}))["event_fetch"]
    assert fetched["subject"] == "hello" and fetched["priority"] == 7
    assert await ops.run(gql, "AcknowledgeEvent", {"token": fetched["token"]}) == {"event_acknowledge": True}
    assert await ops.run(gql, "FetchEvent", {"listener": own}) == {"event_fetch": None}

    # The registry's own events, as a fastramqpi integration consumes them.
    persons = (
        await ops.run(
            gql, "DeclareEventListener", {"input": {"namespace": "mo", "user_key": "persons", "routing_key": "person"}}
        )
    )["event_listener_declare"]["uuid"]
    created = await ops.run(gql, "_Testing_CreateEmployee", {"cpr_number": "0101901234"})
    [person] = {v["uuid"] for v in created["employee_create"]["validities"]}
    read = await ops.run(gql, "_Testing_GetEmployee", {"cpr_number": "0101901234"})
    assert read["employees"]["objects"][0]["validities"][0]["uuid"] == person
    fetched = (await ops.run(gql, "FetchEvent", {"listener": persons}))["event_fetch"]
    assert fetched["subject"] == person
    await ops.run(gql, "AcknowledgeEvent", {"token": fetched["token"]})
    assert await pending(gql, persons) == []


async def test_ldap_event_operations(gql: Client) -> None:
    ops = Operations("ldap-import-export/events.graphql")
    await gql.ok('mutation { event_namespace_declare(input: {name: "ldap", public: true}) { name } }')
    declared = await ops.run(
        gql, "declare_event_listener", {"input": {"namespace": "ldap", "user_key": "uuid", "routing_key": "uuid"}}
    )
    listener = declared["event_listener_declare"]["uuid"]
    namespaces = (await ops.run(gql, "get_event_namespaces", {"filter": {"names": ["ldap"]}}))["event_namespaces"][
        "objects"
    ]
    assert namespaces == [
        {
            "name": "ldap",
            "owner": str(LOCAL_ADMIN),
            "public": True,
            "listeners": [{"owner": str(LOCAL_ADMIN), "routing_key": "uuid", "user_key": "uuid", "uuid": listener}],
        }
    ]
    subject = str(uuid4())
    await ops.run(gql, "send_event", {"input": {"namespace": "ldap", "routing_key": "uuid", "subject": subject}})
    assert (await ops.run(gql, "list_events", {"listener": listener}))["events"]["objects"] == [{"subject": subject}]
    fetched = (await ops.run(gql, "fetch_event", {"listener": listener}))["event_fetch"]
    assert fetched["subject"] == subject
    assert await ops.run(gql, "acknowledge_event", {"token": fetched["token"]}) == {"event_acknowledge": True}
    assert (await ops.run(gql, "list_events", {"listener": listener}))["events"]["objects"] == []
    listeners = await ops.run(gql, "read_event_listeners", {"filter": {"namespaces": {"names": ["ldap"]}}})
    assert listeners["event_listeners"]["objects"] == [{"uuid": listener, "user_key": "uuid", "routing_key": "uuid"}]


#: refresh.graphql's operation -> the routing key its events have
REFRESHES = {
    "address_refresh": "address",
    "association_refresh": "association",
    "class_refresh": "class",
    "engagement_refresh": "engagement",
    "facet_refresh": "facet",
    "itsystem_refresh": "itsystem",
    "ituser_refresh": "ituser",
    "kle_refresh": "kle",
    "leave_refresh": "leave",
    "manager_refresh": "manager",
    "org_unit_refresh": "org_unit",
    "owner_refresh": "owner",
    "person_refresh": "person",
    "related_unit_refresh": "related_unit",
    "rolebinding_refresh": "rolebinding",
}


async def test_ldap_refresh_operations_reach_the_listener(gql: Client) -> None:
    ops = Operations("ldap-import-export/refresh.graphql")
    s = await seed(gql)
    engagement = await create(gql, ENGAGEMENT, engagement_input(s, s.child, "2015-01-01"))
    existing = {
        "class": s.job_function,
        "engagement": engagement,
        "org_unit": s.child,
        "person": s.person,
    }
    for operation, key in REFRESHES.items():
        listener = await declare(gql, key, f"refresh-{key}")
        uuid = existing.get(key, str(uuid4()))  # types without an object here: refreshing nothing works too
        data = await ops.run(gql, operation, {"listener": listener, "owner": None, "uuids": [uuid]})
        [answer] = data.values()
        assert answer["objects"] == ([uuid] if key in existing else []), operation
        assert await pending(gql, listener) == ([uuid] if key in existing else []), operation
    # The special one: a unit's engagements, through a nested filter.
    listener = await declare(gql, "engagement", "unit-engagements")
    data = await ops.run(
        gql, "org_unit_engagements_refresh", {"listener": listener, "owner": None, "org_unit_uuid": s.child}
    )
    assert data["engagement_refresh"]["objects"] == [engagement]
    assert await pending(gql, listener) == [engagement]
