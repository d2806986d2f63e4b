"""The `mo` command: serve, schema, db upgrade, load-sample, relay, scheduler, cpr-rotate."""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mo.config import Settings


def get_settings() -> Settings:
    """The settings; imported on use, so `mo serve` can pause the collector first."""
    from mo.config import get_settings

    return get_settings()


def _serve(args: argparse.Namespace) -> int:
    # The imports and the schema make ~200k objects that live for good, and the
    # collector would walk them again and again while they are made; the app's
    # lifespan turns it on again once the schema is built (mo.app.prepare_schema).
    gc.disable()
    import uvicorn

    from mo.app import create_app

    from mo.auth.http import bind_refusal

    settings = get_settings()
    refusal = bind_refusal(settings, args.host or settings.host)
    if refusal is not None:
        print(f"MO: {refusal}", file=sys.stderr)
        return 2
    if args.upgrade or args.sample:
        gc.enable()  # migrating and loading the sample run with the collector on, like `mo load-sample`
        asyncio.run(_prepare(args.sample))
        gc.disable()
    if settings.keycloak_url:
        print(f"MO: bearer tokens of realm {settings.keycloak_realm!r} at {settings.keycloak_url} are required")
    else:
        print(
            "MO: local mode: no identity provider (MO_KEYCLOAK_URL is unset), so every request acts as the "
            "local administrator and the server listens on loopback only",
            flush=True,
        )
    print(f"MO: GraphQL and GraphiQL at http://{args.host or settings.host}:{args.port or settings.port}/graphql")
    print(f"MO: database {settings.database_url.split('@')[-1]}")
    uvicorn.run(create_app(settings), host=args.host or settings.host, port=args.port or settings.port, log_level="info")
    return 0


async def _prepare(sample: bool) -> None:
    from sqlalchemy import func, select

    from mo.db.engine import make_engine
    from mo.db.migrate import upgrade
    from mo.db.tables import registrations

    engine = make_engine(get_settings().database_url)
    try:
        await upgrade(engine)
        if sample:
            async with engine.connect() as conn:
                empty = (await conn.scalar(select(func.count()).select_from(registrations.registration))) == 0
            if empty:
                await _load(engine)
            else:
                print("MO: the database already has data; sample not loaded")
    finally:
        await engine.dispose()


async def _load(engine: object) -> None:
    from mo.sample import load_sample

    started = time.perf_counter()
    summary = await load_sample(engine)  # type: ignore[arg-type]
    print(f"MO: sample loaded in {time.perf_counter() - started:.1f}s: {summary}")


def _schema(args: argparse.Namespace) -> int:
    from mo.graphapi.schema import sdl

    sys.stdout.write(sdl())
    return 0


def _warm(args: argparse.Namespace) -> int:
    """Compile what a start would otherwise compile: the bytecode of ``mo`` and
    ``bitemporal``, and the code ``dataclasses`` writes for the classes ``mo serve``
    defines (mo.dataclass_cache), as an installed package has its bytecode."""
    import compileall
    import importlib
    from pathlib import Path

    import uvicorn  # noqa: F401 - imported by `mo serve` before the app

    import bitemporal
    import mo.app  # noqa: F401 - the modules `mo serve` imports
    from mo import dataclass_cache
    from mo.graphapi.schema import get_schema

    for driver in ("aiosqlite", "psycopg"):  # imported by a first request
        importlib.import_module(driver)
    get_schema()  # not the server's prepare_schema: that would save the cache unpruned first
    packages = [Path(__file__).resolve().parent, Path(bitemporal.__file__).resolve().parent]
    for package in packages:
        compileall.compile_dir(package, quiet=1)
    print(f"MO: bytecode compiled in {', '.join(package.name for package in packages)}")
    cache = dataclass_cache.install()
    if cache is None:
        print("MO: MO_DATACLASS_CACHE=0: dataclass code not kept")
    elif cache.save(prune=True):
        print(f"MO: dataclass code of {len(cache.used)} methods kept in {cache.path}")
    else:
        print(f"MO: could not write {cache.path}", file=sys.stderr)
        return 1
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    asyncio.run(_prepare(sample=False))
    print("MO: database schema is up to date")
    return 0


