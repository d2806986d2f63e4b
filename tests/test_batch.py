"""A small lookup's statements sent to PostgreSQL in one message
(``mo.db.direct.batch_on_driver``): the same answers as the executor's, one round
trip, statements prepared once per connection, and a connection that fails is
not pooled again; on the service's engines, one connection of its own kept for
these messages (``mo.db.engine.LOOKUP``). On SQLite nothing changes: its
statements run level by level."""

# ruff: noqa: F811 - `world` is the fixture imported from tests.test_joined

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.util import greenlet_spawn

import mo.db.direct as direct
import mo.db.engine as engine_module
import mo.graphapi.context as context
import mo.graphapi.view as view
from mo.config import LOCAL_ADMIN, Settings
from mo.db.engine import make_engine, one_message
from tests.test_joined import CPR, HANDLED, UNIT_A, UNIT_B, World, world  # noqa: F401 - the fixture
from tests.test_planned import OPERATIONS, both_ways

pytestmark = pytest.mark.asyncio

PERSON_PAGE = HANDLED["person page by cpr"]
UNIT_PAGE = (
    "query ($u: [UUID!]) { org_units(filter: {uuids: $u}) { objects { uuid current { name "
    "children { name } engagements { user_key person { given_name } } } } } }",
    {"u": [UNIT_A]},
)


def postgresql(world: World) -> bool:
    return world.client.engine.dialect.name == "postgresql"


@contextmanager
def messages(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[int, bytes]]]:
    """(id of the driver connection, message) for every batch sent meanwhile."""
    sent: list[tuple[int, bytes]] = []
    original = direct.batch_on_driver

    async def recording(engine: Any, connection: Any, statements: Any) -> Any:
        driver = connection.driver_connection
        cursor_of = driver.cursor

        class Cursor:  # psycopg's cursor has slots: a stand-in that records what it sends
            def __init__(self) -> None:
                self.made = cursor_of()

            async def execute(self, query: Any, *args: Any, **kwargs: Any) -> Any:
                sent.append((id(driver), query if isinstance(query, bytes) else query.encode()))
                await self.made.execute(query, *args, **kwargs)
                return self

            def __getattr__(self, name: str) -> Any:
                return getattr(self.made, name)

        def cursor() -> Any:
            return Cursor()

        driver.cursor = cursor
        try:
            return await original(engine, connection, statements)
        finally:
            del driver.cursor

    monkeypatch.setattr(context, "batch_on_driver", recording)
    yield sent


@asynccontextmanager
async def one_connection(world: World) -> AsyncIterator[AsyncEngine]:
    """An engine on the world's database whose pool holds one connection, so that
    every request uses the same one."""
    engine = create_async_engine(
        world.client.engine.url.render_as_string(hide_password=False),
        pool_size=1,
        max_overflow=0,
        connect_args={"prepare_threshold": 0},
    )
    try:
        yield engine
    finally:
        await engine.dispose()


