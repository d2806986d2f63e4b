"""The `mo` command: serve, schema, db upgrade, load-sample."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from mo.config import get_settings


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from mo.app import create_app

    settings = get_settings()
    if args.upgrade or args.sample:
        asyncio.run(_prepare(args.sample))
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


def _db_upgrade(args: argparse.Namespace) -> int:
    asyncio.run(_prepare(sample=False))
    print("MO: database schema is up to date")
    return 0


def _load_sample(args: argparse.Namespace) -> int:
    asyncio.run(_prepare(sample=True))
    return 0


def main(argv: list[str] | None = None) -> None:
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
    args = parser.parse_args(argv)
    sys.exit(args.run(args))
