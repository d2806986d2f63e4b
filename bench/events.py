"""Change events: throughput through the outbox and the relay, commit-to-broker latency.

    python -m bench.events [--backend sqlite|postgresql|both] [--backlog 20000] [--writes 2000]
                           [--writers 4] [--poll 0.05] [--batch 500] [--amqp URL]

Needs RabbitMQ (default amqp://guest:guest@127.0.0.1:5672/) and, for PostgreSQL,
the server of MO_TEST_POSTGRES (default postgresql+psycopg://postgres@127.0.0.1:5432);
it makes a database ``mo_bench_events`` there. Two measurements per backend:

1. backlog: ``--backlog`` outbox rows are waiting (as after a broker outage); one
   relay publishes them all; events/s from its start until the broker confirmed the
   last one and a consumer received it.
2. live: ``--writers`` concurrent clients make ``--writes`` registry writes through
   the GraphQL layer (``employee_create``, one event each) while the relay runs;
   per write, the latency from its commit until a consumer bound to the exchange
   received the event; p50/p99/max, and the events/s sustained.

The relay is `mo relay` in a process of its own, as in production; the writers
and the consumer share this process, and time.time() is one clock for both.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import aio_pika
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from mo.config import LOCAL_ADMIN
from mo.db.engine import make_engine, write_transaction
from mo.db.migrate import upgrade
from mo.events.outbox import publish
from mo.graphapi.view import execute

PG_SERVER = os.environ.get("MO_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")
CREATE = "mutation ($input: EmployeeCreateInput!) { employee_create(input: $input) { uuid } }"


@dataclass
class Result:
    backend: str
    backlog: int
    backlog_seconds: float
    writes: int
    writes_seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float

    @property
    def backlog_rate(self) -> float:
        return self.backlog / self.backlog_seconds

    @property
    def live_rate(self) -> float:
        return self.writes / self.writes_seconds


class Receiver:
    """An exclusive queue bound to every key of the exchange; arrival times by uuid."""

    def __init__(self, url: str, exchange: str) -> None:
        self.url = url
        self.exchange = exchange
        self.arrived: dict[str, float] = {}
        self.count = 0
        self.changed = asyncio.Event()

    async def __aenter__(self) -> Receiver:
        self.connection = await aio_pika.connect(self.url)
        channel = await self.connection.channel()
        await channel.set_qos(prefetch_count=1000)
        exchange = await channel.declare_exchange(self.exchange, aio_pika.ExchangeType.TOPIC, durable=True)
        queue = await channel.declare_queue("", exclusive=True)
        await queue.bind(exchange, "#")

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            self.arrived.setdefault(json.loads(message.body), time.time())
            self.count += 1
            self.changed.set()

        await queue.consume(on_message, no_ack=True)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.connection.close()

    async def wait_for(self, count: int, limit: float) -> None:
        deadline = time.time() + limit
        while self.count < count:
            self.changed.clear()
            remaining = deadline - time.time()
            if remaining <= 0:
                raise TimeoutError(f"received {self.count} of {count} events")
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except TimeoutError:
                pass


class RelayProcess:
    """`mo relay` against the benchmark's database and a fresh exchange."""

    def __init__(self, engine: AsyncEngine, amqp: str, exchange: str, batch: int, poll: float) -> None:
        self.env = {
            **os.environ,
            "MO_DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "MO_AMQP_URL": amqp,
            "MO_AMQP_EXCHANGE": exchange,
            "MO_RELAY_BATCH": str(batch),
            "MO_RELAY_POLL_SECONDS": str(poll),
        }

    async def __aenter__(self) -> RelayProcess:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "mo",
            "relay",
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=open(os.environ.get("BENCH_RELAY_LOG", os.devnull), "ab"),
        )
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), 30)
        assert line.startswith(b"MO: relaying"), line
        await asyncio.sleep(0.5)  # connected to the broker
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(self.process.wait(), 15)