def _load_sample(args: argparse.Namespace) -> int:
    asyncio.run(_prepare(sample=True))
    return 0


def _cpr_rotate(args: argparse.Namespace) -> int:
    from mo.db.engine import make_engine
    from mo.security.rotate import rotate

    async def run() -> None:
        engine = make_engine(get_settings().database_url)
        try:
            done = await rotate(engine)
        finally:
            await engine.dispose()
        print(f"MO: {done.rows} stored CPR number(s) sealed under key {done.key_id!r}; older keys can now be removed")

    asyncio.run(run())
    return 0


def _run_until_signalled(work: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    """Run ``work(stop)``; SIGTERM and SIGINT set ``stop`` for a clean exit."""
    import signal

    async def runner() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await work(stop)

    asyncio.run(runner())


def _relay(args: argparse.Namespace) -> int:
    import logging
    from datetime import timedelta

    from mo.db.engine import make_engine
    from mo.events.relay import Relay

    settings = get_settings()
    if not settings.amqp_url:
        print("MO: set MO_AMQP_URL (amqp://user:password@host:5672/) to relay events to RabbitMQ", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if settings.relay_metrics_port:
        from prometheus_client import start_http_server

        start_http_server(settings.relay_metrics_port)

    async def work(stop: asyncio.Event) -> None:
        engine = make_engine(settings.database_url, echo=settings.sql_echo)
        relay = Relay(
            engine,
            settings.amqp_url or "",
            exchange=settings.amqp_exchange,
            batch=settings.relay_batch,
            lease=settings.relay_lease_seconds,
            poll=settings.relay_poll_seconds,
            retention=timedelta(days=settings.outbox_retention_days),
        )
        print(f"MO: relaying events to exchange {settings.amqp_exchange!r} as {relay.name!r}", flush=True)
        try:
            await relay.run(stop)
        finally:
            await engine.dispose()

    _run_until_signalled(work)
    return 0


def _scheduler(args: argparse.Namespace) -> int:
    import logging

    from mo.db.engine import make_engine
    from mo.events.scheduler import Scheduler

    settings = get_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    async def work(stop: asyncio.Event) -> None:
        engine = make_engine(settings.database_url, echo=settings.sql_echo)
        try:
            scheduler = Scheduler(engine)
            if args.once:
                days = await scheduler.run_once()
                print(f"MO: effective-date events emitted for {len(days)} day(s)", flush=True)
            else:
                print("MO: effective-date scheduler running", flush=True)
                await scheduler.run_forever(settings.scheduler_interval_seconds, stop)
        finally:
            await engine.dispose()

    _run_until_signalled(work)
    return 0


def main(argv: list[str] | None = None) -> None:
    from mo import dataclass_cache

    dataclass_cache.install()  # before the imports that define the schema's classes
    parser = argparse.ArgumentParser(prog="mo", description="The municipal organisation registry.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the API (GraphiQL at /graphql)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--upgrade", action="store_true", help="migrate the database first")
    serve.add_argument("--sample", action="store_true", help="migrate, and load the sample municipality if empty")
    serve.set_defaults(run=_serve)
    commands.add_parser("schema", help="print the GraphQL SDL").set_defaults(run=_schema)
    db = commands.add_parser("db", help="database commands").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="migrate the database to the newest schema").set_defaults(run=_db_upgrade)
    commands.add_parser("load-sample", help="migrate, and load the sample municipality into an empty database").set_defaults(
        run=_load_sample
    )
    commands.add_parser("relay", help="publish change events to RabbitMQ (needs MO_AMQP_URL)").set_defaults(run=_relay)
    scheduler = commands.add_parser("scheduler", help="emit events on the days future-dated changes take effect")
    scheduler.add_argument("--once", action="store_true", help="catch up to today, then exit")
    scheduler.set_defaults(run=_scheduler)
    commands.add_parser(
        "cpr-rotate", help="re-encrypt every stored CPR number under the first key of MO_CPR_KEYS"
    ).set_defaults(run=_cpr_rotate)
    commands.add_parser(
        "warm", help="compile the bytecode and dataclass code a start would otherwise compile (after installing)"
    ).set_defaults(run=_warm)
    args = parser.parse_args(argv)
    sys.exit(args.run(args))
