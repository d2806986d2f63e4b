"""The schema, and its SDL as committed in graphql/schema.graphql."""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.extensions.max_aliases import create_validator as alias_limit
from strawberry.extensions.query_depth_limiter import create_validator as depth_limit

from mo.auth.cpr import guard_cpr_fields
from mo.graphapi.access_log import AccessLogQuery
from mo.graphapi.fast import ExecutionContext
from mo.graphapi.fast import install as install_lean_resolvers
from mo.graphapi.events import EVENT_SCALARS, EventMutation, EventQuery, RefreshMutation
from mo.graphapi.mutation import Mutation as RegistryMutation
from mo.graphapi.query import Query as RegistryQuery
from mo.graphapi.response import AUDIT_TYPES, UnknownActor
from mo.graphapi.types.address import DARAddress, DefaultAddress, MultifieldAddress
from mo.graphapi.scalars import SCALAR_MAP
from mo.graphapi.types.common import LAZY
from mo.graphapi.types.fields import TARGETS


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


#: Document limits as validation rules built once: the validation cache keys on
#: the rules, so rules rebuilt per request (the limiter extensions' way) would
#: make every request validate again.
LIMITS = (depth_limit(20, None, None), alias_limit(100))
#: The most tokens a document may have.
MAX_TOKENS = 20_000


def load_types() -> list[type]:
    """Import every object type's module (most are referenced lazily) and return
    the types only reachable through interfaces, which must be named to the schema."""
    for _, module in TARGETS.values():
        importlib.import_module(LAZY + module)
    return [UnknownActor, DARAddress, DefaultAddress, MultifieldAddress, *AUDIT_TYPES.values()]


@lru_cache
def get_schema() -> strawberry.Schema:
    return build_schema()


def build_schema(lean: bool = True) -> strawberry.Schema:
    """A new schema; ``lean=False`` keeps strawberry's own resolvers (for tests that
    compare them with the lean ones of ``mo.graphapi.fast``)."""
    schema = Schema(
        query=Query,
        mutation=Mutation,
        types=load_types(),
        execution_context_class=ExecutionContext,
        config=StrawberryConfig(auto_camel_case=False, scalar_map={**SCALAR_MAP, **EVENT_SCALARS}),
        extensions=[
            lambda: ParserCache(maxsize=256),
            lambda: AddValidationRules(list(LIMITS)),
            lambda: ValidationCache(maxsize=256),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        ],
    )
    if lean:
        install_lean_resolvers(schema)
    guard_cpr_fields(schema._schema)
    return schema


def sdl() -> str:
    return get_schema().as_str() + "\n"
