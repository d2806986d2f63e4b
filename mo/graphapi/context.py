"""Everything one GraphQL request shares: its clock, its transaction, its loaders."""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import PoolProxiedConnection
from strawberry.types import Info

from bitemporal import Interval, Registrar
from mo.auth.principal import Principal, local_admin
from mo.auth.scope import OwnerScope
from mo.db.direct import Prepared, batch_on_driver, run_on_driver
from mo.db.direct import run as run_prepared
from mo.db.engine import driver_autocommit, driver_snapshot, read_transaction, write_transaction
from mo.db.tables import registrations
from mo.events.outbox import record_registration
from mo.graphapi.loaders import Loaders
from mo.graphapi.window import Window
from mo.service.context import WriteContext
from mo.timezone import day_of


class RequestContext:
    """Per-request state. "Now" is fixed once, when the request starts.

    The transaction opens on first use: a mutation opens a writing transaction
    before anything reads, so the whole request (and the read-back of what it
    wrote) is one transaction, committed or rolled back by the view.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        now: datetime,
        actor: UUID,
        note: str | None = None,
        principal: Principal | None = None,
    ) -> None:
        self.engine = engine
        self.now = now
        self.today: date = day_of(now)
        self.actor = actor
        self.note = note
        #: Who the request is and what it may do; in-process callers that pass only
        #: an actor act with every permission (as local mode does).
        self.principal: Principal = principal if principal is not None else local_admin(actor)
        #: Root-field reads, for the access log: (field, model, arguments, uuids).
        self.reads: list[tuple[str, str, dict[str, Any], list[UUID]]] = []
        self.log_reads = False
        self.statements = 0
        self._loaders: Loaders | None = None
        #: A unit and everything above it, for inherited managers (see mo.graphapi.managers).
        self._stack = AsyncExitStack()
        self._conn: AsyncConnection | None = None
        self._write: WriteContext | None = None
        #: Set before the first statement by a caller that sends only ``Prepared``
        #: statements: they then run in a snapshot on the driver connection itself
        #: (``mo.db.engine.driver_snapshot``), without SQLAlchemy's connection.
        self.driver_only = False
        self._driver: PoolProxiedConnection | None = None
        #: Set by a caller whose one listing is the request's only read: on
        #: PostgreSQL its statements may then come in one message, with their own
        #: transaction (``batch``).
        self.alone = False

    @property
    def loaders(self) -> Loaders:
        """The request's dataloaders (made on first use: a planned query has none)."""
        if self._loaders is None:
            self._loaders = Loaders(self.execute, self.engine.dialect.name)
        return self._loaders

    @property
    def default_window(self) -> Window:
        return Window(Interval.day(self.today))

    async def connection(self) -> AsyncConnection:
        if self._conn is None:
            if self.driver_only:
                raise RuntimeError("this request reads on the driver connection: prepared statements only")
            self._conn = await self._stack.enter_async_context(read_transaction(self.engine))
        return self._conn

    async def execute(self, statement: Any, parameters: dict[str, Any] | None = None) -> Any:
        """Run a read statement in the request's transaction, counting statements
        (a ``Prepared`` one on the driver connection: ``mo.db.direct``)."""
        if self.driver_only and type(statement) is Prepared:
            driver = self._driver
            if driver is None:
                driver = self._driver = await self._stack.enter_async_context(driver_snapshot(self.engine))
            self.statements += 1
            return await run_on_driver(self.engine.sync_engine, driver, statement, parameters or {})
        conn = await self.connection()
        self.statements += 1
        if type(statement) is Prepared:
            return await run_prepared(conn, statement, parameters or {})
        return await conn.execute(statement, parameters)

    async def batch(self, statements: list[tuple[Prepared, dict[str, Any]]]) -> list[list[Any]]:
        """The rows of each ``Prepared`` statement, read in one snapshot that is the
        request's only transaction (PostgreSQL, ``mo.db.direct.batch_on_driver``)."""
        if not (self.alone and self.driver_only) or self._driver is not None or self._conn is not None:
            raise RuntimeError("a batch is a request's only read")
        self.alone = False  # one per request
        async with driver_autocommit(self.engine) as connection:
            rows = await batch_on_driver(self.engine.sync_engine, connection, statements)
        self.statements += len(statements)
        return rows

    async def writer(self) -> WriteContext:
        # Every write asks for the writer: what the request read before it may be stale now.
        if self._loaders is not None:
            self._loaders.clear()
        if self._write is None:
            if self._conn is not None or self._driver is not None:
                raise RuntimeError("a write must come before any read in a request")
            self._conn = await self._stack.enter_async_context(write_transaction(self.engine))
            registrar = Registrar(self._conn, registrations, self.actor, self.note, clock=lambda: self.now)
            guard = None
            if self.principal.scoped_models:
                guard = OwnerScope(self.principal.owner, self.principal.scoped_models)
            self._write = WriteContext(self._conn, registrar, self.today, guard=guard)
        return self._write

    @property
    def wrote(self) -> bool:
        return self._write is not None and self._write.registrar.registration is not None

    async def finish(self, commit: bool) -> None:
        """End the transaction: commit when ``commit`` and it wrote, else roll back.

        Before a write commits, its change events go into the same transaction.
        """
        try:
            if self._conn is not None and not commit:
                await self._conn.rollback()
            elif self._conn is not None and self._write is not None:
                try:
                    registrar = self._write.registrar
                    await record_registration(self._conn, registrar.registration, registrar.touched)
                except BaseException:
                    await self._conn.rollback()
                    raise
        finally:
            # The loaders and this context refer to each other; emptying them frees
            # what the request read now rather than at the next collection.
            if self._loaders is not None:
                self._loaders.clear()
            await self._stack.aclose()


def context(info: Info) -> RequestContext:
    ctx = info.context
    assert isinstance(ctx, RequestContext)
    return ctx
