"""The request path: validation is cached, the collector pause ends with the request."""

from __future__ import annotations

import gc

from strawberry.extensions.validation_cache import _get_validate_cache

from tests.conftest import Client

QUERY = "query Units { org_units { objects { uuid } } }"


async def test_identical_documents_are_validated_once(gql: Client) -> None:
    cache = _get_validate_cache(256)
    await gql.ok(QUERY)
    before = cache.cache_info()
    for _ in range(3):
        await gql.ok(QUERY)
    after = cache.cache_info()
    assert after.misses == before.misses
    assert after.hits == before.hits + 3


async def test_the_garbage_collector_runs_again_after_a_request(gql: Client) -> None:
    assert gc.isenabled()
    await gql.ok(QUERY)
    assert gc.isenabled()
    error = await gql.error("mutation { employee_delete(uuid: \"6d5c6f4f-0000-4000-8000-000000000000\") { uuid } }")
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert gc.isenabled()


async def test_the_audit_log_lists_every_object_type(gql: Client) -> None:
    """Each type's registration type must be in the schema, however modules were imported."""
    from tests.seed import seed

    await seed(gql)
    data = await gql.ok("{ registrations { objects { __typename model } } }")
    kinds = {(o["__typename"], o["model"]) for o in data["registrations"]["objects"]}
    assert {"FacetRegistration", "ClassRegistration", "OrganisationUnitRegistration", "PersonRegistration"} <= {
        name for name, _ in kinds
    }