async def ask(engine: AsyncEngine, document: str, variables: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    return await view.execute(engine, document, variables, actor=LOCAL_ADMIN)


def given_names(body: dict[str, Any]) -> list[str]:
    return [p["current"]["given_name"] for p in body["data"]["persons"]["objects"]]


async def person_pages(engine: AsyncEngine, times: int) -> None:
    """Asks for the person page ``times`` times; each answer finds Sia."""
    for _ in range(times):
        body, _ = await ask(engine, *PERSON_PAGE)
        assert given_names(body) == ["Sia"]


async def held(engine: AsyncEngine, check: bool = True) -> int:
    """How many statements the one connection holds prepared for batches; asserts
    that the server's list (``pg_prepared_statements``) is the connection's own
    (unless not ``check``). Ends its transaction with a commit: after a rollback
    psycopg would deallocate every prepared statement."""
    connection = await engine.raw_connection()
    try:
        driver = connection.driver_connection
        cursor = driver.cursor()
        await cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'mo\\_%'")
        names = {name.encode() for (name,) in await cursor.fetchall()}
        await cursor.close()
        await driver.commit()
        assert names == set(driver._mo_statements) or not check
        return len(names)
    finally:
        await greenlet_spawn(connection.close)


async def sqlite_sends_none(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a PostgreSQL-only test asserts on SQLite: a small lookup sends no batch,
    its statements run level by level in an inline snapshot."""
    with messages(monkeypatch) as sent:
        body, ctx = await ask(world.client.engine, *PERSON_PAGE)
    assert sent == [] and ctx.driver_only and ctx.statements == 2
    assert given_names(body) == ["Sia"]


@pytest.mark.parametrize("page", ["person", "unit"])
async def test_a_small_lookup_is_one_message_on_postgresql(
    world: World, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    document, variables = PERSON_PAGE if page == "person" else UNIT_PAGE
    with messages(monkeypatch) as sent:
        body, taken, ctx = await both_ways(world, monkeypatch, document, variables)
    assert taken and "errors" not in body
    if page == "person":
        assert given_names(body) == ["Sia"]
    else:
        [unit] = body["data"]["org_units"]["objects"]
        assert unit["current"]["children"] and unit["current"]["engagements"]
    statements = ctx.statements
    if postgresql(world):
        # the planned path's one message (the executor's runs, which both_ways compares, send none)
        [(_, message)] = sent
        assert message.startswith(b"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ")
        assert message.endswith(b"; COMMIT")
        assert message.count(b"EXECUTE mo_") == statements
    else:
        assert sent == []
    # a statement per to-many level, as level by level: person, engagements; unit, children, engagements
    assert statements == (2 if page == "person" else 3)


async def test_statements_are_prepared_once_per_connection(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    if not postgresql(world):
        return await sqlite_sends_none(world, monkeypatch)
    async with one_connection(world) as engine:
        with messages(monkeypatch) as sent:
            await person_pages(engine, 3)
        assert len({driver for driver, _ in sent}) == 1 and len(sent) == 3
        first, *later = [message for _, message in sent]
        assert first.count(b"PREPARE mo_") == 2
        assert all(b"PREPARE" not in message and message.count(b"EXECUTE mo_") == 2 for message in later)
        assert await held(engine) == 2


async def test_the_least_recently_used_statements_are_deallocated(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``SERVER_STATEMENTS`` a message deallocates the oldest, never one it uses."""
    if not postgresql(world):
        return await sqlite_sends_none(world, monkeypatch)
    monkeypatch.setattr(direct, "SERVER_STATEMENTS", 1)
    async with one_connection(world) as engine:
        with messages(monkeypatch) as sent:
            for document, variables in (PERSON_PAGE, UNIT_PAGE, PERSON_PAGE):
                body, ctx = await ask(engine, document, variables)
                assert "errors" not in body and ctx.alone is False  # the batch ran: it is used up
        assert [message.count(b"EXECUTE mo_") for _, message in sent] == [2, 3, 2]
        # the second deallocates the first's two; the third, the second's three
        assert [message.count(b"DEALLOCATE mo_") for _, message in sent] == [0, 2, 3]
        assert await held(engine) == 2


async def test_statements_a_rollback_deallocated_are_prepared_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """psycopg sends ``DEALLOCATE ALL`` after a rollback on a connection where it has
    prepared statements of its own: a failed mutation on the same connection takes
    the batch's too. The next message finds its statements gone, is sent again
    with them prepared, on the same connection."""
    if not postgresql(world):
        return await sqlite_sends_none(world, monkeypatch)
    async with one_connection(world) as engine:
        expected, _ = await ask(engine, *PERSON_PAGE)
        assert await held(engine) == 2
        failed, _ = await view.execute(
            engine,
            "mutation ($i: OrganisationUnitUpdateInput!) { org_unit_update(input: $i) { uuid } }",
            {"i": {"uuid": str(uuid4()), "name": "nobody", "validity": {"from": "2022-01-01"}}},
            actor=LOCAL_ADMIN,
        )
        # rolled back: psycopg deallocated them all
        assert failed.get("errors") and await held(engine, check=False) == 0
        with messages(monkeypatch) as sent:
            body, ctx = await ask(engine, *PERSON_PAGE)
        assert body == expected and ctx.driver_only and ctx.statements == 2
        first, lookup, again = [message for _, message in sent]
        assert b"PREPARE" not in first and b"pg_prepared_statements" in lookup
        assert again.count(b"PREPARE mo_") == 2 and again.count(b"EXECUTE mo_") == 2
        assert len({driver for driver, _ in sent}) == 1 and await held(engine) == 2


async def test_a_failed_message_discards_its_connection_and_the_executor_answers(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A message that fails otherwise (here its ``PREPARE``: the session's search
    path finds no tables) leaves what the connection holds unknown: the executor
    answers, and the connection is not pooled again, so the next request
    prepares its statements on a new one."""
    if not postgresql(world):
        return await sqlite_sends_none(world, monkeypatch)
    expected, _ = await ask(world.client.engine, *PERSON_PAGE)
    async with one_connection(world) as engine:
        connection = await engine.raw_connection()
        first = connection.driver_connection
        await first.execute("SET search_path TO nowhere")
        await first.commit()
        await greenlet_spawn(connection.close)
        with messages(monkeypatch) as sent:
            body, ctx = await ask(engine, *PERSON_PAGE)
            assert body == expected and not ctx.driver_only  # the executor's context: the planned path gave up
            assert first.closed
            again, ctx = await ask(engine, *PERSON_PAGE)
        assert again == expected and ctx.statements == 2
        assert [message.count(b"PREPARE mo_") for _, message in sent] == [2, 2]
        assert sent[0][0] == id(first) != sent[1][0]
        assert engine.sync_engine.pool.checkedout() == 0


async def test_the_connection_goes_back_idle_and_not_in_autocommit(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not postgresql(world):
        return await sqlite_sends_none(world, monkeypatch)
    async with one_connection(world) as engine:
        for document, variables in (
            PERSON_PAGE,
            (
                "query ($u: [UUID!]) { org_units(filter: {uuids: $u}) { objects { current { name } } } }",
                {"u": [str(uuid4())]},
            ),
        ):
            body, _ = await ask(engine, document, variables)
            assert "errors" not in body
            connection = await engine.raw_connection()
            driver = connection.driver_connection
            assert driver.autocommit is False and driver.info.transaction_status.name == "IDLE"
            await greenlet_spawn(connection.close)
        # and the next user may write
        body, _ = await view.execute(
            engine,
            "mutation ($i: OrganisationUnitUpdateInput!) { org_unit_update(input: $i) { uuid } }",
            {"i": {"uuid": UNIT_B, "name": "B again", "validity": {"from": "2022-01-01"}}},
            actor=LOCAL_ADMIN,
        )
        assert body["data"] == {"org_unit_update": {"uuid": UNIT_B}}, body


@pytest.mark.parametrize(
    "keys",
    [
        ["s-b", "o'k", "back\\slash", "%(key)s", "$1", "'); DROP TABLE engagement; --", "æøå"],
        ["s-b", *(f"k{number}" for number in range(60))],
    ],
    ids=["quoted", "long"],
)
async def test_filter_values_are_literals_and_long_filters_go_level_by_level(
    world: World, monkeypatch: pytest.MonkeyPatch, keys: list[str]
) -> None:
    document = (
        "query ($k: [String!]) { engagements(filter: {user_keys: $k}) { objects { uuid "
        "current { user_key person { given_name } } } } }"
    )
    with messages(monkeypatch) as sent:
        body, taken, _ = await both_ways(world, monkeypatch, document, {"k": keys})
    assert taken and [e["current"]["user_key"] for e in body["data"]["engagements"]["objects"]] == ["s-b"]
    batched = postgresql(world) and len(keys) <= 50
    assert len(sent) == (1 if batched else 0)
    if batched:
        assert b"o''k" in sent[0][1]  # quoted by psycopg, in an array literal


@pytest.mark.parametrize(
    "name", ["two listings, aliases and __typename", "a page", "current on another day than the filter's"]
)
async def test_other_listings_are_read_level_by_level(world: World, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Two listings share one snapshot; a page, or current on another day, reads its listing first."""
    document, variables, operation_name, *_ = OPERATIONS[name]
    with messages(monkeypatch) as sent:
        body, taken, ctx = await both_ways(world, monkeypatch, document, variables, operation_name)
    assert taken and ctx.driver_only and "errors" not in body
    assert sent == []


async def test_one_message_can_be_turned_off(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """``MO_PG_ONE_MESSAGE=false`` (behind PgBouncer in transaction mode): the same
    answer, level by level in a snapshot."""
    monkeypatch.setenv("MO_PG_ONE_MESSAGE", "false")
    assert Settings(_env_file=None).pg_one_message is False
    if not postgresql(world):
        return await sqlite_sends_none(world, monkeypatch)
    url = world.client.engine.url.render_as_string(hide_password=False)
    engine = make_engine(url, one_message=False)
    try:
        assert one_message(engine) is False and one_message(world.client.engine) is True
        expected, _ = await ask(world.client.engine, *PERSON_PAGE)
        with messages(monkeypatch) as sent:
            body, ctx = await ask(engine, *PERSON_PAGE)
        assert body == expected and sent == [] and ctx.driver_only and ctx.statements == 2
    finally:
        await engine.dispose()


# --- the engine's lookup connection (mo.db.engine.LOOKUP) ---


@asynccontextmanager
async def service_engine(world: World) -> AsyncIterator[AsyncEngine]:
    """An engine as the service makes it (``make_engine``), on the world's database."""
    engine = make_engine(world.client.engine.url.render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        await engine.dispose()


@asynccontextmanager
async def with_lookup(world: World) -> AsyncIterator[tuple[AsyncEngine, dict[str, Any], Any]]:
    """``service_engine`` after one person page: the engine, that page's answer and
    the lookup connection it opened (its driver connection)."""
    async with service_engine(world) as engine:
        expected, _ = await ask(engine, *PERSON_PAGE)
        yield engine, expected, kept(engine)


def kept(engine: AsyncEngine) -> Any:
    """The engine's lookup connection's driver connection, or None."""
    found = engine_module._LOOKUPS.get(engine.sync_engine)
    return None if found is None else found.connection.driver_connection


async def test_lookups_keep_one_connection_outside_the_pool_in_autocommit(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not postgresql(world):
        return await sqlite_sends_none(world, monkeypatch)
    async with service_engine(world) as engine:
        with messages(monkeypatch) as sent:
            await person_pages(engine, 3)
        lookup = kept(engine)
        assert lookup is not None and {driver for driver, _ in sent} == {id(lookup)}
        assert [message.count(b"PREPARE mo_") for _, message in sent] == [2, 0, 0]
        assert lookup.autocommit is True and lookup.info.transaction_status.name == "IDLE"
        assert engine.sync_engine.pool.checkedout() == 0
        connection = await engine.raw_connection()  # the pool's own: the lookup connection is not among them
        assert connection.driver_connection is not lookup
        await greenlet_spawn(connection.close)
        # a rolled-back write runs on a pooled connection: the lookups' statements stay prepared
        failed, _ = await view.execute(
            engine,
            "mutation ($i: OrganisationUnitUpdateInput!) { org_unit_update(input: $i) { uuid } }",
            {"i": {"uuid": str(uuid4()), "name": "nobody", "validity": {"from": "2022-01-01"}}},
            actor=LOCAL_ADMIN,
        )
        assert failed.get("errors")
        with messages(monkeypatch) as sent:
            body, ctx = await ask(engine, *PERSON_PAGE)
        [(driver, message)] = sent
        assert driver == id(lookup) and b"PREPARE" not in message and ctx.statements == 2
    # dispose closes it
    assert lookup.closed and kept(engine) is None


async def test_a_busy_lookup_connection_leaves_the_next_lookup_to_the_pool(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not postgresql(world):
        return await sqlite_sends_none(world, monkeypatch)
    async with with_lookup(world) as (engine, expected, lookup):
        with messages(monkeypatch) as sent:
            answers = await asyncio.gather(*(ask(engine, *PERSON_PAGE) for _ in range(3)))
        assert all(body == expected for body, _ in answers)
        drivers = [driver for driver, _ in sent]
        assert drivers.count(id(lookup)) == 1 and len(set(drivers)) == 3
        assert kept(engine) is lookup and engine.sync_engine.pool.checkedout() == 0
        for _ in range(2):  # the pooled ones went back with autocommit off
            connection = await engine.raw_connection()
            assert connection.driver_connection.autocommit is False
            await greenlet_spawn(connection.close)


async def test_a_lookup_connection_that_fails_or_died_is_replaced(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A message that fails on it closes it and the executor answers; one the server
    closed is noticed before use. Either way the next lookup keeps a new one."""
    if not postgresql(world):
        return await sqlite_sends_none(world, monkeypatch)
    async with with_lookup(world) as (engine, expected, first):
        await first.execute("SET search_path TO nowhere")  # its next PREPARE fails
        await first.execute("DEALLOCATE ALL")
        first._mo_statements.clear()
        body, ctx = await ask(engine, *PERSON_PAGE)
        assert body == expected and not ctx.driver_only  # the executor answered
        assert first.closed and kept(engine) is None
        body, _ = await ask(engine, *PERSON_PAGE)
        second = kept(engine)
        assert body == expected and second is not None and second is not first
        async with engine.connect() as conn:  # the server ends the lookup connection's backend
            await conn.exec_driver_sql(f"SELECT pg_terminate_backend({second.info.backend_pid})")
        for _ in range(500):  # until the server's goodbye reaches the socket
            if not engine_module._alive(engine_module._LOOKUPS[engine.sync_engine].connection):
                break
            await asyncio.sleep(0.01)
        else:
            raise AssertionError("the terminated backend's connection still looks alive after 5 s")
        with messages(monkeypatch) as sent:
            body, ctx = await ask(engine, *PERSON_PAGE)
        assert body == expected and ctx.driver_only and ctx.statements == 2
        assert second.closed and kept(engine) is not None and kept(engine) is not second
        assert [driver for driver, _ in sent] == [id(kept(engine))]


async def test_disposing_while_the_lookup_connection_is_in_use_closes_it_after(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not postgresql(world):
        return await sqlite_sends_none(world, monkeypatch)
    async with with_lookup(world) as (engine, expected, lookup):
        original = direct.batch_on_driver

        async def dispose_meanwhile(*args: Any) -> Any:
            await engine.dispose()
            assert not lookup.closed  # in use
            return await original(*args)

        monkeypatch.setattr(context, "batch_on_driver", dispose_meanwhile)
        body, _ = await ask(engine, *PERSON_PAGE)
        assert body == expected and lookup.closed and kept(engine) is None
