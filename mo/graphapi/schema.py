"""The schema, and its SDL as committed in graphql/schema.graphql."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, ParserCache, QueryDepthLimiter, ValidationCache

from mo.auth.cpr import guard_cpr_fields
from mo.graphapi.access_log import AccessLogQuery
from mo.graphapi.events import EVENT_SCALARS, EventMutation, EventQuery, RefreshMutation
from mo.graphapi.mutation import Mutation as RegistryMutation
from mo.graphapi.query import Query as RegistryQuery
from mo.graphapi.response import AUDIT_TYPES, UnknownActor
from mo.graphapi.types.address import DARAddress, DefaultAddress, MultifieldAddress
from mo.graphapi.scalars import SCALAR_MAP


@strawberry.type(name="Query", description="Every read of the registry and of its events.")
class Query(RegistryQuery, EventQuery, AccessLogQuery):
    pass


@strawberry.type(name="Mutation", description="Every change to the registry and to its events.")
class Mutation(RegistryMutation, RefreshMutation, EventMutation):
    pass


class Schema(strawberry.Schema):
    """strawberry's schema, minus its error log.

    strawberry logs every error with the lines of the document it points at, and a
    document may hold CPR numbers; ``mo.graphapi.errors`` logs the server's own
    faults (without the document) and nothing else.
    """

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        return None


@lru_cache
def get_schema() -> strawberry.Schema:
    schema = Schema(
        query=Query,
        mutation=Mutation,
        types=[UnknownActor, DARAddress, DefaultAddress, MultifieldAddress, *AUDIT_TYPES.values()],
        config=StrawberryConfig(auto_camel_case=False, scalar_map={**SCALAR_MAP, **EVENT_SCALARS}),
        extensions=[
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            lambda: QueryDepthLimiter(max_depth=20),
            lambda: MaxTokensLimiter(max_token_count=20_000),
            lambda: MaxAliasesLimiter(max_alias_count=100),
        ],
    )
    guard_cpr_fields(schema._schema)
    return schema


def sdl() -> str:
    return get_schema().as_str() + "\n"