async def fresh_engine(backend: str, workdir: Path) -> AsyncEngine:
    if backend == "sqlite":
        engine = make_engine(f"sqlite+aiosqlite:///{workdir / 'events.sqlite'}")
    else:
        admin = create_async_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.execute(text("DROP DATABASE IF EXISTS mo_bench_events WITH (FORCE)"))
            await conn.execute(text("CREATE DATABASE mo_bench_events"))
        await admin.dispose()
        engine = make_engine(f"{PG_SERVER}/mo_bench_events")
    await upgrade(engine)
    return engine


async def backlog(engine: AsyncEngine, amqp: str, rows: int, batch: int, poll: float) -> float:
    """Seconds a relay needs to publish ``rows`` outbox rows that appear at once."""
    subjects = [("person", uuid4()) for _ in range(rows)]
    exchange = f"os2mo-bench-{uuid4().hex[:8]}"
    async with Receiver(amqp, exchange) as receiver, RelayProcess(engine, amqp, exchange, batch, poll):
        async with write_transaction(engine) as conn:
            await publish(conn, subjects, cause="refresh")
        started = time.time()
        await receiver.wait_for(rows, 600)
        return time.time() - started


async def live(
    engine: AsyncEngine, amqp: str, writes: int, writers: int, batch: int, poll: float
) -> tuple[float, list[float]]:
    """Seconds for ``writes`` writes by ``writers`` clients, and each one's commit-to-broker latency."""
    exchange = f"os2mo-bench-{uuid4().hex[:8]}"
    committed: dict[str, float] = {}
    async with Receiver(amqp, exchange) as receiver, RelayProcess(engine, amqp, exchange, batch, poll):

        async def writer(n: int) -> None:
            for i in range(n, writes, writers):
                uuid = str(uuid4())
                data = {"input": {"uuid": uuid, "given_name": f"B{i}", "surname": "Bench"}}
                body, _ = await execute(engine, CREATE, data, actor=LOCAL_ADMIN)
                assert "errors" not in body, body
                committed[uuid] = time.time()

        started = time.time()
        await asyncio.gather(*(writer(n) for n in range(writers)))
        await receiver.wait_for(writes, 120)
        seconds = time.time() - started
    latencies = [(receiver.arrived[u] - t) * 1000 for u, t in committed.items()]
    return seconds, latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def run(backend: str, args: argparse.Namespace) -> Result:
    workdir = Path(tempfile.mkdtemp(prefix="mo-bench-events-"))
    engine = await fresh_engine(backend, workdir)
    try:
        backlog_seconds = await backlog(engine, args.amqp, args.backlog, args.batch, args.poll)
        seconds, latencies = await live(engine, args.amqp, args.writes, args.writers, args.batch, args.poll)
    finally:
        await engine.dispose()
        shutil.rmtree(workdir, ignore_errors=True)
    return Result(
        backend,
        args.backlog,
        backlog_seconds,
        args.writes,
        seconds,
        percentile(latencies, 0.5),
        percentile(latencies, 0.99),
        max(latencies),
    )


def table(results: list[Result], args: argparse.Namespace) -> str:
    lines = [
        f"relay batch {args.batch}, poll {args.poll}s; backlog {args.backlog} rows; "
        f"{args.writes} writes by {args.writers} clients",
        "",
        "| backend | backlog events/s | live events/s | commit→broker p50 | p99 | max |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.backend} | {r.backlog_rate:,.0f} | {r.live_rate:,.0f} | "
            f"{r.p50_ms:.1f} ms | {r.p99_ms:.1f} ms | {r.max_ms:.1f} ms |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.events", description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--backlog", type=int, default=20000)
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--poll", type=float, default=0.05)
    parser.add_argument("--amqp", default=os.environ.get("MO_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"))
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = [asyncio.run(run(backend, args)) for backend in backends]
    print(table(results, args))


if __name__ == "__main__":
    main()
